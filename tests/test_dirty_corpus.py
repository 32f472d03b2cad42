"""The dirty-file corpus (tests/data/dirty/): files as provinces really send them, with the outcome
a careful operator expects for each (expected.json: data rows, quarantine code, codes per row)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest

from rules import rejecting_codes
from transforms import cleaning, ingest, validation, wilayah

CORPUS = Path(__file__).parent / "data" / "dirty"
EXPECTED = json.loads((CORPUS / "expected.json").read_text())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_corpus_file(name):
    exp = EXPECTED[name]
    raw = (CORPUS / name).read_bytes()
    if exp["quarantine"]:
        with pytest.raises(ingest.FileQuarantined) as exc:
            ingest.parse_usulan(raw)
        assert exc.value.code == exp["quarantine"]
        return
    batch = ingest.parse_usulan(raw)
    out = validation.validated_usulan(
        batch.frame.lazy().with_columns(kode_prov=pl.lit("32")).pipe(cleaning.cleaned_usulan),
        villages=wilayah.villages().lazy(),
        districts=wilayah.districts().lazy(),
        reference_date=dt.date(2026, 11, 30),
    )
    assert out.height == exp["rows"]
    rejecting = set(rejecting_codes())
    for row in out.iter_rows(named=True):
        codes = set(row["alasan_validasi"])
        want = set(exp["codes"].get(str(row["sumber_baris"]), []))
        assert want <= codes, (row["sumber_baris"], codes)
        if not want & rejecting:
            assert not codes & rejecting, (row["sumber_baris"], codes)


def corpus_rows(name: str) -> pl.DataFrame:
    batch = ingest.parse_usulan((CORPUS / name).read_bytes())
    return validation.validated_usulan(
        batch.frame.lazy().with_columns(kode_prov=pl.lit("32")).pipe(cleaning.cleaned_usulan),
        villages=wilayah.villages().lazy(),
        districts=wilayah.districts().lazy(),
        reference_date=dt.date(2026, 11, 30),
    )


@pytest.mark.parametrize(
    "desc, name, baris, column, value",
    [
        ("the NUL is removed from the name of the refused row", "16_nul_in_field.csv", 2, "nama_usulan", "SitiAminah"),
        ("the rows around the NUL are read as sent", "16_nul_in_field.csv", 3, "nama_usulan", "Ahmad Fauzi"),
        ("the only codes of the NUL row", "16_nul_in_field.csv", 2, "alasan_validasi", ["KARAKTER_TIDAK_SAH"]),
        (
            "the shifted row's Y is kept beyond the header",
            "17_unquoted_semicolon.csv",
            2,
            "kolom_lain",
            '{"kolom_lebih_1":"Y"}',
        ),
        (
            "the shifted row is not published as without disability",
            "17_unquoted_semicolon.csv",
            2,
            "alasan_validasi",
            ["KOLOM_BERLEBIH"],
        ),
        ("a quoted semicolon stays inside its field", "17_unquoted_semicolon.csv", 3, "alamat", "Jl. Mawar 1; RT 03"),
        ("the quoted row's disability is read", "17_unquoted_semicolon.csv", 3, "is_disabilitas", True),
        ("the unshifted row above is untouched", "17_unquoted_semicolon.csv", 1, "disabilitas_berat", "N"),
        ("trailing empty delimiters leave nothing in kolom_lain", "18_trailing_delimiters.csv", 3, "kolom_lain", None),
        ("trailing empty delimiters give no code", "18_trailing_delimiters.csv", 1, "alasan_validasi", []),
    ],
)
def test_corpus_values(desc, name, baris, column, value):
    row = corpus_rows(name).filter(pl.col("sumber_baris") == baris).row(0, named=True)
    assert row[column] == value, desc
