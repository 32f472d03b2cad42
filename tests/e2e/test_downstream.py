"""What each consumer gets: analysts (pseudonymised zone + catalog), banks (lists + control totals),
provinces (their own receipts), engineers (the HTML report)."""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest
from builders import write_root

from flows.catalog import write_catalog
from flows.generate import generate_data_root
from flows.monthly import monthly_run

DOCS = Path(__file__).parents[2] / "docs" / "analyst_questions.md"


@pytest.fixture(scope="module")
def two_periods(tmp_path_factory, monkeypatch_module):
    monkeypatch_module.setenv("PADAN_PSEUDONYM_KEY", "test-secret-of-the-downstream-tests")
    base = tmp_path_factory.mktemp("down")
    root = base / "root"
    generate_data_root(root, persons=8_000, usulan=1_500, periode="2026-10", seed=3, truth_dir=base / "t1")
    monthly_run(data_root=str(root), periode="2026-10")
    nxt = base / "next"
    generate_data_root(nxt, persons=8_000, usulan=1_500, periode="2026-11", seed=3, truth_dir=base / "t2")
    shutil.copytree(nxt / "inbox" / "2026-11", root / "inbox" / "2026-11")
    shutil.copytree(nxt / "feedback" / "2026-11", root / "feedback" / "2026-11")
    monthly_run(data_root=str(root), periode="2026-11")
    write_catalog(root)
    return root


@pytest.fixture(scope="module")
def monkeypatch_module():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


def test_documented_questions_run_across_two_periods(two_periods):
    blocks = re.findall(r"```sql\n(.*?)```", DOCS.read_text(), flags=re.S)
    assert len(blocks) >= 10
    con = duckdb.connect(str(two_periods / "padan.duckdb"), read_only=True)
    for sql in blocks:
        con.sql(sql).fetchall()
    periods = con.sql("SELECT DISTINCT periode FROM penerima ORDER BY 1").fetchall()
    assert periods == [("2026-10",), ("2026-11",)]
    assert con.execute("SELECT count(*) FROM perubahan_bulanan WHERE periode = '2026-11'").fetchall()[0][0] > 0


def test_no_personal_data_in_the_analysts_zone(two_periods):
    root = two_periods
    secrets: set[str] = set()
    for p in ("2026-10", "2026-11"):
        snap = root / "snapshots" / f"periode={p}"
        ind = pl.read_parquet(snap / "individu")
        hasil = pl.read_parquet(snap / "hasil_usulan")
        secrets |= set(ind["nik"]) | set(ind["no_kk"]) | set(ind["nama"])
        secrets |= set(hasil["nik_usulan"].drop_nulls()) | set(hasil["nama_usulan"].drop_nulls())
    dk = pl.read_parquet(root / "reference" / "dukcapil")
    secrets |= set(dk["NAMA_LGKP_IBU"].drop_nulls()) | set(dk["ALAMAT"].drop_nulls())
    # identifiers, and names/addresses of two words or more (a one-word name such as CUCU is also a word of
    # the vocabulary, e.g. hubungan_keluarga, and would be a false alarm)
    secrets = {s for s in secrets if s and (s.isdigit() and len(s) == 16 or len(s.split()) >= 2)}
    files = list((root / "analytics").rglob("*.parquet"))
    assert files
    for f in files:
        df = pl.read_parquet(f)
        for col in df.columns:
            if df[col].dtype.is_nested():  # lists and structs: every leaf, as text
                text = " | ".join(str(v) for v in df[col].to_list())
                leaked = {s for s in secrets if s in text}
            else:
                leaked = set(df[col].cast(pl.String, strict=False).drop_nulls().to_list()) & secrets
            assert not leaked, (f, col, list(leaked)[:3])
    for table in ("individu", "penerima"):
        cols = pl.read_parquet(next((root / "analytics" / table).rglob("*.parquet"))).columns
        assert not {"nama", "alamat", "nama_ibu_kandung", "tanggal_lahir"} & set(cols)


def test_keyed_hash_is_stable_across_periods_and_needs_the_secret(two_periods):
    import hashlib

    root = two_periods
    con = duckdb.connect(str(root / "padan.duckdb"), read_only=True)
    both = con.sql(
        "SELECT count(*) FROM (SELECT nik FROM individu WHERE periode = '2026-10' INTERSECT "
        "SELECT nik FROM individu WHERE periode = '2026-11')"
    ).fetchall()[0][0]
    assert both > 0  # the same people, the same hash
    nik = pl.read_parquet(root / "snapshots" / "periode=2026-10" / "individu")["nik"][0]
    hashed = set(pl.read_parquet(root / "analytics" / "individu" / "periode=2026-10")["nik"])
    assert hashlib.sha256(nik.encode()).hexdigest()[:32] not in hashed  # not a plain hash anyone can redo
    from transforms.analytics import keyed_hash

    assert keyed_hash(pl.Series([nik]), b"test-secret-of-the-downstream-tests")[0] in hashed
    assert keyed_hash(pl.Series([nik]), b"another-secret")[0] not in hashed


def test_bank_lists_reconcile_with_penerima_and_pay_each_tranche_once(two_periods):
    import hashlib

    root = two_periods
    listed_before: set[tuple] = set()
    for p in ("2026-10", "2026-11"):  # one quarter: tahap 2026-T4 for both
        snap = root / "snapshots" / f"periode={p}"
        pen = pl.read_parquet(snap / "penerima", hive_partitioning=False)
        folder = root / "disbursement" / f"periode={p}"
        lists = pl.concat([pl.read_parquet(folder / f"{b}.parquet") for b in ("BRI", "BNI", "BTN", "MANDIRI", "POS")])
        assert set(lists["tahap"]) <= {"2026-T4"}
        units = lists.join(pen, on=["program", "no_kk"], how="left", suffix="_pen")
        assert units["status"].is_in(["SK/CALON PENERIMA", "GAGAL OMSPAN", "SI"]).all()
        assert (units["nominal"] == units["nominal_pen"]).all() and (
            units["nik_pengurus"] == units["nik_pengurus_pen"]
        ).all()
        now = set(lists.select("program", "no_kk", "tahap").iter_rows())
        assert not now & listed_before  # no feedback said it failed: never listed twice
        listed_before |= now
        rec = pl.read_parquet(snap / "rekonsiliasi")
        for r in rec.iter_rows(named=True):
            entitled = pen.filter((pl.col("program") == r["program"]) & (pl.col("nominal") > 0))
            assert r["unit_berhak"] == entitled.height and r["nominal_berhak"] == entitled["nominal"].sum()
            assert r["unit_didaftar"] == lists.filter(pl.col("program") == r["program"]).height
        for bank in ("BRI", "BNI", "BTN", "MANDIRI", "POS"):
            text = (folder / f"{bank}_kontrol.csv").read_text("utf-8-sig")
            control = list(csv.DictReader(io.StringIO(text), delimiter=";"))
            rows = list(csv.DictReader(io.StringIO((folder / f"{bank}.csv").read_text("utf-8-sig")), delimiter=";"))
            assert sum(int(c["jumlah_baris"]) for c in control) == len(rows)
            for c in control:
                mine = [r for r in rows if (r["program"], r["tahap"]) == (c["program"], c["tahap"])]
                assert int(c["jumlah_baris"]) == len(mine)
                assert int(c["total_nominal"]) == sum(int(r["nominal"]) for r in mine)
                assert c["sha256"] == hashlib.sha256((folder / f"{bank}.csv").read_bytes()).hexdigest()
            assert all(r["bank"] == bank for r in rows)
            assert (folder / f"{bank}_stop.csv").is_file()


def test_each_province_folder_holds_only_its_own_rows(two_periods):
    receipts = two_periods / "receipts" / "periode=2026-11"
    folders = [d for d in receipts.iterdir() if d.is_dir()]
    assert len(folders) > 1
    for d in folders:
        assert set(pl.read_parquet(d / "hasil_usulan.parquet")["kode_prov"]) == {d.name}


def test_report_is_self_contained_html_with_charts(two_periods):
    html = (two_periods / "reports" / "periode=2026-11.html").read_text()
    assert html.startswith("<!DOCTYPE html>") and html.count("<svg") >= 5
    assert not re.search(r"<script|https?://|<link", html)
    from html.parser import HTMLParser

    HTMLParser().feed(html)
    assert "Perubahan dari periode lalu" in html


def test_without_the_secret_no_analytics_zone_and_the_manifest_says_why(tmp_path, monkeypatch):
    import json

    monkeypatch.delenv("PADAN_PSEUDONYM_KEY", raising=False)
    root = write_root(tmp_path / "root")
    monthly_run(data_root=str(root), periode="2026-11")
    assert not list((root / "analytics").rglob("*.parquet"))
    manifest = json.loads((root / "snapshots" / "periode=2026-11" / "_manifest.json").read_text())
    assert "PADAN_PSEUDONYM_KEY" in manifest["analytics"]


def test_a_new_pseudonym_key_is_announced_as_breaking_the_joins_across_periods(tmp_path, monkeypatch):
    import json

    root = write_root(tmp_path / "root")
    monkeypatch.setenv("PADAN_PSEUDONYM_KEY", "kunci-november-0123456789")
    monthly_run(data_root=str(root), periode="2026-11")
    (root / "inbox" / "2026-12").mkdir(parents=True)
    monkeypatch.setenv("PADAN_PSEUDONYM_KEY", "kunci-desember-9876543210")
    summary = monthly_run(data_root=str(root), periode="2026-12")
    assert [w for w in summary["peringatan"] if w.startswith("KUNCI_PSEUDONIM_BERUBAH")]
    before, after = (
        json.loads((root / "snapshots" / f"periode={p}" / "_manifest.json").read_text())["analytics_key"]
        for p in ("2026-11", "2026-12")
    )
    assert before != after and "kunci" not in before + after  # a fingerprint, never the key
