"""The register's history (``riwayat``): MASUK, UBAH (old -> new per tracked column), KELUAR with
the reason, SANGGAH, one event per change, for the snapshot table of the same name."""

from __future__ import annotations

import polars as pl

from schemas import Riwayat, dtypes
from schemas.vocabulary import PADAN_ACCEPTED

RIWAYAT_SCHEMA = dtypes(Riwayat)
"""The history's columns and dtypes, in order, from its contract (``schemas.Riwayat``)."""
TRACKED = [
    "no_kk",
    "nama",
    "tanggal_lahir",
    "jenis_kelamin",
    "kode_wilayah",
    "hubungan_keluarga",
    "hamil",
    "disabilitas_berat",
    "jenjang_sekolah",
    "status_padan",
]


def empty_riwayat() -> pl.DataFrame:
    return pl.DataFrame(schema=RIWAYAT_SCHEMA)


def unverified_removed(previous: pl.DataFrame, *, periode: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(the previous register without persons who were never verified, their KELUAR events).
    Registers written before only verified people were admitted may hold TIDAK_PADAN persons;
    they leave with the reason ``TIDAK_TERVERIFIKASI_DUKCAPIL`` and stay in the history."""
    unverified = previous.filter(~pl.col("status_padan").is_in(PADAN_ACCEPTED))
    if unverified.height == 0:
        return previous, empty_riwayat()
    events = unverified.select(
        periode=pl.lit(periode),
        nik="nik",
        no_kk="no_kk",
        nama="nama",
        peristiwa=pl.lit("KELUAR"),
        jenis_usulan=pl.lit(None, pl.String),
        alasan=pl.lit("TIDAK_TERVERIFIKASI_DUKCAPIL"),
        perubahan=pl.lit([], dtype=RIWAYAT_SCHEMA["perubahan"]),
        kode_prov="kode_prov",
        sumber_file=pl.lit(None, pl.String),
        sumber_baris=pl.lit(None, pl.Int64),
    ).select([pl.col(c).cast(t) for c, t in RIWAYAT_SCHEMA.items()])
    return previous.filter(pl.col("status_padan").is_in(PADAN_ACCEPTED)), events


def riwayat_after(
    previous_riwayat: pl.DataFrame, previous: pl.DataFrame, accepted: pl.DataFrame, after: pl.DataFrame, *, periode: str
) -> pl.DataFrame:
    """The register's history: the previous history plus this period's events, one row each:
    MASUK (a new person), UBAH (a correction, with every changed field old -> new), KELUAR (a
    removal, with its reason: the person is kept here, not erased), SANGGAH (an objection)."""
    lineage = ["kode_prov", "sumber_file", "sumber_baris"]
    acc = accepted.select("nik_register", "jenis", "alasan_usulan", *lineage).sort(lineage)
    prev = previous.select("nik", *[pl.col(c).alias(f"_old_{c}") for c in TRACKED])
    new = after.select("nik", *TRACKED)
    change_type = RIWAYAT_SCHEMA["perubahan"]
    touched = (
        acc.filter(pl.col("jenis").is_in(["BARU", "PERBAIKAN"]))
        .unique("nik_register", keep="first", maintain_order=True)
        .join(prev, left_on="nik_register", right_on="nik", how="left")
        .join(new, left_on="nik_register", right_on="nik", how="inner")
        .with_row_index("_i")
        .with_columns(peristiwa=pl.when(pl.col("_old_nama").is_null()).then(pl.lit("MASUK")).otherwise(pl.lit("UBAH")))
    )
    # every changed field as a row (kolom, lama, baru), then one list per person in TRACKED order:
    # columnar, where a list of 10 conditional structs per row costs seconds per million rows
    corrected = touched.filter(pl.col("peristiwa") == "UBAH")
    diffs = (
        pl.concat(
            [
                corrected.filter(
                    pl.col(f"_old_{c}").cast(pl.String).fill_null("") != pl.col(c).cast(pl.String).fill_null("")
                ).select(
                    "_i",
                    _k=pl.lit(k, pl.UInt32),
                    kolom=pl.lit(c),
                    lama=pl.col(f"_old_{c}").cast(pl.String),
                    baru=pl.col(c).cast(pl.String),
                )
                for k, c in enumerate(TRACKED)
            ]
        )
        .sort("_i", "_k")
        .group_by("_i", maintain_order=True)
        .agg(perubahan=pl.struct("kolom", "lama", "baru"))
    )
    changes = (
        touched.join(diffs, on="_i", how="left", maintain_order="left")
        .with_columns(perubahan=pl.col("perubahan").cast(change_type).fill_null(pl.lit([], dtype=change_type)))
        .select(
            pl.col("nik_register").alias("nik"),
            "no_kk",
            "nama",
            "peristiwa",
            pl.col("jenis").alias("jenis_usulan"),
            pl.col("alasan_usulan").alias("alasan"),
            "perubahan",
            *lineage,
        )
    )
    last_known = previous.select("nik", _no_kk="no_kk", _nama="nama")
    others = (
        acc.filter(pl.col("jenis").is_in(["HAPUS", "SANGGAH"]))
        .join(last_known, left_on="nik_register", right_on="nik", how="inner")
        .select(
            pl.col("nik_register").alias("nik"),
            pl.col("_no_kk").alias("no_kk"),
            pl.col("_nama").alias("nama"),
            pl.when(pl.col("jenis") == "HAPUS").then(pl.lit("KELUAR")).otherwise(pl.lit("SANGGAH")).alias("peristiwa"),
            pl.col("jenis").alias("jenis_usulan"),
            pl.col("alasan_usulan").alias("alasan"),
            pl.lit([], dtype=change_type).alias("perubahan"),
            *lineage,
        )
    )
    events = pl.concat([changes, others], how="vertical_relaxed").with_columns(periode=pl.lit(periode))
    events = events.select([pl.col(c).cast(t) for c, t in RIWAYAT_SCHEMA.items()])
    return pl.concat([previous_riwayat.select(list(RIWAYAT_SCHEMA)), events], how="vertical_relaxed").sort(
        "periode", "kode_prov", "sumber_file", "sumber_baris", "nik"
    )
