"""The noise kinds of the NIK and the No KK, one function per kind (groups ``nik``, ``nik_form``,
``kk_form`` and ``nik_lookalike`` of :data:`synthetic.noise.NOISE_GROUPS`).

Every function takes the rng, the column and the boolean row mask of its kind (and, after a ``*``,
what else it needs) and returns the changed column; a kind that draws nothing ignores the rng.
The digit kinds work on the NIK as a 16-digit integer, the written forms on its text. A "nik"
kind, a look-alike NIK and a ghost exclude each other on a row (:func:`synthetic.noise.noise_flags`),
so each of them finds the person's own NIK on its rows.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from synthetic.common import expr_on, gather, group_rank, years, ymd
from synthetic.naming import clan_of, compose_names

# ---- the digits --------------------------------------------------------------------------------


def nik_typo(rng: np.random.Generator, nik: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """One digit substituted."""
    out = nik.copy()
    rows = np.flatnonzero(mask)
    digits = (nik[rows, None] // 10 ** np.arange(15, -1, -1)) % 10
    p = rng.integers(0, 16, rows.size)
    old = digits[np.arange(rows.size), p]
    new = (old + rng.integers(1, 10, rows.size)) % 10
    out[rows] += (new - old) * 10 ** (15 - p)
    return out


def nik_transpose(rng: np.random.Generator, nik: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Two adjacent (different) digits swapped."""
    out = nik.copy()
    rows = np.flatnonzero(mask)
    digits = (nik[rows, None] // 10 ** np.arange(15, -1, -1)) % 10
    diff = digits[:, :-1] != digits[:, 1:]
    p = np.argmax(rng.random((rows.size, 15)) * diff, axis=1)
    i = np.arange(rows.size)
    a_, b_ = digits[i, p], digits[i, p + 1]
    out[rows] += (b_ - a_) * 10 ** (15 - p) + (a_ - b_) * 10 ** (14 - p)
    return out


def nik_other_member(
    rng: np.random.Generator,
    nik: np.ndarray,
    mask: np.ndarray,
    *,
    nik_true: np.ndarray,
    rank_in_household: np.ndarray,
    household_rows: np.ndarray,
) -> np.ndarray:
    """The NIK of another member of the same household: the next row's (the first row's for the last)."""
    out = nik.copy()
    rows = np.flatnonzero(mask)
    n = nik.size
    nxt = np.where(rank_in_household + 1 < household_rows, np.arange(n) + 1, np.arange(n) - rank_in_household)
    out[rows] = nik_true[nxt[rows]]
    return out


def nik_is_kk(rng: np.random.Generator, nik: np.ndarray, mask: np.ndarray, *, no_kk: np.ndarray) -> np.ndarray:
    """The No KK typed into the NIK column."""
    out = nik.copy()
    rows = np.flatnonzero(mask)
    out[rows] = no_kk[rows]
    return out


def nik_excel_zero16(rng: np.random.Generator, nik: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Excel kept 15 digits: the 16th became 0."""
    out = nik.copy()
    rows = np.flatnonzero(mask)
    out[rows] -= out[rows] % 10
    return out


def nik_typo_twin(rng: np.random.Generator, nik: np.ndarray, mask: np.ndarray, *, twin_nik: pl.Series) -> np.ndarray:
    """One serial digit mistyped: exactly the (same-sex) twin's NIK (``twin_nik`` per row)."""
    return _lookalike_nik(nik, mask, twin_nik)


def nik_typo_namesake(
    rng: np.random.Generator, nik: np.ndarray, mask: np.ndarray, *, namesake_nik: pl.Series
) -> np.ndarray:
    """One serial digit mistyped: exactly a namesake's NIK (``namesake_nik`` per row)."""
    return _lookalike_nik(nik, mask, namesake_nik)


def nik_typo_family(
    rng: np.random.Generator, nik: np.ndarray, mask: np.ndarray, *, family_nik: pl.Series
) -> np.ndarray:
    """One digit mistyped or two swapped: exactly another member of the family card (``family_nik``)."""
    return _lookalike_nik(nik, mask, family_nik)


def _lookalike_nik(nik: np.ndarray, mask: np.ndarray, lookalike: pl.Series) -> np.ndarray:
    out = nik.copy()
    rows = np.flatnonzero(mask)
    if rows.size:
        out[rows] = lookalike.gather(pl.Series(rows)).cast(pl.Int64).to_numpy()
    return out


def nik_swap_twin(rng: np.random.Generator, nik: np.ndarray, mask: np.ndarray, *, swap_row: pl.Series) -> np.ndarray:
    """Both twins' rows in the file carry each other's NIK.

    ``mask`` flags both rows of a pair; ``swap_row`` is set on the first of them (the other's row).
    """
    out = nik.copy()
    first = np.flatnonzero(mask & swap_row.is_not_null().to_numpy())
    second = swap_row.to_numpy()[first].astype(np.int64) if first.size else first
    out[first], out[second] = nik[second], nik[first]
    return out


def nik_fabricated(
    rng: np.random.Generator,
    nik: np.ndarray,
    mask: np.ndarray,
    *,
    ghost_mask: np.ndarray,
    ghost_prefix: np.ndarray,
    population_nik: np.ndarray,
) -> np.ndarray:
    """A real person, a NIK not in Dukcapil: the same region and birth digits, a free serial.

    The ghosts' NIKs (``ghost_mask`` rows, their first 12 digits ``ghost_prefix`` from :func:`ghost`)
    are made in the same draw, so that no two made-up NIKs are equal.
    """
    out = nik.copy()
    fab, ghost_rows = np.flatnonzero(mask), np.flatnonzero(ghost_mask)
    prefixes = np.r_[nik[fab] // 10_000, ghost_prefix].astype(np.int64)
    made = _fabricate_serials(rng, prefixes, population_nik)
    out[fab] = made[: fab.size]
    out[ghost_rows] = made[fab.size :]
    return out


def _fabricate_serials(rng: np.random.Generator, prefixes: np.ndarray, population_nik: np.ndarray) -> np.ndarray:
    """NIKs with the given 12-digit prefixes whose serials no one in Dukcapil (or here) holds."""
    if prefixes.size == 0:
        return prefixes.astype(np.int64)
    pop_prefix = pl.Series("p", population_nik // 10_000)
    counts = (
        pl.DataFrame({"p": pop_prefix})
        .filter(pl.col("p").is_in(pl.Series(np.unique(prefixes)).implode()))
        .group_by("p")
        .len()
        .sort("p")
    )
    cp = np.r_[counts["p"].to_numpy().astype(np.int64), np.iinfo(np.int64).max]  # sentinel: never matches
    cn = np.r_[counts["len"].to_numpy().astype(np.int64), 0]
    i = np.searchsorted(cp, prefixes)
    used = np.where(cp[i] == prefixes, cn[i], 0)
    rank, _ = group_rank(prefixes, rng.permutation(prefixes.size))
    serial = used + 1 + rng.integers(0, 8, prefixes.size) + 10 * rank
    if serial.max() > 9999:
        raise ValueError("no free NIK serial left for a fabricated NIK")
    nik = prefixes * 10_000 + serial
    if pl.Series(nik).is_in(pl.Series(population_nik).implode()).any():
        raise RuntimeError("a fabricated NIK exists in Dukcapil")
    return nik


def ghost(
    rng: np.random.Generator,
    nama: pl.Series,
    birth: np.ndarray,
    mask: np.ndarray,
    *,
    ref: int,
    culture: np.ndarray,
    female: np.ndarray,
    fam: np.ndarray,
    kode_wilayah: pl.Series,
) -> tuple[pl.Series, np.ndarray, np.ndarray]:
    """A person not in Dukcapil at all: a new name and birth date (within two years of the row's
    person, of the same culture and sex) and the first 12 digits of a NIK in the row's district.

    Returns the names, the birth dates (days) and, per ghost row, the NIK prefix: the serial is
    made with the fabricated NIKs (:func:`nik_fabricated`).
    """
    rows = np.flatnonzero(mask)
    if rows.size == 0:
        return nama, birth, np.zeros(0, np.int64)
    g_bd = np.clip(birth[rows] + rng.integers(-700, 700, rows.size), ref - years(90), ref - 2)
    gy, gm, gd = ymd(g_bd)
    g_fam = fam[rows]
    g_names = compose_names(
        rng, culture[rows], female[rows], gy, g_fam, clan_of(rng, g_fam, culture[rows]), rng.integers(0, 4, rows.size)
    )
    birth = birth.copy()
    birth[rows] = g_bd
    kec = kode_wilayah.str.slice(0, 6).cast(pl.Int64).to_numpy()[rows]
    prefix = kec * 1_000_000 + (gd + 40 * female[rows]) * 10_000 + gm * 100 + gy % 100
    return nama.clone().scatter(rows, g_names), birth, prefix


# ---- the written form --------------------------------------------------------------------------


def nik_excel_sci(rng: np.random.Generator, nik: pl.Series, mask: np.ndarray) -> pl.Series:
    """Excel scientific notation, 6 significant digits: 3201012345678901 -> 3.20101E+15 (digits lost for good)."""
    rows = np.flatnonzero(mask)
    if rows.size == 0:
        return nik
    value = nik.gather(pl.Series(rows)).cast(pl.Int64).to_numpy()
    lead = value // 10**10 + ((value // 10**9) % 10 >= 5)
    sci = expr_on(
        pl.Series(lead).cast(pl.String),
        (pl.col("s").str.slice(0, 1) + "." + pl.col("s").str.slice(1)).str.strip_chars_end("0").str.strip_chars_end(".")
        + "E+15",
    )
    return nik.clone().scatter(rows, sci)


def nik_apostrophe(rng: np.random.Generator, nik: pl.Series, mask: np.ndarray) -> pl.Series:
    """``'3201...``."""
    return expr_on(nik, pl.when(pl.col("m")).then("'" + pl.col("s")).otherwise(pl.col("s")), m=mask)


def nik_spaces(rng: np.random.Generator, nik: pl.Series, mask: np.ndarray) -> pl.Series:
    """Surrounding spaces (one of four paddings, drawn for every row)."""
    pad = gather((" {} ", "{} ", "  {}", " {}  "), rng.integers(0, 4, nik.len()))
    return expr_on(
        nik,
        pl.when(pl.col("m")).then(pl.col("pad").str.replace("{}", pl.col("s"), literal=True)).otherwise(pl.col("s")),
        m=mask,
        pad=pad,
    )


def nik_quoted(rng: np.random.Generator, nik: pl.Series, mask: np.ndarray) -> pl.Series:
    """Literal double quotes around the value."""
    return expr_on(nik, pl.when(pl.col("m")).then('"' + pl.col("s") + '"').otherwise(pl.col("s")), m=mask)


def nik_dot0(rng: np.random.Generator, nik: pl.Series, mask: np.ndarray) -> pl.Series:
    """A trailing ``.0``."""
    return expr_on(nik, pl.when(pl.col("m")).then(pl.col("s") + ".0").otherwise(pl.col("s")), m=mask)


def kk_format(rng: np.random.Generator, no_kk: pl.Series, mask: np.ndarray) -> pl.Series:
    """The No KK with an apostrophe, surrounding spaces or a trailing ``.0`` (a third each)."""
    form = rng.integers(0, 3, no_kk.len())
    no_kk = nik_apostrophe(rng, no_kk, mask & (form == 0))
    no_kk = nik_spaces(rng, no_kk, mask & (form == 1))
    return nik_dot0(rng, no_kk, mask & (form == 2))
