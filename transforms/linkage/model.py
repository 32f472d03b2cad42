"""The identity-linkage model as ``rules/matching.yaml`` writes it, checked when it loads: Fellegi-Sunter
weights per comparison level and priors per blocking method, thresholds, guards, the comparison
specs with their cut points, clan names and call-name patterns; and the match weight of a pair.
Deciding with it is ``decide``; training it is ``fit``.
"""

from __future__ import annotations

from typing import Annotated, Literal

import polars as pl
from pydantic import AfterValidator, Field, Strict, StrictBool, StrictStr, create_model, model_validator

from rules.base import Problems, RuleModel, one_of
from transforms.linkage.blocking import METHODS
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
    "PriorLog2Odds",
    __base__=RuleModel,
    __doc__="The prior log2-odds of a match, per blocking method.",
    **{method: (Log2, ...) for method in METHODS},
)
_LEVEL_WEIGHTS = {
    cmp: create_model(f"Weights_{cmp}", __base__=RuleModel, **{lv: (Log2, ...) for lv in levels})
    for cmp, levels in COMPARISONS.items()
}
globals().update({m.__name__: m for m in _LEVEL_WEIGHTS.values()})  # module attributes, so a model pickles
ComparisonWeights = create_model(
    "ComparisonWeights",
    __base__=RuleModel,
    __doc__="log2(m/u) per comparison and level.",
    **{cmp: (model, ...) for cmp, model in _LEVEL_WEIGHTS.items()},
)


class Thresholds(RuleModel):
    """Match probabilities: at or above ``accept`` (and past the guards) a pair is accepted; from
    ``review`` up it goes to review; below it is refused."""

    accept: Probability
    review: Probability

    @model_validator(mode="after")
    def _review_below_accept(self) -> "Thresholds":
        if not self.review < self.accept:
            raise Problems(
                (
                    ("review",),
                    f"{self.review} must be below accept ({self.accept}): the review band lies between the two",
                )
            )
        return self


class Guards(RuleModel):
    """What no weight may overrule (``scored_pairs``): the name levels that may accept a pair found by
    its NIK, by a looser rule, or by the family card, and the date levels a looser rule needs."""

    name_accept_levels: tuple[NameLevel, ...] = Field(description="cmp_nama levels that may accept an exact NIK")
    weak_name_levels: tuple[NameLevel, ...] = Field(
        (), description="cmp_nama levels accepted with an exact NIK when birth date, sex and KK agree (default none)"
    )
    kin_name_levels: tuple[NameLevel, ...] = Field(
        (),
        description="cmp_nama levels accepted with an exact NIK when birth date, sex, KK and mother all agree "
        "and no look-alike is closer on the name (default none)",
    )
    loose_name_levels: tuple[NameLevel, ...] = Field(description="cmp_nama levels a looser rule may accept")
    loose_kk_name_levels: tuple[NameLevel, ...] = Field(
        (), description="cmp_nama levels a looser rule may accept when the family card agrees (default none)"
    )
    loose_date_levels: tuple[DateLevel, ...] = Field(description="cmp_tgl levels a looser rule needs")
    family_name_levels: tuple[NameLevel, ...] = Field(
        (),
        description="cmp_nama levels accepted, whatever the weight, for a candidate found by a looser rule "
        "(one edit, the family card) when birth date, card and mother all agree and the sex does "
        "not disagree: the person or a twin, and twins are weighed by lookalike_contest (default none)",
    )
    loose_kk_without_date: StrictBool = Field(
        False,
        description="whether a looser rule may accept without a birth date on the row (empty or invalid) "
        "when the family card agrees and the name is one of loose_name_levels (default no)",
    )
    ambiguity_margin_bits: Annotated[float, Strict(), Field(ge=0, allow_inf_nan=False)] = Field(
        description="how far (log2) the best accepted candidate must lead the next"
    )


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


class Specs(RuleModel):
    """Which comparison spec computes each comparison (``comparisons.SPECS`` says what each does). This
    version of Padan implements one per comparison; weights estimated for another are refused."""

    cmp_nik: Literal["NikOneEdit"]
    cmp_nama: Literal["NamaSimilarAtThresholds"]
    cmp_tgl: Literal["TanggalLahirDayMonthSwapped"]
    cmp_jk: Literal["JenisKelaminExact"]
    cmp_ibu: Literal["NamaIbuSimilarAtThresholds"]
    cmp_wilayah: Literal["WilayahDesaKecamatanKabupaten"]
    cmp_kk: Literal["NoKkExactOrHousehold"]


class Levels(RuleModel):
    """The comparison specs and the cut points of their similarity levels the weights were estimated with."""

    specs: Specs
    cmp_nama: NamaCuts
    cmp_ibu: IbuCuts

    def digest(self) -> str:
        import hashlib
        import json

        return hashlib.sha256(json.dumps(self.model_dump(), sort_keys=True).encode()).hexdigest()[:16]


class CallNames(RuleModel):
    """The call-name patterns (``transforms.callnames``): each a level of cmp_nama of its own."""

    umum: dict[Literal["L", "P"], tuple[NameKey, ...]] = Field(
        {}, description="call names that stand for any name of a sex"
    )
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
        {}, description="Chinese clan name -> the adopted Indonesian names it may stand for (default none)"
    )
    call_names: CallNames = Field(CallNames(), description="call-name patterns (default none)")
    levels: Levels = Field(description="the cut points of the similarity levels")
    trained_levels: StrictStr = Field(
        description="digest of the levels the weights were estimated with (written by padan train-matching)"
    )

    @model_validator(mode="after")
    def _weights_fit_the_levels(self) -> "MatchModel":
        if self.trained_levels != self.levels.digest():
            raise Problems(
                (
                    ("trained_levels",),
                    f"the weights were estimated with other specs or cut points than levels "
                    f"(digest {self.trained_levels}, levels now {self.levels.digest()}): run padan "
                    "train-matching for these cut points, or restore the ones the weights were trained on",
                )
            )
        return self

    def cuts(self) -> dict[str, dict[str, float]]:
        return self.levels.model_dump()

    def level_weights(self) -> dict[str, dict[str, float]]:
        """The weights as {comparison: {level: log2(m/u)}}."""
        return self.weights.model_dump()


def match_weight_expr(model: MatchModel) -> pl.Expr:
    """Posterior log2-odds: the rule's prior plus one weight per comparison level (0 when missing)."""
    total = pl.col("metode_padan").replace_strict(
        model.prior_log2_odds.model_dump(), default=0.0, return_dtype=pl.Float64
    )
    for cmp, levels in model.level_weights().items():
        total = total + pl.col(cmp).replace_strict(levels, default=0.0, return_dtype=pl.Float64).fill_null(0.0)
    return total
