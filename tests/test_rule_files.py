"""Rule files that cannot be misspelled: every broken file is refused when it loads, with the file and
the key path named, one line per problem, in our words (no pydantic text)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from rules import RuleError, check_valid_for, load_matching_model, load_ruleset
from rules.base import RuleModel
from rules.ruleset import RuleFile
from schemas import vocabulary
from transforms.linkage.comparisons import COMPARISONS

RULES = """\
version: "test.1"
valid_from: "2026-01"
programmes:
  PKH:
    unit: household
    deciles: [1, 2, 3, 4]
    requires_component: true
    tranche_months: 3
  BPNT:
    unit: household
    deciles: [1, 2, 3, 4]
    monthly_amount: 200000
    tranche_months: 3
  PBI-JKN:
    unit: person
    deciles: [1, 2, 3, 4, 5]
    monthly_amount: 42000
    paid_by_bank: false
    tranche_months: 1
pkh:
  max_components: 4
  components:
    IBU_HAMIL: {annual: 3000000}
    ANAK_SD: {annual: 900000, school: SD, max_age: 21}
    LANSIA: {annual: 2400000, min_age: 60}
exclusions:
  occupations: [PEGAWAI NEGERI SIPIL, KEPOLISIAN RI]
status_precedence: [EXCLUDE, OVERLAP SDM KESOS, TIDAK LAYAK GIS, SUKSES SPM, PROSES SPM, GAGAL OMSPAN, SI,
                    PROSES BUREKOL, SK/CALON PENERIMA]
disbursement:
  payable_statuses: [SK/CALON PENERIMA, GAGAL OMSPAN]
"""

MATCHING = """\
version: fs-test
trained_on: hand-written for the tests
prior_log2_odds: {NIK_EXACT: -2.0, NIK_SATU_EDIT: -2.0, KK_KELUARGA: -2.0, NIK_EXCEL: -2.0, WILAYAH_TGL_JK: -2}
weights:
  cmp_nik: {SAMA: 9.2, SATU_EDIT: -2.2, RUSAK_SESUAI: 0.7, LAIN: -6.0}
  cmp_nama: {SAMA: 9.9, MIRIP_TINGGI: 3.9, MIRIP: 1.2, PANGGILAN_UMUM: 2, PANGGILAN_SETELAH_AWALAN: 3, PANGGILAN_BALI: 3,
             PANGGILAN_TANPA_AWALAN_KATA: 3, PANGGILAN_KATA_PERTAMA: 2, AGAK: -2.3, BEDA: -7.6}
  cmp_tgl: {SAMA: 5.4, TERTUKAR: 2.4, SATU_KOMPONEN: -4.7, BEDA: -7.4}
  cmp_jk: {SAMA: 1, BEDA: -6.6}
  cmp_ibu: {SAMA: 2.2, MIRIP: -0.4, BEDA: -7.3}
  cmp_wilayah: {DESA: 0.1, KECAMATAN: -3.7, KABUPATEN: 2.3, LAIN: -0.3}
  cmp_kk: {SAMA: 0.2, BEDA: -5.0}
levels:
  specs: {cmp_nik: NikOneEdit, cmp_nama: NamaSimilarAtThresholds, cmp_tgl: TanggalLahirDayMonthSwapped, cmp_jk: JenisKelaminExact, cmp_ibu: NamaIbuSimilarAtThresholds, cmp_wilayah: WilayahDesaKecamatanKabupaten, cmp_kk: NoKkExactOrHousehold}
  cmp_nama: {SAMA: 97, MIRIP_TINGGI: 90, MIRIP: 80, AGAK: 65}
  cmp_ibu: {SAMA: 90, MIRIP: 70}
trained_levels: 1311ce27c04a0fff
thresholds:
  accept: 0.95
  review: 0.5
guards:
  name_accept_levels: [SAMA, MIRIP_TINGGI, MIRIP]
  loose_name_levels: [SAMA, MIRIP_TINGGI]
  loose_date_levels: [SAMA, TERTUKAR]
  ambiguity_margin_bits: 6
clan_names:
  LIEM: [SALIM, HALIM]
call_names:
  umum:
    L: [UJANG]
  awalan: [M, SITI]
"""


def broken(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, f"the case must name one place in the file: {old!r}"
    return text.replace(old, new)


def refusal(load, tmp_path: Path, text: str) -> RuleError:
    p = tmp_path / "broken.yaml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(RuleError) as info:
        load(p)
    message = str(info.value)
    for line in message.splitlines():
        assert line.startswith(f"{p}: "), line  # every line names the file
    for pydantic_words in ("validation error", "Input should", "errors.pydantic.dev", "[type="):
        assert pydantic_words not in message
    return info.value


def assert_named(exc: RuleError, desc: str, path: str, words: str) -> None:
    """Some line of the message names ``path`` (a key path, or ``line N`` for YAML) and says ``words``."""
    lines = [line for line in str(exc).splitlines() if f": {path}: " in line or f": {path}, " in line]
    assert lines, f"{desc}: {path} not named in\n{exc}"
    assert any(words in line for line in lines), f"{desc}: '{words}' not in\n{exc}"


def test_the_test_files_load_and_defaults_are_explicit(tmp_path):
    (tmp_path / "r.yaml").write_text(RULES)
    r = load_ruleset(tmp_path / "r.yaml")
    assert r.programmes["BPNT"].paid_by_bank is True  # the documented default
    assert r.programmes["BPNT"].requires_component is False
    assert r.exclusions.sdm_kesos_active is True
    (tmp_path / "m.yaml").write_text(MATCHING)
    m = load_matching_model(tmp_path / "m.yaml").model
    assert m.guards.weak_name_levels == () and m.guards.loose_kk_name_levels == ()


@pytest.mark.parametrize(
    "desc, old, new, path, words",
    [
        (
            "misspelled optional key: PBI-JKN would go on the bank lists",
            "    paid_by_bank: false",
            "    paid_by_bnak: false",
            "programmes.PBI-JKN.paid_by_bnak",
            "did you mean 'paid_by_bank'",
        ),
        (
            "misspelled required key",
            "    tranche_months: 1",
            "    tranche_month: 1",
            "programmes.PBI-JKN.tranche_months",
            "missing",
        ),
        (
            "occupations as a string would switch the civil-servant exclusion off",
            "  occupations: [PEGAWAI NEGERI SIPIL, KEPOLISIAN RI]",
            "  occupations: PEGAWAI NEGERI SIPIL",
            "exclusions.occupations",
            "must be a list",
        ),
        (
            "no occupations",
            "  occupations: [PEGAWAI NEGERI SIPIL, KEPOLISIAN RI]",
            "  occupations: []",
            "exclusions.occupations",
            "must not be empty",
        ),
        (
            "an empty occupation",
            "[PEGAWAI NEGERI SIPIL, KEPOLISIAN RI]",
            "[PEGAWAI NEGERI SIPIL, '']",
            "exclusions.occupations[1]",
            "must not be empty",
        ),
        (
            "an occupation that would never match Dukcapil's capitals",
            "KEPOLISIAN RI]",
            "Kepolisian RI]",
            "exclusions.occupations[1]",
            "KEPOLISIAN RI",
        ),
        (
            "monthly_amount: true would pay Rp 3 a tranche",
            "    monthly_amount: 200000",
            "    monthly_amount: true",
            "programmes.BPNT.monthly_amount",
            "whole number",
        ),
        (
            "monthly_amount in quotes",
            "    monthly_amount: 200000",
            '    monthly_amount: "200000"',
            "programmes.BPNT.monthly_amount",
            "'200000' (text)",
        ),
        (
            "a negative amount",
            "    monthly_amount: 200000",
            "    monthly_amount: -200000",
            "programmes.BPNT.monthly_amount",
            "greater than 0",
        ),
        (
            "a household programme without an amount",
            "    monthly_amount: 200000\n",
            "",
            "programmes.BPNT.monthly_amount",
            "without requires_component",
        ),
        (
            "an amount that a component programme would never pay",
            "    requires_component: true\n",
            "    requires_component: true\n    monthly_amount: 100000\n",
            "programmes.PKH.monthly_amount",
            "never paid",
        ),
        (
            "a person programme cannot require a household's component",
            "    paid_by_bank: false\n",
            "    paid_by_bank: false\n    requires_component: true\n",
            "programmes.PBI-JKN.requires_component",
            "household",
        ),
        (
            "a negative PKH component",
            "IBU_HAMIL: {annual: 3000000}",
            "IBU_HAMIL: {annual: -3000000}",
            "pkh.components.IBU_HAMIL.annual",
            "greater than 0",
        ),
        (
            "a PKH amount with thousands dots",
            "LANSIA: {annual: 2400000",
            "LANSIA: {annual: 2.400.000",
            "pkh.components.LANSIA.annual",
            "'2.400.000' (text)",
        ),
        (
            "a PKH amount with a decimal comma splits the mapping",
            "LANSIA: {annual: 2400000",
            "LANSIA: {annual: 2,4 juta",
            "pkh.components.LANSIA.4 juta",
            "unknown key",
        ),
        (
            "a PKH component the engine cannot recognise",
            "    LANSIA: {annual: 2400000, min_age: 60}\n",
            "    LANSIA: {annual: 2400000, min_age: 60}\n    ANAK_KULIAH: {annual: 1200000}\n",
            "pkh.components.ANAK_KULIAH",
            "school, min_age or max_age",
        ),
        (
            "a component condition in Indonesian",
            "max_age: 21}",
            "umur_maks: 21}",
            "pkh.components.ANAK_SD.umur_maks",
            "keys here: annual, school, min_age, max_age",
        ),
        ("a school level that does not exist", "school: SD,", "school: SMK,", "pkh.components.ANAK_SD.school", "SMK"),
        (
            "an age range no one fits",
            "ANAK_SD: {annual: 900000, school: SD, max_age: 21}",
            "ANAK_SD: {annual: 900000, school: SD, min_age: 22, max_age: 21}",
            "pkh.components.ANAK_SD.min_age",
            "above",
        ),
        ("max_components 0", "  max_components: 4", "  max_components: 0", "pkh.max_components", "at least 1"),
        (
            "a programme name that cannot name a folder",
            "  BPNT:\n",
            "  BPNT SEMBAKO:\n",
            "programmes.BPNT SEMBAKO",
            "e.g. 'BPNT-SEMBAKO'",
        ),
        (
            "a person programme paid by a bank",
            "    paid_by_bank: false\n",
            "",
            "programmes.PBI-JKN.paid_by_bank",
            "write paid_by_bank: false",
        ),
        (
            "a programme that ends before it starts",
            "    monthly_amount: 200000\n",
            '    monthly_amount: 200000\n    first_periode: "2026-10"\n    last_periode: "2026-09"\n',
            "programmes.BPNT.last_periode",
            "before first_periode 2026-10",
        ),
        (
            "a programme period that is not one",
            "    monthly_amount: 200000\n",
            '    monthly_amount: 200000\n    last_periode: "2026-1"\n',
            "programmes.BPNT.last_periode",
            "YYYY-MM in quotes",
        ),
        (
            "an alias that names another programme",
            "    monthly_amount: 42000\n",
            "    monthly_amount: 42000\n    aliases: [BPNT]\n",
            "programmes.PBI-JKN.aliases[0]",
            "already names BPNT",
        ),
        (
            "an alias feedback can never carry",
            "    monthly_amount: 200000\n",
            "    monthly_amount: 200000\n    aliases: [sembako_ ]\n",
            "programmes.BPNT.aliases[0]",
            "write 'SEMBAKO'",
        ),
        ("a programme given twice", "  PBI-JKN:\n", "  BPNT:\n", "line 14", "given twice"),
        ("a unit that does not exist", "    unit: person", "    unit: family", "programmes.PBI-JKN.unit", "household"),
        (
            "decile 11",
            "    deciles: [1, 2, 3, 4, 5]",
            "    deciles: [1, 2, 3, 4, 11]",
            "programmes.PBI-JKN.deciles[4]",
            "at most 10",
        ),
        (
            "a decile twice",
            "    deciles: [1, 2, 3, 4, 5]",
            "    deciles: [1, 2, 2, 4, 5]",
            "programmes.PBI-JKN.deciles[2]",
            "listed again",
        ),
        (
            "no deciles",
            "    deciles: [1, 2, 3, 4, 5]",
            "    deciles: []",
            "programmes.PBI-JKN.deciles",
            "must not be empty",
        ),
        (
            "tranche_months 0",
            "    tranche_months: 1",
            "    tranche_months: 0",
            "programmes.PBI-JKN.tranche_months",
            "at least 1",
        ),
        (
            "tranche_months 13",
            "    tranche_months: 1",
            "    tranche_months: 13",
            "programmes.PBI-JKN.tranche_months",
            "at most 12",
        ),
        (
            "a tranche that does not divide the year",
            "    tranche_months: 1",
            "    tranche_months: 5",
            "programmes.PBI-JKN.tranche_months",
            "does not divide the year",
        ),
        (
            "a listing month outside the tahap",
            "    tranche_months: 3\n  PBI-JKN:",
            "    tranche_months: 3\n    list_in_months: [1, 4]\n  PBI-JKN:",
            "programmes.BPNT.list_in_months[1]",
            "not a month of a tahap of 3",
        ),
        (
            "a listing month twice",
            "    tranche_months: 3\n  PBI-JKN:",
            "    tranche_months: 3\n    list_in_months: [1, 1]\n  PBI-JKN:",
            "programmes.BPNT.list_in_months[1]",
            "listed again",
        ),
        (
            "a pengurus kind the engine does not know",
            "disbursement:",
            "pengurus: {order: [IBU, NENEK]}\ndisbursement:",
            "pengurus.order[1]",
            "NENEK",
        ),
        ("a child as pengurus", "disbursement:", "pengurus: {min_age: 12}\ndisbursement:", "pengurus.min_age", "15"),
        (
            "a status missing from the precedence",
            " GAGAL OMSPAN, SI,",
            " GAGAL OMSPAN,",
            "status_precedence",
            "missing SI",
        ),
        (
            "a status repeated in the precedence",
            " GAGAL OMSPAN, SI,",
            " GAGAL OMSPAN, SI, SI,",
            "status_precedence[7]",
            "listed again",
        ),
        (
            "a misspelled status",
            "[EXCLUDE, OVERLAP",
            "[EXCLUDED, OVERLAP",
            "status_precedence[0]",
            "did you mean 'EXCLUDE'",
        ),
        (
            "the candidate status before others",
            "SI,\n                    PROSES BUREKOL, SK/CALON PENERIMA]",
            "SI,\n                    SK/CALON PENERIMA, PROSES BUREKOL]",
            "status_precedence[7]",
            "last",
        ),
        (
            "an unknown payable status",
            "[SK/CALON PENERIMA, GAGAL OMSPAN]",
            "[SK/CALON PENERIMA, GAGAL OMSPN]",
            "disbursement.payable_statuses[1]",
            "not a status",
        ),
        (
            "a payable status that carries no money",
            "[SK/CALON PENERIMA, GAGAL OMSPAN]",
            "[SK/CALON PENERIMA, EXCLUDE]",
            "disbursement.payable_statuses[1]",
            "stops payment",
        ),
        (
            "a paid status listed again would pay twice",
            "[SK/CALON PENERIMA, GAGAL OMSPAN]",
            "[SK/CALON PENERIMA, SUKSES SPM]",
            "disbursement.payable_statuses[1]",
            "twice",
        ),
        (
            "a missing section",
            "exclusions:\n  occupations: [PEGAWAI NEGERI SIPIL, KEPOLISIAN RI]\n",
            "",
            "exclusions",
            "missing",
        ),
        ("a version YAML reads as a number", 'version: "test.1"', "version: 2026.1", "version", "quotes"),
        ("valid_from that is not a periode", 'valid_from: "2026-01"', 'valid_from: "2026-1"', "valid_from", "YYYY-MM"),
        (
            "a key that no code reads",
            "  max_components: 4\n",
            "  max_components: 4\n  reference_day: last\n",
            "pkh.reference_day",
            "unknown key",
        ),
        ("not YAML", "  PBI-JKN:\n", "  PBI-JKN\n", "line 15", "not valid YAML"),
    ],
)
def test_a_broken_rule_set_is_refused_naming_the_key(tmp_path, desc, old, new, path, words):
    assert_named(refusal(load_ruleset, tmp_path, broken(RULES, old, new)), desc, path, words)


def test_every_problem_of_a_file_is_reported_at_once(tmp_path):
    text = broken(
        broken(
            broken(RULES, "    paid_by_bank: false", "    paid_by_bnak: false"),
            "    monthly_amount: 200000",
            "    monthly_amount: true",
        ),
        "[SK/CALON PENERIMA, GAGAL OMSPAN]",
        "[SK/CALON PENERIMA, GAGAL OMSPN]",
    )
    exc = refusal(load_ruleset, tmp_path, text)
    assert [path for path, _ in exc.problems] == [
        "programmes.BPNT.monthly_amount",
        "programmes.PBI-JKN.paid_by_bnak",
        "disbursement.payable_statuses[1]",
    ]
    assert len(str(exc).splitlines()) == 3


@pytest.mark.parametrize("text", ["", "- PKH\n- BPNT\n", "just words\n"])
def test_a_file_that_is_not_a_mapping_is_refused(tmp_path, text):
    exc = refusal(load_ruleset, tmp_path, text)
    assert exc.problems[0][1].startswith("must be a mapping of 'key: value' lines at the top level")


def test_loaded_rules_pickle_for_other_workers():
    import pickle

    for loaded in (load_ruleset(), load_matching_model().model):
        assert pickle.loads(pickle.dumps(loaded)) == loaded


def test_a_rule_set_is_refused_for_a_periode_before_valid_from(tmp_path):
    p = tmp_path / "r.yaml"
    p.write_text(broken(RULES, 'valid_from: "2026-01"', 'valid_from: "2027-01"'))
    rules = load_ruleset(p)
    check_valid_for(rules, "2027-01")
    check_valid_for(rules, "2027-06")
    with pytest.raises(RuleError, match=r"valid_from: rule set test.1 is valid from 2027-01, after periode 2026-11"):
        check_valid_for(rules, "2026-11")


@pytest.mark.parametrize(
    "desc, old, new, path, words",
    [
        (
            "an unknown comparison",
            "  cmp_jk: {SAMA: 1, BEDA: -6.6}",
            "  cmp_sex: {SAMA: 1, BEDA: -6.6}",
            "weights.cmp_sex",
            "unknown key",
        ),
        ("a comparison left out", "  cmp_jk: {SAMA: 1, BEDA: -6.6}\n", "", "weights.cmp_jk", "missing"),
        (
            "an unknown level",
            "MIRIP_TINGGI: 3.9",
            "MIRIP_TINGI: 3.9",
            "weights.cmp_nama.MIRIP_TINGI",
            "did you mean 'MIRIP_TINGGI'",
        ),
        (
            "a level of another comparison",
            "cmp_kk: {SAMA: 0.2, BEDA: -5.0}",
            "cmp_kk: {SAMA: 0.2, LAIN: -5.0}",
            "weights.cmp_kk.LAIN",
            "unknown key",
        ),
        ("a weight that is a string", "SATU_EDIT: -2.2", "SATU_EDIT: '-2.2'", "weights.cmp_nik.SATU_EDIT", "a number"),
        ("a weight that is true", "SATU_EDIT: -2.2", "SATU_EDIT: true", "weights.cmp_nik.SATU_EDIT", "a number"),
        (
            "a prior for a blocking method that does not exist",
            "WILAYAH_TGL_JK: -2}",
            "WILAYAH_TGL_JK: -2, NIK_FUZZY: 1}",
            "prior_log2_odds.NIK_FUZZY",
            "unknown key",
        ),
        ("review above accept", "  review: 0.5", "  review: 0.96", "thresholds.review", "below accept"),
        ("review equal to accept", "  review: 0.5", "  review: 0.95", "thresholds.review", "below accept"),
        ("accept of 1", "  accept: 0.95", "  accept: 1", "thresholds.accept", "less than 1"),
        ("a threshold in quotes", "  accept: 0.95", "  accept: '0.95'", "thresholds.accept", "a number"),
        (
            "an unknown guard level",
            "name_accept_levels: [SAMA, MIRIP_TINGGI, MIRIP]",
            "name_accept_levels: [SAMA, MIRIP_TINGG, MIRIP]",
            "guards.name_accept_levels[1]",
            "not a level of cmp_nama",
        ),
        (
            "a name level as a date level",
            "loose_date_levels: [SAMA, TERTUKAR]",
            "loose_date_levels: [SAMA, MIRIP]",
            "guards.loose_date_levels[1]",
            "not a level of cmp_tgl",
        ),
        (
            "a misspelled optional guard",
            "  loose_date_levels:",
            "  weak_name_level: [AGAK]\n  loose_date_levels:",
            "guards.weak_name_level",
            "did you mean 'weak_name_levels'",
        ),
        (
            "a negative ambiguity margin",
            "ambiguity_margin_bits: 6",
            "ambiguity_margin_bits: -1",
            "guards.ambiguity_margin_bits",
            "at least 0",
        ),
        (
            "a clan name not written as a name key",
            "  LIEM: [SALIM, HALIM]",
            "  Liem: [SALIM, HALIM]",
            "clan_names.Liem",
            "capital letters",
        ),
        ("a misspelled section", "thresholds:", "treshold:", "treshold", "did you mean 'thresholds'"),
        (
            "cut points changed without retraining",
            "MIRIP: 80, AGAK: 65}",
            "MIRIP: 75, AGAK: 65}",
            "trained_levels",
            "estimated with other specs or cut points",
        ),
        (
            "weights estimated for another date comparison",
            "cmp_tgl: TanggalLahirDayMonthSwapped",
            "cmp_tgl: TanggalLahirExact",
            "levels.specs.cmp_tgl",
            "TanggalLahirDayMonthSwapped",
        ),
        (
            "cut points out of order",
            "MIRIP: 80, AGAK: 65}",
            "MIRIP: 80, AGAK: 85}",
            "levels.cmp_nama.AGAK",
            "must be below MIRIP",
        ),
        ("a call-name list for a third sex", "  L: [UJANG]", "  X: [UJANG]", "call_names.umum.X", "one of"),
    ],
)
def test_a_broken_matching_model_is_refused_naming_the_key(tmp_path, desc, old, new, path, words):
    assert_named(refusal(load_matching_model, tmp_path, broken(MATCHING, old, new)), desc, path, words)


def test_the_shipped_rule_set_loads_with_the_values_it_states():
    r = load_ruleset()
    assert (r.version, r.valid_from, r.source, len(r.sha256)) == ("2026.1", "2026-01", "rules/2026.yaml", 64)
    assert list(r.programmes) == ["PKH", "BPNT", "PBI-JKN"]
    bpnt, pbi, pkh = r.programmes["BPNT"], r.programmes["PBI-JKN"], r.programmes["PKH"]
    assert (bpnt.unit, bpnt.deciles, bpnt.monthly_amount, bpnt.tranche_months, bpnt.paid_by_bank) == (
        "household",
        (1, 2, 3, 4),
        200000,
        3,
        True,
    )
    assert (pbi.unit, pbi.deciles, pbi.monthly_amount, pbi.tranche_months, pbi.paid_by_bank) == (
        "person",
        (1, 2, 3, 4, 5),
        42000,
        1,
        False,
    )
    assert pkh.requires_component and pkh.monthly_amount is None and pkh.paid_by_bank
    assert r.pkh.max_components == 4
    assert (r.pkh.components["ANAK_SMA"].annual, r.pkh.components["ANAK_SMA"].school) == (2000000, "SMA")
    assert (r.pkh.components["LANSIA"].annual, r.pkh.components["LANSIA"].min_age) == (2400000, 60)
    assert r.exclusions.occupations == ("PEGAWAI NEGERI SIPIL", "TENTARA NASIONAL INDONESIA", "KEPOLISIAN RI")
    assert r.exclusions.sdm_kesos_active is True
    assert r.status_precedence[0] == "EXCLUDE" and r.status_precedence[-1] == "SK/CALON PENERIMA"
    assert r.disbursement.payable_statuses == ("SK/CALON PENERIMA", "GAGAL OMSPAN", "SI")
    assert r.programmes["PKH"].list_in_months == (1, 2, 3) and r.programmes["PBI-JKN"].list_in_months is None
    assert (r.pengurus.order, r.pengurus.min_age) == (("IBU", "KEPALA_KELUARGA", "DEWASA"), 17)


def test_the_shipped_matching_model_loads_with_the_values_it_states():
    loaded = load_matching_model()
    m = loaded.model
    assert loaded.source == "rules/matching.yaml" and m.version.startswith("fs-")
    assert (m.thresholds.accept, m.thresholds.review) == (0.95, 0.5)
    assert m.guards.name_accept_levels == ("SAMA", "MIRIP_TINGGI", "MIRIP")
    assert m.guards.loose_date_levels == ("SAMA", "TERTUKAR")
    assert m.guards.ambiguity_margin_bits == 6
    assert "SALIM" in m.clan_names["LIEM"]
    assert {c: tuple(levels) for c, levels in m.level_weights().items()} == COMPARISONS


def _fields(model: type[RuleModel]):
    for name, field in model.model_fields.items():
        yield model, name, field
        for inner in (field.annotation, *getattr(field.annotation, "__args__", ())):
            for arg in (inner, *getattr(inner, "__args__", ())):
                if isinstance(arg, type) and issubclass(arg, RuleModel):
                    yield from _fields(arg)


def test_every_default_of_the_rule_set_is_documented():
    for model, name, field in _fields(RuleFile):
        if not field.is_required():
            assert field.description, f"{model.__name__}.{name} has a default but no description"


def test_the_vocabularies_are_defined_once():
    import rules
    import schemas
    from transforms import status

    assert schemas.STATUSES is vocabulary.STATUSES
    assert not hasattr(vocabulary, "PROGRAMS"), "the programmes are the rule set's"
    assert not hasattr(rules, "STATUSES")
    assert set(status.PKH_FLAG_CONDITIONS) == set(vocabulary.PKH_FLAG_COMPONENTS)


# --- the command line refuses a broken file before anything starts ---------------------------------


def _stderr_lines(result) -> list[str]:
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.stderr.splitlines()
    assert all(line.startswith("padan: ") for line in lines), lines  # one line per problem
    return [line.removeprefix("padan: ") for line in lines]


def test_cli_run_prints_every_problem_of_both_files_and_exits_2(tmp_path):
    from flows.cli import app

    rules, matching = tmp_path / "rules.yaml", tmp_path / "matching.yaml"
    rules.write_text(
        broken(
            broken(RULES, "    paid_by_bank: false", "    paid_by_bnak: false"),
            "    monthly_amount: 200000",
            '    monthly_amount: "200000"',
        )
    )
    matching.write_text(broken(MATCHING, "  review: 0.5", "  review: 0.99"))
    result = CliRunner().invoke(
        app,
        [
            "run",
            "--data-root",
            str(tmp_path),
            "--periode",
            "2026-11",
            "--rules",
            str(rules),
            "--matching",
            str(matching),
        ],
    )
    lines = _stderr_lines(result)
    assert lines == [
        f"{rules}: programmes.BPNT.monthly_amount: must be a whole number, written without quotes or separators; "
        "got '200000' (text)",
        f"{rules}: programmes.PBI-JKN.paid_by_bnak: unknown key (nothing reads it: a misspelled key would leave its "
        "default in force); did you mean 'paid_by_bank'? (keys here: unit, deciles, requires_component, "
        "monthly_amount, paid_by_bank, tranche_months, aliases, first_periode, last_periode, list_in_months)",
        f"{matching}: thresholds.review: 0.99 must be below accept (0.95): the review band lies between the two",
    ]
    assert result.stdout == ""
    assert not (tmp_path / ".padan").exists() and not (tmp_path / "snapshots").exists()


def test_cli_run_refuses_a_periode_before_the_rule_set(tmp_path):
    from flows.cli import app

    rules = tmp_path / "rules.yaml"
    rules.write_text(broken(RULES, 'valid_from: "2026-01"', 'valid_from: "2027-01"'))
    result = CliRunner().invoke(
        app, ["run", "--data-root", str(tmp_path), "--periode", "2026-11", "--rules", str(rules)]
    )
    assert _stderr_lines(result) == [
        f"{rules}: valid_from: rule set test.1 is valid from 2027-01, after periode 2026-11; run 2026-11 with the rule "
        "set that was in force then (--rules)"
    ]


def test_cli_load_initial_refuses_a_broken_rule_file_before_staging(tmp_path):
    from flows.cli import app

    rules = tmp_path / "rules.yaml"
    rules.write_text(
        broken(RULES, "  occupations: [PEGAWAI NEGERI SIPIL, KEPOLISIAN RI]", "  occupations: PEGAWAI NEGERI SIPIL")
    )
    extract = tmp_path / "dtks.csv"
    extract.write_text("nik,no_kk,nama,tanggal_lahir,jenis_kelamin,hubungan_keluarga,kode_wilayah\n")
    root = tmp_path / "root"
    root.mkdir()
    result = CliRunner().invoke(
        app,
        [
            "load-initial",
            "--data-root",
            str(root),
            "--periode",
            "2026-10",
            "--source",
            str(extract),
            "--rules",
            str(rules),
        ],
    )
    lines = _stderr_lines(result)
    assert len(lines) == 1 and lines[0].startswith(f"{rules}: exclusions.occupations: must be a list")
    assert list(root.iterdir()) == []  # nothing staged


def test_cli_names_a_rule_file_that_is_not_there(tmp_path):
    from flows.cli import app

    result = CliRunner().invoke(
        app, ["run", "--data-root", str(tmp_path), "--periode", "2026-11", "--rules", str(tmp_path / "nope.yaml")]
    )
    assert _stderr_lines(result) == [
        f"{tmp_path / 'nope.yaml'}: cannot be read (No such file or directory); check the path"
    ]


def test_every_comparison_names_the_spec_that_computes_it():
    import typing

    from transforms.linkage.comparisons import COMPARISONS, SPECS
    from transforms.linkage.model import Specs

    assert list(SPECS) == list(COMPARISONS) == list(Specs.model_fields)
    for cmp, field in Specs.model_fields.items():
        assert typing.get_args(field.annotation) == (SPECS[cmp][0],), cmp
    assert load_matching_model().model.levels.specs.cmp_kk == "NoKkExactOrHousehold"
