"""The contract of the matching evidence: ``snapshots/periode=<P>/kandidat_padan``, the candidates
each usulan row's decision weighed (``transforms.linkage.evidence``)."""

from __future__ import annotations

from typing import Optional

import pandera.polars as pa
import polars as pl
from pandera.api.polars.types import PolarsData

from schemas.vocabulary import DIGITS16, PERIODE
from transforms.linkage.comparisons import COMPARISONS

_LEVELS = {c: pa.Field(nullable=True, isin=list(levels)) for c, levels in COMPARISONS.items()}


class KandidatPadan(pa.DataFrameModel):
    """One row per usulan row and candidate it weighed (at most ``evidence.KEEP`` plus the chosen one),
    in this column order (``transforms.linkage.evidence`` derives its columns and the empty frame
    from it): the row, the candidate, its level and weight per comparison (``bobot_<field>``, 0
    where a side was missing), the prior of the rule that found it, the total, the probability, the
    verdict, whether it was chosen, and the name similarity (0-100)."""

    periode: str = pa.Field(str_matches=PERIODE)
    kode_prov: str = pa.Field(str_matches=r"^[0-9]{2}$")
    sumber_file: str = pa.Field()
    sumber_baris: pl.Int64 = pa.Field(ge=1)
    peringkat: pl.Int32 = pa.Field(ge=1)
    nik_kandidat: str = pa.Field(str_matches=DIGITS16)
    metode_padan: str = pa.Field()
    cmp_nik: Optional[str] = _LEVELS["cmp_nik"]
    cmp_nama: Optional[str] = _LEVELS["cmp_nama"]
    cmp_tgl: Optional[str] = _LEVELS["cmp_tgl"]
    cmp_jk: Optional[str] = _LEVELS["cmp_jk"]
    cmp_ibu: Optional[str] = _LEVELS["cmp_ibu"]
    cmp_wilayah: Optional[str] = _LEVELS["cmp_wilayah"]
    cmp_kk: Optional[str] = _LEVELS["cmp_kk"]
    bobot_nik: pl.Float64 = pa.Field()
    bobot_nama: pl.Float64 = pa.Field()
    bobot_tgl: pl.Float64 = pa.Field()
    bobot_jk: pl.Float64 = pa.Field()
    bobot_ibu: pl.Float64 = pa.Field()
    bobot_wilayah: pl.Float64 = pa.Field()
    bobot_kk: pl.Float64 = pa.Field()
    bobot_awal: pl.Float64 = pa.Field()
    bobot: pl.Float64 = pa.Field()
    skor_padan: pl.Float64 = pa.Field(ge=0.0, le=1.0)
    keputusan: str = pa.Field(isin=["TERIMA", "TINJAU", "TOLAK"])
    dipilih: bool = pa.Field()
    bukti_nama: pl.Float64 = pa.Field(ge=0.0, le=100.0)

    class Config:
        strict = False

    @pa.dataframe_check(name="each_candidate_once_per_row")
    def once(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            ~pl.struct("kode_prov", "sumber_file", "sumber_baris", "nik_kandidat").is_duplicated()
        )

    @pa.dataframe_check(name="at_most_one_chosen_per_row")
    def one_chosen(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("dipilih").cast(pl.Int32).sum().over("kode_prov", "sumber_file", "sumber_baris") <= 1
        )
