"""``padan`` commands that read what runs published: ``explain`` (one person or household),
``catalog`` (the analysts' DuckDB file) and ``reason-codes`` (the catalogue)."""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from flows.cli_options import EXIT_NOT_FOUND, DataRoot, LatestPeriode, typed_id
from flows.terminal import console, err_console


def explain(
    data_root: DataRoot,
    periode: LatestPeriode = None,
    nik: Annotated[
        Optional[str], typer.Option("--nik", help="a person's NIK (spaces, dots, a leading ' allowed)")
    ] = None,
    no_kk: Annotated[Optional[str], typer.Option("--no-kk", help="a household's No KK (typed as --nik)")] = None,
) -> None:
    """Explain the status of one person (--nik) or household (--no-kk) in a published snapshot.
    Exit 4 when the period, the NIK or the No KK is not found."""
    from flows import io
    from flows.explain import explain as explain_text

    if bool(nik) == bool(no_kk):
        raise typer.BadParameter("give exactly one of --nik or --no-kk")
    nik, no_kk = typed_id(nik, "--nik"), typed_id(no_kk, "--no-kk")
    if periode is None:
        pointer = io.Root(data_root).snapshots / "_current.json"
        if not io.is_file(pointer):
            err_console.print(f"{data_root}: no published period; give --periode or run padan run first")
            raise typer.Exit(code=EXIT_NOT_FOUND)
        periode = io.read_json(pointer)["periode"]
    try:
        sys.stdout.write(explain_text(data_root, periode, nik=nik, no_kk=no_kk))
    except (FileNotFoundError, LookupError) as exc:
        err_console.print(str(exc), soft_wrap=True, highlight=False)
        raise typer.Exit(code=EXIT_NOT_FOUND) from exc


def catalog(data_root: DataRoot) -> None:
    """Write/refresh <data-root>/padan.duckdb: DuckDB views over every period of the pseudonymised zone."""
    from flows.catalog import write_catalog
    from flows.lock import RootLocked, writer_lock

    try:
        with writer_lock(data_root, command="catalog"):
            out = write_catalog(data_root)
    except (FileNotFoundError, RootLocked) as exc:
        err_console.print(f"[red]{exc}[/red]", soft_wrap=True)
        raise typer.Exit(code=2) from exc
    console.print(f"catalog: {out['catalog']}  views: {', '.join(out['views'])}", soft_wrap=True)


def reason_codes_cmd() -> None:
    """Print the reason-code catalogue (Markdown): code, severity, Indonesian and English text, action."""
    from rules import catalogue_markdown

    sys.stdout.write(catalogue_markdown())


def register(app: typer.Typer) -> None:
    """Add these commands to the ``padan`` application."""
    app.command("explain")(explain)
    app.command("catalog")(catalog)
    app.command("reason-codes")(reason_codes_cmd)
