"""Register rules as case tables: duplicates, conflicts, references to the register, NIK GANDA."""

from __future__ import annotations

import datetime as dt

import polars as pl

from rules import rejecting_codes
from transforms import register, riwayat

D = dt.date


def rows(*specs):
    base = dict(
        kode_prov="32",
        sumber_file="a.csv",
        jenis="BARU",
        nik_usulan="3201011505800001",
        nik_padan="3201011505800001",
        status_padan="PADAN",
        no_kk_usulan="3201010101150001",
        no_kk_dukcapil="3201010101150001",
        nama_usulan="Budi Santoso",
        tgl_lahir=D(1980, 5, 15),
        jk="L",
        hubungan="KEPALA KELUARGA",
        kode_wilayah_usulan="3201011001",
        is_hamil=False,
        is_disabilitas=False,
        jenjang=None,
        alasan_usulan=None,
        alasan_validasi=[],
        alasan_padan=[],
    )
    out = [{**base, "sumber_baris": i + 1, **s} for i, s in enumerate(specs)]
    return pl.DataFrame(
        out,
        schema_overrides={
            "alasan_validasi": pl.List(pl.String),
            "alasan_padan": pl.List(pl.String),
            "nik_padan": pl.String,
            "no_kk_dukcapil": pl.String,
            "jenjang": pl.String,
            "alasan_usulan": pl.String,
        },
    )


def codes(df):
    out = register.duplicate_codes(df, rejecting=rejecting_codes())
    return out.sort("sumber_baris")["alasan_duplikat"].to_list()


def test_identical_rows_keep_the_first():
    assert codes(rows({}, {})) == [[], ["BARIS_GANDA"]]


def test_same_person_with_different_contents_is_held_everywhere():
    assert codes(rows({}, {"kode_wilayah_usulan": "3201011002", "sumber_file": "b.csv", "kode_prov": "33"})) == [
        ["USULAN_BERTENTANGAN"],
        ["USULAN_BERTENTANGAN"],
    ]


def test_a_typo_d_and_a_right_nik_of_the_same_person_are_one_proposal():
    assert codes(rows({}, {"nik_usulan": "3201011505800007", "status_padan": "PADAN_KOREKSI"})) == [[], ["BARIS_GANDA"]]


def previous(**over):
    p = register.empty_individu().to_dicts()
    person = dict(
        nik="3201011505809999",
        no_kk="3201010101150001",
        nama="BAMBANG PAMUNGKAS",
        tanggal_lahir=D(1980, 5, 15),
        jenis_kelamin="L",
        kode_wilayah="3201011001",
        kode_prov="32",
        hubungan_keluarga="ANAK",
        hamil=False,
        disabilitas_berat=False,
        jenjang_sekolah=None,
        status_padan="TIDAK_PADAN",
        skor_padan=0.0,
        periode_masuk="2026-11",
        sumber_periode="2026-11",
        sumber_file="x.csv",
        sumber_baris=1,
        jenis_usulan_terakhir="BARU",
        sanggah_alasan=None,
        sanggah_periode=None,
    )
    p.append({**person, **over})
    return pl.DataFrame(p, schema=register.empty_individu().schema)


def reg_codes(df, prev):
    d = register.duplicate_codes(df, rejecting=rejecting_codes())
    return (
        register.register_codes(d, prev, rejecting=rejecting_codes()).sort("sumber_baris")["alasan_register"].to_list()
    )


NOT_PADAN = {"nik_padan": None, "status_padan": "TIDAK_PADAN", "no_kk_dukcapil": None}


def test_nik_ganda_when_a_non_padan_row_names_someone_else_under_a_registered_nik():
    row = {
        "nik_usulan": "3201011505809999",
        **NOT_PADAN,
        "nama_usulan": "Dewi Lestari",
        "tgl_lahir": D(1995, 1, 1),
        "jk": "P",
    }
    assert reg_codes(rows(row), previous()) == [["NIK_TIDAK_PADAN", "NIK_GANDA"]]
    same = {**row, "nama_usulan": "Bambang Pamungkas", "tgl_lahir": D(1980, 5, 15), "jk": "L"}
    assert reg_codes(rows(same), previous()) == [["NIK_TIDAK_PADAN"]]


def test_only_verified_people_enter_or_change_the_register():
    nobody = register.empty_individu()
    assert reg_codes(rows({**NOT_PADAN, "alasan_padan": ["NIK_TIDAK_DITEMUKAN"]}), nobody) == [["NIK_TIDAK_PADAN"]]
    assert reg_codes(rows({**NOT_PADAN, "alasan_padan": ["PERLU_VERIFIKASI"]}), nobody) == [["NIK_TIDAK_PADAN"]]
    assert reg_codes(rows({"jenis": "PERBAIKAN"}), nobody) == [["TIDAK_ADA_DI_REGISTER"]]
    assert reg_codes(rows({"jenis": "PERBAIKAN", **NOT_PADAN}), nobody) == [
        ["NIK_TIDAK_PADAN", "TIDAK_ADA_DI_REGISTER"]
    ]
    # a row refused for its own data gets no second explanation
    assert reg_codes(rows({**NOT_PADAN, "alasan_validasi": ["NIK_FORMAT_SALAH"]}), nobody) == [[]]


def test_a_registered_person_whose_nik_left_dukcapil_can_still_be_removed_by_that_nik():
    prev = previous(nik="3201011505800001", nama="BUDI SANTOSO", status_padan="PADAN")
    gone = {"jenis": "HAPUS", "alasan_usulan": "PINDAH", **NOT_PADAN, "alasan_padan": ["NIK_TIDAK_DITEMUKAN"]}
    assert reg_codes(rows(gone), prev) == [[]]
    someone_else = {**gone, "nama_usulan": "Agus Salim", "tgl_lahir": D(1971, 2, 3)}
    assert reg_codes(rows(someone_else), prev) == [["NIK_TIDAK_PADAN"]]
    # a NIK that Dukcapil does know, but the row is not padan (another person's NIK): refused
    clash = {**gone, "alasan_padan": ["NAMA_TIDAK_SESUAI"]}
    assert reg_codes(rows(clash), prev) == [["TIDAK_ADA_DI_REGISTER"]]


def test_moving_to_another_family_card_is_noted():
    prev = previous(nik="3201011505800001", no_kk="3201010101159999", nama="BUDI SANTOSO", status_padan="PADAN")
    assert reg_codes(rows({"jenis": "PERBAIKAN"}), prev) == [["PINDAH_KK"]]


def test_references_to_unregistered_persons_are_refused():
    got = reg_codes(
        rows(
            {"jenis": "HAPUS", "alasan_usulan": "MENINGGAL"},
            {"jenis": "SANGGAH", "alasan_usulan": "x", "sumber_file": "b.csv"},
        ),
        register.empty_individu(),
    )
    assert got == [["TIDAK_ADA_DI_REGISTER"], ["TIDAK_ADA_DI_REGISTER"]]


def test_unverified_persons_of_an_older_register_leave_it_with_a_history_event():
    prev = pl.concat([previous(), previous(nik="3201011505800001", nama="BUDI SANTOSO", status_padan="PADAN")])
    kept, events = riwayat.unverified_removed(prev, periode="2026-12")
    assert kept["nik"].to_list() == ["3201011505800001"]
    assert events.select("nik", "peristiwa", "alasan", "periode").rows() == [
        ("3201011505809999", "KELUAR", "TIDAK_TERVERIFIKASI_DUKCAPIL", "2026-12")
    ]


def test_partition_follows_the_province_code_of_the_identifier():
    from transforms.register import partition_expr

    ids = pl.DataFrame(
        {"id": ["3201011505800001", "3201019999999999", "9101011101750006", "0012345678901234", "ABC", None, "7"]}
    )
    parts = ids.select(partition_expr(pl.col("id")))["_part"].to_list()
    assert parts == ["32", "32", "91", "00", "00", "00", "00"]


def test_partitions_are_grouped_into_tasks_by_size_each_exactly_once(tmp_path, monkeypatch):
    from flows.stages.common import task_groups as _task_groups

    sizes = {"11": 50, "12": 400, "31": 10, "32": 900, "33": 5, "00": 20}
    for part, n in sizes.items():
        d = tmp_path / "rows" / f"_part={part}"
        d.mkdir(parents=True)
        pl.DataFrame({"x": range(n)}).write_parquet(d / "00000000.parquet")
    (tmp_path / "previous" / "_part=34").mkdir(parents=True)
    pl.DataFrame({"x": range(3)}).write_parquet(tmp_path / "previous" / "_part=34" / "00000000.parquet")
    monkeypatch.setenv("PADAN_PARTITION_ROWS", "400")
    groups = _task_groups(tmp_path / "rows", tmp_path / "previous")
    assert groups == [["00", "11", "12"], ["31", "32"], ["33", "34"]]
    monkeypatch.setenv("PADAN_PARTITION_ROWS", "1")
    assert _task_groups(tmp_path / "rows", tmp_path / "previous") == [[p] for p in sorted([*sizes, "34"])]
    monkeypatch.delenv("PADAN_PARTITION_ROWS")
    assert _task_groups(tmp_path / "rows", tmp_path / "previous") == [sorted([*sizes, "34"])]
    assert _task_groups(tmp_path / "nothing") == []


def test_rows_whose_register_record_would_break_the_contract_are_named():
    base = rows(
        {},
        {
            "nik_usulan": "3201014708850002",
            "nik_padan": "3201014708850002",
            "nama_usulan": "Siti Aminah",
            "jk": "P",
            "tgl_lahir": D(1985, 8, 7),
        },
        {"nik_usulan": "6.20312E+15", "nik_padan": None},  # no key: would be a null NIK
        {"nik_usulan": "3201010203150003", "nik_padan": "3201010203150003", "kode_wilayah_usulan": "32010110"},
    )
    accepted = register.duplicate_codes(base, rejecting=rejecting_codes()).with_columns(
        dk_nama=pl.lit(None, pl.String),
        dk_tgl_lahir=pl.lit(None, pl.Date),
        dk_jk=pl.lit(None, pl.String),
        skor_padan=pl.lit(1.0),
    )
    unfit = register.unfit_register_rows(accepted, periode="2026-11")
    assert unfit.sort("sumber_baris").rows() == [("32", "a.csv", 3), ("32", "a.csv", 4)]
