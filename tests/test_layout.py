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


def test_every_module_imports_on_its_own():
    """No import cycle hides behind the order the suite happens to import things in: each module
    of the run is imported first, in a fresh interpreter."""
    import subprocess
    import sys

    modules = sorted(
        ".".join(f.with_suffix("").parts).removesuffix(".__init__")
        for top in ("schemas", "rules", "transforms", "flows")
        for f in Path(top).rglob("*.py")
    )
    script = (
        "import importlib, sys\n"
        "failed = []\n"
        f"for m in {modules!r}:\n"
        "    for k in [k for k in sys.modules if k.split('.')[0] in ('schemas', 'rules', 'transforms', 'flows')]:\n"
        "        del sys.modules[k]\n"
        "    try:\n"
        "        importlib.import_module(m)\n"
        "    except Exception as exc:\n"
        "        failed.append(f'{m}: {type(exc).__name__}: {exc}')\n"
        "print('\\n'.join(failed))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == ""


def test_every_deployment_names_a_flow_and_only_its_parameters():
    """prefect.yaml is read by ``prefect deploy`` on the server, not by any test run: an entrypoint
    that moved, or a parameter the flow no longer takes, would first fail there."""
    import importlib
    import inspect

    import yaml
    from prefect import Flow

    spec = yaml.safe_load((Path(__file__).parents[1] / "prefect.yaml").read_text(encoding="utf-8"))
    names = [d["name"] for d in spec["deployments"]]
    assert {"monthly", "periksa"} <= set(names)
    for d in spec["deployments"]:
        module, attr = d["entrypoint"].split(":")
        found = getattr(importlib.import_module(module.removesuffix(".py").replace("/", ".")), attr)
        assert isinstance(found, Flow), d["name"]
        assert set(d.get("parameters", {})) <= set(inspect.signature(found.fn).parameters), d["name"]
