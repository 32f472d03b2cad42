"""The monthly run: inbox -> validated usulan -> padan against Dukcapil -> register -> status ->
an atomically published snapshot, read top-down as its stages (the tasks are in ``flows/stages/``,
one module per stage). Tasks pass paths, never frames."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
from prefect import flow, get_run_logger, unmapped

import schemas
from flows import io, lock, progress, publish, runners, settings
from flows import manifest as manifests
from flows.stages import payments as payment_stage
from flows.stages.ingest import discover_inbox, ingest_batch
from flows.stages.padan import match_usulan, read_references
from flows.stages.publish import publish_release
from flows.stages.register import combine_register, reconcile_partition, split_register
from flows.stages.results import Published, Split
from flows.stages.rules import combine_rules, decide_partition, split_rules
from rules import check_valid_for, load_matching_model, load_ruleset
from transforms import report

SnapshotExists = manifests.SnapshotExists


# ---------------------------------------------------------------------------------------------
# the flow
# ---------------------------------------------------------------------------------------------


@flow(name="padan-monthly", log_prints=False, task_runner=runners.task_runner_from_env())
def monthly_run(
    data_root: str,
    periode: str | None = None,
    replace: bool = False,
    rules_path: str | None = None,
    matching_path: str | None = None,
) -> dict:
    """The monthly reconciliation run for one periode (YYYY-MM; default: this month in Asia/Jakarta)
    on one data root. Holds the data root's writer lock for the whole run."""
    if periode is None:
        from zoneinfo import ZoneInfo

        periode = dt.datetime.now(ZoneInfo("Asia/Jakarta")).strftime("%Y-%m")
    io.check_periode(periode)
    settings.check()  # a setting that does not fit stops the run here, naming the variable
    check_valid_for(load_ruleset(rules_path), periode)  # rule files refused before the data root is touched
    load_matching_model(matching_path)
    root = io.Root(Path(data_root).resolve())
    with lock.writer_lock(root.path, command="run", periode=periode) as stale:
        if stale:
            get_run_logger().warning(
                "the previous writer (pid %s, %s) ended without releasing the data root; "
                "what it left unfinished is discarded",
                stale.get("pid"),
                stale.get("command"),
            )
        return _month(root, periode, replace=replace, rules_path=rules_path, matching_path=matching_path)


def _month(root: io.Root, periode: str, *, replace: bool, rules_path: str | None, matching_path: str | None) -> dict:
    logger = get_run_logger()
    started = dt.datetime.now(dt.timezone.utc)
    data_root = str(root.path)
    rules = load_ruleset(rules_path)
    match_model = load_matching_model(matching_path)
    publish.recover(root.path)
    io.clear_stale_staging(root)
    payment_stage.check_ledger_programmes(root, periode, rules)  # before any work, like the rule files

    refs = read_references(data_root, periode, rules_path)  # a reference that breaks its contract stops the run here
    entries = discover_inbox(data_root, periode)
    logger.info("periode %s: %d inbox entries", periode, len(entries))
    futures = ingest_batch.map(data_root, periode, entries, list(range(len(entries))))
    batches = _gathered(futures, "baca & validasi berkas")
    staged = [b.staged for b in batches if b.staged]
    quarantined = [b.quarantine_entry() for b in batches if b.karantina]
    for q in quarantined:
        logger.warning("quarantined %s/%s: %s", q["kode_prov"], q["file"], q["karantina"])
    # files not read (links, hidden, Office locks, uploads in progress): for the province receipts
    ignored = [b.ignored_entry() for b in batches if b.diabaikan]
    for g in ignored:
        logger.info("not read %s/%s: %s", g["kode_prov"], g["file"], g["alasan"])
    manifest = manifests.opening(
        periode,
        started=started,
        rules=rules,
        match_model=match_model,
        batches=batches,
        references=refs,
        quarantined=quarantined,
        ignored=ignored,
    )
    manifests.refuse_changed_inputs(root, periode, manifest["input_fingerprint"], replace=replace)

    stages = ["padan Dukcapil", "register", "status & nominal", "terbitkan"]
    progress.report(stages[0], 0, 1)
    matched = match_usulan(data_root, periode, staged, matching_path)
    progress.report(stages[0], 1, 1)
    rsplit = split_register(data_root, periode, matched.matched)
    reg = map_partitions(
        stages[1],
        rsplit,
        reconcile_partition,
        combine_register,
        data_root,
        periode,
        combine_with=[rsplit.previous_periode],
    )
    ssplit = split_rules(data_root, periode, reg.individu)
    ready = payment_stage.prepare_payments(data_root, periode, reg.previous_periode, reg.individu, rules_path)
    penerima = map_partitions(
        stages[2], ssplit, decide_partition, combine_rules, data_root, periode, work_with=[rules_path]
    )
    paid = payment_stage.settle_payments(data_root, periode, penerima, ready.ledger, rules_path)

    manifest["previous_periode"] = reg.previous_periode
    manifest["matching_model"]["estimates"] = matched.estimates  # u and m of the month's own data (EM)
    manifest["dukcapil_nik_ganda"] = {"padan": matched.dukcapil_nik_ganda, "register": ssplit.dukcapil_nik_ganda}
    manifest["umpan_balik"] = manifests.feedback_received(refs.reference, root, periode)
    tables = {
        "hasil_usulan": reg.hasil_usulan,
        "individu": reg.individu,
        "penerima": penerima,
        "riwayat": reg.riwayat,
        "umpan_balik_tidak_dikenal": ready.umpan_balik_tidak_dikenal,
        "pembayaran": paid.pembayaran,
        "rekening": paid.rekening,
        "rekonsiliasi": paid.rekonsiliasi,
        "kandidat_padan": matched.kandidat_padan,
    }
    lists = {"lists": paid.lists, "stops": paid.stops}
    published = publish_release(data_root, periode, tables, lists, manifest, replace)
    progress.report(stages[3], 1, 1)
    summary = run_summary(root, periode, published, quarantined) | {"diabaikan": ignored}
    _artifacts(summary)
    io.remove_tree(root.work(periode))
    return summary


def map_partitions(
    stage: str, split: Split, work, combine, data_root: str, periode: str, *, work_with=(), combine_with=()
):
    """A partitioned stage: ``work`` as one task per group of partitions of ``split`` (on the flow's
    task runner: threads here, Dask workers when configured), then ``combine`` over their results in
    partition order. ``work_with`` / ``combine_with``: the further arguments of each."""
    futures = work.map(data_root, periode, split.groups, *(unmapped(a) for a in work_with))
    return combine(data_root, periode, _gathered(futures, stage), *combine_with)


def _gathered(futures, stage: str) -> list:
    """The mapped tasks' results in submission order, reporting progress as they finish in order."""
    out = []
    for i, fut in enumerate(futures, start=1):
        out.append(fut.result())
        progress.report(stage, i, len(futures))
    return out


def _artifacts(summary: dict) -> None:
    """The run's summary on the Prefect flow run: a markdown note and two tables."""
    from prefect.artifacts import create_markdown_artifact, create_table_artifact

    key = f"padan-{summary['periode']}"
    lines = [f"# Padan periode {summary['periode']}", ""]
    lines += [f"> **PERINGATAN** {w}" for w in summary["peringatan"]] + ([""] if summary["peringatan"] else [])
    lines += [
        f"* rows in: {summary['rows_in']:,}; diterima {summary['diterima']:,}; ditolak {summary['ditolak']:,}",
        f"* padan: {summary['padan']:,} (koreksi {summary['padan_koreksi']:,}); register: {summary['individu']:,}",
        f"* files quarantined: {len(summary['karantina'])}; feedback about unknown households: "
        f"{summary['umpan_balik_tidak_dikenal']:,}",
        f"* bank lists: {summary['bank_rows']:,} rows to pay, {summary['stop_rows']:,} stopped",
        f"* snapshot: `{summary['snapshot']}`" + (" (unchanged)" if summary["unchanged"] else ""),
    ]
    lines += [f"  * karantina {q['kode_prov']}/{q['file']}: {q['karantina']}" for q in summary["karantina"]]
    create_markdown_artifact(key=f"{key}-ringkasan", markdown="\n".join(lines), description="Padan run summary")
    create_table_artifact(
        key=f"{key}-penerima",
        table=summary["penerima"] or [{"program": "-", "status": "-"}],
        description="units and nominal per programme and status",
    )
    if summary["karantina"]:
        create_table_artifact(key=f"{key}-karantina", table=summary["karantina"], description="quarantined files")


def run_summary(root: io.Root, periode: str, published: Published, quarantined: list[dict]) -> dict:
    snap = Path(published.snapshot)
    manifest = io.read_json(snap / "_manifest.json")
    h = io.read_parquet(snap / "hasil_usulan" / "hasil_usulan.parquet")
    p = (
        io.read_parquet(snap / "penerima", hive_partitioning=False)
        if io.has_parquet(snap / "penerima")
        else pl.DataFrame(schema={"program": pl.String, "status": pl.String, "nominal": pl.Int64})
    )
    by_status = (
        p.group_by("program", "status")
        .agg(unit=pl.len(), nominal=pl.col("nominal").sum())
        .sort("program", "status")
        .to_dicts()
    )
    return {
        "periode": periode,
        "snapshot": str(snap),
        "receipts": str(root.receipts(periode)),
        "unchanged": published.unchanged,
        "repaired": published.repaired,
        "rows_in": h.height,
        "diterima": int((h["hasil"] == "DITERIMA").sum()) if h.height else 0,
        "ditolak": int((h["hasil"] == "DITOLAK").sum()) if h.height else 0,
        "padan": int(h["status_padan"].is_in(list(schemas.PADAN_ACCEPTED)).sum()) if h.height else 0,
        "padan_koreksi": int((h["status_padan"] == "PADAN_KOREKSI").sum()) if h.height else 0,
        "individu": io.row_count(snap / "individu" / "individu.parquet"),
        "umpan_balik_tidak_dikenal": io.row_count(snap / "umpan_balik_tidak_dikenal"),
        "karantina": quarantined,
        "penerima": by_status,
        "report": str(root.report(periode)),
        "disbursement": str(root.disbursement(periode)),
        "analytics": manifest.get("analytics", ""),
        "peringatan": report.warning_lines(manifest),
        "bank_rows": manifest.get("bank_rows", 0),
        "stop_rows": manifest.get("stop_rows", 0),
    }
