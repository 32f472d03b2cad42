"""Invariants of the synthetic data generator (transforms/synthetic.py + flows/generate.py).

One small data root (3,000 persons, 800 usulan rows) is generated per test session, plus a
second one with the same seed for the determinism check. The CSVs are read back with Python's
csv module, the way a careful operator would: detect BOM / encoding, sniff the delimiter from
the header, let the csv module handle quoted line breaks.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from flows.generate import generate_data_root
from transforms import synthetic as S
from transforms import wilayah

PERIODE = "2026-01"
PERSONS, USULAN, SEED = 3_000, 800, 11


def _generate(root: Path) -> dict:
    return generate_data_root(root, persons=PERSONS, usulan=USULAN, periode=PERIODE, seed=SEED)


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("gen")
    _generate(base / "root")
    return base / "root"


@pytest.fixture(scope="module")
def dukcapil(root) -> pl.DataFrame:
    return pl.read_parquet(sorted((root / "reference" / "dukcapil").glob("*.parquet")))


@pytest.fixture(scope="module")
def truth(root) -> pl.DataFrame:
    return pl.read_parquet(root.parent / "root.truth" / "truth.parquet")


def _read_usulan_csv(path: Path) -> tuple[list[str], list[list[str]], dict]:
    raw = path.read_bytes()
    info = {"bom": raw.startswith(b"\xef\xbb\xbf")}
    try:
        text = raw.decode("utf-8-sig")
        info["encoding"] = "utf-8"
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
        info["encoding"] = "cp1252"
    first = text.split("\n", 1)[0]
    delim = ";" if first.count(";") > first.count(",") else ","
    rows = [r for r in csv.reader(io.StringIO(text, newline=""), delimiter=delim) if any(c.strip() for c in r)]
    header = [h.strip().lower() for h in rows[0]]
    return header, rows[1:], info


@pytest.fixture(scope="module")
def usulan_rows(root) -> pl.DataFrame:
    """Every data row of every usulan CSV, keyed by (sumber_file, sumber_baris)."""
    records = []
    for path in sorted((root / "inbox" / PERIODE).glob("*/*.csv")):
        header, rows, _ = _read_usulan_csv(path)
        for i, r in enumerate(rows, start=1):
            rec = dict(zip(header, r, strict=True))
            records.append({"sumber_file": path.name, "sumber_baris": i, "kode_prov_dir": path.parent.name,
                            **{c: rec[c] for c in S.USULAN_COLUMNS}})
    return pl.DataFrame(records)


# ---------------------------------------------------------------------------------------------
# Dukcapil
# ---------------------------------------------------------------------------------------------
def test_dukcapil_has_contract_columns_and_types(dukcapil):
    assert tuple(dukcapil.columns) == S.DUKCAPIL_COLUMNS
    assert dukcapil.height == PERSONS
    assert dukcapil.schema["TGL_LHR"] == pl.Date and dukcapil.schema["TGL_MATI"] == pl.Date
    assert set(dukcapil["JENIS_KLMIN"].unique()) == {"LAKI-LAKI", "PEREMPUAN"}
    assert (dukcapil["NAMA_LGKP"] == dukcapil["NAMA_LGKP"].str.to_uppercase()).all()
    for col, width in (("NO_PROP", 2), ("NO_KAB", 2), ("NO_KEC", 2), ("NO_KEL", 4)):
        assert dukcapil[col].str.contains(rf"^[0-9]{{{width}}}$").all(), col


def test_nik_structure(dukcapil):
    nik = dukcapil["NIK"]
    assert nik.str.contains(r"^[0-9]{16}$").all()
    assert nik.n_unique() == dukcapil.height
    assert nik.str.slice(0, 6).is_in(wilayah.districts()["kode_kec"].implode()).all()
    assert (nik.str.slice(12, 4) != "0000").all()
    day = nik.str.slice(6, 2).cast(pl.Int32).to_numpy()
    month = nik.str.slice(8, 2).cast(pl.Int32).to_numpy()
    yy = nik.str.slice(10, 2).cast(pl.Int32).to_numpy()
    female = (dukcapil["JENIS_KLMIN"] == "PEREMPUAN").to_numpy()
    assert ((day > 40) == female).all()
    born = dukcapil["TGL_LHR"]
    assert (day - 40 * female == born.dt.day().to_numpy()).all()
    assert (month == born.dt.month().to_numpy()).all()
    assert (yy == born.dt.year().to_numpy() % 100).all()
    # and the DDMMYY is a real calendar date
    for d, m, y in zip(day - 40 * female, month, born.dt.year().to_numpy(), strict=True):
        dt.date(int(y), int(m), int(d))


def test_papua_niks_exceed_float_precision(dukcapil):
    provs = set(dukcapil["NO_PROP"].unique())
    assert provs & {"91", "92", "93", "94", "95", "96"}
    assert (dukcapil["NIK"].cast(pl.Int64) > 2**53).any()


def test_households_are_consistent(dukcapil):
    per_kk = dukcapil.group_by("NO_KK").agg(
        heads=(pl.col("STAT_HBKEL") == "KEPALA KELUARGA").sum(),
        n=pl.len(),
        villages=pl.concat_str("NO_PROP", "NO_KAB", "NO_KEC", "NO_KEL").n_unique(),
        addresses=pl.col("ALAMAT").n_unique(),
        wives=(pl.col("STAT_HBKEL") == "ISTRI").sum(),
    )
    assert (per_kk["heads"] == 1).all()
    assert per_kk["n"].is_between(1, 8).all()
    assert (per_kk["villages"] == 1).all() and (per_kk["addresses"] == 1).all()
    assert (per_kk["wives"] <= 1).all()
    assert dukcapil["NO_KK"].str.contains(r"^[0-9]{16}$").all()
    assert not dukcapil["NO_KK"].is_in(dukcapil["NIK"].implode()).any()
    # the village is a real one
    kode = dukcapil.select(pl.concat_str("NO_PROP", "NO_KAB", "NO_KEC", "NO_KEL"))[:, 0]
    assert kode.is_in(wilayah.villages()["kode_wilayah"].implode()).all()


def test_roles_sex_and_ages(dukcapil):
    ref = dt.date(2026, 1, 1)
    d = dukcapil.with_columns(age=(pl.lit(ref) - pl.col("TGL_LHR")).dt.total_days() / 365.2425)
    assert (d.filter(pl.col("STAT_HBKEL") == "ISTRI")["JENIS_KLMIN"] == "PEREMPUAN").all()
    assert (d.filter(pl.col("STAT_HBKEL") == "SUAMI")["JENIS_KLMIN"] == "LAKI-LAKI").all()
    assert d.filter(pl.col("STAT_HBKEL").is_in(["ORANG TUA", "MERTUA"]))["age"].min() >= 60
    assert d.filter(pl.col("STAT_HBKEL") == "KEPALA KELUARGA")["age"].min() >= 18
    assert (d["age"] >= 60).sum() > 0.03 * d.height
    assert (d["TGL_LHR"] < ref).all()
    # children are at least 18 years younger than both parents
    parents = d.filter(pl.col("STAT_HBKEL").is_in(["KEPALA KELUARGA", "ISTRI", "SUAMI"])).group_by("NO_KK").agg(
        youngest_parent=pl.col("TGL_LHR").max())
    kids = d.filter(pl.col("STAT_HBKEL") == "ANAK").join(parents, on="NO_KK")
    gap = (kids["TGL_LHR"] - kids["youngest_parent"]).dt.total_days() / 365.2425
    assert gap.min() >= 18
    # children of a household with a wife carry her name as mother
    moms = d.filter(pl.col("STAT_HBKEL") == "ISTRI").select("NO_KK", ibu="NAMA_LGKP")
    k = d.filter(pl.col("STAT_HBKEL") == "ANAK").join(moms, on="NO_KK")
    assert (k["NAMA_LGKP_IBU"] == k["ibu"]).all()
    # age-consistent occupations and ~1% dead before the periode
    small = d.filter(pl.col("age") < 15)["JENIS_PKRJN"].unique().to_list()
    assert set(small) <= {"PELAJAR/MAHASISWA", "BELUM/TIDAK BEKERJA"}
    dead = d.filter(pl.col("TGL_MATI").is_not_null())
    assert 0.003 < dead.height / d.height < 0.03
    assert (dead["TGL_MATI"] < ref).all() and (dead["TGL_MATI"] > dead["TGL_LHR"]).all()


def test_names_are_varied(dukcapil):
    names = dukcapil["NAMA_LGKP"]
    assert names.n_unique() > 0.8 * names.len()
    words = names.str.split(" ").list.len()
    assert set(words.unique().to_list()) >= {1, 2, 3}
    assert names.str.contains(r"(OE|DJ|TJ)").any()  # some old spellings
    assert not names.is_in(["JOKO WIDODO", "SUSILO BAMBANG YUDHOYONO"]).any()


# ---------------------------------------------------------------------------------------------
# Reference and feedback files
# ---------------------------------------------------------------------------------------------
def test_reference_and_feedback_files(root, dukcapil):
    kks = dukcapil["NO_KK"].unique()
    dtsen = pl.read_parquet(root / "reference" / "dtsen" / "dtsen.parquet")
    assert dtsen.columns == ["no_kk", "desil", "tgl_update"]
    assert dtsen["desil"].is_between(1, 10).all() and dtsen["no_kk"].is_unique().all()
    assert 0.9 < dtsen.height / kks.len() < 1.0
    assert 0.35 < (dtsen["desil"] <= 4).mean() < 0.65
    assert dtsen["no_kk"].is_in(kks.implode()).all()

    sdm = pl.read_csv(root / "reference" / "sdm_kesos" / "sdm_kesos.csv", infer_schema=False)
    assert sdm.columns == ["nik", "nama", "jenis_sdm", "kode_wilayah", "aktif"]
    assert sdm["nik"].is_in(dukcapil["NIK"].implode()).all() and set(sdm["aktif"]) <= {"Y", "N"}

    gis = pl.read_csv(root / "reference" / "gis" / "gis.csv", infer_schema=False)
    assert gis.columns == ["no_kk", "hasil", "tgl_verifikasi", "lat", "lon"]
    assert set(gis["hasil"]) <= {"LAYAK", "TIDAK LAYAK"}
    assert gis["lat"].cast(pl.Float64).is_between(-11, 6).all()
    assert gis["lon"].cast(pl.Float64).is_between(95, 141).all()
    assert gis["tgl_verifikasi"].str.to_date("%Y-%m-%d").is_not_null().all()

    bk = pl.read_csv(root / "feedback" / PERIODE / "burekol" / "burekol.csv", infer_schema=False)
    assert bk.columns == ["no_kk", "nik_pengurus", "bank", "status_rekening", "no_rekening"]
    assert set(bk["bank"]) <= {"BRI", "BNI", "BTN", "MANDIRI", "POS"}
    assert bk["nik_pengurus"].is_in(dukcapil["NIK"].implode()).all()

    sl = pl.read_csv(root / "feedback" / PERIODE / "salur" / "salur.csv", infer_schema=False)
    assert sl.columns == ["periode", "program", "no_kk", "nik", "status", "nominal"]
    assert set(sl["status"]) <= {"SUKSES SPM", "PROSES SPM", "GAGAL OMSPAN", "SI"}
    assert set(sl["program"]) <= {"PKH", "BPNT"} and (sl["nominal"].cast(pl.Int64) > 0).all()


# ---------------------------------------------------------------------------------------------
# Usulan CSVs and their truth
# ---------------------------------------------------------------------------------------------
def test_truth_row_count_equals_csv_data_rows(root, truth, usulan_rows):
    assert truth.height == USULAN == usulan_rows.height
    per_file_truth = truth.group_by("sumber_file").len().sort("sumber_file")
    per_file_csv = usulan_rows.group_by("sumber_file").len().sort("sumber_file")
    assert per_file_truth.equals(per_file_csv)
    joined = truth.join(usulan_rows, on=["sumber_file", "sumber_baris"], how="inner")
    assert joined.height == truth.height
    assert (joined["kode_prov"] == joined["kode_prov_dir"]).all()
    # quoted line breaks exist and did not start new rows
    assert usulan_rows["alamat"].str.contains("\n").any()


def test_files_are_written_as_recorded(root):
    meta = json.loads((root.parent / "root.truth" / "truth.json").read_text(encoding="utf-8"))
    assert meta["counts"]["usulan_rows"] == USULAN
    for f in meta["files"]:
        path = root / f["path"]
        raw = path.read_bytes()
        header, rows, info = _read_usulan_csv(path)
        assert len(rows) == f["rows"]
        assert info["bom"] == (f["encoding"] == "utf-8-sig")
        assert info["encoding"] == ("cp1252" if f["encoding"] == "cp1252" else "utf-8")
        assert re.search(rb"[\x80-\xff]", raw)  # every file has characters where the encoding matters
        assert (b"\r\n" in raw) == (f["line_terminator"] == "CRLF")
        assert set(S.USULAN_COLUMNS) <= set(header)
        assert raw.decode(f["encoding"]).split("\n", 1)[0].count(f["delimiter"]) >= len(S.USULAN_COLUMNS) - 1


def test_clean_rows_carry_the_dukcapil_values(truth, usulan_rows, dukcapil):
    j = truth.join(usulan_rows, on=["sumber_file", "sumber_baris"]).join(
        dukcapil, left_on="true_nik", right_on="NIK", how="left")
    clean = j.filter(pl.col("noise") == "")
    assert clean.height > 0.6 * j.height
    assert (clean["nik"] == clean["true_nik"]).all()
    assert (clean["no_kk"] == clean["NO_KK"]).all()
    assert (clean["nama"] == clean["NAMA_LGKP"]).all()
    assert (clean["jenis_usulan"] == clean["jenis_usulan_right"]).all()  # truth vs CSV
    assert clean["kode_wilayah"].str.replace_all(".", "", literal=True).is_in(
        wilayah.villages()["kode_wilayah"].implode()).all()
    # every clean date parses in one of the three contract formats and equals TGL_LHR
    parsed = clean.select(pl.coalesce(
        pl.col("tanggal_lahir").str.to_date("%d-%m-%Y", strict=False),
        pl.col("tanggal_lahir").str.to_date("%d/%m/%Y", strict=False),
        pl.col("tanggal_lahir").str.to_date("%Y-%m-%d", strict=False)))[:, 0]
    assert (parsed == clean["TGL_LHR"]).all()


def test_noise_is_what_the_truth_says(truth, usulan_rows, dukcapil):
    j = truth.join(usulan_rows, on=["sumber_file", "sumber_baris"])
    share = (j["noise"] != "").mean()
    assert 0.10 < share < 0.35
    dukcapil_niks = dukcapil["NIK"]

    def rows(kind):
        return j.filter(pl.col("noise").str.split(",").list.contains(kind))

    typo = rows("nik_typo").filter(~pl.col("noise").str.contains("nik_(apostrophe|spaces|quoted|dot0)"))
    for got, true in zip(typo["nik"], typo["true_nik"], strict=True):
        assert sum(a != b for a, b in zip(got, true, strict=True)) == 1
    tr = rows("nik_transpose").filter(~pl.col("noise").str.contains("nik_(apostrophe|spaces|quoted|dot0)"))
    for got, true in zip(tr["nik"], tr["true_nik"], strict=True):
        diff = [i for i, (a, b) in enumerate(zip(got, true, strict=True)) if a != b]
        assert len(diff) == 2 and diff[1] == diff[0] + 1 and sorted(got) == sorted(true)
    sci = rows("nik_excel_sci")
    assert sci["nik"].str.contains(r"^[1-9](\.[0-9]{1,5})?E\+15$").all()
    # fabricated NIKs and ghosts: a well-formed NIK that no one in Dukcapil holds
    fab = pl.concat([rows("nik_fabricated"), rows("ghost")])
    assert fab.height > 0
    clean_nik = fab["nik"].str.strip_chars(" '\"").str.replace(r"\.0$", "")
    assert clean_nik.str.contains(r"^[0-9]{16}$").all()
    assert not clean_nik.is_in(dukcapil_niks.implode()).any()
    assert rows("ghost")["true_nik"].is_null().all()
    assert (clean_nik.str.slice(0, 12) == fab["true_nik"].str.slice(0, 12)).filter(
        fab["true_nik"].is_not_null()).all()
    # expect_valid is false exactly for the invalid kinds
    invalid = j["noise"].str.contains("invalid_")
    assert (j["expect_valid"] == ~invalid).all() and invalid.sum() > 0
    # truth NIKs are real Dukcapil NIKs
    assert j["true_nik"].drop_nulls().is_in(dukcapil_niks.implode()).all()


def test_noise_rates_can_be_changed():
    rng = np.random.default_rng(5)
    pop = S.population(rng, 1_500, periode=PERIODE)
    none = S.usulan(rng, pop, 400, periode=PERIODE, noise_rates={k: 0.0 for k in S.DEFAULT_NOISE_RATES})
    assert (none["noise"] == "").sum() == none.height - (none["noise"] == "alamat_nonascii").sum()
    lots = S.usulan(rng, pop, 400, periode=PERIODE, noise_rates={"nik_transpose": 0.5})
    assert lots["noise"].str.contains("nik_transpose").mean() > 0.35
    with pytest.raises(ValueError):
        S.usulan(rng, pop, 10, periode=PERIODE, noise_rates={"no_such_kind": 0.1})


def test_same_seed_gives_identical_bytes(root, tmp_path):
    again = tmp_path / "root"
    _generate(again)
    rels = [p.relative_to(root) for p in sorted(root.rglob("*")) if p.is_file()]
    assert [p.relative_to(again) for p in sorted(again.rglob("*")) if p.is_file()] == rels
    for rel in rels:
        assert (root / rel).read_bytes() == (again / rel).read_bytes(), rel
    for name in ("truth.parquet", "truth.json"):
        assert (root.parent / "root.truth" / name).read_bytes() == (tmp_path / "root.truth" / name).read_bytes()
