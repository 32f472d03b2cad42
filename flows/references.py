"""Reading the reference and feedback inputs under their contracts (contracts.md, "Inputs").

A file that does not fit its contract stops the run *before* the expensive work, with a message
naming the file, the column and what to do (:class:`InputContractError`): a Dukcapil extract
without ``TGL_MATI`` would otherwise pay the dead, and an SDM Kesos file with a renamed column
would lift every staff exclusion. Single rows that break a value rule (an unknown status, a NIK of
the wrong length) cost only themselves: they are reported in the manifest (``peringatan_input``:
file, column, rule, how many rows and which row numbers; never the values, which may be NIKs).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandera.errors
import pandera.polars as pa
import polars as pl
from pandera.api.polars.container import DataFrameSchema

import schemas
from flows import io


class InputContractError(ValueError):
    """A reference, feedback or override file that the run cannot use; the message says what to do."""


# the contract's columns and how each is conformed ("id": a 16-digit string, also when a careless
# writer stored it as an integer; never a float, which has lost digits)
DUKCAPIL_TYPES = {
    "NIK": "id",
    "NO_KK": "id",
    "NAMA_LGKP": "str",
    "TMPT_LHR": "str",
    "TGL_LHR": "date",
    "JENIS_KLMIN": "str",
    "NAMA_LGKP_IBU": "str",
    "ALAMAT": "str",
    "NO_PROP": "str",
    "NO_KAB": "str",
    "NO_KEC": "str",
    "NO_KEL": "str",
    "JENIS_PKRJN": "str",
    "STAT_HBKEL": "str",
    "TGL_MATI": "date",
}
DTSEN_TYPES = {"no_kk": "id", "desil": "int", "tgl_update": "date"}
FILE_ORDER = "_file"  # position of the file in its folder: the tie-breaker among duplicates
SCHEMAS = {"sdm_kesos": schemas.SdmKesos, "gis": schemas.Gis, "burekol": schemas.Burekol, "salur": schemas.Salur}


def _date_expr(name: str, dtype: pl.DataType) -> pl.Expr:
    c = pl.col(name)
    if isinstance(dtype, pl.Datetime):
        return c.dt.date()
    if dtype == pl.String:
        return pl.coalesce(c.str.to_date("%Y-%m-%d", strict=False), c.str.to_date("%d-%m-%Y", strict=False))
    return c.cast(pl.Date, strict=False) if dtype != pl.Null else pl.lit(None, pl.Date)


def _conformed(path: Path, types: dict[str, str], index: int, what: str) -> pl.LazyFrame:
    """One Parquet file with the contract's columns in the contract's types; a missing column or a
    type that cannot hold the value (a float id) refuses the file."""
    lf = io.scan_parquet(path)
    have = lf.collect_schema()
    missing = [n for n in types if n not in have]
    if missing:
        raise InputContractError(
            f"{path}: {what} lacks column(s) {', '.join(missing)} (has: {', '.join(have.names())}); "
            f"the contract (contracts.md) needs all of {', '.join(types)}: ask for a complete extract"
        )
    exprs = []
    for name, kind in types.items():
        dtype = have[name]
        if kind == "id":
            if dtype == pl.String:
                exprs.append(pl.col(name))  # untouched, so filters on it reach the Parquet reader
            elif dtype.is_integer():
                exprs.append(pl.col(name).cast(pl.String).str.zfill(16))
            else:
                raise InputContractError(
                    f"{path}: column {name} is {dtype}, not a string of 16 digits; a number type loses digits "
                    f"(floats keep 15-16 significant digits): ask for the file with {name} as text"
                )
        elif kind == "date":
            exprs.append(pl.col(name) if dtype == pl.Date else _date_expr(name, dtype).alias(name))
        elif kind == "int":
            if not (dtype.is_integer() or dtype == pl.String or dtype == pl.Null):
                raise InputContractError(f"{path}: column {name} is {dtype}, not an integer: fix the file")
            exprs.append(pl.col(name).cast(pl.Int64, strict=False))
        else:
            exprs.append(pl.col(name) if dtype == pl.String else pl.col(name).cast(pl.String))
    return lf.select(*exprs, pl.lit(index, pl.Int32).alias(FILE_ORDER))


def scan_dukcapil(root: io.Root) -> pl.LazyFrame:
    """Every file of the Dukcapil extract, conformed; ``_file`` tells which file a row came from."""
    return _scan(root.dukcapil, DUKCAPIL_TYPES, "the Dukcapil extract", required=True)


def scan_dtsen(root: io.Root) -> pl.LazyFrame | None:
    return _scan(root.dtsen, DTSEN_TYPES, "DTSEN", required=False)


def _scan(folder: Path, types: dict[str, str], what: str, *, required: bool) -> pl.LazyFrame | None:
    files = io.parquet_files(folder)
    if not files:
        if required:
            raise InputContractError(f"{folder}: no Parquet files of {what}; put the extract there and run again")
        return None
    return pl.concat([_conformed(f, types, i, what) for i, f in enumerate(files)], how="vertical")


def one_row_per_nik(dk: pl.LazyFrame) -> pl.LazyFrame:
    """Duplicate NIKs of the extract (the same person in two files) resolved deterministically: a
    row with a date of death first (a death is never undone), then the later file, then the row
    content; identical repeats collapse."""
    have = dk.collect_schema().names()
    order = [c for c in DUKCAPIL_TYPES if c in have and c not in ("NIK", "TGL_MATI")]
    return (
        dk.sort(
            ["NIK", pl.col("TGL_MATI").is_null(), FILE_ORDER, *order],
            descending=[False, False, True] + [False] * len(order),
            nulls_last=True,
        )
        .unique("NIK", keep="first", maintain_order=True)
        .drop(FILE_ORDER)
    )


def duplicate_niks(dk: pl.DataFrame) -> int:
    """How many NIKs of a fetched subset came in more than one row."""
    return int(dk.group_by("NIK").len().filter(pl.col("len") > 1).height) if dk.height else 0


# ---------------------------------------------------------------------------------------------
# CSV references and feedback
# ---------------------------------------------------------------------------------------------


@dataclass
class CsvInput:
    frame: pl.DataFrame  # the model's columns, strings, plus _sumber / _baris
    entries: list[dict]  # manifest entries of the files read
    warnings: list[dict] = field(default_factory=list)


def read_csv_input(
    folder: Path, model: type[pa.DataFrameModel], kind: str, root: io.Root, programmes: schemas.Programmes
) -> CsvInput:
    """All CSVs of a folder under ``model`` (bound to the run's ``programmes``): a file without a
    required column, or that cannot be read, refuses the run; rows that break a value rule are
    reported and kept (the rules decide what a bad value means, e.g. an unknown burekol status opens
    no account)."""
    schema = schemas.bound(model, programmes)
    columns = list(schema.columns)
    required = [c for c, col in schema.columns.items() if col.required]
    frames, entries, warnings = [], [], []
    for f in io.visible_files(folder, "*.csv"):
        rel = str(f.relative_to(root.path))
        raw = io.read_bytes(f)
        try:
            df = io.csv_strings(raw)
        except Exception as exc:  # noqa: BLE001  any reason a file cannot be read is the same for the operator
            raise InputContractError(
                f"{rel}: {kind} file cannot be read ({exc}); replace it with a CSV "
                f"that has a header row with {', '.join(columns)}"
            ) from exc
        missing = [c for c in required if c not in df.columns]
        if missing and df.height:
            raise InputContractError(
                f"{rel}: {kind} file lacks column(s) {', '.join(missing)} (has: {', '.join(df.columns) or 'none'}); "
                f"fix the header (needed: {', '.join(required)}) and run again"
            )
        df = df.select([pl.col(c) if c in df.columns else pl.lit(None, pl.String).alias(c) for c in columns])
        df = df.with_columns(_sumber=pl.lit(rel)).with_row_index("_baris", offset=1)
        warnings += _row_warnings(df, schema, rel, kind)
        frames.append(df)
        entries.append({"kind": kind, "path": rel, "sha256": io.sha256_bytes(raw), "rows": df.height})
    if not frames:
        empty = pl.DataFrame(schema={**{c: pl.String for c in columns}, "_sumber": pl.String, "_baris": pl.UInt32})
        return CsvInput(empty, entries, warnings)
    return CsvInput(pl.concat(frames, how="vertical_relaxed"), entries, warnings)


def _row_warnings(df: pl.DataFrame, schema: DataFrameSchema, rel: str, kind: str) -> list[dict]:
    """One entry per (column, rule) that some rows break: counts and row numbers, never values."""
    try:
        schema.validate(df.drop("_sumber", "_baris"), lazy=True)
        return []
    except pandera.errors.SchemaErrors as exc:
        fc = exc.failure_cases
    fc = fc.filter(pl.col("index").is_not_null())
    out = []
    for (column, check), part in sorted(fc.group_by("column", "check"), key=lambda kv: (str(kv[0][0]), str(kv[0][1]))):
        rows = sorted({int(i) + 1 for i in part["index"].to_list()})
        out.append(
            {"kind": kind, "path": rel, "column": column, "check": str(check), "rows": len(rows), "baris": rows[:10]}
        )
    return out


def references_ready(root: io.Root, periode: str) -> dict:
    """What the run checks before any matching: every reference file fits its contract (columns,
    types; reading the Parquet schemas costs no data scan). Returns the manifest entries (file,
    sha256, rows) of the Parquet references; raises :class:`InputContractError`."""
    dk = scan_dukcapil(root)
    dk.collect_schema()
    dtsen = scan_dtsen(root)
    if dtsen is not None:
        dtsen.collect_schema()
    return {
        "reference": [
            {
                "kind": kind,
                "path": str(f.relative_to(root.path)),
                "sha256": io.sha256_file(f),
                "rows": io.parquet_rows(f),
            }
            for kind, folder in (("dukcapil", root.dukcapil), ("dtsen", root.dtsen))
            for f in io.parquet_files(folder)
        ]
    }


CSV_INPUTS = ("sdm_kesos", "gis", "burekol", "salur")


def csv_folder(root: io.Root, periode: str, name: str) -> Path:
    return {
        "sdm_kesos": root.sdm_kesos,
        "gis": root.gis,
        "burekol": root.feedback(periode, "burekol"),
        "salur": root.feedback(periode, "salur"),
    }[name]


def read_all(
    root: io.Root, periode: str, programmes: schemas.Programmes
) -> tuple[dict[str, pl.DataFrame], list[dict], list[dict]]:
    """Every reference, feedback and override input under its contract (a feedback file's programmes:
    those of the rule set, ``programmes``), before any matching:
    (the CSV inputs and overrides as frames, the manifest entries, the value warnings). Raises
    :class:`InputContractError` for the first file that cannot be used."""
    entries = list(references_ready(root, periode)["reference"])
    frames, warnings = {}, []
    for name in CSV_INPUTS:
        got = read_csv_input(csv_folder(root, periode, name), SCHEMAS[name], name, root, programmes)
        frames[name] = got.frame
        entries += got.entries
        warnings += got.warnings
    frames["overrides"], ov_entries = read_overrides(root)
    return frames, entries + ov_entries, warnings


def read_overrides(root: io.Root) -> tuple[pl.DataFrame, list[dict]]:
    """Every override file (``overrides/*.csv``), validated, with its origin (``_sumber``, ``_baris``).
    An incomplete human decision refuses the run, naming the file and the rows."""
    from transforms.overrides import COLUMNS, OverrideError, validated_overrides

    frames, entries = [], []
    for f in io.visible_files(root.overrides, "*.csv"):
        rel = str(f.relative_to(root.path))
        raw = io.read_bytes(f)
        try:
            df = io.csv_strings(raw)
        except Exception as exc:  # noqa: BLE001
            raise InputContractError(f"{rel}: override file cannot be read ({exc}); fix or remove it") from exc
        df = df.select([pl.col(c) if c in df.columns else pl.lit(None, pl.String).alias(c) for c in COLUMNS])
        frames.append(df.with_columns(_sumber=pl.lit(rel)).with_row_index("_baris", offset=1))
        entries.append({"kind": "overrides", "path": rel, "sha256": io.sha256_bytes(raw), "rows": df.height})
    empty = pl.DataFrame(schema={**{c: pl.String for c in COLUMNS}, "_sumber": pl.String, "_baris": pl.UInt32})
    try:
        return validated_overrides(pl.concat(frames, how="vertical_relaxed") if frames else empty), entries
    except OverrideError as exc:
        raise InputContractError(str(exc)) from exc
