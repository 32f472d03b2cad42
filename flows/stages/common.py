"""What the stages of the monthly run share: task options, the periode's reference date, the
run's work folders, and how partitions are grouped into tasks."""

from __future__ import annotations

import calendar
import datetime as dt
from pathlib import Path

from prefect.cache_policies import NO_CACHE

from flows import io, settings

TASK = dict(cache_policy=NO_CACHE, persist_result=False)


def reference_date(periode: str) -> dt.date:
    """The last day of the periode: ages, deaths and decisions are taken at it."""
    y, m = map(int, periode.split("-"))
    return dt.date(y, m, calendar.monthrange(y, m)[1])


def common_input(root: io.Root, periode: str, name: str) -> Path:
    """An input as ``read_references`` (or a later global step) read and normalised it once for the run."""
    return root.work(periode) / "common" / f"{name}.parquet"


def part_files(folder: Path, parts: list[str]) -> list[Path]:
    return sorted(f for part in parts for f in io.parquet_files(folder / f"_part={part}"))


def task_groups(*folders: Path) -> list[list[str]]:
    """The partitions found under ``folders``, grouped into tasks of about ``PADAN_PARTITION_ROWS``
    rows (default 250,000) in partition order: a task per province where provinces are big, a few
    small provinces together where a task would cost more to schedule than to run. The grouping
    never changes a result (each person and household lies in one partition; the tables are
    combined and sorted after), only how the work is spread."""
    target = settings.partition_rows()
    sizes: dict[str, int] = {}
    for folder in folders:
        for d in io.partition_folders(folder, "_part"):
            part = d.name.split("=", 1)[1]
            sizes[part] = sizes.get(part, 0) + sum(io.parquet_rows(f) for f in io.parquet_files(d))
    groups: list[list[str]] = []
    filled = target
    for part in sorted(sizes):
        if filled >= target:
            groups.append([])
            filled = 0
        groups[-1].append(part)
        filled += sizes[part]
    return groups
