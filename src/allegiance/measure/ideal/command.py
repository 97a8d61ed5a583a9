"""The body of ``allegiance ideal``: ideal points of chosen states over sessions, as JSON, text or a chart.

The command itself is wired into ``allegiance.cli`` by the merger; this
module holds what it calls, so that the library, the CLI and the web app
return the same shape::

    allegiance ideal BLR RUS USA --from 40 --to 74 --json
    allegiance ideal BLR RUS --plot blr-rus.svg

:func:`ideal_command` takes the parsed arguments and the votes (or an
estimate already made) and returns the JSON dict (docs/ideal-points.md
documents it); :func:`render_ideal_text` renders it for the terminal;
:func:`plot_ideal_points` draws the chart (Altair; PNG, SVG or HTML by the
file's extension).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from allegiance.errors import VoteInputError
from allegiance.measure.ideal.estimate import IdealPoints, estimate_ideal_points

__all__ = ["ideal_command", "plot_ideal_points", "render_ideal_text", "PLOT_FORMATS"]

#: File extensions the chart can be written as.
PLOT_FORMATS = (".png", ".svg", ".html")


def ideal_command(
    states: list[str] | None = None,
    *,
    first: int | None = None,
    last: int | None = None,
    votes: Any = None,
    result: IdealPoints | None = None,
    plot: Path | str | None = None,
    **options: Any,
) -> dict:
    """Ideal points of ``states`` (all when none) in sessions ``first``..``last``, with their bands.

    Give either ``votes`` (any table :func:`votes_from_table` reads; the
    estimate is made over all its sessions, so that the random walk links
    them, and only the requested ones are reported) or a ready ``result``.
    ``options`` go to :func:`estimate_ideal_points`. Returns::

        {"model": {...how it was estimated...}, "states": [...], "from": 40, "to": 74,
         "count": N, "rows": [{"state", "session", "ideal_point", "lo", "hi", "sd", "n_votes"}, ...],
         "plot": "path/written.svg" | None}
    """
    if (votes is None) == (result is None):
        raise VoteInputError("ideal: give either votes to estimate from or an estimate (result=...), not both")
    if first is not None and last is not None and first > last:
        raise VoteInputError(f"ideal: --from {first} is after --to {last}")
    if plot is not None:
        _check_plot_path(plot)
    if result is None:
        result = estimate_ideal_points(votes, **options)
    chosen = [result.resolve_state(s) for s in states] if states else None
    rows = result.rows(chosen, first=first, last=last)
    if not rows:
        raise VoteInputError(
            f"ideal: no ideal points for {', '.join(chosen) if chosen else 'any state'} "
            f"in sessions {first if first is not None else 'first'}-{last if last is not None else 'last'}; "
            f"the estimate covers sessions {result.sessions[0]}-{result.sessions[-1]}"
        )
    out = {
        "model": {k: v for k, v in result.summary().items() if k != "log_posterior_trace"},
        "states": chosen if chosen else sorted({r["state"] for r in rows}),
        "from": first,
        "to": last,
        "count": len(rows),
        "rows": rows,
        "plot": None,
    }
    if plot is not None:
        out["plot"] = str(plot_ideal_points(rows, plot, level=result.info.get("level", 0.95)))
    return out


def render_ideal_text(data: dict) -> str:
    """The command's dict as a plain table: one line per state-session."""
    level = data["model"].get("level", 0.95)
    lines = [
        f"Ideal points ({data['model'].get('walk', '')}, {data['model'].get('uncertainty', '')}; "
        f"{round(level * 100)}% bands); {data['count']} state-sessions",
        f"{'state':<6} {'session':>7} {'ideal':>8} {'lo':>8} {'hi':>8} {'votes':>6}",
    ]
    for r in data["rows"]:
        lines.append(
            f"{r['state']:<6} {r['session']:>7} {r['ideal_point']:>8.3f} {r['lo']:>8.3f} {r['hi']:>8.3f} {r['n_votes']:>6}"
        )
    if data.get("plot"):
        lines.append(f"chart written to {data['plot']}")
    return "\n".join(lines)


def _check_plot_path(path: Path | str) -> Path:
    p = Path(path)
    if p.suffix.lower() not in PLOT_FORMATS:
        raise VoteInputError(
            f"--plot {str(path)!r}: unknown chart format {p.suffix or '(none)'!r}; "
            f"name a file ending in {', '.join(PLOT_FORMATS)}"
        )
    return p


def plot_ideal_points(rows: list[dict], path: Path | str, *, level: float = 0.95,
                      title: str | None = None) -> Path:
    """Draw each state's ideal point over sessions, with its band, to ``path`` (.png, .svg or .html).

    Altair builds the chart; PNG and SVG are rendered by vl-convert, with
    no browser. Returns the path written.
    """
    import altair as alt

    p = _check_plot_path(path)
    if not rows:
        raise VoteInputError("plot: no rows to draw")
    data = alt.Data(values=[dict(r) for r in rows])
    base = alt.Chart(data).encode(
        x=alt.X("session:Q", title="UN General Assembly session", scale=alt.Scale(zero=False)),
        color=alt.Color("state:N", title="state"),
    )
    band = base.mark_area(opacity=0.2).encode(
        y=alt.Y("lo:Q", title=f"ideal point ({round(level * 100)}% band)"),
        y2="hi:Q",
    )
    line = base.mark_line(point=True).encode(
        y="ideal_point:Q",
        tooltip=["state:N", "session:Q", "ideal_point:Q", "lo:Q", "hi:Q", "n_votes:Q"],
    )
    chart = (band + line).properties(
        width=640, height=320,
        title=title or "Ideal points from UN General Assembly votes",
    )
    p.parent.mkdir(parents=True, exist_ok=True)
    chart.save(str(p))
    return p
