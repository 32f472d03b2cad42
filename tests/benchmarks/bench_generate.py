"""Generator benchmark: write a whole synthetic data root of N persons (default 1,000,000).

    uv run python tests/benchmarks/bench_generate.py [--persons 1000000] [--usulan 50000] [--stages]

Prints wall time, persons/second and peak RSS. ``--stages`` also times the pure functions one by
one (population, usulan) before the full write. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from flows.generate import generate_data_root  # noqa: E402
from synthetic import core as S  # noqa: E402


def _rss_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2  # ru_maxrss is KiB on Linux


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--persons", type=int, default=1_000_000)
    ap.add_argument("--usulan", type=int, default=None, help="default: persons / 20")
    ap.add_argument("--periode", default="2026-01")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--stages", action="store_true", help="time population() and usulan() separately first")
    ap.add_argument("--keep", type=Path, default=None, help="write here and keep it (default: a temp dir)")
    args = ap.parse_args()
    n, rows = args.persons, args.usulan or max(1, args.persons // 20)

    if args.stages:
        rng = np.random.default_rng(args.seed)
        t = time.perf_counter()
        pop = S.population(rng, n, periode=args.periode)
        t_pop = time.perf_counter() - t
        print(f"population : {t_pop:7.1f} s  {n / t_pop:12,.0f} persons/s   peak RSS {_rss_gb():.2f} GB")
        t = time.perf_counter()
        S.usulan(rng, pop, rows, periode=args.periode)
        t_us = time.perf_counter() - t
        print(f"usulan     : {t_us:7.1f} s  {rows / t_us:12,.0f} rows/s      peak RSS {_rss_gb():.2f} GB")
        del pop

    base = args.keep or Path(tempfile.mkdtemp(prefix="bench_generate_"))
    try:
        t = time.perf_counter()
        summary = generate_data_root(base / "root", persons=n, usulan=rows, periode=args.periode, seed=args.seed)
        wall = time.perf_counter() - t
    finally:
        if args.keep is None:
            shutil.rmtree(base, ignore_errors=True)
    size = summary["counts"]
    print(f"data root  : {wall:7.1f} s  {n / wall:12,.0f} persons/s   peak RSS {_rss_gb():.2f} GB")
    print(
        f"             {size['dukcapil']:,} persons, {size['households']:,} households, "
        f"{size['usulan_rows']:,} usulan rows in {size['usulan_files']} files"
    )


if __name__ == "__main__":
    main()
