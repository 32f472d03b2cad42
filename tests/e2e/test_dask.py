"""The same flow on a local Dask cluster of worker processes gives the same snapshot, byte for byte,
even with the register and rules work cut into many more per-province tasks than the local run's."""

from __future__ import annotations

import shutil

from published import period_outputs

from flows.generate import generate_data_root
from flows.monthly import monthly_run
from flows.runners import task_runner_from_env

P = "2026-11"


def test_dask_run_equals_local_run(tmp_path, monkeypatch):
    local = tmp_path / "local"
    generate_data_root(local, persons=5_000, usulan=1_200, periode=P, seed=8, truth_dir=tmp_path / "truth")
    on_dask = tmp_path / "dask"
    shutil.copytree(local, on_dask)
    monthly_run(data_root=str(local), periode=P)
    monkeypatch.setenv("PADAN_TASK_RUNNER", "dask")
    monkeypatch.setenv("PADAN_DASK_WORKERS", "2")
    monkeypatch.setenv("PADAN_PARTITION_ROWS", "1")  # a task per province (~35) instead of one
    runner = task_runner_from_env()
    assert type(runner).__name__ == "DaskTaskRunner"
    monthly_run.with_options(task_runner=runner)(data_root=str(on_dask), periode=P)
    assert period_outputs(on_dask, P) == period_outputs(local, P)
