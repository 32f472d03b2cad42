"""Padan and Splink 5 side by side on the same generated rows (issue 14).

    make bench-peer PEER_ARGS="--persons 2000000 --usulan 200000 --seed 77"
    uv run --frozen --group bench python tests/benchmarks/bench_peer.py --persons 20000 --usulan 2000

Generates a data root (unless --data-root names one with its truth beside it), then:

- Padan: ``padan run`` in a child process (bench_matching.padan_run) for the published outcome, and
  the link stage (``match``) timed alone in its own process after its ingest stage
  (bench_stages.run_stage), peak memory as VmHWM.
- Splink: the same inbox rows read and cleaned by the pipeline's own ingest helpers
  (splink_peer.usulan_for_splink), linked against the extract by a link_only DuckDB model in its own
  process (splink_peer.link); per row the best candidate at or above --threshold, and a sweep.
- Both scored by quality.metrics: precision, recall, F1, false matches on fabricated NIKs and ghosts,
  Excel-destroyed recall, per noise kind, and the look-alike figures when the truth has them.

Prints a side-by-side table; --json writes every figure. Not part of `make test`; needs the
``bench`` dependency group (splink), which `make bench-peer` installs.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).parent))
import quality  # noqa: E402
from bench_matching import padan_run  # noqa: E402
from bench_stages import run_stage  # noqa: E402

SWEEP = [0.5, 0.8, 0.9, 0.95, 0.99, 0.999]
KEYS = ["kode_prov", "sumber_file", "sumber_baris"]


def splink_outcome(rows: pl.DataFrame, best: pl.DataFrame, threshold: float) -> pl.DataFrame:
    """Splink's answer in the shape quality.metrics reads: each usulan row, its best candidate's NIK
    where the match probability reaches ``threshold``, else none."""
    kept = best.filter(pl.col("match_probability") >= threshold).select("unique_id", "nik_padan", "match_probability")
    return (
        rows.select("unique_id", *KEYS)
        .join(kept, on="unique_id", how="left")
        .with_columns(
            status_padan=pl.when(pl.col("nik_padan").is_null()).then(pl.lit("TIDAK_PADAN")).otherwise(pl.lit("PADAN"))
        )
    )


def splink_link(
    usulan: Path,
    root: Path,
    work: Path,
    *,
    variant: str,
    threshold: float,
    u_max_pairs: float,
    em_max_pairs: float | None,
    seed: int,
) -> tuple[pl.DataFrame, dict]:
    """Splink's link stage in its own process: (the best candidate per usulan row, the stage's figures)."""
    best = work / f"best-{variant}.parquet"
    cmd = [
        sys.executable,
        str(Path(__file__).parent / "splink_peer.py"),
        str(usulan),
        str(root / "reference" / "dukcapil"),
        str(best),
        variant,
        str(threshold),
        str(u_max_pairs),
        "all" if em_max_pairs is None else str(em_max_pairs),
        str(seed),
    ]
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if proc.returncode:
        sys.exit(f"splink ({variant}) failed:\n" + proc.stderr[-3000:])
    figures = json.loads(proc.stdout.strip().splitlines()[-1])
    figures.update(child_wall_seconds=wall, model=str(best.with_suffix(".model.json")))
    return pl.read_parquet(best), figures


def _count(m: dict, rate: str, rows: str) -> str:
    return f"{round(m[rate] * m[rows]):,} / {m[rows]:,}"


def _f(v, spec: str = ".4f") -> str:
    return "–" if v is None else format(v, spec)


def side_by_side(linkers: dict[str, dict]) -> list[tuple[str, list[str]]]:
    """The headline rows of the table: (figure, one cell per linker)."""

    def each(fmt) -> list[str]:
        return [fmt(m) for m in linkers.values()]

    return [
        ("precision", each(lambda m: _f(m["precision"]))),
        ("recall", each(lambda m: _f(m["recall"]))),
        ("F1", each(lambda m: _f(m["f1"]))),
        ("false positives", each(lambda m: f"{m['false_positives']:,}")),
        ("fabricated NIK false matches", each(lambda m: _count(m, "fabricated_false_match_rate", "fabricated_rows"))),
        ("ghosts matched", each(lambda m: _count(m, "ghost_false_match_rate", "ghost_rows"))),
        ("Excel-destroyed NIK recall", each(lambda m: _f(m["excel_destroyed_recall"]))),
        ("look-alike wrong-person rate", each(lambda m: _f(m["lookalike_wrong_person_rate"]))),
        ("call-name recall", each(lambda m: _f(m["call_name_recall"]))),
        ("link stage seconds", each(lambda m: _f(m["link_seconds"], ".1f"))),
        ("  of it training", each(lambda m: _f(m.get("training_seconds"), ".1f"))),
        ("link stage peak GB", each(lambda m: _f(m["link_peak_gb"], ".2f"))),
    ]


def _by_noise(linkers: dict[str, dict], key: str) -> list[dict]:
    """Per noise kind, every linker's row of one metrics list (``per_noise`` or ``wrong_person``)."""
    rows = {name: {r["noise"]: r for r in m[key] or []} for name, m in linkers.items()}
    kinds = sorted(set().union(*rows.values()))
    return [{"noise": k, **{name: r.get(k) for name, r in rows.items()}} for k in kinds]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--persons", type=int, default=2_000_000)
    ap.add_argument("--usulan", type=int, default=200_000)
    ap.add_argument("--seed", type=int, default=77)
    ap.add_argument("--periode", default="2026-11")
    ap.add_argument("--data-root", type=Path, help="reuse a generated root (its truth in <root>.truth/)")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--threshold", type=float, default=0.95, help="Splink's match probability threshold")
    ap.add_argument("--sweep", type=float, nargs="+", default=SWEEP)
    ap.add_argument("--u-max-pairs", type=float, default=1e7, help="Splink's u random-sampling pairs")
    ap.add_argument(
        "--em-max-pairs",
        type=float,
        default=5e6,
        help="pairs per EM training block (Splink 5's max_pairs); 0 = every blocked pair",
    )
    ap.add_argument(
        "--variants", nargs="+", default=["independent", "household"], help="Splink models (splink_peer.VARIANTS)"
    )
    ap.add_argument("--keep", action="store_true", help="keep a generated root and Splink's work folder")
    a = ap.parse_args()
    if importlib.util.find_spec("splink") is None:
        sys.exit("splink is not installed: run `make bench-peer` (uv sync --frozen --group bench)")

    base = Path(tempfile.mkdtemp(prefix="padan-peer-"))
    if a.data_root:
        root, truth_dir = a.data_root, Path(f"{a.data_root}.truth")
    else:
        root, truth_dir = base / "root", base / "root.truth"
        from flows.generate import generate_data_root

        t0 = time.perf_counter()
        generate_data_root(
            root, persons=a.persons, usulan=a.usulan, periode=a.periode, seed=a.seed, truth_dir=truth_dir
        )
        print(
            f"generated {a.persons:,} persons / {a.usulan:,} usulan (seed {a.seed}) in "
            f"{time.perf_counter() - t0:.0f} s",
            flush=True,
        )
    truth = pl.read_parquet(truth_dir / "truth.parquet")
    params = (
        json.loads((truth_dir / "truth.json").read_text()).get("params", {})
        if (truth_dir / "truth.json").exists()
        else {}
    )
    data_seed = params.get("seed", None if a.data_root else a.seed)  # the generator's seed, also of a given root
    persons = (
        pl.scan_parquet(sorted((root / "reference" / "dukcapil").glob("*.parquet"))).select(pl.len()).collect().item()
    )
    if "lookalike_nik" not in truth.columns:
        print("truth has no lookalike_nik: the wrong-person figures are left out", flush=True)

    # Padan: the whole run for its outcome, then the link stage alone (after its ingest stage)
    hasil, run_wall, run_peak = padan_run(root, a.periode)
    run_stage(root, a.periode, "ingest")
    match = run_stage(root, a.periode, "match")
    from flows import io

    shutil.rmtree(io.Root(root).work(a.periode), ignore_errors=True)
    padan = quality.metrics(hasil, truth)
    padan.update(
        link_seconds=match["seconds"],
        link_peak_gb=match["peak_gb"],
        run_wall_seconds=run_wall,
        run_peak_rss_gb=run_peak,
    )
    print(f"padan: run {run_wall:.0f} s, match stage {match['seconds']:.1f} s", flush=True)

    # Splink: the same rows, cleaned the same way, each model's link stage in its own process
    import splink_peer

    work = base / "splink"
    work.mkdir()
    t = time.perf_counter()
    rows = splink_peer.usulan_for_splink(root, a.periode)
    rows.write_parquet(work / "usulan.parquet")
    print(f"splink input: {rows.height:,} rows read and cleaned in {time.perf_counter() - t:.1f} s", flush=True)
    low = min([*a.sweep, a.threshold])
    linkers, sweeps = {"Padan": padan}, {}
    for variant in a.variants:
        best, fig = splink_link(
            work / "usulan.parquet",
            root,
            work,
            variant=variant,
            threshold=low,
            u_max_pairs=a.u_max_pairs,
            em_max_pairs=a.em_max_pairs or None,
            seed=a.seed,
        )
        m = quality.metrics(splink_outcome(rows, best, a.threshold), truth)
        # training is a cost per data set; a model trained once and reused (as Padan reuses
        # rules/matching.yaml) leaves the rest of the stage
        m.update(
            link_seconds=fig["seconds"],
            link_peak_gb=fig["peak_gb"],
            threshold=a.threshold,
            figures=fig,
            training_seconds=sum(v for k, v in fig["steps"].items() if k.startswith("train_")),
        )
        linkers[f"Splink {variant}"] = m
        sweeps[variant] = [
            {
                "threshold": th,
                **{
                    k: v
                    for k, v in quality.metrics(splink_outcome(rows, best, th), truth).items()
                    if k not in ("per_noise", "wrong_person")
                },
            }
            for th in sorted(a.sweep)
        ]
        print(
            f"splink {variant}: link stage {fig['seconds']:.1f} s; "
            + ", ".join(f"{k} {v:.1f} s" for k, v in fig["steps"].items())
            + f"; {fig['pairs_above_threshold']:,} pairs >= "
            f"{low}; {fig['rows_tied_at_best']:,} rows tied at best",
            flush=True,
        )

    width = max(20, *(len(n) + 2 for n in linkers))
    print(
        f"\n{truth.height:,} usulan rows vs {persons:,} persons, data seed {data_seed}, Splink threshold {a.threshold}"
    )
    print(f"{'':<30}" + "".join(f"{n:>{width}}" for n in linkers))
    for name, cells in side_by_side(linkers):
        print(f"{name:<30}" + "".join(f"{c:>{width}}" for c in cells))
    for variant, sweep in sweeps.items():
        print(
            f"\nSplink {variant}: {'threshold':>9}{'precision':>11}{'recall':>9}{'F1':>9}{'false':>8}"
            f"{'fabr.':>8}{'ghosts':>8}{'look-alike':>11}"
        )
        for r in sweep:
            print(
                f"{'':<16}{r['threshold']:>9}{r['precision']:>11.4f}{r['recall']:>9.4f}{r['f1']:>9.4f}"
                f"{r['false_positives']:>8,}{r['fabricated_false_match_rate']:>8.3f}"
                f"{r['ghost_false_match_rate']:>8.3f}{_f(r['lookalike_wrong_person_rate'], '.3f'):>11}"
            )
    names = list(linkers)
    per_noise = _by_noise(linkers, "per_noise")
    print(
        f"\n{'noise':<24}{'rows':>8}"
        + "".join(f"{'recall ' + n.split()[-1][:5]:>14}" for n in names)
        + "".join(f"{'false ' + n.split()[-1][:5]:>13}" for n in names)
    )
    for r in per_noise:
        cells = [r[n] or {} for n in names]
        print(
            f"{r['noise']:<24}{next(c['rows'] for c in cells if c):>8}"
            + "".join(f"{_f(c.get('recall')):>14}" for c in cells)
            + "".join(f"{c.get('false_matches', 0):>13}" for c in cells)
        )
    wrong = _by_noise(linkers, "wrong_person")
    if wrong:
        print(
            f"\n{'look-alike phenomenon':<24}{'rows':>8}"
            + "".join(f"{'wrong ' + n.split()[-1][:5]:>13}" for n in names)
        )
        for r in wrong:
            cells = [r[n] or {} for n in names]
            print(
                f"{r['noise']:<24}{next(c['rows'] for c in cells if c):>8}"
                + "".join(f"{_f(c.get('wrong_person_rate')):>13}" for c in cells)
            )
    if a.json:
        a.json.parent.mkdir(parents=True, exist_ok=True)
        a.json.write_text(
            json.dumps(
                {
                    "usulan_rows": truth.height,
                    "persons": persons,
                    "seed": data_seed,
                    "splink_settings": {
                        "threshold": a.threshold,
                        "u_max_pairs": a.u_max_pairs,
                        "em_max_pairs": a.em_max_pairs or None,
                        "variants": a.variants,
                    },
                    "linkers": linkers,
                    "splink_sweep": sweeps,
                    "per_noise": per_noise,
                    "wrong_person": wrong,
                },
                indent=1,
                default=str,
            )
        )
    if not a.keep:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
