"""Nama panggilan (call names): the name a person is called by, written instead of the registered
one. Each ``call_name_*`` function returns the call name of its kind per row, null where its
pattern does not apply; the registered name is never returned. :func:`call_names` gives them all,
before the noise is drawn, so that a call-name kind is drawn only where it applies."""

from __future__ import annotations

import re

import numpy as np
import polars as pl

from synthetic import names as N
from synthetic.common import expr_on
from synthetic.cultures import CULTURE_INDEX
from synthetic.naming import BALI_RE, GIVEN_RE

_PANGGILAN_RE = "^(?:" + "|".join(re.escape(w) for w in N.AWALAN_PANGGILAN) + r") (\S+)"
_NOT_A_CALL_NAME = (
    N.MUHAMMAD_VARIAN
    + N.MUHAMMAD_DUKCAPIL
    + ("ABDUL", "ABD.", "ANDI", "A.", "TEUKU", "T.", "CUT", "I", "NI", "BR", "BR.")
    + N.TIONGHOA_MARGA_LAMA
)
_SU_RE = r"(?:^|\s)SU([BCDGHJKLMNPRSTWY](?:[AEIOU]|[RY][AEIOU])\S{2,})(?:\s|$)"


def call_name_sunda(rng: np.random.Generator, nama: pl.Series, female: np.ndarray, culture: np.ndarray) -> pl.Series:
    """Sundanese: UJANG / ASEP (boys), NENG / EUIS (girls), alone or before the given name (ASEP RAHMAT)."""
    n = nama.len()
    pick = rng.integers(0, 2, n)
    with_name = rng.random(n) < 0.6
    boys, girls = N.PANGGILAN_SUNDA_LAKI, N.PANGGILAN_SUNDA_PEREMPUAN
    g = pl.Series(
        np.where(female, np.asarray(girls, dtype=object)[pick], np.asarray(boys, dtype=object)[pick]).tolist(),
        dtype=pl.String,
    )
    alt = pl.Series(
        np.where(female, np.asarray(girls, dtype=object)[1 - pick], np.asarray(boys, dtype=object)[1 - pick]).tolist(),
        dtype=pl.String,
    )
    generic = list(boys + girls)
    return expr_on(
        nama,
        pl.when(pl.col("sunda"))
        .then(
            pl.when(pl.col("s").str.extract(r"^(\S+)", 1) == pl.col("g"))
            .then(pl.col("alt"))
            .otherwise(pl.col("g"))
            .pipe(
                lambda word: (
                    pl.when(pl.col("w") & pl.col("s").str.extract(GIVEN_RE, 2).is_in(generic).not_())
                    .then(word + " " + pl.col("s").str.extract(GIVEN_RE, 2))
                    .otherwise(word)
                )
            )
        )
        .pipe(lambda call: pl.when(call != pl.col("s")).then(call)),
        g=g,
        alt=alt,
        w=with_name,
        sunda=culture == CULTURE_INDEX["sunda"],
    )


def call_name_after_muhammad(nama: pl.Series) -> pl.Series:
    """The word after MUHAMMAD / SITI / NUR / AHMAD (and their spellings) alone: MUHAMMAD RIZKI -> RIZKI."""
    w = nama.str.extract(_PANGGILAN_RE, 1)
    return expr_on(
        w,
        pl.when(
            ~pl.col("s").is_in(list(N.AWALAN_NAMA))
            & ~pl.col("s").str.contains(".", literal=True)
            & (pl.col("s").str.len_chars() >= 3)
        ).then(pl.col("s")),
    )


def call_name_bali(nama: pl.Series) -> pl.Series:
    """A Balinese name without I / NI and the birth-order name: I WAYAN SUDARSANA -> SUDARSANA."""
    return nama.str.extract(BALI_RE, 2)


def call_name_su(nama: pl.Series, culture: np.ndarray) -> pl.Series:
    """A Javanese name without its SU-: SUTRISNO -> TRISNO, SUWARNI -> WARNI (that word alone)."""
    w = nama.str.extract(_SU_RE, 1)
    return expr_on(w, pl.when(pl.col("jawa")).then(pl.col("s")), jawa=culture == CULTURE_INDEX["jawa"])


def call_name_first_word(nama: pl.Series) -> pl.Series:
    """Only the first word of a multi-word name (not a title, an abbreviation or a clan name)."""
    w = nama.str.extract(r"^(\S+) \S", 1)
    return expr_on(
        w,
        pl.when(
            ~pl.col("s").is_in(list(_NOT_A_CALL_NAME))
            & ~pl.col("s").str.contains(".", literal=True)
            & (pl.col("s").str.len_chars() >= 3)
        ).then(pl.col("s")),
    )


def call_names(rng: np.random.Generator, nama: pl.Series, female: np.ndarray, culture: np.ndarray) -> pl.DataFrame:
    """One column per call-name kind: the call name each row would get (null where it does not apply)."""
    return pl.DataFrame(
        {
            "call_name_sunda": call_name_sunda(rng, nama, female, culture),
            "call_name_after_muhammad": call_name_after_muhammad(nama),
            "call_name_bali": call_name_bali(nama),
            "call_name_su": call_name_su(nama, culture),
            "call_name_first_word": call_name_first_word(nama),
        }
    )
