"""The command-line tool: ``allegiance``.

A thin edge over the library: each command parses its arguments, calls one
library function and prints its result as text or, with ``--json``, as the
documented JSON shape (docs/json.md). Errors become one line on stderr and
a non-zero exit code; the knowledge base's own problems are listed one per
line as ``file:line: field: message``.
"""

from __future__ import annotations

import json
import os
import sys
from datetime import date
from pathlib import Path
from typing import Any, Optional

import typer

from allegiance.errors import AllegianceError, KnowledgeBaseError

app = typer.Typer(
    name="allegiance",
    help="Alliances and neutrality, executable, sourced and time-aware.\n\n"
         "Every answer carries its sources; dates are explicit (nothing means 'today').",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain Click help: stable text for docs/cli.md and any terminal
    context_settings={"help_option_names": ["-h", "--help"]},
)

_state: dict[str, Any] = {}


@app.callback()
def _main(
    kb: Optional[Path] = typer.Option(
        None, "--kb", envvar="ALLEGIANCE_KB", help="Knowledge-base directory (default: the shipped one).",
        file_okay=False),
    cache: Optional[Path] = typer.Option(
        None, "--cache", envvar="ALLEGIANCE_CACHE", help="Where the compiled database is kept.", file_okay=False),
) -> None:
    _state["kb"] = kb
    _state["cache"] = cache


def command_names() -> list[str]:
    """Every command, sub-commands as "group command", for the generated CLI reference and its test."""
    names = [c.name or c.callback.__name__ for c in app.registered_commands]
    for g in app.registered_groups:
        names += [f"{g.name} {c.name or c.callback.__name__}" for c in g.typer_instance.registered_commands]
    return sorted(names)


def _fail(message: str, code: int = 1) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _kb_problems(exc: KnowledgeBaseError) -> None:
    base = _state.get("kb")
    for p in exc.problems:
        typer.echo(f"{_where(base, p.file)}:{p.line}: {p.field}: {p.message}")
    typer.echo(f"{len(exc.problems)} problem(s) in the knowledge base", err=True)
    raise typer.Exit(1)


def _where(base: Path | None, file: str) -> str:
    from allegiance.facts.load import default_kb_dir

    path = (base or default_kb_dir()) / file
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _store():
    from allegiance.facts.store import open_store

    try:
        return open_store(_state.get("kb"), cache_dir=_state.get("cache"))
    except KnowledgeBaseError as exc:
        _kb_problems(exc)


def _date(text: str | None, option: str, *, day: bool = False, end: bool = False) -> date | None:
    from allegiance.facts.time import parse_date, parse_day

    if text is None:
        return None
    try:
        if day:
            return parse_day(text)
        d = parse_date(text)
        return d.upper if end else d.lower
    except AllegianceError as exc:
        _fail(f"{option}: {exc}", 2)


def _emit(data: dict, as_json: bool, render) -> None:
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        typer.echo(render(data), nl=False)


def _run(fn, *args, **kw):
    try:
        return fn(*args, **kw)
    except KnowledgeBaseError as exc:
        _kb_problems(exc)
    except AllegianceError as exc:
        _fail(str(exc))


JSON = typer.Option(False, "--json", help="Print the documented JSON shape instead of text.")


@app.command()
def check(
    seeds: Optional[Path] = typer.Option(
        None, "--seeds", envvar="ALLEGIANCE_SEEDS", file_okay=False,
        help="Also check that every passage quoted from a seed document occurs in it."),
) -> None:
    """Validate the knowledge base and its arrangements: exit 0 when clean, 1 with every problem listed.

    Each problem is printed as FILE:LINE: FIELD: MESSAGE.

    Example: allegiance check --seeds ../shared/seeds
    """
    from allegiance.facts.load import check_seed_quotes, load_kb

    try:
        kb = load_kb(_state.get("kb"))
    except KnowledgeBaseError as exc:
        _kb_problems(exc)
        return
    if seeds is not None:
        if not seeds.is_dir():
            _fail(f"--seeds: {seeds} is not a directory", 2)
        problems = check_seed_quotes(kb, seeds)
        if problems:
            _kb_problems(KnowledgeBaseError(problems))
    from allegiance.rules import open_rules

    with _store() as store:
        try:
            book = open_rules(store).book
        except KnowledgeBaseError as exc:
            _kb_problems(exc)
            return
    if seeds is not None:
        from allegiance.rules.load import check_arrangement_seed_quotes

        problems = check_arrangement_seed_quotes(book, kb, seeds)
        if problems:
            _kb_problems(KnowledgeBaseError(problems))
    checked = " and seed passages" if seeds is not None else ""
    typer.echo(f"ok: {len(kb.sources)} sources, {len(kb.entities)} entities, "
               f"{len(kb.statements)} statements in {len(kb.topics)} files{checked}; "
               f"{len(book.arrangements)} arrangements")


@app.command()
def timeline(
    state: str = typer.Argument(..., help="ISO 3166-1 code (BLR, BY) or name (Belarus)."),
    start: Optional[str] = typer.Option(None, "--from", help="Earliest date (EDTF: 1998, 2015-09, 2020-07-01)."),
    end: Optional[str] = typer.Option(None, "--to", help="Latest date (EDTF)."),
    as_json: bool = JSON,
) -> None:
    """Everything the knowledge base records about a state, in date order, with sources.

    Example: allegiance timeline BLR --from 2014 --to 2020
    """
    from allegiance.facts.query import timeline as q
    from allegiance.report.text import render_timeline

    lo = _date(start, "--from")
    hi = _date(end, "--to", end=True)
    if lo and hi and hi < lo:
        _fail(f"--to {end} is before --from {start}", 2)
    with _store() as store:
        _emit(_run(q, store, state, start=lo, end=hi), as_json, render_timeline)


@app.command()
def facts(
    state: str = typer.Argument(..., help="ISO 3166-1 code (BLR, BY) or name (Belarus)."),
    as_of: str = typer.Option(..., "--as-of", help="The day to ask about (YYYY-MM-DD)."),
    known_by: Optional[str] = typer.Option(
        None, "--known-by", help="Use only sources published by this day (YYYY-MM-DD)."),
    as_json: bool = JSON,
) -> None:
    """What held about a state on a given day, with sources.

    Example: allegiance facts BLR --as-of 2020-07-01
    """
    from allegiance.facts.query import facts_as_of
    from allegiance.report.text import render_facts

    day = _date(as_of, "--as-of", day=True)
    known = _date(known_by, "--known-by", day=True)
    with _store() as store:
        _emit(_run(facts_as_of, store, state, as_of=day, known_by=known), as_json, render_facts)


@app.command()
def sources(
    source_id: Optional[str] = typer.Argument(None, metavar="[ID]", help="A source id; omit to list them all."),
    as_json: bool = JSON,
) -> None:
    """List the sources, or show one source with its footnotes and the statements citing it.

    Example: allegiance sources sivitsky-2020-n21
    """
    from allegiance.facts.query import get_source, list_sources
    from allegiance.report.text import render_source, render_sources

    with _store() as store:
        if source_id is None:
            _emit(_run(list_sources, store), as_json, render_sources)
        else:
            _emit(_run(get_source, store, source_id), as_json, render_source)


@app.command()
def conflicts(as_json: bool = JSON) -> None:
    """Statements that disagree with each other; both sides are kept and shown.

    Example: allegiance conflicts --json
    """
    from allegiance.facts.query import conflicts as q
    from allegiance.report.text import render_conflicts

    with _store() as store:
        _emit(_run(q, store), as_json, render_conflicts)



# ---------------------------------------------------------------------- rules

def _rules(store):
    from allegiance.rules import open_rules

    return _run(open_rules, store)


def _list(text: str | None) -> list[str] | None:
    if text is None:
        return None
    return [x.strip() for x in text.split(",") if x.strip()]


MODE = typer.Option(None, "--mode", help="Readiness mode: peacetime, threatened-period or wartime.")
AS_OF = typer.Option(None, "--as-of", help="The day to ask about (YYYY-MM-DD); default: the date the "
                                           "arrangement is described as of (reported in the answer).")
IN = typer.Option(..., "--in", help="The arrangement (see `allegiance arrangements`).")


@app.command()
def arrangements(as_json: bool = JSON) -> None:
    """List the arrangements the rules engine knows: designs, alliances, regimes.

    Example: allegiance arrangements
    """
    from allegiance.report.rules import render_arrangements
    from allegiance.rules import list_arrangements

    with _store() as store:
        _emit(list_arrangements(_rules(store)), as_json, render_arrangements)


@app.command()
def can(
    action: str = typer.Argument(..., help="An action id of the arrangement."),
    arrangement: str = IN,
    mode: Optional[str] = MODE,
    as_of: Optional[str] = AS_OF,
    consent: Optional[str] = typer.Option(
        None, "--consent", help="Comma-separated offices (BLR.president) or states (BLR) that consent; "
                                "omit to ask whether it is possible at all, and on whose consent."),
    abstain: Optional[str] = typer.Option(None, "--abstain", help="Comma-separated players who abstain."),
    as_json: bool = JSON,
) -> None:
    """Can an action happen, on whose consent: the answer with its proof and sources.

    Without --mode the answer covers every mode, including the consents needed to reach it.

    Example: allegiance can bring-russian-forces-into-blr --in union-state --mode threatened-period
    """
    from allegiance.report.rules import render_can
    from allegiance.rules import can as q

    day = _date(as_of, "--as-of", day=True)
    with _store() as store:
        _emit(_run(q, _rules(store), action, arrangement=arrangement, mode=mode, as_of=day,
                   consent=_list(consent), abstain=_list(abstain) or []), as_json, render_can)


@app.command("who-commands")
def who_commands(
    force: str = typer.Argument(..., help="A force id of the arrangement (rgf, urads)."),
    arrangement: str = IN,
    mode: str = typer.Option(..., "--mode", help="Readiness mode: peacetime, threatened-period or wartime."),
    as_of: Optional[str] = AS_OF,
    as_json: bool = JSON,
) -> None:
    """The command chain of a force in a mode, from the force up to the body it answers to.

    Example: allegiance who-commands urads --in union-state --mode threatened-period
    """
    from allegiance.report.rules import render_who_commands
    from allegiance.rules import who_commands as q

    day = _date(as_of, "--as-of", day=True)
    with _store() as store:
        _emit(_run(q, _rules(store), force, arrangement=arrangement, mode=mode, as_of=day), as_json,
              render_who_commands)


@app.command()
def vetoes(
    arrangement: str = typer.Argument(..., help="An arrangement id."),
    action: Optional[str] = typer.Argument(None, help="One action; omit for all of them and the bodies."),
    mode: Optional[str] = MODE,
    as_of: Optional[str] = AS_OF,
    as_json: bool = JSON,
) -> None:
    """Veto states and offices, who can act alone, minimal winning coalitions.

    Example: allegiance vetoes union-state bring-russian-forces-into-blr
    """
    from allegiance.report.rules import render_vetoes
    from allegiance.rules import vetoes as q

    day = _date(as_of, "--as-of", day=True)
    with _store() as store:
        _emit(_run(q, _rules(store), arrangement, action, as_of=day, mode=mode), as_json, render_vetoes)


@app.command()
def power(
    body: str = typer.Argument(..., help="A body id (supreme-state-council, eu-council)."),
    arrangement: Optional[str] = typer.Option(None, "--in", help="The arrangement, if several have this body."),
    as_of: Optional[str] = AS_OF,
    as_json: bool = JSON,
) -> None:
    """Exact Banzhaf and Shapley-Shubik indices of a decision body's members.

    Example: allegiance power eu-council
    """
    from allegiance.report.rules import render_power
    from allegiance.rules import body_power as q

    day = _date(as_of, "--as-of", day=True)
    with _store() as store:
        _emit(_run(q, _rules(store), body, arrangement=arrangement, as_of=day), as_json, render_power)


@app.command()
def diff(
    a: str = typer.Argument(..., help="The first arrangement."),
    b: str = typer.Argument(..., help="The arrangement to compare it with."),
    state: Optional[str] = typer.Option(None, "--state", help="Show the changes for this state only."),
    as_of_a: Optional[str] = typer.Option(None, "--as-of-a", help="Date for A (default: its described date)."),
    as_of_b: Optional[str] = typer.Option(None, "--as-of-b", help="Date for B (default: its described date)."),
    as_json: bool = JSON,
) -> None:
    """Two designs compared point by point: vetoes per action and mode, command per force and mode.

    Example: allegiance diff union-state sidorov-armenia-model --state BLR
    """
    from allegiance.report.rules import render_diff
    from allegiance.rules import diff as q

    da = _date(as_of_a, "--as-of-a", day=True)
    db = _date(as_of_b, "--as-of-b", day=True)
    with _store() as store:
        _emit(_run(q, _rules(store), a, b, as_of_a=da, as_of_b=db, state=state), as_json, render_diff)


@app.command()
def verify(
    arrangement: str = typer.Argument(..., help="An arrangement id."),
    prop: Optional[str] = typer.Argument(None, metavar="[PROPERTY]",
                                         help="A property of the arrangement; or describe one with --check."),
    check: Optional[str] = typer.Option(
        None, "--check", help="veto, cannot-act-alone, can-act-alone, impossible or possible."),
    state: Optional[str] = typer.Option(None, "--state", help="The state the check is about."),
    actions: Optional[str] = typer.Option(None, "--actions", help="Comma-separated action ids."),
    effects: Optional[str] = typer.Option(None, "--effects", help="Comma-separated effects (foreign-forces-enter)."),
    territory: Optional[str] = typer.Option(None, "--territory", help="Only actions on this state's territory."),
    as_json: bool = JSON,
) -> None:
    """Check a property in every mode and at every date a provision changes; a counterexample if it fails.

    Example: allegiance verify union-state no-foreign-forces-without-blr-consent
    """
    from allegiance.report.rules import render_verify
    from allegiance.rules import verify as q

    if prop is None and check is None:
        _fail("name a PROPERTY of the arrangement, or describe one with --check and --state", 2)
    with _store() as store:
        _emit(_run(q, _rules(store), arrangement, prop, check=check, state=state, actions=_list(actions) or [],
                   effects=_list(effects) or [], territory=territory), as_json, render_verify)
# ---------------------------------------------------------------------- status

DAY = typer.Option(..., "--as-of", help="The day to ask about (YYYY-MM-DD), from 1990 to the knowledge base's horizon.")


@app.command()
def status(
    state: Optional[str] = typer.Argument(None, help="A state (ISO alpha-3 such as BLR, or a name)."),
    as_of: str = DAY,
    all_states: bool = typer.Option(False, "--all", help="Every state in the knowledge base, one row each."),
    as_json: bool = JSON,
) -> None:
    """The posture of a state on a day: each label, with its criteria, evidence and sources.

    Attributed assessments are listed beside the derived labels, never mixed in.

    Example: allegiance status BLR --as-of 2020-07-01
    """
    from allegiance.report.status import render_status, render_status_all
    from allegiance.status.engine import status as q, status_all

    day = _date(as_of, "--as-of", day=True)
    if (state is None) == (not all_states):
        _fail("name a STATE, or give --all for every state", 2)
    with _store() as store:
        if all_states:
            _emit(_run(status_all, store, as_of=day), as_json, render_status_all)
        else:
            _emit(_run(q, store, state, as_of=day), as_json, render_status)


@app.command()
def compare(
    states: list[str] = typer.Argument(..., help="Two or more states (BLR FIN AUT)."),
    as_of: str = DAY,
    as_json: bool = JSON,
) -> None:
    """Several states side by side on a day: one row per label.

    Example: allegiance compare BLR FIN SWE AUT IRL CHE --as-of 2022-03-01
    """
    from allegiance.report.status import render_compare
    from allegiance.status.engine import compare as q

    day = _date(as_of, "--as-of", day=True)
    with _store() as store:
        _emit(_run(q, store, states, as_of=day), as_json, render_compare)


@app.command()
def changes(
    state: str = typer.Argument(..., help="A state (ISO alpha-3 or a name)."),
    start: str = typer.Option(..., "--from", help="The first day (YYYY-MM-DD)."),
    end: str = typer.Option(..., "--to", help="The last day (YYYY-MM-DD)."),
    as_json: bool = JSON,
) -> None:
    """When each label of a state changed between two days, and which criteria changed with it.

    Example: allegiance changes FIN --from 2020-01-01 --to 2024-12-31
    """
    from allegiance.report.status import render_changes
    from allegiance.status.engine import changes as q

    lo, hi = _date(start, "--from", day=True), _date(end, "--to", day=True)
    with _store() as store:
        _emit(_run(q, store, state, start=lo, end=hi), as_json, render_changes)


@app.command()
def assess(
    state: str = typer.Argument(..., help="A state (ISO alpha-3 or a name)."),
    as_of: str = DAY,
    since: Optional[str] = typer.Option(None, "--since", help="Also report what changed since this day."),
    fmt: str = typer.Option("md", "--format", help="md, html or json."),
    data: Optional[Path] = typer.Option(
        None, "--data", envvar="ALLEGIANCE_DATA", help="The measure data store with imported UN votes "
                                                       "(default: the usual one, if it exists).", dir_okay=False),
    ideal: bool = typer.Option(False, "--ideal-points", help="Also estimate the ideal-point path from the "
                                                            "imported votes (takes tens of seconds)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the brief to this file.",
                                          dir_okay=False),
) -> None:
    """A written assessment of a state's posture on a day: a brief with footnoted sources.

    Example: allegiance assess BLR --as-of 2023-01-01 --since 2020-07-01 --format md
    """
    from allegiance.report.assess import assess as q, render_html, render_markdown

    if fmt not in ("md", "html", "json"):
        _fail(f"--format {fmt!r}: expected md, html or json", 2)
    day = _date(as_of, "--as-of", day=True)
    since_day = _date(since, "--since", day=True)
    if since_day is not None and since_day > day:
        _fail(f"--since {since_day} is after --as-of {day}", 2)
    data_store = _measure_data(data)
    try:
        with _store() as store:
            doc = _run(q, store, state, as_of=day, since=since_day, data=data_store, ideal_points=ideal)
    finally:
        if data_store is not None:
            data_store.close()
    text = (json.dumps(doc, ensure_ascii=False, indent=2) + "\n" if fmt == "json"
            else render_html(doc) if fmt == "html" else render_markdown(doc))
    if output is not None:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {output}", err=True)
    else:
        typer.echo(text, nl=False)


def _measure_data(path: Path | None):
    """The measure data store if one exists (read-only), else None: the brief then says no votes are imported."""
    from allegiance.measure.data.store import default_data_path, open_data

    p = path or default_data_path()
    if not Path(p).exists():
        if path is not None:
            _fail(f"--data {path}: no such data store (import votes with `allegiance data import`)", 2)
        return None
    return _run(open_data, p)


from allegiance.measure.cli import register as _register_measure  # noqa: E402 -- issue 4: data, align, cohesion

_register_measure(app)


def main() -> None:
    """Entry point of the ``allegiance`` script."""
    try:
        app()
    except BrokenPipeError:  # e.g. `allegiance timeline BLR | head`
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)


if __name__ == "__main__":
    main()
