"""Generated documentation: the predicate table and the CLI reference (from --help)."""

from __future__ import annotations

import re

from allegiance.facts.predicates import PREDICATES


def predicate_table() -> str:
    rows = ["| predicate | subject | object | value | roles | time | functional | meaning |",
            "|---|---|---|---|---|---|---|---|"]
    for p in PREDICATES.values():
        sep = " \\| "
        obj = sep.join(p.object) if p.object else "—"
        if p.value == "label":
            val = "one of: " + ", ".join(f"`{x}`" for x in p.labels)
        else:
            val = p.value or "—"
        roles = "any" if p.roles is None else (", ".join(f"`{r}`" for r in p.roles) or "—")
        time = "instant" if p.instant else "durative"
        if p.modes:
            time += ", by mode"
        rows.append(
            f"| `{p.name}` | {sep.join(p.subject)} | {obj} | {val} | {roles} | {time} | "
            f"{p.functional or '—'} | {p.description}{' (assessments only)' if p.assessment_only else ''} |"
        )
    return "\n".join(rows) + "\n"


def replace_block(text: str, name: str, body: str) -> str:
    start, end = f"<!-- BEGIN {name} (generated) -->", f"<!-- END {name} -->"
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.S)
    if not pattern.search(text):
        raise ValueError(f"marker block {name!r} not found")
    return pattern.sub(lambda _m: f"{start}\n{body}{end}", text)


def cli_reference() -> str:
    from typer.testing import CliRunner

    from allegiance.cli import app, command_names

    runner = CliRunner()
    parts = ["# CLI reference\n", "Generated from `--help` by `scripts/gen_docs.py`; do not edit by hand.\n"]
    for name in [None, *command_names()]:
        args = ([*name.split()] if name else []) + ["--help"]
        res = runner.invoke(app, args, env={"COLUMNS": "100", "TERM": "dumb", "NO_COLOR": "1"})
        title = f"allegiance {name}" if name else "allegiance"
        parts.append(f"## `{title}`\n\n```text\n{res.output.rstrip()}\n```\n")
    return "\n".join(parts)


def status_tables() -> str:
    """The criteria and the labels of the status layer, from the code (docs/status.md)."""
    from allegiance.status.criteria import CRITERIA
    from allegiance.status.labels import LABELS, formula_text

    rows = ["| criterion | what it tests | definition rests on | law or literature |", "|---|---|---|---|"]
    for c in CRITERIA.values():
        basis = ", ".join(f"`{b}`" for b in c.basis) or "—"
        rows.append(f"| `{c.id}` | {c.definition} | {basis} | {c.law or '—'} |")
    rows += ["", "| label | definition | formula (Kleene logic) | shown beside it |", "|---|---|---|---|"]
    for lb in LABELS.values():
        ctx = ", ".join(f"`{x}`" for x in lb.context) or "—"
        rows.append(f"| `{lb.id}` | {lb.definition} | `{formula_text(lb.formula)}` | {ctx} |")
    return "\n".join(rows) + "\n"
