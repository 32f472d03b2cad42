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
from collections.abc import Iterator
from dataclasses import dataclass
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


MAX_CELL_CHARS = 32_767  # Excel's limit on the text of a cell
MAX_SHEET_ROWS = 1_048_575  # Excel's rows below the header
CHUNK_ROWS = 50_000  # rows turned into XML at a time: memory follows the chunk, not the sheet


def _escaped(e: pl.Expr) -> pl.Expr:
    """Text fit for a cell: the characters XML 1.0 cannot hold removed, at most Excel's 32,767
    characters (a longer value ends in ``[...]``), markup escaped."""
    clean = e.str.replace_all(r"[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]", "")
    capped = (
        pl.when(clean.str.len_chars() > MAX_CELL_CHARS)
        .then(pl.concat_str(clean.str.slice(0, MAX_CELL_CHARS - 6), pl.lit(" [...]")))
        .otherwise(clean)
    )
    return (
        capped.str.replace_all("&", "&amp;", literal=True)
        .str.replace_all("<", "&lt;", literal=True)
        .str.replace_all(">", "&gt;", literal=True)
    )


def _cell(col: str, dtype: pl.DataType, text: bool) -> pl.Expr:
    """One column's cells of every row as XML. Cells carry no reference (rows do): each takes the
    next column of its row, so an empty value is written as an empty cell (``<c/>``)."""
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


@dataclass(frozen=True)
class Sheet:
    """A worksheet: a bold header row (frozen, with filters), then one row per row of ``frame``
    (its ``headers`` columns, in order); ``text`` columns as text cells in the text format."""

    name: str
    frame: pl.DataFrame
    headers: dict[str, str]
    text: tuple[str, ...] = ()
    choices: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (column, allowed values): an in-cell list

    @property
    def last_cell(self) -> tuple[str, int]:
        return _column_letter(len(self.headers) - 1), self.frame.height + 1

    def xml(self) -> Iterator[str]:
        """The worksheet's XML in pieces, a chunk of rows at a time."""
        cols = list(self.headers)
        letter, row = self.last_cell
        widths = "".join(
            f'<col min="{j + 1}" max="{j + 1}" width="{WIDTHS.get(c, max(12, len(self.headers[c]) + 2))}" '
            'customWidth="1"' + (' style="1"' if c in self.text else "") + "/>"
            for j, c in enumerate(cols)
        )
        head = "".join(f'<c t="inlineStr" s="2"><is><t>{_xml_text(self.headers[c])}</t></is></c>' for c in cols)
        yield (
            f'{_XML}<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}"><dimension ref="A1:{letter}{row}"/>'
            '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
            'state="frozen"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight="15"/>'
            f'<cols>{widths}</cols><sheetData><row r="1">{head}</row>'
        )
        cells = [_cell(c, self.frame.schema[c], c in self.text) for c in cols]
        for start in range(0, self.frame.height, CHUNK_ROWS):
            part = self.frame.slice(start, CHUNK_ROWS)
            number = pl.int_range(start + 2, start + 2 + part.height, dtype=pl.Int64).cast(pl.String)
            row_xml = pl.concat_str(pl.lit('<row r="'), number, pl.lit('">'), *cells, pl.lit("</row>"))
            yield "".join(part.select(row_xml)[:, 0].to_list())
        yield f'</sheetData><autoFilter ref="A1:{letter}{row}"/>{self._validations()}</worksheet>'

    def _validations(self) -> str:
        """Each ``choices`` column as a drop-down list of its values, from row 2 to Excel's last row
        (a blank stays allowed; another value is refused with a message naming the values)."""
        if not self.choices:
            return ""
        cols = list(self.headers)
        out = []
        for col, values in self.choices:
            letter = _column_letter(cols.index(col))
            listed = _xml_text(",".join(values))
            out.append(
                f'<dataValidation type="list" allowBlank="1" showErrorMessage="1" errorTitle="Isian tidak sah" '
                f'error="{_xml_text("Pilih salah satu: " + ", ".join(values))}" sqref="{letter}2:{letter}1048576">'
                f'<formula1>"{listed}"</formula1></dataValidation>'
            )
        return f'<dataValidations count="{len(out)}">{"".join(out)}</dataValidations>'


def _xml_text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def workbook_bytes(sheets: list[Sheet]) -> bytes:
    """An ``.xlsx`` of the sheets, zipped with fixed times (each sheet streamed in chunks)."""
    n = len(sheets)
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, n + 1)
    )
    filters = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">'
        f"'{_xml_text(sh.name)}'!$A$1:${sh.last_cell[0]}${sh.last_cell[1]}</definedName>"
        for i, sh in enumerate(sheets)
    )
    parts = {
        "[Content_Types].xml": [
            f'{_XML}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f"{overrides}</Types>"
        ],
        "_rels/.rels": [
            f'{_XML}<Relationships xmlns="{_PKG}"><Relationship Id="rId1" '
            f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ],
        "xl/workbook.xml": [
            f'{_XML}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
            + "".join(
                f'<sheet name="{_xml_text(sh.name)}" sheetId="{i}" r:id="rId{i}"/>' for i, sh in enumerate(sheets, 1)
            )
            + f"</sheets><definedNames>{filters}</definedNames></workbook>"
        ],
        "xl/_rels/workbook.xml.rels": [
            f'{_XML}<Relationships xmlns="{_PKG}">'
            + "".join(
                f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
                for i in range(1, n + 1)
            )
            + f'<Relationship Id="rId{n + 1}" Type="{_REL}/styles" Target="styles.xml"/></Relationships>'
        ],
        "xl/styles.xml": [_STYLES],
        **{f"xl/worksheets/sheet{i}.xml": sh.xml() for i, sh in enumerate(sheets, 1)},
    }
    out = bytes_io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, pieces in parts.items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info._compresslevel = 1  # repetitive XML: level 1 is enough (compress_level from Python 3.13 on)
            # no zip64: the headers zipfile writes for it differ between Python patch releases (4.5 from
            # 3.11.4 on, 2.0 before), and the same inputs must give the same bytes on every machine; a
            # part stays far below zip's 2 GiB (a sheet holds at most Excel's 1,048,576 rows)
            with z.open(info, "w") as f:
                for piece in pieces:
                    f.write(piece.encode("utf-8"))
    return out.getvalue()


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
        Sheet(
            "Hasil Usulan" + (f" {k + 1}" if k else ""),
            rows.slice(start, MAX_SHEET_ROWS),
            WORKBOOK_COLUMNS,
            text=TEXT_COLUMNS,
        )
        for k, start in enumerate(range(0, max(rows.height, 1), MAX_SHEET_ROWS))
    ]
    kode = {"kode": "Kode Alasan", "tingkat": "Tingkat", "keterangan": "Keterangan", "tindakan": "Tindakan"}
    sheets.append(Sheet("Kode Alasan", codes, kode))
    if quarantined.height:
        sheets.append(Sheet("Berkas Karantina", quarantined.rename({"karantina": "kode"}), files))
    if ignored.height:
        sheets.append(Sheet("Berkas Tidak Dibaca", ignored.rename({"alasan": "kode"}), files))
    return io.write_bytes(workbook_bytes(sheets), path)


REVIEW_GUIDE = [
    ("Apa ini", "Baris usulan yang ditolak PERLU_VERIFIKASI: ada calon di Dukcapil, tetapi belum cukup yakin."),
    ("Baris USULAN", "Data yang dikirim provinsi, lengkap (data provinsi sendiri)."),
    (
        "Baris KANDIDAT",
        "Calon dari Dukcapil: NIK dan No KK hanya kode wilayahnya, nama ibu kandung hanya kesesuaiannya.",
    ),
    ("Keputusan", "Isi pada baris KANDIDAT: SAMA (orang yang sama), BEDA (orang lain), TIDAK TAHU (belum bisa)."),
    ("SAMA", "Satu kandidat SAMA: baris diterima dengan NIK kandidat itu pada proses bulan berikutnya."),
    ("BEDA", "Semua kandidat BEDA: baris ditolak sebagai tidak padan; perbaiki data dan kirim ulang."),
    ("Penulis dan Alasan", "Wajib untuk SAMA dan BEDA (nama petugas dan dasar keputusan, mis. cek KTP/KK)."),
    ("Jangan diubah", "Kolom ID Tinjau dan Peringkat: keduanya menunjuk baris dan kandidat yang diputuskan."),
    ("Kirim balik", "padan tinjau impor BERKAS.xlsx --data-root ...: keputusan berlaku pada proses berikutnya."),
]


def write_review_workbook(queue: pl.DataFrame, path: Path) -> Path:
    """``tinjau_verifikasi.xlsx``: the review queue's rows of one province or regency
    (``transforms.review_book.review_sheet``) with the decision columns as drop-down lists, and a sheet
    saying how to fill it in."""
    from transforms import review_book

    guide = pl.DataFrame(REVIEW_GUIDE, schema=["bagian", "penjelasan"], orient="row")
    sheets = [
        Sheet(
            "Tinjau",
            review_book.review_sheet(queue),
            review_book.SHEET_COLUMNS,
            text=review_book.TEXT_COLUMNS,
            choices=(("keputusan", review_book.KEPUTUSAN),),
        ),
        Sheet("Petunjuk", guide, {"bagian": "Bagian", "penjelasan": "Penjelasan"}),
    ]
    return io.write_bytes(workbook_bytes(sheets), path)
