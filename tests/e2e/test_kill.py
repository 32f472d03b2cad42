"""Kill `padan run` (SIGKILL) at points across the run: the last good snapshot stays intact and
readable, no half-written period ever appears, and the rerun's tables equal an uninterrupted run's."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import polars as pl
import pytest

from flows import io as fio
from flows.generate import generate_data_root

P0, P = "2026-10", "2026-11"


def padan_run(root: Path, periode: str) -> subprocess.Popen:
    from prefect.settings import PREFECT_API_URL

    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value() or ""}   # the test harness's server
    return subprocess.Popen([sys.executable, "-m", "flows.cli", "run", "--data-root", str(root), "--periode", periode],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def tables_digest(snap: Path) -> dict[str, str]:
    return {k: v for k, v in fio.tree_digest(snap).items()}


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    root = tmp_path_factory.mktemp("kill") / "root"
    generate_data_root(root, persons=30_000, usulan=6_000, periode=P0, seed=5, truth_dir=root.parent / "truth0")
    assert padan_run(root, P0).wait(timeout=300) == 0
    # next month's inbox: the generator's batches for P, under the same population
    other = root.parent / "next"
    generate_data_root(other, persons=30_000, usulan=6_000, periode=P, seed=5, truth_dir=root.parent / "truth1")
    shutil.copytree(other / "inbox" / P, root / "inbox" / P)
    reference = root.parent / "reference-run"
    shutil.copytree(root, reference)
    t0 = time.perf_counter()
    assert padan_run(reference, P).wait(timeout=300) == 0
    return root, reference, time.perf_counter() - t0


def test_killed_runs_never_corrupt_or_hide_the_last_good_snapshot(base, tmp_path):
    root, reference, full = base
    good = tables_digest(root / "snapshots" / f"periode={P0}")
    work = tmp_path / "root"
    shutil.copytree(root, work)
    for fraction in (0.4, 0.75, 0.9, 0.97):
        proc = padan_run(work, P)
        time.sleep(full * fraction)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        assert tables_digest(work / "snapshots" / f"periode={P0}") == good
        pl.read_parquet(work / "snapshots" / f"periode={P0}" / "individu")       # still readable
        target = work / "snapshots" / f"periode={P}"
        if target.exists():                                                      # complete, or absent
            assert (target / "_manifest.json").is_file()
            assert tables_digest(target) == tables_digest(reference / "snapshots" / f"periode={P}")
            shutil.rmtree(target)                                                # try the next kill point too
        pointer = json.loads((work / "snapshots" / "_current.json").read_text())["periode"]
        assert pointer in (P0, P)
    assert padan_run(work, P).wait(timeout=300) == 0
    assert tables_digest(work / "snapshots" / f"periode={P}") == tables_digest(reference / "snapshots" / f"periode={P}")
