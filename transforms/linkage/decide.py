"""From comparison levels to a decision: Fellegi-Sunter match weights (``rules/matching.yaml``), guards,
the review band, ambiguity and one-to-one claims.

The weights give a calibrated probability; the guards encode what no weight may overrule: a name
that disagrees is never outvoted by agreeing NIK digits, birth date, sex or region (a fabricated NIK
shares those with a real person born the same day in the same village).
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

import polars as pl
from pydantic import AfterValidator, Field, Strict, StrictBool, StrictStr, create_model, model_validator

from rules.base import Problems, RuleModel, one_of
from transforms.codes import code_expr as _code
from transforms.linkage.blocking import METHODS
from transforms.callnames import PATTERNS as CALL_NAME_LEVELS
from transforms.linkage.comparisons import COMPARISONS

Log2 = Annotated[float, Strict(), Field(allow_inf_nan=False)]
"""A log2 weight or odds: a number (an integer is fine), never text or true/false."""
Probability = Annotated[float, Strict(), Field(gt=0, lt=1)]
_LEVELS_AT = "transforms/linkage/comparisons.py"
NameLevel = Annotated[StrictStr, one_of(COMPARISONS["cmp_nama"], "a level of cmp_nama", _LEVELS_AT)]
DateLevel = Annotated[StrictStr, one_of(COMPARISONS["cmp_tgl"], "a level of cmp_tgl", _LEVELS_AT)]


def _name_key(value: str) -> str:
    if not value.isascii() or not value.isalpha() or not value.isupper():
        raise ValueError(f"'{value}' is not written as a name key: capital letters A-Z only, e.g. LIEM")
    return value


NameKey = Annotated[StrictStr, AfterValidator(_name_key)]

# One field per comparison of ``comparisons.COMPARISONS``, each a model with one field per level
# (and one prior per blocking method of ``blocking.METHODS``): an unknown comparison or level is an
# unknown key, a missing one is a missing key, and every weight must be a number.
PriorLog2Odds = create_model(
    "PriorLog2Odds", __base__=RuleModel, __doc__="The prior log2-odds of a match, per blocking method.",
    **{method: (Log2, ...) for method in METHODS})
_LEVEL_WEIGHTS = {cmp: create_model(f"Weights_{cmp}", __base__=RuleModel, **{lv: (Log2, ...) for lv in levels})
                  for cmp, levels in COMPARISONS.items()}
globals().update({m.__name__: m for m in _LEVEL_WEIGHTS.values()})   # module attributes, so a model pickles
ComparisonWeights = create_model(
    "ComparisonWeights", __base__=RuleModel, __doc__="log2(m/u) per comparison and level.",
    **{cmp: (model, ...) for cmp, model in _LEVEL_WEIGHTS.items()})


class Thresholds(RuleModel):
    """Match probabilities: at or above ``accept`` (and past the guards) a pair is accepted; from
    ``review`` up it goes to review; below it is refused."""

    accept: Probability
    review: Probability

    @model_validator(mode="after")
    def _review_below_accept(self) -> "Thresholds":
        if not self.review < self.accept:
            raise Problems((("review",), f"{self.review} must be below accept ({self.accept}): the review band "
                            "lies between the two"))
        return self


class Guards(RuleModel):
    """What no weight may overrule (``scored_pairs``): the name levels that may accept a pair found by
    its NIK, by a looser rule, or by the family card, and the date levels a looser rule needs."""

    name_accept_levels: tuple[NameLevel, ...] = Field(description="cmp_nama levels that may accept an exact NIK")
    weak_name_levels: tuple[NameLevel, ...] = Field(
        (), description="cmp_nama levels accepted with an exact NIK when birth date, sex and KK agree (default none)")
    kin_name_levels: tuple[NameLevel, ...] = Field(
        (), description="cmp_nama levels accepted with an exact NIK when birth date, sex, KK and mother all agree "
                        "and no look-alike is closer on the name (default none)")
    loose_name_levels: tuple[NameLevel, ...] = Field(description="cmp_nama levels a looser rule may accept")
    loose_kk_name_levels: tuple[NameLevel, ...] = Field(
        (), description="cmp_nama levels a looser rule may accept when the family card agrees (default none)")
    loose_date_levels: tuple[DateLevel, ...] = Field(description="cmp_tgl levels a looser rule needs")
    ambiguity_margin_bits: Annotated[float, Strict(), Field(ge=0, allow_inf_nan=False)] = Field(
        description="how far (log2) the best accepted candidate must lead the next")


Cut = Annotated[float, Strict(), Field(ge=0, le=100, allow_inf_nan=False)]


class _Descending(RuleModel):
    @model_validator(mode="after")
    def _descending(self):
        values = list(self.model_dump().items())
        for (a, x), (b, y) in zip(values, values[1:]):
            if not x > y:
                raise Problems(((b,), f"{y} must be below {a} ({x}): levels go from most to least similar"))
        return self


class NamaCuts(_Descending):
    """cmp_nama: the similarity (0-100) each level needs."""

    SAMA: Cut
    MIRIP_TINGGI: Cut
    MIRIP: Cut
    AGAK: Cut


class IbuCuts(_Descending):
    """cmp_ibu: the similarity (0-100) of the mother's name each level needs."""

    SAMA: Cut
    MIRIP: Cut


class Levels(RuleModel):
    """The cut points of the similarity levels the weights were estimated with."""

    cmp_nama: NamaCuts
    cmp_ibu: IbuCuts

    def digest(self) -> str:
        import hashlib
        import json

        return hashlib.sha256(json.dumps(self.model_dump(), sort_keys=True).encode()).hexdigest()[:16]


class CallNames(RuleModel):
    """The call-name patterns (``transforms.callnames``): each a level of cmp_nama of its own."""

    umum: dict[Literal["L", "P"], tuple[NameKey, ...]] = Field({}, description="call names that stand for any name of a sex")
    awalan: tuple[NameKey, ...] = Field((), description="first words the rest of a name is called by")
    urutan_bali: tuple[NameKey, ...] = Field((), description="I / NI and the Balinese birth-order names")
    awalan_kata: tuple[NameKey, ...] = Field((), description="leading letters a word is called without")
    kata_pertama: StrictBool = Field(False, description="whether the first word alone is a call name")


class MatchModel(RuleModel):
    """The identity-linkage model, as written in ``rules/matching.yaml``: Fellegi-Sunter weights
    (``padan train-matching``), thresholds, guards and clan names (policy, edited by hand)."""

    version: Annotated[StrictStr, Field(min_length=1)]
    trained_on: StrictStr | None = Field(None, description="what the weights were estimated from (provenance)")
    prior_log2_odds: PriorLog2Odds
    weights: ComparisonWeights
    thresholds: Thresholds
    guards: Guards
    clan_names: dict[NameKey, tuple[NameKey, ...]] = Field(
        {}, description="Chinese clan name -> the adopted Indonesian names it may stand for (default none)")
    call_names: CallNames = Field(CallNames(), description="call-name patterns (default none)")
    levels: Levels = Field(description="the cut points of the similarity levels")
    trained_levels: StrictStr = Field(description="digest of the levels the weights were estimated with "
                                                  "(written by padan train-matching)")

    @model_validator(mode="after")
    def _weights_fit_the_levels(self) -> "MatchModel":
        if self.trained_levels != self.levels.digest():
            raise Problems((("trained_levels",), f"the weights were estimated with other cut points than levels "
                            f"(digest {self.trained_levels}, levels now {self.levels.digest()}): run padan "
                            "train-matching for these cut points, or restore the ones the weights were trained on"))
        return self

    def cuts(self) -> dict[str, dict[str, float]]:
        return self.levels.model_dump()

    def level_weights(self) -> dict[str, dict[str, float]]:
        """The weights as {comparison: {level: log2(m/u)}}."""
        return self.weights.model_dump()


def match_weight_expr(model: MatchModel) -> pl.Expr:
    """Posterior log2-odds: the rule's prior plus one weight per comparison level (0 when missing)."""
    total = pl.col("metode_padan").replace_strict(model.prior_log2_odds.model_dump(), default=0.0,
                                                  return_dtype=pl.Float64)
    for cmp, levels in model.level_weights().items():
        total = total + pl.col(cmp).replace_strict(levels, default=0.0, return_dtype=pl.Float64).fill_null(0.0)
    return total


def scored_pairs(vectors: pl.DataFrame, model: MatchModel) -> pl.DataFrame:
    """Adds ``bobot`` (log2-odds), ``skor_padan`` (probability) and ``keputusan`` TERIMA / TINJAU / TOLAK."""
    name_ok = pl.col("cmp_nama").is_in(model.guards.name_accept_levels)
    nameless = pl.col("cmp_nama").is_null() & (pl.col("cmp_nik") == "SAMA") & (pl.col("cmp_tgl") == "SAMA") \
        & (pl.col("cmp_kk") == "SAMA")
    exact = pl.col("cmp_nik") == "SAMA"
    # a weaker name (a heavy typo) with the submitted NIK, when birth date, sex and family card all agree
    # a badly typed name with the submitted NIK when everything of the family agrees: no fabricated
    # NIK shares the card and the mother (a twin, who does, is weighed by lookalike_contest)
    kin_ok = pl.col("cmp_nama").is_in(model.guards.kin_name_levels) & (pl.col("cmp_tgl") == "SAMA") \
        & (pl.col("cmp_jk") == "SAMA") & (pl.col("cmp_kk") == "SAMA") & (pl.col("cmp_ibu") == "SAMA")
    weak_ok = pl.col("cmp_nama").is_in(model.guards.weak_name_levels) & (pl.col("cmp_tgl") == "SAMA") \
        & (pl.col("cmp_jk") == "SAMA") & (pl.col("cmp_kk") == "SAMA")
    loose_name = pl.col("cmp_nama").is_in(model.guards.loose_name_levels) | (
        pl.col("cmp_nama").is_in(model.guards.loose_kk_name_levels) & (pl.col("cmp_kk") == "SAMA"))
    loose_ok = (loose_name & pl.col("cmp_tgl").is_in(model.guards.loose_date_levels)
                & (pl.col("cmp_jk") != "BEDA").fill_null(True))
    # a birth date that disagrees needs a name >= 90: siblings share a surname, a mother and a family card
    date_disagrees = pl.col("cmp_tgl").is_in(["BEDA", "SATU_KOMPONEN"]).fill_null(False)
    exact_ok = (name_ok | nameless | weak_ok | kin_ok) & (~date_disagrees
                                                 | pl.col("cmp_nama").is_in(model.guards.loose_name_levels))
    # a call name (its own levels) only with the submitted NIK, and birth date, sex and the family card
    # or the mother agreeing: never a blanket lowering of the name guard
    call_ok = pl.col("cmp_nama").is_in(list(CALL_NAME_LEVELS)) & (pl.col("cmp_tgl") == "SAMA") \
        & (pl.col("cmp_jk") == "SAMA") & ((pl.col("cmp_kk") == "SAMA") | (pl.col("cmp_ibu") == "SAMA"))
    guard = (exact & (exact_ok | call_ok)) | (~exact & loose_ok)
    v = vectors.with_columns(bobot=match_weight_expr(model))
    # p = 1 / (1 + 2^-w), computed stably
    p = (1.0 / (1.0 + (-pl.col("bobot").clip(-60, 60) * math.log(2)).exp()))
    return v.with_columns(skor_padan=p.round(6)).with_columns(
        keputusan=pl.when(guard.fill_null(False) & (pl.col("skor_padan") >= model.thresholds.accept))
        .then(pl.lit("TERIMA"))
        .when(pl.col("skor_padan") >= model.thresholds.review).then(pl.lit("TINJAU"))
        .otherwise(pl.lit("TOLAK"))
    )



CHOICES = {
    "TANPA_KANDIDAT": "tidak ada kandidat di Dukcapil",
    "SEMUA_DITOLAK": "tidak ada kandidat yang lolos ambang dan syarat nama/tanggal lahir",
    "SATU_DITERIMA": "hanya satu kandidat yang lolos ambang dan syarat",
    "SELISIH_BOBOT": "kandidat terpilih unggul dari kandidat berikutnya lebih dari batas selisih bobot",
    "SELISIH_KURANG": "dua kandidat atau lebih lolos dan selisih bobotnya kurang dari batas: perlu verifikasi",
    "NAMA": "di antara orang yang mirip (kembar/lahir hari yang sama), hanya kandidat ini yang namanya sama",
    "KELUARGA": "di antara orang senama, hanya kandidat ini yang No KK / nama ibunya sesuai",
    "RAGU": "ada orang mirip yang sama dekatnya atau lebih dekat pada nama/keluarga: perlu verifikasi",
    "KLAIM_LAIN": "orang ini juga diusulkan oleh baris lain dengan bukti lebih kuat",
    "KEPUTUSAN_MANUAL": "diputuskan oleh petugas (keputusan padan manual)",
}
"""Why a row's candidate was chosen or none was (``alasan_pilihan``), with the Indonesian text
``padan explain`` shows."""


def lookalike_contest(candidates: pl.DataFrame) -> pl.DataFrame:
    """(``_row``, ``_winner``, ``_why``) for rows whose accepted candidates are look-alikes of one
    another: a twin, a namesake, a family member born the same day.

    Look-alikes share the birth date, and the family card or the NIK's first 12 digits (district,
    birth date and sex): what they share cancels out, and their NIKs differ by a typo's worth, which
    is exactly the mistake in question. So between look-alikes the NIK digits do not decide:

    - ``NAMA``: one candidate carries the proposed name (cmp_nama SAMA) and no other does, nor is it
      a call name of another's: a twin's NIK typed, or the twins' NIKs swapped, for the person the
      name names;
    - ``KELUARGA``: several are as close as any on the name (namesakes), one agrees on the family
      card or the mother and disagrees on neither, every other disagrees on the ones the row gives and agrees on none: a
      namesake's NIK typed for the person the family names;
    - ``RAGU`` (no winner: review): neither, and a look-alike of the highest-weighted candidate that
      the card and the mother do not set apart (the lead agreeing on them, the look-alike not) is
      closer to the row on the name, or at the same name level short of SAMA (``SITI S`` for twins
      SITI SALWA and SITI SALMA) or closer on the card or the mother; or the row has no usable name.

    Rows not listed are decided by the weights. ``candidates`` holds every candidate (accepted ones
    first, then by weight) of rows with one accepted and another: a winner is chosen among the
    accepted ones, a doubt may come from any look-alike."""
    a = candidates.with_columns(
        _same_name=pl.col("cmp_nama") == "SAMA",
        _fam_ok=((pl.col("cmp_kk") == "SAMA") | (pl.col("cmp_ibu") == "SAMA")).fill_null(False)
        & (pl.col("cmp_kk") != "BEDA").fill_null(True) & (pl.col("cmp_ibu") != "BEDA").fill_null(True),
        _fam_bad=((pl.col("cmp_kk") == "BEDA") | (pl.col("cmp_ibu") == "BEDA")).fill_null(False)
        & (pl.col("cmp_kk") != "SAMA").fill_null(True) & (pl.col("cmp_ibu") != "SAMA").fill_null(True),
        _p12=pl.col("nik_padan").str.slice(0, 12),
    )

    def against(lead: pl.DataFrame, others: pl.DataFrame) -> pl.DataFrame:
        """Every other candidate beside the lead of its row, with the lead's fields (``_w*``)."""
        w = lead.select("_row", *(pl.col(c).alias(f"_w{c}") for c in (
            "nik_padan", "_dukcapil_no_kk", "_dukcapil_tgl", "_p12", "bukti_nama", "cmp_nama", "cmp_kk", "cmp_ibu",
            "_fam_ok")),
            *(c for c in ("_why",) if c in lead.columns))
        o = others.join(w, on="_row", how="inner").filter(pl.col("nik_padan") != pl.col("_wnik_padan"))
        return o.with_columns(_lookalike=((pl.col("_dukcapil_tgl") == pl.col("_w_dukcapil_tgl")) & (
            (pl.col("_dukcapil_no_kk") == pl.col("_w_dukcapil_no_kk")) | (pl.col("_p12") == pl.col("_w_p12"))))
            .fill_null(False))

    acc = a.filter(pl.col("keputusan") == "TERIMA").with_columns(
        _n_name=pl.col("_same_name").sum().over("_row"),
        _best_name=pl.col("bukti_nama") == pl.col("bukti_nama").max().over("_row"))
    acc = acc.with_columns(_n_best=pl.col("_best_name").sum().over("_row"))
    by_name = acc.filter(pl.col("_same_name") & (pl.col("_n_name") == 1)).with_columns(_why=pl.lit("NAMA"))
    by_family = acc.filter(pl.col("_best_name") & (pl.col("_n_best") > 1) & pl.col("_fam_ok")) \
        .filter(pl.len().over("_row") == 1).with_columns(_why=pl.lit("KELUARGA"))
    lead = pl.concat([by_name, by_family])
    # a look-alike whose name is a call name of the proposed one fits it too (a generic call name such
    # as NENG fits any girl, so it does not): then the name does not separate them
    fits_too = pl.col("cmp_nama").is_in([lv for lv in CALL_NAME_LEVELS if lv != "PANGGILAN_UMUM"])
    separated = pl.when(pl.col("_why") == "NAMA").then(~pl.col("_same_name") & ~fits_too) \
        .otherwise(pl.col("_fam_bad"))
    ok = against(lead, acc).group_by("_row").agg(_ok=(pl.col("_lookalike") & separated).all())
    won = lead.join(ok.filter(pl.col("_ok")), on="_row", how="semi").select("_row", _winner="nik_padan", _why="_why")

    # the rest: is the highest-weighted candidate beaten on a field that separates look-alikes?
    top = acc.join(won, on="_row", how="anti").group_by("_row", maintain_order=True).first()
    closer_kin = lambda c: (pl.col(c) == "SAMA") & (pl.col(f"_w{c}") == "BEDA")  # noqa: E731
    same_level = pl.col("cmp_nama") == pl.col("_wcmp_nama")
    kin_apart = pl.col("_w_fam_ok") & pl.col("_fam_bad")   # the card or mother point to the lead, not to it
    closer = (pl.col("bukti_nama") > pl.col("_wbukti_nama")) | (same_level & (
        (pl.col("cmp_nama") != "SAMA") | closer_kin("cmp_kk") | closer_kin("cmp_ibu")))
    # a row without a usable name (empty, a formula) cannot tell look-alikes apart by the name at all
    nameless = pl.col("_wcmp_nama").is_null()
    doubt = against(top, a).filter(pl.col("_lookalike") & ~kin_apart.fill_null(False)
                                   & (closer.fill_null(False) | nameless)).select("_row").unique()
    return pl.concat([won, doubt.with_columns(_winner=pl.lit(None, pl.String), _why=pl.lit("RAGU"))]).sort("_row")


def row_decisions(usulan: pl.DataFrame, scored: pl.DataFrame, model: MatchModel) -> pl.DataFrame:
    """One decision per usulan row: ``status_padan``, ``nik_padan``, ``skor_padan``, ``metode_padan``,
    the evidence, ``nik_kandidat`` and ``alasan_padan``.

    PADAN / PADAN_KOREKSI on one accepted candidate, or on the best of several when it leads the
    next by ``ambiguity_margin_bits``, or on the winner of a look-alike contest; otherwise TIDAK_PADAN
    with the best candidate kept for review. ``alasan_pilihan`` says why (:data:`CHOICES`).
    """
    # accepted candidates first: a higher-weighted one that failed its guard is never chosen over one that passed
    ranked = scored.with_columns(_terima=pl.col("keputusan") == "TERIMA").sort(
        ["_row", "_terima", "bobot", "nik_padan"], descending=[False, True, True, False]).drop("_terima")
    acc = (
        ranked.filter(pl.col("keputusan") == "TERIMA")
        .group_by("_row", maintain_order=True)
        .agg(_n_acc=pl.len(), _lead=(pl.col("bobot").first() - pl.col("bobot").slice(1, 1).first()).fill_null(1e9))
    )
    margin = model.guards.ambiguity_margin_bits
    contested = ranked.select("_row", "nik_padan", "keputusan", "bukti_nama", "cmp_nama", "cmp_kk", "cmp_ibu",
                              "_dukcapil_no_kk", "_dukcapil_tgl") \
        .join(acc, on="_row", how="semi").filter(pl.len().over("_row") > 1)
    winners = lookalike_contest(contested)
    # the chosen candidate: a look-alike winner, else the highest weight (a RAGU row has no winner)
    best = ranked.join(winners, on="_row", how="left").filter(
        pl.col("_winner").is_null() | (pl.col("nik_padan") == pl.col("_winner"))
    ).group_by("_row", maintain_order=True).first()
    exact_name_clash = (
        scored.filter((pl.col("cmp_nik") == "SAMA") & (pl.col("cmp_nama") == "BEDA"))
        .select("_row", _clash=pl.lit(True)).unique()
    )
    exact_found = scored.filter(pl.col("cmp_nik") == "SAMA").select("_row", _exact=pl.lit(True)).unique()
    out = (
        usulan.select("_row", "nik_usulan", "nik_rusak_excel", "no_kk_usulan")
        .join(best, on="_row", how="left")
        .join(acc, on="_row", how="left")
        .join(exact_name_clash, on="_row", how="left")
        .join(exact_found, on="_row", how="left")
        .with_columns(pl.col("_n_acc").fill_null(0), pl.col("_clash").fill_null(False), pl.col("_exact").fill_null(False))
    )
    padan = ((pl.col("_n_acc") == 1) | ((pl.col("_n_acc") > 1) & (pl.col("_lead") >= margin)) \
             | pl.col("_winner").is_not_null()) & (pl.col("_why") != "RAGU").fill_null(True)
    ambiguous = (pl.col("_n_acc") > 1) & ~padan
    no_candidate = pl.col("nik_padan").is_null()
    reasons = pl.concat_list(
        _code(~padan & ~pl.col("_exact") & ~pl.col("nik_rusak_excel"), "NIK_TIDAK_DITEMUKAN"),
        _code(~padan & pl.col("nik_rusak_excel"), "NIK_TIDAK_DAPAT_DIPULIHKAN"),
        _code(~padan & pl.col("_clash"), "NAMA_TIDAK_SESUAI"),
        _code(ambiguous | (pl.col("_why") == "RAGU") | (~padan & ~no_candidate & (pl.col("keputusan") == "TINJAU")),
              "PERLU_VERIFIKASI"),
        _code(~no_candidate & pl.col("bukti_tgl_lahir").is_in(["BEDA", "SATU_KOMPONEN"]) & (pl.col("cmp_nik") == "SAMA"),
              "TGL_LAHIR_TIDAK_SESUAI_DUKCAPIL"),
        _code(padan & (pl.col("bukti_jenis_kelamin") == "BEDA"), "JENIS_KELAMIN_TIDAK_SESUAI_DUKCAPIL"),
        _code(padan & (pl.col("_dukcapil_no_kk") != pl.col("no_kk_usulan")), "NO_KK_TIDAK_SESUAI_DUKCAPIL"),
        # only when the look-alike whose NIK was typed lost (not when the row's own NIK won the contest)
        _code((pl.col("_why") == "NAMA") & (pl.col("nik_padan") != pl.col("nik_usulan")).fill_null(True),
              "NIK_MILIK_KEMBARAN"),
        _code((pl.col("_why") == "KELUARGA") & (pl.col("nik_padan") != pl.col("nik_usulan")).fill_null(True),
              "NIK_MILIK_SENAMA"),
    ).list.drop_nulls().list.unique(maintain_order=True)
    choice = (pl.when(no_candidate).then(pl.lit("TANPA_KANDIDAT"))
              .when(pl.col("_why").is_not_null()).then(pl.col("_why"))
              .when(pl.col("_n_acc") == 0).then(pl.lit("SEMUA_DITOLAK"))
              .when(pl.col("_n_acc") == 1).then(pl.lit("SATU_DITERIMA"))
              .when(padan).then(pl.lit("SELISIH_BOBOT"))
              .otherwise(pl.lit("SELISIH_KURANG")))
    return out.with_columns(
        alasan_pilihan=choice,
        status_padan=pl.when(padan & (pl.col("nik_padan") == pl.col("nik_usulan"))).then(pl.lit("PADAN"))
        .when(padan).then(pl.lit("PADAN_KOREKSI")).otherwise(pl.lit("TIDAK_PADAN")),
        alasan_padan=reasons,
        nik_kandidat=pl.col("nik_padan"),
        nik_padan=pl.when(padan).then(pl.col("nik_padan")).otherwise(None),
        no_kk_dukcapil=pl.when(padan).then(pl.col("_dukcapil_no_kk")).otherwise(None),
        skor_padan=pl.col("skor_padan").fill_null(0.0),
    ).drop("_n_acc", "_lead", "_clash", "_exact", "keputusan", "_dukcapil_no_kk", "_dukcapil_tgl", "_dukcapil_jk",
           "_winner", "_why", "nik_usulan", "nik_rusak_excel", "no_kk_usulan", "bobot")


def one_claim_per_person(decided: pl.DataFrame, usulan: pl.DataFrame) -> pl.DataFrame:
    """A Dukcapil person claimed by rows of *different* people (another birth date, or a name that is
    not the same name: ``comparisons.same_name``) keeps the strongest claim; the others go to review
    (PERLU_VERIFIKASI). Rows of the same person (repeats, a HAPUS beside a PERBAIKAN, one of them
    with the name abbreviated, ...) all keep it: the register decides between them."""
    from transforms.linkage.comparisons import same_name
    from transforms.names import nama_key_expr

    who = usulan.select("_row", _key=nama_key_expr("nama_usulan"), _tgl="tgl_lahir")
    claims = decided.filter(pl.col("nik_padan").is_not_null()).select("_row", "nik_padan", "skor_padan").join(
        who, on="_row", how="left")
    top = (claims.sort(["nik_padan", "skor_padan", "_row"], descending=[False, True, False])
           .group_by("nik_padan", maintain_order=True)
           .agg(_top_key=pl.col("_key").first(), _top_tgl=pl.col("_tgl").first(), _n=pl.len()))
    contested = claims.join(top.filter(pl.col("_n") > 1), on="nik_padan", how="inner")
    same = pl.Series(same_name(contested["_key"].fill_null(""), contested["_top_key"].fill_null(""))) \
        & (contested["_tgl"] == contested["_top_tgl"]).fill_null(False)
    losers = contested.filter(~same).select("_row", _loser=pl.lit(True))
    d = decided.join(losers, on="_row", how="left", maintain_order="left")
    loser = pl.col("_loser").fill_null(False)
    return d.with_columns(
        alasan_pilihan=pl.when(loser).then(pl.lit("KLAIM_LAIN")).otherwise(pl.col("alasan_pilihan")),
        status_padan=pl.when(loser).then(pl.lit("TIDAK_PADAN")).otherwise(pl.col("status_padan")),
        alasan_padan=pl.when(loser).then(pl.col("alasan_padan").list.concat(pl.lit(["PERLU_VERIFIKASI"])))
        .otherwise(pl.col("alasan_padan")),
        nik_padan=pl.when(loser).then(None).otherwise(pl.col("nik_padan")),
        no_kk_dukcapil=pl.when(loser).then(None).otherwise(pl.col("no_kk_dukcapil")),
    ).drop("_loser")


def fit_weights(vectors: pl.DataFrame, is_match: pl.Series, *, smoothing: float = 1.0,
                m_floor: float = 0.005, u_floor: float = 0.001) -> dict:
    """m/u per comparison level counted on labelled candidate pairs (generated truth), as log2(m/u),
    and one prior log2-odds of a match. Missing values carry no weight.

    Generated data lacks some of the mistakes real data has (a typo'd family card, a mother's name
    spelled another way), which would make m of those levels ~0 and their weights absurdly negative.
    ``m_floor`` keeps every level at least that likely among true matches (and ``u_floor`` among
    non-matches), so no single unseen disagreement can veto a match that everything else supports.
    """
    v = vectors.with_columns(_m=is_match)
    weights: dict[str, dict[str, float]] = {}
    for cmp, levels in COMPARISONS.items():
        counts = v.filter(pl.col(cmp).is_not_null()).group_by(cmp, "_m").len()
        get = {(r[cmp], r["_m"]): r["len"] for r in counts.to_dicts()}
        def dist(flag: bool, floor: float) -> dict[str, float]:
            raw = {lv: get.get((lv, flag), 0) + smoothing for lv in levels}
            total = sum(raw.values())
            p = {lv: max(c / total, floor) for lv, c in raw.items()}
            norm = sum(p.values())
            return {lv: x / norm for lv, x in p.items()}
        m, u = dist(True, m_floor), dist(False, u_floor)
        weights[cmp] = {lv: round(math.log2(m[lv] / u[lv]), 3) for lv in levels}
    # one prior over all candidate pairs: a per-rule prior would count the NIK evidence twice
    n_match = int(v["_m"].sum())
    prior = round(math.log2((n_match + smoothing) / (v.height - n_match + smoothing)), 3)
    return {"prior_log2_odds": {m: prior for m in METHODS}, "weights": weights}
