"""The ingest stage: the period's inbox discovered, and each uploaded file read, validated and staged
as its own task (a bad file is quarantined; it never stops the month)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import polars as pl
from prefect import task

from flows import inbox, io, remote_tasks
from flows.stages.common import TASK, reference_date
from flows.stages.results import Batch
from transforms import cleaning, ingest, validation, wilayah, workbook


@task(**TASK)
def discover_inbox(data_root: str, periode: str) -> list[inbox.InboxEntry]:
    """Everything in the period's inbox with what the run does with it (``inbox.inbox_entries``)."""
    return inbox.inbox_entries(io.Root(Path(data_root)), periode)


@task(**TASK)
def ingest_batch(data_root: str, periode: str, entry: inbox.InboxEntry, index: int) -> Batch:
    """One inbox entry -> its outcome (:class:`Batch`): a Parquet of its rows with cleaned fields and
    validation codes (``staged``), a quarantine record (``karantina``), or a file not read
    (``diabaikan``). The file is read once: those bytes are hashed and parsed; a file that changed
    while read is left for the next run (``FILE_BELUM_LENGKAP``).
    """
    with remote_tasks.task_root(
        data_root, periode, keys=[entry.os_path or entry.path] if entry.action in (inbox.READ, inbox.QUARANTINE) else []
    ) as folder:
        return _ingest_batch(io.Root(folder), periode, entry, index)


def _ingest_batch(root: io.Root, periode: str, entry: inbox.InboxEntry, index: int) -> Batch:
    out = Batch(kode_prov=entry.kode_prov, file=entry.file, path=entry.path, action=entry.action)

    def not_read(e: inbox.InboxEntry) -> Batch:
        return replace(out, action=e.action, diabaikan=e.code, keterangan=e.receipt_row["keterangan"])

    def quarantined(code: str, detail: str) -> Batch:
        if entry.action == inbox.QUARANTINE:  # decided by the walk (not a province folder): that reason stands
            code, detail = entry.code, entry.detail
        return replace(out, action=inbox.QUARANTINE, karantina=code, keterangan=detail)

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
    out = replace(out, sha256=upload.sha256)
    if entry.action == inbox.QUARANTINE:
        return quarantined(entry.code, entry.detail)
    try:
        batch = workbook.parse_upload(upload.data)
    except ingest.FileQuarantined as exc:
        return quarantined(exc.code, exc.detail)
    except Exception as exc:  # noqa: BLE001  a file we cannot parse must never stop the run
        return quarantined("FILE_TIDAK_TERBACA", type(exc).__name__)
    del upload  # the parsed frame is all that is needed from here
    # a workbook's rows name their sheet: sumber_file is "<file>#<sheet>", unique beside sumber_baris
    sumber_file = (
        pl.concat_str(pl.lit(entry.file + "#"), pl.col("_lembar"))
        if "_lembar" in batch.frame.columns
        else pl.lit(entry.file)
    )
    rows = (
        batch.frame.lazy()
        .with_columns(kode_prov=pl.lit(entry.kode_prov), sumber_file=sumber_file)
        .drop("_lembar", strict=False)
        .pipe(cleaning.cleaned_usulan)
        .pipe(
            validation.validated_usulan,
            villages=wilayah.villages().lazy(),
            districts=wilayah.districts().lazy(),
            reference_date=reference_date(periode),
        )
    )
    staged = io.write_parquet(rows.sort("sumber_baris"), root.work(periode) / "usulan" / f"{index:05d}.parquet")
    return replace(
        out,
        rows=io.row_count(staged),
        staged=str(staged),
        encoding=batch.encoding,
        delimiter=batch.delimiter,
        kolom_diabaikan=list(batch.ignored_columns),
        baris_judul=batch.header_row,
        lembar=[sheet.entry() for sheet in batch.sheets],
    )
