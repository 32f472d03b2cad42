"""A data root on object storage (``s3://bucket/prefix``; ``gs://`` and ``az://`` through the same
library): the bucket holds the layout of contracts.md, key for key, and is the truth; a run works
on a local *mirror* of it and publishes back to it.

Why a mirror (docs/decisions.md): DuckDB cannot reach object storage on these machines (its httpfs
extension is downloaded from the internet), the publication, lock and recovery code of a local
root stays the one that is tested, and the extract, which changes once per delivery, is fetched
once per machine, not once per month (``PADAN_CACHE_DIR`` keeps the mirrors).

- **Pull**: every object of the root except Padan's own internals, fetched when its ETag is not the
  one the mirror fetched last; files of the five published trees that the bucket does not have
  (a publication that never reached it) are removed, so the mirror shows what the bucket shows.
- **Push** (after the local run published): the files that changed, uploaded under
  ``.padan/staging/<run>/``; then one commit record ``_commit.json`` there; then the record is
  applied: the manifests of periods being replaced are taken away first (the period is absent, not
  mixed), the data files are copied to their keys, the files the period no longer has deleted, and
  the pointer objects copied last: the banks' ``*_kontrol.csv``, the snapshot manifests, and
  ``snapshots/_current.json``. A period is published on object storage when its manifest is there;
  single-object writes are atomic, so a reader that starts from the pointer or the manifest sees a
  whole period or the one before.
- **Recovery**: what a writer does after taking the lock: a staging folder with a commit record is
  applied again (every step can be repeated), one without is deleted. A kill at any moment leaves
  the last good period whole; the next run completes the committed publication.
- **Lock**: the bucket's lease object (``flows.bucket.bucket_lock``), and the mirror's own ``flock``.
"""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flows import lock, publish, settings
from flows.bucket import Bucket, bucket_lock, still_held, url_hash

STAGING = ".padan/staging/"
COMMIT = "_commit.json"
JOURNAL = ".padan/runs.jsonl"
ARCHIVE = ".padan/replaced/"
STATE = Path(".padan") / "mirror.json"
LOCAL_ONLY = ("padan.duckdb", ".padan.duckdb.tmp")
"""Never pulled or pushed: the analysts' catalog names absolute local paths (``padan catalog``
writes one beside each mirror)."""


def _synced(key: str) -> bool:
    """Whether an object travels between the bucket and a mirror (Padan's internals do not, except
    the run journal)."""
    return key not in LOCAL_ONLY and (not key.startswith(".padan/") or key == JOURNAL)


def is_pointer(key: str) -> bool:
    """The small objects written last, which make a publication visible."""
    return key == "snapshots/_current.json" or (
        (key.startswith("snapshots/") and key.endswith("/_manifest.json"))
        or (key.startswith("disbursement/") and key.endswith("_kontrol.csv"))
    )


def _pointer_order(key: str) -> tuple[int, str]:
    if key == "snapshots/_current.json":
        return (2, key)
    return (1 if key.endswith("/_manifest.json") else 0, key)


# ---------------------------------------------------------------------------------------------
# the mirror
# ---------------------------------------------------------------------------------------------


def mirror_dir(url: str) -> Path:
    """This machine's mirror of a bucket data root (one per URL, under ``PADAN_CACHE_DIR``)."""
    return settings.cache_dir() / f"mirror-{url_hash(url)}"


def file_stat(path: Path) -> list[int] | None:
    try:
        s = path.stat()
    except FileNotFoundError:
        return None
    return [s.st_size, s.st_mtime_ns]


def _load_state(mirror: Path) -> dict[str, dict]:
    p = mirror / STATE
    return json.loads(p.read_text(encoding="utf-8"))["objects"] if p.is_file() else {}


def _save_state(mirror: Path, url: str, objects: dict[str, dict]) -> None:
    p = mirror / STATE
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_suffix(".tmp")
    tmp.write_text(json.dumps({"url": url, "objects": dict(sorted(objects.items()))}), encoding="utf-8")
    os.replace(tmp, p)


def local_files(mirror: Path, *, archive: bool = False) -> dict[str, Path]:
    """key -> path of the mirror's files that belong in the bucket: the five published trees as
    readers see them, the run journal, and (``archive``) the replaced snapshots kept."""
    out = {}
    for top in publish.TOPS:
        for rel, path in publish.files_below((mirror / top).resolve()):
            out[f"{top}/{rel}"] = path
    if (mirror / JOURNAL).is_file():
        out[JOURNAL] = mirror / JOURNAL
    if archive:
        for rel, path in publish.files_below(mirror / ARCHIVE):
            out[ARCHIVE + rel] = path
    return out


def pull(bucket: Bucket, mirror: Path) -> dict[str, int]:
    """The mirror made equal to the bucket (objects fetched only when their ETag changed); returns
    the objects fetched and removed."""
    remote = {k: m for k, m in bucket.list().items() if _synced(k) and not k.startswith(STAGING)}
    state = _load_state(mirror)
    fetched = 0
    for key in sorted(remote):
        path = mirror / key
        rec = state.get(key)
        if rec and rec["etag"] == remote[key]["etag"] and file_stat(path) == rec["stat"]:
            continue
        bucket.download(key, path)
        state[key] = {"etag": remote[key]["etag"], "stat": file_stat(path)}
        fetched += 1
    removed = 0
    for key in sorted(k for k in set(state) - set(remote) if _synced(k)):  # deleted in the bucket
        (mirror / key).unlink(missing_ok=True)
        del state[key]
        removed += 1
    for key, path in local_files(mirror).items():  # published here, never in the bucket
        if key not in remote:
            path.unlink(missing_ok=True)
            removed += 1
    _save_state(mirror, bucket.url, state)
    return {"fetched": fetched, "removed": removed}


def push(bucket: Bucket, mirror: Path, periods: list[str], run_id: str) -> dict[str, int]:
    """The run's publications sent to the bucket (staged, committed, applied: the module's
    docstring); the files of ``periods`` the mirror no longer has are deleted there."""
    state = _load_state(mirror)
    here = local_files(mirror, archive=True)
    changed = sorted(k for k, p in here.items() if (state.get(k) or {}).get("stat") != file_stat(p))
    gone = sorted(k for k in state if k not in here and any(publish.belongs_to(k, q) for q in periods))
    if not changed and not gone:
        return {"uploaded": 0, "deleted": 0}
    staging = f"{STAGING}{run_id}/"
    for i, key in enumerate(changed):
        bucket.upload(here[key], staging + key)
        if i == 0:
            publish.fault("remote:uploading")
    published = bucket.list("snapshots")
    commit = {
        "hide": sorted(k for k in set(changed) | set(gone) if k.endswith("/_manifest.json") and k in published),
        "copy": sorted(changed, key=lambda k: (is_pointer(k), _pointer_order(k))),
        "delete": gone,
    }
    bucket.put_bytes(staging + COMMIT, json.dumps(commit, indent=1).encode())
    publish.fault("remote:committed")
    apply(bucket, run_id, commit)
    listing = bucket.list()
    for key in changed:
        state[key] = {"etag": listing[key]["etag"], "stat": file_stat(here[key])}
    for key in gone:
        state.pop(key, None)
    _save_state(mirror, bucket.url, state)
    return {"uploaded": len(changed), "deleted": len(gone)}


def apply(bucket: Bucket, run_id: str, commit: dict) -> None:
    """A committed publication made visible (repeatable: a rerun after a kill applies it again)."""
    staging = f"{STAGING}{run_id}/"
    bucket.delete(commit["hide"])
    data = [k for k in commit["copy"] if not is_pointer(k)]
    pointers = [k for k in commit["copy"] if is_pointer(k)]
    for i, key in enumerate(data):
        bucket.copy(staging + key, key)
        if i == len(data) // 2:
            publish.fault("remote:copying")
    bucket.delete(commit["delete"])
    for key in pointers:
        bucket.copy(staging + key, key)
    left = sorted(bucket.list(staging.rstrip("/")), key=lambda k: k.endswith(COMMIT))
    bucket.delete([k for k in left if not k.endswith(COMMIT)])
    bucket.delete([k for k in left if k.endswith(COMMIT)])  # the record last: until then it can be redone


def recover(bucket: Bucket) -> list[str]:
    """Committed publications that a kill interrupted are completed, uncommitted staging and the
    work files of a killed run removed; returns the run ids completed."""
    runs: dict[str, list[str]] = {}
    for key in bucket.list(STAGING.rstrip("/")):
        runs.setdefault(key[len(STAGING) :].split("/", 1)[0], []).append(key)
    bucket.delete(sorted(bucket.list(".padan/work")))  # what a killed run's tasks left
    done = []
    for run_id, keys in sorted(runs.items()):
        record = bucket.get_bytes(f"{STAGING}{run_id}/{COMMIT}")
        if record is None:
            bucket.delete(sorted(keys))
        else:
            apply(bucket, run_id, json.loads(record))
            done.append(run_id)
    return done


# ---------------------------------------------------------------------------------------------
# one writer's session
# ---------------------------------------------------------------------------------------------


@dataclass
class Session:
    bucket: Bucket
    mirror: Path
    stale: dict | None

    def publish(self, periods: list[str]) -> dict[str, int]:
        still_held(self.bucket)
        return push(self.bucket, self.mirror, periods, uuid.uuid4().hex[:16])

    def send_journal(self) -> None:
        """The run journal alone (a run that failed publishes nothing else)."""
        if (self.mirror / JOURNAL).is_file():
            self.bucket.upload(self.mirror / JOURNAL, JOURNAL)


@contextmanager
def opened(url: str, *, command: str, periode: str | None) -> Iterator[Session]:
    """A bucket data root for one writer: its lock taken, publications a kill interrupted
    completed, and this machine's mirror pulled (and locked for this process)."""
    bucket = Bucket(url)
    with bucket_lock(bucket, command=command, periode=periode) as stale:
        recover(bucket)
        mirror = mirror_dir(bucket.url)
        mirror.mkdir(parents=True, exist_ok=True)
        with lock.writer_lock(mirror, command=command, periode=periode):
            pull(bucket, mirror)
            yield Session(bucket, mirror, stale)
