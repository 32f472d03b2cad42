"""The synthetic data generator (``padan generate``, the demo, the tests and the benchmarks): a
population with families, twins, namesakes and call names, the references, and proposals with the
noise of real uploads, plus their ground truth. Not part of a monthly run: ``transforms/`` never
imports it.

- ``synthetic.core``: population, references, usulan rows, noise kinds and mixes, truth;
- ``synthetic.names``: Indonesian naming customs (regional given names, surnames, clan names,
  call names).
"""
