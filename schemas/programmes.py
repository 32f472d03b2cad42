"""The programmes a run decides are the rule set's (``rules/<year>.yaml``, ``programmes``), not a list
in the contracts: a contract with a ``program`` column checks the names' form itself
(``schemas.vocabulary.PROGRAM_NAME``) and is *bound* to the run's programmes before it checks a frame,
so that a programme added in the rule file is published, and a name no rule decides is refused.

The manifest records the programmes (``rule_set.programmes``) so that readers of a snapshot
(``padan explain``, the publish step) know each one's unit without the rule file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandera.polars as pa
import polars as pl
from pandera.api.polars.container import DataFrameSchema
from pandera.api.polars.types import PolarsData

from schemas.penerima import Penerima
from schemas.references import Salur, feedback_value_expr

UNITS = ("household", "person")


@dataclass(frozen=True)
class Programmes:
    """Each programme's unit (``household``: decided per no_kk; ``person``: per nik) and how the
    banks and the treasury may name it in their feedback (``aliases``: spelling -> name, compared
    after ``feedback_value_expr``)."""

    units: Mapping[str, str]
    aliases: Mapping[str, str] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return sorted(self.units)

    @property
    def person(self) -> list[str]:
        """The programmes decided per person (their rows name a nik)."""
        return sorted(n for n, u in self.units.items() if u == "person")

    def manifest(self) -> dict:
        """What the manifest records: ``{name: {"unit": ..., "aliases": [...]}}``."""
        return {
            n: {"unit": self.units[n], "aliases": sorted(a for a, m in self.aliases.items() if m == n)}
            for n in self.names
        }

    @classmethod
    def from_manifest(cls, recorded: Mapping[str, Mapping]) -> Programmes:
        return cls(
            units={n: p["unit"] for n, p in recorded.items()},
            aliases={a: n for n, p in recorded.items() for a in p.get("aliases", ())},
        )


def bound(model: type[pa.DataFrameModel], programmes: Programmes) -> DataFrameSchema:
    """``model``'s schema with its ``program`` column checked against ``programmes``: an output's
    value must be one of the names; a feedback file's (``Salur``) may be an alias, and an empty value
    is left to the other checks. A table of person and household units (``Penerima``) also
    requires a nik on every row of a person programme."""
    schema = model.to_schema()
    if "program" not in schema.columns:
        return schema
    names = programmes.names
    if model is Salur:
        known = pa.Check(
            lambda d: d.lazyframe.select(
                feedback_value_expr(d.key).replace(dict(programmes.aliases)).is_in(names).fill_null(True)
            ),
            name="program_known",
        )
    else:
        known = pa.Check.isin(names, name="program_of_the_rule_set")
    schema = schema.update_column("program", checks=[*schema.columns["program"].checks, known])
    if model is Penerima:
        person = programmes.person

        def person_unit_has_nik(data: PolarsData) -> pl.LazyFrame:
            return data.lazyframe.select(~pl.col("program").is_in(person) | pl.col("nik").is_not_null())

        schema.checks.append(pa.Check(person_unit_has_nik, name="person_programmes_name_a_nik"))
    return schema
