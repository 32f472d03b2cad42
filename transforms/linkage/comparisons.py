"""The evidence of each candidate pair as small named levels (Splink-style comparison levels)."""

from __future__ import annotations

import numpy as np
import polars as pl
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from transforms.linkage.blocking import excel_digits_expr
from transforms.names import nama_key_expr, nama_key_y_expr

COMPARISONS = {
    "cmp_nik": ("SAMA", "SATU_EDIT", "RUSAK_SESUAI", "LAIN"),
    "cmp_nama": ("SAMA", "MIRIP_TINGGI", "MIRIP", "AGAK", "BEDA"),
    "cmp_tgl": ("SAMA", "TERTUKAR", "SATU_KOMPONEN", "BEDA"),
    "cmp_jk": ("SAMA", "BEDA"),
    "cmp_ibu": ("SAMA", "MIRIP", "BEDA"),
    "cmp_wilayah": ("DESA", "KECAMATAN", "KABUPATEN", "LAIN"),
    "cmp_kk": ("SAMA", "BEDA"),
}
"""Each comparison's levels, most to least agreeing. A missing value on either side is null (no evidence)."""

DK_COLUMNS = ["NIK", "NO_KK", "NAMA_LGKP", "TGL_LHR", "JENIS_KLMIN", "NAMA_LGKP_IBU", "_jk", "_desa"]
USULAN_COLUMNS = ["_row", "nik_usulan", "nik_rusak_excel", "no_kk_usulan", "nama_usulan", "tgl_lahir", "jk",
                  "nama_ibu_kandung", "kode_wilayah_usulan"]


def _pair_scores(a: pl.Series, b: pl.Series, scorer) -> np.ndarray:
    if len(a) == 0:
        return np.zeros(0)
    return process.cpdist(a.fill_null("").to_list(), b.fill_null("").to_list(), scorer=scorer, workers=-1)


def name_similarity(a_key: pl.Series, b_key: pl.Series) -> np.ndarray:
    """0-100: the better of ``token_sort_ratio`` on the new-spelling keys and on the J->Y keys."""
    frame = pl.DataFrame({"a": a_key, "b": b_key}).with_columns(ay=nama_key_y_expr("a"), by=nama_key_y_expr("b"))
    s1 = _pair_scores(frame["a"], frame["b"], fuzz.token_sort_ratio)
    s2 = _pair_scores(frame["ay"], frame["by"], fuzz.token_sort_ratio)
    return np.maximum(s1, s2)


def _levels(score: pl.Expr, cuts: list[tuple[float, str]], last: str) -> pl.Expr:
    e = pl.lit(last)
    for cut, name in reversed(cuts):
        e = pl.when(score >= cut).then(pl.lit(name)).otherwise(e)
    return e


def date_level_expr(a: str, b: str) -> pl.Expr:
    da, db = pl.col(a), pl.col(b)
    n_same = pl.sum_horizontal([(da.dt.day() == db.dt.day()).cast(pl.Int8), (da.dt.month() == db.dt.month()).cast(pl.Int8),
                                (da.dt.year() == db.dt.year()).cast(pl.Int8)])
    swapped = (da.dt.day() == db.dt.month()) & (da.dt.month() == db.dt.day()) & (da.dt.year() == db.dt.year())
    return (
        pl.when(da.is_null() | db.is_null()).then(None)
        .when(da == db).then(pl.lit("SAMA"))
        .when(swapped).then(pl.lit("TERTUKAR"))
        .when(n_same == 2).then(pl.lit("SATU_KOMPONEN"))
        .otherwise(pl.lit("BEDA"))
    )


def comparison_vectors(pairs: pl.DataFrame, usulan: pl.DataFrame, dk: pl.DataFrame) -> pl.DataFrame:
    """Per pair: the raw evidence (``bukti_nama`` 0-100, ``bukti_ibu``) and one level per comparison."""
    p = (
        pairs.join(usulan.select(USULAN_COLUMNS), on="_row", how="left")
        .join(dk.select(DK_COLUMNS), left_on="nik_padan", right_on="NIK", how="left")
        .with_columns(_ka=nama_key_expr("nama_usulan"), _kb=nama_key_expr("NAMA_LGKP"),
                      _ia=nama_key_expr("nama_ibu_kandung"), _ib=nama_key_expr("NAMA_LGKP_IBU"))
    )
    nama = name_similarity(p["_ka"], p["_kb"])
    ibu = _pair_scores(p["_ia"], p["_ib"], fuzz.token_sort_ratio)
    nik_dist = _pair_scores(p["nik_usulan"], p["nik_padan"], OSA.distance)
    p = p.with_columns(bukti_nama=pl.Series(nama, dtype=pl.Float64).round(1), _ibu=pl.Series(ibu, dtype=pl.Float64),
                       _nik_dist=pl.Series(nik_dist, dtype=pl.Int64))
    has_name = pl.col("_ka").str.len_chars().fill_null(0) > 0
    has_ibu = (pl.col("_ia").str.len_chars().fill_null(0) > 0) & (pl.col("_ib").str.len_chars().fill_null(0) > 0)
    excel_ok = pl.col("nik_rusak_excel") & pl.col("nik_padan").str.starts_with(
        excel_digits_expr("nik_usulan").fill_null("-"))
    desa_a, desa_b = pl.col("kode_wilayah_usulan"), pl.col("_desa")
    return p.with_columns(
        cmp_nik=pl.when(pl.col("nik_usulan") == pl.col("nik_padan")).then(pl.lit("SAMA"))
        .when(pl.col("nik_usulan").str.contains(r"^[0-9]{16}$") & (pl.col("_nik_dist") == 1)).then(pl.lit("SATU_EDIT"))
        .when(excel_ok).then(pl.lit("RUSAK_SESUAI"))
        .otherwise(pl.lit("LAIN")),
        cmp_nama=pl.when(has_name).then(_levels(pl.col("bukti_nama"), [(97, "SAMA"), (90, "MIRIP_TINGGI"),
                                                                        (80, "MIRIP"), (65, "AGAK")], "BEDA")),
        cmp_tgl=date_level_expr("tgl_lahir", "TGL_LHR"),
        cmp_jk=pl.when(pl.col("jk").is_null() | pl.col("_jk").is_null()).then(None)
        .when(pl.col("jk") == pl.col("_jk")).then(pl.lit("SAMA")).otherwise(pl.lit("BEDA")),
        cmp_ibu=pl.when(has_ibu).then(_levels(pl.col("_ibu"), [(90, "SAMA"), (70, "MIRIP")], "BEDA")),
        cmp_wilayah=pl.when(desa_a.is_null() | desa_b.is_null()).then(None)
        .when(desa_a == desa_b).then(pl.lit("DESA"))
        .when(desa_a.str.slice(0, 6) == desa_b.str.slice(0, 6)).then(pl.lit("KECAMATAN"))
        .when(desa_a.str.slice(0, 4) == desa_b.str.slice(0, 4)).then(pl.lit("KABUPATEN"))
        .otherwise(pl.lit("LAIN")),
        cmp_kk=pl.when(pl.col("no_kk_usulan").is_null() | pl.col("NO_KK").is_null()).then(None)
        .when(pl.col("no_kk_usulan") == pl.col("NO_KK")).then(pl.lit("SAMA")).otherwise(pl.lit("BEDA")),
        bukti_tgl_lahir=date_level_expr("tgl_lahir", "TGL_LHR"),
        bukti_jenis_kelamin=pl.when(pl.col("jk") == pl.col("_jk")).then(pl.lit("SAMA")).otherwise(pl.lit("BEDA")),
        _dukcapil_no_kk=pl.col("NO_KK"),
    ).select("_row", "nik_padan", "metode_padan", "bukti_nama", "bukti_tgl_lahir", "bukti_jenis_kelamin",
             "_dukcapil_no_kk", *COMPARISONS)
