"""The stages of the monthly run as Prefect tasks: thin, each reads its inputs, calls pure
transforms and writes its outputs under the run's work folder (paths in, paths out)."""
