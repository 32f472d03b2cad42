"""The Excel workbooks Padan writes for the province operators (Office Open XML, ``.xlsx``).

Written in columns: each sheet's XML is built by polars string expressions over the whole frame
and zipped once, so a receipt of a million rows costs seconds, not a Python call per cell. What
Excel sees: identifiers as text cells in the text number format (Excel would turn a 16-digit NIK
into 1,20112E+15 and lose its last digit, and an edit keeps them text), numbers as numbers, a
bold frozen header row with filters, and every text as an inline string (never a formula: a name
typed as ``=HYPERLINK(...)`` stays text). The bytes depend only on the content (fixed zip times,
no creation date), so a rerun writes the same file.
"""

from __future__ import annotations

import io as bytes_io
import zipfile
from pathlib import Path

import polars as pl

from flows import io
from rules import reason_codes
from transforms.outcomes import TEXT_COLUMNS, WORKBOOK_COLUMNS

WIDTHS = {"nama_usulan": 28, "keterangan": 60, "sumber_file": 24, "alasan": 30, "tindak_lanjut": 26}
_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
# cell styles (cellXfs): 0 general, 1 text ("@", built-in format 49), 2 bold header
_STYLES = (
    f'{_XML}<styleSheet xmlns="{_MAIN}">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def _column_letter(j: int) -> str:
    letters = ""
    j += 1
    while j:
        j, r = divmod(j - 1, 26)
        letters = chr(65 + r) + letters
    return letters


def _escaped(e: pl.Expr) -> pl.Expr:
    """Text fit for XML: the characters XML 1.0 cannot hold removed, markup escaped."""
    return (
        e.str.replace_all(r"[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]", "")
        .str.replace_all("&", "&amp;", literal=True)
        .str.replace_all("<", "&lt;", literal=True)
        .str.replace_all(">", "&gt;", literal=True)
    )


def _cell(col: str, dtype: pl.DataType, text: bool) -> pl.Expr:
    """One column's cells of every row as XML. Cells carry no reference: each takes the next
    column of its row, so an empty value is written as an empty cell (``<c/>``)."""
    if dtype.is_numeric():
        value = pl.col(col).cast(pl.Float64) if dtype.is_float() else pl.col(col).cast(pl.Int64)
        body = pl.concat_str(pl.lit("<c><v>"), value.cast(pl.String), pl.lit("</v></c>"))
    else:
        style = ' s="1"' if text else ""
        body = pl.concat_str(
            pl.lit(f'<c t="inlineStr"{style}><is><t xml:space="preserve">'),
            _escaped(pl.col(col).cast(pl.String)),
            pl.lit("</t></is></c>"),
        )
    return body.fill_null("<c/>")


def sheet_xml(frame: pl.DataFrame, headers: dict[str, str], text: tuple[str, ...] = ()) -> str:
    """A worksheet: a bold header row (frozen, with filters), then one row per row of ``frame``
    (its ``headers`` columns, in order); ``text`` columns as text cells in the text format."""
    cols = list(headers)
    letters = [_column_letter(j) for j in range(len(cols))]
    head = "".join(
        f'<c r="{letter}1" t="inlineStr" s="2"><is><t>{_xml_text(headers[c])}</t></is></c>'
        for letter, c in zip(letters, cols)
    )
    body = ""
    if frame.height:
        cells = [_cell(c, frame.schema[c], c in text) for c in cols]
        rows = frame.select(pl.concat_str(pl.lit("<row>"), *cells, pl.lit("</row>")).alias("xml"))
        body = "".join(rows["xml"].to_list())
    last = f"{letters[-1]}{frame.height + 1}"
    widths = "".join(
        f'<col min="{j + 1}" max="{j + 1}" width="{WIDTHS.get(c, max(12, len(headers[c]) + 2))}" customWidth="1"'
        + (' style="1"' if c in text else "")
        + "/>"
        for j, c in enumerate(cols)
    )
    return (
        f'{_XML}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}"><dimension ref="A1:{last}"/>'
        '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
        'state="frozen"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
        f'<cols>{widths}</cols><sheetData><row r="1">{head}</row>{body}</sheetData>'
        f'<autoFilter ref="A1:{last}"/></worksheet>'
    )


def _xml_text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def workbook_bytes(sheets: list[tuple[str, str]]) -> bytes:
    """An ``.xlsx`` of the named sheets' XML (:func:`sheet_xml`), zipped with fixed times."""
    n = len(sheets)
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, n + 1)
    )
    parts = {
        "[Content_Types].xml": (
            f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f"{overrides}</Types>"
        ),
        "_rels/.rels": (
            f'{_XML}<Relationships xmlns="{_PKG}"><Relationship Id="rId1" '
            f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'{_XML}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
            + "".join(
                f'<sheet name="{_xml_text(name)}" sheetId="{i}" r:id="rId{i}"/>'
                for i, (name, _) in enumerate(sheets, 1)
            )
            + "</sheets><definedNames>"
            + "".join(
                f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i - 1}" hidden="1">'
                f"'{_xml_text(name)}'!{_filter_range(xml)}</definedName>"
                for i, (name, xml) in enumerate(sheets, 1)
            )
            + "</definedNames></workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            f'{_XML}<Relationships xmlns="{_PKG}">'
            + "".join(
                f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                for i in range(1, n + 1)
            )
            + f'<Relationship Id="rId{n + 1}" Type="{_REL}/styles" Target="styles.xml"/></Relationships>'
        ),
        "xl/styles.xml": _STYLES,
        **{f"xl/worksheets/sheet{i}.xml": xml for i, (_, xml) in enumerate(sheets, 1)},
    }
    out = bytes_io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, text in parts.items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text.encode("utf-8"), compresslevel=1)  # repetitive XML: level 1 is enough
    return out.getvalue()


def _filter_range(xml: str) -> str:
    ref = xml[xml.rindex('<autoFilter ref="') + 17 :].split('"', 1)[0]
    start, end = ref.split(":")
    split = lambda r: (r.rstrip("0123456789"), r[len(r.rstrip("0123456789")) :])  # noqa: E731
    (a, i), (b, j) = split(start), split(end)
    return f"${a}${i}:${b}${j}"


def write_receipt_workbook(rows: pl.DataFrame, quarantined: pl.DataFrame, ignored: pl.DataFrame, path: Path) -> Path:
    """``hasil_usulan.xlsx`` of one province: the sheet of every row sent (``rows``:
    ``transforms.outcomes.receipt_sheet``), the reason codes with what to do, and the files that
    were quarantined or not read."""
    codes = pl.DataFrame(
        [(c, r.severity, r.id, r.tindakan) for c, r in reason_codes().items()],
        schema=["kode", "tingkat", "keterangan", "tindakan"],
        orient="row",
    )
    files = {"file": "Berkas", "kode": "Kode", "keterangan": "Keterangan"}
    sheets = [
        ("Hasil Usulan", sheet_xml(rows, WORKBOOK_COLUMNS, text=TEXT_COLUMNS)),
        (
            "Kode Alasan",
            sheet_xml(
                codes, {"kode": "Kode Alasan", "tingkat": "Tingkat", "keterangan": "Keterangan", "tindakan": "Tindakan"}
            ),
        ),
    ]
    if quarantined.height:
        sheets.append(("Berkas Karantina", sheet_xml(quarantined.rename({"karantina": "kode"}), files)))
    if ignored.height:
        sheets.append(("Berkas Tidak Dibaca", sheet_xml(ignored.rename({"alasan": "kode"}), files)))
    return io.write_bytes(workbook_bytes(sheets), path)
