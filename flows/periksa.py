"""``padan periksa``: one province file checked while the upload window is open, with the receipt the
province would get for it, without publishing anything.

The check runs the monthly run's own stage functions (read and validate, padan against Dukcapil,
the register) on a scratch data root in a temporary folder whose ``reference/``, ``snapshots/``,
``overrides/`` and ``feedback/`` are the real root's, read only. So a row gets the outcome the run
would give it, as long as nothing else changes before the run: a new Dukcapil extract, an override,
a published period, or another file of the month with the same person (rows repeated across files
are seen only by the run, which reads them all; the answer says so).
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from pathlib import Path

import polars as pl
from prefect import flow

from flows import excel, inbox, io, settings
from flows.stages.ingest import ingest_batch
from flows.stages.padan import match_usulan, read_references
from flows.stages.register import reconcile_partition, split_register
from flows.stages.results import header_rows
from rules import check_valid_for, load_matching_model, load_ruleset
from transforms import outcomes, review, wilayah
from transforms.riwayat import empty_riwayat

# the parts of a data root a check reads (the scratch root links them; it never writes into them)
SHARED = ("reference", "snapshots", "overrides", "feedback")

NOTE_OTHER_FILES = (
    "Baris yang sama di berkas lain bulan ini (duplikat antar-berkas) hanya terlihat pada proses bulanan."
)


class CheckRefused(ValueError):
    """The check cannot be made as asked (an unknown province, a missing file, an output inside
    the inbox); the message says what to do."""


def default_periode() -> str:
    """This month in Asia/Jakarta, as the monthly run's default."""
    from zoneinfo import ZoneInfo

    return dt.datetime.now(ZoneInfo("Asia/Jakarta")).strftime("%Y-%m")


def check_file(
    data_root: str,
    file: str,
    kode_prov: str,
    out: str,
    periode: str | None = None,
    rules_path: str | None = None,
    matching_path: str | None = None,
) -> dict:
    """Check ``file`` as province ``kode_prov``'s upload for ``periode`` (default: this month) against
    the data root's current Dukcapil extract, register and overrides; write the receipt workbook to
    ``out``. Returns a summary: the counts, the reason codes seen, and the seconds it took."""
    started = time.perf_counter()
    periode = periode or default_periode()
    io.check_periode(periode)
    settings.check()
    check_valid_for(load_ruleset(rules_path), periode)
    load_matching_model(matching_path)
    root = io.Root(Path(data_root).resolve())
    source, target = Path(file).resolve(), Path(out).resolve()
    _refuse(root, source, target, kode_prov)

    with tempfile.TemporaryDirectory(prefix="padan-periksa-") as tmp:
        scratch = io.Root(Path(tmp))
        for name in SHARED:
            if (root.path / name).exists():
                (scratch.path / name).symlink_to(root.path / name, target_is_directory=True)
        work = str(scratch.path)
        read_references.fn(work, periode, rules_path)  # a reference that breaks its contract: refused here too
        entry = inbox.InboxEntry(
            kode_prov=kode_prov,
            path=f"inbox/{periode}/{kode_prov}/{source.name}",
            file=source.name,
            action=inbox.READ,
            os_path=str(source),
        )
        batch = ingest_batch.fn(work, periode, entry, 0)
        hasil, riwayat = _outcomes(work, periode, batch.staged, matching_path)
        sheet = outcomes.receipt_sheet(
            outcomes.receipt(hasil),
            hasil,
            riwayat,
            pl.DataFrame(
                header_rows(batch.manifest_entry()),
                schema={"kode_prov": pl.String, "sumber_file": pl.String, "baris_judul": pl.Int64, "lembar": pl.String},
                orient="row",
            ),
        )
        s = pl.String
        quarantined = pl.DataFrame(
            batch.quarantine_entries() or None, schema={"kode_prov": s, "file": s, "karantina": s, "keterangan": s}
        )
        ignored = pl.DataFrame(
            batch.ignored_entries() or None, schema={"kode_prov": s, "file": s, "alasan": s, "keterangan": s}
        )
        excel.write_receipt_workbook(sheet, quarantined, ignored, target)
    return _summary(periode, kode_prov, source.name, hasil, quarantined, ignored, target) | {
        "detik": round(time.perf_counter() - started, 1)
    }


def _refuse(root: io.Root, source: Path, target: Path, kode_prov: str) -> None:
    if kode_prov not in set(wilayah.provinces()["kode_prov"]):
        raise CheckRefused(f"--prov {kode_prov!r}: bukan kode provinsi (dua angka, mis. 32); periksa kodenya")
    if not source.is_file():
        raise CheckRefused(f"{source}: berkas tidak ditemukan; periksa nama dan foldernya")
    if not root.path.is_dir():
        raise CheckRefused(f"{root.path}: data root tidak ditemukan; periksa --data-root")
    if target.is_relative_to(root.path / "inbox"):
        raise CheckRefused(
            f"{target}: hasil periksa tidak boleh ditulis di inbox (proses bulanan akan membacanya sebagai "
            "usulan); pilih --out di luar data root"
        )
    if target == source:
        raise CheckRefused(f"{target}: --out menimpa berkas yang diperiksa; pilih nama lain")


def _outcomes(work: str, periode: str, staged: str | None, matching_path: str | None):
    """(hasil_usulan, riwayat of the period) of the staged rows, as the monthly run decides them."""
    if not staged:
        return pl.DataFrame(schema=outcomes.HASIL_USULAN_SCHEMA), empty_riwayat()
    matched = match_usulan.fn(work, periode, [staged], matching_path)
    split = split_register.fn(work, periode, matched.matched, rows_partitions_only=True)
    parts = [reconcile_partition.fn(work, periode, group) for group in split.groups]
    lineage = ["kode_prov", "sumber_file", "sumber_baris"]
    hasil = pl.concat(
        [pl.DataFrame(schema=outcomes.HASIL_USULAN_SCHEMA)]
        + [io.read_parquet(p.hasil_usulan) for p in parts if p.hasil_usulan],
        how="vertical_relaxed",
    )
    riwayat = pl.concat([empty_riwayat()] + [io.read_parquet(p.riwayat) for p in parts], how="vertical_relaxed")
    # the queued rows a review decision decides are the run's business, not this file's
    own = ~pl.col("sumber_file").str.starts_with(review.CARRIED_PREFIX)
    return hasil.filter(own).sort(lineage), riwayat.filter((pl.col("periode") == periode) & own.fill_null(True))


def _summary(
    periode: str,
    kode_prov: str,
    name: str,
    hasil: pl.DataFrame,
    quarantined: pl.DataFrame,
    ignored: pl.DataFrame,
    target: Path,
) -> dict:
    codes = (
        hasil.select(pl.col("alasan").explode(empty_as_null=False).drop_nulls().alias("kode"))
        .group_by("kode")
        .len()
        .sort("len", "kode", descending=[True, False])
    )
    return {
        "periode": periode,
        "kode_prov": kode_prov,
        "berkas": name,
        "baris": hasil.height,
        "diterima": hasil.filter(pl.col("hasil") == "DITERIMA").height,
        "ditolak": hasil.filter(pl.col("hasil") == "DITOLAK").height,
        "perlu_verifikasi": hasil.filter(pl.col("alasan").list.contains("PERLU_VERIFIKASI")).height,
        "kode_alasan": dict(codes.iter_rows()),
        "karantina": quarantined.drop("kode_prov").to_dicts(),
        "tidak_dibaca": ignored.drop("kode_prov").to_dicts(),
        "hasil_periksa": str(target),
        "catatan": NOTE_OTHER_FILES,
    }


# the same function as a Prefect flow, for a portal (a deployment, prefect.yaml) to call: nothing is
# published, the data root's writer lock is not taken; the receipt workbook goes to ``out``
periksa_flow = flow(name="padan-periksa", log_prints=False)(check_file)
