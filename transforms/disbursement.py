"""Payment lists for the banks (BRI, BNI, BTN, MANDIRI) and PT Pos, with control totals."""

from __future__ import annotations

import polars as pl

from schemas import BANKS

LIST_COLUMNS = ["periode", "bank", "program", "no_kk", "nik_pengurus", "nama_pengurus", "kode_wilayah", "no_rekening",
                "nominal"]


def bank_lists(penerima: pl.DataFrame, individu: pl.DataFrame, burekol: pl.DataFrame, *, payable: list[str],
               programmes: list[str], periode: str) -> pl.DataFrame:
    """One row per payable unit of a bank-paid programme. The bank is the one of the household's
    active collective account (burekol AKTIF); a household without one is paid through PT Pos."""
    accounts = (
        burekol.with_columns(status=pl.col("status_rekening").str.strip_chars().str.to_uppercase(),
                             bank=pl.col("bank").str.strip_chars().str.to_uppercase())
        .filter((pl.col("status") == "AKTIF") & pl.col("bank").is_in(list(BANKS)))
        .sort("no_kk", "bank", "no_rekening")
        .group_by("no_kk", maintain_order=True).agg(pl.col("bank").first(), pl.col("no_rekening").first())
    )
    names = individu.select(nik_pengurus="nik", nama_pengurus="nama")
    return (
        penerima.filter(pl.col("program").is_in(programmes) & pl.col("status").is_in(payable) & (pl.col("nominal") > 0))
        .join(accounts, on="no_kk", how="left")
        .with_columns(bank=pl.col("bank").fill_null("POS"), nik_pengurus=pl.col("nik"), periode=pl.lit(periode))
        .join(names, on="nik_pengurus", how="left")
        .select(LIST_COLUMNS)
        .sort("bank", "program", "kode_wilayah", "no_kk")
    )


def control_totals(lists: pl.DataFrame) -> pl.DataFrame:
    """Rows and sum of nominal per bank (and program), for the bank to check completeness."""
    return (
        lists.group_by("bank", "program").agg(jumlah_baris=pl.len(), total_nominal=pl.col("nominal").sum())
        .sort("bank", "program")
    )
