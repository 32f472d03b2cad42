"""The deployment as the README says to run it, against a real Prefect server and a process worker:
the pseudonym key stored as a Secret block (``padan prefect kunci``), the alerts applied
(``padan prefect alerts``, notifying a webhook this test listens on), ``prefect deploy --all`` of the
repository's own prefect.yaml, then two runs triggered with ``prefect deployment run``:

* a month whose inbox holds a file that cannot be read and whose bank feedback never came: it
  publishes a complete snapshot, analysts' zone included, pseudonymised with the key from the
  Secret block (the manifest's fingerprint is the one ``kunci`` printed), and the quarantine and
  missing-feedback automations notify;
* a run on a data root with no reference files: it fails, and the run-failed automation notifies.

Everything it starts (server, worker, listener) is stopped at the end, pass or fail."""

from __future__ import annotations

import hashlib
import hmac
import http.server
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import polars as pl
import pytest

from flows.generate import generate_data_root

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
P = "2026-11"
KEY = "kunci-uji-deployment-0123456789"
pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Hook(http.server.BaseHTTPRequestHandler):
    received: list[dict] = []

    def do_POST(self):  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        Hook.received.append(json.loads(body or b"{}"))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def uv_dir() -> str:
    found = shutil.which("uv") or str(REPO / ".tools" / "bin" / "uv")
    assert Path(found).exists(), "uv is needed on the worker (the pull step runs uv sync --frozen)"
    return str(Path(found).parent)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    home = tmp_path_factory.mktemp("prefect-home")
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env |= {
        "PREFECT_HOME": str(home),
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_UI_ENABLED": "false",
        "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
        "PATH": f"{uv_dir()}{os.pathsep}{BIN}{os.pathsep}{env.get('PATH', '')}",
        "PREFECT_LOGGING_LEVEL": "WARNING",
    }
    env.pop("PADAN_PSEUDONYM_KEY", None)
    log = open(home / "server.log", "w")
    proc = subprocess.Popen(
        [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=2)
                break
            except OSError:
                assert proc.poll() is None, (home / "server.log").read_text()[-3000:]
                assert time.monotonic() < deadline, "the Prefect server did not start in 120 s"
                time.sleep(0.5)
        yield env
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def sh(env, *args, stdin: str | None = None, timeout: float = 180) -> str:
    done = subprocess.run(list(args), env=env, cwd=REPO, input=stdin, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{args}: {done.stdout[-2000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def flow_run_state(env, run_id: str) -> str:
    with urllib.request.urlopen(f"{env['PREFECT_API_URL']}/flow_runs/{run_id}", timeout=10) as r:
        return json.loads(r.read())["state"]["type"]


def triggered(out: str) -> str:
    """The flow run id printed by ``prefect deployment run``."""
    for line in out.splitlines():
        if "UUID:" in line:
            return line.split("UUID:", 1)[1].strip()
    raise AssertionError(out)


def wait_for(what, check, within: float):
    deadline = time.monotonic() + within
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, f"{what}: not within {within:.0f} s"
        time.sleep(1)


def test_deploy_trigger_publish_and_alert(server, tmp_path):
    env = server
    listener = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=listener.serve_forever, daemon=True).start()
    Hook.received.clear()
    worker = None
    try:
        padan = str(BIN / "padan")
        prefect = str(BIN / "prefect")
        sh(env, prefect, "variable", "set", "padan_code_dir", str(REPO), "--overwrite")
        stored = sh(env, padan, "prefect", "kunci", stdin=KEY + "\n")
        fingerprint = stored.split("fingerprint", 1)[1].split()[0]
        assert KEY not in stored
        applied = sh(env, padan, "prefect", "alerts", "--webhook", f"http://127.0.0.1:{listener.server_port}/")
        assert "padan-run-gagal" in applied and "padan-berkas-dikarantina" in applied
        again = sh(env, padan, "prefect", "alerts")  # updated by name, through the block now on the server
        assert again.startswith("6 automations") and Hook.received == []
        sh(env, prefect, "work-pool", "create", "padan-process", "--type", "process")
        sh(env, prefect, "--no-prompt", "deploy", "--all", timeout=240)

        root = tmp_path / "root"
        generate_data_root(root, persons=600, usulan=120, periode=P, seed=5, truth_dir=tmp_path / "truth")
        shutil.rmtree(root / "feedback" / P)  # the banks sent nothing this month
        (root / "inbox" / P / "35" / "usulan_3505_rusak.csv").write_bytes(b"PK\x03\x04\x00\xff\xfe garbage")
        empty = tmp_path / "empty-root"
        empty.mkdir()

        def trigger(data_root: Path, *extra: str) -> str:
            """``prefect deployment run`` of the monthly deployment on a data root: the flow run's id."""
            args = ["deployment", "run", "padan-monthly/monthly", "-p", f"data_root={json.dumps(str(data_root))}"]
            return triggered(sh(env, prefect, *args, "-p", f'periode="{P}"', *extra))

        good = trigger(root)
        no_retry = {"PADAN_PSEUDONYM_KEY_BLOCK": "padan-pseudonym-key", "PREFECT_FLOWS_DEFAULT_RETRIES": "0"}
        bad = trigger(empty, "--job-variable", f"env={json.dumps(no_retry)}")
        wlog = open(tmp_path / "worker.log", "w")
        worker = subprocess.Popen(
            [prefect, "worker", "start", "--pool", "padan-process"],
            env=env,
            cwd=tmp_path,
            stdout=wlog,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        ends = {"COMPLETED", "FAILED", "CRASHED", "CANCELLED"}

        def both_ended():
            now = (flow_run_state(env, good), flow_run_state(env, bad))
            return now if set(now) <= ends else None

        states = wait_for("both runs ended", both_ended, within=420)
        assert states == ("COMPLETED", "FAILED"), (tmp_path / "worker.log").read_text()[-5000:]

        snap = root / "snapshots" / f"periode={P}"
        manifest = json.loads((snap / "_manifest.json").read_text())
        assert manifest["analytics"] == "published"
        assert manifest["analytics_key"] == fingerprint
        assert json.loads((root / "snapshots" / "_current.json").read_text())["periode"] == P
        quarantined = [q["file"] for q in manifest["karantina"]]
        assert quarantined == ["usulan_3505_rusak.csv"]
        zone = pl.read_parquet(root / "analytics" / "individu" / f"periode={P}" / "data.parquet")
        individu = pl.read_parquet(snap / "individu" / "individu.parquet")
        assert zone.height == individu.height > 0
        # pseudonymised under the Secret block's key: HMAC-SHA256, 128 bits, by Python's hmac
        expected = {hmac.new(KEY.encode(), n.encode(), hashlib.sha256).hexdigest()[:32] for n in individu["nik"]}
        assert set(zone["nik"]) == expected
        assert "nama" not in zone.columns
        assert not (root / ".padan" / "work").exists() or not any((root / ".padan" / "work").iterdir())

        expected = (f"Padan {P}: berkas dikarantina", f"Padan {P}: umpan balik bank tidak ada", "Padan: run")

        def all_notified():
            subjects = sorted(h["subject"] for h in Hook.received)
            return subjects if all(any(s.startswith(e) for s in subjects) for e in expected) else None

        subjects = wait_for("the three kinds of notification", all_notified, within=90)
        assert any(s.startswith(f"Padan {P}: berkas dikarantina") for s in subjects), subjects
        assert any(s.startswith(f"Padan {P}: umpan balik bank tidak ada") for s in subjects), subjects
        assert any(s.startswith("Padan: run") and s.endswith("Failed") for s in subjects), subjects
        bodies = " ".join(h["body"] for h in Hook.received)
        assert "usulan_3505_rusak.csv" in bodies and "burekol" in bodies
    finally:
        if worker is not None:
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
        listener.shutdown()
