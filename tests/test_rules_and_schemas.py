"""The reason-code catalogue and the contract schemas: one frame that passes and one that fails per
rule. The rule files themselves: tests/test_rule_files.py."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandera.errors
import polars as pl
import pytest

import schemas
from rules import reason_codes


def test_every_reason_code_has_both_languages_and_an_action():
    for code, r in reason_codes().items():
        assert code == code.upper() and r.id and r.en and r.tindakan, code


def test_codes_used_in_code_are_catalogued():
    import re

    used = set()
    for f in [
        "transforms/ingest.py",
        "transforms/cleaning.py",
        "transforms/validation.py",
        "transforms/linkage/decide.py",
        "transforms/register.py",
        "transforms/status.py",
        "flows/monthly.py",
        *(str(p) for p in sorted(Path("flows/stages").glob("*.py"))),
        *(str(p) for p in sorted(Path("schemas").glob("*.py"))),
    ]:
        used |= set(re.findall(r'"([A-Z][A-Z0-9_]{5,})"', Path(f).read_text()))
    known = set(reason_codes())
    candidates = {
        u
        for u in used
        if u.startswith(
            (
                "NIK_",
                "FILE_",
                "NAMA_",
                "KODE_",
                "TGL_",
                "TANGGAL_",
                "DESIL_",
                "SALUR_",
                "BUREKOL_",
                "SDM_",
                "GIS_",
                "JENIS_",
                "NO_KK_",
                "USULAN_",
                "BARIS_",
                "ALASAN_",
                "PERLU_",
                "TIDAK_ADA_",
            )
        )
    }
    candidates -= {
        "NIK_EXACT",
        "NIK_SATU_EDIT",
        "NIK_EXCEL",
        "KK_KELUARGA",
        "TIDAK_PADAN",
        "JENIS_KLMIN",
        "NAMA_LGKP",
        "NAMA_LGKP_IBU",
        "TGL_LHR",
        "TGL_MATI",
        "JENIS_PKRJN",
    }
    from transforms.linkage.contest import CHOICES

    candidates -= set(CHOICES)  # alasan_pilihan values (why a candidate was chosen), not reason codes
    assert candidates <= known, candidates - known


def _hasil(**over):
    from transforms.outcomes import HASIL_USULAN_SCHEMA

    row = dict(
        periode="2026-11",
        sumber_file="a.csv",
        sumber_baris=1,
        kode_prov="32",
        jenis_usulan="BARU",
        hasil="DITERIMA",
        alasan=[],
        nik_usulan="3201011505800001",
        nik_padan="3201011505800001",
        status_padan="PADAN",
        skor_padan=0.98,
        metode_padan="NIK_EXACT",
        # beyond the contract: the chosen candidate's evidence (what the province sent is left null)
        nik_kandidat="3201011505800001",
        alasan_pilihan="SATU_DITERIMA",
        bukti_nama=100.0,
        **{f"bukti_{c}": "SAMA" for c in ("tgl_lahir", "jenis_kelamin", "nik", "kk")},
        bukti_ibu="TIDAK_ADA",
        bukti_wilayah="DESA",
    )
    row.update(over)
    return pl.DataFrame([row], schema=HASIL_USULAN_SCHEMA)


@pytest.mark.parametrize(
    "desc, over",
    [
        ("rejected without reason", dict(hasil="DITOLAK", alasan=[])),
        ("padan without nik", dict(nik_padan=None)),
        ("score above 1", dict(skor_padan=1.5)),
        ("unknown hasil", dict(hasil="OK")),
        ("row 0", dict(sumber_baris=0)),
        ("a periode that is not a month", dict(periode="2026-13")),
        ("a candidate that is not a NIK", dict(nik_kandidat="32010115058")),
        ("a choice no contest makes", dict(alasan_pilihan="TEBAKAN")),
        ("a name similarity above 100", dict(bukti_nama=100.5)),
        ("a level of another comparison", dict(bukti_wilayah="SAMA")),
    ],
)
def test_hasil_usulan_schema_failures(desc, over):
    schemas.HasilUsulan.validate(_hasil(), lazy=True)
    with pytest.raises(pandera.errors.SchemaErrors):
        schemas.HasilUsulan.validate(_hasil(**over), lazy=True)


def test_the_candidates_contract_has_a_level_and_a_weight_per_comparison():
    """A comparison added to the model is published: the evidence's columns come from the contract."""
    from transforms.linkage.comparisons import COMPARISONS

    columns = list(schemas.KandidatPadan.to_schema().columns)
    assert [c for c in columns if c.startswith("cmp_")] == list(COMPARISONS)
    weights = [c for c in columns if c.startswith("bobot_") and c != "bobot_awal"]
    assert weights == [f"bobot_{c.removeprefix('cmp_')}" for c in COMPARISONS]


def _unknown_feedback(**over):
    from transforms.salur import UNMATCHED_SCHEMA

    burekol = dict(sumber="feedback/periode=2026-11/burekol/bri.csv", sumber_baris=3, no_kk="3201010101159999")
    salur = dict(sumber="feedback/periode=2026-11/salur/kppn.csv", sumber_baris=7, no_kk=None, program="PKX")
    rows = [
        {**burekol, "program": None, "status": "AKTIF", "alasan": "RUMAH_TANGGA_TIDAK_DIKENAL"},
        {**salur, "status": None, "alasan": "TIDAK_PERNAH_DIDAFTAR", **over},
    ]
    return pl.DataFrame(rows, schema=UNMATCHED_SCHEMA)


@pytest.mark.parametrize(
    "desc, over",
    [
        ("row 0", dict(sumber_baris=0)),
        ("no file", dict(sumber=None)),
        ("a reason that is not feedback answering nothing", dict(alasan="LAYAK")),
    ],
)
def test_unknown_feedback_schema_keeps_what_the_agency_wrote(desc, over):
    """An unknown programme, no no_kk, no status: reported as written; the file, row and reason are not optional."""
    schemas.UmpanBalikTidakDikenal.validate(_unknown_feedback(), lazy=True)
    with pytest.raises(pandera.errors.SchemaErrors):
        schemas.UmpanBalikTidakDikenal.validate(_unknown_feedback(**over), lazy=True)


def _penerima(**over):
    row = dict(
        periode="2026-11",
        program="PKH",
        no_kk="3201010101150001",
        nik="3201011505800001",
        kode_wilayah="3201011001",
        kode_prov="32",
        desil=2,
        status="SK/CALON PENERIMA",
        alasan=["LAYAK"],
        nominal=600000,
        tahap="2026-T4",
        nik_pengurus="3201014708850002",
    )
    row.update(over)
    return pl.DataFrame([row], schema_overrides={"alasan": pl.List(pl.String), "desil": pl.Int64})


@pytest.mark.parametrize(
    "desc, over",
    [
        ("unknown status", dict(status="LAYAK")),
        ("money for an excluded unit", dict(status="EXCLUDE", alasan=["MENINGGAL"])),
        ("PBI without nik", dict(program="PBI-JKN", nik=None)),
        ("decile 0", dict(desil=0)),
        ("a tahap that is not one", dict(tahap="2026-Q4")),
        ("a payee that is not a NIK", dict(nik_pengurus="SITI")),
    ],
)
def test_penerima_schema_failures(desc, over):
    schemas.Penerima.validate(_penerima(), lazy=True)
    with pytest.raises(pandera.errors.SchemaErrors):
        schemas.Penerima.validate(_penerima(**over), lazy=True)


def test_dukcapil_schema_rejects_float_mangled_nik():
    from builders import dukcapil_frame

    df = dukcapil_frame()
    schemas.Dukcapil.validate(df, lazy=True)
    with pytest.raises(pandera.errors.SchemaErrors):
        schemas.Dukcapil.validate(df.with_columns(NIK=pl.lit("9.10101e+15")), lazy=True)


GOOD_INPUT_ROWS = {
    schemas.SdmKesos: {
        "nik": " 3201015111900009",
        "nama": "RINA",
        "jenis_sdm": "TKSK",
        "kode_wilayah": "3201011001",
        "aktif": "ya",
    },
    schemas.Gis: {
        "no_kk": "'3201010202160002",
        "hasil": "tidak_layak",
        "tgl_verifikasi": "2026-06-01",
        "lat": "-6.5",
        "lon": "106.8",
    },
    schemas.Burekol: {
        "no_kk": "3201010101150001.0",
        "nik_pengurus": "3201014708850002",
        "bank": "bri",
        "status_rekening": "AKTIF",
        "no_rekening": "001",
    },
    schemas.Salur: {
        "periode": "2026-11",
        "program": "Sembako",
        "no_kk": "3201010101150001",
        "nik": None,
        "status": "sukses_spm",
        "nominal": "Rp 600.000",
    },
}
# (model, column, a value the run cannot use, the check that names it)
BAD_INPUT_VALUES = [
    (schemas.SdmKesos, "nik", "32010151119", "nik_16_digits"),
    (schemas.SdmKesos, "aktif", "KADANG", "aktif_Y_or_N"),
    (schemas.Gis, "no_kk", "3.20101E+15", "no_kk_16_digits"),
    (schemas.Gis, "hasil", "MAMPU", "hasil_LAYAK_or_TIDAK_LAYAK"),
    (schemas.Gis, "tgl_verifikasi", "01/06/2026", "tgl_verifikasi_YYYY-MM-DD"),
    (schemas.Burekol, "bank", "BCA", "bank_known"),
    (schemas.Burekol, "status_rekening", "DIBUKA", "status_rekening_AKTIF_PROSES_GAGAL"),
    (schemas.Salur, "program", "PKX", "program_known"),
    (schemas.Salur, "status", "TERBAYAR", "status_salur_known"),
    (schemas.Salur, "nominal", "enam ratus ribu", "nominal_rupiah"),
]


def test_input_schemas_accept_their_contract_columns_as_agencies_write_them():
    schemas.Dtsen.validate(
        pl.DataFrame({"no_kk": ["3201010101150001"], "desil": [3], "tgl_update": [dt.date(2026, 1, 1)]}), lazy=True
    )
    for model, row in GOOD_INPUT_ROWS.items():
        assert list(model.to_schema().columns) == list(row)
        model.validate(pl.DataFrame([row], schema={c: pl.String for c in row}), lazy=True)


@pytest.mark.parametrize("model, column, value, check", BAD_INPUT_VALUES)
def test_each_input_value_rule_names_the_rows_that_break_it(model, column, value, check):
    import pandera.errors

    row = {**GOOD_INPUT_ROWS[model], column: value}
    frame = pl.DataFrame([GOOD_INPUT_ROWS[model], row], schema={c: pl.String for c in row})
    from rules import load_ruleset

    with pytest.raises(pandera.errors.SchemaErrors) as err:
        schemas.bound(model, load_ruleset().programme_vocabulary).validate(frame, lazy=True)
    fc = err.value.failure_cases
    assert fc.select("column", "check", "index").rows() == [(column, check, 1)]


def test_reason_code_doc_is_current():
    from rules import catalogue_markdown

    assert Path("docs/reason_codes.md").read_text(encoding="utf-8") == catalogue_markdown(), (
        "run: uv run padan reason-codes > docs/reason_codes.md"
    )


def test_keyed_hash_is_hmac_sha256_for_any_key_and_value():
    import hashlib
    import hmac

    from transforms.analytics import HASH_HEX, keyed_hash

    values = pl.Series("nik", ["3201011505800001", None, "3201011505800001", "", "NÜR ÄLIF ‘Ö’", "9101011101750006"])
    for key in (b"k", b"x" * 64, b"rahasia-panjang-" * 9, "kunci-ñ".encode("utf-8")):
        got = keyed_hash(values, key)
        want = [
            None if v is None else hmac.new(key, v.encode("utf-8"), hashlib.sha256).hexdigest()[:HASH_HEX]
            for v in values.to_list()
        ]
        assert got.to_list() == want
        assert got.name == "nik"


def test_the_history_contract_holds_the_events_the_register_writes_and_refuses_others():
    import pandera.errors

    from transforms.riwayat import RIWAYAT_SCHEMA

    row = {
        "periode": "2026-11",
        "nik": "3201011505800001",
        "no_kk": "3201010101150001",
        "nama": "SITI AMINAH",
        "peristiwa": "UBAH",
        "jenis_usulan": "PERBAIKAN",
        "alasan": None,
        "perubahan": [{"kolom": "nama", "lama": "SITI AMINA", "baru": "SITI AMINAH"}],
        "kode_prov": "32",
        "sumber_file": "usulan.csv",
        "sumber_baris": 4,
    }
    schemas.Riwayat.validate(pl.DataFrame([row], schema=RIWAYAT_SCHEMA))
    for bad in ({"peristiwa": "HILANG"}, {"nik": "32010115058"}, {"periode": "2026-13"}):
        with pytest.raises(pandera.errors.SchemaError):
            schemas.Riwayat.validate(pl.DataFrame([{**row, **bad}], schema=RIWAYAT_SCHEMA))
