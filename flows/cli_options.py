"""What the ``padan`` commands share: their common options (one declaration, one help text), the
exit codes, and identifiers read as people type them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_PUBLISHED = 3
EXIT_NOT_FOUND = 4
"""Exit codes: 0 done, 1 the run failed, 2 a usage or input error (refused before any work), 3 refused:
the period is already published with other inputs (``--replace``), 4 not found (no such period, NIK or
No KK)."""

DataRoot = Annotated[Path, typer.Option("--data-root", help="data root laid out per contracts.md")]
RulesOption = Annotated[Optional[Path], typer.Option("--rules", help="rule-set YAML (default: rules/2026.yaml)")]
MatchingOption = Annotated[
    Optional[Path], typer.Option("--matching", help="matching-model YAML (default: rules/matching.yaml)")
]
LatestPeriode = Annotated[
    Optional[str], typer.Option("--periode", help="YYYY-MM (default: the latest published period)")
]


def typed_id(value: Optional[str], option: str) -> Optional[str]:
    """A NIK or No KK as people type or paste it: spaces, dots and dashes between the digits and a
    leading apostrophe (Excel's text mark) or quotes are dropped; anything but 16 digits is refused."""
    if value is None:
        return None
    digits = value.strip().lstrip("'\u2019\"").rstrip('"')
    for sep in (" ", ".", "-", "\u00a0"):
        digits = digits.replace(sep, "")
    if not (len(digits) == 16 and digits.isdigit()):
        raise typer.BadParameter(f"{value!r} is not 16 digits", param_hint=option)
    return digits
