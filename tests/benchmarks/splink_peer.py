"""Splink 5 (DuckDB backend) as a peer linker of the usulan rows against the Dukcapil extract.

Used by bench_peer.py; needs the ``bench`` dependency group (``make bench-peer``). Two halves:

- ``usulan_for_splink``: the inbox CSVs read and cleaned exactly as the pipeline reads them
  (``transforms.ingest.parse_usulan`` + ``cleaned_usulan``, the name keys of ``transforms.names``),
  in the columns the Splink model compares. Run in the parent: Padan's link stage also starts from
  rows its ingest stage has already cleaned.
- ``link``: the link stage, run in a child process (``python splink_peer.py USULAN DUKCAPIL OUT
  VARIANT THRESHOLD U_PAIRS EM_PAIRS SEED``)
  so its seconds and peak memory (VmHWM) are its own: the extract's comparison columns, a
  ``link_only`` model (blocking rules, comparisons), lambda from deterministic rules, u by random
  sampling, m by EM per training blocking rule, ``predict``, and per usulan row the best candidate.
  Writes one row per usulan row (``unique_id``, ``nik_padan``, ``match_probability``, ``candidates``)
  and prints its figures as JSON.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import polars as pl

from transforms import cleaning, ingest
from transforms.names import nama_key_expr, nama_key_y_expr

DIGITS16 = r"^[0-9]{16}$"
# the comparison columns, the same names on both sides (Splink's requirement)
COLUMNS = ["unique_id", "nik", "nik_prefix6", "no_kk", "nama", "nama_y", "nama_ibu", "tgl_lahir", "jk", "desa", "kec"]
# EM training blocks, each comparison left free in at least one. Not the family card: inside a card's
# block EM takes "same household" for the match class (m of an exact NIK came out 0.57, every ghost
# then matched a relative at 0.9997); a birth-date block is ~2 % matches, an exact-NIK block nearly all.
EM_BLOCKING_RULES = [("tgl_lahir",), ("nik",)]
# lambda from deterministic rules with an assumed recall, as Splink's docs recommend
DETERMINISTIC_RULES = [("nik", "tgl_lahir"), ("no_kk", "nama", "tgl_lahir")]
DETERMINISTIC_RECALL = 0.9
_SEX = {"LAKI-LAKI": "L", "LAKI LAKI": "L", "L": "L", "PEREMPUAN": "P", "P": "P"}


def _excel_prefix_expr(col: str) -> pl.Expr:
    """The first six significant digits Excel kept of a NIK in scientific notation (3.20101E+15 ->
    320101, the district part), or null: the NIK prefix the prefix + birth date block uses."""
    parts = pl.col(col).str.extract_groups(r"^([0-9])[.,]?([0-9]*)[eE]\+?([0-9]{1,2})$")
    digits = parts.struct.field("1") + parts.struct.field("2")
    return pl.when(digits.str.len_chars() >= 6).then(digits.str.slice(0, 6)).otherwise(None)


def _id16_expr(col: str) -> pl.Expr:
    return pl.when(pl.col(col).str.contains(DIGITS16)).then(pl.col(col)).otherwise(None)


def usulan_for_splink(root: Path, periode: str) -> pl.DataFrame:
    """Every data row of the period's inbox CSVs: the row keys (kode_prov, sumber_file, sumber_baris)
    and ``COLUMNS``. Files the pipeline would quarantine are skipped, as the pipeline skips them."""
    from flows import inbox, io  # file discovery exactly as the run does it (reads only)

    frames = []
    for entry in inbox.inbox_entries(io.Root(Path(root)), periode):
        if entry.action != inbox.READ:
            continue
        try:
            batch = ingest.parse_usulan((Path(root) / (entry.os_path or entry.path)).read_bytes())
        except ingest.FileQuarantined:
            continue
        frames.append(
            batch.frame.lazy()
            .with_columns(kode_prov=pl.lit(entry.kode_prov), sumber_file=pl.lit(entry.file))
            .pipe(cleaning.cleaned_usulan)
            .collect()
        )
    u = pl.concat(frames, how="diagonal_relaxed").sort("kode_prov", "sumber_file", "sumber_baris")
    return (
        u.with_row_index("unique_id")
        .select(
            "kode_prov",
            "sumber_file",
            pl.col("sumber_baris").cast(pl.Int64),
            pl.col("unique_id").cast(pl.Int64),
            nik=_id16_expr("nik_usulan"),
            nik_prefix6=pl.coalesce(_id16_expr("nik_usulan").str.slice(0, 6), _excel_prefix_expr("nik_usulan")),
            no_kk=_id16_expr("no_kk_usulan"),
            nama=nama_key_expr("nama_usulan"),
            nama_y=nama_key_y_expr(nama_key_expr("nama_usulan")),
            nama_ibu=nama_key_expr("nama_ibu_kandung"),
            tgl_lahir="tgl_lahir",
            jk="jk",
            desa=pl.when(pl.col("kode_wilayah_usulan").str.contains(r"^[0-9]{10}$")).then("kode_wilayah_usulan"),
            kec=pl.when(pl.col("kode_wilayah_usulan").str.contains(r"^[0-9]{10}$")).then(
                pl.col("kode_wilayah_usulan").str.slice(0, 6)
            ),
        )
        .with_columns(pl.col(c).replace("", None) for c in ("nama", "nama_y", "nama_ibu"))
    )


def dukcapil_for_splink(dukcapil_dir: Path) -> pl.DataFrame:
    """The extract in ``COLUMNS`` (unique_id offset past any usulan id: Splink keys on
    (source_dataset, unique_id), but distinct ids keep the output easy to read)."""
    dk = pl.scan_parquet(sorted(Path(dukcapil_dir).glob("*.parquet")))
    name = nama_key_expr("NAMA_LGKP")
    return (
        dk.with_row_index("unique_id")
        .select(
            pl.col("unique_id").cast(pl.Int64) + (1 << 40),
            nik="NIK",
            nik_prefix6=pl.col("NIK").str.slice(0, 6),
            no_kk="NO_KK",
            nama=name,
            nama_y=nama_key_y_expr(name),
            nama_ibu=nama_key_expr("NAMA_LGKP_IBU"),
            tgl_lahir="TGL_LHR",
            jk=pl.col("JENIS_KLMIN").str.strip_chars().str.to_uppercase().replace_strict(_SEX, default=None),
            desa=pl.concat_str("NO_PROP", "NO_KAB", "NO_KEC", "NO_KEL"),
            kec=pl.concat_str("NO_PROP", "NO_KAB", "NO_KEC"),
        )
        .with_columns(pl.col(c).replace("", None) for c in ("nama", "nama_y", "nama_ibu"))
        .collect()
    )


VARIANTS = ("independent", "household")


def settings(variant: str = "independent"):
    """The link_only model: four prediction blocking rules and its comparisons.

    ``independent``: seven comparisons, mother's name, village / district and No KK each its own, as
    Fellegi-Sunter assumes them independent given match status. ``household``: those three as one
    comparison, since a relative agrees on all three at once (the same evidence counted once)."""
    import splink.comparison_level_library as cll
    import splink.comparison_library as cl
    from splink import ColumnExpression, SettingsCreator, block_on

    def levels(name: str, null_col: str, *between) -> cl.CustomComparison:
        """A comparison: null on ``null_col``, then ``between`` (most agreeing first), then anything else."""
        return cl.CustomComparison(
            output_column_name=name, comparison_levels=[cll.NullLevel(null_col), *between, cll.ElseLevel()]
        )

    date_text = ColumnExpression("tgl_lahir").cast_to_string()
    swapped = (
        "day(tgl_lahir_l) = month(tgl_lahir_r) AND month(tgl_lahir_l) = day(tgl_lahir_r) "
        "AND year(tgl_lahir_l) = year(tgl_lahir_r)"
    )
    nik = levels(
        "nik",
        "nik",
        cll.ExactMatchLevel("nik"),
        cll.DamerauLevenshteinLevel("nik", 1).configure(label_for_charts="One edit (substitution or swap)"),
    )
    name = levels(
        "nama",
        "nama",
        cll.ExactMatchLevel("nama"),
        cll.ExactMatchLevel("nama_y").configure(label_for_charts="Exact match reading J as an old Y"),
        cll.JaroWinklerLevel("nama", 0.95),
        cll.JaroWinklerLevel("nama", 0.88),
        cll.JaroWinklerLevel("nama", 0.70),
    )
    birth = levels(
        "tgl_lahir",
        "tgl_lahir",
        cll.ExactMatchLevel("tgl_lahir"),
        cll.CustomLevel(swapped, label_for_charts="Day and month swapped"),
        cll.LevenshteinLevel(date_text, 1),
        cll.LevenshteinLevel(date_text, 2),
    )
    wilayah = levels("wilayah", "desa", cll.ExactMatchLevel("desa"), cll.ExactMatchLevel("kec"))
    if variant == "independent":
        family = [cl.JaroWinklerAtThresholds("nama_ibu", [0.92, 0.80]), wilayah, cl.ExactMatch("no_kk")]
    elif variant == "household":
        same = {c: cll.ExactMatchLevel(c) for c in ("no_kk", "nama_ibu", "desa", "kec")}
        family = [
            cl.CustomComparison(
                output_column_name="keluarga",
                comparison_levels=[
                    cll.And(same["no_kk"], same["nama_ibu"]).configure(label_for_charts="Same card and mother"),
                    same["no_kk"],
                    cll.And(same["nama_ibu"], same["desa"]).configure(label_for_charts="Same mother and village"),
                    same["desa"],
                    same["kec"],
                    cll.ElseLevel(),
                ],
            )
        ]
    else:
        raise ValueError(f"variant must be one of {VARIANTS}, got {variant!r}")
    return SettingsCreator(
        link_type="link_only",
        blocking_rules_to_generate_predictions=[
            block_on("nik"),
            block_on("nik_prefix6", "tgl_lahir"),
            block_on("no_kk"),
            block_on("desa", "tgl_lahir", "jk"),
        ],
        comparisons=[nik, name, birth, cl.ExactMatch("jk"), *family],
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
    )


def link(
    usulan_path: Path,
    dukcapil_dir: Path,
    out_path: Path,
    *,
    variant: str,
    threshold: float,
    u_max_pairs: float,
    em_max_pairs: float | None,
    seed: int,
) -> dict:
    """The Splink link stage; returns its figures (seconds per step, pairs, the trained lambda)."""
    import logging

    from splink import DuckDBAPI, Linker, block_on

    steps: dict[str, float] = {}
    t = time.perf_counter()
    u = pl.read_parquet(usulan_path).select(COLUMNS)
    dk = dukcapil_for_splink(dukcapil_dir)
    steps["prepare_extract"] = time.perf_counter() - t

    t = time.perf_counter()
    db = DuckDBAPI()
    db.duckdb_con.execute("SET preserve_insertion_order = false")
    left = db.register(u.to_arrow(), dataset_display_name="usulan")
    right = db.register(dk.to_arrow(), dataset_display_name="dukcapil")
    del u, dk
    linker = Linker([left, right], settings(variant), log_level=logging.WARNING)
    steps["register"] = time.perf_counter() - t

    t = time.perf_counter()
    linker.training.estimate_probability_two_random_records_match(
        [block_on(*rule) for rule in DETERMINISTIC_RULES], recall=DETERMINISTIC_RECALL
    )
    steps["train_lambda"] = time.perf_counter() - t
    t = time.perf_counter()
    linker.training.estimate_u_using_random_sampling(max_pairs=u_max_pairs, seed=seed)
    steps["train_u"] = time.perf_counter() - t
    t = time.perf_counter()
    for rule in EM_BLOCKING_RULES:
        linker.training.estimate_parameters_using_expectation_maximisation(block_on(*rule), max_pairs=em_max_pairs)
    steps["train_m_em"] = time.perf_counter() - t
    linker.misc.save_model_to_json(str(out_path.with_suffix(".model.json")), overwrite=True)

    t = time.perf_counter()
    pred = linker.inference.predict(threshold_match_probability=threshold, warning_mode="never")
    steps["predict"] = time.perf_counter() - t
    t = time.perf_counter()
    # per usulan row the best candidate; ties broken by the lower extract row (deterministic), and counted.
    # Splink orders each pair's sides by source dataset, so the usulan side is read from source_dataset_l.
    best = db.duckdb_con.sql(f"""
        WITH p AS (
            SELECT CASE WHEN source_dataset_l = 'usulan' THEN unique_id_l ELSE unique_id_r END AS uid,
                   CASE WHEN source_dataset_l = 'usulan' THEN unique_id_r ELSE unique_id_l END AS did,
                   match_probability
            FROM {pred.physical_name}),
        ranked AS (
            SELECT *, row_number() OVER (PARTITION BY uid ORDER BY match_probability DESC, did) AS rank,
                   count(*) OVER (PARTITION BY uid, match_probability) AS tied,
                   count(*) OVER (PARTITION BY uid) AS candidates
            FROM p)
        SELECT uid AS unique_id, d.nik AS nik_padan, match_probability, candidates, tied > 1 AS tied_at_best
        FROM ranked JOIN {right.physical_name} d ON d.unique_id = ranked.did
        WHERE rank = 1""").pl()
    pairs = db.duckdb_con.sql(f"SELECT count(*) FROM {pred.physical_name}").fetchall()[0][0]
    best.write_parquet(out_path)
    steps["best_candidate"] = time.perf_counter() - t
    return {
        "steps": steps,
        "pairs_above_threshold": pairs,
        "rows_with_candidate": best.height,
        "rows_tied_at_best": int(best["tied_at_best"].sum()),
        "probability_two_random_records_match": linker._settings_obj._probability_two_random_records_match,
    }


def peak_gb() -> float:
    """VmHWM of this process (not ru_maxrss: Linux carries it across exec from a large parent)."""
    return int(next(line for line in open("/proc/self/status") if line.startswith("VmHWM")).split()[1]) / 1024**2


if __name__ == "__main__":
    usulan_path, dukcapil_dir, out_path, variant, threshold, u_max_pairs, em_max_pairs, seed = sys.argv[1:9]
    t0 = time.perf_counter()
    figures = link(
        Path(usulan_path),
        Path(dukcapil_dir),
        Path(out_path),
        variant=variant,
        threshold=float(threshold),
        u_max_pairs=float(u_max_pairs),
        em_max_pairs=float(em_max_pairs) if em_max_pairs != "all" else None,
        seed=int(seed),
    )
    print(json.dumps({**figures, "seconds": time.perf_counter() - t0, "peak_gb": peak_gb()}))
