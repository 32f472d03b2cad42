"""The contract of ``snapshots/periode=<P>/hasil_usulan``: one row per input data row."""

from __future__ import annotations

from typing import Annotated, Optional

import pandera.polars as pa
import polars as pl
from pandera.api.polars.types import PolarsData

from schemas.vocabulary import DIGITS16, HASIL, STATUS_PADAN

ReasonList = Annotated[pl.List, pl.String()]


class HasilUsulan(pa.DataFrameModel):
    """One row per input data row of every ingested usulan file, no exceptions."""

    sumber_file: str = pa.Field()
    sumber_baris: pl.Int64 = pa.Field(ge=1)
    kode_prov: str = pa.Field(str_matches=r"^[0-9]{2}$")
    jenis_usulan: Optional[str] = pa.Field(nullable=True)
    hasil: str = pa.Field(isin=list(HASIL))
    alasan: ReasonList = pa.Field()
    nik_usulan: Optional[str] = pa.Field(nullable=True)
    nik_padan: Optional[str] = pa.Field(nullable=True, str_matches=DIGITS16)
    status_padan: str = pa.Field(isin=list(STATUS_PADAN))
    skor_padan: pl.Float64 = pa.Field(ge=0.0, le=1.0)
    metode_padan: Optional[str] = pa.Field(nullable=True)

    class Config:
        strict = False

    @pa.dataframe_check(name="rejected_rows_carry_a_reason")
    def rejected_has_reason(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select((pl.col("hasil") != "DITOLAK") | (pl.col("alasan").list.len() > 0))

    @pa.dataframe_check(name="padan_rows_name_a_dukcapil_nik")
    def padan_has_nik(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select((pl.col("status_padan") == "TIDAK_PADAN") | pl.col("nik_padan").is_not_null())
