"""Plain-text rendering of timelines, as-of facts, sources and conflicts.

The JSON shapes (docs/json.md) are the data; these functions only lay them
out for a terminal. Their output is pinned by snapshot tests.
"""

from __future__ import annotations

import textwrap
from typing import Any

__all__ = ["render_timeline", "render_facts", "render_sources", "render_source", "render_conflicts"]

_W = 100
_IND = " " * 18


def _wrap(text: str, first: str = "", rest: str = _IND) -> list[str]:
    return textwrap.wrap(text, width=_W, initial_indent=first, subsequent_indent=rest) or [first.rstrip()]


def _cite_line(c: dict[str, Any], n: int) -> list[str]:
    who = c.get("author") or c.get("outlet") or ""
    head = f"{who}, \u201c{c['title']}\u201d" if who else f"\u201c{c['title']}\u201d"
    if c.get("date"):
        head += f" ({c['date']})"
    if c.get("locator"):
        head += f", {c['locator']}"
    lines = _wrap(f"[{n}] {head}: \u201c{c['quote']}\u201d", _IND, _IND + "    ")
    for r in c.get("refs", []):
        who = r.get("author") or r.get("outlet")
        ref = f"citing: {who + ', ' if who else ''}\u201c{r['title']}\u201d"
        if r.get("date"):
            ref += f" ({r['date']})"
        if r.get("note") is not None:
            ref += f" [note {r['note']}]"
        lines += _wrap(ref, _IND + "    ", _IND + "      ")
    return lines


def _statement(s: dict[str, Any], date_col: str, flag: str = "") -> list[str]:
    label = s["text"]
    if s["kind"] == "assessment":
        label = f"assessment by {s['by']}: {label}"
    if flag:
        label = f"{label} [{flag}]"
    lines = _wrap(label, f"{date_col:<17} ", _IND)
    span = ""
    if s["valid_until"]:
        span = f"valid {s['valid_from']} until {s['valid_until']}"
    meta = [p for p in (span, f"mode: {s['mode']}" if s["mode"] else "") if p]
    if meta:
        lines += _wrap("; ".join(meta), _IND)
    for n, c in enumerate(s["sources"], 1):
        lines += _cite_line(c, n)
    if s["supersedes"]:
        lines += _wrap("supersedes: " + ", ".join(s["supersedes"]), _IND)
    if s["superseded_by"]:
        lines += _wrap("superseded by: " + ", ".join(s["superseded_by"]), _IND)
    if s["conflicts_with"]:
        lines += _wrap("conflicts with: " + ", ".join(s["conflicts_with"]) + " (see: allegiance conflicts)", _IND)
    return lines


def render_timeline(data: dict[str, Any]) -> str:
    span = ""
    if data["from"] or data["to"]:
        span = f" from {data['from'] or 'the start'} to {data['to'] or 'the end'}"
    out = [f"{data['name']} ({data['state']}): timeline{span}, {data['count']} statements", ""]
    if not data["statements"]:
        out.append("No statements about this state in the knowledge base for that period.")
    for s in data["statements"]:
        out += _statement(s, s["valid_from"])
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def render_facts(data: dict[str, Any]) -> str:
    known = f", from sources dated by {data['known_by']}" if data["known_by"] else ""
    out = [f"{data['name']} ({data['state']}): what held on {data['as_of']}{known}, {data['count']} statements", ""]
    if not data["statements"]:
        out.append("Nothing in the knowledge base held for this state on that date.")
    for s in data["statements"]:
        out += _statement(s, f"since {s['valid_from']}", "possibly" if s["holds"] == "possibly" else "")
        out.append("")
    if data["superseded"]:
        out.append("Superseded by that date:")
        for s in data["superseded"]:
            out += _wrap(f"{s['id']}: {s['text']} (superseded by {', '.join(s['superseded_by'])})", "  ", "    ")
    return "\n".join(out).rstrip() + "\n"


def _source_head(s: dict[str, Any]) -> str:
    parts = [s.get("author") or s.get("outlet") or "", f"\u201c{s['title']}\u201d"]
    if s.get("outlet") and s.get("author"):
        parts.append(s["outlet"])
    if s.get("date"):
        parts.append(s["date"])
    if s.get("locator"):
        parts.append(s["locator"])
    return ", ".join(p for p in parts if p)


def render_sources(data: dict[str, Any]) -> str:
    out = [f"{data['count']} sources", ""]
    for s in data["sources"]:
        note = f"  note {s['note']} of {s['cited_in']}" if s.get("cited_in") else ""
        out.append(f"{s['id']}{note}")
        out += _wrap(_source_head(s), "    ", "    ")
        if s.get("url"):
            out.append(f"    {s['url']}" + (f" (accessed {s['accessed']})" if s.get("accessed") else ""))
        out.append(f"    cited by {s['statements_citing']} statements directly, "
                   f"{s['statements_via_footnote']} through footnotes")
    return "\n".join(out) + "\n"


def render_source(data: dict[str, Any]) -> str:
    s = data["source"]
    out = [s["id"]] + _wrap(_source_head(s), "    ", "    ")
    if s.get("url"):
        out.append(f"    {s['url']}" + (f" (accessed {s['accessed']})" if s.get("accessed") else ""))
    if s.get("details"):
        out += _wrap(s["details"], "    ", "    ")
    if data["footnotes"]:
        out += ["", f"Footnotes ({len(data['footnotes'])}):"]
        for n in data["footnotes"]:
            out += _wrap(f"{n['note']:>3}. {_source_head(n)}", "  ", "       ")
    out += ["", f"Statements citing it ({len(data['statements'])}):", ""]
    for st in data["statements"]:
        out += _statement(st, st["valid_from"])
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def render_conflicts(data: dict[str, Any]) -> str:
    out = [f"{data['count']} conflicts (both sides are kept)", ""]
    for i, c in enumerate(data["conflicts"], 1):
        out += _wrap(f"{i}. {c['reason']} [{c['kind']}]", "", "   ")
        for s in c["statements"]:
            out += _statement(s, s["valid_from"])
        out.append("")
    return "\n".join(out).rstrip() + "\n"
