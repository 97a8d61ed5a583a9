"""Charts for the web pages through the project's Vega-Lite stack (altair, rendered to SVG by vl-convert).

The SVG goes through the same whitelist as the diagrams before it is
embedded, so no script, link or style from the renderer reaches the page.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from allegiance.errors import DataError
from allegiance.web.diagram import sanitize_svg

__all__ = ["posture_intervals", "posture_chart_svg", "alignment_chart_svg", "ideal_chart_svg"]

_WORD = {True: "holds", False: "does not hold", None: "unknown"}


def posture_intervals(ch: dict[str, Any]) -> list[dict[str, Any]]:
    """``changes()`` as intervals: one row per label and stretch of one value (holds / does not / unknown)."""
    value = dict(ch["initial"])
    since = {label: ch["from"] for label in value}
    rows: list[dict[str, Any]] = []
    for c in ch["changes"]:
        for lab in c["labels"]:
            name = lab["label"]
            rows.append({"label": name, "start": since[name], "end": c["date"], "value": _WORD[value[name]]})
            value[name], since[name] = lab["to"], c["date"]
    end = (date.fromisoformat(ch["to"])).isoformat()
    for name, v in value.items():
        rows.append({"label": name, "start": since[name], "end": end, "value": _WORD[v]})
    return [r for r in rows if r["start"] < r["end"] or r["start"] == r["end"] == end]


def posture_chart_svg(ch: dict[str, Any]) -> str:
    """A Gantt-like chart of every label of a state over ``changes()``'s window, as sanitised SVG."""
    import altair as alt
    import vl_convert as vlc

    rows = posture_intervals(ch)
    chart = alt.Chart(alt.Data(values=rows)).mark_bar().encode(
        x=alt.X("start:T", title=None), x2="end:T",
        y=alt.Y("label:N", title=None, sort=list(ch["initial"])),
        color=alt.Color("value:N", title=None,
                        scale=alt.Scale(domain=list(_WORD.values()), range=["#1d6b2a", "#d9d9d9", "#d9a400"]),
                        legend=alt.Legend(orient="bottom")),
    ).properties(width=640, height=22 * len(ch["initial"]),
                 title=f"{ch['name']}: labels from {ch['from']} to {ch['to']}")
    svg = vlc.vegalite_to_svg(chart.to_dict())
    return sanitize_svg(svg, label=f"Posture of {ch['name']} from {ch['from']} to {ch['to']}, label by label")


def alignment_chart_svg(result: dict[str, Any]) -> str:
    """``alignment()``'s series (agreement with each state or bloc, by period, with its interval) as sanitised
    SVG, drawn by the report layer's chart (the one ``allegiance align --plot`` draws)."""
    import vl_convert as vlc

    from allegiance.report.charts import alignment_chart

    try:
        chart = alignment_chart(result)
    except DataError:  # no joint votes in the window: nothing to draw
        return ""
    svg = vlc.vegalite_to_svg(chart.to_dict())
    return sanitize_svg(svg, label=f"UN General Assembly voting of {result['name']}: agreement by "
                                   f"{result.get('by', 'period')}, with each state or bloc")


def ideal_chart_svg(result: dict[str, Any]) -> str:
    """``ideal_command``'s rows for one state (its path over sessions, with its band) as sanitised SVG, drawn
    by the report layer's chart (the one ``allegiance ideal --plot`` draws)."""
    import vl_convert as vlc

    from allegiance.report.charts import ideal_chart

    name = ", ".join(result["states"])
    sessions = [r["session"] for r in result["rows"]]
    chart = ideal_chart(result["rows"], level=result["model"].get("level", 0.95),
                        title=f"Ideal point of {name} from UN General Assembly votes, sessions "
                              f"{min(sessions, default='-')}-{max(sessions, default='-')}")
    svg = vlc.vegalite_to_svg(chart.to_dict())
    return sanitize_svg(svg, label=f"Ideal point of {name} by UN General Assembly session, with its "
                                   f"{round(result['model'].get('level', 0.95) * 100)}% band")
