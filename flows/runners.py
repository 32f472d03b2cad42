"""Where the flow's tasks run, chosen by configuration, never by code changes.

``PADAN_TASK_RUNNER``:
- unset or ``thread`` (default): Prefect's thread pool in this process, at most ``PADAN_THREADS``
  tasks at a time (default: the number of cores; polars already uses the cores inside a task, and
  more concurrent partitions would only add up their memory).
- ``dask``: a Dask cluster through prefect-dask. ``PADAN_DASK_ADDRESS`` (``tcp://scheduler:8786``)
  names an existing cluster; without it a local cluster of ``PADAN_DASK_WORKERS`` worker processes
  (default 2) is started for the run.

Tasks exchange paths under the data root, never frames, so a worker only needs to reach the data
root: a shared file system, or a bucket (then each mapped task fetches what it reads and sends what it
wrote: ``flows.remote_tasks.task_root``).
"""

from __future__ import annotations

import contextlib
import os

from flows import settings


def thread_runner():
    """Prefect's thread pool, bounded (Prefect's own default starts every mapped task at once)."""
    from prefect.task_runners import ThreadPoolTaskRunner

    return ThreadPoolTaskRunner(max_workers=settings.threads())


def task_runner_from_env():
    """The task runner the environment asks for (``flows.settings``)."""
    if settings.task_runner_kind() == "thread":
        return thread_runner()
    from prefect_dask import DaskTaskRunner

    if address := settings.dask_address():
        return DaskTaskRunner(address=address)
    workers = settings.dask_workers()
    return DaskTaskRunner(
        cluster_class="distributed.LocalCluster",
        cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True, "dashboard_address": None},
    )


def _die_with_parent() -> None:  # pragma: no cover (runs in the child, before exec)
    """Linux: the child gets SIGTERM when the command's process dies, even by SIGKILL or the OOM
    killer, so no server is left behind; elsewhere nothing."""
    try:
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class TemporaryServer:
    """Prefect's temporary API server for one command, started as soon as the command starts.

    Prefect starts its own temporary server only when the flow first needs the API, after importing
    the server's code in this process (~6.5 s on 2 cores) and then waiting for the child to import it
    again and migrate its SQLite (~8 s). Started here, the child's start overlaps the command's checks
    of the rule and input files and the imports of the flow; the flow finds it through
    ``PREFECT_API_URL``. The child is the one Prefect would start (same module, arguments and
    environment); it is stopped when the command ends (``stop_server``), at exit, and, on Linux,
    when the command's process dies."""

    ATTEMPTS = 3
    """Starts tried: the free port picked may be taken before the child binds it."""

    def __init__(self) -> None:
        import atexit

        self._launch()
        self._attempts = 1
        atexit.register(self.stop)

    def _launch(self) -> None:
        import socket
        import subprocess
        import sys

        import prefect
        from prefect.settings import get_current_settings

        with socket.socket() as sock:  # a free port, as Prefect picks one
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        self.api_url = f"http://127.0.0.1:{port}/api"
        env = {
            **os.environ,
            "PREFECT_UI_ENABLED": "0",
            "PREFECT__SERVER_EPHEMERAL": "1",
            "PREFECT__SERVER_FINAL": "1",
            **get_current_settings().to_environment_variables(exclude_unset=True),
        }
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--app-dir",
                str(prefect.__module_path__.parent),
                "--factory",
                "prefect.server.api.server:create_app",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--log-level",
                "error",
                "--lifespan",
                "on",
            ],
            env=env,
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
        )

    def wait(self) -> None:
        """Until the server answers its health check (Prefect's own start timeout); a child that
        exits early (its port taken meanwhile) is started again on another port."""
        import time

        import httpx
        from prefect.settings import PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS

        limit = PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value()
        deadline = time.monotonic() + limit
        with httpx.Client() as client:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    if self._attempts >= self.ATTEMPTS:
                        raise RuntimeError(
                            f"Prefect's temporary server exited with code {self.process.returncode} "
                            f"({self._attempts} starts): set PREFECT_API_URL to a running Prefect server"
                        )
                    self._attempts += 1
                    self._launch()
                try:
                    if client.get(f"{self.api_url}/health").status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                time.sleep(0.1)
        raise RuntimeError(
            f"Prefect's temporary server did not answer within {limit} s: set "
            "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS higher, or PREFECT_API_URL to a running server"
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except Exception:
                self.process.kill()
                self.process.wait()


_server: TemporaryServer | None = None


def start_server_early() -> None:
    """Start the temporary server now when no Prefect server is configured (env, profile or
    prefect.toml: Prefect's own settings decide) and Prefect would start one itself."""
    global _server
    from prefect.settings import PREFECT_API_URL, PREFECT_SERVER_EPHEMERAL_ENABLED

    if _server is not None or PREFECT_API_URL.value() or not PREFECT_SERVER_EPHEMERAL_ENABLED.value():
        return
    _server = TemporaryServer()


def stop_server() -> None:
    """The command is over: stop its early server, if it started one (an in-process caller, such
    as a test, may run several commands)."""
    global _server
    if _server is not None:
        _server.stop()
        _server = None


@contextlib.contextmanager
def early_server():
    """For the length of a command: Prefect's temporary server started now (``start_server_early``)
    and stopped when the command ends, whichever way."""
    start_server_early()
    try:
        yield
    finally:
        stop_server()


@contextlib.contextmanager
def server_for_flow():
    """Around a flow call: the early server, once it answers, is the flow's API (in this process
    and, through the environment, in any worker process it starts), and the environment is restored
    after. A server configured meanwhile (a test harness) is used instead; without an early
    server, Prefect's own behaviour."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    if _server is None or PREFECT_API_URL.value():
        yield
        return
    _server.wait()
    before = os.environ.get("PREFECT_API_URL")
    os.environ["PREFECT_API_URL"] = _server.api_url
    try:
        with temporary_settings(updates={PREFECT_API_URL: _server.api_url}):
            yield
    finally:
        if before is None:
            os.environ.pop("PREFECT_API_URL", None)
        else:
            os.environ["PREFECT_API_URL"] = before
