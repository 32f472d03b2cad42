"""``padan prefect``: what a deployment needs on the Prefect server besides ``prefect deploy``: the
pseudonym key as a Secret block (``kunci``) and the alerts of ``automations.yaml`` (``alerts``)."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from flows.cli_options import fail
from flows.terminal import console

prefect_app = typer.Typer(
    no_args_is_help=True,
    help="Set up the Prefect server for the deployments: the pseudonym key's Secret block and the alerts.",
)

BlockOption = Annotated[
    str, typer.Option("--block", help="the Secret block's name (the deployment's PADAN_PSEUDONYM_KEY_BLOCK)")
]


def _server() -> str:
    """The Prefect server these commands write to: PREFECT_API_URL, from the environment or the
    Prefect profile (``prefect config set``). Without one Prefect would start a temporary server and
    everything written would vanish with it."""
    from prefect.settings import PREFECT_API_URL

    url = (PREFECT_API_URL.value() or "").strip()
    if not url:
        raise typer.BadParameter(
            "PREFECT_API_URL is not set: export the server's API address (http://<server>:4200/api) first",
            param_hint="PREFECT_API_URL",
        )
    return url


@contextlib.contextmanager
def _talking_to(url: str):
    """Errors of the server conversation as one line naming the server (exit 2), not as a failed run."""
    import httpx
    from prefect.exceptions import PrefectHTTPStatusError

    try:
        yield
    except (httpx.HTTPError, PrefectHTTPStatusError, OSError) as exc:
        fail(
            f"the Prefect server at {url} did not answer as expected ({type(exc).__name__}: {exc}); check that "
            "it runs and PREFECT_API_URL",
            2,
        )


@prefect_app.command("kunci")
def kunci(block: BlockOption = "padan-pseudonym-key") -> None:
    """Store the analysts' zone pseudonym key as a Prefect Secret block, read from standard input
    (piped from the secret store) or typed without echo; never from the command line. The key is
    checked as a run checks it; its fingerprint (the manifest's ``analytics_key``) is printed."""
    from prefect.blocks.system import Secret

    from flows import manifest, settings

    url = _server()
    key = sys.stdin.readline().rstrip("\r\n") if not sys.stdin.isatty() else typer.prompt("key", hide_input=True)
    fingerprint = manifest.key_fingerprint(settings.checked_key(key))  # a run's refusals: blank, short, demo
    with _talking_to(url):
        Secret(value=key).save(block, overwrite=True)
    console.print(f"Secret block {block!r} written on {url}; key fingerprint {fingerprint}", soft_wrap=True)


@prefect_app.command("alerts")
def alerts(
    file: Annotated[
        Optional[Path], typer.Option("--file", help="the automations file (default: automations.yaml)")
    ] = None,
    block: Annotated[
        str, typer.Option("--block", help="the notification block the automations notify through")
    ] = "padan-alerts",
    webhook: Annotated[
        Optional[str],
        typer.Option("--webhook", help="write that block first, as a webhook receiving subject and body as JSON"),
    ] = None,
) -> None:
    """Create or update (by name) the automations of automations.yaml on the Prefect server: a failed
    or crashed run, quarantined files, missing bank feedback, a skipped analysts' zone, a month's
    accepted rows far from the previous month's, a changed pseudonym key."""
    from flows import alerts as alerting

    url = _server()
    with _talking_to(url):
        names = alerting.apply(file or alerting.DEFAULT_FILE, block=block, webhook=webhook)
    console.print(f"{len(names)} automations on {url}: {', '.join(names)}", soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add these commands to the ``padan`` application."""
    app.add_typer(prefect_app, name="prefect")
