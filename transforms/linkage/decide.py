"""From comparison levels to a decision: Fellegi-Sunter match weights (``model``, ``rules/matching.yaml``), guards,
the review band, ambiguity (between look-alikes: ``contest``) and one-to-one claims. Training the
weights is ``fit``.

The weights give a calibrated probability; the guards encode what no weight may overrule: a name
that disagrees is never outvoted by agreeing NIK digits, birth date, sex or region (a fabricated NIK
shares those with a real person born the same day in the same village).
"""

from __future__ import annotations

import math

import polars as pl

from transforms.callnames import PATTERNS as CALL_NAME_LEVELS
from transforms.codes import code_expr as _code
from transforms.linkage.contest import lookalike_contest
from transforms.linkage.model import MatchModel, match_weight_expr


def scored_pairs(vectors: pl.DataFrame, model: MatchModel) -> pl.DataFrame:
    """Adds ``bobot`` (log2-odds), ``skor_padan`` (probability) and ``keputusan`` TERIMA / TINJAU / TOLAK."""
    name_ok = pl.col("cmp_nama").is_in(model.guards.name_accept_levels)
    nameless = (
        pl.col("cmp_nama").is_null()
        & (pl.col("cmp_nik") == "SAMA")
        & (pl.col("cmp_tgl") == "SAMA")
        & (pl.col("cmp_kk") == "SAMA")
    )
    exact = pl.col("cmp_nik") == "SAMA"
    # a weaker name (a heavy typo) with the submitted NIK, when birth date, sex and family card all agree
    # a badly typed name with the submitted NIK when everything of the family agrees: no fabricated
    # NIK shares the card and the mother (a twin, who does, is weighed by lookalike_contest)
    kin_ok = (
        pl.col("cmp_nama").is_in(model.guards.kin_name_levels)
        & (pl.col("cmp_tgl") == "SAMA")
        & (pl.col("cmp_jk") == "SAMA")
        & (pl.col("cmp_kk") == "SAMA")
        & (pl.col("cmp_ibu") == "SAMA")
    )
    weak_ok = (
        pl.col("cmp_nama").is_in(model.guards.weak_name_levels)
        & (pl.col("cmp_tgl") == "SAMA")
        & (pl.col("cmp_jk") == "SAMA")
        & (pl.col("cmp_kk") == "SAMA")
    )
    loose_name = pl.col("cmp_nama").is_in(model.guards.loose_name_levels) | (
        pl.col("cmp_nama").is_in(model.guards.loose_kk_name_levels) & (pl.col("cmp_kk") == "SAMA")
    )
    date_ok = pl.col("cmp_tgl").is_in(model.guards.loose_date_levels)
    if model.guards.loose_kk_without_date:
        # no birth date on the row: the card and a close name carry it (a namesake is on another card)
        date_ok = date_ok | (
            pl.col("cmp_tgl").is_null()
            & (pl.col("cmp_kk") == "SAMA")
            & pl.col("cmp_nama").is_in(model.guards.loose_name_levels)
        )
    loose_ok = loose_name & date_ok.fill_null(False) & (pl.col("cmp_jk") != "BEDA").fill_null(True)
    # a birth date that disagrees needs a name >= 90: siblings share a surname, a mother and a family card
    date_disagrees = pl.col("cmp_tgl").is_in(["BEDA", "SATU_KOMPONEN"]).fill_null(False)
    exact_ok = (name_ok | nameless | weak_ok | kin_ok) & (
        ~date_disagrees | pl.col("cmp_nama").is_in(model.guards.loose_name_levels)
    )
    # a call name (its own levels) only with the submitted NIK, and birth date, sex and the family card
    # or the mother agreeing: never a blanket lowering of the name guard
    call_ok = (
        pl.col("cmp_nama").is_in(list(CALL_NAME_LEVELS))
        & (pl.col("cmp_tgl") == "SAMA")
        & (pl.col("cmp_jk") == "SAMA")
        & ((pl.col("cmp_kk") == "SAMA") | (pl.col("cmp_ibu") == "SAMA"))
    )
    guard = (exact & (exact_ok | call_ok)) | (~exact & loose_ok)
    # the submitted card's member born that day of that mother, under a name close to the proposed one,
    # found without the NIK: the weight of a NIK that disagrees would send the person to review
    family = (
        ~exact
        & pl.col("cmp_nama").is_in(model.guards.family_name_levels)
        & (pl.col("cmp_tgl") == "SAMA")
        & (pl.col("cmp_kk") == "SAMA")
        & (pl.col("cmp_ibu") == "SAMA")
        & (pl.col("cmp_jk") != "BEDA").fill_null(True)
        & pl.col("metode_padan").is_in(["NIK_SATU_EDIT", "KK_KELUARGA"])
    )
    v = vectors.with_columns(bobot=match_weight_expr(model))
    # p = 1 / (1 + 2^-w), computed stably
    p = 1.0 / (1.0 + (-pl.col("bobot").clip(-60, 60) * math.log(2)).exp())
    return v.with_columns(skor_padan=p.round(6)).with_columns(
        keputusan=pl.when(
            (guard.fill_null(False) & (pl.col("skor_padan") >= model.thresholds.accept)) | family.fill_null(False)
        )
        .then(pl.lit("TERIMA"))
        .when(pl.col("skor_padan") >= model.thresholds.review)
        .then(pl.lit("TINJAU"))
        .otherwise(pl.lit("TOLAK"))
    )


def row_decisions(usulan: pl.DataFrame, scored: pl.DataFrame, model: MatchModel) -> pl.DataFrame:
    """One decision per usulan row: ``status_padan``, ``nik_padan``, ``skor_padan``, ``metode_padan``,
    the evidence, ``nik_kandidat`` and ``alasan_padan``.

    PADAN / PADAN_KOREKSI on one accepted candidate, or on the best of several when it leads the
    next by ``ambiguity_margin_bits``, or on the winner of a look-alike contest; otherwise TIDAK_PADAN
    with the best candidate kept for review. ``alasan_pilihan`` says why (``contest.CHOICES``).
    """
    # accepted candidates first: a higher-weighted one that failed its guard is never chosen over one that passed
    ranked = (
        scored.with_columns(_terima=pl.col("keputusan") == "TERIMA")
        .sort(["_row", "_terima", "bobot", "nik_padan"], descending=[False, True, True, False])
        .drop("_terima")
    )
    acc = (
        ranked.filter(pl.col("keputusan") == "TERIMA")
        .group_by("_row", maintain_order=True)
        .agg(_n_acc=pl.len(), _lead=(pl.col("bobot").first() - pl.col("bobot").slice(1, 1).first()).fill_null(1e9))
    )
    margin = model.guards.ambiguity_margin_bits
    contested = (
        ranked.select(
            "_row",
            "nik_padan",
            "keputusan",
            "bukti_nama",
            "cmp_nama",
            "cmp_kk",
            "cmp_ibu",
            "_dukcapil_no_kk",
            "_dukcapil_tgl",
        )
        .join(acc, on="_row", how="semi")
        .filter(pl.len().over("_row") > 1)
    )
    winners = lookalike_contest(contested)
    # the chosen candidate: a look-alike winner, else the highest weight (a RAGU row has no winner)
    best = (
        ranked.join(winners, on="_row", how="left")
        .filter(pl.col("_winner").is_null() | (pl.col("nik_padan") == pl.col("_winner")))
        .group_by("_row", maintain_order=True)
        .first()
    )
    exact_name_clash = (
        scored.filter((pl.col("cmp_nik") == "SAMA") & (pl.col("cmp_nama") == "BEDA"))
        .select("_row", _clash=pl.lit(True))
        .unique()
    )
    exact_found = scored.filter(pl.col("cmp_nik") == "SAMA").select("_row", _exact=pl.lit(True)).unique()
    out = (
        usulan.select("_row", "nik_usulan", "nik_rusak_excel", "no_kk_usulan")
        .join(best, on="_row", how="left")
        .join(acc, on="_row", how="left")
        .join(exact_name_clash, on="_row", how="left")
        .join(exact_found, on="_row", how="left")
        .with_columns(
            pl.col("_n_acc").fill_null(0), pl.col("_clash").fill_null(False), pl.col("_exact").fill_null(False)
        )
    )
    padan = (
        (pl.col("_n_acc") == 1)
        | ((pl.col("_n_acc") > 1) & (pl.col("_lead") >= margin))
        | pl.col("_winner").is_not_null()
    ) & (pl.col("_why") != "RAGU").fill_null(True)
    ambiguous = (pl.col("_n_acc") > 1) & ~padan
    no_candidate = pl.col("nik_padan").is_null()
    reasons = (
        pl.concat_list(
            _code(~padan & ~pl.col("_exact") & ~pl.col("nik_rusak_excel"), "NIK_TIDAK_DITEMUKAN"),
            _code(~padan & pl.col("nik_rusak_excel"), "NIK_TIDAK_DAPAT_DIPULIHKAN"),
            _code(~padan & pl.col("_clash"), "NAMA_TIDAK_SESUAI"),
            _code(
                ambiguous | (pl.col("_why") == "RAGU") | (~padan & ~no_candidate & (pl.col("keputusan") == "TINJAU")),
                "PERLU_VERIFIKASI",
            ),
            _code(
                ~no_candidate
                & pl.col("bukti_tgl_lahir").is_in(["BEDA", "SATU_KOMPONEN"])
                & (pl.col("cmp_nik") == "SAMA"),
                "TGL_LAHIR_TIDAK_SESUAI_DUKCAPIL",
            ),
            _code(padan & (pl.col("bukti_jenis_kelamin") == "BEDA"), "JENIS_KELAMIN_TIDAK_SESUAI_DUKCAPIL"),
            _code(padan & (pl.col("_dukcapil_no_kk") != pl.col("no_kk_usulan")), "NO_KK_TIDAK_SESUAI_DUKCAPIL"),
            # only when the look-alike whose NIK was typed lost (not when the row's own NIK won the contest)
            _code(
                pl.col("_why").is_in(["NAMA", "NAMA_MIRIP"])
                & (pl.col("nik_padan") != pl.col("nik_usulan")).fill_null(True),
                "NIK_MILIK_KEMBARAN",
            ),
            _code(
                (pl.col("_why") == "KELUARGA") & (pl.col("nik_padan") != pl.col("nik_usulan")).fill_null(True),
                "NIK_MILIK_SENAMA",
            ),
        )
        .list.drop_nulls()
        .list.unique(maintain_order=True)
    )
    choice = (
        pl.when(no_candidate)
        .then(pl.lit("TANPA_KANDIDAT"))
        .when(pl.col("_why").is_not_null())
        .then(pl.col("_why"))
        .when(pl.col("_n_acc") == 0)
        .then(pl.lit("SEMUA_DITOLAK"))
        .when(pl.col("_n_acc") == 1)
        .then(pl.lit("SATU_DITERIMA"))
        .when(padan)
        .then(pl.lit("SELISIH_BOBOT"))
        .otherwise(pl.lit("SELISIH_KURANG"))
    )
    return out.with_columns(
        alasan_pilihan=choice,
        status_padan=pl.when(padan & (pl.col("nik_padan") == pl.col("nik_usulan")))
        .then(pl.lit("PADAN"))
        .when(padan)
        .then(pl.lit("PADAN_KOREKSI"))
        .otherwise(pl.lit("TIDAK_PADAN")),
        alasan_padan=reasons,
        nik_kandidat=pl.col("nik_padan"),
        nik_padan=pl.when(padan).then(pl.col("nik_padan")).otherwise(None),
        no_kk_dukcapil=pl.when(padan).then(pl.col("_dukcapil_no_kk")).otherwise(None),
        skor_padan=pl.col("skor_padan").fill_null(0.0),
    ).drop(
        "_n_acc",
        "_lead",
        "_clash",
        "_exact",
        "keputusan",
        "_dukcapil_no_kk",
        "_dukcapil_tgl",
        "_dukcapil_jk",
        "_winner",
        "_why",
        "nik_usulan",
        "nik_rusak_excel",
        "no_kk_usulan",
        "bobot",
    )


def one_claim_per_person(decided: pl.DataFrame, usulan: pl.DataFrame) -> pl.DataFrame:
    """A Dukcapil person claimed by rows of *different* people (another birth date, or a name that is
    not the same name: ``similarity.same_name``) keeps the strongest claim; the others go to review
    (PERLU_VERIFIKASI). Rows of the same person (repeats, a HAPUS beside a PERBAIKAN, one of them
    with the name abbreviated, ...) all keep it: the register decides between them."""
    from transforms.linkage.similarity import same_name
    from transforms.names import nama_key_expr

    who = usulan.select("_row", _key=nama_key_expr("nama_usulan"), _tgl="tgl_lahir")
    claims = (
        decided.filter(pl.col("nik_padan").is_not_null())
        .select("_row", "nik_padan", "skor_padan")
        .join(who, on="_row", how="left")
    )
    top = (
        claims.sort(["nik_padan", "skor_padan", "_row"], descending=[False, True, False])
        .group_by("nik_padan", maintain_order=True)
        .agg(_top_key=pl.col("_key").first(), _top_tgl=pl.col("_tgl").first(), _n=pl.len())
    )
    contested = claims.join(top.filter(pl.col("_n") > 1), on="nik_padan", how="inner")
    same = pl.Series(same_name(contested["_key"].fill_null(""), contested["_top_key"].fill_null(""))) & (
        contested["_tgl"] == contested["_top_tgl"]
    ).fill_null(False)
    losers = contested.filter(~same).select("_row", _loser=pl.lit(True))
    d = decided.join(losers, on="_row", how="left", maintain_order="left")
    loser = pl.col("_loser").fill_null(False)
    return d.with_columns(
        alasan_pilihan=pl.when(loser).then(pl.lit("KLAIM_LAIN")).otherwise(pl.col("alasan_pilihan")),
        status_padan=pl.when(loser).then(pl.lit("TIDAK_PADAN")).otherwise(pl.col("status_padan")),
        alasan_padan=pl.when(loser)
        .then(pl.col("alasan_padan").list.concat(pl.lit(["PERLU_VERIFIKASI"])))
        .otherwise(pl.col("alasan_padan")),
        nik_padan=pl.when(loser).then(None).otherwise(pl.col("nik_padan")),
        no_kk_dukcapil=pl.when(loser).then(None).otherwise(pl.col("no_kk_dukcapil")),
    ).drop("_loser")
