"""Name normalisation and the exact-NIK padan decision, as case tables."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from rules import load_ruleset
from transforms import matching
from transforms.names import nama_key_expr, nama_key_y_expr


def key(name: str) -> str:
    return pl.DataFrame({"n": [name]}).select(nama_key_expr("n"))["n"][0]


@pytest.mark.parametrize("a, b", [
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
])
def test_name_variants_share_a_key(a, b):
    assert key(a) == key(b)


def test_j_y_alternative_key():
    df = pl.DataFrame({"a": ["JUSUF"], "b": ["YUSUF"]}).with_columns(
        ka=nama_key_y_expr(nama_key_expr("a")), kb=nama_key_y_expr(nama_key_expr("b")))
    assert df["ka"][0] == df["kb"][0]


D = dt.date
DUKCAPIL = pl.DataFrame({
    "NIK": ["3201011505800001", "3201014708850002", "3201014708850003"],
    "NO_KK": ["3201010101150001"] * 3,
    "NAMA_LGKP": ["BUDI SANTOSO", "SITI AMINAH", "SITI AMINAH"],
    "TGL_LHR": [D(1980, 5, 15), D(1985, 8, 7), D(1985, 8, 7)],
    "JENIS_KLMIN": ["LAKI-LAKI", "PEREMPUAN", "PEREMPUAN"],
})


@pytest.mark.parametrize("desc, nik, nama, tgl, jk, status, code", [
    ("exact", "3201011505800001", "Budi Santoso", D(1980, 5, 15), "L", "PADAN", None),
    ("old spelling + title", "3201011505800001", "H. Boedi Santoso", D(1980, 5, 15), "L", "PADAN", None),
    ("another person's NIK", "3201011505800001", "Siti Aminah", D(1985, 8, 7), "P", "TIDAK_PADAN", "NAMA_TIDAK_SESUAI"),
    ("name fine, date entirely different", "3201011505800001", "Budi Santoso", D(1999, 1, 2), "L", "TIDAK_PADAN",
     "PERLU_VERIFIKASI"),
    ("unknown NIK", "3201011505809999", "Budi Santoso", D(1980, 5, 15), "L", "TIDAK_PADAN", "NIK_TIDAK_DITEMUKAN"),
    ("excel NIK recovered by prefix, date, sex and name", "3.20101E+15", "Budi Santoso", D(1980, 5, 15), "L",
     "PADAN_KOREKSI", None),
    ("excel NIK with two same-day candidates is not guessed", "3.20101E+15", "Siti Aminah", D(1985, 8, 7), "P",
     "TIDAK_PADAN", "PERLU_VERIFIKASI"),
])
def test_padan_decision(desc, nik, nama, tgl, jk, status, code):
    usulan = pl.DataFrame({
        "_row": [0], "nik_usulan": [nik], "nik_rusak_excel": [nik.startswith("3.")], "nama_usulan": [nama],
        "tgl_lahir": [tgl], "jk": [jk], "no_kk_usulan": ["3201010101150001"],
    }).with_columns(pl.col("_row").cast(pl.UInt32))
    rules = load_ruleset()
    pairs = matching.candidate_pairs(usulan, DUKCAPIL)
    scored = matching.scored_pairs(pairs, usulan, DUKCAPIL, matching=rules.matching)
    out = matching.padan_decisions(usulan, scored)
    assert out["status_padan"][0] == status, desc
    if code:
        assert code in out["alasan_padan"][0].to_list(), desc
    if status != "TIDAK_PADAN":
        assert out["nik_padan"][0] is not None and 0 < out["skor_padan"][0] <= 1


def test_day_month_swap_is_accepted():
    usulan = pl.DataFrame({"_row": [0], "nik_usulan": ["3201014708850002"], "nik_rusak_excel": [False],
                           "nama_usulan": ["Siti Aminah"], "tgl_lahir": [D(1985, 7, 8)], "jk": ["P"],
                           "no_kk_usulan": ["3201010101150001"]}).with_columns(pl.col("_row").cast(pl.UInt32))
    scored = matching.scored_pairs(matching.candidate_pairs(usulan, DUKCAPIL), usulan, DUKCAPIL,
                                   matching=load_ruleset().matching)
    assert scored["bukti_tgl_lahir"][0] == "TERTUKAR"
    assert matching.padan_decisions(usulan, scored)["status_padan"][0] == "PADAN"


def test_excel_nik_without_any_candidate_is_refused():
    usulan = pl.DataFrame({"_row": [0], "nik_usulan": ["9.10611E+15"], "nik_rusak_excel": [True],
                           "nama_usulan": ["Rukayah"], "tgl_lahir": [D(2000, 5, 7)], "jk": ["P"],
                           "no_kk_usulan": ["3603310705000001"]}).with_columns(pl.col("_row").cast(pl.UInt32))
    scored = matching.scored_pairs(matching.candidate_pairs(usulan, DUKCAPIL), usulan, DUKCAPIL,
                                   matching=load_ruleset().matching)
    out = matching.padan_decisions(usulan, scored)
    assert out["status_padan"][0] == "TIDAK_PADAN"
    assert "NIK_TIDAK_DAPAT_DIPULIHKAN" in out["alasan_padan"][0].to_list()
