"""Validating cleaned usulan rows: the facts each reason code is read from (NIK structure, dates,
regions, formulas, sizes), and one reason-code list per row from the pandera row contract
``schemas.UsulanRow``."""

from __future__ import annotations

import polars as pl

import schemas
from schemas import USULAN_COLUMNS
from transforms.ingest import CONTROL_CHARS, MAX_FIELD_CHARS

FORMULA = r"^[=@]|^[+\-][A-Za-z(=@]|^[+\-][0-9.]+[+\-*/][0-9]"


def nik_ddmmyy_expr(nik: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(the NIK's birth date as a ``DDMMYY`` string with the +40 removed, the sex it encodes).

    The century is not in a NIK; compare the ``DDMMYY`` string, or use ``nik_date_valid_expr``.
    """
    dd = nik.str.slice(6, 2).cast(pl.Int32, strict=False)
    sex = pl.when(dd > 40).then(pl.lit("P")).otherwise(pl.lit("L"))
    day = pl.when(dd > 40).then(dd - 40).otherwise(dd)
    ddmmyy = pl.concat_str(day.cast(pl.String).str.zfill(2), nik.str.slice(8, 4))
    return ddmmyy, sex


def nik_date_valid_expr(ddmmyy: pl.Expr) -> pl.Expr:
    """True when a ``DDMMYY`` is a real calendar date in some century (29 Feb: any leap century)."""
    # 2000 is a leap year, so checking the 20yy reading accepts 29-02-00 as it should (1900 isn't, 2000 is)
    return ddmmyy.str.to_date("%d%m%y", strict=False).is_not_null()


def usulan_facts(lf: pl.LazyFrame, *, villages: pl.LazyFrame, districts: pl.LazyFrame, reference_date) -> pl.LazyFrame:
    """The facts the row rules of ``schemas.UsulanRow`` look at, as helper columns (``_``-prefixed).

    ``villages`` has ``kode_wilayah`` (10 digits); ``districts`` has ``kode_kec`` (6 digits);
    ``reference_date`` is the last day of the periode (birth dates after it are impossible).
    """
    v = villages.select(
        pl.col("kode_wilayah").alias("kode_wilayah_usulan"),
        _desa_ok=pl.lit(True),
        _desa_prov=pl.col("kode_wilayah").str.slice(0, 2),
    )
    d = districts.select(pl.col("kode_kec").alias("_nik_kec"), _kec_ok=pl.lit(True))
    nik = pl.col("nik_usulan")
    is16 = nik.str.contains(r"^[0-9]{16}$").fill_null(False)
    nik_ddmmyy, nik_sex = nik_ddmmyy_expr(nik)
    formula = pl.any_horizontal(
        [pl.col(c).str.strip_chars().str.contains(FORMULA).fill_null(False) for c in USULAN_COLUMNS]
    )
    too_long = pl.any_horizontal(
        [(pl.col(c).str.len_chars() > MAX_FIELD_CHARS).fill_null(False) for c in USULAN_COLUMNS]
    )
    have = lf.collect_schema()
    # the reader's row facts; a frame that did not come through ``read_usulan_text`` is checked here
    control = (
        pl.col("_karakter_tidak_sah")
        if "_karakter_tidak_sah" in have
        else pl.any_horizontal([pl.col(c).str.contains(CONTROL_CHARS).fill_null(False) for c in USULAN_COLUMNS])
    )
    ragged = pl.col("_kolom_berlebih") if "_kolom_berlebih" in have else pl.lit(False)
    return (
        lf.with_columns(_nik_kec=nik.str.slice(0, 6))
        .join(v, on="kode_wilayah_usulan", how="left", maintain_order="left")
        .join(d, on="_nik_kec", how="left", maintain_order="left")
        .with_columns(
            _is16=is16,
            _nik_ddmmyy=pl.when(is16).then(nik_ddmmyy).otherwise(None),
            _nik_sex=nik_sex,
            _tanggal_lahir_diisi=pl.col("tanggal_lahir").str.strip_chars().replace("", None).is_not_null(),
            _ref_date=pl.lit(reference_date),
            _formula=formula,
            _too_long=too_long,
            _karakter_tidak_sah=control,
            _kolom_berlebih=ragged,
            _desa_ok=pl.col("_desa_ok").fill_null(False),
            _kec_ok=pl.col("_kec_ok").fill_null(False),
        )
        .with_columns(_nik_date_ok=nik_date_valid_expr(pl.col("_nik_ddmmyy")))
        .drop("_nik_kec")
    )


def validated_usulan(
    lf: pl.LazyFrame, *, villages: pl.LazyFrame, districts: pl.LazyFrame, reference_date
) -> pl.DataFrame:
    """Reason codes per row (``alasan_validasi``, in catalogue-rule order) from the pandera row
    contract ``schemas.UsulanRow``, run lazily so that every failure of every row is collected."""
    facts = usulan_facts(lf, villages=villages, districts=districts, reference_date=reference_date).collect()
    codes = schemas.usulan_row_codes(facts.select(schemas.USULAN_ROW_INPUTS))
    helper = [c for c in facts.columns if c.startswith("_")]
    return facts.drop(helper).with_columns(alasan_validasi=codes)
