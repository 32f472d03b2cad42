"""The rules stage: eligibility, status and amounts per programme and unit, worked per household
partition (the province code a no_kk starts with), so that each task holds one partition's
households, their members and their family cards."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from prefect import task

from flows import io, references, remote_tasks
from flows.stages.common import TASK, common_input, part_files, reference_date, task_groups
from flows.stages.results import Split
from rules import load_ruleset
from transforms import household, overrides, register, status

PERSON_FACTS = {"NIK": pl.String, "TGL_MATI": pl.Date, "JENIS_PKRJN": pl.String}


@task(**TASK)
def split_rules(data_root: str, periode: str, individu_path: str) -> Split:
    """The register and the reference facts the rules need, split by household partition, each
    reference read once: Dukcapil for the register's persons (by NIK) and for everyone on their
    households' family cards (by NO_KK, registered or not), DTSEN for their households."""
    root = io.Root(Path(data_root))
    base = root.work(periode) / "rules"
    io.remove_tree(base)
    individu = io.scan_parquet(individu_path).with_columns(_part=register.partition_expr(pl.col("no_kk")))
    individu.pipe(io.sink_partitions, base / "individu", ["_part"])
    keys = individu.select("nik", "no_kk", "_part").collect()
    households = keys["no_kk"].unique()
    dk = references.scan_dukcapil(root)
    found = (
        dk.filter(pl.col("NIK").is_in(keys["nik"].implode()) | pl.col("NO_KK").is_in(households.implode()))
        .select(*household.CARD_COLUMNS, references.FILE_ORDER)
        .collect()
    )
    people = references.one_row_per_nik(found.lazy()).collect()
    (
        people.lazy()
        .select(*PERSON_FACTS)
        .join(keys.lazy().select(NIK="nik", _part="_part"), on="NIK", how="inner")
        .pipe(io.sink_partitions, base / "dukcapil", ["_part"])
    )
    (
        people.lazy()
        .filter(pl.col("NO_KK").is_in(households.implode()))
        .with_columns(_part=register.partition_expr(pl.col("NO_KK")))
        .pipe(io.sink_partitions, base / "kartu", ["_part"])
    )
    dtsen = references.scan_dtsen(root)
    if dtsen is not None:
        (
            dtsen.filter(pl.col("no_kk").is_in(households.implode()))
            .drop(references.FILE_ORDER)
            .with_columns(_part=register.partition_expr(pl.col("no_kk")))
            .pipe(io.sink_partitions, base / "dtsen", ["_part"])
        )
    ov = io.read_parquet(common_input(root, periode, "overrides"))
    sanggah = overrides.sanggah_decisions(
        overrides.active_overrides(ov, periode=periode, reference_date=reference_date(periode))
    )
    io.write_parquet(sanggah, common_input(root, periode, "sanggah"))
    return Split(
        groups=task_groups(base / "individu") or [["00"]],
        dukcapil_nik_ganda=references.duplicate_niks(found.filter(pl.col("NIK").is_in(keys["nik"].implode()))),
    )


@task(**TASK)
def decide_partition(data_root: str, periode: str, parts: list[str], rules_path: str | None) -> str:
    """Eligibility, status and amounts per programme and unit, for the households of some partitions."""
    with remote_tasks.task_root(data_root, periode, parts=parts) as folder:
        return _decide_partition(io.Root(folder), periode, parts, rules_path)


def _decide_partition(root: io.Root, periode: str, parts: list[str], rules_path: str | None) -> str:
    base = root.work(periode) / "rules"
    rules = load_ruleset(rules_path)

    def part_of(table: str, empty: dict) -> pl.LazyFrame:
        files = part_files(base / table, parts)
        return io.scan_parquet(files).drop("_part") if files else pl.LazyFrame(schema=empty)

    common = {
        name: io.scan_parquet(common_input(root, periode, name))
        for name in ("sdm_kesos", "gis", "sanggah", "rekening", "tahap")
    }
    out = status.penerima(
        part_of("individu", register.empty_individu().schema),
        part_of("dukcapil", PERSON_FACTS),
        part_of("kartu", household.CARD_COLUMNS),
        part_of("dtsen", {"no_kk": pl.String, "desil": pl.Int64, "tgl_update": pl.Date}),
        common["sdm_kesos"],
        common["gis"],
        common["rekening"],
        common["tahap"],
        rules=rules,
        periode=periode,
        reference_date=reference_date(periode),
        sanggah=common["sanggah"],
    ).collect()
    return str(io.write_parquet(out, base / "out" / parts[0] / "penerima.parquet"))


@task(**TASK)
def combine_rules(data_root: str, periode: str, parts: list[str]) -> str:
    """The partitions' penerima as the period's one table, in its published order."""
    root = io.Root(Path(data_root))
    frames = [io.scan_parquet(p) for p in parts]
    out = pl.concat(frames, how="vertical_relaxed").sort("program", "kode_prov", "no_kk", "nik", maintain_order=True)
    return str(io.write_parquet(out.collect(), root.work(periode) / "penerima.parquet"))
