"""Kill `padan run` (SIGKILL) in every window of a run and of a `--replace` run, and run two
writers at once.

After any kill: the last good period is whole and unchanged; the period being published is either
absent in every output or present in every output from one run (snapshot, receipts, bank lists,
analysts' zone and report together); the pointer names a complete period; and a rerun publishes
exactly what an uninterrupted run publishes. The windows of the publication itself are reached
deterministically with ``PADAN_FAULT_AT`` (the process kills itself at that step), the others by
killing the process after a share of an uninterrupted run's time.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import padan_run
import pytest
import yaml
from padan_run import finished
from published import period_outputs

from flows import lock, publish
from flows.generate import generate_data_root

P0, P = "2026-10", "2026-11"
PUBLISH_STEPS = ("release:staged", "publish:before-switch", "publish:after-switch")
KEY = "kill-test-key-0123456789abcdef"


def padan(root: Path, periode: str, *extra: str, **options) -> subprocess.Popen:
    return padan_run.padan(root, periode, *extra, key=KEY, **options)


def copy(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, symlinks=True)
    return dst


def visible(root: Path, periode: str) -> dict[str, bool]:
    return {
        "snapshot": (root / "snapshots" / f"periode={periode}" / "_manifest.json").is_file(),
        "receipts": (root / "receipts" / f"periode={periode}").is_dir(),
        "lists": (root / "disbursement" / f"periode={periode}" / "BRI_kontrol.csv").is_file(),
        "analytics": (root / "analytics" / "penerima" / f"periode={periode}").is_dir(),
        "report": (root / "reports" / f"periode={periode}.html").is_file(),
    }


def assert_whole(root: Path, periode: str, *allowed: dict[str, str] | None) -> dict[str, str] | None:
    """The period is absent in every output (None allowed) or equal, in every output, to one of
    ``allowed``; returns which."""
    seen = visible(root, periode)
    if not any(seen.values()):
        assert None in allowed, f"{periode} vanished"
        return None
    assert all(seen.values()), f"{periode} half published: {seen}"
    got = period_outputs(root, periode)
    assert got in [a for a in allowed if a is not None], f"{periode}: outputs of no single run"
    manifest = json.loads((root / "snapshots" / f"periode={periode}" / "_manifest.json").read_text())
    assert publish.problems(root, manifest["files"]) == []  # the manifest describes what is there
    return got


def assert_pointer_valid(root: Path) -> None:
    pointer = json.loads((root / "snapshots" / "_current.json").read_text())
    assert (root / "snapshots" / pointer["path"] / "_manifest.json").is_file()


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    """P0 published; P's inbox waiting; P run once uninterrupted (the reference); and P replaced
    with a changed rule set (the replace reference)."""
    d = tmp_path_factory.mktemp("kill")
    root = d / "base"
    generate_data_root(root, persons=4_000, usulan=800, periode=P0, seed=5, truth_dir=d / "truth0")
    assert finished(padan(root, P0)).returncode == 0
    other = d / "next"
    generate_data_root(other, persons=4_000, usulan=800, periode=P, seed=5, truth_dir=d / "truth1")
    shutil.copytree(other / "inbox" / P, root / "inbox" / P)
    shutil.copytree(other / "feedback" / P, root / "feedback" / P)
    ref = copy(root, d / "reference")
    t0 = time.perf_counter()
    assert finished(padan(ref, P)).returncode == 0
    seconds = time.perf_counter() - t0
    rules = yaml.safe_load((Path(__file__).parents[2] / "rules" / "2026.yaml").read_text())
    rules["programmes"]["BPNT"]["monthly_amount"] = 250_000
    changed = d / "rules-changed.yaml"
    changed.write_text(yaml.safe_dump(rules, sort_keys=False))
    replaced = copy(ref, d / "replaced")
    assert finished(padan(replaced, P, "--replace", "--rules", str(changed))).returncode == 0
    return {
        "root": root,
        "good": period_outputs(root, P0),
        "ref": period_outputs(ref, P),
        "ref_root": ref,
        "replaced": period_outputs(replaced, P),
        "rules": changed,
        "seconds": seconds,
    }


def test_kill_in_each_publish_window_then_rerun(base, tmp_path):
    work = copy(base["root"], tmp_path / "root")
    for step in PUBLISH_STEPS:  # each kill leaves what the one before it left, or more
        killed = finished(padan(work, P, fault=step))
        assert killed.returncode == -signal.SIGKILL, (step, killed.stderr[-2000:])
        assert period_outputs(work, P0) == base["good"]
        state = assert_whole(work, P, None, base["ref"])
        assert (state is None) == (step != "publish:after-switch"), step
        assert_pointer_valid(work)
    again = finished(padan(work, P))  # the kill came after the switch: nothing left to do
    assert again.returncode == 0, again.stderr
    assert "unchanged" in again.stdout
    assert assert_whole(work, P, base["ref"]) == base["ref"]
    assert period_outputs(work, P0) == base["good"]
    assert [g.name for g in publish.generations(work).iterdir() if g.name.endswith(".tmp")] == []


def test_kill_in_each_window_of_a_replace_then_rerun(base, tmp_path):
    work = copy(base["ref_root"], tmp_path / "root")
    for step in ("publish:before-switch", "publish:after-switch"):
        killed = finished(padan(work, P, "--replace", "--rules", str(base["rules"]), fault=step))
        assert killed.returncode == -signal.SIGKILL, (step, killed.stderr[-2000:])
        state = assert_whole(work, P, base["ref"], base["replaced"])  # never absent during a replace
        assert (state == base["replaced"]) == (step == "publish:after-switch"), step
        assert_pointer_valid(work)
        assert period_outputs(work, P0) == base["good"]
    again = finished(padan(work, P, "--replace", "--rules", str(base["rules"])))
    assert again.returncode == 0, again.stderr
    assert assert_whole(work, P, base["replaced"]) == base["replaced"]
    # the replaced period's lists stay recoverable
    assert list((work / ".padan" / "replaced" / f"periode={P}").glob("*/disbursement/periode=*/BRI.csv"))


def test_kills_at_any_moment_of_a_run(base, tmp_path):
    work = copy(base["root"], tmp_path / "root")
    for share in (0.5, 0.9):
        proc = padan(work, P)
        time.sleep(base["seconds"] * share)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        assert period_outputs(work, P0) == base["good"]
        if assert_whole(work, P, None, base["ref"]) is not None:
            shutil.rmtree(work)  # published: start the next kill afresh
            copy(base["root"], work)
        assert_pointer_valid(work)
    assert finished(padan(work, P)).returncode == 0
    assert assert_whole(work, P, base["ref"]) == base["ref"]


def test_deleted_outputs_are_repaired_by_a_rerun(base, tmp_path):
    work = copy(base["ref_root"], tmp_path / "root")
    shutil.rmtree(work / "receipts" / f"periode={P}" / "32", ignore_errors=True)
    (work / "disbursement" / f"periode={P}" / "POS.csv").unlink()
    (work / "disbursement" / f"periode={P}" / "BRI.csv").write_text("tampered\n")
    rerun = finished(padan(work, P))
    assert rerun.returncode == 0, rerun.stderr
    assert assert_whole(work, P, base["ref"]) == base["ref"]
    manifest = json.loads((work / "snapshots" / f"periode={P}" / "_manifest.json").read_text())
    assert f"disbursement/periode={P}/POS.csv" in manifest["repairs"]
    assert f"disbursement/periode={P}/BRI.csv" in manifest["repairs"]


def test_a_second_writer_is_refused_naming_the_holder_and_a_killed_holder_frees_the_root(base, tmp_path):
    work = copy(base["root"], tmp_path / "root")
    first = padan(work, P, pause="release:staged")  # a long run, still holding the root
    deadline = time.time() + 120
    staging = work / ".padan" / "staging"
    while not (lock.holder(work) and staging.is_dir() and any(staging.iterdir())) and time.time() < deadline:
        time.sleep(0.2)
    holder = lock.holder(work)
    assert holder["pid"] == first.pid and holder["periode"] == P
    second = finished(padan(work, P))
    assert second.returncode == 2
    assert (
        f"pid {first.pid}" in second.stderr and "run" in second.stderr and len(second.stderr.strip().splitlines()) == 1
    )
    os.killpg(first.pid, signal.SIGKILL)
    first.communicate()
    third = finished(padan(work, P))
    assert third.returncode == 0, third.stderr
    assert assert_whole(work, P, base["ref"]) == base["ref"]
    assert lock.holder(work) == {}
