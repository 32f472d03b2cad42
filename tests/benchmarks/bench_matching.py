"""Identity-quality and speed benchmark of the monthly run on generated data with ground truth.

    uv run python tests/benchmarks/bench_matching.py --persons 2000000 --usulan 200000 --seed 77
    uv run python tests/benchmarks/bench_matching.py --persons 10000000 --usulan 200000 --seed 91

Generates a data root (unless --data-root names one with its truth), runs `padan run` in a child
process (so its wall time and peak memory are the whole command's, Prefect included), and prints
precision, recall, F1, false matches on fabricated NIKs and ghosts, recall on Excel-destroyed NIKs,
and recall per noise kind, and how far EM on the month's own pairs moved the m-probabilities
from their start. `--json` writes the figures as JSON too. Not part of `make test`.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).parent))
import quality  # noqa: E402


def padan_run(root: Path, periode: str) -> tuple[pl.DataFrame, float, float]:
    """``padan run`` on ``root`` in a child process: (the published hasil_usulan, wall seconds, peak
    RSS in GB of the whole command, Prefect included)."""
    cmd = [
        "/usr/bin/time",
        "-v",
        sys.executable,
        "-m",
        "flows.cli",
        "run",
        "--data-root",
        str(root),
        "--periode",
        periode,
        "--replace",
    ]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(proc.stdout[-3000:] + proc.stderr[-3000:])
    peak_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr).group(1))
    hasil = pl.read_parquet(root / "snapshots" / f"periode={periode}" / "hasil_usulan")
    return hasil, wall, peak_kb / 1024 / 1024


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--persons", type=int, default=2_000_000)
    ap.add_argument("--usulan", type=int, default=200_000)
    ap.add_argument("--seed", type=int, default=77)
    ap.add_argument("--periode", default="2026-11")
    ap.add_argument("--data-root", type=Path)
    ap.add_argument("--json", type=Path)
    a = ap.parse_args()
    if a.data_root:
        root, truth = a.data_root, Path(f"{a.data_root}.truth")
    else:
        base = Path(tempfile.mkdtemp(prefix="padan-bench-"))
        root, truth = base / "root", base / "root.truth"
        t0 = time.perf_counter()
        from flows.generate import generate_data_root

        generate_data_root(root, persons=a.persons, usulan=a.usulan, periode=a.periode, seed=a.seed, truth_dir=truth)
        print(f"generated {a.persons:,} persons / {a.usulan:,} usulan in {time.perf_counter() - t0:.1f} s: {root}")
    hasil, wall, peak_gb = padan_run(root, a.periode)
    m = quality.metrics(hasil, pl.read_parquet(truth / "truth.parquet"))
    m.update(wall_seconds=round(wall, 1), peak_rss_gb=round(peak_gb, 2), persons=None if a.data_root else a.persons)
    per_noise, wrong_person = m.pop("per_noise"), m.pop("wrong_person")
    for k, v in m.items():
        print(f"{k:<32}{v:.5f}" if isinstance(v, float) else f"{k:<32}{v}")
    print(f"\n{'noise':<24}{'rows':>8}{'recall':>10}{'false':>8}")
    for r in per_noise:
        print(f"{r['noise']:<24}{r['rows']:>8}{r['recall']:>10.4f}{r['false_matches']:>8}")
    for r in wrong_person or []:
        print(f"look-alike {r['noise']:<24}{r['rows']:>8}  wrong person {r['wrong_person_rate']:.4f}")
    em = em_movement(root, a.periode)
    if a.json:
        a.json.write_text(json.dumps({**m, "per_noise": per_noise, "wrong_person": wrong_person, "em": em}, indent=1))


def em_movement(root: Path, periode: str) -> dict | None:
    """Print how far EM on the month's own pairs moved m from its start (the trained weights), and
    per level the trained weight beside the estimated one (manifest ``matching_model.estimates``)."""
    manifest = json.loads((root / "snapshots" / f"periode={periode}" / "_manifest.json").read_text())
    est = manifest["matching_model"].get("estimates")
    if not est or not est.get("levels"):
        print("\nEM: no estimates in the manifest")
        return est
    print(
        f"\nEM: {est['random_pairs']:,} random pairs of {est['persons_sampled']:,} persons (u), "
        f"{est['candidate_pairs']:,} candidate pairs (m)"
    )
    for name, run in est["em_sessions"].items():
        print(
            f"  session {name:<16} pairs {run['pairs']:>8,}"
            + (
                " skipped"
                if run.get("skipped")
                else f"  lambda {run['lambda']:.4f}  iterations {run['iterations']}  converged {run['converged']}"
            )
        )
    print(f"{'comparison':<14}{'level':<28}{'m start':>9}{'m EM':>9}{'u random':>11}{'w trained':>11}{'w EM':>8}")
    for cmp, levels in est["levels"].items():
        for lv, v in levels.items():
            print(
                f"{cmp:<14}{lv:<28}{v['m_start']:>9.4f}{v['m']:>9.4f}{v['u']:>11.2e}{v['trained']:>11.2f}"
                f"{v['estimated']:>8.2f}"
            )
        print(f"{'':<14}{'largest change of an m':<28}{est['m_moved'][cmp]:>9.4f}")
    return est


if __name__ == "__main__":
    main()
