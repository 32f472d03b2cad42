"""Look-alike persons: the twins, namesakes and family members a NIK mistake can land on
(:func:`lookalikes`, before the noise is drawn, so that a look-alike kind is drawn only where its
look-alike exists) and, after the noise, whose real NIK a row's digits spell (:func:`lookalike_truth`)."""

from __future__ import annotations

import numpy as np
import polars as pl


def _digit_matrix(x: np.ndarray) -> np.ndarray:
    return ((np.asarray(x, dtype=np.int64)[:, None] // 10 ** np.arange(15, -1, -1)) % 10).astype(np.int8)


def _one_serial_digit_apart(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """NIKs with the same first 12 digits whose serials differ in exactly one digit."""
    return (a // 10_000 == b // 10_000) & ((_digit_matrix(a) != _digit_matrix(b)).sum(axis=1) == 1)


def _one_typo_apart(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """16-digit numbers one digit substitution or one adjacent transposition apart."""
    da, db = _digit_matrix(a), _digit_matrix(b)
    diff = da != db
    nd = diff.sum(axis=1)
    p = np.argmax(diff, axis=1)
    q = np.minimum(p + 1, 15)
    i = np.arange(a.size)
    swapped = diff[i, q] & (da[i, p] == db[i, q]) & (da[i, q] == db[i, p])
    return (nd == 1) | ((nd == 2) & swapped)


def _deliveries(population: pl.DataFrame) -> np.ndarray:
    """Per person the row of the first-born of their delivery (themselves unless a later-born twin)."""
    tr = population["twin_root"].to_numpy().astype(np.int64)
    return np.where(tr >= 0, tr, np.arange(tr.size))


def _first_per_row(df: pl.DataFrame, value: str, n: int) -> pl.Series:
    """The first ``value`` per ``_row`` (by ``value``) as a column of length ``n`` (null where none)."""
    best = df.group_by("_row").agg(pl.col(value).min())
    return pl.DataFrame({"_row": np.arange(n, dtype=np.int64)}).join(
        best, on="_row", how="left", maintain_order="left"
    )[value]


def lookalikes(population: pl.DataFrame, base: pl.DataFrame, cand: np.ndarray) -> pl.DataFrame:
    """For every usulan row the real look-alikes a NIK mistake can land on (null where none):

    * ``twin_nik``: a twin of the same sex whose NIK differs in one serial digit;
    * ``swap_row``: on the first row of a pair of twins proposed together in one file, the
      other's row (base index);
    * ``namesake_nik``: a namesake (same name and first 12 NIK digits: birth date, sex, district)
      in another family card, with another mother, village and address, one serial digit apart;
    * ``family_nik``: another member of the family card (not a twin) one typo (a digit, or two
      adjacent swapped) away.
    """
    n = base.height
    deliv = _deliveries(population)
    own = pl.DataFrame(
        {
            "_row": np.arange(n, dtype=np.int64),
            "_pop_row": base["_pop_row"],
            "nik": base["NIK"].cast(pl.Int64),
            "sex": base["JENIS_KLMIN"],
            "hh_id": base["hh_id"],
            "cand": cand,
            "delivery": deliv[base["_pop_row"].to_numpy()],
        }
    )
    # twins
    twins = np.flatnonzero(deliv != np.arange(deliv.size))
    members = np.unique(np.r_[twins, deliv[twins]])
    sib = pl.DataFrame(
        {
            "delivery": deliv[members],
            "o_pop_row": members.astype(np.int64),
            "o_nik": population["NIK"].gather(pl.Series(members)).cast(pl.Int64),
            "o_sex": population["JENIS_KLMIN"].gather(pl.Series(members)),
        }
    )
    pairs = own.join(sib, on="delivery").filter(pl.col("o_nik") != pl.col("nik"))
    ok = (
        _one_serial_digit_apart(pairs["nik"].to_numpy(), pairs["o_nik"].to_numpy())
        if pairs.height
        else np.zeros(0, bool)
    )
    typo = pairs.filter(pl.Series(ok) & (pl.col("sex") == pl.col("o_sex")))
    twin_nik = _first_per_row(typo, "o_nik", n)
    together = pairs.join(own.select(o_pop_row="_pop_row", o_row="_row", o_cand="cand"), on="o_pop_row").filter(
        pl.col("o_cand") == pl.col("cand")
    )
    firsts = (
        together.group_by("delivery", "cand")
        .agg(r=pl.col("_row").unique().sort())
        .select(first=pl.col("r").list.get(0), second=pl.col("r").list.get(1, null_on_oob=True))
        .drop_nulls()
    )
    swap_row = pl.DataFrame({"_row": np.arange(n, dtype=np.int64)}).join(
        firsts.select(_row="first", swap_row="second"), on="_row", how="left", maintain_order="left"
    )["swap_row"]
    # namesakes
    keys = base.select(
        _row=pl.int_range(pl.len(), dtype=pl.Int64),
        p=pl.col("NIK").str.slice(0, 12),
        nama="NAMA_LGKP",
        nik=pl.col("NIK").cast(pl.Int64),
        kk="NO_KK",
        ibu="NAMA_LGKP_IBU",
        kode="kode_wilayah",
        alamat="ALAMAT",
    )
    others = (
        population.lazy()
        .select(
            p=pl.col("NIK").str.slice(0, 12),
            nama="NAMA_LGKP",
            o_nik=pl.col("NIK").cast(pl.Int64),
            o_kk="NO_KK",
            o_ibu="NAMA_LGKP_IBU",
            o_kode="kode_wilayah",
            o_alamat="ALAMAT",
        )
        .join(keys.lazy().select("p", "nama").unique(), on=["p", "nama"])
        .collect(engine="in-memory")
    )
    ns = keys.join(others, on=["p", "nama"]).filter(
        (pl.col("o_nik") != pl.col("nik"))
        & (pl.col("o_kk") != pl.col("kk"))
        & (pl.col("o_ibu") != pl.col("ibu"))
        & (pl.col("o_kode") != pl.col("kode"))
        & (pl.col("o_alamat") != pl.col("alamat"))
    )
    ok = _one_serial_digit_apart(ns["nik"].to_numpy(), ns["o_nik"].to_numpy()) if ns.height else np.zeros(0, bool)
    namesake_nik = _first_per_row(ns.filter(pl.Series(ok)), "o_nik", n)
    # other members of the family card
    hh_ids = base["hh_id"].unique()
    fam = population.select(
        "hh_id", o_nik=pl.col("NIK").cast(pl.Int64), o_pop_row=pl.int_range(pl.len(), dtype=pl.Int64)
    ).filter(pl.col("hh_id").is_in(hh_ids.implode()))
    fam = fam.with_columns(o_delivery=pl.Series(deliv[fam["o_pop_row"].to_numpy()]))
    fp = own.join(fam, on="hh_id").filter(
        (pl.col("o_nik") != pl.col("nik")) & (pl.col("o_delivery") != pl.col("delivery"))
    )
    ok = _one_typo_apart(fp["nik"].to_numpy(), fp["o_nik"].to_numpy()) if fp.height else np.zeros(0, bool)
    family_nik = _first_per_row(fp.filter(pl.Series(ok)), "o_nik", n)
    return pl.DataFrame(
        {
            "twin_nik": _str_ints_nullable(twin_nik),
            "swap_row": swap_row,
            "namesake_nik": _str_ints_nullable(namesake_nik),
            "family_nik": _str_ints_nullable(family_nik),
        }
    )


def _str_ints_nullable(x: pl.Series) -> pl.Series:
    return x.cast(pl.String).str.zfill(16)


def lookalike_truth(
    population: pl.DataFrame, base: pl.DataFrame, typed: np.ndarray, nik_true: np.ndarray, excluded: np.ndarray
) -> tuple[pl.Series, pl.Series]:
    """``lookalike_nik``: the real Dukcapil NIK, other than the person's own, that a row's NIK digits
    spell (null otherwise); ``lookalike_relation``: who that is to the person: ``twin`` (same
    delivery), ``family`` (same family card), ``namesake`` (same name, birth date and sex) or ``other``."""
    n = typed.size
    hit = (typed != nik_true) & ~excluded
    hit &= pl.Series(typed).is_in(population["NIK"].cast(pl.Int64).implode()).to_numpy()
    rows = np.flatnonzero(hit)
    nik = pl.Series("lookalike_nik", [None] * n, dtype=pl.String)
    rel = pl.Series("lookalike_relation", [None] * n, dtype=pl.String)
    if rows.size == 0:
        return nik, rel
    deliv = _deliveries(population)
    me = (
        base[pl.Series(rows)]
        .select("hh_id", "NAMA_LGKP", "TGL_LHR", "JENIS_KLMIN", "_pop_row")
        .with_columns(o_nik=pl.Series(typed[rows]), delivery=pl.Series(deliv[base["_pop_row"].to_numpy()[rows]]))
    )
    other = population.select(
        o_nik=pl.col("NIK").cast(pl.Int64),
        o_hh="hh_id",
        o_nama="NAMA_LGKP",
        o_tgl="TGL_LHR",
        o_sex="JENIS_KLMIN",
        o_pop_row=pl.int_range(pl.len(), dtype=pl.Int64),
    ).filter(pl.col("o_nik").is_in(pl.Series(typed[rows]).implode()))
    other = other.with_columns(o_delivery=pl.Series(deliv[other["o_pop_row"].to_numpy()]))
    j = me.join(other, on="o_nik", how="left", maintain_order="left").select(
        pl.col("o_nik").cast(pl.String).str.zfill(16),
        pl.when((pl.col("o_hh") == pl.col("hh_id")) & (pl.col("o_delivery") == pl.col("delivery")))
        .then(pl.lit("twin"))
        .when(pl.col("o_hh") == pl.col("hh_id"))
        .then(pl.lit("family"))
        .when(
            (pl.col("o_nama") == pl.col("NAMA_LGKP"))
            & (pl.col("o_tgl") == pl.col("TGL_LHR"))
            & (pl.col("o_sex") == pl.col("JENIS_KLMIN"))
        )
        .then(pl.lit("namesake"))
        .otherwise(pl.lit("other"))
        .alias("r"),
    )
    return nik.scatter(rows, j["o_nik"]), rel.scatter(rows, j["r"])
