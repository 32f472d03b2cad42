"""Name similarity of candidate pairs (0-100): token scores of the name keys, abbreviations
(``SITI S`` for SITI SALMA) and Chinese clan names (``LIM`` for SALIM), batch-scored with rapidfuzz; and
whether two name keys are the same name."""

from __future__ import annotations

import numpy as np
import polars as pl
from rapidfuzz import fuzz, process

from transforms.names import nama_key_y_expr


def pair_scores(a: pl.Series, b: pl.Series, scorer) -> np.ndarray:
    if len(a) == 0:
        return np.zeros(0)
    return process.cpdist(a.fill_null("").to_list(), b.fill_null("").to_list(), scorer=scorer, workers=-1)


ABBREVIATION_SCORE = 90.0


def _abbreviation_or_clan_score(a: str, b: str, clan_names: dict[str, tuple[str, ...]]) -> float:
    """Scores a pair that plain edit scores undervalue: an abbreviated word (``JOKO J`` for ``JOKO
    JUMADI``) or a Chinese clan name for its adopted Indonesian name (``LIEM`` for ``SALIM``).

    Abbreviations give ``ABBREVIATION_SCORE`` when every word of the shorter name is a word or the
    initial of an unused word of the longer one, in order, and at least one whole word agrees."""
    ta, tb = a.split(), b.split()
    for x, y in ((ta, tb), (tb, ta)):
        y_forms = {t.replace("J", "Y"): t for t in y}  # J may be an old Y: compare both readings
        for i, tok in enumerate(x):
            for adopted in clan_names.get(tok, ()):
                hit = y_forms.get(adopted.replace("J", "Y"))
                if hit:
                    x[i] = hit
    best = fuzz.token_sort_ratio(" ".join(ta), " ".join(tb))
    if _abbreviates(ta, tb):
        best = max(best, ABBREVIATION_SCORE)
    return best


def _abbreviates(ta: list[str], tb: list[str]) -> bool:
    """Whether the shorter of two tokenised names abbreviates the longer: every word of it is a word
    or the initial of an unused word of the longer one, in order, it holds an initial, and at least
    one whole word agrees (``JOKO J`` for ``JOKO JUMADI``)."""
    short, long_ = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    if not (any(len(t) == 1 for t in short) and len(short) >= 2):
        return False
    j, whole = 0, 0
    for tok in short:
        while j < len(long_) and not (long_[j] == tok or (len(tok) == 1 and long_[j].startswith(tok))):
            j += 1
        if j == len(long_):
            return False
        whole += long_[j] == tok
        j += 1
    return whole >= 1


def same_name(a_key: pl.Series, b_key: pl.Series) -> np.ndarray:
    """Whether two name keys write the same name: equal (also when every J is read as an old Y), or
    one abbreviates the other (``SITI T`` for ``SITI TAMBUNAN``). A typo or another given name is not
    the same name: that is where twins differ."""
    frame = pl.DataFrame({"a": a_key, "b": b_key}).with_columns(ay=nama_key_y_expr("a"), by=nama_key_y_expr("b"))
    out = ((frame["a"] == frame["b"]) | (frame["ay"] == frame["by"])).fill_null(False).to_numpy().copy()
    for i in np.flatnonzero(~out):
        a, b = frame["a"][int(i)], frame["b"][int(i)]
        if a and b:
            out[i] = _abbreviates(a.split(), b.split())
    return out


def name_similarity(
    a_key: pl.Series,
    b_key: pl.Series,
    clan_names: dict[str, tuple[str, ...]] | None = None,
    special: np.ndarray | None = None,
) -> np.ndarray:
    """0-100 similarity of two name keys: the best of ``ratio`` (typos, first letters included),
    ``token_sort_ratio`` (reordered words) and ``ratio`` without spaces (words run together), on the
    new-spelling keys and on the J->Y keys; then, for the few pairs still below 90 that hold an
    initial or a clan name (and where ``special`` allows, default everywhere), the abbreviation /
    clan score."""
    a_key, b_key = a_key.alias("a"), b_key.alias("b")
    same = ((a_key == b_key) & (a_key.str.len_chars() > 0)).fill_null(False).to_numpy()
    if same.any():  # most pairs of a month carry the same name: only the others need scoring
        best = np.full(len(a_key), 100.0)
        rest = np.flatnonzero(~same)
        if rest.size:
            best[rest] = name_similarity(
                a_key.gather(rest), b_key.gather(rest), clan_names, None if special is None else special[rest]
            )
        return best
    frame = pl.DataFrame({"a": a_key, "b": b_key}).with_columns(
        ay=nama_key_y_expr("a"),
        by=nama_key_y_expr("b"),
        a0=pl.col("a").str.replace_all(" ", "", literal=True),
        b0=pl.col("b").str.replace_all(" ", "", literal=True),
    )
    best = np.zeros(frame.height)
    for a, b in (("a", "b"), ("ay", "by")):
        best = np.maximum(best, pair_scores(frame[a], frame[b], fuzz.ratio))
        best = np.maximum(best, pair_scores(frame[a], frame[b], fuzz.token_sort_ratio))
    best = np.maximum(best, pair_scores(frame["a0"], frame["b0"], fuzz.ratio))
    clans = clan_names or {}
    pattern = r"\b[A-Z]\b" + ("|\\b(?:" + "|".join(sorted(clans)) + ")\\b" if clans else "")
    todo = np.flatnonzero(
        (best < ABBREVIATION_SCORE)
        & (True if special is None else special)
        & (
            frame["a"].str.contains(pattern).fill_null(False) | frame["b"].str.contains(pattern).fill_null(False)
        ).to_numpy()
    )
    idx = pl.Series(todo)
    a_list, b_list = frame["a"].gather(idx).to_list(), frame["b"].gather(idx).to_list()
    for i, a, b in zip(todo, a_list, b_list):  # a handful of pairs: initials and clan names are rare
        if a and b:
            best[i] = max(best[i], _abbreviation_or_clan_score(a, b, clans))
    return best
