"""Eligibility, amounts and status per programme and unit, from the register and the rule set.

Every reason that applies is listed in ``alasan``; the status is the first of the rule set's
``status_precedence`` that any reason implies (which status a reason implies: ``status`` in
``rules/reason_codes.yaml``).
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from rules import RuleSet, status_of_reason
from schemas import Penerima, dtypes
from schemas.vocabulary import BLOCKING_STATUSES, CANDIDATE_STATUS, PADAN_ACCEPTED
from transforms import household, payments
from transforms.ages import age_expr
from transforms.codes import code_expr as _code

PENERIMA_TYPES = dtypes(Penerima)
"""The columns and dtypes of penerima, in order, from its contract (``schemas.Penerima``)."""
SALUR_REASON = {
    "SUKSES SPM": "SALUR_SUKSES_SPM",
    "PROSES SPM": "SALUR_PROSES_SPM",
    "GAGAL OMSPAN": "SALUR_GAGAL_OMSPAN",
    "SI": "SALUR_SI",
}
PKH_FLAG_CONDITIONS = {
    "IBU_HAMIL": pl.col("hamil") & (pl.col("jenis_kelamin") == "P"),
    "DISABILITAS_BERAT": pl.col("disabilitas_berat"),
}
"""Who brings the PKH components recognised by name (``schemas.vocabulary.PKH_FLAG_COMPONENTS``); the
rule-file model lets any other component in only with a school level or an age range."""


def members(
    individu: pl.LazyFrame,
    dukcapil: pl.LazyFrame,
    sdm_kesos: pl.LazyFrame,
    *,
    rules: RuleSet,
    reference_date: dt.date,
    sanggah: pl.LazyFrame | None = None,
) -> pl.LazyFrame:
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
    sdm = household.active_staff(sdm_kesos).with_columns(is_sdm_kesos=pl.lit(True))
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
            nilai_komponen=pl.when(pl.col("is_meninggal")).then(0).otherwise(pl.max_horizontal(options)).cast(pl.Int64)
        )
        .drop("_tgl_mati", "_pekerjaan", "_di_dukcapil")
    )


def households(
    m: pl.LazyFrame,
    dtsen: pl.LazyFrame,
    gis: pl.LazyFrame,
    card: pl.LazyFrame,
    pengurus: pl.LazyFrame,
    *,
    max_components: int,
) -> pl.LazyFrame:
    """One row per no_kk: head, region, decile, GIS verdict, household-level exclusion facts (the
    registered members and, from ``card``, every living person on the family card) and the
    pengurus by rule."""
    head_first = pl.col("hubungan_keluarga") == "KEPALA KELUARGA"
    gis_latest = (
        gis.with_columns(_tgl=pl.col("tgl_verifikasi").str.to_date("%Y-%m-%d", strict=False))
        .sort("no_kk", "_tgl", "hasil", nulls_last=False)
        .group_by("no_kk")
        .agg(gis_hasil=pl.col("hasil").str.strip_chars().str.to_uppercase().str.replace_all(r"[_\s]+", " ").last())
    )
    desil = dtsen.sort("no_kk", "tgl_update").group_by("no_kk").agg(desil=pl.col("desil").last().cast(pl.Int64))
    top = (
        m.filter(pl.col("nilai_komponen") > 0)
        .group_by("no_kk")
        .agg(pl.col("nilai_komponen").sort(descending=True).head(max_components).alias("_vals"))
        .select(
            "no_kk",
            komponen_pkh=pl.col("_vals").list.len().cast(pl.Int64),
            nilai_pkh_tahunan=pl.col("_vals").list.sum().cast(pl.Int64),
        )
    )
    return (
        m.sort("no_kk", ~head_first, "nik")
        .group_by("no_kk", maintain_order=True)
        .agg(
            nik_kepala=pl.col("nik").first(),
            kode_wilayah=pl.col("kode_wilayah").first(),
            kode_prov=pl.col("kode_prov").first(),
            kepala_padan=pl.col("status_padan").first().is_in(list(PADAN_ACCEPTED)),
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
        .join(card, on="no_kk", how="left")
        .join(pengurus, on="no_kk", how="left")
        .with_columns(
            pl.col("komponen_pkh").fill_null(0),
            pl.col("nilai_pkh_tahunan").fill_null(0),
            ada_asn=pl.col("ada_asn") | pl.col("kartu_asn").fill_null(False),
            ada_sdm_kesos=pl.col("ada_sdm_kesos") | pl.col("kartu_sdm").fill_null(False),
        )
        .drop("kartu_asn", "kartu_sdm")
    )


def _status_from(reasons: pl.Expr, precedence: tuple[str, ...]) -> pl.Expr:
    """The highest-precedence status any reason implies (SK/CALON PENERIMA when none does): one
    membership test per reason code, no per-row list evaluation."""
    expr = pl.lit(CANDIDATE_STATUS)
    for status in reversed(precedence):
        codes = [c for c, s in status_of_reason().items() if s == status]
        if status == CANDIDATE_STATUS or not codes:
            continue
        implied = pl.any_horizontal([reasons.list.contains(c) for c in codes])
        expr = pl.when(implied).then(pl.lit(status)).otherwise(expr)
    return expr


def penerima(
    individu: pl.LazyFrame,
    dukcapil: pl.LazyFrame,
    kartu: pl.LazyFrame,
    dtsen: pl.LazyFrame,
    sdm_kesos: pl.LazyFrame,
    gis: pl.LazyFrame,
    accounts: pl.LazyFrame,
    tranches: pl.LazyFrame,
    *,
    rules: RuleSet,
    periode: str,
    reference_date: dt.date,
    sanggah: pl.LazyFrame | None = None,
) -> pl.LazyFrame:
    """One row per programme x unit with ``status``, every reason in ``alasan``, ``nominal`` (the
    entitlement of the period's tranche ``tahap``: annual x tranche_months / 12; 0 when not payable)
    and, for bank-paid household programmes, the payee (``nik_pengurus``, ``nama_pengurus``).

    ``kartu``: Dukcapil's family-card members of the households (registered or not); ``accounts``:
    the account registry (``transforms.accounts``); ``tranches``: where each unit's tranche of the
    period stands in the payment ledger (``payments.current_tranche``)."""
    m = members(individu, dukcapil, sdm_kesos, rules=rules, reference_date=reference_date, sanggah=sanggah)
    card = household.card_facts(
        kartu,
        household.active_staff(sdm_kesos),
        occupations=list(rules.exclusions.occupations),
        reference_date=reference_date,
    )
    pengurus = household.rule_pengurus(m, order=rules.pengurus.order, min_age=rules.pengurus.min_age)
    hh = households(m, dtsen, gis, card, pengurus, max_components=rules.pkh.max_components)
    payee = household.account_payees(accounts, kartu, min_age=rules.pengurus.min_age, reference_date=reference_date)
    frames = []
    for program, p in rules.programmes.items():
        if not p.runs_in(periode):
            continue
        deciles = list(p.deciles)
        tahap = payments.tahap_of(periode, p.tranche_months)
        if p.unit == "household":
            annual = pl.col("nilai_pkh_tahunan") if p.requires_component else pl.lit(p.monthly_amount * 12)
            base = hh.with_columns(
                program=pl.lit(program),
                nik=pl.col("nik_kepala"),
                _tidak_padan=~pl.col("kepala_padan"),
                _hilang=~pl.col("kepala_di_dukcapil"),
                _meninggal=pl.col("semua_meninggal"),
                _komponen=pl.col("komponen_pkh") > 0 if p.requires_component else pl.lit(True),
                _annual=annual,
            )
        else:
            base = m.join(
                hh.select(
                    "no_kk",
                    "desil",
                    "gis_hasil",
                    "ada_asn",
                    "ada_sdm_kesos",
                    "ada_sanggah",
                    "sanggah_terbukti",
                    "sanggah_tidak_terbukti",
                ),
                on="no_kk",
                how="left",
            ).with_columns(
                program=pl.lit(program),
                _tidak_padan=~pl.col("status_padan").is_in(list(PADAN_ACCEPTED)),
                _hilang=~pl.col("is_di_dukcapil"),
                _meninggal=pl.col("is_meninggal"),
                _komponen=pl.lit(True),
                _annual=pl.lit(p.monthly_amount * 12),
                komponen_pkh=pl.lit(None, pl.Int64),
                nik_pengurus_aturan=pl.lit(None, pl.String),
                nama_pengurus_aturan=pl.lit(None, pl.String),
            )
        bank_paid = p.paid_by_bank and p.unit == "household"
        if bank_paid:
            base = base.join(payee, on="no_kk", how="left").join(
                tranches.filter(pl.col("program") == program).drop("program"), on="no_kk", how="left"
            )
        else:
            base = base.with_columns(
                _burekol=pl.lit(None, pl.String),
                rekening_sah=pl.lit(None, pl.Boolean),
                nik_pengurus_rekening=pl.lit(None, pl.String),
                nama_pengurus_rekening=pl.lit(None, pl.String),
                status_tahap=pl.lit(None, pl.String),
            )
        active = (pl.col("_burekol") == "AKTIF").fill_null(False)
        entitlement = (pl.col("_annual") * p.tranche_months // 12).cast(pl.Int64)
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
            *[_code(pl.col("status_tahap") == s, c) for s, c in SALUR_REASON.items()],
            _code(pl.col("status_tahap") == payments.LISTED, "TAHAP_SUDAH_DIDAFTAR"),
            _code(pl.col("status_tahap") == payments.STOPPED, "TAHAP_DIHENTIKAN"),
            _code(pl.col("_burekol") == "PROSES", "BUREKOL_PROSES"),
            _code(pl.col("_burekol") == "GAGAL", "BUREKOL_GAGAL"),
            _code(active & ~pl.col("rekening_sah"), "PENGURUS_REKENING_TIDAK_SAH"),
            _code(pl.lit(bank_paid) & ~active & pl.col("nik_pengurus_aturan").is_null(), "PENGURUS_TIDAK_ADA"),
        ).list.drop_nulls()
        status = _status_from(pl.col("alasan"), rules.status_precedence)
        frames.append(
            base.with_columns(alasan=reasons)
            .with_columns(status=status)
            .with_columns(
                alasan=pl.when(pl.col("status") == CANDIDATE_STATUS)
                .then(pl.col("alasan").list.concat(pl.lit(["LAYAK"])))
                .otherwise(pl.col("alasan")),
                nominal=pl.when(pl.col("status").is_in(list(BLOCKING_STATUSES)))
                .then(0)
                .otherwise(entitlement)
                .cast(pl.Int64),
                kode_prov=pl.col("kode_wilayah").str.slice(0, 2),
                periode=pl.lit(periode),
                tahap=pl.lit(tahap),
                nik_pengurus=pl.when(pl.lit(bank_paid) & active)
                .then(pl.col("nik_pengurus_rekening"))
                .when(pl.lit(bank_paid))
                .then(pl.col("nik_pengurus_aturan")),
                nama_pengurus=pl.when(pl.lit(bank_paid) & active)
                .then(pl.col("nama_pengurus_rekening"))
                .when(pl.lit(bank_paid))
                .then(pl.col("nama_pengurus_aturan")),
            )
            .select([pl.col(c).cast(t) for c, t in PENERIMA_TYPES.items()])
        )
    if not frames:  # no programme runs in this periode (first_periode / last_periode): no units
        return pl.LazyFrame(schema=PENERIMA_TYPES)
    return pl.concat(frames, how="vertical_relaxed").sort("program", "kode_prov", "no_kk", "nik")
