"""Per-row outcomes (hasil_usulan) and the province receipts built from them."""

from __future__ import annotations

import polars as pl

from rules import reason_codes
from schemas import HasilUsulan, dtypes

HASIL_USULAN_SCHEMA = dtypes(HasilUsulan)
"""The published hasil_usulan columns and dtypes, in order, from its contract (``schemas.HasilUsulan``)."""


def hasil_usulan_table(rows: pl.DataFrame) -> pl.DataFrame:
    """The published hasil_usulan columns, in order and in their contract types. The per-field
    evidence of the chosen (or best) Dukcapil candidate is published as ``bukti_*``."""
    evidence = {"bukti_nik": "cmp_nik", "bukti_ibu": "cmp_ibu", "bukti_wilayah": "cmp_wilayah", "bukti_kk": "cmp_kk"}
    rows = rows.with_columns(
        [(pl.col(src) if src in rows.columns else pl.lit(None, pl.String)).alias(dst) for dst, src in evidence.items()]
    )
    has_candidate = pl.col("nik_kandidat").is_not_null()
    missing = [c for c in ("bukti_tgl_lahir", "bukti_jenis_kelamin", *evidence) if c in rows.columns]
    rows = rows.with_columns(
        [  # evidence that was missing on a side says so, rather than null
            pl.when(has_candidate & pl.col(c).is_null()).then(pl.lit("TIDAK_ADA")).otherwise(pl.col(c)).alias(c)
            for c in missing
        ]
    )
    return rows.select([pl.col(c).cast(t) for c, t in HASIL_USULAN_SCHEMA.items()])


def hasil_expr(alasan: str, rejecting: list[str]) -> pl.Expr:
    """DITOLAK when any reason code of the row refuses it."""
    bad = pl.col(alasan).list.eval(pl.element().is_in(rejecting)).list.any()
    return pl.when(bad).then(pl.lit("DITOLAK")).otherwise(pl.lit("DITERIMA"))


def neutralise_formula_expr(col: str) -> pl.Expr:
    """A cell that a spreadsheet would read as a formula gets a leading apostrophe."""
    c = pl.col(col)
    return pl.when(c.str.contains(r"^[=+\-@\t\r]")).then(pl.lit("'") + c).otherwise(c).alias(col)


def receipt(hasil_usulan: pl.DataFrame) -> pl.DataFrame:
    """What a province gets back for every row it sent: the result, the codes and, in Indonesian,
    what each means and what to do."""
    cat = reason_codes()
    expl = pl.DataFrame({"kode": list(cat), "_teks": [f"{c}: {r.id} {r.tindakan}" for c, r in cat.items()]})
    long = (
        hasil_usulan.select("kode_prov", "sumber_file", "sumber_baris", kode="alasan")
        .explode("kode", empty_as_null=False)
        .join(expl, on="kode", how="left")
        .group_by("kode_prov", "sumber_file", "sumber_baris")
        .agg(keterangan=pl.col("_teks").str.join(" | "))
    )
    out = (
        hasil_usulan.join(long, on=["kode_prov", "sumber_file", "sumber_baris"], how="left")
        .select(
            "periode",
            "kode_prov",
            "sumber_file",
            "sumber_baris",
            "jenis_usulan",
            "nik_usulan",
            "nama_usulan",
            "hasil",
            alasan=pl.col("alasan").list.join("|"),
            keterangan=pl.col("keterangan").fill_null(""),
            nik_padan="nik_padan",
            status_padan="status_padan",
            skor_padan="skor_padan",
        )
        .sort("kode_prov", "sumber_file", "sumber_baris")
    )
    return out


def receipt_csv_ready(df: pl.DataFrame) -> pl.DataFrame:
    """String columns made safe for a spreadsheet: no cell starts a formula."""
    return df.with_columns([neutralise_formula_expr(c) for c, t in df.schema.items() if t == pl.String])
