"""Ages, as the rules count them: whole years at the last day of the periode."""

from __future__ import annotations

import datetime as dt

import polars as pl


def age_expr(birth: str, at: dt.date) -> pl.Expr:
    """Whole years between ``birth`` and ``at``."""
    b = pl.col(birth)
    had_birthday = (b.dt.month() < at.month) | ((b.dt.month() == at.month) & (b.dt.day() <= at.day))
    return pl.lit(at.year) - b.dt.year() - pl.when(had_birthday).then(0).otherwise(1)
