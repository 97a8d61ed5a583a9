"""The posture panel's command: ``panel``."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from allegiance.cli._common import DATA, JSON, Commands, check_writable, day, emit, maybe, open_data_if_any, open_kb
from allegiance.cli._common import split_list
from allegiance.errors import UsageError

command = Commands()
register = command.register


@command()
def panel(
    unit: str = typer.Option("state-year", "--unit", help="state-year, state-day or spell."),
    start: Optional[str] = typer.Option(None, "--from", help="The first day (YYYY-MM-DD; default 1946-01-01)."),
    end: Optional[str] = typer.Option(None, "--to",
                                      help="The last day (YYYY-MM-DD; default the knowledge base's horizon)."),
    format: Optional[str] = typer.Option(None, "--format",  # noqa: A002 - the flag's name, for error messages
                                      help="csv, parquet, dta (Stata) or rds (R); default from -o's suffix, else csv."),
    output: Optional[Path] = typer.Option(None, "-o", "--output", dir_okay=False,
                                          help="The file to write, with its codebook beside it (FILE.codebook.md); "
                                               "without it, CSV on stdout."),
    system: Optional[str] = typer.Option(None, "--system",
                                         help="cow (the imported COW state list) or kb (the knowledge base's states); "
                                              "default cow where imported."),
    states: Optional[str] = typer.Option(None, "--states", help="Only these states (ISO alpha-3, comma-separated)."),
    data: Optional[Path] = DATA,
    as_json: bool = JSON,
) -> None:
    """The posture panel: every state, every day, each label and criterion, with provenance.

    One row per state and year (values as of the year's last day), per state and day, or per spell
    (a stretch over which nothing changes); the state's ISO alpha-3 and COW codes; each label (holds,
    does not hold, unknown) and criterion (met, not-met, unknown); ATOP's defence obligations beside
    them where ATOP is imported; the statement ids every answer rests on. The codebook is written
    beside the file. Cite it with: allegiance data cite posture

    Example: allegiance panel --unit state-year --from 1990-01-01 --to 2024-12-31 --format dta -o posture.dta
    """
    from allegiance.panel import PANEL_START, build_panel
    from allegiance.panel.write import FORMATS, write_panel
    from allegiance.report.panel import render_panel

    first = day(start, "start") or PANEL_START
    last = day(end, "end")
    fmt = format.lower() if format is not None else None
    if fmt is not None and fmt not in FORMATS:
        raise UsageError(f"unknown panel format {format!r}: expected one of {', '.join(FORMATS)}", value=format,
                         field="format", allowed=", ".join(FORMATS))
    if output is None and fmt not in (None, "csv"):
        raise UsageError(f"a {fmt} panel is a binary file: name it with -o FILE", value=format, field="format",
                         allowed="csv on stdout, or any format with -o FILE")
    if output is None and as_json:
        raise UsageError("--json describes the file written: name it with -o FILE (without it the panel is CSV on "
                         "stdout)", value="--json", field="output", allowed="-o FILE with --json")
    if output is not None and fmt is None:
        suffix = output.suffix.lstrip(".").lower()
        if suffix not in FORMATS:
            raise UsageError(f"cannot tell the format from {output.name!r}: give --format, or a file ending .csv, "
                             ".parquet, .dta or .rds", value=str(output), field="format", allowed=", ".join(FORMATS))
        fmt = suffix
    check_writable(output)
    only = split_list(states, "states")
    with open_kb() as store, maybe(open_data_if_any(data)) as store_data:
        built = build_panel(store, store_data, unit=unit, start=first, end=last, system=system, states=only)
    if output is None:
        typer.echo(built.frame.to_csv(index=False, date_format="%Y-%m-%d"), nl=False)
        return
    emit(write_panel(built, output, fmt=fmt), as_json, render_panel)
