"""Charts of the measure layer's results: alignment over time, ideal points by session.

Altair builds them; PNG and SVG are rendered by vl-convert (no browser),
HTML is self-contained. The file's extension chooses the format.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from allegiance.errors import DataError, UsageError, VoteInputError, shorten

__all__ = ["alignment_chart", "ideal_chart", "save_chart", "plot_ideal_points", "ideal_with_plot", "FORMATS"]

#: File extensions a chart can be written as.
FORMATS = (".png", ".svg", ".html")


def alignment_chart(result: dict[str, Any]):
    """An Altair chart of an ``alignment`` result: one line per target, its interval as a band."""
    import altair as alt

    rows = []
    for s in result["series"]:
        label = f"{s['with'].upper()} (bloc)" if s["type"] == "bloc" else f"{s['name']} ({s['with']})"
        for p in s["points"]:
            if p["value"] is None:
                continue
            rows.append({"period": p["period"], "value": p["value"], "low": p["low"], "high": p["high"],
                         "with": label, "n": p["n"]})
    if not rows:
        raise DataError("nothing to plot: no joint votes in the window")
    axis = "Session" if result["by"] == "session" else "Year"
    measure = result["measure_name"]
    iv = result["interval"]
    band_note = (f"{int(iv['level'] * 100)}% Wilson interval" if iv["method"] == "wilson"
                 else f"{int(iv['level'] * 100)}% bootstrap interval over roll calls")
    title = f"{result['name']} ({result['state']}): {measure}"
    if result.get("issue"):
        title += f", issue {result['issue']}"
    base = alt.Chart(alt.Data(values=rows)).encode(
        x=alt.X("period:Q", title=axis, axis=alt.Axis(format="d")),
        color=alt.Color("with:N", title="with"),
    )
    band = base.mark_area(opacity=0.2).encode(y="low:Q", y2="high:Q")
    line = base.mark_line(point=True).encode(
        y=alt.Y("value:Q", title=measure),
        tooltip=["with:N", "period:Q", "value:Q", "low:Q", "high:Q", "n:Q"],
    )
    return (band + line).properties(
        width=640, height=320,
        title={"text": title, "subtitle": f"band: {band_note}; source: {result['source']['name']}"},
    )


class _ScriptSafeJSON(json.JSONEncoder):
    """JSON that can stand inside an HTML ``<script>`` element: ``<``, ``>`` and ``&`` written as ``\\u`` escapes.

    The chart's data (state and bloc names from the knowledge base, dataset values) is embedded in the HTML
    file as a JavaScript literal; a name containing ``</script>`` would otherwise end the element and what
    follows would run. The escapes decode to the same characters in JavaScript, so the chart is unchanged.
    """

    def encode(self, o: Any) -> str:
        return super().encode(o).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _save(chart, path: Path, ext: str) -> None:
    """Write ``chart`` to ``path`` as PNG, SVG or HTML (self-contained, its data script-safe)."""
    if ext == ".html":
        chart.save(str(path), format="html", inline=True, json_kwds={"cls": _ScriptSafeJSON})
    else:
        chart.save(str(path), format=ext[1:], scale_factor=2 if ext == ".png" else 1)


def save_chart(chart, path: Path | str) -> Path:
    """Write ``chart`` as PNG, SVG or HTML, chosen by the file's extension."""
    path = Path(path)
    ext = path.suffix.lower()
    if ext not in FORMATS:
        raise UsageError(f"{shorten(str(path))}: unknown chart format {ext or '(none)'!r}; expected .png, .svg or .html",
                         value=str(path), field="plot", allowed=", ".join(FORMATS))
    _save(chart, path, ext)
    return path


def _check_plot_path(path: Path | str) -> Path:
    p = Path(path)
    if p.suffix.lower() not in FORMATS:
        raise UsageError(f"{shorten(str(path))}: unknown chart format {p.suffix or '(none)'!r}; "
                         f"name a file ending in {', '.join(FORMATS)}", value=str(path), field="plot",
                         allowed=", ".join(FORMATS))
    return p


def ideal_chart(rows: list[dict], *, level: float = 0.95, title: str | None = None):
    """An Altair chart of ideal points: each state's path over sessions, with its band.

    ``rows`` are ``ideal_command``'s (or ``IdealPoints.rows()``).
    """
    import altair as alt

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
    return (band + line).properties(
        width=640, height=320,
        title=title or "Ideal points from UN General Assembly votes",
    )


def plot_ideal_points(rows: list[dict], path: Path | str, *, level: float = 0.95,
                      title: str | None = None) -> Path:
    """Draw each state's ideal point over sessions, with its band, to ``path`` (.png, .svg or .html).

    ``rows`` are ``ideal_command``'s (or ``IdealPoints.rows()``). Returns the path written.
    """
    p = _check_plot_path(path)
    chart = ideal_chart(rows, level=level, title=title)
    p.parent.mkdir(parents=True, exist_ok=True)
    _save(chart, p, p.suffix.lower())
    return p


def ideal_with_plot(states: list[str] | None = None, *, plot: Path | str | None = None, **kwargs: Any) -> dict:
    """``allegiance ideal``: :func:`~allegiance.measure.ideal.ideal_command`, and its chart drawn to ``plot``.

    The chart's format is checked before anything is estimated; the dict's
    ``plot`` is the path written (None without ``plot``). ``kwargs`` go to
    ``ideal_command``.
    """
    from allegiance.measure.ideal import ideal_command  # NumPy, only when the command runs

    if plot is not None:
        _check_plot_path(plot)
    out = ideal_command(states, **kwargs)
    if plot is not None:
        out["plot"] = str(plot_ideal_points(out["rows"], plot, level=out["model"].get("level", 0.95)))
    return out
