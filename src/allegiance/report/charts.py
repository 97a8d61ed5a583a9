"""Charts of alignment over time (Altair; PNG and SVG rendered by vl-convert, HTML self-contained)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from allegiance.errors import DataError

__all__ = ["alignment_chart", "save_chart", "FORMATS"]

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


def save_chart(chart, path: Path | str) -> Path:
    """Write ``chart`` as PNG, SVG or HTML, chosen by the file's extension."""
    path = Path(path)
    ext = path.suffix.lower()
    if ext not in FORMATS:
        raise DataError(f"--plot {path}: unknown chart format {ext or '(none)'!r}; expected .png, .svg or .html")
    if ext == ".html":
        chart.save(str(path), format="html", inline=True)
    else:
        chart.save(str(path), format=ext[1:], scale_factor=2 if ext == ".png" else 1)
    return path
