"""The review queue (antrean tinjau): usulan rows waiting for a person to say whether the Dukcapil
candidate found is the person proposed (PERLU_VERIFIKASI), kept from one period to the next until
decided, sent again, or too old; the workbook and the decisions read back from it are in ``transforms.review_book``.

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
_LINEAGE = ["kode_prov", "sumber_file", "sumber_baris"]
AGREEMENT = {
    "cmp_nik": "NIK",
    "cmp_nama": "Nama",
    "cmp_tgl": "Tgl Lahir",
    "cmp_jk": "Jenis Kelamin",
    "cmp_ibu": "Ibu Kandung",
    "cmp_wilayah": "Wilayah",
    "cmp_kk": "No KK",
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
        .agg(kandidat=pl.struct(*fields, *AGREEMENT))
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
