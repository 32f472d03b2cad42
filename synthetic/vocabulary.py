"""Words of the Dukcapil extract and the usulan template that the generator draws from: the
family roles (``STAT_HBKEL``) and the proposal types with their reasons (``alasan``)."""

from __future__ import annotations

ROLES = ("KEPALA KELUARGA", "ISTRI", "SUAMI", "ANAK", "CUCU", "ORANG TUA", "MERTUA", "FAMILI LAIN")
KK, ISTRI, SUAMI, ANAK, CUCU, ORANG_TUA, MERTUA, FAMILI = range(8)


JENIS_USULAN = ("BARU", "PERBAIKAN", "HAPUS", "SANGGAH")
JENIS_P = (0.85, 0.06, 0.05, 0.04)
ALASAN_HAPUS = ("PINDAH", "PINDAH DOMISILI", "MAMPU", "TIDAK DITEMUKAN", "DATA GANDA")
ALASAN_SANGGAH = (
    "MAMPU",
    "PNS",
    "RUMAH MEWAH",
    "MEMILIKI KENDARAAN RODA 4",
    "BUKAN WARGA SETEMPAT",
    "TIDAK LAYAK MENERIMA",
    "SUDAH PINDAH",
)
ALASAN_PERBAIKAN = ("PERBAIKAN NAMA", "PERBAIKAN TANGGAL LAHIR", "PERBAIKAN ALAMAT", "PERBAIKAN NIK", "")
