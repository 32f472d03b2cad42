"""Progress of a run for whoever is watching: the command line installs a listener that draws bars;
under a deployment nobody listens and the calls cost nothing."""

from __future__ import annotations

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
