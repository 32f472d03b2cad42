"""`padan run` with no Prefect server configured: the command starts Prefect's temporary server
itself while it checks its files, the flow runs against it, and no server is left behind, neither
after a published month nor after a refused rule file."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from flows.generate import generate_data_root

P = "2026-11"


def servers_of(prefect_home: Path) -> list[int]:
    """Pids of live processes started with this PREFECT_HOME that serve Prefect's API."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes()
            environ = (proc / "environ").read_bytes()
        except OSError:
            continue
        if (
            b"prefect.server.api.server:create_app" in cmdline
            and f"PREFECT_HOME={prefect_home}".encode() in environ.split(b"\0")
        ):
            found.append(int(proc.name))
    return found


def padan(prefect_home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env["PREFECT_HOME"] = str(prefect_home)
    return subprocess.run(
        [sys.executable, "-m", "flows.cli", *args], env=env, capture_output=True, text=True, timeout=300
    )


def gone(prefect_home: Path, within: float = 10) -> bool:
    deadline = time.monotonic() + within
    while servers_of(prefect_home) and time.monotonic() < deadline:
        time.sleep(0.2)
    return not servers_of(prefect_home)


def test_run_without_a_server_publishes_and_stops_its_temporary_server(tmp_path):
    root = tmp_path / "root"
    generate_data_root(root, persons=400, usulan=80, periode=P, seed=5, truth_dir=tmp_path / "truth")
    home = tmp_path / "prefect-home"
    home.mkdir()

    done = padan(home, "run", "--data-root", str(root), "--periode", P)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert (root / "snapshots" / f"periode={P}" / "hasil_usulan").is_dir()
    assert "Traceback" not in done.stderr
    assert gone(home), "the temporary Prefect server outlived the command"

    bad = tmp_path / "rules.yaml"
    bad.write_text("versi: [unclosed\n")
    refused = padan(home, "run", "--data-root", str(root), "--periode", P, "--replace", "--rules", str(bad))
    assert refused.returncode == 2
    assert "rules.yaml" in refused.stderr
    assert gone(home), "a refused run left its temporary Prefect server behind"


def test_a_killed_command_takes_its_temporary_server_with_it(tmp_path):
    """SIGKILL leaves no exit hook to run: the child is told by the kernel (Linux) to stop when its
    parent dies."""
    import signal

    root = tmp_path / "root"
    generate_data_root(root, persons=400, usulan=80, periode=P, seed=6, truth_dir=tmp_path / "truth")
    home = tmp_path / "prefect-home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_API")}
    env["PREFECT_HOME"] = str(home)
    proc = subprocess.Popen(
        [sys.executable, "-m", "flows.cli", "run", "--data-root", str(root), "--periode", P],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not servers_of(home) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.1)
    assert servers_of(home), "the command never started its temporary server"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert gone(home, within=15), "the temporary Prefect server outlived a killed command"
