"""Issue 16, acceptance 4, the review queue where it can go wrong, through the real flow.

November queues four rows (Siti, Ahmad and Joko with mistyped NIKs, Nur Hasanah on the NIK her
sister Nur Halimah is sent with). Decisions are imported, changed on the same day and changed back.
December's file sends Siti again with her NIK corrected (her old row must leave the queue, its
decision spent on nothing) and sends "Achmad Fauzi" on Ahmad's real NIK (the province's own new row
decides; the old decided row must not compete with it). January and February have no upload at
all: Joko's row keeps waiting. Expected values are read off the rows written here.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import builders
import polars as pl
import pytest
from test_review_queue import HEADER, KK, usulan_file  # noqa: F401  (the same file format)

from flows.io import Root
from flows.monthly import monthly_run
from flows.references import read_overrides
from flows.tinjau import import_decisions, write_list
from transforms.overrides import active_overrides

NOV, DES, JAN, FEB = "2026-11", "2026-12", "2027-01", "2027-02"
BUDI, SITI, AHMAD, NUR = "3201011505800001", "3201014708850002", "3201010203150003", "3201015012120004"
NOVEMBER = [
    ["BARU", BUDI, KK, "Budi Santoso", "15-05-1980", "L", "KEPALA KELUARGA", "3201011001"],
    ["BARU", "3201014708850009", KK, "Siti Aminah", "07-08-1986", "P", "ISTRI", "3201011001"],
    ["BARU", "3201010203150004", KK, "Ahmad", "02-03-2015", "L", "ANAK", "3201011001"],
    ["BARU", NUR, KK, "Nur Halimah", "10-12-2012", "P", "ANAK", "3201011001"],
    ["BARU", NUR, KK, "Nur Hasanah", "10-12-2012", "P", "ANAK", "3201011001"],
    [
        "BARU",
        "3201012010700009",
        "3201010202160002",
        "Joko Widodo Susilo",
        "20-10-1971",
        "L",
        "KEPALA KELUARGA",
        "3201011002",
    ],
]
ID = {n: f"{NOV}|32|usulan_nov.csv|{r}" for n, r in (("siti", 2), ("ahmad", 3), ("hasanah", 5), ("joko", 6))}


def decide(root: Path, tmp: Path, tanggal: str, **decisions: str) -> dict:
    """Fill the latest review workbook as a verifier would (the first candidate of each named row
    gets the decision; the others BEDA), and import it."""
    import openpyxl

    book_path = tmp / f"tinjau_{tanggal}_{len(list(tmp.iterdir()))}.xlsx"
    write_list(str(root), str(book_path), "32")
    book = openpyxl.load_workbook(book_path)
    sheet = book["Tinjau"]
    col = {c.value: i for i, c in enumerate(sheet[1])}
    for r in sheet.iter_rows(min_row=2):
        name = next((n for n, i in ID.items() if i == r[col["ID Tinjau"]].value), None)
        if r[col["Jenis Baris"]].value != "KANDIDAT" or name not in decisions:
            continue
        r[col["Keputusan"]].value = decisions[name] if r[col["Peringkat"]].value == 1 else "BEDA"
        r[col["Penulis"]].value = "Yudi"
        r[col["Alasan"]].value = "cek KK"
    book.save(book_path)
    return import_decisions(str(root), str(book_path), tanggal)


def in_force(root: Path) -> dict[str, str]:
    ov, _ = read_overrides(Root(root))
    active = active_overrides(ov, periode=DES, reference_date=__import__("datetime").date(2026, 12, 31))
    return dict(active.filter(pl.col("tinjau").is_not_null()).select("tinjau", "jenis").iter_rows())


@pytest.fixture(scope="module")
def months(tmp_path_factory):
    root = tmp_path_factory.mktemp("review_faults")
    tmp = tmp_path_factory.mktemp("books")
    builders.write_root(root, NOV)
    shutil.rmtree(root / "inbox")
    usulan_file(root / "inbox" / NOV / "32" / "usulan_nov.csv", NOVEMBER)
    monthly_run(data_root=str(root), periode=NOV)
    seen = {"queue_nov": queue(root, NOV)}
    seen["imp1"] = decide(root, tmp, "2026-12-01", siti="SAMA", ahmad="SAMA", hasanah="SAMA")
    seen["imp2"] = decide(root, tmp, "2026-12-01", hasanah="BEDA")  # changed the same day
    seen["imp3"] = decide(root, tmp, "2026-12-01", hasanah="BEDA")  # the same again
    seen["force_after_same_day"] = in_force(root)
    seen["imp4"] = decide(root, tmp, "2026-12-02", hasanah="SAMA")  # and back the next day
    usulan_file(
        root / "inbox" / DES / "32" / "usulan_des.csv",
        [
            ["BARU", SITI, KK, "Siti Aminah", "07-08-1985", "P", "ISTRI", "3201011001"],  # sent again, mended
            ["BARU", AHMAD, KK, "Achmad Fauzi", "02-03-2015", "L", "ANAK", "3201011001"],  # on Ahmad's real NIK
        ],
    )
    for periode in (DES, JAN, FEB):
        monthly_run(data_root=str(root), periode=periode)
    return root, seen


def queue(root: Path, periode: str) -> list[str]:
    path = root / "snapshots" / f"periode={periode}" / "antrean_tinjau" / "antrean_tinjau.parquet"
    return pl.read_parquet(path)["id_tinjau"].to_list()


def hasil(root: Path, periode: str) -> pl.DataFrame:
    path = root / "snapshots" / f"periode={periode}" / "hasil_usulan" / "hasil_usulan.parquet"
    return pl.read_parquet(path).sort("sumber_file", "sumber_baris")


def test_four_rows_wait_in_november(months):
    assert months[1]["queue_nov"] == [ID["siti"], ID["ahmad"], ID["hasanah"], ID["joko"]]


def test_a_decision_changed_the_same_day_is_the_one_in_force_and_changing_back_is_written(months):
    seen = months[1]
    assert (seen["imp1"]["sama"], seen["imp2"]["beda"]) == (3, 1)
    assert [p["kode"] for p in seen["imp2"]["masalah"]] == ["TINJAU_BERTENTANGAN"]
    assert seen["imp3"]["berkas"] is None and seen["imp3"]["sudah_ada"] == 1
    assert seen["force_after_same_day"][ID["hasanah"]] == "TIDAK_PADAN_MANUAL"
    assert seen["imp4"]["berkas"] is not None and seen["imp4"]["sama"] == 1


def test_december_lets_the_provinces_new_rows_decide(months):
    root = months[0]
    got = hasil(root, DES).select("sumber_file", "sumber_baris", "nik_usulan", "hasil", "nik_padan").rows()
    assert got == [
        (".tinjau/2026-11/usulan_nov.csv", 3, "3201010203150004", "DITOLAK", AHMAD),
        (".tinjau/2026-11/usulan_nov.csv", 5, NUR, "DITOLAK", NUR),
        ("usulan_des.csv", 1, SITI, "DITERIMA", SITI),
        ("usulan_des.csv", 2, AHMAD, "DITERIMA", AHMAD),
    ]
    reasons = {r[1]: r[0] for r in hasil(root, DES).select("alasan", "sumber_baris").rows() if r}
    assert "TINJAU_DIDAHULUI" in reasons[3]  # Ahmad's old row: his new one decides
    assert "TINJAU_DIDAHULUI" in reasons[5]  # Nur Hasanah decided SAMA at last: Nur Halimah holds that NIK
    individu = pl.read_parquet(root / "snapshots" / f"periode={DES}" / "individu" / "individu.parquet")
    names = dict(individu.select("nik", "nama").iter_rows())
    assert (names[SITI], names[AHMAD], names[NUR]) == (
        "SITI AMINAH",
        "AHMAD FAUZI",
        "NUR HALIMAH",
    )  # as Dukcapil spells them


def test_the_decision_on_a_row_sent_again_is_reported_not_applied(months):
    root = months[0]
    manifest = json.loads((root / "snapshots" / f"periode={DES}" / "_manifest.json").read_text())
    lost = manifest["tinjau"]["keputusan_tidak_cocok"]
    assert [(d["tinjau"], d["sebab"]) for d in lost] == [(ID["siti"], "dikirim_ulang")]


def test_months_without_uploads_keep_the_undecided_row_waiting(months):
    root = months[0]
    assert queue(root, DES) == [ID["joko"]]
    assert queue(root, JAN) == [ID["joko"]]
    assert queue(root, FEB) == [ID["joko"]]  # three periods old, but nobody could send it again
