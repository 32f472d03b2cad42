"""Issue 15, acceptance 1: a programme is added in the rule file only. A test rule file adds BLT Kesra
(domain.md: one-off, households of deciles 1-4, 300,000 a month for three months) as ``BLT-KESRA``,
decided October to December 2026 and paid as one tranche of three months (900,000). The real flow
runs four consecutive periods (2026-10 .. 2027-01) on the hand-written households of
``test_payment_months``; every expected value is written here by hand.

What it shows: BLT Kesra is decided, listed to each household's pengurus or account holder, written
in the control totals, answered by feedback under its aliases, relisted after a failed transfer,
stopped when a household loses eligibility, explained, and after its last periode no longer decided,
while the tranche it listed is still answered and never stopped for the programme's end. A rule file
that then drops the programme is refused before any work.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import polars as pl
import pytest
import test_payment_months as P  # the households and feedback writers of the payment months

from flows.monthly import monthly_run
from rules import RuleError

BLT = 900_000  # 3 x 300,000
KESRA = """\
  BLT-KESRA:
    unit: household
    deciles: [1, 2, 3, 4]
    monthly_amount: 300000
    tranche_months: 3
    first_periode: "2026-10"
    last_periode: "2026-12"
    aliases: [BLT KESRA, KESRA]
"""
kk, wife, listed, lists = P.kk, P.wife, P.listed, P.lists


def rule_file(folder: Path) -> Path:
    text = (Path(__file__).parents[2] / "rules" / "2026.yaml").read_text(encoding="utf-8")
    assert "\nprogrammes:\n" in text
    path = folder / "2026-kesra.yaml"
    path.write_text(text.replace("\nprogrammes:\n", "\nprogrammes:\n" + KESRA, 1), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def months(tmp_path_factory):
    base = tmp_path_factory.mktemp("kesra")
    root, rules = base / "root", str(rule_file(base))
    P.write_root(root)
    P.feedback(
        root,
        "2026-10",
        "burekol",
        [
            [kk("account_opened"), wife("account_opened"), "BRI", "PROSES", ""],
            [kk("account_failed"), wife("account_failed"), "BRI", "GAGAL", ""],
            [kk("account_holder"), P.nik("account_holder", "head"), "BNI", "AKTIF", "0099887766"],
        ],
    )
    monthly_run(data_root=str(root), periode="2026-10", rules_path=rules)
    # November: the treasury names the programme its own ways; one transfer failed; an account opens;
    # one household's decile rises above the programme's
    P.feedback(
        root,
        "2026-11",
        "salur",
        [
            ["2026-10", "blt_kesra", kk("paid"), "", "SUKSES SPM", "900000"],
            ["2026-10", "BLT KESRA", kk("failed_then_fixed"), "", "GAGAL OMSPAN", "900.000"],
        ],
    )
    P.feedback(
        root, "2026-11", "burekol", [[kk("account_opened"), wife("account_opened"), "BRI", "AKTIF", "0011223344"]]
    )
    P.write_dtsen(root, {"lost_eligibility": 7})
    monthly_run(data_root=str(root), periode="2026-11", rules_path=rules)
    monthly_run(data_root=str(root), periode="2026-12", rules_path=rules)
    # January: the programme has ended; a late answer to October's list still arrives
    P.feedback(root, "2027-01", "salur", [["2026-10", "KESRA", kk("pending"), "", "SUKSES SPM", "900000"]])
    monthly_run(data_root=str(root), periode="2027-01", rules_path=rules)
    return root


def penerima(root: Path, periode: str) -> pl.DataFrame:
    return pl.read_parquet(root / "snapshots" / f"periode={periode}" / "penerima", hive_partitioning=False)


def kesra(root: Path, periode: str, case: str) -> dict:
    p = penerima(root, periode)
    return p.filter((pl.col("program") == "BLT-KESRA") & (pl.col("no_kk") == kk(case))).row(0, named=True)


def test_october_decides_and_lists_the_new_programme(months):
    got = {case: v for (case, program), v in listed(months, "2026-10").items() if program == "BLT-KESRA"}
    assert got == {
        "paid": ("2026-T4", "POS", wife("paid"), None, BLT),
        "pending": ("2026-T4", "POS", wife("pending"), None, BLT),
        "failed_then_fixed": ("2026-T4", "POS", wife("failed_then_fixed"), None, BLT),
        "lost_eligibility": ("2026-T4", "POS", wife("lost_eligibility"), None, BLT),
        "account_holder": ("2026-T4", "BNI", P.nik("account_holder", "head"), "0099887766", BLT),
    }
    paid = kesra(months, "2026-10", "paid")
    assert (paid["status"], paid["nominal"], paid["tahap"], paid["alasan"]) == (
        "SK/CALON PENERIMA",
        BLT,
        "2026-T4",
        ["LAYAK"],  # decided before this periode's lists are made
    )
    held = kesra(months, "2026-10", "account_opened")
    assert (held["status"], held["alasan"]) == ("PROSES BUREKOL", ["BUREKOL_PROSES"])
    police = kesra(months, "2026-10", "police_on_the_card")
    assert (police["status"], police["nominal"]) == ("EXCLUDE", 0) and "ASN_TNI_POLRI" in police["alasan"]
    # the programmes already there are untouched: the same lists as without BLT Kesra
    assert listed(months, "2026-10")[("paid", "BPNT")] == ("2026-T4", "POS", wife("paid"), None, P.BPNT)


def test_the_control_totals_carry_the_new_programme(months):
    folder = months / "disbursement" / "periode=2026-10"
    control = list(csv.DictReader(io.StringIO((folder / "POS_kontrol.csv").read_text("utf-8-sig")), delimiter=";"))
    assert [(c["program"], c["tahap"], c["jumlah_baris"], c["total_nominal"]) for c in control] == [
        ("BLT-KESRA", "2026-T4", "4", str(4 * BLT)),
        ("BPNT", "2026-T4", "4", str(4 * P.BPNT)),
        ("PKH", "2026-T4", "4", str(4 * P.PKH_SD)),
    ]
    assert (months / "snapshots/periode=2026-10/penerima/program=BLT-KESRA").is_dir()


def test_november_reads_its_aliases_relists_the_failed_and_stops_the_ineligible(months):
    got = {case: v for (case, program), v in listed(months, "2026-11").items() if program == "BLT-KESRA"}
    assert got == {
        "failed_then_fixed": ("2026-T4", "POS", wife("failed_then_fixed"), None, BLT),
        "account_opened": ("2026-T4", "BRI", wife("account_opened"), "0011223344", BLT),
    }
    assert kesra(months, "2026-11", "paid")["status"] == "SUKSES SPM"
    lost = kesra(months, "2026-11", "lost_eligibility")
    assert (lost["status"], lost["nominal"], lost["alasan"]) == (
        "EXCLUDE",
        0,
        ["DESIL_DI_ATAS_BATAS", "TAHAP_SUDAH_DIDAFTAR"],  # listed in October, so stopped now
    )
    stops = pl.read_parquet(months / "disbursement/periode=2026-11/POS_stop.parquet")
    stopped = stops.filter(pl.col("program") == "BLT-KESRA")
    assert stopped.select("no_kk", "tahap", "nominal").rows() == [(kk("lost_eligibility"), "2026-T4", BLT)]
    unknown = pl.read_parquet(months / "snapshots/periode=2026-11/umpan_balik_tidak_dikenal")
    assert unknown.filter(pl.col("no_kk").is_in([kk("paid"), kk("failed_then_fixed")])).height == 0


def test_december_is_the_last_periode_and_lists_nothing_new(months):
    assert kesra(months, "2026-12", "paid")["status"] == "SUKSES SPM"
    assert kesra(months, "2026-12", "account_opened")["alasan"] == ["TAHAP_SUDAH_DIDAFTAR", "LAYAK"]
    assert not [k for k in listed(months, "2026-12") if k[1] == "BLT-KESRA"]


def test_after_its_last_periode_the_programme_is_not_decided_and_its_tranches_are_kept(months):
    assert penerima(months, "2027-01").filter(pl.col("program") == "BLT-KESRA").height == 0
    assert penerima(months, "2027-01").filter(pl.col("program") == "BPNT").height > 0
    assert not [k for k in listed(months, "2027-01") if k[1] == "BLT-KESRA"]
    stops = pl.concat(
        pl.read_parquet(months / f"disbursement/periode=2027-01/{b}_stop.parquet")
        for b in ("BRI", "BNI", "BTN", "MANDIRI", "POS")
    )
    assert stops.filter(pl.col("program") == "BLT-KESRA").height == 0
    ledger = pl.read_parquet(months / "snapshots/periode=2027-01/pembayaran").filter(pl.col("program") == "BLT-KESRA")

    def events(case: str) -> list[tuple]:
        mine = ledger.filter(pl.col("no_kk") == kk(case))
        return mine.select("periode", "tahap", "peristiwa", "status").rows()

    assert events("pending") == [
        ("2026-10", "2026-T4", "DIDAFTAR", "DIDAFTAR"),
        ("2027-01", "2026-T4", "UMPAN_BALIK", "SUKSES SPM"),
    ]
    assert events("account_opened") == [("2026-11", "2026-T4", "DIDAFTAR", "DIDAFTAR")]
    assert events("lost_eligibility") == [
        ("2026-10", "2026-T4", "DIDAFTAR", "DIDAFTAR"),
        ("2026-11", "2026-T4", "DIHENTIKAN", "DIHENTIKAN"),
    ]


def test_explain_and_the_manifest_name_the_new_programme(months):
    import json

    from flows.explain import explain

    text = explain(months, "2026-10", no_kk=kk("paid"))
    assert "  BLT-KESRA: SK/CALON PENERIMA (desil 2, nominal Rp 900.000)" in text
    manifest = json.loads((months / "snapshots/periode=2026-10/_manifest.json").read_text(encoding="utf-8"))
    assert manifest["rule_set"]["programmes"]["BLT-KESRA"] == {"unit": "household", "aliases": ["BLT KESRA", "KESRA"]}


def test_a_rule_file_that_drops_a_programme_with_open_tranches_is_refused_before_any_work(months):
    with pytest.raises(RuleError) as info:
        monthly_run(data_root=str(months), periode="2027-02")  # the packaged rule set: no BLT-KESRA
    assert "programmes.BLT-KESRA: missing, but the payment ledger of periode 2027-01 holds its tranches" in str(
        info.value
    )
    assert not (months / "snapshots/periode=2027-02").exists()
