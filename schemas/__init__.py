"""The data contracts of ``../shared/spec/contracts.md`` (v1) in code: one pandera model per table.

Every other module takes column names from here and vocabularies from ``schemas.vocabulary``
(re-exported here). Input models describe the data *as it must be after parsing* (the raw usulan
CSV is all strings); output models are checked on every frame before it is published.
"""

from __future__ import annotations

from typing import Annotated, Optional

import pandera.polars as pa
import polars as pl
from pandera.api.polars.types import PolarsData

from schemas.vocabulary import (  # noqa: F401  (re-exported: schemas.STATUSES, schemas.BANKS, ...)
    AKTIF_TIDAK,
    AKTIF_YA,
    BANKS,
    BLOCKING_STATUSES,
    GIS_HASIL,
    HASIL,
    HUBUNGAN_KELUARGA,
    JENIS_USULAN,
    JENJANG_SEKOLAH,
    PROGRAM_ALIASES,
    PROGRAMS,
    STATUS_PADAN,
    STATUS_REKENING,
    STATUS_SALUR,
    STATUSES,
)

CONTRACT_VERSION = 1

DIGITS16 = r"^[0-9]{16}$"
KODE_WILAYAH10 = r"^[0-9]{10}$"

# ---------------------------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------------------------

USULAN_COLUMNS = (
    "jenis_usulan",
    "nik",
    "no_kk",
    "nama",
    "tempat_lahir",
    "tanggal_lahir",
    "jenis_kelamin",
    "hubungan_keluarga",
    "nama_ibu_kandung",
    "alamat",
    "kode_wilayah",
    "hamil",
    "disabilitas_berat",
    "jenjang_sekolah",
    "alasan",
)
USULAN_REQUIRED = (
    "jenis_usulan",
    "nik",
    "no_kk",
    "nama",
    "tanggal_lahir",
    "jenis_kelamin",
    "hubungan_keluarga",
    "kode_wilayah",
)


class UsulanRaw(pa.DataFrameModel):
    """An usulan CSV as read: every contract column a (nullable) string; unknown columns allowed.

    Optional columns absent from a file are added as nulls by the reader before this check.
    """

    jenis_usulan: Optional[str] = pa.Field(nullable=True)
    nik: Optional[str] = pa.Field(nullable=True)
    no_kk: Optional[str] = pa.Field(nullable=True)
    nama: Optional[str] = pa.Field(nullable=True)
    tempat_lahir: Optional[str] = pa.Field(nullable=True)
    tanggal_lahir: Optional[str] = pa.Field(nullable=True)
    jenis_kelamin: Optional[str] = pa.Field(nullable=True)
    hubungan_keluarga: Optional[str] = pa.Field(nullable=True)
    nama_ibu_kandung: Optional[str] = pa.Field(nullable=True)
    alamat: Optional[str] = pa.Field(nullable=True)
    kode_wilayah: Optional[str] = pa.Field(nullable=True)
    hamil: Optional[str] = pa.Field(nullable=True)
    disabilitas_berat: Optional[str] = pa.Field(nullable=True)
    jenjang_sekolah: Optional[str] = pa.Field(nullable=True)
    alasan: Optional[str] = pa.Field(nullable=True)

    class Config:
        strict = False


# --- the row contract of a cleaned usulan row: one named check per reason code ---------------------
# Each expression is True where the row has the problem. The helper columns (``_``-prefixed) are
# derived facts computed by ``transforms.validation.usulan_facts`` (reference joins, NIK parts).
_nik, _tgl = pl.col("nik_usulan"), pl.col("tgl_lahir")
USULAN_ROW_RULES: dict[str, pl.Expr] = {
    "KOLOM_BERLEBIH": pl.col("_kolom_berlebih"),
    "KARAKTER_TIDAK_SAH": pl.col("_karakter_tidak_sah"),
    "JENIS_USULAN_TIDAK_DIKENAL": ~pl.col("jenis").is_in(list(JENIS_USULAN)).fill_null(False),
    "NIK_KOSONG": _nik.is_null(),
    "NIK_FORMAT_SALAH": _nik.is_not_null() & ~pl.col("_is16") & ~pl.col("nik_rusak_excel"),
    "NIK_RUSAK_EXCEL": pl.col("nik_rusak_excel"),
    "NIK_TANGGAL_TIDAK_VALID": pl.col("_is16") & ~pl.col("_nik_date_ok"),
    "NIK_NOMOR_URUT_0000": pl.col("_is16") & (_nik.str.slice(12, 4) == "0000"),
    "NIK_WILAYAH_TIDAK_DIKENAL": pl.col("_is16") & ~pl.col("_kec_ok"),
    "NIK_JENIS_KELAMIN_TIDAK_SESUAI": pl.col("_is16")
    & pl.col("jk").is_not_null()
    & (pl.col("_nik_sex") != pl.col("jk")),
    "NIK_TGL_LAHIR_TIDAK_SESUAI": pl.col("_is16")
    & pl.col("_nik_date_ok")
    & _tgl.is_not_null()
    & (pl.col("_nik_ddmmyy") != _tgl.dt.strftime("%d%m%y")),
    "NO_KK_KOSONG": pl.col("no_kk_usulan").is_null(),
    "NO_KK_FORMAT_SALAH": pl.col("no_kk_usulan").is_not_null() & ~pl.col("no_kk_usulan").str.contains(r"^[0-9]{16}$"),
    "NAMA_KOSONG": pl.col("nama_usulan").is_null() | ~pl.col("nama_usulan").str.contains(r"[^\W\d_]"),
    "TANGGAL_LAHIR_KOSONG": ~pl.col("_tanggal_lahir_diisi"),
    "TANGGAL_LAHIR_TIDAK_VALID": pl.col("_tanggal_lahir_diisi") & _tgl.is_null(),
    "TANGGAL_LAHIR_TIDAK_MUNGKIN": _tgl.is_not_null() & ((_tgl > pl.col("_ref_date")) | (_tgl.dt.year() < 1900)),
    "JENIS_KELAMIN_TIDAK_VALID": pl.col("jk").is_null(),
    "HUBUNGAN_KELUARGA_TIDAK_VALID": ~pl.col("hubungan").is_in(list(HUBUNGAN_KELUARGA)).fill_null(False),
    "KODE_WILAYAH_KOSONG": pl.col("kode_wilayah_usulan").is_null(),
    "KODE_WILAYAH_TIDAK_DIKENAL": pl.col("kode_wilayah_usulan").is_not_null() & ~pl.col("_desa_ok"),
    "KODE_WILAYAH_BEDA_PROVINSI": pl.col("_desa_ok") & (pl.col("_desa_prov") != pl.col("kode_prov")),
    "NILAI_FORMULA": pl.col("_formula"),
    "ISIAN_TERLALU_PANJANG": pl.col("_too_long"),
    "ALASAN_KOSONG": pl.col("jenis").is_in(["HAPUS", "SANGGAH"]) & pl.col("alasan_usulan").is_null(),
}
USULAN_ROW_INPUTS = [
    "kode_prov",
    "jenis",
    "nik_usulan",
    "nik_rusak_excel",
    "no_kk_usulan",
    "nama_usulan",
    "tgl_lahir",
    "jk",
    "hubungan",
    "kode_wilayah_usulan",
    "alasan_usulan",
    "_is16",
    "_nik_date_ok",
    "_nik_ddmmyy",
    "_nik_sex",
    "_kec_ok",
    "_desa_ok",
    "_desa_prov",
    "_tanggal_lahir_diisi",
    "_ref_date",
    "_formula",
    "_too_long",
    "_kolom_berlebih",
    "_karakter_tidak_sah",
]


def _rule_check(code: str, problem: pl.Expr) -> pa.Check:
    return pa.Check(lambda data, p=problem: data.lazyframe.select((~p).fill_null(True)), name=code)


UsulanRow = pa.DataFrameSchema(
    name="UsulanRow",
    columns={
        "jenis": pa.Column(str, nullable=True),
        "nik_usulan": pa.Column(str, nullable=True),
        "nik_rusak_excel": pa.Column(bool),
        "no_kk_usulan": pa.Column(str, nullable=True),
        "nama_usulan": pa.Column(str, nullable=True),
        "tgl_lahir": pa.Column(pl.Date, nullable=True),
        "jk": pa.Column(str, nullable=True),
        "hubungan": pa.Column(str, nullable=True),
        "kode_wilayah_usulan": pa.Column(str, nullable=True),
    },
    checks=[_rule_check(code, problem) for code, problem in USULAN_ROW_RULES.items()],
    strict=False,
)


def usulan_row_codes(rows: pl.DataFrame) -> pl.Series:
    """Every rule a row breaks, as a list of reason codes per row (catalogue order), from one lazy
    pandera validation of ``UsulanRow`` (all failures at once, not the first)."""
    import pandera.errors

    order = {code: i for i, code in enumerate(USULAN_ROW_RULES)}
    empty = pl.Series("alasan_validasi", [[]] * rows.height, dtype=pl.List(pl.String))
    try:
        UsulanRow.validate(rows, lazy=True)
        return empty
    except pandera.errors.SchemaErrors as exc:
        fc = exc.failure_cases
    schema_level = fc.filter(pl.col("index").is_null() & ~pl.col("check").is_in(list(order)))
    if schema_level.height:
        raise ValueError(f"usulan rows do not have the expected columns/types: {schema_level.rows()[:3]}")
    per_row = (
        fc.filter(pl.col("index").is_not_null() & pl.col("check").is_in(list(order)))
        .select(
            index=pl.col("index").cast(pl.Int64),
            kode=pl.col("check"),
            _o=pl.col("check").replace_strict(order, return_dtype=pl.Int64),
        )
        .unique()
        .sort("index", "_o")
        .group_by("index", maintain_order=True)
        .agg(pl.col("kode"))
    )
    return (
        pl.DataFrame({"index": pl.int_range(rows.height, eager=True).cast(pl.Int64)})
        .join(per_row, on="index", how="left", maintain_order="left")
        .select(pl.col("kode").fill_null([]).alias("alasan_validasi"))
        .to_series()
    )


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
    """Disbursement results (CSV)."""

    periode: str = pa.Field(nullable=True)
    program: str = pa.Field(nullable=True)
    no_kk: str = pa.Field(nullable=True)
    nik: Optional[str] = pa.Field(nullable=True)
    status: str = pa.Field(nullable=True)
    nominal: str = pa.Field(nullable=True)

    class Config:
        strict = False

    @pa.check("program", name="program_known")
    def program_ok(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            feedback_value_expr(data.key).replace(PROGRAM_ALIASES).is_in(list(PROGRAMS)).fill_null(True)
        )

    @pa.check("status", name="status_salur_known")
    def status_ok(cls, data: PolarsData) -> pl.LazyFrame:
        return _in_vocabulary(data, STATUS_SALUR)

    @pa.check("nominal", name="nominal_rupiah")
    def nominal_ok(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).str.contains(r"^\s*(Rp\.?\s*)?[0-9][0-9.,]*\s*$").fill_null(True))


# ---------------------------------------------------------------------------------------------
# Outputs: snapshots/periode=<P>/
# ---------------------------------------------------------------------------------------------

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


class Individu(pa.DataFrameModel):
    """One row per person in the register after this period."""

    nik: str = pa.Field(str_matches=DIGITS16, unique=True)
    no_kk: str = pa.Field(str_matches=DIGITS16)
    nama: str = pa.Field()
    tanggal_lahir: pl.Date = pa.Field()
    jenis_kelamin: str = pa.Field(isin=["L", "P"])
    kode_wilayah: str = pa.Field(str_matches=KODE_WILAYAH10)
    status_padan: str = pa.Field(isin=["PADAN", "PADAN_KOREKSI"])  # only Dukcapil-verified people are registered
    periode_masuk: str = pa.Field(str_matches=r"^[0-9]{4}-(0[1-9]|1[0-2])$")
    sumber_periode: str = pa.Field()
    sumber_file: str = pa.Field()
    sumber_baris: pl.Int64 = pa.Field(ge=1)

    class Config:
        strict = False


class Penerima(pa.DataFrameModel):
    """One row per programme x unit (no_kk for household programmes, nik for PBI-JKN)."""

    program: str = pa.Field(isin=list(PROGRAMS))
    no_kk: str = pa.Field(str_matches=DIGITS16)
    nik: Optional[str] = pa.Field(nullable=True, str_matches=DIGITS16)
    kode_wilayah: str = pa.Field(str_matches=KODE_WILAYAH10)
    desil: Optional[pl.Int64] = pa.Field(nullable=True, ge=1, le=10)
    status: str = pa.Field(isin=list(STATUSES))
    alasan: ReasonList = pa.Field()
    nominal: pl.Int64 = pa.Field(ge=0)
    tahap: str = pa.Field(str_matches=r"^[0-9]{4}-T([1-9]|1[0-2])$")
    nik_pengurus: Optional[str] = pa.Field(nullable=True, str_matches=DIGITS16)

    class Config:
        strict = False

    @pa.dataframe_check(name="person_programmes_name_a_nik")
    def person_unit_has_nik(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select((pl.col("program") != "PBI-JKN") | pl.col("nik").is_not_null())

    @pa.dataframe_check(name="only_payable_statuses_carry_money")
    def nominal_only_when_payable(cls, data: PolarsData) -> pl.LazyFrame:
        blocked = pl.col("status").is_in(list(BLOCKING_STATUSES))
        return data.lazyframe.select(~blocked | (pl.col("nominal") == 0))


from schemas.matching import KandidatPadan  # noqa: E402
from schemas.payments import BankList, Pembayaran, Rekening, Rekonsiliasi  # noqa: E402, F401 (BankList: schemas.BankList)

OUTPUT_MODELS = {
    "hasil_usulan": HasilUsulan,
    "individu": Individu,
    "penerima": Penerima,
    "pembayaran": Pembayaran,
    "rekening": Rekening,
    "rekonsiliasi": Rekonsiliasi,
    "kandidat_padan": KandidatPadan,
}
