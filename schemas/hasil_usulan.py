"""The contract of ``snapshots/periode=<P>/hasil_usulan``: one row per input data row."""

from __future__ import annotations

from typing import Annotated, Optional

import pandera.polars as pa
import polars as pl
from pandera.api.polars.types import PolarsData

from schemas.vocabulary import DIGITS16, HASIL, PERIODE, STATUS_PADAN

ReasonList = Annotated[pl.List, pl.String()]


EVIDENCE = {
    "bukti_tgl_lahir": "cmp_tgl",
    "bukti_jenis_kelamin": "cmp_jk",
    "bukti_nik": "cmp_nik",
    "bukti_ibu": "cmp_ibu",
    "bukti_wilayah": "cmp_wilayah",
    "bukti_kk": "cmp_kk",
}
"""Each ``bukti_*`` column and the comparison whose level it carries: the chosen (or best)
candidate's level, ``TIDAK_ADA`` where a side was missing, null on a row without a candidate. The
levels and the contest's choices are the linkage's (``transforms.linkage``), read when a frame is
checked: importing them here would make the contracts depend on the linkage at import time."""


class HasilUsulan(pa.DataFrameModel):
    """One row per input data row of every ingested usulan file, no exceptions, in this column order
    (``transforms.outcomes`` derives its column list and empty frame from it): the contract's
    columns, then the evidence behind the decision and what the province sent."""

    periode: str = pa.Field(str_matches=PERIODE)
    kode_prov: str = pa.Field(str_matches=r"^[0-9]{2}$")
    sumber_file: str = pa.Field()
    sumber_baris: pl.Int64 = pa.Field(ge=1)
    jenis_usulan: Optional[str] = pa.Field(nullable=True)
    hasil: str = pa.Field(isin=list(HASIL))
    alasan: ReasonList = pa.Field()
    nik_usulan: Optional[str] = pa.Field(nullable=True)
    nik_padan: Optional[str] = pa.Field(nullable=True, str_matches=DIGITS16)
    status_padan: str = pa.Field(isin=list(STATUS_PADAN))
    skor_padan: pl.Float64 = pa.Field(ge=0.0, le=1.0)
    metode_padan: Optional[str] = pa.Field(nullable=True)
    # beyond the contract: the evidence behind the decision (``transforms.linkage``) ...
    nik_kandidat: Optional[str] = pa.Field(nullable=True, str_matches=DIGITS16)
    alasan_pilihan: Optional[str] = pa.Field(nullable=True)
    bukti_nama: Optional[pl.Float64] = pa.Field(nullable=True, ge=0.0, le=100.0)
    bukti_tgl_lahir: Optional[str] = pa.Field(nullable=True)
    bukti_jenis_kelamin: Optional[str] = pa.Field(nullable=True)
    bukti_nik: Optional[str] = pa.Field(nullable=True)
    bukti_ibu: Optional[str] = pa.Field(nullable=True)
    bukti_wilayah: Optional[str] = pa.Field(nullable=True)
    bukti_kk: Optional[str] = pa.Field(nullable=True)
    # ... and what the province sent
    no_kk_usulan: Optional[str] = pa.Field(nullable=True)
    nama_usulan: Optional[str] = pa.Field(nullable=True)
    kode_wilayah_usulan: Optional[str] = pa.Field(nullable=True)
    kolom_lain: Optional[str] = pa.Field(nullable=True)

    class Config:
        strict = False

    @pa.check("alasan_pilihan", name="isin")
    def choice_known(cls, data: PolarsData) -> pl.LazyFrame:
        from transforms.linkage.contest import CHOICES

        return data.lazyframe.select(pl.col(data.key).is_in(list(CHOICES)).fill_null(True))

    @pa.check(*EVIDENCE, name="isin")
    def level_known(cls, data: PolarsData) -> pl.LazyFrame:
        from transforms.linkage.comparisons import COMPARISONS

        levels = [*COMPARISONS[EVIDENCE[data.key]], "TIDAK_ADA"]
        return data.lazyframe.select(pl.col(data.key).is_in(levels).fill_null(True))

    @pa.dataframe_check(name="rejected_rows_carry_a_reason")
    def rejected_has_reason(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select((pl.col("hasil") != "DITOLAK") | (pl.col("alasan").list.len() > 0))

    @pa.dataframe_check(name="padan_rows_name_a_dukcapil_nik")
    def padan_has_nik(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select((pl.col("status_padan") == "TIDAK_PADAN") | pl.col("nik_padan").is_not_null())
