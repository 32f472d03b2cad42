"""The vocabularies of the contracts, defined once: the pandera models (``schemas``), the rule-file
models (``rules``) and the transforms all import them from here.

The programmes are not here: they are the rule set's (``rules/<year>.yaml``, ``programmes``), checked
when it loads, and every contract that has a ``program`` column is checked against the programmes of
the run (``schemas.programmes``). A status added here also needs the reasons that imply it
(``rules/reason_codes.yaml``, ``status``).
"""

from __future__ import annotations

JENIS_USULAN = ("BARU", "PERBAIKAN", "HAPUS", "SANGGAH")
HUBUNGAN_KELUARGA = (
    "KEPALA KELUARGA",
    "ISTRI",
    "SUAMI",
    "ANAK",
    "CUCU",
    "ORANG TUA",
    "MERTUA",
    "FAMILI LAIN",
    "LAINNYA",
)
JENJANG_SEKOLAH = ("TIDAK", "SD", "SMP", "SMA")
HASIL = ("DITERIMA", "DITOLAK")
STATUS_PADAN = ("PADAN", "PADAN_KOREKSI", "TIDAK_PADAN")
PADAN_ACCEPTED = ("PADAN", "PADAN_KOREKSI")
"""The ``status_padan`` values of a row whose person was found in Dukcapil (as sent, or corrected)."""
PROGRAM_NAME = r"^[A-Z][A-Z0-9-]*$"
"""A programme's name as the rule set writes it and the outputs carry it: capitals, digits and '-'
(it names folders: ``penerima/program=<NAME>/``)."""
STATUSES = (
    "SUKSES SPM",
    "PROSES SPM",
    "EXCLUDE",
    "GAGAL OMSPAN",
    "SI",
    "PROSES BUREKOL",
    "TIDAK LAYAK GIS",
    "OVERLAP SDM KESOS",
    "SK/CALON PENERIMA",
)
BLOCKING_STATUSES = ("EXCLUDE", "OVERLAP SDM KESOS", "TIDAK LAYAK GIS")
"""Statuses that stop payment: their units carry nominal 0."""
CANDIDATE_STATUS = "SK/CALON PENERIMA"
"""The status of a unit that no reason stops or moves elsewhere: eligible, awaiting the decree."""
BANKS = ("BRI", "BNI", "BTN", "MANDIRI", "POS")
PKH_FLAG_COMPONENTS = ("IBU_HAMIL", "DISABILITAS_BERAT")
"""PKH components the engine recognises by name, from a person's flag (``hamil``, ``disabilitas_berat``);
every other component is defined in the rule file by school level and/or age."""

# --- what agencies write in the reference and feedback files (compared after ``feedback_value_expr``:
# upper case, surrounding spaces removed, runs of spaces and underscores as one space)
AKTIF_YA = ("Y", "YA", "YES", "1", "AKTIF")
AKTIF_TIDAK = ("N", "T", "TIDAK", "NO", "0", "TIDAK AKTIF", "NONAKTIF")
GIS_HASIL = ("LAYAK", "TIDAK LAYAK")
STATUS_REKENING = ("AKTIF", "PROSES", "GAGAL")
STATUS_SALUR = ("SUKSES SPM", "PROSES SPM", "GAGAL OMSPAN", "SI")

DIGITS16 = r"^[0-9]{16}$"
"""A NIK or a No KK: sixteen digits."""
PERIODE = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
"""A periode: YYYY-MM."""
KODE_WILAYAH10 = r"^[0-9]{10}$"
"""A village code (kode wilayah desa/kelurahan): ten digits."""
