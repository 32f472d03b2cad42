"""Paths and plain reads and writes of the data root (contracts.md lays out the root). The other
modules that touch it: ``inbox`` (the uploads), ``references`` (reference and feedback inputs),
``release`` and ``publish`` (the outputs), ``lock`` (one writer)."""

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

from transforms.ingest import decode_text, normalise_header, sniff_delimiter

PERIODE_RE = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])$")


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
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False, sort_keys=False) + "\n", encoding="utf-8")
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


def latest_snapshot_before(root: Root, periode: str) -> str | None:
    """The latest published period before ``periode`` (complete snapshots have a manifest)."""
    if not root.snapshots.is_dir():
        return None
    found = sorted(
        p.name.split("=", 1)[1]
        for p in root.snapshots.glob("periode=*")
        if (p / "_manifest.json").is_file() and p.name.split("=", 1)[1] < periode
    )
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
