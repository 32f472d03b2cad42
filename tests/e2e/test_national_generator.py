"""A month on a chunked (national-style) generated root: every row of every chunk's files has one
outcome, and no accepted row is paid to someone else than the person the truth names."""

from __future__ import annotations

import polars as pl

from flows.generate import generate_data_root
from flows.monthly import monthly_run

P = "2026-11"


def test_a_month_on_a_chunked_root(tmp_path):
    root = tmp_path / "root"
    generate_data_root(
        root, persons=8000, usulan=800, periode=P, seed=19, truth_dir=tmp_path / "truth", chunk_persons=2000
    )
    monthly_run(data_root=str(root), periode=P)
    hasil = pl.read_parquet(root / "snapshots" / f"periode={P}" / "hasil_usulan" / "hasil_usulan.parquet")
    truth = pl.read_parquet(tmp_path / "truth" / "truth.parquet")
    keys = ["kode_prov", "sumber_file", "sumber_baris"]
    assert hasil.select(keys).sort(keys).equals(truth.select(keys).sort(keys))  # one outcome per row
    joined = hasil.join(truth, on=keys)
    accepted = joined.filter(pl.col("status_padan").is_in(["PADAN", "PADAN_KOREKSI"]))
    assert accepted.height > 500
    wrong = accepted.filter(pl.col("true_nik").is_null() | (pl.col("nik_padan") != pl.col("true_nik")))
    assert wrong.height == 0, wrong.select("sumber_file", "sumber_baris", "noise").to_dicts()
