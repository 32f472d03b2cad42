"""Small helpers every part of the generator uses: days and dates as numpy integers, seeded draws
with weights, gathering strings by index, ranks within groups, and the contract column lists.

Dates are integers (days since 1970-01-01, :func:`epoch_day`) so that a whole population can be
moved by whole years (:func:`years`) without a Python loop.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

import numpy as np
import polars as pl

import schemas

# the contract column lists, from the contracts (``schemas``): the generator writes what a run reads
DUKCAPIL_COLUMNS = tuple(schemas.DUKCAPIL_COLUMNS)
USULAN_COLUMNS = tuple(schemas.USULAN_COLUMNS)

DAYS_PER_YEAR = 365.2425


def periode_start(periode: str) -> dt.date:
    """The first day of ``periode`` (``YYYY-MM``).

    >>> periode_start("2026-01")
    datetime.date(2026, 1, 1)
    """
    m = re.fullmatch(r"(\d{4})-(0[1-9]|1[0-2])", periode)
    if not m:
        raise ValueError(f"periode must be YYYY-MM, got {periode!r}")
    return dt.date(int(m.group(1)), int(m.group(2)), 1)


def epoch_day(d: dt.date) -> int:
    """Days since 1970-01-01."""
    return (d - dt.date(1970, 1, 1)).days


def ymd(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month and day (1-based) of days since 1970-01-01."""
    d = np.asarray(days, dtype=np.int64).astype("datetime64[D]")
    months = d.astype("datetime64[M]")
    y = months.astype("datetime64[Y]").astype(np.int64) + 1970
    m = months.astype(np.int64) % 12 + 1
    dd = (d - months.astype("datetime64[D]")).astype(np.int64) + 1
    return y, m, dd


def years(x: np.ndarray | float) -> np.ndarray:
    """``x`` years as whole days (``ref - years(18)``: eighteen years before ``ref``)."""
    return np.floor(np.asarray(x, dtype=np.float64) * DAYS_PER_YEAR).astype(np.int64)


def choice(rng: np.random.Generator, probs: Mapping[str, float] | tuple[float, ...], n: int) -> np.ndarray:
    """``n`` indices drawn with the (not necessarily normalised) weights ``probs``."""
    p = np.asarray(list(probs.values()) if isinstance(probs, Mapping) else probs, dtype=np.float64)
    return rng.choice(p.size, size=n, p=p / p.sum())


def skewed(rng: np.random.Generator, n_words: int, size: int, power: float = 1.7) -> np.ndarray:
    """Indices 0..n_words-1 with a mild preference for the front of a list (common names first)."""
    return np.minimum((n_words * rng.random(size) ** power).astype(np.int64), n_words - 1)


def gather(values: pl.Series | list[str] | tuple[str, ...], idx: np.ndarray) -> pl.Series:
    """The strings ``values[idx]`` as a String Series."""
    s = values if isinstance(values, pl.Series) else pl.Series(list(values), dtype=pl.String)
    return s.gather(pl.Series(np.asarray(idx, dtype=np.int64)))


def group_rank(keys: np.ndarray, tie_order: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """0-based rank of every element within its ``keys`` group, and the group size.

    ``tie_order`` is a permutation of the positions: within a group, elements rank in that order
    (``rng.permutation(n)`` for a random order, ``np.argsort(x, kind="stable")`` to order by x).
    """
    order = tie_order[np.argsort(keys[tie_order], kind="stable")]
    k = keys[order]
    new = np.r_[True, k[1:] != k[:-1]]
    starts = np.flatnonzero(new)
    grp = np.cumsum(new) - 1
    sizes = np.diff(np.r_[starts, k.size])
    rank = np.empty(keys.size, dtype=np.int64)
    rank[order] = np.arange(k.size) - starts[grp]
    size = np.empty(keys.size, dtype=np.int64)
    size[order] = sizes[grp]
    return rank, size


def str_ints(x: np.ndarray, width: int) -> pl.Series:
    """Zero-padded decimal strings of ``width`` digits."""
    return pl.Series(np.asarray(x, dtype=np.int64)).cast(pl.String).str.zfill(width)


def dotted_code(code: pl.Series, dotted: np.ndarray) -> pl.Series:
    """``code`` (10-digit village codes) written ``32.01.01.2001`` where ``dotted``."""
    dots = pl.concat_str(
        [code.str.slice(0, 2), code.str.slice(2, 2), code.str.slice(4, 2), code.str.slice(6)], separator="."
    )
    return pl.select(pl.when(pl.lit(pl.Series(dotted))).then(dots).otherwise(code)).to_series().alias(code.name)


def subset_apply(s: pl.Series, rows: np.ndarray, fn) -> pl.Series:
    """``s`` with ``s[rows]`` replaced by ``fn(s[rows])`` (a Series -> Series function); ``s`` itself
    is left as it is (``Series.scatter`` alone writes into the Series it is called on)."""
    if rows.size == 0:
        return s
    return s.clone().scatter(rows, fn(s.gather(rows)))


def expr_on(s: pl.Series, expr: pl.Expr, **extra: pl.Series | np.ndarray) -> pl.Series:
    """``expr`` evaluated on a frame of ``s`` (as column ``s``) and the ``extra`` columns."""
    cols = {"s": s, **{k: (v if isinstance(v, pl.Series) else pl.Series(v)) for k, v in extra.items()}}
    return pl.DataFrame(cols).select(expr.alias("s"))["s"]
