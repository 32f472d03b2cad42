"""A period's release, written into a staging tree laid out like the data root (contracts.md):

    <staged>/snapshots/periode=<P>/...      the tables and _manifest.json
    <staged>/receipts/periode=<P>/<prov>/   the province receipts
    <staged>/disbursement/periode=<P>/      the banks' lists with control totals
    <staged>/analytics/<table>/periode=<P>/ the pseudonymised zone
    <staged>/reports/periode=<P>.html       the run report

``flows.publish`` then makes the whole tree visible in one switch. Every writer here is named
for what it writes; none touches what readers see.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

import schemas
from flows import excel, io, publish, settings
from flows import manifest as manifests
from flows.stages import results
from transforms import analytics, outcomes, payments, report
from transforms.review import CARRIED_PREFIX

SNAPSHOT_TABLES = (
    "hasil_usulan",
    "individu",
    "penerima",
    "riwayat",
    "umpan_balik_tidak_dikenal",
    "pembayaran",
    "rekening",
    "rekonsiliasi",
    "kandidat_padan",
    "antrean_tinjau",
)
ANALYTICS_TABLES = ("hasil_usulan", "individu", "penerima", "pembayaran", "rekonsiliasi")


def write_csv_for_excel(df: pl.DataFrame, path: Path) -> Path:
    """CSV for Excel in an Indonesian locale: ``;`` delimiter (the decimal mark is a comma), UTF-8
    with BOM so that names keep their letters, CRLF line ends; no cell starts a formula."""
    body = outcomes.receipt_csv_ready(df).write_csv(separator=";", line_terminator="\r\n", quote_style="non_numeric")
    return io.write_bytes(b"\xef\xbb\xbf" + body.encode("utf-8"), path)


def write_snapshot_tables(frames: dict[str, pl.DataFrame], folder: Path, programmes: schemas.Programmes) -> None:
    """The snapshot's tables, checked against their contracts (bound to the run's ``programmes``)
    first (a failure here is a defect: every row that could break a contract has a reason code
    upstream)."""
    for name, model in schemas.OUTPUT_MODELS.items():
        schemas.bound(model, programmes).validate(frames[name], lazy=True)
    io.write_parquet(frames["hasil_usulan"], folder / "hasil_usulan" / "hasil_usulan.parquet")
    io.write_parquet(frames["individu"], folder / "individu" / "individu.parquet")
    io.write_partitioned(frames["penerima"], folder / "penerima", ["program", "kode_prov"])
    extras = ("riwayat", "umpan_balik_tidak_dikenal", "pembayaran", "rekening", "rekonsiliasi", "kandidat_padan")
    for extra in (*extras, "antrean_tinjau"):
        io.write_parquet(frames[extra], folder / extra / f"{extra}.parquet")


def write_receipts(
    hasil_usulan: pl.DataFrame,
    quarantined: list[dict],
    ignored: list[dict],
    folder: Path,
    *,
    riwayat: pl.DataFrame,
    header_rows: pl.DataFrame,
    queue: pl.DataFrame,
) -> None:
    """Per province: every row it sent with its result and reasons, its quarantined files, and the
    files in its folder that were not read (links, hidden files, uploads still in progress), as
    Parquet and CSV, and as one workbook (``hasil_usulan.xlsx``) with the Excel row of every row and
    what each accepted row did (``riwayat``: the period's events; ``header_rows``: each file's); and,
    where rows wait for verification (``queue``: the review queue), the review workbook
    (``tinjau_verifikasi.xlsx``)."""
    receipt = outcomes.receipt(hasil_usulan)
    sheet = outcomes.receipt_sheet(receipt, hasil_usulan, riwayat, header_rows)
    s = pl.String
    q = pl.DataFrame(quarantined or None, schema={"kode_prov": s, "file": s, "karantina": s, "keterangan": s})
    g = pl.DataFrame(ignored or None, schema={"kode_prov": s, "file": s, "alasan": s, "keterangan": s})
    provinces = set(receipt["kode_prov"].to_list()) | set(q["kode_prov"].to_list()) | set(g["kode_prov"].to_list())
    waiting = queue["kode_prov"].unique().to_list() if queue.height else []
    provinces |= set(waiting)
    for prov in sorted(provinces):
        part = receipt.filter(pl.col("kode_prov") == prov)
        out = folder / (prov or "_tanpa_provinsi")
        io.write_parquet(part, out / "hasil_usulan.parquet")
        write_csv_for_excel(part, out / "hasil_usulan.csv")
        mine = {}
        for frame, name in ((q, "berkas_karantina.csv"), (g, "berkas_diabaikan.csv")):
            mine[name] = frame.filter(pl.col("kode_prov") == prov).sort("file")
            if mine[name].height:
                write_csv_for_excel(mine[name], out / name)
        excel.write_receipt_workbook(
            sheet.filter(pl.col("kode_prov") == prov),  # the province's rows, in the receipt's order
            mine["berkas_karantina.csv"],
            mine["berkas_diabaikan.csv"],
            out / "hasil_usulan.xlsx",
        )
        if prov in waiting:
            excel.write_review_workbook(queue.filter(pl.col("kode_prov") == prov), out / "tinjau_verifikasi.xlsx")


def write_bank_lists(lists: pl.DataFrame, stops: pl.DataFrame, *, folder: Path, programmes: schemas.Programmes) -> int:
    """Per bank (and PT Pos): the list (``<BANK>.parquet`` / ``.csv``: each unit and tranche to pay),
    the stop list (``<BANK>_stop``: tranches listed before that must not be paid now, and why), and
    the control totals per programme and tahap (``<BANK>_kontrol.csv``: rows, total and sha256 of
    the list file, and the same for the stop list)."""
    io.make_dirs(folder)
    lists = lists.select(payments.LIST_COLUMNS)
    schemas.bound(schemas.BankList, programmes).validate(lists, lazy=True)
    schemas.bound(schemas.StopList, programmes).validate(stops, lazy=True)
    for bank in schemas.BANKS:
        mine, stop = lists.filter(pl.col("bank") == bank), stops.filter(pl.col("bank") == bank)
        io.write_parquet(mine, folder / f"{bank}.parquet")
        write_csv_for_excel(mine, folder / f"{bank}.csv")
        io.write_parquet(stop, folder / f"{bank}_stop.parquet")
        write_csv_for_excel(stop, folder / f"{bank}_stop.csv")
        digests = {
            name: io.sha256_file(folder / name) for name in (f"{bank}.csv", f"{bank}.parquet", f"{bank}_stop.csv")
        }
        listed = mine.group_by("program", "tahap").agg(jumlah_baris=pl.len(), total_nominal=pl.col("nominal").sum())
        stopped = stop.group_by("program", "tahap").agg(jumlah_stop=pl.len(), nominal_stop=pl.col("nominal").sum())
        totals = (
            listed.join(stopped, on=["program", "tahap"], how="full", coalesce=True)
            .with_columns(
                pl.col("jumlah_baris", "total_nominal", "jumlah_stop", "nominal_stop").fill_null(0).cast(pl.Int64)
            )
            .select(
                "program",
                "tahap",
                "jumlah_baris",
                "total_nominal",
                sha256=pl.lit(digests[f"{bank}.csv"]),
                sha256_parquet=pl.lit(digests[f"{bank}.parquet"]),
                jumlah_stop="jumlah_stop",
                nominal_stop="nominal_stop",
                sha256_stop=pl.lit(digests[f"{bank}_stop.csv"]),
            )
            .sort("program", "tahap")
        )
        write_csv_for_excel(totals, folder / f"{bank}_kontrol.csv")
    return lists.height


def write_analytics(frames: dict[str, pl.DataFrame], *, periode: str, reference_date: dt.date, folder: Path) -> str:
    """The pseudonymised zone of the period, or why it was not written."""
    key = settings.pseudonym_key()
    if not key:
        return f"skipped: {settings.PSEUDONYM_KEY} is not set, so no pseudonymised zone was written"
    for name in ANALYTICS_TABLES:
        frame = frames[name]
        if name == "pembayaran":  # the ledger is cumulative: the period's own events
            frame = frame.filter(pl.col("periode") == periode)
        anon = analytics.pseudonymised(frame, key=key, reference_date=reference_date)
        io.write_parquet(
            anon.with_columns(periode=pl.lit(periode)), folder / name / f"periode={periode}" / "data.parquet"
        )
    events = frames["riwayat"].filter(pl.col("periode") == periode)
    io.write_parquet(
        analytics.riwayat_pseudonymised(events, key=key), folder / "riwayat" / f"periode={periode}" / "data.parquet"
    )
    return "published"


def write_report(
    frames: dict[str, pl.DataFrame],
    previous_penerima: pl.DataFrame | None,
    manifest: dict,
    *,
    lists: pl.DataFrame,
    periode: str,
    path: Path,
) -> None:
    figures = report.report_frames(frames["hasil_usulan"], frames["penerima"], previous_penerima)
    figures["rekonsiliasi"] = frames["rekonsiliasi"]
    figures["daftar_bank"] = report.bank_totals(lists)
    io.write_text(report.report_html(periode, figures, manifest), path)


def carried_header_rows(root: io.Root, hasil_usulan: pl.DataFrame) -> list[tuple[str, str, int, str | None]]:
    """The header rows of the files that queued rows decided this period came from (their
    ``sumber_file`` is ``.tinjau/<periode>/<file>``), from that period's manifest: so that the receipt
    shows their sheet and Excel row as the first receipt did."""
    carried = hasil_usulan.filter(pl.col("sumber_file").str.starts_with(CARRIED_PREFIX))
    out = []
    for origin in sorted(set(carried["sumber_file"].str.split("/").list.get(1).to_list())):
        path = root.snapshot(origin) / "_manifest.json"
        if io.is_file(path):
            entries = io.read_json(path)["inputs"]["usulan"]
            prefix = f"{CARRIED_PREFIX}{origin}/"
            out += [(p, prefix + f, row, sheet) for e in entries for p, f, row, sheet in results.header_rows(e)]
    return out


def write_release(
    root: io.Root,
    periode: str,
    frames: dict[str, pl.DataFrame],
    manifest: dict,
    *,
    lists: pl.DataFrame,
    stops: pl.DataFrame,
    previous_penerima: pl.DataFrame | None,
    reference_date: dt.date,
    staged: Path,
) -> dict:
    """Every output of the period into ``staged``; returns the manifest written (with ``files``:
    the sha256 of every file of the release but the manifest itself)."""
    snap = staged / "snapshots" / f"periode={periode}"
    programmes = schemas.Programmes.from_manifest(manifest["rule_set"]["programmes"])
    write_snapshot_tables(frames, snap, programmes)
    write_receipts(
        frames["hasil_usulan"],
        manifest["karantina"],
        manifest.get("diabaikan", []),
        staged / "receipts" / f"periode={periode}",
        riwayat=frames["riwayat"].filter(pl.col("periode") == periode),
        header_rows=pl.DataFrame(
            [row for e in manifest["inputs"]["usulan"] for row in results.header_rows(e)]
            + carried_header_rows(root, frames["hasil_usulan"]),
            schema={"kode_prov": pl.String, "sumber_file": pl.String, "baris_judul": pl.Int64, "lembar": pl.String},
            orient="row",
        ),
        queue=frames["antrean_tinjau"],
    )
    bank_rows = write_bank_lists(
        lists, stops, folder=staged / "disbursement" / f"periode={periode}", programmes=programmes
    )
    manifest = {
        **manifest,
        "tables": {n: {"rows": frames[n].height} for n in SNAPSHOT_TABLES},
        "bank_rows": bank_rows,
        "stop_rows": stops.height,
        "analytics": write_analytics(
            frames, periode=periode, reference_date=reference_date, folder=staged / "analytics"
        ),
    }
    write_report(
        frames,
        previous_penerima,
        manifest,
        lists=lists,
        periode=periode,
        path=staged / "reports" / f"periode={periode}.html",
    )
    manifest["ended_at"] = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    manifest["files"] = publish.digest(staged)
    io.write_json(manifest, snap / "_manifest.json")
    publish.fault("release:staged")
    return manifest


def _pointer_stale(root: io.Root) -> bool:
    gen = publish.current_generation(root.path)
    pointer = root.snapshots / "_current.json"
    expected = publish.current_pointer(gen) if gen else None
    try:
        now = io.read_json(pointer)
    except (OSError, ValueError):
        now = None
    return now != expected


def settle(root: io.Root, periode: str, staged: Path, manifest: dict, *, replace: bool) -> dict:
    """Publish the staged release, or leave what is published when it is the same. An unchanged
    rerun changes no byte; one that finds published files missing or altered (against the
    manifest's sha256) publishes the release again and records what it repaired; one with other
    inputs or results replaces the period only with ``replace`` (the old files are kept under
    ``.padan/replaced/``)."""
    old = manifests.published_manifest(root, periode)
    manifest_path = staged / "snapshots" / f"periode={periode}" / "_manifest.json"
    archive_as = None
    if old is not None:
        same = old.get("input_fingerprint") == manifest["input_fingerprint"] and manifests.content(
            old.get("files", {})
        ) == manifests.content(manifest["files"])
        if same:
            bad = publish.problems(root.path, old.get("files", {}))
            if _pointer_stale(root):
                bad.append("snapshots/_current.json")
            if not bad:
                return {"unchanged": True, "repaired": []}
            manifest = {**manifest, "repairs": bad}
        elif not replace:
            what = (
                "different input files or rules"
                if old.get("input_fingerprint") != manifest["input_fingerprint"]
                else "different content"
            )
            raise manifests.SnapshotExists(
                f"periode {periode} is already published with {what}; rerun with --replace to replace it"
            )
        else:
            archive_as = str(old.get("run_id") or old.get("started_at") or "unknown").replace(":", "")
            manifest = {
                **manifest,
                "replaces": {
                    "run_id": old.get("run_id"),
                    "started_at": old.get("started_at"),
                    "code_version": old.get("code_version"),
                    "input_fingerprint": old.get("input_fingerprint"),
                    "archived_in": f".padan/replaced/periode={periode}/{archive_as}",
                },
            }
        io.write_json(manifest, manifest_path)
    publish.publish_period(root.path, periode, staged, archive_as=archive_as)
    return {"unchanged": False, "repaired": manifest.get("repairs", [])}
