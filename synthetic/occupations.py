"""Occupations (``JENIS_PKRJN``): the Dukcapil list and a draw consistent with age, sex and role."""

from __future__ import annotations

import numpy as np

from synthetic.common import choice
from synthetic.vocabulary import ISTRI, KK, MERTUA, ORANG_TUA

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


def pekerjaan(rng: np.random.Generator, age: np.ndarray, female: np.ndarray, role: np.ndarray) -> np.ndarray:
    """Occupation codes (index into :data:`PEKERJAAN`), consistent with age, sex and role."""
    n = age.size
    out = np.full(n, _PK["BELUM/TIDAK BEKERJA"], dtype=np.int64)
    u = rng.random(n)
    out[(age >= 5) & (age < 18) & (u < 0.92)] = _PK["PELAJAR/MAHASISWA"]
    dewasa_codes = np.array([_PK[k] for k in _KERJA_DEWASA])
    lansia_codes = np.array([_PK[k] for k in _KERJA_LANSIA])
    m = (age >= 18) & (age < 23)
    out[m] = np.where(u[m] < 0.35, _PK["PELAJAR/MAHASISWA"], dewasa_codes[choice(rng, _KERJA_DEWASA, int(m.sum()))])
    m = (age >= 23) & (age < 60)
    out[m] = dewasa_codes[choice(rng, _KERJA_DEWASA, int(m.sum()))]
    m = age >= 60
    out[m] = lansia_codes[choice(rng, _KERJA_LANSIA, int(m.sum()))]
    irt = (age >= 18) & female & np.isin(role, (ISTRI, KK, MERTUA, ORANG_TUA)) & (rng.random(n) < 0.45)
    out[irt] = _PK["MENGURUS RUMAH TANGGA"]
    aparat = (age >= 20) & (age < 58) & (rng.random(n) < 0.015)
    out[aparat] = np.array([_PK["PEGAWAI NEGERI SIPIL"], _PK["TENTARA NASIONAL INDONESIA"], _PK["KEPOLISIAN RI"]])[
        choice(rng, (0.6, 0.2, 0.2), int(aparat.sum()))
    ]
    return out
