"""Reading and validating usulan batches: case tables on messy real-world input."""

from __future__ import annotations

import codecs
import datetime as dt

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rules import rejecting_codes
from transforms import cleaning, ingest, validation, wilayah

HEADER = "jenis_usulan,nik,no_kk,nama,tanggal_lahir,jenis_kelamin,hubungan_keluarga,kode_wilayah,alasan"
GOOD = "BARU,3201011505800001,3201010101150001,Budi Santoso,15-05-1980,L,KEPALA KELUARGA,3201011001,"
G2 = (
    GOOD.replace("3201011505800001", "3201014708850002")
    .replace("Budi Santoso", "Siti Aminah")
    .replace("15-05-1980", "07-08-1985")
    .replace(",L,", ",P,")
    .replace("KEPALA KELUARGA", "ISTRI")
)
G3 = (
    GOOD.replace("3201011505800001", "3201010203150003")
    .replace("Budi Santoso", "Ahmad Fauzi")
    .replace("15-05-1980", "02-03-2015")
    .replace("KEPALA KELUARGA", "ANAK")
)


def validated(text: str | bytes, kode_prov: str = "32") -> pl.DataFrame:
    raw = text.encode("utf-8") if isinstance(text, str) else text
    batch = ingest.parse_usulan(raw)
    return (
        batch.frame.lazy()
        .with_columns(kode_prov=pl.lit(kode_prov))
        .pipe(cleaning.cleaned_usulan)
        .pipe(
            validation.validated_usulan,
            villages=wilayah.villages().lazy(),
            districts=wilayah.districts().lazy(),
            reference_date=dt.date(2026, 11, 30),
        )
        .sort("sumber_baris")
    )


@pytest.mark.parametrize(
    "desc, raw, expected",
    [
        ("plain", "3201011505800001", "3201011505800001"),
        ("spaces", " 3201 0115 0580 0001 ", "3201011505800001"),
        ("apostrophe", "'3201011505800001", "3201011505800001"),
        ("trailing .0", "3201011505800001.0", "3201011505800001"),
        ("quotes", '"3201011505800001"', "3201011505800001"),
        ("papua > 2^53 kept exact", "9471015505990009", "9471015505990009"),
        ("scientific notation kept as damaged", "3.20101E+15", "3.20101E+15"),
    ],
)
def test_id_digits(desc, raw, expected):
    out = pl.DataFrame({"nik": [raw]}).select(cleaning.id_digits_expr("nik"))["nik"][0]
    assert out == expected, desc


@pytest.mark.parametrize(
    "desc, raw, expected",
    [
        ("dd-mm-yyyy", "15-05-1980", dt.date(1980, 5, 15)),
        ("dd/mm/yyyy", "15/05/1980", dt.date(1980, 5, 15)),
        ("iso", "1980-05-15", dt.date(1980, 5, 15)),
        ("iso with midnight", "1980-05-15 00:00:00", dt.date(1980, 5, 15)),
        ("excel serial", "29356", dt.date(1980, 5, 15)),
        ("excel serial with .0", "29356.0", dt.date(1980, 5, 15)),
        ("impossible date", "31-02-1980", None),
        ("text", "lima belas mei", None),
    ],
)
def test_birth_dates(desc, raw, expected):
    out = pl.DataFrame({"d": [raw]}).select(cleaning.birth_date_expr("d"))["d"][0]
    assert out == expected, desc


def test_clean_file_is_accepted_without_codes():
    df = validated(f"{HEADER}\n{GOOD}\n")
    assert df["alasan_validasi"].to_list() == [[]]
    assert df["nik_usulan"][0] == "3201011505800001"


def test_semicolon_cp1252_bom_crlf_and_header_spelling():
    text = (
        " JENIS_USULAN ;Nik;NO KK;Nama;Tanggal_Lahir;Jenis_Kelamin;Hubungan_Keluarga;Kode_Wilayah;Alamat\r\n"
        "BARU;3201011505800001;3201010101150001;José Sántos;15/05/1980;LAKI-LAKI;Kepala Keluarga;32.01.01.1001;"
        '"Jl. Ñ; RT 1\r\nRW 2"\r\n\r\n;;;;;;;;\r\n'
    )
    for raw in (text.encode("cp1252"), codecs.BOM_UTF8 + text.encode("utf-8")):
        df = validated(raw)
        assert df.height == 1
        assert df["nama_usulan"][0] == "José Sántos"
        assert df["alamat"][0] == "Jl. Ñ; RT 1\r\nRW 2"
        assert df["jk"][0] == "L" and df["hubungan"][0] == "KEPALA KELUARGA"
        assert df["kode_wilayah_usulan"][0] == "3201011001"
        assert df["alasan_validasi"][0].to_list() == []


def test_row_numbers_count_physical_records_not_lines():
    text = f'{HEADER},alamat\n{GOOD},"two\nlines"\n{GOOD.replace("0001,", "0002,", 1)},x\n'
    df = validated(text)
    assert df["sumber_baris"].to_list() == [1, 2]


@pytest.mark.parametrize(
    "desc, row, code",
    [
        ("unknown jenis", GOOD.replace("BARU", "TAMBAH"), "JENIS_USULAN_TIDAK_DIKENAL"),
        ("empty name", GOOD.replace("Budi Santoso", ""), "NAMA_KOSONG"),
        ("bad date", GOOD.replace("15-05-1980", "15-15-1980"), "TANGGAL_LAHIR_TIDAK_VALID"),
        ("future date", GOOD.replace("15-05-1980", "15-05-2030"), "TANGGAL_LAHIR_TIDAK_MUNGKIN"),
        ("bad sex", GOOD.replace(",L,", ",X,"), "JENIS_KELAMIN_TIDAK_VALID"),
        ("region that does not exist", GOOD.replace("3201011001", "3201019999"), "KODE_WILAYAH_TIDAK_DIKENAL"),
        ("region of another province", GOOD.replace("3201011001", "3301012001"), "KODE_WILAYAH_BEDA_PROVINSI"),
        ("formula", GOOD.replace("Budi Santoso", '"=HYPERLINK(""http://x"")"'), "NILAI_FORMULA"),
        ("short NIK", GOOD.replace("3201011505800001", "320101150580"), "NIK_FORMAT_SALAH"),
        ("excel NIK is flagged, not rejected", GOOD.replace("3201011505800001", "3.20101E+15"), "NIK_RUSAK_EXCEL"),
        ("NIK sex disagrees", GOOD.replace(",L,", ",P,"), "NIK_JENIS_KELAMIN_TIDAK_SESUAI"),
        ("NIK date disagrees", GOOD.replace("15-05-1980", "16-05-1980"), "NIK_TGL_LAHIR_TIDAK_SESUAI"),
        ("serial 0000", GOOD.replace("3201011505800001", "3201011505800000"), "NIK_NOMOR_URUT_0000"),
        ("HAPUS needs a reason", GOOD.replace("BARU", "HAPUS"), "ALASAN_KOSONG"),
        ("bad relation", GOOD.replace("KEPALA KELUARGA", "TETANGGA"), "HUBUNGAN_KELUARGA_TIDAK_VALID"),
    ],
)
def test_row_reason_codes(desc, row, code):
    df = validated(f"{HEADER}\n{row}\n")
    assert code in df["alasan_validasi"][0].to_list(), desc


@pytest.mark.parametrize(
    "desc, raw, code",
    [
        ("empty", b"", "FILE_KOSONG"),
        ("header only", (HEADER + "\n").encode(), "FILE_KOSONG"),
        ("binary", b"PK\x03\x04\x00\x00binary\x00\x00", "FILE_TIDAK_TERBACA"),
        (
            "xlsx saved with a .csv name",
            b"PK\x03\x04\x14\x00\x06\x00" + f"{HEADER}\n{GOOD}\n".encode(),
            "FILE_TIDAK_TERBACA",
        ),
        ("old xls (OLE)", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 40, "FILE_TIDAK_TERBACA"),
        ("pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "FILE_TIDAK_TERBACA"),
        ("png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "FILE_TIDAK_TERBACA"),
        ("jpeg", b"\xff\xd8\xff\xe0\x00\x10JFIF", "FILE_TIDAK_TERBACA"),
        ("gzip", b"\x1f\x8b\x08\x00" + f"{HEADER}\n".encode(), "FILE_TIDAK_TERBACA"),
        ("UTF-16 without a BOM: half of it NULs", f"{HEADER}\n{GOOD}\n".encode("utf-16-le"), "FILE_TIDAK_TERBACA"),
        (
            "header of 257 columns",
            (HEADER + "".join(f",x{i}" for i in range(257 - 9)) + f"\n{GOOD}\n").encode(),
            "FILE_KOLOM_TERLALU_BANYAK",
        ),
        (
            "a record with 17 fields beyond the header",
            f"{HEADER}\n{GOOD}\n{G2}{',' * 17}\n".encode(),
            "FILE_KOLOM_TERLALU_BANYAK",
        ),
        (
            "header longer than 64 KiB",
            (HEADER + ",catatan_" + "x" * 70_000 + f"\n{GOOD}\n").encode(),
            "FILE_TANPA_HEADER",
        ),
        ("no header", (GOOD + "\n" + GOOD + "\n").encode(), "FILE_TANPA_HEADER"),
        ("missing column", b"jenis_usulan,nik,nama\nBARU,3201011505800001,Budi\n", "FILE_KOLOM_WAJIB_HILANG"),
    ],
)
def test_whole_file_quarantine(desc, raw, code):
    with pytest.raises(ingest.FileQuarantined) as exc:
        ingest.parse_usulan(raw)
    assert exc.value.code == code, desc


def outcomes(df: pl.DataFrame, *cols: str) -> list[tuple]:
    return [tuple(r) for r in df.select("sumber_baris", *cols, pl.col("alasan_validasi").list.join("|")).rows()]


def test_a_nul_in_one_field_costs_that_row_not_the_file():
    nul = G2.replace("Siti Aminah", "Siti\x00 Aminah")
    df = validated(f"{HEADER}\n{GOOD}\n{nul}\n{G3}\n")
    assert outcomes(df, "nama_usulan") == [
        (1, "Budi Santoso", ""),
        (2, "Siti Aminah", "KARAKTER_TIDAK_SAH"),  # the NUL is removed, the row refused
        (3, "Ahmad Fauzi", ""),
    ]
    assert "KARAKTER_TIDAK_SAH" in rejecting_codes()


@pytest.mark.parametrize(
    "desc, char", [("NUL", "\x00"), ("bell", "\x07"), ("escape", "\x1b"), ("DEL", "\x7f"), ("ctrl-Z", "\x1a")]
)
def test_control_characters_give_one_clear_code(desc, char):
    df = validated(f"{HEADER}\n{GOOD.replace('3201011001', '3201011001' + char)}\n")
    assert df["alasan_validasi"].to_list() == [["KARAKTER_TIDAK_SAH"]], desc
    assert df["kode_wilayah_usulan"][0] == "3201011001", desc


def test_a_stray_ctrl_z_line_at_the_end_is_no_row():
    df = validated(f"{HEADER}\n{GOOD}\n\x1a")
    assert outcomes(df) == [(1, "")]


SEMI_HEADER = (
    "jenis_usulan;nik;no_kk;nama;tanggal_lahir;jenis_kelamin;hubungan_keluarga;kode_wilayah;alamat;disabilitas_berat"
)
SEMI_ROW = "BARU;{nik};3201010101150001;{nama};{tgl};{jk};{hub};3201011001;{alamat};{dis}"


def semi(nik, nama, tgl, jk, hub, alamat, dis):
    return SEMI_ROW.format(nik=nik, nama=nama, tgl=tgl, jk=jk, hub=hub, alamat=alamat, dis=dis)


def test_an_unquoted_semicolon_shifts_its_row_which_is_refused_not_published_as_false():
    text = (
        "\r\n".join(
            [
                SEMI_HEADER,
                semi("3201011505800001", "Budi Santoso", "15-05-1980", "L", "KEPALA KELUARGA", "Jl. Mawar", "N"),
                semi("3201014708850002", "Siti Aminah", "07-08-1985", "P", "ISTRI", "Jl. Mawar; RT 01", "Y"),
                semi("3201010203150003", "Ahmad Fauzi", "02-03-2015", "L", "ANAK", '"Gg. Melati; RT 2\r\nRW 3"', "Y"),
            ]
        )
        + "\r\n"
    )
    for raw in (text.encode("cp1252"), codecs.BOM_UTF8 + text.encode("utf-8")):
        df = validated(raw)
        assert outcomes(df, "alamat", "disabilitas_berat", "is_disabilitas", "kolom_lain") == [
            (1, "Jl. Mawar", "N", False, None, ""),
            # the Y moved one column right: kept in kolom_lain, and the row is refused rather than read as false
            (2, "Jl. Mawar", " RT 01", False, '{"kolom_lebih_1":"Y"}', "KOLOM_BERLEBIH"),
            (3, "Gg. Melati; RT 2\r\nRW 3", "Y", True, None, ""),  # quoted: not shifted
        ]


def test_a_shift_that_pushes_out_only_an_empty_field_is_refused_by_its_shifted_values():
    # alasan (empty) is last: the ';' in alamat pushes just an empty field beyond the header, which cannot be
    # told from a trailing delimiter; the value that lands in kode_wilayah refuses the row instead
    header = "jenis_usulan;nik;no_kk;nama;tanggal_lahir;jenis_kelamin;hubungan_keluarga;alamat;kode_wilayah;alasan"
    row = "BARU;3201014708850002;3201010101150001;Siti Aminah;07-08-1985;P;ISTRI;Jl. Mawar; RT 01;3201011001;"
    df = validated(f"{header}\n{row}\n")
    assert outcomes(df, "kode_wilayah", "kolom_lain") == [(1, " RT 01", None, "KODE_WILAYAH_TIDAK_DIKENAL")]


def test_trailing_empty_delimiters_are_harmless():
    text = f"{HEADER}\n{GOOD},,,\n{G2},\n{G3}, ,\n"
    df = validated(text)
    assert outcomes(df, "nama_usulan", "kolom_lain") == [
        (1, "Budi Santoso", None, ""),
        (2, "Siti Aminah", None, ""),
        (3, "Ahmad Fauzi", None, ""),
    ]


def test_extra_values_beside_ignored_columns_up_to_sixteen_extra_fields():
    # header: 10 fields; row 2 has 26 (16 empty beyond), row 3 has 12, row 4 has 26 with the 26th filled
    text = f"{HEADER},catatan_rt\n{GOOD},rumah kayu\n{G2},{',' * 16}\n{G3},rumah batu,,Y\n{GOOD}{',' * 17}x\n"
    df = validated(text)
    assert outcomes(df, "kolom_lain") == [
        (1, '{"catatan_rt":"rumah kayu"}', ""),
        (2, '{"catatan_rt":null}', ""),  # 16 empty fields beyond: harmless
        (3, '{"catatan_rt":"rumah batu","kolom_lebih_2":"Y","kolom_lebih_16":null}', "KOLOM_BERLEBIH"),
        (4, '{"catatan_rt":null,"kolom_lebih_2":null,"kolom_lebih_16":"x"}', "KOLOM_BERLEBIH"),
    ]


def test_a_million_column_header_is_refused_before_the_parser_runs(monkeypatch):
    import time

    def parser_must_not_run(*args, **kwargs):
        raise AssertionError("the CSV parser was called")

    monkeypatch.setattr(pl, "read_csv", parser_must_not_run)
    raw = (HEADER + "".join(f",c{i}" for i in range(1_000_000)) + f"\n{GOOD}\n").encode()
    started = time.perf_counter()
    with pytest.raises(ingest.FileQuarantined) as exc:
        ingest.parse_usulan(raw)
    assert exc.value.code == "FILE_KOLOM_TERLALU_BANYAK"
    assert time.perf_counter() - started < 5


def test_a_file_above_the_size_bound_is_refused(monkeypatch):
    monkeypatch.setattr(ingest, "MAX_FILE_BYTES", 100)
    with pytest.raises(ingest.FileQuarantined) as exc:
        ingest.parse_usulan(f"{HEADER}\n{GOOD}\n".encode())
    assert exc.value.code == "FILE_TERLALU_BESAR"


def test_unknown_columns_are_kept_as_ignored():
    batch = ingest.parse_usulan(f"{HEADER},catatan_rt\n{GOOD},rumah kayu\n".encode())
    assert batch.ignored_columns == ["catatan_rt"]
    assert batch.frame["kolom_lain"][0] == '{"catatan_rt":"rumah kayu"}'


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=600))
def test_arbitrary_bytes_never_crash(raw):
    try:
        batch = ingest.parse_usulan(raw)
    except ingest.FileQuarantined:
        return
    assert batch.frame["sumber_baris"].is_unique().all()


# printable text of any script, with the delimiters, quotes and line breaks that break naive readers
# (C0 control characters are left to the arbitrary-bytes test: a file full of them is binary)
_field = st.text(
    alphabet=st.one_of(
        st.characters(blacklist_categories=("Cs", "Cc")), st.sampled_from([",", ";", '"', "\n", "\r", "\t", " "])
    ),
    max_size=12,
)


@settings(max_examples=100, deadline=None)
@given(
    rows=st.lists(st.lists(_field, min_size=9, max_size=9), min_size=1, max_size=15),
    delimiter=st.sampled_from([",", ";"]),
    crlf=st.booleans(),
    encoding=st.sampled_from(["utf-8", "utf-8-sig"]),
)
def test_every_written_record_gets_exactly_one_outcome(rows, delimiter, crlf, encoding):
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n" if crlf else "\n", quoting=csv.QUOTE_ALL)
    w.writerow(HEADER.split(","))
    w.writerows(rows)
    non_blank = [r for r in rows if any(f.strip() for f in r)]
    try:
        batch = ingest.parse_usulan(buf.getvalue().encode(encoding))
    except ingest.FileQuarantined as exc:
        assert not non_blank and exc.code == "FILE_KOSONG"
        return
    assert batch.frame.height == len(non_blank)


@settings(max_examples=100, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.lists(_field, min_size=9, max_size=9), st.lists(_field, max_size=3)), min_size=1, max_size=15
    ),
    delimiter=st.sampled_from([",", ";"]),
    crlf=st.booleans(),
)
def test_fields_beyond_the_header_flag_their_row_only_when_filled(rows, delimiter, crlf):
    import csv
    import io

    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n" if crlf else "\n", quoting=csv.QUOTE_ALL)
    w.writerow(HEADER.split(","))
    w.writerows(main + extra for main, extra in rows)
    non_blank = [(main, extra) for main, extra in rows if any(f.strip() for f in main + extra)]
    try:
        batch = ingest.parse_usulan(buf.getvalue().encode("utf-8"))
    except ingest.FileQuarantined as exc:
        assert not non_blank and exc.code == "FILE_KOSONG"
        return
    assert batch.frame.height == len(non_blank)
    assert batch.frame["_kolom_berlebih"].to_list() == [any(f.strip() for f in extra) for _, extra in non_blank]
    assert batch.frame["nik"].fill_null("").to_list() == [main[1] for main, _ in non_blank]
