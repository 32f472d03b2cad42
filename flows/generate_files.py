"""How each file of a generated root is written (``flows.generate`` and
``flows.generate_national``): the frames of a root from its seeded streams, the usulan files in
their dialects, the Dukcapil parts and the ground truth."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple

import numpy as np
import polars as pl

from flows import io
from synthetic import core as S

GENERATOR_VERSION = 2  # 2: twins, namesakes, common names, look-alike NIKs, call names, moves
DUKCAPIL_PART_ROWS = 2_000_000

_TRUTH_COLUMNS = (
    "sumber_file",
    "sumber_baris",
    "kode_prov",
    "jenis_usulan",
    "true_nik",
    "true_no_kk",
    "noise",
    "expect_valid",
    "lookalike_nik",
    "lookalike_relation",
)


def finish(
    data_root: Path,
    truth_dir: Path,
    rows: pl.DataFrame,
    *,
    asked: dict,
    extra: dict,
    counts: dict,
    provinces: list[str],
    file_info: list[dict],
    paths: dict,
) -> dict:
    """Write the truth of a generated root and return the generator's summary. ``asked``: persons,
    usulan, periode, seed, noise_mix and noise_rates as given; ``extra``: the writer's own params."""
    mix = asked["noise_mix"]
    params = {
        **{k: asked[k] for k in ("persons", "usulan", "periode", "seed", "noise_mix")},
        "noise_rates": S._resolve_rates(asked["noise_rates"], mix),
        "population": S.POPULATION_MIXES[mix],
        **extra,
    }
    write_truth(truth_dir, rows, counts, params, provinces, file_info)
    return {
        "data_root": str(data_root),
        "truth_dir": str(truth_dir),
        "periode": asked["periode"],
        "seed": asked["seed"],
        "counts": counts,
        "paths": paths | {"truth": str(truth_dir / "truth.parquet")},
    }


def write_truth(
    truth_dir: Path, rows: pl.DataFrame, counts: dict, params: dict, provinces: list[str], file_info: list[dict]
) -> None:
    """``truth.parquet`` (one row per usulan data row) and ``truth.json`` (what was generated)."""
    truth = (
        rows.select(*[c for c in _TRUTH_COLUMNS if c != "jenis_usulan"], jenis_usulan="true_jenis_usulan")
        .select(_TRUTH_COLUMNS)
        .sort("kode_prov", "sumber_file", "sumber_baris")
    )
    truth_dir.mkdir(parents=True, exist_ok=True)
    truth.write_parquet(truth_dir / "truth.parquet")
    kinds = rows["noise"].str.split(",").explode()
    meta = {
        "generator": "synthetic.core",
        "generator_version": GENERATOR_VERSION,
        "params": params,
        "counts": counts,
        "rows_with_noise": int((rows["noise"] != "").sum()),
        "expect_valid": {"true": int(rows["expect_valid"].sum()), "false": int((~rows["expect_valid"]).sum())},
        "noise_counts": {k: int((kinds == k).sum()) for k in S.DEFAULT_NOISE_RATES},
        "lookalike_counts": dict(sorted(rows["lookalike_relation"].drop_nulls().value_counts().iter_rows())),
        "provinces": provinces,
        "files": file_info,
        "notes": NOTES,
    }
    (truth_dir / "truth.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


NOTES = [
    "truth.parquet has one row per usulan data row; sumber_baris counts data rows (header excluded), "
    "so a quoted line break inside alamat does not start a new row.",
    "jenis_usulan in the truth is the intended one; the CSV may carry an invalid value (noise invalid_jenis_usulan).",
    "true_nik is null for ghost rows (persons not in Dukcapil).",
    "lookalike_nik is the real NIK of another person that the row's NIK digits spell (a twin, "
    "namesake or family member a typo or swap lands on); matching the row to it is a wrong person.",
]


class MonthFrames(NamedTuple):
    pop: pl.DataFrame
    dtsen: pl.DataFrame
    sdm: pl.DataFrame
    gis: pl.DataFrame
    burekol: pl.DataFrame
    salur: pl.DataFrame
    rows: pl.DataFrame
    r_dialect: np.random.Generator
    r_write: np.random.Generator


def month_frames(
    streams: list[np.random.SeedSequence],
    persons: int,
    usulan: int,
    *,
    periode: str,
    noise_rates: Mapping[str, float] | None,
    noise_mix: str,
    provinces: list[str] | None = None,
) -> MonthFrames:
    """Every frame of a root (or of one chunk of a national root: ``provinces``) from its nine
    seeded streams, in the generator's fixed order."""
    (r_pop, r_dtsen, r_sdm, r_gis, r_burekol, r_salur, r_usulan, r_dialect, r_write) = (
        np.random.default_rng(s) for s in streams
    )
    mix = S.POPULATION_MIXES[noise_mix]
    pop = S.population(r_pop, persons, periode=periode, **mix, **({"provinces": provinces} if provinces else {}))
    dt = S.dtsen(r_dtsen, pop, periode=periode)
    rows = S.usulan(r_usulan, pop, usulan, periode=periode, noise_rates=noise_rates, noise_mix=noise_mix)
    return MonthFrames(
        pop=pop,
        dtsen=dt,
        sdm=S.sdm_kesos(r_sdm, pop),
        gis=S.gis(r_gis, pop, periode=periode),
        burekol=S.burekol(r_burekol, pop, dtsen=dt),
        salur=S.salur(r_salur, pop, periode=periode, dtsen=dt),
        rows=rows,
        r_dialect=r_dialect,
        r_write=r_write,
    )


def clear_inbox(data_root: Path, periode: str) -> None:
    inbox = data_root / "inbox" / periode
    for old in sorted(inbox.glob("*/usulan_*.csv")) if inbox.is_dir() else []:
        old.unlink()


def write_usulan_files(
    data_root: Path, periode: str, rows: pl.DataFrame, r_dialect: np.random.Generator, r_write: np.random.Generator
) -> list[dict]:
    """The usulan CSV files of ``rows``, each in its own dialect; returns what truth.json says of each."""
    files = (
        rows.group_by("file_index")
        .agg(pl.col("sumber_file", "kode_prov", "file_style").first(), pl.len())
        .sort("file_index")
    )
    dialects = S.usulan_dialects(r_dialect, files["sumber_file"])
    file_info = []
    parts = rows.partition_by("file_index", as_dict=True, maintain_order=True)
    for f, d in zip(files.iter_rows(named=True), dialects.iter_rows(named=True), strict=True):
        rel = f"inbox/{periode}/{f['kode_prov']}/{f['sumber_file']}"
        part = parts[(f["file_index"],)].sort("sumber_baris")
        io.write_bytes(S.usulan_csv(part, d, r_write), data_root / rel)
        file_info.append(
            {
                "path": rel,
                "sumber_file": f["sumber_file"],
                "kode_prov": f["kode_prov"],
                "rows": f["len"],
                "style": f["file_style"],
                "delimiter": d["delimiter"],
                "encoding": "utf-8-sig" if d["bom"] else d["encoding"],
                "line_terminator": "CRLF" if d["line_terminator"] == "\r\n" else "LF",
                "trailing_blank_lines": d["trailing_blank_lines"],
                "header_case": d["header_case"],
                "quote_all": d["quote_all"],
                "extra_column": d["extra_column"],
                "column_order": d["column_order"],
            }
        )
    return file_info


def _write_parquet(root: Path, rel: str, df: pl.DataFrame) -> str:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    df.write_parquet(path, compression="zstd")
    return rel


def _write_csv(root: Path, rel: str, df: pl.DataFrame) -> str:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    df.write_csv(path, float_precision=6)
    return rel


def _write_dukcapil(root: Path, pop: pl.DataFrame, part_rows: int) -> list[str]:
    folder = root / "reference" / "dukcapil"
    folder.mkdir(parents=True, exist_ok=True)
    for old in sorted(folder.glob("dukcapil*.parquet")):
        old.unlink()
    if pop.height <= part_rows:
        return [_write_parquet(root, "reference/dukcapil/dukcapil.parquet", pop.select(S.DUKCAPIL_COLUMNS))]
    return _write_dukcapil_parts(root, pop, "dukcapil", part_rows)


def _write_dukcapil_parts(root: Path, pop: pl.DataFrame, stem: str, part_rows: int = DUKCAPIL_PART_ROWS) -> list[str]:
    """The extract's contract columns as ``<stem>-000.parquet``, ... of ``part_rows`` persons each."""
    out = pop.select(S.DUKCAPIL_COLUMNS)
    return [
        _write_parquet(root, f"reference/dukcapil/{stem}-{i:03d}.parquet", out.slice(start, part_rows))
        for i, start in enumerate(range(0, out.height, part_rows))
    ]
