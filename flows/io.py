"""Paths and plain reads and writes of the data root (contracts.md lays out the root): every task,
writer and reader goes through the functions here for its tables, JSON and files (a data root on
object storage is worked on through a local mirror of it: ``flows.remote``). Three mechanisms
keep their own file operations beside it, each in one module: ``inbox`` (the walk of the uploads,
which must see links and special files), ``publish`` (the switch that makes a release visible in
one step, and its recovery) and ``lock`` (one writer)."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq

from schemas.vocabulary import PERIODE
from transforms.ingest import decode_text, normalise_header, sniff_delimiter

PERIODE_RE = re.compile(PERIODE)


@dataclass(frozen=True)
class Root:
    """Paths of one data root."""

    path: Path

    def inbox(self, periode: str) -> Path:
        return self.path / "inbox" / periode

    @property
    def dukcapil(self) -> Path:
        return self.path / "reference" / "dukcapil"

    @property
    def dtsen(self) -> Path:
        return self.path / "reference" / "dtsen"

    @property
    def sdm_kesos(self) -> Path:
        return self.path / "reference" / "sdm_kesos"

    @property
    def gis(self) -> Path:
        return self.path / "reference" / "gis"

    def feedback(self, periode: str, kind: str) -> Path:
        return self.path / "feedback" / periode / kind

    @property
    def snapshots(self) -> Path:
        return self.path / "snapshots"

    def snapshot(self, periode: str) -> Path:
        return self.snapshots / f"periode={periode}"

    def receipts(self, periode: str) -> Path:
        return self.path / "receipts" / f"periode={periode}"

    def work(self, periode: str) -> Path:
        return self.path / ".padan" / "work" / f"periode={periode}"

    def disbursement(self, periode: str) -> Path:
        return self.disbursement_root / f"periode={periode}"

    @property
    def disbursement_root(self) -> Path:
        return self.path / "disbursement"

    @property
    def analytics(self) -> Path:
        return self.path / "analytics"

    def report(self, periode: str) -> Path:
        return self.path / "reports" / f"periode={periode}.html"

    @property
    def catalog(self) -> Path:
        return self.path / "padan.duckdb"

    @property
    def overrides(self) -> Path:
        return self.path / "overrides"

    @property
    def staging(self) -> Path:
        return self.path / ".padan" / "staging"


def check_periode(periode: str) -> str:
    if not PERIODE_RE.match(periode):
        raise ValueError(f"periode must be YYYY-MM, got {periode!r}")
    return periode


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def visible_files(folder: Path, pattern: str = "*") -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob(pattern) if p.is_file() and not p.name.startswith((".", "~$")))


def parquet_files(folder: Path) -> list[Path]:
    return visible_files(folder, "*.parquet")


def parquet_rows(path: Path) -> int:
    return pq.ParquetFile(path).metadata.num_rows


def csv_strings(raw: bytes) -> pl.DataFrame:
    """A reference or feedback CSV as strings, with normalised headers (encoding and delimiter
    detected as for usulan); rows that are entirely empty are dropped."""
    text, _ = decode_text(raw)
    if not text.strip():
        return pl.DataFrame()
    df = pl.read_csv(
        text.encode("utf-8"), separator=sniff_delimiter(text), infer_schema=False, truncate_ragged_lines=True
    )
    df = df.rename({c: normalise_header(c) for c in df.columns})
    return df.filter(~pl.all_horizontal(pl.all().is_null()))


def sha256_bytes(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def read_parquet(path: Path | list[Path], **options) -> pl.DataFrame:
    """A Parquet file, a folder of them or a list (``options``: polars', e.g. ``columns``,
    ``hive_partitioning``)."""
    return pl.read_parquet(path, **options)


def scan_parquet(path: Path | list[Path] | list[str], **options) -> pl.LazyFrame:
    return pl.scan_parquet(path, **options)


def sink_partitions(lf: pl.LazyFrame, folder: Path, key: list[str]) -> None:
    """``lf`` streamed into hive partitions by ``key`` under ``folder`` (the run's work tables)."""
    lf.sink_parquet(pl.PartitionBy(folder, key=key), mkdir=True)


def row_count(path: Path | str) -> int:
    """The rows of a Parquet file or folder, read from the metadata."""
    return pl.scan_parquet(path).select(pl.len()).collect().item()


def count_where(path: Path | str, **equal) -> int:
    """The rows of a parquet file whose columns equal the given values."""
    lf = pl.scan_parquet(path)
    for column, value in equal.items():
        lf = lf.filter(pl.col(column) == value)
    return int(lf.select(pl.len()).collect().item())


def has_parquet(folder: Path) -> bool:
    """Whether a folder holds any Parquet file, at any depth (a partitioned table with rows)."""
    return folder.is_dir() and any(folder.rglob("*.parquet"))


def is_file(path: Path) -> bool:
    return path.is_file()


def read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def read_bytes(path: Path) -> bytes:
    return path.read_bytes()


def write_bytes(data: bytes, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def make_dirs(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def remove_file(path: Path) -> None:
    path.unlink(missing_ok=True)


def remove_tree(folder: Path) -> None:
    """A work or staging folder and all below it (nothing when absent)."""
    shutil.rmtree(folder, ignore_errors=True)


def partition_folders(folder: Path, name: str) -> list[Path]:
    """The ``<name>=<value>`` folders directly under ``folder``, sorted."""
    return sorted(folder.glob(f"{name}=*")) if folder.is_dir() else []


def write_parquet(df: pl.DataFrame, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    df.write_parquet(path, compression="zstd", statistics=True)
    return path


def write_partitioned(df: pl.DataFrame, folder: Path, keys: list[str]) -> list[Path]:
    """Hive-partitioned Parquet with one deterministic ``data.parquet`` per partition (the key columns
    are kept inside the files too, so a single file stands on its own)."""
    written = []
    if df.height == 0:
        return [write_parquet(df, folder / "data.parquet")]
    for key_vals, part in df.partition_by(keys, as_dict=True, maintain_order=True).items():
        sub = folder.joinpath(*[f"{k}={v}" for k, v in zip(keys, key_vals)])
        written.append(write_parquet(part, sub / "data.parquet"))
    return sorted(written)


def write_json(obj: dict, path: Path) -> Path:
    return write_text(json.dumps(obj, indent=2, ensure_ascii=False, sort_keys=False) + "\n", path)


def write_text(text: str, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def fsync_tree(folder: Path) -> None:
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            with open(p, "rb") as f:
                os.fsync(f.fileno())
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def new_staging_dir(root: Root, periode: str) -> Path:
    d = root.staging / f"periode={periode}-{uuid.uuid4().hex[:12]}"
    d.mkdir(parents=True)
    return d


def clear_stale_staging(root: Root) -> None:
    """Remove what an interrupted run left in the staging and work folders (never visible to
    readers; only the writer holding the lock calls this, so no other run is using them)."""
    for base in (root.staging, root.path / ".padan" / "work"):
        shutil.rmtree(base, ignore_errors=True)


def published_periods(snapshots: Path) -> list[str]:
    """The published periods under a ``snapshots`` folder, in order (a complete snapshot has its
    manifest: one being written or cut short by a kill has none)."""
    if not snapshots.is_dir():
        return []
    return sorted(p.name.split("=", 1)[1] for p in snapshots.glob("periode=*") if (p / "_manifest.json").is_file())


def latest_snapshot_before(root: Root, periode: str) -> str | None:
    """The latest published period before ``periode``."""
    found = [p for p in published_periods(root.snapshots) if p < periode]
    return found[-1] if found else None


def code_version() -> str:
    """Package version plus the git commit of the code, when it runs from a checkout."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        v = version("padan")
    except PackageNotFoundError:
        v = "0+unknown"
    try:
        here = Path(__file__).resolve().parent
        sha = subprocess.run(
            ["git", "-C", str(here), "rev-parse", "--short=12", "HEAD"], capture_output=True, text=True, timeout=5
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(here), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=5,
        ).stdout.strip()
        if sha:
            v += f"+g{sha}" + (".dirty" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        pass
    return v


def replace_file(staged: Path, target: Path) -> None:
    """Atomic replacement of one file (rename over the old one)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(staged, target)
