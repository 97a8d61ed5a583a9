"""HTML charts: knowledge-base text inside the chart's <script> cannot end it (issue 12, script injection)."""

from __future__ import annotations

import re

import pytest

from allegiance.report.charts import plot_ideal_points

HOSTILE = ["</script><script>alert(1)</script>", "<!--", "]]>&lt;</SCRIPT >\u2028x", "\"'><img src=x onerror=alert(1)>"]


def _rows(name: str) -> list[dict]:
    return [{"state": s, "session": k, "ideal_point": 0.1 * k, "lo": 0.0, "hi": 1.0, "sd": 0.1, "n_votes": 10}
            for s in ("BLR", name) for k in (1, 2)]


@pytest.mark.parametrize("name", HOSTILE)
def test_a_hostile_name_stays_data_inside_the_html_chart(tmp_path, name):
    plain = (plot_ideal_points(_rows("RUS"), tmp_path / "plain.html")).read_text(encoding="utf-8")
    html = (plot_ideal_points(_rows(name), tmp_path / "hostile.html")).read_text(encoding="utf-8")
    # the same elements as a chart of harmless names: nothing was opened or closed by the data
    tags = lambda text: re.findall(r"</?\s*(script|img|style|iframe)\b", text, flags=re.I)  # noqa: E731
    assert tags(html) == tags(plain)
    assert "<!--" not in html.replace("<!--", "", plain.count("<!--"))
    # and the name is still there, escaped as JSON that decodes to the same text
    assert "\\u003c" in html or "<" not in name
