"""The generated parts of docs/ must match the code (regenerate: python scripts/gen_docs.py)."""

from pathlib import Path

from allegiance.docgen import (
    cli_reference,
    predicate_table,
    replace_block,
    status_tables,
)

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_predicate_table_is_current():
    text = (DOCS / "kb-schema.md").read_text()
    assert replace_block(text, "predicates", predicate_table()) == text, "run: python scripts/gen_docs.py"


def test_cli_reference_is_current():
    assert (DOCS / "cli.md").read_text() == cli_reference(), "run: python scripts/gen_docs.py"


def test_every_command_is_in_the_reference():
    from allegiance.cli import command_names

    text = (DOCS / "cli.md").read_text()
    for name in command_names():
        assert f"## `allegiance {name}`" in text


def test_status_tables_are_current():
    text = (DOCS / "status.md").read_text()
    assert replace_block(text, "status", status_tables()) == text, "run: python scripts/gen_docs.py"
