"""The evidence of each candidate pair as small named levels (Splink-style comparison levels)."""

from __future__ import annotations

import numpy as np
import polars as pl
from rapidfuzz import fuzz
from rapidfuzz.distance import OSA

from transforms.callnames import PATTERNS as CALL_NAME_LEVELS
from transforms.callnames import call_name_levels
from transforms.fields import NIK_FIELDS, PERSON_FIELDS
from transforms.linkage.blocking import excel_digits_expr
from transforms.linkage.similarity import name_similarity, pair_scores
from transforms.names import nama_key_expr

COMPARISONS = {
    "cmp_nik": ("SAMA", "SATU_EDIT", "RUSAK_SESUAI", "LAIN"),
    "cmp_nama": ("SAMA", "MIRIP_TINGGI", "MIRIP", *CALL_NAME_LEVELS, "AGAK", "BEDA"),
    "cmp_tgl": ("SAMA", "TERTUKAR", "SATU_KOMPONEN", "BEDA"),
    "cmp_jk": ("SAMA", "BEDA"),
    "cmp_ibu": ("SAMA", "MIRIP", "BEDA"),
    "cmp_wilayah": ("DESA", "KECAMATAN", "KABUPATEN", "LAIN"),
    "cmp_kk": ("SAMA", "BEDA"),
}
"""Each comparison's levels, most to least agreeing. A missing value on either side is null (no evidence)."""

SPECS = {
    "cmp_nik": (
        "NikOneEdit",
        "SAMA equal; SATU_EDIT one substitution or adjacent transposition (OSA distance 1) "
        "of a 16-digit NIK; RUSAK_SESUAI the candidate starts with the digits Excel left; LAIN otherwise",
    ),
    "cmp_nama": (
        "NamaSimilarAtThresholds",
        "the best of token-sort, token-set and abbreviation/clan-name scores "
        "(0-100) of the name keys at the cut points of levels.cmp_nama; below MIRIP, a call-name pattern "
        "of call_names is its own level",
    ),
    "cmp_tgl": (
        "TanggalLahirDayMonthSwapped",
        "SAMA equal; TERTUKAR day and month swapped; SATU_KOMPONEN one of day, month, year differs; BEDA otherwise",
    ),
    "cmp_jk": ("JenisKelaminExact", "SAMA / BEDA on L/P"),
    "cmp_ibu": (
        "NamaIbuSimilarAtThresholds",
        "token-sort score of the mothers' name keys at the cut points of levels.cmp_ibu",
    ),
    "cmp_wilayah": (
        "WilayahDesaKecamatanKabupaten",
        "the longest shared prefix of the 10-digit village codes: DESA, KECAMATAN (6), KABUPATEN (4), LAIN",
    ),
    "cmp_kk": (
        "NoKkExactOrHousehold",
        "SAMA when the candidate's card is the card submitted or the card the row's "
        "household was matched into (run.household_cards); BEDA otherwise",
    ),
}
"""The named spec that computes each comparison, and what it does: ``levels.specs`` in
``rules/matching.yaml`` names them, so weights estimated with another spec are refused."""

DK_COLUMNS = ["NIK", "NO_KK", "NAMA_LGKP", "TGL_LHR", "JENIS_KLMIN", "NAMA_LGKP_IBU", "_jk", "_desa"]
USULAN_COLUMNS = ["_row", *NIK_FIELDS, *PERSON_FIELDS, "nama_ibu_kandung", "kode_wilayah_usulan"]


def _levels(score: pl.Expr, cuts: list[tuple[float, str]], last: str) -> pl.Expr:
    e = pl.lit(last)
    for cut, name in reversed(cuts):
        e = pl.when(score >= cut).then(pl.lit(name)).otherwise(e)
    return e


def date_level_expr(a: str, b: str) -> pl.Expr:
    da, db = pl.col(a), pl.col(b)
    n_same = pl.sum_horizontal(
        [
            (da.dt.day() == db.dt.day()).cast(pl.Int8),
            (da.dt.month() == db.dt.month()).cast(pl.Int8),
            (da.dt.year() == db.dt.year()).cast(pl.Int8),
        ]
    )
    swapped = (da.dt.day() == db.dt.month()) & (da.dt.month() == db.dt.day()) & (da.dt.year() == db.dt.year())
    return (
        pl.when(da.is_null() | db.is_null())
        .then(None)
        .when(da == db)
        .then(pl.lit("SAMA"))
        .when(swapped)
        .then(pl.lit("TERTUKAR"))
        .when(n_same == 2)
        .then(pl.lit("SATU_KOMPONEN"))
        .otherwise(pl.lit("BEDA"))
    )


DEFAULT_CUTS = {
    "cmp_nama": {"SAMA": 97, "MIRIP_TINGGI": 90, "MIRIP": 80, "AGAK": 65},
    "cmp_ibu": {"SAMA": 90, "MIRIP": 70},
}
"""The cut points of the similarity levels (0-100), most similar first; the model file carries the
ones its weights were estimated with (``rules/matching.yaml`` ``levels``)."""


def similar_at_thresholds(score: pl.Expr, cuts: dict[str, float], below: str) -> pl.Expr:
    """A similarity cut into named levels: the first level whose cut the score reaches, else ``below``
    (Splink's ``...AtThresholds``)."""
    return _levels(score, [(cut, name) for name, cut in cuts.items()], below)


def nama_similar_at_thresholds(score: pl.Expr, call_name: pl.Expr, cuts: dict[str, float]) -> pl.Expr:
    """cmp_nama: the similarity levels down to the lowest accepting one (MIRIP), then a call-name
    pattern's own level where the names are a call name of each other, then AGAK / BEDA."""
    high = {k: v for k, v in cuts.items() if k in ("SAMA", "MIRIP_TINGGI", "MIRIP")}
    low = {k: v for k, v in cuts.items() if k == "AGAK"}
    return pl.coalesce(
        pl.when(score >= min(high.values())).then(similar_at_thresholds(score, high, "MIRIP")),
        call_name,
        similar_at_thresholds(score, low, "BEDA"),
    )


def comparison_vectors(
    pairs: pl.DataFrame,
    usulan: pl.DataFrame,
    dk: pl.DataFrame,
    *,
    clan_names: dict[str, tuple[str, ...]] | None = None,
    call_names=None,
    cuts: dict[str, dict[str, float]] | None = None,
) -> pl.DataFrame:
    """Per pair: the raw evidence (``bukti_nama`` 0-100, ``bukti_ibu``) and one level per comparison.
    A name below MIRIP that is a call name of the registered one (``call_names``, the model's
    patterns) gets that pattern's level, looked for where it can be accepted: the submitted NIK and
    birth date."""
    # name keys once per row and once per person (a row has several candidates, a person several rows)
    rows = (
        usulan.select(
            *USULAN_COLUMNS,
            (
                pl.col("no_kk_rumah")
                if "no_kk_rumah" in usulan.columns
                else pl.lit(None, pl.String).alias("no_kk_rumah")
            ),
        )
        .join(pairs.select("_row").unique(), on="_row", how="semi")
        .with_columns(
            # a formula or a name without letters is no evidence at all (missing), not a disagreement
            _nama=pl.when(pl.col("nama_usulan").str.contains(r"^\s*[=@+\-]|^[^A-Za-z]*$"))
            .then(None)
            .otherwise(pl.col("nama_usulan"))
        )
        .with_columns(
            _ka=nama_key_expr("_nama"),
            _ka_raw=nama_key_expr("_nama", fold_muhammad=False),
            _ia=nama_key_expr("nama_ibu_kandung"),
        )
    )
    persons = (
        dk.select(DK_COLUMNS)
        .join(pairs.select(NIK="nik_padan").unique(), on="NIK", how="semi")
        .with_columns(
            _kb=nama_key_expr("NAMA_LGKP"),
            _kb_raw=nama_key_expr("NAMA_LGKP", fold_muhammad=False),
            _ib=nama_key_expr("NAMA_LGKP_IBU"),
        )
    )
    p = pairs.join(rows, on="_row", how="left", maintain_order="left").join(
        persons, left_on="nik_padan", right_on="NIK", how="left", maintain_order="left"
    )
    # abbreviations and clan names are scored in Python, so only where a name can still decide: the
    # submitted NIK, or the birth date (day and month maybe swapped); not every family member's name
    ta, tb = p["tgl_lahir"], p["TGL_LHR"]
    swapped = (ta.dt.day() == tb.dt.month()) & (ta.dt.month() == tb.dt.day()) & (ta.dt.year() == tb.dt.year())
    special = ((p["nik_usulan"] == p["nik_padan"]) | (ta == tb) | swapped).fill_null(False).to_numpy()
    nama = name_similarity(p["_ka"], p["_kb"], clan_names, special)
    # the unfolded spelling (Muhammad kept) only differs from the folded one on a few pairs
    raw = np.flatnonzero(((p["_ka_raw"] != p["_ka"]) | (p["_kb_raw"] != p["_kb"])).fill_null(False).to_numpy())
    if raw.size:
        nama[raw] = np.maximum(
            nama[raw], name_similarity(p["_ka_raw"].gather(raw), p["_kb_raw"].gather(raw), clan_names, special[raw])
        )
    cuts = cuts or DEFAULT_CUTS
    calls = [None] * p.height
    if call_names is not None:
        # only where a call name can be accepted (the submitted NIK and birth date): the family members
        # and neighbours every row brings are far from the name too, and this check is per pair
        could = ((p["nik_usulan"] == p["nik_padan"]) & (p["tgl_lahir"] == p["TGL_LHR"])).fill_null(False).to_numpy()
        far = np.flatnonzero(
            (nama < cuts["cmp_nama"]["MIRIP"]) & could & (p["_ka"].str.len_chars().fill_null(0) > 0).to_numpy()
        )
        for i, level in zip(far, call_name_levels(p["_ka"], p["_kb"], p["jk"], far, call_names)):
            calls[i] = level
    ibu = pair_scores(p["_ia"], p["_ib"], fuzz.token_sort_ratio)
    nik_dist = pair_scores(p["nik_usulan"], p["nik_padan"], OSA.distance)
    p = p.with_columns(
        bukti_nama=pl.Series(nama, dtype=pl.Float64).round(1),
        _ibu=pl.Series(ibu, dtype=pl.Float64),
        _nik_dist=pl.Series(nik_dist, dtype=pl.Int64),
        _panggilan=pl.Series(calls, dtype=pl.String),
    )
    has_name = pl.col("_ka").str.len_chars().fill_null(0) > 0
    has_ibu = (pl.col("_ia").str.len_chars().fill_null(0) > 0) & (pl.col("_ib").str.len_chars().fill_null(0) > 0)
    excel_ok = pl.col("nik_rusak_excel") & pl.col("nik_padan").str.starts_with(
        excel_digits_expr("nik_usulan").fill_null("-")
    )
    desa_a, desa_b = pl.col("kode_wilayah_usulan"), pl.col("_desa")
    return (
        p.with_columns(
            cmp_nik=pl.when(pl.col("nik_usulan") == pl.col("nik_padan"))
            .then(pl.lit("SAMA"))
            .when(pl.col("nik_usulan").str.contains(r"^[0-9]{16}$") & (pl.col("_nik_dist") == 1))
            .then(pl.lit("SATU_EDIT"))
            .when(excel_ok)
            .then(pl.lit("RUSAK_SESUAI"))
            .otherwise(pl.lit("LAIN")),
            cmp_nama=pl.when(has_name).then(
                nama_similar_at_thresholds(pl.col("bukti_nama"), pl.col("_panggilan"), cuts["cmp_nama"])
            ),
            cmp_tgl=date_level_expr("tgl_lahir", "TGL_LHR"),
            cmp_jk=pl.when(pl.col("jk").is_null() | pl.col("_jk").is_null())
            .then(None)
            .when(pl.col("jk") == pl.col("_jk"))
            .then(pl.lit("SAMA"))
            .otherwise(pl.lit("BEDA")),
            cmp_ibu=pl.when(has_ibu).then(similar_at_thresholds(pl.col("_ibu"), cuts["cmp_ibu"], "BEDA")),
            cmp_wilayah=pl.when(desa_a.is_null() | desa_b.is_null())
            .then(None)
            .when(desa_a == desa_b)
            .then(pl.lit("DESA"))
            .when(desa_a.str.slice(0, 6) == desa_b.str.slice(0, 6))
            .then(pl.lit("KECAMATAN"))
            .when(desa_a.str.slice(0, 4) == desa_b.str.slice(0, 4))
            .then(pl.lit("KABUPATEN"))
            .otherwise(pl.lit("LAIN")),
            # the card submitted, or the one the household's other members were matched into (run.household_cards)
            cmp_kk=pl.when(pl.col("no_kk_usulan").is_null() | pl.col("NO_KK").is_null())
            .then(None)
            .when(
                (pl.col("no_kk_usulan") == pl.col("NO_KK"))
                | (pl.col("no_kk_rumah") == pl.col("NO_KK")).fill_null(False)
            )
            .then(pl.lit("SAMA"))
            .otherwise(pl.lit("BEDA")),
            bukti_jenis_kelamin=pl.when(pl.col("jk") == pl.col("_jk")).then(pl.lit("SAMA")).otherwise(pl.lit("BEDA")),
            _dukcapil_no_kk=pl.col("NO_KK"),
            _dukcapil_tgl=pl.col("TGL_LHR"),
            _dukcapil_jk=pl.col("_jk"),
        )
        .with_columns(bukti_tgl_lahir=pl.col("cmp_tgl"))
        .select(
            "_row",
            "nik_padan",
            "metode_padan",
            "bukti_nama",
            "bukti_tgl_lahir",
            "bukti_jenis_kelamin",
            "_dukcapil_no_kk",
            "_dukcapil_tgl",
            "_dukcapil_jk",
            *COMPARISONS,
        )
    )
