"""Weights from the month's own data, as Splink estimates them (issue 14): u from random pairs of
the Dukcapil extract, m by expectation-maximisation on the month's candidate pairs with u held
fixed, starting from the trained weights.

Recorded in the manifest (``matching_model.estimates``) beside the trained weights, with how far EM
moved each m from its start, so that a month whose data has drifted from what the weights were
trained on shows it. The decisions still use the
trained weights of ``rules/matching.yaml``: the guards, thresholds and the ambiguity margin were
tuned on those, and weights on the random-pair scale are several times larger (a shared family
card is rare among random pairs, common among candidates); see docs/decisions.md.
"""

from __future__ import annotations

import math

import numpy as np
import polars as pl

from transforms.linkage.comparisons import COMPARISONS, comparison_vectors

U_FLOOR = 1e-6
"""No level is rarer than this among random pairs (exact NIKs never agree between two people)."""
M_FLOOR = 0.005
"""No level is rarer than this among matches: an unseen mistake never vetoes (as in training)."""


def random_pairs(sample: pl.DataFrame, *, rounds: int, seed: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(pseudo-usulan rows, pairs): each sampled person, written as a proposal, paired with ``rounds``
    others drawn by seeded permutations (never with itself). ``sample`` has the candidate columns
    (``blocking.dk_keys`` applied)."""
    n = sample.height
    rng = np.random.default_rng(seed)
    left, right = [], []
    for _ in range(rounds):
        perm = rng.permutation(n)
        keep = perm != np.arange(n)
        left.append(np.flatnonzero(keep))
        right.append(perm[keep])
    li, ri = np.concatenate(left), np.concatenate(right)
    rows = sample.with_row_index("_row").select(
        "_row",
        nik_usulan="NIK",
        nik_rusak_excel=pl.lit(False),
        no_kk_usulan="NO_KK",
        nama_usulan="NAMA_LGKP",
        tgl_lahir="TGL_LHR",
        jk="_jk",
        nama_ibu_kandung="NAMA_LGKP_IBU",
        kode_wilayah_usulan="_desa",
    )
    pairs = pl.DataFrame(
        {"_row": li.astype(np.uint32), "nik_padan": sample["NIK"].gather(pl.Series(ri)), "metode_padan": "ACAK"}
    )
    return rows, pairs


def level_frequencies(vectors: pl.DataFrame, floor: float) -> dict[str, dict[str, float]]:
    """Share of each level among the pairs where the comparison is not missing, floored, normalised."""
    out = {}
    for cmp, levels in COMPARISONS.items():
        counts = dict(vectors.filter(pl.col(cmp).is_not_null()).group_by(cmp).len().iter_rows())
        total = sum(counts.values())
        p = {lv: max(counts.get(lv, 0) / total if total else 0.0, floor) for lv in levels}
        norm = sum(p.values())
        out[cmp] = {lv: x / norm for lv, x in p.items()}
    return out


def u_from_random_pairs(sample: pl.DataFrame, model, *, rounds: int = 4, seed: int = 14) -> tuple[dict, int]:
    """u per comparison level among random pairs of ``sample`` (a sample of the extract), and the
    number of pairs."""
    rows, pairs = random_pairs(sample, rounds=rounds, seed=seed)
    v = comparison_vectors(
        pairs, rows, sample, clan_names=model.clan_names, call_names=model.call_names, cuts=model.cuts()
    )
    return level_frequencies(v, U_FLOOR), pairs.height


def _codes(vectors: pl.DataFrame) -> dict[str, np.ndarray]:
    """Each comparison's level as an index into COMPARISONS[cmp], -1 where missing."""
    return {
        cmp: vectors[cmp]
        .replace_strict({lv: i for i, lv in enumerate(levels)}, default=-1, return_dtype=pl.Int16)
        .fill_null(-1)
        .to_numpy()
        for cmp, levels in COMPARISONS.items()
    }


SESSIONS = {
    "NIK_EXACT": ("cmp_nik",),
    "NIK_SATU_EDIT": ("cmp_nik", "cmp_tgl", "cmp_jk", "cmp_wilayah"),
    "KK_KELUARGA": ("cmp_nik", "cmp_kk", "cmp_ibu", "cmp_wilayah"),
    "NIK_EXCEL": ("cmp_nik", "cmp_tgl", "cmp_jk"),
    "WILAYAH_TGL_JK": ("cmp_nik", "cmp_wilayah", "cmp_tgl", "cmp_jk"),
}
"""EM sessions, one per blocking rule (as Splink trains per blocking rule): the comparisons each
leaves out, because its pairs agree on them by construction, so that they neither drive the
posterior nor get estimated there. A NIK one edit away carries the birth date, the sex and the
district of the submitted one; a family card's members share the card, the mother and the village,
and were not found by their NIK; the digits Excel left fix the NIK's level and carry the birth date
and sex; the village + birth date + sex rule runs only for rows no NIK found."""
MIN_SESSION_PAIRS = 1000


def em_sessions(vectors: pl.DataFrame, u: dict, start: dict, prior_log2: float) -> dict:
    """EM per session (:data:`SESSIONS`) on that rule's candidate pairs with its comparisons left out;
    each comparison's m is the mean over the sessions that estimated it, weighted by the matches each
    found (the start where none did)."""
    found, runs = {cmp: [] for cmp in COMPARISONS}, {}
    for method, left_out in SESSIONS.items():
        pairs = vectors.filter(pl.col("metode_padan") == method)
        if pairs.height < MIN_SESSION_PAIRS:
            runs[method] = {"pairs": pairs.height, "skipped": True}
            continue
        used = [c for c in COMPARISONS if c not in left_out]
        r = em_m(pairs, u, start, prior_log2, comparisons=used)
        runs[method] = {
            "pairs": pairs.height,
            "lambda": round(r["lambda"], 6),
            "iterations": r["iterations"],
            "converged": r["converged"],
        }
        for cmp in used:
            found[cmp].append((r["lambda"] * pairs.height, r["m"][cmp]))
    # pooled by the matches each session found: a session of mostly non-matches has little to say on m
    m = {
        cmp: (
            {lv: sum(w * f[lv] for w, f in fs) / sum(w for w, _ in fs) for lv in COMPARISONS[cmp]}
            if fs
            else dict(start[cmp])
        )
        for cmp, fs in found.items()
    }
    return {"m": m, "sessions": runs}


def em_m(
    vectors: pl.DataFrame,
    u: dict,
    start: dict,
    prior_log2: float,
    *,
    comparisons=None,
    iterations: int = 25,
    tolerance: float = 1e-4,
) -> dict:
    """m per level by EM on candidate pairs with u fixed (Splink's ``fix_u_probabilities``): the
    posterior match probability of each pair under the current m, then m as the posterior-weighted
    level shares (floored at M_FLOOR), until the largest change of an m is below ``tolerance``.
    ``start`` is the starting m per level; ``prior_log2`` the starting log2-odds of a match.

    Returns ``m``, ``lambda`` (the share of pairs that are matches), ``iterations`` and
    ``converged``."""
    codes = {c: v for c, v in _codes(vectors).items() if comparisons is None or c in comparisons}
    m = {cmp: np.array([start[cmp][lv] for lv in COMPARISONS[cmp]]) for cmp in COMPARISONS}
    uu = {cmp: np.array([u[cmp][lv] for lv in COMPARISONS[cmp]]) for cmp in COMPARISONS}
    lam = 2.0**prior_log2 / (1 + 2.0**prior_log2)
    done, it = False, 0
    for it in range(1, iterations + 1):  # noqa: B007 (it is returned: the iterations run)
        logit = np.full(vectors.height, math.log2(lam / (1 - lam)))
        for cmp, c in codes.items():
            w = np.log2(m[cmp] / uu[cmp])
            logit += np.where(c >= 0, w[np.maximum(c, 0)], 0.0)
        post = 1.0 / (1.0 + np.exp2(-np.clip(logit, -60, 60)))
        lam = float(np.clip(post.mean(), 1e-6, 1 - 1e-6))
        change = 0.0
        for cmp, c in codes.items():
            seen = c >= 0
            mass = np.bincount(c[seen], weights=post[seen], minlength=len(COMPARISONS[cmp]))
            new = np.maximum(mass / max(mass.sum(), 1e-12), M_FLOOR)
            new /= new.sum()
            change = max(change, float(np.abs(new - m[cmp]).max()))
            m[cmp] = new
        if change < tolerance:
            done = True
            break
    return {
        "m": {cmp: dict(zip(COMPARISONS[cmp], m[cmp].tolist())) for cmp in codes},
        "lambda": lam,
        "iterations": it,
        "converged": done,
    }


def start_m(weights: dict[str, dict[str, float]]) -> dict[str, dict[str, float]]:
    """A starting m from the trained weights: each level's share in proportion to 2^weight (the
    levels the trained model trusts most start with the most mass), floored and normalised."""
    out = {}
    for cmp, levels in weights.items():
        raw = {lv: max(2.0**w, 0.0) for lv, w in levels.items()}
        total = sum(raw.values())
        p = {lv: max(x / total, M_FLOOR) for lv, x in raw.items()}
        norm = sum(p.values())
        out[cmp] = {lv: x / norm for lv, x in p.items()}
    return out


SAMPLE_TARGET = 20_000
"""About this many persons of the extract are sampled for the random pairs."""


def sample_expr(persons: int) -> pl.Expr:
    """Which persons of an extract of ``persons`` rows the random pairs are drawn from: about
    SAMPLE_TARGET of them, the same every run and with every version of the libraries. A NIK is
    region, birth date and a serial that is mostly 0001, so neither part alone (nor the NIK modulo a
    prime) spreads: a multiplicative hash of both halves of the number does."""
    x = pl.col("NIK").cast(pl.Int64, strict=False)
    h = ((x % 1_000_003) * 2_654_435_761 + (x // 1_000_003 % 1_000_003) * 40_503) % 2**32
    return h < min(1.0, SAMPLE_TARGET / max(persons, 1)) * 2**32


def estimates(sample: pl.DataFrame, candidates: pl.DataFrame, model) -> dict:
    """u from random pairs of ``sample`` (persons of the extract, ``blocking.dk_keys`` applied), m by
    EM on ``candidates`` (the month's scored candidate pairs), for the manifest: per level the trained
    weight, the starting m, the estimated m, the u, the estimated weight log2(m/u), and per
    comparison ``m_moved``, the largest change EM made to an m."""
    if sample.height < 2 or candidates.height == 0:
        return {
            "random_pairs": 0,
            "persons_sampled": sample.height,
            "candidate_pairs": candidates.height,
            "em_sessions": {},
            "levels": {},
            "m_moved": {},
        }
    u, n_random = u_from_random_pairs(sample.sort("NIK"), model)
    trained = model.level_weights()
    start = start_m(trained)
    prior = float(np.mean(list(model.prior_log2_odds.model_dump().values())))
    em = em_sessions(candidates.sort("_row", "nik_padan"), u, start, prior)
    levels = {
        cmp: {
            lv: {
                "trained": trained[cmp][lv],
                "m_start": round(start[cmp][lv], 6),
                "m": round(em["m"][cmp][lv], 6),
                "u": round(u[cmp][lv], 8),
                "estimated": round(math.log2(em["m"][cmp][lv] / u[cmp][lv]), 3),
            }
            for lv in COMPARISONS[cmp]
        }
        for cmp in COMPARISONS
    }
    moved = {
        cmp: round(max(abs(em["m"][cmp][lv] - start[cmp][lv]) for lv in COMPARISONS[cmp]), 6) for cmp in COMPARISONS
    }
    return {
        "random_pairs": n_random,
        "persons_sampled": sample.height,
        "candidate_pairs": candidates.height,
        "em_sessions": em["sessions"],
        "levels": levels,
        "m_moved": moved,
    }
