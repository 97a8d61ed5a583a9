"""Plain-text renderings of status answers (the JSON shapes are in docs/json.md)."""

from __future__ import annotations

__all__ = ["render_changes", "render_compare", "render_status", "render_status_all"]

_YN = {True: "holds", False: "no", None: "unknown"}
_SHORT = {True: "yes", False: "no", None: "?"}


def render_status(d: dict) -> str:
    out = [f"{d['name']} ({d['state']}) as of {d['as_of']}", ""]
    out.append("Labels (derived from the criteria):")
    for lb in d["labels"]:
        out.append(f"  {lb['label']:<26} {_YN[lb['holds']]}")
        if lb["holds"] is not True:
            out.append(f"      {lb['reason']}")
    out += ["", "Criteria:"]
    for c in d["criteria"]:
        out.append(f"  {c['id']:<30} {c['result']:<8} {c['reason']}" + ("  [closed world]" if c["closed_world"] else ""))
        for e in c["evidence"][:4]:
            out.append(f"      - {e['id']}: {e['text']} ({e['defined_at']})")
    if d["memberships"]:
        out += ["", "Memberships:"]
        out += [f"  {m['organisation']:<14} {m['role'] or '':<16} since {m['valid_from']}" for m in d["memberships"]]
    if d["assessments"]:
        out += ["", "Attributed assessments (shown beside the labels, never mixed in):"]
        for a in d["assessments"]:
            tail = f"  -> {a['label']}: {a['agreement']}" if a["label"] else ""
            out.append(f"  {a['by']}: \"{a['value']}\" (from {a['valid_from']}){tail}")
    seen, srcs = set(), []
    for c in d["criteria"]:
        for s in c["sources"]:
            if (s["source"], s["quote"]) not in seen:
                seen.add((s["source"], s["quote"]))
                srcs.append(s)
    if srcs:
        out += ["", "Sources:"]
        for s in srcs:
            who = s.get("author") or s.get("outlet") or ""
            out.append(f"  [{s['source']}] {who}, {s.get('title') or ''}: \"{s['quote']}\"")
    return "\n".join(out) + "\n"


def _grid(states: list[str], labels: list[str], value) -> list[str]:
    w = max(len(x) for x in labels) + 2
    out = [" " * w + " ".join(f"{s:>4}" for s in states)]
    for lb in labels:
        out.append(f"{lb:<{w}}" + " ".join(f"{_SHORT[value(s, lb)]:>4}" for s in states))
    return out


def render_status_all(d: dict) -> str:
    out = [f"Every state as of {d['as_of']} (yes / no / ? unknown)", ""]
    out.append("state " + " ".join(d["labels"]))
    for row in d["states"]:
        cells = " ".join(f"{_SHORT[row['labels'][lb]]:^{len(lb)}}" for lb in d["labels"])
        out.append(f"{row['state']:<5} {cells}")
    return "\n".join(out) + "\n"


def render_compare(d: dict) -> str:
    vals = {r["label"]: r["values"] for r in d["rows"]}
    out = [f"As of {d['as_of']} (yes / no / ? unknown)", ""]
    out += _grid(d["states"], list(vals), lambda s, lb: vals[lb][s])
    return "\n".join(out) + "\n"


def render_changes(d: dict) -> str:
    out = [f"{d['name']} ({d['state']}): label changes from {d['from']} to {d['to']}", ""]
    holding = [k for k, v in d["initial"].items() if v is True]
    out.append(f"On {d['from']}: " + (", ".join(holding) or "no label holds"))
    if not d["changes"]:
        out.append("No label changed.")
    for e in d["changes"]:
        moved = ", ".join(f"{x['label']} {_YN[x['from']]} -> {_YN[x['to']]}" for x in e["labels"])
        out.append(f"{e['date']}: {moved}")
        for b in e["because"]:
            out.append(f"    because {b['criterion']} {b['from']} -> {b['to']}: {b['reason']}")
    holding = [k for k, v in d["final"].items() if v is True]
    out.append(f"On {d['to']}: " + (", ".join(holding) or "no label holds"))
    return "\n".join(out) + "\n"
