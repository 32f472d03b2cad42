"""Building reason-code lists in expressions."""

from __future__ import annotations

import polars as pl


def code_expr(cond: pl.Expr, code: str) -> pl.Expr:
    """``code`` where ``cond`` holds (null counts as not holding), else null: put several in
    ``pl.concat_list(...).list.drop_nulls()`` to get a row's list of reason codes."""
    return pl.when(cond.fill_null(False)).then(pl.lit(code)).otherwise(None)
