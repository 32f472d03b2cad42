"""``padan explain``: why a person or household has the status it has, in words an operator can read
out to the family. Reads a published snapshot and the reference files; never starts Prefect."""

from __future__ import annotations

from pathlib import Path

import polars as pl

import schemas
from flows import io, references
from rules import reason_codes
from schemas import HUBUNGAN_KELUARGA


def mask_nik(nik: str | None) -> str:
    """Show the region only: ``320101**********``. The rest is the birth date (with sex) and a serial
    that is small in most families: shown with a birth date, even two digits of it rebuild the NIK
    in a guess or two, so none is shown (and other members' birth dates show the year only)."""
    if not nik:
        return "-"
    return nik[:6] + "*" * (len(nik) - 6) if len(nik) >= 10 else "*" * len(nik)


def _reason_lines(codes: list[str]) -> list[str]:
    cat = reason_codes()
    out = []
    for c in codes:
        r = cat.get(c)
        out.append(f"    - {c}: {r.id} Tindakan: {r.tindakan}" if r else f"    - {c}")
    return out


def explain(root: Path, periode: str, *, nik: str | None = None, no_kk: str | None = None) -> str:
    """The explanation text for one NIK or one No KK in the snapshot of ``periode``."""
    r = io.Root(root)
    snap = r.snapshot(periode)
    if not io.is_file(snap / "_manifest.json"):
        raise FileNotFoundError(f"no published snapshot for periode {periode} in {root}")
    manifest = io.read_json(snap / "_manifest.json")
    individu = io.read_parquet(snap / "individu")
    penerima = io.read_parquet(snap / "penerima", hive_partitioning=False)
    hasil = io.read_parquet(snap / "hasil_usulan")
    if nik:
        person = individu.filter(pl.col("nik") == nik)
        if person.height:
            no_kk = person["no_kk"][0]
    rows_about = hasil.filter(
        (pl.col("nik_usulan") == nik) | (pl.col("nik_padan") == nik) if nik else (pl.col("no_kk_usulan") == no_kk)
    )
    members = individu.filter(pl.col("no_kk") == no_kk) if no_kk else individu.head(0)
    if members.height == 0 and rows_about.height == 0:
        raise LookupError("NIK / No KK tidak ditemukan di snapshot ini")
    rules = manifest.get("rule_set", {})
    programmes = recorded_programmes(manifest)
    lines = [
        f"Penjelasan status periode {periode} (aturan {rules.get('version', '?')}, sha256 {rules.get('sha256', '?')[:12]})",
        f"Yang ditanyakan: {'NIK ' + mask_nik(nik) if nik else 'No KK ' + mask_nik(no_kk)}",
        "",
    ]
    if members.height:
        lines.append(f"Keluarga (No KK {mask_nik(no_kk)}), {members.height} anggota di register:")
        order = {h: i for i, h in enumerate(HUBUNGAN_KELUARGA)}
        ranked = members.with_columns(_o=pl.col("hubungan_keluarga").replace_strict(order, default=99))
        for m in ranked.sort("_o", "tanggal_lahir", "nik").iter_rows(named=True):
            asked = bool(nik) and m["nik"] == nik
            shown = m["nik"] if asked else mask_nik(m["nik"])
            name = m["nama"] if asked or not nik else "(anggota lain)"
            born = m["tanggal_lahir"] if asked else (m["tanggal_lahir"].year if m["tanggal_lahir"] else "-")
            lines.append(
                f"  - {shown} {name}, {m['hubungan_keluarga'] or '-'}, lahir {born}, "
                f"status padan {m['status_padan']}, masuk register {m['periode_masuk']}, "
                f"sumber {m['sumber_periode']} {m['sumber_file']} baris {m['sumber_baris']}"
                + (f"; SANGGAH: {m['sanggah_alasan']}" if m["sanggah_alasan"] else "")
            )
        lines.append("")
        pen = penerima.filter(pl.col("no_kk") == no_kk)
        if nik:
            pen = pen.filter(~pl.col("program").is_in(programmes.person) | (pl.col("nik") == nik))
        lines.append("Status per program:")
        for p in pen.sort("program", "nik").iter_rows(named=True):
            who = f" untuk {mask_nik(p['nik'])}" if p["program"] in programmes.person else ""
            rupiah = f"{p['nominal']:,}".replace(",", ".")
            desil = p["desil"] if p["desil"] is not None else "tidak ada"
            lines.append(f"  {p['program']}{who}: {p['status']} (desil {desil}, nominal Rp {rupiah})")
            lines.extend(_reason_lines(p["alasan"]))
        lines.append("")
        lines += _reference_lines(r, snap, no_kk, nik, programmes)
    try:
        decisions, _ = references.read_overrides(r)
    except ValueError:
        decisions = None
    if decisions is not None and decisions.height:
        subjects = [nik] if nik else members["nik"].to_list()
        mine = decisions.filter(pl.col("nik").is_in(subjects) | pl.col("nik_padan").is_in(subjects))
        if mine.height:
            lines.append("Keputusan petugas (overrides):")
            for d in mine.sort("tanggal_d").iter_rows(named=True):
                who = d["nik"] if nik and d["nik"] == nik else mask_nik(d["nik"])
                until = d["berlaku_sampai"] or "tanpa batas"
                lines.append(
                    f"  - {d['tanggal']} {d['jenis']} untuk {who} oleh {d['penulis']} (berlaku s.d. {until},"
                    f" {d['_sumber']} baris {d['_baris']}): {d['alasan']}"
                )
            lines.append("")
    history = snap / "riwayat" / "riwayat.parquet"
    if io.is_file(history):
        riwayat = io.read_parquet(history).filter((pl.col("nik") == nik) if nik else (pl.col("no_kk") == no_kk))
        if riwayat.height:
            lines.append("Riwayat register:")
            for e in riwayat.iter_rows(named=True):
                who = "" if nik else f" {mask_nik(e['nik'])}"
                changes = "; ".join(f"{c['kolom']}: {c['lama']} -> {c['baru']}" for c in e["perubahan"] or [])
                lines.append(
                    f"  - {e['periode']}{who} {e['peristiwa']} ({e['jenis_usulan']}, {e['sumber_file']} baris "
                    f"{e['sumber_baris']})"
                    + (f": {e['alasan']}" if e["alasan"] else "")
                    + (f" [{changes}]" if changes else "")
                )
            lines.append("")
    if rows_about.height:
        lines.append("Usulan periode ini:")
        for u in rows_about.sort("sumber_file", "sumber_baris").iter_rows(named=True):
            lines.append(
                f"  - {u['kode_prov']}/{u['sumber_file']} baris {u['sumber_baris']}: {u['jenis_usulan']} -> {u['hasil']}; "
                f"padan {u['status_padan']} (skor {u['skor_padan']:.2f}, metode {u['metode_padan'] or '-'}, "
                f"nama {u['bukti_nama'] if u['bukti_nama'] is not None else '-'}/100, "
                f"tanggal lahir {u['bukti_tgl_lahir'] or '-'}, jenis kelamin {u['bukti_jenis_kelamin'] or '-'}, "
                f"NIK {u['bukti_nik'] or '-'}, ibu kandung {u['bukti_ibu'] or '-'}, wilayah {u['bukti_wilayah'] or '-'}, "
                f"KK {u['bukti_kk'] or '-'})"
            )
            lines.extend(_reason_lines(u["alasan"]))
            lines.extend(_candidate_lines(snap, u, nik, manifest))
    return "\n".join(lines) + "\n"


_FIELDS = {
    "nik": "NIK",
    "nama": "nama",
    "tgl": "tgl lahir",
    "jk": "jenis kelamin",
    "ibu": "ibu",
    "wilayah": "wilayah",
    "kk": "KK",
}


def _candidate_lines(snap: Path, row: dict, asked: str | None, manifest: dict) -> list[str]:
    """The candidates the row's decision weighed (``kandidat_padan``): per field its level and weight,
    the total, the verdict, which one was chosen and why."""
    from transforms.linkage.contest import CHOICES

    path = snap / "kandidat_padan" / "kandidat_padan.parquet"
    if not io.is_file(path):
        return []
    cands = (
        io.read_parquet(path)
        .filter(
            (pl.col("kode_prov") == row["kode_prov"])
            & (pl.col("sumber_file") == row["sumber_file"])
            & (pl.col("sumber_baris") == row["sumber_baris"])
        )
        .sort("peringkat")
    )
    why = row.get("alasan_pilihan")
    out = [
        f"    Kandidat yang dibandingkan ({cands.height}); pilihan: {why or '-'}"
        + (f" — {CHOICES[why]}" if why in CHOICES else "")
    ]
    if cands.height >= 2:
        lead = cands["bobot"][0] - cands["bobot"][1]
        out.append(
            f"    selisih bobot peringkat 1 dan 2: {lead:.1f} bit (batas "
            f"{manifest.get('matching_model', {}).get('ambiguity_margin_bits', '?')})"
        )
    for c in cands.iter_rows(named=True):
        shown = c["nik_kandidat"] if asked and c["nik_kandidat"] == asked else mask_nik(c["nik_kandidat"])
        fields = ", ".join(
            f"{label} {c['cmp_' + f] or 'TIDAK_ADA'} {c['bobot_' + f]:+.1f}" for f, label in _FIELDS.items()
        )
        out.append(
            f"    #{c['peringkat']} {shown}{' [DIPILIH]' if c['dipilih'] else ''} ({c['metode_padan']}, "
            f"awal {c['bobot_awal']:+.1f}): {fields}; total {c['bobot']:+.1f} bit, skor {c['skor_padan']:.3f}, "
            f"{c['keputusan']}"
        )
    return out


def recorded_programmes(manifest: dict) -> schemas.Programmes:
    """The programmes the snapshot was decided with, as its manifest records them; for a snapshot
    published before the manifest recorded them, those of the packaged rule set."""
    if recorded := manifest.get("rule_set", {}).get("programmes"):
        return schemas.Programmes.from_manifest(recorded)
    from rules import load_ruleset

    return load_ruleset().programme_vocabulary


def _csv(r: io.Root, folder: Path, kind: str, programmes: schemas.Programmes) -> pl.DataFrame:
    return references.read_csv_input(folder, references.SCHEMAS[kind], kind, r, programmes).frame


def _reference_lines(
    r: io.Root, snap: Path, no_kk: str, asked: str | None, programmes: schemas.Programmes
) -> list[str]:
    """The facts behind the statuses: GIS, the family card in Dukcapil (which member, registered or
    not, excludes the family and by which field), the account and the payment ledger."""
    from rules import load_ruleset
    from schemas.vocabulary import AKTIF_YA

    show = lambda n: n if asked and n == asked else mask_nik(n)  # noqa: E731
    out = ["Data pendukung:"]
    gis = _csv(r, r.gis, "gis", programmes)
    g = gis.filter(pl.col("no_kk").str.strip_chars() == no_kk).sort("tgl_verifikasi")
    out.append("  GIS: " + (f"{g['hasil'][-1]} ({g['tgl_verifikasi'][-1]})" if g.height else "belum diverifikasi"))
    card = references.one_row_per_nik(references.scan_dukcapil(r).filter(pl.col("NO_KK") == no_kk)).collect()
    sdm = _csv(r, r.sdm_kesos, "sdm_kesos", programmes).filter(
        pl.col("aktif").str.strip_chars().str.to_uppercase().is_in(list(AKTIF_YA))
    )
    staff = dict(zip(sdm["nik"].str.strip_chars().to_list(), sdm["jenis_sdm"].to_list()))
    registered = set(io.read_parquet(snap / "individu", columns=["nik"])["nik"].to_list())
    occupations = set(load_ruleset().exclusions.occupations)
    found = []
    for m in card.sort("NIK").iter_rows(named=True):
        where = "terdaftar" if m["NIK"] in registered else "tidak terdaftar di register"
        if m["TGL_MATI"] is not None:
            found.append(f"{show(m['NIK'])} ({where}): TGL_MATI {m['TGL_MATI']}")
            continue
        if (m["JENIS_PKRJN"] or "").upper() in occupations:
            found.append(f"{show(m['NIK'])} ({where}): JENIS_PKRJN {m['JENIS_PKRJN']}")
        if m["NIK"] in staff:
            found.append(f"{show(m['NIK'])} ({where}): SDM Kesos {staff[m['NIK']]} aktif")
    out.append(
        f"  Kartu keluarga di Dukcapil: {card.height} orang"
        + ("; " + "; ".join(found) if found else "; tidak ada anggota yang mengecualikan keluarga")
    )
    accounts = snap / "rekening" / "rekening.parquet"
    acc = io.read_parquet(accounts).filter(pl.col("no_kk") == no_kk) if io.is_file(accounts) else pl.DataFrame()
    if acc.height:
        a = acc.row(0, named=True)
        number = ("*" * 4 + a["no_rekening"][-4:]) if a["no_rekening"] else "-"
        out.append(
            f"  Rekening (burekol): {a['bank']} {a['status_rekening']}, nomor {number}, atas nama "
            f"{show(a['nik_pengurus'])}, umpan balik {a['periode_umpan_balik']}"
        )
    else:
        out.append("  Rekening (burekol): belum ada; dibayar lewat PT Pos")
    ledger = snap / "pembayaran" / "pembayaran.parquet"
    events = io.read_parquet(ledger).filter(pl.col("no_kk") == no_kk) if io.is_file(ledger) else pl.DataFrame()
    out.append("  Pembayaran (buku besar):" if events.height else "  Pembayaran (buku besar): belum ada")
    for e in events.iter_rows(named=True):
        rupiah = f"{e['nominal']:,}".replace(",", ".") if e["nominal"] is not None else "-"
        why = f" [{', '.join(e['alasan'])}]" if e["alasan"] else ""
        out.append(
            f"    - {e['periode']} {e['program']} {e['tahap']}: {e['peristiwa']} {e['status']}, "
            f"{e['bank'] or '-'}, Rp {rupiah} ({e['sumber']}{' baris ' + str(e['sumber_baris']) if e['sumber_baris'] else ''}){why}"
        )
    out.append("")
    return out
