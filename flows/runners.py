"""Where the flow's tasks run, chosen by configuration, never by code changes.

``PADAN_TASK_RUNNER``:
- unset or ``thread`` (default): Prefect's thread pool in this process, at most ``PADAN_THREADS``
  tasks at a time (default: the number of cores; polars already uses the cores inside a task, and
  more concurrent partitions would only add up their memory).
- ``dask``: a Dask cluster through prefect-dask. ``PADAN_DASK_ADDRESS`` (``tcp://scheduler:8786``)
  names an existing cluster; without it a local cluster of ``PADAN_DASK_WORKERS`` worker processes
  (default 2) is started for the run.

Tasks exchange paths under the data root, never frames, so a worker only needs to reach the data
root (a shared file system here; object storage is the documented next step, docs/scaling.md).
"""

from __future__ import annotations

import os


def thread_runner():
    """Prefect's thread pool, bounded (Prefect's own default starts every mapped task at once)."""
    from prefect.task_runners import ThreadPoolTaskRunner

    return ThreadPoolTaskRunner(max_workers=int(os.environ.get("PADAN_THREADS") or os.cpu_count() or 2))


def task_runner_from_env():
    """The task runner the environment asks for."""
    kind = os.environ.get("PADAN_TASK_RUNNER", "thread").strip().lower()
    if kind in ("", "thread", "default"):
        return thread_runner()
    if kind != "dask":
        raise ValueError(f"PADAN_TASK_RUNNER must be 'thread' or 'dask', not {kind!r}")
    from prefect_dask import DaskTaskRunner

    address = os.environ.get("PADAN_DASK_ADDRESS")
    if address:
        return DaskTaskRunner(address=address)
    workers = int(os.environ.get("PADAN_DASK_WORKERS", "2"))
    return DaskTaskRunner(cluster_class="distributed.LocalCluster",
                          cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True,
                                          "dashboard_address": None})
