"""The data root's writer lock: one holder, named to whoever waits; freed by the kernel when its
holder dies, however it dies; re-entrant within a process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from flows import lock

HOLD = """
import sys, time
from pathlib import Path
from flows.lock import writer_lock
with writer_lock(Path(sys.argv[1]), command="run", periode="2026-11"):
    print("held", flush=True)
    time.sleep(60)
"""


def holder_process(root) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(root)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_a_second_writer_is_refused_naming_the_holder(tmp_path):
    proc = holder_process(tmp_path)
    try:
        with pytest.raises(lock.RootLocked) as err:
            with lock.writer_lock(tmp_path, command="catalog"):
                pass
        message = str(err.value)
        assert f"pid {proc.pid}" in message and "command run" in message and "periode 2026-11" in message
        assert err.value.holder["host"] == os.uname().nodename
    finally:
        proc.kill()
        proc.wait()


def test_a_killed_holder_frees_the_root_and_is_reported_as_stale(tmp_path):
    proc = holder_process(tmp_path)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert lock.holder(tmp_path)["pid"] == proc.pid  # its record is still there ...
    with lock.writer_lock(tmp_path, command="run", periode="2026-12") as stale:
        assert stale["pid"] == proc.pid  # ... and recognised as left by a dead writer
        assert lock.holder(tmp_path)["pid"] == os.getpid()
    assert lock.holder(tmp_path) == {}  # a clean release leaves no record


def test_waiting_for_the_holder(tmp_path):
    proc = holder_process(tmp_path)
    started = time.monotonic()
    with pytest.raises(lock.RootLocked):
        with lock.writer_lock(tmp_path, command="run", wait_seconds=1.2):
            pass
    assert 1.0 <= time.monotonic() - started < 5
    proc.kill()
    proc.wait()
    with lock.writer_lock(tmp_path, command="run", wait_seconds=5):
        pass


def test_re_entrant_in_one_process(tmp_path):
    with lock.writer_lock(tmp_path, command="load-initial") as outer:
        with lock.writer_lock(tmp_path, command="run") as inner:
            assert inner == {} and lock.holder(tmp_path)["command"] == "load-initial"
        assert lock.holder(tmp_path)["command"] == "load-initial"  # the inner exit does not release
    assert outer == {} and lock.holder(tmp_path) == {}
