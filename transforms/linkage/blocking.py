"""Candidate generation. Every rule is an equi-join on a key, so pairs stay linear in the rows.

Rules (``metode_padan``), strongest first:

==================  ===========================================================================
NIK_EXACT           the submitted NIK
NIK_SATU_EDIT       one digit substituted, or two adjacent digits swapped, after the district part; for
                    every row the serial's neighbours (same district and birth-date digits: a twin,
                    a namesake), for the rows the exact rule leaves open every position
KK_KELUARGA         members of the family: of the submitted No KK and a No KK typed as NIK, those
                    born the same day for every row (twins) and all for the rows left open, with the
                    family of the person whose NIK was typed (another member's NIK)
NIK_EXCEL           the digits Excel kept of a NIK in scientific notation + birth date + sex
WILAYAH_TGL_JK      same village + birth date (or day/month swapped) + sex, for NIKs beyond repair
==================  ===========================================================================
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

METHODS = ("NIK_EXACT", "NIK_SATU_EDIT", "KK_KELUARGA", "NIK_EXCEL", "WILAYAH_TGL_JK")
_RANK = {m: i for i, m in enumerate(METHODS)}
DIGITS16 = r"^[0-9]{16}$"
FIRST_EDITABLE = 6  # the district part (digits 1-6) is kept: "within one edit under the same region prefix"


def excel_digits_expr(col: str) -> pl.Expr:
    """The significant digits Excel kept of a NIK written as ``3.20101E+15`` (``320101``), or null."""
    s = pl.col(col)
    parts = s.str.extract_groups(r"^([0-9])[.,]?([0-9]*)[eE]\+?([0-9]{1,2})$")
    digits = parts.struct.field("1") + parts.struct.field("2")
    return pl.when(digits.str.len_chars() >= 6).then(digits).otherwise(None).alias(col)


def dk_keys(dukcapil: pl.LazyFrame) -> pl.LazyFrame:
    """Blocking keys on the Dukcapil side: sex L/P, village code, NIK prefix."""
    return dukcapil.with_columns(
        _jk=pl.col("JENIS_KLMIN")
        .str.strip_chars()
        .str.to_uppercase()
        .replace_strict(
            {"LAKI-LAKI": "L", "LAKI LAKI": "L", "L": "L", "PRIA": "L", "PEREMPUAN": "P", "P": "P", "WANITA": "P"},
            default=None,
        ),
        _desa=pl.concat_str("NO_PROP", "NO_KAB", "NO_KEC", "NO_KEL"),
        _prefix6=pl.col("NIK").str.slice(0, 6),
    )


def nik_one_edit_variants(usulan: pl.DataFrame) -> pl.DataFrame:
    """(``_row``, ``_variant``): every NIK one substitution or one adjacent transposition away from the
    submitted one, district part unchanged (10 x 9 + 9 = 99 per row)."""
    base = usulan.filter(pl.col("nik_usulan").str.contains(DIGITS16)).select("_row", nik="nik_usulan")
    if base.height == 0:
        return pl.DataFrame(schema={"_row": pl.UInt32, "_variant": pl.String})
    subs = pl.DataFrame({"_pos": list(range(FIRST_EDITABLE, 16))}).join(
        pl.DataFrame({"_digit": [str(d) for d in range(10)]}), how="cross"
    )
    nik = pl.col("nik")
    p = pl.col("_pos")
    substituted = (
        base.join(subs, how="cross")
        .with_columns(_variant=nik.str.slice(0, p) + pl.col("_digit") + nik.str.slice(p + 1))
        .filter(pl.col("_variant") != nik)
        .select("_row", "_variant")
    )
    swaps = pl.DataFrame({"_pos": list(range(FIRST_EDITABLE, 15))})
    transposed = (
        base.join(swaps, how="cross")
        .with_columns(
            _variant=nik.str.slice(0, p) + nik.str.slice(p + 1, 1) + nik.str.slice(p, 1) + nik.str.slice(p + 2)
        )
        .filter(pl.col("_variant") != nik)
        .select("_row", "_variant")
    )
    return pl.concat([substituted, transposed]).unique(maintain_order=True)


@dataclass
class Keys:
    """What to fetch from the extract for a set of rows (each a small frame)."""

    niks: pl.Series  # exact NIKs and one-edit variants
    kks: pl.Series  # family cards
    excel: pl.DataFrame  # _prefix6, TGL_LHR
    village: pl.DataFrame  # _desa, TGL_LHR
    serial: pl.Series  # the NIKs' first 12 digits (district + birth date) as integers


def serial_block_expr(nik: pl.Expr) -> pl.Expr:
    """A 16-digit NIK without its serial, as an integer: people of one district with one birth
    date (twins, namesakes) share it, so a typo in the serial stays inside the block."""
    return (nik.cast(pl.Int64, strict=False) // 10_000).alias("_serial_block")


def _swapped_date_expr(d: str) -> pl.Expr:
    """The date with day and month swapped, where that is a date (day <= 12), else null."""
    c = pl.col(d)
    return pl.when(c.dt.day() <= 12).then(pl.date(c.dt.year(), c.dt.day(), c.dt.month())).otherwise(None)


def candidate_keys(usulan: pl.DataFrame, *, loose: bool) -> Keys:
    """Keys of the exact rule (``loose=False``) or of all the looser rules (``loose=True``)."""
    nik16 = usulan.filter(pl.col("nik_usulan").str.contains(DIGITS16))
    no_serial = pl.Series([], dtype=pl.Int64)
    # the family card as submitted (and a No KK typed in the NIK field): its members compete with
    # the exact NIK from the first round on (a twin's NIK typed for the person, or theirs swapped)
    kks = pl.concat([usulan["no_kk_usulan"], nik16["nik_usulan"]]).drop_nulls()
    kks = kks.filter(kks.str.contains(DIGITS16)).unique()
    if not loose:
        return Keys(
            niks=nik16["nik_usulan"].unique(),
            kks=kks,
            excel=pl.DataFrame(schema={"_prefix6": pl.String, "TGL_LHR": pl.Date}),
            village=pl.DataFrame(schema={"_desa": pl.String, "TGL_LHR": pl.Date}),
            serial=nik16.select(serial_block_expr(pl.col("nik_usulan"))).to_series().drop_nulls().unique(),
        )
    variants = nik_one_edit_variants(usulan)["_variant"]
    excel = (
        usulan.filter(pl.col("nik_rusak_excel"))
        .select(_prefix6=excel_digits_expr("nik_usulan").str.slice(0, 6), TGL_LHR="tgl_lahir")
        .drop_nulls()
        .unique()
    )
    dated = usulan.filter(pl.col("tgl_lahir").is_not_null() & pl.col("kode_wilayah_usulan").is_not_null())
    village = (
        pl.concat(
            [
                dated.select(_desa="kode_wilayah_usulan", TGL_LHR="tgl_lahir"),
                dated.filter(pl.col("tgl_lahir").dt.day() <= 12).select(
                    _desa="kode_wilayah_usulan", TGL_LHR=_swapped_date_expr("tgl_lahir")
                ),
            ]
        )
        .drop_nulls()
        .unique()
    )
    return Keys(
        niks=pl.concat([nik16["nik_usulan"], variants]).unique(),
        kks=kks,
        excel=excel,
        village=village,
        serial=no_serial,
    )


def _dated_key(code: pl.Expr, birth: pl.Expr) -> pl.Expr:
    """A region code (digits) and a birth date as one integer: integer set lookups over the whole
    extract cost a fraction of formatting and hashing strings (20M persons: ~1 s instead of ~5 s)."""
    return code.cast(pl.Int64, strict=False) * 1_000_000 + (birth.cast(pl.Int32).cast(pl.Int64) + 500_000)


def fetch_candidates(dukcapil: pl.LazyFrame, keys: Keys) -> pl.LazyFrame:
    """The Dukcapil persons any key names, in one streaming pass over the extract: a filter of cheap
    set lookups (a superset is harmless: ``candidate_pairs`` joins exactly), so memory follows the
    rows, not the extract. The blocking-key columns are added to the few persons that pass. A NIK
    that the extract holds twice comes back twice: the caller resolves duplicates (and reports them)."""
    cond = pl.col("NIK").is_in(keys.niks.implode())
    if keys.serial.len():
        cond = cond | serial_block_expr(pl.col("NIK")).is_in(keys.serial.implode())
    if keys.kks.len():
        cond = cond | pl.col("NO_KK").is_in(keys.kks.implode())
    if keys.excel.height:  # district prefix + birth date, as one composite key (no cross-product superset)
        wanted = keys.excel.select(_dated_key(pl.col("_prefix6"), pl.col("TGL_LHR"))).to_series().drop_nulls()
        cond = cond | _dated_key(pl.col("NIK").str.slice(0, 6), pl.col("TGL_LHR")).is_in(wanted.implode())
    if keys.village.height:
        wanted = keys.village.select(_dated_key(pl.col("_desa"), pl.col("TGL_LHR"))).to_series().drop_nulls()
        desa = pl.concat_str("NO_PROP", "NO_KAB", "NO_KEC", "NO_KEL")
        cond = cond | _dated_key(desa, pl.col("TGL_LHR")).is_in(wanted.implode())
    return dk_keys(dukcapil.filter(cond.fill_null(False)))


def _one_edit(a: pl.Series, b: pl.Series) -> list[bool]:
    """Whether each pair of equal-length digit strings is one substitution or one adjacent
    transposition apart."""
    from rapidfuzz.distance import OSA
    from rapidfuzz.process import cpdist

    return (cpdist(a.to_list(), b.to_list(), scorer=OSA.distance, workers=-1) == 1).tolist()


def candidate_pairs(usulan: pl.DataFrame, dk: pl.DataFrame, *, loose: bool) -> pl.DataFrame:
    """(``_row``, ``nik_padan``, ``metode_padan``) for every candidate, each pair once with the
    strongest rule that found it. ``dk`` is the fetched candidate subset (with ``dk_keys`` columns)."""
    u = usulan
    nik16 = u.filter(pl.col("nik_usulan").str.contains(DIGITS16))
    out = [
        nik16.join(dk.select("NIK"), left_on="nik_usulan", right_on="NIK", how="inner").select(
            "_row", nik_padan="nik_usulan", metode_padan=pl.lit("NIK_EXACT")
        )
    ]
    # every row: the serial's one-edit neighbours in its district and birth-date block (a twin, a namesake)
    block = nik16.select("_row", "nik_usulan", serial_block_expr(pl.col("nik_usulan")))
    same_block = block.join(dk.select("NIK", serial_block_expr(pl.col("NIK"))), on="_serial_block", how="inner").filter(
        pl.col("NIK") != pl.col("nik_usulan")
    )
    if same_block.height:
        same_block = same_block.filter(pl.Series(_one_edit(same_block["nik_usulan"], same_block["NIK"])))
    out.append(same_block.select("_row", nik_padan="NIK", metode_padan=pl.lit("NIK_SATU_EDIT")))
    # every row: the members of the family card as submitted (or typed in the NIK field); the later
    # round adds the family of the person whose NIK was typed, when the card submitted is another
    fam_keys = [u.select("_row", _kk="no_kk_usulan"), nik16.select("_row", _kk="nik_usulan")]
    if loose:
        out.append(
            nik_one_edit_variants(u)
            .join(dk.select("NIK"), left_on="_variant", right_on="NIK", how="inner")
            .select("_row", nik_padan="_variant", metode_padan=pl.lit("NIK_SATU_EDIT"))
        )
        fam_keys.append(
            nik16.join(dk.select("NIK", _kk="NO_KK"), left_on="nik_usulan", right_on="NIK", how="inner").select(
                "_row", "_kk"
            )
        )
        if "no_kk_rumah" in u.columns:  # the card the household's other members were matched into
            fam_keys.append(u.select("_row", _kk="no_kk_rumah"))
    family = (
        pl.concat(fam_keys).drop_nulls().unique().join(dk.select("NIK", "TGL_LHR", _kk="NO_KK"), on="_kk", how="inner")
    )
    if not loose:
        # the first round needs only the members born the same day (a twin; day and month maybe
        # swapped): any other member has another birth date, which no first-round decision accepts,
        # and the later round brings the whole family for the rows left open
        born = u.select("_row", "tgl_lahir", _swapped=_swapped_date_expr("tgl_lahir"))
        family = family.join(born, on="_row", how="inner").filter(
            (pl.col("TGL_LHR") == pl.col("tgl_lahir")) | (pl.col("TGL_LHR") == pl.col("_swapped"))
        )
    out.append(family.select("_row", nik_padan="NIK", metode_padan=pl.lit("KK_KELUARGA")))
    if loose:
        excel = (
            u.filter(pl.col("nik_rusak_excel"))
            .with_columns(_digits=excel_digits_expr("nik_usulan"))
            .filter(pl.col("_digits").is_not_null())
            .with_columns(_prefix6=pl.col("_digits").str.slice(0, 6))
            .join(
                dk.select("NIK", "TGL_LHR", "_jk", "_prefix6"),
                left_on=["_prefix6", "tgl_lahir", "jk"],
                right_on=["_prefix6", "TGL_LHR", "_jk"],
                how="inner",
            )
            .filter(pl.col("NIK").str.starts_with(pl.col("_digits").str.slice(0, 15)))
        )
        out.append(excel.select("_row", nik_padan="NIK", metode_padan=pl.lit("NIK_EXCEL")))
        dated = u.filter(pl.col("tgl_lahir").is_not_null())
        vk = dk.select("NIK", "_desa", "TGL_LHR", "_jk")
        for d in (pl.col("tgl_lahir"), _swapped_date_expr("tgl_lahir")):
            keyed = dated.with_columns(_tgl=d).filter(pl.col("_tgl").is_not_null())
            out.append(
                keyed.join(
                    vk, left_on=["kode_wilayah_usulan", "_tgl", "jk"], right_on=["_desa", "TGL_LHR", "_jk"], how="inner"
                ).select("_row", nik_padan="NIK", metode_padan=pl.lit("WILAYAH_TGL_JK"))
            )
    pairs = pl.concat([p.with_columns(pl.col("_row").cast(pl.UInt32)) for p in out])
    return (
        pairs.with_columns(_rank=pl.col("metode_padan").replace_strict(_RANK, return_dtype=pl.Int8))
        .sort("_row", "nik_padan", "_rank")
        .unique(["_row", "nik_padan"], keep="first", maintain_order=True)
        .drop("_rank")
    )
