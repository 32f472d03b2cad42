"""Every setting Padan reads from the environment, in one place: the variable, its type, its
default and what it changes. A command, a deployment (``prefect.yaml``: ``job_variables.env``) or a
test sets the variables; the code asks here, never ``os.environ`` itself, and a value that does not
fit is refused naming the variable and what to write.

| variable | default | what it does |
|---|---|---|
| ``PADAN_PSEUDONYM_KEY`` | unset | HMAC key of the analysts' zone, at least 16 characters, never the demo key outside ``padan demo``; unset: the zone is not written (the manifest and the run's warnings say so) |
| ``PADAN_PSEUDONYM_KEY_BLOCK`` | unset | the name of a Prefect Secret block holding that key (a deployment sets this, never the key: ``padan prefect kunci`` stores it); set one of the two |
| ``PADAN_ALERT_ACCEPTED_FACTOR`` | 2 | a month whose accepted rows are more than this many times the previous period's, or fewer than its share, raises JUMLAH_DITERIMA_MENYIMPANG |
| ``PADAN_TASK_RUNNER`` | ``thread`` | ``thread`` (threads of this process) or ``dask`` |
| ``PADAN_THREADS`` | the CPU count | threads of the thread runner |
| ``PADAN_DASK_ADDRESS`` | unset | a running Dask scheduler; unset: a local cluster of ``PADAN_DASK_WORKERS`` processes |
| ``PADAN_DASK_WORKERS`` | 2 | processes of the local Dask cluster |
| ``PADAN_PARTITION_ROWS`` | 250000 | rows per task of the partitioned stages (never changes a result) |
| ``PADAN_LOCK_WAIT_SECONDS`` | 0 | how long a second writer waits for the data root's lock before it is refused |
| ``PADAN_LOCK_LEASE_SECONDS`` | 300 | a data root on object storage: how long its lock stays valid without its holder's heartbeat (renewed every third of it); a crashed holder on another machine blocks writers this long |
| ``PADAN_CACHE_DIR`` | ``~/.cache/padan`` | where the mirrors of object-storage data roots are kept (personal data: a disk as protected as the bucket) |
| ``PADAN_DEMO`` | unset | set by ``padan demo`` for itself: the demo key is allowed |
| ``PADAN_FAULT_AT`` / ``PADAN_PAUSE_AT`` | unset | tests only: kill / pause the process at a named publishing step |
"""

from __future__ import annotations

import functools
import json
import os

PSEUDONYM_KEY = "PADAN_PSEUDONYM_KEY"
PSEUDONYM_KEY_BLOCK = "PADAN_PSEUDONYM_KEY_BLOCK"
ALERT_ACCEPTED_FACTOR = "PADAN_ALERT_ACCEPTED_FACTOR"
TASK_RUNNER = "PADAN_TASK_RUNNER"
THREADS = "PADAN_THREADS"
DASK_ADDRESS = "PADAN_DASK_ADDRESS"
DASK_WORKERS = "PADAN_DASK_WORKERS"
PARTITION_ROWS = "PADAN_PARTITION_ROWS"
LOCK_WAIT_SECONDS = "PADAN_LOCK_WAIT_SECONDS"
LOCK_LEASE_SECONDS = "PADAN_LOCK_LEASE_SECONDS"
CACHE_DIR = "PADAN_CACHE_DIR"
FAULT_AT = "PADAN_FAULT_AT"
DEMO_KEY = "demo-key-not-a-secret"
"""The key ``padan demo`` uses on its generated data (and only there)."""
MIN_KEY_CHARS = 16
DEMO = "PADAN_DEMO"
PAUSE_AT = "PADAN_PAUSE_AT"


class SettingError(ValueError):
    """An environment variable whose value Padan cannot use."""


def _text(name: str) -> str:
    return os.environ.get(name, "").strip()


def _number(name: str, default: float, kind: type, *, minimum: float) -> float:
    raw = _text(name)
    if not raw:
        return default
    try:
        value = kind(raw)
    except ValueError:
        value = None
    if value is None or value < minimum:
        what = "a whole number" if kind is int else "a number"
        raise SettingError(f"{name}={raw!r} is not {what} of at least {minimum:g}; set it so, or unset it")
    return value


def pseudonym_key() -> bytes:
    """The analysts' zone's HMAC key (empty: unset, no zone). Refused: a key set but blank, shorter
    than ``MIN_KEY_CHARS``, or the demo key outside ``padan demo``: each would publish pseudonyms
    that anyone with the key, or a few guesses, can link back to NIKs."""
    raw = os.environ.get(PSEUDONYM_KEY)
    block = _text(PSEUDONYM_KEY_BLOCK)
    if block:
        if raw is not None:
            raise SettingError(f"both {PSEUDONYM_KEY} and {PSEUDONYM_KEY_BLOCK} are set; set only one of them")
        raw = _secret_block(block)
    return b"" if raw is None else checked_key(raw)


def checked_key(raw: str) -> bytes:
    """A pseudonym key as given (from the environment, a Secret block or ``padan prefect kunci``),
    refused when it is blank, too short or the demo key outside ``padan demo``."""
    if not raw.strip():
        raise SettingError(
            f"{PSEUDONYM_KEY} is set but blank; set the secret (from the secret store), or unset it to publish no "
            "analysts' zone"
        )
    if raw == DEMO_KEY:
        if _text(DEMO) != "1":
            raise SettingError(f"{PSEUDONYM_KEY} is the demo key (padan demo only); set the real secret")
    elif len(raw) < MIN_KEY_CHARS:
        raise SettingError(f"{PSEUDONYM_KEY} is shorter than {MIN_KEY_CHARS} characters: too weak; set a longer secret")
    return raw.encode("utf-8")


@functools.lru_cache(maxsize=None)
def _secret_block(name: str) -> str:
    """The text of the Prefect Secret block ``name`` on the configured Prefect server, as stored
    (``Secret.get`` would parse JSON-looking text: a quoted key would lose its quotes), read once per
    process: a run (a flow-run process under a worker) pseudonymises and fingerprints with the one
    key it read first, even if the block is rotated while it runs."""
    from prefect.blocks.system import Secret

    try:
        value = Secret.load(name).value.get_secret_value()
        return value if isinstance(value, str) else json.dumps(value)
    except ValueError as e:  # Prefect: "Unable to find block document named ..."
        raise SettingError(
            f"{PSEUDONYM_KEY_BLOCK}={name!r}: no such Secret block on the Prefect server ({e}); store the key with "
            f"`padan prefect kunci --block {name}`"
        ) from None
    except Exception as e:  # no server, refused connection, ...: the run cannot know its key
        raise SettingError(
            f"{PSEUDONYM_KEY_BLOCK}={name!r}: the Prefect server could not be asked for the key "
            f"({type(e).__name__}); check PREFECT_API_URL and that the server runs"
        ) from None


def use_demo_key() -> None:
    """``padan demo`` only, on its generated data: the demo key for the analysts' zone."""
    os.environ[PSEUDONYM_KEY] = DEMO_KEY
    os.environ[DEMO] = "1"


def task_runner_kind() -> str:
    kind = _text(TASK_RUNNER).lower()
    if kind in ("", "thread", "default"):
        return "thread"
    if kind != "dask":
        raise SettingError(f"{TASK_RUNNER} must be 'thread' or 'dask', not {kind!r}")
    return kind


def threads() -> int:
    return int(_number(THREADS, os.cpu_count() or 2, int, minimum=1))


def dask_address() -> str | None:
    return _text(DASK_ADDRESS) or None


def dask_workers() -> int:
    return int(_number(DASK_WORKERS, 2, int, minimum=1))


def partition_rows() -> int:
    return int(_number(PARTITION_ROWS, 250_000, int, minimum=1))


def lock_wait_seconds() -> float:
    return float(_number(LOCK_WAIT_SECONDS, 0.0, float, minimum=0))


def lock_lease_seconds() -> float:
    return float(_number(LOCK_LEASE_SECONDS, 300.0, float, minimum=1))


def cache_dir():
    """The folder of the mirrors of object-storage data roots."""
    from pathlib import Path

    raw = _text(CACHE_DIR)
    return Path(raw).expanduser() if raw else Path.home() / ".cache" / "padan"


def alert_accepted_factor() -> float:
    return float(_number(ALERT_ACCEPTED_FACTOR, 2.0, float, minimum=1))


def fault_at() -> str | None:
    return _text(FAULT_AT) or None


def pause_at() -> str | None:
    return _text(PAUSE_AT) or None


def check() -> None:
    """Every setting read once, so that a value that does not fit stops a run before any work."""
    pseudonym_key()
    task_runner_kind()
    threads()
    dask_workers()
    partition_rows()
    lock_wait_seconds()
    lock_lease_seconds()
    alert_accepted_factor()
