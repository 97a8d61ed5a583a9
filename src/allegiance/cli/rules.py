"""The rules engine's commands: ``arrangements``, ``can``, ``who-commands``, ``vetoes``, ``power``, ``diff``,
``verify``."""

from __future__ import annotations

from typing import Optional

import typer

from allegiance.cli._common import JSON, Commands, day, emit, open_kb, open_rules, split_list
from allegiance.errors import UsageError

command = Commands()
register = command.register

MODE = typer.Option(None, "--mode", help="Readiness mode: peacetime, threatened-period or wartime.")
AS_OF = typer.Option(None, "--as-of", help="The day to ask about (YYYY-MM-DD); default: the date the "
                                           "arrangement is described as of (reported in the answer).")
IN = typer.Option(..., "--in", help="The arrangement (see `allegiance arrangements`).")


@command()
def arrangements(as_json: bool = JSON) -> None:
    """List the arrangements the rules engine knows: designs, alliances, regimes.

    Example: allegiance arrangements
    """
    from allegiance.report.rules import render_arrangements
    from allegiance.rules import list_arrangements

    with open_kb() as store:
        emit(list_arrangements(open_rules(store)), as_json, render_arrangements)


@command()
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

    on = day(as_of, "as_of")
    yes, no = split_list(consent, "consent"), split_list(abstain, "abstain") or []
    with open_kb() as store:
        emit(q(open_rules(store), action, arrangement=arrangement, mode=mode, as_of=on, consent=yes, abstain=no),
             as_json, render_can)


@command("who-commands")
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

    on = day(as_of, "as_of")
    with open_kb() as store:
        emit(q(open_rules(store), force, arrangement=arrangement, mode=mode, as_of=on), as_json, render_who_commands)


@command()
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

    on = day(as_of, "as_of")
    with open_kb() as store:
        emit(q(open_rules(store), arrangement, action, as_of=on, mode=mode), as_json, render_vetoes)


@command()
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

    on = day(as_of, "as_of")
    with open_kb() as store:
        emit(q(open_rules(store), body, arrangement=arrangement, as_of=on), as_json, render_power)


@command()
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

    da, db = day(as_of_a, "as_of_a"), day(as_of_b, "as_of_b")
    with open_kb() as store:
        emit(q(open_rules(store), a, b, as_of_a=da, as_of_b=db, state=state), as_json, render_diff)


@command()
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
        raise UsageError("name a PROPERTY of the arrangement, or describe one with --check and --state")
    acts, effs = split_list(actions, "actions") or [], split_list(effects, "effects") or []
    with open_kb() as store:
        emit(q(open_rules(store), arrangement, prop, check=check, state=state, actions=acts, effects=effs,
               territory=territory), as_json, render_verify)
