"""Issue 16, acceptance 3: ``padan periksa`` gives, while the window is open, the receipt the
monthly run then gives to the same rows, against the current Dukcapil extract and register, and
publishes nothing.

Two periods of the hand-written root (``builders``): November is run, so Budi, Siti and Nur are in
the register; a December file is checked, then put in the inbox and the December run made. Every
expected value below is read off the rows as written here.
"""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
from pathlib import Path

import builders
import openpyxl
import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.monthly import monthly_run
from flows.periksa import CheckRefused, check_file

NOV, DES = "2026-11", "2026-12"
BUDI, SITI, NUR = "3201011505800001", "3201014708850002", "3201015012120004"
KK = "3201010101150001"
GHOST = "3201011111990099"  # in no Dukcapil extract
HEADER = "jenis_usulan;nik;no_kk;nama;tanggal_lahir;jenis_kelamin;hubungan_keluarga;kode_wilayah;alamat;alasan"
ROWS = [
    ["PERBAIKAN", BUDI, KK, "Budi Santoso", "15-05-1980", "L", "KEPALA KELUARGA", "3201011001", "Jl. Kenanga 5", ""],
    ["HAPUS", NUR, KK, "Nur Halimah", "10-12-2012", "P", "ANAK", "3201011001", "", "PINDAH"],
    ["BARU", GHOST, KK, "Dewi Lestari", "01-01-1990", "P", "ANAK", "3201011001", "", ""],
    ["BARU", SITI, KK, "Siti Aminah", "07-08-1985", "P", "ISTRI", "3201011001", "", ""],
]


def december_file(path: Path) -> Path:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    w.writerow(HEADER.split(";"))
    w.writerows(ROWS)
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def receipt_rows(path: Path) -> list[dict]:
    sheet = openpyxl.load_workbook(path)["Hasil Usulan"]
    header = [c.value for c in sheet[1]]
    return [dict(zip(header, [c.value for c in cells])) for cells in sheet.iter_rows(min_row=2)]


def tree(root: Path) -> dict[str, str]:
    """Every file under the data root (links followed) with its sha256: what a check must not change."""
    return {
        str(f.relative_to(root)): hashlib.sha256(f.read_bytes()).hexdigest()
        for f in sorted(root.rglob("*"))
        if f.is_file() and not f.name == "lock"
    }


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    root = tmp_path_factory.mktemp("periksa")
    builders.write_root(root, NOV)
    monthly_run(data_root=str(root), periode=NOV)
    upload = december_file(tmp_path_factory.mktemp("upload") / "usulan_desember.csv")
    before = tree(root)
    out = tmp_path_factory.mktemp("out") / "periksa.xlsx"
    summary = check_file(str(root), str(upload), "32", str(out), periode=DES)
    after = tree(root)
    folder = root / "inbox" / DES / "32"
    folder.mkdir(parents=True)
    shutil.copy(upload, folder / upload.name)
    monthly_run(data_root=str(root), periode=DES)
    return root, summary, out, before, after


def test_the_check_gives_each_row_its_outcome_against_the_register(checked):
    _, summary, out, _, _ = checked
    got = [
        (r["Baris Excel"], r["Jenis Usulan"], r["NIK Usulan"], r["Hasil"], r["Yang Terjadi"], r["NIK Dukcapil"])
        for r in receipt_rows(out)
    ]
    assert got == [
        (2, "PERBAIKAN", BUDI, "DITERIMA", "data diperbaiki", BUDI),
        (3, "HAPUS", NUR, "DITERIMA", "keluar dari register", NUR),
        (4, "BARU", GHOST, "DITOLAK", "ditolak: lihat kode alasan dan tindakannya", None),
        (5, "BARU", SITI, "DITERIMA", "diterima, tidak ada perubahan", SITI),
    ]
    codes = {r["NIK Usulan"]: r["Kode Alasan"] or "" for r in receipt_rows(out)}
    assert "NIK_TIDAK_DITEMUKAN" in codes[GHOST]
    assert "SUDAH_ADA_DI_REGISTER" in codes[SITI]  # registered in November: the register was consulted
    assert (summary["baris"], summary["diterima"], summary["ditolak"]) == (4, 3, 1)
    assert summary["detik"] >= 0 and "duplikat antar-berkas" in summary["catatan"]


def test_the_run_then_gives_the_same_rows_the_same_receipt(checked):
    root, _, out, _, _ = checked
    run = receipt_rows(root / "receipts" / f"periode={DES}" / "32" / "hasil_usulan.xlsx")
    assert run == receipt_rows(out)


def test_nothing_is_written_into_the_data_root(checked):
    _, _, _, before, after = checked
    assert after == before


def test_a_file_that_cannot_be_read_is_answered_as_quarantined(checked, tmp_path):
    root = checked[0]
    bad = tmp_path / "foto_ktp.pdf"
    bad.write_bytes(b"%PDF-1.4\x00\x01\x02 binary")
    summary = check_file(str(root), str(bad), "32", str(tmp_path / "hasil.xlsx"), periode=DES)
    assert summary["baris"] == 0
    assert [q["karantina"] for q in summary["karantina"]] == ["FILE_TIDAK_TERBACA"]
    sheet = openpyxl.load_workbook(tmp_path / "hasil.xlsx")["Berkas Karantina"]
    assert [c.value for c in sheet[2]][:2] == ["foto_ktp.pdf", "FILE_TIDAK_TERBACA"]


def test_refused_checks_say_what_to_do(checked, tmp_path):
    root = checked[0]
    upload = december_file(tmp_path / "u.csv")
    with pytest.raises(CheckRefused, match="bukan kode provinsi"):
        check_file(str(root), str(upload), "99", str(tmp_path / "o.xlsx"), periode=DES)
    with pytest.raises(CheckRefused, match="inbox"):
        check_file(str(root), str(upload), "32", str(root / "inbox" / DES / "32" / "o.xlsx"), periode=DES)


def test_the_command_answers_with_the_time_it_took(checked, tmp_path, monkeypatch):
    root = checked[0]
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    upload = december_file(tmp_path / "usulan.csv")
    out = tmp_path / "hasil.xlsx"
    args = ["periksa", str(upload), "--prov", "32", "--data-root", str(root), "--periode", DES, "--out", str(out)]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "selesai dalam" in result.output and "detik" in result.output
    assert "4 baris: 3 diterima, 1 ditolak" in result.output
    assert out.is_file()
    refused = CliRunner().invoke(app, [*args[:2], "--prov", "7", *args[4:]])
    assert refused.exit_code == 2 and "bukan kode provinsi" in refused.output


def test_the_flow_a_portal_calls_gives_the_same_receipt(checked, tmp_path):
    """After December was published the check of December still reads November's register (the one
    before the periode asked), so it answers as it did before the run."""
    from flows.periksa import periksa_flow

    root, _, out, _, _ = checked
    upload = december_file(tmp_path / "usulan_desember.csv")
    summary = periksa_flow(
        data_root=str(root), file=str(upload), kode_prov="32", out=str(tmp_path / "p.xlsx"), periode=DES
    )
    assert summary["hasil_periksa"] == str(tmp_path / "p.xlsx")
    assert receipt_rows(tmp_path / "p.xlsx") == receipt_rows(out)


def test_a_workbook_is_checked_sheet_by_sheet(checked, tmp_path):
    """The template filled in as an operator would: the sheet and the Excel row of each record."""
    from flows.template import template_bytes

    root = checked[0]
    path = tmp_path / "templat.xlsx"
    path.write_bytes(template_bytes())
    book = openpyxl.load_workbook(path)
    for values in (
        ["PERBAIKAN", BUDI, KK, "Budi Santoso", "Bogor", "15-05-1980", "L", "KEPALA KELUARGA", "", "", "3201011001"],
        ["BARU", GHOST, KK, "Dewi Lestari", "Bogor", "01-01-1990", "P", "ANAK", "", "", "3201011001"],
    ):
        book["Usulan"].append(values)
    book.save(path)
    summary = check_file(str(root), str(path), "32", str(tmp_path / "hasil.xlsx"), periode=DES)
    got = [(r["Lembar"], r["Baris Excel"], r["NIK Usulan"], r["Hasil"]) for r in receipt_rows(tmp_path / "hasil.xlsx")]
    assert got == [("Usulan", 2, BUDI, "DITERIMA"), ("Usulan", 3, GHOST, "DITOLAK")]
    assert [g["file"] for g in summary["tidak_dibaca"]] == ["templat.xlsx#Petunjuk"]
