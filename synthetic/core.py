"""Synthetic data for a Padan data root: population, reference extracts, feedback and usulan.

Pure generation: every function takes a seeded ``numpy.random.Generator`` and sizes and returns a
polars DataFrame. Nothing here opens a file, reads the clock or the environment; the writer is
``flows.generate``. Everything is vectorised (numpy / polars): loops run over a handful of
categories (cultures, patterns, provinces, noise kinds), never over persons or households.

The frames follow the data contracts (``shared/spec/contracts.md``):

* :func:`population` - the Dukcapil extract (contract columns) plus helper columns
  (``hh_id``, ``pos``, ``kode_wilayah``, ``culture``, ``fam``, ``nik_grp_n``); the writer keeps
  only :data:`DUKCAPIL_COLUMNS`.
* :func:`dtsen`, :func:`sdm_kesos`, :func:`gis`, :func:`burekol`, :func:`salur` - reference and
  feedback files, already in their contract columns.
* :func:`usulan` - the proposal rows of this period with their noise, file assignment and truth.
* :func:`usulan_dialects` - the per-file CSV dialect (delimiter, encoding, BOM, line ends ...).

Examples
--------
>>> import numpy as np
>>> rng = np.random.default_rng(7)
>>> pop = population(rng, 500, periode="2026-01")
>>> pop.height, pop["NIK"].str.len_chars().unique().to_list()
(500, [16])
>>> rows = usulan(rng, pop, 120, periode="2026-01")
>>> rows.height
120
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

import numpy as np
import polars as pl

import schemas
from synthetic import names as N
from transforms import wilayah

__all__ = [
    "DEFAULT_NOISE_RATES",
    "DUKCAPIL_COLUMNS",
    "NOISE_GROUPS",
    "NOISE_MIXES",
    "POPULATION_MIXES",
    "USULAN_COLUMNS",
    "burekol",
    "dtsen",
    "gis",
    "periode_start",
    "population",
    "salur",
    "sdm_kesos",
    "usulan",
    "usulan_dialects",
]

# the contract column lists, from the contracts (``schemas``): the generator writes what a run reads
DUKCAPIL_COLUMNS = tuple(schemas.DUKCAPIL_COLUMNS)
USULAN_COLUMNS = tuple(schemas.USULAN_COLUMNS)

# ------------------------------------------------------------------------------------------------
# Noise kinds. The order of this dict is the order of kinds in the truth file's ``noise`` column.
# Rates are per usulan data row. Kinds in one group exclude each other on a row.
# ------------------------------------------------------------------------------------------------
DEFAULT_NOISE_RATES: dict[str, float] = {
    # identity of the NIK (at most one per row)
    "nik_typo": 0.015,  # one digit substituted
    "nik_transpose": 0.010,  # two adjacent (different) digits swapped
    "nik_other_member": 0.006,  # the NIK of another member of the same household
    "nik_is_kk": 0.004,  # the No KK typed into the NIK column
    "nik_fabricated": 0.004,  # real person, NIK not in Dukcapil: same region+birth digits, new serial
    "ghost": 0.004,  # a person not in Dukcapil at all (new name/birth date, fabricated NIK)
    "nik_excel_sci": 0.008,  # Excel scientific notation 3.20101E+15 (digits lost for good)
    "nik_excel_zero16": 0.004,  # Excel kept 15 digits: the 16th became 0
    # written form of NIK / No KK (the digits are intact)
    "nik_apostrophe": 0.008,  # '3201...
    "nik_spaces": 0.008,  # surrounding spaces
    "nik_quoted": 0.004,  # literal double quotes around the value
    "nik_dot0": 0.005,  # trailing .0
    "kk_format": 0.008,  # No KK with apostrophe, spaces or .0
    # name variants (at most one per row)
    "name_spelling": 0.012,  # old/new spelling swap: oe/u dj/j tj/c j/y sj/sy ch/kh
    "name_muhammad": 0.004,  # Muhammad/Muhamad/Mohammad/Moh./M. ...
    "name_title": 0.006,  # H./Hj./Drs./Ir. before, S.Pd./S.E. ... after
    "name_bin": 0.004,  # + BIN/BINTI father's name
    "name_case": 0.008,  # lower case or Title Case
    "name_spaces": 0.006,  # doubled / leading / trailing spaces
    "name_typo": 0.012,  # one character substituted, dropped or doubled
    "name_abbrev": 0.005,  # middle (or last) word abbreviated to its initial
    "name_reorder": 0.004,  # first word moved to the end, or last to the front
    "name_chinese_form": 0.001,  # Indonesianised family name written as the clan name (SALIM -> LIEM)
    # birth date (at most one per row)
    "date_swap": 0.006,  # day and month swapped (only where both are <= 12 and differ)
    "date_excel_serial": 0.008,  # days since 1899-12-30
    "date_format_mixed": 0.010,  # another valid format than the rest of the file
    # other written forms
    "sex_style_mixed": 0.010,  # L/P in a LAKI-LAKI/PEREMPUAN file or the reverse
    "wilayah_style_mixed": 0.010,  # dotted code in an undotted file or the reverse
    # alamat (at most one per row); one alamat_nonascii row is forced into every file
    "alamat_comma": 0.010,
    "alamat_quote": 0.004,
    "alamat_newline": 0.004,  # a line break inside the (quoted) field
    "alamat_nonascii": 0.003,  # – ’ É: characters that differ between UTF-8 and Windows-1252
    # rows a careful operator must reject (expect_valid = False; at most one per row)
    "invalid_empty_nama": 0.002,
    "invalid_date": 0.002,
    "invalid_jenis_usulan": 0.002,
    "invalid_wilayah": 0.002,  # a village code that does not exist
    "invalid_formula": 0.0015,  # =HYPERLINK(...) and friends, in nama or alamat
    "invalid_missing_alasan": 0.001,  # HAPUS/SANGGAH without alasan (only those rows)
    # a NIK that lands on a real look-alike person (at most one per row; the row's own NIK digits
    # are replaced, so the "nik" kinds above do not apply to it). Rates are of all rows; a kind is
    # drawn only where its look-alike exists.
    "nik_typo_twin": 0.003,  # one serial digit mistyped: exactly the (same-sex) twin's NIK
    "nik_swap_twin": 0.002,  # both twins' rows in the file carry each other's NIK (counted per row)
    "nik_typo_namesake": 0.003,  # one serial digit mistyped: exactly a namesake's NIK (same name, birth date,
    # sex; another KK, mother, village and address)
    "nik_typo_family": 0.001,  # one digit mistyped or two swapped: exactly another member of the family card
    # (only ~0.1-0.2% of rows have such a relative: this caps the kind's rate)
    # nama panggilan instead of the registered name; NIK, birth date, sex, KK and mother stay right
    "call_name_sunda": 0.002,  # UJANG / ASEP for boys, NENG / EUIS for girls (Sundanese), alone or before a name
    "call_name_after_muhammad": 0.004,  # the word after MUHAMMAD / SITI / NUR / AHMAD alone (MUHAMMAD RIZKI -> RIZKI)
    "call_name_bali": 0.001,  # without I / NI and the birth-order name (I WAYAN SUDARSANA -> SUDARSANA)
    "call_name_su": 0.002,  # SU- dropped from a Javanese name (SUTRISNO -> TRISNO)
    "call_name_first_word": 0.004,  # only the first word of a multi-word name
    # the family moved (whole households; at most one per household)
    "relocated": 0.004,  # the usulan has the new village and address, Dukcapil still the old ones
    "relocated_old_form": 0.003,  # Dukcapil has the new village, address and No KK; the usulan an old form's
}

NOISE_GROUPS: dict[str, tuple[str, ...]] = {
    "nik": (
        "nik_typo",
        "nik_transpose",
        "nik_other_member",
        "nik_is_kk",
        "nik_fabricated",
        "ghost",
        "nik_excel_sci",
        "nik_excel_zero16",
    ),
    "nik_form": ("nik_apostrophe", "nik_spaces", "nik_quoted", "nik_dot0"),
    "kk_form": ("kk_format",),
    "name": (
        "name_spelling",
        "name_muhammad",
        "name_title",
        "name_bin",
        "name_case",
        "name_spaces",
        "name_typo",
        "name_abbrev",
        "name_reorder",
        "name_chinese_form",
    ),
    "date": ("date_swap", "date_excel_serial", "date_format_mixed"),
    "sex": ("sex_style_mixed",),
    "wilayah": ("wilayah_style_mixed",),
    "alamat": ("alamat_comma", "alamat_quote", "alamat_newline", "alamat_nonascii"),
    "invalid": (
        "invalid_empty_nama",
        "invalid_date",
        "invalid_jenis_usulan",
        "invalid_wilayah",
        "invalid_formula",
        "invalid_missing_alasan",
    ),
    # how the groups below combine with the others: a look-alike NIK replaces the NIK, so it clears
    # the "nik" kinds of its row; a call name comes with a right NIK and birth date, so it clears
    # the "nik" kinds and date_swap, gives way to a look-alike NIK and to an invalid nama, and
    # excludes the name kinds that need the registered words (muhammad, bin, abbrev, reorder,
    # chinese_form) while spelling, title, case, spaces and typo still apply on top of it.
    "nik_lookalike": ("nik_typo_twin", "nik_swap_twin", "nik_typo_namesake", "nik_typo_family"),
    "call_name": (
        "call_name_sunda",
        "call_name_after_muhammad",
        "call_name_bali",
        "call_name_su",
        "call_name_first_word",
    ),
    "relocation": ("relocated", "relocated_old_form"),
}
INVALID_KINDS = NOISE_GROUPS["invalid"]
_CALL_NAME_EXCLUDES = ("name_muhammad", "name_bin", "name_abbrev", "name_reorder", "name_chinese_form")

# Named noise mixes. "dev" is the development mix (DEFAULT_NOISE_RATES). "held_out" has other rates
# of the old and the new kinds (more typing damage, more twins' and namesakes' NIKs, more call
# names and moves) and, with POPULATION_MIXES["held_out"], more twins and namesakes in the
# population: it exists to measure the matching once, on data it was never tuned on. Never use it
# to choose thresholds, weights or rules, and never train on it.
NOISE_MIXES: dict[str, dict[str, float]] = {
    "dev": DEFAULT_NOISE_RATES,
    "held_out": DEFAULT_NOISE_RATES
    | {
        "nik_typo": 0.030,
        "nik_transpose": 0.020,
        "nik_other_member": 0.010,
        "nik_excel_sci": 0.012,
        "nik_fabricated": 0.006,
        "ghost": 0.006,
        "name_spelling": 0.020,
        "name_muhammad": 0.008,
        "name_title": 0.010,
        "name_typo": 0.025,
        "name_abbrev": 0.008,
        "name_reorder": 0.006,
        "date_swap": 0.010,
        "date_excel_serial": 0.012,
        "nik_typo_twin": 0.006,
        "nik_swap_twin": 0.004,
        "nik_typo_namesake": 0.008,
        "nik_typo_family": 0.002,
        "call_name_sunda": 0.004,
        "call_name_after_muhammad": 0.008,
        "call_name_bali": 0.002,
        "call_name_su": 0.004,
        "call_name_first_word": 0.008,
        "relocated": 0.008,
        "relocated_old_form": 0.006,
    },
}

# ------------------------------------------------------------------------------------------------
# Vocabularies
# ------------------------------------------------------------------------------------------------
ROLES = ("KEPALA KELUARGA", "ISTRI", "SUAMI", "ANAK", "CUCU", "ORANG TUA", "MERTUA", "FAMILI LAIN")
KK, ISTRI, SUAMI, ANAK, CUCU, ORANG_TUA, MERTUA, FAMILI = range(8)

PEKERJAAN = (
    "BELUM/TIDAK BEKERJA",
    "PELAJAR/MAHASISWA",
    "MENGURUS RUMAH TANGGA",
    "PETANI/PEKEBUN",
    "BURUH HARIAN LEPAS",
    "WIRASWASTA",
    "KARYAWAN SWASTA",
    "PEDAGANG",
    "NELAYAN/PERIKANAN",
    "BURUH TANI/PERKEBUNAN",
    "SOPIR",
    "TUKANG BATU",
    "GURU",
    "PENSIUNAN",
    "PEGAWAI NEGERI SIPIL",
    "TENTARA NASIONAL INDONESIA",
    "KEPOLISIAN RI",
)
_PK = {name: i for i, name in enumerate(PEKERJAAN)}
# working-age mix (PNS / TNI / POLRI are drawn separately, ~1.5% of 20-57 year olds)
_KERJA_DEWASA = {
    "PETANI/PEKEBUN": 0.22,
    "BURUH HARIAN LEPAS": 0.18,
    "WIRASWASTA": 0.16,
    "KARYAWAN SWASTA": 0.13,
    "PEDAGANG": 0.08,
    "BURUH TANI/PERKEBUNAN": 0.06,
    "NELAYAN/PERIKANAN": 0.04,
    "SOPIR": 0.02,
    "TUKANG BATU": 0.02,
    "GURU": 0.02,
    "BELUM/TIDAK BEKERJA": 0.07,
}
_KERJA_LANSIA = {
    "BELUM/TIDAK BEKERJA": 0.35,
    "PETANI/PEKEBUN": 0.25,
    "PENSIUNAN": 0.10,
    "WIRASWASTA": 0.10,
    "PEDAGANG": 0.08,
    "BURUH TANI/PERKEBUNAN": 0.07,
    "BURUH HARIAN LEPAS": 0.05,
}

JENIS_USULAN = ("BARU", "PERBAIKAN", "HAPUS", "SANGGAH")
_JENIS_P = (0.85, 0.06, 0.05, 0.04)
_ALASAN_HAPUS = ("PINDAH", "PINDAH DOMISILI", "MAMPU", "TIDAK DITEMUKAN", "DATA GANDA")
_ALASAN_SANGGAH = (
    "MAMPU",
    "PNS",
    "RUMAH MEWAH",
    "MEMILIKI KENDARAAN RODA 4",
    "BUKAN WARGA SETEMPAT",
    "TIDAK LAYAK MENERIMA",
    "SUDAH PINDAH",
)
_ALASAN_PERBAIKAN = ("PERBAIKAN NAMA", "PERBAIKAN TANGGAL LAHIR", "PERBAIKAN ALAMAT", "PERBAIKAN NIK", "")

# Coarse island bounding boxes (lat_min, lat_max, lon_min, lon_max) by the first digit of the
# province code (1 Sumatra, 2 Riau Islands, 3 Java, 5 Bali/Nusa Tenggara, 6 Kalimantan,
# 7 Sulawesi, 8 Maluku, 9 Papua). Only used to make GIS coordinates plausible.
_PULAU_BBOX = {
    "1": (-5.9, 5.6, 95.2, 106.0),
    "2": (-1.0, 4.5, 103.3, 108.8),
    "3": (-8.6, -6.0, 105.2, 114.5),
    "5": (-10.8, -8.1, 114.5, 125.0),
    "6": (-4.0, 4.3, 108.9, 118.9),
    "7": (-5.9, 1.9, 119.0, 125.3),
    "8": (-8.3, 2.6, 124.3, 134.9),
    "9": (-9.0, -0.3, 130.9, 141.0),
}

_YEAR = 365.2425
_EXCEL_EPOCH = (dt.date(1899, 12, 30) - dt.date(1970, 1, 1)).days  # -25569

# ------------------------------------------------------------------------------------------------
# Cultures and name patterns
# ------------------------------------------------------------------------------------------------
CULTURES = (
    "jawa",
    "sunda",
    "islam",
    "batak",
    "minang",
    "bugis",
    "bali",
    "aceh",
    "tionghoa",
    "minahasa",
    "maluku",
    "ntt",
    "papua",
    "modern",
    "tionghoa_lama",
)
_C = {name: i for i, name in enumerate(CULTURES)}
# cultures whose names were written in the old spelling before 1972 (and may be re-spelled)
_EJAAN_CULTURES = tuple(_C[c] for c in ("jawa", "sunda", "islam", "minang", "bugis", "aceh", "modern"))
_MUSLIM_CULTURES = tuple(_C[c] for c in ("jawa", "sunda", "islam", "minang", "bugis", "aceh", "modern"))
_FAM_LIST = {
    "batak": "M_BATAK",
    "tionghoa": "M_TH",
    "minahasa": "M_MINAHASA",
    "maluku": "M_MALUKU",
    "ntt": "M_NTT",
    "papua": "M_PAPUA",
}

# culture mix per province (exact code first, then the first digit, then "*")
_CULTURE_MIX: dict[str, dict[str, float]] = {
    "11": {"aceh": 0.72, "islam": 0.13, "jawa": 0.08, "batak": 0.04, "tionghoa": 0.03},
    "12": {"batak": 0.42, "jawa": 0.22, "islam": 0.18, "tionghoa": 0.08, "minang": 0.06, "aceh": 0.04},
    "13": {"minang": 0.82, "islam": 0.08, "jawa": 0.05, "batak": 0.03, "tionghoa": 0.02},
    "31": {"jawa": 0.33, "sunda": 0.2, "islam": 0.2, "tionghoa": 0.1, "batak": 0.07, "minahasa": 0.04, "minang": 0.06},
    "32": {"sunda": 0.72, "islam": 0.13, "jawa": 0.1, "tionghoa": 0.03, "batak": 0.02},
    "36": {"sunda": 0.5, "jawa": 0.2, "islam": 0.2, "tionghoa": 0.06, "batak": 0.04},
    "33": {"jawa": 0.82, "islam": 0.14, "tionghoa": 0.03, "ntt": 0.01},
    "34": {"jawa": 0.82, "islam": 0.12, "tionghoa": 0.03, "ntt": 0.03},
    "35": {"jawa": 0.78, "islam": 0.18, "tionghoa": 0.03, "ntt": 0.01},
    "51": {"bali": 0.86, "jawa": 0.08, "islam": 0.05, "tionghoa": 0.01},
    "52": {"islam": 0.62, "bali": 0.12, "bugis": 0.12, "jawa": 0.12, "tionghoa": 0.02},
    "53": {"ntt": 0.84, "islam": 0.09, "bugis": 0.04, "tionghoa": 0.03},
    "71": {"minahasa": 0.8, "islam": 0.12, "bugis": 0.04, "tionghoa": 0.04},
    "75": {"islam": 0.7, "bugis": 0.2, "minahasa": 0.05, "jawa": 0.05},
    "81": {"maluku": 0.55, "islam": 0.35, "bugis": 0.07, "tionghoa": 0.03},
    "82": {"islam": 0.6, "maluku": 0.3, "bugis": 0.1},
    "1": {"jawa": 0.35, "islam": 0.25, "minang": 0.15, "batak": 0.1, "tionghoa": 0.06, "sunda": 0.05, "bugis": 0.04},
    "2": {"islam": 0.35, "jawa": 0.25, "tionghoa": 0.15, "batak": 0.1, "minang": 0.1, "bugis": 0.05},
    "6": {"islam": 0.35, "jawa": 0.3, "bugis": 0.1, "tionghoa": 0.1, "ntt": 0.1, "batak": 0.05},
    "7": {"bugis": 0.6, "islam": 0.25, "jawa": 0.08, "minahasa": 0.07},
    "9": {"papua": 0.74, "islam": 0.08, "jawa": 0.08, "bugis": 0.05, "maluku": 0.05},
    "*": {"jawa": 0.45, "islam": 0.25, "sunda": 0.1, "bugis": 0.05, "batak": 0.05, "minang": 0.05, "tionghoa": 0.05},
}


def _jawa_komposit(awalan: tuple[str, ...], akhiran: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(a + b for a in awalan for b in akhiran))


_LISTS: dict[str, tuple[str, ...]] = {
    "ISLAM_L": N.ISLAM_LAKI,
    "ISLAM_P": N.ISLAM_PEREMPUAN,
    "ABDUL": ("ABDUL", "ABDUL", "ABD."),
    "ABDUL_X": N.ISLAM_ABDUL,
    "MUH": N.MUHAMMAD_DUKCAPIL,
    "AWALAN_P": N.AWALAN_PEREMPUAN,
    "JAWA_L": N.JAWA_LAKI,
    "JAWA_P": N.JAWA_PEREMPUAN,
    "JAWA_KL": _jawa_komposit(N.JAWA_AWALAN_LAKI, N.JAWA_AKHIRAN_LAKI),
    "JAWA_KP": _jawa_komposit(N.JAWA_AWALAN_PEREMPUAN, N.JAWA_AKHIRAN_PEREMPUAN),
    "SUNDA_L": N.SUNDA_LAKI,
    "SUNDA_P": N.SUNDA_PEREMPUAN,
    "MODERN_L": N.MODERN_LAKI,
    "MODERN_P": N.MODERN_PEREMPUAN,
    "BLK_L": N.BELAKANG_LAKI,
    "BLK_P": N.BELAKANG_PEREMPUAN,
    "BATAK_L": N.BATAK_LAKI,
    "BATAK_P": N.BATAK_PEREMPUAN,
    "BR": ("BR", "BR", "BR."),
    "MINANG_L": N.MINANG_LAKI,
    "MINANG_P": N.MINANG_PEREMPUAN,
    "BUGIS_L": N.BUGIS_LAKI,
    "BUGIS_P": N.BUGIS_PEREMPUAN,
    "ANDI": ("ANDI", "ANDI", "A."),
    "BALI_L": N.BALI_LAKI,
    "BALI_P": N.BALI_PEREMPUAN,
    "ACEH_L": N.ACEH_LAKI,
    "ACEH_P": N.ACEH_PEREMPUAN,
    "TEUKU": ("TEUKU", "T."),
    "CUT": ("CUT",),
    "KRISTEN_L": N.KRISTEN_LAKI,
    "KRISTEN_P": N.KRISTEN_PEREMPUAN,
    "TH_L": N.TIONGHOA_LAKI,
    "TH_P": N.TIONGHOA_PEREMPUAN,
    "SYL": N.TIONGHOA_SUKU_KATA,
    "M_BATAK": N.BATAK_MARGA,
    "M_TH": N.TIONGHOA_MARGA,
    "M_TH_LAMA": N.TIONGHOA_MARGA_LAMA,
    "M_MINAHASA": N.MARGA_MINAHASA,
    "M_MALUKU": N.MARGA_MALUKU,
    "M_NTT": N.MARGA_NTT,
    "M_PAPUA": N.MARGA_PAPUA,
}
for _o in range(4):
    _LISTS[f"BALI_O_L{_o}"] = N.BALI_URUTAN_LAKI[_o]
    _LISTS[f"BALI_O_P{_o}"] = N.BALI_URUTAN_PEREMPUAN[_o]

# one pool of every word; a name is up to 4 indices into it
_POOL_WORDS: list[str] = []
_OFFSET: dict[str, tuple[int, int]] = {}
for _name, _words in _LISTS.items():
    _OFFSET[_name] = (len(_POOL_WORDS), len(_words))
    _POOL_WORDS.extend(_words)
_POOL = pl.Series("word", _POOL_WORDS, dtype=pl.String)

_Pat = tuple[tuple[float, tuple[str, ...]], ...]
_CHRISTIAN_L: _Pat = (
    (50, ("KRISTEN_L", "FAM")),
    (35, ("KRISTEN_L", "KRISTEN_L", "FAM")),
    (15, ("KRISTEN_L", "MODERN_L", "FAM")),
)
_CHRISTIAN_P: _Pat = (
    (50, ("KRISTEN_P", "FAM")),
    (35, ("KRISTEN_P", "KRISTEN_P", "FAM")),
    (15, ("KRISTEN_P", "MODERN_P", "FAM")),
)
_PATTERNS: dict[tuple[str, int], _Pat] = {
    ("jawa", 0): (
        (25, ("JAWA_L",)),
        (15, ("JAWA_KL",)),
        (15, ("JAWA_L", "JAWA_L")),
        (15, ("JAWA_L", "BLK_L")),
        (10, ("ISLAM_L", "JAWA_L")),
        (5, ("MUH", "JAWA_L")),
        (10, ("JAWA_L", "JAWA_L", "BLK_L")),
        (5, ("ISLAM_L", "ISLAM_L")),
    ),
    ("jawa", 1): (
        (28, ("JAWA_P",)),
        (15, ("JAWA_KP",)),
        (20, ("AWALAN_P", "JAWA_P")),
        (15, ("JAWA_P", "BLK_P")),
        (10, ("ISLAM_P", "JAWA_P")),
        (7, ("JAWA_P", "JAWA_P", "BLK_P")),
        (5, ("AWALAN_P", "JAWA_P", "BLK_P")),
    ),
    ("sunda", 0): (
        (30, ("SUNDA_L",)),
        (20, ("SUNDA_L", "SUNDA_L")),
        (20, ("SUNDA_L", "BLK_L")),
        (15, ("ISLAM_L", "SUNDA_L")),
        (5, ("MUH", "SUNDA_L")),
        (10, ("SUNDA_L", "ISLAM_L", "BLK_L")),
    ),
    ("sunda", 1): (
        (35, ("SUNDA_P",)),
        (20, ("SUNDA_P", "SUNDA_P")),
        (15, ("AWALAN_P", "SUNDA_P")),
        (15, ("SUNDA_P", "BLK_P")),
        (15, ("ISLAM_P", "SUNDA_P")),
    ),
    ("islam", 0): (
        (22, ("MUH", "ISLAM_L")),
        (25, ("ISLAM_L", "ISLAM_L")),
        (15, ("ABDUL", "ABDUL_X")),
        (10, ("ISLAM_L",)),
        (10, ("ISLAM_L", "ISLAM_L", "BLK_L")),
        (10, ("MUH", "ISLAM_L", "ISLAM_L")),
        (8, ("ISLAM_L", "BLK_L")),
    ),
    ("islam", 1): (
        (35, ("AWALAN_P", "ISLAM_P")),
        (20, ("ISLAM_P",)),
        (25, ("ISLAM_P", "ISLAM_P")),
        (20, ("ISLAM_P", "BLK_P")),
    ),
    ("batak", 0): (
        (40, ("BATAK_L", "FAM")),
        (20, ("KRISTEN_L", "FAM")),
        (20, ("BATAK_L", "BATAK_L", "FAM")),
        (10, ("ISLAM_L", "FAM")),
        (10, ("KRISTEN_L", "BATAK_L", "FAM")),
    ),
    ("batak", 1): (
        (35, ("BATAK_P", "FAM")),
        (25, ("BATAK_P", "BR", "FAM")),
        (15, ("KRISTEN_P", "FAM")),
        (10, ("KRISTEN_P", "BR", "FAM")),
        (10, ("ISLAM_P", "FAM")),
        (5, ("BATAK_P", "BATAK_P", "FAM")),
    ),
    ("minang", 0): (
        (30, ("MINANG_L",)),
        (20, ("MINANG_L", "MINANG_L")),
        (20, ("ISLAM_L", "MINANG_L")),
        (10, ("MUH", "MINANG_L")),
        (20, ("MINANG_L", "BLK_L")),
    ),
    ("minang", 1): (
        (35, ("MINANG_P",)),
        (20, ("MINANG_P", "MINANG_P")),
        (25, ("AWALAN_P", "MINANG_P")),
        (20, ("ISLAM_P", "MINANG_P")),
    ),
    ("bugis", 0): (
        (25, ("BUGIS_L",)),
        (10, ("ANDI", "BUGIS_L")),
        (20, ("BUGIS_L", "BUGIS_L")),
        (15, ("MUH", "BUGIS_L")),
        (20, ("ISLAM_L", "BUGIS_L")),
        (10, ("ANDI", "ISLAM_L", "BUGIS_L")),
    ),
    ("bugis", 1): (
        (30, ("BUGIS_P",)),
        (10, ("ANDI", "BUGIS_P")),
        (30, ("ISLAM_P", "BUGIS_P")),
        (15, ("AWALAN_P", "BUGIS_P")),
        (15, ("BUGIS_P", "BUGIS_P")),
    ),
    ("bali", 0): ((45, ("ORDER", "BALI_L")), (45, ("ORDER", "BALI_L", "BALI_L")), (10, ("BALI_L", "BALI_L"))),
    ("bali", 1): ((45, ("ORDER", "BALI_P")), (45, ("ORDER", "BALI_P", "BALI_P")), (10, ("BALI_P", "BALI_P"))),
    ("aceh", 0): (
        (30, ("ISLAM_L", "ACEH_L")),
        (20, ("ACEH_L",)),
        (10, ("TEUKU", "ACEH_L")),
        (20, ("MUH", "ACEH_L")),
        (20, ("ACEH_L", "ISLAM_L")),
    ),
    ("aceh", 1): (
        (10, ("CUT", "ACEH_P")),
        (30, ("ACEH_P",)),
        (30, ("AWALAN_P", "ACEH_P")),
        (30, ("ISLAM_P", "ACEH_P")),
    ),
    ("tionghoa", 0): (
        (40, ("TH_L", "FAM")),
        (20, ("TH_L", "TH_L", "FAM")),
        (20, ("KRISTEN_L", "FAM")),
        (10, ("TH_L",)),
        (10, ("JAWA_L", "FAM")),
    ),
    ("tionghoa", 1): (
        (40, ("TH_P", "FAM")),
        (20, ("TH_P", "TH_P", "FAM")),
        (20, ("KRISTEN_P", "FAM")),
        (10, ("TH_P",)),
        (10, ("TH_P", "BLK_P")),
    ),
    ("tionghoa_lama", 0): ((100, ("CLAN", "SYL", "SYL")),),
    ("tionghoa_lama", 1): ((100, ("CLAN", "SYL", "SYL")),),
    ("minahasa", 0): _CHRISTIAN_L,
    ("minahasa", 1): _CHRISTIAN_P,
    ("maluku", 0): _CHRISTIAN_L,
    ("maluku", 1): _CHRISTIAN_P,
    ("ntt", 0): _CHRISTIAN_L,
    ("ntt", 1): _CHRISTIAN_P,
    ("papua", 0): _CHRISTIAN_L,
    ("papua", 1): _CHRISTIAN_P,
    ("modern", 0): (
        (35, ("MODERN_L", "BLK_L")),
        (20, ("MODERN_L", "MODERN_L")),
        (15, ("MUH", "MODERN_L", "BLK_L")),
        (20, ("MODERN_L", "MODERN_L", "BLK_L")),
        (10, ("MODERN_L",)),
    ),
    ("modern", 1): (
        (35, ("MODERN_P", "BLK_P")),
        (20, ("MODERN_P", "MODERN_P")),
        (10, ("AWALAN_P", "MODERN_P")),
        (25, ("MODERN_P", "MODERN_P", "BLK_P")),
        (10, ("MODERN_P",)),
    ),
}

# Indonesianised Chinese family name (pool index) -> clan name (pool index)
_TH_CLAN_OF = np.full(_OFFSET["M_TH"][1], -1, dtype=np.int64)
for _modern, _clan in N.TIONGHOA_BENTUK:
    if _modern in N.TIONGHOA_MARGA and _clan in N.TIONGHOA_MARGA_LAMA:
        _TH_CLAN_OF[N.TIONGHOA_MARGA.index(_modern)] = _OFFSET["M_TH_LAMA"][0] + N.TIONGHOA_MARGA_LAMA.index(_clan)

# which old-spelling rules (indices into EJAAN_LAMA) an old name uses, with their shares
_OLD_PROFILES = ((0.45, (0, 1, 2, 3, 4, 5)), (0.20, (5,)), (0.20, (0, 1, 2, 3, 4)), (0.15, (0, 1, 5)))

_MUHAMMAD_RE = r"(^|\s)(MUHAMMAD|MUHAMAD|MOHAMMAD|MOHAMAD|MOCHAMMAD|MOCHAMAD|MUHAMMED|MUHAMAT|MOCH\.|MOH\.|M\.)(\s|$)"


# ------------------------------------------------------------------------------------------------
# Small helpers
# ------------------------------------------------------------------------------------------------
def periode_start(periode: str) -> dt.date:
    """The first day of ``periode`` (``YYYY-MM``).

    >>> periode_start("2026-01")
    datetime.date(2026, 1, 1)
    """
    m = re.fullmatch(r"(\d{4})-(0[1-9]|1[0-2])", periode)
    if not m:
        raise ValueError(f"periode must be YYYY-MM, got {periode!r}")
    return dt.date(int(m.group(1)), int(m.group(2)), 1)


def _day(d: dt.date) -> int:
    return (d - dt.date(1970, 1, 1)).days


def _ymd(days: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    d = np.asarray(days, dtype=np.int64).astype("datetime64[D]")
    months = d.astype("datetime64[M]")
    y = months.astype("datetime64[Y]").astype(np.int64) + 1970
    m = months.astype(np.int64) % 12 + 1
    dd = (d - months.astype("datetime64[D]")).astype(np.int64) + 1
    return y, m, dd


def _years(x: np.ndarray | float) -> np.ndarray:
    return np.floor(np.asarray(x, dtype=np.float64) * _YEAR).astype(np.int64)


def _choice(rng: np.random.Generator, probs: Mapping[str, float] | tuple[float, ...], n: int) -> np.ndarray:
    p = np.asarray(list(probs.values()) if isinstance(probs, Mapping) else probs, dtype=np.float64)
    return rng.choice(p.size, size=n, p=p / p.sum())


def _skewed(rng: np.random.Generator, n_words: int, size: int, power: float = 1.7) -> np.ndarray:
    """Indices 0..n_words-1 with a mild preference for the front of a list (common names first)."""
    return np.minimum((n_words * rng.random(size) ** power).astype(np.int64), n_words - 1)


def _draw(rng: np.random.Generator, list_name: str, size: int) -> np.ndarray:
    start, n = _OFFSET[list_name]
    return start + _skewed(rng, n, size)


def _gather(values: pl.Series | list[str] | tuple[str, ...], idx: np.ndarray) -> pl.Series:
    s = values if isinstance(values, pl.Series) else pl.Series(list(values), dtype=pl.String)
    return s.gather(pl.Series(np.asarray(idx, dtype=np.int64)))


def _group_rank(keys: np.ndarray, tie_order: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """0-based rank of every element within its ``keys`` group, and the group size.

    ``tie_order`` is a permutation of the positions: within a group, elements rank in that order
    (``rng.permutation(n)`` for a random order, ``np.argsort(x, kind="stable")`` to order by x).
    """
    order = tie_order[np.argsort(keys[tie_order], kind="stable")]
    k = keys[order]
    new = np.r_[True, k[1:] != k[:-1]]
    starts = np.flatnonzero(new)
    grp = np.cumsum(new) - 1
    sizes = np.diff(np.r_[starts, k.size])
    rank = np.empty(keys.size, dtype=np.int64)
    rank[order] = np.arange(k.size) - starts[grp]
    size = np.empty(keys.size, dtype=np.int64)
    size[order] = sizes[grp]
    return rank, size


def _str_ints(x: np.ndarray, width: int) -> pl.Series:
    return pl.Series(np.asarray(x, dtype=np.int64)).cast(pl.String).str.zfill(width)


def _regency_names() -> tuple[np.ndarray, pl.Series]:
    """4-digit regency codes (sorted) and their place names as written in TMPT_LHR (upper case)."""
    kab = wilayah.regions().filter(pl.col("level") == 2).sort("kode")
    nama = (
        kab["nama"].str.replace(r"^(Kabupaten Administrasi|Kota Administrasi|Kabupaten|Kota)\s+", "").str.to_uppercase()
    )
    return kab["kode"].cast(pl.Int64).to_numpy(), nama


# ------------------------------------------------------------------------------------------------
# Names
# ------------------------------------------------------------------------------------------------
def _fam_draw(rng: np.random.Generator, culture: np.ndarray) -> np.ndarray:
    """A family name (pool index) for every row of a family-name culture, -1 elsewhere."""
    fam = np.full(culture.size, -1, dtype=np.int64)
    for cname, lname in _FAM_LIST.items():
        rows = np.flatnonzero(culture == _C[cname])
        if rows.size:
            fam[rows] = _draw(rng, lname, rows.size)
    return fam


def _clan_of(rng: np.random.Generator, fam: np.ndarray, culture: np.ndarray) -> np.ndarray:
    """The clan name (pool index) behind a Chinese-Indonesian family name, random if unknown."""
    clan = np.full(fam.size, -1, dtype=np.int64)
    rows = np.flatnonzero(culture == _C["tionghoa"])
    if rows.size:
        th0 = _OFFSET["M_TH"][0]
        mapped = _TH_CLAN_OF[np.clip(fam[rows] - th0, 0, _TH_CLAN_OF.size - 1)]
        random = _draw(rng, "M_TH_LAMA", rows.size)
        clan[rows] = np.where(mapped >= 0, mapped, random)
    return clan


def _old_spelling_expr(col: pl.Expr, flags: list[pl.Expr]) -> pl.Expr:
    """Apply the forward old-spelling rules (J->DJ, C->TJ, SY->SJ, Y->J, KH->CH, U->OE) where flagged."""
    for (new, old), flag in zip(N.EJAAN_LAMA, flags, strict=True):
        col = pl.when(flag).then(col.str.replace_all(new, old, literal=True)).otherwise(col)
    return col


def _modern_spelling_expr(col: pl.Expr, flags: list[pl.Expr]) -> pl.Expr:
    """Undo old spelling where flagged: OE->U, CH->KH, TJ->C, DJ->J and the old J->Y (order matters)."""
    oe, ch, tj, j = flags
    col = pl.when(oe).then(col.str.replace_all("OE", "U", literal=True)).otherwise(col)
    col = pl.when(ch).then(col.str.replace_all("CH", "KH", literal=True)).otherwise(col)
    col = pl.when(tj).then(col.str.replace_all("TJ", "C", literal=True)).otherwise(col)
    jy = (
        col.str.replace_all("DJ", "\x00", literal=True)
        .str.replace_all("J", "Y", literal=True)
        .str.replace_all("\x00", "J", literal=True)
    )
    return pl.when(j).then(jy).otherwise(col)


_NAME_CHUNK = 1_000_000


def _compose_names(
    rng: np.random.Generator,
    culture: np.ndarray,
    female: np.ndarray,
    birth_year: np.ndarray,
    fam: np.ndarray,
    clan: np.ndarray,
    order: np.ndarray,
    common_share: float = 0.0,
) -> pl.Series:
    """Full upper-case names, composed from the word pools by culture, sex and generation.

    ``common_share`` of the people of the Muslim-majority cultures get one of the very common full
    names instead (:func:`_common_names`). Works in chunks of a million rows to bound the memory of
    the intermediate word columns.
    """
    if culture.size <= _NAME_CHUNK:
        return _compose_names_chunk(rng, culture, female, birth_year, fam, clan, order, common_share)
    parts = [
        _compose_names_chunk(
            rng, *(a[i : i + _NAME_CHUNK] for a in (culture, female, birth_year, fam, clan, order)), common_share
        )
        for i in range(0, culture.size, _NAME_CHUNK)
    ]
    return pl.concat(parts, rechunk=True)


_COMMON_LISTS = (
    (N.NAMA_UMUM_LAKI_LAMA, N.NAMA_UMUM_LAKI_MUDA),
    (N.NAMA_UMUM_PEREMPUAN_LAMA, N.NAMA_UMUM_PEREMPUAN_MUDA),
)
_COMMON_ZIPF = 1.1  # the k-th most common name is about k**-1.1 times as frequent as the first
_COMMON_YOUNG_FROM = 1980


def _common_names(rng: np.random.Generator, female: np.ndarray, birth_year: np.ndarray) -> pl.Series:
    """One very common full name per row (MUHAMMAD RIZKI, SITI AMINAH ...), by sex and generation, Zipf-like."""
    n = female.size
    out = np.empty(n, dtype=object)
    for sex in (0, 1):
        for young in (0, 1):
            rows = np.flatnonzero((female == bool(sex)) & ((birth_year >= _COMMON_YOUNG_FROM) == bool(young)))
            if rows.size == 0:
                continue
            words = _COMMON_LISTS[sex][young]
            w = 1.0 / np.arange(1, len(words) + 1) ** _COMMON_ZIPF
            out[rows] = np.asarray(words, dtype=object)[rng.choice(len(words), size=rows.size, p=w / w.sum())]
    return pl.Series(out.tolist(), dtype=pl.String)


def _compose_names_chunk(
    rng: np.random.Generator,
    culture: np.ndarray,
    female: np.ndarray,
    birth_year: np.ndarray,
    fam: np.ndarray,
    clan: np.ndarray,
    order: np.ndarray,
    common_share: float = 0.0,
) -> pl.Series:
    n = culture.size
    cult = culture.astype(np.int64).copy()
    young = (birth_year >= 1988) & np.isin(cult, _EJAAN_CULTURES) & (rng.random(n) < 0.55)
    cult[young] = _C["modern"]
    cult[(cult == _C["tionghoa"]) & (birth_year < 1966) & (rng.random(n) < 0.5)] = _C["tionghoa_lama"]
    key = cult * 2 + female.astype(np.int64)
    parts = np.full((4, n), -1, dtype=np.int32)
    for ci, cname in enumerate(CULTURES):
        for sex in (0, 1):
            rows = np.flatnonzero(key == ci * 2 + sex)
            if rows.size == 0:
                continue
            pats = _PATTERNS[(cname, sex)]
            pick = _choice(rng, tuple(w for w, _ in pats), rows.size)
            for j, (_, tokens) in enumerate(pats):
                sel = rows[pick == j]
                if sel.size == 0:
                    continue
                for k, tok in enumerate(tokens):
                    if tok == "FAM":
                        parts[k, sel] = fam[sel]
                    elif tok == "CLAN":
                        parts[k, sel] = clan[sel]
                    elif tok == "ORDER":
                        o = np.clip(order[sel], 0, 3)
                        out = np.empty(sel.size, dtype=np.int64)
                        for oi in range(4):
                            m = o == oi
                            out[m] = _draw(rng, f"BALI_O_{'P' if sex else 'L'}{oi}", int(m.sum()))
                        parts[k, sel] = out
                    else:
                        parts[k, sel] = _draw(rng, tok, sel.size)
    frame = pl.DataFrame({f"p{k}": parts[k] for k in range(4)})
    words = [
        _POOL.gather(frame.select(pl.when(pl.col(f"p{k}") >= 0).then(pl.col(f"p{k}"))).to_series()) for k in range(4)
    ]
    # a word never repeats right after itself (SITI SITI)
    for k in range(1, 4):
        words[k] = pl.select(
            pl.when(pl.lit(words[k]) != pl.lit(words[k - 1]).fill_null("")).then(pl.lit(words[k]))
        ).to_series()
    names = pl.DataFrame({f"w{k}": w for k, w in enumerate(words)}).select(
        pl.concat_str([f"w{k}" for k in range(4)], separator=" ", ignore_nulls=True).alias("nama")
    )["nama"]
    # the heavy tail: a share of the Muslim-majority cultures carry one of the very common full names
    if common_share > 0:
        rows = np.flatnonzero(np.isin(culture, _MUSLIM_CULTURES) & (rng.random(n) < common_share))
        if rows.size:
            names = names.scatter(rows, _common_names(rng, female[rows], birth_year[rows]))
    # old spelling for older people of the cultures that used it
    p_old = np.where(
        birth_year < 1960, 0.35, np.where(birth_year < 1972, 0.2, np.where(birth_year < 1985, 0.05, 0.005))
    )
    old = np.flatnonzero(np.isin(culture, _EJAAN_CULTURES) & (rng.random(n) < p_old))
    profile = _choice(rng, tuple(p for p, _ in _OLD_PROFILES), old.size)
    for pi, (_, rules) in enumerate(_OLD_PROFILES):
        rows = old[profile == pi]
        pairs = [N.EJAAN_LAMA[i] for i in rules]
        # one simultaneous pass equals the rules applied in order (leftmost-first: SY before Y)
        names = _subset_apply(
            names,
            rows,
            lambda s, pairs=pairs: s.str.replace_many([a for a, _ in pairs], [b for _, b in pairs], leftmost=True),
        )
    # never a famous full name
    famous = names.is_in(list(N.NAMA_TERKENAL)).to_numpy()
    if famous.any():
        rows = np.flatnonzero(famous)
        extra = _gather(_POOL, np.where(female[rows], _draw(rng, "BLK_P", rows.size), _draw(rng, "BLK_L", rows.size)))
        names = names.scatter(rows, names.gather(rows) + " " + extra)
    return names.alias("nama")


# ------------------------------------------------------------------------------------------------
# Regions
# ------------------------------------------------------------------------------------------------
def _village_sample(rng: np.random.Generator, n_persons: int) -> pl.DataFrame:
    """A few dozen to a few thousand real villages in 4-16 provinces (always one in Papua 91-96)."""
    v = wilayah.villages()
    counts = v.group_by("kode_prov").len().sort("kode_prov")
    codes = counts["kode_prov"].to_numpy().astype(str)
    cnt = counts["len"].to_numpy().astype(np.float64)
    papua = np.char.startswith(codes, "9")
    k = int(np.clip(4 + 2 * np.log10(max(n_persons, 1000) / 1000), 4, 16))
    pick_papua = rng.choice(np.flatnonzero(papua))
    others = np.flatnonzero(~papua)
    pick_others = rng.choice(others, size=k - 1, replace=False, p=cnt[others] / cnt[others].sum())
    chosen = np.sort(np.r_[pick_papua, pick_others])
    share = cnt[chosen].copy()
    is_papua = papua[chosen]
    share[is_papua] = min(share[is_papua].sum(), 0.05 / 0.95 * share[~is_papua].sum())
    share /= share.sum()
    n_vill = int(np.clip(n_persons // 400, 40, 6000))
    parts = []
    for prov, s in zip(codes[chosen], share, strict=True):
        pv = v.filter(pl.col("kode_prov") == prov)
        take = int(min(pv.height, max(3, round(n_vill * s))))
        idx = np.sort(rng.choice(pv.height, size=take, replace=False))
        w = s / take * rng.lognormal(0.0, 0.5, size=take)
        parts.append(pv[pl.Series(idx)].with_columns(weight=pl.Series(w)))
    out = pl.concat(parts).sort("kode_wilayah")
    return out.with_columns(weight=pl.col("weight") / pl.col("weight").sum())


def _culture_mix(prov: str) -> np.ndarray:
    mix = _CULTURE_MIX.get(prov) or _CULTURE_MIX.get(prov[0]) or _CULTURE_MIX["*"]
    p = np.zeros(len(CULTURES))
    for c, w in mix.items():
        p[_C[c]] = w
    return p / p.sum()


# ------------------------------------------------------------------------------------------------
# Population (Dukcapil)
# ------------------------------------------------------------------------------------------------
def _household_sizes(rng: np.random.Generator, n_persons: int) -> np.ndarray:
    p = np.array([0.10, 0.17, 0.22, 0.22, 0.14, 0.08, 0.045, 0.025])
    sizes = rng.choice(8, size=int(n_persons / 3.5 * 1.15) + 16, p=p / p.sum()) + 1
    while sizes.sum() < n_persons:
        sizes = np.r_[sizes, rng.choice(8, size=sizes.size // 4 + 16, p=p / p.sum()) + 1]
    cs = np.cumsum(sizes)
    h = int(np.searchsorted(cs, n_persons)) + 1
    sizes = sizes[:h].copy()
    sizes[-1] -= int(cs[h - 1] - n_persons)
    return sizes


# Population phenomena (see :func:`population`); a mix is chosen by name with the noise mix.
POPULATION_MIXES: dict[str, dict[str, float]] = {
    # the development population
    "dev": {"twin_rate": 0.015, "twin_lookalike_share": 0.6, "namesake_rate": 0.01, "common_name_share": 0.05},
    # held out: never tune against it (see NOISE_MIXES)
    "held_out": {"twin_rate": 0.02, "twin_lookalike_share": 0.75, "namesake_rate": 0.02, "common_name_share": 0.08},
}
_TWIN_SAME_SEX = 0.65  # monozygotic twins (about a third) plus half of the dizygotic ones
_TWIN_CONSECUTIVE = 0.9  # twins registered together get consecutive serials; the rest were registered apart
_NAMESAKE_MAX_SHIFT = 2.0  # years a namesake's birth date may move to meet the other's
_SIBLING_GAP = 300  # days at least between two deliveries of one mother


def population(
    rng: np.random.Generator,
    n_persons: int,
    *,
    periode: str,
    twin_rate: float = POPULATION_MIXES["dev"]["twin_rate"],
    twin_lookalike_share: float = POPULATION_MIXES["dev"]["twin_lookalike_share"],
    namesake_rate: float = POPULATION_MIXES["dev"]["namesake_rate"],
    common_name_share: float = POPULATION_MIXES["dev"]["common_name_share"],
) -> pl.DataFrame:
    """The civil-registry population: ``n_persons`` people in households of 1-8.

    Returns the Dukcapil contract columns (:data:`DUKCAPIL_COLUMNS`) plus helper columns:
    ``hh_id`` (household number, rows are sorted by it and by ``pos``), ``pos`` (0 = head),
    ``kode_wilayah`` (10-digit village), ``culture`` (index into :data:`CULTURES`), ``fam``
    (family-name word index or -1), ``nik_grp_n`` (how many NIKs share this NIK's first 12
    digits; serials run 0001..nik_grp_n, so a higher serial is free) and ``twin_root`` (for a
    twin or triplet born second or third: the row of the first-born of the delivery, else -1).

    Phenomena of real families and villages:

    * **NIK serials** are issued as Dukcapil does: the people registered in one district with one
      birth date and sex (the NIK's first 12 digits) get consecutive serials 0001, 0002 ... . So a
      one-digit typo in a serial often lands on another real person.
    * **Twins**: ``twin_rate`` of the deliveries of a family card's children are twins (a chain of
      two makes a few triplets): same No KK, birth date and mother, the family's surname, the same
      registration district and (mostly) consecutive serials; about two thirds are of one sex.
      ``twin_lookalike_share`` of them get names that look alike (:func:`_twin_lookalike_names`).
    * **Common names**: ``common_name_share`` of the people of the Muslim-majority cultures carry
      one of the very common full names, Zipf-distributed (MUHAMMAD RIZKI, SITI AMINAH ...).
    * **Namesakes**: in a district of 100,000 people, two unrelated people with a common full name
      are born on the same day; a sample of a few thousand rarely shows it, so ``namesake_rate``
      of the people are made namesakes in pairs: one common full name, one birth date, one sex and
      one registration district (so the NIKs share their first 12 digits and the serials are
      consecutive), in other households and villages (another No KK, mother and address).

    Examples
    --------
    >>> pop = population(np.random.default_rng(1), 200, periode="2026-01")
    >>> pop.filter(pl.col("STAT_HBKEL") == "KEPALA KELUARGA")["NO_KK"].n_unique() == pop["NO_KK"].n_unique()
    True
    """
    if n_persons < 1:
        raise ValueError("n_persons must be >= 1")
    ref = _day(periode_start(periode))
    u = rng.random

    # ---- households ------------------------------------------------------------------------
    sizes = _household_sizes(rng, n_persons)
    H = sizes.size
    vill = _village_sample(rng, n_persons)
    hv = np.sort(rng.choice(vill.height, size=H, p=vill["weight"].to_numpy()))
    v_code = vill["kode_wilayah"]
    v_kec = vill["kode_kec"].cast(pl.Int64).to_numpy()
    v_kab = vill["kode_kab"].cast(pl.Int64).to_numpy()
    v_prov = vill["kode_prov"].to_numpy().astype(str)

    single = sizes == 1
    head_f = np.where(single, u(H) < 0.35, u(H) < 0.12)
    has_sp = (sizes >= 2) & np.where(head_f, u(H) < 0.08, u(H) < 0.93)
    head_age = np.where(head_f, np.clip(rng.normal(54, 13, H), 21, 90), np.clip(rng.normal(44, 12, H), 20, 82))
    head_age = np.where(single, rng.uniform(19, 88, H), head_age)
    head_bd = ref - _years(head_age) - 1
    gap = np.clip(rng.normal(4, 4, H), -6, 16)
    spouse_bd = np.where(head_f, head_bd - _years(gap), head_bd + _years(gap))
    spouse_bd = np.clip(spouse_bd, ref - _years(95), ref - _years(18) - 2)
    young_par = np.where(has_sp, np.maximum(head_bd, spouse_bd), head_bd)

    n_other = sizes - 1 - has_sp
    elder = (n_other >= 1) & (head_age < 56) & (u(H) < 0.10)
    n_elder = elder.astype(np.int64) + (elder & (n_other >= 2) & (u(H) < 0.3))
    elder_mertua = has_sp & (u(H) < 0.4)
    rem = n_other - n_elder
    n_cucu = ((rem >= 1) & (head_age >= 46) & (u(H) < 0.3)) * np.minimum(rem, 1 + (u(H) < 0.4))
    rem = rem - n_cucu
    n_fam = ((rem >= 1) & (u(H) < 0.06)).astype(np.int64)
    rem = rem - n_fam
    room = (ref - 1) - (young_par + _years(18) + 2)  # days in which a child of the younger parent can be born
    max_anak = np.where(room < 0, 0, 1 + room // _years(1.6))
    n_anak = np.minimum(rem, max_anak)
    n_fam = n_fam + rem - n_anak

    # ---- persons ---------------------------------------------------------------------------
    n = int(sizes.sum())
    hh = np.repeat(np.arange(H), sizes)
    start = np.cumsum(sizes) - sizes
    pos = np.arange(n) - start[hh]
    sp_h = has_sp[hh]
    r = pos - 1 - sp_h
    a, c, e = n_anak[hh], n_cucu[hh], n_elder[hh]
    role = np.full(n, FAMILI, dtype=np.int64)
    role[pos == 0] = KK
    is_sp = (pos == 1) & sp_h
    role[is_sp] = np.where(head_f[hh][is_sp], SUAMI, ISTRI)
    role[(r >= 0) & (r < a)] = ANAK
    role[(r >= a) & (r < a + c)] = CUCU
    el = (r >= a + c) & (r < a + c + e)
    role[el] = np.where(elder_mertua[hh][el], MERTUA, ORANG_TUA)
    elder_k = r - a - c  # 0 or 1 among elders

    female = u(n) < 0.5
    female[pos == 0] = head_f[hh][pos == 0]
    female[is_sp] = ~head_f[hh][is_sp]
    female[el] = np.where(e[el] == 2, elder_k[el] == 1, u(int(el.sum())) < 0.7)

    # the window in which each person's birth date may lie given the household (for namesakes)
    bd = np.empty(n, dtype=np.int64)
    bd_lo = np.empty(n, dtype=np.int64)
    bd_hi = np.full(n, ref - 1, dtype=np.int64)
    bd[pos == 0] = head_bd[hh][pos == 0]
    bd[is_sp] = spouse_bd[hh][is_sp]
    hi = ref - 1
    # children: uniform in the window the younger parent allows, but at least _SIBLING_GAP days apart
    m = role == ANAK
    lo = young_par[hh][m] + _years(18) + 2
    span = np.minimum(hi - lo, _years(30))
    room = np.maximum(span - (n_anak[hh][m] - 1) * _SIBLING_GAP, 0)
    ua = u(int(m.sum()))
    ak_rank, _ = _group_rank(hh[m], np.argsort(ua, kind="stable"))
    bd[m] = hi - span + np.floor(ua * room).astype(np.int64) + ak_rank * _SIBLING_GAP
    bd_lo[m] = hi - span
    m = role == CUCU
    lo = head_bd[hh][m] + _years(36) + 2
    bd[m] = hi - np.floor(u(int(m.sum())) * np.minimum(hi - lo, _years(15))).astype(np.int64)
    bd_lo[m] = np.maximum(lo, hi - _years(15))
    m = el
    par = np.where(role[m] == MERTUA, spouse_bd[hh][m], head_bd[hh][m])
    k = int(m.sum())
    bd[m] = np.maximum(
        np.minimum(par - _years(18) - 2 - _years(u(k) * 14), ref - _years(60) - _years(u(k) * 6)), ref - _years(100)
    )
    m = role == FAMILI
    bd[m] = ref - _years(rng.uniform(2, 70, int(m.sum()))) - 1
    bd_lo[m], bd_hi[m] = ref - _years(70) - 1, ref - _years(2) - 1
    # heads, spouses, elders and children with siblings keep their date
    fixed = ~np.isin(role, (ANAK, CUCU, FAMILI)) | ((role == ANAK) & (a > 1)) | ((role == CUCU) & (c > 1))
    bd_lo[fixed], bd_hi[fixed] = bd[fixed], bd[fixed]
    del sp_h, r, a, c, e, is_sp, el, elder_k, m, lo, par, fixed, ua, ak_rank, span, room

    # ---- twins: one delivery, one birth date, one mother ---------------------------------------
    twin_root = _twin_roots(rng, role, hh, twin_rate)
    twin = twin_root != np.arange(n)
    bd[twin] = bd[twin_root[twin]]
    same_sex = u(n) < _TWIN_SAME_SEX
    female[twin] = np.where(same_sex[twin], female[twin_root[twin]], ~female[twin_root[twin]])
    del same_sex

    # ---- culture and family names (by household) ---------------------------------------------
    culture_h = np.zeros(H, dtype=np.int64)
    prov_codes, prov_of_v = np.unique(v_prov, return_inverse=True)
    prov_h = prov_of_v[hv]
    for pi, prov in enumerate(prov_codes):
        rows = np.flatnonzero(prov_h == pi)
        culture_h[rows] = rng.choice(len(CULTURES), size=rows.size, p=_culture_mix(str(prov)))
    culture = culture_h[hh]

    # ---- registration district of the NIK; namesakes meet on one day in one district -----------
    kec_h = v_kec[hv]
    all_kec = wilayah.districts()["kode_kec"].cast(pl.Int64).to_numpy()
    reg_kec = np.where(u(n) < 0.9, kec_h[hh], all_kec[rng.integers(0, all_kec.size, n)])
    reg_kec[twin] = reg_kec[twin_root[twin]]
    in_delivery = twin | np.isin(np.arange(n), twin_root[twin])
    ns_x, ns_y = _namesake_pairs(rng, culture, female, bd, bd_lo, bd_hi, hh, hv[hh], ~in_delivery, namesake_rate)
    bd[ns_y] = bd[ns_x]
    reg_kec[ns_y] = reg_kec[ns_x]
    del bd_lo, bd_hi, in_delivery
    age = (ref - bd) / _YEAR
    y, mo, d = _ymd(bd)

    # deaths: ~1% overall, mostly the old
    w = np.select([age < 40, age < 60, age < 75], [0.15, 1.0, 4.0], 12.0)
    dead = u(n) < np.minimum(1.0, w * (0.01 * n / w.sum()))
    died = np.where(dead, ref - 1 - np.floor(u(n) * np.minimum(ref - bd - 1, _years(6))).astype(np.int64), 0)
    tgl_mati = pl.Series(died.astype(np.int32)).cast(pl.Date)
    tgl_mati = pl.select(pl.when(pl.lit(pl.Series(dead))).then(pl.lit(tgl_mati))).to_series()
    del w, died

    # ---- NIK: registration district + DDMMYY (+40 for women) + serial ---------------------------
    # Serials count up from 0001 within the first 12 digits, in the order of registration; twins
    # registered together are next to each other in that order.
    prefix = reg_kec * 1_000_000 + (d + 40 * female) * 10_000 + mo * 100 + y % 100
    reg_order = rng.permutation(n).astype(np.int64) * 4
    together = twin & (u(n) < _TWIN_CONSECUTIVE)
    reg_order[together] = reg_order[twin_root[together]] + (np.arange(n) - twin_root)[together]
    rank, grp_n = _group_rank(prefix, np.argsort(reg_order, kind="stable"))
    if grp_n.max() > 9999:
        raise ValueError("more than 9999 NIKs share a district and birth date; use more villages")
    nik = prefix * 10_000 + rank + 1
    del reg_kec, prefix, rank, mo, d, reg_order, together

    # ---- No KK: issuing district + card date + serial, unique and never equal to a NIK ------
    kk_kec = np.where(u(H) < 0.95, kec_h, all_kec[rng.integers(0, all_kec.size, H)])
    lo = np.maximum(head_bd + _years(17), _day(dt.date(2000, 1, 1)))
    card = lo + np.floor(u(H) * np.maximum(ref - 7 - lo, 1)).astype(np.int64)
    cy, cm, cd = _ymd(card)
    kk_prefix = kk_kec * 1_000_000 + cd * 10_000 + cm * 100 + cy % 100
    kk_rank, _ = _group_rank(kk_prefix, rng.permutation(H))
    kk = kk_prefix * 10_000 + kk_rank + 1
    nik_set = pl.Series(nik)
    for _ in range(5):
        clash = pl.Series(kk).is_in(nik_set.implode()).to_numpy()
        if not clash.any():
            break
        kk[clash] += 5000
    if pl.Series(kk).is_in(nik_set.implode()).any() or pl.Series(kk).n_unique() != H:
        raise RuntimeError("could not make No KK unique")
    nik_s = nik_set.cast(pl.String)
    del nik, nik_set

    # ---- names -------------------------------------------------------------------------------
    fam_h = _fam_draw(rng, culture_h)
    own_fam = _fam_draw(rng, culture)
    carries = np.isin(role, (ANAK, CUCU, SUAMI)) | ((role == KK) & ~female) | ((role == ORANG_TUA) & ~female)
    fam = np.where(carries, fam_h[hh], own_fam)
    clan = _clan_of(rng, fam, culture)
    order = np.minimum(_skewed(rng, 4, n, 1.5), 3)
    anak = np.flatnonzero(role == ANAK)
    if anak.size:
        ak_rank, _ = _group_rank(hh[anak], np.argsort(bd[anak], kind="stable"))
        order[anak] = ak_rank % 4
    nama = _compose_names(rng, culture, female, y, fam, clan, order, common_name_share)
    nama = _twin_lookalike_names(rng, nama, twin_root, female, culture, twin_lookalike_share)
    if ns_x.size:
        common = _common_names(rng, female[ns_x], y[ns_x])
        nama = nama.scatter(ns_x, common).scatter(ns_y, common)
    famous = nama.is_in(list(N.NAMA_TERKENAL)).to_numpy()
    if famous.any():
        rows = np.flatnonzero(famous)
        extra = np.where(female[rows], _draw(rng, "BLK_P", rows.size), _draw(rng, "BLK_L", rows.size))
        nama = nama.scatter(rows, nama.gather(rows) + " " + _gather(_POOL, extra))
    ibu_fam = _fam_draw(rng, culture)
    nama_ibu = _compose_names(
        rng,
        culture,
        np.ones(n, dtype=bool),
        y - 26,
        ibu_fam,
        _clan_of(rng, ibu_fam, culture),
        np.minimum(_skewed(rng, 4, n, 1.5), 3),
        common_name_share,
    )
    # children whose mother does not live in the household still share one mother
    first_anak = start + 1 + has_sp
    rows = np.flatnonzero(role == ANAK)
    nama_ibu = nama_ibu.scatter(rows, nama_ibu.gather(first_anak[hh][rows]))
    # mothers who live in the household
    mother_h = np.where(head_f, start, np.where(has_sp, start + 1, -1))
    elder_start = start + 1 + has_sp + n_anak + n_cucu
    elder_f_h = np.where(
        n_elder == 2,
        elder_start + 1,
        np.where((n_elder == 1) & female[np.minimum(elder_start, n - 1)], elder_start, -1),
    )
    src = np.full(n, -1, dtype=np.int64)
    m = (role == ANAK) & (mother_h[hh] >= 0)
    src[m] = mother_h[hh][m]
    m = (role == KK) & (elder_f_h[hh] >= 0) & ~elder_mertua[hh]
    src[m] = elder_f_h[hh][m]
    m = np.isin(role, (ISTRI, SUAMI)) & (elder_f_h[hh] >= 0) & elder_mertua[hh]
    src[m] = elder_f_h[hh][m]
    rows = np.flatnonzero(src >= 0)
    nama_ibu = nama_ibu.scatter(rows, nama.gather(src[rows]))
    del own_fam, carries, clan, order, ibu_fam, src, rows, y, m, famous

    # ---- birth place, address, occupation ---------------------------------------------------
    kab_codes, kab_names = _regency_names()
    kab_h = v_kab[hv]
    born_here = u(n) < 0.85
    kab_i = np.where(born_here, np.searchsorted(kab_codes, kab_h[hh]), rng.integers(0, kab_codes.size, n))
    kab_i[twin] = kab_i[twin_root[twin]]
    tmpt = _gather(kab_names, kab_i)
    alamat_h = _alamat(rng, H)
    pk = _pekerjaan(rng, age, female, role)

    frame = pl.DataFrame(
        {
            "NIK": nik_s,
            "NO_KK": pl.Series(kk[hh]).cast(pl.String),
            "NAMA_LGKP": nama,
            "TMPT_LHR": tmpt,
            "TGL_LHR": pl.Series(bd.astype(np.int32)).cast(pl.Date),
            "JENIS_KLMIN": _gather(("LAKI-LAKI", "PEREMPUAN"), female.astype(np.int64)),
            "NAMA_LGKP_IBU": nama_ibu,
            "ALAMAT": alamat_h.gather(pl.Series(hh)),
            "kode_wilayah": v_code.gather(pl.Series(hv[hh])),
            "JENIS_PKRJN": _gather(PEKERJAAN, pk),
            "STAT_HBKEL": _gather(ROLES, role),
            "TGL_MATI": tgl_mati,
            "hh_id": pl.Series(hh.astype(np.int32)),
            "pos": pl.Series(pos.astype(np.int8)),
            "culture": pl.Series(culture.astype(np.int8)),
            "fam": pl.Series(fam.astype(np.int32)),
            "nik_grp_n": pl.Series(grp_n.astype(np.int16)),
            "twin_root": pl.Series(np.where(twin, twin_root, -1).astype(np.int32)),
        }
    )
    return frame.with_columns(
        NO_PROP=pl.col("kode_wilayah").str.slice(0, 2),
        NO_KAB=pl.col("kode_wilayah").str.slice(2, 2),
        NO_KEC=pl.col("kode_wilayah").str.slice(4, 2),
        NO_KEL=pl.col("kode_wilayah").str.slice(6, 4),
    ).select(*DUKCAPIL_COLUMNS, "hh_id", "pos", "kode_wilayah", "culture", "fam", "nik_grp_n", "twin_root")


def _twin_roots(rng: np.random.Generator, role: np.ndarray, hh: np.ndarray, twin_rate: float) -> np.ndarray:
    """For every person the row of the first-born of their delivery: the row itself, except for a
    twin (or triplet) born second, whose delivery started at the sibling in the row before.

    The children of a family card are consecutive rows; ``twin_rate`` of the deliveries are twins.
    """
    n = role.size
    idx = np.arange(n)
    anak = role == ANAK
    can_start = anak & np.r_[anak[1:] & (hh[1:] == hh[:-1]), False]  # a younger sibling follows in the card
    share = can_start.sum() / max(int(anak.sum()), 1)
    p = min(1.0, twin_rate / share) if share > 0 else 0.0
    starts = can_start & (rng.random(n) < p)
    follows = np.r_[False, starts[:-1]]
    return np.maximum.accumulate(np.where(follows, 0, idx))


def _namesake_pairs(
    rng: np.random.Generator,
    culture: np.ndarray,
    female: np.ndarray,
    bd: np.ndarray,
    bd_lo: np.ndarray,
    bd_hi: np.ndarray,
    hh: np.ndarray,
    village: np.ndarray,
    eligible: np.ndarray,
    rate: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Disjoint pairs (x, y) of unrelated people who become namesakes: ``y`` takes ``x``'s birth date.

    Candidates are people of a Muslim-majority culture (no family name to clash) outside a twin
    delivery; they are sorted by culture, sex and birth date and paired with their neighbour, in
    another household and village, when ``x``'s date lies in the window ``y``'s household allows
    (``bd_lo``..``bd_hi``) and no more than a couple of years from ``y``'s own. About ``rate`` of
    all people end up in a pair.
    """
    cand = np.flatnonzero(eligible & np.isin(culture, _MUSLIM_CULTURES))
    none = np.zeros(0, dtype=np.int64)
    if rate <= 0 or cand.size < 2:
        return none, none
    cand = cand[np.lexsort((bd[cand], female[cand], culture[cand]))]
    a, b = cand[0 : cand.size - 1 : 2], cand[1::2]
    near = np.abs(bd[a] - bd[b]) <= _years(_NAMESAKE_MAX_SHIFT)
    ok = (culture[a] == culture[b]) & (female[a] == female[b]) & (hh[a] != hh[b]) & (village[a] != village[b]) & near
    b_moves = ok & (bd[a] >= bd_lo[b]) & (bd[a] <= bd_hi[b])
    a_moves = ok & ~b_moves & (bd[b] >= bd_lo[a]) & (bd[b] <= bd_hi[a])
    x, y = np.where(b_moves, a, b), np.where(b_moves, b, a)
    ok = b_moves | a_moves
    want = rate * bd.size / 2
    take = ok & (rng.random(a.size) < min(1.0, want / max(int(ok.sum()), 1)))
    return x[take], y[take]


_AWALAN_RE = "|".join(re.escape(w) for w in N.AWALAN_NAMA)
_GIVEN_RE = rf"^((?:(?:{_AWALAN_RE}) )*)(\S+)(.*)$"  # prefix words, the given word, the rest
_BALI_RE = r"^((?:I|NI)(?: (?:" + "|".join(N.BALI_URUTAN_KATA) + r"))+) (.+)$"


def _twin_lookalike_names(
    rng: np.random.Generator,
    nama: pl.Series,
    twin_root: np.ndarray,
    female: np.ndarray,
    culture: np.ndarray,
    share: float,
) -> pl.Series:
    """Names of twins that look alike: ``share`` of the twins born second (or third) get a name made
    from the sibling born just before them, in one of the ways families do it:

    * ``pair``: a rhyming or minimal pair of given words (HASAN / HUSEIN, RIZKI / RIZKA), both twins;
    * ``dwi_tri``: DWI and TRI before one name (DWI WAHYUNI / TRI WAHYUNI), both twins;
    * ``same_first``: the same first given word, the twin's own last word (BAYU PRATAMA / BAYU SAPUTRA);
    * ``one_letter``: the given word one letter apart (RENDI / RANDI, RIZKI / RIZKA for a sister);

    A twin of the other sex drops the sex-bound words before the given one (MUHAMMAD, SITI ...).
    * Balinese twins keep their own birth-order name before the sibling's name (I WAYAN ARTAWAN / I MADE ARTAWAN).

    ``pair`` and ``dwi_tri`` (Muslim-majority cultures) rename the first twin too; a triplet is made
    from the second. A name that would equal the sibling's stays as composed.
    """
    n = nama.len()
    idx = np.arange(n)
    follower = np.flatnonzero((twin_root != idx) & (rng.random(n) < share))
    if follower.size == 0:
        return nama
    depth = follower - twin_root[follower]
    style = np.where(
        np.isin(culture[follower], _MUSLIM_CULTURES) & (depth == 1),
        _choice(rng, (0.25, 0.15, 0.25, 0.35), follower.size),  # pair, dwi_tri, same_first, one_letter
        np.where(rng.random(follower.size) < 0.5, 2, 3),
    )
    style = np.where(culture[follower] == _C["bali"], 4, style)
    pairs = N.KEMBAR_PASANGAN
    sexes = np.array([{"LL": 0, "LP": 1, "PL": 2, "PP": 3}[p[2]] for p in pairs])
    for dep in range(1, int(depth.max()) + 1):
        rows = follower[depth == dep]
        st = style[depth == dep]
        prev = rows - 1
        a, own = nama.gather(prev), nama.gather(rows)
        combo = female[prev].astype(np.int64) * 2 + female[rows]
        pick = np.zeros(rows.size, dtype=np.int64)
        for ci in range(4):
            m = combo == ci
            pick[m] = np.flatnonzero(sexes == ci)[rng.integers(0, int((sexes == ci).sum()), int(m.sum()))]
        df = pl.DataFrame(
            {
                "a": a,
                "own": own,
                "st": st,
                "fem": female[rows],
                "same_sex": female[rows] == female[prev],
                "p0": _gather([p[0] for p in pairs], pick),
                "p1": _gather([p[1] for p in pairs], pick),
            }
        )
        pre, given, rest = (pl.col("a").str.extract(_GIVEN_RE, i) for i in (1, 2, 3))
        pre_b = (
            pl.when(pl.col("same_sex")).then(pre).otherwise(pl.lit(""))
        )  # no SITI for a brother, no MUHAMMAD for a sister
        last = pl.col("a").str.extract(r"(\S+)$", 1)
        own_last = pl.col("own").str.extract(r"(\S+)$", 1)
        # one letter: the final vowel after a consonant follows the sex (RIZKI / RIZKA), else the first vowel
        # changes (RENDI / RANDI, DENI / DONI)
        ends_cv = given.str.contains(r"[^AEIOU][AEIOU]$")
        first_v = given.str.extract(r"^[^AEIOU]*([AEIOU])", 1)
        swapped_v = first_v.replace_strict(["A", "E", "I", "O", "U"], ["E", "A", "E", "A", "A"], default="A")
        g1 = (
            pl.when(ends_cv & pl.col("fem"))
            .then(
                pl.when(given.str.ends_with("A"))
                .then(given.str.replace(r"A$", "I"))
                .otherwise(given.str.replace(r"[EIOU]$", "A"))
            )
            .when(ends_cv)
            .then(
                pl.when(given.str.ends_with("I"))
                .then(given.str.replace(r"I$", "O"))
                .otherwise(given.str.replace(r"[AEOU]$", "I"))
            )
            .otherwise(
                pl.concat_str(
                    [
                        given.str.extract(r"^([^AEIOU]*)[AEIOU]", 1),
                        swapped_v,
                        given.str.replace(r"^[^AEIOU]*[AEIOU]", ""),
                    ]
                )
            )
        )
        bali_a = pl.col("a").str.extract(_BALI_RE, 2)
        bali_own = pl.col("own").str.extract(_BALI_RE, 1)
        new_b = (
            pl.when(pl.col("st") == 0)
            .then(pre_b + pl.col("p1") + rest)
            .when(pl.col("st") == 1)
            .then("TRI " + last)
            .when((pl.col("st") == 2) & pl.col("same_sex"))
            .then(pre + given + " " + own_last)
            .when((pl.col("st") == 4) & bali_a.is_not_null() & bali_own.is_not_null())
            .then(bali_own + " " + bali_a)
            .otherwise(pre_b + g1 + rest)
        )
        new_a = (
            pl.when(pl.col("st") == 0)
            .then(pre + pl.col("p0") + rest)
            .when(pl.col("st") == 1)
            .then("DWI " + last)
            .otherwise(pl.col("a"))
        )
        out = df.with_columns(
            root=nama.gather(twin_root[rows]),
            extra=_gather(
                _POOL, np.where(female[rows], _draw(rng, "BLK_P", rows.size), _draw(rng, "BLK_L", rows.size))
            ),
        ).select(new_a=new_a.fill_null(pl.col("a")), new_b=new_b, a="a", own="own", root="root", extra="extra")
        # no two children of one delivery share a name: else the composed name, else one more word
        new_a = pl.when(pl.col("new_a") == pl.col("new_b")).then(pl.col("a")).otherwise(pl.col("new_a"))
        clash = [pl.col("new_a"), pl.col("root")]  # the sibling just before, the first-born
        out = out.with_columns(new_a=new_a).with_columns(
            new_b=pl.when(
                pl.col("new_b").is_null()
                | (pl.col("new_b") == "")
                | pl.any_horizontal(pl.col("new_b") == c for c in clash)
            )
            .then(pl.col("own"))
            .otherwise(pl.col("new_b"))
        )
        out = out.with_columns(
            new_b=pl.when(pl.any_horizontal(pl.col("new_b") == c for c in clash))
            .then(pl.col("new_b") + " " + pl.col("extra"))
            .otherwise(pl.col("new_b"))
        )
        nama = nama.scatter(prev, out["new_a"]).scatter(rows, out["new_b"])
    return nama


def _alamat(rng: np.random.Generator, n: int) -> pl.Series:
    """Household addresses like ``JL. MAWAR NO. 12 RT 003 RW 005``."""
    kind = _choice(rng, (0.45, 0.25, 0.15, 0.10, 0.05), n)
    jalan = _gather(N.NAMA_JALAN, _skewed(rng, len(N.NAMA_JALAN), n, 1.3))
    dusun = _gather(N.NAMA_DUSUN, _skewed(rng, len(N.NAMA_DUSUN), n, 1.3))
    kamp = _gather(N.NAMA_KAMPUNG, _skewed(rng, len(N.NAMA_KAMPUNG), n, 1.3))
    perum = _gather(N.NAMA_PERUM, rng.integers(0, len(N.NAMA_PERUM), n))
    df = pl.DataFrame(
        {
            "kind": kind,
            "jalan": jalan,
            "dusun": dusun,
            "kamp": kamp,
            "perum": perum,
            "no": rng.integers(1, 200, n),
            "blok": _gather(tuple("ABCDEFGH"), rng.integers(0, 8, n)),
            "rt": _str_ints(rng.integers(1, 21, n), 3),
            "rw": _str_ints(rng.integers(1, 16, n), 3),
        }
    )
    rtrw = pl.format(" RT {} RW {}", "rt", "rw")
    return df.select(
        pl.when(pl.col("kind") == 0)
        .then(pl.format("JL. {} NO. {}", "jalan", "no"))
        .when(pl.col("kind") == 1)
        .then(pl.format("DUSUN {}", "dusun"))
        .when(pl.col("kind") == 2)
        .then(pl.format("KP. {}", "kamp"))
        .when(pl.col("kind") == 3)
        .then(pl.format("GG. {} NO. {}", "jalan", "no"))
        .otherwise(pl.format("PERUM {} BLOK {}{}", "perum", "blok", "no"))
        .add(rtrw)
        .alias("ALAMAT")
    )["ALAMAT"]


def _pekerjaan(rng: np.random.Generator, age: np.ndarray, female: np.ndarray, role: np.ndarray) -> np.ndarray:
    """Occupation codes (index into :data:`PEKERJAAN`), consistent with age, sex and role."""
    n = age.size
    out = np.full(n, _PK["BELUM/TIDAK BEKERJA"], dtype=np.int64)
    u = rng.random(n)
    out[(age >= 5) & (age < 18) & (u < 0.92)] = _PK["PELAJAR/MAHASISWA"]
    dewasa_codes = np.array([_PK[k] for k in _KERJA_DEWASA])
    lansia_codes = np.array([_PK[k] for k in _KERJA_LANSIA])
    m = (age >= 18) & (age < 23)
    out[m] = np.where(u[m] < 0.35, _PK["PELAJAR/MAHASISWA"], dewasa_codes[_choice(rng, _KERJA_DEWASA, int(m.sum()))])
    m = (age >= 23) & (age < 60)
    out[m] = dewasa_codes[_choice(rng, _KERJA_DEWASA, int(m.sum()))]
    m = age >= 60
    out[m] = lansia_codes[_choice(rng, _KERJA_LANSIA, int(m.sum()))]
    irt = (age >= 18) & female & np.isin(role, (ISTRI, KK, MERTUA, ORANG_TUA)) & (rng.random(n) < 0.45)
    out[irt] = _PK["MENGURUS RUMAH TANGGA"]
    aparat = (age >= 20) & (age < 58) & (rng.random(n) < 0.015)
    out[aparat] = np.array([_PK["PEGAWAI NEGERI SIPIL"], _PK["TENTARA NASIONAL INDONESIA"], _PK["KEPOLISIAN RI"]])[
        _choice(rng, (0.6, 0.2, 0.2), int(aparat.sum()))
    ]
    return out


# ------------------------------------------------------------------------------------------------
# Reference data and feedback
# ------------------------------------------------------------------------------------------------
def _households(population: pl.DataFrame) -> pl.DataFrame:
    return population.filter(pl.col("pos") == 0)


def dtsen(rng: np.random.Generator, population: pl.DataFrame, *, periode: str) -> pl.DataFrame:
    """DTSEN deciles: ``no_kk``, ``desil`` (1-10, about half in 1-4), ``tgl_update``; ~2% of households missing."""
    ref = _day(periode_start(periode))
    kk = _households(population)["NO_KK"]
    h = kk.len()
    keep = rng.random(h) >= 0.02
    p = (0.16, 0.14, 0.11, 0.09, 0.09, 0.09, 0.09, 0.08, 0.08, 0.07)
    desil = _choice(rng, p, h) + 1
    upd = ref - rng.integers(1, 731, h)
    return pl.DataFrame(
        {
            "no_kk": kk,
            "desil": pl.Series(desil.astype(np.int32)),
            "tgl_update": pl.Series(upd.astype(np.int32)).cast(pl.Date),
        }
    ).filter(pl.Series(keep))


def sdm_kesos(rng: np.random.Generator, population: pl.DataFrame) -> pl.DataFrame:
    """Social-welfare staff: ~0.5% of adults (heads and spouses alive), mostly ``aktif = Y``."""
    adults = population.filter(
        pl.col("STAT_HBKEL").is_in(["KEPALA KELUARGA", "ISTRI", "SUAMI"]) & pl.col("TGL_MATI").is_null()
    )
    n = max(1, round(0.005 * adults.height))
    idx = np.sort(rng.choice(adults.height, size=min(n, adults.height), replace=False))
    rows = adults[pl.Series(idx)]
    k = rows.height
    jenis = ("PENDAMPING PKH", "TKSK", "PSM", "TAGANA", "PENDAMPING REHSOS", "SAKTI PEKSOS", "KARANG TARUNA")
    dotted = rng.random(k) < 0.25
    return pl.DataFrame(
        {
            "nik": rows["NIK"],
            "nama": rows["NAMA_LGKP"],
            "jenis_sdm": _gather(jenis, _choice(rng, (0.4, 0.15, 0.2, 0.08, 0.07, 0.05, 0.05), k)),
            "kode_wilayah": _dotted(rows["kode_wilayah"], dotted),
            "aktif": _gather(("Y", "N"), (rng.random(k) >= 0.85).astype(np.int64)),
        }
    )


def _dotted(code: pl.Series, dotted: np.ndarray) -> pl.Series:
    dots = pl.concat_str(
        [code.str.slice(0, 2), code.str.slice(2, 2), code.str.slice(4, 2), code.str.slice(6)], separator="."
    )
    return pl.select(pl.when(pl.lit(pl.Series(dotted))).then(dots).otherwise(code)).to_series().alias(code.name)


def gis(rng: np.random.Generator, population: pl.DataFrame, *, periode: str) -> pl.DataFrame:
    """Geotag house checks for ~10% of households, ~15% of them TIDAK LAYAK, near the village."""
    ref = _day(periode_start(periode))
    hh = _households(population).select("NO_KK", "kode_wilayah")
    h = hh.height
    take = np.sort(rng.choice(h, size=max(1, round(0.10 * h)), replace=False))
    rows = hh[pl.Series(take)]
    k = rows.height
    # one random centre per village inside its island's box, houses scattered ~1 km around it
    codes = rows["kode_wilayah"].unique().sort()
    prov = codes.str.slice(0, 1).to_numpy().astype(str)
    box = np.array([_PULAU_BBOX.get(p, _PULAU_BBOX["3"]) for p in np.unique(prov)])
    bi = np.searchsorted(np.unique(prov), prov)
    clat = box[bi, 0] + rng.random(codes.len()) * (box[bi, 1] - box[bi, 0])
    clon = box[bi, 2] + rng.random(codes.len()) * (box[bi, 3] - box[bi, 2])
    vi = np.searchsorted(codes.to_numpy().astype(str), rows["kode_wilayah"].to_numpy().astype(str))
    lat = np.round(clat[vi] + rng.normal(0, 0.01, k), 6)
    lon = np.round(clon[vi] + rng.normal(0, 0.01, k), 6)
    tgl = ref - rng.integers(1, 366, k)
    return pl.DataFrame(
        {
            "no_kk": rows["NO_KK"],
            "hasil": _gather(("LAYAK", "TIDAK LAYAK"), (rng.random(k) < 0.15).astype(np.int64)),
            "tgl_verifikasi": pl.Series(tgl.astype(np.int32)).cast(pl.Date).dt.strftime("%Y-%m-%d"),
            "lat": pl.Series(lat),
            "lon": pl.Series(lon),
        }
    )


def _pick_households(
    rng: np.random.Generator, population: pl.DataFrame, share: float, dtsen_frame: pl.DataFrame | None
) -> pl.DataFrame:
    """~``share`` of households; with DTSEN, mostly (~90%) from deciles 1-4 (the paid ones)."""
    hh = _households(population).select("NO_KK", "hh_id")
    h = hh.height
    n = max(1, round(share * h))
    if dtsen_frame is not None:
        poor = hh["NO_KK"].is_in(dtsen_frame.filter(pl.col("desil") <= 4)["no_kk"].implode()).to_numpy()
        w = np.where(poor, 9.0, 1.0)  # with about half the households in 1-4: ~90% of picks are poor
    else:
        w = np.ones(h)
    idx = np.sort(rng.choice(h, size=min(n, h), replace=False, p=w / w.sum()))
    return hh[pl.Series(idx)]


def _pengurus(population: pl.DataFrame, hh_ids: pl.Series) -> pl.Series:
    """The NIK that manages the household's aid: the wife if there is one, else the head."""
    fam = population.filter(pl.col("hh_id").is_in(hh_ids.implode()) & (pl.col("pos") <= 1))
    chosen = (
        fam.with_columns(
            pri=pl.when(pl.col("STAT_HBKEL") == "ISTRI").then(0).when(pl.col("pos") == 0).then(1).otherwise(2)
        )
        .sort("hh_id", "pri")
        .group_by("hh_id", maintain_order=True)
        .first()
    )
    return pl.DataFrame({"hh_id": hh_ids}).join(
        chosen.select("hh_id", "NIK"), on="hh_id", how="left", maintain_order="left"
    )["NIK"]


def burekol(rng: np.random.Generator, population: pl.DataFrame, *, dtsen: pl.DataFrame | None = None) -> pl.DataFrame:
    """Collective bank-account opening results for a few % of households."""
    rows = _pick_households(rng, population, 0.03, dtsen)
    k = rows.height
    bank_i = _choice(rng, (0.40, 0.20, 0.05, 0.15, 0.20), k)
    status_i = _choice(rng, (0.80, 0.12, 0.08), k)
    lengths = np.array([15, 10, 16, 13, 12])[bank_i]
    digits = rng.integers(0, 10, size=(k, 16))
    digits[:, 0] = rng.integers(1, 10, size=k)
    full = pl.Series(
        np.frombuffer((digits + ord("0")).astype(np.uint8).tobytes(), dtype="S16").astype(str), dtype=pl.String
    )
    rek = full.str.slice(0, pl.Series(lengths))
    rek = pl.select(pl.when(pl.lit(pl.Series(status_i == 0))).then(rek).otherwise(pl.lit(""))).to_series()
    return pl.DataFrame(
        {
            "no_kk": rows["NO_KK"],
            "nik_pengurus": _pengurus(population, rows["hh_id"]),
            "bank": _gather(("BRI", "BNI", "BTN", "MANDIRI", "POS"), bank_i),
            "status_rekening": _gather(("AKTIF", "PROSES", "GAGAL"), status_i),
            "no_rekening": rek,
        }
    )


def salur(
    rng: np.random.Generator, population: pl.DataFrame, *, periode: str, dtsen: pl.DataFrame | None = None
) -> pl.DataFrame:
    """Disbursement results for a few % of households (PKH and/or BPNT), quarterly amounts in rupiah."""
    ref = _day(periode_start(periode))
    rows = _pick_households(rng, population, 0.04, dtsen)
    k = rows.height
    members = population.filter(pl.col("hh_id").is_in(rows["hh_id"].implode()) & pl.col("TGL_MATI").is_null())
    age = (ref - members["TGL_LHR"].cast(pl.Int32).to_numpy()) / _YEAR
    comp = (
        pl.DataFrame(
            {
                "hh_id": members["hh_id"],
                "c06": age < 7,
                "sd": (age >= 7) & (age < 13),
                "smp": (age >= 13) & (age < 16),
                "sma": (age >= 16) & (age < 19),
                "lansia": age >= 60,
            }
        )
        .group_by("hh_id")
        .agg(pl.all().sum())
    )
    comp = pl.DataFrame({"hh_id": rows["hh_id"]}).join(comp, on="hh_id", how="left", maintain_order="left").fill_null(0)
    # at most 4 components, the dearest first; quarterly tranche = yearly / 4
    left = np.full(k, 4)
    total = np.zeros(k, dtype=np.int64)
    for col, amount in (
        ("c06", 3_000_000),
        ("lansia", 2_400_000),
        ("sma", 2_000_000),
        ("smp", 1_500_000),
        ("sd", 900_000),
    ):
        take = np.minimum(comp[col].to_numpy(), left)
        total += take * amount
        left -= take
    pkh_amt = total // 4
    prog = _choice(rng, (0.4, 0.4, 0.2), k)  # PKH only, BPNT only, both
    prog = np.where((pkh_amt == 0) & (prog != 1), 1, prog)
    pengurus = _pengurus(population, rows["hh_id"])
    base = pl.DataFrame({"no_kk": rows["NO_KK"], "nik": pengurus, "prog": prog, "pkh": pkh_amt})
    pkh = base.filter(pl.col("prog") != 1).with_columns(program=pl.lit("PKH"), nominal=pl.col("pkh"))
    bpnt = base.filter(pl.col("prog") != 0).with_columns(program=pl.lit("BPNT"), nominal=pl.lit(600_000, pl.Int64))
    out = pl.concat([pkh, bpnt]).sort("no_kk", "program")
    m = out.height
    return out.select(
        periode=pl.lit(periode),
        program="program",
        no_kk="no_kk",
        nik="nik",
        status=_gather(("SUKSES SPM", "PROSES SPM", "GAGAL OMSPAN", "SI"), _choice(rng, (0.82, 0.08, 0.06, 0.04), m)),
        nominal=pl.col("nominal").cast(pl.Int64),
    )


# ------------------------------------------------------------------------------------------------
# Usulan
# ------------------------------------------------------------------------------------------------
_DATE_FORMATS = ("DD-MM-YYYY", "DD/MM/YYYY", "YYYY-MM-DD")
_INVALID_DATES = ("00-00-0000", "TIDAK TAHU", "-", "", "32/13/{y}", "31-02-{y}", "{y}-14-40", "??-??-{y}")
_INVALID_JENIS = ("TAMBAH", "UBAH", "GANTI", "MUTASI", "USUL BARU")
_FORMULAS = (
    '=HYPERLINK("x")',
    '=HYPERLINK("http://bit.ly/bansos","KLIK")',
    "=SUM(A1:A9)",
    "=CMD|' /C calc'!A0",
    '=IMPORTXML("http://x","//a")',
    "@SUM(1+1)",
)
_NONASCII = (" – ", " GG. SA’ADAH", " (DEPAN CAFÉ)")


def _resolve_rates(noise_rates: Mapping[str, float] | None, noise_mix: str = "dev") -> dict[str, float]:
    """The rates of ``noise_mix`` (a key of :data:`NOISE_MIXES`) with ``noise_rates`` overriding some."""
    if noise_mix not in NOISE_MIXES:
        raise ValueError(f"unknown noise mix {noise_mix!r}; known: {sorted(NOISE_MIXES)}")
    rates = dict(NOISE_MIXES[noise_mix])
    if noise_rates:
        unknown = sorted(set(noise_rates) - set(rates))
        if unknown:
            raise ValueError(f"unknown noise kinds: {unknown}; known: {list(rates)}")
        for k, v in noise_rates.items():
            if not 0.0 <= float(v) <= 1.0:
                raise ValueError(f"noise rate {k}={v} is not in [0, 1]")
            rates[k] = float(v)
    return rates


def _assign_groups(
    rng: np.random.Generator, n: int, rates: dict[str, float], applicable: dict[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """One boolean array per noise kind; within a group a row gets at most one kind.

    A kind that applies only to some rows is drawn among those still free in its group at
    ``rate / share`` so that its overall rate stays close to ``rate`` (all of them if they are
    fewer than ``rate``).
    """
    flags: dict[str, np.ndarray] = {}
    for kinds in NOISE_GROUPS.values():
        taken = np.zeros(n, dtype=bool)
        for kind in kinds:
            ok = applicable.get(kind, np.ones(n, dtype=bool))
            share = (ok & ~taken).mean() if n else 0.0
            p = min(1.0, rates[kind] / share) if share > 0 else 0.0
            f = ok & ~taken & (rng.random(n) < p)
            flags[kind] = f
            taken |= f
    return flags


def _fabricate_serials(rng: np.random.Generator, prefixes: np.ndarray, population_nik: np.ndarray) -> np.ndarray:
    """NIKs with the given 12-digit prefixes whose serials no one in Dukcapil (or here) holds."""
    if prefixes.size == 0:
        return prefixes.astype(np.int64)
    pop_prefix = pl.Series("p", population_nik // 10_000)
    counts = (
        pl.DataFrame({"p": pop_prefix})
        .filter(pl.col("p").is_in(pl.Series(np.unique(prefixes)).implode()))
        .group_by("p")
        .len()
        .sort("p")
    )
    cp = np.r_[counts["p"].to_numpy().astype(np.int64), np.iinfo(np.int64).max]  # sentinel: never matches
    cn = np.r_[counts["len"].to_numpy().astype(np.int64), 0]
    i = np.searchsorted(cp, prefixes)
    used = np.where(cp[i] == prefixes, cn[i], 0)
    rank, _ = _group_rank(prefixes, rng.permutation(prefixes.size))
    serial = used + 1 + rng.integers(0, 8, prefixes.size) + 10 * rank
    if serial.max() > 9999:
        raise ValueError("no free NIK serial left for a fabricated NIK")
    nik = prefixes * 10_000 + serial
    if pl.Series(nik).is_in(pl.Series(population_nik).implode()).any():
        raise RuntimeError("a fabricated NIK exists in Dukcapil")
    return nik


def _render_dates(y: np.ndarray, m: np.ndarray, d: np.ndarray, fmt: np.ndarray) -> pl.Series:
    df = pl.DataFrame({"y": _str_ints(y, 4), "m": _str_ints(m, 2), "d": _str_ints(d, 2), "f": fmt})
    return df.select(
        pl.when(pl.col("f") == 0)
        .then(pl.format("{}-{}-{}", "d", "m", "y"))
        .when(pl.col("f") == 1)
        .then(pl.format("{}/{}/{}", "d", "m", "y"))
        .otherwise(pl.format("{}-{}-{}", "y", "m", "d"))
        .alias("tanggal_lahir")
    )["tanggal_lahir"]


def _subset_apply(s: pl.Series, rows: np.ndarray, fn) -> pl.Series:
    """Replace ``s[rows]`` by ``fn(s[rows])`` (a Series -> Series function)."""
    if rows.size == 0:
        return s
    return s.scatter(rows, fn(s.gather(rows)))


def _expr_on(s: pl.Series, expr: pl.Expr, **extra: pl.Series | np.ndarray) -> pl.Series:
    cols = {"s": s, **{k: (v if isinstance(v, pl.Series) else pl.Series(v)) for k, v in extra.items()}}
    return pl.DataFrame(cols).select(expr.alias("s"))["s"]


def _name_typo(rng: np.random.Generator, s: pl.Series) -> pl.Series:
    n = s.len()
    length = s.str.len_chars().to_numpy()
    p = np.floor(rng.random(n) * length).astype(np.int64)
    op = rng.integers(0, 4, n)  # 0,1 substitute, 2 drop, 3 double
    letter = _gather(tuple("ABCDEFGHIJKLMNOPRSTUWY"), rng.integers(0, 22, n))
    out = _expr_on(
        s,
        pl.when(pl.col("op") <= 1)
        .then(
            pl.concat_str([pl.col("s").str.slice(0, pl.col("p")), pl.col("c"), pl.col("s").str.slice(pl.col("p") + 1)])
        )
        .when(pl.col("op") == 2)
        .then(pl.concat_str([pl.col("s").str.slice(0, pl.col("p")), pl.col("s").str.slice(pl.col("p") + 1)]))
        .otherwise(pl.concat_str([pl.col("s").str.slice(0, pl.col("p") + 1), pl.col("s").str.slice(pl.col("p"))])),
        p=p,
        op=op,
        c=letter,
    )
    same = (out == s).to_numpy()
    if same.any():  # a substitution by the same letter: double that letter instead
        rows = np.flatnonzero(same)
        out = out.scatter(
            rows,
            _expr_on(
                s.gather(rows),
                pl.concat_str([pl.col("s").str.slice(0, pl.col("p") + 1), pl.col("s").str.slice(pl.col("p"))]),
                p=p[rows],
            ),
        )
    return out


def _spelling_variant(rng: np.random.Generator, s: pl.Series) -> pl.Series:
    n = s.len()
    has_old = s.str.contains(r"OE|DJ|TJ|SJ|CH").to_numpy()
    fwd = {f"r{i}": ~has_old & (rng.random(n) < 0.6) for i in range(6)}
    back = {f"b{i}": has_old & (rng.random(n) < 0.75) for i in range(4)}
    e = _old_spelling_expr(pl.col("s"), [pl.col(f"r{i}") for i in range(6)])
    e = _modern_spelling_expr(e, [pl.col(f"b{i}") for i in range(4)])
    return _expr_on(s, e, **fwd, **back)


def _muhammad_variant(rng: np.random.Generator, s: pl.Series) -> pl.Series:
    variants = N.MUHAMMAD_VARIAN
    pick = rng.integers(0, len(variants), s.len())
    out = s
    for attempt in range(2):
        for vi, v in enumerate(variants):
            rows = np.flatnonzero(((pick + attempt) % len(variants) == vi) & (out == s).to_numpy())
            out = _subset_apply(out, rows, lambda x, v=v: x.str.replace(_MUHAMMAD_RE, f"${{1}}{v}${{3}}"))
    return out


# ------------------------------------------------------------------------------------------------
# Families that moved
# ------------------------------------------------------------------------------------------------
_MOVE_SAME_REGENCY = 0.7  # most moves stay in the regency; the rest go to another province


def _relocated_households(
    rng: np.random.Generator, k: int, rates: Mapping[str, float], eligible: np.ndarray
) -> np.ndarray:
    """Per proposed household: 0 stayed, 1 ``relocated``, 2 ``relocated_old_form`` (drawn at the kinds' rates)."""
    u = rng.random(k)
    p1, p2 = rates["relocated"], rates["relocated_old_form"]
    out = np.where(u < p1, 1, np.where(u < p1 + p2, 2, 0)).astype(np.int8)
    out[~eligible] = 0
    return out


def _moved_villages(rng: np.random.Generator, kode: pl.Series, villages_here: pl.Series) -> pl.Series:
    """Another real village for each 10-digit code: in the same regency (mostly; any village of the
    Kemendagri list) or in another province of this data root (one of its own villages)."""
    k = kode.len()
    c = kode.cast(pl.Int64).to_numpy()
    allv = wilayah.villages()["kode_wilayah"].cast(pl.Int64).sort().to_numpy()
    kab = allv // 1_000_000
    lo = np.searchsorted(kab, c // 1_000_000, "left")
    cnt = np.searchsorted(kab, c // 1_000_000, "right") - lo
    own = np.searchsorted(allv, c)
    j = lo + np.floor(rng.random(k) * np.maximum(cnt - 1, 1)).astype(np.int64)
    j = np.where(j >= own, j + 1, j)
    same_kab = np.where(cnt >= 2, allv[np.minimum(j, allv.size - 1)], -1)
    here = villages_here.cast(pl.Int64).unique().sort().to_numpy()
    prov = here // 100_000_000
    plo = np.searchsorted(prov, c // 100_000_000, "left")
    pn = np.searchsorted(prov, c // 100_000_000, "right") - plo
    others = here.size - pn
    r = np.floor(rng.random(k) * np.maximum(others, 1)).astype(np.int64)
    r = np.where(r >= plo, r + pn, r)
    other_prov = np.where(others >= 1, here[np.minimum(r, here.size - 1)], -1)
    want_same = rng.random(k) < _MOVE_SAME_REGENCY
    out = np.where((want_same & (same_kab >= 0)) | (other_prov < 0), same_kab, other_prov)
    out = np.where(out < 0, c, out)  # nowhere to go (never with the sampled regions)
    return _str_ints(out, 10)


def _old_family_cards(rng: np.random.Generator, kode: pl.Series, population: pl.DataFrame, ref: int) -> pl.Series:
    """No KK numbers of cards a family held before it moved: issued in the district of ``kode``
    between 2000 and three years ago; none is a No KK or NIK in Dukcapil."""
    k = kode.len()
    kec = kode.str.slice(0, 6).cast(pl.Int64).to_numpy()
    lo = _day(dt.date(2000, 1, 1))
    card = lo + np.floor(rng.random(k) * max(ref - _years(3) - lo, 1)).astype(np.int64)
    cy, cm, cd = _ymd(card)
    kk = (kec * 1_000_000 + cd * 10_000 + cm * 100 + cy % 100) * 10_000 + 5000 + rng.integers(0, 4000, k)
    taken = pl.concat([population["NO_KK"], population["NIK"]]).cast(pl.Int64)
    for _ in range(20):
        clash = pl.Series(kk).is_in(taken.implode()).to_numpy() | pl.Series(kk).is_duplicated().to_numpy()
        if not clash.any():
            return _str_ints(kk, 16)
        kk[clash] += 1
    raise RuntimeError("could not make an old No KK that Dukcapil does not hold")


def _relocate(
    rng: np.random.Generator,
    base: pl.DataFrame,
    cand: np.ndarray,
    moving: np.ndarray,
    population: pl.DataFrame,
    ref: int,
) -> pl.DataFrame:
    """Give the households that moved (``moving`` per household: 1 relocated, 2 relocated_old_form)
    the village, address and, for an old form, No KK the usulan will carry.

    ``relocated``: the usulan is written in the new village, Dukcapil still has the old one.
    ``relocated_old_form``: Dukcapil already has the new village, address and family card; the
    usulan copies an old form: the village the family left, its old address and its old No KK.
    Either way the usulan's village and address differ from the extract's; the NIK never changes.
    """
    hh = np.flatnonzero(moving > 0)
    first = np.searchsorted(cand, hh)  # rows are grouped by household here
    kode = _moved_villages(rng, base["kode_wilayah"].gather(pl.Series(first)), population["kode_wilayah"])
    alamat = _alamat(rng, hh.size)
    own = base["ALAMAT"].gather(pl.Series(first))
    for _ in range(5):
        same = np.flatnonzero((alamat == own).to_numpy())
        if same.size == 0:
            break
        alamat = alamat.scatter(same, _alamat(rng, same.size))
    old_form = moving[hh] == 2
    kk = base["NO_KK"].gather(pl.Series(first))
    if old_form.any():
        rows = np.flatnonzero(old_form)
        kk = kk.scatter(rows, _old_family_cards(rng, kode.gather(pl.Series(rows)), population, ref))
    at = np.searchsorted(hh, cand)
    moved = moving[cand] > 0
    rows = np.flatnonzero(moved)
    g = pl.Series(at[rows])
    return base.with_columns(
        _relocation=pl.Series(moving[cand].astype(np.int8)),
        _kode_usulan=base["_kode_usulan"].scatter(rows, kode.gather(g)),
        _alamat_usulan=base["_alamat_usulan"].scatter(rows, alamat.gather(g)),
        _kk_usulan=base["_kk_usulan"].scatter(rows, kk.gather(g)),
    )


# ------------------------------------------------------------------------------------------------
# Look-alike persons: twins, namesakes, family members a typo lands on
# ------------------------------------------------------------------------------------------------
def _digit_matrix(x: np.ndarray) -> np.ndarray:
    return ((np.asarray(x, dtype=np.int64)[:, None] // 10 ** np.arange(15, -1, -1)) % 10).astype(np.int8)


def _one_serial_digit_apart(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """NIKs with the same first 12 digits whose serials differ in exactly one digit."""
    return (a // 10_000 == b // 10_000) & ((_digit_matrix(a) != _digit_matrix(b)).sum(axis=1) == 1)


def _one_typo_apart(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """16-digit numbers one digit substitution or one adjacent transposition apart."""
    da, db = _digit_matrix(a), _digit_matrix(b)
    diff = da != db
    nd = diff.sum(axis=1)
    p = np.argmax(diff, axis=1)
    q = np.minimum(p + 1, 15)
    i = np.arange(a.size)
    swapped = diff[i, q] & (da[i, p] == db[i, q]) & (da[i, q] == db[i, p])
    return (nd == 1) | ((nd == 2) & swapped)


def _deliveries(population: pl.DataFrame) -> np.ndarray:
    """Per person the row of the first-born of their delivery (themselves unless a later-born twin)."""
    tr = population["twin_root"].to_numpy().astype(np.int64)
    return np.where(tr >= 0, tr, np.arange(tr.size))


def _first_per_row(df: pl.DataFrame, value: str, n: int) -> pl.Series:
    """The first ``value`` per ``_row`` (by ``value``) as a column of length ``n`` (null where none)."""
    best = df.group_by("_row").agg(pl.col(value).min())
    return pl.DataFrame({"_row": np.arange(n, dtype=np.int64)}).join(
        best, on="_row", how="left", maintain_order="left"
    )[value]


def _lookalikes(population: pl.DataFrame, base: pl.DataFrame, cand: np.ndarray) -> pl.DataFrame:
    """For every usulan row the real look-alikes a NIK mistake can land on (null where none):

    * ``twin_nik``: a twin of the same sex whose NIK differs in one serial digit;
    * ``swap_row``: on the first row of a pair of twins proposed together in one file, the
      other's row (base index);
    * ``namesake_nik``: a namesake (same name and first 12 NIK digits: birth date, sex, district)
      in another family card, with another mother, village and address, one serial digit apart;
    * ``family_nik``: another member of the family card (not a twin) one typo (a digit, or two
      adjacent swapped) away.
    """
    n = base.height
    deliv = _deliveries(population)
    own = pl.DataFrame(
        {
            "_row": np.arange(n, dtype=np.int64),
            "_pop_row": base["_pop_row"],
            "nik": base["NIK"].cast(pl.Int64),
            "sex": base["JENIS_KLMIN"],
            "hh_id": base["hh_id"],
            "cand": cand,
            "delivery": deliv[base["_pop_row"].to_numpy()],
        }
    )
    # twins
    twins = np.flatnonzero(deliv != np.arange(deliv.size))
    members = np.unique(np.r_[twins, deliv[twins]])
    sib = pl.DataFrame(
        {
            "delivery": deliv[members],
            "o_pop_row": members.astype(np.int64),
            "o_nik": population["NIK"].gather(pl.Series(members)).cast(pl.Int64),
            "o_sex": population["JENIS_KLMIN"].gather(pl.Series(members)),
        }
    )
    pairs = own.join(sib, on="delivery").filter(pl.col("o_nik") != pl.col("nik"))
    ok = (
        _one_serial_digit_apart(pairs["nik"].to_numpy(), pairs["o_nik"].to_numpy())
        if pairs.height
        else np.zeros(0, bool)
    )
    typo = pairs.filter(pl.Series(ok) & (pl.col("sex") == pl.col("o_sex")))
    twin_nik = _first_per_row(typo, "o_nik", n)
    together = pairs.join(own.select(o_pop_row="_pop_row", o_row="_row", o_cand="cand"), on="o_pop_row").filter(
        pl.col("o_cand") == pl.col("cand")
    )
    firsts = (
        together.group_by("delivery", "cand")
        .agg(r=pl.col("_row").unique().sort())
        .select(first=pl.col("r").list.get(0), second=pl.col("r").list.get(1, null_on_oob=True))
        .drop_nulls()
    )
    swap_row = pl.DataFrame({"_row": np.arange(n, dtype=np.int64)}).join(
        firsts.select(_row="first", swap_row="second"), on="_row", how="left", maintain_order="left"
    )["swap_row"]
    # namesakes
    keys = base.select(
        _row=pl.int_range(pl.len(), dtype=pl.Int64),
        p=pl.col("NIK").str.slice(0, 12),
        nama="NAMA_LGKP",
        nik=pl.col("NIK").cast(pl.Int64),
        kk="NO_KK",
        ibu="NAMA_LGKP_IBU",
        kode="kode_wilayah",
        alamat="ALAMAT",
    )
    others = (
        population.lazy()
        .select(
            p=pl.col("NIK").str.slice(0, 12),
            nama="NAMA_LGKP",
            o_nik=pl.col("NIK").cast(pl.Int64),
            o_kk="NO_KK",
            o_ibu="NAMA_LGKP_IBU",
            o_kode="kode_wilayah",
            o_alamat="ALAMAT",
        )
        .join(keys.lazy().select("p", "nama").unique(), on=["p", "nama"])
        .collect(engine="in-memory")
    )
    ns = keys.join(others, on=["p", "nama"]).filter(
        (pl.col("o_nik") != pl.col("nik"))
        & (pl.col("o_kk") != pl.col("kk"))
        & (pl.col("o_ibu") != pl.col("ibu"))
        & (pl.col("o_kode") != pl.col("kode"))
        & (pl.col("o_alamat") != pl.col("alamat"))
    )
    ok = _one_serial_digit_apart(ns["nik"].to_numpy(), ns["o_nik"].to_numpy()) if ns.height else np.zeros(0, bool)
    namesake_nik = _first_per_row(ns.filter(pl.Series(ok)), "o_nik", n)
    # other members of the family card
    hh_ids = base["hh_id"].unique()
    fam = population.select(
        "hh_id", o_nik=pl.col("NIK").cast(pl.Int64), o_pop_row=pl.int_range(pl.len(), dtype=pl.Int64)
    ).filter(pl.col("hh_id").is_in(hh_ids.implode()))
    fam = fam.with_columns(o_delivery=pl.Series(deliv[fam["o_pop_row"].to_numpy()]))
    fp = own.join(fam, on="hh_id").filter(
        (pl.col("o_nik") != pl.col("nik")) & (pl.col("o_delivery") != pl.col("delivery"))
    )
    ok = _one_typo_apart(fp["nik"].to_numpy(), fp["o_nik"].to_numpy()) if fp.height else np.zeros(0, bool)
    family_nik = _first_per_row(fp.filter(pl.Series(ok)), "o_nik", n)
    return pl.DataFrame(
        {
            "twin_nik": _str_ints_nullable(twin_nik),
            "swap_row": swap_row,
            "namesake_nik": _str_ints_nullable(namesake_nik),
            "family_nik": _str_ints_nullable(family_nik),
        }
    )


def _str_ints_nullable(x: pl.Series) -> pl.Series:
    return x.cast(pl.String).str.zfill(16)


def _lookalike_truth(
    population: pl.DataFrame, base: pl.DataFrame, typed: np.ndarray, nik_true: np.ndarray, excluded: np.ndarray
) -> tuple[pl.Series, pl.Series]:
    """``lookalike_nik``: the real Dukcapil NIK, other than the person's own, that a row's NIK digits
    spell (null otherwise); ``lookalike_relation``: who that is to the person: ``twin`` (same
    delivery), ``family`` (same family card), ``namesake`` (same name, birth date and sex) or ``other``."""
    n = typed.size
    hit = (typed != nik_true) & ~excluded
    hit &= pl.Series(typed).is_in(population["NIK"].cast(pl.Int64).implode()).to_numpy()
    rows = np.flatnonzero(hit)
    nik = pl.Series("lookalike_nik", [None] * n, dtype=pl.String)
    rel = pl.Series("lookalike_relation", [None] * n, dtype=pl.String)
    if rows.size == 0:
        return nik, rel
    deliv = _deliveries(population)
    me = (
        base[pl.Series(rows)]
        .select("hh_id", "NAMA_LGKP", "TGL_LHR", "JENIS_KLMIN", "_pop_row")
        .with_columns(o_nik=pl.Series(typed[rows]), delivery=pl.Series(deliv[base["_pop_row"].to_numpy()[rows]]))
    )
    other = population.select(
        o_nik=pl.col("NIK").cast(pl.Int64),
        o_hh="hh_id",
        o_nama="NAMA_LGKP",
        o_tgl="TGL_LHR",
        o_sex="JENIS_KLMIN",
        o_pop_row=pl.int_range(pl.len(), dtype=pl.Int64),
    ).filter(pl.col("o_nik").is_in(pl.Series(typed[rows]).implode()))
    other = other.with_columns(o_delivery=pl.Series(deliv[other["o_pop_row"].to_numpy()]))
    j = me.join(other, on="o_nik", how="left", maintain_order="left").select(
        pl.col("o_nik").cast(pl.String).str.zfill(16),
        pl.when((pl.col("o_hh") == pl.col("hh_id")) & (pl.col("o_delivery") == pl.col("delivery")))
        .then(pl.lit("twin"))
        .when(pl.col("o_hh") == pl.col("hh_id"))
        .then(pl.lit("family"))
        .when(
            (pl.col("o_nama") == pl.col("NAMA_LGKP"))
            & (pl.col("o_tgl") == pl.col("TGL_LHR"))
            & (pl.col("o_sex") == pl.col("JENIS_KLMIN"))
        )
        .then(pl.lit("namesake"))
        .otherwise(pl.lit("other"))
        .alias("r"),
    )
    return nik.scatter(rows, j["o_nik"]), rel.scatter(rows, j["r"])


# ------------------------------------------------------------------------------------------------
# Nama panggilan (call names). Each function returns the call name per row, null where its
# pattern does not apply; the registered name is never returned.
# ------------------------------------------------------------------------------------------------
_PANGGILAN_RE = "^(?:" + "|".join(re.escape(w) for w in N.AWALAN_PANGGILAN) + r") (\S+)"
_NOT_A_CALL_NAME = (
    N.MUHAMMAD_VARIAN
    + N.MUHAMMAD_DUKCAPIL
    + ("ABDUL", "ABD.", "ANDI", "A.", "TEUKU", "T.", "CUT", "I", "NI", "BR", "BR.")
    + N.TIONGHOA_MARGA_LAMA
)
_SU_RE = r"(?:^|\s)SU([BCDGHJKLMNPRSTWY](?:[AEIOU]|[RY][AEIOU])\S{2,})(?:\s|$)"


def _call_name_sunda(rng: np.random.Generator, nama: pl.Series, female: np.ndarray, culture: np.ndarray) -> pl.Series:
    """Sundanese: UJANG / ASEP (boys), NENG / EUIS (girls), alone or before the given name (ASEP RAHMAT)."""
    n = nama.len()
    pick = rng.integers(0, 2, n)
    with_name = rng.random(n) < 0.6
    boys, girls = N.PANGGILAN_SUNDA_LAKI, N.PANGGILAN_SUNDA_PEREMPUAN
    g = pl.Series(
        np.where(female, np.asarray(girls, dtype=object)[pick], np.asarray(boys, dtype=object)[pick]).tolist(),
        dtype=pl.String,
    )
    alt = pl.Series(
        np.where(female, np.asarray(girls, dtype=object)[1 - pick], np.asarray(boys, dtype=object)[1 - pick]).tolist(),
        dtype=pl.String,
    )
    generic = list(boys + girls)
    return _expr_on(
        nama,
        pl.when(pl.col("sunda"))
        .then(
            pl.when(pl.col("s").str.extract(r"^(\S+)", 1) == pl.col("g"))
            .then(pl.col("alt"))
            .otherwise(pl.col("g"))
            .pipe(
                lambda word: (
                    pl.when(pl.col("w") & pl.col("s").str.extract(_GIVEN_RE, 2).is_in(generic).not_())
                    .then(word + " " + pl.col("s").str.extract(_GIVEN_RE, 2))
                    .otherwise(word)
                )
            )
        )
        .pipe(lambda call: pl.when(call != pl.col("s")).then(call)),
        g=g,
        alt=alt,
        w=with_name,
        sunda=culture == _C["sunda"],
    )


def _call_name_after_muhammad(nama: pl.Series) -> pl.Series:
    """The word after MUHAMMAD / SITI / NUR / AHMAD (and their spellings) alone: MUHAMMAD RIZKI -> RIZKI."""
    w = nama.str.extract(_PANGGILAN_RE, 1)
    return _expr_on(
        w,
        pl.when(
            ~pl.col("s").is_in(list(N.AWALAN_NAMA))
            & ~pl.col("s").str.contains(".", literal=True)
            & (pl.col("s").str.len_chars() >= 3)
        ).then(pl.col("s")),
    )


def _call_name_bali(nama: pl.Series) -> pl.Series:
    """A Balinese name without I / NI and the birth-order name: I WAYAN SUDARSANA -> SUDARSANA."""
    return nama.str.extract(_BALI_RE, 2)


def _call_name_su(nama: pl.Series, culture: np.ndarray) -> pl.Series:
    """A Javanese name without its SU-: SUTRISNO -> TRISNO, SUWARNI -> WARNI (that word alone)."""
    w = nama.str.extract(_SU_RE, 1)
    return _expr_on(w, pl.when(pl.col("jawa")).then(pl.col("s")), jawa=culture == _C["jawa"])


def _call_name_first_word(nama: pl.Series) -> pl.Series:
    """Only the first word of a multi-word name (not a title, an abbreviation or a clan name)."""
    w = nama.str.extract(r"^(\S+) \S", 1)
    return _expr_on(
        w,
        pl.when(
            ~pl.col("s").is_in(list(_NOT_A_CALL_NAME))
            & ~pl.col("s").str.contains(".", literal=True)
            & (pl.col("s").str.len_chars() >= 3)
        ).then(pl.col("s")),
    )


def _call_names(rng: np.random.Generator, nama: pl.Series, female: np.ndarray, culture: np.ndarray) -> pl.DataFrame:
    """One column per call-name kind: the call name each row would get (null where it does not apply)."""
    return pl.DataFrame(
        {
            "call_name_sunda": _call_name_sunda(rng, nama, female, culture),
            "call_name_after_muhammad": _call_name_after_muhammad(nama),
            "call_name_bali": _call_name_bali(nama),
            "call_name_su": _call_name_su(nama, culture),
            "call_name_first_word": _call_name_first_word(nama),
        }
    )


def usulan(
    rng: np.random.Generator,
    population: pl.DataFrame,
    n_rows: int,
    *,
    periode: str,
    noise_rates: Mapping[str, float] | None = None,
    noise_mix: str = "dev",
) -> pl.DataFrame:
    """The proposal rows of ``periode``: whole households, split into files per province, with noise.

    Returns the usulan contract columns (:data:`USULAN_COLUMNS`, all strings, as they will be
    written) plus ``kode_prov``, ``file_index``, ``sumber_file``, ``sumber_baris``, ``file_style``
    and the truth: ``true_nik`` (null for ghosts), ``true_no_kk``, ``true_jenis_usulan``,
    ``noise`` (comma-separated kinds of :data:`DEFAULT_NOISE_RATES`, "" when clean),
    ``expect_valid``, ``lookalike_nik`` (the real Dukcapil NIK, not the person's own, that the
    row's NIK digits spell: the twin, namesake or family member a typo lands on; null otherwise)
    and ``lookalike_relation`` (that person: ``twin``, ``family``, ``namesake`` or ``other``).
    Rows are sorted by ``file_index`` and ``sumber_baris``. ``noise_mix`` names the rates
    (:data:`NOISE_MIXES`); ``noise_rates`` overrides some of them.

    Examples
    --------
    >>> rng = np.random.default_rng(3)
    >>> pop = population(rng, 400, periode="2026-01")
    >>> rows = usulan(rng, pop, 100, periode="2026-01", noise_rates={"nik_typo": 0.5})
    >>> int(rows["noise"].str.contains("nik_typo").sum()) > 20
    True
    """
    rates = _resolve_rates(noise_rates, noise_mix)
    ref = _day(periode_start(periode))
    n_pop = population.height
    if not 0 < n_rows <= n_pop:
        raise ValueError(f"n_rows must be in 1..{n_pop} (the population size)")

    # ---- which households, which rows ---------------------------------------------------------
    hh_col = population["hh_id"].to_numpy()
    starts = np.flatnonzero(np.r_[True, hh_col[1:] != hh_col[:-1]])
    sizes = np.diff(np.r_[starts, n_pop])
    dead = population["TGL_MATI"].is_not_null().to_numpy()
    n_dead = np.add.reduceat(dead.astype(np.int64), starts)
    H = starts.size
    perm = rng.permutation(H)
    jenis_h = _choice(rng, _JENIS_P, H)
    jenis_h = np.where((n_dead > 0) & (rng.random(H) < 0.5), 2, jenis_h)
    md = (jenis_h == 2) & (n_dead > 0)  # HAPUS: MENINGGAL DUNIA, only the dead members
    rows_h = np.where(md, n_dead, sizes)
    cum = np.cumsum(rows_h[perm])
    if cum[-1] < n_rows:  # asking for (nearly) everyone: HAPUS households then come whole
        md[:] = False
        rows_h = sizes
        cum = np.cumsum(rows_h[perm])
    k = int(np.searchsorted(cum, n_rows)) + 1
    sel = perm[:k]
    rep = sizes[sel]
    row_idx = np.repeat(starts[sel], rep) + (np.arange(rep.sum()) - np.repeat(np.cumsum(rep) - rep, rep))
    cand = np.repeat(np.arange(k), rep)
    keep = ~md[sel][cand] | dead[row_idx]
    row_idx, cand = row_idx[keep][:n_rows], cand[keep][:n_rows]
    base = population[pl.Series(row_idx)].with_columns(_pop_row=pl.Series(row_idx.astype(np.int64)))
    jenis = jenis_h[sel][cand]

    # ---- families that moved: decided per household, before the files (a row goes to the
    # province of the village it carries) -------------------------------------------------------
    base = base.with_columns(
        _relocation=pl.Series(np.zeros(n_rows, dtype=np.int8)),
        _kode_usulan="kode_wilayah",
        _alamat_usulan="ALAMAT",
        _kk_usulan="NO_KK",
    )
    moving = _relocated_households(rng, k, rates, ~md[sel])
    if moving.any():
        base = _relocate(rng, base, cand, moving, population, ref)

    # ---- order into files: province, then regency, 1-4 files per province -------------------
    prov = base["_kode_usulan"].str.slice(0, 2)
    kab = base["_kode_usulan"].str.slice(0, 4)
    order = (
        pl.DataFrame({"prov": prov, "kab": kab, "cand": cand, "pos": base["pos"], "i": np.arange(n_rows)})
        .sort("prov", "kab", "cand", "pos")["i"]
        .to_numpy()
    )
    base, jenis, cand = base[pl.Series(order)], jenis[order], cand[order]
    prov_np = base["_kode_usulan"].str.slice(0, 2).to_numpy().astype(str)
    new_hh = np.r_[True, cand[1:] != cand[:-1]]
    prov_codes, prov_i = np.unique(prov_np, return_inverse=True)
    n_files_p = _choice(rng, (0.3, 0.3, 0.25, 0.15), prov_codes.size) + 1
    prov_start = np.searchsorted(prov_i, np.arange(prov_codes.size))
    prov_total = np.bincount(prov_i, minlength=prov_codes.size)
    hh_first_row = np.maximum.accumulate(np.where(new_hh, np.arange(n_rows), 0))
    frac = (hh_first_row - prov_start[prov_i]) / prov_total[prov_i]
    file_no = np.floor(frac * n_files_p[prov_i]).astype(np.int64)
    key = prov_i * 10 + file_no
    _, file_index = np.unique(key, return_inverse=True)
    first_in_file = np.r_[True, file_index[1:] != file_index[:-1]]
    file_start = np.flatnonzero(first_in_file)
    sumber_baris = np.arange(n_rows) - file_start[file_index] + 1
    # number files 1.. within the province
    fprov = prov_i[file_start]
    fnum = np.arange(file_start.size) - np.searchsorted(fprov, fprov) + 1
    kab_first = base["_kode_usulan"].str.slice(0, 4).gather(pl.Series(file_start))
    fnames = pl.DataFrame({"kab": kab_first, "n": fnum}).select(
        pl.format("usulan_{}_{}_{}.csv", "kab", pl.lit(periode), "n")
    )[:, 0]
    n_files = file_start.size
    f_date = _choice(rng, (0.45, 0.35, 0.20), n_files)
    f_long_sex = rng.random(n_files) < 0.25
    f_dotted = rng.random(n_files) < 0.4

    # ---- what the truth knows about each row ---------------------------------------------------
    female = (base["JENIS_KLMIN"] == "PEREMPUAN").to_numpy()
    bd = base["TGL_LHR"].cast(pl.Int32).to_numpy().astype(np.int64)
    culture = base["culture"].to_numpy().astype(np.int64)
    nama = base["NAMA_LGKP"]
    nik_true = base["NIK"].cast(pl.Int64).to_numpy()
    kk_true = base["NO_KK"].cast(pl.Int64).to_numpy()
    hh_rows_rank, hh_rows_n = _group_rank(cand, np.arange(n_rows))
    y0, m0, d0 = _ymd(bd)
    look = _lookalikes(population, base, cand)
    call = _call_names(rng, nama, female, culture)

    # ---- choose the noise ------------------------------------------------------------------------
    n = n_rows
    has_space = nama.str.contains(" ").to_numpy()
    modern_th = nama.str.extract(r"(\S+)$", 1).is_in([m for m, _ in N.TIONGHOA_BENTUK]).to_numpy()
    applicable = {
        "nik_other_member": hh_rows_n >= 2,
        "nik_excel_zero16": nik_true % 10 != 0,
        "name_muhammad": nama.str.contains(_MUHAMMAD_RE).to_numpy(),
        "name_spelling": np.isin(culture, _EJAAN_CULTURES),
        "name_title": (ref - bd) / _YEAR >= 25,
        "name_bin": np.isin(culture, _MUSLIM_CULTURES),
        "name_abbrev": has_space,
        "name_reorder": has_space,
        "name_chinese_form": modern_th,
        "date_swap": (d0 <= 12) & (d0 != m0),
        "invalid_missing_alasan": np.isin(jenis, (2, 3)),
        "nik_typo_twin": look["twin_nik"].is_not_null().to_numpy(),
        "nik_swap_twin": look["swap_row"].is_not_null().to_numpy(),
        "nik_typo_namesake": look["namesake_nik"].is_not_null().to_numpy(),
        "nik_typo_family": look["family_nik"].is_not_null().to_numpy(),
        **{kind: call[kind].is_not_null().to_numpy() for kind in NOISE_GROUPS["call_name"]},
        **{kind: np.zeros(n, dtype=bool) for kind in NOISE_GROUPS["relocation"]},  # drawn per household above
    }
    # a swap is drawn on the first twin's row and applied to both
    fl = _assign_groups(rng, n, rates | {"nik_swap_twin": rates["nik_swap_twin"] / 2}, applicable)
    relocation = base["_relocation"].to_numpy()
    fl["relocated"], fl["relocated_old_form"] = relocation == 1, relocation == 2
    swap_first = np.flatnonzero(fl["nik_swap_twin"])
    swap_second = look["swap_row"].to_numpy()[swap_first].astype(np.int64) if swap_first.size else swap_first
    for kind in NOISE_GROUPS["nik_lookalike"]:
        fl[kind][swap_second] = False
    fl["nik_swap_twin"][swap_second] = True
    formula_in_nama = rng.random(n) < 0.5
    # conflicts: an invalid field takes precedence over the noise of that field
    clear_name = fl["invalid_empty_nama"] | (fl["invalid_formula"] & formula_in_nama)
    for kind in NOISE_GROUPS["name"] + NOISE_GROUPS["call_name"]:
        fl[kind] &= ~clear_name
    for kind in NOISE_GROUPS["date"]:
        fl[kind] &= ~fl["invalid_date"]
    fl["wilayah_style_mixed"] &= ~fl["invalid_wilayah"]
    # a look-alike NIK is the row's NIK; a call name comes with the right NIK and birth date
    lookalike = np.any(np.stack([fl[k] for k in NOISE_GROUPS["nik_lookalike"]]), axis=0)
    for kind in NOISE_GROUPS["call_name"]:
        fl[kind] &= ~lookalike
    called = np.any(np.stack([fl[k] for k in NOISE_GROUPS["call_name"]]), axis=0)
    for kind in NOISE_GROUPS["nik"]:
        fl[kind] &= ~(lookalike | called)
    fl["date_swap"] &= ~called
    for kind in _CALL_NAME_EXCLUDES:
        fl[kind] &= ~called
    for kind in NOISE_GROUPS["nik_form"]:
        fl[kind] &= ~fl["nik_excel_sci"]
    # one row per file carries characters whose bytes differ between UTF-8 and Windows-1252
    r_first = np.lexsort((rng.random(n), file_index))
    forced = np.zeros(n, dtype=bool)
    forced[r_first[np.r_[True, file_index[r_first][1:] != file_index[r_first][:-1]]]] = True
    forced &= ~(fl["invalid_formula"] & ~formula_in_nama)
    for kind in NOISE_GROUPS["alamat"]:
        fl[kind] &= ~forced
        fl[kind] &= ~(fl["invalid_formula"] & ~formula_in_nama)
    fl["alamat_nonascii"] |= forced

    # ---- ghosts: a person who is not in Dukcapil -------------------------------------------------
    ghost = np.flatnonzero(fl["ghost"])
    if ghost.size:
        g_bd = np.clip(bd[ghost] + rng.integers(-700, 700, ghost.size), ref - _years(90), ref - 2)
        gy, gm, gd = _ymd(g_bd)
        g_fam = base["fam"].to_numpy().astype(np.int64)[ghost]
        g_names = _compose_names(
            rng,
            culture[ghost],
            female[ghost],
            gy,
            g_fam,
            _clan_of(rng, g_fam, culture[ghost]),
            rng.integers(0, 4, ghost.size),
        )
        nama = nama.scatter(ghost, g_names)
        bd[ghost] = g_bd
        kec = base["_kode_usulan"].str.slice(0, 6).cast(pl.Int64).to_numpy()[ghost]
        g_prefix = kec * 1_000_000 + (gd + 40 * female[ghost]) * 10_000 + gm * 100 + gy % 100
    y, m, d = _ymd(bd)

    # ---- NIK -------------------------------------------------------------------------------------
    nik_val = nik_true.copy()
    digits = (nik_true[:, None] // 10 ** np.arange(15, -1, -1)) % 10
    rows = np.flatnonzero(fl["nik_typo"])
    p = rng.integers(0, 16, rows.size)
    old = digits[rows, p]
    new = (old + rng.integers(1, 10, rows.size)) % 10
    nik_val[rows] += (new - old) * 10 ** (15 - p)
    rows = np.flatnonzero(fl["nik_transpose"])
    diff = digits[rows, :-1] != digits[rows, 1:]
    p = np.argmax(rng.random((rows.size, 15)) * diff, axis=1)
    a_, b_ = digits[rows, p], digits[rows, p + 1]
    nik_val[rows] += (b_ - a_) * 10 ** (15 - p) + (a_ - b_) * 10 ** (14 - p)
    rows = np.flatnonzero(fl["nik_other_member"])
    nxt = np.where(hh_rows_rank + 1 < hh_rows_n, np.arange(n) + 1, np.arange(n) - hh_rows_rank)
    nik_val[rows] = nik_true[nxt[rows]]
    rows = np.flatnonzero(fl["nik_is_kk"])
    nik_val[rows] = kk_true[rows]
    rows = np.flatnonzero(fl["nik_excel_zero16"])
    nik_val[rows] -= nik_val[rows] % 10
    for kind, col in (
        ("nik_typo_twin", "twin_nik"),
        ("nik_typo_namesake", "namesake_nik"),
        ("nik_typo_family", "family_nik"),
    ):
        rows = np.flatnonzero(fl[kind])
        if rows.size:
            nik_val[rows] = look[col].gather(pl.Series(rows)).cast(pl.Int64).to_numpy()
    nik_val[swap_first], nik_val[swap_second] = nik_true[swap_second], nik_true[swap_first]
    pop_nik = population["NIK"].cast(pl.Int64).to_numpy()
    fab = np.flatnonzero(fl["nik_fabricated"])
    prefixes = np.r_[nik_true[fab] // 10_000, g_prefix if ghost.size else np.zeros(0, np.int64)].astype(np.int64)
    made = _fabricate_serials(rng, prefixes, pop_nik)
    nik_val[fab] = made[: fab.size]
    nik_val[ghost] = made[fab.size :]
    lookalike_nik, lookalike_relation = _lookalike_truth(
        population, base, nik_val, nik_true, fl["nik_excel_sci"] | fl["ghost"]
    )
    nik_s = _str_ints(nik_val, 16)
    rows = np.flatnonzero(fl["nik_excel_sci"])
    if rows.size:
        lead = nik_true[rows] // 10**10 + ((nik_true[rows] // 10**9) % 10 >= 5)
        # Excel shows 6 significant digits: 3201012345678901 -> 3.20101E+15
        lead_s = pl.Series(lead).cast(pl.String)
        sci_s = _expr_on(
            lead_s,
            (pl.col("s").str.slice(0, 1) + "." + pl.col("s").str.slice(1))
            .str.strip_chars_end("0")
            .str.strip_chars_end(".")
            + "E+15",
        )
        nik_s = nik_s.scatter(rows, sci_s)
    nik_s = _nik_forms(rng, nik_s, fl["nik_apostrophe"], fl["nik_spaces"], fl["nik_quoted"], fl["nik_dot0"])
    kk_s = base["_kk_usulan"]
    kk_form = fl["kk_format"]
    kk_kind = rng.integers(0, 3, n)
    kk_s = _nik_forms(
        rng, kk_s, kk_form & (kk_kind == 0), kk_form & (kk_kind == 1), np.zeros(n, bool), kk_form & (kk_kind == 2)
    )

    # ---- names: a call name first, then the written variants on top of it ---------------------
    for kind in NOISE_GROUPS["call_name"]:
        rows = np.flatnonzero(fl[kind])
        if rows.size:
            nama = nama.scatter(rows, call[kind].gather(pl.Series(rows)))
    father = _fathers(rng, population, base, culture, y)
    name_ops = {
        "name_spelling": lambda s, r: _spelling_variant(rng, s),
        "name_muhammad": lambda s, r: _muhammad_variant(rng, s),
        "name_title": lambda s, r: _title_variant(rng, s, female[r]),
        "name_bin": lambda s, r: s + pl.Series(np.where(female[r], " BINTI ", " BIN ")) + father.gather(r),
        "name_case": lambda s, r: _expr_on(
            s,
            pl.when(pl.col("lo")).then(pl.col("s").str.to_lowercase()).otherwise(pl.col("s").str.to_titlecase()),
            lo=rng.random(r.size) < 0.5,
        ),
        "name_spaces": lambda s, r: _space_variant(rng, s),
        "name_typo": lambda s, r: _name_typo(rng, s),
        "name_abbrev": lambda s, r: _expr_on(
            s,
            pl.when(pl.col("s").str.count_matches(" ") >= 2)
            .then(pl.col("s").str.replace(r"^(\S+) (\S)\S* ", "${1} ${2}. "))
            .otherwise(pl.col("s").str.replace(r"^(\S+) (\S)\S*$", "${1} ${2}")),
        ),
        "name_reorder": lambda s, r: _expr_on(
            s,
            pl.when(pl.col("first"))
            .then(pl.col("s").str.replace(r"^(\S+) (.+)$", "${2} ${1}"))
            .otherwise(pl.col("s").str.replace(r"^(.+) (\S+)$", "${2} ${1}")),
            first=rng.random(r.size) < 0.5,
        ),
        "name_chinese_form": lambda s, r: _chinese_form(s),
    }
    for kind, op in name_ops.items():
        rows = np.flatnonzero(fl[kind])
        if rows.size == 0:
            continue
        new_s = op(nama.gather(rows), rows)
        same = (new_s == nama.gather(rows)).to_numpy()
        if same.any():  # the variant did not change this name: it gets a typo instead
            new_s = new_s.scatter(np.flatnonzero(same), _name_typo(rng, new_s.filter(pl.Series(same))))
            fl[kind][rows[same]] = False
            fl["name_typo"][rows[same]] = True
        nama = nama.scatter(rows, new_s)

    # ---- dates, sex, region code ----------------------------------------------------------------
    fmt = f_date[file_index].copy()
    mixed = fl["date_format_mixed"]
    fmt[mixed] = (fmt[mixed] + rng.integers(1, 3, int(mixed.sum()))) % 3
    sw = fl["date_swap"]
    tgl = _render_dates(y, np.where(sw, d, m), np.where(sw, m, d), fmt)
    rows = np.flatnonzero(fl["date_excel_serial"])
    tgl = tgl.scatter(rows, pl.Series(bd[rows] - _EXCEL_EPOCH).cast(pl.String))
    long_sex = f_long_sex[file_index] ^ fl["sex_style_mixed"]
    jk = _gather(("L", "P", "LAKI-LAKI", "PEREMPUAN"), female.astype(np.int64) + 2 * long_sex)
    dotted = f_dotted[file_index] ^ fl["wilayah_style_mixed"]
    kode = base["_kode_usulan"]
    rows = np.flatnonzero(fl["invalid_wilayah"])
    if rows.size:
        bad = np.where(
            rng.random(rows.size) < 0.7,
            kode.gather(rows).str.slice(0, 6).cast(pl.Int64).to_numpy() * 10_000
            + 9000
            + rng.integers(0, 1000, rows.size),
            9_900_000_000 + rng.integers(0, 100_000_000, rows.size),
        )
        kode = kode.scatter(rows, _str_ints(bad, 10))
    kode_s = _dotted(kode, dotted)

    # ---- alamat ----------------------------------------------------------------------------------
    alamat = base["_alamat_usulan"]
    desa = wilayah.villages().select("kode_wilayah", "nama_desa")
    rows = np.flatnonzero(fl["alamat_comma"])
    if rows.size:
        names = (
            pl.DataFrame({"kode_wilayah": base["_kode_usulan"].gather(rows)})
            .join(desa, on="kode_wilayah", how="left", maintain_order="left")["nama_desa"]
            .str.to_uppercase()
        )
        alamat = alamat.scatter(
            rows, alamat.gather(rows).str.replace(" RT ", ", RT ", literal=True) + ", DESA " + names
        )
    rows = np.flatnonzero(fl["alamat_quote"])
    alamat = _subset_apply(alamat, rows, lambda s: s.str.replace(r"^(JL\.|GG\.|DUSUN|KP\.|PERUM) (\S+)", '${1} "${2}"'))
    rows = np.flatnonzero(fl["alamat_newline"])
    alamat = _subset_apply(alamat, rows, lambda s: s.str.replace(" RT ", "\nRT ", literal=True))
    rows = np.flatnonzero(fl["alamat_nonascii"])
    if rows.size:
        v = rng.integers(0, len(_NONASCII), rows.size)
        sub = alamat.gather(rows)
        sub = _expr_on(
            sub,
            pl.when(pl.col("v") == 0)
            .then(pl.col("s").str.replace(" RT ", " – RT ", literal=True))
            .otherwise(pl.col("s") + pl.col("tail")),
            v=v,
            tail=_gather(_NONASCII, v),
        )
        alamat = alamat.scatter(rows, sub)

    # ---- the rest of the row ---------------------------------------------------------------------
    age = (ref - bd) / _YEAR
    u = rng.random(n)
    hamil = female & (age >= 18) & (age <= 45) & (u < 0.05) & np.isin(base["STAT_HBKEL"].to_numpy(), ROLES[:4])
    disab = rng.random(n) < np.where(age >= 60, 0.03, 0.008)
    sek = np.select(
        [
            (age >= 7) & (age < 13) & (u < 0.93),
            (age >= 13) & (age < 16) & (u < 0.85),
            (age >= 16) & (age < 19) & (u < 0.75),
        ],
        [1, 2, 3],
        0,
    )
    alasan_i = rng.random(n)
    alasan = pl.select(
        pl.when(pl.lit(pl.Series(jenis == 2) & pl.Series(md[sel][cand])))
        .then(pl.lit("MENINGGAL DUNIA"))
        .when(pl.lit(pl.Series(jenis == 2)))
        .then(pl.lit(_gather(_ALASAN_HAPUS, (alasan_i * 5).astype(np.int64))))
        .when(pl.lit(pl.Series(jenis == 3)))
        .then(pl.lit(_gather(_ALASAN_SANGGAH, (alasan_i * 7).astype(np.int64))))
        .when(pl.lit(pl.Series(jenis == 1)))
        .then(pl.lit(_gather(_ALASAN_PERBAIKAN, (alasan_i * 5).astype(np.int64))))
        .otherwise(pl.lit(""))
    ).to_series()
    jenis_s = _gather(JENIS_USULAN, jenis)

    # ---- invalid rows ----------------------------------------------------------------------------
    rows = np.flatnonzero(fl["invalid_empty_nama"])
    nama = nama.scatter(rows, _gather(("", "", " ", "-"), rng.integers(0, 4, rows.size))) if rows.size else nama
    rows = np.flatnonzero(fl["invalid_date"])
    if rows.size:
        t = _gather(_INVALID_DATES, rng.integers(0, len(_INVALID_DATES), rows.size))
        tgl = tgl.scatter(
            rows, _expr_on(t, pl.col("s").str.replace("{y}", pl.col("y"), literal=True), y=_str_ints(y[rows], 4))
        )
    rows = np.flatnonzero(fl["invalid_jenis_usulan"])
    jenis_s = (
        jenis_s.scatter(rows, _gather(_INVALID_JENIS, rng.integers(0, len(_INVALID_JENIS), rows.size)))
        if rows.size
        else jenis_s
    )
    rows = np.flatnonzero(fl["invalid_formula"])
    if rows.size:
        f = _gather(_FORMULAS, rng.integers(0, len(_FORMULAS), rows.size))
        in_nama = formula_in_nama[rows]
        nama = nama.scatter(rows[in_nama], f.filter(pl.Series(in_nama))) if in_nama.any() else nama
        alamat = alamat.scatter(rows[~in_nama], f.filter(pl.Series(~in_nama))) if (~in_nama).any() else alamat
    rows = np.flatnonzero(fl["invalid_missing_alasan"])
    alasan = alasan.scatter(rows, pl.Series([""] * rows.size, dtype=pl.String)) if rows.size else alasan

    # ---- truth -----------------------------------------------------------------------------------
    kinds = list(DEFAULT_NOISE_RATES)
    noise = pl.DataFrame({k: fl[k] for k in kinds}).select(
        pl.concat_str([pl.when(pl.col(k)).then(pl.lit(k)) for k in kinds], separator=",", ignore_nulls=True).alias(
            "noise"
        )
    )["noise"]
    expect_valid = ~np.any(np.stack([fl[k] for k in INVALID_KINDS]), axis=0)
    true_nik = pl.select(
        pl.when(pl.lit(pl.Series(fl["ghost"]))).then(pl.lit(None, pl.String)).otherwise(pl.lit(base["NIK"]))
    ).to_series()
    style = pl.DataFrame(
        {
            "d": _gather(_DATE_FORMATS, f_date),
            "s": _gather(("L/P", "LAKI-LAKI/PEREMPUAN"), f_long_sex.astype(np.int64)),
            "w": _gather(("plain", "dotted"), f_dotted.astype(np.int64)),
        }
    ).select(pl.format("tanggal_lahir={};jenis_kelamin={};kode_wilayah={}", "d", "s", "w"))[:, 0]

    return pl.DataFrame(
        {
            "jenis_usulan": jenis_s,
            "nik": nik_s,
            "no_kk": kk_s,
            "nama": nama,
            "tempat_lahir": base["TMPT_LHR"],
            "tanggal_lahir": tgl,
            "jenis_kelamin": jk,
            "hubungan_keluarga": base["STAT_HBKEL"],
            "nama_ibu_kandung": base["NAMA_LGKP_IBU"],
            "alamat": alamat,
            "kode_wilayah": kode_s,
            "hamil": _gather(("N", "Y"), hamil.astype(np.int64)),
            "disabilitas_berat": _gather(("N", "Y"), disab.astype(np.int64)),
            "jenjang_sekolah": _gather(("TIDAK", "SD", "SMP", "SMA"), sek),
            "alasan": alasan,
            "kode_prov": pl.Series(prov_np),
            "file_index": pl.Series(file_index.astype(np.int32)),
            "sumber_file": fnames.gather(pl.Series(file_index)),
            "sumber_baris": pl.Series(sumber_baris.astype(np.int32)),
            "file_style": style.gather(pl.Series(file_index)),
            "true_nik": true_nik,
            "true_no_kk": base["NO_KK"],
            "true_jenis_usulan": _gather(JENIS_USULAN, jenis),
            "noise": noise,
            "expect_valid": pl.Series(expect_valid),
            "lookalike_nik": lookalike_nik,
            "lookalike_relation": lookalike_relation,
        }
    )


def _nik_forms(
    rng: np.random.Generator,
    s: pl.Series,
    apostrophe: np.ndarray,
    spaces: np.ndarray,
    quoted: np.ndarray,
    dot0: np.ndarray,
) -> pl.Series:
    n = s.len()
    sp = _gather((" {} ", "{} ", "  {}", " {}  "), rng.integers(0, 4, n))
    e = (
        pl.when(pl.col("a"))
        .then("'" + pl.col("s"))
        .when(pl.col("sp"))
        .then(pl.col("pad").str.replace("{}", pl.col("s"), literal=True))
        .when(pl.col("q"))
        .then('"' + pl.col("s") + '"')
        .when(pl.col("d"))
        .then(pl.col("s") + ".0")
        .otherwise(pl.col("s"))
    )
    return _expr_on(s, e, a=apostrophe, sp=spaces, q=quoted, d=dot0, pad=sp)


def _title_variant(rng: np.random.Generator, s: pl.Series, female: np.ndarray) -> pl.Series:
    n = s.len()
    pre = np.where(female, _draw_list(rng, N.GELAR_DEPAN_PEREMPUAN, n), _draw_list(rng, N.GELAR_DEPAN_LAKI, n))
    post = _draw_list(rng, N.GELAR_BELAKANG, n)
    before = rng.random(n) < 0.6
    return _expr_on(
        s,
        pl.when(pl.col("b")).then(pl.col("pre") + " " + pl.col("s")).otherwise(pl.col("s") + pl.col("post")),
        b=before,
        pre=pl.Series(pre),
        post=pl.Series(post),
    )


def _draw_list(rng: np.random.Generator, words: tuple[str, ...], n: int) -> np.ndarray:
    return np.asarray(words, dtype=object)[rng.integers(0, len(words), n)]


def _space_variant(rng: np.random.Generator, s: pl.Series) -> pl.Series:
    v = rng.integers(0, 4, s.len())
    return _expr_on(
        s,
        pl.when((pl.col("v") == 0) & pl.col("s").str.contains(" "))
        .then(pl.col("s").str.replace(" ", "  ", literal=True))
        .when(pl.col("v") == 1)
        .then(" " + pl.col("s"))
        .when(pl.col("v") == 2)
        .then(pl.col("s") + "  ")
        .otherwise(" " + pl.col("s").str.replace_all(" ", "  ", literal=True) + " "),
        v=v,
    )


def _chinese_form(s: pl.Series) -> pl.Series:
    out = s
    for modern, clan in N.TIONGHOA_BENTUK:
        out = out.str.replace(rf"(^|\s){modern}$", f"${{1}}{clan}")
    return out


def _fathers(
    rng: np.random.Generator, population: pl.DataFrame, base: pl.DataFrame, culture: np.ndarray, birth_year: np.ndarray
) -> pl.Series:
    """For BIN/BINTI: the father's name (the male head or SUAMI for children), else a made-up one."""
    n = base.height
    hh_ids = base["hh_id"]
    dads = population.filter(
        pl.col("hh_id").is_in(hh_ids.unique().implode())
        & (
            ((pl.col("STAT_HBKEL") == "KEPALA KELUARGA") & (pl.col("JENIS_KLMIN") == "LAKI-LAKI"))
            | (pl.col("STAT_HBKEL") == "SUAMI")
        )
    ).select("hh_id", dad="NAMA_LGKP")
    known = (
        pl.DataFrame({"hh_id": hh_ids, "role": base["STAT_HBKEL"]})
        .join(dads, on="hh_id", how="left", maintain_order="left")
        .select(pl.when(pl.col("role") == "ANAK").then(pl.col("dad")))["dad"]
    )
    made = _compose_names(
        rng,
        culture,
        np.zeros(n, dtype=bool),
        birth_year - 28,
        np.full(n, -1),
        np.full(n, -1),
        np.zeros(n, dtype=np.int64),
    )
    # a father's "name" for bin/binti is usually just his first one or two words
    made = made.str.extract(r"^(\S+(?: \S+)?)", 1)
    return known.fill_null(made)


# ------------------------------------------------------------------------------------------------
# CSV dialects of the usulan files
# ------------------------------------------------------------------------------------------------
def usulan_dialects(rng: np.random.Generator, files: pl.Series | list[str]) -> pl.DataFrame:
    """How each usulan file is written: one row per file.

    Columns: ``sumber_file``, ``delimiter`` ("," or ";"), ``encoding`` ("utf-8" or "cp1252"),
    ``bom`` (UTF-8 BOM), ``line_terminator`` ("\\n" or "\\r\\n"), ``trailing_blank_lines`` (0-3),
    ``header_case`` (lower, upper, title, spaced), ``quote_all``, ``extra_column`` (null or the
    name of an unknown column), ``extra_first`` (put it first), ``column_order`` (comma-joined
    contract column names, shuffled in some files).
    """
    names = pl.Series("sumber_file", files, dtype=pl.String)
    k = names.len()
    enc = _choice(rng, (0.55, 0.20, 0.25), k)  # utf-8, utf-8 + BOM, cp1252
    extra = _choice(rng, (0.70, 0.12, 0.10, 0.08), k)
    shuffled = rng.random(k) < 0.3
    keys = rng.random((k, len(USULAN_COLUMNS)))
    orders = np.where(shuffled[:, None], np.argsort(keys, axis=1), np.arange(len(USULAN_COLUMNS))[None, :])
    cols = pl.DataFrame({f"c{j}": _gather(USULAN_COLUMNS, orders[:, j]) for j in range(len(USULAN_COLUMNS))})
    column_order = cols.select(pl.concat_str(pl.all(), separator=",").alias("o"))["o"]
    return pl.DataFrame(
        {
            "sumber_file": names,
            "delimiter": _gather((",", ";"), (rng.random(k) < 0.35).astype(np.int64)),
            "encoding": _gather(("utf-8", "utf-8", "cp1252"), enc),
            "bom": pl.Series(enc == 1),
            "line_terminator": _gather(("\n", "\r\n"), (rng.random(k) < 0.5).astype(np.int64)),
            "trailing_blank_lines": pl.Series(np.where(rng.random(k) < 0.3, rng.integers(1, 4, k), 0).astype(np.int32)),
            "header_case": _gather(("lower", "upper", "title", "spaced"), _choice(rng, (0.5, 0.25, 0.1, 0.15), k)),
            "quote_all": pl.Series(rng.random(k) < 0.15),
            "extra_column": pl.select(
                pl.when(pl.lit(pl.Series(extra > 0))).then(
                    pl.lit(_gather(("", "NO", "KETERANGAN", "Catatan Petugas"), extra))
                )
            ).to_series(),
            "extra_first": pl.Series(rng.random(k) < 0.5),
            "column_order": column_order,
        }
    )
