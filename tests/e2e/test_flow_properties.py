"""Whole-flow properties (issue 12, acceptance 6): hypothesis builds small, messy data roots over two
or three consecutive periods (``flowroots.py``) and the REAL monthly flow runs every period; after
each run the published snapshot, manifest and receipts are checked:

1. every period publishes;
2. every data row of every readable file has exactly one outcome, keyed (kode_prov, sumber_file,
   sumber_baris), and every file is read, quarantined or listed as not read;
3. every published table passes its pandera contract;
4. only Dukcapil-verified people are registered, each once, and the register is exactly what the
   accepted rows built (computed here from the outcomes, not by pipeline code);
5. rows about people never registered, and BARU rows of people Dukcapil does not know, are refused;
   besides, every row whose outcome the generator knows gets it, and a padan row names the person
   the row is really about;
6. (once) rerunning a period with the same inputs reports unchanged and changes no published byte.
"""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

import polars as pl
from flowroots import HEADER, Person, RootSpec, Row, data_roots, hand_root, published, published_bytes, write_root
from hypothesis import HealthCheck, example, given, settings

import schemas
from flows.monthly import monthly_run

KEY = ["kode_prov", "sumber_file", "sumber_baris"]
# property 6 costs a run: checked on one example only, the first whose last period has rows; it is
# remembered by its repr, so that hypothesis replaying a failure reruns the same example again
_rerun_example: list[str] = []


def _keys(df: pl.DataFrame) -> list[tuple]:
    return [tuple(r) for r in df.select(KEY).iter_rows()]


def check_every_row_and_file_accounted_for(spec: RootSpec, root: Path, periode: str, tables: dict) -> None:
    hasil, manifest = tables["hasil_usulan"], tables["manifest"]
    files = spec.files[periode]
    expected = sorted(r.key for f in files if f.kind == "csv" for r in f.rows if r is not None)
    got = _keys(hasil)
    assert len(got) == len(set(got)), (
        f"an input row has more than one outcome: {sorted(k for k in got if got.count(k) > 1)}"
    )
    assert sorted(got) == expected, (
        f"outcomes missing for {sorted(set(expected) - set(got))}, "
        f"outcomes for no input row {sorted(set(got) - set(expected))}"
    )
    for prov in sorted({k[0] for k in expected}):
        receipt = pl.read_parquet(root / "receipts" / f"periode={periode}" / prov / "hasil_usulan.parquet")
        assert sorted(_keys(receipt)) == [k for k in expected if k[0] == prov], f"receipt of {prov}"
    karantina = {(q["kode_prov"], q["file"]): q["karantina"] for q in manifest["karantina"]}
    diabaikan = {(g["kode_prov"], g["file"]): g["alasan"] for g in manifest["diabaikan"]}
    read = {(k[0], k[1]) for k in got}
    listed = sorted(e["path"] for e in manifest["inputs"]["usulan"])
    assert listed == sorted(f"inbox/{periode}/{f.kode_prov}/{f.name}".replace("//", "/") for f in files)
    for f in files:
        where = (f.kode_prov, f.name)
        fates = [where in read, where in karantina, where in diabaikan]
        assert sum(fates) == 1, f"{f!r}: read/quarantined/not read = {fates}"
        if f.kind == "csv":
            assert fates[0], f"{f!r} was not read: {karantina.get(where) or diabaikan.get(where)}"
        elif f.kind == "binary":
            assert karantina.get(where) == "FILE_TIDAK_TERBACA", f"{f!r}"
        elif f.kind == "misplaced":
            assert karantina.get(where) == "FILE_SALAH_PROVINSI", f"{f!r}"
        else:
            assert diabaikan.get(where) == f.not_read, f"{f!r}"


def check_contracts(tables: dict) -> None:
    for name, model in schemas.OUTPUT_MODELS.items():
        model.validate(tables[name], lazy=True)


def register_from_outcomes(previous: set[str], hasil: pl.DataFrame) -> set[str]:
    """The register the outcomes imply: last period's, plus every person an accepted BARU or
    PERBAIKAN names, minus every person an accepted HAPUS names."""
    accepted = hasil.filter(pl.col("hasil") == "DITERIMA")
    added = accepted.filter(pl.col("jenis_usulan").is_in(["BARU", "PERBAIKAN"]))
    assert added["nik_padan"].null_count() == 0, "an accepted BARU/PERBAIKAN names no Dukcapil person"
    removed = (
        accepted.filter(pl.col("jenis_usulan") == "HAPUS").select(pl.coalesce("nik_padan", "nik_usulan")).to_series()
    )
    return (previous | set(added["nik_padan"])) - set(removed)


def check_register(spec: RootSpec, periode: str, tables: dict, expected: set[str]) -> None:
    ind = tables["individu"]
    niks = ind["nik"].to_list()
    extract = {p.nik for p in spec.persons}
    assert len(niks) == len(set(niks)), "a NIK twice in individu"
    assert set(niks) <= extract, f"persons Dukcapil does not know in individu: {sorted(set(niks) - extract)}"
    assert set(ind["status_padan"]) <= {"PADAN", "PADAN_KOREKSI"}
    assert set(niks) == expected, (
        f"individu has {sorted(set(niks) - expected)} that no accepted row put there, "
        f"lacks {sorted(expected - set(niks))} that accepted rows put there"
    )
    role = {p.nik: p.role for p in spec.persons}
    period = next(p for p in spec.periods if p.periode == periode)
    members = {n for n in niks if role[n] == "anggota"}
    assert members == set(period.planned_after), (
        f"members registered {sorted(members)}, the clean proposals say {sorted(period.planned_after)}"
    )
    assert not [n for n in niks if role[n] == "asing"], "a stranger (never proposed with BARU) is registered"


def check_row_outcomes(spec: RootSpec, periode: str, tables: dict, admitted_before: set[str]) -> None:
    hasil = tables["hasil_usulan"]
    extract = {p.nik for p in spec.persons}
    by_key = {tuple(r[k] for k in KEY): r for r in hasil.iter_rows(named=True)}
    rows = [r for f in spec.files[periode] if f.kind == "csv" for r in f.rows if r is not None]
    problems = []
    for row in rows:
        got = by_key[row.key]
        alasan = set(got["alasan"])
        if row.hasil and got["hasil"] != row.hasil:
            problems.append((row, f"hasil {got['hasil']} {got['alasan']}"))
        if not set(row.codes) <= alasan:
            problems.append((row, f"lacks {sorted(set(row.codes) - alasan)}: {got['alasan']}"))
        if row.status_padan and got["status_padan"] != row.status_padan:
            problems.append((row, f"status_padan {got['status_padan']} nik_padan {got['nik_padan']}"))
        if got["nik_padan"] is not None and got["nik_padan"] != row.truth:
            problems.append((row, f"padan to the wrong person: {got['nik_padan']} ({got['status_padan']})"))
        jenis_readable = row.damage is None and row.kind != "RUSAK:JENIS_USULAN_TIDAK_DIKENAL"
        jenis = row.fields["jenis_usulan"].strip().upper()
        # property 5: about someone no BARU ever admitted -> refused, TIDAK_ADA_DI_REGISTER
        if jenis_readable and jenis in ("PERBAIKAN", "HAPUS", "SANGGAH") and row.truth not in admitted_before:
            if got["hasil"] != "DITOLAK" or "TIDAK_ADA_DI_REGISTER" not in alasan:
                problems.append((row, f"about someone never registered: {got['hasil']} {got['alasan']}"))
        # property 5: a BARU of someone Dukcapil does not know, under a NIK it does not know -> refused
        if jenis_readable and jenis == "BARU" and row.truth is None and got["nik_usulan"] not in extract:
            if got["hasil"] != "DITOLAK":
                problems.append((row, f"BARU of a ghost accepted: {got['alasan']}"))
    for event in sorted({r.event for r in rows if r.kind == "GANDA"}):
        copies = [r for r in rows if r.event == event]
        outcomes = [(by_key[r.key]["hasil"], by_key[r.key]["alasan"]) for r in copies]
        accepted = [o for o in outcomes if o[0] == "DITERIMA"]
        repeats = [o for o in outcomes if o[0] == "DITOLAK" and "BARIS_GANDA" in o[1]]
        if len(accepted) != 1 or len(repeats) != len(copies) - 1:
            problems.append((copies[0], f"identical rows: {outcomes}"))
    by_row: dict[int, list[str]] = {}
    for r, why in problems:
        by_row.setdefault(id(r), [repr(r) + f" at {r.key}:"]).append("    " + why)
    assert not problems, "\n".join(line for lines in by_row.values() for line in lines)


# Found by data_roots() in a longer local run (100 examples, --hypothesis-seed=3), minimised by
# hand: an abbreviated name whose initial is H ("MARIA H." for MARIA HARAHAP) is refused as
# NAMA_TIDAK_SESUAI although NIK, birth date, sex, family card and village all agree:
# transforms/names.py strips the initial "H." as the title Haji ("SITI T." or "BUDI S." score 90).
_MARIA = Person(
    nik="1208034201730205",
    no_kk="1208031404190203",
    nama="MARIA HARAHAP",
    tgl_lahir=dt.date(1973, 1, 2),
    jk="P",
    hubungan="ISTRI",
    kode_wilayah="1208032004",
    ibu="SUMIATI",
    pekerjaan="MENGURUS RUMAH TANGGA",
    tgl_mati=None,
    role="anggota",
)
_MARIA_H = Row(
    dict(
        dict.fromkeys(HEADER, ""),
        jenis_usulan="BARU",
        nik=_MARIA.nik,
        no_kk=_MARIA.no_kk,
        nama="MARIA H.",
        tanggal_lahir="02-01-1973",
        jenis_kelamin="P",
        hubungan_keluarga="ISTRI",
        kode_wilayah=_MARIA.kode_wilayah,
    ),
    event=1,
    kind="BARU",
    truth=_MARIA.nik,
    hasil="DITERIMA",
    status_padan="PADAN",
)


# Found by data_roots() in a longer local run (150 examples, --hypothesis-seed=4), minimised by
# hand: two conflicting proposals about one registered person, a HAPUS and a PERBAIKAN, both with
# the exact NIK, birth date, sex and family card, one writing the name in full and one abbreviated
# ("SITI T."). Both should be held (USULAN_BERTENTANGAN). Instead
# transforms/linkage/decide.py::one_claim_per_person takes them for two different people (their
# name keys differ), sends the weaker claim to review (PERLU_VERIFIKASI, then NIK_TIDAK_PADAN and
# TIDAK_ADA_DI_REGISTER) and the other is applied alone: the person is removed from the register.
_SITI = Person(
    nik="1101012607510110",
    no_kk="1101010602250109",
    nama="SITI TAMBUNAN",
    tgl_lahir=dt.date(1951, 7, 26),
    jk="L",
    hubungan="KEPALA KELUARGA",
    kode_wilayah="1101012001",
    ibu="SUMIATI",
    pekerjaan="PETANI/PEKEBUN",
    tgl_mati=None,
    role="anggota",
)


def _siti(event: int, jenis: str, nama: str, hasil: str, codes: tuple[str, ...] = (), **more: str) -> Row:
    fields = dict(
        dict.fromkeys(HEADER, ""),
        jenis_usulan=jenis,
        nik=_SITI.nik,
        no_kk=_SITI.no_kk,
        nama=nama,
        tanggal_lahir="26-07-1951",
        jenis_kelamin="L",
        hubungan_keluarga="KEPALA KELUARGA",
        kode_wilayah=_SITI.kode_wilayah,
        **more,
    )
    return Row(fields, event=event, kind=jenis, truth=_SITI.nik, hasil=hasil, codes=codes, status_padan="PADAN")


@example(spec=hand_root([_MARIA], [("2026-10", [_MARIA_H], {_MARIA.nik}), ("2026-11", [], {_MARIA.nik})]))
@example(
    spec=hand_root(
        [_SITI],
        [
            ("2026-10", [_siti(1, "BARU", "SITI TAMBUNAN", "DITERIMA")], {_SITI.nik}),
            (
                "2026-11",
                [
                    _siti(2, "HAPUS", "SITI TAMBUNAN", "DITOLAK", ("USULAN_BERTENTANGAN",), alasan="PINDAH"),
                    _siti(2, "PERBAIKAN", "SITI T.", "DITOLAK", ("USULAN_BERTENTANGAN",), disabilitas_berat="Y"),
                ],
                {_SITI.nik},
            ),
        ],
    )
)
@settings(
    max_examples=6,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=False,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)
@given(spec=data_roots())
def test_monthly_flow_properties(spec: RootSpec, tmp_path: Path) -> None:
    root = Path(tempfile.mkdtemp(dir=tmp_path)) / "root"
    write_root(spec, root)
    register: set[str] = set()
    admitted: set[str] = set()
    for period in spec.periods:
        p = period.periode
        summary = monthly_run(data_root=str(root), periode=p)  # property 1
        assert summary["snapshot"].endswith(f"periode={p}") and not summary["unchanged"]
        tables = published(root, p)
        check_every_row_and_file_accounted_for(spec, root, p, tables)  # property 2
        check_contracts(tables)  # property 3
        check_row_outcomes(spec, p, tables, admitted)  # property 5 (+ generator truth)
        register = register_from_outcomes(register, tables["hasil_usulan"])
        check_register(spec, p, tables, register)  # property 4
        h = tables["hasil_usulan"]
        admitted |= set(h.filter((pl.col("hasil") == "DITERIMA") & (pl.col("jenis_usulan") == "BARU"))["nik_padan"])
    if not _rerun_example and any(f.kind == "csv" for f in spec.files[spec.periods[-1].periode]):
        _rerun_example.append(repr(spec))
    if repr(spec) in _rerun_example:  # property 6
        last = spec.periods[-1].periode
        before = published_bytes(root)
        again = monthly_run(data_root=str(root), periode=last)
        assert again["unchanged"] is True
        assert published_bytes(root) == before
    shutil.rmtree(root.parent, ignore_errors=True)
