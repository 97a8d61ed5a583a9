"""The panel sits above the status and measure layers: it imports neither the CLI, the report layer nor typer."""

from __future__ import annotations

import ast
from pathlib import Path

import allegiance

PANEL = Path(allegiance.__file__).resolve().parent / "panel"


def _imports(path: Path) -> set[str]:
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
    return out


def test_the_panel_imports_no_cli_report_or_typer():
    files = sorted(PANEL.glob("*.py"))
    assert {p.stem for p in files} >= {"__init__", "atop", "build", "system", "verbs", "write"}
    for path in files:
        bad = [m for m in _imports(path) if m == "typer" or m.startswith(("typer.", "allegiance.cli",
                                                                            "allegiance.report", "allegiance.web"))]
        assert bad == [], f"{path.name} imports {bad}"


def test_the_status_layer_does_not_import_the_panel_or_the_data_store():
    status = PANEL.parent / "status"
    for path in sorted(status.glob("*.py")):
        bad = [m for m in _imports(path) if m.startswith(("allegiance.panel", "allegiance.measure"))]
        assert bad == [], f"{path.name} imports {bad}"
