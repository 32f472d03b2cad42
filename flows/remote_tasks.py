"""Mapped tasks on Dask workers that share nothing with the flow but the bucket: each task fetches
what it reads into a folder of its own and sends what it wrote to the bucket's work folder; the flow
sends its work files before a mapped stage and fetches the tasks' after (docs/decisions.md)."""

from __future__ import annotations

import dataclasses
import re
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flows import publish, settings
from flows.bucket import Bucket, is_remote, url_hash
from flows.remote import file_stat


def work_prefix(periode: str) -> str:
    return f".padan/work/periode={periode}/"


def _task_folder_pattern(url: str) -> re.Pattern:
    return re.compile(r"^.*?/task-" + url_hash(url) + r"-[0-9a-f]{12}(?=/)")


@contextmanager
def task_root(target: str, periode: str, *, keys: list[str] = (), parts: list[str] = ()) -> Iterator[Path]:
    """Where a mapped task finds the data root. A folder: itself. A bucket (a Dask worker that sees
    only the bucket): a private folder of this task holding the objects it reads (``keys``, and of
    the run's work folder the ``common`` inputs and the partitions ``parts``), whose new files are
    sent to the bucket's work folder when the task ends; the folder is removed after (it holds
    personal data). Paths in the task's result point into that folder; the flow maps them onto its
    mirror (``WorkSync.received``)."""
    if not is_remote(target):
        yield Path(target)
        return
    bucket = Bucket(target)
    folder = settings.cache_dir() / f"task-{url_hash(bucket.url)}-{uuid.uuid4().hex[:12]}"
    prefix = work_prefix(periode)
    tags = tuple(f"/_part={p}/" for p in parts)
    wanted = list(keys)
    if parts:
        wanted += [k for k in bucket.list(prefix) if k.startswith(prefix + "common/") or any(t in k for t in tags)]
    try:
        for key in sorted(set(wanted)):
            bucket.download(key, folder / key)
        fetched = {folder / k for k in wanted}
        yield folder
        for rel, path in publish.files_below(folder / prefix):
            if path not in fetched:
                bucket.upload(path, prefix + rel)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _rebased(obj, pattern: re.Pattern, mirror: str):
    if isinstance(obj, str):
        return pattern.sub(mirror, obj, count=1)
    if isinstance(obj, list):
        return [_rebased(x, pattern, mirror) for x in obj]
    if isinstance(obj, dict):
        return {k: _rebased(v, pattern, mirror) for k, v in obj.items()}
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return dataclasses.replace(
            obj, **{f.name: _rebased(getattr(obj, f.name), pattern, mirror) for f in dataclasses.fields(obj) if f.init}
        )
    return obj


class WorkSync:
    """The flow's side of mapped tasks that run on workers sharing only the bucket: the work files
    the flow wrote are sent before the tasks start (``sent``), and what the tasks wrote is fetched
    into the flow's mirror after, with the paths of their results mapped onto it (``received``)."""

    def __init__(self, url: str, mirror: Path, periode: str):
        self.bucket = Bucket(url)
        self.mirror = mirror
        self.prefix = work_prefix(periode)
        self.known: dict[str, list[int] | None] = {}
        self.pattern = _task_folder_pattern(self.bucket.url)

    def sent(self) -> None:
        for rel, path in publish.files_below(self.mirror / self.prefix):
            key = self.prefix + rel
            if self.known.get(key) != file_stat(path):
                self.bucket.upload(path, key)
                self.known[key] = file_stat(path)

    def received(self, results: list) -> list:
        for key in sorted(self.bucket.list(self.prefix)):
            path = self.mirror / key
            if key not in self.known or self.known[key] != file_stat(path):
                self.bucket.download(key, path)
                self.known[key] = file_stat(path)
        return _rebased(results, self.pattern, str(self.mirror))

    def cleared(self) -> None:
        self.bucket.delete(sorted(self.bucket.list(self.prefix)))
