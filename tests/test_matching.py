"""Name normalisation and the exact-NIK padan decision, as case tables."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from rules import load_matching_model
from transforms.linkage import blocking
from transforms.linkage import run as linkage_run
from transforms.names import nama_key_expr, nama_key_y_expr


def key(name: str) -> str:
    return pl.DataFrame({"n": [name]}).select(nama_key_expr("n"))["n"][0]


@pytest.mark.parametrize(
    "a, b",
    [
        ("Soekarno", "SUKARNO"),
        ("Djoko Susilo", "JOKO SUSILO"),
        ("Tjahjo Kumolo", "CAHJO KUMOLO"),
        ("Sjamsul Bahri", "SYAMSUL BAHRI"),
        ("Chairul Tanjung", "KHAIRUL TANJUNG"),
        ("Muhammad Rizki", "M. RIZKI"),
        ("Mohammad Rizki", "MOCH RIZKI"),
        ("Hj. Siti Aminah", "SITI AMINAH"),
        ("Drs. H. Bambang Sutrisno, M.Pd.", "BAMBANG SUTRISNO"),
        ("Ir. Agus Salim S.Pd.", "AGUS SALIM"),
        ("Ahmad bin Abdullah", "AHMAD"),
        ("  budi   santoso ", "BUDI SANTOSO"),
    ],
)
def test_name_variants_share_a_key(a, b):
    assert key(a) == key(b)


@pytest.mark.parametrize(
    "name, expected",
    [
        ("H. Maria Harahap", "MARIA HARAHAP"),  # Haji in front
        ("Drs. H. Maria", "MARIA"),
        ("Maria H.", "MARIA H"),  # after the given name: an initial (HARAHAP), not Haji
        ("Ahmad H Susanto", "AHMAD H SUSANTO"),
    ],
)
def test_a_lone_h_is_haji_only_in_front(name, expected):
    assert key(name) == expected


def test_j_y_alternative_key():
    df = pl.DataFrame({"a": ["JUSUF"], "b": ["YUSUF"]}).with_columns(
        ka=nama_key_y_expr(nama_key_expr("a")), kb=nama_key_y_expr(nama_key_expr("b"))
    )
    assert df["ka"][0] == df["kb"][0]


D = dt.date
DUKCAPIL = pl.DataFrame(
    {
        "NIK": ["3201011505800001", "3201014708850002", "3201014708850003", "3201010203150004"],
        "NO_KK": ["3201010101150001"] * 4,
        "NAMA_LGKP": ["BUDI SANTOSO", "SITI AMINAH", "SITI AMINAH", "AHMAD FAUZI"],
        "TGL_LHR": [D(1980, 5, 15), D(1985, 8, 7), D(1985, 8, 7), D(2015, 3, 2)],
        "JENIS_KLMIN": ["LAKI-LAKI", "PEREMPUAN", "PEREMPUAN", "LAKI-LAKI"],
        "NAMA_LGKP_IBU": ["SUMIATI", "RATNA", "RATNA", "SITI AMINAH"],
        "NO_PROP": ["32"] * 4,
        "NO_KAB": ["01"] * 4,
        "NO_KEC": ["01"] * 4,
        "NO_KEL": ["1001"] * 4,
    }
)


def decide_one(nik, nama, tgl, jk, *, no_kk="3201010101150001", desa="3201011001", ibu=None):
    usulan = pl.DataFrame(
        {
            "_row": [0],
            "nik_usulan": [nik],
            "nik_rusak_excel": ["E+" in nik],
            "nama_usulan": [nama],
            "tgl_lahir": [tgl],
            "jk": [jk],
            "no_kk_usulan": [no_kk],
            "nama_ibu_kandung": [ibu],
            "kode_wilayah_usulan": [desa],
        },
        schema_overrides={"nama_ibu_kandung": pl.String, "tgl_lahir": pl.Date, "kode_wilayah_usulan": pl.String},
    ).with_columns(pl.col("_row").cast(pl.UInt32))
    fetch = lambda keys: blocking.fetch_candidates(DUKCAPIL.lazy(), keys).collect()  # noqa: E731
    decided, _, _ = linkage_run.linked(usulan, fetch, load_matching_model().model)
    return decided.row(0, named=True)


@pytest.mark.parametrize(
    "desc, nik, nama, tgl, jk, status, nik_padan, code",
    [
        ("exact", "3201011505800001", "Budi Santoso", D(1980, 5, 15), "L", "PADAN", "3201011505800001", None),
        (
            "old spelling + title",
            "3201011505800001",
            "H. Boedi Santoso",
            D(1980, 5, 15),
            "L",
            "PADAN",
            "3201011505800001",
            None,
        ),
        ("day/month swapped", "3201014708850002", "Siti Aminah", D(1985, 7, 8), "P", "PADAN", "3201014708850002", None),
        (
            "one digit typo",
            "3201011505800007",
            "Budi Santoso",
            D(1980, 5, 15),
            "L",
            "PADAN_KOREKSI",
            "3201011505800001",
            None,
        ),
        (
            "adjacent digits swapped",
            "3201011505080001",
            "Budi Santoso",
            D(1980, 5, 15),
            "L",
            "PADAN_KOREKSI",
            "3201011505800001",
            None,
        ),
        (
            "another member's NIK",
            "3201011505800001",
            "Ahmad Fauzi",
            D(2015, 3, 2),
            "L",
            "PADAN_KOREKSI",
            "3201010203150004",
            None,
        ),
        (
            "No KK typed as NIK",
            "3201010101150001",
            "Ahmad Fauzi",
            D(2015, 3, 2),
            "L",
            "PADAN_KOREKSI",
            "3201010203150004",
            None,
        ),
        (
            "excel NIK recovered",
            "3.20101E+15",
            "Budi Santoso",
            D(1980, 5, 15),
            "L",
            "PADAN_KOREKSI",
            "3201011505800001",
            None,
        ),
        (
            "excel NIK, two identical candidates: not guessed",
            "3.20101E+15",
            "Siti Aminah",
            D(1985, 8, 7),
            "P",
            "TIDAK_PADAN",
            None,
            "PERLU_VERIFIKASI",
        ),
        (
            "a stranger's NIK: refused",
            "3201011505800001",
            "Bambang Pamungkas",
            D(1990, 1, 1),
            "L",
            "TIDAK_PADAN",
            None,
            "NAMA_TIDAK_SESUAI",
        ),
        (
            "fabricated NIK sharing region and date",
            "3201011505800099",
            "Joko Purnomo",
            D(1980, 5, 15),
            "L",
            "TIDAK_PADAN",
            None,
            "NIK_TIDAK_DITEMUKAN",
        ),
        (
            "NIK and name agree, birth date wrong: padan, date flagged",
            "3201011505800001",
            "Budi Santoso",
            D(1999, 1, 2),
            "L",
            "PADAN",
            "3201011505800001",
            "TGL_LAHIR_TIDAK_SESUAI_DUKCAPIL",
        ),
        (
            "NIK agrees, name only resembles, date wrong: review",
            "3201011505800001",
            "Budi Susanto",
            D(1999, 1, 2),
            "L",
            "TIDAK_PADAN",
            None,
            "PERLU_VERIFIKASI",
        ),
    ],
)
def test_padan_decision(desc, nik, nama, tgl, jk, status, nik_padan, code):
    row = decide_one(nik, nama, tgl, jk)
    assert row["status_padan"] == status, (desc, row)
    assert row["nik_padan"] == nik_padan, desc
    if code:
        assert code in row["alasan_padan"], (desc, row["alasan_padan"])
    if status != "TIDAK_PADAN":
        assert 0.99 <= row["skor_padan"] <= 1 and row["metode_padan"], desc


def test_another_members_nik_on_an_old_family_card_still_finds_the_family():
    """AHMAD FAUZI proposed with his father's NIK and a family card number Dukcapil no longer has: the
    father's card (found through the NIK typed) brings the family in, and AHMAD is the candidate put
    to review (the card disagreeing keeps the evidence below the accept threshold), not his father."""
    row = decide_one(
        "3201011505800001", "Ahmad Fauzi", D(2015, 3, 2), "L", no_kk="3201019999990009", ibu="Siti Aminah", desa=None
    )  # no village: the family card is the only way in
    assert (row["status_padan"], row["nik_kandidat"], row["metode_padan"]) == (
        "TIDAK_PADAN",
        "3201010203150004",
        "KK_KELUARGA",
    ), row
    assert "PERLU_VERIFIKASI" in row["alasan_padan"] and row["skor_padan"] > 0.9


def test_one_edit_variants_keep_the_district_and_are_linear():
    u = pl.DataFrame({"_row": [0, 1], "nik_usulan": ["3201011505800001", "9471015505990009"]}).with_columns(
        pl.col("_row").cast(pl.UInt32)
    )
    v = blocking.nik_one_edit_variants(u)
    assert v.group_by("_row").len()["len"].max() <= 99
    assert v.filter(pl.col("_row") == 0)["_variant"].str.slice(0, 6).unique().to_list() == ["320101"]
    assert "3201011505800010" in v["_variant"].to_list()  # transposition of the last two digits


def test_two_rows_of_different_people_cannot_both_claim_one_person():
    usulan = pl.DataFrame(
        {
            "_row": [0, 1],
            "nik_usulan": ["3201011505800001", "3201011505800002"],
            "nik_rusak_excel": [False, False],
            "nama_usulan": ["Budi Santoso", "Budi Santosa"],
            "tgl_lahir": [D(1980, 5, 15), D(1980, 5, 15)],
            "jk": ["L", "L"],
            "no_kk_usulan": ["3201010101150001"] * 2,
            "nama_ibu_kandung": [None, None],
            "kode_wilayah_usulan": ["3201011001"] * 2,
        },
        schema_overrides={"nama_ibu_kandung": pl.String},
    ).with_columns(pl.col("_row").cast(pl.UInt32))
    fetch = lambda keys: blocking.fetch_candidates(DUKCAPIL.lazy(), keys).collect()  # noqa: E731
    decided, _, _ = linkage_run.linked(usulan, fetch, load_matching_model().model)
    claims = decided.filter(pl.col("nik_padan") == "3201011505800001")
    assert claims.height == 1 and claims["_row"][0] == 0
    assert "PERLU_VERIFIKASI" in decided.filter(pl.col("_row") == 1)["alasan_padan"][0].to_list()


def test_a_sibling_with_the_same_name_is_not_taken_for_the_person():
    """Two sisters of one family card both named MARIA ALUA; the row carries the elder's NIK but the
    younger's birth date: not padan to the elder; the evidence is ambiguous, so it goes to review."""
    dk = pl.DataFrame(
        {
            "NIK": ["9202035609050001", "9202034708080001"],
            "NO_KK": ["9202030209230001"] * 2,
            "NAMA_LGKP": ["MARIA ALUA", "MARIA ALUA"],
            "TGL_LHR": [D(2005, 9, 16), D(2008, 8, 7)],
            "JENIS_KLMIN": ["PEREMPUAN"] * 2,
            "NAMA_LGKP_IBU": ["YOSINA", "YOSINA"],
            "NO_PROP": ["92"] * 2,
            "NO_KAB": ["02"] * 2,
            "NO_KEC": ["03"] * 2,
            "NO_KEL": ["2001"] * 2,
        }
    )
    usulan = pl.DataFrame(
        {
            "_row": [0],
            "nik_usulan": ["9202034708080001"],
            "nik_rusak_excel": [False],
            "nama_usulan": ["Maria Alua"],
            "tgl_lahir": [D(2005, 9, 16)],
            "jk": ["P"],
            "no_kk_usulan": ["9202030209230001"],
            "nama_ibu_kandung": ["Yosina"],
            "kode_wilayah_usulan": ["9202032001"],
        }
    ).with_columns(pl.col("_row").cast(pl.UInt32))
    fetch = lambda keys: blocking.fetch_candidates(dk.lazy(), keys).collect()  # noqa: E731
    decided, _, _ = linkage_run.linked(usulan, fetch, load_matching_model().model)
    row = decided.row(0, named=True)
    assert row["nik_padan"] in (None, "9202035609050001"), row


def test_two_rows_of_one_person_with_the_name_abbreviated_in_one_both_keep_the_claim():
    """A HAPUS and a PERBAIKAN of one person in one period, one writing BUDI S.: the same person, so both
    rows keep the match and the register holds them as conflicting, instead of one going to review."""
    usulan = pl.DataFrame(
        {
            "_row": [0, 1],
            "nik_usulan": ["3201011505800001"] * 2,
            "nik_rusak_excel": [False, False],
            "nama_usulan": ["Budi Santoso", "Budi S."],
            "tgl_lahir": [D(1980, 5, 15)] * 2,
            "jk": ["L", "L"],
            "no_kk_usulan": ["3201010101150001"] * 2,
            "nama_ibu_kandung": [None, None],
            "kode_wilayah_usulan": ["3201011001"] * 2,
        },
        schema_overrides={"nama_ibu_kandung": pl.String},
    ).with_columns(pl.col("_row").cast(pl.UInt32))
    fetch = lambda keys: blocking.fetch_candidates(DUKCAPIL.lazy(), keys).collect()  # noqa: E731
    decided, _, _ = linkage_run.linked(usulan, fetch, load_matching_model().model)
    assert decided.sort("_row")["nik_padan"].to_list() == ["3201011505800001"] * 2


@pytest.mark.parametrize(
    "proposed, registered, sex, pattern",
    [
        ("UJANG", "DEDE SUPRIATNA", "L", "PANGGILAN_UMUM"),
        ("NENG", "SITI NURHAYATI", "P", "PANGGILAN_UMUM"),
        ("NENG", "DEDE SUPRIATNA", "L", None),  # a girl's call name for a man: no
        ("RIZKI", "M RIZKI", "L", "PANGGILAN_SETELAH_AWALAN"),  # MUHAMMAD RIZKI (key M RIZKI)
        ("AMINAH", "SITI AMINAH", "P", "PANGGILAN_SETELAH_AWALAN"),
        ("SUDARSANA", "I WAYAN SUDARSANA", "L", "PANGGILAN_BALI"),
        ("ARYANI", "NI LUH PUTU ARYANI", "P", "PANGGILAN_BALI"),
        ("TRISNO", "SUTRISNO", "L", "PANGGILAN_TANPA_AWALAN_KATA"),
        ("WARNI", "SUWARNI", "P", "PANGGILAN_TANPA_AWALAN_KATA"),
        ("BUDI", "BUDI SANTOSO", "L", "PANGGILAN_KATA_PERTAMA"),
        ("SANTOSO", "BUDI SANTOSO", "L", None),  # the last word alone is not a call name
        ("BUDI SANTOSO", "BUDI SANTOSO", "L", None),
    ],
)
def test_call_name_patterns(proposed, registered, sex, pattern):
    from transforms.callnames import call_name_pattern

    assert call_name_pattern(proposed, registered, sex, load_matching_model().model.call_names) == pattern


CALLED = pl.DataFrame(
    {
        "NIK": ["5103011203900001", "3273010101900001", "3273014101920002"],
        "NO_KK": ["5103010101150001", "3273010101150009", "3273010101150009"],
        "NAMA_LGKP": ["I WAYAN SUDARSANA", "MUHAMMAD RIZKI", "SITI AMINAH"],
        "TGL_LHR": [D(1990, 3, 12), D(1990, 1, 1), D(1992, 1, 1)],
        "JENIS_KLMIN": ["LAKI-LAKI", "LAKI-LAKI", "PEREMPUAN"],
        "NAMA_LGKP_IBU": ["NI MADE SARI", "ROHAYATI", "ROHAYATI"],
        "NO_PROP": ["51", "32", "32"],
        "NO_KAB": ["03", "73", "73"],
        "NO_KEC": ["01"] * 3,
        "NO_KEL": ["2001", "1001", "1001"],
    }
)


def decide_called(nik, nama, tgl, jk, no_kk, ibu=None):
    usulan = pl.DataFrame(
        {
            "_row": [0],
            "nik_usulan": [nik],
            "nik_rusak_excel": [False],
            "nama_usulan": [nama],
            "tgl_lahir": [tgl],
            "jk": [jk],
            "no_kk_usulan": [no_kk],
            "nama_ibu_kandung": [ibu],
            "kode_wilayah_usulan": [None],
        },
        schema_overrides={"nama_ibu_kandung": pl.String, "kode_wilayah_usulan": pl.String},
    ).with_columns(pl.col("_row").cast(pl.UInt32))
    fetch = lambda keys: blocking.fetch_candidates(CALLED.lazy(), keys).collect()  # noqa: E731
    decided, _, _ = linkage_run.linked(usulan, fetch, load_matching_model().model)
    return decided.row(0, named=True)


@pytest.mark.parametrize(
    "desc, nik, nama, tgl, jk, no_kk, status",
    [
        (
            "Balinese name without its birth-order name",
            "5103011203900001",
            "Sudarsana",
            D(1990, 3, 12),
            "L",
            "5103010101150001",
            "PADAN",
        ),
        ("the word after Muhammad", "3273010101900001", "Rizki", D(1990, 1, 1), "L", "3273010101150009", "PADAN"),
        ("the word after Siti", "3273014101920002", "Aminah", D(1992, 1, 1), "P", "3273010101150009", "PADAN"),
        (
            "a call name on someone else's family card: not accepted",
            "3273014101920002",
            "Aminah",
            D(1992, 1, 1),
            "P",
            "3273010101159999",
            "TIDAK_PADAN",
        ),
        (
            "a call name with another birth date: not accepted",
            "5103011203900001",
            "Sudarsana",
            D(1991, 3, 12),
            "L",
            "5103010101150001",
            "TIDAK_PADAN",
        ),
    ],
)
def test_call_names_with_the_submitted_nik(desc, nik, nama, tgl, jk, no_kk, status):
    assert decide_called(nik, nama, tgl, jk, no_kk)["status_padan"] == status, desc


# Look-alikes (issue 14): twins of one card, one birth date and one mother, NIKs one serial apart;
# namesakes born the same day in one district (the NIK's first 12 digits shared), other families.
LOOKALIKES = pl.DataFrame(
    {
        "NIK": ["3578011206100001", "3578011206100002", "3578015206100003", "3578014708850001", "3578014708850002"],
        "NO_KK": ["3578010101100005", "3578010101100005", "3578010101100005", "3578010505050001", "3578010909090002"],
        "NAMA_LGKP": ["AHMAD FAUZAN", "AHMAD FAUZI", "AISYAH FAUZIAH", "SITI AMINAH", "SITI AMINAH"],
        "TGL_LHR": [D(2010, 6, 12)] * 3 + [D(1985, 8, 7)] * 2,
        "JENIS_KLMIN": ["LAKI-LAKI", "LAKI-LAKI", "PEREMPUAN", "PEREMPUAN", "PEREMPUAN"],
        "NAMA_LGKP_IBU": ["SITI ROMLAH"] * 3 + ["RATNA SARI", "KASIYEM"],
        "NO_PROP": ["35"] * 5,
        "NO_KAB": ["78"] * 5,
        "NO_KEC": ["01"] * 5,
        "NO_KEL": ["1001", "1001", "1001", "1001", "1005"],
    }
)


def decide_rows(rows: list[dict], dukcapil: pl.DataFrame = LOOKALIKES, model=None) -> pl.DataFrame:
    base = {"nik_rusak_excel": False, "nama_ibu_kandung": None, "no_kk_usulan": None, "kode_wilayah_usulan": None}
    usulan = pl.DataFrame(
        [{"_row": i, **base, **r} for i, r in enumerate(rows)],
        schema_overrides={
            "nama_ibu_kandung": pl.String,
            "no_kk_usulan": pl.String,
            "kode_wilayah_usulan": pl.String,
            "tgl_lahir": pl.Date,
        },
    ).with_columns(pl.col("_row").cast(pl.UInt32))
    fetch = lambda keys: blocking.fetch_candidates(dukcapil.lazy(), keys).collect()  # noqa: E731
    decided, _, _ = linkage_run.linked(usulan, fetch, model or load_matching_model().model)
    return decided.sort("_row")


TWIN = {
    "tgl_lahir": D(2010, 6, 12),
    "jk": "L",
    "no_kk_usulan": "3578010101100005",
    "nama_ibu_kandung": "Siti Romlah",
    "kode_wilayah_usulan": "3578011001",
}


@pytest.mark.parametrize(
    "desc, nik, nama, status, nik_padan, code",
    [
        ("twin's own NIK", "3578011206100001", "Ahmad Fauzan", "PADAN", "3578011206100001", None),
        (
            "the other twin's NIK typed (one serial digit): the name decides",
            "3578011206100002",
            "Ahmad Fauzan",
            "PADAN_KOREKSI",
            "3578011206100001",
            "NIK_MILIK_KEMBARAN",
        ),
        (
            "a typo two serial digits away, the card holds the named twin",
            "3578011206100021",
            "Ahmad Fauzi",
            "PADAN_KOREKSI",
            "3578011206100002",
            None,
        ),
        (
            "the sister's NIK (other sex digits) for a brother: the name decides",
            "3578015206100003",
            "Ahmad Fauzi",
            "PADAN_KOREKSI",
            "3578011206100002",
            None,
        ),
        (
            "a name that is neither twin's, the other twin's NIK: not padan to either",
            "3578011206100002",
            "Ahmad Fauzam",
            "TIDAK_PADAN",
            None,
            "PERLU_VERIFIKASI",
        ),
    ],
)
def test_twins_are_told_apart_by_the_name_not_the_nik_digits(desc, nik, nama, status, nik_padan, code):
    row = decide_rows([{**TWIN, "nik_usulan": nik, "nama_usulan": nama}]).row(0, named=True)
    assert (row["status_padan"], row["nik_padan"]) == (status, nik_padan), (desc, row)
    if code:
        assert code in row["alasan_padan"], (desc, row["alasan_padan"])
    if status == "PADAN":  # the row's own NIK: no warning that it belongs to someone else
        assert not {"NIK_MILIK_KEMBARAN", "NIK_MILIK_SENAMA"} & set(row["alasan_padan"]), (desc, row["alasan_padan"])


TWINS_2 = pl.DataFrame(
    {
        "NIK": [
            "3578010807200001",
            "3578010807200002",
            "3578016803260001",
            "3578016803260002",
            "3578014809100001",
            "3578014809100002",
            "3578011311080001",
            "3578011311080002",
            "3578012605240001",
            "3578016605240001",
        ],
        "NO_KK": ["3578010103210001"] * 2
        + ["3578010601260001"] * 2
        + ["3578010801080001"] * 2
        + ["3578011001070001"] * 2
        + ["3578010711105001"] * 2,
        "NAMA_LGKP": [
            "RAKA",
            "RAKA ARIFIN",
            "SITI SALWA",
            "SITI SALMA",
            "NENG",
            "NANG",
            "FAREL",
            "FAREL RAHMAT",
            "ZADRAK SIDABUTAR",
            "ZEDRAK SIDABUTAR",
        ],
        "TGL_LHR": [D(2020, 7, 8)] * 2
        + [D(2026, 3, 28)] * 2
        + [D(2010, 9, 8)] * 2
        + [D(2008, 11, 13)] * 2
        + [D(2024, 5, 26)] * 2,
        "JENIS_KLMIN": ["LAKI-LAKI"] * 2 + ["PEREMPUAN"] * 4 + ["LAKI-LAKI"] * 3 + ["PEREMPUAN"],
        "NAMA_LGKP_IBU": ["DEA"] * 2 + ["ENDAH"] * 2 + ["SRI"] * 2 + ["MUSFIROH"] * 2 + ["MARIANI"] * 2,
        "NO_PROP": ["35"] * 10,
        "NO_KAB": ["78"] * 10,
        "NO_KEC": ["01"] * 10,
        "NO_KEL": ["2005"] * 10,
    }
)


def test_the_accepted_candidate_is_chosen_over_a_higher_weighted_one_that_failed_its_guard():
    """ALEL RAHMAT (FAREL RAHMAT mistyped) with his twin FAREL's NIK and no mother given: the exact NIK
    weighs more, but its name fails the guard; the twin one serial away is the one accepted, and the
    one chosen. With the mother given the exact NIK passes too (all of the family agrees), but its
    name is a different one while the twin's is near: the twin wins the contest on the name."""
    row = {
        "nik_usulan": "3578011311080001",
        "nama_usulan": "Alel Rahmat",
        "no_kk_usulan": "3578011001070001",
        "jk": "L",
        "tgl_lahir": D(2008, 11, 13),
        "nama_ibu_kandung": "Musfiroh",
    }
    model = load_matching_model().model
    strict = model.model_copy(update={"guards": model.guards.model_copy(update={"kin_name_levels": ()})})
    chosen = decide_rows([row], TWINS_2, strict).row(0, named=True)
    assert (chosen["status_padan"], chosen["nik_padan"]) == ("PADAN_KOREKSI", "3578011311080002"), chosen
    assert chosen["alasan_pilihan"] == "SATU_DITERIMA"
    both = decide_rows([row], TWINS_2).row(0, named=True)
    assert (both["status_padan"], both["nik_padan"], both["alasan_pilihan"]) == (
        "PADAN_KOREKSI",
        "3578011311080002",
        "NAMA_MIRIP",
    ), both


def test_a_badly_typed_name_is_accepted_when_nik_date_sex_card_and_mother_agree():
    """KUTME for KATMI (two letters of five): with the submitted NIK, the birth date, the sex, the card
    and the mother all hers; not without the mother, and not on a stranger's card."""
    base = {"nik_usulan": "3201011505800001", "nama_usulan": "Kutme", "tgl_lahir": D(1980, 5, 15), "jk": "L"}
    dk = DUKCAPIL.with_columns(
        NAMA_LGKP=pl.when(pl.col("NIK") == "3201011505800001").then(pl.lit("KATMI")).otherwise(pl.col("NAMA_LGKP"))
    )
    rows = decide_rows(
        [
            {**base, "no_kk_usulan": "3201010101150001", "nama_ibu_kandung": "Sumiati"},
            {**base, "no_kk_usulan": "3201010101150001"},
            {**base, "no_kk_usulan": "3201019999990001", "nama_ibu_kandung": "Sumiati"},
        ],
        dk,
    )
    assert rows["nik_padan"].to_list() == ["3201011505800001", None, None]
    # the same with a twin whose name is as far from the row: no field tells them apart
    twin = DUKCAPIL.filter(pl.col("NIK") == "3201014708850002")  # SITI AMINAH has a same-day sister of her name
    rows = decide_rows(
        [
            {
                "nik_usulan": "3201014708850002",
                "nama_usulan": "Kutme",
                "tgl_lahir": D(1985, 8, 7),
                "jk": "P",
                "no_kk_usulan": "3201010101150001",
                "nama_ibu_kandung": "Ratna",
            }
        ],
        DUKCAPIL.with_columns(
            NAMA_LGKP=pl.when(pl.col("NIK") == "3201014708850002").then(pl.lit("KATMI")).otherwise(pl.col("NAMA_LGKP"))
        ),
    )
    assert twin.height == 1 and rows["nik_padan"].to_list() == [None] and rows["alasan_pilihan"][0] == "RAGU"


def test_a_row_without_a_usable_name_cannot_tell_twins_apart():
    for nama in ("=SUM(A1:A9)", ""):
        row = decide_rows(
            [
                {
                    "nik_usulan": "3578011311080002",
                    "nama_usulan": nama,
                    "no_kk_usulan": "3578011001070001",
                    "jk": "L",
                    "tgl_lahir": D(2008, 11, 13),
                    "nama_ibu_kandung": "Musfiroh",
                }
            ],
            TWINS_2,
        ).row(0, named=True)
        assert (row["status_padan"], row["nik_padan"]) == ("TIDAK_PADAN", None), (nama, row)
        assert "PERLU_VERIFIKASI" in row["alasan_padan"]
    # without look-alikes the card, the birth date and the NIK still suffice
    assert decide_one("3201011505800001", "=SUM(A1:A9)", D(1980, 5, 15), "L")["status_padan"] == "PADAN"


def test_twins_of_the_other_sex_with_swapped_nik_and_an_old_card():
    """The sister's NIK (day + 40) for the brother, on an old family card: the sex disagrees, so the
    later round looks one digit away and finds him; the name decides."""
    row = decide_rows(
        [
            {
                "nik_usulan": "3578016605240001",
                "nama_usulan": "Zadrak Sidabutar",
                "no_kk_usulan": "3578090305068972",
                "jk": "L",
                "tgl_lahir": D(2024, 5, 26),
                "nama_ibu_kandung": "Mariani",
            }
        ],
        TWINS_2,
    ).row(0, named=True)
    assert (row["status_padan"], row["nik_padan"]) == ("PADAN_KOREKSI", "3578012605240001"), row
    assert "NIK_MILIK_KEMBARAN" in row["alasan_padan"]


def test_a_name_that_is_also_a_generic_call_name_still_names_its_twin():
    """NENG is a girl's name here and a Sundanese call name for any girl: it still names NENG, not NANG."""
    row = decide_rows(
        [
            {
                "nik_usulan": "3578014809100002",
                "nama_usulan": "Neng",
                "no_kk_usulan": "3578010801080001",
                "jk": "P",
                "tgl_lahir": D(2010, 9, 8),
                "nama_ibu_kandung": "Sri",
            }
        ],
        TWINS_2,
    ).row(0, named=True)
    assert (row["status_padan"], row["nik_padan"]) == ("PADAN_KOREKSI", "3578014809100001"), row
    assert "NIK_MILIK_KEMBARAN" in row["alasan_padan"]


@pytest.mark.parametrize(
    "desc, nik, nama, kk, jk, tgl",
    [
        (
            "the first word of one twin's name is the other twin's whole name",
            "3578010807200002",
            "Raka",
            "3578010103210001",
            "L",
            D(2020, 7, 8),
        ),
        (
            "an abbreviation both twins' names fit",
            "3578016803260002",
            "Siti S",
            "3578010601260001",
            "P",
            D(2026, 3, 28),
        ),
    ],
)
def test_twins_no_field_separates_go_to_review(desc, nik, nama, kk, jk, tgl):
    row = decide_rows(
        [
            {
                "nik_usulan": nik,
                "nama_usulan": nama,
                "no_kk_usulan": kk,
                "jk": jk,
                "tgl_lahir": tgl,
                "nama_ibu_kandung": "Dea" if jk == "L" else "Endah",
            }
        ],
        TWINS_2,
    ).row(0, named=True)
    assert (row["status_padan"], row["nik_padan"]) == ("TIDAK_PADAN", None), (desc, row)
    assert "PERLU_VERIFIKASI" in row["alasan_padan"], desc
    assert row["nik_kandidat"] in TWINS_2["NIK"].to_list(), desc


def test_twins_nik_swapped_between_their_rows_each_row_gets_its_own_person():
    d = decide_rows(
        [
            {**TWIN, "nik_usulan": "3578011206100002", "nama_usulan": "AHMAD FAUZAN"},
            {**TWIN, "nik_usulan": "3578011206100001", "nama_usulan": "AHMAD FAUZI"},
        ]
    )
    assert d["nik_padan"].to_list() == ["3578011206100001", "3578011206100002"]
    assert d["status_padan"].to_list() == ["PADAN_KOREKSI", "PADAN_KOREKSI"]


NAMESAKE = {"nama_usulan": "SITI AMINAH", "tgl_lahir": D(1985, 8, 7), "jk": "P"}


@pytest.mark.parametrize(
    "desc, nik, kk, ibu, desa, status, nik_padan, code",
    [
        (
            "her own NIK, card and mother",
            "3578014708850002",
            "3578010909090002",
            "Kasiyem",
            "3578011005",
            "PADAN",
            "3578014708850002",
            None,
        ),
        (
            "the namesake's NIK, her own card and mother: the family decides",
            "3578014708850001",
            "3578010909090002",
            "Kasiyem",
            "3578011005",
            "PADAN_KOREKSI",
            "3578014708850002",
            "NIK_MILIK_SENAMA",
        ),
        (
            "the namesake's NIK, her own card, no mother given",
            "3578014708850001",
            "3578010909090002",
            None,
            None,
            "PADAN_KOREKSI",
            "3578014708850002",
            "NIK_MILIK_SENAMA",
        ),
        (
            "the namesake's NIK, her card but the namesake's mother: review",
            "3578014708850001",
            "3578010909090002",
            "Ratna Sari",
            None,
            "TIDAK_PADAN",
            None,
            "PERLU_VERIFIKASI",
        ),
        (
            "only name and date, the NIK typed decides",
            "3578014708850001",
            None,
            None,
            None,
            "PADAN",
            "3578014708850001",
            None,
        ),
    ],
)
def test_namesakes_one_serial_apart_are_told_apart_by_the_family(desc, nik, kk, ibu, desa, status, nik_padan, code):
    row = decide_rows(
        [{**NAMESAKE, "nik_usulan": nik, "no_kk_usulan": kk, "nama_ibu_kandung": ibu, "kode_wilayah_usulan": desa}]
    ).row(0, named=True)
    assert (row["status_padan"], row["nik_padan"]) == (status, nik_padan), (desc, row)
    if code:
        assert code in row["alasan_padan"], (desc, row["alasan_padan"])
    if status == "PADAN":
        assert not {"NIK_MILIK_KEMBARAN", "NIK_MILIK_SENAMA"} & set(row["alasan_padan"]), (desc, row["alasan_padan"])


@pytest.mark.parametrize("nama, registered", [("KARMI", "SITI SUKARMI"), ("PRAPTO", "SUPRAPTO SUSANTO")])
def test_a_javanese_word_without_su_alone_is_a_call_name(nama, registered):
    from transforms.callnames import call_name_pattern

    assert (
        call_name_pattern(nama, registered, "P", load_matching_model().model.call_names)
        == "PANGGILAN_TANPA_AWALAN_KATA"
    )


TWINS_3 = pl.DataFrame(
    {
        "NIK": [
            "1118086806130001",
            "1118086806130002",
            "1118084501680001",
            "1202012302070001",
            "1202012302070002",
            "1202013107950001",
        ],
        "NO_KK": ["1118082003160001"] * 3 + ["1202010107010001"] * 2 + ["1202019912120001"],
        "NAMA_LGKP": ["IMELDA", "NURBAITI", "MUSYAROFAH FATIMAH", "MUHAMMAD FAJAR", "MIRZA SYAIFUL", "MIRZA SYAIFUL"],
        "TGL_LHR": [D(2013, 6, 28)] * 2 + [D(1968, 1, 5)] + [D(2007, 2, 23)] * 2 + [D(1995, 7, 31)],
        "JENIS_KLMIN": ["PEREMPUAN"] * 3 + ["LAKI-LAKI"] * 3,
        "NAMA_LGKP_IBU": ["MUSYAROFAH FATIMAH"] * 2 + ["HALIMAH"] + ["CUT MUSLIMAH"] * 2 + ["NURDIN"],
        "NO_PROP": ["11"] * 3 + ["12"] * 3,
        "NO_KAB": ["18"] * 3 + ["02"] * 3,
        "NO_KEC": ["08"] * 3 + ["01"] * 3,
        "NO_KEL": ["2001"] * 3 + ["2003"] * 3,
    }
)


@pytest.mark.parametrize(
    "desc, row, nik_padan, choice",
    [
        (
            "MMELDA for IMELDA with her twin NURBAITI's NIK: the near name wins over the kin-accepted twin",
            {
                "nik_usulan": "1118086806130002",
                "nama_usulan": "Mmelda",
                "tgl_lahir": D(2013, 6, 28),
                "jk": "P",
                "no_kk_usulan": "1118082003160001",
                "nama_ibu_kandung": "Musyarofah Fatimah",
            },
            "1118086806130001",
            "NAMA_MIRIP",
        ),
        (
            "MIRZA SYAIIFUL with his twin MUHAMMAD FAJAR's NIK",
            {
                "nik_usulan": "1202012302070001",
                "nama_usulan": "Mirza Syaiiful",
                "tgl_lahir": D(2007, 2, 23),
                "jk": "L",
                "no_kk_usulan": "1202010107010001",
                "nama_ibu_kandung": "Cut Muslimah",
            },
            "1202012302070002",
            "NAMA_MIRIP",
        ),
        (
            "the same without card and mother: the twin whose NIK was typed is not accepted at all",
            {"nik_usulan": "1202012302070001", "nama_usulan": "Mirza Syaiiful", "tgl_lahir": D(2007, 2, 23), "jk": "L"},
            "1202012302070002",
            "SATU_DITERIMA",
        ),
        (
            "a name near neither twin's full name beside the kin-accepted twin: review",
            {
                "nik_usulan": "1202012302070001",
                "nama_usulan": "Mirza",
                "tgl_lahir": D(2007, 2, 23),
                "jk": "L",
                "no_kk_usulan": "1202010107010001",
                "nama_ibu_kandung": "Cut Muslimah",
            },
            None,
            None,
        ),
    ],
)
def test_a_twin_whose_name_and_nik_were_both_mistyped(desc, row, nik_padan, choice):
    d = decide_rows([row], TWINS_3).row(0, named=True)
    assert d["nik_padan"] == nik_padan, (desc, d)
    if nik_padan:
        assert (d["status_padan"], d["alasan_pilihan"]) == ("PADAN_KOREKSI", choice), (desc, d)
        assert ("NIK_MILIK_KEMBARAN" in d["alasan_padan"]) == (choice == "NAMA_MIRIP"), desc
    else:
        assert d["status_padan"] == "TIDAK_PADAN" and "PERLU_VERIFIKASI" in d["alasan_padan"], (desc, d)


MOVED = pl.DataFrame(
    {  # a household that moved: Dukcapil issued card 7371...0007; the form still has the old one
        "NIK": ["7371021204800001", "7371025507830001", "7371021909100001", "7371022208120001", "7371024404700001"],
        "NO_KK": ["7371020101200007"] * 4 + ["7371020505050005"],
        "NAMA_LGKP": ["ANDI MAPPASESSU", "ST NURHAEDAH", "MUHAMMAD RESKI", "NURUL ANNISA", "HJ BASSE"],
        "TGL_LHR": [D(1980, 4, 12), D(1983, 7, 15), D(2010, 9, 19), D(2012, 8, 22), D(1970, 4, 4)],
        "JENIS_KLMIN": ["LAKI-LAKI", "PEREMPUAN", "LAKI-LAKI", "PEREMPUAN", "PEREMPUAN"],
        "NAMA_LGKP_IBU": ["HJ BASSE", "SITTI", "ST NURHAEDAH", "ST NURHAEDAH", "INDO TANG"],
        "NO_PROP": ["73"] * 5,
        "NO_KAB": ["71"] * 5,
        "NO_KEC": ["02"] * 5,
        "NO_KEL": ["1004"] * 5,
    }
)
OLD_CARD = "7371020303990003"


def test_an_old_family_card_is_read_as_the_card_its_household_was_matched_into():
    """Parents found by their own NIK in card ...0007 while the form has the old card: their son,
    proposed with his sister's NIK, is found in that card and accepted (the card agreeing); with
    the parents' rows alone pointing nowhere (no household matched), the son's row goes to review."""
    parents = [
        {"nik_usulan": "7371021204800001", "nama_usulan": "Andi Mappasessu", "tgl_lahir": D(1980, 4, 12), "jk": "L"},
        {"nik_usulan": "7371025507830001", "nama_usulan": "St Nurhaedah", "tgl_lahir": D(1983, 7, 15), "jk": "P"},
    ]
    son = {
        "nik_usulan": "7371022208120001",
        "nama_usulan": "Muhammad Reski",
        "tgl_lahir": D(2010, 9, 19),
        "jk": "L",
        "nama_ibu_kandung": "St Nurhaedah",
    }
    rows = [{**r, "no_kk_usulan": OLD_CARD} for r in (*parents, son)]
    d = decide_rows(rows, MOVED)
    assert d["status_padan"].to_list() == ["PADAN", "PADAN", "PADAN_KOREKSI"], d
    assert d["nik_padan"].to_list() == ["7371021204800001", "7371025507830001", "7371021909100001"]
    assert "NO_KK_TIDAK_SESUAI_DUKCAPIL" in d["alasan_padan"][2]  # the form's card still needs updating
    alone = decide_rows([{**son, "no_kk_usulan": OLD_CARD}], MOVED).row(0, named=True)
    assert alone["nik_padan"] is None and alone["status_padan"] == "TIDAK_PADAN", alone


def test_a_household_whose_members_point_to_two_cards_says_nothing():
    from transforms.linkage.run import household_cards

    usulan = pl.DataFrame({"_row": [0, 1, 2, 3, 4], "no_kk_usulan": [OLD_CARD, OLD_CARD, OLD_CARD, "X1", "X1"]})
    decided = pl.DataFrame(
        {
            "_row": [0, 1, 2, 3, 4],
            "status_padan": ["PADAN", "PADAN", "TIDAK_PADAN", "PADAN", "PADAN_KOREKSI"],
            "no_kk_dukcapil": ["7371020101200007", "7371020505050005", None, "7371020101200007", "7371020505050005"],
        }
    )
    # OLD_CARD: two Dukcapil cards among its members; X1: one member found by its own NIK, one corrected
    assert household_cards(usulan, decided).sort("_row").rows() == [(3, "7371020101200007"), (4, "7371020101200007")]


@pytest.mark.parametrize(
    "desc, nama, kk, nik_padan",
    [
        (
            "no birth date, NIK one digit off, her name and her card",
            "Nurul Annisa",
            "7371020101200007",
            "7371022208120001",
        ),
        ("the same without the card: nothing carries the birth date", "Nurul Annisa", None, None),
        ("the card, but only the first word of the name", "Nurul", "7371020101200007", None),
        ("another card", "Nurul Annisa", "7371020505050005", None),
    ],
)
def test_a_row_without_a_birth_date_needs_the_card_for_a_corrected_nik(desc, nama, kk, nik_padan):
    row = decide_rows(
        [{"nik_usulan": "7371022208120007", "nama_usulan": nama, "tgl_lahir": None, "jk": "P", "no_kk_usulan": kk}],
        MOVED,
    ).row(0, named=True)
    assert row["nik_padan"] == nik_padan, (desc, row)
    assert row["status_padan"] == ("PADAN_KOREKSI" if nik_padan else "TIDAK_PADAN"), desc


@pytest.mark.parametrize(
    "desc, nama, ibu, nik_padan",
    [
        (
            "his father's NIK, his name one letter off, another village of the subdistrict: the card, the "
            "birth date and the mother say who, whatever the weight of the NIK",
            "Muhammad Reskii",
            "St Nurhaedah",
            "7371021909100001",
        ),
        ("the same without the mother: the weight decides, and it is short", "Muhammad Reskii", None, None),
        (
            "a name that only shares MUHAMMAD: maybe an unregistered twin, so review",
            "Muhammad Rasyid",
            "St Nurhaedah",
            None,
        ),
    ],
)
def test_a_member_of_the_card_born_that_day_of_that_mother(desc, nama, ibu, nik_padan):
    row = decide_rows(
        [
            {
                "nik_usulan": "7371021204800001",
                "nama_usulan": nama,
                "tgl_lahir": D(2010, 9, 19),
                "jk": "L",
                "no_kk_usulan": "7371020101200007",
                "nama_ibu_kandung": ibu,
                "kode_wilayah_usulan": "7371021009",
            }
        ],
        MOVED,
    ).row(0, named=True)
    assert row["nik_padan"] == nik_padan, (desc, row)
    assert row["status_padan"] == ("PADAN_KOREKSI" if nik_padan else "TIDAK_PADAN"), desc
    assert row["skor_padan"] < 0.95, desc  # the rule, not the weight


def test_a_row_alone_on_its_card_is_not_its_own_household_evidence():
    """SITI AMINAH's NIK with her sister's birth date on a card Dukcapil does not know, and no other
    row on that card: the row's own first-round match must not make its typed person's card "the
    household's" and so agree with itself, which would accept the sister born that day (a card
    member of that mother, MIRIP_TINGGI, the date hers) beside her and send the row to review. The
    row is padan to its typed person, the date flagged."""
    dk = pl.DataFrame(
        {
            "NIK": ["3201014101900001", "3201014303920001"],
            "NO_KK": ["3201010101100009"] * 2,
            "NAMA_LGKP": ["SITI AMINAH", "SITI AMINA"],
            "TGL_LHR": [D(1990, 1, 1), D(1992, 3, 3)],
            "JENIS_KLMIN": ["PEREMPUAN"] * 2,
            "NAMA_LGKP_IBU": ["KASIYEM"] * 2,
            "NO_PROP": ["32"] * 2,
            "NO_KAB": ["01"] * 2,
            "NO_KEC": ["01"] * 2,
            "NO_KEL": ["1001"] * 2,
        }
    )
    row = decide_rows(
        [
            {
                "nik_usulan": "3201014101900001",
                "nama_usulan": "Siti Aminah",
                "tgl_lahir": D(1992, 3, 3),
                "jk": "P",
                "no_kk_usulan": "3201019999990001",
                "nama_ibu_kandung": "Kasiyem",
            }
        ],
        dk,
    ).row(0, named=True)
    assert (row["status_padan"], row["nik_padan"], row["alasan_pilihan"]) == (
        "PADAN",
        "3201014101900001",
        "SATU_DITERIMA",
    ), row
    assert "TGL_LAHIR_TIDAK_SESUAI_DUKCAPIL" in row["alasan_padan"], row
