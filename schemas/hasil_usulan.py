"""The contract of ``snapshots/periode=<P>/hasil_usulan``: one row per input data row."""

from __future__ import annotations

from typing import Annotated, Optional

import pandera.polars as pa
import polars as pl
from pandera.api.polars.types import PolarsData

from schemas.vocabulary import DIGITS16, HASIL, PERIODE, STATUS_PADAN
from transforms.linkage.comparisons import COMPARISONS
from transforms.linkage.contest import CHOICES

ReasonList = Annotated[pl.List, pl.String()]


def _evidence(levels: tuple[str, ...]):
    """A ``bukti_*`` column: the chosen (or best) candidate's level, ``TIDAK_ADA`` where a side was
    missing, null on a row without a candidate."""
    return pa.Field(nullable=True, isin=[*levels, "TIDAK_ADA"])


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
    alasan_pilihan: Optional[str] = pa.Field(nullable=True, isin=list(CHOICES))
    bukti_nama: Optional[pl.Float64] = pa.Field(nullable=True, ge=0.0, le=100.0)
    bukti_tgl_lahir: Optional[str] = _evidence(COMPARISONS["cmp_tgl"])
    bukti_jenis_kelamin: Optional[str] = _evidence(COMPARISONS["cmp_jk"])
    bukti_nik: Optional[str] = _evidence(COMPARISONS["cmp_nik"])
    bukti_ibu: Optional[str] = _evidence(COMPARISONS["cmp_ibu"])
    bukti_wilayah: Optional[str] = _evidence(COMPARISONS["cmp_wilayah"])
    bukti_kk: Optional[str] = _evidence(COMPARISONS["cmp_kk"])
    # ... and what the province sent
    no_kk_usulan: Optional[str] = pa.Field(nullable=True)
    nama_usulan: Optional[str] = pa.Field(nullable=True)
    kode_wilayah_usulan: Optional[str] = pa.Field(nullable=True)
    kolom_lain: Optional[str] = pa.Field(nullable=True)

    class Config:
        strict = False

    @pa.dataframe_check(name="rejected_rows_carry_a_reason")
    def rejected_has_reason(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select((pl.col("hasil") != "DITOLAK") | (pl.col("alasan").list.len() > 0))

    @pa.dataframe_check(name="padan_rows_name_a_dukcapil_nik")
    def padan_has_nik(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select((pl.col("status_padan") == "TIDAK_PADAN") | pl.col("nik_padan").is_not_null())
