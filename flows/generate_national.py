"""A national-size data root, made chunk by chunk so that memory follows the chunk, not the country
(issue 18): the provinces are split into disjoint groups of about equal size
(:func:`synthetic.regions.province_chunks`) and each group is one chunk: its own population,
references, feedback and usulan from its own seeded streams, written out (the Dukcapil parts, the
usulan files) or appended (DTSEN to one Parquet file, the CSVs) before the next chunk starts.

Each chunk registers its people (NIK) and issues its family cards (No KK) in its own provinces'
districts only, and its households move within the chunk, so NIKs, No KK and file names cannot
collide across chunks. Everything else is the one generator's (``synthetic.core``): twins,
namesakes, call names, noise. A chunked root is another data set than an unchunked root of the same
seed; the same arguments give the same bytes."""

from __future__ import annotations

import io
import math
from pathlib import Path

import numpy as np
import polars as pl
import pyarrow.parquet as pq

from flows.generate_files import (
    _TRUTH_COLUMNS,
    _write_dukcapil_parts,
    clear_inbox,
    finish,
    month_frames,
    write_usulan_files,
)
from synthetic.regions import province_chunks

TRUTH_INPUTS = (*(c for c in _TRUTH_COLUMNS if c != "jenis_usulan"), "true_jenis_usulan")
"""The columns of a chunk's usulan rows that the truth keeps (everything else is let go)."""


def _detached(df: pl.DataFrame) -> pl.DataFrame:
    """A copy that shares no buffer with the frames it came from: polars strings are views into
    their source's buffers, so a few thousand rows gathered from a chunk's population would keep
    the whole population's names alive until the end (45 MB a chunk, measured)."""
    buf = io.BytesIO()
    df.write_ipc(buf)
    buf.seek(0)
    return pl.read_ipc(buf)


def chunk_sizes(total: int, n: int) -> list[int]:
    """``total`` split into ``n`` near-equal parts (the first ones one larger)."""
    base, extra = divmod(total, n)
    return [base + (i < extra) for i in range(n)]


class _Appender:
    """One output file written chunk by chunk: Parquet through one writer, CSV with one header."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self.rows = 0
        self._pq: pq.ParquetWriter | None = None
        self._csv = None

    def add(self, df: pl.DataFrame) -> None:
        if self.path.suffix == ".parquet":
            table = df.to_arrow()
            if self._pq is None:
                self._pq = pq.ParquetWriter(self.path, table.schema, compression="zstd")
            self._pq.write_table(table)
        else:
            if self._csv is None:
                self._csv = open(self.path, "wb")  # noqa: SIM115 (closed by close())
            df.write_csv(self._csv, include_header=self.rows == 0, float_precision=6)
        self.rows += df.height

    def close(self) -> None:
        if self._pq is not None:
            self._pq.close()
        if self._csv is not None:
            self._csv.close()


def generate_chunked(data_root: Path, truth_dir: Path, asked: dict, *, chunk_persons: int) -> dict:
    """The whole root in ``ceil(persons / chunk_persons)`` chunks (at most one per province);
    ``asked``: the arguments of :func:`flows.generate.generate_data_root`."""
    persons, usulan, periode, seed = (asked[k] for k in ("persons", "usulan", "periode", "seed"))
    noise_rates, noise_mix = asked["noise_rates"], asked["noise_mix"]
    groups = province_chunks(math.ceil(persons / chunk_persons))
    people = chunk_sizes(persons, len(groups))
    rows_per = chunk_sizes(usulan, len(groups))
    refs = {
        "dtsen": "reference/dtsen/dtsen.parquet",
        "sdm_kesos": "reference/sdm_kesos/sdm_kesos.csv",
        "gis": "reference/gis/gis.csv",
        "burekol": f"feedback/{periode}/burekol/burekol.csv",
        "salur": f"feedback/{periode}/salur/salur.csv",
    }
    out = {k: _Appender(data_root / rel) for k, rel in refs.items()}
    clear_inbox(data_root, periode)
    for old in sorted((data_root / "reference" / "dukcapil").glob("dukcapil*.parquet")):
        old.unlink()
    dukcapil, truth_rows, file_info, provinces = [], [], [], []
    counts = dict.fromkeys(("dukcapil", "households", "deceased"), 0)
    try:
        for c, (provs, n_persons, n_rows) in enumerate(zip(groups, people, rows_per, strict=True)):
            streams = np.random.SeedSequence([seed, c]).spawn(9)
            f = month_frames(
                streams,
                n_persons,
                n_rows,
                periode=periode,
                noise_rates=noise_rates,
                noise_mix=noise_mix,
                provinces=provs,
            )
            dukcapil += _write_dukcapil_parts(data_root, f.pop, f"dukcapil-c{c:02d}")
            for k, df in (
                ("dtsen", f.dtsen),
                ("sdm_kesos", f.sdm),
                ("gis", f.gis),
                ("burekol", f.burekol),
                ("salur", f.salur),
            ):
                out[k].add(df)
            file_info += write_usulan_files(data_root, periode, f.rows, f.r_dialect, f.r_write)
            truth_rows.append(_detached(f.rows.select(TRUTH_INPUTS)))
            counts["dukcapil"] += f.pop.height
            counts["households"] += int((f.pop["pos"] == 0).sum())
            counts["deceased"] += int(f.pop["TGL_MATI"].is_not_null().sum())
            provinces += f.pop["NO_PROP"].unique().to_list()
            del f
    finally:
        for a in out.values():
            a.close()
    rows = pl.concat(truth_rows, how="vertical_relaxed")
    counts |= {k: out[k].rows for k in refs} | {"usulan_rows": rows.height, "usulan_files": len(file_info)}
    chunks = [{"provinces": g, "persons": n, "usulan": r} for g, n, r in zip(groups, people, rows_per, strict=True)]
    return finish(
        data_root,
        truth_dir,
        rows,
        asked=asked,
        extra={"chunk_persons": chunk_persons, "chunks": chunks},
        counts=counts,
        provinces=sorted(set(provinces)),
        file_info=file_info,
        paths=dict(refs) | {"dukcapil": dukcapil, "usulan": [fi["path"] for fi in file_info]},
    )
