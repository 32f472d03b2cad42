"""The analysts' zone: the snapshot without personal data (UU 27/2022).

NIK and No KK become a keyed hash (HMAC-SHA256 with a secret held outside the data root), stable
across periods so that joins and trends still work, useless to anyone without the secret. Names,
addresses and mothers' names are dropped; birth dates become an age in whole years.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import polars as pl

from transforms.ages import age_expr

ID_COLUMNS = {"nik", "no_kk", "nik_usulan", "nik_padan", "nik_kandidat", "no_kk_usulan", "nik_pengurus"}
DROPPED = {
    "nama",
    "nama_usulan",
    "alamat",
    "nama_ibu_kandung",
    "kolom_lain",
    "sanggah_alasan",
    "alasan_usulan",
    "nama_pengurus",
    "no_rekening",
}
DATES_TO_AGE = {"tanggal_lahir": "umur"}
HASH_HEX = 32  # 128 bits


def keyed_hash(values: pl.Series, key: bytes) -> pl.Series:
    """HMAC-SHA256 of each value (hex, 128 bits); nulls stay null. Hashes each distinct value once,
    in DuckDB's vectorised sha256 (RFC 2104 spelt out: sha256(k^opad || sha256(k^ipad || m))), which
    gives the same digest as Python's ``hmac`` without a Python call per value."""
    import duckdb

    block = 64  # SHA-256 block size in bytes
    k = (hashlib.sha256(key).digest() if len(key) > block else key).ljust(block, b"\0")
    ipad, opad = bytes(b ^ 0x36 for b in k), bytes(b ^ 0x5C for b in k)
    uniq = pl.DataFrame({"v": values.drop_nulls().unique().sort()}, schema={"v": pl.String})
    with duckdb.connect() as con:
        con.register("uniq", uniq)
        table = con.sql(
            f"SELECT v, left(sha256($o || unhex(sha256($i || encode(v)))), {HASH_HEX}) AS h FROM uniq",
            params={"i": ipad, "o": opad},
        ).pl()
    return pl.DataFrame({"v": values}).join(table, on="v", how="left", maintain_order="left")["h"].alias(values.name)


def pseudonymised(df: pl.DataFrame, *, key: bytes, reference_date: dt.date) -> pl.DataFrame:
    """The analysts' copy of a published table: ids hashed (same column names), personal text dropped,
    birth dates as ages."""
    out = df.drop([c for c in df.columns if c in DROPPED])
    for c in out.columns:
        if c in ID_COLUMNS:
            out = out.with_columns(keyed_hash(out[c], key))
    for c, age in DATES_TO_AGE.items():
        if c in out.columns:
            out = out.with_columns(age_expr(c, reference_date).cast(pl.Int32).alias(age)).drop(c)
    return out


def riwayat_pseudonymised(df: pl.DataFrame, *, key: bytes) -> pl.DataFrame:
    """History without names; field changes of personal fields keep only the fact that they changed."""
    personal = ["nama", "no_kk", "tanggal_lahir"]
    out = df.drop("nama", "alasan").with_columns(
        keyed_hash(df["nik"], key),
        keyed_hash(df["no_kk"], key),
        perubahan=pl.col("perubahan").list.eval(
            pl.struct(
                kolom=pl.element().struct.field("kolom"),
                lama=pl.when(pl.element().struct.field("kolom").is_in(personal))
                .then(None)
                .otherwise(pl.element().struct.field("lama")),
                baru=pl.when(pl.element().struct.field("kolom").is_in(personal))
                .then(None)
                .otherwise(pl.element().struct.field("baru")),
            )
        ),
    )
    return out
