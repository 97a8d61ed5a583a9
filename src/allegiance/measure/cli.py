"""The measure layer's commands: ``data import|versions|cite``, ``align``, ``cohesion``.

Registered on the main Typer app by :func:`register` (one call in
allegiance/cli.py). Like the rest of the CLI: a thin edge over the library
functions, ``--json`` prints their documented shape (docs/json.md), and
errors are one line on stderr with a non-zero exit code; a file that does
not import lists its bad rows on stdout as ``file:line: field: message``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from allegiance.errors import AllegianceError, DataImportError, KnowledgeBaseError

__all__ = ["register", "data_app"]

data_app = typer.Typer(
    name="data",
    help="Imported datasets (UN votes, ATOP, COW): import them, list their versions, cite them.",
    no_args_is_help=True,
    rich_markup_mode=None,
)

DATA = typer.Option(None, "--data", envvar="ALLEGIANCE_DATA", dir_okay=False,
                    help="The data store file (default: <user data dir>/allegiance/data.duckdb).")
JSON = typer.Option(False, "--json", help="Print the documented JSON shape instead of text.")


def _fail(message: str, code: int = 1) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def _emit(result: dict, as_json: bool, render) -> None:
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False, indent=2, default=str))
    else:
        typer.echo(render(result), nl=False)


def _open_data(path: Path | None, *, read_only: bool = True):
    from allegiance.measure.data.store import open_data

    try:
        return open_data(path, read_only=read_only)
    except AllegianceError as exc:
        _fail(str(exc))


def _open_kb(ctx: typer.Context):
    """The knowledge base, honouring the main command's --kb and --cache."""
    from allegiance.facts.store import open_store

    root = ctx.find_root().params
    try:
        return open_store(root.get("kb"), cache_dir=root.get("cache"))
    except KnowledgeBaseError as exc:
        _fail(f"{exc} (run: allegiance check)")


def _run(fn, *args, **kw):
    try:
        return fn(*args, **kw)
    except DataImportError as exc:
        for p in exc.problems:
            typer.echo(str(p))
        more = exc.total - len(exc.problems)
        if exc.problems and more > 0:
            typer.echo(f"... and {more} more")
        _fail(str(exc))
    except AllegianceError as exc:
        _fail(str(exc))


# ---------------------------------------------------------------- data


@data_app.command("import")
def data_import(
    kind: str = typer.Argument(..., help="unvotes_published, un_votes, un_roll_calls, un_roll_call_issues, "
                                         "atop_alliance or cow_states."),
    path: Path = typer.Argument(..., help="The publisher's file: .csv, .csv.gz, .rda or .RData.", dir_okay=False),
    version: Optional[str] = typer.Option(None, "--version", help="The dataset's version or release, to record."),
    force: bool = typer.Option(False, "--force", help="Re-import even if this exact file is already imported."),
    strict: bool = typer.Option(False, "--strict", help="Refuse the file if any row has even a warning."),
    data: Optional[Path] = DATA,
    as_json: bool = JSON,
) -> None:
    """Import a dataset file: every row checked, all or nothing; the same file twice changes nothing.

    Bad rows are listed as FILE:LINE: FIELD: MESSAGE and nothing is imported.

    Example: allegiance data import un_votes ../shared/data/unvotes/un_votes.csv.gz
    """
    from allegiance.measure.data.importer import import_dataset
    from allegiance.report.measure import render_import

    with _open_data(data, read_only=False) as store:
        _emit(_run(import_dataset, store, kind, path, version=version, force=force, strict=strict), as_json,
              render_import)


@data_app.command("versions")
def data_versions(data: Optional[Path] = DATA, as_json: bool = JSON) -> None:
    """List the imported datasets: version, file, SHA-256, rows, coverage, when imported.

    Example: allegiance data versions --json
    """
    from allegiance.measure.data.store import versions
    from allegiance.report.measure import render_versions

    with _open_data(data) as store:
        _emit(versions(store), as_json, render_versions)


@data_app.command("cite")
def data_cite(
    kind: Optional[str] = typer.Argument(None, metavar="[KIND]", help="A dataset kind; omit for every imported one."),
    data: Optional[Path] = DATA,
    as_json: bool = JSON,
) -> None:
    """How to cite a dataset kind, or every imported dataset.

    Example: allegiance data cite un_votes
    """
    from allegiance.measure.data.store import cite, default_data_path, open_data
    from allegiance.report.measure import render_cite

    path = data or default_data_path()
    if kind is not None and not path.exists():
        _emit(_run(cite, None, kind), as_json, render_cite)
        return
    with _run(open_data, path) as store:
        _emit(_run(cite, store, kind), as_json, render_cite)


# ---------------------------------------------------------------- measures


def align(
    ctx: typer.Context,
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
    from allegiance.measure.alignment import alignment
    from allegiance.report.measure import render_alignment

    targets = [t.strip() for t in with_.split(",") if t.strip()]
    if plot is not None and plot.suffix.lower() not in (".png", ".svg", ".html"):
        _fail(f"--plot {plot}: expected a .png, .svg or .html file", 2)
    with _open_data(data) as store, _open_kb(ctx) as kb:
        result = _run(alignment, store, kb, state, targets, start=start, end=end, measure=measure.lower(),
                      issue=issue, by=by.lower(), source=source)
    if plot is not None:
        from allegiance.report.charts import alignment_chart, save_chart

        _run(lambda: save_chart(alignment_chart(result), plot))
        if not as_json:
            typer.echo(f"wrote {plot}", err=True)
    _emit(result, as_json, render_alignment)


def cohesion(
    ctx: typer.Context,
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
    from allegiance.measure.alignment import cohesion as q
    from allegiance.report.measure import render_cohesion

    with _open_data(data) as store, _open_kb(ctx) as kb:
        _emit(_run(q, store, kb, bloc, start=start, end=end, issue=issue, by=by.lower(), source=source), as_json,
              render_cohesion)


def register(app: typer.Typer) -> None:
    """Add the measure layer's commands to the main app."""
    app.add_typer(data_app, name="data")
    app.command("align")(align)
    app.command("cohesion")(cohesion)
    app.command("ideal")(ideal)


def ideal(
    states: Optional[list[str]] = typer.Argument(None, help="States (ISO codes or names); omit for all."),
    start: Optional[int] = typer.Option(None, "--from", help="First session (1 = 1946)."),
    end: Optional[int] = typer.Option(None, "--to", help="Last session."),
    source: Optional[str] = typer.Option(None, "--source",
                                         help="unvotes or published (default: unvotes if imported)."),
    plot: Optional[Path] = typer.Option(None, "--plot", dir_okay=False,
                                        help="Also draw the paths with their bands: FILE.png, .svg or .html."),
    gpu: bool = typer.Option(False, "--gpu", help="Estimate on a CUDA GPU through PyTorch (installed separately)."),
    method: str = typer.Option("two-stage", "--method",
                               help="two-stage (each session, then the paths smoothed) or joint (one model)."),
    data: Optional[Path] = DATA,
    as_json: bool = JSON,
) -> None:
    """Dynamic ideal points of UN General Assembly voting, per session, with 95% bands.

    Estimated over the sessions asked for (all imported ones by default): each session's
    ideal points, then every state's path smoothed by a random walk (--method joint: one
    model of all sessions); see docs/ideal-points.md for the model and its validation.

    Example: allegiance ideal BLR RUS USA --from 40 --to 74 --plot ideal.svg
    """
    from allegiance.report.charts import ideal_with_plot as ideal_command
    from allegiance.report.measure import render_ideal_text
    from allegiance.measure.data.votes import ideal_vote_table

    with _open_data(data) as store:
        table = _run(ideal_vote_table, store, source=source, first=start, last=end)
    result = _run(ideal_command, states or None, first=start, last=end, votes=table, plot=plot,
                  device="cuda" if gpu else "cpu", method=method)
    _emit(result, as_json, render_ideal_text)
