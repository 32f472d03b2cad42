"""Twins and namesakes of the population: which children are twins (one delivery), which unrelated
people become namesakes (one common full name, birth date, sex and registration district), and
the look-alike names families give twins."""

from __future__ import annotations

import numpy as np
import polars as pl

from synthetic import names as N
from synthetic.common import choice, gather, years
from synthetic.cultures import CULTURE_INDEX, MUSLIM_CULTURES, WORD_POOL
from synthetic.naming import BALI_RE, GIVEN_RE, draw_words
from synthetic.vocabulary import ANAK

_NAMESAKE_MAX_SHIFT = 2.0  # years a namesake's birth date may move to meet the other's


def twin_roots(rng: np.random.Generator, role: np.ndarray, hh: np.ndarray, twin_rate: float) -> np.ndarray:
    """For every person the row of the first-born of their delivery: the row itself, except for a
    twin (or triplet) born second, whose delivery started at the sibling in the row before.

    The children of a family card are consecutive rows; ``twin_rate`` of the deliveries are twins.
    """
    n = role.size
    idx = np.arange(n)
    anak = role == ANAK
    can_start = anak & np.r_[anak[1:] & (hh[1:] == hh[:-1]), False]  # a younger sibling follows in the card
    share = can_start.sum() / max(int(anak.sum()), 1)
    p = min(1.0, twin_rate / share) if share > 0 else 0.0
    starts = can_start & (rng.random(n) < p)
    follows = np.r_[False, starts[:-1]]
    return np.maximum.accumulate(np.where(follows, 0, idx))


def namesake_pairs(
    rng: np.random.Generator,
    culture: np.ndarray,
    female: np.ndarray,
    bd: np.ndarray,
    bd_lo: np.ndarray,
    bd_hi: np.ndarray,
    hh: np.ndarray,
    village: np.ndarray,
    eligible: np.ndarray,
    rate: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Disjoint pairs (x, y) of unrelated people who become namesakes: ``y`` takes ``x``'s birth date.

    Candidates are people of a Muslim-majority culture (no family name to clash) outside a twin
    delivery; they are sorted by culture, sex and birth date and paired with their neighbour, in
    another household and village, when ``x``'s date lies in the window ``y``'s household allows
    (``bd_lo``..``bd_hi``) and no more than a couple of years from ``y``'s own. About ``rate`` of
    all people end up in a pair.
    """
    cand = np.flatnonzero(eligible & np.isin(culture, MUSLIM_CULTURES))
    none = np.zeros(0, dtype=np.int64)
    if rate <= 0 or cand.size < 2:
        return none, none
    cand = cand[np.lexsort((bd[cand], female[cand], culture[cand]))]
    a, b = cand[0 : cand.size - 1 : 2], cand[1::2]
    near = np.abs(bd[a] - bd[b]) <= years(_NAMESAKE_MAX_SHIFT)
    ok = (culture[a] == culture[b]) & (female[a] == female[b]) & (hh[a] != hh[b]) & (village[a] != village[b]) & near
    b_moves = ok & (bd[a] >= bd_lo[b]) & (bd[a] <= bd_hi[b])
    a_moves = ok & ~b_moves & (bd[b] >= bd_lo[a]) & (bd[b] <= bd_hi[a])
    x, y = np.where(b_moves, a, b), np.where(b_moves, b, a)
    ok = b_moves | a_moves
    want = rate * bd.size / 2
    take = ok & (rng.random(a.size) < min(1.0, want / max(int(ok.sum()), 1)))
    return x[take], y[take]


def twin_lookalike_names(
    rng: np.random.Generator,
    nama: pl.Series,
    twin_root: np.ndarray,
    female: np.ndarray,
    culture: np.ndarray,
    share: float,
) -> pl.Series:
    """Names of twins that look alike: ``share`` of the twins born second (or third) get a name made
    from the sibling born just before them, in one of the ways families do it:

    * ``pair``: a rhyming or minimal pair of given words (HASAN / HUSEIN, RIZKI / RIZKA), both twins;
    * ``dwi_tri``: DWI and TRI before one name (DWI WAHYUNI / TRI WAHYUNI), both twins;
    * ``same_first``: the same first given word, the twin's own last word (BAYU PRATAMA / BAYU SAPUTRA);
    * ``one_letter``: the given word one letter apart (RENDI / RANDI, RIZKI / RIZKA for a sister);

    A twin of the other sex drops the sex-bound words before the given one (MUHAMMAD, SITI ...).
    * Balinese twins keep their own birth-order name before the sibling's name (I WAYAN ARTAWAN / I MADE ARTAWAN).

    ``pair`` and ``dwi_tri`` (Muslim-majority cultures) rename the first twin too; a triplet is made
    from the second. A name that would equal the sibling's stays as composed.
    """
    n = nama.len()
    idx = np.arange(n)
    follower = np.flatnonzero((twin_root != idx) & (rng.random(n) < share))
    if follower.size == 0:
        return nama
    depth = follower - twin_root[follower]
    style = np.where(
        np.isin(culture[follower], MUSLIM_CULTURES) & (depth == 1),
        choice(rng, (0.25, 0.15, 0.25, 0.35), follower.size),  # pair, dwi_tri, same_first, one_letter
        np.where(rng.random(follower.size) < 0.5, 2, 3),
    )
    style = np.where(culture[follower] == CULTURE_INDEX["bali"], 4, style)
    pairs = N.KEMBAR_PASANGAN
    sexes = np.array([{"LL": 0, "LP": 1, "PL": 2, "PP": 3}[p[2]] for p in pairs])
    for dep in range(1, int(depth.max()) + 1):
        rows = follower[depth == dep]
        st = style[depth == dep]
        prev = rows - 1
        a, own = nama.gather(prev), nama.gather(rows)
        combo = female[prev].astype(np.int64) * 2 + female[rows]
        pick = np.zeros(rows.size, dtype=np.int64)
        for ci in range(4):
            m = combo == ci
            pick[m] = np.flatnonzero(sexes == ci)[rng.integers(0, int((sexes == ci).sum()), int(m.sum()))]
        df = pl.DataFrame(
            {
                "a": a,
                "own": own,
                "st": st,
                "fem": female[rows],
                "same_sex": female[rows] == female[prev],
                "p0": gather([p[0] for p in pairs], pick),
                "p1": gather([p[1] for p in pairs], pick),
            }
        )
        pre, given, rest = (pl.col("a").str.extract(GIVEN_RE, i) for i in (1, 2, 3))
        pre_b = (
            pl.when(pl.col("same_sex")).then(pre).otherwise(pl.lit(""))
        )  # no SITI for a brother, no MUHAMMAD for a sister
        last = pl.col("a").str.extract(r"(\S+)$", 1)
        own_last = pl.col("own").str.extract(r"(\S+)$", 1)
        # one letter: the final vowel after a consonant follows the sex (RIZKI / RIZKA), else the first vowel
        # changes (RENDI / RANDI, DENI / DONI)
        ends_cv = given.str.contains(r"[^AEIOU][AEIOU]$")
        first_v = given.str.extract(r"^[^AEIOU]*([AEIOU])", 1)
        swapped_v = first_v.replace_strict(["A", "E", "I", "O", "U"], ["E", "A", "E", "A", "A"], default="A")
        g1 = (
            pl.when(ends_cv & pl.col("fem"))
            .then(
                pl.when(given.str.ends_with("A"))
                .then(given.str.replace(r"A$", "I"))
                .otherwise(given.str.replace(r"[EIOU]$", "A"))
            )
            .when(ends_cv)
            .then(
                pl.when(given.str.ends_with("I"))
                .then(given.str.replace(r"I$", "O"))
                .otherwise(given.str.replace(r"[AEOU]$", "I"))
            )
            .otherwise(
                pl.concat_str(
                    [
                        given.str.extract(r"^([^AEIOU]*)[AEIOU]", 1),
                        swapped_v,
                        given.str.replace(r"^[^AEIOU]*[AEIOU]", ""),
                    ]
                )
            )
        )
        bali_a = pl.col("a").str.extract(BALI_RE, 2)
        bali_own = pl.col("own").str.extract(BALI_RE, 1)
        new_b = (
            pl.when(pl.col("st") == 0)
            .then(pre_b + pl.col("p1") + rest)
            .when(pl.col("st") == 1)
            .then("TRI " + last)
            .when((pl.col("st") == 2) & pl.col("same_sex"))
            .then(pre + given + " " + own_last)
            .when((pl.col("st") == 4) & bali_a.is_not_null() & bali_own.is_not_null())
            .then(bali_own + " " + bali_a)
            .otherwise(pre_b + g1 + rest)
        )
        new_a = (
            pl.when(pl.col("st") == 0)
            .then(pre + pl.col("p0") + rest)
            .when(pl.col("st") == 1)
            .then("DWI " + last)
            .otherwise(pl.col("a"))
        )
        out = df.with_columns(
            root=nama.gather(twin_root[rows]),
            extra=gather(
                WORD_POOL,
                np.where(female[rows], draw_words(rng, "BLK_P", rows.size), draw_words(rng, "BLK_L", rows.size)),
            ),
        ).select(new_a=new_a.fill_null(pl.col("a")), new_b=new_b, a="a", own="own", root="root", extra="extra")
        # no two children of one delivery share a name: else the composed name, else one more word
        new_a = pl.when(pl.col("new_a") == pl.col("new_b")).then(pl.col("a")).otherwise(pl.col("new_a"))
        clash = [pl.col("new_a"), pl.col("root")]  # the sibling just before, the first-born
        out = out.with_columns(new_a=new_a).with_columns(
            new_b=pl.when(
                pl.col("new_b").is_null()
                | (pl.col("new_b") == "")
                | pl.any_horizontal(pl.col("new_b") == c for c in clash)
            )
            .then(pl.col("own"))
            .otherwise(pl.col("new_b"))
        )
        out = out.with_columns(
            new_b=pl.when(pl.any_horizontal(pl.col("new_b") == c for c in clash))
            .then(pl.col("new_b") + " " + pl.col("extra"))
            .otherwise(pl.col("new_b"))
        )
        nama = nama.scatter(prev, out["new_a"]).scatter(rows, out["new_b"])
    return nama
