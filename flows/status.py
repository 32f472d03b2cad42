"""``padan status`` (the last runs: period, outcome, duration, warnings) and ``padan history`` (one
person or household across every published period). Both only read: the run journal, the
manifests and the snapshots; neither starts Prefect. Times are shown in Asia/Jakarta (WIB)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from flows import io, journal
from flows.explain import mask_nik
from transforms.report import warning_lines, wib

OUTCOME = {
    "terbit": "terbit",
    "tidak_berubah": "tidak berubah",
    "ditolak": "ditolak",
    "gagal": "GAGAL",
    None: "tidak selesai (dihentikan atau masih berjalan)",
}


def duration(start: str | None, end: str | None) -> str:
    if not (start and end):
        return "-"
    seconds = int((dt.datetime.fromisoformat(end) - dt.datetime.fromisoformat(start)).total_seconds())
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def status_rows(root: io.Root, last: int = 12) -> list[dict]:
    """The last ``last`` runs, newest first: from the journal, each ended one with its period's
    manifest (rows, accepted, bank rows, warnings); published periods the journal does not know
    (older roots) from their manifests alone."""
    runs = journal.runs(root)
    known = {r["periode"] for r in runs}
    # the published manifest is the last publishing run's: earlier runs of a replaced period show none
    publishing = {r["periode"]: i for i, r in enumerate(runs) if r.get("hasil") in ("terbit", "tidak_berubah")}
    rows = []
    for i, r in enumerate(runs):
        path = root.snapshot(r["periode"]) / "_manifest.json"
        m = io.read_json(path) if publishing.get(r["periode"]) == i and io.is_file(path) else None
        rows.append(
            _row(r["periode"], r.get("mulai"), r.get("selesai"), r.get("hasil"), m, r.get("galat"), r.get("pesan"))
        )
    for p in io.published_periods(root.snapshots):
        if p not in known:
            m = io.read_json(root.snapshot(p) / "_manifest.json")
            rows.append(_row(p, m.get("started_at"), m.get("ended_at"), "terbit", m, None, None))
    rows.sort(key=lambda x: x["mulai"] or "", reverse=True)
    return rows[:last]


def _row(periode, start, end, outcome, manifest, error, message) -> dict:
    m = manifest or {}
    return {
        "periode": periode,
        "mulai": start,
        "durasi": duration(start, end),
        "hasil": OUTCOME.get(outcome, outcome),
        "baris": (m.get("tables") or {}).get("hasil_usulan", {}).get("rows"),
        "diterima": (m.get("jumlah_diterima") or {}).get("ini"),
        "bank": m.get("bank_rows"),
        "peringatan": [w.split(":", 1)[0] for w in warning_lines(m)] if manifest else [],
        "galat": (f"{error}: {message}" if message else error) if error else None,
    }


def status_text(root: Path) -> str:
    r = io.Root(root)
    rows = status_rows(r)
    if not rows:
        raise LookupError(f"{root}: no published period and no run recorded; run padan run first")
    pointer = r.snapshots / "_current.json"
    current = io.read_json(pointer)["periode"] if io.is_file(pointer) else "-"
    n = lambda v: "-" if v is None else f"{v:,}"  # noqa: E731
    lines = [f"Periode terbit terakhir: {current}", ""]
    lines.append(
        f"{'periode':<8} {'mulai':<24} {'durasi':>8}  {'hasil':<14} {'baris':>9} {'diterima':>9} {'bank':>8}  peringatan"
    )
    for x in rows:
        lines.append(
            f"{x['periode']:<8} {wib(x['mulai']):<24} {x['durasi']:>8}  {x['hasil']:<14} {n(x['baris']):>9} "
            f"{n(x['diterima']):>9} {n(x['bank']):>8}  {', '.join(x['peringatan']) or '-'}"
        )
        if x["galat"]:
            lines.append(f"{'':<8} {x['galat']}")
    latest = io.published_periods(r.snapshots)
    if latest:
        warnings = warning_lines(io.read_json(r.snapshot(latest[-1]) / "_manifest.json"))
        if warnings:
            lines += ["", f"Peringatan periode {latest[-1]}:"] + [f"  - {w}" for w in warnings]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# history of one person or household
# ---------------------------------------------------------------------------------------------


def history_text(root: Path, *, nik: str | None = None, no_kk: str | None = None) -> str:
    """Per published period: in the register or not (and as whom), the programmes' status and
    amount, the proposals about them and what became of each, and the register's events."""
    r = io.Root(root)
    periods = io.published_periods(r.snapshots)
    if not periods:
        raise LookupError(f"{root}: no published period; run padan run first")
    key, value = ("nik", nik) if nik else ("no_kk", no_kk)
    asked = f"NIK {mask_nik(nik)}" if nik else f"No KK {mask_nik(no_kk)}"
    lines = [f"Riwayat {asked} di {len(periods)} periode terbit ({periods[0]} s.d. {periods[-1]})", ""]
    seen = False
    for p in periods:
        snap = r.snapshot(p)
        individu = io.scan_parquet(snap / "individu" / "individu.parquet").filter(pl.col(key) == value).collect()
        household = individu["no_kk"][0] if nik and individu.height else no_kk
        penerima = (
            io.scan_parquet(snap / "penerima", hive_partitioning=False)
            .filter(  # the person's own programmes, and their household's
                (pl.col("nik") == nik) | (pl.col("nik").is_null() & (pl.col("no_kk") == (household or "")))
                if nik
                else pl.col("no_kk") == no_kk
            )
            .collect()
            if io.has_parquet(snap / "penerima")
            else None
        )
        hasil = io.scan_parquet(snap / "hasil_usulan" / "hasil_usulan.parquet")
        hasil = hasil.filter(
            (pl.col("nik_usulan") == nik) | (pl.col("nik_padan") == nik) if nik else pl.col("no_kk_usulan") == no_kk
        ).collect()
        events = (
            io.scan_parquet(snap / "riwayat" / "riwayat.parquet")
            .filter((pl.col("periode") == p) & (pl.col(key) == value))
            .collect()
        )
        lines.append(f"{p}:")
        if individu.height:
            seen = True
            if nik:
                m = individu.row(0, named=True)
                lines.append(
                    f"  register: ya, {m['nama']}, No KK {mask_nik(m['no_kk'])}, {m['hubungan_keluarga'] or '-'}, "
                    f"status padan {m['status_padan']}, masuk {m['periode_masuk']}"
                )
            else:
                lines.append(f"  register: {individu.height} anggota")
        else:
            lines.append("  register: tidak ada")
        for x in penerima.sort("program").iter_rows(named=True) if penerima is not None else []:
            seen = True
            why = f" ({', '.join(x['alasan'])})" if x["alasan"] else ""
            lines.append(f"  {x['program']} {x['tahap']}: {x['status']}, Rp {x['nominal']:,}{why}")
        for x in hasil.sort("sumber_file", "sumber_baris").iter_rows(named=True):
            seen = True
            why = f" ({', '.join(x['alasan'])})" if x["alasan"] else ""
            lines.append(f"  usulan {x['jenis_usulan'] or '-'} dari {x['kode_prov']}: {x['hasil']}{why}")
        for kind, count in sorted(events.group_by("peristiwa").len().iter_rows()):
            lines.append(f"  peristiwa register: {kind}" + (f" x{count}" if count > 1 else ""))
    if not seen:
        raise LookupError(f"{asked} tidak ditemukan di periode mana pun")
    return "\n".join(lines) + "\n"
