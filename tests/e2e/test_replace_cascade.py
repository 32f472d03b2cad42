"""Issue 17: replacing a period that later periods were built on is refused unless --cascade, which
runs them again in order on the replaced one. Hand-written rows (``builders``): November registers
Nur Halimah; December corrects Budi's village. November's file is then fixed (Nur Halimah's row was
a mistake) and November replaced: December, built on November's register, must follow."""

from __future__ import annotations

import csv
import io

import builders
import polars as pl
import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.monthly import SnapshotExists, monthly_run

NOV, DES = "2026-11", "2026-12"
BUDI, NUR = "3201011505800001", "3201015012120004"


def individu(root, periode) -> dict[str, str]:
    path = root / "snapshots" / f"periode={periode}" / "individu" / "individu.parquet"
    return dict(pl.read_parquet(path).select("nik", "kode_wilayah").iter_rows())


@pytest.fixture(scope="module")
def two_months(tmp_path_factory):
    root = tmp_path_factory.mktemp("cascade")
    builders.write_root(root, NOV)
    monthly_run(data_root=str(root), periode=NOV)
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\n")
    w.writerow(
        ["jenis_usulan", "nik", "no_kk", "nama", "tanggal_lahir", "jenis_kelamin", "hubungan_keluarga", "kode_wilayah"]
    )
    w.writerow(
        ["PERBAIKAN", BUDI, "3201010101150001", "Budi Santoso", "15-05-1980", "L", "KEPALA KELUARGA", "3201011002"]
    )
    (root / "inbox" / DES / "32").mkdir(parents=True)
    (root / "inbox" / DES / "32" / "perbaikan.csv").write_text(buf.getvalue(), encoding="utf-8")
    monthly_run(data_root=str(root), periode=DES)
    before = individu(root, DES)
    bogor = root / "inbox" / NOV / "32" / "usulan_bogor.csv"
    bogor.write_text("\n".join(line for line in bogor.read_text().splitlines() if NUR not in line) + "\n")
    return root, before


def test_replacing_under_a_later_period_is_refused_naming_it(two_months):
    root, before = two_months
    with pytest.raises(SnapshotExists, match=r"later published periods \(2026-12\).*--replace --cascade"):
        monthly_run(data_root=str(root), periode=NOV, replace=True)
    assert NUR in individu(root, NOV) and individu(root, DES) == before  # nothing replaced
    result = CliRunner().invoke(app, ["run", "--data-root", str(root), "--periode", NOV, "--replace"])
    assert result.exit_code == 3 and "--replace --cascade" in result.stderr


def test_cascade_runs_the_later_periods_again_on_the_replaced_one(two_months):
    root, before = two_months
    assert before[NUR] == "3201011001" and before[BUDI] == "3201011002"
    summary = monthly_run(data_root=str(root), periode=NOV, replace=True, cascade=True)
    assert summary["diulang"] == [DES]
    assert NUR not in individu(root, NOV)
    after = individu(root, DES)
    assert NUR not in after and after[BUDI] == "3201011002"  # December again: on the new November
