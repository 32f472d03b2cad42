"""Hypothesis strategies that build small, messy data roots for the whole monthly flow, with the
outcome the generator expects for every row it writes (where that outcome is unambiguous).

A root is a handful of Dukcapil families in real villages (``transforms.wilayah.villages()``),
their DTSEN deciles, some reference and feedback files, and two or three consecutive periods of
usulan CSV files in ``inbox/<periode>/<kode_prov>/``. Each period is a list of *events*; an event
is about one person (at most one event per person and period, so that rows of different events
never interact in matching or deduplication) and writes one to three rows:

===============  ==========================================================================
BARU             a clean proposal of a member (accepted; SUDAH_ADA_DI_REGISTER if registered)
PERBAIKAN        a clean correction of a registered member (accepted)
HAPUS            a clean removal of a registered member (accepted; leaves the register)
SANGGAH          a clean objection against a registered member (accepted)
TANPA_REGISTER   PERBAIKAN / HAPUS / SANGGAH of someone never registered (refused,
                 TIDAK_ADA_DI_REGISTER)
HANTU_BARU       a BARU of a person Dukcapil does not know, under a fabricated NIK (refused)
NIK_ORANG_LAIN   a BARU of a person Dukcapil does not know, under another (real) person's NIK
                 (refused, NAMA_TIDAK_SESUAI, padan to no one)
GANDA            two or three rows of one proposal, written alike or in forms that clean to the same
                 values (one accepted, the rest BARIS_GANDA)
BERTENTANGAN     two proposals of one person that disagree (BARU/BARU, or for a registered member
                 PERBAIKAN/PERBAIKAN, PERBAIKAN/HAPUS, BARU/HAPUS): both refused, USULAN_BERTENTANGAN
RUSAK            a row with one defect that must refuse it (empty name, 31-02, unknown jenis,
                 unknown or other-province region, formula, NUL byte, lost leading digit,
                 unquoted delimiter)
KABUR            a BARU behind a damaged NIK (Excel scientific notation, a one-digit typo, a
                 fabricated NIK with the real person's data, another family member's NIK): the
                 outcome is the matcher's call, but if it is padan it must be to the right person
===============  ==========================================================================

"Clean" rows still arrive the way Excel and village offices write them (apostrophe or ``.0`` on
the NIK, four date forms, sex as L/P or words, names in any case, old spelling, with titles,
degrees, bin/binti, abbreviated, reordered or with a typo, dotted region codes, addresses with
commas, quotes and line breaks), in files with either delimiter, UTF-8 with or without BOM
or Windows-1252, LF or CRLF, shuffled or re-cased headers, unknown extra columns and blank
records. Besides the CSVs a period may hold a binary upload and a file outside any province folder
(both quarantined) and files the run must not read (an Office lock file, a hidden file, an upload
in progress).

Persons have roles: ``anggota`` (members: only clean events, so the generator knows who is
registered), ``kabur`` (only damaged-NIK events; whether they get in is the matcher's call),
``asing`` (strangers: in Dukcapil, never proposed with BARU) and ``hantu`` (ghosts: not in
Dukcapil at all).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import builders
import polars as pl
from hypothesis import strategies as st

D = dt.date
HEADER = builders.HEADER  # the usulan header, written once by hand (tests/builders.py)
OPTIONAL_DROPPABLE = ("tempat_lahir", "nama_ibu_kandung")
PERIODS = ("2026-10", "2026-11", "2026-12")

# Name words: every person gets a first and a last word no one else in the root has, so that two
# persons never look alike to the matcher; ghosts draw from their own pools.
FIRST = [
    "BUDI",
    "SITI",
    "AGUS",
    "RINA",
    "YOHANES",
    "MARIA",
    "DEWI",
    "JOKO",
    "NUR",
    "AHMAD",
    "WAYAN",
    "KETUT",
    "HENDRA",
    "FITRI",
    "BAMBANG",
    "LESTARI",
    "YUSUF",
    "ROSTINA",
    "CAHYO",
    "ULFAH",
    "TEGUH",
    "MAGDALENA",
    "SYAMSUL",
    "PURNAMA",
    "SLAMET",
    "OKTAVIA",
    "KHAIRUL",
    "HALIMAH",
    "SUKARNO",
    "ZAINAB",
]
LAST = [
    "SANTOSO",
    "AMINAH",
    "WENDA",
    "KOGOYA",
    "LESTARININGSIH",
    "HARAHAP",
    "SIREGAR",
    "PANJAITAN",
    "MANURUNG",
    "SUDIRMAN",
    "PRATAMA",
    "KUSUMAWATI",
    "TAMBUNAN",
    "RAHAYU",
    "HIDAYAT",
    "NAINGGOLAN",
    "SETIAWAN",
    "FAUZIAH",
    "MAHMUD",
    "LATUCONSINA",
    "PATTIASINA",
    "RUMBIAK",
    "SIMANJUNTAK",
    "WARDOYO",
    "KARTIKA",
    "BATUBARA",
    "NUGROHO",
    "TUASIKAL",
    "SUMBAYAK",
    "OPPUSUNGGU",
]
GHOST_FIRST = ["XAVERIUS", "QOMARIAH", "ZULFIKAR", "VERONIKA", "IGNATIUS", "FELISITAS"]
GHOST_LAST = ["KWIRINUS", "ZEBUA", "QUELJOE", "VLEKKE", "XIMENES", "IJZERMAN"]
MOTHERS = ["SUMIATI", "PARTINAH", "RATNA SARI", "MARTHA IYAI", "CHADIJAH", "WAGINEM"]
ALAMAT = [
    "JL. MAWAR NO. 1",
    "Jl. Melati, RT 02/RW 03",
    'Gg. "Ujung" No. 7',
    "Dusun Krajan\nRT 01",
    "Jl. Kenari \u2013 Blok C",
    "Kp. Caf\u00e9, Desa Sukamaju",
    "",
]
PEKERJAAN = [
    "PETANI/PEKEBUN",
    "WIRASWASTA",
    "MENGURUS RUMAH TANGGA",
    "BURUH HARIAN LEPAS",
    "PEGAWAI NEGERI SIPIL",
    "PEDAGANG",
    "NELAYAN/PERIKANAN",
]
ALASAN = {
    "HAPUS": ["PINDAH", "MENINGGAL DUNIA", "SUDAH MAMPU"],
    "SANGGAH": ["Rumah permanen, punya mobil", "Suami bekerja di kota"],
    "PERBAIKAN": ["", "koreksi data sekolah"],
}


# ---------------------------------------------------------------------------------------------
# the world: villages, persons, families
# ---------------------------------------------------------------------------------------------


@cache
def village_codes() -> tuple[str, ...]:
    from transforms.wilayah import villages

    return tuple(villages()["kode_wilayah"])


@cache
def province_codes() -> tuple[str, ...]:
    return tuple(sorted({c[:2] for c in village_codes()}))


class _Shown:
    """Hypothesis prints a failing example through ``_repr_pretty_``: use the short ``__repr__``."""

    def _repr_pretty_(self, p, cycle) -> None:
        p.text(repr(self))


@dataclass(frozen=True)
class Person(_Shown):
    nik: str
    no_kk: str
    nama: str
    tgl_lahir: dt.date
    jk: str  # L / P
    hubungan: str
    kode_wilayah: str
    ibu: str
    pekerjaan: str
    tgl_mati: dt.date | None
    role: str  # anggota / kabur / asing / hantu

    @property
    def prov(self) -> str:
        return self.kode_wilayah[:2]

    def __repr__(self) -> str:  # short: hypothesis prints the whole root
        mati = f" mati={self.tgl_mati}" if self.tgl_mati else ""
        return (
            f"Person({self.role} {self.nik} {self.nama!r} {self.tgl_lahir} {self.jk} {self.hubungan} kk={self.no_kk} "
            f"desa={self.kode_wilayah}{mati})"
        )


def nik_for(kode_kec: str, born: dt.date, jk: str, serial: int) -> str:
    """A structurally real NIK: district, DDMMYY with +40 on the day for women, serial 0001-9999."""
    day = born.day + (40 if jk == "P" else 0)
    return f"{kode_kec}{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}"


@st.composite
def birth_dates(draw, lo: int, hi: int) -> dt.date:
    return draw(st.dates(D(lo, 1, 1), D(hi, 12, 31)))


@st.composite
def worlds(draw):
    """Families of the Dukcapil extract, each in a real village, plus ghosts; every person with a role."""
    codes = village_codes()
    n_fam = draw(st.integers(1, 4))
    firsts = draw(st.permutations(FIRST))
    lasts = draw(st.permutations(LAST))
    persons: list[Person] = []
    serial = draw(st.integers(1, 9000))
    for _ in range(n_fam):
        desa = codes[draw(st.integers(0, len(codes) - 1))]
        kec = desa[:6]
        recorded = draw(birth_dates(2005, 2025))
        no_kk = f"{kec}{recorded:%d%m%y}{serial:04d}"
        members = [("KEPALA KELUARGA", draw(st.sampled_from("LP")), (1945, 1990))]
        if draw(st.booleans()):
            members.append(("ISTRI", "P", (1950, 1995)))
        members += [("ANAK", draw(st.sampled_from("LP")), (2000, 2022)) for _ in range(draw(st.integers(0, 2)))]
        for hub, jk, (lo, hi) in members:
            i = len(persons)
            born = draw(birth_dates(lo, hi))
            serial += 1
            # a NIK keeps the district where it was first issued: mostly here, sometimes elsewhere
            nik_kec = kec if draw(st.integers(0, 3)) else draw(st.sampled_from(codes))[:6]
            persons.append(
                Person(
                    nik=nik_for(nik_kec, born, jk, serial),
                    no_kk=no_kk,
                    nama=f"{firsts[i]} {lasts[i]}",
                    tgl_lahir=born,
                    jk=jk,
                    hubungan=hub,
                    kode_wilayah=desa,
                    ibu=draw(st.sampled_from(MOTHERS)),
                    pekerjaan=draw(st.sampled_from(PEKERJAAN)) if hub != "ANAK" else "PELAJAR/MAHASISWA",
                    tgl_mati=draw(st.none() | st.dates(D(2020, 1, 1), D(2026, 9, 30))) if hub != "ANAK" else None,
                    role=draw(st.sampled_from(["anggota", "anggota", "kabur", "asing"])),
                )
            )
        serial += 1
    ghosts = []
    for g in range(draw(st.integers(0, 3))):
        desa = codes[draw(st.integers(0, len(codes) - 1))]
        born = draw(birth_dates(1950, 2010))
        jk = draw(st.sampled_from("LP"))
        serial += 1
        no_kk = draw(st.sampled_from([p.no_kk for p in persons] + [f"{desa[:6]}010120{serial:04d}"]))
        ghosts.append(
            Person(
                nik=nik_for(desa[:6], born, jk, serial),
                no_kk=no_kk,
                nama=f"{GHOST_FIRST[g]} {GHOST_LAST[g]}",
                tgl_lahir=born,
                jk=jk,
                hubungan=draw(st.sampled_from(["KEPALA KELUARGA", "ANAK", "FAMILI LAIN"])),
                kode_wilayah=desa,
                ibu="",
                pekerjaan="",
                tgl_mati=None,
                role="hantu",
            )
        )
    return persons, ghosts


# ---------------------------------------------------------------------------------------------
# rows and their expected outcomes
# ---------------------------------------------------------------------------------------------


@dataclass
class Row(_Shown):
    fields: dict[str, str]  # contract column -> value as written
    event: int
    kind: str  # the event kind (BARU, RUSAK, ...)
    truth: str | None  # the Dukcapil NIK of the person the row is about (None: a ghost)
    hasil: str | None = None  # expected DITERIMA / DITOLAK, None when it is the matcher's call
    codes: tuple[str, ...] = ()  # reason codes the outcome must carry
    status_padan: str | None = None  # expected status_padan when unambiguous
    damage: str | None = None  # write-time damage: "shift" (unquoted delimiter) or "nul"
    home: str = ""  # the province folder it goes to
    # where it was written (set by ``write_root``)
    kode_prov: str = ""
    sumber_file: str = ""
    sumber_baris: int = 0

    def __repr__(self) -> str:
        f = self.fields
        return (
            f"Row(ev{self.event} {self.kind} {f['jenis_usulan']!r} nik={f['nik']!r} kk={f['no_kk']!r} "
            f"nama={f['nama']!r} tgl={f['tanggal_lahir']!r} jk={f['jenis_kelamin']!r} "
            f"hub={f['hubungan_keluarga']!r} desa={f['kode_wilayah']!r} dis={f['disabilitas_berat']!r} "
            f"alasan={f['alasan']!r}{' damage=' + self.damage if self.damage else ''} -> "
            f"{self.hasil or '?'} {list(self.codes)})"
        )

    @property
    def key(self) -> tuple[str, str, int]:
        return self.kode_prov, self.sumber_file, self.sumber_baris


@st.composite
def written_id(draw, digits: str) -> str:
    """A 16-digit id as a clean row may carry it out of Excel: as is, with a leading apostrophe, a
    trailing .0, or spaces between groups."""
    style = draw(st.sampled_from(["plain", "plain", "apostrophe", "dot0", "spaces"]))
    return {
        "plain": digits,
        "apostrophe": "'" + digits,
        "dot0": digits + ".0",
        "spaces": " ".join(digits[i : i + 4] for i in range(0, 16, 4)),
    }[style]


@st.composite
def written_date(draw, d: dt.date) -> str:
    style = draw(st.sampled_from(["%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d", "serial"]))
    return str((d - D(1899, 12, 30)).days) if style == "serial" else d.strftime(style)


# new -> old spelling (the matcher reads old spelling back: OE->U, DJ->J, TJ->C, SJ->SY, CH->KH, J->Y)
OLD_SPELLING = [("U", "OE"), ("J", "DJ"), ("C", "TJ"), ("SY", "SJ"), ("KH", "CH"), ("Y", "J")]


@st.composite
def written_name(draw, nama: str) -> str:
    """The person's name as a village office writes it: in any case, and now and then in old
    spelling, with a title, a degree or a bin/binti clause, abbreviated, reordered or with one
    letter wrong. With the NIK, birth date, sex and family card agreeing, the matcher must still
    find the person (domain.md, step 3)."""
    first, last = nama.split(" ", 1)
    variant = draw(
        st.sampled_from(
            ["as_is", "as_is", "as_is", "old_spelling", "title", "degree", "bin", "abbreviated", "reordered", "typo"]
        )
    )
    if variant == "old_spelling":
        rules = [(a, b) for a, b in OLD_SPELLING if a in nama]
        if rules:
            a, b = draw(st.sampled_from(rules))
            nama = nama.replace(a, b)
    elif variant == "title":
        nama = draw(st.sampled_from(["H. ", "HJ. ", "DRS. ", "IR. "])) + nama
    elif variant == "degree":
        nama += draw(st.sampled_from([", S.Pd.", " S.E.", ", A.Md."]))
    elif variant == "bin":
        nama += draw(st.sampled_from([" BIN ", " BINTI "])) + draw(st.sampled_from(["AHMAD", "SUPARMAN", "WAGIMAN"]))
    elif variant == "abbreviated":
        nama = f"{first} {last[0]}."
    elif variant == "reordered":
        nama = f"{last} {first}"
    elif variant == "typo":
        word = max((first, last), key=len)
        i = draw(st.integers(1, len(word) - 2))
        letter = draw(st.sampled_from([c for c in "AEIOU" if c != word[i]]))
        nama = nama.replace(word, word[:i] + letter + word[i + 1 :], 1)
    style = draw(st.sampled_from(["upper", "title", "lower", "spaced"]))
    return {"upper": nama, "title": nama.title(), "lower": nama.lower(), "spaced": f"  {nama.title()} "}[style]


@st.composite
def clean_fields(draw, p: Person, jenis: str) -> dict[str, str]:
    """A well-formed row about ``p`` that any careful reader resolves to ``p``."""
    sex_words = {"L": ["L", "LAKI-LAKI", "l"], "P": ["P", "PEREMPUAN", "p"]}
    desa = p.kode_wilayah
    return {
        "jenis_usulan": draw(st.sampled_from([jenis, jenis.lower(), f" {jenis.title()} "])),
        "nik": draw(written_id(p.nik)),
        "no_kk": draw(written_id(p.no_kk)),
        "nama": draw(written_name(p.nama)),
        "tempat_lahir": draw(st.sampled_from(["", "BOGOR", "Jayapura"])),
        "tanggal_lahir": draw(written_date(p.tgl_lahir)),
        "jenis_kelamin": draw(st.sampled_from(sex_words[p.jk])),
        "hubungan_keluarga": draw(st.sampled_from([p.hubungan, p.hubungan.title()])),
        "nama_ibu_kandung": draw(st.sampled_from(["", p.ibu])),
        "alamat": draw(st.sampled_from(ALAMAT)),
        "kode_wilayah": draw(st.sampled_from([desa, f"{desa[:2]}.{desa[2:4]}.{desa[4:6]}.{desa[6:]}"])),
        "hamil": draw(st.sampled_from(["", "N"] + (["Y"] if p.jk == "P" and p.hubungan != "ANAK" else []))),
        "disabilitas_berat": draw(st.sampled_from(["", "N", "Y"])),
        "jenjang_sekolah": draw(st.sampled_from(["", "SD", "SMP", "SMA"] if p.hubungan == "ANAK" else ["", "TIDAK"])),
        "alasan": draw(st.sampled_from(ALASAN[jenis])) if jenis in ALASAN else "",
    }


@st.composite
def same_cleaned(draw, p: Person, f: dict[str, str]) -> dict[str, str]:
    """``f`` written again in other forms that clean to the same values (the NIK and No KK with
    apostrophe / .0 / spaces, another date form, sex as a word, a dotted region code, jenis and
    hubungan in another case): a repeat of the same proposal."""
    sex_words = {"L": ["L", "LAKI-LAKI", "l"], "P": ["P", "PEREMPUAN", "p"]}
    desa = p.kode_wilayah
    jenis = f["jenis_usulan"].strip().upper()
    return dict(
        f,
        jenis_usulan=draw(st.sampled_from([jenis, jenis.lower(), f" {jenis.title()} "])),
        nik=draw(written_id(p.nik)),
        no_kk=draw(written_id(p.no_kk)),
        tanggal_lahir=draw(written_date(p.tgl_lahir)),
        jenis_kelamin=draw(st.sampled_from(sex_words[p.jk])),
        hubungan_keluarga=draw(st.sampled_from([p.hubungan, p.hubungan.title()])),
        kode_wilayah=draw(st.sampled_from([desa, f"{desa[:2]}.{desa[2:4]}.{desa[4:6]}.{desa[6:]}"])),
    )


DEFECTS = (
    "NAMA_KOSONG",
    "TANGGAL_LAHIR_TIDAK_VALID",
    "JENIS_USULAN_TIDAK_DIKENAL",
    "KODE_WILAYAH_TIDAK_DIKENAL",
    "KODE_WILAYAH_BEDA_PROVINSI",
    "NILAI_FORMULA",
    "KARAKTER_TIDAK_SAH",
    "NIK_FORMAT_SALAH",
    "KOLOM_BERLEBIH",
)


@st.composite
def defective_row(draw, p: Person, event: int) -> tuple[Row, str | None]:
    """A row about ``p`` with one defect that refuses it; returns the row and the province folder it
    goes to when that is not the person's own (KODE_WILAYAH_BEDA_PROVINSI)."""
    jenis = draw(st.sampled_from(["BARU", "PERBAIKAN", "HAPUS", "SANGGAH"]))
    f = draw(clean_fields(p, jenis))
    defect = draw(st.sampled_from(DEFECTS))
    folder = None
    damage = None
    if defect == "NAMA_KOSONG":
        f["nama"] = draw(st.sampled_from(["", "   ", "-", "123"]))
    elif defect == "TANGGAL_LAHIR_TIDAK_VALID":
        f["tanggal_lahir"] = draw(
            st.sampled_from(
                [f"31-02-{p.tgl_lahir.year}", f"30/02/{p.tgl_lahir.year}", f"{p.tgl_lahir.year}-13-01", "kemarin"]
            )
        )
    elif defect == "JENIS_USULAN_TIDAK_DIKENAL":
        f["jenis_usulan"] = draw(st.sampled_from(["TAMBAH", "", "UBAH"]))
    elif defect == "KODE_WILAYAH_TIDAK_DIKENAL":
        f["kode_wilayah"] = draw(st.sampled_from([p.kode_wilayah[:6] + "0000", "9999999999", "32.01.02"]))
        assert f["kode_wilayah"] not in set(village_codes())  # (32.01.02 is a district, not a village)
    elif defect == "KODE_WILAYAH_BEDA_PROVINSI":
        folder = draw(st.sampled_from([c for c in province_codes() if c != p.prov]))
    elif defect == "NILAI_FORMULA":
        col = draw(st.sampled_from(["nama", "alamat"]))
        f[col] = f'=HYPERLINK("http://bit.ly/x","{p.nama.title()}")'
    elif defect == "KARAKTER_TIDAK_SAH":
        damage = "nul"
    elif defect == "NIK_FORMAT_SALAH":
        f["nik"] = p.nik[1:]  # Excel lost the leading digit: 15 digits
    elif defect == "KOLOM_BERLEBIH":
        damage = "shift"
    return Row(
        fields=f,
        event=event,
        kind=f"RUSAK:{defect}",
        truth=p.nik if p.role != "hantu" else None,
        hasil="DITOLAK",
        codes=(defect,),
        damage=damage,
    ), folder


@st.composite
def fuzzy_row(
    draw, p: Person, event: int, extract_niks: frozenset[str], relatives: list[Person]
) -> tuple[Row, str | None]:
    """A BARU of ``p`` behind a NIK Excel or a typist damaged, or another family member's NIK (then
    also returned, as that member is involved in the row)."""
    f = draw(clean_fields(p, "BARU"))
    how = draw(st.sampled_from(["excel", "typo", "fabricated"] + (["keluarga"] if relatives else [])))
    owner = None
    if how == "keluarga":  # the NIK of another member of the family
        owner = draw(st.sampled_from(relatives)).nik
        f["nik"] = draw(written_id(owner))
    elif how == "excel":
        f["nik"] = f"{int(p.nik):.5E}"  # 3.20101E+15
    elif how == "typo":
        pos = draw(st.integers(6, 15))
        digit = draw(st.sampled_from([d for d in "0123456789" if d != p.nik[pos]]))
        f["nik"] = p.nik[:pos] + digit + p.nik[pos + 1 :]
    else:
        serial = draw(st.integers(1, 9999))
        f["nik"] = p.nik[:12] + f"{serial:04d}"
        if f["nik"] in extract_niks:
            f["nik"] = p.nik[:12] + "0000"  # structurally wrong serial: still unknown to Dukcapil
    return Row(fields=f, event=event, kind=f"KABUR:{how}", truth=p.nik), owner


# ---------------------------------------------------------------------------------------------
# periods: events over the planned register
# ---------------------------------------------------------------------------------------------

EVENT_KINDS = (
    "BARU",
    "PERBAIKAN",
    "HAPUS",
    "SANGGAH",
    "TANPA_REGISTER",
    "HANTU_BARU",
    "NIK_ORANG_LAIN",
    "GANDA",
    "BERTENTANGAN",
    "RUSAK",
    "KABUR",
)


@dataclass
class Period(_Shown):
    periode: str
    rows: list[Row]
    planned_after: frozenset[str] = frozenset()  # members the generator expects registered after it


@st.composite
def periods(draw, persons: list[Person], ghosts: list[Person]) -> list[Period]:
    members = [p for p in persons if p.role == "anggota"]
    fuzzy = [p for p in persons if p.role == "kabur"]
    strangers = [p for p in persons if p.role == "asing"]
    extract_niks = frozenset(p.nik for p in persons)
    planned: set[str] = set()
    ever: set[str] = set()
    out = []
    event = 0
    for periode in PERIODS[: draw(st.integers(2, 3))]:
        rows: list[Row] = []
        used: set[str] = set()
        start = set(planned)
        for _ in range(draw(st.integers(0, 10))):
            free = lambda ps, used=used: [p for p in ps if p.nik not in used]  # noqa: E731
            pools = {
                "BARU": free(members),
                "GANDA": free(members),
                "BERTENTANGAN": free(members),
                "PERBAIKAN": [p for p in free(members) if p.nik in start],
                "HAPUS": [p for p in free(members) if p.nik in start],
                "SANGGAH": [p for p in free(members) if p.nik in start],
                "TANPA_REGISTER": free(strangers) + free(ghosts) + [p for p in free(members) if p.nik not in ever],
                "HANTU_BARU": free(ghosts),
                "NIK_ORANG_LAIN": free(ghosts) if free(persons) else [],
                "RUSAK": free(persons) + free(ghosts),
                "KABUR": free(fuzzy),
            }
            possible = [k for k in EVENT_KINDS if pools[k]]
            if not possible:
                break
            kind = draw(st.sampled_from(possible))
            p = draw(st.sampled_from(pools[kind]))
            used.add(p.nik)
            event += 1
            registered = p.nik in start
            if kind in ("BARU", "PERBAIKAN", "HAPUS", "SANGGAH"):
                codes = ("SUDAH_ADA_DI_REGISTER",) if kind == "BARU" and registered else ()
                rows.append(Row(draw(clean_fields(p, kind)), event, kind, p.nik, "DITERIMA", codes, "PADAN"))
                if kind in ("BARU", "PERBAIKAN"):
                    planned.add(p.nik)
                    ever.add(p.nik)
                elif kind == "HAPUS":
                    planned.discard(p.nik)
            elif kind == "TANPA_REGISTER":
                jenis = draw(st.sampled_from(["PERBAIKAN", "HAPUS", "SANGGAH"]))
                truth = p.nik if p.role != "hantu" else None
                rows.append(
                    Row(
                        draw(clean_fields(p, jenis)),
                        event,
                        kind,
                        truth,
                        "DITOLAK",
                        ("TIDAK_ADA_DI_REGISTER",),
                        "PADAN" if truth else "TIDAK_PADAN",
                    )
                )
            elif kind == "HANTU_BARU":
                rows.append(Row(draw(clean_fields(p, "BARU")), event, kind, None, "DITOLAK", (), "TIDAK_PADAN"))
            elif kind == "NIK_ORANG_LAIN":
                owner = draw(st.sampled_from(free(persons)))
                used.add(owner.nik)
                f = draw(clean_fields(p, "BARU"))
                f["nik"] = draw(written_id(owner.nik))
                rows.append(Row(f, event, kind, None, "DITOLAK", ("NAMA_TIDAK_SESUAI",), "TIDAK_PADAN"))
            elif kind == "GANDA":
                jenis = draw(st.sampled_from(["PERBAIKAN", "HAPUS", "SANGGAH"])) if registered else "BARU"
                f = draw(clean_fields(p, jenis))
                for _ in range(draw(st.integers(2, 3))):
                    rows.append(Row(draw(same_cleaned(p, f)), event, kind, p.nik, None, (), "PADAN"))
                if jenis in ("BARU", "PERBAIKAN"):
                    planned.add(p.nik)
                    ever.add(p.nik)
                elif jenis == "HAPUS":
                    planned.discard(p.nik)
            elif kind == "BERTENTANGAN":
                # two proposals for one person that say different things: BARU/BARU, or for someone
                # registered PERBAIKAN/PERBAIKAN, PERBAIKAN/HAPUS, BARU/HAPUS
                pairs = [("BARU", "BARU")] + (
                    [("PERBAIKAN", "PERBAIKAN"), ("PERBAIKAN", "HAPUS"), ("BARU", "HAPUS")] if registered else []
                )
                first, second = draw(st.sampled_from(pairs))
                f = draw(clean_fields(p, first))
                other = dict(draw(clean_fields(p, second)) if second != first else f)
                if second == first:
                    other["disabilitas_berat"] = "Y" if f["disabilitas_berat"] != "Y" else "N"
                codes = ("USULAN_BERTENTANGAN",)
                for fields in (f, other):
                    rows.append(Row(fields, event, kind, p.nik, "DITOLAK", codes, "PADAN"))
            elif kind == "RUSAK":
                row, folder = draw(defective_row(p, event))
                row.home = folder or p.prov
                rows.append(row)
            elif kind == "KABUR":
                relatives = [q for q in free(persons) if q.no_kk == p.no_kk]
                row, owner = draw(fuzzy_row(p, event, extract_niks, relatives))
                used.add(owner or p.nik)
                rows.append(row)
            for row in rows:
                row.home = row.home or p.prov
        out.append(Period(periode, rows, frozenset(planned)))
    return out


# ---------------------------------------------------------------------------------------------
# files
# ---------------------------------------------------------------------------------------------


@dataclass
class FileSpec(_Shown):
    kode_prov: str
    name: str  # path inside the province folder
    kind: str  # csv / binary (quarantined) / misplaced (not in a province folder) / ignored
    rows: list[Row | None] = field(default_factory=list)  # None: a blank record
    delimiter: str = ","
    encoding: str = "utf-8"  # utf-8 / utf-8-sig / cp1252
    newline: str = "\n"
    columns: list[str] = field(default_factory=lambda: list(HEADER))
    header_case: str = "lower"
    extra_column: bool = False
    leading_blank: bool = False
    trailing_delimiter: bool = False  # every data record ends with an empty field beyond the header
    not_read: str | None = None  # expected diabaikan code for kind == "ignored"

    def __repr__(self) -> str:
        fmt = f"{self.encoding} {self.delimiter!r} {self.newline!r} {self.header_case}{' +kolom' if self.extra_column else ''}"
        return f"File({self.kode_prov}/{self.name} {self.kind} {fmt} rows={self.rows!r})"


@st.composite
def csv_format(draw) -> dict:
    cols = list(HEADER)
    for c in OPTIONAL_DROPPABLE:
        if draw(st.booleans()):
            cols.remove(c)
    if draw(st.booleans()):
        cols = draw(st.permutations(cols))
    return dict(
        delimiter=draw(st.sampled_from([",", ";"])),
        encoding=draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"])),
        newline=draw(st.sampled_from(["\n", "\r\n"])),
        columns=list(cols),
        header_case=draw(st.sampled_from(["lower", "title", "upper"])),
        extra_column=draw(st.booleans()),
        leading_blank=draw(st.booleans()),
        trailing_delimiter=draw(st.integers(0, 4)) == 0,
    )


@st.composite
def period_files(draw, period: Period) -> list[FileSpec]:
    """The period's rows spread over CSV files of their province folders, with blank records, plus
    now and then a binary upload and files the run must not read."""
    by_prov: dict[str, list[Row]] = {}
    for row in period.rows:
        by_prov.setdefault(row.home, []).append(row)
    files: list[FileSpec] = []
    for prov in sorted(by_prov):
        rows = draw(st.permutations(by_prov[prov]))
        n = draw(st.integers(1, min(3, len(rows))))
        cuts = (
            sorted(draw(st.lists(st.integers(1, len(rows) - 1), min_size=n - 1, max_size=n - 1, unique=True)))
            if len(rows) > 1
            else []
        )
        parts = [rows[a:b] for a, b in zip([0, *cuts], [*cuts, len(rows)])]
        for k, part in enumerate(parts):
            records: list[Row | None] = []
            for r in part:
                if draw(st.integers(0, 4)) == 0:  # a blank record (empty line or delimiters only) before it
                    records.append(None)
                records.append(r)
            records += [None] * draw(st.integers(0, 2))
            name = draw(
                st.sampled_from([f"usulan_{k + 1}.csv", f"USULAN KAB {k + 1}.csv", f"kab{k + 1:02d}/usulan.csv"])
            )
            files.append(FileSpec(prov, name, "csv", records, **draw(csv_format())))
    provs = sorted(by_prov) or ["32"]
    if draw(st.integers(0, 3)) == 0:
        files.append(
            FileSpec(draw(st.sampled_from(provs)), draw(st.sampled_from(["usulan.xlsx", "rusak.csv"])), "binary")
        )
    if draw(st.integers(0, 3)) == 0:
        name, code = draw(
            st.sampled_from(
                [
                    ("~$usulan_1.csv", "FILE_KUNCI_OFFICE"),
                    (".usulan_lama.csv", "FILE_TERSEMBUNYI"),
                    ("usulan_2.csv.part", "FILE_BELUM_LENGKAP"),
                ]
            )
        )
        files.append(FileSpec(draw(st.sampled_from(provs)), name, "ignored", not_read=code))
    if draw(st.integers(0, 5)) == 0:  # not in a province folder: read for its hash, quarantined
        files.append(FileSpec(draw(st.sampled_from(["", "jabar"])), "usulan.csv", "misplaced"))
    # file names must be unique per province folder
    seen: set[tuple[str, str]] = set()
    for f in files:
        while (f.kode_prov, f.name) in seen:
            f.name = "x" + f.name
        seen.add((f.kode_prov, f.name))
    return files


# ---------------------------------------------------------------------------------------------
# the root
# ---------------------------------------------------------------------------------------------


@dataclass
class RootSpec(_Shown):
    persons: list[Person]
    ghosts: list[Person]
    desil: dict[str, int]
    sdm: list[str]  # NIKs of active SDM Kesos staff
    gis_tidak_layak: list[str]  # no_kk
    burekol: dict[str, list[str]]  # periode -> no_kk with an active account
    salur: dict[str, list[str]]  # periode -> no_kk whose BPNT tranche was paid
    periods: list[Period]
    files: dict[str, list[FileSpec]]  # periode -> files

    def __repr__(self) -> str:
        lines = ["RootSpec("]
        lines += [f"  {p!r}" for p in self.persons + self.ghosts]
        lines.append(
            f"  desil={self.desil} sdm={self.sdm} gis={self.gis_tidak_layak} burekol={self.burekol} salur={self.salur}"
        )
        for per in self.periods:
            lines.append(f"  {per.periode}: planned after {sorted(per.planned_after)}")
            lines += [f"    {f!r}" for f in self.files[per.periode]]
        return "\n".join(lines + [")"])


@st.composite
def data_roots(draw) -> RootSpec:
    persons, ghosts = draw(worlds())
    kks = sorted({p.no_kk for p in persons})
    desil = {kk: draw(st.integers(1, 10)) for kk in kks if draw(st.integers(0, 5)) > 0}
    sdm = [p.nik for p in persons if draw(st.integers(0, 9)) == 0]
    gis = [kk for kk in kks if draw(st.integers(0, 5)) == 0]
    ps = draw(periods(persons, ghosts))
    burekol = {per.periode: [kk for kk in kks if draw(st.integers(0, 3)) == 0] for per in ps}
    salur = {per.periode: [kk for kk in kks if draw(st.integers(0, 3)) == 0] for per in ps}
    files = {per.periode: draw(period_files(per)) for per in ps}
    return RootSpec(persons, ghosts, desil, sdm, gis, burekol, salur, ps, files)


def hand_root(persons: list[Person], periods: list[tuple[str, list[Row], set[str]]]) -> RootSpec:
    """A root written out by hand (for ``@example``): each period's rows in one plain UTF-8 comma
    file per province folder; ``periods`` are (periode, rows, members registered after it)."""
    files = {}
    for periode, rows, _ in periods:
        by_prov: dict[str, list[Row | None]] = {}
        for row in rows:
            row.home = row.home or row.fields["kode_wilayah"].replace(".", "")[:2]
            by_prov.setdefault(row.home, []).append(row)
        files[periode] = [FileSpec(prov, "usulan.csv", "csv", part) for prov, part in sorted(by_prov.items())]
    kks = sorted({p.no_kk for p in persons})
    return RootSpec(
        persons,
        [],
        {kk: 1 for kk in kks},
        [],
        [],
        {},
        {},
        [Period(periode, rows, frozenset(after)) for periode, rows, after in periods],
        files,
    )


def _csv_text(f: FileSpec) -> str:
    """The file's text; sets each row's sumber_file / sumber_baris."""
    header = list(f.columns) + (["Keterangan RT"] if f.extra_column else [])
    shown = [{"lower": h, "title": f" {h.title()} ", "upper": h.upper()}[f.header_case] for h in header]
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=f.delimiter, lineterminator=f.newline, quoting=csv.QUOTE_MINIMAL)
    if f.leading_blank:
        buf.write(f.newline)
    w.writerow(shown)
    for i, row in enumerate(f.rows, start=1):
        if row is None:
            buf.write(f.delimiter * (len(header) - 1) if i % 2 else "")
            buf.write(f.newline)
            continue
        row.kode_prov, row.sumber_file, row.sumber_baris = f.kode_prov, f.name, i
        values = dict(row.fields, **{"Keterangan RT": "catatan"})
        if row.damage == "shift":  # every field filled, so the value pushed past the header is not empty
            values = {k: (v if v.strip() else "N") for k, v in values.items()}
            values["alamat"] = "JL. MAWAR\x01 RT 02"
        if row.damage == "nul":
            values["nama"] = values["nama"][:3] + "\x02" + values["nama"][3:]
        w.writerow([values.get(c, "") for c in header] + ([""] if f.trailing_delimiter else []))
    return buf.getvalue().replace("\x01", f.delimiter).replace("\x02", "\x00")


def write_root(spec: RootSpec, root: Path) -> None:
    """Write the reference data and every period's inbox of ``spec`` under ``root``."""
    dk = root / "reference" / "dukcapil"
    dk.mkdir(parents=True)
    pl.DataFrame(
        [
            {
                "NIK": p.nik,
                "NO_KK": p.no_kk,
                "NAMA_LGKP": p.nama,
                "TMPT_LHR": "BOGOR",
                "TGL_LHR": p.tgl_lahir,
                "JENIS_KLMIN": "LAKI-LAKI" if p.jk == "L" else "PEREMPUAN",
                "NAMA_LGKP_IBU": p.ibu,
                "ALAMAT": "JL. MAWAR NO. 1",
                "NO_PROP": p.kode_wilayah[:2],
                "NO_KAB": p.kode_wilayah[2:4],
                "NO_KEC": p.kode_wilayah[4:6],
                "NO_KEL": p.kode_wilayah[6:],
                "JENIS_PKRJN": p.pekerjaan,
                "STAT_HBKEL": p.hubungan,
                "TGL_MATI": p.tgl_mati,
            }
            for p in spec.persons
        ],
        schema_overrides={"TGL_MATI": pl.Date},
    ).write_parquet(dk / "dukcapil.parquet")
    dtsen = root / "reference" / "dtsen"
    dtsen.mkdir(parents=True)
    pl.DataFrame(
        {
            "no_kk": list(spec.desil),
            "desil": list(spec.desil.values()),
            "tgl_update": [D(2026, 1, 5)] * len(spec.desil),
        },
        schema={"no_kk": pl.String, "desil": pl.Int64, "tgl_update": pl.Date},
    ).write_parquet(dtsen / "dtsen.parquet")
    by_nik = {p.nik: p for p in spec.persons}
    if spec.sdm:
        _text(
            root / "reference" / "sdm_kesos" / "sdm.csv",
            "nik,nama,jenis_sdm,kode_wilayah,aktif\n"
            + "".join(f"{n},{by_nik[n].nama},TKSK,{by_nik[n].kode_wilayah},Y\n" for n in spec.sdm),
        )
    if spec.gis_tidak_layak:
        _text(
            root / "reference" / "gis" / "gis.csv",
            "no_kk,hasil,tgl_verifikasi,lat,lon\n"
            + "".join(f"{kk},TIDAK LAYAK,2026-06-01,-6.5,106.8\n" for kk in spec.gis_tidak_layak),
        )
    heads = {}
    for p in spec.persons:
        heads.setdefault(p.no_kk, p.nik)
    for periode, kks in spec.burekol.items():
        if kks:
            _text(
                root / "feedback" / periode / "burekol" / "burekol.csv",
                "no_kk,nik_pengurus,bank,status_rekening,no_rekening\n"
                + "".join(f"{kk},{heads[kk]},BRI,AKTIF,00{i}\n" for i, kk in enumerate(kks)),
            )
    for periode, kks in spec.salur.items():
        if kks:
            _text(
                root / "feedback" / periode / "salur" / "salur.csv",
                "periode,program,no_kk,nik,status,nominal\n"
                + "".join(f"{periode},BPNT,{kk},{heads[kk]},SUKSES SPM,600000\n" for kk in kks),
            )
    for periode, files in spec.files.items():
        inbox = root / "inbox" / periode
        inbox.mkdir(parents=True)
        for f in files:
            path = inbox / f.kode_prov / f.name
            path.parent.mkdir(parents=True, exist_ok=True)
            if f.kind == "binary":
                path.write_bytes(b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)) * 4)
            elif f.kind in ("ignored", "misplaced"):
                path.write_text(",".join(HEADER) + "\nBARU,3201011505800001\n", encoding="utf-8")
            else:
                text = _csv_text(f)
                data = text.encode("cp1252" if f.encoding == "cp1252" else "utf-8")
                path.write_bytes((b"\xef\xbb\xbf" if f.encoding == "utf-8-sig" else b"") + data)


def _text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# reading what a run published
# ---------------------------------------------------------------------------------------------


def published(root: Path, periode: str) -> dict:
    from published import snapshot_tables

    snap = root / "snapshots" / f"periode={periode}"
    return {
        **snapshot_tables(root, periode),
        "manifest": json.loads((snap / "_manifest.json").read_text(encoding="utf-8")),
    }


def published_bytes(root: Path) -> dict[str, str]:
    """sha256 of every published file (the five public trees, links followed), and where the
    ``published`` pointer leads."""
    import hashlib

    out = {}
    for top in ("snapshots", "receipts", "disbursement", "analytics", "reports"):
        base = root / top
        if not base.exists():
            continue
        for p in sorted(base.rglob("*")):
            if p.is_file():
                out[str(p.relative_to(root))] = hashlib.sha256(p.read_bytes()).hexdigest()
    pointer = root / ".padan" / "published"
    out[".padan/published ->"] = str(pointer.resolve()) if pointer.exists() else ""
    return out
