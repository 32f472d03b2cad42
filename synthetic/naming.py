"""Composing names: full names from the word pools of :mod:`synthetic.cultures` by culture, sex
and generation; family and clan names; the very common full names; the old and the new spelling;
and the regular expressions that find the parts of a composed name (the given word, a Balinese
birth-order prefix)."""

from __future__ import annotations

import re

import numpy as np
import polars as pl

from synthetic import names as N
from synthetic.common import choice, gather, skewed, subset_apply
from synthetic.cultures import (
    CULTURE_INDEX,
    CULTURES,
    EJAAN_CULTURES,
    FAM_LISTS,
    MUSLIM_CULTURES,
    OLD_PROFILES,
    PATTERNS,
    TH_CLAN_OF,
    WORD_OFFSET,
    WORD_POOL,
)


def draw_words(rng: np.random.Generator, list_name: str, size: int) -> np.ndarray:
    """``size`` words (pool indices) of the list ``list_name``, the front of the list more often."""
    start, n = WORD_OFFSET[list_name]
    return start + skewed(rng, n, size)


def fam_draw(rng: np.random.Generator, culture: np.ndarray) -> np.ndarray:
    """A family name (pool index) for every row of a family-name culture, -1 elsewhere."""
    fam = np.full(culture.size, -1, dtype=np.int64)
    for cname, lname in FAM_LISTS.items():
        rows = np.flatnonzero(culture == CULTURE_INDEX[cname])
        if rows.size:
            fam[rows] = draw_words(rng, lname, rows.size)
    return fam


def clan_of(rng: np.random.Generator, fam: np.ndarray, culture: np.ndarray) -> np.ndarray:
    """The clan name (pool index) behind a Chinese-Indonesian family name, random if unknown."""
    clan = np.full(fam.size, -1, dtype=np.int64)
    rows = np.flatnonzero(culture == CULTURE_INDEX["tionghoa"])
    if rows.size:
        th0 = WORD_OFFSET["M_TH"][0]
        mapped = TH_CLAN_OF[np.clip(fam[rows] - th0, 0, TH_CLAN_OF.size - 1)]
        random = draw_words(rng, "M_TH_LAMA", rows.size)
        clan[rows] = np.where(mapped >= 0, mapped, random)
    return clan


def old_spelling_expr(col: pl.Expr, flags: list[pl.Expr]) -> pl.Expr:
    """Apply the forward old-spelling rules (J->DJ, C->TJ, SY->SJ, Y->J, KH->CH, U->OE) where flagged."""
    for (new, old), flag in zip(N.EJAAN_LAMA, flags, strict=True):
        col = pl.when(flag).then(col.str.replace_all(new, old, literal=True)).otherwise(col)
    return col


def modern_spelling_expr(col: pl.Expr, flags: list[pl.Expr]) -> pl.Expr:
    """Undo old spelling where flagged: OE->U, CH->KH, TJ->C, DJ->J and the old J->Y (order matters)."""
    oe, ch, tj, j = flags
    col = pl.when(oe).then(col.str.replace_all("OE", "U", literal=True)).otherwise(col)
    col = pl.when(ch).then(col.str.replace_all("CH", "KH", literal=True)).otherwise(col)
    col = pl.when(tj).then(col.str.replace_all("TJ", "C", literal=True)).otherwise(col)
    jy = (
        col.str.replace_all("DJ", "\x00", literal=True)
        .str.replace_all("J", "Y", literal=True)
        .str.replace_all("\x00", "J", literal=True)
    )
    return pl.when(j).then(jy).otherwise(col)


_NAME_CHUNK = 1_000_000


def compose_names(
    rng: np.random.Generator,
    culture: np.ndarray,
    female: np.ndarray,
    birth_year: np.ndarray,
    fam: np.ndarray,
    clan: np.ndarray,
    order: np.ndarray,
    common_share: float = 0.0,
) -> pl.Series:
    """Full upper-case names, composed from the word pools by culture, sex and generation.

    ``common_share`` of the people of the Muslim-majority cultures get one of the very common full
    names instead (:func:`common_names`). Works in chunks of a million rows to bound the memory of
    the intermediate word columns.
    """
    people = (culture, female, birth_year, fam, clan, order)
    if culture.size <= _NAME_CHUNK:
        return _compose_names_chunk(rng, people, common_share)
    parts = [
        _compose_names_chunk(rng, tuple(a[i : i + _NAME_CHUNK] for a in people), common_share)
        for i in range(0, culture.size, _NAME_CHUNK)
    ]
    return pl.concat(parts, rechunk=True)


_COMMON_LISTS = (
    (N.NAMA_UMUM_LAKI_LAMA, N.NAMA_UMUM_LAKI_MUDA),
    (N.NAMA_UMUM_PEREMPUAN_LAMA, N.NAMA_UMUM_PEREMPUAN_MUDA),
)
_COMMON_ZIPF = 1.1  # the k-th most common name is about k**-1.1 times as frequent as the first
_COMMON_YOUNG_FROM = 1980


def common_names(rng: np.random.Generator, female: np.ndarray, birth_year: np.ndarray) -> pl.Series:
    """One very common full name per row (MUHAMMAD RIZKI, SITI AMINAH ...), by sex and generation, Zipf-like."""
    n = female.size
    out = np.empty(n, dtype=object)
    for sex in (0, 1):
        for young in (0, 1):
            rows = np.flatnonzero((female == bool(sex)) & ((birth_year >= _COMMON_YOUNG_FROM) == bool(young)))
            if rows.size == 0:
                continue
            words = _COMMON_LISTS[sex][young]
            w = 1.0 / np.arange(1, len(words) + 1) ** _COMMON_ZIPF
            out[rows] = np.asarray(words, dtype=object)[rng.choice(len(words), size=rows.size, p=w / w.sum())]
    return pl.Series(out.tolist(), dtype=pl.String)


def _compose_names_chunk(rng: np.random.Generator, people: tuple[np.ndarray, ...], common_share: float) -> pl.Series:
    """:func:`compose_names` for one chunk; ``people``: its culture, female, birth_year, fam, clan, order."""
    culture, female, birth_year, fam, clan, order = people
    n = culture.size
    cult = culture.astype(np.int64).copy()
    young = (birth_year >= 1988) & np.isin(cult, EJAAN_CULTURES) & (rng.random(n) < 0.55)
    cult[young] = CULTURE_INDEX["modern"]
    cult[(cult == CULTURE_INDEX["tionghoa"]) & (birth_year < 1966) & (rng.random(n) < 0.5)] = CULTURE_INDEX[
        "tionghoa_lama"
    ]
    key = cult * 2 + female.astype(np.int64)
    parts = np.full((4, n), -1, dtype=np.int32)
    for ci, cname in enumerate(CULTURES):
        for sex in (0, 1):
            rows = np.flatnonzero(key == ci * 2 + sex)
            if rows.size == 0:
                continue
            pats = PATTERNS[(cname, sex)]
            pick = choice(rng, tuple(w for w, _ in pats), rows.size)
            for j, (_, tokens) in enumerate(pats):
                sel = rows[pick == j]
                if sel.size == 0:
                    continue
                for k, tok in enumerate(tokens):
                    if tok == "FAM":
                        parts[k, sel] = fam[sel]
                    elif tok == "CLAN":
                        parts[k, sel] = clan[sel]
                    elif tok == "ORDER":
                        o = np.clip(order[sel], 0, 3)
                        out = np.empty(sel.size, dtype=np.int64)
                        for oi in range(4):
                            m = o == oi
                            out[m] = draw_words(rng, f"BALI_O_{'P' if sex else 'L'}{oi}", int(m.sum()))
                        parts[k, sel] = out
                    else:
                        parts[k, sel] = draw_words(rng, tok, sel.size)
    frame = pl.DataFrame({f"p{k}": parts[k] for k in range(4)})
    words = [
        WORD_POOL.gather(frame.select(pl.when(pl.col(f"p{k}") >= 0).then(pl.col(f"p{k}"))).to_series())
        for k in range(4)
    ]
    # a word never repeats right after itself (SITI SITI)
    for k in range(1, 4):
        words[k] = pl.select(
            pl.when(pl.lit(words[k]) != pl.lit(words[k - 1]).fill_null("")).then(pl.lit(words[k]))
        ).to_series()
    names = pl.DataFrame({f"w{k}": w for k, w in enumerate(words)}).select(
        pl.concat_str([f"w{k}" for k in range(4)], separator=" ", ignore_nulls=True).alias("nama")
    )["nama"]
    # the heavy tail: a share of the Muslim-majority cultures carry one of the very common full names
    if common_share > 0:
        rows = np.flatnonzero(np.isin(culture, MUSLIM_CULTURES) & (rng.random(n) < common_share))
        if rows.size:
            names = names.scatter(rows, common_names(rng, female[rows], birth_year[rows]))
    # old spelling for older people of the cultures that used it
    p_old = np.where(
        birth_year < 1960, 0.35, np.where(birth_year < 1972, 0.2, np.where(birth_year < 1985, 0.05, 0.005))
    )
    old = np.flatnonzero(np.isin(culture, EJAAN_CULTURES) & (rng.random(n) < p_old))
    profile = choice(rng, tuple(p for p, _ in OLD_PROFILES), old.size)
    for pi, (_, rules) in enumerate(OLD_PROFILES):
        rows = old[profile == pi]
        pairs = [N.EJAAN_LAMA[i] for i in rules]
        # one simultaneous pass equals the rules applied in order (leftmost-first: SY before Y)
        names = subset_apply(
            names,
            rows,
            lambda s, pairs=pairs: s.str.replace_many([a for a, _ in pairs], [b for _, b in pairs], leftmost=True),
        )
    # never a famous full name
    famous = names.is_in(list(N.NAMA_TERKENAL)).to_numpy()
    if famous.any():
        rows = np.flatnonzero(famous)
        extra = gather(
            WORD_POOL, np.where(female[rows], draw_words(rng, "BLK_P", rows.size), draw_words(rng, "BLK_L", rows.size))
        )
        names = names.scatter(rows, names.gather(rows) + " " + extra)
    return names.alias("nama")


_AWALAN_RE = "|".join(re.escape(w) for w in N.AWALAN_NAMA)
GIVEN_RE = rf"^((?:(?:{_AWALAN_RE}) )*)(\S+)(.*)$"  # prefix words, the given word, the rest
BALI_RE = r"^((?:I|NI)(?: (?:" + "|".join(N.BALI_URUTAN_KATA) + r"))+) (.+)$"
