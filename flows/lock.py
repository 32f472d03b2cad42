"""One writer per data root: every command that writes takes ``<root>/.padan/lock`` first.

The lock is an exclusive ``flock`` on that file, so the kernel releases it when the holder's
process ends in any way (``kill -9`` included): a lock left by a dead process is recognised as
stale simply because nobody holds it any more. While it is held, the file names the holder
(host, pid, command, periode, start time), so a second writer can say who is in its way. Readers
never take it: what they read is switched into place atomically (``flows.publish``).

The lock is re-entrant within one process (the CLI takes it around staging and the flow, and the
flow takes it again, so a deployment run that does not go through the CLI is covered too).
``flock`` works on a local file system and on NFSv4 with lock support; a data root on object storage
has a lease object instead (``flows.bucket.bucket_lock``).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flows import settings

_POLL_SECONDS = 0.5

_held: dict[str, list] = {}  # resolved lock path -> [fd, depth]
_guard = threading.Lock()


class RootLocked(RuntimeError):
    """Another process is writing to this data root."""

    def __init__(self, lock_path: Path, holder: dict):
        self.holder = holder
        who = (
            ", ".join(
                f"{k} {holder[k]}"
                for k in ("host", "pid", "command", "periode", "started_at")
                if holder.get(k) is not None
            )
            or "unknown holder"
        )
        super().__init__(
            f"data root is in use by another padan process ({who}); lock {lock_path}. "
            f"Wait for it to finish, or set {settings.LOCK_WAIT_SECONDS} to wait; a crashed holder releases the lock by itself"
        )


def lock_path(root: Path) -> Path:
    return Path(root) / ".padan" / "lock"


def holder(root: Path) -> dict:
    """What the lock file says about its last holder ({} when it names none)."""
    try:
        text = lock_path(root).read_text(encoding="utf-8").strip()
        return json.loads(text) if text else {}
    except (OSError, ValueError):
        return {}


@contextmanager
def writer_lock(
    root: Path, *, command: str, periode: str | None = None, wait_seconds: float | None = None
) -> Iterator[dict]:
    """Hold the data root's writer lock for the ``with`` block.

    ``wait_seconds`` (default ``PADAN_LOCK_WAIT_SECONDS``, else 0): how long to wait for another
    holder before raising :class:`RootLocked`. Yields the previous holder's record when that one
    ended without releasing the lock (a crash), else ``{}``.
    """
    path = lock_path(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    key = str(path.resolve())
    with _guard:
        if key in _held:
            _held[key][1] += 1
            reentered = True
        else:
            reentered = False
    if reentered:
        try:
            yield {}
        finally:
            with _guard:
                _held[key][1] -= 1
        return
    if wait_seconds is None:
        wait_seconds = settings.lock_wait_seconds()
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    deadline = time.monotonic() + wait_seconds
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise RootLocked(path, holder(root)) from None
                time.sleep(_POLL_SECONDS)
    except BaseException:
        os.close(fd)
        raise
    stale = holder(root)  # a record left behind means its writer died holding the lock
    record = {
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "command": command,
        "periode": periode,
        "started_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }
    os.ftruncate(fd, 0)
    os.pwrite(fd, (json.dumps(record) + "\n").encode("utf-8"), 0)
    os.fsync(fd)
    with _guard:
        _held[key] = [fd, 1]
    try:
        yield stale
    finally:
        with _guard:
            _held.pop(key, None)
        os.ftruncate(fd, 0)
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
