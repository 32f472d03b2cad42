"""The households' collective accounts (KKS) across periods: the latest burekol state of each no_kk.

A bank's burekol feedback arrives in the month it happens; the account stays until the bank says
otherwise. So the registry (``rekening``, published and chained from the previous snapshot) keeps
each household's last known state and the next feedback about that household replaces it.
"""

from __future__ import annotations

import polars as pl

from schemas import Rekening, dtypes, feedback_value_expr, id16_expr

ACCOUNT_SCHEMA = dtypes(Rekening)
"""The registry's columns and dtypes, in order, from its contract (``schemas.Rekening``)."""


def empty_accounts() -> pl.DataFrame:
    return pl.DataFrame(schema=ACCOUNT_SCHEMA)


def accounts_after(previous: pl.DataFrame, burekol: pl.DataFrame, *, periode: str) -> pl.DataFrame:
    """The registry after this period's burekol rows (``_sumber`` / ``_baris`` tell their file and
    row): per household the last row of the period in (file, row) order replaces what was known."""
    new = (
        burekol.select(
            no_kk=id16_expr("no_kk"),
            status_rekening=feedback_value_expr("status_rekening"),
            bank=feedback_value_expr("bank"),
            no_rekening=pl.col("no_rekening").str.strip_chars(),
            nik_pengurus=id16_expr("nik_pengurus"),
            periode_umpan_balik=pl.lit(periode),
            sumber=pl.col("_sumber"),
            sumber_baris=pl.col("_baris").cast(pl.Int64),
        )
        .filter(pl.col("no_kk").str.contains(r"^[0-9]{16}$").fill_null(False))
        .sort("sumber", "sumber_baris")
        .unique("no_kk", keep="last", maintain_order=True)
    )
    kept = previous.select(list(ACCOUNT_SCHEMA)).join(new.select("no_kk"), on="no_kk", how="anti")
    return pl.concat([kept, new.select([pl.col(c).cast(t) for c, t in ACCOUNT_SCHEMA.items()])]).sort("no_kk")


def unknown_households(burekol: pl.DataFrame, individu: pl.DataFrame) -> pl.DataFrame:
    """burekol rows about households that are not in the register: reported, never dropped (an
    account for an unknown family needs a human look). Rows as ``salur.UNMATCHED_SCHEMA``."""
    from transforms.salur import UNMATCHED_SCHEMA

    rows = burekol.select(
        sumber="_sumber",
        sumber_baris=pl.col("_baris").cast(pl.Int64),
        no_kk=id16_expr("no_kk"),
        program=pl.lit(None, pl.String),
        status=feedback_value_expr("status_rekening"),
        alasan=pl.lit("RUMAH_TANGGA_TIDAK_DIKENAL"),
    )
    return rows.join(individu.select("no_kk").unique(), on="no_kk", how="anti").select(
        [pl.col(c).cast(t) for c, t in UNMATCHED_SCHEMA.items()]
    )
