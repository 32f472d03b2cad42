"""The noise kinds of the birth date, the sex, the village code and the address, one function per
kind (groups ``date``, ``sex``, ``wilayah`` and ``alamat`` of :data:`synthetic.noise.NOISE_GROUPS`).

Every function takes the rng, the column (or, for the written styles, the per-row style) and the
boolean row mask of its kind (and, after a ``*``, what else it needs) and returns the changed
column; a kind that draws nothing ignores the rng.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from synthetic.common import expr_on, gather, subset_apply
from transforms import wilayah

_EXCEL_EPOCH = (dt.date(1899, 12, 30) - dt.date(1970, 1, 1)).days  # -25569
_NONASCII = (" – ", " GG. SA’ADAH", " (DEPAN CAFÉ)")


def date_format_mixed(rng: np.random.Generator, date_format: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Another valid format (index into the three formats) than the rest of the file."""
    out = date_format.copy()
    out[mask] = (out[mask] + rng.integers(1, 3, int(mask.sum()))) % 3
    return out


def date_swap(
    rng: np.random.Generator, date: tuple[np.ndarray, np.ndarray, np.ndarray], mask: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Day and month swapped in the (year, month, day) of the date (it applies only where both are
    <= 12 and differ)."""
    y, m, d = date
    return y, np.where(mask, d, m), np.where(mask, m, d)


def date_excel_serial(
    rng: np.random.Generator, tanggal_lahir: pl.Series, mask: np.ndarray, *, birth: np.ndarray
) -> pl.Series:
    """The date as Excel's serial number: days since 1899-12-30 (``birth``: days since 1970-01-01)."""
    rows = np.flatnonzero(mask)
    return tanggal_lahir.clone().scatter(rows, pl.Series(birth[rows] - _EXCEL_EPOCH).cast(pl.String))


def sex_style_mixed(rng: np.random.Generator, long_form: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """L/P in a LAKI-LAKI/PEREMPUAN file or the reverse (``long_form``: the file's style per row)."""
    return long_form ^ mask


def wilayah_style_mixed(rng: np.random.Generator, dotted: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """A dotted village code in an undotted file or the reverse (``dotted``: the file's style per row)."""
    return dotted ^ mask


def alamat_comma(
    rng: np.random.Generator, alamat: pl.Series, mask: np.ndarray, *, kode_wilayah: pl.Series
) -> pl.Series:
    """Commas, and the village's name: ``JL. MAWAR NO. 12, RT 003 RW 005, DESA SUKAMAJU``."""
    rows = np.flatnonzero(mask)
    if rows.size == 0:
        return alamat
    desa = wilayah.villages().select("kode_wilayah", "nama_desa")
    names = (
        pl.DataFrame({"kode_wilayah": kode_wilayah.gather(rows)})
        .join(desa, on="kode_wilayah", how="left", maintain_order="left")["nama_desa"]
        .str.to_uppercase()
    )
    return alamat.clone().scatter(
        rows, alamat.gather(rows).str.replace(" RT ", ", RT ", literal=True) + ", DESA " + names
    )


def alamat_quote(rng: np.random.Generator, alamat: pl.Series, mask: np.ndarray) -> pl.Series:
    """Double quotes around the street or village name: ``JL. "MAWAR" NO. 12 ...``."""
    rows = np.flatnonzero(mask)
    return subset_apply(alamat, rows, lambda s: s.str.replace(r"^(JL\.|GG\.|DUSUN|KP\.|PERUM) (\S+)", '${1} "${2}"'))


def alamat_newline(rng: np.random.Generator, alamat: pl.Series, mask: np.ndarray) -> pl.Series:
    """A line break inside the (quoted) field, before ``RT``."""
    rows = np.flatnonzero(mask)
    return subset_apply(alamat, rows, lambda s: s.str.replace(" RT ", "\nRT ", literal=True))


def alamat_nonascii(rng: np.random.Generator, alamat: pl.Series, mask: np.ndarray) -> pl.Series:
    """Characters whose bytes differ between UTF-8 and Windows-1252: – ’ É."""
    rows = np.flatnonzero(mask)
    if rows.size == 0:
        return alamat
    v = rng.integers(0, len(_NONASCII), rows.size)
    sub = expr_on(
        alamat.gather(rows),
        pl.when(pl.col("v") == 0)
        .then(pl.col("s").str.replace(" RT ", " – RT ", literal=True))
        .otherwise(pl.col("s") + pl.col("tail")),
        v=v,
        tail=gather(_NONASCII, v),
    )
    return alamat.clone().scatter(rows, sub)
