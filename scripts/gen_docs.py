"""Regenerate the generated parts of docs/: the predicate table, the CLI reference, the error table, the
posture panel's codebook.

Run: .venv/bin/python scripts/gen_docs.py   (tests/test_docs.py fails when docs are stale)
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from allegiance.docgen import (  # noqa: E402
    cli_reference,
    errors_reference,
    predicate_table,
    replace_block,
    status_tables,
)
from allegiance.panel.write import codebook  # noqa: E402


def main() -> None:
    schema = ROOT / "docs" / "kb-schema.md"
    schema.write_text(replace_block(schema.read_text(), "predicates", predicate_table()))
    (ROOT / "docs" / "cli.md").write_text(cli_reference())
    (ROOT / "docs" / "errors.md").write_text(errors_reference())
    st = ROOT / "docs" / "status.md"
    st.write_text(replace_block(st.read_text(), "status", status_tables()))
    (ROOT / "docs" / "panel-codebook.md").write_text(codebook())


if __name__ == "__main__":
    main()
