"""``padan load-initial``: start the register from a full DTKS extract instead of from empty.

The extract is an usulan-format CSV (the contract columns; ``jenis_usulan`` may be absent and is
then BARU). It is split by the province of each row's kode_wilayah into ``inbox/<P>/<kode_prov>/``
and run through the ordinary monthly flow, so the initial register passes the same validation,
padan and rules as every later month and every row gets its outcome and receipt.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from flows import io
from transforms import ingest


def stage_initial_load(data_root: Path, periode: str, source: Path) -> dict[str, int]:
    """Write the extract's rows into the period's inbox, one file per province; returns rows per province."""
    root = io.Root(data_root)
    existing = [p.name for p in io.partition_folders(root.snapshots, "periode")]
    if existing:
        raise ValueError(f"an initial load must come first: {data_root} already has snapshots {existing}")
    text, _ = ingest.decode_text(io.read_bytes(source))
    df = pl.read_csv(text.encode("utf-8"), separator=ingest.sniff_delimiter(text), infer_schema=False)
    df = df.rename({c: ingest.normalise_header(c) for c in df.columns})
    if "jenis_usulan" not in df.columns:
        df = df.with_columns(jenis_usulan=pl.lit("BARU"))
    df = df.with_columns(
        jenis_usulan=pl.coalesce(pl.col("jenis_usulan"), pl.lit("BARU")),
        _prov=pl.col("kode_wilayah").str.replace_all(r"[^0-9]", "").str.slice(0, 2),
    )
    counts = {}
    for (prov,), part in sorted(
        df.partition_by("_prov", as_dict=True, maintain_order=True).items(), key=lambda kv: str(kv[0][0])
    ):
        folder = root.inbox(periode) / (prov if prov and len(prov) == 2 else "00")
        io.write_bytes(part.drop("_prov").write_csv().encode("utf-8"), folder / f"dtks_awal_{source.stem}.csv")
        counts[folder.name] = part.height
    return counts
