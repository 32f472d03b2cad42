"""A run's summary: what ``monthly_run`` returns and the command line prints, read back from the
published snapshot, and the same on the Prefect flow run as artifacts."""

from __future__ import annotations

from pathlib import Path

import polars as pl

import schemas
from flows import io
from flows.stages.results import Published
from transforms import report


def artifacts(summary: dict) -> None:
    """The run's summary on the Prefect flow run: a markdown note and two tables."""
    from prefect.artifacts import create_markdown_artifact, create_table_artifact

    key = f"padan-{summary['periode']}"
    lines = [f"# Padan periode {summary['periode']}", ""]
    lines += [f"> **PERINGATAN** {w}" for w in summary["peringatan"]] + ([""] if summary["peringatan"] else [])
    lines += [
        f"* rows in: {summary['rows_in']:,}; diterima {summary['diterima']:,}; ditolak {summary['ditolak']:,}",
        f"* padan: {summary['padan']:,} (koreksi {summary['padan_koreksi']:,}); register: {summary['individu']:,}",
        f"* files quarantined: {len(summary['karantina'])}; feedback about unknown households: "
        f"{summary['umpan_balik_tidak_dikenal']:,}",
        f"* bank lists: {summary['bank_rows']:,} rows to pay, {summary['stop_rows']:,} stopped",
        f"* snapshot: `{summary['snapshot']}`" + (" (unchanged)" if summary["unchanged"] else ""),
    ]
    lines += [f"  * karantina {q['kode_prov']}/{q['file']}: {q['karantina']}" for q in summary["karantina"]]
    lines += ["", "## Run", ""] + [
        f"* {title}: {body}"
        if isinstance(body, str)
        else f"* {title}: " + "; ".join(", ".join(f"{k} {v}" for k, v in row.items()) for row in body.to_dicts())
        for title, body in report.run_sections(summary["manifest"])
    ]
    create_markdown_artifact(key=f"{key}-ringkasan", markdown="\n".join(lines), description="Padan run summary")
    create_table_artifact(
        key=f"{key}-penerima",
        table=summary["penerima"] or [{"program": "-", "status": "-"}],
        description="units and nominal per programme and status",
    )
    if summary["karantina"]:
        create_table_artifact(key=f"{key}-karantina", table=summary["karantina"], description="quarantined files")
    if summary["manifest"].get("tahap"):
        create_table_artifact(
            key=f"{key}-tahap", table=summary["manifest"]["tahap"], description="stages: seconds and rows out"
        )


def summary(root: io.Root, periode: str, published: Published, quarantined: list[dict]) -> dict:
    """What a run returns (and the command line prints): the counts, the programmes' units and
    money, the warnings and where the outputs are, read back from what was published."""
    snap = Path(published.snapshot)
    manifest = io.read_json(snap / "_manifest.json")
    h = io.read_parquet(snap / "hasil_usulan" / "hasil_usulan.parquet")
    p = (
        io.read_parquet(snap / "penerima", hive_partitioning=False)
        if io.has_parquet(snap / "penerima")
        else pl.DataFrame(schema={"program": pl.String, "status": pl.String, "nominal": pl.Int64})
    )
    by_status = (
        p.group_by("program", "status")
        .agg(unit=pl.len(), nominal=pl.col("nominal").sum())
        .sort("program", "status")
        .to_dicts()
    )
    return {
        "periode": periode,
        "snapshot": str(snap),
        "receipts": str(root.receipts(periode)),
        "unchanged": published.unchanged,
        "repaired": published.repaired,
        "rows_in": h.height,
        "diterima": int((h["hasil"] == "DITERIMA").sum()) if h.height else 0,
        "ditolak": int((h["hasil"] == "DITOLAK").sum()) if h.height else 0,
        "padan": int(h["status_padan"].is_in(list(schemas.PADAN_ACCEPTED)).sum()) if h.height else 0,
        "padan_koreksi": int((h["status_padan"] == "PADAN_KOREKSI").sum()) if h.height else 0,
        "individu": io.row_count(snap / "individu" / "individu.parquet"),
        "umpan_balik_tidak_dikenal": io.row_count(snap / "umpan_balik_tidak_dikenal"),
        "karantina": quarantined,
        "penerima": by_status,
        "report": str(root.report(periode)),
        "disbursement": str(root.disbursement(periode)),
        "analytics": manifest.get("analytics", ""),
        "peringatan": report.warning_lines(manifest),
        "bank_rows": manifest.get("bank_rows", 0),
        "stop_rows": manifest.get("stop_rows", 0),
        "manifest": manifest,
    }
