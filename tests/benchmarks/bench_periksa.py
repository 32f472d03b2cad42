"""``padan periksa`` against the monthly run on the same file (issue 16, acceptance 3).

    uv run python tests/benchmarks/bench_periksa.py SOURCE_ROOT FILE --prov 35 --periode 2026-12

A work root is made in a temporary folder: SOURCE_ROOT's ``reference/`` linked, its published state
(``.padan`` and the links to it) and ``feedback/`` copied, an empty inbox. Then, each as the command
an operator types (wall clock, Python's start and imports included): ``padan periksa FILE``; FILE
put into ``inbox/<periode>/<prov>/`` and ``padan run`` (the peer: what the province waits for
today); and the two receipt sheets compared cell by cell.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import fastexcel


def command(*args: str) -> float:
    t = time.perf_counter()
    subprocess.run(["padan", *args], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def sheet(path: Path):
    return fastexcel.read_excel(path).load_sheet(0, dtypes="string").to_polars()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("source", type=Path)
    ap.add_argument("file", type=Path)
    ap.add_argument("--prov", required=True)
    ap.add_argument("--periode", required=True)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-periksa-") as tmp:
        root = Path(tmp) / "root"
        root.mkdir()
        (root / "reference").symlink_to(a.source.resolve() / "reference", target_is_directory=True)
        for name in (".padan", "snapshots", "receipts", "disbursement", "reports", "analytics", "feedback"):
            src = a.source / name
            if src.is_symlink():
                (root / name).symlink_to(src.readlink())
            elif src.is_dir():
                shutil.copytree(src, root / name, symlinks=True, ignore=shutil.ignore_patterns("replaced", "work"))
        out = Path(tmp) / "periksa.xlsx"
        rows = sum(1 for _ in a.file.open("rb")) - 1
        check = command(
            "periksa",
            str(a.file),
            "--prov",
            a.prov,
            "--data-root",
            str(root),
            "--periode",
            a.periode,
            "--out",
            str(out),
        )
        inbox = root / "inbox" / a.periode / a.prov
        inbox.mkdir(parents=True)
        shutil.copy(a.file, inbox / a.file.name)
        run = command("run", "--data-root", str(root), "--periode", a.periode)
        same = sheet(out).equals(sheet(root / "receipts" / f"periode={a.periode}" / a.prov / "hasil_usulan.xlsx"))
        previous = sorted(p.name for p in (root / "snapshots").glob("periode=*"))
        print(f"file rows ~{rows:,}; register before: {previous[:-1] or 'none'}")
        print(f"padan periksa: {check:.1f} s   padan run (peer): {run:.1f} s   same receipt rows: {same}")
        if not same:
            sys.exit(1)


if __name__ == "__main__":
    main()
