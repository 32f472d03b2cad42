"""The usulan contract: the columns of a province batch as read (all strings), and the row
contract of a cleaned row, one named check per reason code."""

from __future__ import annotations

from typing import Optional

import pandera.polars as pa
import polars as pl

from schemas.vocabulary import HUBUNGAN_KELUARGA, JENIS_USULAN
from transforms.fields import NIK_FIELDS, PERSON_FIELDS

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
    *NIK_FIELDS,
    *PERSON_FIELDS,
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
