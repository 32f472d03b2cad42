"""Every decision keeps its evidence (issue 14): a twin's NIK typed for the other twin, through the
flow, into kandidat_padan and padan explain."""

from __future__ import annotations

import csv
import datetime as dt
import io

import polars as pl
from builders import HEADER, write_root

from flows.explain import explain
from flows.monthly import monthly_run

P = "2026-11"
FAUZAN, FAUZI = "3201011206100001", "3201011206100002"


def _with_twins(root):
    dk_path = root / "reference" / "dukcapil" / "dukcapil.parquet"
    dk = pl.read_parquet(dk_path)
    twin = {
        "NO_KK": "3201010606100009",
        "TMPT_LHR": "BOGOR",
        "TGL_LHR": dt.date(2010, 6, 12),
        "JENIS_KLMIN": "LAKI-LAKI",
        "NAMA_LGKP_IBU": "SITI ROMLAH",
        "ALAMAT": "KP. CIBODAS",
        "NO_PROP": "32",
        "NO_KAB": "01",
        "NO_KEC": "01",
        "NO_KEL": "1001",
        "JENIS_PKRJN": "PELAJAR/MAHASISWA",
        "STAT_HBKEL": "ANAK",
        "TGL_MATI": None,
    }
    pl.concat(
        [
            dk,
            pl.DataFrame(
                [
                    {**twin, "NIK": FAUZAN, "NAMA_LGKP": "AHMAD FAUZAN"},
                    {**twin, "NIK": FAUZI, "NAMA_LGKP": "AHMAD FAUZI"},
                ],
                schema=dk.schema,
            ),
        ]
    ).write_parquet(dk_path)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(HEADER)
    # Fauzan proposed with his twin's NIK (one serial digit)
    w.writerow(
        [
            "BARU",
            FAUZI,
            "3201010606100009",
            "Ahmad Fauzan",
            "BOGOR",
            "12-06-2010",
            "L",
            "ANAK",
            "Siti Romlah",
            "Kp. Cibodas",
            "3201011001",
            "",
            "",
            "SMP",
            "",
        ]
    )
    (root / "inbox" / P / "32" / "usulan_kembar.csv").write_text(buf.getvalue(), encoding="utf-8")
    return root


def test_a_twins_nik_typed_keeps_both_candidates_and_explain_says_why(tmp_path):
    root = _with_twins(write_root(tmp_path / "root"))
    monthly_run(data_root=str(root), periode=P)
    snap = root / "snapshots" / f"periode={P}"
    row = pl.read_parquet(snap / "hasil_usulan").filter(pl.col("sumber_file") == "usulan_kembar.csv").row(0, named=True)
    assert (row["status_padan"], row["nik_padan"], row["alasan_pilihan"]) == ("PADAN_KOREKSI", FAUZAN, "NAMA")
    assert "NIK_MILIK_KEMBARAN" in row["alasan"]

    kand = pl.read_parquet(snap / "kandidat_padan").filter(pl.col("sumber_file") == "usulan_kembar.csv")
    by_nik = {r["nik_kandidat"]: r for r in kand.iter_rows(named=True)}
    assert set(by_nik) == {FAUZAN, FAUZI}
    assert (by_nik[FAUZAN]["dipilih"], by_nik[FAUZI]["dipilih"]) == (True, False)
    assert (by_nik[FAUZAN]["cmp_nik"], by_nik[FAUZAN]["cmp_nama"]) == ("SATU_EDIT", "SAMA")
    assert (by_nik[FAUZI]["cmp_nik"], by_nik[FAUZI]["cmp_nama"]) == ("SAMA", "MIRIP")
    for r in by_nik.values():  # what they share: the card, the mother, the birth date, the village
        assert (r["cmp_kk"], r["cmp_ibu"], r["cmp_tgl"], r["cmp_wilayah"]) == ("SAMA", "SAMA", "SAMA", "DESA")
        parts = r["bobot_awal"] + sum(r[f"bobot_{f}"] for f in ("nik", "nama", "tgl", "jk", "ibu", "wilayah", "kk"))
        assert abs(parts - r["bobot"]) < 1e-6  # the per-field weights add up to the total

    text = explain(root, P, nik=FAUZAN)
    assert "Kandidat yang dibandingkan (2); pilihan: NAMA" in text
    assert f"{FAUZAN} [DIPILIH]" in text and FAUZI not in text  # the other twin's NIK is masked
    assert "NIK SATU_EDIT" in text and "nama SAMA" in text and "nama MIRIP" in text
