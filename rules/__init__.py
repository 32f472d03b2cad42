"""Versioned rule data: the rule set (``<year>.yaml``) and the reason-code catalogue.

Loading validates the file and fails with a message that names the bad key.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

DEFAULT_RULESET = "2026.yaml"
SEVERITIES = ("TOLAK", "PERINGATAN", "INFO")
STATUSES = (
    "SUKSES SPM", "PROSES SPM", "EXCLUDE", "GAGAL OMSPAN", "SI",
    "PROSES BUREKOL", "TIDAK LAYAK GIS", "OVERLAP SDM KESOS", "SK/CALON PENERIMA",
)


class RuleError(ValueError):
    """A rule file that cannot be used."""


@dataclass(frozen=True)
class ReasonCode:
    code: str
    severity: str
    id: str
    en: str
    tindakan: str


@dataclass(frozen=True)
class RuleSet:
    version: str
    sha256: str
    source: str
    data: dict[str, Any]

    @property
    def programmes(self) -> dict[str, dict[str, Any]]:
        return self.data["programmes"]

    @property
    def pkh(self) -> dict[str, Any]:
        return self.data["pkh"]

    @property
    def exclusions(self) -> dict[str, Any]:
        return self.data["exclusions"]

    @property
    def status_precedence(self) -> list[str]:
        return self.data["status_precedence"]


def _require(d: dict, key: str, where: str) -> Any:
    if not isinstance(d, dict) or key not in d:
        raise RuleError(f"rule file: missing key '{key}' in {where}")
    return d[key]


def _validate(data: dict, source: str) -> None:
    if not isinstance(data, dict):
        raise RuleError(f"rule file {source}: not a mapping")
    _require(data, "version", "top level")
    progs = _require(data, "programmes", "top level")
    for name, p in progs.items():
        unit = _require(p, "unit", f"programmes.{name}")
        if unit not in ("household", "person"):
            raise RuleError(f"rule file: programmes.{name}.unit must be household or person, not {unit!r}")
        deciles = _require(p, "deciles", f"programmes.{name}")
        if not deciles or not all(isinstance(x, int) and 1 <= x <= 10 for x in deciles):
            raise RuleError(f"rule file: programmes.{name}.deciles must be integers 1-10")
        if not p.get("requires_component") and not isinstance(p.get("monthly_amount"), int):
            raise RuleError(f"rule file: programmes.{name} needs monthly_amount (integer rupiah)")
        tm = _require(p, "tranche_months", f"programmes.{name}")
        if not isinstance(tm, int) or not 1 <= tm <= 12:
            raise RuleError(f"rule file: programmes.{name}.tranche_months must be 1-12")
    pkh = _require(data, "pkh", "top level")
    if not isinstance(_require(pkh, "max_components", "pkh"), int):
        raise RuleError("rule file: pkh.max_components must be an integer")
    for name, c in _require(pkh, "components", "pkh").items():
        if not isinstance(_require(c, "annual", f"pkh.components.{name}"), int):
            raise RuleError(f"rule file: pkh.components.{name}.annual must be integer rupiah")
    excl = _require(data, "exclusions", "top level")
    _require(excl, "occupations", "exclusions")
    payable = (data.get("disbursement") or {}).get("payable_statuses", [])
    if not isinstance(payable, list) or set(payable) - set(STATUSES):
        raise RuleError(f"rule file: disbursement.payable_statuses must be statuses of {STATUSES}; got {payable}")
    prec = _require(data, "status_precedence", "top level")
    unknown = [s for s in prec if s not in STATUSES]
    if unknown or sorted(prec) != sorted(STATUSES):
        raise RuleError(f"rule file: status_precedence must list each of {STATUSES} once; got {prec}")


def load_ruleset(path: str | Path | None = None) -> RuleSet:
    """Load and validate a rule set; the default is the packaged ``rules/2026.yaml``."""
    if path is None:
        raw = resources.files(__package__).joinpath(DEFAULT_RULESET).read_bytes()
        source = f"rules/{DEFAULT_RULESET}"
    else:
        raw = Path(path).read_bytes()
        source = str(path)
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise RuleError(f"rule file {source}: not valid YAML: {exc}") from exc
    _validate(data, source)
    return RuleSet(version=str(data["version"]), sha256=hashlib.sha256(raw).hexdigest(), source=source, data=data)


@dataclass(frozen=True)
class LoadedModel:
    model: Any          # transforms.linkage.decide.MatchModel
    sha256: str
    source: str


def load_matching_model(path: str | Path | None = None) -> LoadedModel:
    """The identity-linkage model (``rules/matching.yaml`` by default), validated."""
    from transforms.linkage.decide import MatchModel

    if path is None:
        raw = resources.files(__package__).joinpath("matching.yaml").read_bytes()
        source = "rules/matching.yaml"
    else:
        raw = Path(path).read_bytes()
        source = str(path)
    try:
        model = MatchModel.from_dict(yaml.safe_load(raw))
    except (KeyError, TypeError, ValueError, yaml.YAMLError) as exc:
        raise RuleError(f"matching model {source}: {exc}") from exc
    return LoadedModel(model=model, sha256=hashlib.sha256(raw).hexdigest(), source=source)


@cache
def reason_codes() -> dict[str, ReasonCode]:
    """The reason-code catalogue, keyed by code."""
    raw = resources.files(__package__).joinpath("reason_codes.yaml").read_bytes()
    data = yaml.safe_load(raw)
    out = {}
    for code, v in data["codes"].items():
        if v["severity"] not in SEVERITIES:
            raise RuleError(f"reason code {code}: severity {v['severity']!r} unknown")
        out[code] = ReasonCode(code=code, severity=v["severity"], id=v["id"], en=v["en"], tindakan=v["tindakan"])
    return out


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
        "| code | severity | keterangan (id) | explanation (en) | tindakan operator |",
        "|---|---|---|---|---|",
    ]
    for code, r in reason_codes().items():
        cells = [f"`{code}`", r.severity, r.id, r.en, r.tindakan]
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(lines) + "\n"
