"""Manual padan decisions applied to linkage decisions."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from transforms import overrides


def ov(*rows):
    df = pl.DataFrame([dict(zip(overrides.COLUMNS, r)) for r in rows], schema={c: pl.String for c in overrides.COLUMNS})
    return overrides.validated_overrides(df.with_columns(_sumber=pl.lit("v.csv")).with_row_index("_baris", offset=1))


def test_latest_unexpired_decision_wins():
    o = ov(
        ("PADAN_MANUAL", "3201011505809999", "3201011505800001", "A", "cek KTP", "2026-10-01", ""),
        ("TIDAK_PADAN_MANUAL", "3201011505809999", "", "B", "orang lain", "2026-11-05", "2026-11"),
        ("PADAN_MANUAL", "3201011505808888", "3201011505800001", "C", "cek", "2026-12-20", ""),
    )
    nov = overrides.active_overrides(o, periode="2026-11", reference_date=dt.date(2026, 11, 30))
    assert nov.select("nik", "jenis").rows() == [("3201011505809999", "TIDAK_PADAN_MANUAL")]
    dec = overrides.active_overrides(o, periode="2026-12", reference_date=dt.date(2026, 12, 31))
    assert sorted(dec.select("nik", "jenis").rows()) == [
        ("3201011505808888", "PADAN_MANUAL"),
        ("3201011505809999", "PADAN_MANUAL"),
    ]


def test_manual_padan_replaces_the_machine_decision():
    decided = pl.DataFrame(
        {
            "_row": [0],
            "status_padan": ["TIDAK_PADAN"],
            "nik_padan": [None],
            "no_kk_dukcapil": [None],
            "metode_padan": [None],
            "skor_padan": [0.4],
            "alasan_padan": [["PERLU_VERIFIKASI"]],
        },
        schema_overrides={
            "nik_padan": pl.String,
            "no_kk_dukcapil": pl.String,
            "metode_padan": pl.String,
            "_row": pl.UInt32,
        },
    )
    usulan = pl.DataFrame({"_row": [0], "nik_usulan": ["3201011505809999"]}).with_columns(
        pl.col("_row").cast(pl.UInt32)
    )
    active = overrides.active_overrides(
        ov(("PADAN_MANUAL", "3201011505809999", "3201011505800001", "A", "cek KTP", "2026-10-01", "")),
        periode="2026-11",
        reference_date=dt.date(2026, 11, 30),
    )
    identity = pl.DataFrame({"NIK": ["3201011505800001"], "NO_KK": ["3201010101150001"]})
    out = overrides.padan_overridden(decided, usulan, active, identity).row(0, named=True)
    assert out["status_padan"] == "PADAN_KOREKSI" and out["nik_padan"] == "3201011505800001"
    assert out["metode_padan"] == "KEPUTUSAN_MANUAL" and out["alasan_padan"] == ["KEPUTUSAN_PADAN_MANUAL"]


@pytest.mark.parametrize(
    "bad",
    [
        ("PADAN_MANUAL", "3201011505809999", "", "A", "x", "2026-10-01", ""),  # no target NIK
        ("SANGGAH_DITOLAK", "3201011505809999", "", "", "x", "2026-10-01", ""),  # no author
        ("SANGGAH_DITOLAK", "3201011505809999", "", "A", "x", "10/01/2026", ""),  # bad date
        ("HAPUS_SAJA", "3201011505809999", "", "A", "x", "2026-10-01", ""),  # unknown kind
    ],
)
def test_incomplete_decisions_are_refused(bad):
    with pytest.raises(overrides.OverrideError):
        ov(bad)
