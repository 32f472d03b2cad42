"""The noise kinds of the name, one function per kind (group ``name`` of
:data:`synthetic.noise.NOISE_GROUPS`), and the call names written instead of the registered name.

Every ``name_*`` function takes the rng, the names and the boolean row mask of its kind (and,
after a ``*``, what else it needs) and returns the names with the variant on those rows; a kind
that draws nothing ignores the rng. :func:`with_name_variants` applies them in order; the call
names themselves are found by :mod:`synthetic.callnames` (before the noise is drawn, since a
call-name kind is drawn only where one exists) and put in by :func:`with_call_names`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial

import numpy as np
import polars as pl

from synthetic import names as N
from synthetic.common import expr_on, gather, subset_apply
from synthetic.naming import compose_names, modern_spelling_expr, old_spelling_expr
from synthetic.noise import NOISE_GROUPS

MUHAMMAD_RE = r"(^|\s)(MUHAMMAD|MUHAMAD|MOHAMMAD|MOHAMAD|MOCHAMMAD|MOCHAMAD|MUHAMMED|MUHAMAT|MOCH\.|MOH\.|M\.)(\s|$)"


def name_spelling(rng: np.random.Generator, nama: pl.Series, mask: np.ndarray) -> pl.Series:
    """Old/new spelling swap: oe/u dj/j tj/c j/y sj/sy ch/kh."""
    return _on_rows(nama, mask, lambda s, r: _spelling_variant(rng, s))


def name_muhammad(rng: np.random.Generator, nama: pl.Series, mask: np.ndarray) -> pl.Series:
    """Muhammad written another way: Muhamad/Mohammad/Moh./M. ..."""
    return _on_rows(nama, mask, lambda s, r: _muhammad_variant(rng, s))


def name_title(rng: np.random.Generator, nama: pl.Series, mask: np.ndarray, *, female: np.ndarray) -> pl.Series:
    """A title: H./Hj./Drs./Ir. before the name, S.Pd./S.E. ... after it."""
    return _on_rows(nama, mask, lambda s, r: _title_variant(rng, s, female[r]))


def name_bin(
    rng: np.random.Generator, nama: pl.Series, mask: np.ndarray, *, female: np.ndarray, father: pl.Series
) -> pl.Series:
    """``BIN`` / ``BINTI`` and the father's name (:func:`fathers`) after the name."""
    return _on_rows(nama, mask, lambda s, r: s + pl.Series(np.where(female[r], " BINTI ", " BIN ")) + father.gather(r))


def name_case(rng: np.random.Generator, nama: pl.Series, mask: np.ndarray) -> pl.Series:
    """Lower case or Title Case (half each)."""
    return _on_rows(
        nama,
        mask,
        lambda s, r: expr_on(
            s,
            pl.when(pl.col("lo")).then(pl.col("s").str.to_lowercase()).otherwise(pl.col("s").str.to_titlecase()),
            lo=rng.random(r.size) < 0.5,
        ),
    )


def name_spaces(rng: np.random.Generator, nama: pl.Series, mask: np.ndarray) -> pl.Series:
    """Doubled, leading or trailing spaces."""
    return _on_rows(nama, mask, lambda s, r: _space_variant(rng, s))


def name_typo(rng: np.random.Generator, nama: pl.Series, mask: np.ndarray) -> pl.Series:
    """One character substituted, dropped or doubled."""
    return _on_rows(nama, mask, lambda s, r: _typo(rng, s))


def name_abbrev(rng: np.random.Generator, nama: pl.Series, mask: np.ndarray) -> pl.Series:
    """The middle (or last) word abbreviated to its initial: BUDI SANTOSO WIBOWO -> BUDI S. WIBOWO."""
    return _on_rows(
        nama,
        mask,
        lambda s, r: expr_on(
            s,
            pl.when(pl.col("s").str.count_matches(" ") >= 2)
            .then(pl.col("s").str.replace(r"^(\S+) (\S)\S* ", "${1} ${2}. "))
            .otherwise(pl.col("s").str.replace(r"^(\S+) (\S)\S*$", "${1} ${2}")),
        ),
    )


def name_reorder(rng: np.random.Generator, nama: pl.Series, mask: np.ndarray) -> pl.Series:
    """The first word moved to the end, or the last to the front (half each)."""
    return _on_rows(
        nama,
        mask,
        lambda s, r: expr_on(
            s,
            pl.when(pl.col("first"))
            .then(pl.col("s").str.replace(r"^(\S+) (.+)$", "${2} ${1}"))
            .otherwise(pl.col("s").str.replace(r"^(.+) (\S+)$", "${2} ${1}")),
            first=rng.random(r.size) < 0.5,
        ),
    )


def name_chinese_form(rng: np.random.Generator, nama: pl.Series, mask: np.ndarray) -> pl.Series:
    """An Indonesianised family name written as the clan name: SALIM -> LIEM."""
    return _on_rows(nama, mask, lambda s, r: _chinese_form(s))


def with_name_variants(
    rng: np.random.Generator, nama: pl.Series, flags: Mapping[str, np.ndarray], *, female: np.ndarray, father: pl.Series
) -> tuple[pl.Series, dict[str, np.ndarray]]:
    """The names with the name kinds of their rows applied, in the order of the kinds.

    A variant that does not change a name (no MUHAMMAD to respell ...) gives it a typo instead:
    the row's flag moves from its kind to ``name_typo`` (the returned flags).
    """
    variants = {
        "name_spelling": name_spelling,
        "name_muhammad": name_muhammad,
        "name_title": partial(name_title, female=female),
        "name_bin": partial(name_bin, female=female, father=father),
        "name_case": name_case,
        "name_spaces": name_spaces,
        "name_typo": name_typo,
        "name_abbrev": name_abbrev,
        "name_reorder": name_reorder,
        "name_chinese_form": name_chinese_form,
    }
    flags = dict(flags)
    for kind, variant in variants.items():
        rows = np.flatnonzero(flags[kind])
        if rows.size == 0:
            continue
        changed = variant(rng, nama, flags[kind])
        same = (changed.gather(rows) == nama.gather(rows)).to_numpy()
        if same.any():  # the variant did not change this name: it gets a typo instead
            retyped = np.zeros(nama.len(), dtype=bool)
            retyped[rows[same]] = True
            changed = name_typo(rng, changed, retyped)
            flags[kind] = flags[kind] & ~retyped
            flags["name_typo"] = flags["name_typo"] | retyped
        nama = changed
    return nama, flags


def with_call_names(nama: pl.Series, flags: Mapping[str, np.ndarray], call_names: pl.DataFrame) -> pl.Series:
    """The call name instead of the registered name on the rows of a ``call_name_*`` kind
    (``call_names``: one column per kind, from :func:`synthetic.callnames.call_names`)."""
    for kind in NOISE_GROUPS["call_name"]:
        rows = np.flatnonzero(flags[kind])
        if rows.size:
            nama = nama.clone().scatter(rows, call_names[kind].gather(pl.Series(rows)))
    return nama


def _on_rows(nama: pl.Series, mask: np.ndarray, variant: Callable[[pl.Series, np.ndarray], pl.Series]) -> pl.Series:
    """``nama`` with ``variant(nama[rows], rows)`` on the rows of ``mask``."""
    rows = np.flatnonzero(mask)
    return subset_apply(nama, rows, lambda s: variant(s, rows))


def fathers(
    rng: np.random.Generator, population: pl.DataFrame, base: pl.DataFrame, culture: np.ndarray, birth_year: np.ndarray
) -> pl.Series:
    """For BIN/BINTI: the father's name (the male head or SUAMI for children), else a made-up one."""
    n = base.height
    hh_ids = base["hh_id"]
    dads = population.filter(
        pl.col("hh_id").is_in(hh_ids.unique().implode())
        & (
            ((pl.col("STAT_HBKEL") == "KEPALA KELUARGA") & (pl.col("JENIS_KLMIN") == "LAKI-LAKI"))
            | (pl.col("STAT_HBKEL") == "SUAMI")
        )
    ).select("hh_id", dad="NAMA_LGKP")
    known = (
        pl.DataFrame({"hh_id": hh_ids, "role": base["STAT_HBKEL"]})
        .join(dads, on="hh_id", how="left", maintain_order="left")
        .select(pl.when(pl.col("role") == "ANAK").then(pl.col("dad")))["dad"]
    )
    made = compose_names(
        rng,
        culture,
        np.zeros(n, dtype=bool),
        birth_year - 28,
        np.full(n, -1),
        np.full(n, -1),
        np.zeros(n, dtype=np.int64),
    )
    # a father's "name" for bin/binti is usually just his first one or two words
    made = made.str.extract(r"^(\S+(?: \S+)?)", 1)
    return known.fill_null(made)


def _typo(rng: np.random.Generator, s: pl.Series) -> pl.Series:
    n = s.len()
    length = s.str.len_chars().to_numpy()
    p = np.floor(rng.random(n) * length).astype(np.int64)
    op = rng.integers(0, 4, n)  # 0,1 substitute, 2 drop, 3 double
    letter = gather(tuple("ABCDEFGHIJKLMNOPRSTUWY"), rng.integers(0, 22, n))
    out = expr_on(
        s,
        pl.when(pl.col("op") <= 1)
        .then(
            pl.concat_str([pl.col("s").str.slice(0, pl.col("p")), pl.col("c"), pl.col("s").str.slice(pl.col("p") + 1)])
        )
        .when(pl.col("op") == 2)
        .then(pl.concat_str([pl.col("s").str.slice(0, pl.col("p")), pl.col("s").str.slice(pl.col("p") + 1)]))
        .otherwise(pl.concat_str([pl.col("s").str.slice(0, pl.col("p") + 1), pl.col("s").str.slice(pl.col("p"))])),
        p=p,
        op=op,
        c=letter,
    )
    same = (out == s).to_numpy()
    if same.any():  # a substitution by the same letter: double that letter instead
        rows = np.flatnonzero(same)
        out = out.scatter(
            rows,
            expr_on(
                s.gather(rows),
                pl.concat_str([pl.col("s").str.slice(0, pl.col("p") + 1), pl.col("s").str.slice(pl.col("p"))]),
                p=p[rows],
            ),
        )
    return out


def _spelling_variant(rng: np.random.Generator, s: pl.Series) -> pl.Series:
    n = s.len()
    has_old = s.str.contains(r"OE|DJ|TJ|SJ|CH").to_numpy()
    fwd = {f"r{i}": ~has_old & (rng.random(n) < 0.6) for i in range(6)}
    back = {f"b{i}": has_old & (rng.random(n) < 0.75) for i in range(4)}
    e = old_spelling_expr(pl.col("s"), [pl.col(f"r{i}") for i in range(6)])
    e = modern_spelling_expr(e, [pl.col(f"b{i}") for i in range(4)])
    return expr_on(s, e, **fwd, **back)


def _muhammad_variant(rng: np.random.Generator, s: pl.Series) -> pl.Series:
    variants = N.MUHAMMAD_VARIAN
    pick = rng.integers(0, len(variants), s.len())
    # Two passes over every row: the variant drawn, then the next one on top of it. (The second
    # pass was meant for the rows the first left unchanged, but it compared the Series with itself,
    # since Series.scatter writes into the Series it is called on; kept so a seed's output stays.)
    out = s
    for attempt in range(2):
        for vi, v in enumerate(variants):
            rows = np.flatnonzero((pick + attempt) % len(variants) == vi)
            out = subset_apply(out, rows, lambda x, v=v: x.str.replace(MUHAMMAD_RE, f"${{1}}{v}${{3}}"))
    return out


def _title_variant(rng: np.random.Generator, s: pl.Series, female: np.ndarray) -> pl.Series:
    n = s.len()
    pre = np.where(female, _draw_list(rng, N.GELAR_DEPAN_PEREMPUAN, n), _draw_list(rng, N.GELAR_DEPAN_LAKI, n))
    post = _draw_list(rng, N.GELAR_BELAKANG, n)
    before = rng.random(n) < 0.6
    return expr_on(
        s,
        pl.when(pl.col("b")).then(pl.col("pre") + " " + pl.col("s")).otherwise(pl.col("s") + pl.col("post")),
        b=before,
        pre=pl.Series(pre),
        post=pl.Series(post),
    )


def _draw_list(rng: np.random.Generator, words: tuple[str, ...], n: int) -> np.ndarray:
    return np.asarray(words, dtype=object)[rng.integers(0, len(words), n)]


def _space_variant(rng: np.random.Generator, s: pl.Series) -> pl.Series:
    v = rng.integers(0, 4, s.len())
    return expr_on(
        s,
        pl.when((pl.col("v") == 0) & pl.col("s").str.contains(" "))
        .then(pl.col("s").str.replace(" ", "  ", literal=True))
        .when(pl.col("v") == 1)
        .then(" " + pl.col("s"))
        .when(pl.col("v") == 2)
        .then(pl.col("s") + "  ")
        .otherwise(" " + pl.col("s").str.replace_all(" ", "  ", literal=True) + " "),
        v=v,
    )


def _chinese_form(s: pl.Series) -> pl.Series:
    out = s
    for modern, clan in N.TIONGHOA_BENTUK:
        out = out.str.replace(rf"(^|\s){modern}$", f"${{1}}{clan}")
    return out
