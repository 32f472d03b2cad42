"""The run journal (``<data-root>/.padan/runs.jsonl``): one line when a month's run starts and one
when it ends (published, unchanged, refused or failed), written by the writer holding the lock, so
that ``padan status`` can tell the runs that never published apart from those that did. A run that
was killed has a start and no end. No line carries personal data: a failure is its exception type,
with the message only for Padan's own refusals and any NIK-like digit run cut to the region."""

from __future__ import annotations

import datetime as dt
import json
import os
import re

from flows import io

DIGITS = re.compile(r"\d(?:[ .\-]?\d){9,}")  # ten digits or more, spaces, dots or dashes between


def path(root: io.Root):
    return root.path / ".padan" / "runs.jsonl"


def _now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


def scrub(text: str) -> str:
    """A message with every long digit run (a NIK or No KK, also typed with spaces or dots) cut to
    its first six characters, on one line."""
    return " ".join(DIGITS.sub(lambda m: m.group(0)[:6] + "**********", str(text)).split())[:500]


def _own_message(error: BaseException) -> bool:
    """Padan's own refusals word their messages (files, fields, what to do); anything else (a
    library's error) may quote a cell, so only its type is kept."""
    from flows.cli_errors import user_errors
    from flows.manifest import SnapshotExists

    return isinstance(error, (*user_errors(), SnapshotExists))


def record(root: io.Root, **entry) -> dict:
    line = {"pada": _now(), "pid": os.getpid(), **entry}
    io.make_dirs(path(root).parent)
    with open(path(root), "a", encoding="utf-8") as f:
        f.write(json.dumps(line, sort_keys=True, ensure_ascii=False) + "\n")
        f.flush()
        os.fsync(f.fileno())
    return line


def started(root: io.Root, periode: str, *, replace: bool) -> str:
    """Record a run's start; returns its id."""
    run = f"{_now().replace(':', '').replace('-', '')[:15]}-{os.getpid()}"
    record(root, run=run, periode=periode, peristiwa="mulai", replace=replace)
    return run


def ended(root: io.Root, run: str, periode: str, outcome: str, *, error: BaseException | None = None) -> None:
    extra = {}
    if error is not None:
        extra = {"galat": type(error).__name__, "pesan": scrub(str(error)) if _own_message(error) else None}
    record(root, run=run, periode=periode, peristiwa="selesai", hasil=outcome, **extra)


def runs(root: io.Root) -> list[dict]:
    """Every run of the journal, oldest first: its start, end (or none: killed or still running),
    outcome and failure. A torn last line (a kill while writing) is skipped."""
    p = path(root)
    if not io.is_file(p):
        return []
    by_id: dict[str, dict] = {}
    for raw in p.read_text(encoding="utf-8").splitlines():
        try:
            e = json.loads(raw)
        except ValueError:
            continue
        run = by_id.setdefault(e["run"], {"run": e["run"], "periode": e["periode"], "pid": e.get("pid")})
        if e["peristiwa"] == "mulai":
            run |= {"mulai": e["pada"], "replace": e.get("replace", False)}
        else:
            run |= {"selesai": e["pada"], "hasil": e["hasil"], "galat": e.get("galat"), "pesan": e.get("pesan")}
    return list(by_id.values())
