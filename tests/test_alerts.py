"""The alerts' inputs, on hand-written manifests: the accepted-row comparison, the warning lines
that head the report and the artifact, the events they raise (none naming a person), the run
sections of the report, and the automations file's contract."""

from __future__ import annotations

import re

import pytest

from flows import alerts
from transforms.report import accepted_count, run_sections, warning_lines


@pytest.mark.parametrize(
    "now,before,far",
    [(400, 1000, True), (500, 1000, False), (600, 1000, False), (2000, 1000, False), (2001, 1000, True), (0, 10, True)],
)
def test_accepted_rows_far_from_the_previous_period(now, before, far):
    previous = {"periode": "2026-10", "jumlah_diterima": {"ini": before}}
    got = accepted_count(now, previous, 2.0)
    assert got == {"ini": now, "sebelumnya": before, "periode_sebelumnya": "2026-10", "faktor": 2.0, "menyimpang": far}


@pytest.mark.parametrize(
    "previous", [None, {"periode": "2026-10"}, {"periode": "2026-10", "jumlah_diterima": {"ini": 0}}]
)
def test_no_baseline_no_alert(previous):
    assert accepted_count(5, previous, 2.0)["menyimpang"] is False


MANIFEST = {
    "periode": "2026-11",
    "umpan_balik": {
        "burekol": {"berkas": ["feedback/2026-11/burekol/b.csv"], "baris": 12, "folder": "feedback/2026-11/burekol"},
        "salur": {"berkas": [], "baris": 0, "folder": "feedback/2026-11/salur"},
        "tidak_ada": ["salur"],
    },
    "analytics": "skipped: PADAN_PSEUDONYM_KEY is not set, so no pseudonymised zone was written",
    "analytics_key": None,
    "karantina": [{"kode_prov": "35", "file": "rusak.csv", "karantina": "FILE_TIDAK_TERBACA", "keterangan": "x"}],
    "jumlah_diterima": {
        "ini": 100,
        "sebelumnya": 900,
        "periode_sebelumnya": "2026-10",
        "faktor": 2.0,
        "menyimpang": True,
    },
    "tinjau": {
        "keputusan_berlaku": {"PADAN_MANUAL": 2, "SANGGAH_DITERIMA": 1},
        "keputusan_tidak_cocok": [
            {
                "jenis": "PADAN_MANUAL",
                "tinjau": None,
                "nik": "3201011505800001",  # manifests mask it; a full one must still not reach a log or an event
                "penulis": "Petugas A",
                "tanggal": "2026-11-02",
                "berkas": "overrides/a.csv",
                "baris": 3,
                "sebab": "tidak_ada_baris",
            }
        ],
    },
    "tahap": [{"tahap": "padan Dukcapil", "detik": 1.5, "baris": 120}],
}


def test_warning_lines_start_with_their_codes_in_order():
    codes = [w.split(":", 1)[0] for w in warning_lines(MANIFEST)]
    assert codes == [
        "UMPAN_BALIK_TIDAK_ADA",
        "ZONA_ANALIS_DILEWATI",
        "BERKAS_DIKARANTINA",
        "JUMLAH_DITERIMA_MENYIMPANG",
        "KEPUTUSAN_TIDAK_COCOK",
    ]
    assert "35/rusak.csv (FILE_TIDAK_TERBACA)" in warning_lines(MANIFEST)[2]
    assert warning_lines(MANIFEST)[3] == (
        "JUMLAH_DITERIMA_MENYIMPANG: 100 baris diterima, periode 2026-10 900 (batas: 2 kali lipat)"
    )


def test_events_are_the_alerted_warnings_and_name_no_person():
    events = alerts.events_of({"periode": "2026-11", "peringatan": warning_lines(MANIFEST)})
    assert [e["event"] for e in events] == [
        "padan.peringatan.UMPAN_BALIK_TIDAK_ADA",
        "padan.peringatan.ZONA_ANALIS_DILEWATI",
        "padan.peringatan.BERKAS_DIKARANTINA",
        "padan.peringatan.JUMLAH_DITERIMA_MENYIMPANG",
    ]  # KEPUTUSAN_TIDAK_COCOK names the officer who decided: it stays in the report
    assert {e["resource"]["prefect.resource.id"] for e in events} == {"padan.periode.2026-11"}
    lines = " ".join(warning_lines(MANIFEST))
    assert "NIK 320101********** oleh Petugas A" in lines and "3201011505800001" not in lines  # logged: masked
    assert not any(re.search(r"\d{16}", str(e)) for e in events)


def test_run_sections_of_the_report():
    sections = dict(run_sections(MANIFEST))
    assert sections["Tahap run (detik, baris keluaran)"].rows() == [("padan Dukcapil", 1.5, 120)]
    assert sections["Umpan balik bank dan KPPN"].rows() == [
        ("burekol", 1, 12, "diterima"),
        ("salur", 0, 0, "TIDAK ADA"),
    ]
    assert sections["Keputusan petugas yang berlaku (overrides)"].rows() == [
        ("PADAN_MANUAL", 2),
        ("SANGGAH_DITERIMA", 1),
        ("tidak cocok dengan baris mana pun", 1),
    ]
    assert sections["Zona analis"].startswith("TIDAK diterbitkan (skipped: PADAN_PSEUDONYM_KEY")


def test_the_repository_automations_cover_the_alerts():
    spec = alerts.load()
    expected = {f"padan.peringatan.{c}" for c in alerts.ALERTED + alerts.ALSO_EMITTED} | {"prefect.flow-run.Failed"}
    assert expected <= {e for a in spec.automations for e in a.events}


@pytest.mark.parametrize(
    "text,says",
    [
        (
            "version: 1\nautomations:\n  - name: padan-x\n    description: d\n    events: [a]\n    subject: s\n",
            "automations.0.body",
        ),
        (
            "version: 1\nautomations:\n  - name: Padan X\n    description: d\n    events: [a]\n    subject: s\n    body: b\n",
            "automations.0.name",
        ),
        ("version: 1\nautomations: []\n", "automations"),
        (
            "version: 1\nautomations:\n  - {name: padan-x, description: d, events: [a], subject: s, body: b, when: now}\n",
            "when",
        ),
        ("version: [\n", "not YAML"),
    ],
)
def test_an_automations_file_off_its_format_is_refused_naming_file_and_field(tmp_path, text, says):
    f = tmp_path / "automations.yaml"
    f.write_text(text)
    with pytest.raises(alerts.AutomationsError) as e:
        alerts.load(f)
    assert str(f) in str(e.value) and says in str(e.value)
