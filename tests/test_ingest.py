"""Reading and validating usulan batches: case tables on messy real-world input."""

from __future__ import annotations

import codecs
import datetime as dt

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transforms import ingest, wilayah

HEADER = "jenis_usulan,nik,no_kk,nama,tanggal_lahir,jenis_kelamin,hubungan_keluarga,kode_wilayah,alasan"
GOOD = "BARU,3201011505800001,3201010101150001,Budi Santoso,15-05-1980,L,KEPALA KELUARGA,3201011001,"


def validated(text: str | bytes, kode_prov: str = "32") -> pl.DataFrame:
    raw = text.encode("utf-8") if isinstance(text, str) else text
    batch = ingest.parse_usulan(raw)
    return (
        batch.frame.lazy().with_columns(kode_prov=pl.lit(kode_prov))
        .pipe(ingest.cleaned_usulan)
        .pipe(ingest.validated_usulan, villages=wilayah.villages().lazy(), districts=wilayah.districts().lazy(),
              reference_date=dt.date(2026, 11, 30))
        .sort("sumber_baris")
    )


@pytest.mark.parametrize("desc, raw, expected", [
    ("plain", "3201011505800001", "3201011505800001"),
    ("spaces", " 3201 0115 0580 0001 ", "3201011505800001"),
    ("apostrophe", "'3201011505800001", "3201011505800001"),
    ("trailing .0", "3201011505800001.0", "3201011505800001"),
    ("quotes", '"3201011505800001"', "3201011505800001"),
    ("papua > 2^53 kept exact", "9471015505990009", "9471015505990009"),
    ("scientific notation kept as damaged", "3.20101E+15", "3.20101E+15"),
])
def test_id_digits(desc, raw, expected):
    out = pl.DataFrame({"nik": [raw]}).select(ingest.id_digits_expr("nik"))["nik"][0]
    assert out == expected, desc


@pytest.mark.parametrize("desc, raw, expected", [
    ("dd-mm-yyyy", "15-05-1980", dt.date(1980, 5, 15)),
    ("dd/mm/yyyy", "15/05/1980", dt.date(1980, 5, 15)),
    ("iso", "1980-05-15", dt.date(1980, 5, 15)),
    ("iso with midnight", "1980-05-15 00:00:00", dt.date(1980, 5, 15)),
    ("excel serial", "29356", dt.date(1980, 5, 15)),
    ("excel serial with .0", "29356.0", dt.date(1980, 5, 15)),
    ("impossible date", "31-02-1980", None),
    ("text", "lima belas mei", None),
])
def test_birth_dates(desc, raw, expected):
    out = pl.DataFrame({"d": [raw]}).select(ingest.birth_date_expr("d"))["d"][0]
    assert out == expected, desc


def test_clean_file_is_accepted_without_codes():
    df = validated(f"{HEADER}\n{GOOD}\n")
    assert df["alasan_validasi"].to_list() == [[]]
    assert df["nik_usulan"][0] == "3201011505800001"


def test_semicolon_cp1252_bom_crlf_and_header_spelling():
    text = (" JENIS_USULAN ;Nik;NO KK;Nama;Tanggal_Lahir;Jenis_Kelamin;Hubungan_Keluarga;Kode_Wilayah;Alamat\r\n"
            "BARU;3201011505800001;3201010101150001;José Sántos;15/05/1980;LAKI-LAKI;Kepala Keluarga;32.01.01.1001;"
            "\"Jl. Ñ; RT 1\r\nRW 2\"\r\n\r\n;;;;;;;;\r\n")
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


@pytest.mark.parametrize("desc, row, code", [
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
])
def test_row_reason_codes(desc, row, code):
    df = validated(f"{HEADER}\n{row}\n")
    assert code in df["alasan_validasi"][0].to_list(), desc


@pytest.mark.parametrize("desc, raw, code", [
    ("empty", b"", "FILE_KOSONG"),
    ("header only", (HEADER + "\n").encode(), "FILE_KOSONG"),
    ("binary", b"PK\x03\x04\x00\x00binary\x00\x00", "FILE_TIDAK_TERBACA"),
    ("no header", (GOOD + "\n" + GOOD + "\n").encode(), "FILE_TANPA_HEADER"),
    ("missing column", b"jenis_usulan,nik,nama\nBARU,3201011505800001,Budi\n", "FILE_KOLOM_WAJIB_HILANG"),
])
def test_whole_file_quarantine(desc, raw, code):
    with pytest.raises(ingest.FileQuarantined) as exc:
        ingest.parse_usulan(raw)
    assert exc.value.code == code, desc


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
_field = st.text(alphabet=st.one_of(st.characters(blacklist_categories=("Cs", "Cc")),
                                    st.sampled_from([",", ";", '"', "\n", "\r", "\t", " "])), max_size=12)


@settings(max_examples=100, deadline=None)
@given(rows=st.lists(st.lists(_field, min_size=9, max_size=9), min_size=1, max_size=15),
       delimiter=st.sampled_from([",", ";"]), crlf=st.booleans(), encoding=st.sampled_from(["utf-8", "utf-8-sig"]))
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
