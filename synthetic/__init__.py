"""The synthetic data generator (``padan generate``, the demo, the tests and the benchmarks): a
population with families, twins, namesakes and call names, the references, and proposals with the
noise of real uploads, plus their ground truth. Not part of a monthly run: ``transforms/`` never
imports it.

- ``synthetic.core``: the front door (what ``flows.generate``, the tests and the benchmarks use);
- ``synthetic.population``: the Dukcapil population, with ``synthetic.twins`` (twins, namesakes),
  ``synthetic.naming`` and ``synthetic.cultures`` (names), ``synthetic.regions`` (villages,
  addresses), ``synthetic.occupations`` and ``synthetic.vocabulary``;
- ``synthetic.references``: DTSEN, SDM Kesos, GIS, Burekol and Salur;
- ``synthetic.usulan``: the usulan rows, step by step: ``synthetic.proposals`` (who, which file),
  ``synthetic.relocation`` (families that moved), ``synthetic.lookalikes`` and
  ``synthetic.callnames`` (what a NIK mistake or a call name can be), ``synthetic.noise`` (the
  kinds, rates, groups and mixes) and one function per kind in ``synthetic.noise_nik``,
  ``synthetic.noise_name``, ``synthetic.noise_fields`` and ``synthetic.noise_invalid``;
- ``synthetic.dialects``: the CSV dialect of every usulan file;
- ``synthetic.common``: small helpers (dates as day numbers, weighted draws, gathers);
- ``synthetic.names``: Indonesian naming customs (regional given names, surnames, clan names,
  call names).
"""
