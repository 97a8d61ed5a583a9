"""The knowledge base's commands: ``check``, ``timeline``, ``facts``, ``sources``, ``conflicts``."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from allegiance.cli._common import JSON, Commands, bound, day, emit, globals_, open_kb, open_rules
from allegiance.errors import KnowledgeBaseError, UsageError

command = Commands()
register = command.register


@command()
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

    if seeds is not None and not seeds.is_dir():
        raise UsageError(f"{seeds} is not a directory", value=str(seeds), field="seeds", allowed="a directory")
    kb = load_kb(globals_().kb)
    if seeds is not None:
        problems = check_seed_quotes(kb, seeds)
        if problems:
            raise KnowledgeBaseError(problems)
    with open_kb() as store:
        book = open_rules(store).book
    if seeds is not None:
        from allegiance.rules.load import check_arrangement_seed_quotes

        problems = check_arrangement_seed_quotes(book, kb, seeds)
        if problems:
            raise KnowledgeBaseError(problems)
    checked = " and seed passages" if seeds is not None else ""
    typer.echo(f"ok: {len(kb.sources)} sources, {len(kb.entities)} entities, "
               f"{len(kb.statements)} statements in {len(kb.topics)} files{checked}; "
               f"{len(book.arrangements)} arrangements")


@command()
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

    lo = bound(start, "start")
    hi = bound(end, "end", end=True)
    if lo and hi and hi < lo:
        raise UsageError(f"{end} is before --from {start}", value=end, field="end", allowed=f"a date from {start} on")
    with open_kb() as store:
        emit(q(store, state, start=lo, end=hi), as_json, render_timeline)


@command()
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

    on, known = day(as_of, "as_of"), day(known_by, "known_by")
    with open_kb() as store:
        emit(facts_as_of(store, state, as_of=on, known_by=known), as_json, render_facts)


@command()
def sources(
    source_id: Optional[str] = typer.Argument(None, metavar="[ID]", help="A source id; omit to list them all."),
    as_json: bool = JSON,
) -> None:
    """List the sources, or show one source with its footnotes and the statements citing it.

    Example: allegiance sources sivitsky-2020-n21
    """
    from allegiance.facts.query import get_source, list_sources
    from allegiance.report.text import render_source, render_sources

    with open_kb() as store:
        if source_id is None:
            emit(list_sources(store), as_json, render_sources)
        else:
            emit(get_source(store, source_id), as_json, render_source)


@command()
def conflicts(as_json: bool = JSON) -> None:
    """Statements that disagree with each other; both sides are kept and shown.

    Example: allegiance conflicts --json
    """
    from allegiance.facts.query import conflicts as q
    from allegiance.report.text import render_conflicts

    with open_kb() as store:
        emit(q(store), as_json, render_conflicts)
