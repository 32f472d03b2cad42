"""The rows a careful operator must reject (``expect_valid = False``), one function per kind (group
``invalid`` of :data:`synthetic.noise.NOISE_GROUPS`).

Every function takes the rng, the column and the boolean row mask of its kind (and, after a ``*``,
what else it needs) and returns the changed column; ``invalid_formula`` changes ``nama`` or
``alamat`` and returns both.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from synthetic.common import expr_on, gather, str_ints

_INVALID_DATES = ("00-00-0000", "TIDAK TAHU", "-", "", "32/13/{y}", "31-02-{y}", "{y}-14-40", "??-??-{y}")
_INVALID_JENIS = ("TAMBAH", "UBAH", "GANTI", "MUTASI", "USUL BARU")
_FORMULAS = (
    '=HYPERLINK("x")',
    '=HYPERLINK("http://bit.ly/bansos","KLIK")',
    "=SUM(A1:A9)",
    "=CMD|' /C calc'!A0",
    '=IMPORTXML("http://x","//a")',
    "@SUM(1+1)",
)


def invalid_empty_nama(rng: np.random.Generator, nama: pl.Series, mask: np.ndarray) -> pl.Series:
    """No name: empty, a space or a dash."""
    rows = np.flatnonzero(mask)
    return nama.clone().scatter(rows, gather(("", "", " ", "-"), rng.integers(0, 4, rows.size))) if rows.size else nama


def invalid_date(
    rng: np.random.Generator, tanggal_lahir: pl.Series, mask: np.ndarray, *, year: np.ndarray
) -> pl.Series:
    """A date that is none: 00-00-0000, TIDAK TAHU, 31-02-<year of birth> ..."""
    rows = np.flatnonzero(mask)
    if rows.size == 0:
        return tanggal_lahir
    t = gather(_INVALID_DATES, rng.integers(0, len(_INVALID_DATES), rows.size))
    return tanggal_lahir.clone().scatter(
        rows, expr_on(t, pl.col("s").str.replace("{y}", pl.col("y"), literal=True), y=str_ints(year[rows], 4))
    )


def invalid_jenis_usulan(rng: np.random.Generator, jenis_usulan: pl.Series, mask: np.ndarray) -> pl.Series:
    """A proposal type the template does not have: TAMBAH, UBAH, MUTASI ..."""
    rows = np.flatnonzero(mask)
    if rows.size == 0:
        return jenis_usulan
    return jenis_usulan.clone().scatter(rows, gather(_INVALID_JENIS, rng.integers(0, len(_INVALID_JENIS), rows.size)))


def invalid_wilayah(rng: np.random.Generator, kode_wilayah: pl.Series, mask: np.ndarray) -> pl.Series:
    """A village code that does not exist: an unused number in the row's district (mostly), or in
    no province at all."""
    rows = np.flatnonzero(mask)
    if rows.size == 0:
        return kode_wilayah
    bad = np.where(
        rng.random(rows.size) < 0.7,
        kode_wilayah.gather(rows).str.slice(0, 6).cast(pl.Int64).to_numpy() * 10_000
        + 9000
        + rng.integers(0, 1000, rows.size),
        9_900_000_000 + rng.integers(0, 100_000_000, rows.size),
    )
    return kode_wilayah.clone().scatter(rows, str_ints(bad, 10))


def invalid_formula(
    rng: np.random.Generator, nama: pl.Series, alamat: pl.Series, mask: np.ndarray, *, in_nama: np.ndarray
) -> tuple[pl.Series, pl.Series]:
    """=HYPERLINK(...) and friends, in ``nama`` where ``in_nama``, else in ``alamat``."""
    rows = np.flatnonzero(mask)
    if rows.size == 0:
        return nama, alamat
    f = gather(_FORMULAS, rng.integers(0, len(_FORMULAS), rows.size))
    here = in_nama[rows]
    nama = nama.clone().scatter(rows[here], f.filter(pl.Series(here))) if here.any() else nama
    alamat = alamat.clone().scatter(rows[~here], f.filter(pl.Series(~here))) if (~here).any() else alamat
    return nama, alamat


def invalid_missing_alasan(rng: np.random.Generator, alasan: pl.Series, mask: np.ndarray) -> pl.Series:
    """A HAPUS or SANGGAH without its reason (it applies only to those rows)."""
    rows = np.flatnonzero(mask)
    return alasan.clone().scatter(rows, pl.Series([""] * rows.size, dtype=pl.String)) if rows.size else alasan
