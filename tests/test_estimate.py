"""The month's own estimates (issue 14): u from random pairs of the extract, m by EM on candidate
pairs. Expected values are the parameters the test data was drawn with, written here by hand."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from transforms.linkage import blocking, estimate
from transforms.linkage.comparisons import COMPARISONS


def draw(rng, n: int, levels: dict[str, float]) -> list[str]:
    names = list(levels)
    return list(rng.choice(names, size=n, p=[levels[k] for k in names]))


M_NAMA = {"SAMA": 0.90, "MIRIP_TINGGI": 0.06, "BEDA": 0.04}
U_NAMA = {"SAMA": 0.02, "MIRIP_TINGGI": 0.03, "BEDA": 0.95}
M_KK = {"SAMA": 0.95, "BEDA": 0.05}
U_KK = {"SAMA": 0.30, "BEDA": 0.70}
M_TGL = {"SAMA": 0.97, "BEDA": 0.03}
U_TGL = {"SAMA": 0.10, "BEDA": 0.90}


def mixture(matches: int, others: int, seed: int = 3) -> pl.DataFrame:
    """Candidate pairs of one blocking rule: ``matches`` drawn from M_*, ``others`` from U_*."""
    rng = np.random.default_rng(seed)
    n = matches + others
    cols = {
        "cmp_nama": draw(rng, matches, M_NAMA) + draw(rng, others, U_NAMA),
        "cmp_kk": draw(rng, matches, M_KK) + draw(rng, others, U_KK),
        "cmp_tgl": draw(rng, matches, M_TGL) + draw(rng, others, U_TGL),
    }
    frame = pl.DataFrame(
        {
            "_row": np.arange(n, dtype=np.uint32),
            "nik_padan": [f"{i:016d}" for i in range(n)],
            "metode_padan": ["NIK_EXACT"] * n,
            **cols,
        }
    )
    return frame.with_columns(*(pl.lit(None, pl.String).alias(c) for c in COMPARISONS if c not in cols))


def full_u(**given: dict[str, float]) -> dict[str, dict[str, float]]:
    out = {}
    for cmp, levels in COMPARISONS.items():
        src = given.get(cmp, {})
        out[cmp] = {lv: src.get(lv, 1e-6) if src else 1.0 / len(levels) for lv in levels}
    return out


def test_em_recovers_the_share_of_matches_and_their_m():
    pairs = mixture(7000, 3000)
    u = full_u(cmp_nama=U_NAMA, cmp_kk=U_KK, cmp_tgl=U_TGL)
    flat = {cmp: {lv: 1.0 / len(levels) for lv in levels} for cmp, levels in COMPARISONS.items()}
    r = estimate.em_m(pairs, u, flat, prior_log2=0.0, comparisons=("cmp_nama", "cmp_kk", "cmp_tgl"), iterations=200)
    assert r["converged"]
    assert abs(r["lambda"] - 0.7) < 0.02
    seen = sum(r["m"]["cmp_nama"][lv] for lv in M_NAMA)  # the floors of the unseen levels take a little
    assert abs(r["m"]["cmp_nama"]["SAMA"] / seen - 0.90) < 0.02
    assert abs(r["m"]["cmp_kk"]["SAMA"] - 0.95) < 0.02
    assert abs(r["m"]["cmp_tgl"]["BEDA"] - 0.03) < 0.02
    # a level no match shows keeps the floor: an unseen mistake never vetoes
    assert r["m"]["cmp_nama"]["AGAK"] >= estimate.M_FLOOR * 0.9


def test_a_session_leaves_out_what_its_blocking_rule_makes_agree():
    """Family-card pairs agree on the card by construction: EM of that session must not estimate
    m(cmp_kk) there, so the pooled m of cmp_kk comes from the NIK session alone."""
    exact = mixture(4000, 200, seed=5)
    family = mixture(300, 3000, seed=6).with_columns(
        metode_padan=pl.lit("KK_KELUARGA"), cmp_kk=pl.lit("SAMA"), _row=pl.col("_row") + 10_000
    )
    u = full_u(cmp_nama=U_NAMA, cmp_kk=U_KK, cmp_tgl=U_TGL)
    start = {cmp: {lv: 1.0 / len(levels) for lv in levels} for cmp, levels in COMPARISONS.items()}
    r = estimate.em_sessions(pl.concat([exact, family]), u, start, prior_log2=0.0)
    assert r["sessions"]["KK_KELUARGA"]["pairs"] == 3300 and not r["sessions"]["KK_KELUARGA"].get("skipped")
    assert abs(r["m"]["cmp_kk"]["SAMA"] - 0.95) < 0.03  # not pulled to 1 by the family session
    assert abs(r["sessions"]["KK_KELUARGA"]["lambda"] - 300 / 3300) < 0.05
    assert r["sessions"]["WILAYAH_TGL_JK"] == {"pairs": 0, "skipped": True}


def persons(n: int) -> pl.DataFrame:
    """``n`` persons: every other one a woman, families of two, distinct names and birth dates."""
    first = ["ADI", "BUDI", "CITRA", "DEWI", "EKO", "FITRI", "GALIH", "HANI", "IWAN", "JOKO"]
    last = [
        "SANTOSO",
        "WIBOWO",
        "LUBIS",
        "SIREGAR",
        "NAINGGOLAN",
        "PURBA",
        "TAMBUNAN",
        "MANURUNG",
        "SINAGA",
        "HUTAPEA",
        "PANJAITAN",
        "SIMANJUNTAK",
        "GINTING",
        "TARIGAN",
        "SEMBIRING",
        "KABAN",
        "SITEPU",
        "BANGUN",
        "PERANGIN",
        "SURBAKTI",
    ]
    return blocking.dk_keys(
        pl.DataFrame(
            {
                "NIK": [
                    f"3201{i % 10:02d}{(i % 28) + 1:02d}{(i % 12) + 1:02d}{i % 90 + 10:02d}{i:04d}" for i in range(n)
                ],
                "NO_KK": [f"32010101{i // 2:08d}" for i in range(n)],
                "NAMA_LGKP": [
                    f"{first[i % 10]} {last[(i // 10) % 20]} {chr(65 + i % 26)}{chr(65 + (i // 26) % 26)}"
                    for i in range(n)
                ],
                "TGL_LHR": [dt.date(1950, 1, 1) + dt.timedelta(days=37 * i) for i in range(n)],
                "JENIS_KLMIN": ["LAKI-LAKI", "PEREMPUAN"] * (n // 2),
                "NAMA_LGKP_IBU": [f"IBU {i // 2:05d}" for i in range(n)],
                "NO_PROP": ["32"] * n,
                "NO_KAB": ["01"] * n,
                "NO_KEC": [f"{i % 10:02d}" for i in range(n)],
                "NO_KEL": ["1001"] * n,
            }
        ).lazy()
    ).collect()


def test_u_among_random_pairs_of_the_extract():
    from rules import load_matching_model

    model = load_matching_model().model
    u, n = estimate.u_from_random_pairs(persons(400), model)
    assert 1500 < n <= 1600  # four rounds, a person never with itself
    assert abs(u["cmp_jk"]["SAMA"] - 0.5) < 0.05  # half the people are women
    assert u["cmp_kk"]["SAMA"] < 0.02  # families of two: 1 in 399 pairs
    assert u["cmp_nik"]["SAMA"] < 1e-5 and u["cmp_tgl"]["SAMA"] < 1e-5  # nobody shares a NIK or a birth date
    assert abs(u["cmp_wilayah"]["KECAMATAN"] + u["cmp_wilayah"]["DESA"] - 0.1) < 0.04  # ten subdistricts


def test_the_sample_is_spread_over_the_extract_and_the_same_every_time():
    niks = pl.DataFrame(
        {
            "NIK": [
                f"{p:02d}{k:02d}{c:02d}{d:02d}{m:02d}{y:02d}0001"
                for p in (11, 32, 35, 73, 94)
                for k in (1, 5)
                for c in (1, 7)
                for d in range(1, 29)
                for m in (1, 6, 11)
                for y in (60, 85, 99)
            ]
        }
    )
    kept = niks.filter(estimate.sample_expr(persons=200_000))  # target 20,000 of 200,000: 1 in 10
    assert 0.07 < kept.height / niks.height < 0.13
    assert kept["NIK"].str.slice(0, 2).unique().sort().to_list() == ["11", "32", "35", "73", "94"]
    assert kept.equals(niks.filter(estimate.sample_expr(persons=200_000)))
    assert niks.filter(estimate.sample_expr(persons=10)).height == niks.height  # a tiny extract: everyone
