"""``padan`` commands for the province operators' loop: the usulan template, a check of a file while
the window is open (``periksa``), and the review queue (``tinjau``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from flows.terminal import console


def template(
    out: Annotated[Path, typer.Argument(help="where to write the template")] = Path("templat_usulan.xlsx"),
) -> None:
    """Write the usulan template (.xlsx): the contract's columns, text cells for NIK, No KK, dates and
    region codes, drop-down lists of the allowed values, and a sheet explaining each column."""
    from flows.template import write_template

    console.print(f"templat usulan: {write_template(out)}", soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add these commands to the ``padan`` application."""
    app.command("template")(template)
