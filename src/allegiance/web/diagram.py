"""Arrangement diagrams as inline SVG: bodies, offices and forces with the command chain of one readiness mode.

The graph comes from the library (``who_commands`` for each force in the mode),
never from names. It is laid out by Graphviz ``dot`` when the binary is on the
PATH, else by ``grandalf`` (pure Python, a pip-only install still renders it).
Either way the SVG is rebuilt through a whitelist of elements and attributes
before it is embedded, so knowledge-base text only ever reaches the page as
escaped character data.
"""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from xml.sax.saxutils import escape as _escape

__all__ = ["Graph", "command_graph", "render_svg", "sanitize_svg", "engine_available"]

_SVG = "http://www.w3.org/2000/svg"


def escape(text: str) -> str:
    """Character data escaped as Jinja escapes it (quotes too), so no KB text survives verbatim."""
    return _escape(text, {'"': "&#34;", "'": "&#39;"})


@dataclass
class Graph:
    """Nodes ``id -> (label, kind)`` (kind: body, office, force, absent-force) and edges (from, to, label)."""

    nodes: dict[str, tuple[str, str]] = field(default_factory=dict)
    edges: list[tuple[str, str, str]] = field(default_factory=list)

    def node(self, nid: str, label: str, kind: str) -> None:
        if nid not in self.nodes or self.nodes[nid][1] == "absent-force":
            self.nodes[nid] = (label, kind)

    def edge(self, a: str, b: str, label: str) -> None:
        if (a, b, label) not in self.edges:
            self.edges.append((a, b, label))


def command_graph(commands: dict[str, dict], bodies: list[dict]) -> Graph:
    """The graph of one mode from ``who_commands`` answers (force id -> answer) and the arrangement's bodies."""
    g = Graph()
    for b in bodies:
        g.node(b["body"], b.get("name") or b["body"], "body")
    for fid, ans in commands.items():
        name = ans.get("force_name") or fid
        if ans.get("exists") is not True:
            why = "does not exist in this mode" if ans.get("exists") is False else "existence unknown"
            g.node(fid, f"{name} ({why})", "absent-force")
            continue
        chain = ans.get("chain") or []
        for item in chain:
            kind = item.get("kind") if item.get("kind") in ("body", "office", "force") else "office"
            g.node(item["id"], item.get("name") or item["id"], kind)
        for lo, hi in zip(chain, chain[1:]):
            g.edge(lo["id"], hi["id"], hi.get("role") or "")
    return g


def engine_available() -> bool:
    return shutil.which("dot") is not None


def render_svg(g: Graph, *, engine: str | None = None, label: str = "Command diagram") -> str:
    """Sanitised SVG text of ``g``; ``engine`` 'dot' or 'python' (default: dot when available); ``label``
    names the image for assistive technology."""
    if not g.nodes:
        raise ValueError("an empty graph has no diagram")
    engine = engine or ("dot" if engine_available() else "python")
    raw = _dot_svg(g) if engine == "dot" else _python_svg(g)
    return sanitize_svg(raw, label=label)


# ------------------------------------------------------------------ Graphviz

def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ") + '"'


_STYLE = {
    "body": 'shape=box, style="rounded,filled", fillcolor="#e8eef7", color="#2c4a7a"',
    "office": 'shape=box, style=filled, fillcolor="#fdf3e1", color="#8a5a00"',
    "force": 'shape=box, style=filled, fillcolor="#e6f2e6", color="#2d6a2d"',
    "absent-force": 'shape=box, style=dashed, color="#888888", fontcolor="#555555"',
}


def _dot_source(g: Graph) -> str:
    lines = ["digraph arrangement {", "  rankdir=BT;", '  node [fontname="Helvetica", fontsize=11];',
             '  edge [fontname="Helvetica", fontsize=9, color="#444444"];']
    ids = {nid: f"n{i}" for i, nid in enumerate(g.nodes)}
    for nid, (label, kind) in g.nodes.items():
        lines.append(f"  {ids[nid]} [label={_q(label)}, id={_q('node-' + ids[nid])}, "
                     f"class={_q(kind)}, {_STYLE[kind]}];")
    for a, b, label in g.edges:
        lines.append(f"  {ids[a]} -> {ids[b]} [label={_q(label)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _dot_svg(g: Graph) -> str:
    dot = shutil.which("dot")
    if dot is None:
        raise RuntimeError("graphviz 'dot' is not installed")
    out = subprocess.run([dot, "-Tsvg"], input=_dot_source(g).encode("utf-8"), capture_output=True,
                         timeout=20, check=True)
    return out.stdout.decode("utf-8")


# ------------------------------------------------------------------ grandalf

_FILL = {"body": ("#e8eef7", "#2c4a7a"), "office": ("#fdf3e1", "#8a5a00"), "force": ("#e6f2e6", "#2d6a2d"),
         "absent-force": ("#ffffff", "#888888")}


class _View:
    def __init__(self, w: float, h: float):
        self.w, self.h, self.xy = w, h, (0.0, 0.0)


class _EdgeView:
    def __init__(self):
        self.points: list = []

    def setpath(self, pts) -> None:
        self.points = list(pts)


def _python_svg(g: Graph) -> str:
    from grandalf.graphs import Edge, Graph as GGraph, Vertex
    from grandalf.layouts import SugiyamaLayout

    verts = {nid: Vertex(nid) for nid in g.nodes}
    for nid, v in verts.items():
        v.view = _View(max(60.0, 6.6 * len(g.nodes[nid][0]) + 16), 30.0)
    edges = []
    for a, b, label in g.edges:
        e = Edge(verts[b], verts[a])  # drawn top-down: superiors above
        e.view = _EdgeView()
        e.label = label
        edges.append(e)
    gg = GGraph(list(verts.values()), edges)
    x_off, boxes = 0.0, []
    for comp in gg.C:
        lay = SugiyamaLayout(comp)
        lay.init_all()
        lay.draw()
        xs = [v.view.xy[0] - v.view.w / 2 for v in comp.sV]
        x0 = min(xs)
        x1 = max(v.view.xy[0] + v.view.w / 2 for v in comp.sV)
        for v in comp.sV:
            v.view.xy = (v.view.xy[0] - x0 + x_off, v.view.xy[1])
        x_off += (x1 - x0) + 30
        boxes.extend(comp.sV)
    ymin = min(v.view.xy[1] - v.view.h / 2 for v in boxes)
    ymax = max(v.view.xy[1] + v.view.h / 2 for v in boxes)
    width, height = x_off - 30 + 20, ymax - ymin + 20
    dx, dy = 10.0, 10.0 - ymin
    parts = [f'<svg xmlns="{_SVG}" width="{width:.0f}pt" height="{height:.0f}pt" '
             f'viewBox="0 0 {width:.0f} {height:.0f}"><g class="graph">']
    for e in edges:
        (x1, y1), (x2, y2) = e.v[0].view.xy, e.v[1].view.xy
        y1 += e.v[0].view.h / 2
        y2 -= e.v[1].view.h / 2
        parts.append(f'<g class="edge"><path fill="none" stroke="#444444" '
                     f'd="M{x1 + dx:.1f},{y1 + dy:.1f} L{x2 + dx:.1f},{y2 + dy:.1f}"/>'
                     f'<text x="{(x1 + x2) / 2 + dx + 4:.1f}" y="{(y1 + y2) / 2 + dy:.1f}" font-size="9" '
                     f'font-family="Helvetica,sans-serif" fill="#444444">{escape(e.label)}</text></g>')
    for nid, v in verts.items():
        label, kind = g.nodes[nid]
        fill, stroke = _FILL[kind]
        x, y = v.view.xy[0] + dx, v.view.xy[1] + dy
        dash = ' stroke-dasharray="4,3"' if kind == "absent-force" else ""
        parts.append(f'<g class="node {kind}"><title>{escape(nid)}</title>'
                     f'<rect x="{x - v.view.w / 2:.1f}" y="{y - v.view.h / 2:.1f}" width="{v.view.w:.1f}" '
                     f'height="{v.view.h:.1f}" fill="{fill}" stroke="{stroke}"{dash}/>'
                     f'<text x="{x:.1f}" y="{y + 4:.1f}" text-anchor="middle" font-size="11" '
                     f'font-family="Helvetica,sans-serif">{escape(label)}</text></g>')
    parts.append("</g></svg>")
    return "".join(parts)


# ------------------------------------------------------------------ sanitising

_ELEMENTS = {"svg", "g", "title", "polygon", "polyline", "ellipse", "path", "text", "rect", "line", "tspan"}
_ATTRS = {"width", "height", "viewBox", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "rx", "ry", "points", "d",
          "fill", "stroke", "stroke-width", "stroke-dasharray", "font-family", "font-size", "font-weight",
          "font-style", "text-anchor", "transform", "class", "id", "opacity", "fill-opacity", "stroke-opacity",
          "stroke-miterlimit", "stroke-linecap", "stroke-linejoin", "display", "aria-hidden", "dominant-baseline"}


def _clean_value(value: str) -> str | None:
    low = value.lower()
    if "url(" in low or "javascript:" in low or "expression(" in low:
        return None
    return value


def sanitize_svg(raw: str, *, label: str = "diagram") -> str:
    """Rebuild an SVG document from a whitelist: no scripts, links, styles, event handlers or foreign content;
    text is re-escaped. Returns the ``<svg>`` element (role=img) ready to embed inline."""
    root = ET.fromstring(raw)
    out: list[str] = []

    def walk(el) -> None:
        tag = el.tag.split("}", 1)[-1]
        if tag not in _ELEMENTS:
            return
        attrs = []
        for k, v in el.attrib.items():
            k = k.split("}", 1)[-1]
            if k in _ATTRS:
                cv = _clean_value(v)
                if cv is not None:
                    attrs.append(f' {k}="{escape(cv)}"')
        if tag == "svg":
            attrs.insert(0, f' xmlns="{_SVG}" role="img" aria-label="{escape(label)}"')
        out.append(f"<{tag}{''.join(attrs)}>")
        if el.text and tag in ("text", "title", "tspan"):
            out.append(escape(el.text))
        for child in el:
            walk(child)
            if child.tail and tag in ("text", "tspan"):
                out.append(escape(child.tail))
        out.append(f"</{tag}>")

    walk(root)
    return "".join(out)
