"""Per-stage benchmark of the monthly run at several sizes, with the floor it is read against.

    uv run python tests/benchmarks/bench_stages.py --sizes 250000:5000000 500000:10000000 1000000:20000000

For each size (usulan rows : persons) it generates a data root, then runs each stage (ingest =
decode + parse, validate = clean + row contract + staging write, match, register, rules/status,
publish) in its own child process (ingest and validate share one), recording wall time, peak RSS and
rows/s, and times the floor: a bare DuckDB exact join of the proposals' NIKs against the extract.
The register and rules partitions run on as many threads as the flow's default task runner.
Prints a table and writes JSON (--json). Not part of `make test`.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STAGE = r'''
import os, sys, time, shutil, json
from dataclasses import asdict
from pathlib import Path
import flows
from flows import monthly as m, io
from transforms import ingest as ingest_module
root, periode, stage = sys.argv[1], sys.argv[2], sys.argv[3]
r = io.Root(Path(root)); w = r.work(periode)
from concurrent.futures import ThreadPoolExecutor
pool = ThreadPoolExecutor(max_workers=os.cpu_count())
t = time.perf_counter()
parse_seconds = None
if stage == "ingest":   # decode + parse timed apart from clean + validate + write ("validate")
    shutil.rmtree(w, ignore_errors=True)
    parse, parse_seconds = ingest_module.parse_usulan, 0.0
    def timed_parse(data):
        global parse_seconds
        s = time.perf_counter(); out = parse(data); parse_seconds += time.perf_counter() - s
        return out
    ingest_module.parse_usulan = timed_parse
    from transforms import workbook
    workbook.parse_usulan = timed_parse  # imported there by name
    m.read_references.fn(root, periode, None)
    for i, entry in enumerate(m.discover_inbox.fn(root, periode)):
        m.ingest_batch.fn(root, periode, entry, i)
elif stage == "match":
    m.match_usulan.fn(root, periode, sorted(str(p) for p in (w / "usulan").glob("*.parquet")), None)
elif stage == "register":   # the partitions on as many threads as the flow's default runner uses
    split = m.split_register.fn(root, periode, str(w / "matched.parquet"))
    parts = list(pool.map(lambda p: m.reconcile_partition.fn(root, periode, p), split.groups))
    json.dump(asdict(m.combine_register.fn(root, periode, parts, split.previous_periode)), open(w / "reg.json", "w"))
elif stage == "rules":   # the payment stage's preparation (tranches, accounts, ledger) and settlement included
    from flows.stages import payments as pay
    reg = json.load(open(w / "reg.json"))
    split = m.split_rules.fn(root, periode, reg["individu"])
    ready = pay.prepare_payments.fn(root, periode, reg["previous_periode"], reg["individu"], None)
    parts = list(pool.map(lambda p: m.decide_partition.fn(root, periode, p, None), split.groups))
    penerima = m.combine_rules.fn(root, periode, parts)
    paid = pay.settle_payments.fn(root, periode, penerima, ready.ledger, None)
    json.dump({"penerima": penerima, "ready": asdict(ready), "paid": asdict(paid)}, open(w / "pen.json", "w"))
elif stage == "publish":
    reg, pen = json.load(open(w / "reg.json")), json.load(open(w / "pen.json"))
    paid = pen["paid"]
    tables = {"hasil_usulan": reg["hasil_usulan"], "individu": reg["individu"], "riwayat": reg["riwayat"],
              "penerima": pen["penerima"], "umpan_balik_tidak_dikenal": pen["ready"]["umpan_balik_tidak_dikenal"],
              "pembayaran": paid["pembayaran"], "rekening": paid["rekening"], "rekonsiliasi": paid["rekonsiliasi"],
              "kandidat_padan": str(w / "kandidat_padan.parquet"),
              "antrean_tinjau": str(w / "antrean_tinjau.parquet")}
    from flows import manifest as manifests
    from rules import load_matching_model, load_ruleset
    rules, model = load_ruleset(), load_matching_model()
    manifest = {"periode": periode, "run_id": "bench", "started_at": "2026-11-26T02:00:00+07:00", "karantina": [], "diabaikan": [],
                "rule_set": {"version": rules.version, "sha256": rules.sha256,
                             "programmes": rules.programme_vocabulary.manifest()},
                "matching_model": {"version": model.model.version, "sha256": model.sha256},
                "inputs": {"usulan": [], "reference": []}, "umpan_balik": {}}
    manifest["input_fingerprint"] = manifests.input_fingerprint(manifest)
    m.publish_release.fn(root, periode, tables, {"lists": paid["lists"], "stops": paid["stops"]}, manifest, True)
elif stage == "floor":
    import duckdb
    con = duckdb.connect()
    n = con.execute(f"""SELECT count(*) FROM read_parquet('{w}/usulan/*.parquet') u
                        JOIN read_parquet('{r.dukcapil}/*.parquet') d ON u.nik_usulan = d.NIK""").fetchall()[0][0]
# VmHWM, not ru_maxrss: Linux carries ru_maxrss across exec from the (large) parent process
hwm_kb = int(next(l for l in open("/proc/self/status") if l.startswith("VmHWM")).split()[1])
print(json.dumps({"seconds": time.perf_counter() - t, "peak_gb": hwm_kb / 1024 / 1024, "parse_seconds": parse_seconds}))
'''
STAGES = ["ingest", "match", "register", "rules", "publish", "floor"]


def run_stage(root: Path, periode: str, stage: str) -> dict:
    """One stage of ``STAGE`` in its own child process: ``seconds``, ``peak_gb`` (VmHWM) and
    ``parse_seconds`` (ingest only). A stage reads what the stages before it left in the work folder."""
    out = subprocess.run([sys.executable, "-c", STAGE, str(root), periode, stage], capture_output=True, text=True)
    if out.returncode:
        sys.exit(out.stderr[-3000:])
    return json.loads(next(line for line in reversed(out.stdout.splitlines()) if line.startswith('{"seconds"')))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", nargs="+", default=["250000:5000000", "500000:10000000", "1000000:20000000"])
    ap.add_argument("--periode", default="2026-11")
    ap.add_argument("--json", type=Path)
    ap.add_argument("--keep", action="store_true", help="keep the generated roots")
    ap.add_argument(
        "--chunk-persons", type=int, default=None, help="generate national-size roots chunk by chunk (flat memory)"
    )
    a = ap.parse_args()
    results = []
    for size in a.sizes:
        rows, persons = map(int, size.split(":"))
        base = Path(tempfile.mkdtemp(prefix="padan-stages-"))
        from flows.generate import generate_data_root

        t0 = time.perf_counter()
        generate_data_root(
            base / "root",
            persons=persons,
            usulan=rows,
            periode=a.periode,
            seed=persons % 9973,
            truth_dir=base / "truth",
            chunk_persons=a.chunk_persons,
        )
        print(f"# {rows:,} rows vs {persons:,} persons (generated in {time.perf_counter() - t0:.0f} s)", flush=True)
        for stage in STAGES:
            r = run_stage(base / "root", a.periode, stage)
            parsed = r.pop("parse_seconds")
            split = (
                [("ingest", parsed), ("validate", r["seconds"] - parsed)]
                if stage == "ingest"
                else [(stage, r["seconds"])]
            )
            print(f"#   {stage}: {r['seconds']:.1f} s, {r['peak_gb']:.2f} GB", flush=True)
            for name, seconds in split:  # ingest and validate share one process, so one peak
                results.append(
                    {
                        "rows": rows,
                        "persons": persons,
                        "stage": name,
                        "seconds": seconds,
                        "peak_gb": r["peak_gb"],
                        "rows_per_s": rows / seconds if seconds else None,
                    }
                )
        if not a.keep:
            subprocess.run(["rm", "-rf", str(base)])
    print(f"\n{'rows':>10}{'persons':>12} {'stage':<10}{'seconds':>9}{'peak GB':>9}{'rows/s':>12}{'x floor':>9}")
    for r in results:
        floor = next(
            x["seconds"] for x in results if (x["rows"], x["persons"], x["stage"]) == (r["rows"], r["persons"], "floor")
        )
        r["x_floor"] = r["seconds"] / floor if floor else None
        speed = f"{r['rows_per_s']:>12,.0f}" if r["rows_per_s"] else f"{'-':>12}"
        times = f"{r['x_floor']:>9.1f}" if r["x_floor"] is not None else f"{'-':>9}"
        print(
            f"{r['rows']:>10,}{r['persons']:>12,} {r['stage']:<10}{r['seconds']:>9.1f}{r['peak_gb']:>9.2f}{speed}{times}"
        )
    if a.json:
        a.json.parent.mkdir(parents=True, exist_ok=True)
        a.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
