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

from collections.abc import Mapping
from pathlib import Path

import numpy as np

from flows.generate_files import (
    DUKCAPIL_PART_ROWS,
    GENERATOR_VERSION,
    _write_csv,
    _write_dukcapil,
    _write_parquet,
    clear_inbox,
    finish,
    month_frames,
    write_usulan_files,
)
from synthetic import core as S

__all__ = ["DUKCAPIL_PART_ROWS", "GENERATOR_VERSION", "default_truth_dir", "generate_data_root"]


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
    chunk_persons: int | None = None,
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
    chunk_persons : above this many persons the root is made chunk by chunk, never holding the
        whole population (``flows.generate_national``; another data set than the unchunked one).

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

    asked = {
        "persons": persons,
        "usulan": usulan,
        "periode": periode,
        "seed": seed,
        "noise_mix": noise_mix,
        "noise_rates": noise_rates,
    }
    streams = np.random.SeedSequence(seed).spawn(9)
    if chunk_persons is not None and persons > chunk_persons:
        from flows.generate_national import generate_chunked

        return generate_chunked(data_root, truth_dir, asked, chunk_persons=chunk_persons)
    f = month_frames(streams, persons, usulan, periode=periode, noise_rates=noise_rates, noise_mix=noise_mix)
    pop, dt, sdm, gis, bk, sl, rows = f.pop, f.dtsen, f.sdm, f.gis, f.burekol, f.salur, f.rows

    paths: dict[str, list[str] | str] = {}
    paths["dukcapil"] = _write_dukcapil(data_root, pop, dukcapil_part_rows)
    paths["dtsen"] = _write_parquet(data_root, "reference/dtsen/dtsen.parquet", dt)
    paths["sdm_kesos"] = _write_csv(data_root, "reference/sdm_kesos/sdm_kesos.csv", sdm)
    paths["gis"] = _write_csv(data_root, "reference/gis/gis.csv", gis)
    paths["burekol"] = _write_csv(data_root, f"feedback/{periode}/burekol/burekol.csv", bk)
    paths["salur"] = _write_csv(data_root, f"feedback/{periode}/salur/salur.csv", sl)
    clear_inbox(data_root, periode)
    file_info = write_usulan_files(data_root, periode, rows, f.r_dialect, f.r_write)
    paths["usulan"] = [fi["path"] for fi in file_info]

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
    return finish(
        data_root,
        truth_dir,
        rows,
        asked=asked,
        extra={"dukcapil_part_rows": dukcapil_part_rows},
        counts=counts,
        provinces=sorted(pop["NO_PROP"].unique().to_list()),
        file_info=file_info,
        paths=paths,
    )
