"""Training the match weights on labelled candidate pairs (``padan train-matching``, generated truth)."""

from __future__ import annotations

import math

import polars as pl

from transforms.linkage.blocking import METHODS
from transforms.linkage.comparisons import COMPARISONS


def fit_weights(
    vectors: pl.DataFrame,
    is_match: pl.Series,
    *,
    smoothing: float = 1.0,
    m_floor: float = 0.005,
    u_floor: float = 0.001,
) -> dict:
    """m/u per comparison level counted on labelled candidate pairs (generated truth), as log2(m/u),
    and one prior log2-odds of a match. Missing values carry no weight.

    Generated data lacks some of the mistakes real data has (a typo'd family card, a mother's name
    spelled another way), which would make m of those levels ~0 and their weights absurdly negative.
    ``m_floor`` keeps every level at least that likely among true matches (and ``u_floor`` among
    non-matches), so no single unseen disagreement can veto a match that everything else supports.
    """
    v = vectors.with_columns(_m=is_match)
    weights: dict[str, dict[str, float]] = {}
    for cmp, levels in COMPARISONS.items():
        counts = v.filter(pl.col(cmp).is_not_null()).group_by(cmp, "_m").len()
        get = {(r[cmp], r["_m"]): r["len"] for r in counts.to_dicts()}

        def dist(flag: bool, floor: float, get=get, levels=levels) -> dict[str, float]:
            raw = {lv: get.get((lv, flag), 0) + smoothing for lv in levels}
            total = sum(raw.values())
            p = {lv: max(c / total, floor) for lv, c in raw.items()}
            norm = sum(p.values())
            return {lv: x / norm for lv, x in p.items()}

        m, u = dist(True, m_floor), dist(False, u_floor)
        weights[cmp] = {lv: round(math.log2(m[lv] / u[lv]), 3) for lv in levels}
    # one prior over all candidate pairs: a per-rule prior would count the NIK evidence twice
    n_match = int(v["_m"].sum())
    prior = round(math.log2((n_match + smoothing) / (v.height - n_match + smoothing)), 3)
    return {"prior_log2_odds": {m: prior for m in METHODS}, "weights": weights}
