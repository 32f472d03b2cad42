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
    return rows.select("unique_id", *KEYS).join(kept, on="unique_id", how="left").with_columns(
        status_padan=pl.when(pl.col("nik_padan").is_null()).then(pl.lit("TIDAK_PADAN")).otherwise(pl.lit("PADAN")))


def splink_link(root: Path, periode: str, work: Path, *, threshold: float, u_max_pairs: float,
                seed: int) -> tuple[pl.DataFrame, pl.DataFrame, dict]:
    """(the usulan rows as Splink saw them, the best candidate per row, the link stage's figures)."""
    import splink_peer

    t = time.perf_counter()
    rows = splink_peer.usulan_for_splink(root, periode)
    prepare_seconds = time.perf_counter() - t
    rows.write_parquet(work / "usulan.parquet")
    cmd = [sys.executable, str(Path(__file__).parent / "splink_peer.py"), str(work / "usulan.parquet"),
           str(root / "reference" / "dukcapil"), str(work / "best.parquet"), str(threshold), str(u_max_pairs),
           str(seed)]
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if proc.returncode:
        sys.exit("splink failed:\n" + proc.stderr[-3000:])
    figures = json.loads(proc.stdout.strip().splitlines()[-1])
    figures.update(child_wall_seconds=wall, prepare_usulan_seconds=prepare_seconds,
                   model=str(work / "best.model.json"))
    return rows, pl.read_parquet(work / "best.parquet"), figures


def _count(m: dict, rate: str, rows: str) -> str:
    return f"{round(m[rate] * m[rows]):,} / {m[rows]:,}"


def _f(v, spec: str = ".4f") -> str:
    return "–" if v is None else format(v, spec)


def side_by_side(padan: dict, splink: dict) -> list[tuple[str, str, str]]:
    """The headline rows of the table: (figure, Padan, Splink)."""
    rows = [
        ("precision", _f(padan["precision"]), _f(splink["precision"])),
        ("recall", _f(padan["recall"]), _f(splink["recall"])),
        ("F1", _f(padan["f1"]), _f(splink["f1"])),
        ("false positives", f"{padan['false_positives']:,}", f"{splink['false_positives']:,}"),
        ("fabricated NIK false matches", _count(padan, "fabricated_false_match_rate", "fabricated_rows"),
         _count(splink, "fabricated_false_match_rate", "fabricated_rows")),
        ("ghosts matched", _count(padan, "ghost_false_match_rate", "ghost_rows"),
         _count(splink, "ghost_false_match_rate", "ghost_rows")),
        ("Excel-destroyed NIK recall", _f(padan["excel_destroyed_recall"]), _f(splink["excel_destroyed_recall"])),
        ("look-alike wrong-person rate", _f(padan["lookalike_wrong_person_rate"]),
         _f(splink["lookalike_wrong_person_rate"])),
        ("call-name recall", _f(padan["call_name_recall"]), _f(splink["call_name_recall"])),
        ("link stage seconds", _f(padan["link_seconds"], ".1f"), _f(splink["link_seconds"], ".1f")),
        ("link stage peak GB", _f(padan["link_peak_gb"], ".2f"), _f(splink["link_peak_gb"], ".2f")),
    ]
    return rows


def _by_noise(a: list[dict] | None, b: list[dict] | None) -> list[dict]:
    """Per noise kind, Padan's and Splink's rows of one metrics list side by side."""
    left = {r["noise"]: r for r in a or []}
    right = {r["noise"]: r for r in b or []}
    return [{"noise": k, "padan": left.get(k), "splink": right.get(k)} for k in sorted(left | right)]


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
        generate_data_root(root, persons=a.persons, usulan=a.usulan, periode=a.periode, seed=a.seed,
                           truth_dir=truth_dir)
        print(f"generated {a.persons:,} persons / {a.usulan:,} usulan (seed {a.seed}) in "
              f"{time.perf_counter() - t0:.0f} s", flush=True)
    truth = pl.read_parquet(truth_dir / "truth.parquet")
    if "lookalike_nik" not in truth.columns:
        print("truth has no lookalike_nik: the wrong-person figures are left out", flush=True)

    # Padan: the whole run for its outcome, then the link stage alone (after its ingest stage)
    hasil, run_wall, run_peak = padan_run(root, a.periode)
    run_stage(root, a.periode, "ingest")
    match = run_stage(root, a.periode, "match")
    from flows import io

    shutil.rmtree(io.Root(root).work(a.periode), ignore_errors=True)
    padan = quality.metrics(hasil, truth)
    padan.update(link_seconds=match["seconds"], link_peak_gb=match["peak_gb"], run_wall_seconds=run_wall,
                 run_peak_rss_gb=run_peak)
    print(f"padan: run {run_wall:.0f} s, match stage {match['seconds']:.1f} s", flush=True)

    # Splink: the same rows, cleaned the same way, its link stage in its own process
    work = base / "splink"
    work.mkdir()
    low = min([*a.sweep, a.threshold])
    rows, best, fig = splink_link(root, a.periode, work, threshold=low, u_max_pairs=a.u_max_pairs, seed=a.seed)
    splink = quality.metrics(splink_outcome(rows, best, a.threshold), truth)
    splink.update(link_seconds=fig["seconds"], link_peak_gb=fig["peak_gb"], threshold=a.threshold, figures=fig)
    print(f"splink: link stage {fig['seconds']:.1f} s", flush=True)
    sweep = []
    for th in sorted(a.sweep):
        m = quality.metrics(splink_outcome(rows, best, th), truth)
        sweep.append({"threshold": th, **{k: m[k] for k in (
            "precision", "recall", "f1", "false_positives", "fabricated_false_match_rate", "ghost_false_match_rate",
            "excel_destroyed_recall", "lookalike_wrong_person_rate", "call_name_recall")}})

    print(f"\n{truth.height:,} usulan rows, {a.persons if not a.data_root else 'given root'} persons, "
          f"Splink threshold {a.threshold}")
    print(f"{'':<32}{'Padan':>18}{'Splink 5':>18}")
    for name, p, s in side_by_side(padan, splink):
        print(f"{name:<32}{p:>18}{s:>18}")
    steps = fig["steps"]
    print("\nsplink link stage: " + ", ".join(f"{k} {v:.1f} s" for k, v in steps.items())
          + f"; {fig['pairs_above_threshold']:,} pairs >= {low}; {fig['rows_tied_at_best']:,} rows tied at best")
    print(f"\n{'threshold':>10}{'precision':>11}{'recall':>9}{'F1':>9}{'false':>8}{'fabr.':>8}{'ghosts':>8}")
    for r in sweep:
        print(f"{r['threshold']:>10}{r['precision']:>11.4f}{r['recall']:>9.4f}{r['f1']:>9.4f}"
              f"{r['false_positives']:>8,}{r['fabricated_false_match_rate']:>8.3f}{r['ghost_false_match_rate']:>8.3f}")
    per_noise = _by_noise(padan["per_noise"], splink["per_noise"])
    print(f"\n{'noise':<24}{'rows':>8}{'recall P':>10}{'recall S':>10}{'false P':>9}{'false S':>9}")
    for r in per_noise:
        p, s = r["padan"] or {}, r["splink"] or {}
        print(f"{r['noise']:<24}{p.get('rows', s.get('rows', 0)):>8}{_f(p.get('recall')):>10}{_f(s.get('recall')):>10}"
              f"{p.get('false_matches', 0):>9}{s.get('false_matches', 0):>9}")
    wrong = _by_noise(padan["wrong_person"], splink["wrong_person"])
    if wrong:
        print(f"\n{'look-alike phenomenon':<24}{'rows':>8}{'wrong P':>10}{'wrong S':>10}")
        for r in wrong:
            p, s = r["padan"] or {}, r["splink"] or {}
            print(f"{r['noise']:<24}{p.get('rows', 0):>8}{_f(p.get('wrong_person_rate')):>10}"
                  f"{_f(s.get('wrong_person_rate')):>10}")
    if a.json:
        a.json.parent.mkdir(parents=True, exist_ok=True)
        a.json.write_text(json.dumps({
            "usulan_rows": truth.height, "persons": None if a.data_root else a.persons, "seed": a.seed,
            "padan": padan, "splink": splink, "splink_sweep": sweep, "per_noise": per_noise,
            "wrong_person": wrong}, indent=1, default=str))
    if not a.keep:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
