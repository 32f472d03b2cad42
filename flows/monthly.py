"""The monthly run: inbox -> validated usulan -> padan against Dukcapil -> register -> status ->
an atomically published snapshot, read top-down as its stages (the tasks are in ``flows/stages/``,
one module per stage). Tasks pass paths, never frames."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from prefect import flow, get_run_logger, unmapped

from flows import alerts, io, journal, lock, progress, publish, remote, remote_tasks, runners, settings
from flows import bucket as buckets
from flows import manifest as manifests
from flows import summary as run_summary
from flows.stages import payments as payment_stage
from flows.stages.ingest import discover_inbox, ingest_batch
from flows.stages.padan import match_usulan, read_references
from flows.stages.publish import publish_release
from flows.stages.register import combine_register, reconcile_partition, split_register
from flows.stages.results import Split
from flows.stages.rules import combine_rules, decide_partition, split_rules
from rules import check_valid_for, load_matching_model, load_ruleset
from transforms import report

SnapshotExists = manifests.SnapshotExists
RUN_TIMEOUT_SECONDS = 6 * 3600
"""A month that has not published after six hours is stopped (TimedOut, which raises the run-failed
alert); docs/scaling.md estimates a national month at well under one. Retries: Prefect's
PREFECT_FLOWS_DEFAULT_RETRIES, set by the deployment (prefect.yaml)."""


# ---------------------------------------------------------------------------------------------
# the flow
# ---------------------------------------------------------------------------------------------


@flow(
    name="padan-monthly",
    log_prints=False,
    task_runner=runners.task_runner_from_env(),
    timeout_seconds=RUN_TIMEOUT_SECONDS,
)
def monthly_run(
    data_root: str,
    periode: str | None = None,
    replace: bool = False,
    rules_path: str | None = None,
    matching_path: str | None = None,
    cascade: bool = False,
) -> dict:
    """The monthly reconciliation run for one periode (YYYY-MM; default: this month in Asia/Jakarta)
    on one data root. Holds the data root's writer lock for the whole run. Replacing a period that
    later periods were built on is refused unless ``cascade``: then those are run again after it,
    in order, each with ``replace`` (the summary returned is the asked period's, with ``diulang``:
    the later periods run again)."""
    if periode is None:
        from zoneinfo import ZoneInfo

        periode = dt.datetime.now(ZoneInfo("Asia/Jakarta")).strftime("%Y-%m")
    io.check_periode(periode)
    settings.check()  # a setting that does not fit stops the run here, naming the variable
    check_valid_for(load_ruleset(rules_path), periode)  # rule files refused before the data root is touched
    load_matching_model(matching_path)
    if buckets.is_remote(data_root):  # object storage: the run works on this machine's mirror of the bucket
        with remote.opened(data_root, command="run", periode=periode) as bucket:
            try:
                summary = _on_root(bucket.mirror, periode, replace, rules_path, matching_path, cascade, url=data_root)
            except BaseException:
                bucket.send_journal()
                raise
            sent = bucket.publish([periode, *summary.get("diulang", [])])
            get_run_logger().info("periode %s: %d objects published to %s", periode, sent["uploaded"], data_root)
            return summary
    return _on_root(Path(data_root).resolve(), periode, replace, rules_path, matching_path, cascade)


def _on_root(
    path: Path,
    periode: str,
    replace: bool,
    rules_path: str | None,
    matching_path: str | None,
    cascade: bool,
    url: str | None = None,
) -> dict:
    root = io.Root(path)
    with lock.writer_lock(root.path, command="run", periode=periode) as stale:
        if stale:
            get_run_logger().warning(
                "the previous writer (pid %s, %s) ended without releasing the data root; "
                "what it left unfinished is discarded",
                stale.get("pid"),
                stale.get("command"),
            )
        later = manifests.refuse_replacing_under_later(root, periode, replace=replace, cascade=cascade)
        summary = _month(root, periode, replace=replace, rules_path=rules_path, matching_path=matching_path, url=url)
        for q in later:
            get_run_logger().warning("periode %s runs again on the replaced periode %s", q, periode)
            _month(root, q, replace=True, rules_path=rules_path, matching_path=matching_path, url=url)
        return summary | ({"diulang": later} if later else {})


def _month(
    root: io.Root, periode: str, *, replace: bool, rules_path: str | None, matching_path: str | None, url: str | None
) -> dict:
    run = journal.started(root, periode, replace=replace)
    # mapped tasks on Dask workers that may share nothing with this process but the bucket
    sync = remote_tasks.WorkSync(url, root.path, periode) if url and settings.task_runner_kind() == "dask" else None
    try:
        summary = _month_run(
            root, periode, replace=replace, rules_path=rules_path, matching_path=matching_path, sync=sync
        )
    except BaseException as exc:
        # the work folder holds the month's personal data: a failed run does not leave it behind
        # (a killed one cannot clean up; the next run clears it before anything else)
        io.remove_tree(root.work(periode))
        if sync:
            sync.cleared()
        journal.ended(root, run, periode, "ditolak" if isinstance(exc, SnapshotExists) else "gagal", error=exc)
        raise
    if sync:
        sync.cleared()
    journal.ended(root, run, periode, "tidak_berubah" if summary["unchanged"] else "terbit")
    return summary


def _month_run(
    root: io.Root,
    periode: str,
    *,
    replace: bool,
    rules_path: str | None,
    matching_path: str | None,
    sync: remote_tasks.WorkSync | None = None,
) -> dict:
    logger = get_run_logger()
    started = dt.datetime.now(dt.timezone.utc)
    clock = progress.Stopwatch()
    data_root = str(root.path)
    rules = load_ruleset(rules_path)
    match_model = load_matching_model(matching_path)
    publish.recover(root.path)
    io.clear_stale_staging(root)
    payment_stage.check_ledger_programmes(root, periode, rules)  # before any work, like the rule files

    refs = read_references(data_root, periode, rules_path)  # a reference that breaks its contract stops the run here
    entries = discover_inbox(data_root, periode)
    logger.info("periode %s: %d inbox entries", periode, len(entries))
    tasks_root = sync.bucket.url if sync else data_root  # what the mapped tasks are given
    futures = ingest_batch.map(tasks_root, periode, entries, list(range(len(entries))))
    batches = _gathered(futures, "baca & validasi berkas", sync)
    clock.lap("baca & validasi berkas", sum(b.rows for b in batches))
    staged = [b.staged for b in batches if b.staged]
    quarantined = [q for b in batches for q in b.quarantine_entries()]
    for q in quarantined:
        logger.warning("quarantined %s/%s: %s", q["kode_prov"], q["file"], q["karantina"])
    # files not read (links, hidden, Office locks, uploads in progress): for the province receipts
    ignored = [g for b in batches for g in b.ignored_entries()]
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
    clock.lap(stages[0], io.row_count(matched.matched))
    rsplit = split_register(data_root, periode, matched.matched)
    reg = map_partitions(
        stages[1],
        rsplit,
        reconcile_partition,
        combine_register,
        data_root,
        periode,
        combine_with=[rsplit.previous_periode],
        sync=sync,
    )
    clock.lap(stages[1], io.row_count(reg.individu))
    ssplit = split_rules(data_root, periode, reg.individu)
    ready = payment_stage.prepare_payments(data_root, periode, reg.previous_periode, reg.individu, rules_path)
    penerima = map_partitions(
        stages[2], ssplit, decide_partition, combine_rules, data_root, periode, work_with=[rules_path], sync=sync
    )
    paid = payment_stage.settle_payments(data_root, periode, penerima, ready.ledger, rules_path)
    clock.lap(stages[2], io.row_count(penerima))

    manifest["previous_periode"] = reg.previous_periode
    previous = manifests.published_manifest(root, reg.previous_periode) if reg.previous_periode else None
    manifest["analytics_key_berubah"] = manifests.key_changed(previous, manifest["analytics_key"])
    manifest["matching_model"]["estimates"] = matched.estimates  # u and m of the month's own data (EM)
    manifest["dukcapil_nik_ganda"] = {"padan": matched.dukcapil_nik_ganda, "register": ssplit.dukcapil_nik_ganda}
    manifest["umpan_balik"] = manifests.feedback_received(refs.reference, root, periode)
    manifest["tinjau"] = {
        "antrean": io.row_count(matched.antrean_tinjau),
        "keputusan_berlaku": matched.keputusan,
        "keputusan_tidak_cocok": matched.tidak_cocok,
    }
    manifest["jumlah_diterima"] = report.accepted_count(
        io.count_where(reg.hasil_usulan, hasil="DITERIMA"), previous, settings.alert_accepted_factor()
    )
    manifest["tahap"] = clock.stages()
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
        "antrean_tinjau": matched.antrean_tinjau,
    }
    lists = {"lists": paid.lists, "stops": paid.stops}
    published = publish_release(data_root, periode, tables, lists, manifest, replace)
    progress.report(stages[3], 1, 1)
    summary = run_summary.summary(root, periode, published, quarantined) | {"diabaikan": ignored}
    for line in summary["peringatan"]:  # the log says what the report and the artifact say first
        logger.warning("periode %s: %s", periode, line)
    try:  # the period is published: telling Prefect about it must not turn the run into a failure
        run_summary.artifacts(summary)
        alerts.emit(summary)
    except Exception as exc:
        logger.warning("periode %s is published, but its artifacts or alerts did not reach Prefect: %s", periode, exc)
    io.remove_tree(root.work(periode))
    return summary


def map_partitions(
    stage: str,
    split: Split,
    work,
    combine,
    data_root: str,
    periode: str,
    *,
    work_with=(),
    combine_with=(),
    sync: remote_tasks.WorkSync | None = None,
):
    """A partitioned stage: ``work`` as one task per group of partitions of ``split`` (on the flow's
    task runner: threads here, Dask workers when configured), then ``combine`` over their results in
    partition order. ``work_with`` / ``combine_with``: the further arguments of each. ``sync``: the
    tasks see only the bucket (the work files go there first, and their results come back)."""
    if sync:
        sync.sent()
    target = sync.bucket.url if sync else data_root
    futures = work.map(target, periode, split.groups, *(unmapped(a) for a in work_with))
    return combine(data_root, periode, _gathered(futures, stage, sync), *combine_with)


def _gathered(futures, stage: str, sync: remote_tasks.WorkSync | None = None) -> list:
    """The mapped tasks' results in submission order, reporting progress as they finish in order
    (fetched into this process's mirror when the tasks ran on workers that see only the bucket)."""
    out = []
    for i, fut in enumerate(futures, start=1):
        out.append(fut.result())
        progress.report(stage, i, len(futures))
    return sync.received(out) if sync else out
