"""Synthetic data for a Padan data root: population, reference extracts, feedback and usulan.

This module is the generator's front door: it re-exports the functions and tables the writer
(``flows.generate``), the tests and the benchmarks use. The code lives in the modules beside it:

* :mod:`synthetic.population` - :func:`population`, the Dukcapil extract (contract columns) plus
  helper columns (``hh_id``, ``pos``, ``kode_wilayah``, ``culture``, ``fam``, ``nik_grp_n``,
  ``twin_root``); the writer keeps only :data:`DUKCAPIL_COLUMNS`. Its families, twins and
  namesakes come from :mod:`synthetic.twins`, names from :mod:`synthetic.naming` and
  :mod:`synthetic.cultures`, villages and addresses from :mod:`synthetic.regions`.
* :mod:`synthetic.references` - :func:`dtsen`, :func:`sdm_kesos`, :func:`gis`, :func:`burekol`,
  :func:`salur`: reference and feedback files, already in their contract columns.
* :mod:`synthetic.usulan` - :func:`usulan`, the proposal rows of this period with their noise,
  file assignment and truth; the noise kinds are in :mod:`synthetic.noise` (rates, groups, mixes)
  and one function per kind in ``synthetic.noise_*``.
* :mod:`synthetic.dialects` - :func:`usulan_dialects`, the per-file CSV dialect, and :func:`usulan_csv`,
  the bytes of a file written in it.

Pure generation: every function takes a seeded ``numpy.random.Generator`` and sizes and returns a
polars DataFrame. Nothing here opens a file, reads the clock or the environment; the writer is
``flows.generate``. Everything is vectorised (numpy / polars): loops run over a handful of
categories (cultures, patterns, provinces, noise kinds), never over persons or households.
The frames follow the data contracts (``shared/spec/contracts.md``).

Examples
--------
>>> import numpy as np
>>> rng = np.random.default_rng(7)
>>> pop = population(rng, 500, periode="2026-01")
>>> pop.height, pop["NIK"].str.len_chars().unique().to_list()
(500, [16])
>>> rows = usulan(rng, pop, 120, periode="2026-01")
>>> rows.height
120
"""

from __future__ import annotations

from synthetic.common import DUKCAPIL_COLUMNS, USULAN_COLUMNS, periode_start
from synthetic.cultures import CULTURES
from synthetic.dialects import styled_header, usulan_csv, usulan_dialects
from synthetic.noise import DEFAULT_NOISE_RATES, INVALID_KINDS, NOISE_GROUPS, NOISE_MIXES, resolve_rates
from synthetic.occupations import PEKERJAAN
from synthetic.population import POPULATION_MIXES, population
from synthetic.references import burekol, dtsen, gis, salur, sdm_kesos
from synthetic.usulan import usulan
from synthetic.vocabulary import JENIS_USULAN, ROLES

# flows.generate records the resolved rates of a root in its truth.json under this name
_resolve_rates = resolve_rates

__all__ = [
    "CULTURES",
    "DEFAULT_NOISE_RATES",
    "DUKCAPIL_COLUMNS",
    "INVALID_KINDS",
    "JENIS_USULAN",
    "NOISE_GROUPS",
    "NOISE_MIXES",
    "PEKERJAAN",
    "POPULATION_MIXES",
    "ROLES",
    "USULAN_COLUMNS",
    "burekol",
    "dtsen",
    "gis",
    "periode_start",
    "population",
    "resolve_rates",
    "salur",
    "sdm_kesos",
    "usulan",
    "styled_header",
    "usulan_csv",
    "usulan_dialects",
]
