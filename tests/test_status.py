"""Status per programme and unit: one household per case, expected status and reasons."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from rules import load_ruleset
from transforms import accounts, household, register, status

D = dt.date
REF = D(2026, 11, 30)
KK = "3201010101150001"


def person(nik, hub, tgl, jk="L", **kw):
    return {
        "nik": nik,
        "no_kk": KK,
        "nama": "X",
        "tanggal_lahir": tgl,
        "jenis_kelamin": jk,
        "kode_wilayah": "3201011001",
        "kode_prov": "32",
        "hubungan_keluarga": hub,
        "hamil": False,
        "disabilitas_berat": False,
        "jenjang_sekolah": None,
        "status_padan": "PADAN",
        "skor_padan": 1.0,
        "periode_masuk": "2026-11",
        "sumber_periode": "2026-11",
        "sumber_file": "a.csv",
        "sumber_baris": 1,
        "jenis_usulan_terakhir": "BARU",
        "sanggah_alasan": None,
        "sanggah_periode": None,
        **kw,
    }


HEAD = person("3201011505800001", "KEPALA KELUARGA", D(1980, 5, 15))
CHILD_SD = person("3201010203150003", "ANAK", D(2015, 3, 2), jenjang_sekolah="SD")


def run(members, *, desil=2, dead=(), jobs=None, sdm=(), gis=None, burekol=None, salur=None, rules=None, card_only=()):
    """``card_only``: (nik, occupation) of people on the family card in Dukcapil who are not registered;
    ``burekol``: the household's account state in the registry; ``salur``: (program, where the tranche
    of the periode stands in the ledger)."""
    ind = pl.DataFrame(members, schema=register.empty_individu().schema)
    dk = pl.DataFrame(
        {
            "NIK": [m["nik"] for m in members],
            "TGL_MATI": [D(2026, 1, 1) if m["nik"] in dead else None for m in members],
            "JENIS_PKRJN": [(jobs or {}).get(m["nik"], "PETANI/PEKEBUN") for m in members],
        },
        schema_overrides={"TGL_MATI": pl.Date},
    )
    card = pl.DataFrame(
        [
            {
                "NIK": m["nik"],
                "NO_KK": KK,
                "NAMA_LGKP": m["nama"],
                "TGL_LHR": m["tanggal_lahir"],
                "JENIS_KLMIN": "PEREMPUAN" if m["jenis_kelamin"] == "P" else "LAKI-LAKI",
                "TGL_MATI": D(2026, 1, 1) if m["nik"] in dead else None,
                "JENIS_PKRJN": (jobs or {}).get(m["nik"], "PETANI/PEKEBUN"),
            }
            for m in members
        ]
        + [
            {
                "NIK": n,
                "NO_KK": KK,
                "NAMA_LGKP": "Y",
                "TGL_LHR": D(1975, 1, 1),
                "JENIS_KLMIN": "LAKI-LAKI",
                "TGL_MATI": D(2026, 1, 1) if n in dead else None,
                "JENIS_PKRJN": job,
            }
            for n, job in card_only
        ],
        schema=household.CARD_COLUMNS,
    )
    dtsen = pl.DataFrame(
        {
            "no_kk": [KK] if desil else [],
            "desil": [desil] if desil else [],
            "tgl_update": [D(2026, 1, 1)] if desil else [],
        },
        schema={"no_kk": pl.String, "desil": pl.Int64, "tgl_update": pl.Date},
    )
    s = lambda cols, rows: pl.DataFrame(rows or None, schema={c: pl.String for c in cols}, orient="row")  # noqa: E731
    accounts_ = pl.DataFrame(
        [
            {
                "no_kk": KK,
                "status_rekening": burekol,
                "bank": "BRI",
                "no_rekening": "1",
                "nik_pengurus": HEAD["nik"],
                "periode_umpan_balik": "2026-11",
                "sumber": "x",
                "sumber_baris": 1,
            }
        ]
        if burekol
        else None,
        schema=accounts.ACCOUNT_SCHEMA,
    )
    tranches = pl.DataFrame(
        [{"program": p, "no_kk": KK, "status_tahap": st_, "kali_didaftar": 1} for p, st_ in (salur or [])] or None,
        schema={"program": pl.String, "no_kk": pl.String, "status_tahap": pl.String, "kali_didaftar": pl.Int64},
    )
    out = status.penerima(
        ind.lazy(),
        dk.lazy(),
        card.lazy(),
        dtsen.lazy(),
        s(
            ["nik", "nama", "jenis_sdm", "kode_wilayah", "aktif"], [[n, "X", "TKSK", "3201011001", "Y"] for n in sdm]
        ).lazy(),
        s(
            ["no_kk", "hasil", "tgl_verifikasi", "lat", "lon"], [[KK, gis, "2026-06-01", "0", "0"]] if gis else []
        ).lazy(),
        accounts_.lazy(),
        tranches.lazy(),
        rules=rules or load_ruleset(),
        periode="2026-11",
        reference_date=REF,
    ).collect()
    return {(r["program"], r["nik"] if r["program"] == "PBI-JKN" else None): r for r in out.to_dicts()}


def hh(result, program):
    return result[(program, None)]


@pytest.mark.parametrize(
    "desc, kwargs, program, expected, reason",
    [
        ("clean decile 2 with a school child", {}, "PKH", "SK/CALON PENERIMA", "LAYAK"),
        ("decile 7", dict(desil=7), "BPNT", "EXCLUDE", "DESIL_DI_ATAS_BATAS"),
        ("no decile", dict(desil=None), "BPNT", "EXCLUDE", "DESIL_TIDAK_ADA"),
        ("civil-servant member", dict(jobs={HEAD["nik"]: "PEGAWAI NEGERI SIPIL"}), "BPNT", "EXCLUDE", "ASN_TNI_POLRI"),
        ("police member", dict(jobs={CHILD_SD["nik"]: "KEPOLISIAN RI"}), "PKH", "EXCLUDE", "ASN_TNI_POLRI"),
        ("active SDM Kesos member", dict(sdm=[HEAD["nik"]]), "BPNT", "OVERLAP SDM KESOS", "SDM_KESOS_AKTIF"),
        ("GIS not eligible", dict(gis="TIDAK LAYAK"), "BPNT", "TIDAK LAYAK GIS", "GIS_TIDAK_LAYAK"),
        ("GIS eligible", dict(gis="LAYAK"), "BPNT", "SK/CALON PENERIMA", "LAYAK"),
        (
            "police on the family card, not registered",
            dict(card_only=[("3201011010700005", "KEPOLISIAN RI")]),
            "BPNT",
            "EXCLUDE",
            "ASN_TNI_POLRI",
        ),
        (
            "a dead police officer on the card does not exclude",
            dict(card_only=[("3201011010700005", "KEPOLISIAN RI")], dead={"3201011010700005"}),
            "BPNT",
            "SK/CALON PENERIMA",
            "LAYAK",
        ),
        ("paid", dict(salur=[("BPNT", "SUKSES SPM")]), "BPNT", "SUKSES SPM", "SALUR_SUKSES_SPM"),
        ("payment order", dict(salur=[("PKH", "PROSES SPM")]), "PKH", "PROSES SPM", "SALUR_PROSES_SPM"),
        ("treasury failure", dict(salur=[("BPNT", "GAGAL OMSPAN")]), "BPNT", "GAGAL OMSPAN", "SALUR_GAGAL_OMSPAN"),
        ("standing instruction", dict(salur=[("BPNT", "SI")]), "BPNT", "SI", "SALUR_SI"),
        (
            "listed, awaiting feedback",
            dict(salur=[("BPNT", "DIDAFTAR")]),
            "BPNT",
            "SK/CALON PENERIMA",
            "TAHAP_SUDAH_DIDAFTAR",
        ),
        ("account opening", dict(burekol="PROSES"), "BPNT", "PROSES BUREKOL", "BUREKOL_PROSES"),
        (
            "account failed: held to be reopened, not sent to PT Pos",
            dict(burekol="GAGAL"),
            "BPNT",
            "PROSES BUREKOL",
            "BUREKOL_GAGAL",
        ),
        (
            "exclusion beats payment feedback",
            dict(desil=9, salur=[("BPNT", "SUKSES SPM")]),
            "BPNT",
            "EXCLUDE",
            "SALUR_SUKSES_SPM",
        ),
    ],
)
def test_household_status(desc, kwargs, program, expected, reason):
    r = hh(run([HEAD, CHILD_SD], **kwargs), program)
    assert r["status"] == expected, desc
    assert reason in r["alasan"], desc
    assert (r["nominal"] == 0) == (expected in ("EXCLUDE", "OVERLAP SDM KESOS", "TIDAK LAYAK GIS")), desc


def test_pkh_needs_a_component_bpnt_does_not():
    r = run([HEAD])
    assert hh(r, "PKH")["status"] == "EXCLUDE" and "TIDAK_ADA_KOMPONEN_PKH" in hh(r, "PKH")["alasan"]
    assert hh(r, "BPNT")["status"] == "SK/CALON PENERIMA"


def test_deceased_single_member_household_is_excluded_everywhere():
    r = run([HEAD], dead={HEAD["nik"]})
    for key, row in r.items():
        assert row["status"] == "EXCLUDE" and "MENINGGAL" in row["alasan"], key


def test_deceased_member_does_not_exclude_the_family_but_loses_the_component():
    elderly = person("3201010101400008", "ORANG TUA", D(1940, 1, 1))
    alive = hh(run([HEAD, elderly]), "PKH")
    dead = hh(run([HEAD, elderly], dead={elderly["nik"]}), "PKH")
    assert alive["status"] == "SK/CALON PENERIMA" and alive["nominal"] == 2_400_000 * 3 // 12
    assert dead["status"] == "EXCLUDE" and "TIDAK_ADA_KOMPONEN_PKH" in dead["alasan"]
    assert "MENINGGAL" not in dead["alasan"]


def test_pkh_amount_counts_at_most_four_highest_components():
    kids = [person(f"32010101031{i}0003", "ANAK", D(2022, 3, 1 + i)) for i in range(5)]  # five under-7s
    pregnant = person("3201014708850002", "ISTRI", D(1985, 8, 7), jk="P", hamil=True)
    r = hh(run([HEAD, pregnant, CHILD_SD, *kids]), "PKH")
    assert r["komponen_pkh"] == 4
    assert r["nominal"] == 4 * 3_000_000 * 3 // 12


def test_pbi_is_per_person():
    r = run([HEAD, CHILD_SD], dead={CHILD_SD["nik"]})
    assert r[("PBI-JKN", HEAD["nik"])]["status"] == "SK/CALON PENERIMA"
    assert r[("PBI-JKN", CHILD_SD["nik"])]["status"] == "EXCLUDE"


def test_policy_change_is_a_rule_change(tmp_path):
    import yaml

    data = yaml.safe_load(open("rules/2026.yaml"))
    data["programmes"]["BPNT"]["monthly_amount"] = 250000
    data["programmes"]["BPNT"]["deciles"] = [1, 2, 3, 4, 5, 6, 7]
    p = tmp_path / "r.yaml"
    p.write_text(yaml.safe_dump(data))
    from rules import load_ruleset as load

    r = hh(run([HEAD, CHILD_SD], desil=7, rules=load(p)), "BPNT")
    assert r["status"] == "SK/CALON PENERIMA" and r["nominal"] == 750000


@pytest.mark.parametrize("desil", range(1, 11))
def test_raising_the_decile_never_makes_a_household_newly_eligible(desil):
    here, above = (
        hh(run([HEAD, CHILD_SD], desil=desil), "PKH"),
        hh(run([HEAD, CHILD_SD], desil=min(desil + 1, 10)), "PKH"),
    )
    assert not (here["status"] == "EXCLUDE" and above["status"] != "EXCLUDE")


def test_bank_feedback_does_not_touch_the_bpjs_premium():
    r = run([HEAD, CHILD_SD], burekol="PROSES")
    assert hh(r, "BPNT")["status"] == "PROSES BUREKOL"
    assert r[("PBI-JKN", HEAD["nik"])]["status"] == "SK/CALON PENERIMA"


# --- properties --------------------------------------------------------------------------------
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_member = st.tuples(
    st.dates(min_value=D(1930, 1, 1), max_value=D(2026, 11, 1)),
    st.sampled_from(["L", "P"]),
    st.sampled_from([None, "SD", "SMP", "SMA"]),
    st.booleans(),
    st.booleans(),
)
PAYABLE = ("SK/CALON PENERIMA", "SUKSES SPM", "PROSES SPM", "GAGAL OMSPAN", "SI", "PROSES BUREKOL")


def _household(specs):
    out = [HEAD]
    for i, (tgl, jk, school, hamil, disab) in enumerate(specs):
        out.append(
            person(
                f"32010101{i:02d}000{i:03d}"[:16].ljust(16, "1"),
                "ANAK",
                tgl,
                jk=jk,
                jenjang_sekolah=school,
                hamil=hamil and jk == "P",
                disabilitas_berat=disab,
            )
        )
    return out


@settings(max_examples=40, deadline=None)
@given(specs=st.lists(_member, max_size=4), desil=st.integers(1, 10))
def test_adding_a_deceased_member_never_makes_a_household_newly_eligible(specs, desil):
    household = _household(specs)
    dead = person("3201010101300099", "ORANG TUA", D(1930, 1, 1), disabilitas_berat=True)
    before = run(household, desil=desil)
    after = run(household + [dead], desil=desil, dead={dead["nik"]})
    for program in ("PKH", "BPNT"):
        if hh(after, program)["status"] in PAYABLE:
            assert hh(before, program)["status"] in PAYABLE, program
            assert hh(after, program)["nominal"] <= hh(before, program)["nominal"], program


@settings(max_examples=40, deadline=None)
@given(specs=st.lists(_member, max_size=4), desil=st.integers(1, 9))
def test_a_higher_decile_never_makes_a_unit_newly_eligible(specs, desil):
    household = _household(specs)
    lower, higher = run(household, desil=desil), run(household, desil=desil + 1)
    for key, row in higher.items():
        if row["status"] in PAYABLE:
            assert lower[key]["status"] in PAYABLE, key


def test_feedback_and_reference_spellings_from_the_field():
    """Agencies write the same things differently: SEMBAKO for BPNT, 202611 for 2026-11, sukses_spm,
    Rp 600.000, TIDAK_LAYAK, aktif=YA."""
    from rules import load_ruleset
    from transforms.salur import normalised_salur

    raw = pl.DataFrame(
        {
            "periode": ["202611", "2026/11", " 2026-11 "],
            "program": ["SEMBAKO", "pkh", "PBI JKN"],
            "no_kk": ["'3201010101150001", "3201010101150001.0", " 3201010101150001"],
            "nik": [None] * 3,
            "status": ["sukses_spm", "Proses  SPM", "GAGAL OMSPAN"],
            "nominal": ["Rp 600.000", "225000.00", "42,000"],
            "_sumber": ["s.csv"] * 3,
            "_baris": [1, 2, 3],
        },
        schema_overrides={"nik": pl.String, "_baris": pl.UInt32},
    )
    got = normalised_salur(raw, aliases=load_ruleset().programme_vocabulary.aliases)
    assert got.select("program", "no_kk", "status", "nominal").rows() == [
        ("BPNT", KK, "SUKSES SPM", 600_000),
        ("PKH", KK, "PROSES SPM", 225_000),
        ("PBI-JKN", KK, "GAGAL OMSPAN", 42_000),
    ]
    assert hh(run([HEAD, CHILD_SD], gis="TIDAK_LAYAK"), "BPNT")["status"] == "TIDAK LAYAK GIS"


def test_feedback_answers_the_list_of_the_periode_it_names_in_any_written_form():
    from transforms import payments
    from transforms.salur import SALUR_FEEDBACK_SCHEMA, feedback_events

    ledger = pl.DataFrame(
        [
            {
                "periode": p,
                "program": "BPNT",
                "no_kk": KK,
                "tahap": t,
                "peristiwa": "DIDAFTAR",
                "status": "DIDAFTAR",
                "bank": "POS",
                "no_rekening": None,
                "nik_pengurus": HEAD["nik"],
                "nominal": 600_000,
                "sumber": f"disbursement/periode={p}/POS.csv",
                "sumber_baris": 1,
                "alasan": [],
            }
            for p, t in (("2026-09", "2026-T3"), ("2026-10", "2026-T4"))
        ],
        schema=payments.LEDGER_SCHEMA,
    )
    salur = pl.DataFrame(
        {
            "program": ["BPNT"] * 5,
            "no_kk": [KK] * 5,
            "periode": ["202610", "2026/09", "", "2026-08", "2026-11"],
            "status": ["SUKSES SPM", "GAGAL OMSPAN", "PROSES SPM", "SUKSES SPM", "SI"],
            "nominal": [600_000] * 5,
            "sumber": ["s.csv"] * 5,
            "sumber_baris": [1, 2, 3, 4, 5],
        },
        schema=SALUR_FEEDBACK_SCHEMA,
    )
    events, unmatched = feedback_events(salur, payments.ledger_state(ledger), periode="2026-11")
    # the list of the periode a row names, else the latest before it (a bank writing the feedback month),
    # else (no periode) the latest; a row naming a periode before every listing answers nothing
    assert events.select("tahap", "status", "sumber_baris").rows() == [
        ("2026-T4", "SUKSES SPM", 1),
        ("2026-T3", "GAGAL OMSPAN", 2),
        ("2026-T4", "PROSES SPM", 3),
        ("2026-T4", "SI", 5),
    ]
    assert unmatched.select("sumber_baris", "alasan").rows() == [(4, "TIDAK_PERNAH_DIDAFTAR")]


WIFE = person("3201014708850002", "ISTRI", D(1985, 8, 7), jk="P", nama="SITI")


@pytest.mark.parametrize(
    "desc, members, kwargs, payee, reason",
    [
        ("the wife before the head", [HEAD, WIFE, CHILD_SD], {}, WIFE["nik"], "LAYAK"),
        (
            "a widowed head of family is the mother",
            [person("3201014708850002", "KEPALA KELUARGA", D(1985, 8, 7), jk="P"), CHILD_SD],
            {},
            "3201014708850002",
            "LAYAK",
        ),
        ("the head when the wife has died", [HEAD, WIFE, CHILD_SD], dict(dead={WIFE["nik"]}), HEAD["nik"], "LAYAK"),
        (
            "another adult when head and wife are not registered",
            [person("3201011010700006", "FAMILI LAIN", D(1970, 10, 10)), CHILD_SD],
            {},
            "3201011010700006",
            "LAYAK",
        ),
        (
            "never a child: held",
            [CHILD_SD, person("3201015012120004", "ANAK", D(2012, 12, 10), jk="P", jenjang_sekolah="SMP")],
            {},
            None,
            "PENGURUS_TIDAK_ADA",
        ),
        (
            "an active account's holder is paid, whoever the rule would name",
            [HEAD, WIFE, CHILD_SD],
            dict(burekol="AKTIF"),
            HEAD["nik"],
            "LAYAK",
        ),
    ],
)
def test_pengurus(desc, members, kwargs, payee, reason):
    r = hh(run(members, **kwargs), "BPNT")
    assert r["nik_pengurus"] == payee, desc
    assert reason in r["alasan"], desc


def test_an_account_whose_holder_died_needs_a_new_one():
    r = hh(run([HEAD, WIFE, CHILD_SD], burekol="AKTIF", dead={HEAD["nik"]}), "BPNT")
    assert r["status"] == "PROSES BUREKOL" and "PENGURUS_REKENING_TIDAK_SAH" in r["alasan"]


def test_a_programme_is_decided_only_within_its_periods_and_a_month_without_any_has_no_units(tmp_path):
    import yaml

    from rules import load_ruleset as load

    data = yaml.safe_load(open("rules/2026.yaml"))
    data["programmes"]["BPNT"]["last_periode"] = "2026-10"  # ended before 2026-11
    data["programmes"]["PBI-JKN"]["first_periode"] = "2026-12"  # starts after it
    p = tmp_path / "r.yaml"
    p.write_text(yaml.safe_dump(data))
    got = run([HEAD, CHILD_SD], rules=load(p))
    assert sorted({program for program, _ in got}) == ["PKH"]
    del data["programmes"]["PKH"]
    p.write_text(yaml.safe_dump(data))
    assert run([HEAD, CHILD_SD], rules=load(p)) == {}  # nothing runs in 2026-11: no units, no failure
