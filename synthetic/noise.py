"""The noise kinds of the usulan rows: their rates (:data:`DEFAULT_NOISE_RATES`, in the order of the
truth file's ``noise`` column), the groups whose kinds exclude each other on a row
(:data:`NOISE_GROUPS`), the named mixes (:data:`NOISE_MIXES`), and which rows get which kind
(:func:`noise_flags`).

What each kind does to a row is one function named for the kind, in the module of its field:
:mod:`synthetic.noise_nik` (NIK and No KK), :mod:`synthetic.noise_name` (nama, call names),
:mod:`synthetic.noise_fields` (birth date, sex, village code, alamat), :mod:`synthetic.noise_invalid`
(rows a careful operator must reject) and :mod:`synthetic.relocation` (families that moved).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import polars as pl

# ------------------------------------------------------------------------------------------------
# Noise kinds. The order of this dict is the order of kinds in the truth file's ``noise`` column.
# Rates are per usulan data row. Kinds in one group exclude each other on a row.
# ------------------------------------------------------------------------------------------------
DEFAULT_NOISE_RATES: dict[str, float] = {
    # identity of the NIK (at most one per row)
    "nik_typo": 0.015,  # one digit substituted
    "nik_transpose": 0.010,  # two adjacent (different) digits swapped
    "nik_other_member": 0.006,  # the NIK of another member of the same household
    "nik_is_kk": 0.004,  # the No KK typed into the NIK column
    "nik_fabricated": 0.004,  # real person, NIK not in Dukcapil: same region+birth digits, new serial
    "ghost": 0.004,  # a person not in Dukcapil at all (new name/birth date, fabricated NIK)
    "nik_excel_sci": 0.008,  # Excel scientific notation 3.20101E+15 (digits lost for good)
    "nik_excel_zero16": 0.004,  # Excel kept 15 digits: the 16th became 0
    # written form of NIK / No KK (the digits are intact)
    "nik_apostrophe": 0.008,  # '3201...
    "nik_spaces": 0.008,  # surrounding spaces
    "nik_quoted": 0.004,  # literal double quotes around the value
    "nik_dot0": 0.005,  # trailing .0
    "kk_format": 0.008,  # No KK with apostrophe, spaces or .0
    # name variants (at most one per row)
    "name_spelling": 0.012,  # old/new spelling swap: oe/u dj/j tj/c j/y sj/sy ch/kh
    "name_muhammad": 0.004,  # Muhammad/Muhamad/Mohammad/Moh./M. ...
    "name_title": 0.006,  # H./Hj./Drs./Ir. before, S.Pd./S.E. ... after
    "name_bin": 0.004,  # + BIN/BINTI father's name
    "name_case": 0.008,  # lower case or Title Case
    "name_spaces": 0.006,  # doubled / leading / trailing spaces
    "name_typo": 0.012,  # one character substituted, dropped or doubled
    "name_abbrev": 0.005,  # middle (or last) word abbreviated to its initial
    "name_reorder": 0.004,  # first word moved to the end, or last to the front
    "name_chinese_form": 0.001,  # Indonesianised family name written as the clan name (SALIM -> LIEM)
    # birth date (at most one per row)
    "date_swap": 0.006,  # day and month swapped (only where both are <= 12 and differ)
    "date_excel_serial": 0.008,  # days since 1899-12-30
    "date_format_mixed": 0.010,  # another valid format than the rest of the file
    # other written forms
    "sex_style_mixed": 0.010,  # L/P in a LAKI-LAKI/PEREMPUAN file or the reverse
    "wilayah_style_mixed": 0.010,  # dotted code in an undotted file or the reverse
    # alamat (at most one per row); one alamat_nonascii row is forced into every file
    "alamat_comma": 0.010,
    "alamat_quote": 0.004,
    "alamat_newline": 0.004,  # a line break inside the (quoted) field
    "alamat_nonascii": 0.003,  # – ’ É: characters that differ between UTF-8 and Windows-1252
    # rows a careful operator must reject (expect_valid = False; at most one per row)
    "invalid_empty_nama": 0.002,
    "invalid_date": 0.002,
    "invalid_jenis_usulan": 0.002,
    "invalid_wilayah": 0.002,  # a village code that does not exist
    "invalid_formula": 0.0015,  # =HYPERLINK(...) and friends, in nama or alamat
    "invalid_missing_alasan": 0.001,  # HAPUS/SANGGAH without alasan (only those rows)
    # a NIK that lands on a real look-alike person (at most one per row; the row's own NIK digits
    # are replaced, so the "nik" kinds above do not apply to it). Rates are of all rows; a kind is
    # drawn only where its look-alike exists.
    "nik_typo_twin": 0.003,  # one serial digit mistyped: exactly the (same-sex) twin's NIK
    "nik_swap_twin": 0.002,  # both twins' rows in the file carry each other's NIK (counted per row)
    "nik_typo_namesake": 0.003,  # one serial digit mistyped: exactly a namesake's NIK (same name, birth date,
    # sex; another KK, mother, village and address)
    "nik_typo_family": 0.001,  # one digit mistyped or two swapped: exactly another member of the family card
    # (only ~0.1-0.2% of rows have such a relative: this caps the kind's rate)
    # nama panggilan instead of the registered name; NIK, birth date, sex, KK and mother stay right
    "call_name_sunda": 0.002,  # UJANG / ASEP for boys, NENG / EUIS for girls (Sundanese), alone or before a name
    "call_name_after_muhammad": 0.004,  # the word after MUHAMMAD / SITI / NUR / AHMAD alone (MUHAMMAD RIZKI -> RIZKI)
    "call_name_bali": 0.001,  # without I / NI and the birth-order name (I WAYAN SUDARSANA -> SUDARSANA)
    "call_name_su": 0.002,  # SU- dropped from a Javanese name (SUTRISNO -> TRISNO)
    "call_name_first_word": 0.004,  # only the first word of a multi-word name
    # the family moved (whole households; at most one per household)
    "relocated": 0.004,  # the usulan has the new village and address, Dukcapil still the old ones
    "relocated_old_form": 0.003,  # Dukcapil has the new village, address and No KK; the usulan an old form's
}

NOISE_GROUPS: dict[str, tuple[str, ...]] = {
    "nik": (
        "nik_typo",
        "nik_transpose",
        "nik_other_member",
        "nik_is_kk",
        "nik_fabricated",
        "ghost",
        "nik_excel_sci",
        "nik_excel_zero16",
    ),
    "nik_form": ("nik_apostrophe", "nik_spaces", "nik_quoted", "nik_dot0"),
    "kk_form": ("kk_format",),
    "name": (
        "name_spelling",
        "name_muhammad",
        "name_title",
        "name_bin",
        "name_case",
        "name_spaces",
        "name_typo",
        "name_abbrev",
        "name_reorder",
        "name_chinese_form",
    ),
    "date": ("date_swap", "date_excel_serial", "date_format_mixed"),
    "sex": ("sex_style_mixed",),
    "wilayah": ("wilayah_style_mixed",),
    "alamat": ("alamat_comma", "alamat_quote", "alamat_newline", "alamat_nonascii"),
    "invalid": (
        "invalid_empty_nama",
        "invalid_date",
        "invalid_jenis_usulan",
        "invalid_wilayah",
        "invalid_formula",
        "invalid_missing_alasan",
    ),
    # how the groups below combine with the others: a look-alike NIK replaces the NIK, so it clears
    # the "nik" kinds of its row; a call name comes with a right NIK and birth date, so it clears
    # the "nik" kinds and date_swap, gives way to a look-alike NIK and to an invalid nama, and
    # excludes the name kinds that need the registered words (muhammad, bin, abbrev, reorder,
    # chinese_form) while spelling, title, case, spaces and typo still apply on top of it.
    "nik_lookalike": ("nik_typo_twin", "nik_swap_twin", "nik_typo_namesake", "nik_typo_family"),
    "call_name": (
        "call_name_sunda",
        "call_name_after_muhammad",
        "call_name_bali",
        "call_name_su",
        "call_name_first_word",
    ),
    "relocation": ("relocated", "relocated_old_form"),
}
INVALID_KINDS = NOISE_GROUPS["invalid"]
CALL_NAME_EXCLUDES = ("name_muhammad", "name_bin", "name_abbrev", "name_reorder", "name_chinese_form")

# Named noise mixes. "dev" is the development mix (DEFAULT_NOISE_RATES). "held_out" has other rates
# of the old and the new kinds (more typing damage, more twins' and namesakes' NIKs, more call
# names and moves) and, with POPULATION_MIXES["held_out"], more twins and namesakes in the
# population: it exists to measure the matching once, on data it was never tuned on. Never use it
# to choose thresholds, weights or rules, and never train on it.
NOISE_MIXES: dict[str, dict[str, float]] = {
    "dev": DEFAULT_NOISE_RATES,
    "held_out": DEFAULT_NOISE_RATES
    | {
        "nik_typo": 0.030,
        "nik_transpose": 0.020,
        "nik_other_member": 0.010,
        "nik_excel_sci": 0.012,
        "nik_fabricated": 0.006,
        "ghost": 0.006,
        "name_spelling": 0.020,
        "name_muhammad": 0.008,
        "name_title": 0.010,
        "name_typo": 0.025,
        "name_abbrev": 0.008,
        "name_reorder": 0.006,
        "date_swap": 0.010,
        "date_excel_serial": 0.012,
        "nik_typo_twin": 0.006,
        "nik_swap_twin": 0.004,
        "nik_typo_namesake": 0.008,
        "nik_typo_family": 0.002,
        "call_name_sunda": 0.004,
        "call_name_after_muhammad": 0.008,
        "call_name_bali": 0.002,
        "call_name_su": 0.004,
        "call_name_first_word": 0.008,
        "relocated": 0.008,
        "relocated_old_form": 0.006,
    },
}


def resolve_rates(noise_rates: Mapping[str, float] | None, noise_mix: str = "dev") -> dict[str, float]:
    """The rates of ``noise_mix`` (a key of :data:`NOISE_MIXES`) with ``noise_rates`` overriding some."""
    if noise_mix not in NOISE_MIXES:
        raise ValueError(f"unknown noise mix {noise_mix!r}; known: {sorted(NOISE_MIXES)}")
    rates = dict(NOISE_MIXES[noise_mix])
    if noise_rates:
        unknown = sorted(set(noise_rates) - set(rates))
        if unknown:
            raise ValueError(f"unknown noise kinds: {unknown}; known: {list(rates)}")
        for k, v in noise_rates.items():
            if not 0.0 <= float(v) <= 1.0:
                raise ValueError(f"noise rate {k}={v} is not in [0, 1]")
            rates[k] = float(v)
    return rates


def _assign_groups(
    rng: np.random.Generator, n: int, rates: dict[str, float], applicable: dict[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """One boolean array per noise kind; within a group a row gets at most one kind.

    A kind that applies only to some rows is drawn among those still free in its group at
    ``rate / share`` so that its overall rate stays close to ``rate`` (all of them if they are
    fewer than ``rate``).
    """
    flags: dict[str, np.ndarray] = {}
    for kinds in NOISE_GROUPS.values():
        taken = np.zeros(n, dtype=bool)
        for kind in kinds:
            ok = applicable.get(kind, np.ones(n, dtype=bool))
            share = (ok & ~taken).mean() if n else 0.0
            p = min(1.0, rates[kind] / share) if share > 0 else 0.0
            f = ok & ~taken & (rng.random(n) < p)
            flags[kind] = f
            taken |= f
    return flags


def noise_flags(
    rng: np.random.Generator,
    rates: Mapping[str, float],
    applicable: Mapping[str, np.ndarray],
    *,
    swap_row: pl.Series,
    relocation: np.ndarray,
    file_index: np.ndarray,
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Which rows get which noise kind: one boolean array per kind of :data:`DEFAULT_NOISE_RATES`,
    and per row whether an ``invalid_formula`` goes into ``nama`` (else into ``alamat``).

    Kinds are drawn per group at their ``rates`` among the rows where they apply (``applicable``;
    :func:`_assign_groups`), then the groups are reconciled:

    * ``nik_swap_twin`` is drawn on the first twin's row (``swap_row``: the other's row) and
      flagged on both; ``relocated`` / ``relocated_old_form`` come from ``relocation`` (1 / 2,
      drawn per household before the files);
    * an invalid field takes precedence over the noise of that field;
    * a look-alike NIK is the row's NIK (no "nik" kind on top of it); a call name comes with the
      right NIK and birth date and needs none of the registered words (``CALL_NAME_EXCLUDES``),
      and gives way to a look-alike NIK;
    * an Excel-mangled NIK has no written form of its own;
    * one row per file (``file_index``) carries characters whose bytes differ between UTF-8 and
      Windows-1252 (``alamat_nonascii``), unless its alamat holds a formula.
    """
    n = file_index.size
    # a swap is drawn on the first twin's row and applied to both
    fl = _assign_groups(rng, n, rates | {"nik_swap_twin": rates["nik_swap_twin"] / 2}, applicable)
    fl["relocated"], fl["relocated_old_form"] = relocation == 1, relocation == 2
    swap_first = np.flatnonzero(fl["nik_swap_twin"])
    swap_second = swap_row.to_numpy()[swap_first].astype(np.int64) if swap_first.size else swap_first
    for kind in NOISE_GROUPS["nik_lookalike"]:
        fl[kind][swap_second] = False
    fl["nik_swap_twin"][swap_second] = True
    formula_in_nama = rng.random(n) < 0.5
    # conflicts: an invalid field takes precedence over the noise of that field
    clear_name = fl["invalid_empty_nama"] | (fl["invalid_formula"] & formula_in_nama)
    for kind in NOISE_GROUPS["name"] + NOISE_GROUPS["call_name"]:
        fl[kind] &= ~clear_name
    for kind in NOISE_GROUPS["date"]:
        fl[kind] &= ~fl["invalid_date"]
    fl["wilayah_style_mixed"] &= ~fl["invalid_wilayah"]
    # a look-alike NIK is the row's NIK; a call name comes with the right NIK and birth date
    lookalike = np.any(np.stack([fl[k] for k in NOISE_GROUPS["nik_lookalike"]]), axis=0)
    for kind in NOISE_GROUPS["call_name"]:
        fl[kind] &= ~lookalike
    called = np.any(np.stack([fl[k] for k in NOISE_GROUPS["call_name"]]), axis=0)
    for kind in NOISE_GROUPS["nik"]:
        fl[kind] &= ~(lookalike | called)
    fl["date_swap"] &= ~called
    for kind in CALL_NAME_EXCLUDES:
        fl[kind] &= ~called
    for kind in NOISE_GROUPS["nik_form"]:
        fl[kind] &= ~fl["nik_excel_sci"]
    # one row per file carries characters whose bytes differ between UTF-8 and Windows-1252
    r_first = np.lexsort((rng.random(n), file_index))
    forced = np.zeros(n, dtype=bool)
    forced[r_first[np.r_[True, file_index[r_first][1:] != file_index[r_first][:-1]]]] = True
    forced &= ~(fl["invalid_formula"] & ~formula_in_nama)
    for kind in NOISE_GROUPS["alamat"]:
        fl[kind] &= ~forced
        fl[kind] &= ~(fl["invalid_formula"] & ~formula_in_nama)
    fl["alamat_nonascii"] |= forced
    return fl, formula_in_nama
