"""Eligibility, amounts and status per programme and unit, from the register and the rule set.

Every reason that applies is listed in ``alasan``; the status is the first of the rule set's
``status_precedence`` that any reason implies.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from transforms.codes import code_expr as _code

from rules import RuleSet
from schemas.vocabulary import AKTIF_YA, BLOCKING_STATUSES, CANDIDATE_STATUS, PROGRAM_ALIASES

# which status each reason code implies (codes not listed here are informational only)
STATUS_OF_REASON = {
    "NIK_TIDAK_PADAN": "EXCLUDE", "NIK_TIDAK_ADA_DI_DUKCAPIL": "EXCLUDE", "MENINGGAL": "EXCLUDE", "ASN_TNI_POLRI": "EXCLUDE",
    "DESIL_DI_ATAS_BATAS": "EXCLUDE", "DESIL_TIDAK_ADA": "EXCLUDE", "TIDAK_ADA_KOMPONEN_PKH": "EXCLUDE",
    "SANGGAH_TERBUKTI": "EXCLUDE",
    "SDM_KESOS_AKTIF": "OVERLAP SDM KESOS", "GIS_TIDAK_LAYAK": "TIDAK LAYAK GIS",
    "SALUR_SUKSES_SPM": "SUKSES SPM", "SALUR_PROSES_SPM": "PROSES SPM", "SALUR_GAGAL_OMSPAN": "GAGAL OMSPAN",
    "SALUR_SI": "SI", "BUREKOL_PROSES": "PROSES BUREKOL", "BUREKOL_GAGAL": "PROSES BUREKOL",
}
SALUR_REASON = {"SUKSES SPM": "SALUR_SUKSES_SPM", "PROSES SPM": "SALUR_PROSES_SPM",
                "GAGAL OMSPAN": "SALUR_GAGAL_OMSPAN", "SI": "SALUR_SI"}
PKH_FLAG_CONDITIONS = {
    "IBU_HAMIL": pl.col("hamil") & (pl.col("jenis_kelamin") == "P"),
    "DISABILITAS_BERAT": pl.col("disabilitas_berat"),
}
"""Who brings the PKH components recognised by name (``schemas.vocabulary.PKH_FLAG_COMPONENTS``); the
rule-file model lets any other component in only with a school level or an age range."""


def same_periode_expr(col: str, periode: str) -> pl.Expr:
    """A feedback row belongs to the periode when its periode is empty or names the same month
    (``2026-11``, ``202611``, ``2026/11``)."""
    digits = pl.col(col).str.replace_all(r"[^0-9]", "")
    return digits.is_null() | (digits == "") | (digits == periode.replace("-", ""))



def age_expr(birth: str, at: dt.date) -> pl.Expr:
    """Whole years between ``birth`` and ``at``."""
    b = pl.col(birth)
    had_birthday = (b.dt.month() < at.month) | ((b.dt.month() == at.month) & (b.dt.day() <= at.day))
    return pl.lit(at.year) - b.dt.year() - pl.when(had_birthday).then(0).otherwise(1)


def members(individu: pl.LazyFrame, dukcapil: pl.LazyFrame, sdm_kesos: pl.LazyFrame, *,
            rules: RuleSet, reference_date: dt.date, sanggah: pl.LazyFrame | None = None) -> pl.LazyFrame:
    """Register persons with the facts the rules need: age, alive, excluded occupation, SDM Kesos,
    and the PKH component value (the highest component a person brings)."""
    occupations = list(rules.exclusions.occupations)
    age = pl.col("umur")
    school = pl.col("jenjang_sekolah")
    options = []
    for name, c in rules.pkh.components.items():
        cond = PKH_FLAG_CONDITIONS.get(name, pl.lit(True))
        if c.school is not None:
            cond = cond & (school == c.school)
        if c.max_age is not None:
            cond = cond & (age <= c.max_age)
        if c.min_age is not None:
            cond = cond & (age >= c.min_age)
        options.append(pl.when(cond.fill_null(False)).then(pl.lit(c.annual)).otherwise(0))
    dk = dukcapil.select(nik="NIK", _tgl_mati="TGL_MATI", _pekerjaan="JENIS_PKRJN", _di_dukcapil=pl.lit(True))
    sdm = (sdm_kesos.filter(pl.col("aktif").str.strip_chars().str.to_uppercase().is_in(list(AKTIF_YA)))
           .select(nik=pl.col("nik").str.strip_chars()).unique().with_columns(is_sdm_kesos=pl.lit(True)))
    if sanggah is None:
        sanggah = pl.LazyFrame(schema={"nik": pl.String, "sanggah_keputusan": pl.String})
    return (
        individu.join(dk, on="nik", how="left")
        .join(sdm, on="nik", how="left")
        .join(sanggah, on="nik", how="left")
        .with_columns(
            umur=age_expr("tanggal_lahir", reference_date),
            is_meninggal=pl.col("_tgl_mati").is_not_null() & (pl.col("_tgl_mati") <= pl.lit(reference_date)),
            is_asn=pl.col("_pekerjaan").str.to_uppercase().is_in(occupations).fill_null(False),
            is_sdm_kesos=pl.col("is_sdm_kesos").fill_null(False) & rules.exclusions.sdm_kesos_active,
            is_di_dukcapil=pl.col("_di_dukcapil").fill_null(False),
        )
        .with_columns(
            nilai_komponen=pl.when(pl.col("is_meninggal")).then(0).otherwise(pl.max_horizontal(options))
            .cast(pl.Int64),
        )
        .drop("_tgl_mati", "_pekerjaan", "_di_dukcapil")
    )


def households(m: pl.LazyFrame, dtsen: pl.LazyFrame, gis: pl.LazyFrame, *, max_components: int) -> pl.LazyFrame:
    """One row per no_kk: head, region, decile, GIS verdict and household-level exclusion facts."""
    head_first = pl.col("hubungan_keluarga") == "KEPALA KELUARGA"
    gis_latest = (
        gis.with_columns(_tgl=pl.col("tgl_verifikasi").str.to_date("%Y-%m-%d", strict=False))
        .sort("no_kk", "_tgl", "hasil", nulls_last=False)
        .group_by("no_kk").agg(gis_hasil=pl.col("hasil").str.strip_chars().str.to_uppercase()
                               .str.replace_all(r"[_\s]+", " ").last())
    )
    desil = dtsen.sort("no_kk", "tgl_update").group_by("no_kk").agg(desil=pl.col("desil").last().cast(pl.Int64))
    top = (
        m.filter(pl.col("nilai_komponen") > 0)
        .group_by("no_kk")
        .agg(pl.col("nilai_komponen").sort(descending=True).head(max_components).alias("_vals"))
        .select("no_kk", komponen_pkh=pl.col("_vals").list.len().cast(pl.Int64),
                nilai_pkh_tahunan=pl.col("_vals").list.sum().cast(pl.Int64))
    )
    return (
        m.sort("no_kk", ~head_first, "nik")
        .group_by("no_kk", maintain_order=True)
        .agg(
            nik_kepala=pl.col("nik").first(),
            kode_wilayah=pl.col("kode_wilayah").first(),
            kode_prov=pl.col("kode_prov").first(),
            kepala_padan=pl.col("status_padan").first().is_in(["PADAN", "PADAN_KOREKSI"]),
            kepala_di_dukcapil=pl.col("is_di_dukcapil").first(),
            semua_meninggal=pl.col("is_meninggal").all(),
            ada_asn=(pl.col("is_asn") & ~pl.col("is_meninggal")).any(),
            ada_sdm_kesos=(pl.col("is_sdm_kesos") & ~pl.col("is_meninggal")).any(),
            ada_sanggah=(pl.col("sanggah_alasan").is_not_null() & pl.col("sanggah_keputusan").is_null()).any(),
            sanggah_terbukti=(pl.col("sanggah_keputusan") == "TERBUKTI").any(),
            sanggah_tidak_terbukti=(pl.col("sanggah_keputusan") == "TIDAK_TERBUKTI").any(),
        )
        .join(desil, on="no_kk", how="left")
        .join(gis_latest, on="no_kk", how="left")
        .join(top, on="no_kk", how="left")
        .with_columns(pl.col("komponen_pkh").fill_null(0), pl.col("nilai_pkh_tahunan").fill_null(0))
    )


def _status_from(reasons: pl.Expr, precedence: tuple[str, ...]) -> pl.Expr:
    """The highest-precedence status any reason implies (SK/CALON PENERIMA when none does): one
    membership test per reason code, no per-row list evaluation."""
    expr = pl.lit(CANDIDATE_STATUS)
    for status in reversed(precedence):
        codes = [c for c, s in STATUS_OF_REASON.items() if s == status]
        if status == CANDIDATE_STATUS or not codes:
            continue
        implied = pl.any_horizontal([reasons.list.contains(c) for c in codes])
        expr = pl.when(implied).then(pl.lit(status)).otherwise(expr)
    return expr


def penerima(individu: pl.LazyFrame, dukcapil: pl.LazyFrame, dtsen: pl.LazyFrame, sdm_kesos: pl.LazyFrame,
             gis: pl.LazyFrame, burekol: pl.LazyFrame, salur: pl.LazyFrame, *, rules: RuleSet,
             periode: str, reference_date: dt.date, sanggah: pl.LazyFrame | None = None) -> pl.LazyFrame:
    """One row per programme x unit with ``status``, every reason in ``alasan`` and ``nominal``
    (the tranche for the period: annual entitlement x tranche_months / 12; 0 when not payable)."""
    m = members(individu, dukcapil, sdm_kesos, rules=rules, reference_date=reference_date, sanggah=sanggah)
    hh = households(m, dtsen, gis, max_components=rules.pkh.max_components)
    bur = (
        burekol.with_columns(_s=pl.col("status_rekening").str.strip_chars().str.to_uppercase())
        .sort("no_kk", "_s").group_by("no_kk").agg(_burekol=pl.col("_s").first())
    )
    sal = (
        salur.filter(same_periode_expr("periode", periode))
        .with_columns(_s=pl.col("status").str.strip_chars().str.to_uppercase().str.replace_all(r"[_\s]+", " "),
                      _nom=pl.col("nominal").str.replace_all(r"[^0-9]", "").cast(pl.Int64, strict=False),
                      program=pl.col("program").str.strip_chars().str.to_uppercase().replace(PROGRAM_ALIASES))
        .sort("program", "no_kk", "_s").group_by("program", "no_kk")
        .agg(_salur=pl.col("_s").first(), _salur_nominal=pl.col("_nom").sum())
    )
    frames = []
    for program, p in rules.programmes.items():
        deciles = list(p.deciles)
        tranche = p.tranche_months
        if p.unit == "household":
            annual = pl.col("nilai_pkh_tahunan") if p.requires_component else pl.lit(p.monthly_amount * 12)
            base = hh.with_columns(
                program=pl.lit(program), nik=pl.col("nik_kepala"),
                _tidak_padan=~pl.col("kepala_padan"), _hilang=~pl.col("kepala_di_dukcapil"),
                _meninggal=pl.col("semua_meninggal"),
                _komponen=pl.col("komponen_pkh") > 0 if p.requires_component else pl.lit(True),
                _annual=annual,
            )
        else:
            base = m.join(hh.select("no_kk", "desil", "gis_hasil", "ada_asn", "ada_sdm_kesos", "ada_sanggah",
                                    "sanggah_terbukti", "sanggah_tidak_terbukti"),
                          on="no_kk", how="left").with_columns(
                program=pl.lit(program),
                _tidak_padan=~pl.col("status_padan").is_in(["PADAN", "PADAN_KOREKSI"]),
                _hilang=~pl.col("is_di_dukcapil"),
                _meninggal=pl.col("is_meninggal"), _komponen=pl.lit(True),
                _annual=pl.lit(p.monthly_amount * 12), komponen_pkh=pl.lit(None, pl.Int64),
            )
        if p.paid_by_bank:
            base = base.join(bur, on="no_kk", how="left").join(sal, on=["program", "no_kk"], how="left")
        else:
            base = base.with_columns(_burekol=pl.lit(None, pl.String), _salur=pl.lit(None, pl.String),
                                     _salur_nominal=pl.lit(None, pl.Int64))
        entitlement = (pl.col("_annual") * tranche // 12).cast(pl.Int64)
        reasons = pl.concat_list(
            _code(pl.col("_tidak_padan"), "NIK_TIDAK_PADAN"),
            _code(pl.col("_hilang"), "NIK_TIDAK_ADA_DI_DUKCAPIL"),
            _code(pl.col("_meninggal"), "MENINGGAL"),
            _code(pl.col("ada_asn"), "ASN_TNI_POLRI"),
            _code(pl.col("desil").is_null(), "DESIL_TIDAK_ADA"),
            _code(pl.col("desil").is_not_null() & ~pl.col("desil").is_in(deciles), "DESIL_DI_ATAS_BATAS"),
            _code(~pl.col("_komponen"), "TIDAK_ADA_KOMPONEN_PKH"),
            _code(pl.col("ada_sdm_kesos"), "SDM_KESOS_AKTIF"),
            _code(pl.col("gis_hasil") == "TIDAK LAYAK", "GIS_TIDAK_LAYAK"),
            _code(pl.col("ada_sanggah"), "SANGGAH_DIPROSES"),
            _code(pl.col("sanggah_terbukti"), "SANGGAH_TERBUKTI"),
            _code(pl.col("sanggah_tidak_terbukti"), "SANGGAH_TIDAK_TERBUKTI"),
            *[_code(pl.col("_salur") == s, c) for s, c in SALUR_REASON.items()],
            _code(pl.col("_burekol") == "PROSES", "BUREKOL_PROSES"),
            _code(pl.col("_burekol") == "GAGAL", "BUREKOL_GAGAL"),
            _code(pl.col("_salur_nominal").is_not_null() & (pl.col("_salur_nominal") != entitlement),
                  "NOMINAL_BERBEDA"),
        ).list.drop_nulls()
        status = _status_from(pl.col("alasan"), rules.status_precedence)
        frames.append(
            base.with_columns(alasan=reasons)
            .with_columns(status=status)
            .with_columns(
                alasan=pl.when(pl.col("status") == "SK/CALON PENERIMA")
                .then(pl.col("alasan").list.concat(pl.lit(["LAYAK"]))).otherwise(pl.col("alasan")),
                nominal=pl.when(pl.col("status").is_in(list(BLOCKING_STATUSES))).then(0).otherwise(entitlement).cast(pl.Int64),
                kode_prov=pl.col("kode_wilayah").str.slice(0, 2),
                periode=pl.lit(periode),
            )
            .select("periode", "program", "no_kk", "nik", "kode_wilayah", "kode_prov", "desil", "status",
                    "alasan", "nominal", "komponen_pkh")
        )
    return pl.concat(frames, how="vertical_relaxed").sort("program", "kode_prov", "no_kk", "nik")


UNKNOWN_FEEDBACK_SCHEMA = {"sumber": pl.String, "no_kk": pl.String, "program": pl.String, "status": pl.String}


def unknown_feedback(burekol: pl.DataFrame, salur: pl.DataFrame, individu: pl.DataFrame, *, periode: str) -> pl.DataFrame:
    """Bank and treasury feedback about households that are not in the register: reported, never
    silently dropped (a payment to an unknown family needs a human look)."""
    known = individu.select("no_kk").unique()
    b = burekol.select(sumber=pl.lit("burekol"), no_kk="no_kk", program=pl.lit(None, pl.String),
                       status=pl.col("status_rekening"))
    s = salur.filter(same_periode_expr("periode", periode)) \
        .select(sumber=pl.lit("salur"), no_kk="no_kk", program="program", status="status")
    both = pl.concat([b, s], how="vertical_relaxed").with_columns([pl.col(c).cast(t) for c, t in UNKNOWN_FEEDBACK_SCHEMA.items()])
    return both.join(known, on="no_kk", how="anti").sort("sumber", "no_kk", "program", nulls_last=True)
