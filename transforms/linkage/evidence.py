"""The evidence behind each row's decision, as published in ``kandidat_padan``: the candidates that
competed, each one's level and weight per comparison, its total and probability, and which one was
chosen and why (``contest.CHOICES``)."""

from __future__ import annotations

import polars as pl

from schemas import KandidatPadan, dtypes
from transforms.linkage.model import MatchModel

KEEP = 5
"""Candidates kept per row: the highest-weighted ones (the chosen one is always among them)."""

ROW_COLUMNS = ("periode", "kode_prov", "sumber_file", "sumber_baris")
"""The columns of ``kandidat_padan`` that name the usulan row: the caller's, joined on ``_row``."""
KANDIDAT_SCHEMA = {"_row": pl.UInt32} | {c: t for c, t in dtypes(KandidatPadan).items() if c not in ROW_COLUMNS}
"""What :func:`candidate_evidence` returns: the usulan row's index, then the evidence columns of
its contract (``schemas.KandidatPadan``), in order."""


def empty_kandidat_padan() -> pl.DataFrame:
    """``kandidat_padan`` of a period without rows."""
    return pl.DataFrame(schema=dtypes(KandidatPadan))


def candidate_evidence(
    scored: pl.DataFrame, decided: pl.DataFrame, model: MatchModel, *, keep: int = KEEP
) -> pl.DataFrame:
    """Per row, its ``keep`` highest-weighted candidates (rank 1 = highest; the chosen one is kept
    whatever its rank) with per-comparison levels and weights (``bobot_<field>``; 0 where a side was
    missing), the prior of the rule that found it (``bobot_awal``), the total (``bobot``), the
    probability, the guard-and-threshold verdict (``keputusan`` TERIMA / TINJAU / TOLAK) and
    ``dipilih`` (the row's nik_padan)."""
    weights = model.level_weights()
    chosen = decided.select("_row", _chosen="nik_padan")
    ranked = (
        scored.sort(["_row", "bobot", "nik_padan"], descending=[False, True, False])
        .with_columns(peringkat=pl.int_range(1, pl.len() + 1, dtype=pl.Int32).over("_row"))
        .join(chosen, on="_row", how="left")
        .with_columns(dipilih=(pl.col("nik_padan") == pl.col("_chosen")).fill_null(False))
    )
    return (
        ranked.filter((pl.col("peringkat") <= keep) | pl.col("dipilih"))
        .with_columns(
            *(
                pl.col(c)
                .replace_strict(w, default=0.0, return_dtype=pl.Float64)
                .fill_null(0.0)
                .alias(f"bobot_{c.removeprefix('cmp_')}")
                for c, w in weights.items()
            ),
            bobot_awal=pl.col("metode_padan").replace_strict(
                model.prior_log2_odds.model_dump(), default=0.0, return_dtype=pl.Float64
            ),
            nik_kandidat=pl.col("nik_padan"),
        )
        .select([pl.col(c).cast(t) for c, t in KANDIDAT_SCHEMA.items()])
    )
