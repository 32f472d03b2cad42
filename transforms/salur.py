"""The banks' and the treasury's payment feedback (salur): the rows normalised, and absorbed into
the payment ledger as UMPAN_BALIK events (PROSES SPM, SUKSES SPM, GAGAL OMSPAN, SI); feedback that
answers nothing listed or known is reported, never dropped."""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from schemas import UmpanBalikTidakDikenal, dtypes, feedback_value_expr, id16_expr
from schemas.vocabulary import STATUS_SALUR
from transforms.payments import FEEDBACK, KEY, LEDGER_SCHEMA

SALUR_FEEDBACK_SCHEMA = {
    "program": pl.String,
    "no_kk": pl.String,
    "periode": pl.String,
    "status": pl.String,
    "nominal": pl.Int64,
    "sumber": pl.String,
    "sumber_baris": pl.Int64,
}
"""The salur rows as :func:`normalised_salur` leaves them: a working frame, not a published table
(the file as sent has its contract, ``schemas.Salur``; what it answers goes to the ledger)."""
UNMATCHED_SCHEMA = dtypes(UmpanBalikTidakDikenal)
"""The columns and dtypes of the feedback that answers nothing, in order, from its contract
(``schemas.UmpanBalikTidakDikenal``)."""


def normalised_salur(salur: pl.DataFrame, *, aliases: Mapping[str, str]) -> pl.DataFrame:
    """salur rows as read (strings, ``_sumber`` / ``_baris``) in ``SALUR_FEEDBACK_SCHEMA``: programme
    names as the rules spell them (``aliases``: the rule set's other names, e.g. SEMBAKO -> BPNT),
    the no_kk's digits, statuses in the vocabulary's form, rupiah."""
    return salur.select(
        program=feedback_value_expr("program").replace(dict(aliases)),
        no_kk=id16_expr("no_kk"),
        periode=pl.col("periode").str.strip_chars(),
        status=feedback_value_expr("status"),
        nominal=pl.col("nominal")
        .str.replace(r"[.,]00$", "")
        .str.replace_all(r"[^0-9]", "")
        .cast(pl.Int64, strict=False),
        sumber="_sumber",
        sumber_baris=pl.col("_baris").cast(pl.Int64),
    ).select([pl.col(c).cast(t) for c, t in SALUR_FEEDBACK_SCHEMA.items()])


def feedback_events(salur: pl.DataFrame, state: pl.DataFrame, *, periode: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(UMPAN_BALIK events for the salur rows that answer a listed tranche, the rows that do not).

    ``salur`` is normalised (``SALUR_FEEDBACK_SCHEMA``: program, no_kk, a periode, status, nominal,
    file and row). A row answers the tranche of that unit and programme listed last in its periode
    or before it (banks write the list's periode or the feedback month), or the latest one listed
    when it names none. A row that answers no
    listed tranche is not absorbed (``TIDAK_PERNAH_DIDAFTAR``); a row with another amount than was
    listed is absorbed and reported (``NOMINAL_BERBEDA``)."""
    listed = state.filter(pl.col("periode_daftar").is_not_null()).select(
        *KEY, "periode_daftar", "bank", "no_rekening", "nik_pengurus", _listed_nominal="nominal"
    )
    rows = salur.with_columns(
        _p=pl.col("periode")
        .str.replace_all(r"[^0-9]", "")
        .pipe(lambda d: pl.when(d.str.len_chars() == 6).then(d.str.slice(0, 4) + "-" + d.str.slice(4, 2)))
    )
    # the tranche each row answers: the latest listed in its periode or before it (banks write the
    # list's periode or the month of the feedback), or the latest listed when it names none
    cand = rows.join(listed, on=["program", "no_kk"], how="inner").filter(
        pl.col("_p").is_null() | (pl.col("periode_daftar") <= pl.col("_p"))
    )
    best = cand.sort(
        ["sumber", "sumber_baris", "periode_daftar", "tahap"], descending=[False, False, True, True]
    ).unique(["sumber", "sumber_baris"], keep="first", maintain_order=True)
    known = pl.col("status").is_in(list(STATUS_SALUR))
    events = best.filter(known).select(
        periode=pl.lit(periode),
        program="program",
        no_kk="no_kk",
        tahap="tahap",
        peristiwa=pl.lit(FEEDBACK),
        status="status",
        bank="bank",
        no_rekening="no_rekening",
        nik_pengurus="nik_pengurus",
        nominal=pl.coalesce("nominal", "_listed_nominal"),
        sumber="sumber",
        sumber_baris="sumber_baris",
        alasan=pl.when(pl.col("nominal").is_not_null() & (pl.col("nominal") != pl.col("_listed_nominal")))
        .then(pl.lit(["NOMINAL_BERBEDA"]))
        .otherwise(pl.lit([], dtype=pl.List(pl.String))),
    )
    unmatched = rows.join(best.select("sumber", "sumber_baris"), on=["sumber", "sumber_baris"], how="anti").select(
        "sumber", "sumber_baris", "no_kk", "program", "status", alasan=pl.lit("TIDAK_PERNAH_DIDAFTAR")
    )
    different = best.filter(known & pl.col("nominal").is_not_null() & (pl.col("nominal") != pl.col("_listed_nominal")))
    reported = pl.concat(
        [
            unmatched,
            different.select("sumber", "sumber_baris", "no_kk", "program", "status", alasan=pl.lit("NOMINAL_BERBEDA")),
        ]
    )
    return (
        events.select([pl.col(c).cast(t) for c, t in LEDGER_SCHEMA.items()]),
        reported.select([pl.col(c).cast(t) for c, t in UNMATCHED_SCHEMA.items()]).sort("sumber", "sumber_baris"),
    )
