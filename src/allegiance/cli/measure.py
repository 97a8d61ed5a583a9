"""The measure layer's commands: ``data import|versions|cite``, ``align``, ``cohesion``, ``ideal``.

A file that does not import lists its bad rows on stdout as
``file:line: field: message`` (the one error mapping, in ``_common``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Optional

import typer

from allegiance.cli._common import DATA, JSON, Commands, check_writable, emit, open_data, open_kb, split_list
from allegiance.errors import UsageError, shorten

command = Commands()
data_command = Commands()

data_app = typer.Typer(
    name="data",
    help="Imported datasets (UN votes, ATOP, COW): import them, list their versions, cite them.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


def register(app: typer.Typer) -> None:
    """Add the measure layer's commands and the ``data`` group to the main app."""
    data_command.register(data_app)
    app.add_typer(data_app, name="data")
    command.register(app)


def _render(name: str) -> Callable[[dict], str]:
    """The measure layer's text renderers (report.measure), imported in this one place."""
    from allegiance.report import measure as text

    return getattr(text, f"render_{name}")


def _check_plot(plot: Optional[Path]) -> None:
    if plot is None:
        return
    from allegiance.report.charts import FORMATS

    if plot.suffix.lower() not in FORMATS:
        raise UsageError(f"{shorten(str(plot))}: expected a .png, .svg or .html file", value=str(plot), field="plot",
                         allowed=", ".join(FORMATS))
    check_writable(plot)


# ---------------------------------------------------------------- data


@data_command("import")
def data_import(
    kind: str = typer.Argument(..., help="unvotes_published, un_votes, un_roll_calls, un_roll_call_issues, "
                                         "atop_alliance or cow_states."),
    path: Path = typer.Argument(..., help="The publisher's file: .csv, .csv.gz, .rda or .RData.", dir_okay=False),
    version: Optional[str] = typer.Option(None, "--version", help="The dataset's version or release, to record."),
    force: bool = typer.Option(False, "--force", help="Re-import even if this exact file is already imported."),
    strict: bool = typer.Option(False, "--strict", help="Refuse the file if any row has even a warning."),
    replace: bool = typer.Option(False, "--replace",
                                 help="Import it even if it has fewer rows than the dataset already imported."),
    data: Optional[Path] = DATA,
    as_json: bool = JSON,
) -> None:
    """Import a dataset file: every row checked, all or nothing; the same file twice changes nothing.

    Bad rows are listed as FILE:LINE: FIELD: MESSAGE and nothing is imported. A file smaller than the
    dataset already imported (a partial download) is refused unless --replace is given.

    Example: allegiance data import un_votes ../shared/data/unvotes/un_votes.csv.gz
    """
    from allegiance.measure.data.importer import import_dataset

    with open_data(data, read_only=False) as store:
        emit(import_dataset(store, kind, path, version=version, force=force, strict=strict, replace=replace), as_json,
             _render("import"))


@data_command("versions")
def data_versions(data: Optional[Path] = DATA, as_json: bool = JSON) -> None:
    """List the imported datasets: version, file, SHA-256, rows, coverage, when imported.

    Example: allegiance data versions --json
    """
    from allegiance.measure.data.store import versions

    with open_data(data) as store:
        emit(versions(store), as_json, _render("versions"))


@data_command("cite")
def data_cite(
    kind: Optional[str] = typer.Argument(None, metavar="[KIND]", help="A dataset kind, or posture (the posture panel); omit for every imported one."),
    data: Optional[Path] = DATA,
    as_json: bool = JSON,
) -> None:
    """How to cite a dataset kind, or every imported dataset; "posture" cites the posture panel
    (the knowledge base's version and checksum).

    Example: allegiance data cite un_votes
    """
    from allegiance.measure.data.store import cite, default_data_path

    if kind is not None and kind.strip().lower() == "posture":
        from allegiance.panel.write import cite_posture

        with open_kb() as store:
            emit(cite_posture(store), as_json, _render("cite"))
        return
    path = data or default_data_path()
    if kind is not None and not path.exists():
        emit(cite(None, kind), as_json, _render("cite"))
        return
    with open_data(path) as store:
        emit(cite(store, kind), as_json, _render("cite"))


# ---------------------------------------------------------------- measures


@command()
def align(
    state: str = typer.Argument(..., help="ISO 3166-1 code (BLR, BY) or name (Belarus)."),
    with_: str = typer.Option(..., "--with", help="Comma-separated states and blocs: RUS,USA,nato,eu,csto,nam."),
    start: Optional[int] = typer.Option(None, "--from", help="First year (of the roll calls' dates)."),
    end: Optional[int] = typer.Option(None, "--to", help="Last year."),
    issue: Optional[str] = typer.Option(None, "--issue", help="Only roll calls on one issue area: me, nu, di, hr, co, ec."),
    measure: str = typer.Option("agree", "--measure", help="agree, kappa, pi or s."),
    by: str = typer.Option("session", "--by", help="session or year."),
    source: Optional[str] = typer.Option(None, "--source",
                                         help="unvotes or published (default: unvotes if imported)."),
    plot: Optional[Path] = typer.Option(None, "--plot", dir_okay=False,
                                        help="Also draw the series with their intervals: FILE.png, .svg or .html."),
    data: Optional[Path] = DATA,
    as_json: bool = JSON,
) -> None:
    """How closely a state voted with other states and blocs in the UN General Assembly, over time.

    A bloc's vote is the plurality vote of its members (as the knowledge base
    records them on each roll call's date), the state itself left out.

    Example: allegiance align BLR --with RUS,USA,csto --from 1992 --to 2019 --measure kappa
    """
    from allegiance.measure.series import alignment

    targets = split_list(with_, "with_")
    _check_plot(plot)
    with open_data(data) as store, open_kb() as kb:
        result = alignment(store, kb, state, targets, start=start, end=end, measure=measure.lower(), issue=issue,
                           by=by.lower(), source=source)
    if plot is not None:
        from allegiance.report.charts import alignment_chart, save_chart

        save_chart(alignment_chart(result), plot)
        if not as_json:
            typer.echo(f"wrote {plot}", err=True)
    emit(result, as_json, _render("alignment"))


@command()
def cohesion(
    bloc: str = typer.Argument(..., help="An organisation in the knowledge base: nato, eu, csto, nam, ..."),
    start: Optional[int] = typer.Option(None, "--from", help="First year (of the roll calls' dates)."),
    end: Optional[int] = typer.Option(None, "--to", help="Last year."),
    issue: Optional[str] = typer.Option(None, "--issue", help="Only roll calls on one issue area: me, nu, di, hr, co, ec."),
    by: str = typer.Option("session", "--by", help="session or year."),
    source: Optional[str] = typer.Option(None, "--source", help="unvotes or published."),
    data: Optional[Path] = DATA,
    as_json: bool = JSON,
) -> None:
    """How cohesively a bloc's members voted in the UN General Assembly (Hix-Noury-Roland Agreement Index).

    Members are those the knowledge base records on each roll call's date.

    Example: allegiance cohesion csto --from 2002 --to 2019
    """
    from allegiance.measure.series import cohesion as q

    with open_data(data) as store, open_kb() as kb:
        emit(q(store, kb, bloc, start=start, end=end, issue=issue, by=by.lower(), source=source), as_json,
             _render("cohesion"))


@command()
def ideal(
    states: Optional[list[str]] = typer.Argument(None, help="States (ISO codes or names); omit for all."),
    first: Optional[int] = typer.Option(None, "--from", help="First session (1 = 1946)."),
    last: Optional[int] = typer.Option(None, "--to", help="Last session."),
    source: Optional[str] = typer.Option(None, "--source",
                                         help="unvotes or published (default: unvotes if imported)."),
    plot: Optional[Path] = typer.Option(None, "--plot", dir_okay=False,
                                        help="Also draw the paths with their bands: FILE.png, .svg or .html."),
    gpu: bool = typer.Option(False, "--gpu", help="Estimate on a CUDA GPU through PyTorch (installed separately)."),
    method: str = typer.Option("two-stage", "--method",
                               help="two-stage (each session, then the paths smoothed) or joint (one model)."),
    link: str = typer.Option("none", "--link",
                             help="two-stage: put the sessions on one scale: none, states or bridges "
                                  "(states and repeated resolutions; unvotes only)."),
    bootstrap: Optional[int] = typer.Option(None, "--bootstrap", metavar="N",
                                            help="Bands from N parametric-bootstrap refits (two-stage)."),
    workers: Optional[int] = typer.Option(None, "--workers", metavar="N",
                                          help="Run the bootstrap refits in N local processes."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", metavar="tcp://HOST:PORT",
                                            help="Run the bootstrap refits on a Dask cluster "
                                                 "(pip install 'allegiance[cluster]')."),
    data: Optional[Path] = DATA,
    as_json: bool = JSON,
) -> None:
    """Dynamic ideal points of UN General Assembly voting, per session, with 95% bands.

    Estimated over the sessions asked for (all imported ones by default): each session's
    ideal points, then every state's path smoothed by a random walk (--method joint: one
    model of all sessions); see docs/ideal-points.md for the model and its validation.
    --bootstrap N draws the bands from N refits, each with its own seed; --workers N or
    --scheduler spread them over processes or a Dask cluster with the same result.

    Example: allegiance ideal BLR RUS USA --from 40 --to 74 --plot ideal.svg

    Example: allegiance ideal USA --bootstrap 200 --workers 2 --link states
    """
    from allegiance.measure.data.votes import ideal_vote_table
    from allegiance.measure.ideal.executor import get_executor
    from allegiance.report.charts import ideal_with_plot

    _check_plot(plot)
    if bootstrap is None and (workers is not None or scheduler is not None):
        raise UsageError("it spreads bootstrap refits over workers: add --bootstrap N",
                         value=scheduler if scheduler is not None else workers,
                         field="--scheduler" if scheduler is not None else "--workers", allowed="with --bootstrap N")
    executor = get_executor(workers=workers, scheduler=scheduler) if bootstrap is not None else None
    options = {"device": "cuda" if gpu else "cpu", "method": method, "link": link}
    if bootstrap is not None:
        options.update(uncertainty="bootstrap", n_boot=bootstrap, executor=executor)
    with open_data(data) as store:
        table = ideal_vote_table(store, source=source, first=first, last=last, bridge=link == "bridges")
    codes = _voting_states(states, table) if states else None  # before the estimate, not after it
    try:
        result = ideal_with_plot(codes, first=first, last=last, votes=table, plot=plot, **options)
    finally:
        if executor is not None:
            executor.close()
    emit(result, as_json, _render("ideal_text"))


def _voting_states(states: list[str], table: dict) -> list[str]:
    """The vote codes of the states named (alpha-3, alpha-2 or a name, as every command takes them), checked
    against the votes before anything is estimated."""
    from allegiance.errors import UnknownStateError
    from allegiance.facts.query import state_code

    voting = {str(s) for s in set(table["state"].tolist())}
    out = []
    with open_kb() as kb:
        for s in states:
            code = s.strip().upper() if s.strip().upper() in voting else state_code(kb, s)[0]
            if code not in voting:
                raise UnknownStateError(f"{shorten(s)} ({code}) cast no vote in the sessions asked for", value=s,
                                        field="states", allowed="a state that voted in these sessions")
            out.append(code)
    return out
