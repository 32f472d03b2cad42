"""``padan train-matching``: estimate the Fellegi-Sunter weights of ``rules/matching.yaml`` from a
generated data root and its ground truth (m and u counted on labelled candidate pairs).

Thresholds, guards and clan names are kept as they are: they are policy, edited by hand with a test.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import yaml

from flows import inbox, io, references
from rules import load_matching_model, matching_model
from transforms.linkage import blocking, comparisons, fit
from transforms.linkage.model import MatchModel

HEADER = """# Padan identity-linkage model: Fellegi-Sunter weights (log2 m/u) per comparison level, thresholds
# and guards. `weights` and `prior_log2_odds` are written by `padan train-matching` from generated data
# with ground truth; thresholds, guards and clan_names are policy, edited by hand (with a test).
# The run records version and sha256 of this file in every manifest.
"""


def labelled_vectors(data_root: Path, periode: str, truth: pl.DataFrame, model: MatchModel) -> pl.DataFrame:
    """Comparison vectors of every candidate pair of every usulan row (all blocking rules), with
    ``is_match`` from the truth."""
    from flows.stages.ingest import ingest_batch  # task functions are called directly, without Prefect

    root = io.Root(data_root)
    staged = []
    for i, entry in enumerate(inbox.inbox_entries(root, periode)):
        out = ingest_batch.fn(str(root.path), periode, entry, i)
        if out.staged:
            staged.append(out.staged)
    usulan = io.scan_parquet(staged).collect().sort("kode_prov", "sumber_file", "sumber_baris").with_row_index("_row")
    dk = references.one_row_per_nik(
        blocking.fetch_candidates(references.scan_dukcapil(root), blocking.candidate_keys(usulan, loose=True))
    ).collect()
    pairs = blocking.candidate_pairs(usulan, dk, loose=True)
    vectors = comparisons.comparison_vectors(
        pairs, usulan, dk, clan_names=model.clan_names, call_names=model.call_names, cuts=model.cuts()
    )
    keys = ["kode_prov", "sumber_file", "sumber_baris"]
    t = truth.select(*keys, "true_nik").with_columns(pl.col("sumber_baris").cast(pl.Int64))
    rows = usulan.select("_row", *keys).join(t, on=keys, how="left")
    return vectors.join(rows.select("_row", "true_nik"), on="_row", how="left").with_columns(
        is_match=(pl.col("nik_padan") == pl.col("true_nik")).fill_null(False)
    )


def train(data_root: Path, periode: str, truth_dir: Path, out: Path) -> dict:
    current = yaml.safe_load(out.read_text(encoding="utf-8"))
    model = load_matching_model(out).model
    truth = io.read_parquet(truth_dir / "truth.parquet")
    v = labelled_vectors(data_root, periode, truth, model)
    fitted = fit.fit_weights(v, v["is_match"])
    n_pairs, n_match = v.height, int(v["is_match"].sum())
    version = f"fs-{dt.date.today():%Y%m%d}"
    new = {
        "version": version,
        "trained_on": f"{data_root.name} periode {periode}: {truth.height} usulan rows, {n_pairs} candidate pairs, "
        f"{n_match} true matches",
        **fitted,
        "levels": model.cuts(),
        "trained_levels": model.levels.digest(),  # the cut points these weights fit
        **{k: current[k] for k in ("thresholds", "guards", "clan_names", "call_names") if k in current},
    }
    matching_model(new, source=f"{out} (as trained)")  # refuse to write a model that would not load
    out.write_text(HEADER + yaml.safe_dump(new, sort_keys=False, allow_unicode=True, width=110), encoding="utf-8")
    return {"version": version, "pairs": n_pairs, "matches": n_match, "out": str(out)}
