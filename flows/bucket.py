"""A data root on object storage (``s3://bucket/prefix``; ``gs://`` and ``az://`` through the same
library): the bucket's objects through obstore, and its one-writer lock.

**Lock**: ``.padan/lock``, created only if absent (a conditional PUT), naming its holder, renewed by
a heartbeat and valid for ``PADAN_LOCK_LEASE_SECONDS``; a lock whose lease ran out, or whose
holder's process on this host is gone, is stale and taken over. The local root's lock is
``flows.lock`` (an ``flock``); how a run uses the bucket is ``flows.remote``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flows import lock, settings

SCHEMES = ("s3://", "gs://", "az://")
LOCK_KEY = ".padan/lock"


class RemoteError(ValueError):
    """The bucket cannot be reached or used as a data root."""


def is_remote(data_root: object) -> bool:
    return isinstance(data_root, str) and data_root.startswith(SCHEMES)


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


def url_hash(url: str) -> str:
    """A short stable name of a bucket data root (its mirror's and its tasks' folders)."""
    return hashlib.sha256(url.rstrip("/").encode()).hexdigest()[:16]


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
