"""The data root on object storage (issue 18): ``padan run --data-root s3://bucket/prefix`` against a
real S3-compatible server on the loopback (moto's server mode), its inputs put there and its outputs
read back with boto3, never through Padan's own code.

- The same months on the bucket publish what they publish on a local folder, byte for byte.
- A kill in every window of the publication to the bucket leaves the previous period current and
  whole and the new one absent; a rerun (on a machine with an empty cache: only the bucket carries
  the state) completes it, equal to the uninterrupted run.
- A second writer is refused while the first holds the bucket's lock; a killed holder's lock is
  taken over.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import padan_run
import pytest
import s3server
from padan_run import finished
from published import period_outputs

from flows import settings
from flows.generate import generate_data_root

P0, P = "2026-10", "2026-11"
KEY = "object-store-test-key-0123456789"
BUCKET = "padan-test"
REMOTE_STEPS = ("remote:uploading", "remote:committed", "remote:copying")


@pytest.fixture(scope="module")
def s3():
    with s3server.running() as server:
        yield server


def padan(root: str | Path, periode: str, *extra: str, cache: Path, **options) -> subprocess.Popen:
    return padan_run.padan(root, periode, *extra, key=KEY, env={settings.CACHE_DIR: str(cache)}, **options)


def ok(proc: subprocess.Popen) -> subprocess.CompletedProcess:
    done = finished(proc)
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def bucket_outputs(s3: s3server.S3Server, prefix: str, periode: str, into: Path) -> dict[str, str]:
    """What readers of the bucket see of ``periode`` (read with boto3), as ``period_outputs``."""
    if into.exists():
        shutil.rmtree(into)
    return period_outputs(s3.download_tree(BUCKET, prefix, into), periode)


def manifest_holds(objects: dict[str, bytes], periode: str) -> None:
    """The period's manifest names files the bucket has, with their sha256."""
    manifest = json.loads(objects[f"snapshots/periode={periode}/_manifest.json"])
    for rel, sha in manifest["files"].items():
        assert hashlib.sha256(objects[rel]).hexdigest() == sha, rel


@pytest.fixture(scope="module")
def months(tmp_path_factory, s3):
    """Inputs of two months; both run on a local folder (the reference) and P0 on the bucket."""
    d = tmp_path_factory.mktemp("s3")
    inputs = d / "inputs"
    generate_data_root(inputs, persons=4_000, usulan=800, periode=P0, seed=5, truth_dir=d / "truth0")
    other = d / "next"
    generate_data_root(other, persons=4_000, usulan=800, periode=P, seed=5, truth_dir=d / "truth1")
    local = d / "local"
    shutil.copytree(inputs, local)
    ok(padan(local, P0, cache=d / "unused"))
    before_p = {"P0": period_outputs(local, P0)}
    for sub in (f"inbox/{P}", f"feedback/{P}"):
        shutil.copytree(other / sub, inputs / sub)
        shutil.copytree(other / sub, local / sub)
    ok(padan(local, P, cache=d / "unused"))
    s3.bucket(BUCKET)
    s3.upload_tree(inputs, BUCKET, "p0")
    ok(padan(f"s3://{BUCKET}/p0", P0, cache=d / "cache-a"))
    return {"d": d, "inputs": inputs, "local": local, "P0": before_p["P0"], "P": period_outputs(local, P)}


def test_a_month_on_the_bucket_equals_the_month_on_a_folder(months, s3):
    d = months["d"]
    assert bucket_outputs(s3, "p0", P0, d / "read-p0") == months["P0"]
    objects = s3.keys(BUCKET, "p0")
    manifest_holds(objects, P0)
    assert json.loads(objects["snapshots/_current.json"]) == {"periode": P0, "path": f"periode={P0}"}
    assert not [k for k in objects if k.startswith((".padan/staging", ".padan/lock", ".padan/work"))]
    journal = [json.loads(line) for line in objects[".padan/runs.jsonl"].decode().splitlines()]
    assert [e.get("hasil") for e in journal if e.get("hasil")] == ["terbit"]
    # the inputs are untouched, and nothing is in the bucket that a folder run would not write
    for path in sorted(months["inputs"].rglob("*")):
        rel = path.relative_to(months["inputs"]).as_posix()
        if path.is_file() and not rel.startswith(("inbox/2026-11", "feedback/2026-11")):
            assert objects[rel] == path.read_bytes(), rel
    tops = {k.split("/")[0] for k in objects}
    assert tops == {
        "inbox",
        "reference",
        "feedback",
        "snapshots",
        "receipts",
        "disbursement",
        "analytics",
        "reports",
        ".padan",
    }


def test_a_kill_while_publishing_to_the_bucket_leaves_the_previous_period_and_a_rerun_completes(months, s3):
    d = months["d"]
    for sub in (f"inbox/{P}", f"feedback/{P}"):
        s3.upload_tree(months["inputs"] / sub, BUCKET, f"p0/{sub}")
    for i, step in enumerate(REMOTE_STEPS):
        killed = finished(padan(f"s3://{BUCKET}/p0", P, cache=d / "cache-a", fault=step))
        assert killed.returncode == -9, (step, killed.stderr[-2000:])
        objects = s3.keys(BUCKET, "p0")
        assert json.loads(objects["snapshots/_current.json"])["periode"] == P0, step
        assert f"snapshots/periode={P}/_manifest.json" not in objects, step
        assert bucket_outputs(s3, "p0", P0, d / f"read-{i}") == months["P0"], step
        manifest_holds(objects, P0)
        if step == "remote:committed":
            assert any(k.startswith(".padan/staging/") and k.endswith("/_commit.json") for k in objects)
    # a machine with an empty cache: the bucket alone carries the committed publication
    ok(padan(f"s3://{BUCKET}/p0", P, cache=d / "cache-b"))
    assert bucket_outputs(s3, "p0", P, d / "read-p") == months["P"]
    assert bucket_outputs(s3, "p0", P0, d / "read-p0-after") == months["P0"]
    objects = s3.keys(BUCKET, "p0")
    manifest_holds(objects, P)
    assert json.loads(objects["snapshots/_current.json"])["periode"] == P
    assert not [k for k in objects if k.startswith((".padan/staging", ".padan/lock"))]
    # the first machine's mirror catches up with what the other published: a rerun changes nothing
    again = ok(padan(f"s3://{BUCKET}/p0", P, cache=d / "cache-a"))
    assert "(unchanged: identical to the published snapshot)" in again.stdout, again.stdout[-1500:]
    assert bucket_outputs(s3, "p0", P, d / "read-p-again") == months["P"]


def test_a_second_writer_is_refused_and_a_dead_holders_lock_is_taken_over(months, s3):
    d = months["d"]
    s3.upload_tree(months["inputs"], BUCKET, "lock")
    first = padan(f"s3://{BUCKET}/lock", P0, cache=d / "cache-lock-1", pause="release:staged")
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and ".padan/lock" not in s3.keys(BUCKET, "lock"):
        time.sleep(0.5)
    holder = json.loads(s3.keys(BUCKET, "lock")[".padan/lock"])
    assert holder["pid"] == first.pid and holder["command"] == "run"
    second = finished(padan(f"s3://{BUCKET}/lock", P0, cache=d / "cache-lock-2"))
    assert second.returncode == 2
    assert "in use by another padan process" in second.stderr and str(first.pid) in second.stderr
    os.killpg(first.pid, 9)
    first.wait()
    third = ok(padan(f"s3://{BUCKET}/lock", P0, cache=d / "cache-lock-2"))
    assert third.returncode == 0
    assert bucket_outputs(s3, "lock", P0, d / "read-lock") == months["P0"]
    # a new machine (empty cache) publishes the next month on top of what the bucket holds, and
    # sends only that month: the objects of the period before are not written again
    for sub in (f"inbox/{P}", f"feedback/{P}"):
        s3.upload_tree(months["inputs"] / sub, BUCKET, f"lock/{sub}")
    written = etags(s3, "lock")
    ok(padan(f"s3://{BUCKET}/lock", P, cache=d / "cache-lock-3"))
    assert bucket_outputs(s3, "lock", P, d / "read-lock-p") == months["P"]
    after = etags(s3, "lock")
    p0_objects = {k for k in written if "periode=2026-10" in k}
    assert p0_objects and {k: after[k] for k in p0_objects} == {k: written[k] for k in p0_objects}


def etags(s3: s3server.S3Server, prefix: str) -> dict[str, tuple]:
    """key -> (ETag, LastModified) of every object under ``prefix``."""
    pages = s3.client().get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix + "/")
    return {o["Key"]: (o["ETag"], o["LastModified"]) for page in pages for o in page.get("Contents", [])}


def test_a_dask_run_whose_workers_see_only_the_bucket_equals_the_local_run(months, s3, monkeypatch):
    """The workers get the bucket's address and partition names, never a path of the flow's
    machine: each task fetches what it reads into a folder of its own (their cache is not the
    flow's), sends what it wrote to the bucket, and removes the folder."""
    from distributed import LocalCluster

    from flows.monthly import monthly_run
    from flows.runners import task_runner_from_env

    d = months["d"]
    s3.upload_tree(months["inputs"], BUCKET, "dask")
    workers_cache = d / "workers-cache"
    cluster = LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        env={settings.CACHE_DIR: str(workers_cache)},
    )
    try:
        for name, value in {
            settings.TASK_RUNNER: "dask",
            settings.DASK_ADDRESS: cluster.scheduler_address,
            settings.PARTITION_ROWS: "1",  # a task per province
            settings.CACHE_DIR: str(d / "flow-cache"),
            settings.PSEUDONYM_KEY: KEY,
        }.items():
            monkeypatch.setenv(name, value)
        runner = task_runner_from_env()
        assert type(runner).__name__ == "DaskTaskRunner"
        monthly_run.with_options(task_runner=runner)(data_root=f"s3://{BUCKET}/dask", periode=P0)
    finally:
        cluster.close()
    assert bucket_outputs(s3, "dask", P0, d / "read-dask") == months["P0"]
    assert workers_cache.is_dir() and list(workers_cache.iterdir()) == []  # the tasks ran there, and cleaned up
    assert not [k for k in s3.keys(BUCKET, "dask") if k.startswith((".padan/work", ".padan/staging", ".padan/lock"))]
