"""The dirty-file corpus (tests/data/dirty/): files as provinces really send them, with the outcome
a careful operator expects for each (expected.json: data rows, quarantine code, codes per row)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest

from rules import rejecting_codes
from transforms import ingest, wilayah

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
    out = ingest.validated_usulan(
        batch.frame.lazy().with_columns(kode_prov=pl.lit("32")).pipe(ingest.cleaned_usulan),
        villages=wilayah.villages().lazy(), districts=wilayah.districts().lazy(), reference_date=dt.date(2026, 11, 30))
    assert out.height == exp["rows"]
    rejecting = set(rejecting_codes())
    for row in out.iter_rows(named=True):
        codes = set(row["alasan_validasi"])
        want = set(exp["codes"].get(str(row["sumber_baris"]), []))
        assert want <= codes, (row["sumber_baris"], codes)
        if not want & rejecting:
            assert not codes & rejecting, (row["sumber_baris"], codes)
