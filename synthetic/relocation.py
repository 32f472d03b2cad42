"""Families that moved (the ``relocated`` and ``relocated_old_form`` noise kinds): which proposed
households moved, the village and address they moved to, and the old family card an old form
still carries. Decided per household, before the rows are split into files, because a row goes
into the file of the province of the village it carries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import numpy as np
import polars as pl

from synthetic.common import epoch_day, str_ints, years, ymd
from synthetic.regions import household_addresses
from transforms import wilayah

_MOVE_SAME_REGENCY = 0.7  # most moves stay in the regency; the rest go to another province


def relocated_households(
    rng: np.random.Generator, k: int, rates: Mapping[str, float], eligible: np.ndarray
) -> np.ndarray:
    """Per proposed household: 0 stayed, 1 ``relocated``, 2 ``relocated_old_form`` (drawn at the kinds' rates)."""
    u = rng.random(k)
    p1, p2 = rates["relocated"], rates["relocated_old_form"]
    out = np.where(u < p1, 1, np.where(u < p1 + p2, 2, 0)).astype(np.int8)
    out[~eligible] = 0
    return out


def _moved_villages(rng: np.random.Generator, kode: pl.Series, villages_here: pl.Series) -> pl.Series:
    """Another real village for each 10-digit code: in the same regency (mostly; any village of the
    Kemendagri list) or in another province of this data root (one of its own villages)."""
    k = kode.len()
    c = kode.cast(pl.Int64).to_numpy()
    allv = wilayah.villages()["kode_wilayah"].cast(pl.Int64).sort().to_numpy()
    kab = allv // 1_000_000
    lo = np.searchsorted(kab, c // 1_000_000, "left")
    cnt = np.searchsorted(kab, c // 1_000_000, "right") - lo
    own = np.searchsorted(allv, c)
    j = lo + np.floor(rng.random(k) * np.maximum(cnt - 1, 1)).astype(np.int64)
    j = np.where(j >= own, j + 1, j)
    same_kab = np.where(cnt >= 2, allv[np.minimum(j, allv.size - 1)], -1)
    here = villages_here.cast(pl.Int64).unique().sort().to_numpy()
    prov = here // 100_000_000
    plo = np.searchsorted(prov, c // 100_000_000, "left")
    pn = np.searchsorted(prov, c // 100_000_000, "right") - plo
    others = here.size - pn
    r = np.floor(rng.random(k) * np.maximum(others, 1)).astype(np.int64)
    r = np.where(r >= plo, r + pn, r)
    other_prov = np.where(others >= 1, here[np.minimum(r, here.size - 1)], -1)
    want_same = rng.random(k) < _MOVE_SAME_REGENCY
    out = np.where((want_same & (same_kab >= 0)) | (other_prov < 0), same_kab, other_prov)
    out = np.where(out < 0, c, out)  # nowhere to go (never with the sampled regions)
    return str_ints(out, 10)


def _old_family_cards(rng: np.random.Generator, kode: pl.Series, population: pl.DataFrame, ref: int) -> pl.Series:
    """No KK numbers of cards a family held before it moved: issued in the district of ``kode``
    between 2000 and three years ago; none is a No KK or NIK in Dukcapil."""
    k = kode.len()
    kec = kode.str.slice(0, 6).cast(pl.Int64).to_numpy()
    lo = epoch_day(dt.date(2000, 1, 1))
    card = lo + np.floor(rng.random(k) * max(ref - years(3) - lo, 1)).astype(np.int64)
    cy, cm, cd = ymd(card)
    kk = (kec * 1_000_000 + cd * 10_000 + cm * 100 + cy % 100) * 10_000 + 5000 + rng.integers(0, 4000, k)
    taken = pl.concat([population["NO_KK"], population["NIK"]]).cast(pl.Int64)
    for _ in range(20):
        clash = pl.Series(kk).is_in(taken.implode()).to_numpy() | pl.Series(kk).is_duplicated().to_numpy()
        if not clash.any():
            return str_ints(kk, 16)
        kk[clash] += 1
    raise RuntimeError("could not make an old No KK that Dukcapil does not hold")


def relocate(
    rng: np.random.Generator,
    base: pl.DataFrame,
    cand: np.ndarray,
    moving: np.ndarray,
    population: pl.DataFrame,
    ref: int,
) -> pl.DataFrame:
    """Give the households that moved (``moving`` per household: 1 relocated, 2 relocated_old_form)
    the village, address and, for an old form, No KK the usulan will carry.

    ``relocated``: the usulan is written in the new village, Dukcapil still has the old one.
    ``relocated_old_form``: Dukcapil already has the new village, address and family card; the
    usulan copies an old form: the village the family left, its old address and its old No KK.
    Either way the usulan's village and address differ from the extract's; the NIK never changes.
    """
    hh = np.flatnonzero(moving > 0)
    first = np.searchsorted(cand, hh)  # rows are grouped by household here
    kode = _moved_villages(rng, base["kode_wilayah"].gather(pl.Series(first)), population["kode_wilayah"])
    alamat = household_addresses(rng, hh.size)
    own = base["ALAMAT"].gather(pl.Series(first))
    for _ in range(5):
        same = np.flatnonzero((alamat == own).to_numpy())
        if same.size == 0:
            break
        alamat = alamat.scatter(same, household_addresses(rng, same.size))
    old_form = moving[hh] == 2
    kk = base["NO_KK"].gather(pl.Series(first))
    if old_form.any():
        rows = np.flatnonzero(old_form)
        kk = kk.scatter(rows, _old_family_cards(rng, kode.gather(pl.Series(rows)), population, ref))
    at = np.searchsorted(hh, cand)
    moved = moving[cand] > 0
    rows = np.flatnonzero(moved)
    g = pl.Series(at[rows])
    return base.with_columns(
        _relocation=pl.Series(moving[cand].astype(np.int8)),
        _kode_usulan=base["_kode_usulan"].scatter(rows, kode.gather(g)),
        _alamat_usulan=base["_alamat_usulan"].scatter(rows, alamat.gather(g)),
        _kk_usulan=base["_kk_usulan"].scatter(rows, kk.gather(g)),
    )
