"""Reference, feedback and override inputs under their contracts, through the real flow and the CLI.

A file that does not fit stops the run before any matching, naming the file and the column; a row
with a bad value costs only itself and is reported; duplicates in the extract never count twice.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
from builders import write_root
from typer.testing import CliRunner

from flows.cli import app
from flows.monthly import monthly_run
from flows.references import InputContractError

P = "2026-11"


def dukcapil(root: Path) -> Path:
    return root / "reference" / "dukcapil" / "dukcapil.parquet"


def nothing_was_done(root: Path) -> bool:
    return not (root / "snapshots").exists() and not (root / ".padan" / "work").exists()


@pytest.mark.parametrize(
    "change, column",
    [(lambda df: df.drop("TGL_MATI"), "TGL_MATI"), (lambda df: df.rename({"JENIS_PKRJN": "PEKERJAAN"}), "JENIS_PKRJN")],
)
def test_an_extract_missing_a_contract_column_is_refused_before_any_matching(tmp_path, change, column):
    root = write_root(tmp_path / "root")
    change(pl.read_parquet(dukcapil(root))).write_parquet(dukcapil(root))
    with pytest.raises(InputContractError, match=rf"reference/dukcapil/dukcapil.parquet: .*lacks column\(s\) {column}"):
        monthly_run(data_root=str(root), periode=P)
    assert not (root / "snapshots").exists()
    result = CliRunner().invoke(app, ["run", "--data-root", str(root), "--periode", P])
    assert result.exit_code == 2
    assert column in result.stderr and "dukcapil.parquet" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.output
    assert nothing_was_done(root)


def test_an_extract_with_float_niks_is_refused(tmp_path):
    root = write_root(tmp_path / "root")
    pl.read_parquet(dukcapil(root)).with_columns(pl.col("NIK").cast(pl.Float64)).write_parquet(dukcapil(root))
    result = CliRunner().invoke(app, ["run", "--data-root", str(root), "--periode", P])
    assert result.exit_code == 2 and "column NIK is Float64" in result.stderr


def test_a_feedback_file_without_a_required_column_is_refused(tmp_path):
    root = write_root(tmp_path / "root")
    (root / "feedback" / P / "burekol" / "burekol.csv").write_text(
        "no_kk,nik_pengurus,bank,status,no_rekening\n3201010101150001,3201014708850002,BRI,AKTIF,001\n"
    )
    result = CliRunner().invoke(app, ["run", "--data-root", str(root), "--periode", P])
    assert result.exit_code == 2
    assert "feedback/2026-11/burekol/burekol.csv" in result.stderr and "status_rekening" in result.stderr
    assert nothing_was_done(root)


def test_an_sdm_kesos_file_with_a_renamed_column_does_not_lift_the_exclusion_silently(tmp_path):
    root = write_root(tmp_path / "root")
    (root / "reference" / "sdm_kesos" / "sdm.csv").write_text(
        "NIK_PETUGAS,nama,jenis_sdm,kode_wilayah,aktif\n3201015111900009,RINA MARLINA,TKSK,3201011001,Y\n"
    )
    with pytest.raises(InputContractError, match=r"reference/sdm_kesos/sdm.csv: .*lacks column\(s\) nik"):
        monthly_run(data_root=str(root), periode=P)


def test_a_bad_value_costs_its_row_and_is_reported_without_the_value(tmp_path):
    root = write_root(tmp_path / "root")
    (root / "feedback" / P / "salur" / "salur.csv").write_text(
        "periode,program,no_kk,nik,status,nominal\n"
        f"{P},BPNT,3201010101150001,3201014708850002,SUKSES SPM,600000\n"
        f"{P},BPNT,3201010202160002,3201012010700005,TERBAYAR,600000\n"
    )
    monthly_run(data_root=str(root), periode=P)
    manifest = json.loads((root / "snapshots" / f"periode={P}" / "_manifest.json").read_text())
    bad = [w for w in manifest["peringatan_input"] if w["path"].endswith("salur.csv")]
    assert [(w["column"], w["rows"], w["baris"]) for w in bad] == [("status", 1, [2])]
    assert "TERBAYAR" not in json.dumps(bad) and "3201012010700005" not in json.dumps(manifest["peringatan_input"])


def test_niks_repeated_across_two_extract_files_never_count_twice(tmp_path):
    root = write_root(tmp_path / "root")
    monthly_run(data_root=str(root), periode=P)
    once = pl.read_parquet(root / "snapshots" / f"periode={P}" / "penerima", hive_partitioning=False)

    twice = write_root(tmp_path / "twice")
    df = pl.read_parquet(dukcapil(twice))
    df.write_parquet(twice / "reference" / "dukcapil" / "dukcapil-2.parquet")  # every person again
    monthly_run(data_root=str(twice), periode=P)
    again = pl.read_parquet(twice / "snapshots" / f"periode={P}" / "penerima", hive_partitioning=False)
    assert again.equals(once)
    pkh = again.filter((pl.col("program") == "PKH") & (pl.col("no_kk") == "3201010101150001")).row(0, named=True)
    assert pkh["komponen_pkh"] == 2 and pkh["nominal"] == (900_000 + 1_500_000) // 4  # SD + SMP, one quarter
    manifest = json.loads((twice / "snapshots" / f"periode={P}" / "_manifest.json").read_text())
    assert (
        manifest["dukcapil_nik_ganda"]["register"]
        == pl.read_parquet(twice / "snapshots" / f"periode={P}" / "individu")["nik"].len()
    )


def test_a_duplicate_with_a_death_date_wins_deterministically(tmp_path):
    root = write_root(tmp_path / "root")
    df = pl.read_parquet(dukcapil(root))
    died = df.filter(pl.col("NIK") == "3201012010700005").with_columns(TGL_MATI=pl.date(2026, 6, 1))
    died.write_parquet(root / "reference" / "dukcapil" / "a-first.parquet")  # sorts before dukcapil.parquet
    monthly_run(data_root=str(root), periode=P)
    p = pl.read_parquet(root / "snapshots" / f"periode={P}" / "penerima", hive_partitioning=False)
    joko = p.filter((pl.col("program") == "BPNT") & (pl.col("no_kk") == "3201010202160002")).row(0, named=True)
    assert "MENINGGAL" in joko["alasan"]
