"""The sources layer's public API, and that it depends on nothing else in the package."""

from __future__ import annotations

import ast
from pathlib import Path

import allegiance.sources as sources

PACKAGE = Path(sources.__file__).parent


def test_public_api_is_pinned():
    assert sorted(sources.__all__) == [
        "Anchor", "Cleaned", "Extracted", "Footnote", "ImportResult", "Reference", "Selector", "TextView", "anchor",
        "anchor_quotes", "clean", "describe", "find_exact", "import_document", "normalise", "parse_date_text",
        "parse_footnote", "process", "read_document", "read_html", "read_pdf", "read_text", "to_csl",
        "to_source_record"]
    for name in sources.__all__:
        assert getattr(sources, name) is not None


def test_only_errors_and_edtf_dates_are_imported_from_the_package():
    allowed = {"allegiance.errors", "allegiance.facts.time"}
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module] if isinstance(node, ast.ImportFrom) and node.module else (
                [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            for name in names:
                if name.startswith("allegiance.") and not name.startswith("allegiance.sources"):
                    assert name in allowed, f"{path.name} imports {name}"
