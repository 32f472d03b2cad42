"""flows.remote against a real S3-compatible server (moto's server mode on the loopback): the mirror
follows the bucket, a publication is staged, committed and applied with the pointers last, an
interrupted one is completed by recovery, and the lock's lease."""

from __future__ import annotations

import json
import os
import socket
import time
from pathlib import Path

import pytest
import s3server

from flows import bucket as buckets
from flows import lock, publish, remote, settings

BUCKET = "padan-unit"


@pytest.fixture(scope="module")
def s3():
    with s3server.running() as server:
        server.bucket(BUCKET)
        yield server


@pytest.fixture
def root(s3, request, tmp_path, monkeypatch):
    monkeypatch.setenv(settings.CACHE_DIR, str(tmp_path / "cache"))
    prefix = request.node.name.replace("[", "-").replace("]", "")
    return prefix, buckets.Bucket(f"s3://{BUCKET}/{prefix}")


def put(s3, prefix: str, files: dict[str, bytes]) -> None:
    for key, data in files.items():
        s3.client().put_object(Bucket=BUCKET, Key=f"{prefix}/{key}", Body=data)


MANIFEST = "snapshots/periode=2026-10/_manifest.json"
TABLE = "snapshots/periode=2026-10/penerima/data.parquet"


def test_the_mirror_follows_the_bucket_and_fetches_only_what_changed(s3, root, tmp_path):
    prefix, bucket = root
    put(s3, prefix, {"reference/dukcapil/part-0.parquet": b"extract v1", TABLE: b"rows", MANIFEST: b"{}"})
    mirror = tmp_path / "m"
    assert remote.pull(bucket, mirror) == {"fetched": 3, "removed": 0}
    assert (mirror / "reference/dukcapil/part-0.parquet").read_bytes() == b"extract v1"
    assert remote.pull(bucket, mirror) == {"fetched": 0, "removed": 0}  # nothing changed: nothing read
    put(s3, prefix, {"reference/dukcapil/part-0.parquet": b"extract v2"})
    s3.client().delete_object(Bucket=BUCKET, Key=f"{prefix}/{TABLE}")
    stray = mirror / "receipts/periode=2026-11/32/a.csv"  # published here, never reached the bucket
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"x")
    assert remote.pull(bucket, mirror) == {"fetched": 1, "removed": 2}
    assert (mirror / "reference/dukcapil/part-0.parquet").read_bytes() == b"extract v2"
    assert not (mirror / TABLE).exists() and not stray.exists()


def test_internal_objects_are_not_pulled(s3, root, tmp_path):
    prefix, bucket = root
    put(
        s3,
        prefix,
        {".padan/lock": b"{}", ".padan/staging/x/a": b"a", ".padan/runs.jsonl": b"{}\n", "padan.duckdb": b"d"},
    )
    mirror = tmp_path / "m"
    remote.pull(bucket, mirror)
    assert (mirror / ".padan/runs.jsonl").read_bytes() == b"{}\n"
    assert not (mirror / ".padan/lock").exists() and not (mirror / "padan.duckdb").exists()
    assert not (mirror / ".padan/staging").exists()


def _published(mirror: Path, table: bytes, manifest: bytes, kontrol: bytes) -> None:
    for key, data in {
        TABLE: table,
        MANIFEST: manifest,
        "snapshots/_current.json": b'{"periode": "2026-10"}',
        "disbursement/periode=2026-10/BRI.csv": table,
        "disbursement/periode=2026-10/BRI_kontrol.csv": kontrol,
    }.items():
        p = mirror / key
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)


def test_a_replacement_hides_the_old_manifest_first_and_recovery_completes_it(s3, root, tmp_path, monkeypatch):
    prefix, bucket = root
    mirror = tmp_path / "m"
    _published(mirror, b"old rows", b'{"v": 1}', b"old sums")
    assert remote.push(bucket, mirror, ["2026-10"], "run1") == {"uploaded": 5, "deleted": 0}
    assert s3.keys(BUCKET, prefix)[MANIFEST] == b'{"v": 1}'
    time.sleep(0.01)  # a new mtime for the rewritten files
    _published(mirror, b"new rows!", b'{"v": 2}', b"new sums")
    (mirror / "disbursement/periode=2026-10/BRI.csv").unlink()  # the new run lists nobody at BRI

    class Killed(Exception):
        pass

    def fault(step):
        if step == "remote:copying":
            raise Killed

    monkeypatch.setattr(publish, "fault", fault)
    with pytest.raises(Killed):
        remote.push(bucket, mirror, ["2026-10"], "run2")
    seen = s3.keys(BUCKET, prefix)
    assert MANIFEST not in seen  # the period is absent while it is being replaced, never mixed
    assert seen["disbursement/periode=2026-10/BRI_kontrol.csv"] == b"old sums"  # pointers last
    commit = json.loads(seen[".padan/staging/run2/_commit.json"])
    assert commit["hide"] == [MANIFEST]
    assert commit["delete"] == ["disbursement/periode=2026-10/BRI.csv"]
    assert commit["copy"][-3:] == ["disbursement/periode=2026-10/BRI_kontrol.csv", MANIFEST, "snapshots/_current.json"]
    monkeypatch.setattr(publish, "fault", lambda step: None)
    assert remote.recover(bucket) == ["run2"]
    seen = s3.keys(BUCKET, prefix)
    assert seen[MANIFEST] == b'{"v": 2}' and seen[TABLE] == b"new rows!"
    assert seen["disbursement/periode=2026-10/BRI_kontrol.csv"] == b"new sums"
    assert "disbursement/periode=2026-10/BRI.csv" not in seen
    assert not [k for k in seen if k.startswith(".padan/staging")]


def test_uncommitted_staging_and_work_are_removed_by_recovery(s3, root):
    prefix, bucket = root
    put(
        s3,
        prefix,
        {".padan/staging/run9/snapshots/x": b"x", ".padan/work/periode=2026-10/a.parquet": b"a", TABLE: b"t"},
    )
    assert remote.recover(bucket) == []
    assert list(s3.keys(BUCKET, prefix)) == [TABLE]


def test_the_lock_refuses_a_live_holder_and_takes_over_a_stale_one(s3, root):
    prefix, bucket = root
    live = {
        "host": "other-host",
        "pid": 1,
        "command": "run",
        "periode": "2026-10",
        "token": "t",
        "expires_at": time.time() + 600,
    }
    put(s3, prefix, {".padan/lock": json.dumps(live).encode()})
    with pytest.raises(lock.RootLocked, match="in use by another padan process.*other-host"):
        with buckets.bucket_lock(bucket, command="run", periode="2026-11"):
            pass
    put(s3, prefix, {".padan/lock": json.dumps(live | {"expires_at": time.time() - 1}).encode()})
    with buckets.bucket_lock(bucket, command="run", periode="2026-11") as stale:
        assert stale["host"] == "other-host"
        mine = json.loads(s3.keys(BUCKET, prefix)[".padan/lock"])
        assert (mine["host"], mine["pid"], mine["periode"]) == (socket.gethostname(), os.getpid(), "2026-11")
        with buckets.bucket_lock(bucket, command="run", periode="2026-11"):  # re-entrant in a process
            pass
        assert ".padan/lock" in s3.keys(BUCKET, prefix)
    assert ".padan/lock" not in s3.keys(BUCKET, prefix)


def test_a_bucket_that_does_not_exist_is_refused_naming_it(s3):
    with pytest.raises(buckets.RemoteError, match="s3://no-such-bucket/x: listing failed"):
        buckets.Bucket("s3://no-such-bucket/x").list()


def test_a_writer_whose_lock_was_taken_over_publishes_nothing(s3, root, monkeypatch):
    prefix, bucket = root
    monkeypatch.setenv(settings.LOCK_LEASE_SECONDS, "1.5")  # the heartbeat looks every half second
    with buckets.bucket_lock(bucket, command="run", periode="2026-11"):
        buckets.still_held(bucket)
        other = {"host": "other-host", "pid": 7, "token": "theirs", "expires_at": time.time() + 600}
        put(s3, prefix, {".padan/lock": json.dumps(other).encode()})  # another writer thought it stale
        time.sleep(1.2)
        with pytest.raises(buckets.RemoteError, match="lost the data root's lock"):
            buckets.still_held(bucket)
    assert json.loads(s3.keys(BUCKET, prefix)[".padan/lock"])["token"] == "theirs"  # theirs is left alone


def test_the_archive_of_replaced_periods_is_pushed_and_kept_by_the_next_pull(s3, root, tmp_path):
    prefix, bucket = root
    mirror = tmp_path / "m"
    kept = mirror / ".padan/replaced/periode=2026-10/20261201/snapshots/periode=2026-10/_manifest.json"
    kept.parent.mkdir(parents=True)
    kept.write_bytes(b'{"v": 1}')
    remote.push(bucket, mirror, ["2026-10"], "run1")
    key = ".padan/replaced/periode=2026-10/20261201/snapshots/periode=2026-10/_manifest.json"
    assert s3.keys(BUCKET, prefix)[key] == b'{"v": 1}'
    remote.pull(bucket, mirror)
    assert kept.read_bytes() == b'{"v": 1}'
    assert remote.push(bucket, mirror, ["2026-10"], "run2") == {"uploaded": 0, "deleted": 0}
