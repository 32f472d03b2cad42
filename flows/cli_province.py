"""``padan`` commands for the province operators' loop: the usulan template, a check of a file while
the window is open (``periksa``), and the review queue (``tinjau``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from flows.cli_options import DataRoot, LatestPeriode, MatchingOption, MonthPeriode, RulesOption, fail, periode_value
from flows.terminal import console


def template(
    out: Annotated[Path, typer.Argument(help="where to write the template")] = Path("templat_usulan.xlsx"),
) -> None:
    """Write the usulan template (.xlsx): the contract's columns, text cells for NIK, No KK, dates and
    region codes, drop-down lists of the allowed values, and a sheet explaining each column."""
    from flows.template import write_template

    console.print(f"templat usulan: {write_template(out)}", soft_wrap=True)


def periksa(
    file: Annotated[Path, typer.Argument(help="the usulan file (.csv or .xlsx) to check")],
    prov: Annotated[str, typer.Option("--prov", help="the province code the file is for (e.g. 32)")],
    data_root: DataRoot,
    periode: MonthPeriode = None,
    out: Annotated[
        Optional[Path], typer.Option("--out", help="the receipt workbook (default: periksa_<file>.xlsx here)")
    ] = None,
    rules: RulesOption = None,
    matching: MatchingOption = None,
) -> None:
    """Check one file while the upload window is open: the receipt the province would get for it
    (validation, and identity against the current Dukcapil extract and register), written as a
    workbook; nothing is published. Runs as the Prefect flow ``padan-periksa`` when a Prefect server
    is configured (PREFECT_API_URL), else in this process."""
    import os

    from flows.periksa import CheckRefused
    from flows.references import InputContractError
    from rules import RuleError

    out = out or Path(f"periksa_{file.stem}.xlsx")
    args = dict(
        data_root=str(data_root),
        file=str(file),
        kode_prov=prov,
        out=str(out),
        periode=periode,
        rules_path=str(rules) if rules else None,
        matching_path=str(matching) if matching else None,
    )
    try:
        if os.environ.get("PREFECT_API_URL"):
            from flows.periksa import periksa_flow

            s = periksa_flow(**args)
        else:
            from flows.periksa import check_file

            s = check_file(**args)
    except (CheckRefused, InputContractError, RuleError) as exc:
        fail(exc, 2)
    print_checked(s)


def print_checked(s: dict) -> None:
    """The answer of ``padan periksa`` at a terminal, in Indonesian."""
    say = lambda text: console.print(text, soft_wrap=True, highlight=False)  # noqa: E731
    say(f"Periksa {s['kode_prov']}/{s['berkas']} untuk periode {s['periode']}: selesai dalam {s['detik']:.1f} detik")
    say(
        f"  {s['baris']:,} baris: {s['diterima']:,} diterima, {s['ditolak']:,} ditolak "
        f"({s['perlu_verifikasi']:,} perlu verifikasi)"
    )
    for code, n in s["kode_alasan"].items():
        say(f"  {code}: {n:,}")
    for q in s["karantina"]:
        say(f"  [yellow]karantina[/yellow] {q['file']}: {q['karantina']} ({q['keterangan']})")
    for g in s["tidak_dibaca"]:
        say(f"  [dim]tidak dibaca[/dim] {g['file']}: {g['alasan']}")
    say(f"hasil periksa: [bold]{s['hasil_periksa']}[/bold] (tidak ada yang diterbitkan)")
    say(f"catatan: {s['catatan']}")


tinjau = typer.Typer(
    no_args_is_help=True,
    help="The review queue: rows waiting for verification (PERLU_VERIFIKASI) and the decisions on them.",
)


@tinjau.command("daftar")
def tinjau_daftar(
    prov: Annotated[str, typer.Option("--prov", help="the province code (e.g. 32)")],
    data_root: DataRoot,
    kab: Annotated[Optional[str], typer.Option("--kab", help="one regency of it (4 digits, e.g. 3201)")] = None,
    periode: LatestPeriode = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="default: tinjau_<prov or kab>.xlsx here")] = None,
) -> None:
    """Write the review workbook of a province or a regency: each waiting row with its candidates side
    by side, per-field agreement, and the decision columns (SAMA / BEDA / TIDAK TAHU, author, reason).
    The monthly run also puts the province's in receipts/periode=<P>/<prov>/tinjau_verifikasi.xlsx."""
    from flows.tinjau import ReviewRefused, write_list

    out = out or Path(f"tinjau_{kab or prov}.xlsx")
    try:
        s = write_list(str(data_root), str(out), prov, kab, periode)
    except ReviewRefused as exc:
        fail(exc, 2)
    console.print(f"antrean tinjau periode {s['periode']}: {s['baris']:,} baris -> {s['berkas']}", soft_wrap=True)


@tinjau.command("impor")
def tinjau_impor(
    file: Annotated[Path, typer.Argument(help="the filled-in review workbook (.xlsx)")],
    data_root: DataRoot,
    tanggal: Annotated[
        Optional[str], typer.Option("--tanggal", help="date of the decisions, YYYY-MM-DD (default: today, WIB)")
    ] = None,
    periode: Annotated[
        Optional[str],
        typer.Option(
            "--periode", help="the queue it was made from (default: the latest published)", callback=periode_value
        ),
    ] = None,
) -> None:
    """Read a filled-in review workbook back: its decisions go to overrides/ and decide those rows at
    the next run, without the province sending them again. Lines that match no waiting row, lack an
    author or reason, or contradict each other are listed and not written (exit 1)."""
    from flows.references import InputContractError
    from flows.tinjau import ReviewRefused, import_decisions

    if not file.is_file():
        raise typer.BadParameter(f"{file}: berkas tidak ditemukan", param_hint="FILE")
    try:
        s = import_decisions(str(data_root), str(file), tanggal, periode)
    except (ReviewRefused, InputContractError) as exc:
        fail(exc, 2)
    say = lambda text: console.print(text, soft_wrap=True, highlight=False)  # noqa: E731
    say(
        f"keputusan antrean periode {s['periode']}: {s['sama']} SAMA, {s['beda']} BEDA "
        f"({s['sudah_ada']} sudah ada di overrides)"
    )
    say(f"ditulis: {s['berkas']}" if s["berkas"] else "tidak ada keputusan baru yang ditulis")
    for p in s["masalah"]:
        where = f"{p['id_tinjau']}" + (f" kandidat {p['peringkat']}" if p["peringkat"] is not None else "")
        say(f"  {p['tingkat']} {p['kode']} {where}: {p['keterangan']}")
    if any(p["tingkat"] == "TOLAK" for p in s["masalah"]):
        raise typer.Exit(code=1)


def register(app: typer.Typer) -> None:
    """Add these commands to the ``padan`` application."""
    app.command("template")(template)
    app.command("periksa")(periksa)
    app.add_typer(tinjau, name="tinjau")
