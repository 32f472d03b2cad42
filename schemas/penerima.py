"""The contract of ``snapshots/periode=<P>/penerima``: status and amount per programme and unit."""

from __future__ import annotations

from typing import Optional

import pandera.polars as pa
import polars as pl
from pandera.api.polars.types import PolarsData

from schemas.hasil_usulan import ReasonList
from schemas.vocabulary import BLOCKING_STATUSES, DIGITS16, KODE_WILAYAH10, PERIODE, PROGRAM_NAME, STATUSES


class Penerima(pa.DataFrameModel):
    """One row per programme x unit (no_kk for household programmes, nik for person programmes such
    as PBI-JKN). Checked bound to the run's programmes (``schemas.programmes.bound``), which also
    requires a nik on every row of a person programme."""

    periode: str = pa.Field(str_matches=PERIODE)
    program: str = pa.Field(str_matches=PROGRAM_NAME)
    tahap: str = pa.Field(str_matches=r"^[0-9]{4}-T([1-9]|1[0-2])$")
    no_kk: str = pa.Field(str_matches=DIGITS16)
    nik: Optional[str] = pa.Field(nullable=True, str_matches=DIGITS16)
    kode_wilayah: str = pa.Field(str_matches=KODE_WILAYAH10)
    kode_prov: str = pa.Field(str_matches=r"^[0-9]{2}$")
    desil: Optional[pl.Int64] = pa.Field(nullable=True, ge=1, le=10)
    status: str = pa.Field(isin=list(STATUSES))
    alasan: ReasonList = pa.Field()
    nominal: pl.Int64 = pa.Field(ge=0)
    komponen_pkh: Optional[pl.Int64] = pa.Field(nullable=True, ge=0)
    nik_pengurus: Optional[str] = pa.Field(nullable=True, str_matches=DIGITS16)
    nama_pengurus: Optional[str] = pa.Field(nullable=True)

    class Config:
        strict = False

    @pa.dataframe_check(name="only_payable_statuses_carry_money")
    def nominal_only_when_payable(cls, data: PolarsData) -> pl.LazyFrame:
        blocked = pl.col("status").is_in(list(BLOCKING_STATUSES))
        return data.lazyframe.select(~blocked | (pl.col("nominal") == 0))
