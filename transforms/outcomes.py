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


# --- the receipt workbook -------------------------------------------------------------------------

WHAT_IT_DID = {
    "MASUK": "masuk register",
    "UBAH": "data diperbaiki",
    "KELUAR": "keluar dari register",
    "SANGGAH": "sanggah dicatat",
}
"""What an accepted row did, by the register event it caused (``riwayat.peristiwa``)."""
WORKBOOK_COLUMNS = {
    "periode": "Periode",
    "kode_prov": "Kode Provinsi",
    "sumber_file": "Berkas",
    "lembar": "Lembar",
    "sumber_baris": "Baris Data",
    "baris_excel": "Baris Excel",
    "jenis_usulan": "Jenis Usulan",
    "nik_usulan": "NIK Usulan",
    "no_kk_usulan": "No KK Usulan",
    "nama_usulan": "Nama Usulan",
    "hasil": "Hasil",
    "tindak_lanjut": "Yang Terjadi",
    "alasan": "Kode Alasan",
    "keterangan": "Keterangan dan Tindakan",
    "nik_padan": "NIK Dukcapil",
    "status_padan": "Status Padan",
    "skor_padan": "Skor Padan",
}
"""The receipt sheet's columns and their Indonesian headers, in order."""
TEXT_COLUMNS = ("nik_usulan", "no_kk_usulan", "nik_padan", "kode_prov")
"""Identifiers a spreadsheet must keep as text (a 16-digit NIK as a number loses its last digit)."""


def receipt_sheet(
    rows: pl.DataFrame, hasil_usulan: pl.DataFrame, riwayat: pl.DataFrame, header_rows: pl.DataFrame
) -> pl.DataFrame:
    """The receipt (``rows``: :func:`receipt` of ``hasil_usulan``) as its workbook shows it
    (``WORKBOOK_COLUMNS``): every row sent, with the No KK it named, the row
    number Excel shows for it (``header_rows``: kode_prov, sumber_file, baris_judul and lembar per
    file or workbook sheet read; row 1 when unknown), a workbook's file and sheet apart, and for an
    accepted row what it did in the register (``riwayat``: the period's events, by source row)."""
    key = ["kode_prov", "sumber_file", "sumber_baris"]
    did = (
        riwayat.filter(pl.col("sumber_baris").is_not_null())
        # an UBAH that changed no field (a row sent again as it is registered) did nothing
        .filter((pl.col("peristiwa") != "UBAH") | (pl.col("perubahan").list.len() > 0).fill_null(False))
        .select(*key, _did=pl.col("peristiwa").replace_strict(WHAT_IT_DID, default=None))
        .unique(key, keep="first", maintain_order=True)
    )
    rows = (
        rows.join(hasil_usulan.select(*key, "no_kk_usulan"), on=key, how="left")
        .join(
            header_rows.select("kode_prov", "sumber_file", "baris_judul", "lembar"),
            on=["kode_prov", "sumber_file"],
            how="left",
        )
        .join(did, on=key, how="left")
    )
    sheet_suffix = pl.concat_str(pl.lit("#"), pl.col("lembar"))
    columns = {c: pl.col(c) for c in WORKBOOK_COLUMNS} | {
        "sumber_file": pl.when(pl.col("lembar").is_null())
        .then(pl.col("sumber_file"))
        .otherwise(pl.col("sumber_file").str.strip_suffix(sheet_suffix)),
        "baris_excel": pl.col("sumber_baris") + pl.col("baris_judul").fill_null(1),
        "tindak_lanjut": pl.when(pl.col("hasil") == "DITERIMA")
        .then(pl.col("_did").fill_null("diterima, tidak ada perubahan"))
        .otherwise(pl.lit("ditolak: lihat kode alasan dan tindakannya")),
    }
    return rows.sort(key).select(**columns)
