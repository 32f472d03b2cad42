"""The rule set (``rules/<year>.yaml``) as typed models: every key the engine reads, its type, its
range and its default, and the checks across keys that the engine relies on.

Defaults that the code used to apply with ``.get(key, default)`` are declared here, once:
``paid_by_bank: true``, ``requires_component: false``, ``exclusions.sdm_kesos_active: true``.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StrictBool, StrictInt, StrictStr, field_validator, model_validator

from rules.base import Problems, RuleModel, one_of, repeated
from schemas.vocabulary import (
    BLOCKING_STATUSES,
    CANDIDATE_STATUS,
    JENJANG_SEKOLAH,
    PERIODE,
    PKH_FLAG_COMPONENTS,
    PROGRAM_NAME,
    STATUSES,
)


def _periode(value: str) -> str:
    if not re.fullmatch(PERIODE, value):
        raise ValueError(f"'{value}' is not a periode: write YYYY-MM in quotes, e.g. \"2026-01\"")
    return value


def _programme_name(value: str) -> str:
    if not re.fullmatch(PROGRAM_NAME, value):
        better = re.sub(r"[^A-Z0-9-]+", "-", value.strip().upper()).strip("-")
        raise ValueError(
            f"'{value}' cannot name a programme: write it in capitals, digits and '-' (it names the folders "
            f"penerima/program=<NAME>/ and is compared with the banks' feedback), e.g. '{better}'"
        )
    return value


def _alias(value: str) -> str:
    normal = re.sub(r"[_\s]+", " ", value.upper()).strip()
    if value != normal or not normal:
        raise ValueError(
            f"'{value}' would never match: feedback is compared in capitals, without surrounding spaces, "
            f"runs of spaces and '_' as one space; write '{normal}'"
        )
    return value


def _occupation(value: str) -> str:
    if not value.strip():
        raise ValueError("an occupation must not be empty text")
    if value != value.strip().upper():
        raise ValueError(
            f"'{value}' would never match: Dukcapil's JENIS_PKRJN is compared in capitals, without "
            f"surrounding spaces; write '{value.strip().upper()}'"
        )
    return value


Rupiah = Annotated[StrictInt, Field(gt=0)]
Age = Annotated[StrictInt, Field(ge=0, le=130)]
Periode = Annotated[StrictStr, AfterValidator(_periode)]
Status = Annotated[StrictStr, one_of(STATUSES, "a status of the contracts", "schemas/vocabulary.py")]
ProgrammeName = Annotated[StrictStr, AfterValidator(_programme_name)]
Alias = Annotated[StrictStr, AfterValidator(_alias)]
School = Annotated[StrictStr, one_of([s for s in JENJANG_SEKOLAH if s != "TIDAK"], "a school level")]


class Programme(RuleModel):
    """One programme: the unit it decides, who qualifies and what one tranche pays."""

    unit: Literal["household", "person"] = Field(description="household: decided per no_kk; person: per nik")
    deciles: tuple[Annotated[StrictInt, Field(ge=1, le=10)], ...] = Field(
        min_length=1, description="the DTSEN deciles (1 = poorest ... 10) that qualify"
    )
    requires_component: StrictBool = Field(
        False, description="true: a household qualifies only with a PKH component, and is paid its components"
    )
    monthly_amount: Rupiah | None = Field(
        None, description="rupiah per unit per month; required unless requires_component"
    )
    paid_by_bank: StrictBool = Field(
        True,
        description="true: burekol accounts, salur feedback and the banks' payment lists apply; "
        "false for a premium paid to an institution (PBI-JKN to BPJS)",
    )
    tranche_months: Annotated[StrictInt, Field(ge=1, le=12)] = Field(
        description="months of one tranche (tahap): tahap n of a year covers months (n-1)*k+1 .. n*k, so 3 "
        "gives tahap 1-4 = Jan-Mar, Apr-Jun, Jul-Sep, Oct-Dec; nominal = annual entitlement x k / 12"
    )
    aliases: tuple[Alias, ...] = Field(
        (),
        description="other names the banks and the treasury write for the programme in their feedback "
        "(salur), e.g. SEMBAKO for BPNT; each alias belongs to one programme",
    )
    first_periode: Periode | None = Field(
        None, description="the first periode the programme is decided (a programme that starts later)"
    )
    last_periode: Periode | None = Field(
        None,
        description="the last periode the programme is decided (a one-off such as BLT Kesra); afterwards "
        "its listed tranches are still answered by feedback, never stopped for its end",
    )
    list_in_months: tuple[Annotated[StrictInt, Field(ge=1, le=12)], ...] | None = Field(
        None,
        description="the months of a tahap (1 = its first) in which its payment may be listed; a unit "
        "that becomes payable later in the tahap waits for the next one. Default: every month",
    )

    def runs_in(self, periode: str) -> bool:
        """Whether the programme is decided in ``periode`` (YYYY-MM): within first/last_periode."""
        return (self.first_periode or periode) <= periode <= (self.last_periode or periode)

    @field_validator("tranche_months")
    @classmethod
    def _divides_the_year(cls, months: int) -> int:
        if 12 % months:
            raise ValueError(f"{months} does not divide the year into whole tranches: use 1, 2, 3, 4, 6 or 12")
        return months

    @field_validator("deciles")
    @classmethod
    def _deciles_once(cls, deciles: tuple[int, ...]) -> tuple[int, ...]:
        if found := repeated(deciles, "decile"):
            raise Problems(*found)
        return deciles

    @model_validator(mode="after")
    def _amount_source(self) -> Programme:
        found = []
        if self.unit == "person" and self.paid_by_bank:
            found.append(
                (
                    ("paid_by_bank",),
                    "the banks pay households (to the pengurus or the account holder), never a person "
                    "programme: write paid_by_bank: false (the amount then goes to an institution, as "
                    "PBI-JKN's to BPJS), or make the unit household",
                )
            )
        if self.unit == "person" and self.requires_component:
            found.append(
                (
                    ("requires_component",),
                    "PKH components are counted per household: a person programme "
                    "cannot require one; remove it or make the unit household",
                )
            )
        if self.requires_component and self.monthly_amount is not None:
            found.append(
                (
                    ("monthly_amount",),
                    "is never paid: a programme with requires_component pays its "
                    "households' PKH components (pkh.components); remove it",
                )
            )
        if not self.requires_component and self.monthly_amount is None:
            found.append(
                (
                    ("monthly_amount",),
                    "missing: a programme without requires_component pays monthly_amount "
                    "(whole rupiah per unit per month); add it",
                )
            )
        months = self.list_in_months or ()
        found += [(("list_in_months",) + p[0], p[1]) for p in repeated(months, "month")]
        found += [
            (
                ("list_in_months", i),
                f"{m} is not a month of a tahap of {self.tranche_months} month(s): use 1..{self.tranche_months}",
            )
            for i, m in enumerate(months)
            if m > self.tranche_months
        ]
        if self.list_in_months == ():
            found.append((("list_in_months",), "empty: the tahap could never be listed; name at least one month"))
        if self.first_periode and self.last_periode and self.first_periode > self.last_periode:
            found.append(
                (
                    ("last_periode",),
                    f"{self.last_periode} is before first_periode {self.first_periode}: the programme would never "
                    "be decided",
                )
            )
        if found:
            raise Problems(*found)
        return self


class PkhComponent(RuleModel):
    """One PKH component: its yearly amount and the person it applies to. IBU_HAMIL and
    DISABILITAS_BERAT are recognised from the person's flag; any other component is defined by
    ``school`` and/or an age range (ages at the last day of the periode)."""

    annual: Rupiah = Field(description="rupiah per year")
    school: School | None = Field(None, description="the declared jenjang_sekolah: SD, SMP or SMA")
    min_age: Age | None = Field(None, description="youngest age, inclusive")
    max_age: Age | None = Field(None, description="oldest age, inclusive")

    @model_validator(mode="after")
    def _age_range(self) -> PkhComponent:
        if self.min_age is not None and self.max_age is not None and self.min_age > self.max_age:
            raise Problems((("min_age",), f"{self.min_age} is above max_age {self.max_age}: no one would qualify"))
        return self


class Pkh(RuleModel):
    """PKH: the components a household member can bring, and how many count."""

    max_components: Annotated[StrictInt, Field(ge=1)] = Field(
        description="components counted per household, the highest-valued first"
    )
    components: dict[StrictStr, PkhComponent] = Field(min_length=1)

    @field_validator("components")
    @classmethod
    def _engine_knows(cls, components: dict[str, PkhComponent]) -> dict[str, PkhComponent]:
        unknown = [
            name
            for name, c in components.items()
            if name not in PKH_FLAG_COMPONENTS and c.school is None and c.min_age is None and c.max_age is None
        ]
        if unknown:
            raise Problems(
                *[
                    (
                        (name,),
                        f"the engine cannot tell who brings '{name}': only "
                        f"{' and '.join(PKH_FLAG_COMPONENTS)} are recognised by name; give any other component "
                        "school, min_age or max_age (or correct the name)",
                    )
                    for name in unknown
                ]
            )
        return components


class Exclusions(RuleModel):
    """Exclusions beyond the ones that always apply (dead per Dukcapil, NIK not padan)."""

    occupations: tuple[Annotated[StrictStr, AfterValidator(_occupation)], ...] = Field(
        min_length=1, description="Dukcapil JENIS_PKRJN values of civil servants, military and police"
    )
    sdm_kesos_active: StrictBool = Field(
        True, description="true: a household with active social-welfare staff is OVERLAP SDM KESOS"
    )


class Disbursement(RuleModel):
    """Which units of bank-paid programmes go on the banks' payment lists."""

    payable_statuses: tuple[Status, ...] = Field(min_length=1, description="statuses listed for payment")

    @field_validator("payable_statuses")
    @classmethod
    def _can_be_paid(cls, statuses: tuple[str, ...]) -> tuple[str, ...]:
        found = repeated(statuses, "status")
        for i, s in enumerate(statuses):
            if s in BLOCKING_STATUSES:
                found.append(
                    ((i,), f"'{s}' stops payment (its nominal is 0), so it can never be on a payment list; remove it")
                )
            elif s in ("SUKSES SPM", "PROSES SPM"):
                found.append(
                    (
                        (i,),
                        f"'{s}' is paid or being paid already: listing it again would pay the tranche twice; remove it",
                    )
                )
        if found:
            raise Problems(*found)
        return statuses


PENGURUS_KINDS = ("IBU", "KEPALA_KELUARGA", "DEWASA")


class Pengurus(RuleModel):
    """Who receives a household's money (PKH, BPNT) as long as the bank holds no account for it:
    the first kind in ``order`` that a living member of at least ``min_age`` fits. IBU: a woman who
    is the wife or the head of the family; KEPALA_KELUARGA: the head; DEWASA: any other adult (the
    oldest first). Once burekol reports an account, its holder is the payee."""

    order: tuple[Literal[PENGURUS_KINDS], ...] = Field(  # type: ignore[valid-type]
        PENGURUS_KINDS, min_length=1, description="the kinds of member, in order of preference"
    )
    min_age: Annotated[StrictInt, Field(ge=15, le=25)] = Field(
        17, description="the youngest age a pengurus may have (a KTP is issued at 17)"
    )

    @field_validator("order")
    @classmethod
    def _once(cls, order: tuple[str, ...]) -> tuple[str, ...]:
        if found := repeated(order, "kind"):
            raise Problems(*found)
        return order


class RuleFile(RuleModel):
    """A whole rule set, as written in ``rules/<year>.yaml``."""

    version: Annotated[StrictStr, Field(min_length=1)] = Field(
        description='recorded in every manifest; quote it, e.g. "2026.1"'
    )
    valid_from: Periode = Field(description="the first periode (YYYY-MM) the rule set may decide")
    programmes: dict[ProgrammeName, Programme] = Field(min_length=1)
    pkh: Pkh
    exclusions: Exclusions
    status_precedence: tuple[Status, ...] = Field(
        description="every status once, first wins; SK/CALON PENERIMA (no reason applies) last"
    )
    disbursement: Disbursement
    pengurus: Pengurus = Field(Pengurus(), description="who is paid for a household without an account")

    @field_validator("programmes")
    @classmethod
    def _one_programme_per_name(cls, programmes: dict[str, Programme]) -> dict[str, Programme]:
        found, seen = [], {}
        for name, p in programmes.items():
            for i, alias in enumerate(p.aliases):
                other = alias if alias in programmes else seen.get(alias)
                if other is not None and other != name:
                    found.append(
                        (
                            (name, "aliases", i),
                            f"'{alias}' already names {other}: feedback written so could not be "
                            "told apart; give each alias to one programme",
                        )
                    )
                seen.setdefault(alias, name)
        if found:
            raise Problems(*found)
        return programmes

    @field_validator("status_precedence")
    @classmethod
    def _every_status_once(cls, precedence: tuple[str, ...]) -> tuple[str, ...]:
        found = repeated(precedence, "status")
        missing = [s for s in STATUSES if s not in precedence]
        if missing:
            found.append(((), f"missing {', '.join(missing)}: list every status of the contracts exactly once"))
        if CANDIDATE_STATUS in precedence and precedence[-1] != CANDIDATE_STATUS:
            found.append(
                (
                    (precedence.index(CANDIDATE_STATUS),),
                    f"{CANDIDATE_STATUS} is what a unit gets when no "
                    "reason implies another status, so it is always last; move it to the end",
                )
            )
        if found:
            raise Problems(*found)
        return precedence
