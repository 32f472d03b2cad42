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
- **Lock**: ``.padan/lock``, created only if absent (a conditional PUT), naming its holder, renewed
  by a heartbeat and valid for ``PADAN_LOCK_LEASE_SECONDS``; a lock whose lease ran out, or whose
  holder's process on this host is gone, is stale and taken over.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flows import lock, publish, settings

SCHEMES = ("s3://", "gs://", "az://")
LOCK_KEY = ".padan/lock"
STAGING = ".padan/staging/"
COMMIT = "_commit.json"
JOURNAL = ".padan/runs.jsonl"
ARCHIVE = ".padan/replaced/"
STATE = Path(".padan") / "mirror.json"
LOCAL_ONLY = ("padan.duckdb", ".padan.duckdb.tmp")
"""Never pulled or pushed: the analysts' catalog names absolute local paths (``padan catalog``
writes one beside each mirror)."""


class RemoteError(ValueError):
    """The bucket cannot be reached or used as a data root."""


def is_remote(data_root: object) -> bool:
    return isinstance(data_root, str) and data_root.startswith(SCHEMES)


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
# the bucket
# ---------------------------------------------------------------------------------------------


class Bucket:
    """One data root on object storage, through obstore; keys are relative to the URL's prefix.
    Credentials and the endpoint come from the environment as the cloud's own tools read them
    (``AWS_ACCESS_KEY_ID``, ``AWS_ENDPOINT_URL``, ``AWS_ALLOW_HTTP``, ``GOOGLE_SERVICE_ACCOUNT``...)."""

    def __init__(self, url: str):
        from obstore.store import from_url

        self.url = url.rstrip("/")
        try:
            self.store = from_url(self.url)
        except Exception as e:
            raise RemoteError(f"--data-root {self.url}: not an object-store address Padan can use ({e})") from None

    def _call(self, what: str, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except FileNotFoundError:  # obstore's NotFoundError
            raise
        except Exception as e:
            if type(e).__name__ == "AlreadyExistsError":
                raise
            raise RemoteError(
                f"{self.url}: {what} failed ({type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}); "
                "check the bucket, the credentials (AWS_* / GOOGLE_* variables) and AWS_ENDPOINT_URL"
            ) from None

    def list(self, prefix: str = "") -> dict[str, dict]:
        """key -> {size, etag} of every object under ``prefix``."""
        import obstore

        def listing():
            out = {}
            for batch in obstore.list(self.store, prefix=prefix.rstrip("/") or None):
                for m in batch:
                    out[m["path"]] = {"size": m["size"], "etag": m["e_tag"]}
            return out

        return self._call("listing", listing)

    def download(self, key: str, dest: Path) -> None:
        import obstore

        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(f".{dest.name}.{uuid.uuid4().hex[:8]}.part")

        def fetch():
            with open(tmp, "wb") as f:
                for chunk in obstore.get(self.store, key):
                    f.write(chunk)

        try:
            self._call(f"reading {key}", fetch)
            os.replace(tmp, dest)  # never into an existing file: generations share files by hard links
        finally:
            tmp.unlink(missing_ok=True)

    def upload(self, path: Path, key: str) -> None:
        import obstore

        self._call(f"writing {key}", obstore.put, self.store, key, path)

    def put_bytes(self, key: str, data: bytes, *, create: bool = False) -> None:
        import obstore

        self._call(f"writing {key}", obstore.put, self.store, key, data, mode="create" if create else "overwrite")

    def get_bytes(self, key: str) -> bytes | None:
        import obstore

        try:
            return bytes(self._call(f"reading {key}", obstore.get, self.store, key).bytes())
        except FileNotFoundError:
            return None

    def copy(self, src: str, dst: str) -> None:
        import obstore

        self._call(f"copying {src}", obstore.copy, self.store, src, dst)

    def delete(self, keys: list[str]) -> None:
        import obstore

        for i in range(0, len(keys), 1000):
            self._call("deleting", obstore.delete, self.store, keys[i : i + 1000])


# ---------------------------------------------------------------------------------------------
# the mirror
# ---------------------------------------------------------------------------------------------


def mirror_dir(url: str) -> Path:
    """This machine's mirror of a bucket data root (one per URL, under ``PADAN_CACHE_DIR``)."""
    return settings.cache_dir() / f"mirror-{_url_hash(url)}"


def _stat(path: Path) -> list[int] | None:
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
        if rec and rec["etag"] == remote[key]["etag"] and _stat(path) == rec["stat"]:
            continue
        bucket.download(key, path)
        state[key] = {"etag": remote[key]["etag"], "stat": _stat(path)}
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
    changed = sorted(k for k, p in here.items() if (state.get(k) or {}).get("stat") != _stat(p))
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
        state[key] = {"etag": listing[key]["etag"], "stat": _stat(here[key])}
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
# the lock
# ---------------------------------------------------------------------------------------------

_held: dict[str, list] = {}  # url -> [token, depth, stop event, lost flag]
_guard = threading.Lock()


def _now() -> float:
    return time.time()


def _stale(holder: dict) -> bool:
    if holder.get("expires_at", 0) < _now():
        return True
    if holder.get("host") == socket.gethostname() and isinstance(holder.get("pid"), int):
        try:
            os.kill(holder["pid"], 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
    return False


@contextmanager
def bucket_lock(bucket: Bucket, *, command: str, periode: str | None) -> Iterator[dict | None]:
    """The bucket's one-writer lock for the length of the block (re-entrant in a process); yields
    the stale holder taken over, if any. Refused with ``lock.RootLocked`` when another writer holds
    it for longer than ``PADAN_LOCK_WAIT_SECONDS``."""
    with _guard:
        mine = _held.get(bucket.url)
        if mine:
            mine[1] += 1
    if mine:
        try:
            yield None
        finally:
            with _guard:
                mine[1] -= 1
        return
    token = uuid.uuid4().hex
    lease = settings.lock_lease_seconds()
    base = {
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "command": command,
        "periode": periode,
        "started_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "token": token,
    }
    deadline = time.monotonic() + settings.lock_wait_seconds()
    stale = None
    while True:
        try:
            bucket.put_bytes(LOCK_KEY, json.dumps(base | {"expires_at": _now() + lease}).encode(), create=True)
            break
        except Exception as e:
            if type(e).__name__ != "AlreadyExistsError":
                raise
        raw = bucket.get_bytes(LOCK_KEY)
        holder = json.loads(raw) if raw else None
        if holder is None:
            continue
        if _stale(holder):
            stale = holder
            bucket.delete([LOCK_KEY])
            continue
        if time.monotonic() >= deadline:
            raise lock.RootLocked(f"{bucket.url}/{LOCK_KEY}", holder)
        time.sleep(0.5)
    stop = threading.Event()
    entry = [token, 1, stop, False]

    def heartbeat():
        valid_until = _now() + lease
        while not stop.wait(lease / 3):
            try:
                raw = bucket.get_bytes(LOCK_KEY)
                if not raw or json.loads(raw).get("token") != token:
                    entry[3] = True  # taken over: this writer must not publish
                    return
                renewed = _now() + lease
                bucket.put_bytes(LOCK_KEY, json.dumps(base | {"expires_at": renewed}).encode())
                valid_until = renewed
            except RemoteError:  # the bucket did not answer: try again, until the lease is over
                if _now() >= valid_until:
                    entry[3] = True
                    return

    beat = threading.Thread(target=heartbeat, name="padan-lock-heartbeat", daemon=True)
    beat.start()
    with _guard:
        _held[bucket.url] = entry
    try:
        yield stale
    finally:
        with _guard:
            _held.pop(bucket.url, None)
        stop.set()
        beat.join(timeout=5)
        raw = bucket.get_bytes(LOCK_KEY)
        if raw and json.loads(raw).get("token") == token:
            bucket.delete([LOCK_KEY])


def still_held(bucket: Bucket) -> None:
    """Refuse to publish after the lease was lost (a heartbeat that could not renew it in time)."""
    entry = _held.get(bucket.url)
    if entry is None or entry[3]:
        raise RemoteError(
            f"{bucket.url}: this run lost the data root's lock (its lease ran out); nothing more is published. "
            f"Raise {settings.LOCK_LEASE_SECONDS} and run again"
        )


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


# ---------------------------------------------------------------------------------------------
# mapped tasks on workers that share nothing with the flow but the bucket
# ---------------------------------------------------------------------------------------------


def work_prefix(periode: str) -> str:
    return f".padan/work/periode={periode}/"


def _task_folder_pattern(url: str) -> re.Pattern:
    return re.compile(r"^.*?/task-" + _url_hash(url) + r"-[0-9a-f]{12}(?=/)")


def _url_hash(url: str) -> str:
    return hashlib.sha256(url.rstrip("/").encode()).hexdigest()[:16]


@contextmanager
def task_root(target: str, periode: str, *, keys: list[str] = (), parts: list[str] = ()) -> Iterator[Path]:
    """Where a mapped task finds the data root. A folder: itself. A bucket (a Dask worker that sees
    only the bucket): a private folder of this task holding the objects it reads (``keys``, and of
    the run's work folder the ``common`` inputs and the partitions ``parts``), whose new files are
    sent to the bucket's work folder when the task ends; the folder is removed after (it holds
    personal data). Paths in the task's result point into that folder; the flow maps them onto its
    mirror (``WorkSync.received``)."""
    if not is_remote(target):
        yield Path(target)
        return
    bucket = Bucket(target)
    folder = settings.cache_dir() / f"task-{_url_hash(bucket.url)}-{uuid.uuid4().hex[:12]}"
    prefix = work_prefix(periode)
    tags = tuple(f"/_part={p}/" for p in parts)
    wanted = list(keys)
    if parts:
        wanted += [k for k in bucket.list(prefix) if k.startswith(prefix + "common/") or any(t in k for t in tags)]
    try:
        for key in sorted(set(wanted)):
            bucket.download(key, folder / key)
        fetched = {folder / k for k in wanted}
        yield folder
        for rel, path in publish.files_below(folder / prefix):
            if path not in fetched:
                bucket.upload(path, prefix + rel)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _rebased(obj, pattern: re.Pattern, mirror: str):
    if isinstance(obj, str):
        return pattern.sub(mirror, obj, count=1)
    if isinstance(obj, list):
        return [_rebased(x, pattern, mirror) for x in obj]
    if isinstance(obj, dict):
        return {k: _rebased(v, pattern, mirror) for k, v in obj.items()}
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return dataclasses.replace(
            obj, **{f.name: _rebased(getattr(obj, f.name), pattern, mirror) for f in dataclasses.fields(obj) if f.init}
        )
    return obj


class WorkSync:
    """The flow's side of mapped tasks that run on workers sharing only the bucket: the work files
    the flow wrote are sent before the tasks start (``sent``), and what the tasks wrote is fetched
    into the flow's mirror after, with the paths of their results mapped onto it (``received``)."""

    def __init__(self, url: str, mirror: Path, periode: str):
        self.bucket = Bucket(url)
        self.mirror = mirror
        self.prefix = work_prefix(periode)
        self.known: dict[str, list[int] | None] = {}
        self.pattern = _task_folder_pattern(self.bucket.url)

    def sent(self) -> None:
        for rel, path in publish.files_below(self.mirror / self.prefix):
            key = self.prefix + rel
            if self.known.get(key) != _stat(path):
                self.bucket.upload(path, key)
                self.known[key] = _stat(path)

    def received(self, results: list) -> list:
        for key in sorted(self.bucket.list(self.prefix)):
            path = self.mirror / key
            if key not in self.known or self.known[key] != _stat(path):
                self.bucket.download(key, path)
                self.known[key] = _stat(path)
        return _rebased(results, self.pattern, str(self.mirror))

    def cleared(self) -> None:
        self.bucket.delete(sorted(self.bucket.list(self.prefix)))
