"""How ``padan`` ends: every error a user can cause or fix is one line on stderr saying what to do,
with its exit code (``flows.cli_options``); anything else is one line too, naming ``--debug``,
which shows the traceback."""

from __future__ import annotations

import sys

import typer
from typer._click import exceptions as cx  # typer 0.29 carries its own click: its errors are these

from flows.cli_options import EXIT_FAILED, EXIT_PUBLISHED, EXIT_USAGE, error_lines


def user_errors() -> tuple[type[BaseException], ...]:
    """The errors that mean "the input, the setting or the command line is not right" (exit 2)."""
    from flows.alerts import AutomationsError
    from flows.bucket import RemoteError
    from flows.lock import RootLocked
    from flows.periksa import CheckRefused
    from flows.references import InputContractError
    from flows.settings import SettingError
    from flows.tinjau import ReviewRefused
    from rules.base import Problems, RuleError
    from transforms.overrides import OverrideError

    return (
        AutomationsError,
        CheckRefused,
        InputContractError,
        OverrideError,
        Problems,
        RemoteError,
        ReviewRefused,
        RootLocked,
        RuleError,
        SettingError,
    )


def _say(text: str) -> None:
    print("\n".join(error_lines(text)), file=sys.stderr, flush=True)


def run(app: typer.Typer, args: list[str], *, debug: bool = False) -> int:
    """Run the command line ``args``; returns the exit code."""
    try:
        command = typer.main.get_command(app)
        result = command.main(args=args, prog_name="padan", standalone_mode=False)
        return result if isinstance(result, int) else 0
    except typer.Exit as e:
        return e.exit_code
    except cx.NoArgsIsHelpError as e:
        print(e.ctx.get_help())
        return EXIT_USAGE
    except cx.UsageError as e:
        where = e.ctx.command_path if e.ctx else "padan"
        _say(f"{e.format_message()} (see `{where} --help`)")
        return EXIT_USAGE
    except cx.ClickException as e:
        _say(e.format_message())
        return e.exit_code
    except (typer.Abort, KeyboardInterrupt):
        _say("interrupted; nothing half-done is published (a rerun finishes the job)")
        return 130
    except Exception as e:
        if debug:
            raise
        from flows.manifest import SnapshotExists

        if isinstance(e, SnapshotExists):
            _say(str(e))
            return EXIT_PUBLISHED
        if isinstance(e, user_errors()):
            _say(str(e))
            return EXIT_USAGE
        if isinstance(e, (FileNotFoundError, PermissionError, IsADirectoryError, NotADirectoryError)):
            what = f"{e.filename}: {e.strerror}" if e.filename else str(e)
            _say(f"{what}; check the path and its permissions")
            return EXIT_USAGE
        _say(
            f"failed: {type(e).__name__}: {e}; the last published period is unchanged. "
            "Run again with --debug for the traceback, or read the Prefect log of the run"
        )
        return EXIT_FAILED
