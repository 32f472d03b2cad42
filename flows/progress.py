"""Progress of a run for whoever is watching: the command line installs a listener that draws bars;
under a deployment nobody listens and the calls cost nothing."""

from __future__ import annotations

import time
from collections.abc import Callable

Listener = Callable[[str, int, int], None]
_listeners: list[Listener] = []


def listen(fn: Listener) -> None:
    _listeners.append(fn)


def clear() -> None:
    _listeners.clear()


def report(stage: str, done: int, total: int) -> None:
    """``stage`` has finished ``done`` of ``total`` steps."""
    for fn in _listeners:
        fn(stage, done, total)


class Stopwatch:
    """How long each stage of a run took and how many rows it gave (the manifest's ``tahap``, the
    report's first table): ``lap`` at the end of each stage."""

    def __init__(self) -> None:
        self._last = time.perf_counter()
        self._laps: list[dict] = []

    def lap(self, stage: str, rows: int) -> None:
        now = time.perf_counter()
        self._laps.append({"tahap": stage, "detik": round(now - self._last, 2), "baris": int(rows)})
        self._last = now

    def stages(self) -> list[dict]:
        return list(self._laps)
