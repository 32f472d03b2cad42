"""The contract of ``snapshots/periode=<P>/individu``: the register after the period."""

from __future__ import annotations

from typing import Optional

import pandera.polars as pa
import polars as pl

from schemas.vocabulary import DIGITS16, KODE_WILAYAH10, PADAN_ACCEPTED, PERIODE


class Individu(pa.DataFrameModel):
    """One row per person in the register after this period, in this column order (the register's
    column list and its empty frame are derived from it: ``transforms.register``)."""

    nik: str = pa.Field(str_matches=DIGITS16, unique=True)
    no_kk: str = pa.Field(str_matches=DIGITS16)
    nama: str = pa.Field()
    tanggal_lahir: pl.Date = pa.Field()
    jenis_kelamin: str = pa.Field(isin=["L", "P"])
    kode_wilayah: str = pa.Field(str_matches=KODE_WILAYAH10)
    kode_prov: Optional[str] = pa.Field(nullable=True)
    hubungan_keluarga: Optional[str] = pa.Field(nullable=True)
    hamil: Optional[pl.Boolean] = pa.Field(nullable=True)
    disabilitas_berat: Optional[pl.Boolean] = pa.Field(nullable=True)
    jenjang_sekolah: Optional[str] = pa.Field(nullable=True)
    status_padan: str = pa.Field(isin=list(PADAN_ACCEPTED))  # only Dukcapil-verified people are registered
    skor_padan: Optional[pl.Float64] = pa.Field(nullable=True)
    periode_masuk: str = pa.Field(str_matches=PERIODE)
    sumber_periode: str = pa.Field()
    sumber_file: str = pa.Field()
    sumber_baris: pl.Int64 = pa.Field(ge=1)
    jenis_usulan_terakhir: Optional[str] = pa.Field(nullable=True)
    sanggah_alasan: Optional[str] = pa.Field(nullable=True)
    sanggah_periode: Optional[str] = pa.Field(nullable=True)

    class Config:
        strict = False
