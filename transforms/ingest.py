"""Reading province usulan batches: bytes -> decoded text -> a frame of strings (then ``cleaning``:
typed columns, and ``validation``: reason codes).

Reading is columnar (polars' CSV reader on the decoded text); nothing here loops over rows.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass, field

import polars as pl

from schemas import USULAN_COLUMNS, USULAN_REQUIRED

MAX_FIELD_CHARS = 500
MAX_COLUMNS = 256  # a header wider than this quarantines the file (FILE_KOLOM_TERLALU_BANYAK)
MAX_HEADER_CHARS = 64 * 1024  # the header record is looked for in this many characters
MAX_FILE_BYTES = 256 * 1024 * 1024  # a bigger upload is not read (FILE_TERLALU_BESAR): ~2M rows
EXTRA_FIELDS = 16  # fields beyond the header that are read and inspected (KOLOM_BERLEBIH)
# C0 control characters other than tab, line feed and carriage return (what a text cell never holds)
CONTROL_CHARS = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]"
_CONTROL_BYTES = bytes([*range(0, 9), *range(14, 32)])
BINARY_CONTROL_SHARE = 0.05  # more control bytes than this in the first 64 KiB: binary
BINARY_MAGIC = (
    (b"PK\x03\x04", "ZIP/XLSX"),
    (b"PK\x05\x06", "ZIP"),
    (b"PK\x07\x08", "ZIP"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "XLS/DOC (OLE)"),
    (b"%PDF-", "PDF"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"\x1f\x8b", "GZIP"),
)


class FileQuarantined(Exception):
    """A whole file cannot be used; ``code`` is a reason code from the catalogue."""

    def __init__(self, code: str, detail: str):
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


@dataclass
class ParsedBatch:
    frame: pl.DataFrame  # contract columns (strings) + sumber_baris + kolom_lain + row flags
    encoding: str
    delimiter: str
    ignored_columns: list[str] = field(default_factory=list)
    header_row: int = 1  # the spreadsheet row of the header: data row n is spreadsheet row n + header_row
    sheets: list = field(default_factory=list)  # a workbook's sheets (``workbook.SheetOutcome``); [] for CSV


# ---------------------------------------------------------------------------------------------
# bytes -> text
# ---------------------------------------------------------------------------------------------


def binary_kind(raw: bytes) -> str | None:
    """What binary format ``raw`` is (``"PDF"``, ``"ZIP/XLSX"``, ...), or None for text.

    Binary means a known magic number, or more than 5 % control bytes (other than tab and line
    ends) in the first 64 KiB. A few stray NULs in a text file are not binary: their rows are
    flagged by the reader (``KARAKTER_TIDAK_SAH``).
    """
    for magic, kind in BINARY_MAGIC:
        if raw.startswith(magic):
            return kind
    sample = raw[:65536]
    control = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    return "karakter kontrol" if sample and control > len(sample) * BINARY_CONTROL_SHARE else None


def decode_text(raw: bytes) -> tuple[str, str]:
    """Decode a CSV upload: UTF-8 (with or without BOM), UTF-16 with BOM, else Windows-1252.

    Raises ``FileQuarantined`` for binary content (``binary_kind``).
    """
    if raw.startswith(codecs.BOM_UTF8):
        enc, body = "utf-8-sig", raw[len(codecs.BOM_UTF8) :]
        try:
            return body.decode("utf-8"), enc
        except UnicodeDecodeError:
            return body.decode("cp1252", errors="replace"), "cp1252"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise FileQuarantined("FILE_TIDAK_TERBACA", f"UTF-16 tidak valid: {exc.reason}") from exc
    kind = binary_kind(raw)
    if kind:
        raise FileQuarantined("FILE_TIDAK_TERBACA", f"berkas biner ({kind}), bukan teks CSV")
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # Windows-1252 leaves 5 bytes undefined; map those through Latin-1 rather than failing.
    text = raw.decode("cp1252", errors="replace")
    if text.count("\ufffd") > max(10, len(text) // 100):
        raise FileQuarantined("FILE_TIDAK_TERBACA", "pengodean karakter tidak dikenali")
    return raw.decode("latin-1") if "\ufffd" in text else text, "cp1252"


# ---------------------------------------------------------------------------------------------
# text -> frame of strings
# ---------------------------------------------------------------------------------------------


def _first_record(text: str) -> str:
    for line in text[:MAX_HEADER_CHARS].splitlines():
        if line.strip().strip(",;\t"):
            return line
    return ""


def sniff_delimiter(text: str) -> str:
    """Pick the delimiter from the header line: the most frequent of ``;`` ``,`` ``\\t`` ``|`` outside quotes."""
    header = _first_record(text)
    unquoted = re.sub(r'"[^"]*"', "", header)
    counts = {d: unquoted.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] > 0 else ","


def normalise_header(name: str) -> str:
    """Header matching is case-insensitive and ignores surrounding spaces (inner spaces become ``_``)."""
    n = re.sub(CONTROL_CHARS, "", name).replace("\ufeff", "").strip().strip('"').strip().lower()
    return re.sub(r"[\s\-]+", "_", n)


def header_fields(text: str, *, delimiter: str) -> list[str]:
    """The first record of ``text`` as a list of fields, read from its first ``MAX_HEADER_CHARS``
    characters only: a header wider than ``MAX_COLUMNS`` or longer than that is refused here,
    before the body is parsed (a million-column header costs milliseconds, not minutes)."""
    prefix = text[:MAX_HEADER_CHARS]
    buf = io.StringIO(prefix, newline="")
    try:
        fields = next(csv.reader(buf, delimiter=delimiter))
    except (csv.Error, StopIteration) as exc:
        raise FileQuarantined("FILE_TANPA_HEADER", "baris judul tidak dapat dibaca") from exc
    if len(fields) > MAX_COLUMNS:
        raise FileQuarantined("FILE_KOLOM_TERLALU_BANYAK", f"baris judul memuat lebih dari {MAX_COLUMNS} kolom")
    if len(text) > len(prefix) and buf.tell() >= len(prefix):  # the header did not end in the prefix
        raise FileQuarantined("FILE_TANPA_HEADER", f"baris judul lebih panjang dari {MAX_HEADER_CHARS} karakter")
    return fields


def unique_names(names: list[str]) -> list[str]:
    """Unique, non-empty names for polars; duplicates of a contract column keep the first."""
    seen: dict[str, int] = {}
    out = []
    for i, n in enumerate(names):
        n = n or f"kolom_{i + 1}"
        if n in seen:
            seen[n] += 1
            n = f"{n}_{seen[n]}"
        else:
            seen[n] = 1
        out.append(n)
    return out


def _extra_names(n: int) -> list[str]:
    return [f"kolom_lebih_{i}" for i in range(1, n + 1)]


def records_frame(body: str, *, delimiter: str, names: list[str]) -> tuple[pl.DataFrame, list[str]]:
    """Every record after the header line of ``body`` as strings, one column per header name, plus
    the fields beyond the header (``kolom_lebih_1`` ...) when some record has them.

    Returns the frame and the names of those extra columns. Polars reads the header's width first;
    only when a record has more fields does it read again ``EXTRA_FIELDS`` columns wider, so that
    no field is cut off unseen. A record with even more fields quarantines the file
    (``FILE_KOLOM_TERLALU_BANYAK``): the reader cannot see what is in them.
    """
    raw = body.encode("utf-8")
    opts = dict(separator=delimiter, infer_schema=False, quote_char='"')
    try:
        return pl.read_csv(io.BytesIO(raw), has_header=True, new_columns=names, truncate_ragged_lines=False, **opts), []
    except Exception:  # noqa: BLE001  polars raises ComputeError & co.: a record wider than the header, or
        pass  # broken quoting; find out which below
    extra = _extra_names(EXTRA_FIELDS)
    # a header line of our own, as wide as we want to read; the file's own header is skipped
    wide = (delimiter.join(f"c{i}" for i in range(len(names) + EXTRA_FIELDS)) + "\n").encode("utf-8") + raw
    try:
        df = pl.read_csv(
            io.BytesIO(wide), has_header=True, skip_rows_after_header=1, truncate_ragged_lines=False, **opts
        )
    except Exception as exc:  # noqa: BLE001
        try:  # reads when cut to width: the records are sound, one is just too wide
            pl.read_csv(
                io.BytesIO(wide),
                has_header=True,
                skip_rows_after_header=1,
                truncate_ragged_lines=True,
                columns=[0],
                **opts,
            )
        except Exception:  # noqa: BLE001
            raise FileQuarantined("FILE_TIDAK_TERBACA", f"CSV tidak dapat diurai: {type(exc).__name__}") from exc
        raise FileQuarantined(
            "FILE_KOLOM_TERLALU_BANYAK", f"ada baris dengan lebih dari {EXTRA_FIELDS} isian di luar kolom judul"
        ) from exc
    return df.rename(dict(zip(df.columns, names + extra))), extra


def _blank_expr(col: str) -> pl.Expr:
    return pl.col(col).is_null() | (pl.col(col).str.strip_chars() == "")


def read_usulan_text(text: str, *, delimiter: str) -> tuple[pl.DataFrame, list[str]]:
    """Parse decoded CSV text into a frame of strings with contract column names and ``sumber_baris``.

    Returns the frame and the list of ignored (unknown) column names. Rows whose fields are all
    empty (blank lines, ``;;;;`` lines) are dropped, but still count in the 1-based ``sumber_baris``
    numbering, so a row number matches the row in the spreadsheet minus the header.

    Two row facts come with the frame, for the row rules of ``schemas.USULAN_ROW_RULES``:
    ``_kolom_berlebih`` (a non-empty field beyond the header; its values are kept in ``kolom_lain``
    as ``kolom_lebih_<n>``; empty trailing fields are harmless) and ``_karakter_tidak_sah`` (a
    control character such as NUL in a field: removed from the values, the row flagged).
    """
    if not text or text.isspace():
        raise FileQuarantined("FILE_KOSONG", "berkas kosong")
    first = text.lstrip("\r\n")
    names = [normalise_header(h) for h in header_fields(first, delimiter=delimiter)]
    check_header(names)
    uniq = unique_names(names)
    df, extra = records_frame(first, delimiter=delimiter, names=uniq)
    df = df.with_row_index("sumber_baris", offset=1).with_columns(pl.col("sumber_baris").cast(pl.Int64))
    return shaped_records(df, uniq, extra)


def check_header(names: list[str]) -> None:
    """Refuse a header (normalised names) with no usulan column name, or without a required one."""
    known = set(USULAN_COLUMNS)
    if not any(n in known for n in names):
        raise FileQuarantined("FILE_TANPA_HEADER", "baris pertama tidak memuat nama kolom usulan")
    missing = [c for c in USULAN_REQUIRED if c not in names]
    if missing:
        raise FileQuarantined("FILE_KOLOM_WAJIB_HILANG", "kolom wajib tidak ada: " + ", ".join(missing))


def shaped_records(df: pl.DataFrame, uniq: list[str], extra: list[str]) -> tuple[pl.DataFrame, list[str]]:
    """A frame of string cells named by the header (``uniq``, then the ``extra`` fields beyond it) and
    ``sumber_baris`` -> the contract columns, ``kolom_lain`` and the row flags (see
    :func:`read_usulan_text`); blank rows dropped. Returns it and the ignored column names."""
    known = set(USULAN_COLUMNS)
    cells = uniq + extra
    control = pl.any_horizontal([pl.col(c).str.contains(CONTROL_CHARS).fill_null(False) for c in cells])
    df = df.with_columns(_karakter_tidak_sah=control)
    if df["_karakter_tidak_sah"].any():
        df = df.with_columns([pl.col(c).str.replace_all(CONTROL_CHARS, "") for c in cells])
    df = df.filter(~pl.all_horizontal([_blank_expr(c) for c in cells]))
    if df.height == 0:
        raise FileQuarantined("FILE_KOSONG", "tidak ada baris data")
    df = df.with_columns(
        _kolom_berlebih=pl.any_horizontal([~_blank_expr(c) for c in extra]) if extra else pl.lit(False)
    )
    used = [c for c in extra if df[c].drop_nulls().len()]  # extra positions some record fills
    ignored = [c for c in uniq if c not in known]
    only_ignored = pl.struct(ignored).struct.json_encode() if ignored else pl.lit(None, pl.String)
    kolom_lain = (
        (pl.when("_kolom_berlebih").then(pl.struct(ignored + used).struct.json_encode()).otherwise(only_ignored))
        if used
        else only_ignored
    )
    df = df.with_columns(kolom_lain=kolom_lain).select(
        "sumber_baris",
        *[pl.col(c) if c in df.columns else pl.lit(None, pl.String).alias(c) for c in USULAN_COLUMNS],
        "kolom_lain",
        "_kolom_berlebih",
        "_karakter_tidak_sah",
    )
    return df, ignored


def parse_usulan(raw: bytes) -> ParsedBatch:
    """Bytes of one CSV upload -> ``ParsedBatch`` (or ``FileQuarantined``); any upload, a workbook
    too: ``transforms.workbook.parse_upload``."""
    if len(raw) > MAX_FILE_BYTES:
        raise FileQuarantined("FILE_TERLALU_BESAR", f"{len(raw):,} byte; batas {MAX_FILE_BYTES:,} byte")
    text, encoding = decode_text(raw)
    delimiter = sniff_delimiter(text)
    frame, ignored = read_usulan_text(text, delimiter=delimiter)
    return ParsedBatch(
        frame=frame, encoding=encoding, delimiter=delimiter, ignored_columns=ignored, header_row=header_row(text)
    )


def header_row(text: str) -> int:
    """The row a spreadsheet shows the header in: 1 plus the blank lines before it, which
    :func:`read_usulan_text` skips (a line break inside a quoted cell stays in its row, as in Excel)."""
    lead = text[: len(text) - len(text.lstrip("\r\n"))]
    return 1 + lead.replace("\r\n", "\n").replace("\r", "\n").count("\n")
