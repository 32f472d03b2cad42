"""What a period published, as readers see it: for comparing runs in tests."""

from __future__ import annotations

from pathlib import Path

from flows import publish
from flows.io import sha256_file


def period_outputs(root: Path, periode: str) -> dict[str, str]:
    """sha256 of every published output of ``periode`` (snapshot, receipts, bank lists, analysts'
    zone) by root-relative path, leaving out the manifest and the report, which carry the run's clock."""
    out = {}
    for top in publish.TOPS:
        if top == "reports":
            continue
        for rel, path in publish.files_below(Path(root) / top):
            full = f"{top}/{rel}"
            if publish.belongs_to(full, periode) and not full.endswith("/_manifest.json"):
                out[full] = sha256_file(path)
    return out


def snapshot_tables(root: Path, periode: str) -> dict:
    """Every table of the period's snapshot that has a contract (``schemas.OUTPUT_MODELS``), read
    as an analyst would."""
    import polars as pl

    import schemas

    snap = Path(root) / "snapshots" / f"periode={periode}"
    return {name: pl.read_parquet(snap / name, hive_partitioning=False) for name in schemas.OUTPUT_MODELS}
