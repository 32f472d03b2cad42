"""The inbox as provinces (and their tools) really leave it: sub-folders, links, hidden folders, Office
lock files, uploads in progress. Every entry is read, quarantined or named as not read."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import polars as pl
import pytest

from flows import inbox, io
from flows.stages.ingest import ingest_batch
from transforms import ingest, outcomes, workbook

P = "2026-11"
HEADER = "jenis_usulan,nik,no_kk,nama,tanggal_lahir,jenis_kelamin,hubungan_keluarga,kode_wilayah,alasan"
BUDI = "BARU,3201011505800001,3201010101150001,Budi Santoso,15-05-1980,L,KEPALA KELUARGA,3201011001,"
SITI = "TAMBAH,3201014708850002,3201010101150001,Siti Aminah,07-08-1985,P,ISTRI,3201011001,"
CSV = f"{HEADER}\n{BUDI}\n"


@pytest.fixture
def hostile(tmp_path):
    """A data root whose inbox holds one of everything, and a folder outside the root."""
    root, outside = tmp_path / "root", tmp_path / "outside"
    prov = root / "inbox" / P / "32"
    for d in (prov / "kab01", prov / "kab02", prov / ".sembunyi", root / "inbox" / P / "abc", outside / "dir"):
        d.mkdir(parents=True)
    files = {
        "32/usulan.csv": CSV,
        "32/kab01/usulan.csv": CSV,
        "32/kab02/usulan.csv": f"{HEADER}\n{SITI}\n",
        "32/.sembunyi/usulan.csv": CSV,
        "32/.usulan_lama.csv": CSV,
        "32/upload.csv.part": CSV,
        "32/unduhan.CRDOWNLOAD": CSV,
        "32/a.partial": CSV,
        "32/b.filepart": CSV,
        "32/c.tmp": CSV,
        "32/~$usulan.xlsx": "kunci",
        "loose.csv": CSV,
        "abc/x.csv": CSV,
    }
    for rel, text in files.items():
        (root / "inbox" / P / rel).write_text(text)
    (outside / "rahasia.csv").write_text(CSV)
    (outside / "dir" / "lain.csv").write_text(CSV)
    os.symlink(outside / "rahasia.csv", prov / "tautan_luar.csv")
    os.symlink(outside / "dir", prov / "kab03")
    os.symlink(prov / "usulan.csv", prov / "tautan_dalam.csv")
    return io.Root(root), outside


def test_every_entry_is_named_with_what_happens_to_it(hostile):
    root, _ = hostile
    got = [(e.kode_prov, e.file, e.action, e.code) for e in inbox.inbox_entries(root, P)]
    assert got == [
        ("32", ".sembunyi/", "ignore", "FILE_TERSEMBUNYI"),  # one entry; the folder is not walked
        ("32", ".usulan_lama.csv", "ignore", "FILE_TERSEMBUNYI"),
        ("32", "a.partial", "next_run", "FILE_BELUM_LENGKAP"),
        ("32", "b.filepart", "next_run", "FILE_BELUM_LENGKAP"),
        ("32", "c.tmp", "next_run", "FILE_BELUM_LENGKAP"),
        ("32", "kab01/usulan.csv", "read", None),
        ("32", "kab02/usulan.csv", "read", None),
        ("32", "kab03", "ignore", "FILE_TAUTAN_LUAR_ROOT"),  # a linked folder is not followed
        ("32", "tautan_dalam.csv", "ignore", "FILE_TAUTAN"),
        ("32", "tautan_luar.csv", "ignore", "FILE_TAUTAN_LUAR_ROOT"),
        ("32", "unduhan.CRDOWNLOAD", "next_run", "FILE_BELUM_LENGKAP"),
        ("32", "upload.csv.part", "next_run", "FILE_BELUM_LENGKAP"),
        ("32", "usulan.csv", "read", None),
        ("32", "~$usulan.xlsx", "ignore", "FILE_KUNCI_OFFICE"),
        ("abc", "x.csv", "quarantine", "FILE_SALAH_PROVINSI"),
        ("", "loose.csv", "quarantine", "FILE_SALAH_PROVINSI"),
    ]


def test_an_entry_carries_what_a_receipt_needs(hostile):
    root, _ = hostile
    by_file = {e.file: e for e in inbox.inbox_entries(root, P)}
    assert by_file["upload.csv.part"].receipt_row == {
        "kode_prov": "32",
        "file": "upload.csv.part",
        "alasan": "FILE_BELUM_LENGKAP",
        "keterangan": "Unggahan belum selesai (berkas .part, .crdownload, .partial, .filepart, .tmp, atau berkas yang "
        "berubah saat dibaca); tidak dibaca, dibiarkan untuk proses berikutnya. (akhiran .part)",
    }
    assert by_file["kab01/usulan.csv"].path == f"inbox/{P}/32/kab01/usulan.csv"
    assert by_file[".sembunyi/"].path == f"inbox/{P}/32/.sembunyi/"


def test_nothing_behind_a_link_and_nothing_not_ready_is_ever_opened(hostile, monkeypatch):
    root, outside = hostile
    opened = []
    real_open = os.open

    def spy(path, *args, **kwargs):
        opened.append(Path(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", spy)
    results = {e.file: ingest_batch.fn(str(root.path), P, e, i) for i, e in enumerate(inbox.inbox_entries(root, P))}
    prov = root.inbox(P) / "32"
    assert sorted(p.relative_to(root.inbox(P)).as_posix() for p in opened if p.is_relative_to(root.inbox(P))) == [
        "32/kab01/usulan.csv",
        "32/kab02/usulan.csv",
        "32/usulan.csv",
        "abc/x.csv",
        "loose.csv",
    ]
    assert not [p for p in opened if p.is_relative_to(outside) or p.parent == prov / "kab03"]
    link = results["tautan_luar.csv"]
    assert (link.action, link.diabaikan, link.sha256, link.rows) == ("ignore", "FILE_TAUTAN_LUAR_ROOT", None, 0)
    assert link.staged is None and link.karantina is None
    lock = results["~$usulan.xlsx"]
    assert (lock.diabaikan, lock.keterangan) == (
        "FILE_KUNCI_OFFICE",
        "Berkas kunci Microsoft Office (~$...), bukan data; tidak dibaca.",
    )


def test_the_same_file_name_in_two_sub_folders_gives_two_keys(hostile):
    root, _ = hostile
    entries = {e.file: e for e in inbox.inbox_entries(root, P)}
    staged = [
        ingest_batch.fn(str(root.path), P, entries[f], i).staged
        for i, f in enumerate(["kab01/usulan.csv", "kab02/usulan.csv", "usulan.csv"])
    ]
    rows = pl.read_parquet(staged).sort("sumber_file")
    assert rows.select("kode_prov", "sumber_file", "sumber_baris", "nama_usulan", "alasan_validasi").rows() == [
        ("32", "kab01/usulan.csv", 1, "Budi Santoso", []),
        ("32", "kab02/usulan.csv", 1, "Siti Aminah", ["JENIS_USULAN_TIDAK_DIKENAL"]),
        ("32", "usulan.csv", 1, "Budi Santoso", []),  # directly in the province folder: the bare name
    ]


def test_each_receipt_row_explains_its_own_file():
    """Two files named usulan.csv in two regencies: each receipt line carries its own codes."""
    hasil = pl.DataFrame(
        {
            "periode": [P] * 2,
            "kode_prov": ["32"] * 2,
            "sumber_file": ["kab02/usulan.csv", "kab01/usulan.csv"],
            "sumber_baris": [1, 1],
            "jenis_usulan": ["TAMBAH", "BARU"],
            "nik_usulan": ["3201014708850002", "3201011505800001"],
            "nama_usulan": ["Siti Aminah", "Budi Santoso"],
            "hasil": ["DITOLAK", "DITERIMA"],
            "alasan": [["JENIS_USULAN_TIDAK_DIKENAL"], []],
            "nik_padan": [None, "3201011505800001"],
            "status_padan": ["TIDAK_PADAN", "PADAN"],
            "skor_padan": [0.0, 1.0],
        }
    )
    r = outcomes.receipt(hasil)
    assert r.select("sumber_file", "hasil", "alasan").rows() == [
        ("kab01/usulan.csv", "DITERIMA", ""),
        ("kab02/usulan.csv", "DITOLAK", "JENIS_USULAN_TIDAK_DIKENAL"),
    ]
    assert r["keterangan"][0] == "" and r["keterangan"][1].startswith("JENIS_USULAN_TIDAK_DIKENAL: ")


def test_the_hash_is_of_the_very_bytes_parsed_in_one_read(hostile, monkeypatch):
    root, _ = hostile
    reads, parsed = [], []
    real_read, real_parse = inbox._read_fd, workbook.parse_upload
    monkeypatch.setattr(inbox, "_read_fd", lambda fd, n: reads.append(n) or real_read(fd, n))
    monkeypatch.setattr(workbook, "parse_upload", lambda raw: parsed.append(raw) or real_parse(raw))
    entry = next(e for e in inbox.inbox_entries(root, P) if e.file == "usulan.csv")
    out = ingest_batch.fn(str(root.path), P, entry, 0)
    assert len(reads) == 1 and len(parsed) == 1
    assert out.sha256 == hashlib.sha256(parsed[0]).hexdigest() == hashlib.sha256(CSV.encode()).hexdigest()
    assert out.rows == 1


@pytest.mark.parametrize(
    "desc, change",
    [
        ("more bytes arrive during the read", lambda p: p.open("a").write(f"{BUDI}\n")),
        (
            "the file is rewritten in place, same size, new mtime",
            lambda p: os.utime(p, ns=(p.stat().st_atime_ns, p.stat().st_mtime_ns + 2_000_000_000)),
        ),
    ],
)
def test_a_file_that_changes_while_read_is_left_for_the_next_run(hostile, monkeypatch, desc, change):
    root, _ = hostile
    entry = next(e for e in inbox.inbox_entries(root, P) if e.file == "usulan.csv")
    real_read = inbox._read_fd

    def read_while_uploading(fd, n):
        change(root.path / entry.path)
        return real_read(fd, n)

    monkeypatch.setattr(inbox, "_read_fd", read_while_uploading)
    out = ingest_batch.fn(str(root.path), P, entry, 0)
    assert (out.action, out.diabaikan, out.sha256, out.rows) == ("next_run", "FILE_BELUM_LENGKAP", None, 0), desc
    assert out.staged is None and out.karantina is None
    assert out.keterangan.endswith("(berkas berubah saat dibaca)")


def test_a_fifo_in_the_inbox_cannot_block_the_run(tmp_path):
    root = io.Root(tmp_path)
    (tmp_path / "inbox" / P / "32").mkdir(parents=True)
    os.mkfifo(tmp_path / "inbox" / P / "32" / "pipa.csv")
    [entry] = inbox.inbox_entries(root, P)
    started = time.perf_counter()
    out = ingest_batch.fn(str(tmp_path), P, entry, 0)
    assert (out.karantina, out.keterangan, out.sha256) == ("FILE_TIDAK_TERBACA", "bukan berkas biasa", None)
    assert time.perf_counter() - started < 5


def test_a_file_above_the_size_bound_is_quarantined_unread(hostile, monkeypatch):
    root, _ = hostile
    monkeypatch.setattr(ingest, "MAX_FILE_BYTES", 10)
    monkeypatch.setattr(inbox, "_read_fd", lambda fd, n: pytest.fail("read a file above the bound"))
    entry = next(e for e in inbox.inbox_entries(root, P) if e.file == "usulan.csv")
    out = ingest_batch.fn(str(root.path), P, entry, 0)
    assert (out.karantina, out.sha256, out.rows) == ("FILE_TERLALU_BESAR", None, 0)


def test_a_file_outside_a_province_folder_keeps_its_quarantine_and_hash(hostile):
    root, _ = hostile
    entry = next(e for e in inbox.inbox_entries(root, P) if e.file == "loose.csv")
    out = ingest_batch.fn(str(root.path), P, entry, 0)
    assert (out.kode_prov, out.karantina, out.keterangan) == (
        "",
        "FILE_SALAH_PROVINSI",
        "folder '(tanpa folder)' bukan kode provinsi",
    )
    assert out.sha256 == hashlib.sha256(CSV.encode()).hexdigest()


def test_every_file_under_the_inbox_is_accounted_for(hostile):
    root, _ = hostile
    entries = inbox.inbox_entries(root, P)
    named = [e.path for e in entries]
    for folder, dirs, files in os.walk(root.inbox(P)):  # os.walk does not follow the linked folder either
        for name in dirs + files:
            rel = (Path(folder) / name).relative_to(root.path).as_posix()
            if (Path(folder) / name).is_dir() and not (Path(folder) / name).is_symlink():
                continue
            assert any(rel == n or rel.startswith(n) and n.endswith("/") for n in named), rel


def test_a_file_name_that_is_not_utf8_is_shown_unambiguously(tmp_path):
    prov = tmp_path / "inbox" / P / "32"
    prov.mkdir(parents=True)
    with open(os.path.join(os.fsencode(prov), b"usulan_\xe9.csv"), "w") as f:  # a Windows-1252 name, unzipped
        f.write(CSV)
    [entry] = inbox.inbox_entries(io.Root(tmp_path), P)
    assert (entry.file, entry.path, entry.action) == ("usulan_\\xe9.csv", f"inbox/{P}/32/usulan_\\xe9.csv", "read")
    out = ingest_batch.fn(str(tmp_path), P, entry, 0)
    assert (out.file, out.rows) == ("usulan_\\xe9.csv", 1)
    assert pl.read_parquet(out.staged)["sumber_file"].to_list() == ["usulan_\\xe9.csv"]


def test_a_periode_folder_that_is_a_link_is_not_walked(tmp_path):
    (tmp_path / "elsewhere" / "32").mkdir(parents=True)
    (tmp_path / "elsewhere" / "32" / "usulan.csv").write_text(CSV)
    (tmp_path / "root" / "inbox").mkdir(parents=True)
    os.symlink(tmp_path / "elsewhere", tmp_path / "root" / "inbox" / P)
    [entry] = inbox.inbox_entries(io.Root(tmp_path / "root"), P)
    assert (entry.kode_prov, entry.file, entry.action, entry.code) == ("", f"{P}/", "ignore", "FILE_TAUTAN_LUAR_ROOT")
