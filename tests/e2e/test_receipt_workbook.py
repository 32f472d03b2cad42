"""Issue 16, acceptance 1: the province receipt as a workbook that Excel cannot damage. Two periods
of the real flow on a hand-written file; every expected value (the Excel row of each row, the NIKs,
what each row did) is read off the file as written here.

The file has two blank lines before its header (Excel shows the header in row 3), an address with a
line break inside its quotes (one Excel row), and a name that Excel would run as a formula.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import builders
import openpyxl
import pytest

from flows.monthly import monthly_run

BUDI, SITI, ACHMAD, NUR = "3201011505800001", "3201014708850002", "3201010203150003", "3201015012120004"
KK = "3201010101150001"
GHOST = "3201011111990099"  # in no Dukcapil extract


def row(jenis: str, nik: str, nama: str, born: str, sex: str, hub: str, school: str = "", **kw) -> list[str]:
    fields = dict(
        jenis_usulan=jenis,
        nik=nik,
        no_kk=KK,
        nama=nama,
        tempat_lahir="BOGOR",
        tanggal_lahir=born,
        jenis_kelamin=sex,
        hubungan_keluarga=hub,
        nama_ibu_kandung="",
        alamat="",
        kode_wilayah="3201011001",
        hamil="",
        disabilitas_berat="",
        jenjang_sekolah=school,
        alasan="",
    )
    fields.update(kw)
    return [fields[c] for c in builders.HEADER]


def csv_text(rows: list[list[str]], *, blank_lines_before: int = 0) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(builders.HEADER)
    w.writerows(rows)
    return "\r\n" * blank_lines_before + buf.getvalue()


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    root = tmp_path_factory.mktemp("receipt") / "root"
    builders.write_root(root, "2026-11")
    shutil.rmtree(root / "inbox")
    first = [
        row("BARU", BUDI, "Budi Santoso", "15-05-1980", "L", "KEPALA KELUARGA"),
        row("BARU", SITI, "Siti Aminah", "07-08-1985", "P", "ISTRI", alamat="Jl. Mawar\nRT 01 / RW 02"),
        row("BARU", GHOST, '=HYPERLINK("http://x","klik")', "01-01-1990", "L", "ANAK"),
        row("BARU", ACHMAD, "Achmad Fauzi", "02-03-2015", "L", "ANAK", school="SD"),
        row("BARU", NUR, "Nur Halimah", "10-12-2012", "P", "ANAK", school="SMP"),
    ]
    path = root / "inbox" / "2026-11" / "32" / "usulan_susulan.csv"
    path.parent.mkdir(parents=True)
    path.write_text(csv_text(first, blank_lines_before=2), encoding="utf-8")
    monthly_run(data_root=str(root), periode="2026-11")
    second = [
        row("PERBAIKAN", ACHMAD, "Achmad Fauzi", "02-03-2015", "L", "ANAK", school="SMP", alasan="NAIK KELAS"),
        row("HAPUS", SITI, "Siti Aminah", "07-08-1985", "P", "ISTRI", alasan="PINDAH"),
        row("SANGGAH", NUR, "Nur Halimah", "10-12-2012", "P", "ANAK", school="SMP", alasan="SUDAH MENIKAH"),
        row("BARU", BUDI, "Budi Santoso", "15-05-1980", "L", "KEPALA KELUARGA"),  # sent again as registered
    ]
    path = root / "inbox" / "2026-12" / "32" / "usulan_desember.csv"
    path.parent.mkdir(parents=True)
    path.write_text(csv_text(second), encoding="utf-8")
    monthly_run(data_root=str(root), periode="2026-12")
    return root


def sheet_rows(root: Path, periode: str) -> tuple[list, list[dict], openpyxl.Workbook]:
    book = openpyxl.load_workbook(root / "receipts" / f"periode={periode}" / "32" / "hasil_usulan.xlsx")
    sheet = book["Hasil Usulan"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, cells)) for cells in sheet.iter_rows(min_row=2)]
    return header, rows, book


def test_every_row_once_with_the_row_excel_shows_and_ids_as_text(root):
    header, rows, book = sheet_rows(root, "2026-11")
    assert header[:7] == ["Periode", "Kode Provinsi", "Berkas", "Lembar", "Baris Data", "Baris Excel", "Jenis Usulan"]
    assert {r["Berkas"].value for r in rows} == {"usulan_susulan.csv"} and {r["Lembar"].value for r in rows} == {None}
    got = [(r["Baris Data"].value, r["Baris Excel"].value, r["NIK Usulan"].value) for r in rows]
    assert got == [(1, 4, BUDI), (2, 5, SITI), (3, 6, GHOST), (4, 7, ACHMAD), (5, 8, NUR)]
    for r in rows:
        for col in ("NIK Usulan", "No KK Usulan", "Kode Provinsi"):
            assert r[col].data_type == "s" and r[col].number_format == "@", (col, r[col].value)
        assert r["No KK Usulan"].value == KK
        assert r["Skor Padan"].data_type == "n"
    budi = rows[0]
    assert (budi["Hasil"].value, budi["NIK Dukcapil"].value, budi["Status Padan"].value) == ("DITERIMA", BUDI, "PADAN")
    assert 0.95 <= budi["Skor Padan"].value <= 1.0
    ghost = rows[2]
    assert ghost["Nama Usulan"].data_type == "s"  # text, never a formula Excel would run
    assert ghost["Nama Usulan"].value == '=HYPERLINK("http://x","klik")'
    assert ghost["Hasil"].value == "DITOLAK" and "NIK_TIDAK_DITEMUKAN" in ghost["Kode Alasan"].value
    sheet = book["Hasil Usulan"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:Q6"


def test_what_each_accepted_row_did(root):
    _, first, _ = sheet_rows(root, "2026-11")
    assert [r["Yang Terjadi"].value for r in first] == [
        "masuk register",
        "masuk register",
        "ditolak: lihat kode alasan dan tindakannya",
        "masuk register",
        "masuk register",
    ]
    _, second, _ = sheet_rows(root, "2026-12")
    assert [(r["Baris Excel"].value, r["Jenis Usulan"].value, r["Yang Terjadi"].value) for r in second] == [
        (2, "PERBAIKAN", "data diperbaiki"),
        (3, "HAPUS", "keluar dari register"),
        (4, "SANGGAH", "sanggah dicatat"),
        (5, "BARU", "diterima, tidak ada perubahan"),
    ]


def test_the_reason_codes_sheet_says_what_to_do(root):
    _, _, book = sheet_rows(root, "2026-11")
    codes = {r[0].value: (r[1].value, r[3].value) for r in book["Kode Alasan"].iter_rows(min_row=2)}
    severity, todo = codes["NIK_TIDAK_PADAN"]
    assert severity == "TOLAK" and todo.startswith("Perbaiki NIK, nama dan tanggal lahir sesuai KTP/KK")
    assert codes["LAYAK"][0] == "INFO"


def test_the_csv_and_parquet_receipts_stay(root):
    folder = root / "receipts" / "periode=2026-11" / "32"
    assert sorted(p.name for p in folder.iterdir()) == ["hasil_usulan.csv", "hasil_usulan.parquet", "hasil_usulan.xlsx"]


def test_the_workbook_is_byte_for_byte_the_same_on_a_rerun(root, tmp_path):
    path = root / "receipts" / "periode=2026-12" / "32" / "hasil_usulan.xlsx"
    before = path.read_bytes()
    monthly_run(data_root=str(root), periode="2026-12")  # same inputs: nothing changes
    assert path.read_bytes() == before
