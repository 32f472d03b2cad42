"""The run report: one self-contained HTML page (inline SVG charts, no scripts, no network)."""

from __future__ import annotations

import html

import polars as pl

PALETTE = ["#1f6f8b", "#e07a1f", "#3a9d5d", "#c0392b", "#7d5ba6", "#8c6d31", "#d35f8d", "#5c7c8a"]


def _bar_chart(title: str, labels: list[str], series: dict[str, list[float]], *, fmt: str = "{:,.0f}") -> str:
    """Horizontal stacked bars as inline SVG."""
    if not labels:
        return f"<h3>{html.escape(title)}</h3><p>(tidak ada data)</p>"
    totals = [sum(vals[i] for vals in series.values()) for i in range(len(labels))]
    top = max(totals) or 1
    row_h, label_w, bar_w = 22, 230, 520
    height = row_h * len(labels) + 40
    parts = [f'<svg width="{label_w + bar_w + 120}" height="{height}" role="img" aria-label="{html.escape(title)}">']
    for i, label in enumerate(labels):
        y = 10 + i * row_h
        parts.append(
            f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end" font-size="12">{html.escape(str(label))}</text>'
        )
        x = label_w
        for k, (name, vals) in enumerate(series.items()):
            w = bar_w * vals[i] / top
            if w > 0:
                parts.append(
                    f'<rect x="{x:.1f}" y="{y}" width="{w:.1f}" height="{row_h - 6}" fill="{PALETTE[k % len(PALETTE)]}">'
                    f"<title>{html.escape(name)}: {fmt.format(vals[i])}</title></rect>"
                )
            x += w
        parts.append(f'<text x="{x + 6:.1f}" y="{y + 15}" font-size="12">{fmt.format(totals[i])}</text>')
    legend_y = height - 12
    for k, name in enumerate(series):
        parts.append(
            f'<rect x="{label_w + k * 150}" y="{legend_y - 10}" width="12" height="12" fill="{PALETTE[k % len(PALETTE)]}"/>'
            f'<text x="{label_w + k * 150 + 16}" y="{legend_y}" font-size="12">{html.escape(name)}</text>'
        )
    parts.append("</svg>")
    return f"<h3>{html.escape(title)}</h3>" + "".join(parts)


def _table(df: pl.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in df.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(f'{v:,}' if isinstance(v, int) else str(v))}</td>" for v in row) + "</tr>"
        for row in df.iter_rows()
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def report_frames(
    hasil: pl.DataFrame, penerima: pl.DataFrame, previous_penerima: pl.DataFrame | None
) -> dict[str, pl.DataFrame]:
    """The figures of the report, as small frames (also used for the Prefect artifacts)."""
    per_prov = (
        hasil.group_by("kode_prov")
        .agg(diterima=(pl.col("hasil") == "DITERIMA").sum(), ditolak=(pl.col("hasil") == "DITOLAK").sum())
        .sort("kode_prov")
    )
    rejected = hasil.filter(pl.col("hasil") == "DITOLAK")
    reasons = (
        rejected.select(pl.col("alasan").explode(empty_as_null=False).alias("kode"))
        .drop_nulls()
        .group_by("kode")
        .len()
        .sort("len", "kode", descending=[True, False])
        .head(12)
    )
    methods = (
        hasil.with_columns(
            metode=pl.col("metode_padan").fill_null("TANPA_KANDIDAT"), padan=pl.col("status_padan") != "TIDAK_PADAN"
        )
        .group_by("metode")
        .agg(baris=pl.len(), padan=pl.col("padan").sum())
        .with_columns(tingkat_padan=(pl.col("padan") / pl.col("baris")).round(4))
        .sort("metode")
    )
    programmes = (
        penerima.group_by("program", "status")
        .agg(unit=pl.len(), nominal=pl.col("nominal").sum())
        .sort("program", "status")
    )
    if previous_penerima is not None:
        prev = previous_penerima.group_by("program", "status").agg(unit_lalu=pl.len())
        change = (
            programmes.join(prev, on=["program", "status"], how="full", coalesce=True)
            .with_columns(pl.col("unit").fill_null(0), pl.col("unit_lalu").fill_null(0))
            .with_columns(perubahan=pl.col("unit") - pl.col("unit_lalu"))
            .select("program", "status", "unit_lalu", "unit", "perubahan")
            .sort("program", "status")
        )
    else:
        change = programmes.select("program", "status", unit_lalu=pl.lit(0), unit="unit", perubahan="unit")
    return {
        "per_provinsi": per_prov,
        "alasan_penolakan": reasons,
        "metode_padan": methods,
        "program_status": programmes,
        "perubahan": change,
    }


def bank_totals(lists: pl.DataFrame) -> pl.DataFrame:
    """What the period lists for each bank, per programme: rows and money (the banks' control files
    give the same per tahap)."""
    return (
        lists.group_by("bank", "program").agg(baris=pl.len(), nominal=pl.col("nominal").sum()).sort("bank", "program")
    )


def wib(stamp: str | None) -> str:
    """An ISO time in Asia/Jakarta, as ``YYYY-MM-DD HH:MM:SS WIB``."""
    import datetime as dt
    from zoneinfo import ZoneInfo

    if not stamp:
        return "-"
    return dt.datetime.fromisoformat(stamp).astimezone(ZoneInfo("Asia/Jakarta")).strftime("%Y-%m-%d %H:%M:%S WIB")


def run_sections(manifest: dict) -> list[tuple[str, pl.DataFrame | str]]:
    """The run's own facts, for engineers, in the report's order: its stages with their time and
    rows, the bank and treasury feedback, the human decisions in force, the analysts' zone."""
    stages = pl.DataFrame(
        manifest.get("tahap") or [], schema={"tahap": pl.String, "detik": pl.Float64, "baris": pl.Int64}
    )
    fb = manifest.get("umpan_balik") or {}
    feedback = pl.DataFrame(
        [
            {
                "jenis": k,
                "berkas": len(fb[k]["berkas"]),
                "baris": fb[k]["baris"],
                "keadaan": "TIDAK ADA" if k in fb.get("tidak_ada", []) else "diterima",
            }
            for k in ("burekol", "salur")
            if k in fb
        ],
        schema={"jenis": pl.String, "berkas": pl.Int64, "baris": pl.Int64, "keadaan": pl.String},
    )
    tinjau = manifest.get("tinjau") or {}
    in_force = tinjau.get("keputusan_berlaku") or {}
    unmatched = tinjau.get("keputusan_tidak_cocok") or []
    decisions = pl.DataFrame(
        [{"jenis": k, "berlaku": v} for k, v in sorted(in_force.items())]
        + [{"jenis": "tidak cocok dengan baris mana pun", "berlaku": len(unmatched)}],
        schema={"jenis": pl.String, "berlaku": pl.Int64},
    )
    zone = str(manifest.get("analytics") or "-")
    key = manifest.get("analytics_key")
    zone_text = ("diterbitkan" if zone == "published" else f"TIDAK diterbitkan ({zone})") + (
        f"; sidik kunci {key}" if key else ""
    )
    return [
        ("Tahap run (detik, baris keluaran)", stages),
        ("Umpan balik bank dan KPPN", feedback),
        ("Keputusan petugas yang berlaku (overrides)", decisions),
        ("Zona analis", zone_text),
    ]


def accepted_count(accepted: int, previous: dict | None, factor: float) -> dict:
    """This period's accepted rows beside the previous published period's, and whether they are
    more than ``factor`` times apart (either way). A previous period with none accepted compares
    with nothing: a month without uploads is not a baseline."""
    before = (previous or {}).get("jumlah_diterima", {}).get("ini")
    far = bool(before) and (accepted * factor < before or accepted > before * factor)
    return {
        "ini": accepted,
        "sebelumnya": before,
        "periode_sebelumnya": (previous or {}).get("periode"),
        "faktor": factor,
        "menyimpang": far,
    }


def warning_lines(manifest: dict) -> list[str]:
    """What an engineer must see first about a run, each line starting with its reason code (the
    same lines head the CLI summary, the report and the Prefect artifact, and raise the alerts)."""
    out = []
    fb = manifest.get("umpan_balik") or {}
    for kind in fb.get("tidak_ada", []):
        out.append(
            f"UMPAN_BALIK_TIDAK_ADA: tidak ada berkas {kind} di {fb[kind]['folder']}; "
            f"{'status rekening' if kind == 'burekol' else 'status penyaluran'} tidak diperbarui bulan ini"
        )
    analytics = str(manifest.get("analytics") or "")
    if analytics and analytics != "published":
        out.append(f"ZONA_ANALIS_DILEWATI: zona analis tidak diterbitkan ({analytics})")
    if manifest.get("analytics_key_berubah"):
        out.append(
            "KUNCI_PSEUDONIM_BERUBAH: PADAN_PSEUDONYM_KEY berbeda dari periode sebelumnya; pseudonim zona analis "
            "tidak dapat digabung lintas periode (terbitkan ulang periode lama dengan kunci ini bila perlu)"
        )
    if manifest.get("karantina"):
        files = ", ".join(f"{q['kode_prov']}/{q['file']} ({q['karantina']})" for q in manifest["karantina"])
        out.append(f"BERKAS_DIKARANTINA: {len(manifest['karantina'])} berkas dikarantina: {files}")
    count = manifest.get("jumlah_diterima") or {}
    if count.get("menyimpang"):
        out.append(
            f"JUMLAH_DITERIMA_MENYIMPANG: {count['ini']:,} baris diterima, periode {count['periode_sebelumnya']} "
            f"{count['sebelumnya']:,} (batas: {count['faktor']:g} kali lipat)"
        )
    for d in (manifest.get("tinjau") or {}).get("keputusan_tidak_cocok", []):
        nik = str(d.get("nik") or "")
        what = f"ID Tinjau {d['tinjau']}" if d.get("tinjau") else f"NIK {nik[:6]}{'*' * (len(nik) - 6)}"
        why = {
            "dikirim_ulang": "barisnya sudah dikirim ulang oleh provinsi; baris yang baru yang berlaku",
            "kandidat_tidak_ada_di_dukcapil": "NIK kandidat tidak ada lagi di ekstrak Dukcapil; baris tetap menunggu",
        }.get(d.get("sebab"), "tidak cocok dengan baris mana pun bulan ini atau di antrean tinjau")
        out.append(
            f"KEPUTUSAN_TIDAK_COCOK: {d['jenis']} {what} oleh {d['penulis']} ({d['tanggal']}, {d['berkas']} baris "
            f"{d['baris']}): {why}"
        )
    return out


def report_html(periode: str, frames: dict[str, pl.DataFrame], manifest: dict) -> str:
    """The whole page."""
    f = frames
    charts = [
        _bar_chart(
            "Baris usulan per provinsi",
            f["per_provinsi"]["kode_prov"].to_list(),
            {"DITERIMA": f["per_provinsi"]["diterima"].to_list(), "DITOLAK": f["per_provinsi"]["ditolak"].to_list()},
        ),
        _bar_chart(
            "Alasan penolakan terbanyak",
            f["alasan_penolakan"]["kode"].to_list(),
            {"baris": f["alasan_penolakan"]["len"].to_list()},
        ),
        _bar_chart(
            "Tingkat padan per metode",
            f["metode_padan"]["metode"].to_list(),
            {
                "padan": f["metode_padan"]["padan"].to_list(),
                "tidak padan": (f["metode_padan"]["baris"] - f["metode_padan"]["padan"]).to_list(),
            },
        ),
        _bar_chart(
            "Penerima per program dan status (unit)",
            [f"{p} / {s}" for p, s in f["program_status"].select("program", "status").iter_rows()],
            {"unit": f["program_status"]["unit"].to_list()},
        ),
        _bar_chart(
            "Nominal per program dan status (Rp)",
            [f"{p} / {s}" for p, s in f["program_status"].select("program", "status").iter_rows()],
            {"nominal": f["program_status"]["nominal"].to_list()},
        ),
    ]
    warnings = warning_lines(manifest)
    w_html = (
        ('<ul class="peringatan">' + "".join(f"<li>{html.escape(w)}</li>" for w in warnings) + "</ul>")
        if warnings
        else "<p>Tidak ada.</p>"
    )
    payments = f.get("rekonsiliasi")
    pay_html = (
        _table(payments) if payments is not None and payments.height else "<p>Tidak ada program yang dibayar bank.</p>"
    )
    quarantined = manifest.get("karantina") or []
    q_html = (
        (
            "<ul>"
            + "".join(
                f"<li>{html.escape(q['kode_prov'])}/{html.escape(q['file'])}: "
                f"{html.escape(q['karantina'])} ({html.escape(q['keterangan'])})</li>"
                for q in quarantined
            )
            + "</ul>"
        )
        if quarantined
        else "<p>Tidak ada.</p>"
    )
    not_read = manifest.get("diabaikan") or []
    n_html = (
        (
            "<ul>"
            + "".join(
                f"<li>{html.escape(g['kode_prov'])}/{html.escape(g['file'])}: {html.escape(g['alasan'])}</li>"
                for g in not_read
            )
            + "</ul>"
        )
        if not_read
        else "<p>Tidak ada.</p>"
    )
    rules = manifest.get("rule_set", {})
    run_html = "".join(
        f"<h3>{html.escape(title)}</h3>"
        + (_table(body) if isinstance(body, pl.DataFrame) else f"<p>{html.escape(body)}</p>")
        for title, body in run_sections(manifest)
    )
    banks = f.get("daftar_bank")
    bank_html = _table(banks) if banks is not None and banks.height else "<p>Tidak ada daftar bank periode ini.</p>"
    return f"""<!DOCTYPE html>
<html lang="id"><head><meta charset="utf-8"><title>Padan periode {html.escape(periode)}</title>
<style>body{{font-family:system-ui,sans-serif;margin:2em;max-width:1000px;color:#222}}
table{{border-collapse:collapse;margin:0.5em 0 1.5em}}td,th{{border:1px solid #ccc;padding:3px 8px;text-align:right}}
th{{background:#f0f0f0}}td:first-child,th:first-child{{text-align:left}}h3{{margin-top:1.8em}}</style></head>
<body><h1>Laporan Padan periode {html.escape(periode)}</h1>
<p>Aturan {html.escape(str(rules.get("version", "?")))} &middot; kode {html.escape(str(manifest.get("code_version", "?")))}
&middot; mulai {html.escape(wib(manifest.get("started_at")))}</p>
<h2>Peringatan</h2>{w_html}
<h2>Ringkasan</h2>{_table(f["per_provinsi"])}
<h2>Run</h2>{run_html}
<h2>Daftar bank per program</h2>{bank_html}
<h2>Pembayaran per program dan tahap</h2>{pay_html}
<h2>Berkas dikarantina</h2>{q_html}
<h2>Berkas tidak dibaca (tautan, tersembunyi, kunci Office, unggahan belum selesai)</h2>{n_html}
<h2>Grafik</h2>{"".join(charts)}
<h2>Perubahan dari periode lalu</h2>{_table(f["perubahan"])}
<h2>Tingkat padan per metode</h2>{_table(f["metode_padan"])}
</body></html>
"""
