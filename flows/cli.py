"""``padan``: the command line for people. Prefect is imported only by commands that run a flow."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

import flows  # noqa: F401  (sets Prefect's environment defaults before any Prefect import)
from flows import cli_errors, cli_prefect, cli_province, cli_read, settings
from flows.cli_options import (
    DataRoot,
    MatchingOption,
    MonthPeriode,
    RulesOption,
    RunDataRoot,
    fail,
    periode_value,
    this_month,
)
from flows.terminal import console, print_summary

# people at a terminal see progress bars and the summary; Prefect's own INFO lines are for the server
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="Padan: the monthly reconciliation run of the DTKS/DTSEN register.",
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"padan {version('padan')}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="print the version and exit")
    ] = False,
    debug: Annotated[
        bool,
        typer.Option(
            "--debug", help="on an unexpected error, show the Python traceback instead of the one-line message"
        ),
    ] = False,
) -> None:
    """Padan: the monthly reconciliation run of the DTKS/DTSEN register."""


DEMO_ROOT = Path("data/demo")


def _check_rule_files(periode: str, rules: Optional[Path], matching: Optional[Path]) -> None:
    """Load and validate the rule set (valid for ``periode``) and the matching model before anything
    starts; every problem of both files goes to stderr, one line each, and the command exits 2."""
    from rules import RuleError, check_valid_for, load_matching_model, load_ruleset

    errors = []
    try:
        check_valid_for(load_ruleset(rules), periode)
    except RuleError as exc:
        errors.append(exc)
    try:
        load_matching_model(matching)
    except RuleError as exc:
        errors.append(exc)
    if errors:
        fail("\n".join(str(e) for e in errors), 2)


def _check_settings() -> None:
    """The environment's settings (``flows.settings``) before anything starts: one line, exit 2."""
    try:
        settings.check()
    except settings.SettingError as exc:
        fail(exc, 2)


def _check_inputs(data_root: Path, periode: str, rules: Optional[Path]) -> None:
    """The reference, feedback and override files under their contracts before anything starts (the
    flow checks them again, for deployments that do not come through here): one line on stderr, exit 2."""
    from flows.io import Root
    from flows.references import InputContractError, read_all
    from rules import load_ruleset

    try:
        read_all(Root(data_root.resolve()), periode, load_ruleset(rules).programme_vocabulary)
    except InputContractError as exc:
        fail(exc, 2)


def _run_flow(
    data_root: Path | str,
    periode: str,
    *,
    replace: bool,
    rules: Optional[Path],
    matching: Optional[Path] = None,
    cascade: bool = False,
    lock_at: Optional[Path] = None,
) -> dict:
    """The monthly flow in this process with progress bars; ``lock_at``: the folder whose writer lock
    is taken first (a bucket's mirror; else the data root itself)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from flows import progress
    from flows.lock import RootLocked, writer_lock
    from flows.monthly import SnapshotExists, monthly_run
    from flows.references import InputContractError
    from flows.runners import server_for_flow, task_runner_from_env
    from rules import RuleError

    monthly_run = monthly_run.with_options(task_runner=task_runner_from_env())

    bars = Progress(
        TextColumn("{task.description:<24}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )
    tasks: dict[str, int] = {}

    def draw(stage: str, done: int, total: int) -> None:
        if stage not in tasks:
            tasks[stage] = bars.add_task(stage, total=total)
        bars.update(tasks[stage], completed=done, total=total)

    progress.clear()
    progress.listen(draw)
    try:
        # the flow takes the writer lock too (deployments do not come through here); taking it first
        # refuses a second writer before Prefect starts
        with writer_lock(lock_at or data_root, command="run", periode=periode), server_for_flow(), bars:
            return monthly_run(
                data_root=str(data_root),
                periode=periode,
                replace=replace,
                rules_path=str(rules) if rules else None,
                matching_path=str(matching) if matching else None,
                cascade=cascade,
            )
    except SnapshotExists as exc:
        fail(exc, 3)
    except (RootLocked, InputContractError, RuleError) as exc:
        fail(exc, 2)
    finally:
        progress.clear()


@app.command()
def run(
    data_root: RunDataRoot,
    periode: MonthPeriode = None,
    replace: Annotated[bool, typer.Option("--replace", help="replace an already published periode")] = False,
    rules: RulesOption = None,
    matching: MatchingOption = None,
    cascade: Annotated[
        bool, typer.Option("--cascade", help="with --replace: run the later published periods again, in order")
    ] = False,
) -> None:
    """Run the monthly flow on a data root and publish snapshots/periode=<P>/."""
    from flows import bucket as buckets
    from flows import remote
    from flows.lock import RootLocked
    from flows.runners import early_server

    periode = periode or this_month()
    _check_settings()
    if buckets.is_remote(data_root):
        with early_server():
            _check_rule_files(periode, rules, matching)
            try:  # the bucket's lock, then its mirror checked like a folder (the flow takes both again)
                with remote.opened(data_root, command="run", periode=periode) as bucket:
                    _check_inputs(bucket.mirror, periode, rules)
                    summary = _run_flow(
                        data_root,
                        periode,
                        replace=replace,
                        rules=rules,
                        matching=matching,
                        cascade=cascade,
                        lock_at=bucket.mirror,
                    )
            except (buckets.RemoteError, RootLocked) as exc:
                fail(exc, 2)
    else:
        folder = Path(data_root)
        if not folder.is_dir():
            raise typer.BadParameter(f"{data_root} is not a folder", param_hint="--data-root")
        with early_server():  # Prefect's temporary server starts while the files below are checked
            _check_rule_files(periode, rules, matching)
            _check_inputs(folder, periode, rules)
            summary = _run_flow(folder, periode, replace=replace, rules=rules, matching=matching, cascade=cascade)
    print_summary(summary)
    if summary.get("diulang"):
        console.print(f"run again on the replaced period: {', '.join(summary['diulang'])}", soft_wrap=True)


@app.command("load-initial")
def load_initial(
    data_root: DataRoot,
    periode: Annotated[
        str, typer.Option("--periode", help="the first periode of the register (YYYY-MM)", callback=periode_value)
    ],
    source: Annotated[Path, typer.Option("--source", help="full DTKS extract, usulan-format CSV")],
    rules: RulesOption = None,
    matching: MatchingOption = None,
) -> None:
    """Start the register from a full DTKS extract: stage it as BARU rows in the period's inbox and run the month."""
    from flows.load_initial import stage_initial_load
    from flows.lock import RootLocked, writer_lock
    from flows.runners import early_server

    if not source.is_file():
        raise typer.BadParameter(f"{source} is not a file", param_hint="--source")
    _check_settings()
    with early_server():
        _check_rule_files(periode, rules, matching)  # before anything is staged
        try:
            with writer_lock(data_root, command="load-initial", periode=periode):  # staging and the run: one writer
                counts = stage_initial_load(data_root, periode, source)
                console.print(f"staged {sum(counts.values()):,} rows for {len(counts)} provinces")
                summary = _run_flow(data_root, periode, replace=False, rules=rules, matching=matching)
        except (ValueError, RootLocked) as exc:
            fail(exc, 2)
    print_summary(summary)


@app.command()
def generate(
    data_root: Annotated[Path, typer.Option("--data-root", help="where to write the data root (created)")],
    persons: Annotated[int, typer.Option("--persons", min=10, help="persons in the Dukcapil extract")] = 20_000,
    usulan: Annotated[int, typer.Option("--usulan", min=1, help="usulan rows of the period")] = 3_000,
    periode: Annotated[
        str, typer.Option("--periode", help="the period the usulan are for (YYYY-MM)", callback=periode_value)
    ] = "2026-11",
    seed: Annotated[int, typer.Option("--seed", help="random seed: the same seed writes the same bytes")] = 1,
    truth_dir: Annotated[Optional[Path], typer.Option("--truth-dir", help="default: <data-root>.truth/")] = None,
    mix: Annotated[
        str,
        typer.Option(
            "--mix", help="noise and population mix: dev, or held_out (for a final measurement only, never for tuning)"
        ),
    ] = "dev",
    chunk_persons: Annotated[
        Optional[int],
        typer.Option(
            "--chunk-persons",
            min=1000,
            help="make the root in chunks of about this many persons (disjoint province groups), never holding "
            "the whole population: for national-size roots (another data set than without it)",
        ),
    ] = None,
) -> None:
    """Write a synthetic data root (Dukcapil, DTSEN, SDM Kesos, GIS, feedback, usulan) and its ground truth."""
    from flows.generate import generate_data_root
    from synthetic.core import NOISE_MIXES

    if mix not in NOISE_MIXES:
        raise typer.BadParameter(f"--mix must be one of {', '.join(sorted(NOISE_MIXES))}", param_hint="--mix")
    summary = generate_data_root(
        data_root,
        persons=persons,
        usulan=usulan,
        periode=periode,
        seed=seed,
        truth_dir=truth_dir,
        noise_mix=mix,
        chunk_persons=chunk_persons,
    )
    console.print(summary)


@app.command()
def demo(
    persons: Annotated[int, typer.Option("--persons", min=10, help="persons in the demo's Dukcapil extract")] = 20_000,
    usulan: Annotated[int, typer.Option("--usulan", min=1, help="usulan rows of the demo month")] = 3_000,
    periode: Annotated[
        str, typer.Option("--periode", help="the demo month (YYYY-MM)", callback=periode_value)
    ] = "2026-11",
) -> None:
    """Generate a small demo data root under data/demo/, run the month on it, print the summary."""
    from flows import io
    from flows.generate import generate_data_root
    from flows.runners import early_server

    _check_settings()
    with early_server():  # starts while the demo data is generated
        io.remove_tree(DEMO_ROOT)
        truth = DEMO_ROOT.parent / "demo.truth"
        console.print(f"generating demo data root in {DEMO_ROOT} ...")
        generate_data_root(DEMO_ROOT, persons=persons, usulan=usulan, periode=periode, seed=20261129, truth_dir=truth)
        if not settings.pseudonym_key():
            settings.use_demo_key()
            console.print("PADAN_PSEUDONYM_KEY is not set: using a demo key for the analysts' zone (demo data only)")
        console.print("running the monthly flow ...")
        summary = _run_flow(DEMO_ROOT, periode, replace=True, rules=None)
    print_summary(summary)
    from flows.catalog import write_catalog

    out = write_catalog(DEMO_ROOT)
    console.print(
        f"analysts' catalog: {out['catalog']} (try: duckdb {out['catalog']} "
        f'"SELECT * FROM status_per_provinsi ORDER BY ALL")',
        soft_wrap=True,
        highlight=False,
    )
    console.print(f"\nThe snapshot is in [bold]{summary['snapshot']}[/bold]", soft_wrap=True, highlight=False)


@app.command("train-matching")
def train_matching(
    data_root: Annotated[Path, typer.Option("--data-root", help="a generated data root")],
    periode: Annotated[str, typer.Option("--periode", help="the generated period (YYYY-MM)", callback=periode_value)],
    truth_dir: Annotated[Path, typer.Option("--truth-dir", help="its ground truth (truth.parquet)")],
    out: Annotated[Path, typer.Option("--out", help="the matching-model YAML to write")] = Path("rules/matching.yaml"),
) -> None:
    """Estimate the matching weights (m/u per comparison level) from generated data with ground truth."""
    from flows.train import train

    console.print(train(data_root, periode, truth_dir, out))


cli_read.register(app)
cli_province.register(app)
cli_prefect.register(app)


def main(argv: list[str] | None = None) -> None:
    """The ``padan`` executable: the commands, with every user error on one stderr line that says
    what to do and exits with its documented code (``cli_options.EXIT_*``); ``--debug`` (anywhere
    on the line) shows the traceback instead."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    sys.exit(cli_errors.run(app, [a for a in args if a != "--debug"], debug=debug))


if __name__ == "__main__":  # pragma: no cover
    main()
