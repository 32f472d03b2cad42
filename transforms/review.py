"""The review queue (antrean tinjau): usulan rows waiting for a person to say whether the Dukcapil
candidate found is the person proposed (PERLU_VERIFIKASI), kept from one period to the next until
decided, sent again, or too old; the review workbook's rows; and the decisions read back from it.

A queued row is kept whole (its cleaned fields and the padan stage's decision columns), so that a
decision made on it applies at the next run without the province sending it again: the row goes
through the register with the run's own rows, under ``sumber_file`` ``.tinjau/<periode>/<file>``
(a hidden folder, which no inbox file can be named as, so it never meets a file's own rows).
"""

from __future__ import annotations

import polars as pl

QUEUE_PERIODS = 3
"""How many periods a row waits in the queue, its own included; after that the province sends it again."""
KEEP_CANDIDATES = 3
"""Candidates shown per row in the workbook (the highest-ranked; the queue keeps those only)."""
CARRIED_PREFIX = ".tinjau/"
KEPUTUSAN = ("SAMA", "BEDA", "TIDAK TAHU")
"""The workbook's decision values, per candidate line."""
_LINEAGE = ["kode_prov", "sumber_file", "sumber_baris"]
_AGREEMENT = {
    "cmp_nik": "NIK",
    "cmp_nama": "Nama",
    "cmp_tgl": "Tgl Lahir",
    "cmp_jk": "Jenis Kelamin",
    "cmp_ibu": "Ibu Kandung",
    "cmp_wilayah": "Wilayah",
    "cmp_kk": "No KK",
}
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


def id_expr(periode: pl.Expr) -> pl.Expr:
    """A row's review id: ``<periode>|<kode_prov>|<sumber_file>|<sumber_baris>``."""
    return pl.concat_str(
        [periode, pl.col("kode_prov"), pl.col("sumber_file"), pl.col("sumber_baris").cast(pl.String)], separator="|"
    ).alias("id_tinjau")


def mask_id_expr(col: str) -> pl.Expr:
    """A NIK or No KK shown as its region only (``320101**********``): the rest is the birth date
    (shown beside it anyway) and the serial, which is what would identify the person."""
    c = pl.col(col)
    return pl.when(c.str.len_chars() == 16).then(c.str.slice(0, 6) + pl.lit("*" * 10)).otherwise(pl.lit(None))


def pending(
    matched: pl.DataFrame, kandidat: pl.DataFrame, dukcapil: pl.DataFrame, *, periode: str, rejecting: list[str]
) -> pl.DataFrame:
    """The month's rows to review: a candidate was found but not surely enough (PERLU_VERIFIKASI) and
    no field of the row is refused by validation (a decision replaces the padan stage's codes, but
    would not change the outcome of a row with an invalid field: the province has to send it again
    anyway). Each with its ``KEEP_CANDIDATES`` best candidates (``kandidat``: the evidence;
    ``dukcapil``: their identity, fetched by the run)."""
    rows = matched.filter(
        pl.col("alasan_padan").list.contains("PERLU_VERIFIKASI")
        & ~pl.col("alasan_validasi").list.eval(pl.element().is_in(rejecting)).list.any()
    )
    return rows.with_columns(periode_usulan=pl.lit(periode), id_tinjau=id_expr(pl.lit(periode))).join(
        candidates(kandidat, dukcapil), on=_LINEAGE, how="left"
    )


def candidates(kandidat: pl.DataFrame, dukcapil: pl.DataFrame) -> pl.DataFrame:
    """Per row (lineage), ``kandidat``: its best candidates as a list, each with its identity as
    Dukcapil holds it and its agreement per field."""
    who = dukcapil.select(
        nik_kandidat="NIK", dk_nama="NAMA_LGKP", dk_tgl_lahir="TGL_LHR", dk_jk="_jk", dk_no_kk="NO_KK", dk_desa="_desa"
    ).unique("nik_kandidat", keep="first")
    fields = ["peringkat", "nik_kandidat", "dk_nama", "dk_tgl_lahir", "dk_jk", "dk_no_kk", "dk_desa", "skor_padan"]
    return (
        kandidat.filter(pl.col("peringkat") <= KEEP_CANDIDATES)
        .join(who, on="nik_kandidat", how="left")
        .sort(*_LINEAGE, "peringkat")
        .group_by(_LINEAGE, maintain_order=True)
        .agg(kandidat=pl.struct(*fields, *_AGREEMENT))
    )


def queue_after(
    previous: pl.DataFrame | None, pending_rows: pl.DataFrame, gone: list[str], *, periode: str
) -> pl.DataFrame:
    """The queue the period publishes: its own pending rows, and the previous queue's rows that are
    still waiting: not ``gone`` (decided this period, or sent again: :func:`superseded`) and not
    older than ``QUEUE_PERIODS``."""
    if previous is None or previous.height == 0:
        return pending_rows.sort("id_tinjau")
    oldest = _periode_minus(periode, QUEUE_PERIODS - 1)
    waiting = previous.filter(~pl.col("id_tinjau").is_in(pl.Series(gone, dtype=pl.String).implode())).filter(
        pl.col("periode_usulan") >= oldest
    )
    return pl.concat([pending_rows, waiting], how="diagonal_relaxed").sort("id_tinjau")


def superseded(queue: pl.DataFrame, month: pl.DataFrame) -> list[str]:
    """Queued rows the province has sent again this month (``month``: its rows as decided), whose new
    row has its own outcome, so that no decision on the old one may apply after it: a row of the same
    province with the same NIK as typed, or with one of the queued row's candidates' NIKs (typed, or
    found) and the same name (the usual mend of a mistyped NIK). A different name on a candidate's
    NIK is another person's row (the sister sent on her own NIK) and leaves the queued row waiting."""
    from transforms.names import nama_key_expr

    if queue.height == 0 or month.height == 0 or "kandidat" not in queue.columns:
        return []
    m = month.select(
        pl.col("kode_prov").cast(pl.String),
        _typed=pl.col("nik_usulan").cast(pl.String),
        _found=pl.col("nik_padan").cast(pl.String),
        _key=nama_key_expr(pl.col("nama_usulan").cast(pl.String)),
    )
    q = queue.select("id_tinjau", "kode_prov", "nik_usulan", _key=nama_key_expr("nama_usulan"), _cand="kandidat")
    same_nik = q.join(m, left_on=["kode_prov", "nik_usulan"], right_on=["kode_prov", "_typed"], how="semi")
    cands = q.explode("_cand").with_columns(_cand=pl.col("_cand").struct.field("nik_kandidat"))
    named = [
        cands.join(m, left_on=["kode_prov", "_cand", "_key"], right_on=["kode_prov", side, "_key"], how="semi")
        for side in ("_typed", "_found")
    ]
    return sorted(set(pl.concat([same_nik["id_tinjau"], *(f["id_tinjau"] for f in named)]).to_list()))


def carried(queue_rows: pl.DataFrame) -> pl.DataFrame:
    """Queued rows a decision now applies to, as rows of this run: their own file named under
    ``.tinjau/<periode>/`` (see the module's note), without the queue's own columns."""
    return queue_rows.with_columns(
        sumber_file=pl.concat_str(pl.lit(CARRIED_PREFIX), "periode_usulan", pl.lit("/"), "sumber_file")
    ).drop("periode_usulan", "kandidat")


def preceded(carried_rows: pl.DataFrame, month: pl.DataFrame) -> pl.DataFrame:
    """Decided queued rows whose person a row of the month also names (found or typed) are refused
    (TINJAU_DIDAHULUI in ``alasan_padan``): the province's new row decides, and the old one neither
    competes with it (a refused row is no conflict) nor overwrites it."""
    named = pl.concat([month["nik_padan"], month["nik_usulan"]]).drop_nulls().unique().implode()
    return carried_rows.with_columns(
        alasan_padan=pl.when(pl.col("nik_padan").is_in(named).fill_null(False))
        .then(pl.col("alasan_padan").list.concat(pl.lit(["TINJAU_DIDAHULUI"])))
        .otherwise(pl.col("alasan_padan"))
    )


def carried_codes(rows: pl.DataFrame) -> pl.DataFrame:
    """A decided queued BARU row whose person is in the register by now (``register_codes`` said
    SUDAH_ADA_DI_REGISTER: registered meanwhile by another row) is refused (TINJAU_DIDAHULUI):
    months-old data must not overwrite what the register holds since (see also :func:`preceded`)."""
    stale = (
        pl.col("sumber_file").str.starts_with(CARRIED_PREFIX)
        & (pl.col("jenis") == "BARU")
        & pl.col("alasan_register").list.contains("SUDAH_ADA_DI_REGISTER")
    )
    return rows.with_columns(
        alasan_register=pl.when(stale)
        .then(pl.col("alasan_register").list.concat(pl.lit(["TINJAU_DIDAHULUI"])))
        .otherwise(pl.col("alasan_register"))
    )


def decision_note_expr() -> pl.Expr:
    """What a review decision adds to the row's own reason (``alasan_usulan``), so that the register's
    history (riwayat) says who decided, when and why; from the decision's columns ``_keputusan``,
    ``_penulis``, ``_tanggal``, ``_alasan_keputusan``."""
    note = pl.format("keputusan tinjau {} oleh {} ({}): {}", "_keputusan", "_penulis", "_tanggal", "_alasan_keputusan")
    return (
        pl.when(pl.col("_keputusan").is_null())
        .then(pl.col("alasan_usulan"))
        .when(pl.col("alasan_usulan").is_null())
        .then(note)
        .otherwise(pl.concat_str("alasan_usulan", pl.lit(" | "), note))
        .alias("alasan_usulan")
    )


def _periode_minus(periode: str, months: int) -> str:
    y, m = map(int, periode.split("-"))
    k = y * 12 + (m - 1) - months
    return f"{k // 12:04d}-{k % 12 + 1:02d}"


# ---------------------------------------------------------------------------------------------
# the workbook
# ---------------------------------------------------------------------------------------------

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
    **{f"sesuai_{c.removeprefix('cmp_')}": f"Kesesuaian {label}" for c, label in _AGREEMENT.items()},
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
    words = {c: pl.col(c).replace_strict(_WORDS, default=pl.col(c)) for c in _AGREEMENT}
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
        **{f"sesuai_{c.removeprefix('cmp_')}": words[c] for c in _AGREEMENT},
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
