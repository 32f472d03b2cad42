"""Cultures and their naming customs, as data: which cultures live in which province, the word
lists of every culture (one pool of words; a name is up to four indices into it) and the name
patterns per culture and sex with their weights.

:mod:`synthetic.naming` composes names from these; :mod:`synthetic.names` holds the words.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from synthetic import names as N

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
CULTURE_INDEX = {name: i for i, name in enumerate(CULTURES)}
# cultures whose names were written in the old spelling before 1972 (and may be re-spelled)
EJAAN_CULTURES = tuple(CULTURE_INDEX[c] for c in ("jawa", "sunda", "islam", "minang", "bugis", "aceh", "modern"))
MUSLIM_CULTURES = tuple(CULTURE_INDEX[c] for c in ("jawa", "sunda", "islam", "minang", "bugis", "aceh", "modern"))
FAM_LISTS = {
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
WORD_OFFSET: dict[str, tuple[int, int]] = {}
for _name, _words in _LISTS.items():
    WORD_OFFSET[_name] = (len(_POOL_WORDS), len(_words))
    _POOL_WORDS.extend(_words)
WORD_POOL = pl.Series("word", _POOL_WORDS, dtype=pl.String)

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
PATTERNS: dict[tuple[str, int], _Pat] = {
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
TH_CLAN_OF = np.full(WORD_OFFSET["M_TH"][1], -1, dtype=np.int64)
for _modern, _clan in N.TIONGHOA_BENTUK:
    if _modern in N.TIONGHOA_MARGA and _clan in N.TIONGHOA_MARGA_LAMA:
        TH_CLAN_OF[N.TIONGHOA_MARGA.index(_modern)] = WORD_OFFSET["M_TH_LAMA"][0] + N.TIONGHOA_MARGA_LAMA.index(_clan)

# which old-spelling rules (indices into EJAAN_LAMA) an old name uses, with their shares
OLD_PROFILES = ((0.45, (0, 1, 2, 3, 4, 5)), (0.20, (5,)), (0.20, (0, 1, 2, 3, 4)), (0.15, (0, 1, 5)))


def culture_mix(prov: str) -> np.ndarray:
    """The weights of the cultures (indices of :data:`CULTURES`) in province ``prov``."""
    mix = _CULTURE_MIX.get(prov) or _CULTURE_MIX.get(prov[0]) or _CULTURE_MIX["*"]
    p = np.zeros(len(CULTURES))
    for c, w in mix.items():
        p[CULTURE_INDEX[c]] = w
    return p / p.sum()
