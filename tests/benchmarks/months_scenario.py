"""An unseen three-month scenario over one Dukcapil population, with its own truth (issue 12, acceptance 2).

Month 1 (``FIRST`` = 2026-10) is a data root written by ``flows.generate.generate_data_root``; this
module writes the inboxes of months 2 and 3 (``LATER`` = 2026-11, 2026-12) next to it, over the same
Dukcapil extract, and keeps for every row what it is about and what it should do, plus the register
each month should end with. Nothing here imports the pipeline (``transforms``, ``flows.monthly``,
``schemas``, ``rules``): the expectations come from the population file, the month-1 truth, the
month-1 CSVs as written (read back with the ``csv`` module, using the dialect the generator recorded
in ``truth.json``) and the rows this module writes. ``measure`` compares a published snapshot with them.

Truth written (outside the data root)::

    <truth_dir>/months/<periode>/truth.parquet         one row per usulan data row (all three months)
    <truth_dir>/months/<periode>/expected_individu.parquet   who the register should hold after the month
    <truth_dir>/months/<periode>/corrections.parquet   (nik, kolom, lama, baru): fields a PERBAIKAN changes
    <truth_dir>/months/<periode>/removals.parquet      (nik, alasan): persons a valid HAPUS removes
    <truth_dir>/months/scenario.json                    parameters, counts per kind, the decisions below

What every row should do (``expected``):

* ``ADMIT``   a BARU of a real Dukcapil person (also behind a damaged or invented NIK: the generator's
  own semantics, whose truth marks such rows valid with the real person's NIK): the person is in the
  register afterwards, under their Dukcapil NIK.
* ``CORRECT`` a PERBAIKAN of a registered person: one field the register keeps from the usulan
  (kode_wilayah, jenjang_sekolah, hamil, disabilitas_berat, hubungan_keluarga) takes its new value;
  the row carries the person's other current values unchanged.
* ``REMOVE``  a HAPUS of a registered person (alasan MENINGGAL, PINDAH, MAMPU): they leave the register.
* ``FLAG``    a SANGGAH of a registered person: they stay, flagged.
* ``REFUSE``  the row must change nothing: a PERBAIKAN / HAPUS / SANGGAH of someone not registered
  (never registered, or removed in an earlier month), a BARU of a ghost (not in Dukcapil), the later
  copy of a duplicated row, and in month 1 every row the generator marks invalid, every ghost and
  every PERBAIKAN / HAPUS / SANGGAH (the register is empty before month 1).

Month 1's expectation (decision): present = persons of month-1 BARU rows with ``expect_valid`` and a
``true_nik`` (the generator's claim that the row carries enough evidence for a careful matcher, NIK
damage included). Rows even a careful matcher cannot resolve to a Dukcapil person are ghosts
(``true_nik`` null): never expected in the register. No other month-1 row is excused; a miss among
the rest counts against ``present`` and is reported with its noise kinds, so it can be judged.

Adversarial kinds: ``ADVERSARIAL_REFUSE`` must be refused; ``ADVERSARIAL_APPLY`` (a HAPUS whose NIK has
a one-digit typo, preferably onto another registered person's NIK; a BARU behind an invented NIK) must
act on the true person and never on the NIK as typed. Name spellings (old/new spelling, Muhammad
variants, titles, typos), NIK/date/sex/region written forms are noise on every kind of row.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import re
from pathlib import Path

import numpy as np
import polars as pl

from synthetic.core import styled_header  # the generator's header styles (not the pipeline)

FIRST = "2026-10"
LATER = ("2026-11", "2026-12")
FIELDS = ("kode_wilayah", "hubungan_keluarga", "hamil", "disabilitas_berat", "jenjang_sekolah")
USULAN_COLUMNS = tuple(  # contracts.md, typed by hand: nothing here imports schemas
    "jenis_usulan nik no_kk nama tempat_lahir tanggal_lahir jenis_kelamin hubungan_keluarga nama_ibu_kandung alamat kode_wilayah hamil disabilitas_berat jenjang_sekolah alasan".split()
)
TRUTH_SCHEMA = {
    "periode": pl.String,
    "sumber_file": pl.String,
    "sumber_baris": pl.Int64,
    "kode_prov": pl.String,
    "jenis_usulan": pl.String,
    "true_nik": pl.String,
    "true_no_kk": pl.String,
    "noise": pl.String,
    "expect_valid": pl.Boolean,
    "kind": pl.String,
    "expected": pl.String,
    "kolom": pl.String,
    "lama": pl.String,
    "baru": pl.String,
    "alasan": pl.String,
    "nik_tertulis": pl.String,
    "typo_target": pl.String,
    "dup_of_file": pl.String,
    "dup_of_baris": pl.Int64,
}
EXPECTED_SCHEMA = {
    "nik": pl.String,
    "no_kk": pl.String,
    "kode_wilayah": pl.String,
    "hubungan_keluarga": pl.String,
    "hamil": pl.Boolean,
    "disabilitas_berat": pl.Boolean,
    "jenjang_sekolah": pl.String,
    "periode_masuk": pl.String,
    "sanggah_periode": pl.String,
    "src_periode": pl.String,
    "src_file": pl.String,
    "src_baris": pl.Int64,
    "adm_periode": pl.String,
    "adm_file": pl.String,
    "adm_baris": pl.Int64,
}

# kinds of rows in months 2 and 3
PERBAIKAN_KINDS = {
    "perbaikan_wilayah": "kode_wilayah",
    "perbaikan_sekolah": "jenjang_sekolah",
    "perbaikan_hamil": "hamil",
    "perbaikan_disabilitas": "disabilitas_berat",
    "perbaikan_hubungan": "hubungan_keluarga",
}
HAPUS_KINDS = {"hapus_meninggal": "MENINGGAL", "hapus_pindah": "PINDAH", "hapus_mampu": "MAMPU"}
ADVERSARIAL_REFUSE = (
    "perbaikan_tidak_terdaftar",
    "hapus_tidak_terdaftar",
    "sanggah_tidak_terdaftar",
    "perbaikan_setelah_hapus",
    "baru_ghost",
    "baris_ganda",
)
ADVERSARIAL_APPLY = ("hapus_nik_typo", "baru_nik_fabrikasi")
M1_REFUSE = ("m1_ghost", "m1_tidak_valid", "m1_tidak_terdaftar")


@dataclasses.dataclass(frozen=True)
class Mix:
    """How a scenario's months 2-3 are composed and how noisy their rows are."""

    name: str
    shares: dict[str, float]  # kind -> share of a month's rows ("baru" takes what is left)
    noise: dict[str, float]  # noise kind -> rate per row where it applies
    month1_noise_rates: dict[str, float]  # passed to generate_data_root(noise_rates=) for month 1


_SHARES_DEV = {
    "baru_kirim_ulang_nik": 0.03,
    "baru_kirim_ulang_data": 0.015,
    "perbaikan_wilayah": 0.03,
    "perbaikan_sekolah": 0.03,
    "perbaikan_hamil": 0.03,
    "perbaikan_disabilitas": 0.03,
    "perbaikan_hubungan": 0.03,
    "hapus_meninggal": 0.02,
    "hapus_pindah": 0.03,
    "hapus_mampu": 0.03,
    "hapus_nik_typo": 0.02,
    "sanggah": 0.05,
    "baru_nik_fabrikasi": 0.01,
    "baru_ghost": 0.01,
    "perbaikan_tidak_terdaftar": 0.015,
    "hapus_tidak_terdaftar": 0.015,
    "sanggah_tidak_terdaftar": 0.01,
    "perbaikan_setelah_hapus": 0.01,
    "baris_ganda": 0.02,
}
_NOISE_DEV = {
    "nik_typo": 0.010,
    "nik_transpose": 0.005,
    "nik_apostrophe": 0.010,
    "nik_spaces": 0.010,
    "nik_dot0": 0.005,
    "nik_quoted": 0.003,
    "kk_format": 0.010,
    "name_spelling": 0.030,
    "name_muhammad": 0.300,
    "name_title": 0.020,
    "name_typo": 0.010,
    "name_case": 0.010,
    "name_spaces": 0.010,
    "date_swap": 0.005,
    "date_excel_serial": 0.010,
    "date_format_mixed": 0.010,
    "sex_style_mixed": 0.010,
    "wilayah_style_mixed": 0.010,
    "alamat_comma": 0.010,
    "alamat_newline": 0.005,
    "alamat_nonascii": 0.005,
}
DEV = Mix("dev", _SHARES_DEV, _NOISE_DEV, {})
# held out: more typing damage in every month, more adversarial rows; used only for the final report
HELD_OUT = Mix(
    "held_out",
    _SHARES_DEV
    | {
        "hapus_nik_typo": 0.03,
        "baru_ghost": 0.02,
        "baru_nik_fabrikasi": 0.02,
        "perbaikan_tidak_terdaftar": 0.02,
        "hapus_tidak_terdaftar": 0.02,
        "sanggah_tidak_terdaftar": 0.015,
        "baris_ganda": 0.03,
    },
    _NOISE_DEV
    | {
        "nik_typo": 0.040,
        "nik_transpose": 0.020,
        "name_spelling": 0.060,
        "name_muhammad": 0.500,
        "name_title": 0.040,
        "name_typo": 0.040,
        "name_case": 0.020,
        "date_swap": 0.020,
        "date_excel_serial": 0.030,
        "kk_format": 0.030,
    },
    {
        "nik_typo": 0.040,
        "nik_transpose": 0.025,
        "nik_excel_sci": 0.015,
        "name_typo": 0.035,
        "name_spelling": 0.030,
        "name_title": 0.015,
        "date_swap": 0.015,
        "date_excel_serial": 0.020,
    },
)
MIXES = {"dev": DEV, "held_out": HELD_OUT}
DEV_SEED, HELD_OUT_SEED = 101, 20261

NOISE_GROUPS = (
    ("nik_typo", "nik_transpose"),
    ("nik_apostrophe", "nik_spaces", "nik_dot0", "nik_quoted"),
    ("kk_format",),
    ("name_spelling", "name_muhammad", "name_title", "name_typo", "name_case", "name_spaces"),
    ("date_swap", "date_excel_serial", "date_format_mixed"),
    ("sex_style_mixed",),
    ("wilayah_style_mixed",),
    ("alamat_comma", "alamat_newline", "alamat_nonascii"),
)
# kinds whose NIK is decided by the kind itself (right, invented, typo'd, a ghost's): no NIK typing noise
_OWN_NIK = {"baru_kirim_ulang_nik", "baru_kirim_ulang_data", "baru_nik_fabrikasi", "baru_ghost", "hapus_nik_typo"}
_NIK_DAMAGE_M1 = (
    "nik_typo",
    "nik_transpose",
    "nik_other_member",
    "nik_is_kk",
    "nik_fabricated",
    "nik_excel_sci",
    "nik_excel_zero16",
)

_ALASAN_HAPUS = {
    "MENINGGAL": ("MENINGGAL", "MENINGGAL DUNIA"),
    "PINDAH": ("PINDAH", "PINDAH DOMISILI", "PINDAH KE LUAR DAERAH"),
    "MAMPU": ("MAMPU", "SUDAH MAMPU"),
}
_ALASAN_SANGGAH = (
    "MAMPU",
    "RUMAH MEWAH",
    "MEMILIKI KENDARAAN RODA 4",
    "BUKAN WARGA SETEMPAT",
    "TIDAK LAYAK MENERIMA",
    "ANAK BEKERJA DI LUAR NEGERI",
)
_ALASAN_PERBAIKAN = {
    "kode_wilayah": "PINDAH ALAMAT",
    "jenjang_sekolah": "NAIK JENJANG SEKOLAH",
    "hamil": "PERBAIKAN STATUS HAMIL",
    "disabilitas_berat": "PERBAIKAN STATUS DISABILITAS",
    "hubungan_keluarga": "PERBAIKAN HUBUNGAN KELUARGA",
}
_HUBUNGAN_FIX = {
    "ISTRI": "KEPALA KELUARGA",
    "SUAMI": "KEPALA KELUARGA",
    "ANAK": "CUCU",
    "CUCU": "ANAK",
    "ORANG TUA": "MERTUA",
    "MERTUA": "ORANG TUA",
    "FAMILI LAIN": "ANAK",
}
_MUHAMMAD = ("MUHAMMAD", "MUHAMAD", "MOHAMMAD", "MOHAMAD", "MOCHAMAD", "MOCH.", "MOH.", "M.")
_MUHAMMAD_RE = re.compile(
    r"(?:(?<=\s)|^)(MUHAMMAD|MUHAMAD|MOHAMMAD|MOHAMAD|MOCHAMMAD|MOCHAMAD|MUHAMMED|MOCH\.|MOH\.|M\.)(?=\s|$)"
)
_TITLE_L, _TITLE_P = ("H.", "DRS.", "IR.", "Drs.", "H"), ("HJ.", "Hj.", "DRA.", "HJ")
_TITLE_AFTER = (", S.PD", ", S.Pd.", ", S.E", ", S.H.", ", S.KOM", ", A.MD", " S.AG")
# forward old-spelling rewrites (new -> old) and their reverse
_TO_OLD = (("U", "OE"), ("J", "DJ"), ("C", "TJ"), ("SY", "SJ"), ("KH", "CH"), ("Y", "J"))
_TO_NEW = (("OE", "U"), ("DJ", "J"), ("TJ", "C"), ("SJ", "SY"), ("CH", "KH"))
_EXTRA_COLUMNS = {
    "NO": None,
    "KETERANGAN": ("", "", "OK", "CEK ULANG", "USULAN DESA"),
    "Catatan Petugas": ("", "", "sudah verval", "rumah kosong", "cek KK"),
}
_NONASCII = (" – ", " GG. SA’ADAH", " (DEPAN CAFÉ)")
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def mask_nik(nik: str | None) -> str:
    """A NIK as it may appear in logs: region and serial only (``3201********0003``)."""
    if not nik:
        return "-"
    return nik[:4] + "*" * max(len(nik) - 8, 0) + nik[-4:] if len(nik) >= 8 else "*" * len(nik)


# ------------------------------------------------------------------------------------------------
# reading what month 1 holds
# ------------------------------------------------------------------------------------------------
def load_population(data_root: Path) -> pl.DataFrame:
    """The Dukcapil extract of the data root (contract columns) plus ``kode_wilayah`` and ``prov``."""
    files = sorted((Path(data_root) / "reference" / "dukcapil").glob("*.parquet"))
    pop = pl.concat([pl.read_parquet(f) for f in files], how="vertical_relaxed")
    return pop.with_columns(
        kode_wilayah=pl.concat_str("NO_PROP", "NO_KAB", "NO_KEC", "NO_KEL"), prov=pl.col("NO_PROP")
    ).unique("NIK", keep="first", maintain_order=True)


def read_usulan_csv(path: Path, *, encoding: str, delimiter: str) -> list[dict[str, str]]:
    """Data rows of a usulan CSV as written (blank lines skipped), keys = normalised header names."""
    raw = Path(path).read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    text = raw.decode("utf-8" if encoding.startswith("utf-8") else encoding)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader)]
    return [dict(zip(header, rec, strict=False)) for rec in reader if any(c.strip() for c in rec)]


def _yes(v: str | None) -> bool:
    return (v or "").strip().upper() in ("Y", "YA")


def month1_rows(data_root: Path, truth_dir: Path) -> pl.DataFrame:
    """Month 1's truth joined with the field values its CSVs carry (as the register would keep them)."""
    meta = json.loads((Path(truth_dir) / "truth.json").read_text(encoding="utf-8"))
    recs = []
    for f in meta["files"]:
        rows = read_usulan_csv(Path(data_root) / f["path"], encoding=f["encoding"], delimiter=f["delimiter"])
        if len(rows) != f["rows"]:
            raise RuntimeError(f"{f['path']}: read {len(rows)} rows, truth.json says {f['rows']}")
        for i, r in enumerate(rows, start=1):
            recs.append(
                {
                    "sumber_file": f["sumber_file"],
                    "sumber_baris": i,
                    "kode_prov": f["kode_prov"],
                    "kode_wilayah": re.sub(r"[\s.]", "", r.get("kode_wilayah", "")),
                    "hubungan_keluarga": r.get("hubungan_keluarga", "").strip().upper(),
                    "hamil": _yes(r.get("hamil")),
                    "disabilitas_berat": _yes(r.get("disabilitas_berat")),
                    "jenjang_sekolah": (r.get("jenjang_sekolah", "").strip().upper() or "TIDAK"),
                }
            )
    fields = pl.DataFrame(recs, schema_overrides={"sumber_baris": pl.Int64})
    truth = pl.read_parquet(Path(truth_dir) / "truth.parquet").with_columns(pl.col("sumber_baris").cast(pl.Int64))
    out = truth.join(fields, on=["kode_prov", "sumber_file", "sumber_baris"], how="left")
    if out["kode_wilayah"].null_count():
        raise RuntimeError("month-1 truth rows without a CSV row")
    return out


# ------------------------------------------------------------------------------------------------
# small helpers
# ------------------------------------------------------------------------------------------------
def _age(born: dt.date, on: dt.date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _periode_start(periode: str) -> dt.date:
    y, m = map(int, periode.split("-"))
    return dt.date(y, m, 1)


def _pick(rng: np.random.Generator, seq, k: int) -> list:
    seq = list(seq)
    if k <= 0 or not seq:
        return []
    idx = rng.permutation(len(seq))[:k]
    return [seq[i] for i in idx]


def _one(rng: np.random.Generator, seq):
    return seq[int(rng.integers(len(seq)))]


def _school_for(age: int, rng: np.random.Generator) -> str:
    u = rng.random()
    if 7 <= age <= 12 and u < 0.93:
        return "SD"
    if 13 <= age <= 15 and u < 0.85:
        return "SMP"
    if 16 <= age <= 18 and u < 0.75:
        return "SMA"
    return "TIDAK"


# name variants (own implementation of the kinds the generator and domain.md describe)
def _spelling(name: str, rng: np.random.Generator) -> str:
    olds = [(o, n) for o, n in _TO_NEW if o in name]
    if olds:
        o, n = _one(rng, olds)
        return name.replace(o, n)
    news = [(n, o) for n, o in _TO_OLD if n in name and not (n == "J" and "DJ" in name)]
    if not news:
        return name
    n, o = _one(rng, news)
    if n == "J":  # J -> DJ without touching an existing DJ
        return re.sub(r"(?<!D)J", "DJ", name)
    if n == "Y":  # the old J for Y, leaving SY alone
        return re.sub(r"(?<!S)Y", "J", name)
    return name.replace(n, o)


def _muhammad(name: str, rng: np.random.Generator) -> str:
    m = _MUHAMMAD_RE.search(name)
    if not m:
        return name
    other = [v for v in _MUHAMMAD if v != m.group(1)]
    return name[: m.start(1)] + _one(rng, other) + name[m.end(1) :]


def _title(name: str, female: bool, rng: np.random.Generator) -> str:
    if rng.random() < 0.6:
        return f"{_one(rng, _TITLE_P if female else _TITLE_L)} {name}"
    return name + _one(rng, _TITLE_AFTER)


def _typo(name: str, rng: np.random.Generator) -> str:
    letters = [i for i, c in enumerate(name) if c.isalpha()]
    if not letters:
        return name
    p = _one(rng, letters)
    op = int(rng.integers(3))
    if op == 0:
        c = _one(rng, [x for x in "ABDEGHIKLMNOPRSTUWY" if x != name[p]])
        return name[:p] + c + name[p + 1 :]
    if op == 1 and len(letters) > 3:
        return name[:p] + name[p + 1 :]
    return name[: p + 1] + name[p:]


def _case(name: str, rng: np.random.Generator) -> str:
    return name.lower() if rng.random() < 0.5 else name.title()


def _spaces(name: str, rng: np.random.Generator) -> str:
    v = int(rng.integers(3))
    if v == 0 and " " in name:
        return name.replace(" ", "  ", 1)
    return f" {name}" if v == 1 else f"{name}  "


def _nik_digit_typo(nik: str, rng: np.random.Generator) -> str:
    p = int(rng.integers(1, 16))
    d = str((int(nik[p]) + int(rng.integers(1, 10))) % 10)
    return nik[:p] + d + nik[p + 1 :]


def _nik_transpose(nik: str, rng: np.random.Generator) -> str:
    ps = [i for i in range(1, 15) if nik[i] != nik[i + 1]]
    if not ps:
        return _nik_digit_typo(nik, rng)
    p = _one(rng, ps)
    return nik[:p] + nik[p + 1] + nik[p] + nik[p + 2 :]


def _id_form(s: str, kind: str | None, rng: np.random.Generator) -> str:
    if kind == "apostrophe":
        return "'" + s
    if kind == "spaces":
        return _one(rng, (" {} ", "{} ", "  {}")).format(s)
    if kind == "dot0":
        return s + ".0"
    if kind == "quoted":
        return f'"{s}"'
    return s


def _render_date(d: dt.date, fmt: int) -> str:
    if fmt == 0:
        return f"{d.day:02d}-{d.month:02d}-{d.year:04d}"
    if fmt == 1:
        return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"
    return f"{d.year:04d}-{d.month:02d}-{d.day:02d}"


# ------------------------------------------------------------------------------------------------
# the scenario
# ------------------------------------------------------------------------------------------------
class _Scenario:
    def __init__(self, data_root: Path, truth_dir: Path, seed: int, mix: Mix):
        self.root, self.truth_dir, self.seed, self.mix = Path(data_root), Path(truth_dir), seed, mix
        self.pop = load_population(self.root)
        self.nik_set = set(self.pop["NIK"].to_list())
        self.villages = {p: sorted(g["kode_wilayah"].unique().to_list()) for (p,), g in self.pop.group_by("prov")}
        first_words = self.pop.select(pl.col("NAMA_LGKP").str.extract(r"^(\S+)", 1).alias("w"), "JENIS_KLMIN")
        self.first_words = {
            sex: g["w"].drop_nulls().unique().sort().to_list() for (sex,), g in first_words.group_by("JENIS_KLMIN")
        }
        self.last_words = (
            self.pop.select(pl.col("NAMA_LGKP").str.extract(r"(\S+)$", 1))[:, 0].drop_nulls().unique().sort().to_list()
        )
        self.reg: dict[str, dict] = {}  # the expected register: nik -> record
        self.removed: dict[str, str] = {}  # nik -> periode removed (and not back)
        self.proposed_kk: set[str] = set()  # households with a member in any row so far
        self.refused_m1: list[str] = []  # real persons whose month-1 rows were to be refused
        self.resend_nik: list[tuple[str, dict]] = []  # month-1 BARU persons behind a damaged NIK
        self.resend_data: list[tuple[str, dict]] = []  # month-1 BARU persons whose row was invalid
        self.invented: set[str] = set()  # NIKs made up here (never reused)
        self.counts: dict[str, dict[str, int]] = {}

    # -- records ---------------------------------------------------------------------------------
    def persons(self, niks) -> dict[str, dict]:
        niks = list(niks)
        if not niks:
            return {}
        return {r["NIK"]: r for r in self.pop.filter(pl.col("NIK").is_in(niks)).to_dicts()}

    # -- month 1 -------------------------------------------------------------------------------
    def month1(self) -> None:
        m1 = month1_rows(self.root, self.truth_dir)
        self.proposed_kk |= set(m1["true_no_kk"].drop_nulls().to_list())
        kind = (
            pl.when(pl.col("true_nik").is_null())
            .then(pl.lit("m1_ghost"))
            .when(pl.col("jenis_usulan") != "BARU")
            .then(pl.lit("m1_tidak_terdaftar"))
            .when(~pl.col("expect_valid"))
            .then(pl.lit("m1_tidak_valid"))
            .otherwise(pl.lit("m1_baru"))
        )
        m1 = m1.with_columns(kind=kind).with_columns(
            expected=pl.when(pl.col("kind") == "m1_baru").then(pl.lit("ADMIT")).otherwise(pl.lit("REFUSE"))
        )
        admit = m1.filter(pl.col("expected") == "ADMIT")
        if admit["true_nik"].is_duplicated().any():
            raise RuntimeError("month 1 proposes one person twice; the scenario assumes one row per person")
        dk = self.persons(admit["true_nik"].to_list())
        for r in admit.iter_rows(named=True):
            p = dk[r["true_nik"]]
            self.reg[r["true_nik"]] = {
                "nik": r["true_nik"],
                "no_kk": p["NO_KK"],
                **{f: r[f] for f in FIELDS},
                "periode_masuk": FIRST,
                "sanggah_periode": None,
                "src_periode": FIRST,
                "src_file": r["sumber_file"],
                "src_baris": r["sumber_baris"],
                "adm_periode": FIRST,
                "adm_file": r["sumber_file"],
                "adm_baris": r["sumber_baris"],
            }
        damaged = pl.col("noise").str.split(",").list.eval(pl.element().is_in(_NIK_DAMAGE_M1)).list.any()
        # the damage least likely to be recovered first (digits lost for good, the KK or a relative's NIK)
        rank = pl.min_horizontal(
            [pl.when(pl.col("noise").str.contains(k)).then(i).otherwise(99) for i, k in enumerate(_NIK_DAMAGE_M1[::-1])]
        )
        baru_real = m1.filter((pl.col("jenis_usulan") == "BARU") & pl.col("true_nik").is_not_null())
        for r in baru_real.filter(damaged).sort(rank, "sumber_file", "sumber_baris").iter_rows(named=True):
            self.resend_nik.append((r["true_nik"], r))
        for r in baru_real.filter(~damaged & ~pl.col("expect_valid")).iter_rows(named=True):
            self.resend_data.append((r["true_nik"], r))
        self.refused_m1 = sorted(
            set(m1.filter((pl.col("kind") != "m1_baru") & pl.col("true_nik").is_not_null())["true_nik"].to_list())
            - set(self.reg)
        )
        truth = m1.select(
            periode=pl.lit(FIRST),
            sumber_file="sumber_file",
            sumber_baris="sumber_baris",
            kode_prov="kode_prov",
            jenis_usulan="jenis_usulan",
            true_nik="true_nik",
            true_no_kk="true_no_kk",
            noise="noise",
            expect_valid="expect_valid",
            kind="kind",
            expected="expected",
        )
        self._write_month(FIRST, truth, [], [])
        self.counts[FIRST] = dict(truth.group_by("kind").len().sort("kind").iter_rows())

    # -- months 2 and 3 ----------------------------------------------------------------------------
    def month(self, periode: str, n_rows: int, index: int) -> None:
        rng = np.random.default_rng([self.seed, index])
        start = _periode_start(periode)
        used: set[str] = set()
        rows: list[dict] = []
        want = {k: int(round(s * n_rows)) for k, s in self.mix.shares.items()}
        for k in ADVERSARIAL_REFUSE + ADVERSARIAL_APPLY:  # every adversarial kind at least twice
            if self.mix.shares.get(k, 0) > 0:
                want[k] = max(want[k], 2)
        if index < 3:
            want["perbaikan_setelah_hapus"] = 0  # nobody has been removed before month 2
        reg_niks = sorted(self.reg)
        reg_dk = self.persons(reg_niks)

        def free(niks):
            return [n for n in niks if n not in used]

        def add(kind, expected, jenis, nik, dk, fields, **extra):
            used.add(nik)
            rows.append(
                {
                    "kind": kind,
                    "expected": expected,
                    "jenis": jenis,
                    "true_nik": nik,
                    "dk": dk,
                    "fields": dict(fields),
                    "alasan": extra.pop("alasan", ""),
                    **extra,
                }
            )

        # re-sent BARU rows of month-1 persons (now with the right NIK / fixed data)
        for kind, pool in (("baru_kirim_ulang_nik", self.resend_nik), ("baru_kirim_ulang_data", self.resend_data)):
            take = [(n, r) for n, r in pool if n not in used and n not in self.removed][: want.get(kind, 0)]
            taken = {n for n, _ in take}
            pool[:] = [(n, r) for n, r in pool if n not in taken]
            dks = self.persons(taken)
            for nik, r in take:
                p = dks[nik]
                # the values the register holds, else those sent in month 1 (a broken village code fixed)
                cur = self.reg.get(nik) or ({f: r[f] for f in FIELDS} | {"kode_wilayah": p["kode_wilayah"]})
                add(kind, "ADMIT", "BARU", nik, p, {f: cur[f] for f in FIELDS}, nik_tertulis=nik)

        # corrections
        for kind, field in PERBAIKAN_KINDS.items():
            cands = []
            for nik in free(reg_niks):
                cur, p = self.reg[nik], reg_dk[nik]
                age = _age(p["TGL_LHR"], start)
                if field == "jenjang_sekolah" and cur["jenjang_sekolah"] != "SD":
                    continue
                if field == "hamil" and not (p["JENIS_KLMIN"] == "PEREMPUAN" and 18 <= age <= 45):
                    continue
                if field == "hubungan_keluarga" and cur["hubungan_keluarga"] not in _HUBUNGAN_FIX:
                    continue
                if field == "kode_wilayah" and len(self.villages.get(cur["kode_wilayah"][:2], ())) < 2:
                    continue
                if p["TGL_MATI"] is not None:
                    continue
                cands.append(nik)
            if field == "jenjang_sekolah":  # the oldest SD children move up first
                cands.sort(key=lambda n: reg_dk[n]["TGL_LHR"])
                cands = cands[: max(want[kind] * 3, 1)]
            for nik in _pick(rng, cands, want[kind]):
                cur = self.reg[nik]
                old = cur[field]
                if field == "kode_wilayah":
                    new = _one(rng, [v for v in self.villages[old[:2]] if v != old])
                elif field == "jenjang_sekolah":
                    new = "SMP"
                elif field in ("hamil", "disabilitas_berat"):
                    new = not old
                else:
                    new = _HUBUNGAN_FIX[old]
                add(
                    kind,
                    "CORRECT",
                    "PERBAIKAN",
                    nik,
                    reg_dk[nik],
                    {f: cur[f] for f in FIELDS} | {field: new},
                    kolom=field,
                    lama=_field_str(old),
                    baru=_field_str(new),
                    alasan=_ALASAN_PERBAIKAN[field],
                )

        # removals
        dead = [n for n in free(reg_niks) if reg_dk[n]["TGL_MATI"] is not None]
        alive = [n for n in free(reg_niks) if reg_dk[n]["TGL_MATI"] is None]
        k = want["hapus_meninggal"]  # the dead (per Dukcapil) first, then what the village reports
        for nik in (_pick(rng, dead, k) + _pick(rng, alive, k))[:k]:
            add(
                "hapus_meninggal",
                "REMOVE",
                "HAPUS",
                nik,
                reg_dk[nik],
                self.reg[nik],
                alasan=_one(rng, _ALASAN_HAPUS["MENINGGAL"]),
            )
        for nik in _pick(rng, free(alive), want["hapus_pindah"]):
            add(
                "hapus_pindah",
                "REMOVE",
                "HAPUS",
                nik,
                reg_dk[nik],
                self.reg[nik],
                alasan=_one(rng, _ALASAN_HAPUS["PINDAH"]),
            )
        by_kk: dict[str, list[str]] = {}
        for nik in reg_niks:
            by_kk.setdefault(self.reg[nik]["no_kk"], []).append(nik)
        left = want["hapus_mampu"]
        for kk in _pick(rng, sorted(by_kk), len(by_kk)):
            if left <= 0:
                break
            members = [n for n in by_kk[kk] if n not in used]
            if not members or len(members) != len(by_kk[kk]):
                continue
            alasan = _one(rng, _ALASAN_HAPUS["MAMPU"])
            for nik in members[:left]:
                add("hapus_mampu", "REMOVE", "HAPUS", nik, reg_dk[nik], self.reg[nik], alasan=alasan)
            left -= len(members)

        # HAPUS with a one-digit NIK typo: onto another registered person's NIK where one is a digit away
        self._hapus_typo(rng, want["hapus_nik_typo"], reg_dk, used, add)

        for nik in _pick(rng, free(reg_niks), want["sanggah"]):
            add("sanggah", "FLAG", "SANGGAH", nik, reg_dk[nik], self.reg[nik], alasan=_one(rng, _ALASAN_SANGGAH))

        # rows about persons not in the register
        gone = [n for n in sorted(self.removed) if n not in used]
        if gone and want.get("perbaikan_setelah_hapus"):
            gone_dk = self.persons(gone)
            for nik in _pick(rng, gone, want["perbaikan_setelah_hapus"]):
                p = gone_dk[nik]
                fields = self._fresh_fields(p, start, rng)
                fields["disabilitas_berat"] = not fields["disabilitas_berat"]
                add(
                    "perbaikan_setelah_hapus",
                    "REFUSE",
                    "PERBAIKAN",
                    nik,
                    p,
                    fields,
                    alasan="PERBAIKAN STATUS DISABILITAS",
                )
        households = self._fresh_households(rng, used)
        outsiders = [n for n in self.refused_m1 if n not in used and n not in self.reg]
        for kind, jenis in (
            ("perbaikan_tidak_terdaftar", "PERBAIKAN"),
            ("hapus_tidak_terdaftar", "HAPUS"),
            ("sanggah_tidak_terdaftar", "SANGGAH"),
        ):
            k = want[kind]
            chosen = _pick(rng, outsiders, k // 2)
            outsiders = [n for n in outsiders if n not in chosen]
            while len(chosen) < k and households:
                kk, members = households.pop()
                self.proposed_kk.add(kk)
                chosen.append(_one(rng, members))
            dks = self.persons(chosen)
            for nik in chosen:
                p = dks[nik]
                fields = self._fresh_fields(p, start, rng)
                alasan = {
                    "PERBAIKAN": _ALASAN_PERBAIKAN["disabilitas_berat"],
                    "HAPUS": _one(rng, _ALASAN_HAPUS[_one(rng, ("MENINGGAL", "PINDAH", "MAMPU"))]),
                    "SANGGAH": _one(rng, _ALASAN_SANGGAH),
                }[jenis]
                if jenis == "PERBAIKAN":
                    fields["disabilitas_berat"] = not fields["disabilitas_berat"]
                add(kind, "REFUSE", jenis, nik, p, fields, alasan=alasan)

        # a BARU behind an invented NIK (a real person) and a ghost (nobody Dukcapil knows)
        for kind in ("baru_nik_fabrikasi", "baru_ghost"):
            for _ in range(want[kind]):
                if not households:
                    break
                kk, members = households.pop()
                self.proposed_kk.add(kk)
                nik = _one(rng, members)
                p = self.persons([nik])[nik]
                if kind == "baru_nik_fabrikasi":
                    made = self._free_nik(p["NIK"][:12], rng)
                    add(kind, "ADMIT", "BARU", nik, p, self._fresh_fields(p, start, rng), nik_tertulis=made)
                else:
                    g = self._ghost(p, start, rng)
                    used.add(g["NIK"])
                    add(
                        kind,
                        "REFUSE",
                        "BARU",
                        g["NIK"],
                        g,
                        self._fresh_fields(p, start, rng),
                        nik_tertulis=g["NIK"],
                        ghost=True,
                    )

        # new BARU: whole households never proposed, until the month's rows are there
        n_dup = want.get("baris_ganda", 0)
        room, chosen = n_rows - n_dup - len(rows), []
        while room > 0 and households:
            kk, members = households.pop()
            self.proposed_kk.add(kk)
            chosen.append(members)
            room -= len(members)
        dks = self.persons(n for members in chosen for n in members)
        for members in chosen:
            for nik in sorted(members, key=lambda n: (dks[n]["STAT_HBKEL"] != "KEPALA KELUARGA", dks[n]["TGL_LHR"])):
                if len(rows) < n_rows - n_dup:  # the last household may be proposed in part
                    add("baru", "ADMIT", "BARU", nik, dks[nik], self._fresh_fields(dks[nik], start, rng))

        for r in rows:
            self._noise(r, rng)
        files = self._assign_files(periode, rows, n_dup, rng)
        truth = self._write_files(periode, files, rng)
        self._apply(periode, truth)
        self.counts[periode] = dict(truth.group_by("kind").len().sort("kind").iter_rows())

    def _hapus_typo(self, rng, k, reg_dk, used, add) -> None:
        if k <= 0:
            return
        cands = [n for n in sorted(self.reg) if n not in used]
        if not cands:
            return
        arr = np.array(cands, dtype=np.int64)
        digits = (arr[:, None] // 10 ** np.arange(15, -1, -1)) % 10
        pos = np.arange(1, 16)
        variants = []
        for d in range(1, 10):
            new = (digits[:, pos] + d) % 10
            variants.append(arr[:, None] + (new - digits[:, pos]) * 10 ** (15 - pos))
        var = np.concatenate(variants, axis=1)  # (n, 135)
        reg_arr = np.array(sorted(n for n in self.reg if n not in used), dtype=np.int64)
        dk_arr = np.sort(self.pop["NIK"].cast(pl.Int64).to_numpy())
        in_reg = np.isin(var, reg_arr)
        in_dk = np.isin(var, dk_arr)
        with_reg = np.flatnonzero(in_reg.any(axis=1))
        first = _pick(rng, with_reg.tolist(), (k + 1) // 2)
        rest = _pick(rng, sorted(set(range(len(cands))) - set(first)), k - len(first))
        for i in first + rest:
            nik = cands[i]
            if nik in used:
                continue
            if in_reg[i].any():
                opts, target = np.flatnonzero(in_reg[i]), "terdaftar"
            elif in_dk[i].any():
                opts, target = np.flatnonzero(in_dk[i]), "dukcapil"
            else:
                opts, target = np.flatnonzero(~in_dk[i]), "tidak_ada"
            typed = f"{var[i, _one(rng, opts.tolist())]:016d}"
            if typed in used:
                continue
            used.add(typed)  # the person behind the typed NIK is left alone this month
            add(
                "hapus_nik_typo",
                "REMOVE",
                "HAPUS",
                nik,
                reg_dk[nik],
                self.reg[nik],
                nik_tertulis=typed,
                typo_target=target,
                alasan=_one(rng, _ALASAN_HAPUS[_one(rng, ("PINDAH", "MAMPU"))]),
            )

    def _fresh_households(self, rng, used: set[str]) -> list[tuple[str, list[str]]]:
        """Households no row has named yet (nor a typed NIK this month), with their living members
        (shuffled; pop() takes one)."""
        touched = self.pop.filter(pl.col("NIK").is_in(list(used)))["NO_KK"].to_list()
        taken = list(self.proposed_kk | set(touched))
        fresh = (
            self.pop.filter(~pl.col("NO_KK").is_in(taken) & pl.col("TGL_MATI").is_null())
            .group_by("NO_KK")
            .agg(pl.col("NIK").sort())
            .sort("NO_KK")
        )
        items = list(zip(fresh["NO_KK"].to_list(), fresh["NIK"].to_list(), strict=True))
        return [items[i] for i in rng.permutation(len(items))]

    def _fresh_fields(self, p: dict, start: dt.date, rng) -> dict:
        age = _age(p["TGL_LHR"], start)
        female = p["JENIS_KLMIN"] == "PEREMPUAN"
        return {
            "kode_wilayah": p["kode_wilayah"],
            "hubungan_keluarga": p["STAT_HBKEL"],
            "hamil": bool(female and 18 <= age <= 45 and rng.random() < 0.05),
            "disabilitas_berat": bool(rng.random() < (0.03 if age >= 60 else 0.008)),
            "jenjang_sekolah": _school_for(age, rng),
        }

    def _free_nik(self, prefix12: str, rng) -> str:
        for _ in range(10_000):
            nik = f"{prefix12}{int(rng.integers(1, 10_000)):04d}"
            if nik not in self.nik_set and nik not in self.invented:
                self.invented.add(nik)
                return nik
        raise RuntimeError("no free NIK serial")

    def _ghost(self, base: dict, start: dt.date, rng) -> dict:
        """A person Dukcapil does not know: a new name and birth date, a NIK no one holds, the
        household card and village of a real household (as a village office would type them)."""
        female = base["JENIS_KLMIN"] == "PEREMPUAN"
        shift = int(rng.integers(200, 900)) * (1 if rng.random() < 0.5 else -1)
        born = min(max(base["TGL_LHR"] + dt.timedelta(days=shift), dt.date(1930, 1, 1)), start - dt.timedelta(days=400))
        name = f"{_one(rng, self.first_words[base['JENIS_KLMIN']])} {_one(rng, self.last_words)}"
        day = born.day + (40 if female else 0)
        nik = self._free_nik(f"{base['NIK'][:6]}{day:02d}{born.month:02d}{born.year % 100:02d}", rng)
        return base | {"NIK": nik, "NAMA_LGKP": name, "TGL_LHR": born}

    def _noise(self, r: dict, rng) -> None:
        """Choose the row's noise kinds (one per group) and apply those that change values."""
        rates = self.mix.noise
        p, noise = r["dk"], []
        name = p["NAMA_LGKP"]
        female = p["JENIS_KLMIN"] == "PEREMPUAN"
        applicable = {
            "nik_typo": r["kind"] not in _OWN_NIK,
            "nik_transpose": r["kind"] not in _OWN_NIK,
            "name_muhammad": bool(_MUHAMMAD_RE.search(name)),
            "name_spelling": any(o in name for o, _ in _TO_NEW) or any(n in name for n, _ in _TO_OLD),
            "date_swap": p["TGL_LHR"].day <= 12 and p["TGL_LHR"].day != p["TGL_LHR"].month,
        }
        for group in NOISE_GROUPS:
            for kind in group:
                if applicable.get(kind, True) and rng.random() < rates.get(kind, 0.0):
                    noise.append(kind)
                    break
        typed = r.get("nik_tertulis") or r["true_nik"]
        if "nik_typo" in noise:
            typed = _nik_digit_typo(typed, rng)
        elif "nik_transpose" in noise:
            typed = _nik_transpose(typed, rng)
        for kind, fn in (
            ("name_spelling", _spelling),
            ("name_muhammad", _muhammad),
            ("name_typo", _typo),
            ("name_case", _case),
            ("name_spaces", _spaces),
        ):
            if kind in noise:
                new = fn(name, rng)
                if new == name:  # the variant does not apply to this name: a typo instead
                    noise[noise.index(kind)] = "name_typo"
                    new = _typo(name, rng)
                name = new
        if "name_title" in noise:
            name = _title(name, female, rng)
        r.update(nik_tertulis=typed, nama=name, noise=noise)

    def _assign_files(self, periode: str, rows: list[dict], n_dup: int, rng) -> list[dict]:
        """Rows into 1-3 files per province, ordered by regency; duplicates appended to the last file
        of their province (so the copy always comes after its original in file order)."""
        by_prov: dict[str, list[dict]] = {}
        for r in rows:
            r["prov"] = r["fields"]["kode_wilayah"][:2]
            r["kab"] = r["fields"]["kode_wilayah"][:4]
            by_prov.setdefault(r["prov"], []).append(r)
        files = []
        for prov in sorted(by_prov):
            rs = by_prov[prov]
            order = rng.permutation(len(rs))
            rs = sorted((rs[i] for i in order), key=lambda r: r["kab"])
            n_files = min(len(rs), int(rng.choice([1, 2, 3], p=[0.4, 0.35, 0.25])))
            cuts = np.linspace(0, len(rs), n_files + 1).astype(int)
            for j in range(n_files):
                part = rs[cuts[j] : cuts[j + 1]]
                files.append(
                    {
                        "prov": prov,
                        "name": f"usulan_{part[0]['kab']}_{periode}_{j + 1}.csv",
                        "rows": part,
                        "dialect": self._dialect(rng),
                    }
                )
        appliers = [r for r in rows if r["expected"] != "REFUSE" and r["kind"] != "baru_ghost"]
        last_of = {f["prov"]: f for f in files}
        for r in _pick(rng, appliers, n_dup):
            copy = dict(r, kind="baris_ganda", expected="REFUSE", dup_of=r, restyle=rng.random() < 0.3)
            last_of[r["prov"]]["rows"].append(copy)
        return files

    def _dialect(self, rng) -> dict:
        enc = int(rng.choice(3, p=[0.55, 0.20, 0.25]))
        shuffled = rng.random() < 0.3
        cols = list(USULAN_COLUMNS)
        if shuffled:
            cols = [cols[i] for i in rng.permutation(len(cols))]
        extra = _one(rng, (None, None, None, None, None, None, "NO", "KETERANGAN", "Catatan Petugas"))
        return {
            "delimiter": ";" if rng.random() < 0.35 else ",",
            "encoding": ("utf-8", "utf-8", "cp1252")[enc],
            "bom": enc == 1,
            "line_terminator": "\r\n" if rng.random() < 0.5 else "\n",
            "trailing_blank_lines": int(rng.integers(1, 4)) if rng.random() < 0.3 else 0,
            "header_case": _one(rng, ("lower", "lower", "upper", "title", "spaced")),
            "quote_all": rng.random() < 0.15,
            "columns": cols,
            "extra": extra,
            "extra_first": rng.random() < 0.5,
            "date_format": int(rng.choice(3, p=[0.45, 0.35, 0.2])),
            "long_sex": rng.random() < 0.25,
            "dotted": rng.random() < 0.4,
        }

    def _cells(self, r: dict, d: dict, rng) -> dict[str, str]:
        p, f, noise = r["dk"], r["fields"], r["noise"]
        form = next(
            (k.split("_", 1)[1] for k in noise if k in ("nik_apostrophe", "nik_spaces", "nik_dot0", "nik_quoted")), None
        )
        fmt = d["date_format"]
        if "date_format_mixed" in noise:
            fmt = (fmt + 1 + int(rng.integers(2))) % 3
        born = p["TGL_LHR"]
        if "date_swap" in noise:
            born_s = _render_date(dt.date(born.year, born.day, born.month), fmt)
        elif "date_excel_serial" in noise:
            born_s = str((born - _EXCEL_EPOCH).days)
        else:
            born_s = _render_date(born, fmt)
        long_sex = d["long_sex"] ^ ("sex_style_mixed" in noise)
        female = p["JENIS_KLMIN"] == "PEREMPUAN"
        sex = ("PEREMPUAN" if female else "LAKI-LAKI") if long_sex else ("P" if female else "L")
        kode = f["kode_wilayah"]
        if d["dotted"] ^ ("wilayah_style_mixed" in noise):
            kode = f"{kode[:2]}.{kode[2:4]}.{kode[4:6]}.{kode[6:]}"
        alamat = p["ALAMAT"] or ""
        if "alamat_comma" in noise:
            alamat = alamat.replace(" RT ", ", RT ", 1)
        elif "alamat_newline" in noise:
            alamat = alamat.replace(" RT ", "\nRT ", 1)
        elif "alamat_nonascii" in noise:
            alamat += _one(rng, _NONASCII)
        return {
            "jenis_usulan": r["jenis"],
            "nik": _id_form(r["nik_tertulis"], form, rng),
            "no_kk": _id_form(
                p["NO_KK"], _one(rng, ("apostrophe", "spaces", "dot0")) if "kk_format" in noise else None, rng
            ),
            "nama": r["nama"],
            "tempat_lahir": p["TMPT_LHR"] or "",
            "tanggal_lahir": born_s,
            "jenis_kelamin": sex,
            "hubungan_keluarga": f["hubungan_keluarga"],
            "nama_ibu_kandung": p["NAMA_LGKP_IBU"] or "",
            "alamat": alamat,
            "kode_wilayah": kode,
            "hamil": "Y" if f["hamil"] else "N",
            "disabilitas_berat": "Y" if f["disabilitas_berat"] else "N",
            "jenjang_sekolah": f["jenjang_sekolah"],
            "alasan": r["alasan"] or "",
        }

    def _write_files(self, periode: str, files: list[dict], rng) -> pl.DataFrame:
        truth = []
        for f in files:
            d = f["dialect"]
            lines, cols = [], d["columns"]
            head = [styled_header(c, d["header_case"], i) for i, c in enumerate(cols)]
            extra_vals = []
            for i, r in enumerate(f["rows"], start=1):
                if r["kind"] == "baris_ganda":
                    orig = r["dup_of"]
                    cells = dict(orig["cells"])
                    if r["restyle"]:  # the same NIK typed in another form (Excel copy): the same digits
                        cells["nik"] = _id_form(orig["nik_tertulis"], _one(rng, ("apostrophe", "spaces")), rng)
                    r["dup_of_file"], r["dup_of_baris"] = orig["file"], orig["baris"]
                else:
                    cells = self._cells(r, d, rng)
                r["cells"], r["file"], r["baris"] = cells, f["name"], i
                lines.append([cells[c] for c in cols])
                if d["extra"]:
                    vocab = _EXTRA_COLUMNS[d["extra"]]
                    extra_vals.append(str(i) if vocab is None else _one(rng, vocab))
                truth.append(
                    {
                        "periode": periode,
                        "sumber_file": f["name"],
                        "sumber_baris": i,
                        "kode_prov": f["prov"],
                        "jenis_usulan": r["jenis"],
                        "true_nik": None if r.get("ghost") else r["true_nik"],
                        "true_no_kk": r["dk"]["NO_KK"],
                        "noise": ",".join(r["noise"]),
                        "expect_valid": True,
                        "kind": r["kind"],
                        "expected": r["expected"],
                        "kolom": r.get("kolom"),
                        "lama": r.get("lama"),
                        "baru": r.get("baru"),
                        "alasan": r["alasan"] or None,
                        "nik_tertulis": r["nik_tertulis"],
                        "typo_target": r.get("typo_target"),
                        "dup_of_file": r.get("dup_of_file"),
                        "dup_of_baris": r.get("dup_of_baris"),
                        "_fields": r["fields"],
                        "_dk": r["dk"],
                    }
                )
            if d["extra"]:
                at = 0 if d["extra_first"] else len(head)
                head.insert(at, d["extra"])
                for line, v in zip(lines, extra_vals, strict=True):
                    line.insert(at, v)
            lt, delim = d["line_terminator"], d["delimiter"]
            text = lt.join(_csv_line(x, delim, d["quote_all"]) for x in [head, *lines]) + lt
            text += lt * d["trailing_blank_lines"]
            data = text.encode(d["encoding"])
            if d["bom"]:
                data = b"\xef\xbb\xbf" + data
            path = self.root / "inbox" / periode / f["prov"] / f["name"]
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        self._month_rows = truth
        return pl.DataFrame([{k: v for k, v in t.items() if not k.startswith("_")} for t in truth], schema=TRUTH_SCHEMA)

    def _apply(self, periode: str, truth: pl.DataFrame) -> None:
        """The register after the month, from the rows' truth alone (one row per person per month)."""
        corrections, removals = [], []
        for t in self._month_rows:
            nik, exp = t["true_nik"], t["expected"]
            src = {"src_periode": periode, "src_file": t["sumber_file"], "src_baris": t["sumber_baris"]}
            if exp == "ADMIT":
                old = self.reg.get(nik)
                adm = (
                    {k: old[k] for k in ("adm_periode", "adm_file", "adm_baris")}
                    if old
                    else {"adm_periode": periode, "adm_file": t["sumber_file"], "adm_baris": t["sumber_baris"]}
                )
                self.reg[nik] = {
                    "nik": nik,
                    "no_kk": t["_dk"]["NO_KK"],
                    **t["_fields"],
                    "periode_masuk": old["periode_masuk"] if old else periode,
                    "sanggah_periode": old["sanggah_periode"] if old else None,
                    **src,
                    **adm,
                }
                self.removed.pop(nik, None)
            elif exp == "CORRECT":
                self.reg[nik].update(t["_fields"], **src)
                corrections.append({"nik": nik, "kolom": t["kolom"], "lama": t["lama"], "baru": t["baru"]})
            elif exp == "REMOVE":
                del self.reg[nik]
                self.removed[nik] = periode
                removals.append({"nik": nik, "alasan": t["alasan"]})
            elif exp == "FLAG":
                self.reg[nik]["sanggah_periode"] = periode
        self._write_month(periode, truth, corrections, removals)

    def _write_month(self, periode: str, truth: pl.DataFrame, corrections: list[dict], removals: list[dict]) -> None:
        out = self.truth_dir / "months" / periode
        out.mkdir(parents=True, exist_ok=True)
        truth = pl.DataFrame(schema=TRUTH_SCHEMA).vstack(
            truth.select(
                [pl.col(c).cast(t) if c in truth.columns else pl.lit(None, t).alias(c) for c, t in TRUTH_SCHEMA.items()]
            )
        )
        truth.sort("kode_prov", "sumber_file", "sumber_baris").write_parquet(out / "truth.parquet")
        reg = (
            pl.DataFrame(list(self.reg.values()), schema=EXPECTED_SCHEMA)
            if self.reg
            else pl.DataFrame(schema=EXPECTED_SCHEMA)
        )
        reg.sort("nik").write_parquet(out / "expected_individu.parquet")
        pl.DataFrame(
            corrections, schema={"nik": pl.String, "kolom": pl.String, "lama": pl.String, "baru": pl.String}
        ).write_parquet(out / "corrections.parquet")
        pl.DataFrame(removals, schema={"nik": pl.String, "alasan": pl.String}).write_parquet(out / "removals.parquet")


def _field_str(v) -> str:
    return ("Y" if v else "N") if isinstance(v, bool) else str(v)


def _csv_line(cells: list[str], delim: str, quote_all: bool) -> str:
    out = []
    for c in cells:
        c = c or ""
        if c and (quote_all or any(ch in c for ch in (delim, '"', "\n", "\r"))):
            c = '"' + c.replace('"', '""') + '"'
        out.append(c)  # an empty cell stays empty, as Excel writes it
    return delim.join(out)


def build_months(
    data_root: Path, truth_dir: Path, *, rows_per_month: int, seed: int, mix: Mix = DEV, months: tuple[str, ...] = LATER
) -> dict:
    """Write months 2..n of the scenario into ``data_root/inbox`` and their truth under
    ``truth_dir/months``; month 1 (``FIRST``) must already be there from ``generate_data_root``.
    The same arguments give the same files. Returns a summary (rows per kind per month)."""
    s = _Scenario(Path(data_root), Path(truth_dir), seed, mix)
    s.month1()
    for i, periode in enumerate(months, start=2):
        inbox = Path(data_root) / "inbox" / periode
        for old in sorted(inbox.glob("*/usulan_*.csv")) if inbox.is_dir() else []:
            old.unlink()
        s.month(periode, rows_per_month, i)
    summary = {
        "seed": seed,
        "mix": mix.name,
        "rows_per_month": rows_per_month,
        "months": [FIRST, *months],
        "shares": mix.shares,
        "noise": mix.noise,
        "month1_noise_rates": mix.month1_noise_rates,
        "rows_per_kind": s.counts,
        "decisions": [
            "month 1 expected present: BARU rows with expect_valid and a true_nik; ghosts (true_nik null) never expected",
            "a BARU behind a damaged or invented NIK of a real person is expected to admit that person under the "
            "Dukcapil NIK (the generator's semantics); the NIK as typed must never enter the register",
            "a HAPUS with a one-digit NIK typo is expected to remove the person it describes, and never the holder "
            "of the typed NIK",
            "one row per person per month (besides verbatim duplicates), so the expectation does not depend on "
            "an order of application",
            "the later copy of a duplicated row is expected refused; the original applies",
        ],
    }
    (Path(truth_dir) / "months" / "scenario.json").write_text(
        json.dumps(summary, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return summary


# ------------------------------------------------------------------------------------------------
# measuring a published month against the truth
# ------------------------------------------------------------------------------------------------
KEYS = ["kode_prov", "sumber_file", "sumber_baris"]


def _snapshot(data_root: Path, periode: str, table: str) -> pl.DataFrame:
    return pl.read_parquet(Path(data_root) / "snapshots" / f"periode={periode}" / table, hive_partitioning=False)


def _examples(df: pl.DataFrame, nik_col: str, n: int = 3) -> list[dict]:
    cols = [
        c
        for c in (
            "periode",
            "kind",
            "noise",
            "hasil",
            "alasan_kode",
            "status_padan",
            "metode_padan",
            "skor_padan",
            "typo_target",
            "sumber_file",
            "sumber_baris",
        )
        if c in df.columns
    ]
    out = []
    for r in df.head(n).iter_rows(named=True):
        out.append({"nik": mask_nik(r[nik_col]), **{c: r[c] for c in cols}})
    return out


def _groups(df: pl.DataFrame, nik_col: str) -> list[dict]:
    """Shortfall rows grouped by (cause, kind, noise, hasil, alasan), with a few masked examples each."""
    if df.height == 0:
        return []
    if "cause" not in df.columns:
        df = df.with_columns(cause=pl.lit(""))
    df = df.with_columns(
        alasan_kode=pl.col("alasan").list.join("|").fill_null("(no row)") if "alasan" in df.columns else pl.lit("")
    )
    out = []
    for key, g in df.group_by(["cause", "kind", "noise", "hasil", "alasan_kode"], maintain_order=True):
        out.append(
            {
                "cause": key[0],
                "kind": key[1],
                "noise": key[2],
                "hasil": key[3],
                "alasan": key[4],
                "rows": g.height,
                "examples": _examples(g, nik_col),
            }
        )
    return sorted(out, key=lambda g: -g["rows"])


def measure(data_root: Path, truth_dir: Path, periode: str) -> dict:
    """The acceptance figures of one published month against the scenario's truth."""
    tdir = Path(truth_dir) / "months" / periode
    truth = pl.read_parquet(tdir / "truth.parquet").rename({"alasan": "alasan_usulan"})
    expected = pl.read_parquet(tdir / "expected_individu.parquet")
    corrections = pl.read_parquet(tdir / "corrections.parquet")
    removals = pl.read_parquet(tdir / "removals.parquet").rename({"alasan": "alasan_hapus"})
    individu = _snapshot(data_root, periode, "individu/individu.parquet")
    hasil = _snapshot(data_root, periode, "hasil_usulan")
    j = truth.join(
        hasil.select(*KEYS, "hasil", "alasan", "nik_padan", "status_padan", "metode_padan", "skor_padan"),
        on=KEYS,
        how="left",
    )
    reg_niks = individu["nik"]
    exp_set = expected["nik"]
    in_reg = pl.col("nik").is_in(reg_niks.implode())

    # who is there
    extra = individu.filter(~pl.col("nik").is_in(exp_set.implode()))
    missing = expected.filter(~in_reg)
    twice = individu.height - individu["nik"].n_unique()
    present = expected.height - missing.height

    # where a miss or an extra comes from: the row that admitted (or last changed) them
    all_truth = pl.concat(
        [
            pl.read_parquet(p / "truth.parquet")
            for p in sorted((Path(truth_dir) / "months").iterdir())
            if p.is_dir() and p.name <= periode
        ],
        how="vertical_relaxed",
    ).rename({"alasan": "alasan_usulan"})
    all_hasil = pl.concat(
        [
            _snapshot(data_root, p, "hasil_usulan")
            .with_columns(periode=pl.lit(p))
            .select("periode", *KEYS, "hasil", "alasan", "nik_padan", "status_padan", "metode_padan", "skor_padan")
            for p in sorted(all_truth["periode"].unique().to_list())
        ],
        how="vertical_relaxed",
    )
    all_j = all_truth.join(all_hasil, on=["periode", *KEYS], how="left")
    # a miss is either never admitted (diagnosed by the row that should have admitted the person), or
    # lost later (diagnosed by this month's row about them, if any)
    months_all = sorted(p.name for p in (Path(truth_dir) / "months").iterdir() if p.is_dir())
    before = [p for p in months_all if p < periode]
    prev_niks = (
        _snapshot(data_root, before[-1], "individu/individu.parquet")["nik"]
        if before
        else pl.Series([], dtype=pl.String)
    )
    ever = (
        pl.concat([_snapshot(data_root, p, "individu/individu.parquet")["nik"] for p in before]).unique()
        if before
        else pl.Series([], dtype=pl.String)
    )
    cause = (
        pl.when(pl.col("nik").is_in(prev_niks.implode()))
        .then(pl.lit("lost this month"))
        .when(pl.col("nik").is_in(ever.implode()))
        .then(pl.lit("lost in an earlier month"))
        .otherwise(pl.lit("never admitted"))
    )
    missing = missing.with_columns(cause=cause)
    never = (
        missing.filter(pl.col("cause") == "never admitted")
        .join(
            all_j.rename({"periode": "_p", "sumber_file": "_f", "sumber_baris": "_b"}),
            left_on=["adm_periode", "adm_file", "adm_baris"],
            right_on=["_p", "_f", "_b"],
            how="left",
        )
        .with_columns(periode=pl.col("adm_periode"), sumber_file="adm_file", sumber_baris="adm_baris")
    )
    lost = (
        missing.filter(pl.col("cause") != "never admitted")
        .join(
            j.rename({"true_nik": "nik"}).select(
                "nik", "kind", "noise", "hasil", "alasan", "status_padan", "metode_padan", "skor_padan", *KEYS
            ),
            on="nik",
            how="left",
        )
        .with_columns(periode=pl.lit(periode))
    )
    miss_rows = pl.concat([never, lost], how="diagonal_relaxed")
    # a person removed by someone else's row this month
    removed_by = j.filter(
        (pl.col("hasil") == "DITERIMA")
        & (pl.col("jenis_usulan") == "HAPUS")
        & (pl.col("nik_padan") != pl.col("true_nik").fill_null(""))
    )
    wrongly_removed = missing.filter(pl.col("nik").is_in(removed_by["nik_padan"].implode())).height
    extra_rows = extra.join(
        all_j.rename({"periode": "_p"}),
        left_on=["sumber_periode", *KEYS],
        right_on=["_p", *KEYS],
        how="left",
        suffix="_t",
    )

    # corrections and removals
    corr = corrections.join(
        individu.select("nik", *FIELDS)
        .with_columns(
            hamil=pl.when(pl.col("hamil")).then(pl.lit("Y")).otherwise(pl.lit("N")),
            disabilitas_berat=pl.when(pl.col("disabilitas_berat")).then(pl.lit("Y")).otherwise(pl.lit("N")),
        )
        .unpivot(index="nik", variable_name="kolom", value_name="nilai"),
        on=["nik", "kolom"],
        how="left",
    )
    corr = corr.with_columns(_ok=(pl.col("nilai") == pl.col("baru")).fill_null(False))
    registered_before = (
        pl.when(pl.col("nik").is_in(prev_niks.implode()))
        .then(pl.lit("registered before"))
        .otherwise(pl.lit("not registered before (an earlier miss)"))
        .alias("cause")
    )
    corr_miss = (
        corr.filter(~pl.col("_ok"))
        .with_columns(registered_before)
        .join(
            j.filter(pl.col("expected") == "CORRECT").select(
                pl.col("true_nik").alias("nik"),
                "kolom",
                "kind",
                "noise",
                "hasil",
                "alasan",
                "status_padan",
                "metode_padan",
                *KEYS,
            ),
            on=["nik", "kolom"],
            how="left",
        )
    )
    rem_ok = removals.filter(~in_reg)
    rem_miss = (
        removals.filter(in_reg)
        .with_columns(registered_before)
        .join(
            j.filter(pl.col("expected") == "REMOVE").select(
                pl.col("true_nik").alias("nik"),
                "kind",
                "noise",
                "hasil",
                "alasan",
                "status_padan",
                "metode_padan",
                "typo_target",
                *KEYS,
            ),
            on="nik",
            how="left",
        )
    )

    # fields of everyone present, and SANGGAH flags
    cmp = expected.join(
        individu.select("nik", *[pl.col(f).alias(f"_{f}") for f in FIELDS], "sanggah_periode"),
        on="nik",
        how="inner",
        suffix="_reg",
    )
    fields_ok = cmp.select(
        pl.all_horizontal([(pl.col(f) == pl.col(f"_{f}")).fill_null(False) for f in FIELDS])
    ).to_series()
    flagged = expected.filter(pl.col("sanggah_periode") == periode)
    flag_ok = cmp.filter((pl.col("sanggah_periode") == periode) & (pl.col("sanggah_periode_reg") == periode)).height

    # rows: refused where they should be, acting on the right person where they apply
    row_ok = (
        pl.when(pl.col("expected") == "REFUSE")
        .then(pl.col("hasil") == "DITOLAK")
        .otherwise((pl.col("hasil") == "DITERIMA") & (pl.col("nik_padan") == pl.col("true_nik")))
    ).fill_null(False)
    j = j.with_columns(_ok=row_ok)
    per_kind = (
        j.group_by("kind", "expected")
        .agg(rows=pl.len(), correct=pl.col("_ok").sum(), diterima=(pl.col("hasil") == "DITERIMA").sum())
        .sort("kind")
        .to_dicts()
    )
    codes = (
        j.with_columns(_c=pl.col("alasan").list.join("|").fill_null("(no row)"))
        .group_by("kind", "_c")
        .len()
        .sort(["kind", "len", "_c"], descending=[False, True, False])
    )
    for k in per_kind:
        top = codes.filter(pl.col("kind") == k["kind"]).head(3)
        k["top_alasan"] = {(c or "-"): n for c, n in top.select("_c", "len").iter_rows()}
    adv_kinds = M1_REFUSE + ADVERSARIAL_REFUSE
    adv = j.filter(pl.col("kind").is_in(adv_kinds))
    adv_ok = adv.filter(pl.col("_ok")).height
    # a NIK as typed (invented, typo'd, a ghost's) that is not the person's own must never be registered or removed
    wrong_typed = j.filter(
        pl.col("nik_tertulis").is_not_null() & (pl.col("nik_tertulis") != pl.col("true_nik").fill_null(""))
    )
    typed_in_reg = wrong_typed.filter(
        pl.col("nik_tertulis").is_in(reg_niks.implode()) & ~pl.col("nik_tertulis").is_in(exp_set.implode())
    ).height
    typo = j.filter(pl.col("kind") == "hapus_nik_typo")
    neighbours = typo.filter(pl.col("typo_target") == "terdaftar")
    neighbour_gone = neighbours.filter(
        pl.col("nik_tertulis").is_in(exp_set.implode()) & ~pl.col("nik_tertulis").is_in(reg_niks.implode())
    ).height
    apply_kinds = {k: j.filter(pl.col("kind") == k) for k in ADVERSARIAL_APPLY}
    # per noise kind, over the rows that should act on a person
    per_noise = (
        j.filter(pl.col("expected") != "REFUSE")
        .with_columns(_n=pl.col("noise").fill_null("").str.split(","))
        .explode("_n")
        .with_columns(pl.col("_n").replace("", "clean"))
        .group_by("_n")
        .agg(rows=pl.len(), correct=pl.col("_ok").sum())
        .sort("_n")
        .rename({"_n": "noise"})
        .to_dicts()
    )
    # re-sent BARU rows whose person the previous month's register did not hold (a first admission)
    resent = j.filter(pl.col("kind").str.starts_with("baru_kirim_ulang"))
    first_admissions = None
    if before and resent.height:
        fresh = resent.filter(~pl.col("true_nik").is_in(prev_niks.implode()))
        first_admissions = {"rows": fresh.height, "admitted": int(fresh["_ok"].sum())}

    def by_row(expected: str) -> int:
        """Expected changes whose own row was accepted on the right person (a removal of someone who was
        never admitted counts as applied above, since they are absent, but not here)."""
        return j.filter((pl.col("expected") == expected) & (pl.col("kind") != "baris_ganda") & pl.col("_ok")).height

    def share(a: int, b: int) -> float | None:
        return round(a / b, 5) if b else None

    return {
        "periode": periode,
        "rows": truth.height,
        "rows_with_outcome": j.filter(pl.col("hasil").is_not_null()).height,
        "expected_present": expected.height,
        "register": individu.height,
        "extra": extra.height,
        "nik_twice": twice,
        "present": share(present, expected.height),
        "missing": missing.height,
        "wrongly_removed": wrongly_removed,
        "corrections": {
            "expected": corrections.height,
            "applied": int(corr["_ok"].sum()),
            "share": share(int(corr["_ok"].sum()), corrections.height),
            "by_their_row": by_row("CORRECT"),
        },
        "removals": {
            "expected": removals.height,
            "applied": rem_ok.height,
            "share": share(rem_ok.height, removals.height),
            "by_their_row": by_row("REMOVE"),
        },
        "sanggah_flagged": {"expected": flagged.height, "flagged": flag_ok, "share": share(flag_ok, flagged.height)},
        "fields_agree": share(int(fields_ok.sum()), cmp.height),
        "adversarial_refused": {
            "rows": adv.height,
            "refused": adv_ok,
            "share": share(adv_ok, adv.height),
            "per_kind": {
                k: [adv.filter(pl.col("kind") == k).height, adv.filter((pl.col("kind") == k) & pl.col("_ok")).height]
                for k in adv_kinds
                if adv.filter(pl.col("kind") == k).height
            },
        },
        "adversarial_applied": {
            k: {"rows": f.height, "right_person": int(f["_ok"].sum())} for k, f in apply_kinds.items() if f.height
        },
        "typed_wrong_nik_in_register": typed_in_reg,
        "hapus_typo_onto_registered": {"rows": neighbours.height, "holder_removed": neighbour_gone},
        "resent_first_admissions": first_admissions,
        "per_kind": per_kind,
        "per_noise": per_noise,
        "shortfalls": {
            "missing": _groups(miss_rows, "nik"),
            "extra": _groups(extra_rows.with_columns(hasil=pl.lit("DITERIMA")), "nik"),
            "corrections": _groups(corr_miss, "nik"),
            "removals": _groups(rem_miss, "nik"),
            "adversarial": _groups(adv.filter(~pl.col("_ok")).rename({"true_nik": "nik"}), "nik"),
        },
    }
