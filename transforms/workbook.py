"""Reading an ``.xlsx`` usulan upload: every sheet is looked at, and each sheet with an usulan header
gives rows exactly as a CSV file would (then the same ``cleaning`` and ``validation``).

Cells are read by calamine (``fastexcel``) as text: a text cell as typed, a date cell as its date,
a number as its digits. What Excel does to a 16-digit NIK typed into a number cell (it keeps 15
significant digits: the last digit is gone) cannot be seen in the value, only in the cell's type,
which the sheet's XML holds: a NIK or No KK from a number cell of 12 digits or more is written in
scientific notation, the form the CSV reader knows as Excel damage (``NIK_RUSAK_EXCEL``: the
person is looked for from the other fields). Nothing here loops over rows.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

import fastexcel
import polars as pl

from schemas import USULAN_COLUMNS
from transforms.ingest import (
    MAX_COLUMNS,
    FileQuarantined,
    ParsedBatch,
    check_header,
    normalise_header,
    parse_usulan,
    shaped_records,
    unique_names,
)

MAX_UNPACKED_BYTES = 2 * 1024**3  # the parts of a workbook unpacked: more is refused (a zip bomb)
HEADER_SEARCH_ROWS = 30  # the header may sit below a title block of up to this many rows
MIN_HEADER_NAMES = 3  # a row naming at least this many usulan columns is the header
ID_COLUMNS = ("nik", "no_kk")
BIG_NUMBER = 1e11  # a number cell this large in an id column is an id Excel has turned into a number
_NS = r"(?:\w+:)?"


@dataclass(frozen=True)
class SheetOutcome:
    """What became of one sheet: read from ``header_row`` (its Excel row) with ``rows`` data rows, or
    not read with a reason code (``code``, ``detail``) and ``quarantined`` when its rows are lost to
    an error of the sheet rather than because it holds no usulan."""

    name: str
    header_row: int | None = None
    rows: int = 0
    code: str | None = None
    detail: str = ""
    quarantined: bool = False

    def entry(self) -> dict:
        """The sheet as the manifest records it."""
        if self.code is None:
            return {"nama": self.name, "baris_judul": self.header_row, "rows": self.rows}
        return {"nama": self.name, "karantina" if self.quarantined else "alasan": self.code, "keterangan": self.detail}


def is_workbook(raw: bytes) -> bool:
    """An Office Open XML workbook: a zip with ``xl/workbook.xml``."""
    if not raw.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as z:
            return "xl/workbook.xml" in z.namelist()
    except zipfile.BadZipFile:
        return False


def _sheet_parts(z: zipfile.ZipFile) -> list[str]:
    """The worksheet part of each sheet, in the workbook's order (the order calamine reads)."""
    book = z.read("xl/workbook.xml").decode("utf-8", "replace")
    rels = z.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    target = {}
    for rel in re.findall(rf"<{_NS}Relationship\b[^>]*>", rels):
        rid, tgt = re.search(r'\bId="([^"]+)"', rel), re.search(r'\bTarget="([^"]+)"', rel)
        if rid and tgt:
            t = tgt.group(1)
            target[rid.group(1)] = t.lstrip("/") if t.startswith("/") else "xl/" + t
    out = []
    for sheet in re.findall(rf"<{_NS}sheet\b[^>]*>", book):
        rid = re.search(r'\br:id="([^"]+)"|\b\w+:id="([^"]+)"', sheet)
        out.append(target.get(next(g for g in rid.groups() if g), "") if rid else "")
    return out


def number_cells(xml: str) -> pl.DataFrame:
    """The number cells of a worksheet's XML holding ``BIG_NUMBER`` or more: ``baris`` (Excel row)
    and ``angka`` (the value). Cells without a reference (``r="D4"``) are not found (Excel always
    writes one)."""
    cell = rf"<{_NS}c\b[^>]*>\s*<{_NS}v>(?:[0-9.]{{11,}}|[0-9.]+[eE]\+?[0-9]+)</{_NS}v>"
    cells = pl.DataFrame({"x": [xml]}).select(pl.col("x").str.extract_all(cell).explode().alias("c")).drop_nulls()
    return (
        cells.select(
            baris=pl.col("c").str.extract(r'\br="[A-Z]+([0-9]+)"').cast(pl.Int64, strict=False),
            tipe=pl.col("c").str.extract(r'\bt="(\w+)"'),
            angka=pl.col("c").str.extract(rf"<{_NS}v>([^<]*)<").cast(pl.Float64, strict=False),
        )
        .filter(pl.col("tipe").is_null() | (pl.col("tipe") == "n"), pl.col("baris").is_not_null())
        .filter(pl.col("angka").abs() >= BIG_NUMBER)
        .select("baris", "angka")
        .unique()
    )


def _header_index(grid: pl.DataFrame) -> int | None:
    known = set(USULAN_COLUMNS)
    top = grid.head(HEADER_SEARCH_ROWS).rows()
    for i, row in enumerate(top):
        if len({normalise_header(v) for v in row if v is not None} & known) >= MIN_HEADER_NAMES:
            return i
    return None


def _sheet_records(
    grid: pl.DataFrame, numbers: Callable[[], pl.DataFrame], name: str
) -> tuple[SheetOutcome, pl.DataFrame | None, list]:
    """One sheet's grid of text cells (row i = Excel row i + 1) -> its outcome, its rows (or None) and
    its ignored column names. ``numbers`` gives the sheet's big number cells (:func:`number_cells`);
    it is called only for a sheet whose header names an id column."""
    filled = grid.filter(~pl.all_horizontal(pl.all().is_null() | (pl.all().str.strip_chars() == "")))
    if grid.width == 0 or filled.height == 0:
        return SheetOutcome(name, code="LEMBAR_KOSONG", detail="lembar kosong"), None, []
    if grid.width > MAX_COLUMNS:
        detail = f"lembar memuat lebih dari {MAX_COLUMNS} kolom"
        return SheetOutcome(name, code="FILE_KOLOM_TERLALU_BANYAK", detail=detail, quarantined=True), None, []
    h = _header_index(grid)
    if h is None:
        detail = f"{filled.height} baris berisi, tanpa baris judul kolom usulan"
        return SheetOutcome(name, code="LEMBAR_BUKAN_USULAN", detail=detail), None, []
    names = [normalise_header(v or "") for v in grid.row(h)]
    try:
        check_header(names)
    except FileQuarantined as exc:
        return SheetOutcome(name, h + 1, code=exc.code, detail=exc.detail, quarantined=True), None, []
    below = grid.slice(h + 1)
    # a column without a header name and without a value below it is no column (a title cell above)
    blank = below.select((pl.all().is_null() | (pl.all().str.strip_chars() == "")).all()).row(0)
    keep = [j for j, n in enumerate(names) if n or not blank[j]]
    uniq = unique_names([names[j] or f"kolom_{j + 1}" for j in keep])
    body = (
        below.select([grid.columns[j] for j in keep])
        .rename(dict(zip([grid.columns[j] for j in keep], uniq)))
        .with_row_index("sumber_baris", offset=1)
        .with_columns(pl.col("sumber_baris").cast(pl.Int64))
    )
    excel_row = pl.col("sumber_baris") + (h + 1)
    big = numbers() if any(c in uniq for c in ID_COLUMNS) else None
    for col in ID_COLUMNS:
        if col in uniq and big.height:
            value = pl.col(col).cast(pl.Float64, strict=False)
            typed = body.select("sumber_baris", excel_row.alias("baris"), value.alias("angka"))
            numeric = typed.join(big, on=["baris", "angka"], how="semi")["sumber_baris"].implode()
            body = body.with_columns(
                pl.when(pl.col("sumber_baris").is_in(numeric))
                .then(_scientific(value))
                .otherwise(pl.col(col))
                .alias(col)
            )
    try:
        rows, ignored = shaped_records(body, uniq, [])
    except FileQuarantined:  # the header and no rows below it
        return SheetOutcome(name, h + 1, rows=0), None, []
    return SheetOutcome(name, h + 1, rows=rows.height), rows.with_columns(_lembar=pl.lit(name)), ignored


def _scientific(value: pl.Expr) -> pl.Expr:
    """A number as Excel shows a long one in a General cell, ``3.20101234567890E+15`` (15 digits)."""
    digits = value.abs().round(0).cast(pl.Int64, strict=False).cast(pl.String)
    return pl.concat_str(
        digits.str.slice(0, 1),
        pl.lit("."),
        digits.str.slice(1, 14).str.pad_end(14, "0"),
        pl.lit("E+"),
        (digits.str.len_chars() - 1).cast(pl.String),
    )


def read_workbook(raw: bytes) -> tuple[pl.DataFrame, list[str], list[SheetOutcome]]:
    """Every sheet of an ``.xlsx`` upload -> the rows of its usulan sheets (as ``ingest.shaped_records``
    gives them, plus ``_lembar``: the sheet's name), the ignored column names, and what became of each
    sheet. Raises ``FileQuarantined`` for a workbook that cannot be read, holds no usulan sheet or no
    data row."""
    try:
        z = zipfile.ZipFile(io.BytesIO(raw))
        unpacked = sum(i.file_size for i in z.infolist())
        if unpacked > MAX_UNPACKED_BYTES:
            raise FileQuarantined("FILE_TERLALU_BESAR", f"isi buku kerja {unpacked:,} byte setelah dibuka")
        parts = _sheet_parts(z)
        reader = fastexcel.read_excel(raw)
        names = reader.sheet_names
    except FileQuarantined:
        raise
    except Exception as exc:  # noqa: BLE001  a broken zip or workbook XML
        raise FileQuarantined(
            "FILE_TIDAK_TERBACA", f"buku kerja Excel tidak dapat dibuka ({type(exc).__name__})"
        ) from exc
    none = pl.DataFrame(schema={"baris": pl.Int64, "angka": pl.Float64})
    outcomes, frames, ignored = [], [], []
    with z:
        members = set(z.namelist())
        for i, name in enumerate(names):
            try:
                grid = reader.load_sheet(i, header_row=None, skip_rows=0, dtypes="string").to_polars()
            except Exception as exc:  # noqa: BLE001
                detail = f"lembar tidak dapat dibaca ({type(exc).__name__})"
                outcomes.append(SheetOutcome(name, code="FILE_TIDAK_TERBACA", detail=detail, quarantined=True))
                continue
            part = parts[i] if i < len(parts) and parts[i] in members else None

            def numbers(part: str | None = part) -> pl.DataFrame:
                return number_cells(z.read(part).decode("utf-8", "replace")) if part else none

            outcome, rows, sheet_ignored = _sheet_records(grid, numbers, name)
            outcomes.append(outcome)
            if rows is not None:
                frames.append(rows)
                ignored += [c for c in sheet_ignored if c not in ignored]
    if not any(o.header_row for o in outcomes):
        raise FileQuarantined("FILE_TANPA_HEADER", "tidak ada lembar dengan baris judul kolom usulan")
    if not frames:
        raise FileQuarantined("FILE_KOSONG", "tidak ada baris data di lembar mana pun")
    return pl.concat(frames, how="diagonal_relaxed"), ignored, outcomes


def parse_upload(raw: bytes) -> ParsedBatch:
    """Bytes of any upload -> ``ParsedBatch``: an Excel workbook (``.xlsx``, whatever the file's name)
    with ``_lembar`` on its rows and ``sheets``, anything else as CSV text (``ingest.parse_usulan``)."""
    if not is_workbook(raw):
        return parse_usulan(raw)
    frame, ignored, sheets = read_workbook(raw)
    return ParsedBatch(frame=frame, encoding="xlsx", delimiter="", ignored_columns=ignored, sheets=sheets)
