"""The measure layer needs only ``allegiance.facts`` and ``allegiance.errors`` (DESIGN): no Typer, no report, no CLI.

Its renderers and charts live in ``allegiance.report`` (which may import measure, not the other way
round) and its commands in the CLI. Two checks: each submodule imported on its own in a fresh
interpreter, and every import statement in its source, those inside functions included.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

import allegiance

PACKAGE = Path(allegiance.__file__).resolve().parent
MEASURE = PACKAGE / "measure"

#: What the layer may import from the package.
ALLOWED = ("allegiance.measure", "allegiance.facts", "allegiance.errors")


def _name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = sorted(map(_name, MEASURE.rglob("*.py")))

# allegiance/__init__.py imports the whole public API (the report layer included), so the child stands
# a bare package in for it: what is in sys.modules afterwards is what the measure module itself imports.
_CHILD = """
import importlib, json, sys, types
pkg = types.ModuleType("allegiance")
pkg.__path__ = [{package!r}]
sys.modules["allegiance"] = pkg
importlib.import_module({module!r})
print(json.dumps(sorted(sys.modules)))
"""


def _allowed(name: str) -> bool:
    return name == "allegiance" or any(name == a or name.startswith(a + ".") for a in ALLOWED)


def test_every_submodule_is_checked():
    assert {"allegiance.measure", "allegiance.measure.data.codes", "allegiance.measure.ideal.command",
            "allegiance.measure.ideal.validate", "allegiance.measure.series"} <= set(MODULES)


@pytest.mark.parametrize("module", MODULES)
def test_importing_a_measure_module_loads_no_typer_report_or_cli(module):
    out = subprocess.run([sys.executable, "-c", _CHILD.format(package=str(PACKAGE), module=module)],
                         capture_output=True, text=True, check=True)
    loaded = json.loads(out.stdout)
    assert [m for m in loaded if m == "typer" or m.startswith(("typer.", "allegiance.report", "allegiance.cli"))] == []
    assert [m for m in loaded if m.startswith("allegiance") and not _allowed(m)] == []


def _imports(path: Path):
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "allegiance":  # from allegiance import report
                yield from ((node.lineno, f"allegiance.{alias.name}") for alias in node.names)
            else:
                yield node.lineno, node.module


def test_no_measure_source_imports_outside_facts_and_errors_even_inside_a_function():
    bad = [f"{path.relative_to(PACKAGE.parent)}:{line}: {name}"
           for path in sorted(MEASURE.rglob("*.py"))
           for line, name in _imports(path)
           if name == "typer" or name.startswith("typer.") or (name.startswith("allegiance") and not _allowed(name))]
    assert bad == []


def test_no_exported_name_is_also_a_submodule():
    """A lazily exported name that is also a submodule's name resolves to the module once anything has imported
    that submodule (Python sets the package attribute), so ``from allegiance.measure import alignment`` would
    give the function or the module by import order. Each exported name is checked in a fresh interpreter
    after importing every submodule of the layer first."""
    import allegiance.measure as m

    subs = {p.stem for p in MEASURE.iterdir() if (p.suffix == ".py" and p.stem != "__init__")
            or (p / "__init__.py").is_file()}
    assert not subs & set(m.__all__), sorted(subs & set(m.__all__))
    code = ("import importlib, pkgutil, types, allegiance.measure as m\n"
            "for info in pkgutil.walk_packages(m.__path__, 'allegiance.measure.'):\n"
            "    importlib.import_module(info.name)\n"
            "print(sorted(n for n in m.__all__ if isinstance(getattr(m, n), types.ModuleType)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
