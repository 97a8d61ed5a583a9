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
    # a group that answers by itself (``allegiance sources`` lists the sources) has its own section
    answering = [g.name for g in app.registered_groups if g.typer_instance.registered_callback is not None]
    for name in [None, *sorted([*command_names(), *answering])]:
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


#: One example per error class of errors.EDGE_TABLE: (command, the line it prints on stderr). A command is run
#: by tests/cli/test_errors.py (on the shipped knowledge base, no data store) to check the line; None: not run.
ERROR_EXAMPLES: dict[str, tuple[str | None, str]] = {
    "AllegianceError": (None, "error: <message> (the base class: every error below is one)"),
    "UsageError": ("allegiance compare BLR --as-of 2020-07-01",
                   "error: STATES: compare needs at least two different states, got 'BLR' (e.g. BLR FIN AUT); "
                   "for one state ask `allegiance status`"),
    "DateError": ("allegiance facts BLR --as-of 2020-13-45",
                  "error: --as-of: '2020-13-45' is not a valid date: month 13 does not exist"),
    "UnknownStateError": ("allegiance timeline Narnia",
                          "error: unknown state 'Narnia': expected an ISO 3166-1 code (BLR, BY) or a name (Belarus)"),
    "UnknownIdError": ("allegiance who-commands navy --in union-state --mode wartime",
                       "error: FORCE: unknown force 'navy' in union-state; its forces: rgf, urads"),
    "RulesError": ("allegiance can activate-joint-forces --in union-state --mode siege",
                   "error: --mode: mode 'siege' is not declared by union-state (it declares peacetime, "
                   "threatened-period, wartime)"),
    "StatusError": ("allegiance status BLR --as-of 1940-01-01",
                    "error: --as-of: 1940-01-01 is before the coverage of status questions, which starts on "
                    "1946-01-01; ask about a day from then on"),
    "PowerError": (None, "error: 3 players but 2 weights"),
    "LimitError": (None, "error: limit: more than 1,000 minimal winning coalitions: ask about fewer actions or a "
                         "smaller body"),
    "VoteInputError": (None, "error: votes: state 'AAA' has 2 votes on roll call 10; expected one row per state "
                             "per roll call"),
    "KnowledgeBaseError": (None, "kb/core.yaml:12: statements[0].object: unknown entity 'blocc'; did you mean "
                                 "'bloc'?  (one line per problem, on stdout), then: error: 1 problem(s) in the "
                                 "knowledge base"),
    "DataError": (None, "error: no roll calls in session 80 of the unvotes votes"),
    "DataImportError": (None, "published.csv:7: vote: expected a vote code ... (one line per bad row, on stdout), "
                              "then: error: published.csv: 1 bad row(s) ..."),
    "DataMissingError": (None, "error: no datasets imported yet (no data store at ...); import one with: allegiance "
                               "data import un_votes PATH/un_votes.csv.gz (see: allegiance data import --help)"),
}


def _code(text: str) -> str:
    """``text`` as a Markdown code span in a table cell (doubled backticks when it holds one)."""
    text = text.replace("|", "\\|")
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def errors_reference() -> str:
    """docs/errors.md: every error class, its exit code and HTTP status (errors.EDGE_TABLE), an example each."""
    from allegiance.errors import EDGE_TABLE

    rows = ["| error | what it means | exit code | HTTP status | example |", "|---|---|---|---|---|"]
    for cls, (code, http) in EDGE_TABLE.items():
        command, line = ERROR_EXAMPLES[cls.__name__]
        meaning = " ".join((cls.__doc__ or "").strip().split("\n\n")[0].split())
        example = (f"{_code(command)} → " if command else "") + _code(line)
        rows.append(f"| `{cls.__name__}` | {meaning} | {code} | {http} | {example} |")
    return "\n".join([
        "# Errors and exit codes",
        "",
        "Generated from `allegiance.errors.EDGE_TABLE` by `scripts/gen_docs.py`; do not edit by hand.",
        "",
        "Every error the library raises on purpose is an `AllegianceError`. The command-line tool prints it as",
        "ONE line on stderr, `error: <message>`, prefixed with the flag or argument that held the bad value when",
        "the error names one (`--as-of`, `--consent`, `STATE`), and exits with the code below: 2 when the question",
        "was asked wrongly (fix the arguments), 1 for everything else. A knowledge base that does not validate,",
        "and a dataset file that does not import, list their problems on stdout first, one per line, as",
        "`file:line: field: message`. Click's own usage errors (an unknown option, a missing argument) also exit 2;",
        "a file that cannot be written (`-o` or `--plot` into a missing directory) is one line naming it, exit 1.",
        "The web app answers with the HTTP status below and the error as data (`error`, `message`, `field`,",
        "`value`, `allowed`).",
        "",
        "The most specific class wins: a `DataMissingError` is a `DataError`, and exits 1 with status 404.",
        "",
        *rows,
        "",
    ])
