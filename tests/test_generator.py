"""Invariants of the synthetic data generator (synthetic/ + flows/generate.py).

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
from synthetic import core as S
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
            records.append(
                {
                    "sumber_file": path.name,
                    "sumber_baris": i,
                    "kode_prov_dir": path.parent.name,
                    **{c: rec[c] for c in S.USULAN_COLUMNS},
                }
            )
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
    parents = (
        d.filter(pl.col("STAT_HBKEL").is_in(["KEPALA KELUARGA", "ISTRI", "SUAMI"]))
        .group_by("NO_KK")
        .agg(youngest_parent=pl.col("TGL_LHR").max())
    )
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
        dukcapil, left_on="true_nik", right_on="NIK", how="left"
    )
    clean = j.filter(pl.col("noise") == "")
    assert clean.height > 0.6 * j.height
    assert (clean["nik"] == clean["true_nik"]).all()
    assert (clean["no_kk"] == clean["NO_KK"]).all()
    assert (clean["nama"] == clean["NAMA_LGKP"]).all()
    assert (clean["jenis_usulan"] == clean["jenis_usulan_right"]).all()  # truth vs CSV
    assert (
        clean["kode_wilayah"]
        .str.replace_all(".", "", literal=True)
        .is_in(wilayah.villages()["kode_wilayah"].implode())
        .all()
    )
    # every clean date parses in one of the three contract formats and equals TGL_LHR
    parsed = clean.select(
        pl.coalesce(
            pl.col("tanggal_lahir").str.to_date("%d-%m-%Y", strict=False),
            pl.col("tanggal_lahir").str.to_date("%d/%m/%Y", strict=False),
            pl.col("tanggal_lahir").str.to_date("%Y-%m-%d", strict=False),
        )
    )[:, 0]
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
    assert (clean_nik.str.slice(0, 12) == fab["true_nik"].str.slice(0, 12)).filter(fab["true_nik"].is_not_null()).all()
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


# ---------------------------------------------------------------------------------------------
# Phenomena of real families and villages (issue 14): twins, serials, namesakes, look-alike NIKs,
# call names, moves. A larger population (30,000; its villages include Sundanese, Javanese and
# Balinese ones) with the new kinds at raised rates, checked on the frames the writer writes.
# ---------------------------------------------------------------------------------------------
PHEN_SEED, PHEN_PERSONS, PHEN_ROWS = 35, 30_000, 10_000
_RAISED = {
    **{k: 0.01 for k in S.NOISE_GROUPS["nik_lookalike"] + S.NOISE_GROUPS["call_name"]},
    "relocated": 0.01,
    "relocated_old_form": 0.01,
}
_NIK_FORMS = r"nik_(apostrophe|spaces|quoted|dot0)"


@pytest.fixture(scope="module")
def phen() -> tuple[pl.DataFrame, pl.DataFrame]:
    rng = np.random.default_rng(PHEN_SEED)
    pop = S.population(rng, PHEN_PERSONS, periode=PERIODE)
    rows = S.usulan(rng, pop, PHEN_ROWS, periode=PERIODE, noise_rates=_RAISED)
    return pop, rows


def _kind(rows: pl.DataFrame, kind: str) -> pl.DataFrame:
    return rows.filter(pl.col("noise").str.split(",").list.contains(kind))


def _typed_nik(col: str = "nik") -> pl.Expr:
    """The NIK digits a row carries, its written form (apostrophe, spaces, quotes, .0) removed."""
    return pl.col(col).str.strip_chars(" '\"").str.replace(r"\.0$", "")


def _with_person(rows: pl.DataFrame, pop: pl.DataFrame, on: str, prefix: str) -> pl.DataFrame:
    cols = [
        "NIK",
        "NO_KK",
        "NAMA_LGKP",
        "TGL_LHR",
        "JENIS_KLMIN",
        "NAMA_LGKP_IBU",
        "kode_wilayah",
        "ALAMAT",
        "TMPT_LHR",
        "hh_id",
    ]
    return rows.join(
        pop.select(cols).rename({c: f"{prefix}{c}" for c in cols}),
        left_on=on,
        right_on=f"{prefix}NIK",
        how="left",
        maintain_order="left",
    )


def _digits_apart(a: str, b: str) -> list[int]:
    return [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]


def test_twins_share_card_birth_date_mother_and_registration(phen, dukcapil):
    pop = phen[0]
    for people in (dukcapil, pop):
        kids = people.filter(pl.col("STAT_HBKEL") == "ANAK")
        deliveries = kids.group_by("NO_KK", "TGL_LHR").agg(
            pl.len(),
            pl.col("NAMA_LGKP_IBU").n_unique().alias("ibu"),
            pl.col("TMPT_LHR").n_unique().alias("tmpt"),
            pl.col("NIK").str.slice(0, 6).n_unique().alias("kec"),
        )
        twins = deliveries.filter(pl.col("len") >= 2)
        assert 0.007 < twins.height / deliveries.height < 0.03  # 1-2% of births are twins
        assert (twins["ibu"] == 1).all() and (twins["tmpt"] == 1).all() and (twins["kec"] == 1).all()
        # other siblings are at least 300 days apart: a shared birth date in a card means twins
        gaps = (
            kids.sort("NO_KK", "TGL_LHR")
            .select(pl.col("TGL_LHR").diff().over("NO_KK").dt.total_days())[:, 0]
            .drop_nulls()
        )
        assert ((gaps == 0) | (gaps >= 300)).all()
    assert 0 < twins.filter(pl.col("len") >= 3).height < 0.1 * twins.height  # a few triplets
    # same-sex twins share the NIK's first 12 digits; registered together, their serials are consecutive
    first_two = pop.filter(pl.col("twin_root") >= 0).join(
        pop.with_row_index("r").select(
            pl.col("r").cast(pl.Int32),
            sib_nik="NIK",
            sib_sex="JENIS_KLMIN",
            sib_kk="NO_KK",
            sib_tgl="TGL_LHR",
            sib_ibu="NAMA_LGKP_IBU",
        ),
        left_on="twin_root",
        right_on="r",
    )
    assert (
        (first_two["NO_KK"] == first_two["sib_kk"])
        & (first_two["TGL_LHR"] == first_two["sib_tgl"])
        & (first_two["NAMA_LGKP_IBU"] == first_two["sib_ibu"])
    ).all()
    same_sex = first_two.filter(pl.col("JENIS_KLMIN") == pl.col("sib_sex"))
    assert 0.5 < same_sex.height / first_two.height < 0.8
    assert (same_sex["NIK"].str.slice(0, 12) == same_sex["sib_nik"].str.slice(0, 12)).all()
    apart = (same_sex["NIK"].str.slice(12).cast(pl.Int32) - same_sex["sib_nik"].str.slice(12).cast(pl.Int32)).abs()
    assert (apart == 1).mean() > 0.8
    one_digit = [len(_digits_apart(a, b)) == 1 for a, b in zip(same_sex["NIK"], same_sex["sib_nik"], strict=True)]
    assert np.mean(one_digit) > 0.8
    # the family's surname, and a good share of look-alike given names
    from rapidfuzz.distance import Levenshtein

    fam = first_two.filter(pl.col("fam") >= 0)
    assert (
        fam.height
        and (
            fam["NAMA_LGKP"].str.extract(r"(\S+)$") == pop["NAMA_LGKP"].gather(fam["twin_root"]).str.extract(r"(\S+)$")
        ).mean()
        > 0.8
    )
    sib_names = pop["NAMA_LGKP"].gather(first_two["twin_root"])
    alike = [
        Levenshtein.normalized_similarity(a, b) >= 0.6 for a, b in zip(first_two["NAMA_LGKP"], sib_names, strict=True)
    ]
    assert 0.3 < np.mean(alike) < 0.9
    assert (first_two["NAMA_LGKP"] != sib_names).all()


def test_serials_count_up_from_0001_within_district_birth_date_and_sex(phen, dukcapil):
    for people in (dukcapil, phen[0]):
        groups = (
            people.select(p=pl.col("NIK").str.slice(0, 12), s=pl.col("NIK").str.slice(12).cast(pl.Int32))
            .group_by("p")
            .agg(pl.col("s").sort(), pl.len())
        )
        assert groups.select((pl.col("s") == pl.int_ranges(1, pl.col("len") + 1, dtype=pl.Int32)).all()).item()
        assert groups["len"].max() >= 2


def test_common_full_names_are_heavy_tailed_and_namesakes_share_twelve_nik_digits(phen):
    pop = phen[0]
    counts = pop["NAMA_LGKP"].value_counts(sort=True)["count"].to_numpy()
    assert counts[0] > 0.003 * pop.height and counts[:20].sum() > 0.02 * pop.height
    assert (counts == 1).sum() > 0.6 * pop.height  # and still a long tail of rare names
    ns = (
        pop.with_columns(p=pl.col("NIK").str.slice(0, 12))
        .filter(pl.len().over("p", "NAMA_LGKP") == 2)
        .sort("p", "NAMA_LGKP", "NIK")
        .group_by("p", "NAMA_LGKP", maintain_order=True)
        .agg(pl.col("NIK", "NO_KK", "NAMA_LGKP_IBU", "kode_wilayah", "ALAMAT", "TGL_LHR", "JENIS_KLMIN"))
    )
    assert 0.004 < 2 * ns.height / pop.height < 0.03
    first, second = (ns.select(pl.all().exclude("p", "NAMA_LGKP").list.get(i)) for i in (0, 1))
    assert (first["TGL_LHR"] == second["TGL_LHR"]).all() and (first["JENIS_KLMIN"] == second["JENIS_KLMIN"]).all()
    assert (first["NO_KK"] != second["NO_KK"]).all()
    for col in ("NAMA_LGKP_IBU", "kode_wilayah", "ALAMAT"):
        assert (first[col] != second[col]).mean() > 0.95, col
    serial = (first["NIK"].str.slice(12).cast(pl.Int32) - second["NIK"].str.slice(12).cast(pl.Int32)).abs()
    assert (serial <= 2).mean() > 0.9


def test_nik_typo_twin_lands_exactly_on_the_twin(phen):
    pop, rows = phen
    t = _with_person(_with_person(_kind(rows, "nik_typo_twin"), pop, "true_nik", "me_"), pop, "lookalike_nik", "tw_")
    assert 0.002 < t.height / rows.height
    assert (t.select(_typed_nik())[:, 0] == t["lookalike_nik"]).all()
    assert (t["lookalike_relation"] == "twin").all()
    assert (
        (t["tw_NO_KK"] == t["me_NO_KK"])
        & (t["tw_TGL_LHR"] == t["me_TGL_LHR"])
        & (t["tw_JENIS_KLMIN"] == t["me_JENIS_KLMIN"])
        & (t["tw_NAMA_LGKP_IBU"] == t["me_NAMA_LGKP_IBU"])
    ).all()
    for got, true in zip(t["lookalike_nik"], t["true_nik"], strict=True):
        (p,) = _digits_apart(got, true)
        assert p >= 12  # in the serial


def test_nik_swap_twin_rows_carry_each_others_nik(phen):
    pop, rows = phen
    s = _with_person(_kind(rows, "nik_swap_twin"), pop, "true_nik", "me_").with_columns(typed=_typed_nik())
    assert s.height >= 4 and s.height % 2 == 0
    other = s.select("sumber_file", "true_nik", "typed").rename({"true_nik": "o_true", "typed": "o_typed"})
    pairs = s.join(other, left_on=["sumber_file", "typed"], right_on=["sumber_file", "o_true"])
    assert pairs.height == s.height
    assert (pairs["o_typed"] == pairs["true_nik"]).all() and (pairs["lookalike_nik"] == pairs["typed"]).all()
    assert (pairs["lookalike_relation"] == "twin").all()
    tw = _with_person(pairs, pop, "typed", "tw_")
    assert ((tw["tw_NO_KK"] == tw["me_NO_KK"]) & (tw["tw_TGL_LHR"] == tw["me_TGL_LHR"])).all()


def test_nik_typo_namesake_lands_on_a_namesake_of_another_family(phen):
    pop, rows = phen
    t = _with_person(
        _with_person(_kind(rows, "nik_typo_namesake"), pop, "true_nik", "me_"), pop, "lookalike_nik", "ns_"
    )
    assert 0.003 < t.height / rows.height
    assert (t.select(_typed_nik())[:, 0] == t["lookalike_nik"]).all()
    assert (t["lookalike_relation"] == "namesake").all()
    for col in ("NAMA_LGKP", "TGL_LHR", "JENIS_KLMIN"):
        assert (t[f"ns_{col}"] == t[f"me_{col}"]).all(), col
    for col in ("NO_KK", "NAMA_LGKP_IBU", "kode_wilayah", "ALAMAT"):
        assert (t[f"ns_{col}"] != t[f"me_{col}"]).all(), col
    for got, true in zip(t["lookalike_nik"], t["true_nik"], strict=True):
        (p,) = _digits_apart(got, true)
        assert p >= 12


def test_nik_typo_family_lands_on_another_member_of_the_card(phen):
    pop, rows = phen
    t = _with_person(_with_person(_kind(rows, "nik_typo_family"), pop, "true_nik", "me_"), pop, "lookalike_nik", "fm_")
    assert t.height >= 5
    assert (t.select(_typed_nik())[:, 0] == t["lookalike_nik"]).all()
    assert (t["lookalike_relation"] == "family").all()
    assert ((t["fm_NO_KK"] == t["me_NO_KK"]) & (t["fm_TGL_LHR"] != t["me_TGL_LHR"])).all()
    for got, true in zip(t["lookalike_nik"], t["true_nik"], strict=True):
        d = _digits_apart(got, true)
        assert len(d) == 1 or (len(d) == 2 and d[1] == d[0] + 1 and got[d[0]] == true[d[1]] and got[d[1]] == true[d[0]])


def test_lookalike_truth_names_real_other_people(phen, truth, dukcapil):
    rows = phen[1]
    for t, niks in ((rows, phen[0]["NIK"]), (truth, dukcapil["NIK"])):
        la = t.filter(pl.col("lookalike_nik").is_not_null())
        assert la.height > 0
        assert la["lookalike_nik"].is_in(niks.implode()).all() and (la["lookalike_nik"] != la["true_nik"]).all()
        assert set(la["lookalike_relation"]) <= {"twin", "family", "namesake", "other"}
        assert t.filter(pl.col("lookalike_nik").is_null())["lookalike_relation"].is_null().all()
    # every look-alike kind records its person; only a look-alike, a family member's or a damaged NIK lands on one
    la_kinds = "|".join(S.NOISE_GROUPS["nik_lookalike"])
    assert rows.filter(pl.col("noise").str.contains(la_kinds))["lookalike_nik"].null_count() == 0
    assert (
        rows.filter(
            pl.col("lookalike_nik").is_not_null()
            & ~pl.col("noise").str.contains(la_kinds + "|nik_typo|nik_transpose|nik_other_member|nik_excel_zero16")
        ).height
        == 0
    )


def test_call_names_keep_nik_birth_date_sex_card_and_mother(phen):
    pop, rows = phen
    c = _with_person(rows.filter(pl.col("noise").str.contains("call_name")), pop, "true_nik", "me_")
    assert (c.select(_typed_nik())[:, 0] == c["true_nik"]).all()
    assert (
        not c["noise"]
        .str.contains(r"(^|,)(nik_typo|nik_transpose|nik_other|nik_is_kk|nik_fab|ghost|nik_excel|date_swap)")
        .any()
    )
    assert (c["nama_ibu_kandung"] == c["me_NAMA_LGKP_IBU"]).all()
    dated = c.filter(~pl.col("noise").str.contains("invalid_date"))
    born = dated.select(
        pl.coalesce(
            pl.col("tanggal_lahir").str.to_date("%d-%m-%Y", strict=False),
            pl.col("tanggal_lahir").str.to_date("%d/%m/%Y", strict=False),
            pl.col("tanggal_lahir").str.to_date("%Y-%m-%d", strict=False),
            (pl.col("tanggal_lahir").cast(pl.Int32, strict=False) - 25569).cast(pl.Date),
        )
    )[:, 0]
    assert (born == dated["me_TGL_LHR"]).all()
    assert (c["jenis_kelamin"].str.slice(0, 1) == c["me_JENIS_KLMIN"].str.slice(0, 1)).all()
    assert (
        (c["no_kk"].str.strip_chars(" '").str.replace(r"\.0$", "") == c["me_NO_KK"])
        .filter(~c["noise"].str.contains("relocated_old_form"))
        .all()
    )
    # the call name is what the pattern says (rows with no other name noise on top)
    plain = c.filter(~pl.col("noise").str.contains(r"(^|,)name_"))
    for kind in S.NOISE_GROUPS["call_name"]:
        k = _kind(plain, kind)
        assert k.height >= 3, (kind, k.height)
        assert (k["nama"] != k["me_NAMA_LGKP"]).all()
    k = _kind(plain, "call_name_sunda")
    first, boy = k["nama"].str.extract(r"^(\S+)"), k["me_JENIS_KLMIN"] == "LAKI-LAKI"
    assert first.filter(boy).is_in(["UJANG", "ASEP"]).all() and first.filter(~boy).is_in(["NENG", "EUIS"]).all()
    assert boy.any() and (~boy).any()
    k = _kind(plain, "call_name_after_muhammad")
    assert (
        k["me_NAMA_LGKP"].str.contains(
            r"^(MUHAMMAD|MUHAMAD|MOHAMMAD|MOCHAMAD|MOHAMAD|MOCHAMMAD|MOH\.|M\.|SITI|NUR"
            r"|AHMAD|ACHMAD) "
        )
    ).all()
    assert (k["me_NAMA_LGKP"].str.extract(r"^\S+ (\S+)") == k["nama"]).all()
    k = _kind(plain, "call_name_bali")
    words = k["nama"].str.split(" ")
    order = ["I", "NI", "WAYAN", "GEDE", "PUTU", "LUH", "MADE", "KADEK", "NENGAH", "NYOMAN", "KOMANG", "KETUT"]
    assert not words.list.eval(pl.element().is_in(order)).list.any().any()
    assert k["me_NAMA_LGKP"].str.contains(r"^(I|NI) ").all() and (k["me_NAMA_LGKP"].str.ends_with(k["nama"])).all()
    k = _kind(plain, "call_name_su")
    assert (k["me_NAMA_LGKP"].str.split(" ").list.contains("SU" + k["nama"])).all()
    k = _kind(plain, "call_name_first_word")
    assert (k["me_NAMA_LGKP"].str.extract(r"^(\S+) ") == k["nama"]).all()


def test_relocated_families_carry_another_village_and_address(phen):
    pop, rows = phen
    r = _with_person(rows.filter(pl.col("noise").str.contains("relocated")), pop, "true_nik", "me_").with_columns(
        kode=pl.col("kode_wilayah").str.replace_all(".", "", literal=True),
        kk=pl.col("no_kk").str.strip_chars(" '").str.replace(r"\.0$", ""),
    )
    assert 0.005 < r.height / rows.height < 0.05
    r = r.filter(~pl.col("noise").str.contains("invalid_wilayah"))
    assert r["kode"].is_in(wilayah.villages()["kode_wilayah"].implode()).all()
    assert (r["kode"] != r["me_kode_wilayah"]).all() and (r["kode_prov"] == r["kode"].str.slice(0, 2)).all()
    assert (
        r.filter(~pl.col("noise").str.contains("alamat_"))["alamat"]
        != r.filter(~pl.col("noise").str.contains("alamat_"))["me_ALAMAT"]
    ).all()
    same_kab = (r["kode"].str.slice(0, 4) == r["me_kode_wilayah"].str.slice(0, 4)).mean()
    other_prov = (r["kode"].str.slice(0, 2) != r["me_kode_wilayah"].str.slice(0, 2)).mean()
    assert same_kab > 0.4 and other_prov > 0.1
    fwd, old = _kind(r, "relocated"), _kind(r, "relocated_old_form")
    assert fwd.height and old.height
    assert (fwd["kk"] == fwd["me_NO_KK"]).all()
    assert not old["kk"].is_in(pl.concat([pop["NO_KK"], pop["NIK"]]).implode()).any()
    assert (old["true_no_kk"] == old["me_NO_KK"]).all()
    # a household moves as a whole: every proposed member carries the same village
    per_kk = r.group_by("true_no_kk").agg(pl.col("kode").n_unique())
    assert (per_kk["kode"] == 1).all()
    everyone = rows.filter(pl.col("true_no_kk").is_in(r["true_no_kk"].implode()) & pl.col("true_nik").is_not_null())
    assert everyone["noise"].str.contains("relocated").all()


def test_the_dev_mix_draws_every_new_kind_near_its_rate(phen):
    rng = np.random.default_rng(PHEN_SEED + 1)
    rows = S.usulan(rng, phen[0], PHEN_ROWS, periode=PERIODE)
    kinds = rows["noise"].str.split(",").explode()
    for kind in S.NOISE_GROUPS["nik_lookalike"] + S.NOISE_GROUPS["call_name"] + S.NOISE_GROUPS["relocation"]:
        rate = S.DEFAULT_NOISE_RATES[kind]
        got = (kinds == kind).sum() / rows.height
        low = 0.15 if kind in ("call_name_bali", "relocated", "relocated_old_form") else 0.4  # rare / drawn per family
        assert low * rate < got < 2.5 * rate, (kind, got, rate)


def test_noise_mixes_dev_and_held_out(tmp_path):
    assert S.NOISE_MIXES["dev"] == S.DEFAULT_NOISE_RATES
    held = S.NOISE_MIXES["held_out"]
    assert set(held) == set(S.DEFAULT_NOISE_RATES)
    new = S.NOISE_GROUPS["nik_lookalike"] + S.NOISE_GROUPS["call_name"] + S.NOISE_GROUPS["relocation"]
    assert all(held[k] > S.DEFAULT_NOISE_RATES[k] for k in new)
    assert all(held[k] > S.DEFAULT_NOISE_RATES[k] for k in ("nik_typo", "nik_transpose", "name_typo", "date_swap"))
    for kind in new:
        assert 0.001 <= S.DEFAULT_NOISE_RATES[kind] <= 0.01, kind
    assert S.POPULATION_MIXES["held_out"]["twin_rate"] > S.POPULATION_MIXES["dev"]["twin_rate"]
    s = generate_data_root(tmp_path / "h", persons=1_500, usulan=400, periode=PERIODE, seed=3, noise_mix="held_out")
    meta = json.loads((tmp_path / "h.truth" / "truth.json").read_text(encoding="utf-8"))
    assert meta["params"]["noise_mix"] == "held_out" and meta["params"]["noise_rates"]["nik_typo"] == held["nik_typo"]
    assert s["counts"]["usulan_rows"] == 400
    with pytest.raises(ValueError):
        generate_data_root(tmp_path / "x", persons=300, usulan=50, periode=PERIODE, seed=3, noise_mix="tuning")


def test_cli_generate_takes_a_mix(tmp_path):
    from typer.testing import CliRunner

    from flows.cli import app

    out = CliRunner().invoke(
        app,
        [
            "generate",
            "--data-root",
            str(tmp_path / "r"),
            "--persons",
            "400",
            "--usulan",
            "80",
            "--periode",
            PERIODE,
            "--mix",
            "held_out",
        ],
    )
    assert out.exit_code == 0, out.output
    meta = json.loads((tmp_path / "r.truth" / "truth.json").read_text(encoding="utf-8"))
    assert meta["params"]["noise_mix"] == "held_out"
    bad = CliRunner().invoke(app, ["generate", "--data-root", str(tmp_path / "b"), "--mix", "nope"])
    assert bad.exit_code != 0
