"""Cleaning usulan columns: the strings a batch was read as -> typed, normalised columns (NIK and KK
digits out of Excel's damage, birth dates in every form provinces write, sex, family relation,
school, yes/no), as polars expressions."""

from __future__ import annotations

import polars as pl

SCI_NOTATION = r"^[0-9](?:[.,][0-9]+)?[eE]\+?[0-9]{1,2}$"
EXCEL_EPOCH_OFFSET = 25569  # days between 1899-12-30 (Excel's day 0) and 1970-01-01

_SEX = {
    "L": "L",
    "LAKI-LAKI": "L",
    "LAKI LAKI": "L",
    "LAKI": "L",
    "LAKI2": "L",
    "PRIA": "L",
    "LK": "L",
    "P": "P",
    "PEREMPUAN": "P",
    "WANITA": "P",
    "PR": "P",
}
_HUBUNGAN_ALIASES = {
    "ISTERI": "ISTRI",
    "KEPALA RUMAH TANGGA": "KEPALA KELUARGA",
    "KK": "KEPALA KELUARGA",
    "ANAK KANDUNG": "ANAK",
    "ANAK TIRI": "ANAK",
    "ANAK ANGKAT": "ANAK",
    "FAMILI": "FAMILI LAIN",
    "ORANGTUA": "ORANG TUA",
    "SUAMI/ISTRI": "ISTRI",
}
_SCHOOL = {
    "TIDAK": "TIDAK",
    "TIDAK SEKOLAH": "TIDAK",
    "BELUM SEKOLAH": "TIDAK",
    "-": "TIDAK",
    "SD": "SD",
    "MI": "SD",
    "SD/MI": "SD",
    "SMP": "SMP",
    "MTS": "SMP",
    "SLTP": "SMP",
    "SMP/MTS": "SMP",
    "SMA": "SMA",
    "SMK": "SMA",
    "MA": "SMA",
    "SLTA": "SMA",
    "SMA/SMK": "SMA",
    "SMA/MA": "SMA",
}
_YES = ["Y", "YA", "YES", "1", "TRUE", "ADA"]
_NO = ["N", "T", "TIDAK", "NO", "0", "FALSE", "TIDAK ADA", "-"]


def _blank_to_null(col: str) -> pl.Expr:
    s = pl.col(col).str.strip_chars()
    return pl.when(s == "").then(None).otherwise(s)


def id_digits_expr(col: str) -> pl.Expr:
    """NIK / No KK as typed in Excel -> the digit string: drop spaces, quotes, a leading apostrophe,
    a trailing ``.0`` and thousands separators of a pasted number; scientific notation is left as is."""
    s = (
        pl.col(col)
        .str.strip_chars()
        .str.replace_all(r"[\s\u00a0\"`]", "")
        .str.strip_chars_start("'’‘")
        .str.replace(r"\.0+$", "")
    )
    no_sep = s.str.replace_all(r"[.,\-]", "")
    return (
        pl.when(s.str.contains(SCI_NOTATION))
        .then(s)
        .when(no_sep.str.contains(r"^[0-9]+$"))
        .then(no_sep)
        .otherwise(s)
        .pipe(lambda e: pl.when(e == "").then(None).otherwise(e))
        .alias(col)
    )


def birth_date_expr(col: str) -> pl.Expr:
    """DD-MM-YYYY, DD/MM/YYYY, YYYY-MM-DD (optionally with a midnight time) or an Excel serial -> Date."""
    s = pl.col(col).str.strip_chars().str.replace(r"[ T]0?0:00(:00)?(\.0+)?$", "")
    serial = (
        pl.when(s.str.contains(r"^[0-9]{4,5}(\.0+)?$"))
        .then(s.str.replace(r"\.0+$", "").cast(pl.Int32, strict=False))
        .otherwise(None)
    )
    from_serial = (
        pl.when(serial.is_between(1, 80000))
        .then((serial - EXCEL_EPOCH_OFFSET).cast(pl.Int32).cast(pl.Date))
        .otherwise(None)
    )
    return pl.coalesce(
        s.str.to_date("%d-%m-%Y", strict=False),
        s.str.to_date("%d/%m/%Y", strict=False),
        s.str.to_date("%Y-%m-%d", strict=False),
        s.str.to_date("%Y/%m/%d", strict=False),
        s.str.to_date("%d.%m.%Y", strict=False),
        from_serial,
    ).alias(col)


def _upper_clean(col: str) -> pl.Expr:
    return pl.col(col).str.strip_chars().str.to_uppercase().str.replace_all(r"\s+", " ")


def cleaned_usulan(lf: pl.LazyFrame) -> pl.LazyFrame:
    """Typed and normalised usulan columns beside the raw ones (raw kept for the receipts).

    Adds: ``jenis``, ``nik_usulan``, ``nik_rusak_excel``, ``no_kk_usulan``, ``nama_usulan``,
    ``tgl_lahir``, ``jk``, ``hubungan``, ``kode_wilayah_usulan``, ``is_hamil``, ``is_disabilitas``,
    ``jenjang``.
    """
    sex = _upper_clean("jenis_kelamin")
    hub = _upper_clean("hubungan_keluarga").str.replace_all(r"\s*-\s*", " ")
    school = _upper_clean("jenjang_sekolah")
    nik = id_digits_expr("nik")
    return lf.with_columns(
        jenis=_upper_clean("jenis_usulan"),
        nik_usulan=nik,
        nik_rusak_excel=nik.str.contains(SCI_NOTATION).fill_null(False),
        no_kk_usulan=id_digits_expr("no_kk"),
        nama_usulan=pl.col("nama")
        .str.strip_chars()
        .str.replace_all(r"\s+", " ")
        .pipe(lambda e: pl.when(e == "").then(None).otherwise(e)),
        tgl_lahir=birth_date_expr("tanggal_lahir"),
        jk=sex.replace_strict(_SEX, default=None),
        hubungan=hub.replace(_HUBUNGAN_ALIASES),
        kode_wilayah_usulan=pl.col("kode_wilayah")
        .str.replace_all(r"[\s.\-'\"]", "")
        .pipe(lambda e: pl.when(e == "").then(None).otherwise(e)),
        is_hamil=_upper_clean("hamil").is_in(_YES).fill_null(False),
        is_disabilitas=_upper_clean("disabilitas_berat").is_in(_YES).fill_null(False),
        jenjang=school.replace_strict(_SCHOOL, default=None),
        alasan_usulan=_blank_to_null("alasan"),
    )
