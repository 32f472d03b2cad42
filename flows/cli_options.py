"""What the ``padan`` commands share: their common options (one declaration, one help text), the
exit codes, and identifiers read as people type them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn, Optional

import typer

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_PUBLISHED = 3
EXIT_NOT_FOUND = 4
"""Exit codes: 0 done, 1 the run failed, 2 a usage or input error (refused before any work), 3 refused:
the period is already published with other inputs (``--replace``), 4 not found (no such period, NIK or
No KK)."""


def folder_root(value: Optional[Path]) -> Optional[Path]:
    """A command that works on folders only refuses an object-store address (typer has made it a Path
    by now: ``s3://b/x`` reads ``s3:/b/x``)."""
    if value is not None and str(value).split(":/", 1)[0] in ("s3", "gs", "az") and ":/" in str(value):
        raise typer.BadParameter(
            "only `padan run` takes a data root on object storage yet; give a folder (a mirror of the bucket)"
        )
    return value


DataRoot = Annotated[
    Path, typer.Option("--data-root", help="data root laid out per contracts.md (a folder)", callback=folder_root)
]
RunDataRoot = Annotated[
    str,
    typer.Option(
        "--data-root", help="data root laid out per contracts.md: a folder, or s3://bucket/prefix on object storage"
    ),
]
RulesOption = Annotated[Optional[Path], typer.Option("--rules", help="rule-set YAML (default: rules/2026.yaml)")]
MatchingOption = Annotated[
    Optional[Path], typer.Option("--matching", help="matching-model YAML (default: rules/matching.yaml)")
]


def periode_value(value: Optional[str]) -> Optional[str]:
    """A ``--periode`` as given: YYYY-MM with a month 01-12, else a usage error naming the option."""
    from flows.io import check_periode

    if value is None:
        return None
    try:
        return check_periode(value.strip())
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--periode") from exc


def this_month() -> str:
    """The current month in Asia/Jakarta (the default periode of a run or a check)."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    return dt.datetime.now(ZoneInfo("Asia/Jakarta")).strftime("%Y-%m")


LatestPeriode = Annotated[
    Optional[str],
    typer.Option("--periode", help="YYYY-MM (default: the latest published period)", callback=periode_value),
]
MonthPeriode = Annotated[
    Optional[str],
    typer.Option("--periode", help="YYYY-MM (default: this month in Asia/Jakarta)", callback=periode_value),
]


def error_lines(message: object) -> list[str]:
    """An error as it is printed: one line per problem (a rule file with three problems gives three),
    each ``padan: <what happened; what to do>``."""
    return ["padan: " + " ".join(line.split()) for line in str(message).splitlines() if line.strip()]


def fail(message: object, code: int) -> NoReturn:
    """End the command with a user error, on stderr (``error_lines``)."""
    import sys

    print("\n".join(error_lines(message)), file=sys.stderr, flush=True)
    raise typer.Exit(code=code)


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
