"""The register over an unseen three-month scenario (issue 12, acceptance 2), measured against its own truth.

    .venv/bin/python tests/benchmarks/bench_months.py --persons 200000 --usulan 20000 --out bench-out/months-dev.json
    .venv/bin/python tests/benchmarks/bench_months.py --held-out --persons 200000 --usulan 20000 \
        --out bench-out/months-held-out.json

Generates month 1 (2026-10) with ``flows.generate.generate_data_root``, writes months 2 and 3 with
``months_scenario.build_months`` over the same Dukcapil population, runs ``padan run`` for the three
months (``python -m flows.cli run`` in a child process each, so the times are the whole command's,
Prefect included) and measures every published month against the scenario's truth: persons in the
register who should not be (extra), NIKs twice, present = |expected & individu| / |expected|,
corrections visible in individu's fields, removals absent from individu, adversarial rows refused,
plus the shortfalls grouped by row kind, noise and the hasil_usulan reason codes (NIKs masked, no
names). Not part of ``make test``.

``--held-out`` uses the held-out seed and noise mix (``months_scenario.HELD_OUT``: more typing damage in
all three months, more adversarial rows); run it only for a final figure, never while tuning.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(REPO))
import months_scenario as M  # noqa: E402


def run_month(root: Path, periode: str, env: dict) -> dict:
    # `padan run` from this checkout (python -m with the checkout as working directory: the code measured
    # is the code next to this file, also in an exported copy of the repository)
    cmd = [sys.executable, "-m", "flows.cli", "run", "--data-root", str(root), "--periode", periode]
    if Path("/usr/bin/time").exists():
        cmd = ["/usr/bin/time", "-v", *cmd]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, env=env)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        sys.exit(f"padan run {periode} failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    peak = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    return {"wall_seconds": round(wall, 1), "peak_rss_gb": round(int(peak.group(1)) / 1024 / 1024, 2) if peak else None}


def fmt(v) -> str:
    if v is None:
        return "-"
    return f"{v:.4f}" if isinstance(v, float) else str(v)


def print_table(label: str, months: list[dict]) -> None:
    print(f"\n== {label} ==")
    head = (
        ("periode", 9),
        ("rows", 7),
        ("expected", 10),
        ("register", 10),
        ("extra", 7),
        ("NIK 2x", 8),
        ("present", 9),
        ("corrections", 22),
        ("removals", 22),
        ("adv. refused", 22),
        ("sanggah", 9),
        ("fields", 8),
    )
    print("".join(f"{h:>{w}}" for h, w in head))
    for m in months:
        c, r, a, s = m["corrections"], m["removals"], m["adversarial_refused"], m["sanggah_flagged"]
        cells = (
            m["periode"],
            m["rows"],
            m["expected_present"],
            m["register"],
            m["extra"],
            m["nik_twice"],
            fmt(m["present"]),
            f"{fmt(c['share'])} ({c['applied']}/{c['expected']})" if c["expected"] else "-",
            f"{fmt(r['share'])} ({r['applied']}/{r['expected']})" if r["expected"] else "-",
            f"{fmt(a['share'])} ({a['refused']}/{a['rows']})",
            fmt(s["share"]),
            fmt(m["fields_agree"]),
        )
        print("".join(f"{str(x):>{w}}" for x, (_, w) in zip(cells, head, strict=True)))
    for m in months:
        typo = m["hapus_typo_onto_registered"]
        print(
            f"\n{m['periode']}: wrongly removed {m['wrongly_removed']}, typed-wrong NIK in register "
            f"{m['typed_wrong_nik_in_register']}, HAPUS typo onto a registered NIK: "
            f"{typo['holder_removed']} of {typo['rows']} holders removed"
        )
        if m.get("resent_first_admissions"):
            f = m["resent_first_admissions"]
            print(f"  re-sent BARU of a person not yet registered: admitted {f['admitted']}/{f['rows']}")
        for k, v in m["adversarial_applied"].items():
            print(f"  {k:<28} right person {v['right_person']}/{v['rows']}")
        for k, (n, ok) in m["adversarial_refused"]["per_kind"].items():
            print(f"  {k:<28} refused {ok}/{n}")
        for what, groups in m["shortfalls"].items():
            for g in groups[:6]:
                ex = ", ".join(
                    f"{e['nik']}@{e.get('periode') or m['periode']}/{e.get('sumber_file')}:{e.get('sumber_baris')}"
                    for e in g["examples"]
                )
                cause = f" ({g['cause']})" if g.get("cause") else ""
                print(
                    f"  short[{what}]{cause} {g['rows']:>4} x kind={g['kind']} noise={g['noise'] or '-'} "
                    f"hasil={g['hasil']} alasan={g['alasan']}  e.g. {ex}"
                )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--persons", type=int, default=200_000)
    ap.add_argument("--usulan", type=int, default=20_000, help="usulan rows per month (month 1 too)")
    ap.add_argument("--seed", type=int, help=f"default {M.DEV_SEED} (dev) / {M.HELD_OUT_SEED} (held out)")
    ap.add_argument("--mix", choices=sorted(M.MIXES), help="noise and kind mix (default dev / held_out)")
    ap.add_argument("--held-out", action="store_true", help="the held-out seed and mix: for the final figure only")
    ap.add_argument("--work", type=Path, help="where the data root goes (default: a new temporary folder)")
    ap.add_argument("--out", type=Path, help="write the figures as JSON")
    a = ap.parse_args()
    seed = a.seed if a.seed is not None else (M.HELD_OUT_SEED if a.held_out else M.DEV_SEED)
    mix = M.MIXES[a.mix or ("held_out" if a.held_out else "dev")]
    base = a.work or Path(tempfile.mkdtemp(prefix="padan-months-"))
    root, truth = base / "root", base / "root.truth"
    env = dict(
        os.environ,
        PREFECT_HOME=str(base / "prefect-home"),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="180",
    )
    times: dict[str, float | dict] = {}

    from flows.generate import generate_data_root

    t0 = time.perf_counter()
    generate_data_root(
        root,
        persons=a.persons,
        usulan=a.usulan,
        periode=M.FIRST,
        seed=seed,
        truth_dir=truth,
        noise_rates=mix.month1_noise_rates or None,
    )
    times["generate_month1"] = round(time.perf_counter() - t0, 1)
    t0 = time.perf_counter()
    scenario = M.build_months(root, truth, rows_per_month=a.usulan, seed=seed, mix=mix)
    times["build_months_2_3"] = round(time.perf_counter() - t0, 1)
    print(
        f"data root {root} (persons {a.persons:,}, {a.usulan:,} rows/month, seed {seed}, mix {mix.name}"
        f"{', HELD OUT' if a.held_out else ''}); generate {times['generate_month1']} s, "
        f"build {times['build_months_2_3']} s"
    )
    for periode in scenario["months"]:
        times[f"padan_run_{periode}"] = run_month(root, periode, env)
        print(f"padan run {periode}: {times[f'padan_run_{periode}']}")
    t0 = time.perf_counter()
    months = [M.measure(root, truth, p) for p in scenario["months"]]
    times["measure"] = round(time.perf_counter() - t0, 1)
    label = f"seed {seed}, mix {mix.name}" + (" (HELD OUT)" if a.held_out else " (development)")
    print_table(label, months)
    if a.out:
        a.out.parent.mkdir(parents=True, exist_ok=True)
        a.out.write_text(
            json.dumps(
                {
                    "held_out": a.held_out,
                    "seed": seed,
                    "mix": mix.name,
                    "persons": a.persons,
                    "usulan_per_month": a.usulan,
                    "data_root": str(root),
                    "times": times,
                    "scenario": scenario,
                    "months": months,
                },
                indent=1,
                default=str,
            )
            + "\n"
        )
        print(f"\nwrote {a.out}")


if __name__ == "__main__":
    main()
