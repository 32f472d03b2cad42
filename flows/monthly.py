"""The monthly run: inbox -> validated usulan -> padan against Dukcapil -> register -> status ->
an atomically published snapshot. Tasks pass paths, never frames."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import time
from pathlib import Path

import polars as pl
from prefect import flow, get_run_logger, task, unmapped

import schemas
from flows import inbox, io, lock, progress, publish, references, release, runners
from flows.stages import payments as payment_stage
from flows.stages.common import TASK, common_input, part_files, reference_date, task_groups
from flows.stages.rules import combine_rules, decide_partition, split_rules
from rules import check_valid_for, load_matching_model, load_ruleset, rejecting_codes
from transforms import ingest, outcomes, overrides, register, report, wilayah
from transforms.linkage import blocking, estimate, evidence
from transforms.linkage import run as linkage_run

SnapshotExists = release.SnapshotExists


# ---------------------------------------------------------------------------------------------
# tasks
# ---------------------------------------------------------------------------------------------


@task(**TASK)
def discover_inbox(data_root: str, periode: str) -> list[inbox.InboxEntry]:
    """Everything in the period's inbox with what the run does with it (``inbox.inbox_entries``)."""
    return inbox.inbox_entries(io.Root(Path(data_root)), periode)


@task(**TASK)
def ingest_batch(data_root: str, periode: str, entry: inbox.InboxEntry, index: int) -> dict:
    """One inbox entry -> its outcome: a Parquet of its rows with cleaned fields and validation
    codes (``staged``), a quarantine record (``karantina``), or a file not read (``diabaikan``).

    Every outcome has ``kode_prov``, ``file`` (the path inside the province folder, the rows'
    ``sumber_file``), ``path`` (inside the data root), ``action`` (``inbox.READ`` ... ``inbox.NEXT_RUN``),
    ``sha256`` (of the bytes parsed; None for a file not read) and ``rows``. The file is read
    once: those bytes are hashed and parsed; a file that changed while read is left for the next
    run (``FILE_BELUM_LENGKAP``).
    """
    root = io.Root(Path(data_root))
    out = {
        "kode_prov": entry.kode_prov,
        "file": entry.file,
        "path": entry.path,
        "action": entry.action,
        "sha256": None,
        "rows": 0,
    }

    def not_read(e: inbox.InboxEntry) -> dict:
        return {**out, "action": e.action, "diabaikan": e.code, "keterangan": e.receipt_row["keterangan"]}

    def quarantined(code: str, detail: str) -> dict:
        if entry.action == inbox.QUARANTINE:  # decided by the walk (not a province folder): that reason stands
            code, detail = entry.code, entry.detail
        return {**out, "action": inbox.QUARANTINE, "karantina": code, "keterangan": detail}

    if entry.action in (inbox.IGNORE, inbox.NEXT_RUN):
        return not_read(entry)
    try:
        upload = inbox.read_upload(root.path / (entry.os_path or entry.path), max_bytes=ingest.MAX_FILE_BYTES)
    except inbox.UploadInProgress as exc:
        return not_read(entry.with_reason(inbox.NEXT_RUN, "FILE_BELUM_LENGKAP", str(exc)))
    except ingest.FileQuarantined as exc:
        return quarantined(exc.code, exc.detail)
    except OSError as exc:
        return quarantined("FILE_TIDAK_TERBACA", type(exc).__name__)
    out["sha256"] = upload.sha256
    if entry.action == inbox.QUARANTINE:
        return quarantined(entry.code, entry.detail)
    try:
        batch = ingest.parse_usulan(upload.data)
    except ingest.FileQuarantined as exc:
        return quarantined(exc.code, exc.detail)
    except Exception as exc:  # noqa: BLE001  a file we cannot parse must never stop the run
        return quarantined("FILE_TIDAK_TERBACA", type(exc).__name__)
    del upload  # the parsed frame is all that is needed from here
    rows = (
        batch.frame.lazy()
        .with_columns(kode_prov=pl.lit(entry.kode_prov), sumber_file=pl.lit(entry.file))
        .pipe(ingest.cleaned_usulan)
        .pipe(
            ingest.validated_usulan,
            villages=wilayah.villages().lazy(),
            districts=wilayah.districts().lazy(),
            reference_date=reference_date(periode),
        )
    )
    staged = io.write_parquet(rows.sort("sumber_baris"), root.work(periode) / "usulan" / f"{index:05d}.parquet")
    return {
        **out,
        "rows": pl.scan_parquet(staged).select(pl.len()).collect().item(),
        "staged": str(staged),
        "encoding": batch.encoding,
        "delimiter": batch.delimiter,
        "kolom_diabaikan": batch.ignored_columns,
    }


@task(**TASK)
def read_references(data_root: str, periode: str) -> dict:
    """Every reference, feedback and override file checked against its contract before any
    matching (a file that does not fit stops the run here, naming file and column); the CSV inputs
    are read once, normalised, and kept for the stages that need them."""
    root = io.Root(Path(data_root))
    frames, entries, warnings = references.read_all(root, periode)
    for name, frame in frames.items():
        io.write_parquet(
            frame if name in ("sdm_kesos", "overrides") else frame.with_columns(schemas.id16_expr("no_kk")),
            common_input(root, periode, name),
        )
    return {"reference": entries, "warnings": warnings}


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
def match_usulan(data_root: str, periode: str, staged: list[str], matching_path: str | None) -> dict:
    """Candidates, evidence and a padan decision per row. Dukcapil is read only for the persons the
    blocking keys name."""
    root = io.Root(Path(data_root))
    model = load_matching_model(matching_path).model
    out_path = root.work(periode) / "matched.parquet"
    if not staged:
        io.write_parquet(pl.DataFrame(), out_path)
        empty = pl.DataFrame(
            schema={
                "periode": pl.String,
                "kode_prov": pl.String,
                "sumber_file": pl.String,
                "sumber_baris": pl.Int64,
                **evidence.KANDIDAT_SCHEMA,
            }
        ).drop("_row")
        return {
            "matched": str(out_path),
            "dukcapil_nik_ganda": 0,
            "estimates": None,
            "kandidat_padan": str(io.write_parquet(empty, root.work(periode) / "kandidat_padan.parquet")),
        }
    usulan = pl.scan_parquet(staged).collect().sort("kode_prov", "sumber_file", "sumber_baris").with_row_index("_row")
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
    persons = dk_scan.select(pl.len()).collect().item()
    sample = blocking.dk_keys(references.one_row_per_nik(dk_scan.filter(estimate.sample_expr(persons)))).collect()
    estimates = estimate.estimates(sample, scored, model)
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
        pl.read_parquet(common_input(root, periode, "overrides")),
        periode=periode,
        reference_date=reference_date(periode),
    )
    manual_niks = active["nik_padan"].drop_nulls()
    if manual_niks.len():
        manual = references.one_row_per_nik(dk_scan.filter(pl.col("NIK").is_in(manual_niks.implode()))).collect()
        dk = pl.concat([dk, blocking.dk_keys(manual.lazy()).collect()], how="vertical_relaxed").unique(
            "NIK", keep="first", maintain_order=True
        )
    decided = overrides.padan_overridden(decided, usulan, active, dk)
    identity = dk.select(nik_padan="NIK", dk_nama="NAMA_LGKP", dk_tgl_lahir="TGL_LHR", dk_jk="_jk")
    out = usulan.join(decided, on="_row", how="left").join(identity, on="nik_padan", how="left").sort("_row")
    io.write_parquet(out, out_path)
    return {
        "matched": str(out_path),
        "kandidat_padan": str(kandidat_path),
        "dukcapil_nik_ganda": duplicates,
        "estimates": estimates,
    }


# The register and the rules are worked per province partition (``register.partition_expr``: the
# province code a person's NIK, or a household's no_kk, starts with). Everything keyed by a person
# (duplicates, conflicts, the register's upsert, history) or by a household (every rule) is then
# decided inside one partition, so the partitions are independent tasks: Prefect runs them on
# threads here or on Dask workers, and each holds only its province's rows.

# the raw CSV strings stay in the staged batches: the register needs the cleaned fields only
_RAW_COLUMNS = [
    "nik",
    "no_kk",
    "nama",
    "tempat_lahir",
    "tanggal_lahir",
    "jenis_kelamin",
    "hubungan_keluarga",
    "nama_ibu_kandung",
    "alamat",
    "kode_wilayah",
    "hamil",
    "disabilitas_berat",
    "jenjang_sekolah",
    "alasan",
    "_row",
    "cmp_nama",
    "cmp_tgl",
    "cmp_jk",
    "bobot",
]


@task(**TASK)
def split_register(data_root: str, periode: str, matched: str) -> dict:
    """One streaming pass each over the period's rows and the previous register, split by partition."""
    root = io.Root(Path(data_root))
    base = root.work(periode) / "register"
    shutil.rmtree(base, ignore_errors=True)
    previous_periode = io.latest_snapshot_before(root, periode)
    rows = pl.scan_parquet(matched)
    if rows.collect_schema().len():  # a period with no rows leaves a frame with no columns
        (
            rows.drop(_RAW_COLUMNS, strict=False)
            .with_columns(register.register_key_expr())
            .with_columns(_part=register.partition_expr(pl.coalesce("nik_register", "nik_usulan")))
            .sink_parquet(pl.PartitionBy(base / "rows", key=["_part"]), mkdir=True)
        )
    if previous_periode:
        (
            pl.scan_parquet(root.snapshot(previous_periode) / "individu" / "individu.parquet")
            .select(register.INDIVIDU_COLUMNS)
            .with_columns(_part=register.partition_expr(pl.col("nik")))
            .sink_parquet(pl.PartitionBy(base / "previous", key=["_part"]), mkdir=True)
        )
    return {"groups": task_groups(base / "rows", base / "previous"), "previous_periode": previous_periode}


@task(**TASK)
def reconcile_partition(data_root: str, periode: str, parts: list[str]) -> dict:
    """Apply some partitions' rows to their part of the previous register: every row's outcome, the
    register after and this period's history events."""
    root = io.Root(Path(data_root))
    base = root.work(periode) / "register"
    prev_files = part_files(base / "previous", parts)
    previous = pl.read_parquet(prev_files).drop("_part") if prev_files else register.empty_individu()
    previous, purged = register.unverified_removed(previous, periode=periode)
    row_files = part_files(base / "rows", parts)
    out = base / "out" / parts[0]
    if not row_files:
        return {
            "individu": str(io.write_parquet(previous, out / "individu.parquet")),
            "riwayat": str(io.write_parquet(purged, out / "riwayat.parquet")),
        }
    rejecting = rejecting_codes()
    lineage = ["kode_prov", "sumber_file", "sumber_baris"]
    rows = (
        pl.read_parquet(row_files)
        .drop("_part")
        .pipe(register.duplicate_codes, rejecting=rejecting)
        .pipe(register.register_codes, previous, rejecting=rejecting)
        .with_columns(jenis_usulan=pl.coalesce("jenis", pl.col("jenis_usulan")), periode=pl.lit(periode))
        .sort(lineage)
    )

    def decided(rows: pl.DataFrame) -> pl.DataFrame:
        return rows.with_columns(
            alasan=pl.concat_list("alasan_validasi", "alasan_padan", "alasan_duplikat", "alasan_register").list.unique(
                maintain_order=True
            )
        ).with_columns(hasil=outcomes.hasil_expr("alasan", rejecting))

    rows = decided(rows)
    # a row whose register record would break the individu contract is refused, never published
    unfit = register.unfit_register_rows(rows.filter(pl.col("hasil") == "DITERIMA"), periode=periode)
    if unfit.height:
        rows = decided(
            rows.join(unfit.with_columns(_unfit=pl.lit(True)), on=lineage, how="left", maintain_order="left")
            .with_columns(
                alasan_register=pl.when(pl.col("_unfit").fill_null(False))
                .then(pl.col("alasan_register").list.concat(pl.lit(["DATA_REGISTER_TIDAK_LENGKAP"])))
                .otherwise(pl.col("alasan_register"))
            )
            .drop("_unfit")
        )
    accepted = rows.filter(pl.col("hasil") == "DITERIMA")
    individu = register.individu_after(previous, accepted, periode=periode)
    events = register.riwayat_after(purged, previous, accepted, individu, periode=periode)
    return {
        "hasil_usulan": str(io.write_parquet(outcomes.hasil_usulan_table(rows), out / "hasil_usulan.parquet")),
        "individu": str(io.write_parquet(individu, out / "individu.parquet")),
        "riwayat": str(io.write_parquet(events, out / "riwayat.parquet")),
    }


def _combined(
    parts: list[dict], table: str, empty: pl.DataFrame, sort: list[str], first: pl.LazyFrame | None = None
) -> pl.LazyFrame:
    frames = ([first] if first is not None else []) + [pl.scan_parquet(p[table]) for p in parts if table in p]
    if not frames:
        return empty.lazy()
    return pl.concat(frames, how="vertical_relaxed").sort(sort, maintain_order=True)


@task(**TASK)
def combine_register(data_root: str, periode: str, parts: list[dict], previous_periode: str | None) -> dict:
    """The partitions' outputs as the period's three register tables, in their published order."""
    root = io.Root(Path(data_root))
    work = root.work(periode)
    history = root.snapshot(previous_periode) / "riwayat" / "riwayat.parquet" if previous_periode else None
    previous_riwayat = (
        pl.scan_parquet(history).select(list(register.RIWAYAT_SCHEMA)) if history and history.is_file() else None
    )
    hasil = _combined(
        parts,
        "hasil_usulan",
        pl.DataFrame(schema=outcomes.HASIL_USULAN_SCHEMA),
        ["kode_prov", "sumber_file", "sumber_baris"],
    )
    individu = _combined(parts, "individu", register.empty_individu(), ["kode_prov", "no_kk", "nik"])
    riwayat = _combined(
        parts,
        "riwayat",
        register.empty_riwayat(),
        ["periode", "kode_prov", "sumber_file", "sumber_baris", "nik"],
        first=previous_riwayat,
    )
    return {
        "hasil_usulan": str(io.write_parquet(hasil.collect(), work / "hasil_usulan.parquet")),
        "individu": str(io.write_parquet(individu.collect(), work / "individu.parquet")),
        "riwayat": str(io.write_parquet(riwayat.collect(), work / "riwayat.parquet")),
        "previous_periode": previous_periode,
    }


@task(**TASK)
def publish_release(
    data_root: str, periode: str, tables: dict[str, str], lists: dict[str, str], manifest: dict, replace: bool
) -> dict:
    """Every output of the period written to a staging tree, then published in one switch (or left
    as published when a rerun gives the same result; repaired when published files went missing)."""
    root = io.Root(Path(data_root))
    frames = {name: pl.read_parquet(p) for name, p in tables.items()}
    previous = io.latest_snapshot_before(root, periode)
    prev_pen = pl.read_parquet(root.snapshot(previous) / "penerima", hive_partitioning=False) if previous else None
    staged = io.new_staging_dir(root, periode)
    manifest = release.write_release(
        root,
        periode,
        frames,
        manifest,
        lists=pl.read_parquet(lists["lists"]),
        stops=pl.read_parquet(lists["stops"]),
        previous_penerima=prev_pen,
        reference_date=reference_date(periode),
        staged=staged,
    )
    try:
        outcome = release.settle(root, periode, staged, manifest, replace=replace)
    finally:
        shutil.rmtree(staged, ignore_errors=True)
    return {"snapshot": str(root.snapshot(periode)), **outcome}


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
    started = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    data_root = str(root.path)
    rules = load_ruleset(rules_path)
    match_model = load_matching_model(matching_path)
    publish.recover(root.path)
    io.clear_stale_staging(root)

    refs = read_references(data_root, periode)  # a reference that breaks its contract stops the run here
    entries = discover_inbox(data_root, periode)
    logger.info("periode %s: %d inbox entries", periode, len(entries))
    futures = ingest_batch.map(data_root, periode, entries, list(range(len(entries))))
    batches = _gathered(futures, "baca & validasi berkas")
    staged = [b["staged"] for b in batches if "staged" in b]
    quarantined = [
        {k: b[k] for k in ("kode_prov", "file", "karantina", "keterangan")} for b in batches if "karantina" in b
    ]
    for q in quarantined:
        logger.warning("quarantined %s/%s: %s", q["kode_prov"], q["file"], q["karantina"])
    # files not read (links, hidden, Office locks, uploads in progress): for the province receipts
    ignored = [
        {"kode_prov": b["kode_prov"], "file": b["file"], "alasan": b["diabaikan"], "keterangan": b["keterangan"]}
        for b in batches
        if "diabaikan" in b
    ]
    for g in ignored:
        logger.info("not read %s/%s: %s", g["kode_prov"], g["file"], g["alasan"])
    manifest = {
        "periode": periode,
        "run_id": f"{started.replace(':', '').replace('-', '')[:15]}-{os.getpid()}",
        "contract_version": schemas.CONTRACT_VERSION,
        "rule_set": {"version": rules.version, "sha256": rules.sha256, "source": rules.source},
        "matching_model": {
            "version": match_model.model.version,
            "sha256": match_model.sha256,
            "source": match_model.source,
            "ambiguity_margin_bits": match_model.model.guards.ambiguity_margin_bits,
        },
        "code_version": io.code_version(),
        "started_at": started,
        "analytics_key": release.key_fingerprint(),
        "inputs": {
            "usulan": [
                {k: b[k] for k in ("kode_prov", "path", "sha256", "rows")}
                | {k: b[k] for k in ("karantina", "diabaikan") if k in b}
                for b in batches
            ],
            "reference": refs["reference"],
        },
        "peringatan_input": refs["warnings"],
        "karantina": quarantined,
        "diabaikan": ignored,
    }
    manifest["input_fingerprint"] = release.input_fingerprint(manifest)
    release.refuse_changed_inputs(root, periode, manifest["input_fingerprint"], replace=replace)

    stages = ["padan Dukcapil", "register", "status & nominal", "terbitkan"]
    progress.report(stages[0], 0, 1)
    matched = match_usulan(data_root, periode, staged, matching_path)
    progress.report(stages[0], 1, 1)
    split = split_register(data_root, periode, matched["matched"])
    reg_parts = _gathered(reconcile_partition.map(data_root, periode, split["groups"]), stages[1])
    reg = combine_register(data_root, periode, reg_parts, split["previous_periode"])
    rsplit = split_rules(data_root, periode, reg["individu"])
    ready = payment_stage.prepare_payments(data_root, periode, reg["previous_periode"], reg["individu"], rules_path)
    pen_parts = _gathered(decide_partition.map(data_root, periode, rsplit["groups"], unmapped(rules_path)), stages[2])
    penerima = combine_rules(data_root, periode, pen_parts)
    paid = payment_stage.settle_payments(data_root, periode, penerima, ready["ledger"], rules_path)

    manifest["previous_periode"] = reg["previous_periode"]
    manifest["matching_model"]["estimates"] = matched["estimates"]  # u and m of the month's own data (EM)
    manifest["dukcapil_nik_ganda"] = {"padan": matched["dukcapil_nik_ganda"], "register": rsplit["dukcapil_nik_ganda"]}
    manifest["umpan_balik"] = release.feedback_received(refs["reference"], root, periode)
    tables = {
        "hasil_usulan": reg["hasil_usulan"],
        "individu": reg["individu"],
        "penerima": penerima,
        "riwayat": reg["riwayat"],
        "umpan_balik_tidak_dikenal": ready["umpan_balik_tidak_dikenal"],
        "pembayaran": paid["pembayaran"],
        "rekening": paid["rekening"],
        "rekonsiliasi": paid["rekonsiliasi"],
        "kandidat_padan": matched["kandidat_padan"],
    }
    lists = {"lists": paid["lists"], "stops": paid["stops"]}
    published = publish_release(data_root, periode, tables, lists, manifest, replace)
    progress.report(stages[3], 1, 1)
    summary = run_summary(root, periode, published, quarantined) | {"diabaikan": ignored}
    _artifacts(summary)
    shutil.rmtree(root.work(periode), ignore_errors=True)
    return summary


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


def run_summary(root: io.Root, periode: str, published: dict, quarantined: list[dict]) -> dict:
    snap = Path(published["snapshot"])
    manifest = json.loads((snap / "_manifest.json").read_text(encoding="utf-8"))
    h = pl.read_parquet(snap / "hasil_usulan" / "hasil_usulan.parquet")
    p = (
        pl.read_parquet(snap / "penerima", hive_partitioning=False)
        if any((snap / "penerima").rglob("*.parquet"))
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
        "unchanged": published["unchanged"],
        "repaired": published.get("repaired", []),
        "rows_in": h.height,
        "diterima": int((h["hasil"] == "DITERIMA").sum()) if h.height else 0,
        "ditolak": int((h["hasil"] == "DITOLAK").sum()) if h.height else 0,
        "padan": int(h["status_padan"].is_in(["PADAN", "PADAN_KOREKSI"]).sum()) if h.height else 0,
        "padan_koreksi": int((h["status_padan"] == "PADAN_KOREKSI").sum()) if h.height else 0,
        "individu": pl.scan_parquet(snap / "individu" / "individu.parquet").select(pl.len()).collect().item(),
        "umpan_balik_tidak_dikenal": pl.scan_parquet(snap / "umpan_balik_tidak_dikenal")
        .select(pl.len())
        .collect()
        .item(),
        "karantina": quarantined,
        "penerima": by_status,
        "report": str(root.report(periode)),
        "disbursement": str(root.disbursement(periode)),
        "analytics": manifest.get("analytics", ""),
        "peringatan": report.warning_lines(manifest),
        "bank_rows": manifest.get("bank_rows", 0),
        "stop_rows": manifest.get("stop_rows", 0),
    }
