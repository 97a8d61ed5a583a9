"""Arrangement diagrams: both layout engines, and the SVG sanitiser."""

from __future__ import annotations

import shutil

import pytest

from allegiance import who_commands
from allegiance.web import diagram


def union_graph(lib_rules, mode):
    from allegiance import vetoes

    cmd = {f: who_commands(lib_rules, f, arrangement="union-state", mode=mode) for f in ("rgf", "urads")}
    return diagram.command_graph(cmd, vetoes(lib_rules, "union-state", mode=mode)["bodies"])


def test_graph_follows_who_commands(lib_rules):
    peace = union_graph(lib_rules, "peacetime")
    threat = union_graph(lib_rules, "threatened-period")
    assert peace.nodes["rgf"][1] == "absent-force"
    assert ("urads", "urads.commander", "commander") in peace.edges
    assert ("urads", "rgf", "part of") in threat.edges
    assert ("rgf", "BLR.chief-of-general-staff", "commander") in threat.edges
    assert ("BLR.chief-of-general-staff", "supreme-state-council", "reports to") in threat.edges


@pytest.mark.parametrize("engine", ["dot", "python"])
def test_both_engines_render_every_node(lib_rules, engine):
    if engine == "dot" and shutil.which("dot") is None:
        pytest.fail("graphviz 'dot' is missing: run scripts/install-system-deps.sh")
    g = union_graph(lib_rules, "threatened-period")
    svg = diagram.render_svg(g, engine=engine)
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    for label, _ in g.nodes.values():
        assert label.replace("&", "&amp;") in svg
    assert "<script" not in svg and "style=" not in svg


def every_arrangement_page(c):
    for a in c.get("/arrangements.json").json()["arrangements"]:
        for mode in a["modes"]:
            page = c.get(f"/arrangements/{a['id']}", params={"mode": mode})
            assert page.status_code == 200, (a["id"], mode)
            if a["bodies"] or a["forces"]:
                assert '<svg xmlns="http://www.w3.org/2000/svg" role="img"' in page.text, (a["id"], mode)
            else:
                assert "<svg" not in page.text  # hague-v: a treaty with neither bodies nor forces


def test_every_arrangement_page_with_dot(web_app):
    from fastapi.testclient import TestClient

    if not diagram.engine_available():
        pytest.fail("graphviz 'dot' is missing: run scripts/install-system-deps.sh")
    every_arrangement_page(TestClient(web_app))


def test_pip_only_install_renders_pages(web_app, monkeypatch):
    """Without the dot binary every arrangement page, in every mode, still carries a diagram (grandalf's)."""
    from fastapi.testclient import TestClient

    monkeypatch.setattr(diagram.shutil, "which", lambda name: None)
    assert not diagram.engine_available()
    c = TestClient(web_app)
    every_arrangement_page(c)
    html = c.get("/arrangements/union-state?mode=wartime").text
    assert '<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Command diagram of' in html
    assert "<rect" in html


HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(1)>&amp;</text></svg>'


@pytest.mark.parametrize("engine", ["dot", "python"])
def test_hostile_labels_are_escaped(engine):
    g = diagram.Graph()
    g.node("a", HOSTILE, "force")
    g.node("b", 'quote " and backslash \\', "body")
    g.edge("a", "b", HOSTILE)
    svg = diagram.render_svg(g, engine=engine)
    assert "<script" not in svg and "<img" not in svg and "onerror=alert(1)>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert svg.count("<svg") == 1 and svg.count("</svg>") == 1


def test_sanitizer_drops_active_content():
    raw = ('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)" style="x"><script>alert(1)</script>'
           '<a href="javascript:alert(1)"><text>link</text></a><g fill="url(javascript:x)" class="ok">'
           '<text x="1" onclick="alert(1)">t &lt;b&gt;</text><foreignObject><div>x</div></foreignObject></g></svg>')
    out = diagram.sanitize_svg(raw)
    assert "script" not in out and "onload" not in out and "onclick" not in out and "style" not in out
    assert "javascript" not in out and "foreignObject" not in out and "href" not in out
    assert '<g class="ok">' in out and "t &lt;b&gt;" in out


def test_posture_intervals_cover_the_window(shipped_store):
    from datetime import date

    from allegiance import changes
    from allegiance.web.chart import posture_intervals

    ch = changes(shipped_store, "FIN", start=date(1990, 1, 1), end=date(2024, 1, 1))
    rows = posture_intervals(ch)
    for label in ch["initial"]:
        mine = sorted((r for r in rows if r["label"] == label), key=lambda r: r["start"])
        assert mine[0]["start"] == "1990-01-01" and mine[-1]["end"] == "2024-01-01"
        assert all(a["end"] == b["start"] for a, b in zip(mine, mine[1:]))  # no gaps, no overlaps
    allied = [r for r in rows if r["label"] == "allied" and r["value"] == "holds"]
    assert allied and allied[0]["start"] == "2023-04-04"  # Finland joins NATO
