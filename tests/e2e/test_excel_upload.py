"""Issue 16, acceptance 2: ``.xlsx`` uploads read as first-class input, through the real flow.

One workbook of several sheets as a regency office makes it (a title block above the header,
upper-case column names in another order, a blank row, a NIK typed into a number cell, a birth date
as a date cell and one as an Excel serial, a notes sheet, an empty sheet, a sheet without the
region column) and the downloaded template filled in as an operator would. Every expected value
(sheet, Excel row, NIK, reason code) is read off the workbooks as written here. The same rows sent
as the CSV Excel saves get the same outcomes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
from pathlib import Path

import builders
import openpyxl
import polars as pl
import pytest

from flows.monthly import monthly_run
from flows.template import template_bytes

P = "2026-11"
BUDI, SITI, ACHMAD, NUR, JOKO = (
    "3201011505800001",
    "3201014708850002",
    "3201010203150003",
    "3201015012120004",
    "3201012010700005",
)
KK, KK_JOKO = "3201010101150001", "3201010202160002"
GHOST = "3201011111990099"  # in no Dukcapil extract
ORDER = ["NAMA", "NIK", "NO KK", "JENIS USULAN", "TANGGAL LAHIR", "JENIS KELAMIN", "HUBUNGAN KELUARGA", "KODE WILAYAH"]


def office_workbook(path: Path) -> None:
    book = openpyxl.Workbook()
    bogor = book.active
    bogor.title = "Kab Bogor"
    bogor["A1"] = "DAFTAR USULAN DTKS KABUPATEN BOGOR - NOVEMBER 2026"
    for j, name in enumerate(ORDER, start=2):  # header in row 3, from column B
        bogor.cell(row=3, column=j, value=name)
    rows = {
        4: ["Budi Santoso", BUDI, KK, "BARU", dt.date(1980, 5, 15), "LAKI-LAKI", "KEPALA KELUARGA", "32.01.01.1001"],
        # row 5 left blank
        6: ["Siti Aminah", int(SITI), KK, "BARU", "07-08-1985", "P", "ISTRI", "3201011001"],  # NIK as a number
        7: ["Tanpa Nama Dukcapil", GHOST, KK, "BARU", 32874, "L", "ANAK", "3201011001"],  # 32874 = 1990-01-01
    }
    for r, values in rows.items():
        for j, v in enumerate(values, start=2):
            bogor.cell(row=r, column=j, value=v)
    notes = book.create_sheet("Catatan")
    notes["A1"] = "Diverifikasi oleh operator kecamatan"
    book.create_sheet("Kosong")
    wrong = book.create_sheet("Salah")
    wrong.append(["jenis_usulan", "nik", "no_kk", "nama", "tanggal_lahir", "jenis_kelamin", "hubungan_keluarga"])
    wrong.append(["BARU", NUR, KK, "Nur Halimah", "10-12-2012", "P", "ANAK"])
    later = book.create_sheet("Susulan")
    later.append(
        [
            "jenis_usulan",
            "nik",
            "no_kk",
            "nama",
            "tanggal_lahir",
            "jenis_kelamin",
            "hubungan_keluarga",
            "kode_wilayah",
            "jenjang_sekolah",
        ]
    )
    later.append(["BARU", ACHMAD, KK, "Achmad Fauzi", "02-03-2015", "L", "ANAK", "3201011001", "SD"])
    later.append(["BARU", NUR, KK, "Nur Halimah", "10/12/2012", "P", "ANAK", "3201011001", "SMP"])
    book.save(path)


def filled_template(path: Path) -> None:
    path.write_bytes(template_bytes())
    book = openpyxl.load_workbook(path)
    book["Usulan"].append(
        [
            "BARU",
            JOKO,
            KK_JOKO,
            "Joko Widodo Susilo",
            "Bogor",
            "20-10-1970",
            "L",
            "KEPALA KELUARGA",
            "",
            "",
            "32.01.01.1002",
        ]
    )
    book.save(path)


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    root = tmp_path_factory.mktemp("excel_upload")
    builders.write_root(root, P)
    shutil.rmtree(root / "inbox")
    folder = root / "inbox" / P / "32"
    folder.mkdir(parents=True)
    office_workbook(folder / "usulan_kab.xlsx")
    filled_template(folder / "templat.xlsx")
    monthly_run(data_root=str(root), periode=P)
    return root


def hasil(root: Path) -> pl.DataFrame:
    return pl.read_parquet(root / "snapshots" / f"periode={P}" / "hasil_usulan", hive_partitioning=False).sort(
        "sumber_file", "sumber_baris"
    )


def test_every_record_of_every_sheet_with_its_sheet_and_row(root):
    got = hasil(root).select("sumber_file", "sumber_baris", "nik_usulan", "hasil", "nik_padan").rows()
    assert got == [
        ("templat.xlsx#Usulan", 1, JOKO, "DITERIMA", JOKO),
        ("usulan_kab.xlsx#Kab Bogor", 1, BUDI, "DITERIMA", BUDI),
        ("usulan_kab.xlsx#Kab Bogor", 3, "3.20101470885000E+15", "DITERIMA", SITI),
        ("usulan_kab.xlsx#Kab Bogor", 4, GHOST, "DITOLAK", None),
        ("usulan_kab.xlsx#Susulan", 1, ACHMAD, "DITERIMA", ACHMAD),
        ("usulan_kab.xlsx#Susulan", 2, NUR, "DITERIMA", NUR),
    ]
    reasons = dict(zip(hasil(root)["nik_usulan"], hasil(root)["alasan"].to_list()))
    assert "NIK_RUSAK_EXCEL" in reasons["3.20101470885000E+15"]  # a NIK typed into a number cell
    assert "NIK_TIDAK_DITEMUKAN" in reasons[GHOST]


def test_the_receipt_names_file_sheet_and_excel_row(root):
    book = openpyxl.load_workbook(root / "receipts" / f"periode={P}" / "32" / "hasil_usulan.xlsx")
    sheet = book["Hasil Usulan"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, [c.value for c in cells])) for cells in sheet.iter_rows(min_row=2)]
    assert [(r["Berkas"], r["Lembar"], r["Baris Excel"], r["NIK Usulan"]) for r in rows] == [
        ("templat.xlsx", "Usulan", 2, JOKO),
        ("usulan_kab.xlsx", "Kab Bogor", 4, BUDI),
        ("usulan_kab.xlsx", "Kab Bogor", 6, "3.20101470885000E+15"),
        ("usulan_kab.xlsx", "Kab Bogor", 7, GHOST),
        ("usulan_kab.xlsx", "Susulan", 2, ACHMAD),
        ("usulan_kab.xlsx", "Susulan", 3, NUR),
    ]
    quarantined = [[c.value for c in r] for r in book["Berkas Karantina"].iter_rows(min_row=2)]
    assert [(f, k) for f, k, _ in quarantined] == [("usulan_kab.xlsx#Salah", "FILE_KOLOM_WAJIB_HILANG")]
    assert "kode_wilayah" in quarantined[0][2]
    not_read = [(r[0].value, r[1].value) for r in book["Berkas Tidak Dibaca"].iter_rows(min_row=2)]
    assert not_read == [
        ("templat.xlsx#Petunjuk", "LEMBAR_BUKAN_USULAN"),
        ("usulan_kab.xlsx#Catatan", "LEMBAR_BUKAN_USULAN"),
    ]


def test_the_manifest_records_each_sheet(root):
    manifest = json.loads((root / "snapshots" / f"periode={P}" / "_manifest.json").read_text())
    kab = next(e for e in manifest["inputs"]["usulan"] if e["path"].endswith("usulan_kab.xlsx"))
    assert kab["rows"] == 5
    assert [s["nama"] for s in kab["lembar"]] == ["Kab Bogor", "Catatan", "Kosong", "Salah", "Susulan"]
    assert kab["lembar"][0] == {"nama": "Kab Bogor", "baris_judul": 3, "rows": 3}
    assert kab["lembar"][2]["alasan"] == "LEMBAR_KOSONG" and kab["lembar"][3]["karantina"] == "FILE_KOLOM_WAJIB_HILANG"


def test_the_template_unchanged_is_read_and_holds_no_row(tmp_path):
    from transforms import workbook
    from transforms.ingest import FileQuarantined

    with pytest.raises(FileQuarantined) as refused:
        workbook.parse_upload(template_bytes())
    assert refused.value.code == "FILE_KOSONG"  # read, sheet by sheet: it has no row yet
    book = openpyxl.load_workbook(io.BytesIO(template_bytes()))
    usulan = book["Usulan"]
    assert [c.value for c in usulan[1]][:3] == ["jenis_usulan", "nik", "no_kk"]
    lists = {str(v.sqref): v.formula1 for v in usulan.data_validations.dataValidation}
    assert lists["A2:A1048576"] == '"BARU,PERBAIKAN,HAPUS,SANGGAH"'
    assert usulan.column_dimensions["B"].number_format == "@"  # NIK typed in stays text


def test_the_same_rows_as_csv_get_the_same_outcomes(root, tmp_path):
    """What Excel's "save as CSV" makes of the office workbook's Bogor rows, run as CSV."""
    other = tmp_path / "csv_root"
    builders.write_root(other, P)
    shutil.rmtree(other / "inbox")
    folder = other / "inbox" / P / "32"
    folder.mkdir(parents=True)
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    w.writerow(["", *ORDER])
    w.writerow(["", "Budi Santoso", BUDI, KK, "BARU", "15/05/1980", "LAKI-LAKI", "KEPALA KELUARGA", "32.01.01.1001"])
    w.writerow([""] * 9)
    w.writerow(["", "Siti Aminah", "3.20101E+15", KK, "BARU", "07-08-1985", "P", "ISTRI", "3201011001"])
    w.writerow(["", "Tanpa Nama Dukcapil", GHOST, KK, "BARU", "32874", "L", "ANAK", "3201011001"])
    (folder / "bogor.csv").write_text(buf.getvalue(), encoding="cp1252")
    monthly_run(data_root=str(other), periode=P)
    cols = ["sumber_baris", "hasil", "alasan", "nik_padan", "status_padan"]
    from_csv = hasil(other).select(cols)
    from_xlsx = hasil(root).filter(pl.col("sumber_file") == "usulan_kab.xlsx#Kab Bogor").select(cols)
    assert from_csv.to_dicts() == from_xlsx.to_dicts()
