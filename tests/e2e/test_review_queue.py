"""Issue 16, acceptance 4: the review queue closes the loop, through the real flow over three periods.

November: a province sends three rows whose Dukcapil candidate is found but not surely enough
(PERLU_VERIFIKASI): Siti with a mistyped NIK and a birth year off, "Nur Hasanah" on the NIK that Nur
Halimah is sent with in the same file (another girl of the family?), "Ahmad" with a mistyped NIK. The run publishes them in
the review workbook. A verifier decides Siti SAMA, Nur Hasanah BEDA and Ahmad TIDAK TAHU (plus two
lines that cannot be used), the workbook is read back with ``padan tinjau impor``, and December,
without the province sending any of them again, admits Siti, refuses Nur Hasanah as decided, keeps
Ahmad waiting, and records who decided. January keeps Ahmad waiting and applies nothing twice.
Every expected value is read off the rows as written here.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import builders
import openpyxl
import polars as pl
import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.explain import explain
from flows.monthly import monthly_run
from flows.periksa import check_file

NOV, DES, JAN = "2026-11", "2026-12", "2027-01"
BUDI, SITI, AHMAD, NUR = "3201011505800001", "3201014708850002", "3201010203150003", "3201015012120004"
SITI_TYPED, AHMAD_TYPED = "3201014708850009", "3201010203150004"
KK = "3201010101150001"
HEADER = ["jenis_usulan", "nik", "no_kk", "nama", "tanggal_lahir", "jenis_kelamin", "hubungan_keluarga", "kode_wilayah"]
NOVEMBER = [
    ["BARU", BUDI, KK, "Budi Santoso", "15-05-1980", "L", "KEPALA KELUARGA", "3201011001"],
    ["BARU", SITI_TYPED, KK, "Siti Aminah", "07-08-1986", "P", "ISTRI", "3201011001"],  # row 2: review
    ["BARU", NUR, KK, "Nur Halimah", "10-12-2012", "P", "ANAK", "3201011001"],
    ["BARU", NUR, KK, "Nur Hasanah", "10-12-2012", "P", "ANAK", "3201011001"],  # row 4: review (a second claim)
    ["BARU", AHMAD_TYPED, KK, "Ahmad", "02-03-2015", "L", "ANAK", "3201011001"],  # row 5: review
]
ID_SITI, ID_NUR, ID_AHMAD = (f"{NOV}|32|usulan_nov.csv|{n}" for n in (2, 4, 5))
VERIFIER = "Rina (Dinsos Kab. Bogor)"


def usulan_file(path: Path, rows: list[list[str]]) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    w.writerow(HEADER)
    w.writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(buf.getvalue(), encoding="utf-8")


def sheet_rows(path: Path, name: str = "Tinjau") -> tuple[list[str], list[list]]:
    sheet = openpyxl.load_workbook(path)[name]
    header = [c.value for c in sheet[1]]
    return header, [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]


def fill_in(workbook: Path, out: Path) -> None:
    """What the verifier does in Excel: a decision, author and reason on candidate lines."""
    book = openpyxl.load_workbook(workbook)
    sheet = book["Tinjau"]
    header = [c.value for c in sheet[1]]
    col = {h: i for i, h in enumerate(header)}
    for r in sheet.iter_rows(min_row=2):
        row_id, kind, rank = r[col["ID Tinjau"]].value, r[col["Jenis Baris"]].value, r[col["Peringkat"]].value
        if kind != "KANDIDAT":
            continue
        decision = {ID_SITI: "SAMA" if rank == 1 else "BEDA", ID_NUR: "BEDA", ID_AHMAD: "TIDAK TAHU"}[row_id]
        r[col["Keputusan"]].value = decision
        r[col["Penulis"]].value = VERIFIER
        r[col["Alasan"]].value = {"SAMA": "cek KTP: NIK salah ketik", "BEDA": "anak lain, lihat KK"}.get(decision)
    last = sheet.max_row
    # a line whose row id was altered, and an Ahmad candidate decided without author or reason
    sheet.cell(row=last + 1, column=col["ID Tinjau"] + 1, value=f"{NOV}|32|usulan_nov.csv|42")
    sheet.cell(row=last + 1, column=col["Peringkat"] + 1, value=1)
    sheet.cell(row=last + 1, column=col["Keputusan"] + 1, value="SAMA")
    sheet.cell(row=last + 1, column=col["Penulis"] + 1, value=VERIFIER)
    sheet.cell(row=last + 1, column=col["Alasan"] + 1, value="salah salin")
    sheet.cell(row=last + 2, column=col["ID Tinjau"] + 1, value=ID_AHMAD)
    sheet.cell(row=last + 2, column=col["Peringkat"] + 1, value=2)
    sheet.cell(row=last + 2, column=col["Keputusan"] + 1, value="SAMA")
    book.save(out)


def hasil(root: Path, periode: str) -> pl.DataFrame:
    return pl.read_parquet(root / "snapshots" / f"periode={periode}" / "hasil_usulan" / "hasil_usulan.parquet")


def queue_ids(root: Path, periode: str) -> list[str]:
    path = root / "snapshots" / f"periode={periode}" / "antrean_tinjau" / "antrean_tinjau.parquet"
    return pl.read_parquet(path)["id_tinjau"].to_list()


@pytest.fixture(scope="module")
def loop(tmp_path_factory):
    root = tmp_path_factory.mktemp("review")
    builders.write_root(root, NOV)
    shutil.rmtree(root / "inbox")
    usulan_file(root / "inbox" / NOV / "32" / "usulan_nov.csv", NOVEMBER)
    monthly_run(data_root=str(root), periode=NOV)
    review = root / "receipts" / f"periode={NOV}" / "32" / "tinjau_verifikasi.xlsx"
    work = tmp_path_factory.mktemp("verifier")
    filled = work / "tinjau_diisi.xlsx"
    fill_in(review, filled)
    runner = CliRunner()
    imported = runner.invoke(app, ["tinjau", "impor", str(filled), "--data-root", str(root), "--tanggal", "2026-12-03"])
    again = runner.invoke(app, ["tinjau", "impor", str(filled), "--data-root", str(root), "--tanggal", "2026-12-03"])
    # a decision typed into overrides/ by hand for a row that does not wait anywhere
    (root / "overrides" / "manual.csv").write_text(
        "jenis,nik,nik_padan,penulis,alasan,tanggal,berlaku_sampai,tinjau\n"
        f"PADAN_MANUAL,{BUDI},{BUDI},Andi,cek,2026-12-04,,{NOV}|32|usulan_lama.csv|7\n",
        encoding="utf-8",
    )
    usulan_file(
        root / "inbox" / DES / "32" / "usulan_des.csv",
        [["PERBAIKAN", BUDI, KK, "Budi Santoso", "15-05-1980", "L", "KEPALA KELUARGA", "3201011002"]],
    )
    # a check of December's file before the run answers for that file only, not the decided rows
    checked = check_file(
        str(root), str(root / "inbox" / DES / "32" / "usulan_des.csv"), "32", str(work / "periksa.xlsx"), periode=DES
    )
    assert (checked["baris"], checked["diterima"]) == (1, 1)
    monthly_run(data_root=str(root), periode=DES)
    usulan_file(
        root / "inbox" / JAN / "32" / "usulan_jan.csv",
        [["PERBAIKAN", BUDI, KK, "Budi Santoso", "15-05-1980", "L", "KEPALA KELUARGA", "3201011001"]],
    )
    monthly_run(data_root=str(root), periode=JAN)
    return root, review, imported, again


def test_november_publishes_the_waiting_rows_with_candidates_side_by_side(loop):
    root, review, _, _ = loop
    assert queue_ids(root, NOV) == [ID_SITI, ID_NUR, ID_AHMAD]
    header, rows = sheet_rows(review)
    col = {h: i for i, h in enumerate(header)}
    siti = [r for r in rows if r[col["ID Tinjau"]] == ID_SITI]
    proposed, first = siti[0], siti[1]
    assert (proposed[col["Jenis Baris"]], proposed[col["NIK"]], proposed[col["Nama"]]) == (
        "USULAN",
        SITI_TYPED,
        "Siti Aminah",
    )
    assert proposed[col["Tanggal Lahir"]] == "1986-08-07"
    # the candidate: as Dukcapil holds her, NIK and No KK masked to the region
    assert (first[col["Jenis Baris"]], first[col["Peringkat"]], first[col["Nama"]]) == ("KANDIDAT", 1, "SITI AMINAH")
    assert first[col["NIK"]] == "320101**********" and first[col["No KK"]] == "320101**********"
    assert first[col["Tanggal Lahir"]] == "1985-08-07"
    assert first[col["Kesesuaian NIK"]] == "beda 1 angka" and first[col["Kesesuaian Nama"]] == "sama"
    assert first[col["Kesesuaian Tgl Lahir"]] == "beda satu bagian" and first[col["Kesesuaian No KK"]] == "sama"
    # the province's own typing in full, but nowhere a candidate's NIK (Siti's and Ahmad's real ones)
    cells = {str(v) for r in rows for v in r}
    assert SITI not in cells and AHMAD not in cells and SITI_TYPED in cells


def test_the_import_writes_the_usable_decisions_and_names_the_others(loop):
    root, _, imported, again = loop
    assert imported.exit_code == 1, imported.output  # some lines could not be used
    assert "1 SAMA, 1 BEDA" in imported.output
    assert f"TINJAU_ID_TIDAK_DIKENAL {NOV}|32|usulan_nov.csv|42 kandidat 1" in imported.output
    assert f"TINJAU_TANPA_PENULIS {ID_AHMAD} kandidat 2" in imported.output
    written = sorted((root / "overrides").glob("tinjau_*.csv"))
    assert len(written) == 1
    decisions = pl.read_csv(written[0], infer_schema=False).select("jenis", "nik", "nik_padan", "penulis", "tinjau")
    assert decisions.rows() == [
        ("PADAN_MANUAL", SITI_TYPED, SITI, VERIFIER, ID_SITI),
        ("TIDAK_PADAN_MANUAL", NUR, None, VERIFIER, ID_NUR),
    ]
    assert "2 sudah ada di overrides" in again.output and "tidak ada keputusan baru" in again.output


def test_december_decides_the_rows_without_them_being_sent_again(loop):
    root = loop[0]
    carried = hasil(root, DES).filter(pl.col("sumber_file") == ".tinjau/2026-11/usulan_nov.csv").sort("sumber_baris")
    got = carried.select("sumber_baris", "nik_usulan", "hasil", "nik_padan", "status_padan").rows()
    assert got == [(2, SITI_TYPED, "DITERIMA", SITI, "PADAN_KOREKSI"), (4, NUR, "DITOLAK", None, "TIDAK_PADAN")]
    assert "KEPUTUSAN_PADAN_MANUAL" in carried["alasan"][0].to_list()
    receipt = openpyxl.load_workbook(root / "receipts" / f"periode={DES}" / "32" / "hasil_usulan.xlsx")["Hasil Usulan"]
    header = [c.value for c in receipt[1]]
    shown = [dict(zip(header, [c.value for c in r])) for r in receipt.iter_rows(min_row=2)]
    assert [(r["Berkas"], r["Baris Excel"], r["Hasil"], r["Yang Terjadi"]) for r in shown] == [
        (".tinjau/2026-11/usulan_nov.csv", 3, "DITERIMA", "masuk register"),
        (".tinjau/2026-11/usulan_nov.csv", 5, "DITOLAK", "ditolak: lihat kode alasan dan tindakannya"),
        ("usulan_des.csv", 2, "DITERIMA", "data diperbaiki"),
    ]
    assert "KEPUTUSAN_TIDAK_PADAN_MANUAL" in carried["alasan"][1].to_list()
    individu = pl.read_parquet(root / "snapshots" / f"periode={DES}" / "individu" / "individu.parquet")
    assert individu.filter(pl.col("nik") == SITI).select("nama", "no_kk").rows() == [("SITI AMINAH", KK)]
    assert individu.filter(pl.col("nik") == NUR)["nama"].to_list() == ["NUR HALIMAH"]  # the other claim is refused
    assert queue_ids(root, DES) == [ID_AHMAD]  # TIDAK TAHU: still waiting


def test_the_decision_is_in_the_history_and_in_explain(loop):
    root = loop[0]
    riwayat = pl.read_parquet(root / "snapshots" / f"periode={DES}" / "riwayat" / "riwayat.parquet")
    masuk = riwayat.filter((pl.col("nik") == SITI) & (pl.col("periode") == DES))
    assert masuk.select("peristiwa", "sumber_file", "sumber_baris").rows() == [
        ("MASUK", ".tinjau/2026-11/usulan_nov.csv", 2)
    ]
    assert masuk["alasan"][0] == f"keputusan tinjau SAMA oleh {VERIFIER} (2026-12-03): cek KTP: NIK salah ketik"
    text = explain(root, DES, nik=SITI)
    assert f"PADAN_MANUAL untuk 320101********** oleh {VERIFIER}" in text  # the NIK as typed, masked
    assert f"keputusan tinjau SAMA oleh {VERIFIER} (2026-12-03)" in text


def test_a_decision_that_matched_no_row_is_reported(loop):
    import json

    root = loop[0]
    manifest = json.loads((root / "snapshots" / f"periode={DES}" / "_manifest.json").read_text())
    lost = manifest["tinjau"]["keputusan_tidak_cocok"]
    assert [(d["berkas"], d["tinjau"], d["penulis"]) for d in lost] == [
        ("overrides/manual.csv", f"{NOV}|32|usulan_lama.csv|7", "Andi")
    ]
    assert lost[0]["nik"] == "320101**********"  # never a NIK in full


def test_january_keeps_the_undecided_row_and_applies_nothing_twice(loop):
    import json

    root = loop[0]
    assert queue_ids(root, JAN) == [ID_AHMAD]
    assert hasil(root, JAN).filter(pl.col("sumber_file").str.starts_with(".tinjau/")).height == 0
    manifest = json.loads((root / "snapshots" / f"periode={JAN}" / "_manifest.json").read_text())
    assert manifest["tinjau"]["keputusan_tidak_cocok"] == []  # December's decisions were spent, not lost


def test_the_regency_list_holds_only_its_rows(loop, tmp_path):
    root = loop[0]
    out = tmp_path / "kab.xlsx"
    args = ["tinjau", "daftar", "--prov", "32", "--kab", "3201", "--data-root", str(root), "--periode", DES]
    result = CliRunner().invoke(app, [*args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    header, rows = sheet_rows(out)
    assert {r[0] for r in rows} == {ID_AHMAD}
    other = CliRunner().invoke(app, [*args[:5], "3273", *args[6:], "--out", str(tmp_path / "bdg.xlsx")])
    assert other.exit_code == 0 and sheet_rows(tmp_path / "bdg.xlsx")[1] == []


def test_a_file_that_is_not_a_review_workbook_is_refused_by_name(loop, tmp_path):
    root = loop[0]
    bad = tmp_path / "keputusan.csv"
    bad.write_text("id_tinjau;keputusan\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["tinjau", "impor", str(bad), "--data-root", str(root)])
    assert result.exit_code == 2 and "keputusan.csv: bukan buku kerja tinjau" in result.output
    book = openpyxl.Workbook()
    book.active.title = "Tinjau"
    book.active.append(["ID Tinjau", "Keputusan"])
    book.save(tmp_path / "tanpa_kolom.xlsx")
    result = CliRunner().invoke(app, ["tinjau", "impor", str(tmp_path / "tanpa_kolom.xlsx"), "--data-root", str(root)])
    assert result.exit_code == 2 and "tanpa kolom Peringkat, Penulis, Alasan" in result.output


def test_decided_rows_keep_the_header_row_of_the_file_they_came_from(loop):
    """A workbook's title block moves its Excel rows: the carried rows take their file's header row
    from the manifest of the period they were sent in."""
    from flows.io import Root
    from flows.release import carried_header_rows

    root = loop[0]
    assert carried_header_rows(Root(root), hasil(root, DES)) == [("32", ".tinjau/2026-11/usulan_nov.csv", 1, None)]
    assert carried_header_rows(Root(root), hasil(root, JAN)) == []
