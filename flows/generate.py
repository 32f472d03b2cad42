"""Write a synthetic data root (and its ground truth) from ``synthetic.core``.

This is the writer half of the generator: it seeds the random streams, calls the pure functions
and decides where and how every file goes (per ``shared/spec/contracts.md``). It does not import
Prefect, so ``padan generate`` and the tests start quickly.

Layout written::

    <data_root>/reference/dukcapil/dukcapil.parquet      (or dukcapil-000.parquet ... for large N)
    <data_root>/reference/dtsen/dtsen.parquet
    <data_root>/reference/sdm_kesos/sdm_kesos.csv
    <data_root>/reference/gis/gis.csv
    <data_root>/feedback/<periode>/burekol/burekol.csv
    <data_root>/feedback/<periode>/salur/salur.csv
    <data_root>/inbox/<periode>/<kode_prov>/usulan_<kode_kab>_<periode>_<n>.csv
    <truth_dir>/truth.parquet, <truth_dir>/truth.json       (truth_dir defaults to <data_root>.truth/)

The truth (``truth.parquet``) has one row per usulan data row:

==================  ==============================================================================
sumber_file         the CSV's file name
sumber_baris        the data row in it, 1-based, header excluded (a quoted line break does not count)
kode_prov           the province folder the file is in
jenis_usulan        the intended proposal type (the CSV may carry an invalid one)
true_nik            the person's Dukcapil NIK; null for a ghost (a person Dukcapil does not know)
true_no_kk          the person's No KK in Dukcapil (an old-form row may carry another one)
noise               every noise kind applied to the row, comma-separated in the order of
                    ``DEFAULT_NOISE_RATES``; "" for a clean row
expect_valid        false exactly for the rows a careful operator must reject (``invalid_*`` kinds)
lookalike_nik       the real Dukcapil NIK, not the person's own, that the row's NIK digits spell:
                    the twin, namesake or family member a typo (or a swap) lands on, or a stranger
                    a plain typo happens to hit; null otherwise. A match to it is a wrong person.
lookalike_relation  who that is: ``twin`` (same delivery), ``family`` (same family card),
                    ``namesake`` (same name, birth date and sex, another card) or ``other``
==================  ==============================================================================

Noise mixes (``noise_mix``): ``dev`` is the development mix; ``held_out`` (other rates of the old
and new kinds, and a population with more twins and namesakes) is for measuring once on data the
matching was never tuned on: never tune thresholds, weights or rules against it.

Example
-------
>>> from pathlib import Path
>>> import tempfile
>>> with tempfile.TemporaryDirectory() as d:
...     s = generate_data_root(Path(d) / "root", persons=300, usulan=60, periode="2026-01", seed=1)
...     s["counts"]["usulan_rows"]
60
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

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


def default_truth_dir(data_root: Path) -> Path:
    """``<data_root>.truth/``: beside the data root, never inside it."""
    data_root = Path(data_root)
    return data_root.parent / f"{data_root.name}.truth"


def generate_data_root(
    data_root: Path,
    *,
    persons: int,
    usulan: int,
    periode: str,
    seed: int,
    truth_dir: Path | None = None,
    noise_rates: Mapping[str, float] | None = None,
    noise_mix: str = "dev",
    dukcapil_part_rows: int = DUKCAPIL_PART_ROWS,
) -> dict:
    """Generate a complete data root for ``periode`` and its ground truth; return a small summary.

    The same arguments give byte-identical files. Files this generator owns are replaced; other
    content of the data root (snapshots, receipts ...) is left alone.

    Parameters
    ----------
    data_root : folder to write (created if missing).
    persons : size of the Dukcapil population.
    usulan : number of usulan data rows in total (whole households, split over files).
    periode : ``YYYY-MM``.
    seed : the one seed every random stream derives from.
    truth_dir : where truth.parquet / truth.json go; default ``<data_root>.truth/``. Must be
        outside the data root.
    noise_rates : overrides of the mix's rates (kinds of :data:`synthetic.core.DEFAULT_NOISE_RATES`).
    noise_mix : ``"dev"`` (default) or ``"held_out"``: the noise rates
        (:data:`synthetic.core.NOISE_MIXES`) and the population phenomena
        (:data:`synthetic.core.POPULATION_MIXES`: twins, namesakes, common names). The
        held-out mix is for a final measurement only, never for tuning.
    dukcapil_part_rows : above this many persons Dukcapil is written as several part files.

    Returns
    -------
    dict with ``data_root``, ``truth_dir``, ``periode``, ``seed``, ``counts`` (rows per file kind)
    and ``paths`` (relative to the data root, except the truth files).
    """
    data_root = Path(data_root)
    truth_dir = Path(truth_dir) if truth_dir is not None else default_truth_dir(data_root)
    if truth_dir.resolve().is_relative_to(data_root.resolve()):
        raise ValueError(f"truth_dir {truth_dir} must be outside the data root {data_root}")
    S.periode_start(periode)  # validates the periode
    if noise_mix not in S.NOISE_MIXES or noise_mix not in S.POPULATION_MIXES:
        raise ValueError(f"unknown noise mix {noise_mix!r}; known: {sorted(S.NOISE_MIXES)}")
    if usulan > persons:
        raise ValueError("usulan rows cannot exceed the number of persons")

    (r_pop, r_dtsen, r_sdm, r_gis, r_burekol, r_salur, r_usulan, r_dialect, r_write) = (
        np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(9)
    )
    pop = S.population(r_pop, persons, periode=periode, **S.POPULATION_MIXES[noise_mix])
    dt = S.dtsen(r_dtsen, pop, periode=periode)
    sdm = S.sdm_kesos(r_sdm, pop)
    gis = S.gis(r_gis, pop, periode=periode)
    bk = S.burekol(r_burekol, pop, dtsen=dt)
    sl = S.salur(r_salur, pop, periode=periode, dtsen=dt)
    rows = S.usulan(r_usulan, pop, usulan, periode=periode, noise_rates=noise_rates, noise_mix=noise_mix)

    paths: dict[str, list[str] | str] = {}
    paths["dukcapil"] = _write_dukcapil(data_root, pop, dukcapil_part_rows)
    paths["dtsen"] = _write_parquet(data_root, "reference/dtsen/dtsen.parquet", dt)
    paths["sdm_kesos"] = _write_csv(data_root, "reference/sdm_kesos/sdm_kesos.csv", sdm)
    paths["gis"] = _write_csv(data_root, "reference/gis/gis.csv", gis)
    paths["burekol"] = _write_csv(data_root, f"feedback/{periode}/burekol/burekol.csv", bk)
    paths["salur"] = _write_csv(data_root, f"feedback/{periode}/salur/salur.csv", sl)

    files = (
        rows.group_by("file_index")
        .agg(pl.col("sumber_file", "kode_prov", "file_style").first(), pl.len())
        .sort("file_index")
    )
    dialects = S.usulan_dialects(r_dialect, files["sumber_file"])
    inbox = data_root / "inbox" / periode
    for old in sorted(inbox.glob("*/usulan_*.csv")) if inbox.is_dir() else []:
        old.unlink()
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
    paths["usulan"] = [fi["path"] for fi in file_info]

    truth = (
        rows.select(*[c for c in _TRUTH_COLUMNS if c != "jenis_usulan"], jenis_usulan="true_jenis_usulan")
        .select(_TRUTH_COLUMNS)
        .sort("kode_prov", "sumber_file", "sumber_baris")
    )
    truth_dir.mkdir(parents=True, exist_ok=True)
    truth.write_parquet(truth_dir / "truth.parquet")
    counts = {
        "dukcapil": pop.height,
        "households": int((pop["pos"] == 0).sum()),
        "deceased": int(pop["TGL_MATI"].is_not_null().sum()),
        "dtsen": dt.height,
        "sdm_kesos": sdm.height,
        "gis": gis.height,
        "burekol": bk.height,
        "salur": sl.height,
        "usulan_rows": rows.height,
        "usulan_files": len(file_info),
    }
    kinds = rows["noise"].str.split(",").explode()
    noise_counts = {k: int((kinds == k).sum()) for k in S.DEFAULT_NOISE_RATES}
    meta = {
        "generator": "synthetic.core",
        "generator_version": GENERATOR_VERSION,
        "params": {
            "persons": persons,
            "usulan": usulan,
            "periode": periode,
            "seed": seed,
            "noise_mix": noise_mix,
            "noise_rates": S._resolve_rates(noise_rates, noise_mix),
            "population": S.POPULATION_MIXES[noise_mix],
            "dukcapil_part_rows": dukcapil_part_rows,
        },
        "counts": counts,
        "rows_with_noise": int((rows["noise"] != "").sum()),
        "expect_valid": {"true": int(rows["expect_valid"].sum()), "false": int((~rows["expect_valid"]).sum())},
        "noise_counts": noise_counts,
        "lookalike_counts": dict(sorted(rows["lookalike_relation"].drop_nulls().value_counts().iter_rows())),
        "provinces": sorted(pop["NO_PROP"].unique().to_list()),
        "files": file_info,
        "notes": [
            "truth.parquet has one row per usulan data row; sumber_baris counts data rows (header excluded), "
            "so a quoted line break inside alamat does not start a new row.",
            "jenis_usulan in the truth is the intended one; the CSV may carry an invalid value "
            "(noise invalid_jenis_usulan).",
            "true_nik is null for ghost rows (persons not in Dukcapil).",
            "lookalike_nik is the real NIK of another person that the row's NIK digits spell (a twin, "
            "namesake or family member a typo or swap lands on); matching the row to it is a wrong person.",
        ],
    }
    (truth_dir / "truth.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return {
        "data_root": str(data_root),
        "truth_dir": str(truth_dir),
        "periode": periode,
        "seed": seed,
        "counts": counts,
        "paths": paths | {"truth": str(truth_dir / "truth.parquet")},
    }


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
    out = pop.select(S.DUKCAPIL_COLUMNS)
    if out.height <= part_rows:
        return [_write_parquet(root, "reference/dukcapil/dukcapil.parquet", out)]
    rels = []
    for i, start in enumerate(range(0, out.height, part_rows)):
        rels.append(_write_parquet(root, f"reference/dukcapil/dukcapil-{i:03d}.parquet", out.slice(start, part_rows)))
    return rels
