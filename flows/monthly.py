"""The monthly run: inbox -> validated usulan -> padan against Dukcapil -> register -> status ->
an atomically published snapshot. Tasks pass paths, never frames."""

from __future__ import annotations

import calendar
import datetime as dt
import json
import shutil
from pathlib import Path

import polars as pl
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

import schemas
from flows import io, progress
from rules import load_matching_model, load_ruleset, rejecting_codes
from transforms import analytics, disbursement, ingest, outcomes, overrides, register, report, status, wilayah
from transforms.linkage import blocking
from transforms.linkage import run as linkage_run

TASK = dict(cache_policy=NO_CACHE, persist_result=False)


class SnapshotExists(RuntimeError):
    """The period is already published with different content and --replace was not given."""


def reference_date(periode: str) -> dt.date:
    y, m = map(int, periode.split("-"))
    return dt.date(y, m, calendar.monthrange(y, m)[1])


# ---------------------------------------------------------------------------------------------
# tasks
# ---------------------------------------------------------------------------------------------

@task(**TASK)
def discover_inbox(data_root: str, periode: str) -> list[tuple[str, str]]:
    root = io.Root(Path(data_root))
    return [(prov, str(f)) for prov, f in io.inbox_files(root, periode)]


@task(**TASK)
def ingest_batch(data_root: str, periode: str, kode_prov: str, file: str, index: int) -> dict:
    """One uploaded file -> a Parquet of its rows with cleaned fields and validation codes,
    or a quarantine record."""
    root = io.Root(Path(data_root))
    path = Path(file)
    entry = {"kode_prov": kode_prov, "file": path.name, "path": str(path.relative_to(root.path)),
             "sha256": io.sha256_file(path)}
    known_prov = set(wilayah.provinces()["kode_prov"])
    try:
        if kode_prov not in known_prov:
            raise ingest.FileQuarantined("FILE_SALAH_PROVINSI", f"folder '{kode_prov or '(tanpa folder)'}' bukan kode provinsi")
        batch = ingest.parse_usulan(path.read_bytes())
    except ingest.FileQuarantined as exc:
        return {**entry, "rows": 0, "karantina": exc.code, "keterangan": exc.detail}
    except Exception as exc:  # noqa: BLE001  a file we cannot parse must never stop the run
        return {**entry, "rows": 0, "karantina": "FILE_TIDAK_TERBACA", "keterangan": type(exc).__name__}
    rows = (
        batch.frame.lazy()
        .with_columns(kode_prov=pl.lit(kode_prov), sumber_file=pl.lit(path.name))
        .pipe(ingest.cleaned_usulan)
        .pipe(ingest.validated_usulan, villages=wilayah.villages().lazy(), districts=wilayah.districts().lazy(),
              reference_date=reference_date(periode))
    )
    out = io.write_parquet(rows.sort("sumber_baris"), root.work(periode) / "usulan" / f"{index:05d}.parquet")
    return {**entry, "rows": pl.scan_parquet(out).select(pl.len()).collect().item(), "staged": str(out),
            "encoding": batch.encoding, "delimiter": batch.delimiter, "kolom_diabaikan": batch.ignored_columns}


@task(**TASK)
def match_usulan(data_root: str, periode: str, staged: list[str], matching_path: str | None) -> str:
    """Candidates, evidence and a padan decision per row. Dukcapil is read only for the persons the
    blocking keys name."""
    root = io.Root(Path(data_root))
    model = load_matching_model(matching_path).model
    out_path = root.work(periode) / "matched.parquet"
    if not staged:
        io.write_parquet(pl.DataFrame(), out_path)
        return str(out_path)
    usulan = (
        pl.scan_parquet(staged).collect()
        .sort("kode_prov", "sumber_file", "sumber_baris")
        .with_row_index("_row")
    )
    dk_scan = io.scan_reference(root.dukcapil, io.DUKCAPIL_TYPES, required=True)
    decided, dk = linkage_run.linked(usulan, lambda keys: blocking.fetch_candidates(dk_scan, keys).collect(), model)
    active = overrides.active_overrides(io.read_overrides(root)[0], periode=periode,
                                        reference_date=reference_date(periode))
    manual_niks = active["nik_padan"].drop_nulls()
    if manual_niks.len():
        dk = pl.concat([dk, blocking.dk_keys(dk_scan.filter(pl.col("NIK").is_in(manual_niks.implode()))).collect()],
                       how="vertical_relaxed").unique("NIK")
    decided = overrides.padan_overridden(decided, usulan, active, dk)
    identity = dk.select(nik_padan="NIK", dk_nama="NAMA_LGKP", dk_tgl_lahir="TGL_LHR", dk_jk="_jk")
    out = (
        usulan.join(decided, on="_row", how="left")
        .join(identity, on="nik_padan", how="left")
        .sort("_row")
    )
    io.write_parquet(out, out_path)
    return str(out_path)


@task(**TASK)
def reconcile_register(data_root: str, periode: str, matched: str) -> dict:
    """Apply the period's rows to the previous register: every row's outcome and the register after."""
    root = io.Root(Path(data_root))
    previous_periode = io.latest_snapshot_before(root, periode)
    if previous_periode:
        snap = root.snapshot(previous_periode)
        previous = pl.read_parquet(snap / "individu" / "individu.parquet").select(register.INDIVIDU_COLUMNS)
        history = snap / "riwayat" / "riwayat.parquet"
        previous_riwayat = pl.read_parquet(history) if history.is_file() else register.empty_riwayat()
    else:
        previous, previous_riwayat = register.empty_individu(), register.empty_riwayat()
    rejecting = rejecting_codes()
    # the raw CSV strings stay in the staged batches: this stage needs the cleaned fields only
    raw = ["nik", "no_kk", "nama", "tempat_lahir", "tanggal_lahir", "jenis_kelamin", "hubungan_keluarga",
           "nama_ibu_kandung", "alamat", "kode_wilayah", "hamil", "disabilitas_berat", "jenjang_sekolah", "alasan",
           "_row", "cmp_nama", "cmp_tgl", "cmp_jk", "bobot"]
    rows = pl.scan_parquet(matched).drop(raw, strict=False).collect()
    if rows.height:
        rows = (
            rows.pipe(register.duplicate_codes, rejecting=rejecting)
            .pipe(register.register_codes, previous)
            .with_columns(alasan=pl.concat_list("alasan_validasi", "alasan_padan", "alasan_duplikat",
                                                "alasan_register").list.unique(maintain_order=True))
            .with_columns(hasil=outcomes.hasil_expr("alasan", rejecting), periode=pl.lit(periode))
            .with_columns(jenis_usulan=pl.coalesce("jenis", pl.col("jenis_usulan")))
            .sort("kode_prov", "sumber_file", "sumber_baris")
        )
        accepted = rows.filter(pl.col("hasil") == "DITERIMA")
        hasil = outcomes.hasil_usulan_table(rows)
    else:
        accepted = None
        hasil = pl.DataFrame(schema=outcomes.HASIL_USULAN_SCHEMA)
    if accepted is not None:
        individu = register.individu_after(previous, accepted, periode=periode)
        riwayat = register.riwayat_after(previous_riwayat, previous, accepted, individu, periode=periode)
    else:
        individu, riwayat = previous, previous_riwayat
    work = root.work(periode)
    return {
        "hasil_usulan": str(io.write_parquet(hasil, work / "hasil_usulan.parquet")),
        "individu": str(io.write_parquet(individu, work / "individu.parquet")),
        "riwayat": str(io.write_parquet(riwayat, work / "riwayat.parquet")),
        "previous_periode": previous_periode,
    }


@task(**TASK)
def decide_penerima(data_root: str, periode: str, individu_path: str, rules_path: str | None) -> dict:
    """Eligibility, status and amounts per programme and unit."""
    root = io.Root(Path(data_root))
    rules = load_ruleset(rules_path)
    individu = pl.read_parquet(individu_path)
    inputs: list[dict] = []
    dk = io.scan_reference(root.dukcapil, io.DUKCAPIL_TYPES, required=True)
    dk = dk.filter(pl.col("NIK").is_in(individu["nik"].implode())).select("NIK", "TGL_MATI", "JENIS_PKRJN")
    dtsen = io.scan_reference(root.dtsen, io.DTSEN_TYPES, required=False)
    if dtsen is None:
        dtsen = pl.LazyFrame(schema={"no_kk": pl.String, "desil": pl.Int64, "tgl_update": pl.Date})
    sdm, e1 = io.read_csv_folder(root.sdm_kesos, list(schemas.SdmKesos.to_schema().columns))
    gis, e2 = io.read_csv_folder(root.gis, list(schemas.Gis.to_schema().columns))
    bur, e3 = io.read_csv_folder(root.feedback(periode, "burekol"), list(schemas.Burekol.to_schema().columns))
    sal, e4 = io.read_csv_folder(root.feedback(periode, "salur"), list(schemas.Salur.to_schema().columns))
    inputs += e1 + e2 + e3 + e4
    strip_id = lambda df, c: df.with_columns(pl.col(c).str.replace_all(r"[\s'\"]", "").str.replace(r"\.0$", ""))  # noqa: E731
    ov, e5 = io.read_overrides(root)
    inputs += e5
    sanggah = overrides.sanggah_decisions(overrides.active_overrides(ov, periode=periode,
                                                                     reference_date=reference_date(periode)))
    out = status.penerima(
        individu.lazy(), dk, dtsen, sdm.lazy(), strip_id(gis, "no_kk").lazy(), strip_id(bur, "no_kk").lazy(),
        strip_id(sal, "no_kk").lazy(), rules=rules, periode=periode, reference_date=reference_date(periode),
        sanggah=sanggah.lazy(),
    ).collect()
    path = io.write_parquet(out, root.work(periode) / "penerima.parquet")
    unknown = status.unknown_feedback(strip_id(bur, "no_kk"), strip_id(sal, "no_kk"), individu, periode=periode)
    unknown_path = io.write_parquet(unknown, root.work(periode) / "umpan_balik_tidak_dikenal.parquet")
    for e in inputs:
        e["path"] = str(Path(e["path"]).relative_to(root.path))
    return {"penerima": str(path), "umpan_balik_tidak_dikenal": str(unknown_path), "inputs": inputs}


@task(**TASK)
def publish_snapshot(data_root: str, periode: str, tables: dict[str, str], manifest: dict, replace: bool,
                     rules_path: str | None = None) -> dict:
    """Validate the tables against the contracts, write snapshot + receipts to a staging folder,
    then rename into place. An unchanged rerun leaves the published bytes untouched."""
    root = io.Root(Path(data_root))
    frames = {name: pl.read_parquet(p) for name, p in tables.items()}
    for name, model in schemas.OUTPUT_MODELS.items():
        model.validate(frames[name], lazy=True)
    staging = io.new_staging_dir(root, periode)
    snap, rec = staging / "snapshot", staging / "receipts"
    rec.mkdir()
    io.write_parquet(frames["hasil_usulan"], snap / "hasil_usulan" / "hasil_usulan.parquet")
    io.write_parquet(frames["individu"], snap / "individu" / "individu.parquet")
    io.write_partitioned(frames["penerima"], snap / "penerima", ["program", "kode_prov"])
    for extra in ("riwayat", "umpan_balik_tidak_dikenal"):
        io.write_parquet(frames[extra], snap / extra / f"{extra}.parquet")
    receipt = outcomes.receipt(frames["hasil_usulan"])
    quarantined = pl.DataFrame(manifest["karantina"] or None, schema={
        "kode_prov": pl.String, "file": pl.String, "karantina": pl.String, "keterangan": pl.String})
    provs = sorted(set(receipt["kode_prov"].to_list()) | set(quarantined["kode_prov"].to_list()))
    for prov in provs:
        part = receipt.filter(pl.col("kode_prov") == prov)
        folder = rec / (prov or "_tanpa_provinsi")
        io.write_parquet(part, folder / "hasil_usulan.parquet")
        _write_receipt_csv(outcomes.receipt_csv_ready(part), folder / "hasil_usulan.csv")
        q = quarantined.filter(pl.col("kode_prov") == prov)
        if q.height:
            _write_receipt_csv(outcomes.receipt_csv_ready(q), folder / "berkas_karantina.csv")
    extras = _downstream_outputs(root, periode, frames, manifest, staging, rules_path)
    target = root.snapshot(periode)
    digest = io.tree_digest(snap)
    manifest = {**manifest, "tables": {n: {"rows": f.height} for n, f in frames.items()}, "files": digest}
    if target.exists() and (target / "_manifest.json").is_file():
        old = json.loads((target / "_manifest.json").read_text(encoding="utf-8"))
        same_inputs = old.get("inputs") == manifest["inputs"]
        if old.get("files") == digest and same_inputs:
            shutil.rmtree(staging, ignore_errors=True)
            return {"snapshot": str(target), "unchanged": True}
        if not replace:
            shutil.rmtree(staging, ignore_errors=True)
            what = "different content" if old.get("files") != digest else "different input files (sha256)"
            raise SnapshotExists(
                f"periode {periode} is already published with {what}; rerun with --replace to replace it")
        manifest["replaces"] = {"started_at": old.get("started_at"), "code_version": old.get("code_version"),
                                "inputs": old.get("inputs"), "files": old.get("files")}
    manifest["ended_at"] = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    manifest["analytics"] = extras["analytics"]
    io.write_json(manifest, snap / "_manifest.json")
    io.fsync_tree(staging)
    # every consumer's output first; the snapshot last: a visible snapshot means all of it is in place
    io.swap_into_place(rec, root.receipts(periode))
    io.swap_into_place(staging / "disbursement", root.disbursement(periode))
    for table_dir in sorted((staging / "analytics").glob("*/periode=*")):
        io.swap_into_place(table_dir, root.analytics / table_dir.parent.name / table_dir.name)
    io.replace_file(staging / "report.html", root.report(periode))
    io.swap_into_place(snap, target)
    shutil.rmtree(staging, ignore_errors=True)
    io.advance_current_pointer(root, periode)
    return {"snapshot": str(target), "unchanged": False}


PSEUDONYM_KEY_ENV = "PADAN_PSEUDONYM_KEY"


def _downstream_outputs(root: io.Root, periode: str, frames: dict[str, pl.DataFrame], manifest: dict,
                        staging: Path, rules_path: str | None) -> dict:
    """Into ``staging``: the banks' lists with control totals, the pseudonymised analytics zone and
    the HTML report."""
    import os

    ruleset = load_ruleset(rules_path)
    bur, _ = io.read_csv_folder(root.feedback(periode, "burekol"), list(schemas.Burekol.to_schema().columns))
    bur = bur.with_columns(pl.col("no_kk").str.replace_all(r"[\s'\"]", ""))
    bank_paid = [p for p, cfg in ruleset.programmes.items() if cfg.get("paid_by_bank", True)]
    lists = disbursement.bank_lists(frames["penerima"], frames["individu"], bur, programmes=bank_paid,
                                    payable=list(ruleset.data.get("disbursement", {}).get("payable_statuses", [])),
                                    periode=periode)
    out = staging / "disbursement"
    out.mkdir()
    for bank in schemas.BANKS:
        part = lists.filter(pl.col("bank") == bank)
        io.write_parquet(part, out / f"{bank}.parquet")
        _write_receipt_csv(outcomes.receipt_csv_ready(part), out / f"{bank}.csv")
        totals = pl.DataFrame({"periode": [periode], "bank": [bank], "jumlah_baris": [part.height],
                               "total_nominal": [int(part["nominal"].sum())],
                               "sha256_csv": [io.sha256_file(out / f"{bank}.csv")],
                               "sha256_parquet": [io.sha256_file(out / f"{bank}.parquet")]})
        _write_receipt_csv(totals, out / f"{bank}_kontrol.csv")
    key = os.environ.get(PSEUDONYM_KEY_ENV, "").encode("utf-8")
    if key:
        ref = reference_date(periode)
        for name in ("hasil_usulan", "individu", "penerima"):
            anon = analytics.pseudonymised(frames[name], key=key, reference_date=ref)
            io.write_parquet(anon.with_columns(periode=pl.lit(periode)),
                             staging / "analytics" / name / f"periode={periode}" / "data.parquet")
        io.write_parquet(analytics.riwayat_pseudonymised(frames["riwayat"].filter(pl.col("periode") == periode), key=key),
                         staging / "analytics" / "riwayat" / f"periode={periode}" / "data.parquet")
        analytics_note = "published"
    else:
        analytics_note = f"skipped: {PSEUDONYM_KEY_ENV} is not set, so no pseudonymised zone was written"
    previous = io.latest_snapshot_before(root, periode)
    prev_pen = (pl.read_parquet(root.snapshot(previous) / "penerima", hive_partitioning=False)
                if previous else None)
    figures = report.report_frames(frames["hasil_usulan"], frames["penerima"], prev_pen)
    (staging / "report.html").write_text(report.report_html(periode, figures, manifest), encoding="utf-8")
    return {"analytics": analytics_note, "bank_rows": lists.height}


def _write_receipt_csv(df: pl.DataFrame, path: Path) -> None:
    """CSV for Excel in an Indonesian locale: ``;`` delimiter (the decimal mark is a comma), UTF-8
    with BOM so that names keep their letters, CRLF line ends."""
    path.parent.mkdir(parents=True, exist_ok=True)
    body = df.write_csv(separator=";", line_terminator="\r\n", quote_style="non_numeric")
    path.write_bytes(b"\xef\xbb\xbf" + body.encode("utf-8"))


# ---------------------------------------------------------------------------------------------
# the flow
# ---------------------------------------------------------------------------------------------

@flow(name="padan-monthly", log_prints=False)
def monthly_run(data_root: str, periode: str | None = None, replace: bool = False,
                rules_path: str | None = None, matching_path: str | None = None) -> dict:
    """The monthly reconciliation run for one periode (YYYY-MM; default: this month in Asia/Jakarta)
    on one data root."""
    logger = get_run_logger()
    if periode is None:
        from zoneinfo import ZoneInfo

        periode = dt.datetime.now(ZoneInfo("Asia/Jakarta")).strftime("%Y-%m")
    io.check_periode(periode)
    started = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    root = io.Root(Path(data_root).resolve())
    data_root = str(root.path)
    rules = load_ruleset(rules_path)
    match_model = load_matching_model(matching_path)
    io.clear_stale_staging(root, periode)
    shutil.rmtree(root.work(periode), ignore_errors=True)

    files = discover_inbox(data_root, periode)
    logger.info("periode %s: %d inbox files", periode, len(files))
    futures = ingest_batch.map(data_root, periode, [p for p, _ in files], [f for _, f in files],
                               list(range(len(files))))
    batches = []
    for i, fut in enumerate(futures, start=1):
        batches.append(fut.result())
        progress.report("baca & validasi berkas", i, len(futures))
    staged = [b["staged"] for b in batches if "staged" in b]
    quarantined = [{k: b[k] for k in ("kode_prov", "file", "karantina", "keterangan")}
                   for b in batches if "karantina" in b]
    for q in quarantined:
        logger.warning("quarantined %s/%s: %s", q["kode_prov"], q["file"], q["karantina"])

    stages = ["padan Dukcapil", "register", "status & nominal", "terbitkan"]
    progress.report(stages[0], 0, 1)
    matched = match_usulan(data_root, periode, staged, matching_path)
    progress.report(stages[0], 1, 1)
    reg = reconcile_register(data_root, periode, matched)
    progress.report(stages[1], 1, 1)
    pen = decide_penerima(data_root, periode, reg["individu"], rules_path)
    progress.report(stages[2], 1, 1)

    ref_inputs = [
        {"kind": kind, "path": str(f.relative_to(root.path)), "sha256": io.sha256_file(f), "rows": io.parquet_rows(f)}
        for kind, folder in (("dukcapil", root.dukcapil), ("dtsen", root.dtsen))
        for f in io.parquet_files(folder)
    ]
    manifest = {
        "periode": periode,
        "contract_version": schemas.CONTRACT_VERSION,
        "rule_set": {"version": rules.version, "sha256": rules.sha256, "source": rules.source},
        "matching_model": {"version": match_model.model.version, "sha256": match_model.sha256,
                           "source": match_model.source},
        "code_version": io.code_version(),
        "previous_periode": reg["previous_periode"],
        "started_at": started,
        "inputs": {
            "usulan": [{k: b[k] for k in ("kode_prov", "path", "sha256", "rows")} | (
                {"karantina": b["karantina"]} if "karantina" in b else {}) for b in batches],
            "reference": ref_inputs + pen["inputs"],
        },
        "karantina": quarantined,
    }
    tables = {"hasil_usulan": reg["hasil_usulan"], "individu": reg["individu"], "penerima": pen["penerima"],
              "riwayat": reg["riwayat"], "umpan_balik_tidak_dikenal": pen["umpan_balik_tidak_dikenal"]}
    published = publish_snapshot(data_root, periode, tables, manifest, replace, rules_path)
    progress.report(stages[3], 1, 1)
    summary = run_summary(root, periode, published, quarantined)
    _artifacts(summary)
    shutil.rmtree(root.work(periode), ignore_errors=True)
    return summary


def _artifacts(summary: dict) -> None:
    """The run's summary on the Prefect flow run: a markdown note and two tables."""
    from prefect.artifacts import create_markdown_artifact, create_table_artifact

    key = f"padan-{summary['periode']}"
    lines = [f"# Padan periode {summary['periode']}", "",
             f"* rows in: {summary['rows_in']:,}; diterima {summary['diterima']:,}; ditolak {summary['ditolak']:,}",
             f"* padan: {summary['padan']:,} (koreksi {summary['padan_koreksi']:,}); register: {summary['individu']:,}",
             f"* files quarantined: {len(summary['karantina'])}; feedback about unknown households: "
             f"{summary['umpan_balik_tidak_dikenal']:,}",
             f"* snapshot: `{summary['snapshot']}`" + (" (unchanged)" if summary["unchanged"] else "")]
    lines += [f"  * karantina {q['kode_prov']}/{q['file']}: {q['karantina']}" for q in summary["karantina"]]
    create_markdown_artifact(key=f"{key}-ringkasan", markdown="\n".join(lines), description="Padan run summary")
    create_table_artifact(key=f"{key}-penerima", table=summary["penerima"] or [{"program": "-", "status": "-"}],
                          description="units and nominal per programme and status")
    if summary["karantina"]:
        create_table_artifact(key=f"{key}-karantina", table=summary["karantina"], description="quarantined files")


def run_summary(root: io.Root, periode: str, published: dict, quarantined: list[dict]) -> dict:
    snap = Path(published["snapshot"])
    h = pl.read_parquet(snap / "hasil_usulan" / "hasil_usulan.parquet")
    p = pl.read_parquet(snap / "penerima", hive_partitioning=False) if any((snap / "penerima").rglob("*.parquet")) \
        else pl.DataFrame(schema={"program": pl.String, "status": pl.String, "nominal": pl.Int64})
    by_status = (
        p.group_by("program", "status").agg(unit=pl.len(), nominal=pl.col("nominal").sum())
        .sort("program", "status").to_dicts()
    )
    return {
        "periode": periode,
        "snapshot": str(snap),
        "receipts": str(root.receipts(periode)),
        "unchanged": published["unchanged"],
        "rows_in": h.height,
        "diterima": int((h["hasil"] == "DITERIMA").sum()) if h.height else 0,
        "ditolak": int((h["hasil"] == "DITOLAK").sum()) if h.height else 0,
        "padan": int(h["status_padan"].is_in(["PADAN", "PADAN_KOREKSI"]).sum()) if h.height else 0,
        "padan_koreksi": int((h["status_padan"] == "PADAN_KOREKSI").sum()) if h.height else 0,
        "individu": pl.scan_parquet(snap / "individu" / "individu.parquet").select(pl.len()).collect().item(),
        "umpan_balik_tidak_dikenal": pl.scan_parquet(snap / "umpan_balik_tidak_dikenal").select(pl.len()).collect().item(),
        "karantina": quarantined,
        "penerima": by_status,
        "report": str(root.report(periode)),
        "disbursement": str(root.disbursement(periode)),
        "analytics": json.loads((snap / "_manifest.json").read_text(encoding="utf-8")).get("analytics", ""),
    }
