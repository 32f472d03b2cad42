"""The usulan rows of a periode: who is proposed, in which file, with which noise, and the truth.

:func:`usulan` reads as its steps: draw the proposed households and their rows, move the families
that moved, split the rows into files, find what the noise of a row can land on (look-alike NIKs,
call names), draw the noise kinds, write every field with its kinds applied in order, then the
rows to reject, then the truth. The random draws happen in exactly that order: the files a seed
gives are what the tests and the benchmarks expect, byte for byte.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import polars as pl

from synthetic import names as N
from synthetic.callnames import call_names
from synthetic.common import DAYS_PER_YEAR, dotted_code, epoch_day, gather, group_rank, periode_start, str_ints, ymd
from synthetic.cultures import EJAAN_CULTURES, MUSLIM_CULTURES
from synthetic.lookalikes import lookalike_truth, lookalikes
from synthetic.noise import DEFAULT_NOISE_RATES, INVALID_KINDS, NOISE_GROUPS, noise_flags, resolve_rates
from synthetic.noise_fields import (
    alamat_comma,
    alamat_newline,
    alamat_nonascii,
    alamat_quote,
    date_excel_serial,
    date_format_mixed,
    date_swap,
    sex_style_mixed,
    wilayah_style_mixed,
)
from synthetic.noise_invalid import (
    invalid_date,
    invalid_empty_nama,
    invalid_formula,
    invalid_jenis_usulan,
    invalid_missing_alasan,
    invalid_wilayah,
)
from synthetic.noise_name import MUHAMMAD_RE, fathers, with_call_names, with_name_variants
from synthetic.noise_nik import (
    ghost,
    kk_format,
    nik_apostrophe,
    nik_dot0,
    nik_excel_sci,
    nik_excel_zero16,
    nik_fabricated,
    nik_is_kk,
    nik_other_member,
    nik_quoted,
    nik_spaces,
    nik_swap_twin,
    nik_transpose,
    nik_typo,
    nik_typo_family,
    nik_typo_namesake,
    nik_typo_twin,
)
from synthetic.proposals import Files, Proposal, families_that_moved, file_columns, into_files, proposed_rows
from synthetic.vocabulary import ALASAN_HAPUS, ALASAN_PERBAIKAN, ALASAN_SANGGAH, JENIS_USULAN, ROLES


def usulan(
    rng: np.random.Generator,
    population: pl.DataFrame,
    n_rows: int,
    *,
    periode: str,
    noise_rates: Mapping[str, float] | None = None,
    noise_mix: str = "dev",
) -> pl.DataFrame:
    """The proposal rows of ``periode``: whole households, split into files per province, with noise.

    Returns the usulan contract columns (:data:`synthetic.common.USULAN_COLUMNS`, all strings, as
    they will be written) plus ``kode_prov``, ``file_index``, ``sumber_file``, ``sumber_baris``,
    ``file_style`` and the truth: ``true_nik`` (null for ghosts), ``true_no_kk``,
    ``true_jenis_usulan``, ``noise`` (comma-separated kinds of
    :data:`synthetic.noise.DEFAULT_NOISE_RATES`, "" when clean), ``expect_valid``,
    ``lookalike_nik`` (the real Dukcapil NIK, not the person's own, that the row's NIK digits
    spell: the twin, namesake or family member a typo lands on; null otherwise) and
    ``lookalike_relation`` (that person: ``twin``, ``family``, ``namesake`` or ``other``).
    Rows are sorted by ``file_index`` and ``sumber_baris``. ``noise_mix`` names the rates
    (:data:`synthetic.noise.NOISE_MIXES`); ``noise_rates`` overrides some of them.

    Examples
    --------
    >>> from synthetic.population import population
    >>> rng = np.random.default_rng(3)
    >>> pop = population(rng, 400, periode="2026-01")
    >>> rows = usulan(rng, pop, 100, periode="2026-01", noise_rates={"nik_typo": 0.5})
    >>> int(rows["noise"].str.contains("nik_typo").sum()) > 20
    True
    """
    rates = resolve_rates(noise_rates, noise_mix)
    ref = epoch_day(periode_start(periode))
    if not 0 < n_rows <= population.height:
        raise ValueError(f"n_rows must be in 1..{population.height} (the population size)")

    proposal = proposed_rows(rng, population, n_rows)
    proposal = families_that_moved(rng, proposal, rates, population, ref)
    proposal, files = into_files(rng, proposal, periode)
    facts = _facts(rng, population, proposal)
    flags, formula_in_nama = noise_flags(
        rng,
        rates,
        _applicable(proposal, facts, ref),
        swap_row=facts.lookalikes["swap_row"],
        relocation=proposal.base["_relocation"].to_numpy(),
        file_index=files.index,
    )

    # every field with the noise of its kinds, in the order of the draws
    base = proposal.base
    nama, birth, ghost_prefix = ghost(
        rng,
        base["NAMA_LGKP"],
        facts.birth,
        flags["ghost"],
        ref=ref,
        culture=facts.culture,
        female=facts.female,
        fam=base["fam"].to_numpy().astype(np.int64),
        kode_wilayah=base["_kode_usulan"],
    )
    year = ymd(birth)[0]
    nik, (lookalike_nik, lookalike_relation) = _nik(rng, population, proposal, facts, flags, ghost_prefix)
    no_kk = kk_format(rng, base["_kk_usulan"], flags["kk_format"])
    nama, flags = _nama(rng, population, proposal, facts, flags, nama, year)
    tanggal_lahir = _tanggal_lahir(rng, birth, files, flags)
    jenis_kelamin = _jenis_kelamin(rng, facts, files, flags)
    kode_wilayah = _kode_wilayah(rng, proposal, files, flags)
    alamat = _alamat(rng, proposal, flags)
    other, alasan = _other_fields(rng, proposal, facts.female, birth, ref)

    # rows a careful operator must reject
    nama = invalid_empty_nama(rng, nama, flags["invalid_empty_nama"])
    tanggal_lahir = invalid_date(rng, tanggal_lahir, flags["invalid_date"], year=year)
    jenis_usulan = invalid_jenis_usulan(rng, gather(JENIS_USULAN, proposal.jenis), flags["invalid_jenis_usulan"])
    nama, alamat = invalid_formula(rng, nama, alamat, flags["invalid_formula"], in_nama=formula_in_nama)
    alasan = invalid_missing_alasan(rng, alasan, flags["invalid_missing_alasan"])

    return pl.DataFrame(
        {
            "jenis_usulan": jenis_usulan,
            "nik": nik,
            "no_kk": no_kk,
            "nama": nama,
            "tempat_lahir": base["TMPT_LHR"],
            "tanggal_lahir": tanggal_lahir,
            "jenis_kelamin": jenis_kelamin,
            "hubungan_keluarga": base["STAT_HBKEL"],
            "nama_ibu_kandung": base["NAMA_LGKP_IBU"],
            "alamat": alamat,
            "kode_wilayah": kode_wilayah,
            **other,
            "alasan": alasan,
            **file_columns(files),
            **_truth_columns(proposal, flags, lookalike_nik, lookalike_relation),
        }
    )


@dataclass(frozen=True)
class _Facts:
    """What the truth knows about every row before the noise, and what its noise can land on."""

    female: np.ndarray
    birth: np.ndarray  # days since 1970-01-01
    culture: np.ndarray
    nik: np.ndarray  # the person's NIK and No KK (16-digit integers)
    no_kk: np.ndarray
    rank_in_household: np.ndarray  # 0-based rank of the row among its household's rows, and their number
    household_rows: np.ndarray
    lookalikes: pl.DataFrame  # :func:`synthetic.lookalikes.lookalikes`
    call_names: pl.DataFrame  # :func:`synthetic.callnames.call_names`


def _facts(rng: np.random.Generator, population: pl.DataFrame, proposal: Proposal) -> _Facts:
    base = proposal.base
    female = (base["JENIS_KLMIN"] == "PEREMPUAN").to_numpy()
    culture = base["culture"].to_numpy().astype(np.int64)
    rank_in_household, household_rows = group_rank(proposal.household, np.arange(base.height))
    return _Facts(
        female=female,
        birth=base["TGL_LHR"].cast(pl.Int32).to_numpy().astype(np.int64),
        culture=culture,
        nik=base["NIK"].cast(pl.Int64).to_numpy(),
        no_kk=base["NO_KK"].cast(pl.Int64).to_numpy(),
        rank_in_household=rank_in_household,
        household_rows=household_rows,
        lookalikes=lookalikes(population, base, proposal.household),
        call_names=call_names(rng, base["NAMA_LGKP"], female, culture),
    )


def _applicable(proposal: Proposal, facts: _Facts, ref: int) -> dict[str, np.ndarray]:
    """The rows each kind can happen on (the kinds not named here apply everywhere)."""
    nama = proposal.base["NAMA_LGKP"]
    n = nama.len()
    _, m0, d0 = ymd(facts.birth)
    has_space = nama.str.contains(" ").to_numpy()
    modern_th = nama.str.extract(r"(\S+)$", 1).is_in([m for m, _ in N.TIONGHOA_BENTUK]).to_numpy()
    look, call = facts.lookalikes, facts.call_names
    return {
        "nik_other_member": facts.household_rows >= 2,
        "nik_excel_zero16": facts.nik % 10 != 0,
        "name_muhammad": nama.str.contains(MUHAMMAD_RE).to_numpy(),
        "name_spelling": np.isin(facts.culture, EJAAN_CULTURES),
        "name_title": (ref - facts.birth) / DAYS_PER_YEAR >= 25,
        "name_bin": np.isin(facts.culture, MUSLIM_CULTURES),
        "name_abbrev": has_space,
        "name_reorder": has_space,
        "name_chinese_form": modern_th,
        "date_swap": (d0 <= 12) & (d0 != m0),
        "invalid_missing_alasan": np.isin(proposal.jenis, (2, 3)),
        "nik_typo_twin": look["twin_nik"].is_not_null().to_numpy(),
        "nik_swap_twin": look["swap_row"].is_not_null().to_numpy(),
        "nik_typo_namesake": look["namesake_nik"].is_not_null().to_numpy(),
        "nik_typo_family": look["family_nik"].is_not_null().to_numpy(),
        **{kind: call[kind].is_not_null().to_numpy() for kind in NOISE_GROUPS["call_name"]},
        **{kind: np.zeros(n, dtype=bool) for kind in NOISE_GROUPS["relocation"]},  # drawn per household
    }


def _nik(
    rng: np.random.Generator,
    population: pl.DataFrame,
    proposal: Proposal,
    facts: _Facts,
    flags: Mapping[str, np.ndarray],
    ghost_prefix: np.ndarray,
) -> tuple[pl.Series, tuple[pl.Series, pl.Series]]:
    """The NIK as written, and the look-alike its digits spell (``lookalike_nik``, ``lookalike_relation``)."""
    look = facts.lookalikes
    nik = nik_typo(rng, facts.nik, flags["nik_typo"])
    nik = nik_transpose(rng, nik, flags["nik_transpose"])
    nik = nik_other_member(
        rng,
        nik,
        flags["nik_other_member"],
        nik_true=facts.nik,
        rank_in_household=facts.rank_in_household,
        household_rows=facts.household_rows,
    )
    nik = nik_is_kk(rng, nik, flags["nik_is_kk"], no_kk=facts.no_kk)
    nik = nik_excel_zero16(rng, nik, flags["nik_excel_zero16"])
    nik = nik_typo_twin(rng, nik, flags["nik_typo_twin"], twin_nik=look["twin_nik"])
    nik = nik_typo_namesake(rng, nik, flags["nik_typo_namesake"], namesake_nik=look["namesake_nik"])
    nik = nik_typo_family(rng, nik, flags["nik_typo_family"], family_nik=look["family_nik"])
    nik = nik_swap_twin(rng, nik, flags["nik_swap_twin"], swap_row=look["swap_row"])
    nik = nik_fabricated(
        rng,
        nik,
        flags["nik_fabricated"],
        ghost_mask=flags["ghost"],
        ghost_prefix=ghost_prefix,
        population_nik=population["NIK"].cast(pl.Int64).to_numpy(),
    )
    lookalike = lookalike_truth(population, proposal.base, nik, facts.nik, flags["nik_excel_sci"] | flags["ghost"])
    written = nik_excel_sci(rng, str_ints(nik, 16), flags["nik_excel_sci"])
    written = nik_apostrophe(rng, written, flags["nik_apostrophe"])
    written = nik_spaces(rng, written, flags["nik_spaces"])
    written = nik_quoted(rng, written, flags["nik_quoted"])
    return nik_dot0(rng, written, flags["nik_dot0"]), lookalike


def _nama(
    rng: np.random.Generator,
    population: pl.DataFrame,
    proposal: Proposal,
    facts: _Facts,
    flags: Mapping[str, np.ndarray],
    nama: pl.Series,
    birth_year: np.ndarray,
) -> tuple[pl.Series, dict[str, np.ndarray]]:
    """The names: a call name first, then the written variants on top of it (and the flags, where
    a variant that changed nothing became a typo)."""
    nama = with_call_names(nama, flags, facts.call_names)
    father = fathers(rng, population, proposal.base, facts.culture, birth_year)
    return with_name_variants(rng, nama, flags, female=facts.female, father=father)


def _tanggal_lahir(
    rng: np.random.Generator, birth: np.ndarray, files: Files, flags: Mapping[str, np.ndarray]
) -> pl.Series:
    """The birth dates in the format of their file, with the date kinds."""
    date_format = date_format_mixed(rng, files.date_format[files.index], flags["date_format_mixed"])
    y, m, d = date_swap(rng, ymd(birth), flags["date_swap"])
    tanggal_lahir = _render_dates(y, m, d, date_format)
    return date_excel_serial(rng, tanggal_lahir, flags["date_excel_serial"], birth=birth)


def _render_dates(y: np.ndarray, m: np.ndarray, d: np.ndarray, fmt: np.ndarray) -> pl.Series:
    df = pl.DataFrame({"y": str_ints(y, 4), "m": str_ints(m, 2), "d": str_ints(d, 2), "f": fmt})
    return df.select(
        pl.when(pl.col("f") == 0)
        .then(pl.format("{}-{}-{}", "d", "m", "y"))
        .when(pl.col("f") == 1)
        .then(pl.format("{}/{}/{}", "d", "m", "y"))
        .otherwise(pl.format("{}-{}-{}", "y", "m", "d"))
        .alias("tanggal_lahir")
    )["tanggal_lahir"]


def _jenis_kelamin(rng: np.random.Generator, facts: _Facts, files: Files, flags: Mapping[str, np.ndarray]) -> pl.Series:
    """L/P or LAKI-LAKI/PEREMPUAN, as the file writes it (but for ``sex_style_mixed``)."""
    long_sex = sex_style_mixed(rng, files.long_sex[files.index], flags["sex_style_mixed"])
    return gather(("L", "P", "LAKI-LAKI", "PEREMPUAN"), facts.female.astype(np.int64) + 2 * long_sex)


def _kode_wilayah(
    rng: np.random.Generator, proposal: Proposal, files: Files, flags: Mapping[str, np.ndarray]
) -> pl.Series:
    """The village codes, dotted as the file writes them (but for ``wilayah_style_mixed``); an
    invalid code is written in the same style."""
    dotted = wilayah_style_mixed(rng, files.dotted[files.index], flags["wilayah_style_mixed"])
    kode = invalid_wilayah(rng, proposal.base["_kode_usulan"], flags["invalid_wilayah"])
    return dotted_code(kode, dotted)


def _alamat(rng: np.random.Generator, proposal: Proposal, flags: Mapping[str, np.ndarray]) -> pl.Series:
    """The addresses with the alamat kinds."""
    base = proposal.base
    alamat = alamat_comma(rng, base["_alamat_usulan"], flags["alamat_comma"], kode_wilayah=base["_kode_usulan"])
    alamat = alamat_quote(rng, alamat, flags["alamat_quote"])
    alamat = alamat_newline(rng, alamat, flags["alamat_newline"])
    return alamat_nonascii(rng, alamat, flags["alamat_nonascii"])


def _other_fields(
    rng: np.random.Generator, proposal: Proposal, female: np.ndarray, birth: np.ndarray, ref: int
) -> tuple[dict[str, pl.Series], pl.Series]:
    """``hamil``, ``disabilitas_berat`` and ``jenjang_sekolah`` (consistent with age and sex), and
    ``alasan`` (by proposal type: MENINGGAL DUNIA for a HAPUS of the dead)."""
    base, jenis = proposal.base, proposal.jenis
    n = base.height
    age = (ref - birth) / DAYS_PER_YEAR
    u = rng.random(n)
    hamil = female & (age >= 18) & (age <= 45) & (u < 0.05) & np.isin(base["STAT_HBKEL"].to_numpy(), ROLES[:4])
    disab = rng.random(n) < np.where(age >= 60, 0.03, 0.008)
    sek = np.select(
        [
            (age >= 7) & (age < 13) & (u < 0.93),
            (age >= 13) & (age < 16) & (u < 0.85),
            (age >= 16) & (age < 19) & (u < 0.75),
        ],
        [1, 2, 3],
        0,
    )
    alasan_i = rng.random(n)
    alasan = pl.select(
        pl.when(pl.lit(pl.Series(jenis == 2) & pl.Series(proposal.deceased_only[proposal.household])))
        .then(pl.lit("MENINGGAL DUNIA"))
        .when(pl.lit(pl.Series(jenis == 2)))
        .then(pl.lit(gather(ALASAN_HAPUS, (alasan_i * 5).astype(np.int64))))
        .when(pl.lit(pl.Series(jenis == 3)))
        .then(pl.lit(gather(ALASAN_SANGGAH, (alasan_i * 7).astype(np.int64))))
        .when(pl.lit(pl.Series(jenis == 1)))
        .then(pl.lit(gather(ALASAN_PERBAIKAN, (alasan_i * 5).astype(np.int64))))
        .otherwise(pl.lit(""))
    ).to_series()
    fields = {
        "hamil": gather(("N", "Y"), hamil.astype(np.int64)),
        "disabilitas_berat": gather(("N", "Y"), disab.astype(np.int64)),
        "jenjang_sekolah": gather(("TIDAK", "SD", "SMP", "SMA"), sek),
    }
    return fields, alasan


def _truth_columns(
    proposal: Proposal, flags: Mapping[str, np.ndarray], lookalike_nik: pl.Series, lookalike_relation: pl.Series
) -> dict[str, pl.Series]:
    """Who each row is, what it was meant to propose, its noise kinds and whether it is valid."""
    base = proposal.base
    kinds = list(DEFAULT_NOISE_RATES)
    noise = pl.DataFrame({k: flags[k] for k in kinds}).select(
        pl.concat_str([pl.when(pl.col(k)).then(pl.lit(k)) for k in kinds], separator=",", ignore_nulls=True).alias(
            "noise"
        )
    )["noise"]
    expect_valid = ~np.any(np.stack([flags[k] for k in INVALID_KINDS]), axis=0)
    true_nik = pl.select(
        pl.when(pl.lit(pl.Series(flags["ghost"]))).then(pl.lit(None, pl.String)).otherwise(pl.lit(base["NIK"]))
    ).to_series()
    return {
        "true_nik": true_nik,
        "true_no_kk": base["NO_KK"],
        "true_jenis_usulan": gather(JENIS_USULAN, proposal.jenis),
        "noise": noise,
        "expect_valid": pl.Series(expect_valid),
        "lookalike_nik": lookalike_nik,
        "lookalike_relation": lookalike_relation,
    }
