"""Identity reconciliation against the Dukcapil extract.

Stage 1 (this module): candidates by exact NIK, and by the digits Excel left of a NIK in scientific
notation (district prefix) together with birth date and sex. Every candidate pair is scored on
name and birth-date agreement; a row is PADAN only when the evidence agrees.
"""

from __future__ import annotations

import numpy as np
import polars as pl
from rapidfuzz import fuzz, process

from transforms.names import nama_key_expr, nama_key_y_expr

DUKCAPIL_MATCH_COLUMNS = ["NIK", "NO_KK", "NAMA_LGKP", "TGL_LHR", "JENIS_KLMIN"]


def name_scores(a: pl.Series, b: pl.Series, a_y: pl.Series, b_y: pl.Series) -> np.ndarray:
    """Element-wise name similarity 0-100: the better of the two spelling keys (rapidfuzz, batched)."""
    if len(a) == 0:
        return np.zeros(0, dtype=np.float64)
    fill = lambda s: s.fill_null("").to_list()  # noqa: E731
    s1 = process.cpdist(fill(a), fill(b), scorer=fuzz.token_sort_ratio, workers=-1)
    s2 = process.cpdist(fill(a_y), fill(b_y), scorer=fuzz.token_sort_ratio, workers=-1)
    return np.maximum(s1, s2).astype(np.float64)


def date_agreement_expr(a: str, b: str) -> pl.Expr:
    """SAMA (equal), TERTUKAR (day and month swapped), SATU_KOMPONEN (one of day/month/year differs),
    BEDA, or null when a side is missing."""
    da, db = pl.col(a), pl.col(b)
    same = [da.dt.day() == db.dt.day(), da.dt.month() == db.dt.month(), da.dt.year() == db.dt.year()]
    n_same = pl.sum_horizontal([s.cast(pl.Int8) for s in same])
    swapped = (da.dt.day() == db.dt.month()) & (da.dt.month() == db.dt.day()) & (da.dt.year() == db.dt.year())
    return (
        pl.when(da.is_null() | db.is_null()).then(None)
        .when(da == db).then(pl.lit("SAMA"))
        .when(swapped).then(pl.lit("TERTUKAR"))
        .when(n_same == 2).then(pl.lit("SATU_KOMPONEN"))
        .otherwise(pl.lit("BEDA"))
    )


def candidate_pairs(usulan: pl.DataFrame, dukcapil: pl.DataFrame) -> pl.DataFrame:
    """Candidate (row, Dukcapil person) pairs with ``metode_padan``.

    ``usulan`` needs ``_row``, ``nik_usulan``, ``nik_rusak_excel``, ``tgl_lahir``, ``jk``;
    ``dukcapil`` holds only the persons that can be candidates (already filtered by the caller).
    """
    dk = dukcapil.select(DUKCAPIL_MATCH_COLUMNS).with_columns(
        _jk=pl.col("JENIS_KLMIN").replace_strict({"LAKI-LAKI": "L", "PEREMPUAN": "P"}, default=None),
        _prefix6=pl.col("NIK").str.slice(0, 6),
    )
    exact = (
        usulan.filter(pl.col("nik_usulan").str.contains(r"^[0-9]{16}$"))
        .select("_row", "nik_usulan")
        .join(dk.select("NIK"), left_on="nik_usulan", right_on="NIK", how="inner")
        .select("_row", nik_padan="nik_usulan", metode_padan=pl.lit("NIK_EXACT"))
    )
    excel = (
        usulan.filter(pl.col("nik_rusak_excel") & pl.col("tgl_lahir").is_not_null())
        .select("_row", "tgl_lahir", "jk", _prefix6=excel_prefix_expr("nik_usulan"))
        .filter(pl.col("_prefix6").is_not_null())
        .join(dk.select("NIK", "TGL_LHR", "_jk", "_prefix6"),
              left_on=["_prefix6", "tgl_lahir", "jk"], right_on=["_prefix6", "TGL_LHR", "_jk"], how="inner")
        .select("_row", nik_padan="NIK", metode_padan=pl.lit("NIK_EXCEL_PREFIX_TGL_JK"))
    )
    return pl.concat([exact, excel]).sort("_row", "nik_padan")


def excel_prefix_expr(col: str) -> pl.Expr:
    """The first six digits a NIK kept after Excel wrote it as e.g. ``3.20101E+15`` (``320101``)."""
    s = pl.col(col)
    mantissa = s.str.extract(r"^([0-9])[.,]?([0-9]*)[eE]", 1) + s.str.extract(r"^([0-9])[.,]?([0-9]*)[eE]", 2)
    return pl.when(mantissa.str.len_chars() >= 6).then(mantissa.str.slice(0, 6)).otherwise(None)


def scored_pairs(pairs: pl.DataFrame, usulan: pl.DataFrame, dukcapil: pl.DataFrame, *, matching: dict) -> pl.DataFrame:
    """Evidence and decision per candidate pair: name score, date and sex agreement, ``keputusan``
    (TERIMA / TINJAU / TOLAK) and ``skor_padan`` 0-1."""
    p = (
        pairs.join(usulan.select("_row", "nama_usulan", "tgl_lahir", "jk"), on="_row", how="left")
        .join(dukcapil.select(DUKCAPIL_MATCH_COLUMNS), left_on="nik_padan", right_on="NIK", how="left")
        .with_columns(
            _ka=nama_key_expr("nama_usulan"), _kb=nama_key_expr("NAMA_LGKP"),
        )
        .with_columns(_ka_y=nama_key_y_expr("_ka"), _kb_y=nama_key_y_expr("_kb"))
    )
    scores = name_scores(p["_ka"], p["_kb"], p["_ka_y"], p["_kb_y"])
    acc, acc_partial, review = matching["name_accept"], matching["name_accept_date_partial"], matching["name_review"]
    date_score = {"SAMA": 1.0, "TERTUKAR": 0.9, "SATU_KOMPONEN": 0.6, "BEDA": 0.0}
    p = p.with_columns(bukti_nama=pl.Series(scores).round(1)).with_columns(
        bukti_tgl_lahir=date_agreement_expr("tgl_lahir", "TGL_LHR"),
        bukti_jenis_kelamin=pl.when(
            pl.col("jk") == pl.col("JENIS_KLMIN").replace_strict({"LAKI-LAKI": "L", "PEREMPUAN": "P"}, default=None)
        ).then(pl.lit("SAMA")).otherwise(pl.lit("BEDA")),
        _dukcapil_no_kk=pl.col("NO_KK"),
    )
    name, dates = pl.col("bukti_nama"), pl.col("bukti_tgl_lahir")
    accept = (
        ((name >= acc) & dates.is_in(["SAMA", "TERTUKAR"]))
        | ((name >= acc_partial) & (dates == "SATU_KOMPONEN"))
    )
    # the Excel-prefix rule has no NIK agreement to lean on: it needs the date and sex to agree exactly
    excel = pl.col("metode_padan") == "NIK_EXCEL_PREFIX_TGL_JK"
    accept = pl.when(excel).then((name >= acc_partial) & (dates == "SAMA")).otherwise(accept)
    reject_name = name < review
    return p.with_columns(
        keputusan=pl.when(accept).then(pl.lit("TERIMA"))
        .when(reject_name | excel).then(pl.lit("TOLAK"))
        .otherwise(pl.lit("TINJAU")),
        skor_padan=(0.6 * name / 100 + 0.4 * dates.replace_strict(date_score, default=0.0, return_dtype=pl.Float64))
        .clip(0.0, 1.0).round(4),
    ).drop("_ka", "_kb", "_ka_y", "_kb_y", "nama_usulan", "tgl_lahir", "jk", "NO_KK", "NAMA_LGKP", "TGL_LHR",
           "JENIS_KLMIN")


def padan_decisions(usulan: pl.DataFrame, scored: pl.DataFrame) -> pl.DataFrame:
    """One decision per usulan row: ``status_padan``, ``nik_padan``, ``skor_padan``, ``metode_padan``,
    evidence, and ``alasan_padan`` (reason codes).

    A row is PADAN on exactly one accepted candidate (PADAN_KOREKSI when that NIK differs from the
    submitted one); two or more accepted candidates are ambiguous and go to verification.
    """
    accepted = scored.filter(pl.col("keputusan") == "TERIMA")
    n_acc = accepted.group_by("_row").agg(_n_acc=pl.len())
    best = (
        scored.sort(["_row", "skor_padan", "nik_padan"], descending=[False, True, False])
        .group_by("_row", maintain_order=True).first()
        .join(n_acc, on="_row", how="left")
    )
    out = (
        usulan.select("_row", "nik_usulan", "nik_rusak_excel", "no_kk_usulan")
        .join(best, on="_row", how="left")
        .with_columns(pl.col("_n_acc").fill_null(0))
    )
    padan = pl.col("_n_acc") == 1
    status = (
        pl.when(padan & (pl.col("nik_padan") == pl.col("nik_usulan"))).then(pl.lit("PADAN"))
        .when(padan).then(pl.lit("PADAN_KOREKSI"))
        .otherwise(pl.lit("TIDAK_PADAN"))
    )
    def code(cond: pl.Expr, c: str) -> pl.Expr:
        return pl.when(cond.fill_null(False)).then(pl.lit(c)).otherwise(None)
    no_candidate = pl.col("nik_padan").is_null()
    reasons = pl.concat_list(
        code(no_candidate & ~pl.col("nik_rusak_excel"), "NIK_TIDAK_DITEMUKAN"),
        code(~padan & pl.col("nik_rusak_excel"), "NIK_TIDAK_DAPAT_DIPULIHKAN"),
        code(~padan & (pl.col("_n_acc") > 1), "PERLU_VERIFIKASI"),
        code(~padan & (pl.col("keputusan") == "TINJAU"), "PERLU_VERIFIKASI"),
        code(~padan & (pl.col("keputusan") == "TOLAK") & (pl.col("bukti_nama") < 100)
             & (pl.col("metode_padan") == "NIK_EXACT"), "NAMA_TIDAK_SESUAI"),
        code(~padan & ~no_candidate & (pl.col("bukti_tgl_lahir") == "BEDA"), "TGL_LAHIR_TIDAK_SESUAI_DUKCAPIL"),
        code(padan & (pl.col("bukti_jenis_kelamin") == "BEDA"), "JENIS_KELAMIN_TIDAK_SESUAI_DUKCAPIL"),
        code(padan & (pl.col("_dukcapil_no_kk") != pl.col("no_kk_usulan")), "NO_KK_TIDAK_SESUAI_DUKCAPIL"),
    ).list.drop_nulls().list.unique(maintain_order=True)
    return out.with_columns(
        status_padan=status,
        alasan_padan=reasons,
        # the best candidate is kept for review rows; nik_padan only names a Dukcapil NIK when padan
        nik_kandidat=pl.col("nik_padan"),
        nik_padan=pl.when(padan).then(pl.col("nik_padan")).otherwise(None),
        no_kk_dukcapil=pl.when(padan).then(pl.col("_dukcapil_no_kk")).otherwise(None),
        skor_padan=pl.col("skor_padan").fill_null(0.0),
    ).drop("_n_acc", "keputusan", "_dukcapil_no_kk", "nik_usulan", "nik_rusak_excel", "no_kk_usulan")
