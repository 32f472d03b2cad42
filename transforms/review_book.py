"""The review workbook (``tinjau_verifikasi.xlsx``): the queue's rows as the verifier works them,
and the decisions of a filled-in workbook read back against the queue it was made from
(``transforms.review`` keeps the queue itself)."""

from __future__ import annotations

import polars as pl

from transforms.review import AGREEMENT, mask_id_expr

KEPUTUSAN = ("SAMA", "BEDA", "TIDAK TAHU")
"""The workbook's decision values, per candidate line."""

_WORDS = {
    "SAMA": "sama",
    "SATU_EDIT": "beda 1 angka",
    "RUSAK_SESUAI": "rusak Excel, awal sama",
    "LAIN": "beda",
    "MIRIP_TINGGI": "sangat mirip",
    "MIRIP": "mirip",
    "AGAK": "agak mirip",
    "BEDA": "beda",
    "TERTUKAR": "hari/bulan tertukar",
    "SATU_KOMPONEN": "beda satu bagian",
    "DESA": "desa sama",
    "KECAMATAN": "kecamatan sama",
    "KABUPATEN": "kabupaten sama",
}

SHEET_COLUMNS = {
    "id_tinjau": "ID Tinjau",
    "baris": "Jenis Baris",
    "peringkat": "Peringkat",
    "berkas": "Berkas",
    "sumber_baris": "Baris Data",
    "nik": "NIK",
    "nama": "Nama",
    "tanggal_lahir": "Tanggal Lahir",
    "jenis_kelamin": "Jenis Kelamin",
    "no_kk": "No KK",
    "kode_wilayah": "Kode Wilayah",
    **{f"sesuai_{c.removeprefix('cmp_')}": f"Kesesuaian {label}" for c, label in AGREEMENT.items()},
    "skor_padan": "Skor",
    "keputusan": "Keputusan",
    "penulis": "Penulis",
    "alasan": "Alasan",
}
"""The review sheet's columns and their Indonesian headers, in order (the last three for the verifier)."""
TEXT_COLUMNS = ("id_tinjau", "nik", "no_kk", "kode_wilayah")


def review_sheet(queue: pl.DataFrame) -> pl.DataFrame:
    """The queue as the verifier works it: per row one line USULAN (what the province sent, in full:
    its own data) and one line per candidate (KANDIDAT: as Dukcapil holds it, NIK and No KK masked to
    their region, the mother's name only as its agreement; every field's agreement in words), the
    decision columns empty on the candidate lines."""
    if queue.height == 0:
        return pl.DataFrame(schema={c: pl.String for c in SHEET_COLUMNS})
    words = {c: pl.col(c).replace_strict(_WORDS, default=pl.col(c)) for c in AGREEMENT}
    proposed = queue.select(
        "id_tinjau",
        baris=pl.lit("USULAN"),
        peringkat=pl.lit(None, pl.Int32),
        berkas=pl.concat_str("periode_usulan", pl.lit(" "), "sumber_file"),
        sumber_baris="sumber_baris",
        nik="nik_usulan",
        nama="nama_usulan",
        tanggal_lahir=pl.col("tgl_lahir").cast(pl.String),
        jenis_kelamin="jk",
        no_kk="no_kk_usulan",
        kode_wilayah="kode_wilayah_usulan",
        _order=pl.lit(0, pl.Int32),
    )
    cands = (
        queue.select("id_tinjau", "periode_usulan", "sumber_file", "sumber_baris", "kandidat")
        .explode("kandidat")
        .drop_nulls("kandidat")
        .unnest("kandidat")
    )
    offered = cands.select(
        "id_tinjau",
        baris=pl.lit("KANDIDAT"),
        peringkat="peringkat",
        berkas=pl.concat_str("periode_usulan", pl.lit(" "), "sumber_file"),
        sumber_baris="sumber_baris",
        nik=mask_id_expr("nik_kandidat"),
        nama="dk_nama",
        tanggal_lahir=pl.col("dk_tgl_lahir").cast(pl.String),
        jenis_kelamin="dk_jk",
        no_kk=mask_id_expr("dk_no_kk"),
        kode_wilayah="dk_desa",
        **{f"sesuai_{c.removeprefix('cmp_')}": words[c] for c in AGREEMENT},
        skor_padan="skor_padan",
        _order="peringkat",
    )
    return (
        pl.concat([proposed, offered], how="diagonal_relaxed")
        .sort("id_tinjau", "_order")
        .with_columns(
            keputusan=pl.lit(None, pl.String), penulis=pl.lit(None, pl.String), alasan=pl.lit(None, pl.String)
        )
        .select(list(SHEET_COLUMNS))
    )


# ---------------------------------------------------------------------------------------------
# decisions read back
# ---------------------------------------------------------------------------------------------

PROBLEM_SCHEMA = {"id_tinjau": pl.String, "peringkat": pl.Int32, "kode": pl.String}


def decisions(filled: pl.DataFrame, queue: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The candidate lines of a filled-in review sheet (``filled``: id_tinjau, peringkat, keputusan,
    penulis, alasan, as text; other lines ignored) against the queue they were made on:
    (one decision per row decided: id_tinjau, jenis PADAN_MANUAL / TIDAK_PADAN_MANUAL, nik as
    typed, nik_padan, penulis, alasan; the problems, by reason code: a line whose row or candidate
    the queue does not hold, an unknown value, a decision without author or reason, two candidates
    SAMA for one row, one candidate's line given twice). A row is decided SAMA by one SAMA line, BEDA
    when every candidate shown is BEDA; a row with TIDAK TAHU or empty lines stays waiting."""
    lines = (
        filled.select(
            pl.col("id_tinjau").str.strip_chars(),
            pl.col("peringkat").str.strip_chars().str.replace(r"\.0$", "").cast(pl.Int32, strict=False),
            pl.col("keputusan").str.strip_chars().str.to_uppercase().str.replace_all(r"\s+", " ").replace("", None),
            pl.col("penulis").str.strip_chars().replace("", None),
            pl.col("alasan").str.strip_chars().replace("", None),
        )
        .filter(pl.col("keputusan").is_not_null())
        .with_row_index("_i")
    )
    if queue.height == 0 or "kandidat" not in queue.columns:  # nothing waits (or a queue from before candidates)
        queue = pl.DataFrame(
            schema={
                "id_tinjau": pl.String,
                "nik_usulan": pl.String,
                "kandidat": pl.List(pl.Struct({"peringkat": pl.Int32, "nik_kandidat": pl.String})),
            }
        )
    offered = (
        queue.select("id_tinjau", "nik_usulan", "kandidat")
        .explode("kandidat")
        .drop_nulls("kandidat")
        .select("id_tinjau", "nik_usulan", pl.col("kandidat").struct.field("peringkat", "nik_kandidat"))
    )
    shown = offered.group_by("id_tinjau").agg(_shown=pl.len())
    known = lines.join(offered, on=["id_tinjau", "peringkat"], how="left")

    def problem(frame: pl.DataFrame, code: str) -> pl.DataFrame:
        return frame.select("id_tinjau", "peringkat", kode=pl.lit(code))

    unknown_row = known.filter(~pl.col("id_tinjau").is_in(offered["id_tinjau"].implode()))
    unknown_cand = known.filter(
        pl.col("id_tinjau").is_in(offered["id_tinjau"].implode()) & pl.col("nik_kandidat").is_null()
    )
    bad_value = known.filter(pl.col("nik_kandidat").is_not_null() & ~pl.col("keputusan").is_in(list(KEPUTUSAN)))
    decided_lines = known.filter(pl.col("nik_kandidat").is_not_null() & pl.col("keputusan").is_in(["SAMA", "BEDA"]))
    unsigned = decided_lines.filter(pl.col("penulis").is_null() | pl.col("alasan").is_null())
    signed = decided_lines.join(unsigned.select("_i"), on="_i", how="anti")
    per_row = signed.group_by("id_tinjau", maintain_order=True).agg(
        _sama=(pl.col("keputusan") == "SAMA").sum(),
        _beda=(pl.col("keputusan") == "BEDA").sum(),
        _ranks=pl.col("peringkat").n_unique(),
        _lines=pl.len(),
    )
    twice = per_row.filter(pl.col("_ranks") < pl.col("_lines"))  # a candidate's line given twice, maybe both ways
    two_same = per_row.filter(pl.col("_sama") > 1)
    problems = pl.concat(
        [
            problem(unknown_row, "TINJAU_ID_TIDAK_DIKENAL"),
            problem(unknown_cand, "TINJAU_KANDIDAT_TIDAK_DIKENAL"),
            problem(bad_value, "TINJAU_NILAI_TIDAK_SAH"),
            problem(unsigned, "TINJAU_TANPA_PENULIS"),
            problem(signed.join(two_same, on="id_tinjau", how="semi"), "TINJAU_SAMA_GANDA"),
            problem(signed.join(twice, on="id_tinjau", how="semi"), "TINJAU_KANDIDAT_GANDA"),
        ],
        how="vertical_relaxed",
    ).cast(PROBLEM_SCHEMA)
    clean = per_row.join(pl.concat([two_same, twice]).select("id_tinjau"), on="id_tinjau", how="anti").join(
        shown, on="id_tinjau", how="left"
    )
    sama = signed.join(clean.filter(pl.col("_sama") == 1), on="id_tinjau", how="semi").filter(
        pl.col("keputusan") == "SAMA"
    )
    beda_rows = clean.filter((pl.col("_sama") == 0) & (pl.col("_beda") == pl.col("_shown")))
    beda = (
        signed.join(beda_rows, on="id_tinjau", how="semi")
        .sort("id_tinjau", "peringkat")
        .group_by("id_tinjau", "nik_usulan", maintain_order=True)
        .agg(
            penulis=pl.col("penulis").unique(maintain_order=True).str.join("; "),
            alasan=pl.col("alasan").unique(maintain_order=True).str.join("; "),
        )
    )
    out = pl.concat(
        [
            sama.select(
                "id_tinjau",
                jenis=pl.lit("PADAN_MANUAL"),
                nik="nik_usulan",
                nik_padan="nik_kandidat",
                penulis="penulis",
                alasan="alasan",
            ),
            beda.select(
                "id_tinjau",
                jenis=pl.lit("TIDAK_PADAN_MANUAL"),
                nik="nik_usulan",
                nik_padan=pl.lit(None, pl.String),
                penulis="penulis",
                alasan="alasan",
            ),
        ],
        how="vertical_relaxed",
    ).sort("id_tinjau")
    return out, problems.unique(maintain_order=True).sort("id_tinjau", "peringkat", nulls_last=True)
