"""The monthly flow end to end through Prefect on the hand-written root of tests/builders.py."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import polars as pl
import pytest
from builders import write_root
from typer.testing import CliRunner

import schemas
from flows import publish
from flows.monthly import SnapshotExists, monthly_run

P = "2026-11"


def snapshot_tables(root: Path, periode: str = P) -> dict[str, pl.DataFrame]:
    from published import snapshot_tables as tables

    return tables(root, periode)


def csv_records(path: Path) -> int:
    """Data records of a CSV as a spreadsheet would count them (blank records aside)."""
    raw = path.read_bytes()
    text = raw.decode("utf-8-sig") if raw.startswith(b"\xef\xbb\xbf") else raw.decode("cp1252")
    delim = ";" if text.splitlines()[0].count(";") > text.splitlines()[0].count(",") else ","
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delim))[1:]
    return sum(1 for r in rows if any(c.strip() for c in r))


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    root = write_root(tmp_path_factory.mktemp("root"))
    summary = monthly_run(data_root=str(root), periode=P)
    return root, summary


def test_snapshot_follows_the_contract(published):
    root, summary = published
    tables = snapshot_tables(root)
    for name, model in schemas.OUTPUT_MODELS.items():
        model.validate(tables[name], lazy=True)
    h = tables["hasil_usulan"]
    for col in (
        "sumber_file",
        "sumber_baris",
        "kode_prov",
        "jenis_usulan",
        "hasil",
        "alasan",
        "nik_usulan",
        "nik_padan",
        "status_padan",
        "skor_padan",
        "metode_padan",
    ):
        assert col in h.columns
    manifest = json.loads((root / "snapshots" / f"periode={P}" / "_manifest.json").read_text())
    for key in ("periode", "inputs", "tables", "rule_set", "code_version", "started_at", "ended_at"):
        assert key in manifest
    assert manifest["tables"]["hasil_usulan"]["rows"] == h.height
    # the month's own estimates: u from random pairs of the extract; this month is too small for EM
    est = manifest["matching_model"]["estimates"]
    assert est["random_pairs"] > 0 and est["persons_sampled"] > 1
    assert all(run.get("skipped") for run in est["em_sessions"].values())
    assert all(v == 0 for v in est["m_moved"].values())
    assert est["levels"]["cmp_nama"]["SAMA"]["trained"] == 8.405  # rules/matching.yaml, beside the estimate
    assert all(len(i["sha256"]) == 64 for i in manifest["inputs"]["usulan"])
    assert summary["snapshot"].endswith(f"periode={P}")


def test_one_outcome_per_input_record(published):
    root, _ = published
    h = snapshot_tables(root)["hasil_usulan"]
    for f in (root / "inbox" / P).rglob("*.csv"):
        got = h.filter(pl.col("sumber_file") == f.name)
        assert got.height == csv_records(f), f.name
        assert sorted(got["sumber_baris"].to_list()) == list(range(1, got.height + 1))


def test_outcomes_of_known_rows(published):
    root, _ = published
    h = snapshot_tables(root)["hasil_usulan"]
    row = lambda f, n: h.filter((pl.col("sumber_file") == f) & (pl.col("sumber_baris") == n)).row(0, named=True)  # noqa: E731
    assert row("usulan_bogor.csv", 3)["status_padan"] == "PADAN"  # Achmad vs AHMAD
    assert row("usulan_bogor.csv", 5)["hasil"] == "DITERIMA"  # Djoko vs JOKO
    first = row("USULAN CIANJUR.csv", 1)  # apostrophe NIK, serial date
    assert first["hasil"] == "DITERIMA" and first["nik_usulan"] == "3201010101400008"
    ghost = row("USULAN CIANJUR.csv", 2)  # valid row, NIK unknown to Dukcapil: sent back
    assert ghost["hasil"] == "DITOLAK" and ghost["status_padan"] == "TIDAK_PADAN"
    assert ghost["alasan"] == ["NIK_TIDAK_DITEMUKAN", "NIK_TIDAK_PADAN"]
    assert {"JENIS_USULAN_TIDAK_DIKENAL", "NILAI_FORMULA"} <= set(row("USULAN CIANJUR.csv", 3)["alasan"])
    assert "KODE_WILAYAH_TIDAK_DIKENAL" in row("USULAN CIANJUR.csv", 4)["alasan"]
    hapus = row("USULAN CIANJUR.csv", 5)  # HAPUS of someone never registered: refused, no effect
    assert hapus["hasil"] == "DITOLAK" and hapus["alasan"] == ["TIDAK_ADA_DI_REGISTER"]
    wrong_person = row("USULAN CIANJUR.csv", 6)  # another person's NIK
    assert wrong_person["status_padan"] == "TIDAK_PADAN" and wrong_person["nik_padan"] is None
    assert wrong_person["hasil"] == "DITOLAK" and "NAMA_TIDAK_SESUAI" in wrong_person["alasan"]


def test_quarantined_file_is_reported(published):
    root, summary = published
    assert [(q["file"], q["karantina"]) for q in summary["karantina"]] == [("usulan.xlsx", "FILE_TIDAK_TERBACA")]
    manifest = json.loads((root / "snapshots" / f"periode={P}" / "_manifest.json").read_text())
    assert manifest["karantina"][0]["file"] == "usulan.xlsx"
    assert (root / "receipts" / f"periode={P}" / "91" / "berkas_karantina.csv").is_file()


def test_receipts_per_province_open_in_a_spreadsheet(published):
    root, _ = published
    rec = root / "receipts" / f"periode={P}"
    raw = (rec / "32" / "hasil_usulan.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert {r["kode_prov"] for r in rows} == {"32"}
    assert len(rows) == 11
    for r in rows:
        for v in r.values():
            assert not v.startswith(("=", "+", "-", "@")), v
    assert any(r["keterangan"].startswith("NIK_TIDAK_DITEMUKAN: ") for r in rows)


def test_penerima_statuses(published):
    root, _ = published
    p = snapshot_tables(root)["penerima"]
    st = {(r["program"], r["no_kk"]): r for r in p.filter(pl.col("program") != "PBI-JKN").to_dicts()}
    assert st[("PKH", "3201010101150001")]["status"] == "SK/CALON PENERIMA"
    # feedback about a tranche that was never listed is reported, not absorbed: the household is listed
    assert st[("BPNT", "3201010101150001")]["status"] == "SK/CALON PENERIMA"
    unknown = pl.read_parquet(root / "snapshots" / f"periode={P}" / "umpan_balik_tidak_dikenal")
    assert unknown.select("no_kk", "program", "status", "alasan").rows() == [
        ("3201010101150001", "BPNT", "SUKSES SPM", "TIDAK_PERNAH_DIDAFTAR")
    ]
    assert st[("BPNT", "3201010202160002")]["status"] == "EXCLUDE"  # decile 7 (and GIS)
    assert "ASN_TNI_POLRI" in st[("BPNT", "9101010303170003")]["alasan"]
    assert "MENINGGAL" in st[("BPNT", "3201010404180004")]["alasan"]
    # the unverified proposal is not in the register, so no programme lists it
    assert "3201011505809999" not in snapshot_tables(root)["individu"]["nik"].to_list()
    assert p.filter(pl.col("nik") == "3201011505809999").height == 0
    assert set(snapshot_tables(root)["individu"]["status_padan"]) <= {"PADAN", "PADAN_KOREKSI"}


def test_rerun_with_same_inputs_changes_no_byte(published):
    root, _ = published
    snap = root / "snapshots" / f"periode={P}"
    journal = ".padan/runs.jsonl"  # the run's own record that it ran again: the one file that grows
    before = publish.digest(root, exclude=(journal,))
    runs_before = (root / journal).read_text().splitlines()
    manifest_before = (snap / "_manifest.json").read_bytes()
    summary = monthly_run(data_root=str(root), periode=P)
    assert summary["unchanged"] is True
    assert publish.digest(root, exclude=(journal,)) == before
    assert (snap / "_manifest.json").read_bytes() == manifest_before
    runs = (root / journal).read_text().splitlines()
    assert runs[: len(runs_before)] == runs_before
    added = [json.loads(line) for line in runs[len(runs_before) :]]
    assert [(e["peristiwa"], e.get("hasil")) for e in added] == [("mulai", None), ("selesai", "tidak_berubah")]


def test_crash_mid_publish_leaves_no_partial_period_and_rerun_completes(tmp_path, monkeypatch):
    root = write_root(tmp_path / "root")

    def disk_pulled_out(root, gen):
        raise OSError("disk pulled out")

    monkeypatch.setattr(publish, "_switch", disk_pulled_out)
    with pytest.raises(OSError, match="disk pulled out"):
        monthly_run(data_root=str(root), periode=P)
    for path in (
        f"snapshots/periode={P}",
        f"receipts/periode={P}",
        f"disbursement/periode={P}",
        f"reports/periode={P}.html",
    ):
        assert not (root / path).exists(), path
    monkeypatch.undo()
    summary = monthly_run(data_root=str(root), periode=P)
    assert (root / "snapshots" / f"periode={P}" / "_manifest.json").is_file()
    assert (root / "disbursement" / f"periode={P}" / "BRI_kontrol.csv").is_file()
    assert summary["rows_in"] == 13
    assert not list((root / ".padan" / "staging").glob("*"))
    assert [g.name for g in (root / ".padan" / "generations").iterdir()] == [publish.current_generation(root).name]


def test_changed_input_needs_replace(tmp_path):
    root = write_root(tmp_path / "root")
    monthly_run(data_root=str(root), periode=P)
    f = root / "inbox" / P / "32" / "usulan_bogor.csv"
    lines = f.read_text().splitlines()
    f.write_text("\n".join(lines[:-1]) + "\n")  # one row fewer
    with pytest.raises(SnapshotExists):
        monthly_run(data_root=str(root), periode=P)
    summary = monthly_run(data_root=str(root), periode=P, replace=True)
    assert summary["rows_in"] == 12
    manifest = json.loads((root / "snapshots" / f"periode={P}" / "_manifest.json").read_text())
    assert "replaces" in manifest


def test_next_period_builds_on_the_last_register(published, tmp_path):
    import shutil

    root = tmp_path / "root"
    shutil.copytree(published[0], root)
    nxt = root / "inbox" / "2026-12" / "32"
    nxt.mkdir(parents=True)
    (nxt / "hapus.csv").write_text(
        "jenis_usulan,nik,no_kk,nama,tanggal_lahir,jenis_kelamin,hubungan_keluarga,kode_wilayah,alasan\n"
        "HAPUS,3201012010700005,3201010202160002,JOKO WIDODO SUSILO,20-10-1970,L,KEPALA KELUARGA,3201011002,MAMPU\n"
    )
    summary = monthly_run(data_root=str(root), periode="2026-12")
    assert summary["diterima"] == 1
    # the copy dereferenced the published links; the run took the copied folders over as its first generation
    assert (root / "snapshots").is_symlink() and (root / "snapshots" / f"periode={P}" / "_manifest.json").is_file()
    ind = snapshot_tables(root, "2026-12")["individu"]
    assert "3201012010700005" not in ind["nik"].to_list()
    assert ind.height == snapshot_tables(root)["individu"].height - 1
    kept = ind.filter(pl.col("nik") == "3201011505800001").row(0, named=True)
    assert kept["periode_masuk"] == P


def test_cli_run_prints_the_snapshot_path(tmp_path):
    from flows.cli import app

    root = write_root(tmp_path / "root")
    result = CliRunner().invoke(app, ["run", "--data-root", str(root), "--periode", P])
    assert result.exit_code == 0, result.output
    assert "snapshot:" in result.output and f"periode={P}" in result.output
    bad = CliRunner().invoke(app, ["run", "--data-root", str(root), "--periode", "2026-13"])
    assert bad.exit_code != 0


def test_a_rule_set_valid_only_from_a_later_periode_is_refused_before_any_data_is_read(tmp_path):
    from rules import RuleError

    root = write_root(tmp_path / "root")
    later = tmp_path / "2027.yaml"
    later.write_text(Path("rules/2026.yaml").read_text().replace('valid_from: "2026-01"', 'valid_from: "2027-01"'))
    with pytest.raises(RuleError, match=f"valid_from: rule set 2026.1 is valid from 2027-01, after periode {P}"):
        monthly_run(data_root=str(root), periode=P, rules_path=str(later))
    assert not (root / ".padan").exists() and not (root / "snapshots").exists()


def test_empty_inbox_publishes_an_empty_but_valid_snapshot(tmp_path):
    import shutil

    root = write_root(tmp_path / "root")
    shutil.rmtree(root / "inbox")
    summary = monthly_run(data_root=str(root), periode=P)
    assert summary["rows_in"] == 0 and summary["individu"] == 0
    tables = snapshot_tables(root)
    for name, model in schemas.OUTPUT_MODELS.items():
        model.validate(tables[name], lazy=True)


def test_reference_files_with_careless_types_are_conformed(tmp_path):
    """A second Dukcapil part written with integer NIKs, datetime birth dates and an all-null TGL_MATI."""
    root = write_root(tmp_path / "root")
    dk = root / "reference" / "dukcapil"
    df = pl.read_parquet(dk / "dukcapil.parquet")
    df.head(4).write_parquet(dk / "dukcapil.parquet")
    df.tail(5).with_columns(
        pl.col("NIK").cast(pl.Int64), pl.col("TGL_LHR").cast(pl.Datetime), TGL_MATI=pl.lit(None)
    ).write_parquet(dk / "part-2.parquet")
    summary = monthly_run(data_root=str(root), periode=P)
    assert summary["padan"] == 10


def test_dirty_corpus_through_the_flow(tmp_path):
    """Every corpus file: one outcome per data record or a named quarantine; nothing stops the run."""
    import shutil

    corpus = Path(__file__).parents[1] / "data" / "dirty"
    expected = json.loads((corpus / "expected.json").read_text())
    root = write_root(tmp_path / "root")
    shutil.rmtree(root / "inbox" / P)
    inbox = root / "inbox" / P / "32"
    inbox.mkdir(parents=True)
    for name in expected:
        shutil.copy(corpus / name, inbox / name)
    summary = monthly_run(data_root=str(root), periode=P)
    h = snapshot_tables(root)["hasil_usulan"]
    quarantined = {q["file"]: q["karantina"] for q in summary["karantina"]}
    for name, exp in expected.items():
        assert h.filter(pl.col("sumber_file") == name).height == exp["rows"], name
        assert quarantined.get(name) == exp["quarantine"], name
    assert h.filter(pl.col("hasil") == "DITOLAK")["alasan"].list.len().min() >= 1
    receipt = (root / "receipts" / f"periode={P}" / "32" / "hasil_usulan.csv").read_bytes().decode("utf-8-sig")
    cells = [c.strip('"') for line in receipt.splitlines() for c in line.split(";")]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@"))]
    assert "'=HYPERLINK" in receipt


def test_explain_answers_for_every_nik_and_no_kk_and_masks_others(published):
    from flows.explain import explain

    root, _ = published
    t = snapshot_tables(root)
    for nik in t["individu"]["nik"].to_list():
        text = explain(root, P, nik=nik)
        assert nik in text and "Status per program:" in text
        others = [n for n in t["individu"]["nik"].to_list() if n != nik]
        assert not [o for o in others if o in text]
    born = dict(t["individu"].select("nik", "tanggal_lahir").iter_rows())
    for nik in t["individu"]["nik"].to_list():  # issue 17: nothing shown rebuilds another member's NIK
        text = explain(root, P, nik=nik)
        others = [n for n in born if n != nik and born[n] != born[nik]]
        assert not [o for o in others if str(born[o]) in text]  # their birth dates: the year only
        assert not [o for o in others if o[:6] + "*" * 8 + o[-2:] in text]  # no digit of the serial
    for kk in t["penerima"]["no_kk"].unique().to_list():
        text = explain(root, P, no_kk=kk)
        assert "Status per program:" in text and kk not in text
        assert not [n for n in born if str(born[n]) in text]
    text = explain(root, P, no_kk="3201010101150001")
    assert "LAYAK" in text and "aturan 2026.1" in text
    assert "usulan_bogor.csv baris 1" in text


def test_a_changed_input_with_the_same_result_is_still_detected(tmp_path):
    root = write_root(tmp_path / "root")
    monthly_run(data_root=str(root), periode=P)
    gis = root / "reference" / "gis" / "gis.csv"
    gis.write_text(gis.read_text() + "\n")  # new bytes, same rows
    with pytest.raises(SnapshotExists, match="input files"):
        monthly_run(data_root=str(root), periode=P)


def test_hostile_inbox_through_the_flow(tmp_path):
    """Two regencies' files both named usulan.csv, a NUL in one row, a link out of the root, a hidden
    folder, an upload in progress and an Office lock file: every entry has an outcome, every row its key."""
    root = write_root(tmp_path / "root")
    prov = root / "inbox" / P / "32"
    lines = (prov / "usulan_bogor.csv").read_text().splitlines()
    (prov / "usulan_bogor.csv").write_text("\n".join(lines[:4]) + "\n")  # rows 1-3 stay here
    for kab, row in (("kab01", lines[4]), ("kab02", lines[5].replace("Djoko", "Dj\x00oko"))):
        (prov / kab).mkdir()
        (prov / kab / "usulan.csv").write_text(f"{lines[0]}\n{row}\n")
    (prov / ".sembunyi").mkdir()
    (prov / ".sembunyi" / "usulan.csv").write_text("\n".join(lines) + "\n")
    (prov / "upload.csv.part").write_text("\n".join(lines) + "\n")
    (prov / "~$usulan.xlsx").write_bytes(b"\x0bkunci")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "rahasia.csv").write_text("\n".join(lines) + "\n")
    os.symlink(tmp_path / "outside" / "rahasia.csv", prov / "tautan.csv")

    summary = monthly_run(data_root=str(root), periode=P)
    h = snapshot_tables(root)["hasil_usulan"]
    assert summary["rows_in"] == 13
    assert sorted(h["sumber_file"].unique().to_list()) == [
        "USULAN CIANJUR.csv",
        "kab01/usulan.csv",
        "kab02/usulan.csv",
        "usulan_bogor.csv",
        "usulan_jayapura.csv",
    ]
    kab = {r["sumber_file"]: r for r in h.filter(pl.col("sumber_file").str.starts_with("kab")).to_dicts()}
    assert (kab["kab01/usulan.csv"]["sumber_baris"], kab["kab01/usulan.csv"]["hasil"]) == (1, "DITERIMA")
    assert (kab["kab02/usulan.csv"]["sumber_baris"], kab["kab02/usulan.csv"]["hasil"]) == (1, "DITOLAK")
    assert "KARAKTER_TIDAK_SAH" in kab["kab02/usulan.csv"]["alasan"]
    assert "KARAKTER_TIDAK_SAH" not in kab["kab01/usulan.csv"]["alasan"]

    raw = (root / "receipts" / f"periode={P}" / "32" / "hasil_usulan.csv").read_bytes().decode("utf-8-sig")
    receipt = {r["sumber_file"]: r for r in csv.DictReader(io.StringIO(raw, newline=""), delimiter=";")}
    assert receipt["kab02/usulan.csv"]["keterangan"].startswith("KARAKTER_TIDAK_SAH: ")
    assert "KARAKTER_TIDAK_SAH" not in receipt["kab01/usulan.csv"]["keterangan"]
    assert receipt["kab01/usulan.csv"]["hasil"] == "DITERIMA"

    assert [(g["kode_prov"], g["file"], g["alasan"]) for g in summary["diabaikan"]] == [
        ("32", ".sembunyi/", "FILE_TERSEMBUNYI"),
        ("32", "tautan.csv", "FILE_TAUTAN_LUAR_ROOT"),
        ("32", "upload.csv.part", "FILE_BELUM_LENGKAP"),
        ("32", "~$usulan.xlsx", "FILE_KUNCI_OFFICE"),
    ]
    manifest = json.loads((root / "snapshots" / f"periode={P}" / "_manifest.json").read_text())
    not_read = {i["path"]: i for i in manifest["inputs"]["usulan"] if "diabaikan" in i}
    assert not_read[f"inbox/{P}/32/tautan.csv"] == {
        "kode_prov": "32",
        "path": f"inbox/{P}/32/tautan.csv",
        "sha256": None,
        "rows": 0,
        "diabaikan": "FILE_TAUTAN_LUAR_ROOT",
    }
    assert sorted(not_read) == sorted(f"inbox/{P}/32/{g['file']}" for g in summary["diabaikan"])
    assert manifest["diabaikan"] == summary["diabaikan"]
    read = {i["path"]: i for i in manifest["inputs"]["usulan"] if "diabaikan" not in i and "karantina" not in i}
    assert len(read[f"inbox/{P}/32/kab01/usulan.csv"]["sha256"]) == 64
    # the province learns of the files it left unread, in its receipt folder
    raw = (root / "receipts" / f"periode={P}" / "32" / "berkas_diabaikan.csv").read_bytes().decode("utf-8-sig")
    unread = [(r["file"], r["alasan"]) for r in csv.DictReader(io.StringIO(raw, newline=""), delimiter=";")]
    assert unread == [
        (".sembunyi/", "FILE_TERSEMBUNYI"),
        ("tautan.csv", "FILE_TAUTAN_LUAR_ROOT"),
        ("upload.csv.part", "FILE_BELUM_LENGKAP"),
        ("~$usulan.xlsx", "FILE_KUNCI_OFFICE"),
    ]
    assert not (root / "receipts" / f"periode={P}" / "91" / "berkas_diabaikan.csv").exists()


def test_explain_from_the_command_line_takes_ids_as_typed_and_the_latest_period(published):
    """Issue 17: a NIK pasted from Excel or typed in groups, the latest period by default, and a
    NIK not found answered on stderr with its own exit code."""
    from typer.testing import CliRunner

    from flows.cli import app
    from flows.cli_options import EXIT_NOT_FOUND

    root, _ = published
    runner = CliRunner()
    for typed in ("'3201011505800001", "3201 0115 0580 0001", "3201.0115.0580.0001"):
        result = runner.invoke(app, ["explain", "--data-root", str(root), "--nik", typed])
        assert result.exit_code == 0, result.output
        assert "Yang ditanyakan: NIK 320101**********" in result.stdout and "BUDI SANTOSO" in result.stdout
    lost = runner.invoke(app, ["explain", "--data-root", str(root), "--nik", "3201011505809998"])
    assert lost.exit_code == EXIT_NOT_FOUND and lost.stdout == ""
    assert lost.stderr.strip() == "padan: NIK / No KK tidak ditemukan di snapshot ini"
    bad = runner.invoke(app, ["explain", "--data-root", str(root), "--nik", "3201-0115"])
    assert bad.exit_code == 2 and "is not 16 digits" in bad.stderr
    version = runner.invoke(app, ["--version"])
    assert version.exit_code == 0 and version.stdout.strip() == "padan 0.1.0"
