"""Applying a period's usulan to the register (individu): outcomes per row and the register after.

Only Dukcapil-verified people are in the register (domain.md): the register key (``nik_register``)
is the Dukcapil NIK of a padan row. A BARU or PERBAIKAN that is not padan is refused
(``NIK_TIDAK_PADAN``, with the matching's own reasons beside it) and goes back to the region to be
fixed; a PERBAIKAN, HAPUS or SANGGAH about someone not in the register is refused
(``TIDAK_ADA_DI_REGISTER``). BARU adds (or updates a person already registered), PERBAIKAN
corrects, HAPUS removes, SANGGAH flags.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from schemas import Individu, dtypes
from schemas.vocabulary import PADAN_ACCEPTED
from transforms.codes import code_expr as _code
from transforms.fields import PERSON_FIELDS
from transforms.linkage.similarity import name_similarity
from transforms.names import nama_key_expr

INDIVIDU_TYPES = dtypes(Individu)
"""The register's columns and dtypes, in order, from its contract (``schemas.Individu``)."""
INDIVIDU_COLUMNS = list(INDIVIDU_TYPES)

# what makes two rows "the same proposal": the target person (the Dukcapil NIK when padan, else the
# NIK as typed) and every cleaned field
_CONTENT = [
    "jenis",
    "_target",
    *PERSON_FIELDS,
    "hubungan",
    "kode_wilayah_usulan",
    "is_hamil",
    "is_disabilitas",
    "jenjang",
    "alasan_usulan",
]


def empty_individu() -> pl.DataFrame:
    """A register with no one in it (the first period, with no initial load)."""
    return pl.DataFrame(schema=INDIVIDU_TYPES)


def partition_expr(id_col: pl.Expr) -> pl.Expr:
    """The partition a person (by NIK) or a household (by no_kk) is worked in: the province code the
    identifier starts with, as Dukcapil issues both by region; "00" when it has none. The same id
    always falls in the same partition, which is all the register and the rules need."""
    return (
        pl.when(id_col.str.contains(r"^[1-9][0-9]")).then(id_col.str.slice(0, 2)).otherwise(pl.lit("00")).alias("_part")
    )


def _typed_nik() -> pl.Expr:
    return pl.when(pl.col("nik_usulan").str.contains(r"^[0-9]{16}$")).then(pl.col("nik_usulan"))


def register_key_expr() -> pl.Expr:
    """The registered person a row is about: the Dukcapil NIK when padan. A HAPUS or SANGGAH whose
    typed NIK Dukcapil no longer knows at all is keyed by that NIK, so that a registered person
    whose record left the extract can still be removed or flagged (``register_codes`` then checks
    the row against the register's identity); every other row that is not padan has no key."""
    padan = pl.col("status_padan").is_in(PADAN_ACCEPTED)
    vanished = pl.col("jenis").is_in(["HAPUS", "SANGGAH"]) & pl.col("alasan_padan").list.contains(
        "NIK_TIDAK_DITEMUKAN"
    ).fill_null(False)
    return pl.when(padan).then(pl.col("nik_padan")).when(vanished).then(_typed_nik()).alias("nik_register")


def duplicate_codes(rows: pl.DataFrame, *, rejecting: list[str]) -> pl.DataFrame:
    """``alasan_duplikat`` per row: BARIS_GANDA for a repeat of an earlier identical row (first kept,
    in file order, which is harmless for identical content); USULAN_BERTENTANGAN for every row of a
    person proposed with differing contents (all held: never resolved by file order)."""
    codes = pl.concat_list("alasan_validasi", "alasan_padan")
    valid = ~codes.list.eval(pl.element().is_in(rejecting)).list.any()
    order = ["kode_prov", "sumber_file", "sumber_baris"]
    r = (
        rows.sort(order)
        .with_columns(register_key_expr())
        .with_columns(_target=pl.coalesce("nik_register", "nik_usulan"))
        .with_columns(
            _valid=valid,
            _dup=pl.struct(_CONTENT).is_duplicated() & (pl.int_range(pl.len()).over(pl.struct(_CONTENT)) > 0),
        )
    )
    changing = pl.col("jenis").is_in(["BARU", "PERBAIKAN", "HAPUS"])
    conflict = (
        r.filter(pl.col("_valid") & ~pl.col("_dup") & changing & pl.col("nik_register").is_not_null())
        .group_by("nik_register")
        .agg(_n_versions=pl.struct(_CONTENT[:1] + _CONTENT[2:]).n_unique())
        .filter(pl.col("_n_versions") > 1)
        .select("nik_register", _conflict=pl.lit(True))
    )
    return (
        r.join(conflict, on="nik_register", how="left", maintain_order="left")
        .with_columns(
            alasan_duplikat=pl.concat_list(
                _code(pl.col("_dup"), "BARIS_GANDA"),
                _code(pl.col("_valid") & ~pl.col("_dup") & changing & pl.col("_conflict"), "USULAN_BERTENTANGAN"),
            ).list.drop_nulls()
        )
        .drop("_valid", "_dup", "_conflict", "_target")
    )


def register_codes(rows: pl.DataFrame, previous: pl.DataFrame, *, rejecting: list[str]) -> pl.DataFrame:
    """``alasan_register`` per row: NIK_TIDAK_PADAN for a row that would otherwise be used but names
    nobody Dukcapil verifies; TIDAK_ADA_DI_REGISTER for a PERBAIKAN / HAPUS / SANGGAH whose person is
    not registered; NIK_GANDA when the typed NIK is registered to someone else; SUDAH_ADA_DI_REGISTER
    (warning) for a BARU of a registered person; PINDAH_KK (info) for a registered person proposed on
    another family card."""
    known = previous.select(
        pl.col("nik").alias("nik_register"),
        _known=pl.lit(True),
        _reg_nama="nama",
        _reg_tgl="tanggal_lahir",
        _reg_kk="no_kk",
    )
    holder = previous.select(pl.col("nik").alias("_typed"), _typed_nama="nama", _typed_tgl="tanggal_lahir")
    r = (
        rows.with_columns(_typed=_typed_nik())
        .join(known, on="nik_register", how="left", maintain_order="left")
        .join(holder, on="_typed", how="left", maintain_order="left")
    )
    # the row names the registered holder of its key / of its typed NIK (name >= 80, same birth date)
    same_as_key = pl.Series(_name_scores(r["nama_usulan"], r["_reg_nama"]) >= 80) & (
        r["tgl_lahir"] == r["_reg_tgl"]
    ).fill_null(False)
    same_as_holder = pl.Series(_name_scores(r["nama_usulan"], r["_typed_nama"]) >= 80) & (
        r["tgl_lahir"] == r["_typed_tgl"]
    ).fill_null(False)
    r = r.with_columns(_same_key=same_as_key, _same_holder=same_as_holder)
    padan = pl.col("status_padan").is_in(PADAN_ACCEPTED)
    otherwise_valid = (
        ~pl.concat_list("alasan_validasi", "alasan_padan", "alasan_duplikat")
        .list.eval(pl.element().is_in(rejecting))
        .list.any()
    )
    is_known = pl.col("_known").is_not_null()
    changing = pl.col("jenis").is_in(["BARU", "PERBAIKAN"])
    # a HAPUS / SANGGAH keyed by a typed NIK that left Dukcapil must name the registered person
    vanished_ok = ~padan & is_known & pl.col("_same_key")
    ganda = ~padan & changing & pl.col("_typed_nama").is_not_null() & ~pl.col("_same_holder")
    moved = is_known & changing & (pl.coalesce("no_kk_dukcapil", "no_kk_usulan") != pl.col("_reg_kk")).fill_null(False)
    return r.with_columns(
        alasan_register=pl.concat_list(
            _code(otherwise_valid & ~padan & ~vanished_ok, "NIK_TIDAK_PADAN"),
            _code(ganda, "NIK_GANDA"),
            _code(moved & ~ganda, "PINDAH_KK"),
            _code(pl.col("jenis").is_in(["PERBAIKAN", "HAPUS", "SANGGAH"]) & ~is_known, "TIDAK_ADA_DI_REGISTER"),
            _code((pl.col("jenis") == "BARU") & is_known & padan, "SUDAH_ADA_DI_REGISTER"),
        ).list.drop_nulls()
    ).drop(
        "_known", "_reg_nama", "_reg_tgl", "_reg_kk", "_typed", "_typed_nama", "_typed_tgl", "_same_key", "_same_holder"
    )


def _name_scores(a: pl.Series, b: pl.Series) -> np.ndarray:
    """Name similarity 0-100 of two name columns, as the linkage compares names (0 where one is
    missing; only the pairs that have both are scored: most rows of a month meet no registered name)."""
    keys = pl.DataFrame({"a": a, "b": b}).select(nama_key_expr("a"), nama_key_expr("b"))
    scores = np.zeros(keys.height)
    both = np.flatnonzero((keys["a"].is_not_null() & keys["b"].is_not_null()).to_numpy())
    if both.size:
        scores[both] = name_similarity(keys["a"].gather(both), keys["b"].gather(both))
    return scores


def register_records(accepted: pl.DataFrame, *, periode: str) -> pl.DataFrame:
    """The register record each accepted BARU / PERBAIKAN row would write (before the person's
    entry period is known). Identity fields come from Dukcapil, the identity truth; kode_wilayah
    and the PKH fields from the usulan."""
    return accepted.filter(pl.col("jenis").is_in(["BARU", "PERBAIKAN"])).select(
        nik="nik_register",
        no_kk=pl.coalesce("no_kk_dukcapil", "no_kk_usulan"),
        nama=pl.coalesce("dk_nama", pl.col("nama_usulan").str.to_uppercase()),
        tanggal_lahir=pl.coalesce("dk_tgl_lahir", "tgl_lahir"),
        jenis_kelamin=pl.coalesce("dk_jk", "jk"),
        kode_wilayah="kode_wilayah_usulan",
        kode_prov=pl.col("kode_wilayah_usulan").str.slice(0, 2),
        hubungan_keluarga="hubungan",
        hamil="is_hamil",
        disabilitas_berat="is_disabilitas",
        jenjang_sekolah="jenjang",
        status_padan="status_padan",
        skor_padan="skor_padan",
        sumber_periode=pl.lit(periode),
        sumber_file="sumber_file",
        sumber_baris="sumber_baris",
        jenis_usulan_terakhir="jenis",
        _sumber_prov="kode_prov",
    )


def unfit_register_rows(accepted: pl.DataFrame, *, periode: str) -> pl.DataFrame:
    """(kode_prov, sumber_file, sumber_baris) of accepted rows whose register record would break the
    ``individu`` contract (e.g. a Dukcapil record without a name or birth date): those rows get
    ``DATA_REGISTER_TIDAK_LENGKAP`` instead of breaking the published table."""
    import pandera.errors

    records = register_records(accepted, periode=periode).with_columns(periode_masuk=pl.lit(periode))
    contract = Individu.to_schema().update_column("nik", unique=False)
    try:
        contract.validate(records, lazy=True)
        return records.select(kode_prov="_sumber_prov", sumber_file="sumber_file", sumber_baris="sumber_baris").clear()
    except pandera.errors.SchemaErrors as exc:
        bad = exc.failure_cases.filter(pl.col("index").is_not_null())["index"].cast(pl.Int64).unique()
    return (
        records.with_row_index("_i")
        .filter(pl.col("_i").cast(pl.Int64).is_in(bad.implode()))
        .select(kode_prov="_sumber_prov", sumber_file="sumber_file", sumber_baris="sumber_baris")
    )


def individu_after(previous: pl.DataFrame, accepted: pl.DataFrame, *, periode: str) -> pl.DataFrame:
    """The register after applying this period's accepted rows.

    ``accepted`` are DITERIMA rows with ``jenis``, ``nik_register``, the Dukcapil identity
    (``dk_nama``, ``dk_tgl_lahir``, ``dk_jk``, ``no_kk_dukcapil``), the cleaned usulan fields and
    lineage (``sumber_file``, ``sumber_baris``, ``kode_prov``); see ``register_records``.
    """
    upserts = register_records(accepted, periode=periode)
    removed = accepted.filter(pl.col("jenis") == "HAPUS").select(nik="nik_register")
    sanggah = (
        accepted.filter(pl.col("jenis") == "SANGGAH")
        .sort("kode_prov", "sumber_file", "sumber_baris")
        .group_by("nik_register", maintain_order=True)
        .agg(_sanggah=pl.col("alasan_usulan").drop_nulls().unique(maintain_order=True).str.join("; "))
        .rename({"nik_register": "nik"})
    )
    # identical duplicates are BARIS_GANDA and conflicting ones held, so one upsert per person remains
    upserts = upserts.unique("nik", keep="first", maintain_order=True)
    kept = previous.join(upserts.select("nik"), on="nik", how="anti")
    entered = previous.select("nik", _masuk="periode_masuk", _s_alasan="sanggah_alasan", _s_periode="sanggah_periode")
    new = (
        upserts.join(entered, on="nik", how="left")
        .with_columns(
            periode_masuk=pl.coalesce("_masuk", pl.lit(periode)),
            sanggah_alasan=pl.col("_s_alasan"),
            sanggah_periode=pl.col("_s_periode"),  # a correction keeps the flag
        )
        .drop("_masuk", "_s_alasan", "_s_periode")
    )
    reg = pl.concat([kept.select(INDIVIDU_COLUMNS), new.select(INDIVIDU_COLUMNS)], how="vertical_relaxed")
    reg = (
        reg.join(removed, on="nik", how="anti")
        .join(sanggah, on="nik", how="left")
        .with_columns(
            sanggah_alasan=pl.coalesce("_sanggah", "sanggah_alasan"),
            sanggah_periode=pl.when(pl.col("_sanggah").is_not_null())
            .then(pl.lit(periode))
            .otherwise(pl.col("sanggah_periode")),
        )
        .drop("_sanggah")
    )
    return reg.select(INDIVIDU_COLUMNS).sort("kode_prov", "no_kk", "nik")
