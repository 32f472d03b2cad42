"""The linkage stages in order: exact NIK first, looser rules only for the rows it leaves open."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from transforms.linkage import blocking, comparisons, decide
from transforms.linkage.model import MatchModel

Fetch = Callable[[blocking.Keys], pl.DataFrame]


def _round(
    usulan: pl.DataFrame, fetch: Fetch, model: MatchModel, *, loose: bool, typed_kks: pl.Series | None = None
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    keys = blocking.candidate_keys(usulan, loose=loose)
    if typed_kks is not None and typed_kks.len():
        keys.kks = pl.concat([keys.kks, typed_kks]).unique()
    dk = fetch(keys)
    pairs = blocking.candidate_pairs(usulan, dk, loose=loose)
    vectors = comparisons.comparison_vectors(
        pairs, usulan, dk, clan_names=model.clan_names, call_names=model.call_names, cuts=model.cuts()
    )
    scored = decide.scored_pairs(vectors, model)
    return decide.row_decisions(usulan, scored, model), dk, scored


def linked(usulan: pl.DataFrame, fetch: Fetch, model: MatchModel) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Per-row padan decisions for ``usulan`` (needs ``_row`` and the cleaned columns), the Dukcapil
    identity of every candidate that was looked at, and the scored candidates of the round that
    decided each row (``evidence.candidate_evidence`` makes the published table of them). ``fetch``
    returns the Dukcapil persons that the given keys name (the caller owns the I/O)."""
    first, dk1, scored1 = _round(usulan, fetch, model, loose=False)
    # rows the first round left open, and rows it matched despite a disagreeing birth date or sex:
    # the later rules may hold a better candidate (a sibling's NIK, or a twin of the other sex whose
    # NIK differs in the day digits, typed for the person)
    open_rows = first.filter(
        (pl.col("status_padan") == "TIDAK_PADAN")
        | pl.col("bukti_tgl_lahir").is_in(["BEDA", "SATU_KOMPONEN"])
        | (pl.col("cmp_jk") == "BEDA").fill_null(False)
    ).select("_row")
    if open_rows.height:
        still_open = usulan.join(open_rows, on="_row", how="semi")
        # the family card of the person whose NIK was typed (found in the first round): when the card
        # submitted is an old one, only this brings the family in
        typed_kks = (
            still_open.join(dk1.select("NIK", "NO_KK"), left_on="nik_usulan", right_on="NIK", how="inner")["NO_KK"]
            .drop_nulls()
            .unique()
        )
        # the card the row's household was matched into, when the card submitted is an old one
        # (from the rows the first round settled: a re-opened row's own match never counts for itself)
        settled = first.join(open_rows, on="_row", how="anti")
        still_open = still_open.join(household_cards(usulan, settled), on="_row", how="left")
        typed_kks = pl.concat([typed_kks, still_open["no_kk_rumah"].drop_nulls()]).unique()
        second, dk2, scored2 = _round(still_open, fetch, model, loose=True, typed_kks=typed_kks)
        decided = pl.concat([first.join(open_rows, on="_row", how="anti"), second], how="vertical_relaxed")
        dk = pl.concat([dk1, dk2], how="vertical_relaxed").unique("NIK", keep="first", maintain_order=True)
        scored = pl.concat([scored1.join(open_rows, on="_row", how="anti"), scored2], how="vertical_relaxed")
    else:
        decided, dk, scored = first, dk1, scored1
    decided = decide.one_claim_per_person(decided.sort("_row"), usulan)
    return decided, dk, scored


def household_cards(usulan: pl.DataFrame, decided: pl.DataFrame) -> pl.DataFrame:
    """(``_row``, ``no_kk_rumah``): for the rows of a proposal's family card whose members in
    ``decided`` were matched (PADAN, their own NIK) into one Dukcapil family card other than the one
    submitted, that card. A household that moved keeps its old card number on the form while
    Dukcapil has issued a new one; the members found by their NIK say which. Cards whose members
    point to several Dukcapil cards say nothing. ``decided`` holds the settled decisions only (the
    caller leaves out the rows it re-opens), so that a row's own match is never evidence for it."""
    padan = decided.filter(pl.col("status_padan") == "PADAN").select("_row", "no_kk_dukcapil")
    cards = (
        usulan.select("_row", "no_kk_usulan")
        .join(padan, on="_row", how="inner")
        .drop_nulls()
        .group_by("no_kk_usulan")
        .agg(_n=pl.col("no_kk_dukcapil").n_unique(), no_kk_rumah=pl.col("no_kk_dukcapil").min())
        .filter((pl.col("_n") == 1) & (pl.col("no_kk_rumah") != pl.col("no_kk_usulan")))
    )
    return (
        usulan.select("_row", "no_kk_usulan").join(cards, on="no_kk_usulan", how="inner").select("_row", "no_kk_rumah")
    )
