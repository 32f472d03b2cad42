"""The layout the architecture promises (docs/architecture.md): transforms/ is what a monthly run
executes, pure functions that import neither the generator nor the flows."""

from __future__ import annotations

import ast
from pathlib import Path


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_transforms_import_neither_the_generator_nor_the_flows():
    found = {
        str(f): sorted(m for m in imported_modules(f) if m.split(".")[0] in ("synthetic", "flows", "prefect"))
        for f in sorted(Path("transforms").rglob("*.py"))
    }
    assert {f: m for f, m in found.items() if m} == {}


def test_the_generator_writes_no_file():
    """synthetic/ is pure: its frames are written by flows/generate.py through flows.io."""
    found = {
        str(f): sorted(m for m in imported_modules(f) if m.split(".")[0] in ("flows", "prefect", "os", "shutil"))
        for f in sorted(Path("synthetic").rglob("*.py"))
    }
    assert {f: m for f, m in found.items() if m} == {}
