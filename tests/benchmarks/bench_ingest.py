"""Ingest benchmark: read, clean and validate one usulan batch of N rows (default 1,000,000).

    uv run python tests/benchmarks/bench_ingest.py [--rows 1000000]

Prints wall time per step and rows/second. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import time

import numpy as np
import polars as pl

from transforms import cleaning, ingest, validation, wilayah


def batch_bytes(n: int, seed: int = 7) -> bytes:
    """A semicolon, CRLF, Windows-1252 batch with the usual mess in a few percent of rows."""
    rng = np.random.default_rng(seed)
    v = wilayah.villages().filter(pl.col("kode_prov") == "32")
    desa = v["kode_wilayah"].to_numpy()[rng.integers(0, v.height, n)]
    kec = pl.Series(desa).str.slice(0, 6)
    day = rng.integers(1, 29, n)
    month = rng.integers(1, 13, n)
    year = rng.integers(1940, 2020, n)
    female = rng.random(n) < 0.5
    nik = (
        kec
        + pl.Series(np.where(female, day + 40, day)).cast(pl.String).str.zfill(2)
        + pl.Series(month).cast(pl.String).str.zfill(2)
        + pl.Series(year % 100).cast(pl.String).str.zfill(2)
        + pl.Series(rng.integers(1, 9999, n)).cast(pl.String).str.zfill(4)
    )
    names = np.array(["Budi Santoso", "Siti Aminah", "Dj\u00f6ko Susilo", "Hj. Nur Halimah", "Agus Salim, S.Pd."])
    df = pl.DataFrame(
        {
            "jenis_usulan": np.where(rng.random(n) < 0.9, "BARU", "PERBAIKAN"),
            "nik": np.where(rng.random(n) < 0.02, "'" + nik.to_numpy(), nik.to_numpy()),
            "no_kk": (kec + "0101150001").to_numpy(),
            "nama": names[rng.integers(0, len(names), n)],
            "tanggal_lahir": (
                pl.Series(day).cast(pl.String).str.zfill(2)
                + "-"
                + pl.Series(month).cast(pl.String).str.zfill(2)
                + "-"
                + pl.Series(year).cast(pl.String)
            ).to_numpy(),
            "jenis_kelamin": np.where(female, "P", "L"),
            "hubungan_keluarga": "KEPALA KELUARGA",
            "alamat": "Jl. Mawar; RT 01\r\nRW 02",
            "kode_wilayah": desa,
        }
    )
    # 3% impossible dates and 1% unknown village codes: the failure path of validation is timed too
    bad = rng.random(n)
    df = df.with_columns(
        tanggal_lahir=pl.when(pl.Series(bad < 0.03)).then(pl.lit("31-02-1990")).otherwise("tanggal_lahir"),
        kode_wilayah=pl.when(pl.Series((bad >= 0.03) & (bad < 0.04)))
        .then(pl.lit("3299999999"))
        .otherwise("kode_wilayah"),
    )
    return df.write_csv(separator=";", line_terminator="\r\n").encode("cp1252")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1_000_000)
    n = ap.parse_args().rows
    raw = batch_bytes(n)
    print(f"batch: {n:,} rows, {len(raw) / 1e6:.0f} MB (cp1252, ';', CRLF, quoted line breaks)")
    wilayah.villages(), wilayah.districts()
    t0 = time.perf_counter()
    batch = ingest.parse_usulan(raw)
    t1 = time.perf_counter()
    out = validation.validated_usulan(
        batch.frame.lazy().with_columns(kode_prov=pl.lit("32")).pipe(cleaning.cleaned_usulan),
        villages=wilayah.villages().lazy(),
        districts=wilayah.districts().lazy(),
        reference_date=dt.date(2026, 11, 30),
    )
    t2 = time.perf_counter()
    assert out.height == n
    flagged = out.filter(pl.col("alasan_validasi").list.len() > 0).height
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'step':<22}{'seconds':>10}{'rows/s':>14}")
    print(f"{'decode + parse':<22}{t1 - t0:>10.2f}{n / (t1 - t0):>14,.0f}")
    print(f"{'clean + validate':<22}{t2 - t1:>10.2f}{n / (t2 - t1):>14,.0f}")
    print(f"{'total':<22}{t2 - t0:>10.2f}{n / (t2 - t0):>14,.0f}")
    print(f"rows with codes: {flagged:,}; peak RSS {peak:,.0f} MB")


if __name__ == "__main__":
    main()
