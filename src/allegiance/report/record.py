"""Plain-text rendering of the record checked against the rules (``allegiance record``; JSON in docs/json.md)."""

from __future__ import annotations

from allegiance.report.rules import _proof, _sources
from allegiance.rules.proof import render_proof

__all__ = ["render_record"]

_MARK = {"conforms": "conforms", "unknown": "UNKNOWN", "departure": "DEPARTURE"}


def _cite(c: dict) -> str:
    loc = f", {c['locator']}" if c.get("locator") else ""
    return f"{c['source']}{loc}: \u201c{c['quote']}\u201d"


def _pruned(node):
    """The proof without the steps that reach each mode (the transitions and their votes): a departure is
    about the provisions, and the full tree is in the JSON."""
    if node.kind == "mode":
        node.children = []
    for c in node.children:
        _pruned(c)
    return node


def render_record(d: dict) -> str:
    window = ""
    if d["from"] or d["to"]:
        window = f", {d['from'] or 'the start'} to {d['to'] or 'the end'}"
    c = d["counts"]
    lines = [f"The record of {d['arrangement']} against its rules{window}",
             f"  {d['count']} event(s): {c['conforms']} conform, {c['unknown']} unknown, "
             f"{c['departure']} departure(s)"]
    if not d["recorded"]:
        lines.append(f"  no record file lists events of {d['arrangement']}")
    for e in d["events"]:
        lines += ["", f"{e['as_of']}  {_MARK[e['result']]}  {e['name']} [{e['id']}]",
                  f"  action: {e['action']} ({e['action_name']}); {e['outcome']}"
                  + (f"; mode: {e['mode']}" if e["mode"] else "; mode not recorded (every mode checked)")
                  + (f"; actors: {', '.join(e['actors'])}" if e["actors"] else ""),
                  f"  recorded at {e['where']}; date {e['date']}"]
        for key, label in (("consents", "consent"), ("refusals", "refusal")):
            for x in e[key]:
                lines.append(f"  {label} of {x['player']} ({x['name']}): " + "; ".join(x["basis"]))
        lines.append(f"  {e['result']}: {e['reason']}")
        for p in e["provisions"]:
            span = f"in force from {p['valid_from'] or 'the start'}" + (
                f" until {p['valid_until']}" if p["valid_until"] else "")
            lines.append(f"  provision {p['id']} ({span}, {p['where']}): {p['text'] or ''}".rstrip())
            if e["result"] == "departure":
                lines += [f"    provision source: {_cite(s)}" for s in p["sources"]]
        if e["result"] == "departure":
            lines += [f"    event source: {_cite(s)}" for s in e["event_sources"]]
            lines += ["  Proof (how each mode is reached: see --json):",
                      render_proof(_pruned(_proof(e["proof"])), indent="    ").rstrip("\n")]
    srcs = [s for e in d["events"] for s in e["event_sources"]]
    srcs += [s for e in d["events"] for p in e["provisions"] for s in p["sources"]]
    if srcs:
        lines += _sources(srcs)
    return "\n".join(lines) + "\n"
