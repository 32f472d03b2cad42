"""A household as Dukcapil's family card shows it, and who receives its money.

Exclusions look at every person on the household's family card in Dukcapil, registered or not:
removing a civil servant from the register does not lift an exclusion that Dukcapil still shows
(domain.md). The pengurus (payee) is chosen among the registered living members by the rule set's
order, never a child; once the bank reports an active account, its holder is the payee, as long
as the holder is still a living adult on the card (a change of pengurus needs a new account).
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from schemas.vocabulary import AKTIF_YA
from transforms.ages import age_expr

CARD_COLUMNS = {
    "NIK": pl.String,
    "NO_KK": pl.String,
    "NAMA_LGKP": pl.String,
    "TGL_LHR": pl.Date,
    "JENIS_KLMIN": pl.String,
    "TGL_MATI": pl.Date,
    "JENIS_PKRJN": pl.String,
}


def active_staff(sdm_kesos: pl.LazyFrame) -> pl.LazyFrame:
    """NIKs of social-welfare staff who are active (``aktif`` yes)."""
    return (
        sdm_kesos.filter(pl.col("aktif").str.strip_chars().str.to_uppercase().is_in(list(AKTIF_YA)))
        .select(nik=pl.col("nik").str.replace_all(r"[\s'\"]", ""))
        .unique()
    )


def card_facts(
    kartu: pl.LazyFrame, staff: pl.LazyFrame, *, occupations: list[str], reference_date: dt.date
) -> pl.LazyFrame:
    """Per no_kk, what the family card in Dukcapil says of its living members: someone with an
    excluded occupation (``kartu_asn``) or active as social-welfare staff (``kartu_sdm``)."""
    alive = pl.col("TGL_MATI").is_null() | (pl.col("TGL_MATI") > pl.lit(reference_date))
    return (
        kartu.join(staff.with_columns(_sdm=pl.lit(True)), left_on="NIK", right_on="nik", how="left")
        .group_by(no_kk="NO_KK")
        .agg(
            kartu_asn=(alive & pl.col("JENIS_PKRJN").str.to_uppercase().is_in(occupations).fill_null(False)).any(),
            kartu_sdm=(alive & pl.col("_sdm").fill_null(False)).any(),
        )
    )


def rule_pengurus(m: pl.LazyFrame, *, order: tuple[str, ...], min_age: int) -> pl.LazyFrame:
    """Per no_kk the pengurus by rule among the registered living members (``m`` from
    ``status.members``): the first kind of ``order`` someone fits (IBU: a woman who is wife or head;
    KEPALA_KELUARGA; DEWASA: any adult, the oldest first), then the lowest NIK. Null when no
    living member is old enough: the household is held, never paid to a child."""
    woman = pl.col("jenis_kelamin") == "P"
    kinds = {
        "IBU": woman & pl.col("hubungan_keluarga").is_in(["ISTRI", "KEPALA KELUARGA"]),
        "KEPALA_KELUARGA": pl.col("hubungan_keluarga") == "KEPALA KELUARGA",
        "DEWASA": pl.lit(True),
    }
    rank = pl.lit(None, pl.Int32)
    for i, kind in reversed(list(enumerate(order))):
        rank = pl.when(kinds[kind]).then(pl.lit(i, pl.Int32)).otherwise(rank)
    return (
        m.filter(~pl.col("is_meninggal") & (pl.col("umur") >= min_age))
        .with_columns(_rank=rank)
        .filter(pl.col("_rank").is_not_null())
        .sort("no_kk", "_rank", "tanggal_lahir", "nik")
        .group_by("no_kk", maintain_order=True)
        .agg(nik_pengurus_aturan=pl.col("nik").first(), nama_pengurus_aturan=pl.col("nama").first())
    )


def account_payees(
    accounts: pl.LazyFrame, kartu: pl.LazyFrame, *, min_age: int, reference_date: dt.date
) -> pl.LazyFrame:
    """Per no_kk with an account: its state (``_burekol``), and for an active account its holder as
    payee (``nik_pengurus_rekening``, ``nama_pengurus_rekening``, bank, account number) with whether
    the holder is still a living adult on the card (``rekening_sah``)."""
    holder = kartu.select(
        nik_pengurus="NIK",
        no_kk="NO_KK",
        nama_pengurus_rekening="NAMA_LGKP",
        _sah=(pl.col("TGL_MATI").is_null() | (pl.col("TGL_MATI") > pl.lit(reference_date)))
        & (age_expr("TGL_LHR", reference_date) >= min_age),
    )
    return (
        accounts.select(
            "no_kk",
            _burekol="status_rekening",
            bank_rekening="bank",
            no_rekening="no_rekening",
            nik_pengurus="nik_pengurus",
        )
        .join(holder, on=["no_kk", "nik_pengurus"], how="left")
        .with_columns(rekening_sah=pl.col("_sah").fill_null(False))
        .rename({"nik_pengurus": "nik_pengurus_rekening"})
        .drop("_sah")
    )
