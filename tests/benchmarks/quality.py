"""Identity-quality metrics of a published snapshot against a generator's ground truth.

Used by bench_matching.py, bench_peer.py (for Padan and for Splink alike) and by the quality tests.
Truth has one row per usulan data row: sumber_file, sumber_baris, kode_prov, true_nik (null for
ghosts), noise (comma-separated), expect_valid, and, from generators that make look-alike people
(twins, namesakes, neighbours one NIK typo away), lookalike_nik: the NIK of the person a row could be
mistaken for. The outcome frame needs kode_prov, sumber_file, sumber_baris, nik_padan and status_padan
(a published hasil_usulan, or any linker's answer in that shape).
"""

from __future__ import annotations

import polars as pl


def joined(hasil: pl.DataFrame, truth: pl.DataFrame) -> pl.DataFrame:
    keys = ["kode_prov", "sumber_file", "sumber_baris"]
    t = truth.with_columns(pl.col("sumber_baris").cast(pl.Int64))
    outcome = [c for c in ("nik_padan", "status_padan", "hasil", "alasan", "metode_padan") if c in hasil.columns]
    j = t.join(hasil.select(*keys, *outcome), on=keys, how="left")
    return j.with_columns(
        _found=pl.col("nik_padan").is_not_null(),
        _right=pl.col("nik_padan").is_not_null() & (pl.col("nik_padan") == pl.col("true_nik")).fill_null(False),
        _noise=pl.col("noise").fill_null("").str.split(",").list.eval(pl.element().filter(pl.element() != "")),
    )


def lookalike_metrics(j: pl.DataFrame) -> dict:
    """On a ``joined`` frame: the wrong-person rate per phenomenon (rows of a noise kind that have a
    look-alike, share whose matched NIK is the look-alike's) when the truth names look-alikes, and
    recall on rows whose noise starts with ``call_name``. Keys are None where the truth lacks them."""
    out: dict = {
        "lookalike_rows": None,
        "lookalike_wrong_person_rate": None,
        "wrong_person": None,
        "call_name_rows": None,
        "call_name_recall": None,
    }
    if "lookalike_nik" in j.columns:
        la = j.filter(pl.col("lookalike_nik").is_not_null()).with_columns(
            _wrong=(pl.col("nik_padan") == pl.col("lookalike_nik")).fill_null(False)
        )
        out["lookalike_rows"] = la.height
        out["lookalike_wrong_person_rate"] = la["_wrong"].mean() if la.height else 0.0
        out["wrong_person"] = (
            la.explode("_noise", empty_as_null=True)
            .with_columns(pl.col("_noise").fill_null("clean"))
            .group_by("_noise")
            .agg(
                rows=pl.len(),
                wrong_person=pl.col("_wrong").sum(),
                wrong_person_rate=pl.col("_wrong").mean(),
                recall=pl.col("_right").mean(),
            )
            .sort("_noise")
            .rename({"_noise": "noise"})
            .to_dicts()
        )
    call = j.filter(
        pl.col("_noise").list.eval(pl.element().str.starts_with("call_name")).list.any()
        & pl.col("true_nik").is_not_null()
    )
    if call.height:
        out["call_name_rows"] = call.height
        out["call_name_recall"] = call["_right"].mean()
    return out


def metrics(hasil: pl.DataFrame, truth: pl.DataFrame) -> dict:
    """precision, recall, F1 over all rows; false matches on fabricated NIKs and ghosts; recall on
    Excel-destroyed NIKs; recall and false matches per noise kind; the look-alike figures
    (``lookalike_metrics``)."""
    j = joined(hasil, truth)
    missing = j.filter(pl.col("status_padan").is_null()).height
    tp = j.filter(pl.col("_right")).height
    fp = j.filter(pl.col("_found") & ~pl.col("_right")).height
    positives = j.filter(pl.col("true_nik").is_not_null()).height
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / positives if positives else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    fab = j.filter(pl.col("_noise").list.contains("nik_fabricated"))
    ghosts = j.filter(pl.col("true_nik").is_null())
    excel = j.filter(
        pl.col("_noise").list.contains("nik_excel_sci") & pl.col("expect_valid") & pl.col("true_nik").is_not_null()
    )
    per_noise = (
        j.filter(pl.col("true_nik").is_not_null())
        .explode("_noise", empty_as_null=True)
        .with_columns(pl.col("_noise").fill_null("clean"))
        .group_by("_noise")
        .agg(rows=pl.len(), recall=pl.col("_right").mean(), false_matches=(pl.col("_found") & ~pl.col("_right")).sum())
        .sort("_noise")
        .rename({"_noise": "noise"})
    )
    return {
        "rows": j.height,
        "rows_without_outcome": missing,
        "true_positives": tp,
        "false_positives": fp,
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "fabricated_rows": fab.height,
        "fabricated_false_match_rate": fab.filter(pl.col("_found") & ~pl.col("_right")).height / fab.height
        if fab.height
        else 0.0,
        "ghost_rows": ghosts.height,
        "ghost_false_match_rate": ghosts.filter(pl.col("_found")).height / ghosts.height if ghosts.height else 0.0,
        "excel_destroyed_rows": excel.height,
        "excel_destroyed_recall": excel.filter(pl.col("_right")).height / excel.height if excel.height else 1.0,
        **lookalike_metrics(j),
        "per_noise": per_noise.to_dicts(),
    }
