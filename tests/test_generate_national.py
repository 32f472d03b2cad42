"""The chunked generator for national-size roots (issue 18): disjoint province groups, one chunk at
a time, and a root whose identifiers still never collide, whose truth still names real people,
and whose bytes the same arguments give again."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import polars as pl
import pytest

from flows.generate import generate_data_root
from synthetic.regions import province_chunks
from transforms import wilayah

P = "2026-11"


def tree(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def chunked(tmp_path_factory):
    base = tmp_path_factory.mktemp("national")
    summary = generate_data_root(
        base / "root", persons=6000, usulan=600, periode=P, seed=11, truth_dir=base / "truth", chunk_persons=1500
    )
    return base, summary


def test_province_chunks_cover_every_province_once_in_balanced_groups():
    all_provinces = sorted(wilayah.villages()["kode_prov"].unique().to_list())
    groups = province_chunks(4)
    assert len(groups) == 4
    assert sorted(p for g in groups for p in g) == all_provinces  # each exactly once
    villages = wilayah.villages().group_by("kode_prov").len()
    sizes = [villages.filter(pl.col("kode_prov").is_in(g))["len"].sum() for g in groups]
    assert max(sizes) / min(sizes) < 1.3
    many = province_chunks(100)  # never more chunks than provinces
    assert len(many) == len(all_provinces) and all(len(g) == 1 for g in many)


def test_chunks_register_in_their_own_provinces_and_identifiers_never_collide(chunked):
    base, summary = chunked
    root = base / "root"
    parts = sorted((root / "reference" / "dukcapil").glob("dukcapil-c*-000.parquet"))
    assert [p.name for p in parts] == [f"dukcapil-c{c:02d}-000.parquet" for c in range(4)]
    frames = [pl.read_parquet(p) for p in parts]
    dk = pl.concat(frames)
    assert dk.height == 6000 == summary["counts"]["dukcapil"]
    assert dk["NIK"].is_unique().all()
    heads = dk.filter(pl.col("STAT_HBKEL") == "KEPALA KELUARGA")
    assert heads["NO_KK"].is_unique().all() and heads.height == dk["NO_KK"].n_unique()
    assert not dk["NO_KK"].is_in(dk["NIK"].implode()).any()
    meta = json.loads((base / "truth" / "truth.json").read_text())
    for frame, chunk in zip(frames, meta["params"]["chunks"], strict=True):
        allowed = set(chunk["provinces"])
        assert set(frame["NO_PROP"]) <= allowed  # where they live
        assert set(frame["NIK"].str.slice(0, 2)) <= allowed  # where their NIK was issued
        assert set(frame["NO_KK"].str.slice(0, 2)) <= allowed
    assert [c["persons"] for c in meta["params"]["chunks"]] == [1500, 1500, 1500, 1500]
    assert [c["usulan"] for c in meta["params"]["chunks"]] == [150, 150, 150, 150]


def test_the_truth_names_real_people_once_per_row_and_the_references_are_whole(chunked):
    base, summary = chunked
    root = base / "root"
    dk = pl.read_parquet(root / "reference" / "dukcapil")
    truth = pl.read_parquet(base / "truth" / "truth.parquet")
    assert truth.height == 600
    assert truth.select("sumber_file", "sumber_baris").is_unique().all()
    assert truth["true_nik"].drop_nulls().is_in(dk["NIK"].implode()).all()
    assert truth["lookalike_nik"].drop_nulls().is_in(dk["NIK"].implode()).all()
    files = sorted(p.relative_to(root).as_posix() for p in (root / "inbox" / P).rglob("*.csv"))
    assert files == sorted(summary["paths"]["usulan"])
    assert len({Path(f).name for f in files}) == len(files)  # no file name twice across chunks
    dtsen = pl.read_parquet(root / "reference" / "dtsen" / "dtsen.parquet")
    assert dtsen.height == summary["counts"]["dtsen"] and dtsen["no_kk"].is_in(dk["NO_KK"].implode()).all()
    gis = pl.read_csv(root / "reference" / "gis" / "gis.csv", infer_schema=False)
    assert gis.height == summary["counts"]["gis"]  # one header, every chunk's rows


def test_the_same_arguments_give_the_same_bytes(chunked, tmp_path):
    base, _ = chunked
    generate_data_root(
        tmp_path / "root",
        persons=6000,
        usulan=600,
        periode=P,
        seed=11,
        truth_dir=tmp_path / "truth",
        chunk_persons=1500,
    )
    assert tree(tmp_path / "root") == tree(base / "root")
    assert tree(tmp_path / "truth") == tree(base / "truth")
