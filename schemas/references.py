"""The contracts of the references and feedback (contracts.md): Dukcapil, DTSEN, SDM Kesos, GIS,
burekol and salur, as they must be after parsing; the value forms feedback is written in."""

from __future__ import annotations

from typing import Optional

import pandera.polars as pa
import polars as pl
from pandera.api.polars.types import PolarsData

from schemas.vocabulary import AKTIF_TIDAK, AKTIF_YA, BANKS, DIGITS16, GIS_HASIL, STATUS_REKENING, STATUS_SALUR


class Dukcapil(pa.DataFrameModel):
    """Civil-registry extract (Parquet)."""

    NIK: str = pa.Field(str_matches=DIGITS16, unique=True)
    NO_KK: str = pa.Field(str_matches=DIGITS16)
    NAMA_LGKP: str = pa.Field()
    TMPT_LHR: Optional[str] = pa.Field(nullable=True)
    TGL_LHR: pl.Date = pa.Field()
    JENIS_KLMIN: str = pa.Field(isin=["LAKI-LAKI", "PEREMPUAN"])
    NAMA_LGKP_IBU: Optional[str] = pa.Field(nullable=True)
    ALAMAT: Optional[str] = pa.Field(nullable=True)
    NO_PROP: str = pa.Field(str_matches=r"^[0-9]{2}$")
    NO_KAB: str = pa.Field(str_matches=r"^[0-9]{2}$")
    NO_KEC: str = pa.Field(str_matches=r"^[0-9]{2}$")
    NO_KEL: str = pa.Field(str_matches=r"^[0-9]{4}$")
    JENIS_PKRJN: Optional[str] = pa.Field(nullable=True)
    STAT_HBKEL: Optional[str] = pa.Field(nullable=True)
    TGL_MATI: Optional[pl.Date] = pa.Field(nullable=True)

    class Config:
        strict = False


DUKCAPIL_COLUMNS = tuple(Dukcapil.to_schema().columns)


class Dtsen(pa.DataFrameModel):
    """Welfare deciles per household (Parquet)."""

    no_kk: str = pa.Field(str_matches=DIGITS16)
    desil: pl.Int64 = pa.Field(ge=1, le=10)
    tgl_update: Optional[pl.Date] = pa.Field(nullable=True)

    class Config:
        strict = False
        coerce = True


def feedback_value_expr(col: str) -> pl.Expr:
    """A vocabulary value as agencies write it: upper case, no surrounding spaces, runs of spaces
    and underscores as one space (``sukses_spm`` is SUKSES SPM)."""
    return pl.col(col).str.strip_chars().str.to_uppercase().str.replace_all(r"[_\s]+", " ")


def id16_expr(col: str) -> pl.Expr:
    """An id typed in a spreadsheet, without spaces, quotes or a trailing ``.0``."""
    return pl.col(col).str.replace_all(r"[\s'\"]", "").str.replace(r"\.0$", "")


def _in_vocabulary(data: PolarsData, values) -> pl.LazyFrame:
    return data.lazyframe.select(feedback_value_expr(data.key).is_in(list(values)).fill_null(True))


def _is_id16(data: PolarsData) -> pl.LazyFrame:
    return data.lazyframe.select(id16_expr(data.key).str.contains(DIGITS16).fill_null(True))


# The reference and feedback CSVs, read as strings. A column that is not Optional must be present
# (a file without it is refused); the checks report rows whose value the run cannot use.
class SdmKesos(pa.DataFrameModel):
    """Social-welfare staff registry (CSV)."""

    nik: str = pa.Field(nullable=True)
    nama: Optional[str] = pa.Field(nullable=True)
    jenis_sdm: str = pa.Field(nullable=True)
    kode_wilayah: Optional[str] = pa.Field(nullable=True)
    aktif: str = pa.Field(nullable=True)

    class Config:
        strict = False

    @pa.check("nik", name="nik_16_digits")
    def nik_ok(cls, data: PolarsData) -> pl.LazyFrame:
        return _is_id16(data)

    @pa.check("aktif", name="aktif_Y_or_N")
    def aktif_ok(cls, data: PolarsData) -> pl.LazyFrame:
        return _in_vocabulary(data, AKTIF_YA + AKTIF_TIDAK)


class _NoKkChecks(pa.DataFrameModel):
    """A family-card column of a feedback or reference file: 16 digits once typed as in a spreadsheet."""

    @pa.check("no_kk", name="no_kk_16_digits")
    def kk_ok(cls, data: PolarsData) -> pl.LazyFrame:
        return _is_id16(data)


class Gis(_NoKkChecks):
    """Geotag house-verification results (CSV)."""

    no_kk: str = pa.Field(nullable=True)
    hasil: str = pa.Field(nullable=True)
    tgl_verifikasi: str = pa.Field(nullable=True)
    lat: Optional[str] = pa.Field(nullable=True)
    lon: Optional[str] = pa.Field(nullable=True)

    class Config:
        strict = False

    @pa.check("hasil", name="hasil_LAYAK_or_TIDAK_LAYAK")
    def hasil_ok(cls, data: PolarsData) -> pl.LazyFrame:
        return _in_vocabulary(data, GIS_HASIL)

    @pa.check("tgl_verifikasi", name="tgl_verifikasi_YYYY-MM-DD")
    def date_ok(cls, data: PolarsData) -> pl.LazyFrame:
        c = pl.col(data.key)
        return data.lazyframe.select(
            c.is_null() | c.str.strip_chars().str.to_date("%Y-%m-%d", strict=False).is_not_null()
        )


class Burekol(_NoKkChecks):
    """Bank-account opening results (CSV)."""

    no_kk: str = pa.Field(nullable=True)
    nik_pengurus: str = pa.Field(nullable=True)
    bank: str = pa.Field(nullable=True)
    status_rekening: str = pa.Field(nullable=True)
    no_rekening: str = pa.Field(nullable=True)

    class Config:
        strict = False

    @pa.check("bank", name="bank_known")
    def bank_ok(cls, data: PolarsData) -> pl.LazyFrame:
        return _in_vocabulary(data, BANKS)

    @pa.check("status_rekening", name="status_rekening_AKTIF_PROSES_GAGAL")
    def status_ok(cls, data: PolarsData) -> pl.LazyFrame:
        return _in_vocabulary(data, STATUS_REKENING)


class Salur(_NoKkChecks):
    """Disbursement results (CSV). ``program`` is checked against the run's programmes and their
    aliases (``schemas.programmes.bound``)."""

    periode: str = pa.Field(nullable=True)
    program: str = pa.Field(nullable=True)
    no_kk: str = pa.Field(nullable=True)
    nik: Optional[str] = pa.Field(nullable=True)
    status: str = pa.Field(nullable=True)
    nominal: str = pa.Field(nullable=True)

    class Config:
        strict = False

    @pa.check("status", name="status_salur_known")
    def status_ok(cls, data: PolarsData) -> pl.LazyFrame:
        return _in_vocabulary(data, STATUS_SALUR)

    @pa.check("nominal", name="nominal_rupiah")
    def nominal_ok(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).str.contains(r"^\s*(Rp\.?\s*)?[0-9][0-9.,]*\s*$").fill_null(True))
