"""The CSV dialect of every usulan file: delimiter, encoding and BOM, line ends, trailing blank
lines, header case, quoting, an unknown extra column and the column order, and the bytes of a file
written so (:func:`usulan_csv`)."""

from __future__ import annotations

import numpy as np
import polars as pl

from synthetic.common import USULAN_COLUMNS, choice, gather


def usulan_dialects(rng: np.random.Generator, files: pl.Series | list[str]) -> pl.DataFrame:
    """How each usulan file is written: one row per file.

    Columns: ``sumber_file``, ``delimiter`` ("," or ";"), ``encoding`` ("utf-8" or "cp1252"),
    ``bom`` (UTF-8 BOM), ``line_terminator`` ("\\n" or "\\r\\n"), ``trailing_blank_lines`` (0-3),
    ``header_case`` (lower, upper, title, spaced), ``quote_all``, ``extra_column`` (null or the
    name of an unknown column), ``extra_first`` (put it first), ``column_order`` (comma-joined
    contract column names, shuffled in some files).
    """
    names = pl.Series("sumber_file", files, dtype=pl.String)
    k = names.len()
    enc = choice(rng, (0.55, 0.20, 0.25), k)  # utf-8, utf-8 + BOM, cp1252
    extra = choice(rng, (0.70, 0.12, 0.10, 0.08), k)
    shuffled = rng.random(k) < 0.3
    keys = rng.random((k, len(USULAN_COLUMNS)))
    orders = np.where(shuffled[:, None], np.argsort(keys, axis=1), np.arange(len(USULAN_COLUMNS))[None, :])
    cols = pl.DataFrame({f"c{j}": gather(USULAN_COLUMNS, orders[:, j]) for j in range(len(USULAN_COLUMNS))})
    column_order = cols.select(pl.concat_str(pl.all(), separator=",").alias("o"))["o"]
    return pl.DataFrame(
        {
            "sumber_file": names,
            "delimiter": gather((",", ";"), (rng.random(k) < 0.35).astype(np.int64)),
            "encoding": gather(("utf-8", "utf-8", "cp1252"), enc),
            "bom": pl.Series(enc == 1),
            "line_terminator": gather(("\n", "\r\n"), (rng.random(k) < 0.5).astype(np.int64)),
            "trailing_blank_lines": pl.Series(np.where(rng.random(k) < 0.3, rng.integers(1, 4, k), 0).astype(np.int32)),
            "header_case": gather(("lower", "upper", "title", "spaced"), choice(rng, (0.5, 0.25, 0.1, 0.15), k)),
            "quote_all": pl.Series(rng.random(k) < 0.15),
            "extra_column": pl.select(
                pl.when(pl.lit(pl.Series(extra > 0))).then(
                    pl.lit(gather(("", "NO", "KETERANGAN", "Catatan Petugas"), extra))
                )
            ).to_series(),
            "extra_first": pl.Series(rng.random(k) < 0.5),
            "column_order": column_order,
        }
    )


# the values of the unknown extra column some offices add
EXTRA_VALUES = {
    "KETERANGAN": ("", "", "OK", "CEK ULANG", "USULAN DESA", "SUDAH DIVERIFIKASI"),
    "Catatan Petugas": ("", "", "sudah verval", "rumah kosong", "pindah ke kab lain", "cek KK"),
}


def styled_header(name: str, style: str, i: int) -> str:
    """A column name as an office writes it: ``upper``, ``title``, ``spaced`` (stray spaces) or as is."""
    if style == "upper":
        return name.upper()
    if style == "title":
        return name.title()
    if style == "spaced":
        return f" {name.upper() if i % 2 else name} " if i % 3 else f"{name.title()} "
    return name


def usulan_csv(part: pl.DataFrame, d: dict, rng: np.random.Generator) -> bytes:
    """The bytes of one usulan CSV in the file's dialect ``d`` (a row of :func:`usulan_dialects`);
    rows keep their ``sumber_baris`` order."""
    order = d["column_order"].split(",")
    out = part.select(order).rename({c: styled_header(c, d["header_case"], i) for i, c in enumerate(order)})
    extra = d["extra_column"]
    if extra:
        if extra == "NO":
            values = pl.Series(extra, np.arange(1, out.height + 1)).cast(pl.String)
        else:
            vocab = EXTRA_VALUES[extra]
            values = pl.Series(extra, list(vocab), dtype=pl.String).gather(
                pl.Series(rng.integers(0, len(vocab), out.height))
            )
        out = out.insert_column(0 if d["extra_first"] else out.width, values)
    # an empty cell is written empty (as Excel does), not as ""
    out = out.with_columns(pl.when(pl.col(c) != "").then(pl.col(c)).alias(c) for c in out.columns)
    text = out.write_csv(
        separator=d["delimiter"],
        line_terminator=d["line_terminator"],
        quote_style="always" if d["quote_all"] else "necessary",
    )
    text += d["line_terminator"] * d["trailing_blank_lines"]
    data = text.encode(d["encoding"])  # strict: every generated character exists in Windows-1252
    if d["bom"]:
        data = b"\xef\xbb\xbf" + data
    return data
