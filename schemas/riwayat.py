"""The contract of ``snapshots/periode=<P>/riwayat``: the register's history, one event per change,
chained from period to period."""

from __future__ import annotations

from typing import Annotated, Optional

import pandera.polars as pa
import polars as pl

from schemas.vocabulary import DIGITS16, JENIS_USULAN, PERIODE

PERISTIWA = ("MASUK", "UBAH", "KELUAR", "SANGGAH")
Perubahan = Annotated[pl.List, pl.Struct({"kolom": pl.String, "lama": pl.String, "baru": pl.String})]


class Riwayat(pa.DataFrameModel):
    """One row per event of a person in the register, in this column order (``transforms.riwayat``
    derives its column list and empty frame from it)."""

    periode: str = pa.Field(str_matches=PERIODE)
    nik: str = pa.Field(str_matches=DIGITS16)
    no_kk: Optional[str] = pa.Field(nullable=True)
    nama: Optional[str] = pa.Field(nullable=True)
    peristiwa: str = pa.Field(isin=list(PERISTIWA))
    jenis_usulan: Optional[str] = pa.Field(nullable=True, isin=list(JENIS_USULAN))
    alasan: Optional[str] = pa.Field(nullable=True)
    perubahan: Optional[Perubahan] = pa.Field(nullable=True)
    kode_prov: Optional[str] = pa.Field(nullable=True)
    sumber_file: Optional[str] = pa.Field(nullable=True)
    sumber_baris: Optional[pl.Int64] = pa.Field(nullable=True)

    class Config:
        strict = True
