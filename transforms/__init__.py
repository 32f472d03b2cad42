"""Pure transforms on polars LazyFrames: parsing, normalising, matching, rules.

Nothing in this package opens a file of the data root, reads the clock or the environment.
"""
