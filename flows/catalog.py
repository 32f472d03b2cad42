"""``padan catalog``: the analysts' DuckDB file, ``<data-root>/padan.duckdb``: views over every
published period of the pseudonymised zone (``analytics/``), plus a few ready-made views. The
full zone (``snapshots/``) is deliberately not in it."""

from __future__ import annotations

from pathlib import Path

import duckdb

from flows import io

TABLES = ("hasil_usulan", "individu", "penerima", "riwayat", "pembayaran", "rekonsiliasi")

HANDY_VIEWS = {
    "status_per_provinsi": """
        SELECT periode, program, kode_prov, status, count(*) AS unit, sum(nominal) AS nominal
        FROM penerima GROUP BY ALL""",
    "tingkat_padan": """
        SELECT periode, kode_prov, coalesce(metode_padan, 'TANPA_KANDIDAT') AS metode_padan, count(*) AS baris,
               count(*) FILTER (WHERE status_padan <> 'TIDAK_PADAN') AS padan,
               round(count(*) FILTER (WHERE status_padan <> 'TIDAK_PADAN') / count(*), 4) AS tingkat_padan
        FROM hasil_usulan GROUP BY ALL""",
    "penolakan_per_alasan": """
        SELECT periode, kode_prov, kode, count(*) AS baris
        FROM (SELECT periode, kode_prov, unnest(alasan) AS kode FROM hasil_usulan WHERE hasil = 'DITOLAK')
        GROUP BY ALL""",
    "perubahan_bulanan": """
        SELECT program, status, periode, unit,
               unit - coalesce(lag(unit) OVER (PARTITION BY program, status ORDER BY periode), 0) AS perubahan
        FROM (SELECT program, status, periode, count(*) AS unit FROM penerima GROUP BY ALL)""",
}


def write_catalog(data_root: Path) -> dict:
    """(Re)write the catalog; returns the views created. Views store absolute paths: rerun after
    moving the data root."""
    root = io.Root(data_root.resolve())
    present = [t for t in TABLES if io.has_parquet(root.analytics / t)]
    if not present:
        raise FileNotFoundError(
            f"no pseudonymised zone in {root.analytics}: runs publish it only when PADAN_PSEUDONYM_KEY is set"
        )
    tmp = root.path / ".padan.duckdb.tmp"
    io.remove_file(tmp)
    # written in the 1.5 storage format, so that the duckdb command line of 1.x opens it as well as 2.x
    con = duckdb.connect()
    con.execute(f"ATTACH '{tmp.as_posix()}' AS catalog (STORAGE_VERSION 'v1.5.0')")
    con.execute("USE catalog")
    try:
        for t in present:
            glob = (root.analytics / t).as_posix() + "/periode=*/data.parquet"
            con.execute(f"CREATE OR REPLACE VIEW {t} AS SELECT * FROM read_parquet('{glob}', union_by_name = true)")
        views = list(present)
        for name, sql in HANDY_VIEWS.items():
            needs = {"penerima"} if "penerima" in sql else {"hasil_usulan"}
            if needs <= set(present):
                con.execute(f"CREATE OR REPLACE VIEW {name} AS {sql}")
                views.append(name)
        con.execute("CHECKPOINT catalog")
        con.execute("USE memory")
        con.execute("DETACH catalog")
    finally:
        con.close()
    io.replace_file(tmp, root.catalog)
    return {"catalog": str(root.catalog), "views": views}
