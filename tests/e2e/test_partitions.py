"""The register and the rules are worked in per-province partitions: how the partitions are grouped
into tasks never changes a byte of the snapshot, also in a second month where people move between
provinces and the previous register is split too."""

from __future__ import annotations

import csv
import shutil

import polars as pl
import pytest
from builders import HEADER
from published import period_outputs

from flows.generate import generate_data_root
from flows.monthly import monthly_run
from transforms.wilayah import villages

P1, P2 = "2026-11", "2026-12"


def _second_month_batch(root, out_prov: str) -> dict[str, str]:
    """December rows from province ``out_prov`` about people registered in November elsewhere:
    corrections that move them into ``out_prov`` (PINDAH), removals, and the same person sent twice
    by two provinces with different contents (held as USULAN_BERTENTANGAN)."""
    reg = pl.read_parquet(root / "snapshots" / f"periode={P1}" / "individu" / "individu.parquet")
    others = reg.filter(pl.col("kode_prov") != out_prov, pl.col("status_padan") != "TIDAK_PADAN").sort("nik")
    movers, removed, contested = others[0:6], others[6:9], others[9:11]
    desa = villages().filter(pl.col("kode_prov") == out_prov).sort("kode_wilayah")["kode_wilayah"][0]

    def line(jenis, p, kode_wilayah, alasan=""):
        return [
            jenis,
            p["nik"],
            p["no_kk"],
            p["nama"],
            "",
            p["tanggal_lahir"].strftime("%d-%m-%Y"),
            "L" if p["jenis_kelamin"] in ("L", "LAKI-LAKI") else "P",
            p["hubungan_keluarga"] or "",
            "",
            "",
            kode_wilayah,
            "",
            "",
            "",
            alasan,
        ]

    batches: dict[str, list[list[str]]] = {out_prov: [line("PERBAIKAN", p, desa) for p in movers.iter_rows(named=True)]}
    for p in removed.iter_rows(named=True):  # a province removes only its own people
        batches.setdefault(p["kode_prov"], []).append(line("HAPUS", p, p["kode_wilayah"], alasan="PINDAH_LUAR_NEGERI"))
    for p in contested.iter_rows(named=True):  # moved by out_prov, confirmed in place by their own province
        batches[out_prov].append(line("PERBAIKAN", p, desa))
        batches.setdefault(p["kode_prov"], []).append(line("PERBAIKAN", p, p["kode_wilayah"]))
    for folder, batch in batches.items():
        d = root / "inbox" / P2 / folder
        d.mkdir(parents=True, exist_ok=True)
        with open(d / "desember.csv", "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(HEADER)
            w.writerows(batch)
    return {
        "movers": movers["nik"].to_list(),
        "removed": removed["nik"].to_list(),
        "contested": contested["nik"].to_list(),
        "desa": desa,
    }


@pytest.fixture(scope="module")
def two_ways(tmp_path_factory):
    base = tmp_path_factory.mktemp("partitions")
    one = base / "one-task"
    generate_data_root(one, persons=4_000, usulan=1_000, periode=P1, seed=31, truth_dir=base / "truth")
    monthly_run(data_root=str(one), periode=P1)
    case = _second_month_batch(one, out_prov="73")
    per_prov = base / "per-province"
    shutil.copytree(one, per_prov)
    shutil.rmtree(per_prov / "snapshots" / f"periode={P1}")
    monthly_run(data_root=str(one), periode=P2)
    mp = pytest.MonkeyPatch()
    mp.setenv("PADAN_PARTITION_ROWS", "100")  # ~10 tasks per stage instead of one
    try:
        monthly_run(data_root=str(per_prov), periode=P1)
        monthly_run(data_root=str(per_prov), periode=P2)
    finally:
        mp.undo()
    return one, per_prov, case


def test_grouping_of_partitions_never_changes_the_snapshot(two_ways):
    one, per_prov, _ = two_ways
    for periode in (P1, P2):
        a, b = period_outputs(one, periode), period_outputs(per_prov, periode)
        assert a == b, periode
        assert any(k.startswith("receipts/") for k in a) and any(k.startswith("disbursement/") for k in a)


def test_people_moving_between_provinces_stay_one_person(two_ways):
    _, root, case = two_ways
    snap = root / "snapshots" / f"periode={P2}"
    reg = pl.read_parquet(snap / "individu" / "individu.parquet")
    assert reg["nik"].is_unique().all()
    moved = reg.filter(pl.col("nik").is_in(case["movers"]))
    assert moved.height == len(case["movers"])
    assert moved["kode_prov"].unique().to_list() == ["73"]
    assert set(moved["kode_wilayah"]) == {case["desa"]}
    assert reg.filter(pl.col("nik").is_in(case["removed"])).height == 0
    hasil = pl.read_parquet(snap / "hasil_usulan" / "hasil_usulan.parquet").filter(pl.col("kode_prov").is_not_null())
    contested = hasil.filter(pl.col("nik_usulan").is_in(case["contested"]))
    assert contested.height == 2 * len(case["contested"])
    assert contested["alasan"].list.contains("USULAN_BERTENTANGAN").all()
    assert (contested["hasil"] == "DITOLAK").all()
    before = pl.read_parquet(root / "snapshots" / f"periode={P1}" / "individu" / "individu.parquet")
    assert (
        reg.filter(pl.col("nik").is_in(case["contested"]))
        .sort("nik")
        .select("kode_wilayah")
        .equals(before.filter(pl.col("nik").is_in(case["contested"])).sort("nik").select("kode_wilayah"))
    )
    riwayat = pl.read_parquet(snap / "riwayat" / "riwayat.parquet").filter(pl.col("periode") == P2)
    assert sorted(riwayat.filter(pl.col("peristiwa") == "KELUAR")["nik"]) == sorted(case["removed"])
    assert set(riwayat.filter(pl.col("peristiwa") == "UBAH")["nik"]) == set(case["movers"])
