"""The payment calendar and the ledger's rules as case tables (the pure transforms; the real flow
over consecutive periods is tests/e2e/test_payments.py)."""

from __future__ import annotations

import polars as pl
import pytest

from transforms import accounts, payments

KK1, KK2 = "3201010101150001", "3201010101150002"
PAYEE = "3201014708850002"


@pytest.mark.parametrize(
    "periode, months, tahap",
    [
        ("2026-01", 3, "2026-T1"),
        ("2026-03", 3, "2026-T1"),
        ("2026-04", 3, "2026-T2"),
        ("2026-11", 3, "2026-T4"),
        ("2026-12", 3, "2026-T4"),
        ("2027-01", 3, "2027-T1"),
        ("2026-11", 1, "2026-T11"),
        ("2026-07", 6, "2026-T2"),
    ],
)
def test_tahap_of_a_periode(periode, months, tahap):
    assert payments.tahap_of(periode, months) == tahap


@pytest.mark.parametrize(
    "periode, list_in, open_",
    [
        ("2026-10", (1,), True),
        ("2026-11", (1,), False),
        ("2026-12", (3,), True),
        ("2026-11", (1, 2, 3), True),
        ("2026-11", None, True),
    ],
)
def test_a_tahap_is_listed_only_in_its_listing_months(periode, list_in, open_):
    assert payments.listing_open(periode, 3, list_in) is open_


def penerima(*rows) -> pl.DataFrame:
    base = dict(
        periode="2026-11",
        program="BPNT",
        tahap="2026-T4",
        no_kk=KK1,
        nik="3201011505800001",
        kode_wilayah="3201011001",
        kode_prov="32",
        desil=2,
        status="SK/CALON PENERIMA",
        alasan=["LAYAK"],
        nominal=600_000,
        komponen_pkh=None,
        nik_pengurus=PAYEE,
        nama_pengurus="SITI",
    )
    return pl.DataFrame(
        [{**base, **r} for r in rows],
        schema_overrides={
            "komponen_pkh": pl.Int64,
            "alasan": pl.List(pl.String),
            "nik_pengurus": pl.String,
            "nama_pengurus": pl.String,
        },
    )


def ledger(*events) -> pl.DataFrame:
    base = dict(
        periode="2026-10",
        program="BPNT",
        no_kk=KK1,
        tahap="2026-T4",
        peristiwa="DIDAFTAR",
        status="DIDAFTAR",
        bank="POS",
        no_rekening=None,
        nik_pengurus=PAYEE,
        nominal=600_000,
        sumber="disbursement/periode=2026-10/POS.csv",
        sumber_baris=1,
        alasan=[],
    )
    return pl.DataFrame([{**base, **e} for e in events] or None, schema=payments.LEDGER_SCHEMA)


def listed(pen: pl.DataFrame, led: pl.DataFrame, *, open_=("BPNT",), acc=None) -> list[tuple]:
    state = payments.ledger_state(led)
    tranches = payments.current_tranche(state, {"BPNT": "2026-T4", "PKH": "2026-T4"})
    lists = payments.payment_lists(
        pen,
        tranches,
        acc if acc is not None else accounts.empty_accounts(),
        state,
        periode="2026-11",
        open_programmes=list(open_),
        payable=["SK/CALON PENERIMA", "GAGAL OMSPAN", "SI"],
    )
    return lists.select("no_kk", "tahap", "bank", "no_rekening", "nominal", "sumber_baris").rows()


FEEDBACK = dict(periode="2026-11", peristiwa="UMPAN_BALIK")


@pytest.mark.parametrize(
    "desc, pen, led, open_, expected",
    [
        ("never listed: listed", [{}], [], ("BPNT",), [(KK1, "2026-T4", "POS", None, 600_000, 1)]),
        ("listed, no feedback yet: not again", [{}], [{}], ("BPNT",), []),
        ("paid: never again", [{"status": "SUKSES SPM"}], [{}, {**FEEDBACK, "status": "SUKSES SPM"}], ("BPNT",), []),
        (
            "being paid: never again",
            [{"status": "PROSES SPM"}],
            [{}, {**FEEDBACK, "status": "PROSES SPM"}],
            ("BPNT",),
            [],
        ),
        (
            "failed at the treasury: again",
            [{"status": "GAGAL OMSPAN"}],
            [{}, {**FEEDBACK, "status": "GAGAL OMSPAN"}],
            ("BPNT",),
            [(KK1, "2026-T4", "POS", None, 600_000, 1)],
        ),
        (
            "standing instruction failed: again",
            [{"status": "SI"}],
            [{}, {**FEEDBACK, "status": "SI"}],
            ("BPNT",),
            [(KK1, "2026-T4", "POS", None, 600_000, 1)],
        ),
        (
            "stopped earlier in the tahap: not again",
            [{}],
            [{}, {**FEEDBACK, "peristiwa": "DIHENTIKAN", "status": "DIHENTIKAN"}],
            ("BPNT",),
            [],
        ),
        ("the tahap's listing months are over: held", [{}], [], (), []),
        (
            "an earlier tahap failed: listed again for what it was worth then",
            [{}],
            [
                {"tahap": "2026-T3", "periode": "2026-08", "nominal": 550_000},
                {
                    "tahap": "2026-T3",
                    "periode": "2026-09",
                    "peristiwa": "UMPAN_BALIK",
                    "status": "GAGAL OMSPAN",
                    "nominal": 550_000,
                },
                {},
            ],
            (),
            [(KK1, "2026-T3", "POS", None, 550_000, 1)],
        ),
        ("no payee: not listed", [{"nik_pengurus": None}], [], ("BPNT",), []),
        ("excluded: not listed", [{"status": "EXCLUDE", "nominal": 0}], [], ("BPNT",), []),
    ],
)
def test_what_is_listed(desc, pen, led, open_, expected):
    assert listed(penerima(*pen), ledger(*led), open_=open_) == expected, desc


def test_an_active_account_is_paid_into_and_rows_are_numbered_per_bank_file():
    acc = pl.DataFrame(
        [
            {
                "no_kk": KK2,
                "status_rekening": "AKTIF",
                "bank": "BRI",
                "no_rekening": "0011",
                "nik_pengurus": PAYEE,
                "periode_umpan_balik": "2026-10",
                "sumber": "b.csv",
                "sumber_baris": 1,
            }
        ],
        schema=accounts.ACCOUNT_SCHEMA,
    )
    got = listed(
        penerima({}, {"no_kk": KK2}, {"program": "PKH", "nominal": 225_000}), ledger(), open_=("BPNT", "PKH"), acc=acc
    )
    assert got == [
        (KK2, "2026-T4", "BRI", "0011", 600_000, 1),
        (KK1, "2026-T4", "POS", None, 600_000, 1),
        (KK1, "2026-T4", "POS", None, 225_000, 2),
    ]


def test_stops_and_the_reconciliation():
    led = ledger({}, {"no_kk": KK2}, {"no_kk": KK2, **FEEDBACK, "status": "SUKSES SPM"})
    state = payments.ledger_state(led)
    pen = penerima({"status": "EXCLUDE", "nominal": 0, "alasan": ["DESIL_DI_ATAS_BATAS"]}, {"no_kk": KK2})
    stops = payments.stopped(
        state, pen, periode="2026-11", blocking=["EXCLUDE", "OVERLAP SDM KESOS", "TIDAK LAYAK GIS"]
    )
    assert stops.select("no_kk", "tahap", "status", "alasan").rows() == [
        (KK1, "2026-T4", "DIHENTIKAN", ["DESIL_DI_ATAS_BATAS"])
    ]
    # a household gone from the register entirely is stopped too
    gone = payments.stopped(state, pen.filter(pl.col("no_kk") == KK2), periode="2026-11", blocking=["EXCLUDE"])
    assert gone["alasan"].to_list() == [["UNIT_TIDAK_ADA_DI_REGISTER"]]
    tranches = payments.current_tranche(state, {"BPNT": "2026-T4"})
    rec = payments.reconciliation(
        pen, tranches, pl.DataFrame(schema={"program": pl.String, "no_kk": pl.String}), stops, programmes=["BPNT"]
    )
    assert rec.select(
        "unit_berhak",
        "unit_didaftar",
        "unit_menunggu",
        "unit_dibayar",
        "unit_ditahan",
        "unit_dihentikan",
        "nominal_dihentikan",
    ).rows() == [(1, 0, 0, 1, 0, 1, 600_000)]


def test_the_account_registry_keeps_the_last_word_of_the_bank():
    before = pl.DataFrame(
        [
            {
                "no_kk": KK1,
                "status_rekening": "PROSES",
                "bank": "BRI",
                "no_rekening": None,
                "nik_pengurus": PAYEE,
                "periode_umpan_balik": "2026-10",
                "sumber": "a.csv",
                "sumber_baris": 1,
            },
            {
                "no_kk": KK2,
                "status_rekening": "AKTIF",
                "bank": "BNI",
                "no_rekening": "9",
                "nik_pengurus": PAYEE,
                "periode_umpan_balik": "2026-09",
                "sumber": "a.csv",
                "sumber_baris": 2,
            },
        ],
        schema=accounts.ACCOUNT_SCHEMA,
    )
    burekol = pl.DataFrame(
        {
            "no_kk": [f"'{KK1}", KK1],
            "nik_pengurus": [PAYEE, PAYEE],
            "bank": ["bri", "bri"],
            "status_rekening": ["proses", "AKTIF"],
            "no_rekening": ["", " 0042 "],
            "_sumber": ["f.csv", "f.csv"],
            "_baris": [1, 2],
        },
        schema_overrides={"_baris": pl.UInt32},
    )
    after = accounts.accounts_after(before, burekol, periode="2026-11")
    assert after.select("no_kk", "status_rekening", "bank", "no_rekening", "periode_umpan_balik").rows() == [
        (KK1, "AKTIF", "BRI", "0042", "2026-11"),
        (KK2, "AKTIF", "BNI", "9", "2026-09"),
    ]
