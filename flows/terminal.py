"""What a person at a terminal sees of a run: the summary table, the warnings (on stderr) and where
the outputs are. The command line (``flows.cli``) prints through here."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

console = Console()
err_console = Console(stderr=True)


def print_summary(s: dict) -> None:
    for warning in s.get("peringatan", []):
        err_console.print(f"[bold yellow]PERINGATAN[/bold yellow] {warning}", soft_wrap=True, highlight=False)
    t = Table(title=f"Padan periode {s['periode']}", show_header=False)
    t.add_row("rows in", f"{s['rows_in']:,}")
    t.add_row("diterima", f"{s['diterima']:,}")
    t.add_row("ditolak", f"{s['ditolak']:,}")
    t.add_row("padan (of which koreksi)", f"{s['padan']:,} ({s['padan_koreksi']:,})")
    t.add_row("persons in register", f"{s['individu']:,}")
    t.add_row("files quarantined", str(len(s["karantina"])))
    t.add_row("files not read (links, hidden, locks, uploads in progress)", str(len(s.get("diabaikan", []))))
    t.add_row("feedback answering nothing listed or known", f"{s['umpan_balik_tidak_dikenal']:,}")
    t.add_row("bank-list rows (stopped)", f"{s.get('bank_rows', 0):,} ({s.get('stop_rows', 0):,})")
    console.print(t)
    for q in s["karantina"]:
        console.print(
            f"  [yellow]karantina[/yellow] {q['kode_prov']}/{q['file']}: {q['karantina']} ({q['keterangan']})"
        )
    for g in s.get("diabaikan", []):
        console.print(f"  [dim]tidak dibaca[/dim] {g['kode_prov']}/{g['file']}: {g['alasan']}")
    p = Table(title="penerima per programme and status")
    for col in ("program", "status", "units", "nominal (Rp)"):
        p.add_column(col, justify="right" if col in ("units", "nominal (Rp)") else "left")
    for r in s["penerima"]:
        p.add_row(r["program"], r["status"], f"{r['unit']:,}", f"{r['nominal']:,}")
    console.print(p)
    note = " (unchanged: identical to the published snapshot)" if s["unchanged"] else ""
    console.print(f"snapshot: [bold]{s['snapshot']}[/bold]{note}", soft_wrap=True, highlight=False)
    console.print(f"receipts: {s['receipts']}", soft_wrap=True, highlight=False)
    console.print(f"bank lists: {s['disbursement']}", soft_wrap=True, highlight=False)
    console.print(f"report: {s['report']}", soft_wrap=True, highlight=False)
    if s["analytics"] != "published":
        console.print(f"[yellow]analysts' zone: {s['analytics']}[/yellow]", soft_wrap=True)
