"""The payment stage: the account registry and the ledger carried from the previous snapshot, this
period's bank and treasury feedback absorbed into them (before the rules, which read where each
unit's tranche stands), and after the rules what is listed, held and stopped."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from prefect import task

from flows import io
from flows.stages.common import TASK, common_input
from flows.stages.results import Payments, PaymentsReady
from rules import RuleError, load_ruleset
from schemas.vocabulary import BLOCKING_STATUSES
from transforms import accounts, payments
from transforms.salur import feedback_events, normalised_salur


def _bank_programmes(rules, periode: str | None = None) -> dict[str, object]:
    """The programmes the banks pay (household units), those decided in ``periode`` when given."""
    return {
        name: p
        for name, p in rules.programmes.items()
        if p.paid_by_bank and p.unit == "household" and (periode is None or p.runs_in(periode))
    }


def check_ledger_programmes(root: io.Root, periode: str, rules) -> None:
    """Refuse, before any work, a rule set that drops a programme the payment ledger still holds
    tranches of: their feedback could not be read and the ledger could not be published."""
    previous = io.latest_snapshot_before(root, periode)
    path = root.snapshot(previous) / "pembayaran" / "pembayaran.parquet" if previous else None
    if path is None or not io.is_file(path):
        return
    held = io.scan_parquet(path).select(pl.col("program").unique().sort()).collect()["program"].to_list()
    if missing := [p for p in held if p not in rules.programmes]:
        raise RuleError(
            rules.source,
            [
                (
                    f"programmes.{name}",
                    f"missing, but the payment ledger of periode {previous} holds its tranches; keep the "
                    "programme in the rule file (give it last_periode to stop deciding it)",
                )
                for name in missing
            ],
        )


def previous_ledger(root: io.Root, previous_periode: str | None, rules) -> pl.DataFrame:
    """The ledger as the previous snapshot left it. A snapshot from before the ledger existed has
    none: its published bank lists are read as what was listed then."""
    if previous_periode is None:
        return payments.empty_ledger()
    path = root.snapshot(previous_periode) / "pembayaran" / "pembayaran.parquet"
    if io.is_file(path):
        return io.read_parquet(path)
    tranche = {name: p.tranche_months for name, p in _bank_programmes(rules).items()}
    frames = []
    for folder in io.partition_folders(root.disbursement_root, "periode"):
        listed_in = folder.name.split("=", 1)[1]
        if listed_in > previous_periode:
            continue
        for f in io.parquet_files(folder):
            if "_" in f.stem:  # control totals and stop lists are not lists
                continue
            lst = io.read_parquet(f).filter(pl.col("program").is_in(list(tranche)))
            if not lst.height:
                continue
            frames.append(
                payments.listing_events(
                    lst.with_columns(
                        tahap=pl.col("program").replace_strict(
                            {p: payments.tahap_of(listed_in, m) for p, m in tranche.items()}
                        ),
                        sumber=pl.lit(f"disbursement/periode={listed_in}/{f.stem}.csv"),
                        sumber_baris=pl.int_range(1, pl.len() + 1).cast(pl.Int64),
                    )
                )
            )
    return pl.concat(frames) if frames else payments.empty_ledger()


@task(**TASK)
def prepare_payments(
    data_root: str, periode: str, previous_periode: str | None, individu_path: str, rules_path: str | None
) -> PaymentsReady:
    """The account registry after this period's burekol, the ledger after this period's salur,
    where each unit's tranche of the period stands (for the rules), and the feedback that answers
    nothing we know (reported)."""
    root = io.Root(Path(data_root))
    rules = load_ruleset(rules_path)
    prev_accounts = root.snapshot(previous_periode) / "rekening" / "rekening.parquet" if previous_periode else None
    before = (
        io.read_parquet(prev_accounts) if prev_accounts and io.is_file(prev_accounts) else accounts.empty_accounts()
    )
    burekol = io.read_parquet(common_input(root, periode, "burekol"))
    registry = accounts.accounts_after(before, burekol, periode=periode)
    ledger = previous_ledger(root, previous_periode, rules)
    salur = normalised_salur(
        io.read_parquet(common_input(root, periode, "salur")), aliases=rules.programme_vocabulary.aliases
    )
    events, unmatched = feedback_events(salur, payments.ledger_state(ledger), periode=periode)
    ledger = pl.concat([ledger, events])
    tahap = {name: payments.tahap_of(periode, p.tranche_months) for name, p in _bank_programmes(rules, periode).items()}
    tranches = payments.current_tranche(payments.ledger_state(ledger), tahap)
    unknown = pl.concat(
        [accounts.unknown_households(burekol, io.read_parquet(individu_path, columns=["no_kk"])), unmatched]
    ).sort("sumber", "sumber_baris")
    io.write_parquet(registry, common_input(root, periode, "rekening"))
    io.write_parquet(tranches, common_input(root, periode, "tahap"))
    return PaymentsReady(
        ledger=str(io.write_parquet(ledger, root.work(periode) / "payments" / "ledger_feedback.parquet")),
        umpan_balik_tidak_dikenal=str(io.write_parquet(unknown, root.work(periode) / "payments" / "unknown.parquet")),
    )


@task(**TASK)
def settle_payments(
    data_root: str, periode: str, penerima_path: str, ledger_path: str, rules_path: str | None
) -> Payments:
    """What the banks get this period: the lists (each unit and tranche once), the stop list (listed
    before, no longer payable), the ledger after both, and the reconciliation of the entitlement."""
    root = io.Root(Path(data_root))
    rules = load_ruleset(rules_path)
    bank = _bank_programmes(rules, periode)  # an ended programme's tranches are neither listed nor stopped
    open_now = [name for name, p in bank.items() if payments.listing_open(periode, p.tranche_months, p.list_in_months)]
    penerima = io.read_parquet(penerima_path)
    ledger = io.read_parquet(ledger_path)
    state = payments.ledger_state(ledger)
    tranches = io.read_parquet(common_input(root, periode, "tahap"))
    registry = io.read_parquet(common_input(root, periode, "rekening"))
    lists = payments.payment_lists(
        penerima,
        tranches,
        registry,
        state,
        periode=periode,
        open_programmes=open_now,
        payable=list(rules.disbursement.payable_statuses),
    )
    stops = payments.stopped(
        state.filter(pl.col("program").is_in(list(bank))),
        penerima.filter(pl.col("program").is_in(list(bank))),
        periode=periode,
        blocking=list(BLOCKING_STATUSES),
    )
    after = pl.concat([ledger, payments.listing_events(lists), stops]).sort(
        "periode", "program", "no_kk", "tahap", maintain_order=True
    )
    work = root.work(periode) / "payments"
    reconciled = payments.reconciliation(penerima, tranches, lists, stops, programmes=list(bank))
    return Payments(
        lists=str(io.write_parquet(lists, work / "lists.parquet")),
        stops=str(io.write_parquet(payments.stop_lists(stops, state, periode=periode), work / "stops.parquet")),
        pembayaran=str(io.write_parquet(after, work / "pembayaran.parquet")),
        rekening=str(common_input(root, periode, "rekening")),
        rekonsiliasi=str(io.write_parquet(reconciled, work / "rekonsiliasi.parquet")),
    )
