"""The review queue's pure parts: which rows wait, how long, and what a filled-in sheet decides.
Every expected value is written by hand from the frames below."""

from __future__ import annotations

import polars as pl

from transforms import review, review_book

A, B, C = "2026-11|32|a.csv|1", "2026-11|32|a.csv|2", "2026-09|32|old.csv|5"
TYPED_A, TYPED_B = "3201014708850009", "3.20101E+15"  # the second one Excel damaged


def queue() -> pl.DataFrame:
    cand = pl.Struct({"peringkat": pl.Int32, "nik_kandidat": pl.String})
    return pl.DataFrame(
        {
            "id_tinjau": [A, B, C],
            "periode_usulan": ["2026-11", "2026-11", "2026-09"],
            "kode_prov": ["32", "32", "32"],
            "nik_usulan": [TYPED_A, TYPED_B, "3201010101010001"],
            "kandidat": [
                [
                    {"peringkat": 1, "nik_kandidat": "3201014708850002"},
                    {"peringkat": 2, "nik_kandidat": "3201014708850003"},
                ],
                [{"peringkat": 1, "nik_kandidat": "3201015012120004"}],
                [{"peringkat": 1, "nik_kandidat": "3201010101010002"}],
            ],
        },
        schema_overrides={"kandidat": pl.List(cand)},
    )


def lines(*rows) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=["id_tinjau", "peringkat", "keputusan", "penulis", "alasan"], orient="row")


def test_one_sama_decides_padan_with_that_candidate_and_all_beda_decides_not_padan():
    got, problems = review_book.decisions(
        lines(
            (A, "1", "BEDA", "Rina", "lahir beda"),
            (A, "2", "sama ", "Rina", "cek KTP"),  # case and spaces as typed
            (B, "1.0", "BEDA", "Yudi", "anak lain"),  # Excel wrote the rank as a float
        ),
        queue(),
    )
    assert problems.height == 0
    assert got.select("id_tinjau", "jenis", "nik", "nik_padan", "penulis", "alasan").rows() == [
        (A, "PADAN_MANUAL", TYPED_A, "3201014708850003", "Rina", "cek KTP"),
        (B, "TIDAK_PADAN_MANUAL", TYPED_B, None, "Yudi", "anak lain"),
    ]


def test_unknown_or_incomplete_or_contradictory_lines_are_named_and_decide_nothing():
    got, problems = review_book.decisions(
        lines(
            (A, "1", "SAMA", "Rina", "cek"),
            (A, "2", "SAMA", "Yudi", "cek juga"),  # two SAMA for one row
            (B, "1", "SAMA", "", "cek"),  # no author
            ("2026-11|32|a.csv|9", "1", "SAMA", "Rina", "x"),  # no such row waits
            (C, "3", "BEDA", "Rina", "x"),  # no such candidate
            (C, "1", "MUNGKIN", "Rina", "x"),  # not a value
        ),
        queue(),
    )
    assert got.height == 0
    assert problems.rows() == [
        (C, 1, "TINJAU_NILAI_TIDAK_SAH"),
        (C, 3, "TINJAU_KANDIDAT_TIDAK_DIKENAL"),
        (A, 1, "TINJAU_SAMA_GANDA"),
        (A, 2, "TINJAU_SAMA_GANDA"),
        (B, 1, "TINJAU_TANPA_PENULIS"),
        ("2026-11|32|a.csv|9", 1, "TINJAU_ID_TIDAK_DIKENAL"),
    ]


def test_tidak_tahu_or_some_beda_leaves_the_row_waiting():
    got, problems = review_book.decisions(
        lines(
            (A, "1", "BEDA", "Rina", "lahir beda"), (A, "2", "TIDAK TAHU", "Rina", ""), (B, "1", "TIDAK  TAHU", "", "")
        ),
        queue(),
    )
    assert got.height == 0 and problems.height == 0


def test_the_queue_keeps_what_still_waits_for_three_periods():
    previous = queue()
    new = pl.DataFrame({"id_tinjau": ["2026-12|32|b.csv|1"], "periode_usulan": ["2026-12"], "kode_prov": ["32"]})
    after = review.queue_after(previous, new, [A], periode="2026-12")
    assert after["id_tinjau"].to_list() == [B, "2026-12|32|b.csv|1"]  # C (September) too old, A gone
    assert review.queue_after(previous, new, [], periode="2026-11")["id_tinjau"].to_list() == [
        C,
        A,
        B,
        "2026-12|32|b.csv|1",
    ]


def test_a_row_sent_again_leaves_the_queue_but_another_person_on_a_candidates_nik_does_not():
    q = queue().with_columns(nama_usulan=pl.Series(["Siti Aminah", "Nur Hasanah", "Joko"]))

    def month(*rows):
        return pl.DataFrame(rows, schema=["kode_prov", "nik_usulan", "nik_padan", "nama_usulan"], orient="row")

    # A sent with its NIK corrected to candidate 2's, same name; B's NIK typed as before
    assert review.superseded(q, month(("32", "3201014708850003", None, "SITI AMINAH"))) == [A]
    assert review.superseded(q, month(("32", "9999999999999999", "3201014708850002", "Hj. Siti Aminah"))) == [A]
    assert review.superseded(q, month(("32", TYPED_B, None, "Nur Hasanah"))) == [B]
    # B's candidate (her sister) sent on her own NIK: another person, B still waits
    assert review.superseded(q, month(("32", "3201015012120004", "3201015012120004", "Nur Halimah"))) == []
    assert review.superseded(q, month(("33", TYPED_A, None, "Siti Aminah"))) == []  # another province
