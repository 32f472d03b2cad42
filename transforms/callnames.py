"""Call names (nama panggilan): whether a proposed name is how people call the registered person.

The patterns are data (``rules/call_names.yaml``); each is a level of the name comparison of its
own, so that each has its own weight, and none lowers the guard on an ordinary name.
"""

from __future__ import annotations

import numpy as np
import polars as pl

PATTERNS = (
    "PANGGILAN_UMUM",
    "PANGGILAN_SETELAH_AWALAN",
    "PANGGILAN_BALI",
    "PANGGILAN_TANPA_AWALAN_KATA",
    "PANGGILAN_KATA_PERTAMA",
)


def _words(key: str | None) -> list[str]:
    return key.split() if key else []


def call_name_pattern(proposed: str, registered: str, sex: str | None, rules) -> str | None:
    """The first pattern by which ``proposed`` (a name key) is a call name of ``registered``, or None.
    ``rules`` is the call-name model (``rules.callnames``)."""
    p, r = _words(proposed), _words(registered)
    if not p or not r or p == r:
        return None
    generic = rules.umum.get(sex or "", ()) if sex else ()
    if p[0] in generic and all(w in r for w in p[1:]):
        return "PANGGILAN_UMUM"
    if len(r) >= 2 and r[0] in rules.awalan and p == r[1:2] + [w for w in r[2:] if w in p[1:]]:
        return "PANGGILAN_SETELAH_AWALAN"
    stripped = r
    while stripped and stripped[0] in rules.urutan_bali:
        stripped = stripped[1:]
    if stripped and len(stripped) < len(r) and (p == stripped or p == stripped[-1:]):
        return "PANGGILAN_BALI"

    def unprefixed(called: str, word: str) -> bool:
        return len(called) >= 3 and any(
            word.startswith(pre) and word[len(pre) :] == called for pre in rules.awalan_kata
        )

    # the whole name with one word's leading letters dropped, or that word alone (SITI SUKARMI -> KARMI)
    if len(p) == len(r) and sum(a != b for a, b in zip(p, r)) == 1:
        i = next(k for k, (a, b) in enumerate(zip(p, r)) if a != b)
        if unprefixed(p[i], r[i]):
            return "PANGGILAN_TANPA_AWALAN_KATA"
    if len(p) == 1 and any(unprefixed(p[0], w) for w in r):
        return "PANGGILAN_TANPA_AWALAN_KATA"
    if rules.kata_pertama and len(r) >= 2 and p == r[:1] and len(p[0]) >= 3:
        return "PANGGILAN_KATA_PERTAMA"
    return None


def call_name_levels(
    proposed: pl.Series, registered: pl.Series, sex: pl.Series, todo: np.ndarray, rules
) -> list[str | None]:
    """The call-name pattern of each pair in ``todo`` (indices): a handful of pairs per month (those
    whose names are otherwise far apart), so plain Python is fine here."""
    a, b, s = proposed.to_list(), registered.to_list(), sex.to_list()
    return [call_name_pattern(a[i], b[i], s[i], rules) for i in todo]
