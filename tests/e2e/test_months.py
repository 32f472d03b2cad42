"""The register across three months: every proposal type, feedback, history; nothing lost or duplicated."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import polars as pl
import pytest
from builders import HEADER, write_root

from flows.monthly import monthly_run


def write_batch(root: Path, periode: str, prov: str, name: str, rows: list[list[str]]) -> None:
    folder = root / "inbox" / periode / prov
    folder.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(HEADER)
    w.writerows(rows)
    (folder / name).write_text(buf.getvalue(), encoding="utf-8")


def row(jenis, nik, kk, nama, tgl, jk, hub, desa="3201011001", school="", alasan=""):
    return [jenis, nik, kk, nama, "BOGOR", tgl, jk, hub, "", "", desa, "", "", school, alasan]


def table(root: Path, periode: str, name: str) -> pl.DataFrame:
    return pl.read_parquet(root / "snapshots" / f"periode={periode}" / name, hive_partitioning=False)


def with_override(three_months: Path, tmp_path: Path, name: str, row: str) -> Path:
    """A copy of the three months' root with one override file (header and ``row``)."""
    import shutil

    root = tmp_path / "root"
    shutil.copytree(three_months, root)
    (root / "overrides").mkdir()
    (root / "overrides" / name).write_text("jenis,nik,nik_padan,penulis,alasan,tanggal,berlaku_sampai\n" + row + "\n")
    return root


@pytest.fixture(scope="module")
def three_months(tmp_path_factory):
    root = write_root(tmp_path_factory.mktemp("months") / "root")
    monthly_run(data_root=str(root), periode="2026-11")
    # December: a correction, a removal, an objection, a newcomer, and feedback about a stranger
    write_batch(
        root,
        "2026-12",
        "32",
        "desember.csv",
        [
            row(
                "PERBAIKAN",
                "3201010203150003",
                "3201010101150001",
                "Ahmad Fauzi",
                "02-03-2015",
                "L",
                "ANAK",
                school="SMP",
            ),
            row(
                "HAPUS",
                "3201012010700005",
                "3201010202160002",
                "Joko Widodo Susilo",
                "20-10-1970",
                "L",
                "KEPALA KELUARGA",
                desa="3201011002",
                alasan="MAMPU",
            ),
            row(
                "SANGGAH",
                "3201014708850002",
                "3201010101150001",
                "Siti Aminah",
                "07-08-1985",
                "P",
                "ISTRI",
                alasan="Suami bekerja di kota, rumah permanen",
            ),
            row("BARU", "3201015111900009", "3201010505190005", "Rina Marlina", "11-11-1990", "P", "KEPALA KELUARGA"),
        ],
    )
    fb = root / "feedback" / "2026-12" / "salur"
    fb.mkdir(parents=True)
    (fb / "salur.csv").write_text(
        "periode,program,no_kk,nik,status,nominal\n2026-12,BPNT,9999999999999999,9999999999999999,SUKSES SPM,600000\n"
    )
    monthly_run(data_root=str(root), periode="2026-12")
    # January: Joko comes back, and someone else is proposed under Rina's NIK (not padan)
    write_batch(
        root,
        "2027-01",
        "32",
        "januari.csv",
        [
            row(
                "BARU",
                "3201012010700005",
                "3201010202160002",
                "Joko Widodo Susilo",
                "20-10-1970",
                "L",
                "KEPALA KELUARGA",
                desa="3201011002",
            ),
            row("BARU", "3201015111900009", "3201010505190005", "Dewi Lestari", "01-01-1995", "P", "ISTRI"),
        ],
    )
    monthly_run(data_root=str(root), periode="2027-01")
    return root


def test_december_register_is_what_the_proposals_say(three_months):
    root = three_months
    nov, dec = table(root, "2026-11", "individu"), table(root, "2026-12", "individu")
    assert "3201012010700005" not in dec["nik"].to_list()  # removed
    assert "3201015111900009" in dec["nik"].to_list()  # added
    assert dec.height == nov.height - 1 + 1
    assert dec["nik"].is_unique().all()
    child = dec.filter(pl.col("nik") == "3201010203150003").row(0, named=True)
    assert child["jenjang_sekolah"] == "SMP" and child["periode_masuk"] == "2026-11"
    assert child["sumber_periode"] == "2026-12" and child["sumber_file"] == "desember.csv"
    siti = dec.filter(pl.col("nik") == "3201014708850002").row(0, named=True)
    assert siti["sanggah_alasan"].startswith("Suami") and siti["sanggah_periode"] == "2026-12"


def test_history_keeps_removals_and_corrections(three_months):
    r = table(three_months, "2026-12", "riwayat")
    keluar = r.filter(pl.col("peristiwa") == "KELUAR").row(0, named=True)
    assert (
        keluar["nik"] == "3201012010700005" and keluar["alasan"] == "MAMPU" and keluar["nama"] == "JOKO WIDODO SUSILO"
    )
    ubah = r.filter((pl.col("peristiwa") == "UBAH") & (pl.col("periode") == "2026-12")).row(0, named=True)
    assert {"kolom": "jenjang_sekolah", "lama": "SD", "baru": "SMP"} in ubah["perubahan"]
    assert r.filter(pl.col("periode") == "2026-11").height == table(three_months, "2026-11", "riwayat").height
    assert r.filter(pl.col("peristiwa") == "SANGGAH").height == 1


def test_sanggah_reaches_status_and_explain(three_months):
    from flows.explain import explain

    p = table(three_months, "2026-12", "penerima")
    pkh = p.filter((pl.col("program") == "PKH") & (pl.col("no_kk") == "3201010101150001")).row(0, named=True)
    assert "SANGGAH_DIPROSES" in pkh["alasan"]
    text = explain(three_months, "2026-12", nik="3201014708850002")
    assert "SANGGAH" in text and "Suami bekerja" in text


def test_feedback_about_unknown_households_is_reported(three_months):
    u = table(three_months, "2026-12", "umpan_balik_tidak_dikenal")
    assert u["no_kk"].to_list() == ["9999999999999999"]
    manifest = json.loads((three_months / "snapshots" / "periode=2026-12" / "_manifest.json").read_text())
    assert manifest["tables"]["umpan_balik_tidak_dikenal"]["rows"] == 1


def test_january_readmission_and_duplicate_nik(three_months):
    root = three_months
    jan = table(root, "2027-01", "individu")
    assert "3201012010700005" in jan["nik"].to_list()
    assert jan.filter(pl.col("nik") == "3201015111900009")["nama"].to_list() == ["RINA MARLINA"]  # not overwritten
    h = table(root, "2027-01", "hasil_usulan")
    dewi = h.filter(pl.col("nama_usulan") == "Dewi Lestari").row(0, named=True)
    assert dewi["hasil"] == "DITOLAK" and "NAMA_TIDAK_SESUAI" in dewi["alasan"]
    assert json.loads((root / "snapshots" / "_current.json").read_text())["periode"] == "2027-01"
    assert table(root, "2027-01", "riwayat").filter(pl.col("periode") == "2027-01")["peristiwa"].to_list() == ["MASUK"]


def test_human_decisions_survive_reruns_until_they_expire(three_months, tmp_path):
    from flows.explain import explain

    root = with_override(
        three_months,
        tmp_path,
        "verifikasi.csv",
        "SANGGAH_DITERIMA,3201014708850002,,Petugas A,Kunjungan rumah 2027-01-10: rumah permanen,2027-01-10,2027-01",
    )
    summary = monthly_run(data_root=str(root), periode="2027-01", replace=True)
    assert not summary["unchanged"]
    p = table(root, "2027-01", "penerima")
    bpnt = p.filter((pl.col("program") == "BPNT") & (pl.col("no_kk") == "3201010101150001")).row(0, named=True)
    assert (
        bpnt["status"] == "EXCLUDE"
        and "SANGGAH_TERBUKTI" in bpnt["alasan"]
        and "SANGGAH_DIPROSES" not in bpnt["alasan"]
    )
    manifest = json.loads((root / "snapshots" / "periode=2027-01" / "_manifest.json").read_text())
    assert "replaces" in manifest
    assert any(i["path"].startswith("overrides/") for i in manifest["inputs"]["reference"])
    text = explain(root, "2027-01", nik="3201014708850002")
    assert "SANGGAH_TERBUKTI" in text and "Petugas A" in text and "rumah permanen" in text
    again = monthly_run(data_root=str(root), periode="2027-01")  # survives a rerun, unchanged
    assert again["unchanged"]
    monthly_run(data_root=str(root), periode="2027-02")  # expired after 2027-01
    feb = table(root, "2027-02", "penerima")
    bpnt = feb.filter((pl.col("program") == "BPNT") & (pl.col("no_kk") == "3201010101150001")).row(0, named=True)
    assert "SANGGAH_TERBUKTI" not in bpnt["alasan"] and "SANGGAH_DIPROSES" in bpnt["alasan"]


def test_an_override_without_author_stops_the_run(three_months, tmp_path):
    from flows.references import InputContractError

    root = with_override(
        three_months, tmp_path, "x.csv", "SANGGAH_DITOLAK,3201014708850002,,,tidak terbukti,2027-01-10,"
    )
    with pytest.raises(InputContractError, match=r"overrides/x.csv baris 1"):
        monthly_run(data_root=str(root), periode="2027-01", replace=True)
    assert (root / "snapshots" / "periode=2027-01" / "_manifest.json").is_file()  # the last good one stays


def test_load_initial_starts_the_register_from_a_dtks_extract(tmp_path):
    from typer.testing import CliRunner

    from flows.cli import app

    root = write_root(tmp_path / "root")
    import shutil

    shutil.rmtree(root / "inbox")
    extract = tmp_path / "dtks.csv"
    extract.write_text(
        "nik,no_kk,nama,tanggal_lahir,jenis_kelamin,hubungan_keluarga,kode_wilayah\n"
        "3201011505800001,3201010101150001,BUDI SANTOSO,15-05-1980,L,KEPALA KELUARGA,3201011001\n"
        "3201014708850002,3201010101150001,SITI AMINAH,07-08-1985,P,ISTRI,3201011001\n"
    )
    result = CliRunner().invoke(
        app, ["load-initial", "--data-root", str(root), "--periode", "2026-10", "--source", str(extract)]
    )
    assert result.exit_code == 0, result.output
    ind = table(root, "2026-10", "individu")
    assert sorted(ind["nik"].to_list()) == ["3201011505800001", "3201014708850002"]
    again = CliRunner().invoke(
        app, ["load-initial", "--data-root", str(root), "--periode", "2026-09", "--source", str(extract)]
    )
    assert again.exit_code == 2 and "must come first" in again.output


def test_status_and_history_across_the_three_months(three_months, tmp_path):
    """``padan status`` lists the three runs and a failed rerun (its message with no NIK);
    ``padan history`` follows Joko out of the register in December and back in January, and the
    proposal made under Rina's NIK for someone else."""
    from flows.references import InputContractError
    from flows.status import history_text, status_rows, status_text

    root = with_override(
        three_months, tmp_path, "x.csv", "SANGGAH_DITOLAK,3201014708850002,,,tidak terbukti,2027-01-10,"
    )  # the rerun fails on it
    with pytest.raises(InputContractError):
        monthly_run(data_root=str(root), periode="2027-01", replace=True)

    rows = status_rows(io_root(root))
    assert [(r["periode"], r["hasil"]) for r in rows] == [
        ("2027-01", "GAGAL"),
        ("2027-01", "terbit"),
        ("2026-12", "terbit"),
        ("2026-11", "terbit"),
    ]
    assert rows[0]["galat"].startswith("InputContractError: ") and "overrides/x.csv" in rows[0]["galat"]
    assert (rows[1]["baris"], rows[1]["diterima"]) == (2, 1)  # Joko back, Dewi refused
    assert (rows[2]["baris"], rows[2]["diterima"]) == (4, 4)
    # one accepted after four: more than PADAN_ALERT_ACCEPTED_FACTOR (2) times fewer
    assert "JUMLAH_DITERIMA_MENYIMPANG" in rows[1]["peringatan"]
    jan = json.loads((root / "snapshots" / "periode=2027-01" / "_manifest.json").read_text())["jumlah_diterima"]
    assert (jan["ini"], jan["sebelumnya"], jan["periode_sebelumnya"], jan["menyimpang"]) == (1, 4, "2026-12", True)
    assert [
        t["tahap"] for t in json.loads((root / "snapshots" / "periode=2027-01" / "_manifest.json").read_text())["tahap"]
    ] == ["baca & validasi berkas", "padan Dukcapil", "register", "status & nominal"]
    text = status_text(root)
    assert text.startswith("Periode terbit terakhir: 2027-01\n")
    assert "3201014708850002" not in text and "WIB" in text

    joko = history_text(root, nik="3201012010700005")
    nov, dec, jan = (
        joko.split("\n2026-11:\n")[1].split("\n2026-12:\n")[0],
        *joko.split("\n2026-12:\n")[1].split("\n2027-01:\n"),
    )
    assert "register: ya, JOKO WIDODO SUSILO" in nov
    assert "register: tidak ada" in dec
    assert "usulan HAPUS dari 32: DITERIMA" in dec and "peristiwa register: KELUAR" in dec
    assert "register: ya, JOKO WIDODO SUSILO" in jan
    assert "usulan BARU dari 32: DITERIMA" in jan and "peristiwa register: MASUK" in jan
    assert "3201012010700005" not in joko and "320101**********" in joko

    rina = history_text(root, nik="3201015111900009").split("\n2027-01:\n")[1]
    assert "register: ya, RINA MARLINA" in rina
    assert "usulan BARU dari 32: DITOLAK (" in rina and "NAMA_TIDAK_SESUAI" in rina
    with pytest.raises(LookupError):
        history_text(root, nik="3201019999999999")


def io_root(path):
    from flows.io import Root

    return Root(path)


def test_a_run_that_fails_midway_leaves_no_work_folder_and_no_nik_in_the_journal(three_months, tmp_path, monkeypatch):
    import shutil

    import flows.monthly
    from flows.references import InputContractError

    root = tmp_path / "root"
    shutil.copytree(three_months, root)

    def broken(*args, **kwargs):  # after the match stage wrote the month's rows to the work folder
        assert any((root / ".padan" / "work" / "periode=2027-02").rglob("*.parquet"))
        raise InputContractError("baris dengan NIK 3201 0120 1070 0005 tidak dapat dibaca")

    monkeypatch.setattr(flows.monthly, "split_register", broken)
    with pytest.raises(InputContractError):
        monthly_run(data_root=str(root), periode="2027-02")
    assert not (root / ".padan" / "work" / "periode=2027-02").exists()
    last = json.loads((root / ".padan" / "runs.jsonl").read_text().splitlines()[-1])
    assert (last["peristiwa"], last["hasil"], last["galat"]) == ("selesai", "gagal", "InputContractError")
    assert last["pesan"] == "baris dengan NIK 3201 0********** tidak dapat dibaca"
    assert json.loads((root / "snapshots" / "_current.json").read_text())["periode"] == "2027-01"
