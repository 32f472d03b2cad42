"""Where people live: a sample of real villages (Kemendagri codes, via ``transforms.wilayah``),
the regency names written as birth places, and household addresses."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import polars as pl

from synthetic import names as N
from synthetic.common import choice, gather, skewed, str_ints
from transforms import wilayah


def village_sample(rng: np.random.Generator, n_persons: int, provinces: Sequence[str] | None = None) -> pl.DataFrame:
    """A few dozen to a few thousand real villages in 4-16 provinces (always one in Papua 91-96);
    with ``provinces``, in exactly those (a chunk of a national root, :func:`province_chunks`)."""
    v = wilayah.villages()
    counts = v.group_by("kode_prov").len().sort("kode_prov")
    codes = counts["kode_prov"].to_numpy().astype(str)
    cnt = counts["len"].to_numpy().astype(np.float64)
    papua = np.char.startswith(codes, "9")
    if provinces is None:
        k = int(np.clip(4 + 2 * np.log10(max(n_persons, 1000) / 1000), 4, 16))
        pick_papua = rng.choice(np.flatnonzero(papua))
        others = np.flatnonzero(~papua)
        pick_others = rng.choice(others, size=k - 1, replace=False, p=cnt[others] / cnt[others].sum())
        chosen = np.sort(np.r_[pick_papua, pick_others])
    else:
        chosen = np.flatnonzero(np.isin(codes, list(provinces)))
    share = cnt[chosen].copy()
    is_papua = papua[chosen]
    if is_papua.any() and (~is_papua).any():
        share[is_papua] = min(share[is_papua].sum(), 0.05 / 0.95 * share[~is_papua].sum())
    share /= share.sum()
    n_vill = int(np.clip(n_persons // 400, 40, 6000))
    parts = []
    for prov, s in zip(codes[chosen], share, strict=True):
        pv = v.filter(pl.col("kode_prov") == prov)
        take = int(min(pv.height, max(3, round(n_vill * s))))
        idx = np.sort(rng.choice(pv.height, size=take, replace=False))
        w = s / take * rng.lognormal(0.0, 0.5, size=take)
        parts.append(pv[pl.Series(idx)].with_columns(weight=pl.Series(w)))
    out = pl.concat(parts).sort("kode_wilayah")
    return out.with_columns(weight=pl.col("weight") / pl.col("weight").sum())


def regency_names() -> tuple[np.ndarray, pl.Series]:
    """4-digit regency codes (sorted) and their place names as written in TMPT_LHR (upper case)."""
    kab = wilayah.regions().filter(pl.col("level") == 2).sort("kode")
    nama = (
        kab["nama"].str.replace(r"^(Kabupaten Administrasi|Kota Administrasi|Kabupaten|Kota)\s+", "").str.to_uppercase()
    )
    return kab["kode"].cast(pl.Int64).to_numpy(), nama


def household_addresses(rng: np.random.Generator, n: int) -> pl.Series:
    """Household addresses like ``JL. MAWAR NO. 12 RT 003 RW 005``."""
    kind = choice(rng, (0.45, 0.25, 0.15, 0.10, 0.05), n)
    jalan = gather(N.NAMA_JALAN, skewed(rng, len(N.NAMA_JALAN), n, 1.3))
    dusun = gather(N.NAMA_DUSUN, skewed(rng, len(N.NAMA_DUSUN), n, 1.3))
    kamp = gather(N.NAMA_KAMPUNG, skewed(rng, len(N.NAMA_KAMPUNG), n, 1.3))
    perum = gather(N.NAMA_PERUM, rng.integers(0, len(N.NAMA_PERUM), n))
    df = pl.DataFrame(
        {
            "kind": kind,
            "jalan": jalan,
            "dusun": dusun,
            "kamp": kamp,
            "perum": perum,
            "no": rng.integers(1, 200, n),
            "blok": gather(tuple("ABCDEFGH"), rng.integers(0, 8, n)),
            "rt": str_ints(rng.integers(1, 21, n), 3),
            "rw": str_ints(rng.integers(1, 16, n), 3),
        }
    )
    rtrw = pl.format(" RT {} RW {}", "rt", "rw")
    return df.select(
        pl.when(pl.col("kind") == 0)
        .then(pl.format("JL. {} NO. {}", "jalan", "no"))
        .when(pl.col("kind") == 1)
        .then(pl.format("DUSUN {}", "dusun"))
        .when(pl.col("kind") == 2)
        .then(pl.format("KP. {}", "kamp"))
        .when(pl.col("kind") == 3)
        .then(pl.format("GG. {} NO. {}", "jalan", "no"))
        .otherwise(pl.format("PERUM {} BLOK {}{}", "perum", "blok", "no"))
        .add(rtrw)
        .alias("ALAMAT")
    )["ALAMAT"]


def province_chunks(n_chunks: int) -> list[list[str]]:
    """All provinces of the Kemendagri list in ``n_chunks`` disjoint groups of about equal village
    counts (largest first, each to the group with fewest villages so far), each sorted: the
    chunks of a national root, whose NIKs and family cards cannot collide because each chunk
    registers its people only in its own provinces' districts."""
    counts = wilayah.villages().group_by("kode_prov").len().sort("len", "kode_prov", descending=[True, False])
    groups: list[list[str]] = [[] for _ in range(max(1, min(n_chunks, counts.height)))]
    load = [0] * len(groups)
    for prov, n in counts.iter_rows():
        i = load.index(min(load))
        groups[i].append(prov)
        load[i] += n
    return [sorted(g) for g in groups]
