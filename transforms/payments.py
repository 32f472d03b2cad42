"""Money across periods: the payment calendar, the ledger of every unit and tranche, and what each
monthly run lists, holds and stops.

A *tahap* (tranche) of a programme covers ``tranche_months`` months (``2026-T4`` = Oct-Dec for a
quarterly programme). The **ledger** (``pembayaran``, published and chained like the register's
history) is one event per row: DIDAFTAR (listed for payment: period, bank, account, payee, amount,
list file and row), UMPAN_BALIK (the bank's or treasury's salur feedback: PROSES SPM, SUKSES SPM,
GAGAL OMSPAN, SI) and DIHENTIKAN (stopped: the unit lost eligibility before it was paid). A unit's
tranche is listed once; again only after its payment failed (GAGAL OMSPAN, SI); never after SUKSES
SPM or PROSES SPM.
"""

from __future__ import annotations

import polars as pl

from schemas import BankList, Pembayaran, Rekonsiliasi, StopList, dtypes

LEDGER_SCHEMA = dtypes(Pembayaran)
"""The ledger's columns and dtypes, in order, from its contract (``schemas.Pembayaran``)."""
KEY = ["program", "no_kk", "tahap"]
LISTED = "DIDAFTAR"
STOPPED = "DIHENTIKAN"
FEEDBACK = "UMPAN_BALIK"
RELISTABLE = ("GAGAL OMSPAN", "SI")  # failed: listed again once fixed
OPEN = (LISTED, "PROSES SPM", *RELISTABLE)  # listed and not (yet) paid: what a stop can still stop
_EVENT_ORDER = {FEEDBACK: 0, LISTED: 1, STOPPED: 2}  # within a periode: feedback is absorbed, then listing


def empty_ledger() -> pl.DataFrame:
    return pl.DataFrame(schema=LEDGER_SCHEMA)


# --- the calendar ---------------------------------------------------------------------------------


def tahap_of(periode: str, tranche_months: int) -> str:
    """The tranche a periode falls in: ``2026-11`` with 3-month tranches is ``2026-T4``."""
    year, month = map(int, periode.split("-"))
    return f"{year}-T{(month - 1) // tranche_months + 1}"


def listing_open(periode: str, tranche_months: int, list_in_months: tuple[int, ...] | None) -> bool:
    """Whether ``periode`` is a month of its tahap in which that tahap may be listed."""
    month = int(periode.split("-")[1])
    return list_in_months is None or (month - 1) % tranche_months + 1 in list_in_months


# --- the ledger's state ---------------------------------------------------------------------------


def ledger_state(ledger: pl.DataFrame) -> pl.DataFrame:
    """One row per (program, no_kk, tahap): its latest status, and the latest listing (periode,
    bank, account, payee, amount, list file) it refers to."""
    ordered = ledger.with_columns(_o=pl.col("peristiwa").replace_strict(_EVENT_ORDER, return_dtype=pl.Int8)).sort(
        [*KEY, "periode", "_o", "sumber", "sumber_baris"], nulls_last=False
    )
    listed = (
        ordered.filter(pl.col("peristiwa") == LISTED)
        .group_by(KEY, maintain_order=True)
        .agg(
            periode_daftar=pl.col("periode").last(),
            bank=pl.col("bank").last(),
            no_rekening=pl.col("no_rekening").last(),
            nik_pengurus=pl.col("nik_pengurus").last(),
            nominal=pl.col("nominal").last(),
            sumber=pl.col("sumber").last(),
            kali_didaftar=pl.len().cast(pl.Int64),
        )
    )
    last = ordered.group_by(KEY, maintain_order=True).agg(status=pl.col("status").last())
    return last.join(listed, on=KEY, how="left").sort(KEY)


def current_tranche(state: pl.DataFrame, tahap: dict[str, str]) -> pl.DataFrame:
    """(program, no_kk, ``status_tahap``): where each unit's tranche of this periode stands."""
    wanted = pl.DataFrame({"program": list(tahap), "tahap": list(tahap.values())})
    return state.join(wanted, on=["program", "tahap"], how="inner").select(
        "program", "no_kk", status_tahap="status", kali_didaftar="kali_didaftar"
    )


# --- listing and stopping -------------------------------------------------------------------------


def stopped(state: pl.DataFrame, penerima: pl.DataFrame, *, periode: str, blocking: list[str]) -> pl.DataFrame:
    """DIHENTIKAN events: every listed tranche not yet paid (``OPEN``) whose unit is no longer
    payable (a blocking status, or gone from the register), with the unit's reasons."""
    units = penerima.select("program", "no_kk", "status", "alasan").unique(["program", "no_kk"], keep="first")
    ended = (
        state.filter(pl.col("status").is_in(list(OPEN)))
        .join(units, on=["program", "no_kk"], how="left", suffix="_unit")
        .filter(pl.col("status_unit").is_null() | pl.col("status_unit").is_in(blocking))
    )
    why = (
        pl.when(pl.col("status_unit").is_null())
        .then(pl.lit(["UNIT_TIDAK_ADA_DI_REGISTER"]))
        .otherwise(pl.col("alasan"))
    )
    return _events(ended, STOPPED, periode=pl.lit(periode), sumber_baris=pl.lit(None, pl.Int64), alasan=why).sort(KEY)


LIST_COLUMNS = list(dtypes(BankList))
"""The columns of a bank's list, in order (contracts.md v1.1; ``schemas.BankList``)."""
STOP_COLUMNS = list(dtypes(StopList))
"""The columns of a bank's stop list, in order (``schemas.StopList``)."""


def payment_lists(
    penerima: pl.DataFrame,
    tranches: pl.DataFrame,
    accounts: pl.DataFrame,
    state: pl.DataFrame,
    *,
    periode: str,
    open_programmes: list[str],
    payable: list[str],
) -> pl.DataFrame:
    """The rows of the banks' lists (``LIST_COLUMNS`` + ``sumber`` / ``sumber_baris``, the list
    file and row): every unit of a programme whose tahap may be listed this periode, with a payable
    status, something to pay, a payee, and a tranche not listed before (or listed and failed:
    GAGAL OMSPAN, SI); and, for a unit payable now, a tranche of an earlier tahap whose payment
    failed, for the amount listed then. The bank is the household's active account's, else PT Pos."""
    active = accounts.filter(pl.col("status_rekening") == "AKTIF").select(
        "no_kk", _bank="bank", no_rekening="no_rekening"
    )
    payable_now = penerima.filter(
        pl.col("status").is_in(payable) & (pl.col("nominal") > 0) & pl.col("nik_pengurus").is_not_null()
    )
    current = (
        payable_now.filter(pl.col("program").is_in(open_programmes))
        .join(tranches, on=["program", "no_kk"], how="left")
        .filter(pl.col("status_tahap").is_null() | pl.col("status_tahap").is_in(list(RELISTABLE)))
        .select(LIST_COLUMNS[2:4] + ["no_kk", "nik_pengurus", "nama_pengurus", "kode_wilayah", "nominal"])
    )
    earlier = (
        state.filter(pl.col("status").is_in(list(RELISTABLE)))
        .join(
            payable_now.select("program", "no_kk", "nik_pengurus", "nama_pengurus", "kode_wilayah", _now="tahap"),
            on=["program", "no_kk"],
            how="inner",
        )
        .filter(pl.col("tahap") != pl.col("_now"))
        .select(LIST_COLUMNS[2:4] + ["no_kk", "nik_pengurus", "nama_pengurus", "kode_wilayah", "nominal"])
    )
    rows = (
        pl.concat([current, earlier])
        .join(active, on="no_kk", how="left")
        .with_columns(
            bank=pl.col("_bank").fill_null("POS"),
            periode=pl.lit(periode),
            no_rekening=pl.when(pl.col("_bank").is_not_null()).then(pl.col("no_rekening")),
        )
        .select(LIST_COLUMNS)
        .sort("bank", "program", "tahap", "kode_wilayah", "no_kk")
    )
    return rows.with_columns(
        sumber=pl.format("disbursement/periode={}/{}.csv", pl.lit(periode), pl.col("bank")),
        sumber_baris=pl.int_range(1, pl.len() + 1).over("bank").cast(pl.Int64),
    )


def listing_events(lists: pl.DataFrame) -> pl.DataFrame:
    """One DIDAFTAR event per list row."""
    none = pl.lit([], dtype=pl.List(pl.String))
    return _events(lists, LISTED, periode=pl.col("periode"), sumber_baris=pl.col("sumber_baris"), alasan=none)


def _events(frame: pl.DataFrame, peristiwa: str, *, periode: pl.Expr, sumber_baris: pl.Expr, alasan: pl.Expr):
    """A ledger event (``LEDGER_SCHEMA``) of kind ``peristiwa`` per row of ``frame``: its unit and
    tranche, the bank, account, payee and amount listed, and the list it came from."""
    return frame.select(
        periode=periode,
        program="program",
        no_kk="no_kk",
        tahap="tahap",
        peristiwa=pl.lit(peristiwa),
        status=pl.lit(peristiwa),
        bank="bank",
        no_rekening="no_rekening",
        nik_pengurus="nik_pengurus",
        nominal="nominal",
        sumber="sumber",
        sumber_baris=sumber_baris,
        alasan=alasan,
    ).select([pl.col(c).cast(t) for c, t in LEDGER_SCHEMA.items()])


def stop_lists(stops: pl.DataFrame, state: pl.DataFrame, *, periode: str) -> pl.DataFrame:
    """The stop-list rows (``STOP_COLUMNS``): each tranche stopped this periode, for the bank it
    was listed with, with the list it was on and why it stops."""
    return (
        stops.join(state.select(*KEY, "periode_daftar"), on=KEY, how="left")
        .select(
            periode=pl.lit(periode),
            bank="bank",
            program="program",
            tahap="tahap",
            no_kk="no_kk",
            nik_pengurus="nik_pengurus",
            no_rekening="no_rekening",
            nominal="nominal",
            periode_daftar="periode_daftar",
            sumber="sumber",
            alasan=pl.col("alasan").list.join("|"),
        )
        .sort("bank", "program", "tahap", "no_kk")
    )


RECONCILIATION_SCHEMA = dtypes(Rekonsiliasi)
"""The reconciliation's columns and dtypes, in order, from its contract (``schemas.Rekonsiliasi``)."""


def reconciliation(
    penerima: pl.DataFrame, tranches: pl.DataFrame, lists: pl.DataFrame, stops: pl.DataFrame, *, programmes: list[str]
) -> pl.DataFrame:
    """Per bank-paid programme and the periode's tahap: the entitled units (nominal > 0) split into
    listed now, listed before and awaiting feedback, already paid or being paid (SUKSES / PROSES
    SPM), and held (e.g. an account being opened, no adult to pay, the tahap closed for listing):
    ``unit_berhak = unit_didaftar + unit_menunggu + unit_dibayar + unit_ditahan``. Stopped tranches
    (any tahap) are counted apart: their units are no longer entitled."""
    entitled = (
        penerima.filter(pl.col("program").is_in(programmes) & (pl.col("nominal") > 0))
        .join(tranches, on=["program", "no_kk"], how="left")
        .join(lists.select("program", "no_kk", _listed=pl.lit(True)), on=["program", "no_kk"], how="left")
    )
    listed = pl.col("_listed").fill_null(False)
    waiting = ~listed & (pl.col("status_tahap") == LISTED)
    paid = ~listed & pl.col("status_tahap").is_in(["SUKSES SPM", "PROSES SPM"])
    held = ~listed & ~waiting.fill_null(False) & ~paid.fill_null(False)
    per = entitled.group_by("program", "tahap").agg(
        unit_berhak=pl.len(),
        nominal_berhak=pl.col("nominal").sum(),
        unit_didaftar=listed.sum(),
        nominal_didaftar=pl.col("nominal").filter(listed).sum(),
        unit_menunggu=waiting.fill_null(False).sum(),
        unit_dibayar=paid.fill_null(False).sum(),
        unit_ditahan=held.sum(),
        nominal_ditahan=pl.col("nominal").filter(held).sum(),
    )
    stop = stops.group_by("program", "tahap").agg(unit_dihentikan=pl.len(), nominal_dihentikan=pl.col("nominal").sum())
    out = per.join(stop, on=["program", "tahap"], how="full", coalesce=True)
    return out.select(
        [
            pl.col(c).fill_null(0).cast(t) if t == pl.Int64 else pl.col(c).cast(t)
            for c, t in RECONCILIATION_SCHEMA.items()
        ]
    ).sort("program", "tahap")
