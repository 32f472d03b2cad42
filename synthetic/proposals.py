"""Who is proposed and in which file: whole households drawn with a proposal type, the families
that moved, and the split of the rows into files per province (1-4 each, whole households), with
the written styles of each file. The steps of :func:`synthetic.usulan.usulan` before the noise."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

import numpy as np
import polars as pl

from synthetic.common import choice, gather
from synthetic.relocation import relocate, relocated_households
from synthetic.vocabulary import JENIS_P

_DATE_FORMATS = ("DD-MM-YYYY", "DD/MM/YYYY", "YYYY-MM-DD")


@dataclass(frozen=True)
class Proposal:
    """The proposed rows: one Dukcapil row each, the household it comes with, the proposal type."""

    base: pl.DataFrame  # the population's rows (+ ``_pop_row``; after the moves, what the usulan carries)
    jenis: np.ndarray  # per row, the intended proposal type (index into JENIS_USULAN)
    household: np.ndarray  # per row, its proposed household (0..k-1); a household's rows are together
    deceased_only: np.ndarray  # per proposed household: a HAPUS of its dead members only (MENINGGAL DUNIA)


@dataclass(frozen=True)
class Files:
    """The usulan files: per row its file and data row, per file its name and written styles."""

    index: np.ndarray  # per row, its file (0.., in the order of the rows)
    sumber_baris: np.ndarray  # per row, 1-based within its file
    kode_prov: np.ndarray  # per row, the province folder of its file
    names: pl.Series  # per file, usulan_<kode_kab>_<periode>_<n>.csv
    date_format: np.ndarray  # per file, index into _DATE_FORMATS
    long_sex: np.ndarray  # per file, LAKI-LAKI/PEREMPUAN instead of L/P
    dotted: np.ndarray  # per file, dotted village codes


def proposed_rows(rng: np.random.Generator, population: pl.DataFrame, n_rows: int) -> Proposal:
    """Whole households in a random order, with a proposal type each, until there are ``n_rows``
    rows. A household with a dead member is (at least half the time) a HAPUS of its dead members
    only (MENINGGAL DUNIA)."""
    n_pop = population.height
    hh_col = population["hh_id"].to_numpy()
    starts = np.flatnonzero(np.r_[True, hh_col[1:] != hh_col[:-1]])
    sizes = np.diff(np.r_[starts, n_pop])
    dead = population["TGL_MATI"].is_not_null().to_numpy()
    n_dead = np.add.reduceat(dead.astype(np.int64), starts)
    H = starts.size
    perm = rng.permutation(H)
    jenis_h = choice(rng, JENIS_P, H)
    jenis_h = np.where((n_dead > 0) & (rng.random(H) < 0.5), 2, jenis_h)
    md = (jenis_h == 2) & (n_dead > 0)  # HAPUS: MENINGGAL DUNIA, only the dead members
    rows_h = np.where(md, n_dead, sizes)
    cum = np.cumsum(rows_h[perm])
    if cum[-1] < n_rows:  # asking for (nearly) everyone: HAPUS households then come whole
        md[:] = False
        rows_h = sizes
        cum = np.cumsum(rows_h[perm])
    k = int(np.searchsorted(cum, n_rows)) + 1
    sel = perm[:k]
    rep = sizes[sel]
    row_idx = np.repeat(starts[sel], rep) + (np.arange(rep.sum()) - np.repeat(np.cumsum(rep) - rep, rep))
    cand = np.repeat(np.arange(k), rep)
    keep = ~md[sel][cand] | dead[row_idx]
    row_idx, cand = row_idx[keep][:n_rows], cand[keep][:n_rows]
    base = population[pl.Series(row_idx)].with_columns(_pop_row=pl.Series(row_idx.astype(np.int64)))
    return Proposal(base=base, jenis=jenis_h[sel][cand], household=cand, deceased_only=md[sel])


def families_that_moved(
    rng: np.random.Generator, proposal: Proposal, rates: Mapping[str, float], population: pl.DataFrame, ref: int
) -> Proposal:
    """The village, address and No KK each row carries (``_kode_usulan``, ``_alamat_usulan``,
    ``_kk_usulan``), and ``_relocation``: the families that moved, decided per household before the
    files (a row goes to the province of the village it carries). A HAPUS of the dead never moved."""
    base = proposal.base.with_columns(
        _relocation=pl.Series(np.zeros(proposal.base.height, dtype=np.int8)),
        _kode_usulan="kode_wilayah",
        _alamat_usulan="ALAMAT",
        _kk_usulan="NO_KK",
    )
    moving = relocated_households(rng, proposal.deceased_only.size, rates, ~proposal.deceased_only)
    if moving.any():
        base = relocate(rng, base, proposal.household, moving, population, ref)
    return replace(proposal, base=base)


def into_files(rng: np.random.Generator, proposal: Proposal, periode: str) -> tuple[Proposal, Files]:
    """The rows in file order (province, regency, household, position) and the files: 1-4 per
    province, whole households each, with the written styles of each file."""
    base, cand = proposal.base, proposal.household
    n_rows = base.height
    prov = base["_kode_usulan"].str.slice(0, 2)
    kab = base["_kode_usulan"].str.slice(0, 4)
    order = (
        pl.DataFrame({"prov": prov, "kab": kab, "cand": cand, "pos": base["pos"], "i": np.arange(n_rows)})
        .sort("prov", "kab", "cand", "pos")["i"]
        .to_numpy()
    )
    base, jenis, cand = base[pl.Series(order)], proposal.jenis[order], cand[order]
    prov_np = base["_kode_usulan"].str.slice(0, 2).to_numpy().astype(str)
    new_hh = np.r_[True, cand[1:] != cand[:-1]]
    prov_codes, prov_i = np.unique(prov_np, return_inverse=True)
    n_files_p = choice(rng, (0.3, 0.3, 0.25, 0.15), prov_codes.size) + 1
    prov_start = np.searchsorted(prov_i, np.arange(prov_codes.size))
    prov_total = np.bincount(prov_i, minlength=prov_codes.size)
    hh_first_row = np.maximum.accumulate(np.where(new_hh, np.arange(n_rows), 0))
    frac = (hh_first_row - prov_start[prov_i]) / prov_total[prov_i]
    file_no = np.floor(frac * n_files_p[prov_i]).astype(np.int64)
    key = prov_i * 10 + file_no
    _, file_index = np.unique(key, return_inverse=True)
    first_in_file = np.r_[True, file_index[1:] != file_index[:-1]]
    file_start = np.flatnonzero(first_in_file)
    sumber_baris = np.arange(n_rows) - file_start[file_index] + 1
    # number files 1.. within the province
    fprov = prov_i[file_start]
    fnum = np.arange(file_start.size) - np.searchsorted(fprov, fprov) + 1
    kab_first = base["_kode_usulan"].str.slice(0, 4).gather(pl.Series(file_start))
    fnames = pl.DataFrame({"kab": kab_first, "n": fnum}).select(
        pl.format("usulan_{}_{}_{}.csv", "kab", pl.lit(periode), "n")
    )[:, 0]
    n_files = file_start.size
    files = Files(
        index=file_index,
        sumber_baris=sumber_baris,
        kode_prov=prov_np,
        names=fnames,
        date_format=choice(rng, (0.45, 0.35, 0.20), n_files),
        long_sex=rng.random(n_files) < 0.25,
        dotted=rng.random(n_files) < 0.4,
    )
    return replace(proposal, base=base, jenis=jenis, household=cand), files


def file_columns(files: Files) -> dict[str, pl.Series]:
    """Per row: its province folder, file, data row and the file's written styles."""
    style = pl.DataFrame(
        {
            "d": gather(_DATE_FORMATS, files.date_format),
            "s": gather(("L/P", "LAKI-LAKI/PEREMPUAN"), files.long_sex.astype(np.int64)),
            "w": gather(("plain", "dotted"), files.dotted.astype(np.int64)),
        }
    ).select(pl.format("tanggal_lahir={};jenis_kelamin={};kode_wilayah={}", "d", "s", "w"))[:, 0]
    return {
        "kode_prov": pl.Series(files.kode_prov),
        "file_index": pl.Series(files.index.astype(np.int32)),
        "sumber_file": files.names.gather(pl.Series(files.index)),
        "sumber_baris": pl.Series(files.sumber_baris.astype(np.int32)),
        "file_style": style.gather(pl.Series(files.index)),
    }
