"""The field names of a cleaned usulan row that several stages read together (a leaf module:
it imports nothing, so the contracts and the linkage can both use it)."""

NIK_FIELDS = ("nik_usulan", "nik_rusak_excel")
"""A cleaned row's NIK as typed (16 digits or not) and what Excel left of a destroyed one."""
PERSON_FIELDS = ("no_kk_usulan", "nama_usulan", "tgl_lahir", "jk")
"""A cleaned row's family card, name, birth date and sex: who the row says the person is."""
