"""The environment is read in one place (flows/settings.py): a value that does not fit stops a
command before any work, in one line naming the variable."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from flows import settings


@pytest.mark.parametrize(
    "name, value, words",
    [
        (
            "PADAN_PARTITION_ROWS",
            "250.000",
            "PADAN_PARTITION_ROWS='250.000' is not a whole number of at least 1; set it so, or unset it",
        ),
        (
            "PADAN_PARTITION_ROWS",
            "0",
            "PADAN_PARTITION_ROWS='0' is not a whole number of at least 1; set it so, or unset it",
        ),
        (
            "PADAN_LOCK_WAIT_SECONDS",
            "lima",
            "PADAN_LOCK_WAIT_SECONDS='lima' is not a number of at least 0; set it so, or unset it",
        ),
        ("PADAN_THREADS", "-2", "PADAN_THREADS='-2' is not a whole number of at least 1; set it so, or unset it"),
        ("PADAN_TASK_RUNNER", "ray", "PADAN_TASK_RUNNER must be 'thread' or 'dask', not 'ray'"),
        (
            "PADAN_PSEUDONYM_KEY",
            "  ",
            "PADAN_PSEUDONYM_KEY is set but blank; set the secret (from the secret store), or unset it to publish "
            "no analysts' zone",
        ),
        (
            "PADAN_PSEUDONYM_KEY",
            "rahasia",
            "PADAN_PSEUDONYM_KEY is shorter than 16 characters: too weak; set a longer secret",
        ),
        (
            "PADAN_PSEUDONYM_KEY",
            "demo-key-not-a-secret",
            "PADAN_PSEUDONYM_KEY is the demo key (padan demo only); set the real secret",
        ),
    ],
)
def test_a_setting_that_does_not_fit_stops_padan_run_naming_it(tmp_path, monkeypatch, name, value, words):
    from flows.cli import app

    monkeypatch.setenv(name, value)
    result = CliRunner().invoke(app, ["run", "--data-root", str(tmp_path), "--periode", "2026-11"])
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [f"padan: {words}"]
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []  # nothing written: not even the lock


def test_settings_read_their_defaults_and_values(monkeypatch):
    for name in ("PADAN_PARTITION_ROWS", "PADAN_LOCK_WAIT_SECONDS", "PADAN_TASK_RUNNER", "PADAN_PSEUDONYM_KEY"):
        monkeypatch.delenv(name, raising=False)
    assert (settings.partition_rows(), settings.lock_wait_seconds(), settings.task_runner_kind()) == (
        250_000,
        0.0,
        "thread",
    )
    assert settings.pseudonym_key() == b""
    monkeypatch.setenv("PADAN_PARTITION_ROWS", " 1000 ")
    monkeypatch.setenv("PADAN_LOCK_WAIT_SECONDS", "2.5")
    monkeypatch.setenv("PADAN_TASK_RUNNER", "DASK")
    monkeypatch.setenv("PADAN_PSEUDONYM_KEY", "kunci rahasia pusdatin")
    assert (settings.partition_rows(), settings.lock_wait_seconds(), settings.task_runner_kind()) == (1000, 2.5, "dask")
    assert settings.pseudonym_key() == "kunci rahasia pusdatin".encode()


def test_no_module_of_the_run_reads_the_environment_itself():
    import re
    from pathlib import Path

    readers = []
    for f in sorted(Path("flows").rglob("*.py")) + sorted(Path("transforms").rglob("*.py")):
        for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"os\.environ(\.get)?\(?\[?[\"']PADAN_|os\.getenv\([\"']PADAN_", line):
                readers.append(f"{f}:{n}")
    assert readers == []


def test_the_key_and_its_secret_block_are_never_both_set(monkeypatch):
    monkeypatch.setenv("PADAN_PSEUDONYM_KEY", "a-long-enough-secret-key")
    monkeypatch.setenv("PADAN_PSEUDONYM_KEY_BLOCK", "padan-pseudonym-key")
    with pytest.raises(settings.SettingError, match="both PADAN_PSEUDONYM_KEY and PADAN_PSEUDONYM_KEY_BLOCK"):
        settings.pseudonym_key()


@pytest.mark.parametrize("value", ["0.5", "dua"])
def test_the_alert_factor_is_a_number_of_at_least_one(monkeypatch, value):
    monkeypatch.setenv("PADAN_ALERT_ACCEPTED_FACTOR", value)
    with pytest.raises(settings.SettingError, match="PADAN_ALERT_ACCEPTED_FACTOR"):
        settings.check()
