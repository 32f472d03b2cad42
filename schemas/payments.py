"""The contracts of the money: the banks' lists (contracts.md v1.1), the payment ledger, the
account registry and the reconciliation of the entitlement, each checked before it is published."""

from __future__ import annotations

from typing import Annotated, Optional

import pandera.polars as pa
import polars as pl
from pandera.api.polars.types import PolarsData

from schemas.vocabulary import BANKS, DIGITS16, PERIODE, PROGRAM_NAME, STATUS_REKENING, STATUS_SALUR

TAHAP = r"^[0-9]{4}-T([1-9]|1[0-2])$"
LEDGER_STATUSES = ("DIDAFTAR", *STATUS_SALUR, "DIHENTIKAN")


class BankList(pa.DataFrameModel):
    """``disbursement/periode=<P>/<BANK>.parquet|csv``: one row per unit and tranche to be paid."""

    periode: str = pa.Field(str_matches=PERIODE)
    bank: str = pa.Field(isin=list(BANKS))
    program: str = pa.Field(str_matches=PROGRAM_NAME)
    tahap: str = pa.Field(str_matches=TAHAP)
    no_kk: str = pa.Field(str_matches=DIGITS16)
    nik_pengurus: str = pa.Field(str_matches=DIGITS16)
    nama_pengurus: Optional[str] = pa.Field(nullable=True)
    kode_wilayah: str = pa.Field(str_matches=r"^[0-9]{10}$")
    no_rekening: Optional[str] = pa.Field(nullable=True)
    nominal: pl.Int64 = pa.Field(gt=0)

    class Config:
        strict = False

    @pa.dataframe_check(name="each_unit_and_tranche_once")
    def once(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(~pl.struct("program", "no_kk", "tahap").is_duplicated())

    @pa.dataframe_check(name="a_bank_pays_into_an_account")
    def account(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select((pl.col("bank") == "POS") | pl.col("no_rekening").is_not_null())


class StopList(pa.DataFrameModel):
    """``disbursement/periode=<P>/<BANK>_stop.parquet|csv``: one row per tranche listed before that
    must not be paid now: for the bank it was listed with, the list it was on and why it stops."""

    periode: str = pa.Field(str_matches=PERIODE)
    bank: str = pa.Field(isin=list(BANKS))
    program: str = pa.Field(str_matches=PROGRAM_NAME)
    tahap: str = pa.Field(str_matches=TAHAP)
    no_kk: str = pa.Field(str_matches=DIGITS16)
    nik_pengurus: Optional[str] = pa.Field(nullable=True, str_matches=DIGITS16)
    no_rekening: Optional[str] = pa.Field(nullable=True)
    nominal: Optional[pl.Int64] = pa.Field(nullable=True, ge=0)
    periode_daftar: Optional[str] = pa.Field(nullable=True, str_matches=PERIODE)
    sumber: Optional[str] = pa.Field(nullable=True)
    alasan: str = pa.Field()

    class Config:
        strict = True

    @pa.dataframe_check(name="each_unit_and_tranche_stopped_once")
    def once(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(~pl.struct("program", "no_kk", "tahap").is_duplicated())


class Pembayaran(pa.DataFrameModel):
    """``pembayaran``: the payment ledger, one event per row, cumulative across periods, in this
    column order (``transforms.payments.LEDGER_SCHEMA``): the unit and tranche, the event, the bank,
    account, payee and amount it was listed with, and the list or feedback file and row it came from."""

    periode: str = pa.Field(str_matches=PERIODE)
    program: str = pa.Field(str_matches=PROGRAM_NAME)
    no_kk: str = pa.Field(str_matches=DIGITS16)
    tahap: str = pa.Field(str_matches=TAHAP)
    peristiwa: str = pa.Field(isin=["DIDAFTAR", "UMPAN_BALIK", "DIHENTIKAN"])
    status: str = pa.Field(isin=list(LEDGER_STATUSES))
    bank: Optional[str] = pa.Field(nullable=True, isin=list(BANKS))
    no_rekening: Optional[str] = pa.Field(nullable=True)  # PT Pos pays without an account
    nik_pengurus: Optional[str] = pa.Field(nullable=True, str_matches=DIGITS16)
    nominal: Optional[pl.Int64] = pa.Field(nullable=True, ge=0)
    sumber: str = pa.Field()
    sumber_baris: Optional[pl.Int64] = pa.Field(nullable=True, ge=1)  # a stop (DIHENTIKAN) is on no list
    alasan: Annotated[pl.List, pl.String()] = pa.Field()

    class Config:
        strict = False

    @pa.dataframe_check(name="a_tranche_is_listed_again_only_after_it_failed")
    def listed_once(cls, data: PolarsData) -> pl.LazyFrame:
        key = ["program", "no_kk", "tahap"]
        before = pl.col("status").shift(1).over(key, order_by=["periode", "_o"])
        return data.lazyframe.with_columns(
            _o=pl.col("peristiwa").replace_strict(
                {"UMPAN_BALIK": 0, "DIDAFTAR": 1, "DIHENTIKAN": 2}, return_dtype=pl.Int8
            )
        ).select((pl.col("peristiwa") != "DIDAFTAR") | before.is_null() | before.is_in(["GAGAL OMSPAN", "SI"]))


class Rekening(pa.DataFrameModel):
    """``rekening``: the latest known burekol state per household, in this column order
    (``transforms.accounts.ACCOUNT_SCHEMA``), with the period, file and row it was read from."""

    no_kk: str = pa.Field(str_matches=DIGITS16, unique=True)
    status_rekening: Optional[str] = pa.Field(nullable=True)
    bank: Optional[str] = pa.Field(nullable=True)
    no_rekening: Optional[str] = pa.Field(nullable=True)
    nik_pengurus: Optional[str] = pa.Field(nullable=True)
    periode_umpan_balik: str = pa.Field(str_matches=PERIODE)
    sumber: str = pa.Field()
    sumber_baris: pl.Int64 = pa.Field(ge=1)

    class Config:
        strict = False

    @pa.dataframe_check(name="an_active_account_names_bank_number_and_holder")
    def active(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            (pl.col("status_rekening") != "AKTIF").fill_null(True)
            | (
                pl.col("bank").is_in(list(BANKS))
                & pl.col("no_rekening").is_not_null()
                & pl.col("nik_pengurus").str.contains(DIGITS16).fill_null(False)
            )
        )


class Rekonsiliasi(pa.DataFrameModel):
    """``rekonsiliasi``: per bank-paid programme and tahap, where the entitlement went, in this
    column order (``transforms.payments.RECONCILIATION_SCHEMA``): units and rupiah entitled, listed
    now, awaiting feedback, paid, held, and stopped."""

    program: str = pa.Field(str_matches=PROGRAM_NAME)
    tahap: str = pa.Field(str_matches=TAHAP)
    unit_berhak: pl.Int64 = pa.Field(ge=0)
    nominal_berhak: pl.Int64 = pa.Field(ge=0)
    unit_didaftar: pl.Int64 = pa.Field(ge=0)
    nominal_didaftar: pl.Int64 = pa.Field(ge=0)
    unit_menunggu: pl.Int64 = pa.Field(ge=0)
    unit_dibayar: pl.Int64 = pa.Field(ge=0)
    unit_ditahan: pl.Int64 = pa.Field(ge=0)
    nominal_ditahan: pl.Int64 = pa.Field(ge=0)
    unit_dihentikan: pl.Int64 = pa.Field(ge=0)
    nominal_dihentikan: pl.Int64 = pa.Field(ge=0)

    class Config:
        strict = False

    @pa.dataframe_check(name="entitled_is_listed_plus_awaiting_plus_paid_plus_held")
    def reconciles(cls, data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(
            pl.col("unit_berhak")
            == pl.col("unit_didaftar") + pl.col("unit_menunggu") + pl.col("unit_dibayar") + pl.col("unit_ditahan")
        )


UNKNOWN_FEEDBACK_REASONS = ("RUMAH_TANGGA_TIDAK_DIKENAL", "TIDAK_PERNAH_DIDAFTAR", "NOMINAL_BERBEDA")


class UmpanBalikTidakDikenal(pa.DataFrameModel):
    """``umpan_balik_tidak_dikenal``: feedback that answers nothing listed or known, one row per
    burekol or salur row, reported and never dropped, in this column order
    (``transforms.salur.UNMATCHED_SCHEMA``). The values are the agency's as normalised, whatever
    they are (an unknown programme is a reason to be here), so the table is not bound to the run's
    programmes and is not among the checked outputs (``schemas.OUTPUT_MODELS``)."""

    sumber: str = pa.Field()
    sumber_baris: pl.Int64 = pa.Field(ge=1)
    no_kk: Optional[str] = pa.Field(nullable=True)
    program: Optional[str] = pa.Field(nullable=True)  # null on a burekol row
    status: Optional[str] = pa.Field(nullable=True)
    alasan: str = pa.Field(isin=list(UNKNOWN_FEEDBACK_REASONS))

    class Config:
        strict = False


_ = STATUS_REKENING  # the registry keeps whatever the bank wrote; the vocabulary is checked on input
