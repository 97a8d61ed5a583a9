"""The record checked against the rules: ``record``."""

from __future__ import annotations

from typing import Optional

import typer

from allegiance.cli._common import JSON, Commands, bound, emit, open_kb, open_rules

command = Commands()
register = command.register


@command()
def record(
    arrangement: str = typer.Argument(..., help="An arrangement id (see `allegiance arrangements`)."),
    start: Optional[str] = typer.Option(None, "--from", help="Only events on or after this date (EDTF)."),
    end: Optional[str] = typer.Option(None, "--to", help="Only events on or before this date (EDTF)."),
    as_json: bool = JSON,
) -> None:
    """The recorded events that are instances of the arrangement's actions, each checked against the provisions
    in force on its date: conforms, unknown (a needed consent not recorded) or a departure, with its proof.

    Example: allegiance record union-state --from 2022 --to 2022
    """
    from allegiance.report.record import render_record
    from allegiance.rules.record import record as q

    lo, hi = bound(start, "start"), bound(end, "end", end=True)
    with open_kb() as store:
        emit(q(open_rules(store), arrangement, start=lo, end=hi), as_json, render_record)
