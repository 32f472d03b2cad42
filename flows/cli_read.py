"""``padan`` commands that read what runs published: ``explain`` (one person or household),
``catalog`` (the analysts' DuckDB file) and ``reason-codes`` (the catalogue)."""

from __future__ import annotations

import sys
from typing import Annotated, Optional

import typer

from flows.cli_options import EXIT_NOT_FOUND, DataRoot, LatestPeriode, fail, typed_id
from flows.terminal import console


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
            fail(f"{data_root}: no published period; give --periode or run padan run first", EXIT_NOT_FOUND)
        periode = io.read_json(pointer)["periode"]
    try:
        sys.stdout.write(explain_text(data_root, periode, nik=nik, no_kk=no_kk))
    except (FileNotFoundError, LookupError) as exc:
        fail(exc, EXIT_NOT_FOUND)


def catalog(data_root: DataRoot) -> None:
    """Write/refresh <data-root>/padan.duckdb: DuckDB views over every period of the pseudonymised zone."""
    from flows.catalog import write_catalog
    from flows.lock import RootLocked, writer_lock

    try:
        with writer_lock(data_root, command="catalog"):
            out = write_catalog(data_root)
    except (FileNotFoundError, RootLocked) as exc:
        fail(exc, 2)
    console.print(f"catalog: {out['catalog']}  views: {', '.join(out['views'])}", soft_wrap=True)


def reason_codes_cmd() -> None:
    """Print the reason-code catalogue (Markdown): code, severity, Indonesian and English text, action."""
    from rules import catalogue_markdown

    sys.stdout.write(catalogue_markdown())


def status(data_root: DataRoot) -> None:
    """The last runs on a data root: period, start (WIB), duration, outcome, rows, accepted rows, bank
    rows and warning codes, from the run journal and the manifests; then the latest period's
    warnings in full. Exit 4 when nothing was ever run or published."""
    from flows.status import status_text

    try:
        sys.stdout.write(status_text(data_root))
    except LookupError as exc:
        fail(exc, EXIT_NOT_FOUND)


def history(
    data_root: DataRoot,
    nik: Annotated[
        Optional[str], typer.Option("--nik", help="a person's NIK (spaces, dots, a leading ' allowed)")
    ] = None,
    no_kk: Annotated[Optional[str], typer.Option("--no-kk", help="a household's No KK (typed as --nik)")] = None,
) -> None:
    """One person (--nik) or household (--no-kk) across every published period: in the register or
    not, each programme's status and amount, the proposals about them and their outcome, the
    register's events. Exit 4 when not found in any period."""
    from flows.status import history_text

    if bool(nik) == bool(no_kk):
        raise typer.BadParameter("give exactly one of --nik or --no-kk")
    nik, no_kk = typed_id(nik, "--nik"), typed_id(no_kk, "--no-kk")
    try:
        sys.stdout.write(history_text(data_root, nik=nik, no_kk=no_kk))
    except LookupError as exc:
        fail(exc, EXIT_NOT_FOUND)


def register(app: typer.Typer) -> None:
    """Add these commands to the ``padan`` application."""
    app.command("status")(status)
    app.command("history")(history)
    app.command("explain")(explain)
    app.command("catalog")(catalog)
    app.command("reason-codes")(reason_codes_cmd)
