"""Money over four consecutive periods of the real flow (2026-10 .. 2027-01: tahap 2026-T4, then
2027-T1), one hand-written household per payment case. Every expected value is written here by
hand: who is listed when, to which bank and account, whom, for how much, and what is stopped.

BPNT pays 3 x 200,000 = 600,000 a tahap; each household's SD child brings PKH 900,000 a year,
225,000 a tahap.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import builders
import polars as pl
import pytest

from flows.monthly import monthly_run

D = dt.date
VILLAGE = "3201011001"
PERIODS = ("2026-10", "2026-11", "2026-12", "2027-01")
BPNT, PKH_SD = 600_000, 225_000

# no_kk -> members: (nik, name, birth date, sex, hubungan, occupation, school); household number in the NIK
CASES = {
    "paid": 1,
    "pending": 2,
    "failed_then_fixed": 3,
    "lost_eligibility": 4,
    "account_opened": 5,
    "account_failed": 6,
    "police_on_the_card": 7,
    "only_children_registered": 8,
    "account_holder": 9,
}


def kk(case: str) -> str:
    return f"32010101012{CASES[case]:02d}001"


def nik(case: str, who: str) -> str:
    n = CASES[case]
    return {
        "head": f"320101150580{n:02d}01",
        "wife": f"320101470885{n:02d}02",
        "child": f"320101020315{n:02d}03",
        "child2": f"320101501212{n:02d}04",
        "police": f"320101101070{n:02d}05",
    }[who]


def members(case: str) -> list[tuple]:
    out = [
        (nik(case, "head"), f"BAPAK {case.upper()}", D(1980, 5, 15), "L", "KEPALA KELUARGA", "PETANI/PEKEBUN", None),
        (nik(case, "wife"), f"IBU {case.upper()}", D(1985, 8, 7), "P", "ISTRI", "MENGURUS RUMAH TANGGA", None),
        (nik(case, "child"), f"ANAK {case.upper()}", D(2015, 3, 2), "L", "ANAK", "PELAJAR/MAHASISWA", "SD"),
    ]
    if case == "only_children_registered":
        out.append(
            (nik(case, "child2"), f"ADIK {case.upper()}", D(2012, 12, 10), "P", "ANAK", "PELAJAR/MAHASISWA", "SMP")
        )
    if case == "police_on_the_card":
        out.append(
            (nik(case, "police"), f"OM {case.upper()}", D(1970, 10, 10), "L", "FAMILI LAIN", "KEPOLISIAN RI", None)
        )
    return out


HEADER = builders.HEADER  # the usulan header, written once by hand (tests/builders.py)


def usulan_row(jenis: str, case: str, m: tuple, alasan: str = "") -> list[str]:
    n, name, born, sex, hub, _, school = m
    return [
        jenis,
        n,
        kk(case),
        name.title(),
        "BOGOR",
        born.strftime("%d-%m-%Y"),
        sex,
        hub,
        "",
        "",
        VILLAGE,
        "",
        "",
        school or "",
        alasan,
    ]


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def write_root(root: Path) -> None:
    people = []
    for case in CASES:
        for n, name, born, sex, hub, job, _ in members(case):
            people.append(
                {
                    "NIK": n,
                    "NO_KK": kk(case),
                    "NAMA_LGKP": name,
                    "TMPT_LHR": "BOGOR",
                    "TGL_LHR": born,
                    "JENIS_KLMIN": "LAKI-LAKI" if sex == "L" else "PEREMPUAN",
                    "NAMA_LGKP_IBU": "IBU",
                    "ALAMAT": "JL. MAWAR",
                    "NO_PROP": "32",
                    "NO_KAB": "01",
                    "NO_KEC": "01",
                    "NO_KEL": "1001",
                    "JENIS_PKRJN": job,
                    "STAT_HBKEL": hub,
                    "TGL_MATI": None,
                }
            )
    (root / "reference" / "dukcapil").mkdir(parents=True)
    pl.DataFrame(people, schema_overrides={"TGL_MATI": pl.Date}).write_parquet(
        root / "reference/dukcapil/dukcapil.parquet"
    )
    write_dtsen(root, {})
    write_csv(root / "reference/sdm_kesos/sdm.csv", ["nik", "nama", "jenis_sdm", "kode_wilayah", "aktif"], [])
    write_csv(root / "reference/gis/gis.csv", ["no_kk", "hasil", "tgl_verifikasi", "lat", "lon"], [])
    rows = []
    for case in CASES:
        for m in members(case):
            if case == "only_children_registered" and m[4] != "ANAK":
                continue
            rows.append(usulan_row("BARU", case, m))
    write_csv(root / "inbox/2026-10/32/usulan.csv", HEADER, rows)


def write_dtsen(root: Path, deciles: dict[str, int]) -> None:
    (root / "reference" / "dtsen").mkdir(parents=True, exist_ok=True)
    pl.DataFrame(
        {
            "no_kk": [kk(c) for c in CASES],
            "desil": [deciles.get(c, 2) for c in CASES],
            "tgl_update": [D(2026, 1, 5)] * len(CASES),
        }
    ).write_parquet(root / "reference/dtsen/dtsen.parquet")


BUREKOL = ["no_kk", "nik_pengurus", "bank", "status_rekening", "no_rekening"]
SALUR = ["periode", "program", "no_kk", "nik", "status", "nominal"]


def feedback(root: Path, periode: str, kind: str, rows: list[list[str]]) -> None:
    write_csv(root / "feedback" / periode / kind / f"{kind}.csv", BUREKOL if kind == "burekol" else SALUR, rows)


@pytest.fixture(scope="module")
def months(tmp_path_factory):
    root = tmp_path_factory.mktemp("pay") / "root"
    write_root(root)
    # October: accounts for three households; a ghost account; lists go out
    feedback(
        root,
        "2026-10",
        "burekol",
        [
            [kk("account_opened"), nik("account_opened", "wife"), "BRI", "PROSES", ""],
            [kk("account_failed"), nik("account_failed", "wife"), "BRI", "GAGAL", ""],
            [kk("account_holder"), nik("account_holder", "head"), "BNI", "AKTIF", "0099887766"],
            ["3201019999999999", "3201011505809999", "BRI", "AKTIF", "1234"],
        ],
    )
    monthly_run(data_root=str(root), periode="2026-10")
    # November: salur answers October's lists; an account opens; the police uncle is removed from the register;
    # one household's decile rises; feedback about a tranche that was never listed
    feedback(
        root,
        "2026-11",
        "salur",
        [
            ["2026-10", "BPNT", kk("paid"), "", "SUKSES SPM", "600000"],
            ["2026-10", "PKH", kk("paid"), "", "SUKSES SPM", "200000"],  # another amount than listed
            ["2026-10", "BPNT", kk("pending"), "", "PROSES SPM", "600000"],
            ["2026-10", "PKH", kk("pending"), "", "PROSES SPM", "225000"],
            ["2026-10", "BPNT", kk("failed_then_fixed"), "", "GAGAL OMSPAN", "600000"],
            ["2026-10", "BPNT", kk("account_failed"), "", "SUKSES SPM", "600000"],  # never listed
        ],
    )
    feedback(
        root,
        "2026-11",
        "burekol",
        [[kk("account_opened"), nik("account_opened", "wife"), "BRI", "AKTIF", "0011223344"]],
    )
    write_csv(
        root / "inbox/2026-11/32/usulan.csv",
        HEADER,
        [usulan_row("HAPUS", "police_on_the_card", members("police_on_the_card")[3], alasan="PINDAH KERJA")],
    )
    write_dtsen(root, {"lost_eligibility": 7})
    monthly_run(data_root=str(root), periode="2026-11", replace=False)
    # December: the failed payment went through (this bank writes the month of its feedback, not of the
    # list); no burekol folder at all
    feedback(root, "2026-12", "salur", [["2026-12", "BPNT", kk("failed_then_fixed"), "", "SUKSES SPM", "600000"]])
    monthly_run(data_root=str(root), periode="2026-12")
    # January: a new tahap; no feedback at all
    january = monthly_run(data_root=str(root), periode="2027-01")
    (root.parent / "january-summary.json").write_text(json.dumps(january["peringatan"]))
    return root


def lists(root: Path, periode: str) -> pl.DataFrame:
    folder = root / "disbursement" / f"periode={periode}"
    return pl.concat([pl.read_parquet(folder / f"{b}.parquet") for b in ("BRI", "BNI", "BTN", "MANDIRI", "POS")])


def listed(root: Path, periode: str) -> dict[tuple[str, str], tuple]:
    """(case, program) -> (tahap, bank, payee NIK, account, nominal) of the period's lists."""
    back = {kk(c): c for c in CASES}
    return {
        (back[r["no_kk"]], r["program"]): (r["tahap"], r["bank"], r["nik_pengurus"], r["no_rekening"], r["nominal"])
        for r in lists(root, periode).iter_rows(named=True)
    }


def status(root: Path, periode: str, case: str, program: str = "BPNT") -> dict:
    p = pl.read_parquet(root / "snapshots" / f"periode={periode}" / "penerima", hive_partitioning=False)
    return p.filter((pl.col("program") == program) & (pl.col("no_kk") == kk(case))).row(0, named=True)


def wife(case: str) -> str:
    return nik(case, "wife")


def test_october_lists_each_eligible_household_once_to_its_pengurus(months):
    got = listed(months, "2026-10")
    for case in ("paid", "pending", "failed_then_fixed", "lost_eligibility"):
        assert got[(case, "BPNT")] == ("2026-T4", "POS", wife(case), None, BPNT)
        assert got[(case, "PKH")] == ("2026-T4", "POS", wife(case), None, PKH_SD)
    # the account holder is the payee, with the account, even where the rule would name the wife
    assert got[("account_holder", "BPNT")] == ("2026-T4", "BNI", nik("account_holder", "head"), "0099887766", BPNT)
    for case in ("account_opened", "account_failed"):  # an account being opened or failed: held, not POS
        assert (case, "BPNT") not in got
        assert status(months, "2026-10", case)["status"] == "PROSES BUREKOL"
    assert "BUREKOL_GAGAL" in status(months, "2026-10", "account_failed")["alasan"]
    # never a child: only the children are registered
    assert ("only_children_registered", "PKH") not in got and ("only_children_registered", "BPNT") not in got
    assert "PENGURUS_TIDAK_ADA" in status(months, "2026-10", "only_children_registered", "PKH")["alasan"]
    # a police officer on the family card excludes the family
    pol = status(months, "2026-10", "police_on_the_card")
    assert pol["status"] == "EXCLUDE" and "ASN_TNI_POLRI" in pol["alasan"]
    assert len(got) == 4 * 2 + 1 + 1  # plus account_holder's PKH
    assert got[("account_holder", "PKH")] == ("2026-T4", "BNI", nik("account_holder", "head"), "0099887766", PKH_SD)


def test_november_pays_each_tranche_once_relists_the_failed_one_and_stops_the_ineligible(months):
    got = listed(months, "2026-11")
    assert got == {
        ("failed_then_fixed", "BPNT"): ("2026-T4", "POS", wife("failed_then_fixed"), None, BPNT),  # failed: again
        ("account_opened", "BPNT"): ("2026-T4", "BRI", wife("account_opened"), "0011223344", BPNT),
        ("account_opened", "PKH"): ("2026-T4", "BRI", wife("account_opened"), "0011223344", PKH_SD),
    }
    assert status(months, "2026-11", "paid")["status"] == "SUKSES SPM"
    assert status(months, "2026-11", "pending")["status"] == "PROSES SPM"
    assert status(months, "2026-11", "failed_then_fixed")["status"] == "GAGAL OMSPAN"
    assert "TAHAP_SUDAH_DIDAFTAR" in status(months, "2026-11", "failed_then_fixed", "PKH")["alasan"]
    stop = pl.read_parquet(months / "disbursement" / "periode=2026-11" / "POS_stop.parquet")
    assert stop.select("program", "tahap", "no_kk", "nik_pengurus", "nominal", "periode_daftar").sort(
        "program"
    ).rows() == [
        ("BPNT", "2026-T4", kk("lost_eligibility"), wife("lost_eligibility"), BPNT, "2026-10"),
        ("PKH", "2026-T4", kk("lost_eligibility"), wife("lost_eligibility"), PKH_SD, "2026-10"),
    ]
    assert set(stop["alasan"].str.split("|").explode()) >= {"DESIL_DI_ATAS_BATAS"}
    # removing the police officer from the register does not lift what Dukcapil still shows
    ind = pl.read_parquet(months / "snapshots/periode=2026-11/individu")
    assert nik("police_on_the_card", "police") not in ind["nik"].to_list()
    assert status(months, "2026-11", "police_on_the_card")["status"] == "EXCLUDE"
    assert "ASN_TNI_POLRI" in status(months, "2026-11", "police_on_the_card")["alasan"]


def test_feedback_that_answers_no_list_is_reported(months):
    unknown = pl.read_parquet(months / "snapshots/periode=2026-11/umpan_balik_tidak_dikenal")
    assert unknown.select("no_kk", "program", "status", "alasan").rows() == [
        (kk("paid"), "PKH", "SUKSES SPM", "NOMINAL_BERBEDA"),
        (kk("account_failed"), "BPNT", "SUKSES SPM", "TIDAK_PERNAH_DIDAFTAR"),
    ]
    october = pl.read_parquet(months / "snapshots/periode=2026-10/umpan_balik_tidak_dikenal")
    assert october.select("no_kk", "alasan").rows() == [("3201019999999999", "RUMAH_TANGGA_TIDAK_DIKENAL")]


def test_december_and_january(months):
    assert listed(months, "2026-12") == {}  # everything of 2026-T4 listed once, paid or awaiting
    assert status(months, "2026-12", "failed_then_fixed")["status"] == "SUKSES SPM"
    jan = listed(months, "2027-01")  # a new tahap: listed again, the account remembered
    assert jan[("account_opened", "BPNT")] == ("2027-T1", "BRI", wife("account_opened"), "0011223344", BPNT)
    assert jan[("paid", "BPNT")] == ("2027-T1", "POS", wife("paid"), None, BPNT)
    assert ("lost_eligibility", "BPNT") not in jan
    assert ("account_failed", "BPNT") not in jan


def test_no_tranche_is_listed_for_more_than_it_is_worth(months):
    all_lists = pl.concat([lists(months, p) for p in PERIODS])
    ledger = pl.read_parquet(months / "snapshots/periode=2027-01/pembayaran")
    per = all_lists.group_by("program", "no_kk", "tahap").agg(pl.col("nominal").sum(), times=pl.len())
    failed = ledger.filter(pl.col("status").is_in(["GAGAL OMSPAN", "SI"])).group_by("program", "no_kk", "tahap").len()
    worth = {"BPNT": BPNT, "PKH": PKH_SD}
    for r in per.join(failed, on=["program", "no_kk", "tahap"], how="left").iter_rows(named=True):
        assert r["nominal"] <= worth[r["program"]] * (1 + (r["len"] or 0)), r
    paid_or_pending = ledger.filter(pl.col("status").is_in(["SUKSES SPM", "PROSES SPM"]))
    for r in paid_or_pending.iter_rows(named=True):  # nothing reported paid or pending is listed again
        later = all_lists.filter(
            (pl.col("no_kk") == r["no_kk"])
            & (pl.col("program") == r["program"])
            & (pl.col("tahap") == r["tahap"])
            & (pl.col("periode") > r["periode"])
        )
        assert later.height == 0, r


def test_missing_feedback_is_named_in_manifest_summary_and_report(months):
    dec = json.loads((months / "snapshots/periode=2026-12/_manifest.json").read_text())
    jan = json.loads((months / "snapshots/periode=2027-01/_manifest.json").read_text())
    assert dec["umpan_balik"]["tidak_ada"] == ["burekol"]
    assert jan["umpan_balik"]["tidak_ada"] == ["burekol", "salur"]
    assert dec["umpan_balik"]["salur"]["berkas"] == ["feedback/2026-12/salur/salur.csv"]
    warnings = json.loads((months.parent / "january-summary.json").read_text())
    assert [w.split(":")[0] for w in warnings[:2]] == ["UMPAN_BALIK_TIDAK_ADA"] * 2
    report = (months / "reports/periode=2027-01.html").read_text()
    assert "UMPAN_BALIK_TIDAK_ADA" in report and "burekol" in report and "salur" in report


def test_the_ledger_and_the_accounts_carry_across_periods(months):
    ledger = pl.read_parquet(months / "snapshots/periode=2027-01/pembayaran")
    fixed = ledger.filter((pl.col("no_kk") == kk("failed_then_fixed")) & (pl.col("program") == "BPNT"))
    assert fixed.select("periode", "tahap", "peristiwa", "status").rows() == [
        ("2026-10", "2026-T4", "DIDAFTAR", "DIDAFTAR"),
        ("2026-11", "2026-T4", "UMPAN_BALIK", "GAGAL OMSPAN"),
        ("2026-11", "2026-T4", "DIDAFTAR", "DIDAFTAR"),
        ("2026-12", "2026-T4", "UMPAN_BALIK", "SUKSES SPM"),
        ("2027-01", "2027-T1", "DIDAFTAR", "DIDAFTAR"),
    ]
    acc = pl.read_parquet(months / "snapshots/periode=2027-01/rekening")
    opened = acc.filter(pl.col("no_kk") == kk("account_opened")).row(0, named=True)
    assert (opened["status_rekening"], opened["bank"], opened["no_rekening"], opened["periode_umpan_balik"]) == (
        "AKTIF",
        "BRI",
        "0011223344",
        "2026-11",
    )


def test_control_totals_per_programme_and_tahap(months):
    folder = months / "disbursement" / "periode=2026-10"
    control = list(csv.DictReader(io.StringIO((folder / "POS_kontrol.csv").read_text("utf-8-sig")), delimiter=";"))
    assert [(c["program"], c["tahap"], c["jumlah_baris"], c["total_nominal"]) for c in control] == [
        ("BPNT", "2026-T4", "4", str(4 * BPNT)),
        ("PKH", "2026-T4", "4", str(4 * PKH_SD)),
    ]
    rec = pl.read_parquet(months / "snapshots/periode=2026-11/rekonsiliasi")
    bpnt = rec.filter(pl.col("program") == "BPNT").row(0, named=True)
    # entitled in November: paid, pending, failed (relisted), account_opened (listed), account_holder (awaiting),
    # account_failed (held); lost_eligibility and police are not entitled; only_children has no BPNT payee but is
    assert (bpnt["unit_didaftar"], bpnt["unit_dibayar"], bpnt["unit_menunggu"], bpnt["unit_dihentikan"]) == (2, 2, 1, 1)
    assert (
        bpnt["unit_berhak"]
        == bpnt["unit_didaftar"] + bpnt["unit_menunggu"] + bpnt["unit_dibayar"] + bpnt["unit_ditahan"]
    )


def test_explain_names_the_member_and_field_that_exclude_and_the_payments(months):
    from flows.explain import explain

    text = explain(months, "2026-11", no_kk=kk("police_on_the_card"))
    police = nik("police_on_the_card", "police")
    assert f"{police[:6]}********** (tidak terdaftar di register): JENIS_PKRJN KEPOLISIAN RI" in text
    assert police not in text
    text = explain(months, "2026-12", no_kk=kk("failed_then_fixed"))
    assert "2026-11 BPNT 2026-T4: UMPAN_BALIK GAGAL OMSPAN" in text
    assert "2026-12 BPNT 2026-T4: UMPAN_BALIK SUKSES SPM" in text
    text = explain(months, "2027-01", no_kk=kk("account_opened"))
    assert "Rekening (burekol): BRI AKTIF, nomor ****3344" in text and "0011223344" not in text


def test_no_list_ever_pays_a_minor(months):
    born = pl.read_parquet(months / "reference/dukcapil/dukcapil.parquet").select(nik_pengurus="NIK", lahir="TGL_LHR")
    for p in PERIODS:
        paid_to = lists(months, p).join(born, on="nik_pengurus", how="left")
        assert paid_to["lahir"].null_count() == 0
        ages = paid_to.select(
            ((pl.date(int(p[:4]), int(p[5:]), 1) - pl.col("lahir")).dt.total_days() // 365).alias("a")
        )
        assert ages["a"].min() is None or ages["a"].min() >= 17, p
    assert sum(lists(months, p).height for p in PERIODS) == 10 + 3 + 0 + 10
