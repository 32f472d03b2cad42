"""The publish stage: every output of the period staged, then published in one switch."""

from __future__ import annotations

from pathlib import Path

from prefect import task

from flows import io, release
from flows.stages.common import TASK, reference_date
from flows.stages.results import Published


@task(**TASK)
def publish_release(
    data_root: str, periode: str, tables: dict[str, str], lists: dict[str, str], manifest: dict, replace: bool
) -> Published:
    """Every output of the period written to a staging tree, then published in one switch (or left
    as published when a rerun gives the same result; repaired when published files went missing)."""
    root = io.Root(Path(data_root))
    frames = {name: io.read_parquet(p) for name, p in tables.items()}
    previous = io.latest_snapshot_before(root, periode)
    prev_pen = io.read_parquet(root.snapshot(previous) / "penerima", hive_partitioning=False) if previous else None
    staged = io.new_staging_dir(root, periode)
    manifest = release.write_release(
        root,
        periode,
        frames,
        manifest,
        lists=io.read_parquet(lists["lists"]),
        stops=io.read_parquet(lists["stops"]),
        previous_penerima=prev_pen,
        reference_date=reference_date(periode),
        staged=staged,
    )
    try:
        outcome = release.settle(root, periode, staged, manifest, replace=replace)
    finally:
        io.remove_tree(staged)
    return Published(snapshot=str(root.snapshot(periode)), unchanged=outcome["unchanged"], repaired=outcome["repaired"])
