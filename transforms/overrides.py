"""Human decisions that outlive reruns: manual padan decisions and verification outcomes of a SANGGAH.

An override row: ``jenis`` (PADAN_MANUAL, TIDAK_PADAN_MANUAL, SANGGAH_DITERIMA, SANGGAH_DITOLAK),
``nik`` (the NIK as submitted for padan decisions, the register NIK for SANGGAH), ``nik_padan``
(the Dukcapil NIK, for PADAN_MANUAL), ``penulis``, ``alasan``, ``tanggal`` (YYYY-MM-DD) and
``berlaku_sampai`` (last periode YYYY-MM it applies to; empty = no expiry) and ``tinjau`` (a review
decision, ``padan tinjau impor``: the id of the usulan row it decides, ``<periode>|<kode_prov>|
<sumber_file>|<sumber_baris>``; empty for a decision that applies to every row sent with ``nik``).
A review decision applies to that row only (its ``nik`` is the NIK as typed, for the history, and may
be one Excel damaged), whether the row is in the month's files or waits in the review queue.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

JENIS = ("PADAN_MANUAL", "TIDAK_PADAN_MANUAL", "SANGGAH_DITERIMA", "SANGGAH_DITOLAK")
COLUMNS = ["jenis", "nik", "nik_padan", "penulis", "alasan", "tanggal", "berlaku_sampai", "tinjau"]
TINJAU_ID = r"^[0-9]{4}-[0-9]{2}\|[0-9]{2}\|.+\|[1-9][0-9]*$"
"""The form of a review row id: periode|kode_prov|sumber_file|sumber_baris."""


class OverrideError(ValueError):
    """An override file that cannot be applied safely."""


def validated_overrides(raw: pl.DataFrame) -> pl.DataFrame:
    """Typed overrides; a row without author, reason, date or with an unknown kind is an error (a
    human decision without a name and a reason is not one we may apply)."""
    df = raw.with_columns(
        jenis=pl.col("jenis").str.strip_chars().str.to_uppercase(),
        nik=pl.col("nik").str.replace_all(r"[\s'\"]", ""),
        nik_padan=pl.col("nik_padan").str.replace_all(r"[\s'\"]", "").replace("", None),
        tanggal_d=pl.col("tanggal").str.strip_chars().str.to_date("%Y-%m-%d", strict=False),
        berlaku_sampai=pl.col("berlaku_sampai").str.strip_chars().replace("", None),
        tinjau=pl.col("tinjau").str.strip_chars().replace("", None),
    )
    keyed = pl.col("tinjau").is_not_null()
    bad = df.filter(
        ~pl.col("jenis").is_in(JENIS)
        | (~keyed & ~pl.col("nik").str.contains(r"^[0-9]{16}$").fill_null(False))
        | (keyed & ~pl.col("tinjau").str.contains(TINJAU_ID).fill_null(False))
        | (keyed & pl.col("jenis").str.starts_with("SANGGAH"))
        | pl.col("penulis").str.strip_chars().replace("", None).is_null()
        | pl.col("alasan").str.strip_chars().replace("", None).is_null()
        | pl.col("tanggal_d").is_null()
        | ((pl.col("jenis") == "PADAN_MANUAL") & ~pl.col("nik_padan").str.contains(r"^[0-9]{16}$").fill_null(False))
        | (
            pl.col("berlaku_sampai").is_not_null()
            & ~pl.col("berlaku_sampai").str.contains(r"^[0-9]{4}-[0-9]{2}$").fill_null(False)
        )
    )
    if bad.height:
        where = "; ".join(f"{f} baris {b}" for f, b in bad.select("_sumber", "_baris").head(10).iter_rows())
        raise OverrideError(
            f"{bad.height} override row(s) incomplete or invalid ({where}): each needs jenis "
            f"({'/'.join(JENIS)}), nik (16 digits), nik_padan for PADAN_MANUAL, penulis, alasan, "
            f"tanggal YYYY-MM-DD and optionally berlaku_sampai YYYY-MM (a review decision: tinjau "
            f"periode|kode_prov|berkas|baris, a padan kind, any nik); complete or remove those rows"
        )
    return df


def active_overrides(overrides: pl.DataFrame, *, periode: str, reference_date: dt.date) -> pl.DataFrame:
    """Overrides in force for the periode: decided on or before its last day, not expired. The latest
    decision per (jenis family, nik) wins, and per review row (``tinjau``) for review decisions."""
    family = pl.when(pl.col("jenis").str.starts_with("SANGGAH")).then(pl.lit("SANGGAH")).otherwise(pl.lit("PADAN"))
    subject = pl.coalesce(pl.concat_str(pl.lit("tinjau:"), "tinjau"), "nik").alias("_subject")
    return (
        overrides.filter(
            (pl.col("tanggal_d") <= pl.lit(reference_date))
            & (pl.col("berlaku_sampai").is_null() | (pl.col("berlaku_sampai") >= periode))
        )
        .with_columns(_family=family, _subject=subject)
        .sort("_family", "_subject", "tanggal_d", "_sumber", "_baris")
        .group_by("_family", "_subject", maintain_order=True)
        .last()
        .drop("_subject")
    )


def padan_overridden(
    decided: pl.DataFrame, usulan: pl.DataFrame, active: pl.DataFrame, identity: pl.DataFrame, *, by_row: bool = False
) -> pl.DataFrame:
    """Applies manual padan decisions to the linkage decisions: those without a review id to the
    rows sent with that NIK (as typed), or, ``by_row``, review decisions to the rows whose id
    (``usulan.id_tinjau``) they name. ``identity`` holds the Dukcapil identity of the decided NIKs
    (NIK, NO_KK)."""
    padan_kinds = pl.col("jenis").is_in(["PADAN_MANUAL", "TIDAK_PADAN_MANUAL"])
    keyed = pl.col("tinjau").is_not_null() if "tinjau" in active.columns else pl.lit(False)
    key, subject = ("id_tinjau", "tinjau") if by_row else ("nik_usulan", "nik")
    manual = active.filter(padan_kinds & (keyed if by_row else ~keyed)).select(
        pl.col(subject).alias(key), _jenis="jenis", _nik_manual="nik_padan", _oleh="penulis"
    )
    if manual.height == 0:
        return decided
    known = identity.select(_nik_manual="NIK", _kk_manual="NO_KK")
    rows = (
        usulan.select("_row", key, _typed="nik_usulan")
        .join(manual, on=key, how="inner")
        .join(known, on="_nik_manual", how="left")
        .drop(key)
    )
    d = decided.join(rows, on="_row", how="left")
    padan = (pl.col("_jenis") == "PADAN_MANUAL") & pl.col("_kk_manual").is_not_null()
    refuse = pl.col("_jenis") == "TIDAK_PADAN_MANUAL"
    return d.with_columns(
        status_padan=pl.when(padan & (pl.col("_nik_manual") == pl.col("_typed")))
        .then(pl.lit("PADAN"))
        .when(padan)
        .then(pl.lit("PADAN_KOREKSI"))
        .when(refuse)
        .then(pl.lit("TIDAK_PADAN"))
        .otherwise(pl.col("status_padan")),
        nik_padan=pl.when(padan).then(pl.col("_nik_manual")).when(refuse).then(None).otherwise(pl.col("nik_padan")),
        no_kk_dukcapil=pl.when(padan)
        .then(pl.col("_kk_manual"))
        .when(refuse)
        .then(None)
        .otherwise(pl.col("no_kk_dukcapil")),
        metode_padan=pl.when(padan | refuse).then(pl.lit("KEPUTUSAN_MANUAL")).otherwise(pl.col("metode_padan")),
        skor_padan=pl.when(padan).then(1.0).when(refuse).then(0.0).otherwise(pl.col("skor_padan")),
        alasan_padan=pl.when(padan)
        .then(pl.lit(["KEPUTUSAN_PADAN_MANUAL"]))
        .when(refuse)
        .then(pl.lit(["KEPUTUSAN_TIDAK_PADAN_MANUAL"]))
        .otherwise(pl.col("alasan_padan")),
        **(
            {
                "alasan_pilihan": pl.when(padan | refuse)
                .then(pl.lit("KEPUTUSAN_MANUAL"))
                .otherwise(pl.col("alasan_pilihan"))
            }
            if "alasan_pilihan" in decided.columns
            else {}
        ),
    ).drop("_jenis", "_nik_manual", "_oleh", "_kk_manual", "_typed")


def sanggah_decisions(active: pl.DataFrame) -> pl.DataFrame:
    """(nik, ``sanggah_keputusan`` TERBUKTI / TIDAK_TERBUKTI) for the status engine."""
    return active.filter(pl.col("jenis").str.starts_with("SANGGAH")).select(
        "nik",
        sanggah_keputusan=pl.when(pl.col("jenis") == "SANGGAH_DITERIMA")
        .then(pl.lit("TERBUKTI"))
        .otherwise(pl.lit("TIDAK_TERBUKTI")),
    )
