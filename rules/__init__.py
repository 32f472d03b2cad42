"""Versioned rule data: the rule set (``<year>.yaml``), the identity-linkage model (``matching.yaml``)
and the reason-code catalogue.

Loading validates a file completely against its typed model (``rules.ruleset.RuleFile``,
``transforms.linkage.model.MatchModel``) and fails with a ``RuleError`` that lists every problem,
one line each, naming the file and the key path.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from rules.base import RuleError, read_yaml, validated
from rules.ruleset import Disbursement, Exclusions, Pengurus, Pkh, Programme, RuleFile
from schemas import vocabulary
from schemas.programmes import Programmes

if TYPE_CHECKING:
    from transforms.linkage.model import MatchModel

__all__ = [
    "RuleError",
    "RuleSet",
    "LoadedModel",
    "load_ruleset",
    "check_valid_for",
    "load_matching_model",
    "matching_model",
    "reason_codes",
    "rejecting_codes",
    "status_of_reason",
    "catalogue_markdown",
]

DEFAULT_RULESET = "2026.yaml"
DEFAULT_MATCHING = "matching.yaml"
SEVERITIES = ("TOLAK", "PERINGATAN", "INFO")


@dataclass(frozen=True)
class ReasonCode:
    code: str
    severity: str
    id: str
    en: str
    tindakan: str
    status: str | None = None
    """The status this reason implies for a unit (``status_precedence`` picks among a unit's); None:
    the code explains, it never decides."""


@dataclass(frozen=True)
class RuleSet:
    """A validated rule set and where it came from (the manifest records version, sha256 and source)."""

    file: RuleFile
    sha256: str
    source: str

    @property
    def version(self) -> str:
        return self.file.version

    @property
    def valid_from(self) -> str:
        return self.file.valid_from

    @property
    def programmes(self) -> dict[str, Programme]:
        return self.file.programmes

    @property
    def programme_vocabulary(self) -> Programmes:
        """The programmes as the contracts check them (``schemas.programmes``): units and aliases."""
        return Programmes(
            units={n: p.unit for n, p in self.programmes.items()},
            aliases={a: n for n, p in self.programmes.items() for a in p.aliases},
        )

    @property
    def pkh(self) -> Pkh:
        return self.file.pkh

    @property
    def exclusions(self) -> Exclusions:
        return self.file.exclusions

    @property
    def status_precedence(self) -> tuple[str, ...]:
        return self.file.status_precedence

    @property
    def disbursement(self) -> Disbursement:
        return self.file.disbursement

    @property
    def pengurus(self) -> Pengurus:
        return self.file.pengurus


def _read(path: str | Path | None, default: str) -> tuple[bytes, str]:
    """The bytes of a rule file and how the manifest names it (``rules/<default>`` when packaged)."""
    if path is None:
        return resources.files(__package__).joinpath(default).read_bytes(), f"rules/{default}"
    try:
        return Path(path).read_bytes(), str(path)
    except OSError as exc:
        raise RuleError(
            str(path), [("", f"cannot be read ({exc.strerror or type(exc).__name__}); check the path")]
        ) from None


def load_ruleset(path: str | Path | None = None) -> RuleSet:
    """Load and validate a rule set; the default is the packaged ``rules/2026.yaml``."""
    raw, source = _read(path, DEFAULT_RULESET)
    rules = validated(RuleFile, read_yaml(raw, source), source)
    return RuleSet(file=rules, sha256=hashlib.sha256(raw).hexdigest(), source=source)


def check_valid_for(ruleset: RuleSet, periode: str) -> None:
    """Refuse to decide ``periode`` (YYYY-MM) with a rule set that starts later (``valid_from``)."""
    if periode < ruleset.valid_from:
        raise RuleError(
            ruleset.source,
            [
                (
                    "valid_from",
                    f"rule set {ruleset.version} is valid from {ruleset.valid_from}, after periode {periode}; "
                    f"run {periode} with the rule set that was in force then (--rules)",
                )
            ],
        )


@dataclass(frozen=True)
class LoadedModel:
    model: MatchModel
    sha256: str
    source: str


def matching_model(data: Any, *, source: str) -> MatchModel:
    """A parsed matching-model document as a validated ``MatchModel`` (``RuleError`` otherwise)."""
    from transforms.linkage.model import MatchModel

    return validated(MatchModel, data, source)


def load_matching_model(path: str | Path | None = None) -> LoadedModel:
    """The identity-linkage model (``rules/matching.yaml`` by default), validated."""
    raw, source = _read(path, DEFAULT_MATCHING)
    model = matching_model(read_yaml(raw, source), source=source)
    return LoadedModel(model=model, sha256=hashlib.sha256(raw).hexdigest(), source=source)


@cache
def reason_codes() -> dict[str, ReasonCode]:
    """The reason-code catalogue, keyed by code."""
    raw = resources.files(__package__).joinpath("reason_codes.yaml").read_bytes()
    data = yaml.safe_load(raw)
    out, problems = {}, []
    for code, v in data["codes"].items():
        if v["severity"] not in SEVERITIES:
            problems.append((f"codes.{code}.severity", f"'{v['severity']}' is not one of {', '.join(SEVERITIES)}"))
        if v.get("status") is not None and v["status"] not in vocabulary.STATUSES:
            problems.append(
                (f"codes.{code}.status", f"'{v['status']}' is not a status of {', '.join(vocabulary.STATUSES)}")
            )
        out[code] = ReasonCode(
            code=code, severity=v["severity"], id=v["id"], en=v["en"], tindakan=v["tindakan"], status=v.get("status")
        )
    if problems:
        raise RuleError("rules/reason_codes.yaml", problems)
    return out


def status_of_reason() -> dict[str, str]:
    """Which status each reason code implies (``status`` in the catalogue); codes without one only explain."""
    return {c: r.status for c, r in reason_codes().items() if r.status is not None}


def rejecting_codes() -> list[str]:
    """Codes whose presence on a row makes it DITOLAK."""
    return sorted(c for c, r in reason_codes().items() if r.severity == "TOLAK")


def catalogue_markdown() -> str:
    """The reason-code catalogue as the Markdown page kept in ``docs/reason_codes.md``."""
    lines = [
        "# Reason codes",
        "",
        "Generated from `rules/reason_codes.yaml` by `padan reason-codes > docs/reason_codes.md`;",
        "a test keeps the two equal. Codes are stable: never renamed or reused.",
        "",
        "Severity: **TOLAK** refuses the row or the unit; **PERINGATAN** is a warning, the row goes on;",
        "**INFO** explains a status.",
        "",
        "A unit's **status** is the first of the rule set's `status_precedence` that one of its reasons",
        "implies (column *status*); a code without one explains, it never decides.",
        "",
        "| code | severity | status | keterangan (id) | explanation (en) | tindakan operator |",
        "|---|---|---|---|---|---|",
    ]
    for code, r in reason_codes().items():
        cells = [f"`{code}`", r.severity, r.status or "", r.id, r.en, r.tindakan]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"
