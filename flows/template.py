"""The usulan template a province downloads (``padan template``): a workbook the reader takes as it
is, with the contract's columns, text cells where Excel would damage a value, drop-down lists of
the allowed values, and a sheet that says what goes in each column."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from flows import io
from flows.excel import Sheet, workbook_bytes
from schemas import USULAN_COLUMNS, USULAN_REQUIRED
from schemas.vocabulary import HUBUNGAN_KELUARGA, JENIS_USULAN, JENJANG_SEKOLAH

YA_TIDAK = ("Y", "N")
CHOICES = (
    ("jenis_usulan", JENIS_USULAN),
    ("jenis_kelamin", ("L", "P")),
    ("hubungan_keluarga", HUBUNGAN_KELUARGA),
    ("hamil", YA_TIDAK),
    ("disabilitas_berat", YA_TIDAK),
    ("jenjang_sekolah", JENJANG_SEKOLAH),
)
# typed into a General cell Excel turns these into numbers (a NIK loses its last digit, a code its
# dots, a date its day-month order): the template formats their columns as text
TEXT = ("nik", "no_kk", "tanggal_lahir", "kode_wilayah")
FORMS = {
    "jenis_usulan": "BARU, PERBAIKAN, HAPUS atau SANGGAH",
    "nik": "16 digit, sebagai teks",
    "no_kk": "16 digit, sebagai teks",
    "nama": "nama lengkap sesuai KTP/KK",
    "tempat_lahir": "kota/kabupaten kelahiran",
    "tanggal_lahir": "DD-MM-YYYY (mis. 17-08-1985)",
    "jenis_kelamin": "L atau P",
    "hubungan_keluarga": "hubungan dengan kepala keluarga",
    "nama_ibu_kandung": "nama lengkap ibu kandung",
    "alamat": "alamat (boleh memuat koma)",
    "kode_wilayah": "10 digit kode desa/kelurahan Kemendagri, boleh bertitik (32.01.02.2001)",
    "hamil": "Y bila sedang hamil",
    "disabilitas_berat": "Y bila penyandang disabilitas berat",
    "jenjang_sekolah": "jenjang sekolah anak",
    "alasan": "wajib untuk HAPUS dan SANGGAH",
}


def template_bytes() -> bytes:
    """The template workbook: sheet ``Usulan`` (the header row, nothing below it) and ``Petunjuk``."""
    choices = dict(CHOICES)
    usulan = Sheet(
        "Usulan",
        pl.DataFrame(schema={c: pl.String for c in USULAN_COLUMNS}),
        {c: c for c in USULAN_COLUMNS},
        text=TEXT,
        choices=CHOICES,
    )
    guide = pl.DataFrame(
        {
            "kolom": list(USULAN_COLUMNS),
            "wajib": ["ya" if c in USULAN_REQUIRED else "tidak" for c in USULAN_COLUMNS],
            "bentuk": [FORMS[c] for c in USULAN_COLUMNS],
            "pilihan": [", ".join(choices.get(c, ())) for c in USULAN_COLUMNS],
        }
    )
    headers = {"kolom": "Kolom", "wajib": "Wajib", "bentuk": "Bentuk Isian", "pilihan": "Pilihan"}
    return workbook_bytes([usulan, Sheet("Petunjuk", guide, headers)])


def write_template(path: Path) -> Path:
    return io.write_bytes(template_bytes(), path)
