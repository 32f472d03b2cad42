"""The padan stage: the references read and normalised once for the run, and every usulan row
matched against Dukcapil (candidates, evidence, a decision per row, the month's own estimates)."""

from __future__ import annotations

import time
from pathlib import Path

import polars as pl
from prefect import get_run_logger, task

import schemas
from flows import io, references
from flows.stages.common import TASK, common_input, reference_date
from flows.stages.register import RAW_COLUMNS
from flows.stages.results import Matched, References
from rules import load_matching_model, load_ruleset, rejecting_codes
from transforms import overrides, review
from transforms.linkage import blocking, estimate, evidence
from transforms.linkage import run as linkage_run


@task(**TASK)
def read_references(data_root: str, periode: str, rules_path: str | None) -> References:
    """Every reference, feedback and override file checked against its contract before any
    matching (a file that does not fit stops the run here, naming file and column); the CSV inputs
    are read once, normalised, and kept for the stages that need them."""
    root = io.Root(Path(data_root))
    programmes = load_ruleset(rules_path).programme_vocabulary
    frames, entries, warnings = references.read_all(root, periode, programmes)
    for name, frame in frames.items():
        io.write_parquet(
            frame if name in ("sdm_kesos", "overrides") else frame.with_columns(schemas.id16_expr("no_kk")),
            common_input(root, periode, name),
        )
    return References(reference=entries, warnings=warnings)


def _logger():
    """The run's logger inside a flow or task; the module's when a task's function is called directly
    (the benchmarks do)."""
    from prefect.exceptions import MissingContextError

    try:
        return get_run_logger()
    except MissingContextError:
        import logging

        return logging.getLogger(__name__)


@task(**TASK)
def match_usulan(data_root: str, periode: str, staged: list[str], matching_path: str | None) -> Matched:
    """Candidates, evidence and a padan decision per row. Dukcapil is read only for the persons the
    blocking keys name."""
    root = io.Root(Path(data_root))
    model = load_matching_model(matching_path).model
    out_path = root.work(periode) / "matched.parquet"
    queue_path = root.work(periode) / "antrean_tinjau.parquet"
    previous_queue = _previous_queue(root, periode)
    if not staged:  # no file this month: the queue waits as it is (decisions on it apply with the next files)
        io.write_parquet(pl.DataFrame(), out_path)
        waiting = previous_queue  # unchanged, not even aged (the next month with files ages it)
        return Matched(
            matched=str(out_path),
            kandidat_padan=str(
                io.write_parquet(evidence.empty_kandidat_padan(), root.work(periode) / "kandidat_padan.parquet")
            ),
            dukcapil_nik_ganda=0,
            estimates=None,
            antrean_tinjau=str(io.write_parquet(waiting, queue_path)),
        )
    usulan = io.scan_parquet(staged).collect().sort("kode_prov", "sumber_file", "sumber_baris").with_row_index("_row")
    dk_scan = references.scan_dukcapil(root)
    duplicates = 0

    def fetch(keys: blocking.Keys) -> pl.DataFrame:
        nonlocal duplicates
        found = blocking.fetch_candidates(dk_scan, keys).collect()
        duplicates += references.duplicate_niks(found)
        return references.one_row_per_nik(found.lazy()).collect()

    t0 = time.perf_counter()
    decided, dk, scored = linkage_run.linked(usulan, fetch, model)
    t1 = time.perf_counter()
    try:  # recorded, never used to decide: a failure here must not cost the month
        persons = dk_scan.select(pl.len()).collect().item()
        sample = blocking.dk_keys(references.one_row_per_nik(dk_scan.filter(estimate.sample_expr(persons)))).collect()
        estimates = estimate.estimates(sample, scored, model)
    except Exception as exc:  # noqa: BLE001 (named in the manifest and the log)
        _logger().warning(
            "the month's own estimates failed (%s: %s); the run goes on without them", type(exc).__name__, exc
        )
        estimates = {"error": f"{type(exc).__name__}: {exc}"}
    _logger().info("linkage %.1f s, the month's own estimates %.1f s", t1 - t0, time.perf_counter() - t1)
    kandidat = (
        usulan.select("_row", "kode_prov", "sumber_file", "sumber_baris")
        .join(evidence.candidate_evidence(scored, decided, model), on="_row", how="inner")
        .sort("_row", "peringkat")
    )
    kandidat_path = io.write_parquet(
        kandidat.select(pl.lit(periode).alias("periode"), pl.exclude("_row")),
        root.work(periode) / "kandidat_padan.parquet",
    )
    active = overrides.active_overrides(
        io.read_parquet(common_input(root, periode, "overrides")),
        periode=periode,
        reference_date=reference_date(periode),
    )
    manual_niks = active["nik_padan"].drop_nulls()
    if manual_niks.len():
        manual = references.one_row_per_nik(dk_scan.filter(pl.col("NIK").is_in(manual_niks.implode()))).collect()
        dk = pl.concat([dk, blocking.dk_keys(manual.lazy()).collect()], how="vertical_relaxed").unique(
            "NIK", keep="first", maintain_order=True
        )
    usulan = usulan.with_columns(review.id_expr(pl.lit(periode)))
    decided = overrides.padan_overridden(decided, usulan, active, dk)
    decided = overrides.padan_overridden(decided, usulan, active, dk, by_row=True)  # a period run again
    identity = dk.select(nik_padan="NIK", dk_nama="NAMA_LGKP", dk_tgl_lahir="TGL_LHR", dk_jk="_jk")
    out = usulan.join(decided, on="_row", how="left").join(identity, on="nik_padan", how="left").sort("_row")
    out, queue, live, not_applied = _reviewed(
        out, usulan, previous_queue, active, dk, identity, kandidat, periode=periode
    )
    io.write_parquet(out.drop("id_tinjau"), out_path)
    return Matched(
        matched=str(out_path),
        kandidat_padan=str(kandidat_path),
        dukcapil_nik_ganda=duplicates,
        estimates=estimates,
        antrean_tinjau=str(io.write_parquet(queue, queue_path)),
        tidak_cocok=_unmatched(active, usulan, live, previous_queue, root, periode) + not_applied,
        keputusan=dict(sorted(active.group_by("jenis").len().iter_rows())),
    )


def _reviewed(
    out: pl.DataFrame,
    usulan: pl.DataFrame,
    previous_queue: pl.DataFrame,
    active: pl.DataFrame,
    dk: pl.DataFrame,
    identity: pl.DataFrame,
    kandidat: pl.DataFrame,
    *,
    periode: str,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, list[dict]]:
    """The review queue's part of the padan stage: (the month's decided rows plus the queued rows a
    review decision now decides, without the province sending them again; the queue after the
    period; the previous queue less the rows sent again; the decisions that could not apply: a SAMA
    for a candidate the extract no longer holds, whose row keeps waiting)."""
    pending = review.pending(
        out.drop(RAW_COLUMNS, "dk_nama", "dk_tgl_lahir", "dk_jk", strict=False),
        kandidat,
        dk,
        periode=periode,
        rejecting=rejecting_codes(),
    )
    gone = review.superseded(previous_queue, out)
    live = previous_queue.filter(~pl.col("id_tinjau").is_in(pl.Series(gone, dtype=pl.String).implode()))
    keyed = active.filter(pl.col("tinjau").is_not_null())
    taken = live.join(keyed.select(id_tinjau="tinjau"), on="id_tinjau", how="semi")
    failed = pl.DataFrame(schema={"id_tinjau": pl.String})
    if taken.height:
        base = taken.with_row_index("_row", offset=usulan.height)
        redecided = overrides.padan_overridden(base, base, active, dk, by_row=True)
        failed = redecided.join(keyed.select(id_tinjau="tinjau", _kind="jenis"), on="id_tinjau").filter(
            (pl.col("_kind") == "PADAN_MANUAL") & ~pl.col("status_padan").is_in(list(schemas.PADAN_ACCEPTED))
        )
        redecided = redecided.join(failed, on="id_tinjau", how="anti")
        decided_now = review.preceded(review.carried(redecided), out)
        out = pl.concat([out, decided_now.join(identity, on="nik_padan", how="left")], how="diagonal_relaxed")
    applied = set(taken["id_tinjau"]) - set(failed["id_tinjau"])
    queue = review.queue_after(previous_queue, pending, sorted(applied | set(gone)), periode=periode)
    not_applied = (
        keyed.join(failed.select("id_tinjau"), left_on="tinjau", right_on="id_tinjau", how="semi")
        .sort("_sumber", "_baris")
        .select(**_report_columns())
        .with_columns(sebab=pl.lit("kandidat_tidak_ada_di_dukcapil"))
        .to_dicts()
    )
    return (
        _decision_noted(out, keyed.join(failed, left_on="tinjau", right_on="id_tinjau", how="anti")),
        queue,
        live,
        not_applied,
    )


def _report_columns() -> dict[str, pl.Expr]:
    """An override as the manifest and the warnings name it (its file and line; a NIK to its region)."""
    return dict(
        berkas=pl.col("_sumber"),
        baris=pl.col("_baris"),
        jenis=pl.col("jenis"),
        tinjau=pl.col("tinjau"),
        nik=review.mask_id_expr("nik"),
        penulis=pl.col("penulis"),
        tanggal=pl.col("tanggal"),
    )


def _previous_queue(root: io.Root, periode: str) -> pl.DataFrame:
    """The review queue the last period before ``periode`` published (empty when none did)."""
    previous = io.latest_snapshot_before(root, periode)
    path = root.snapshot(previous) / "antrean_tinjau" / "antrean_tinjau.parquet" if previous else None
    if path is None or not io.is_file(path):
        return pl.DataFrame(schema={"id_tinjau": pl.String, "periode_usulan": pl.String, "kode_prov": pl.String})
    return io.read_parquet(path)


def _decision_noted(out: pl.DataFrame, keyed: pl.DataFrame) -> pl.DataFrame:
    """The rows a review decision decided carry it in their own reason, so that the register's
    history says who decided, when and why (``review.decision_note_expr``); BARU and PERBAIKAN only
    (a HAPUS or SANGGAH reason is a code of its own)."""
    said = keyed.select(
        id_tinjau="tinjau",
        _keputusan=pl.col("jenis").replace_strict({"PADAN_MANUAL": "SAMA", "TIDAK_PADAN_MANUAL": "BEDA"}, default=None),
        _penulis="penulis",
        _tanggal="tanggal",
        _alasan_keputusan="alasan",
    )
    noted = out.join(said, on="id_tinjau", how="left", maintain_order="left").with_columns(
        _keputusan=pl.when(pl.col("jenis").is_in(["BARU", "PERBAIKAN"])).then("_keputusan")
    )
    return noted.with_columns(review.decision_note_expr()).drop(
        "_keputusan", "_penulis", "_tanggal", "_alasan_keputusan"
    )


def _unmatched(
    active: pl.DataFrame, usulan: pl.DataFrame, live: pl.DataFrame, previous: pl.DataFrame, root: io.Root, periode: str
) -> list[dict]:
    """Padan decisions in force, made since the last published period, that decided no row: a review
    decision whose row is neither among the month's rows nor waiting in the queue (``live``; sent
    again: in ``previous`` but not ``live``), a NIK decision for a NIK no row was sent with."""
    last = io.latest_snapshot_before(root, periode)
    recent = active.filter(pl.col("jenis").is_in(["PADAN_MANUAL", "TIDAK_PADAN_MANUAL"]))
    if last is not None:
        recent = recent.filter(pl.col("tanggal_d") > reference_date(last))
    ids = pl.concat([usulan["id_tinjau"], live["id_tinjau"]]).implode()
    lost = recent.filter(
        pl.when(pl.col("tinjau").is_not_null())
        .then(~pl.col("tinjau").is_in(ids))
        .otherwise(~pl.col("nik").is_in(usulan["nik_usulan"].drop_nulls().implode()))
    )
    sent_again = pl.col("tinjau").is_in(previous["id_tinjau"].implode()).fill_null(False)
    return (
        lost.sort("_sumber", "_baris")
        .select(**_report_columns())
        .with_columns(sebab=pl.when(sent_again).then(pl.lit("dikirim_ulang")).otherwise(pl.lit("tidak_ada_baris")))
        .to_dicts()
    )
