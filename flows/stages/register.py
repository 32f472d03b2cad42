"""The register stage: the period's rows applied to the previous register per person partition (the
province code a NIK starts with), and the partitions' tables combined."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from prefect import task

from flows import io, remote_tasks
from flows.stages.common import TASK, part_files, task_groups
from flows.stages.results import Register, RegisterPart, Split
from rules import rejecting_codes
from schemas import USULAN_COLUMNS
from transforms import outcomes, register, review
from transforms.riwayat import RIWAYAT_SCHEMA, empty_riwayat, riwayat_after, unverified_removed

# the usulan row as read, and the matching's working columns: not carried into the register stage
RAW_COLUMNS = [*(c for c in USULAN_COLUMNS if c != "jenis_usulan"), "_row", "cmp_nama", "cmp_tgl", "cmp_jk", "bobot"]


@task(**TASK)
def split_register(data_root: str, periode: str, matched: str, *, rows_partitions_only: bool = False) -> Split:
    """One streaming pass each over the period's rows and the previous register, split by partition.
    ``rows_partitions_only``: the previous register only in the partitions the rows fall in (a check
    of one file, ``padan periksa``: the other partitions cannot change its rows' outcomes)."""
    root = io.Root(Path(data_root))
    base = root.work(periode) / "register"
    io.remove_tree(base)
    previous_periode = io.latest_snapshot_before(root, periode)
    rows = io.scan_parquet(matched)
    if rows.collect_schema().len():  # a period with no rows leaves a frame with no columns
        (
            rows.drop(RAW_COLUMNS, strict=False)
            .with_columns(register.register_key_expr())
            .with_columns(_part=register.partition_expr(pl.coalesce("nik_register", "nik_usulan")))
            .pipe(io.sink_partitions, base / "rows", ["_part"])
        )
    if previous_periode:
        previous = (
            io.scan_parquet(root.snapshot(previous_periode) / "individu" / "individu.parquet")
            .select(register.INDIVIDU_COLUMNS)
            .with_columns(_part=register.partition_expr(pl.col("nik")))
        )
        if rows_partitions_only:
            wanted = [d.name.split("=", 1)[1] for d in io.partition_folders(base / "rows", "_part")]
            previous = previous.filter(pl.col("_part").is_in(wanted))
        previous.pipe(io.sink_partitions, base / "previous", ["_part"])
    return Split(groups=task_groups(base / "rows", base / "previous"), previous_periode=previous_periode)


@task(**TASK)
def reconcile_partition(data_root: str, periode: str, parts: list[str]) -> RegisterPart:
    """Apply some partitions' rows to their part of the previous register: every row's outcome, the
    register after and this period's history events."""
    with remote_tasks.task_root(data_root, periode, parts=parts) as folder:
        return _reconcile_partition(io.Root(folder), periode, parts)


def _reconcile_partition(root: io.Root, periode: str, parts: list[str]) -> RegisterPart:
    base = root.work(periode) / "register"
    prev_files = part_files(base / "previous", parts)
    previous = io.read_parquet(prev_files).drop("_part") if prev_files else register.empty_individu()
    previous, purged = unverified_removed(previous, periode=periode)
    row_files = part_files(base / "rows", parts)
    out = base / "out" / parts[0]
    if not row_files:
        return RegisterPart(
            individu=str(io.write_parquet(previous, out / "individu.parquet")),
            riwayat=str(io.write_parquet(purged, out / "riwayat.parquet")),
        )
    rejecting = rejecting_codes()
    lineage = ["kode_prov", "sumber_file", "sumber_baris"]
    rows = (
        io.read_parquet(row_files)
        .drop("_part")
        .pipe(register.duplicate_codes, rejecting=rejecting)
        .pipe(register.register_codes, previous, rejecting=rejecting)
        .pipe(review.carried_codes)
        .with_columns(jenis_usulan=pl.coalesce("jenis", pl.col("jenis_usulan")), periode=pl.lit(periode))
        .sort(lineage)
    )

    def decided(rows: pl.DataFrame) -> pl.DataFrame:
        return rows.with_columns(
            alasan=pl.concat_list("alasan_validasi", "alasan_padan", "alasan_duplikat", "alasan_register").list.unique(
                maintain_order=True
            )
        ).with_columns(hasil=outcomes.hasil_expr("alasan", rejecting))

    rows = decided(rows)
    # a row whose register record would break the individu contract is refused, never published
    unfit = register.unfit_register_rows(rows.filter(pl.col("hasil") == "DITERIMA"), periode=periode)
    if unfit.height:
        rows = decided(
            rows.join(unfit.with_columns(_unfit=pl.lit(True)), on=lineage, how="left", maintain_order="left")
            .with_columns(
                alasan_register=pl.when(pl.col("_unfit").fill_null(False))
                .then(pl.col("alasan_register").list.concat(pl.lit(["DATA_REGISTER_TIDAK_LENGKAP"])))
                .otherwise(pl.col("alasan_register"))
            )
            .drop("_unfit")
        )
    accepted = rows.filter(pl.col("hasil") == "DITERIMA")
    individu = register.individu_after(previous, accepted, periode=periode)
    events = riwayat_after(purged, previous, accepted, individu, periode=periode)
    return RegisterPart(
        hasil_usulan=str(io.write_parquet(outcomes.hasil_usulan_table(rows), out / "hasil_usulan.parquet")),
        individu=str(io.write_parquet(individu, out / "individu.parquet")),
        riwayat=str(io.write_parquet(events, out / "riwayat.parquet")),
    )


def _combined(
    parts: list[RegisterPart], table: str, empty: pl.DataFrame, sort: list[str], first: pl.LazyFrame | None = None
) -> pl.LazyFrame:
    paths = [getattr(p, table) for p in parts]
    frames = ([first] if first is not None else []) + [io.scan_parquet(path) for path in paths if path]
    if not frames:
        return empty.lazy()
    return pl.concat(frames, how="vertical_relaxed").sort(sort, maintain_order=True)


@task(**TASK)
def combine_register(data_root: str, periode: str, parts: list[RegisterPart], previous_periode: str | None) -> Register:
    """The partitions' outputs as the period's three register tables, in their published order."""
    root = io.Root(Path(data_root))
    work = root.work(periode)
    history = root.snapshot(previous_periode) / "riwayat" / "riwayat.parquet" if previous_periode else None
    previous_riwayat = (
        io.scan_parquet(history).select(list(RIWAYAT_SCHEMA)) if history and io.is_file(history) else None
    )
    hasil = _combined(
        parts,
        "hasil_usulan",
        pl.DataFrame(schema=outcomes.HASIL_USULAN_SCHEMA),
        ["kode_prov", "sumber_file", "sumber_baris"],
    )
    individu = _combined(parts, "individu", register.empty_individu(), ["kode_prov", "no_kk", "nik"])
    riwayat = _combined(
        parts,
        "riwayat",
        empty_riwayat(),
        ["periode", "kode_prov", "sumber_file", "sumber_baris", "nik"],
        first=previous_riwayat,
    )
    return Register(
        hasil_usulan=str(io.write_parquet(hasil.collect(), work / "hasil_usulan.parquet")),
        individu=str(io.write_parquet(individu.collect(), work / "individu.parquet")),
        riwayat=str(io.write_parquet(riwayat.collect(), work / "riwayat.parquet")),
        previous_periode=previous_periode,
    )
