"""`padan run` as its own process, for the tests that kill it or run two at once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from flows import settings


def padan(
    root: str | Path,
    periode: str,
    *extra: str,
    key: str,
    fault: str | None = None,
    pause: str | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.Popen:
    """``padan run`` on ``root`` in a new session (so that its whole group can be killed), with the
    pseudonym key, the test's Prefect server, and ``PADAN_FAULT_AT`` / ``PADAN_PAUSE_AT`` when given."""
    from prefect.settings import PREFECT_API_URL

    full = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value() or "", settings.PSEUDONYM_KEY: key, **(env or {})}
    for name, value in ((settings.FAULT_AT, fault), (settings.PAUSE_AT, pause)):
        full.pop(name, None)
        if value:
            full[name] = value
    return subprocess.Popen(
        [sys.executable, "-m", "flows.cli", "run", "--data-root", str(root), "--periode", periode, *extra],
        env=full,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
        text=True,
    )


def finished(proc: subprocess.Popen, timeout: float = 300) -> subprocess.CompletedProcess:
    out, err = proc.communicate(timeout=timeout)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)
