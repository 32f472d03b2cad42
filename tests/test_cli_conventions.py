"""The command line's conventions, for every command: help on every option and argument, and a
user error as one line on stderr with its documented exit code (``flows.cli_options``), no
traceback. The commands are run through ``flows.cli_errors.run``, which the ``padan`` executable
calls; one case runs the installed executable itself."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import typer

from flows.cli import app
from flows.cli_errors import run

BIN = Path(sys.executable).parent


def commands(group, path=("padan",)):
    yield path, group
    if hasattr(group, "commands"):
        for name, sub in group.commands.items():
            yield from commands(sub, (*path, name))


ALL = list(commands(typer.main.get_command(app)))


def test_every_command_is_listed():
    names = {" ".join(p) for p, _ in ALL}
    for expected in ("padan run", "padan explain", "padan status", "padan history", "padan prefect alerts"):
        assert expected in names


@pytest.mark.parametrize("path,command", ALL, ids=[" ".join(p) for p, _ in ALL])
def test_every_option_and_argument_has_help(path, command, capsys):
    missing = [p.name for p in command.params if not (getattr(p, "help", None) or "").strip()]
    assert not missing, f"{' '.join(path)}: no help for {missing}"
    assert (command.help or "").strip(), f"{' '.join(path)} has no description"
    assert run(app, [*path[1:], "--help"]) == 0
    shown = capsys.readouterr().out
    for p in command.params:
        if p.param_type_name == "option" and p.name != "help":
            assert p.opts[0] in shown


def one_error_line(capsys) -> str:
    out = capsys.readouterr()
    lines = out.err.strip().splitlines()
    assert len(lines) == 1, out.err
    assert "Traceback" not in out.err and lines[0].startswith("padan: ")
    return lines[0]


@pytest.fixture
def root(tmp_path):
    r = tmp_path / "root"
    (r / "snapshots").mkdir(parents=True)
    return r


CASES = [
    (["load-initial", "--data-root", "{root}", "--periode", "2026-13", "--source", "x.csv"], 2, "2026-13"),
    (["run", "--data-root", "{root}/nope", "--periode", "2026-11"], 2, "is not a folder"),
    (["run", "--periode", "2026-11"], 2, "--data-root"),
    (["run", "--data-root", "{root}", "--periode", "26-11"], 2, "YYYY-MM"),
    (["explain", "--data-root", "{root}", "--nik", "12345"], 2, "16 digits"),
    (["explain", "--data-root", "{root}", "--nik", "3201011505800001"], 4, "no published period"),
    (["status", "--data-root", "{root}"], 4, "no published period"),
    (["history", "--data-root", "{root}", "--nik", "3201011505800001"], 4, "no published period"),
    (["history", "--data-root", "{root}"], 2, "--nik or --no-kk"),
    (["frobnicate"], 2, "No such command"),
    (["run", "--data-root", "{root}", "--periode", "2026-11", "--frob"], 2, "--frob"),
    (["tinjau", "impor", "{root}/nothing.xlsx", "--data-root", "{root}"], 2, "tidak ditemukan"),
    (["periksa", "{root}/nothing.csv", "--prov", "32", "--data-root", "{root}"], 2, "nothing.csv"),
    (["prefect", "alerts"], 2, "PREFECT_API_URL"),
    (["generate", "--data-root", "{root}", "--mix", "other"], 2, "--mix"),
    (
        ["train-matching", "--data-root", "{root}", "--periode", "2026-11", "--truth-dir", "{root}/nope"],
        2,
        "check the path",
    ),
    (["tinjau", "daftar", "--prov", "32", "--data-root", "{root}"], 2, "belum ada periode"),
    (["catalog", "--data-root", "{root}"], 2, "no pseudonymised zone"),
    (["demo", "--persons", "5"], 2, "--persons"),
]


@pytest.mark.parametrize("args,code,says", CASES, ids=[" ".join(a[:2]) + f" -> {c}" for a, c, _ in CASES])
def test_a_user_error_is_one_line_on_stderr_with_its_code(args, code, says, root, capsys, monkeypatch):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    if args[0] == "prefect":  # no server configured, not even by a test harness in this process
        from prefect.settings import PREFECT_API_URL, temporary_settings

        with temporary_settings(restore_defaults={PREFECT_API_URL}):
            assert run(app, [a.format(root=root) for a in args]) == code
    else:
        assert run(app, [a.format(root=root) for a in args]) == code
    assert says in one_error_line(capsys)


@pytest.mark.parametrize(
    "key,says", [("", "blank"), ("short-key", "shorter than 16"), ("demo-key-not-a-secret", "demo")]
)
def test_run_refuses_a_blank_weak_or_demo_key_before_any_work(key, says, root, capsys, monkeypatch):
    monkeypatch.setenv("PADAN_PSEUDONYM_KEY", key)
    monkeypatch.delenv("PADAN_DEMO", raising=False)
    assert run(app, ["run", "--data-root", str(root), "--periode", "2026-11"]) == 2
    assert says in one_error_line(capsys)
    assert not (root / ".padan").exists()  # nothing was started


def test_an_unexpected_error_is_one_line_naming_debug_and_debug_shows_the_traceback(root, capsys, monkeypatch):
    def broken(*a, **k):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr("flows.status.status_rows", broken)
    (root / "snapshots" / "_current.json").write_text('{"periode": "2026-11"}')
    assert run(app, ["status", "--data-root", str(root)]) == 1
    assert "--debug" in one_error_line(capsys)
    with pytest.raises(ZeroDivisionError):
        run(app, ["status", "--data-root", str(root)], debug=True)


def test_the_installed_executable_prints_one_line_and_exits_2(tmp_path):
    done = subprocess.run(
        [str(BIN / "padan"), "load-initial", "--data-root", str(tmp_path), "--periode", "2026-13", "--source", "x"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1 and "2026-13" in done.stderr
