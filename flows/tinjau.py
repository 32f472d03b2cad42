"""``padan tinjau``: the review queue as workbooks for the verifiers of a province or a regency
(``daftar``), and a filled-in workbook read back into ``overrides/`` (``impor``), where the next run
finds the decisions and decides those rows without the province sending them again."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path

import polars as pl

from flows import excel, io, references
from rules import reason_codes
from transforms import overrides, review_book


class ReviewRefused(ValueError):
    """A review command that cannot be done as asked; the message names the file, the field and what to do."""


def latest_periode(root: io.Root, periode: str | None = None) -> str:
    """``periode`` when published, else the latest period published."""
    published = io.published_periods(root.snapshots)
    if not published:
        raise ReviewRefused(f"{root.path}: belum ada periode yang diterbitkan; jalankan padan run dulu")
    if periode is None:
        return published[-1]
    if periode not in published:
        raise ReviewRefused(f"--periode {periode}: tidak diterbitkan di {root.path} (ada: {', '.join(published)})")
    return periode


def queue_of(root: io.Root, periode: str) -> pl.DataFrame:
    path = root.snapshot(periode) / "antrean_tinjau" / "antrean_tinjau.parquet"
    if not io.is_file(path):  # a period published before the queue existed
        return pl.DataFrame(schema={"id_tinjau": pl.String, "kode_prov": pl.String, "nik_usulan": pl.String})
    return io.read_parquet(path)


def write_list(data_root: str, out: str, kode_prov: str, kab: str | None = None, periode: str | None = None) -> dict:
    """The review workbook of one province (or one regency of it: ``kab``, 4 digits) from the queue
    ``periode`` (default: the latest) published. Returns the rows and where it went."""
    root = io.Root(Path(data_root).resolve())
    periode = latest_periode(root, periode)
    if kab is not None and not (len(kab) == 4 and kab.isdigit() and kab.startswith(kode_prov)):
        raise ReviewRefused(f"--kab {kab!r}: kode kabupaten/kota 4 angka yang diawali kode provinsi {kode_prov}")
    queue = queue_of(root, periode)
    if queue.height:  # (an empty queue may be one published before the queue had all its columns)
        queue = queue.filter(pl.col("kode_prov") == kode_prov)
        if kab is not None:
            queue = queue.filter(pl.coalesce("kode_wilayah_usulan", "nik_usulan").str.slice(0, 4) == kab)
    excel.write_review_workbook(queue, Path(out))
    return {"periode": periode, "baris": queue.height, "berkas": str(out)}


SHEET = "Tinjau"
_HEADERS = {v: k for k, v in review_book.SHEET_COLUMNS.items()}
_NEEDED = ("id_tinjau", "peringkat", "keputusan", "penulis", "alasan")


def read_filled(path: Path) -> pl.DataFrame:
    """The candidate lines' decisions of a filled-in review workbook, as text; refused (naming the
    file, the sheet or the column) when it is not one."""
    import fastexcel

    try:
        book = fastexcel.read_excel(io.read_bytes(path))
        sheet = book.load_sheet(SHEET, dtypes="string")
    except Exception as exc:  # noqa: BLE001  (calamine's errors: not a workbook, no such sheet)
        raise ReviewRefused(
            f"{path.name}: bukan buku kerja tinjau (lembar '{SHEET}' tidak terbaca: {type(exc).__name__}); "
            "gunakan tinjau_verifikasi.xlsx dari receipts"
        ) from exc
    frame = sheet.to_polars()
    named = {c: _HEADERS.get(str(c).strip(), str(c)) for c in frame.columns}
    frame = frame.rename(named)
    missing = [review_book.SHEET_COLUMNS[c] for c in _NEEDED if c not in frame.columns]
    if missing:
        raise ReviewRefused(
            f"{path.name}: lembar '{SHEET}' tanpa kolom {', '.join(missing)}; jangan menghapus atau mengganti "
            "nama kolom buku kerja tinjau"
        )
    return frame.select(pl.col(c).cast(pl.String) for c in _NEEDED)


def import_decisions(data_root: str, file: str, tanggal: str | None = None, periode: str | None = None) -> dict:
    """Read a filled-in review workbook against the queue it was made from (``periode``: default the
    latest published) and write its decisions to ``overrides/tinjau_<periode>_<hash>.csv`` (the file
    name follows the content: the same workbook imported twice writes one file). Decisions already
    in ``overrides/`` are not written again; one that differs from an earlier decision on the same
    row is written and reported (the latest applies). Returns the counts and the problems."""
    root = io.Root(Path(data_root).resolve())
    periode = latest_periode(root, periode)
    tanggal = tanggal or _today()
    try:
        dt.date.fromisoformat(tanggal)
    except ValueError as exc:
        raise ReviewRefused(f"--tanggal {tanggal!r}: tanggal keputusan YYYY-MM-DD") from exc
    filled = read_filled(Path(file))
    decided, problems = review_book.decisions(filled, queue_of(root, periode))
    earlier, _ = references.read_overrides(root)
    in_force = (  # per row the decision that applies now: the latest (as ``overrides.active_overrides``)
        earlier.filter(pl.col("tinjau").is_not_null())
        .sort("tinjau", "tanggal_d", "_sumber", "_baris")
        .group_by("tinjau", maintain_order=True)
        .last()
        .select(id_tinjau="tinjau", _jenis="jenis", _nik_padan="nik_padan")
    )
    compared = decided.join(in_force, on="id_tinjau", how="left")
    same = compared.filter((pl.col("_jenis") == pl.col("jenis")) & pl.col("_nik_padan").eq_missing(pl.col("nik_padan")))
    other = compared.filter(pl.col("_jenis").is_not_null()).join(same, on="id_tinjau", how="anti")
    problems = pl.concat(
        [problems, other.select("id_tinjau", peringkat=pl.lit(None, pl.Int32), kode=pl.lit("TINJAU_BERTENTANGAN"))],
        how="vertical_relaxed",
    ).unique(maintain_order=True)
    new = decided.join(same, on="id_tinjau", how="anti")
    written = None
    if new.height:
        rows = new.select(
            "jenis",
            "nik",
            "nik_padan",
            "penulis",
            "alasan",
            tanggal=pl.lit(tanggal),
            berlaku_sampai=pl.lit(None, pl.String),
            tinjau="id_tinjau",
        ).select(overrides.COLUMNS)
        body = rows.write_csv()
        # named by the time of the import: of two decisions on one row with the same date, the later
        # import's file sorts last, so it is the one that applies (overrides.active_overrides)
        stamp = _now().strftime("%Y%m%dT%H%M%S")
        name = f"tinjau_{stamp}_{periode}_{hashlib.sha256(body.encode('utf-8')).hexdigest()[:8]}.csv"
        written = _write_atomically(body, root.overrides / name)
    catalogue = reason_codes()
    return {
        "periode": periode,
        "sama": decided.filter(pl.col("jenis") == "PADAN_MANUAL").height,
        "beda": decided.filter(pl.col("jenis") == "TIDAK_PADAN_MANUAL").height,
        "sudah_ada": same.height,
        "berkas": str(written) if written else None,
        "masalah": [
            {**p, "tingkat": catalogue[p["kode"]].severity, "keterangan": catalogue[p["kode"]].id}
            for p in problems.to_dicts()
        ],
    }


def _now() -> dt.datetime:
    from zoneinfo import ZoneInfo

    return dt.datetime.now(ZoneInfo("Asia/Jakarta"))


def _today() -> str:
    return _now().date().isoformat()


def _write_atomically(text: str, path: Path) -> Path:
    """Written beside, then renamed: a run reading ``overrides/`` sees the file whole or not at all
    (the temporary name is hidden, which the run does not read)."""
    tmp = path.with_name(f".{path.name}.tmp")
    io.write_text(text, tmp)
    os.replace(tmp, path)
    return path
