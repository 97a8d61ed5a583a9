"""The status layer's commands: ``status``, ``compare``, ``changes``, ``assess``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from allegiance.cli._common import (
    JSON,
    Commands,
    check_writable,
    day,
    emit,
    maybe,
    open_data_if_any,
    open_kb,
)
from allegiance.errors import UsageError, shorten

command = Commands()
register = command.register

DAY = typer.Option(..., "--as-of", help="The day to ask about (YYYY-MM-DD), from 1990 to the knowledge base's horizon.")


@command()
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

    on = day(as_of, "as_of")
    if (state is None) == (not all_states):
        raise UsageError("name a STATE, or give --all for every state")
    with open_kb() as store:
        if all_states:
            emit(status_all(store, as_of=on), as_json, render_status_all)
        else:
            emit(q(store, state, as_of=on), as_json, render_status)


@command()
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

    on = day(as_of, "as_of")
    if len({s.strip().casefold() for s in states}) < 2:
        raise UsageError(f"compare needs at least two different states, got {' '.join(shorten(s) for s in states)} "
                         "(e.g. BLR FIN AUT); for one state ask `allegiance status`",
                         value=" ".join(states), field="states", allowed="two or more different states")
    with open_kb() as store:
        emit(q(store, states, as_of=on), as_json, render_compare)


@command()
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

    lo, hi = day(start, "start"), day(end, "end")
    with open_kb() as store:
        emit(q(store, state, start=lo, end=hi), as_json, render_changes)


@command()
def assess(
    state: str = typer.Argument(..., help="A state (ISO alpha-3 or a name)."),
    as_of: str = DAY,
    since: Optional[str] = typer.Option(None, "--since", help="Also report what changed since this day."),
    fmt: str = typer.Option("md", "--format", help="md, html or json."),
    data: Optional[Path] = typer.Option(
        None, "--data", envvar="ALLEGIANCE_DATA", help="The measure data store with imported UN votes "
                                                       "(default: the usual one, if it exists).", dir_okay=False),
    ideal_points: bool = typer.Option(False, "--ideal-points", help="Also estimate the ideal-point path from the "
                                                                   "imported votes (takes tens of seconds)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the brief to this file.",
                                          dir_okay=False),
) -> None:
    """A written assessment of a state's posture on a day: a brief with footnoted sources.

    Example: allegiance assess BLR --as-of 2023-01-01 --since 2020-07-01 --format md
    """
    from allegiance.report.assess import assess as q, render_html, render_markdown

    if fmt not in ("md", "html", "json"):
        raise UsageError(f"{shorten(fmt)}: expected md, html or json", value=fmt, field="fmt", allowed="md, html, json")
    on, since_day = day(as_of, "as_of"), day(since, "since")
    if since_day is not None and since_day > on:
        raise UsageError(f"{since_day} is after --as-of {on}", value=since, field="since",
                         allowed=f"a day up to {on}")
    check_writable(output)
    with maybe(open_data_if_any(data)) as data_store, open_kb() as store:
        doc = q(store, state, as_of=on, since=since_day, data=data_store, ideal_points=ideal_points)
    text = (json.dumps(doc, ensure_ascii=False, indent=2) + "\n" if fmt == "json"
            else render_html(doc) if fmt == "html" else render_markdown(doc))
    if output is not None:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {output}", err=True)
    else:
        typer.echo(text, nl=False)
