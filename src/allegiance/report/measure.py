"""Plain-text renderings of the measure layer's results (the CLI's default output).

The JSON shapes (docs/json.md, docs/ideal-points.md) are the data; these functions
only lay them out for a terminal.
"""

from __future__ import annotations

from typing import Any

__all__ = ["render_import", "render_versions", "render_cite", "render_alignment", "render_cohesion",
           "render_ideal_text"]


def _num(v: Any, digits: int = 3) -> str:
    return "—" if v is None else f"{v:.{digits}f}"


def _coverage(cov: dict[str, Any]) -> str:
    parts = []
    for key, val in cov.items():
        if isinstance(val, list) and len(val) == 2:
            parts.append(f"{key} {val[0]}–{val[1]}")
        elif isinstance(val, dict):
            parts.append(f"{key} " + ", ".join(f"{k} {v:,}" for k, v in val.items()))
        else:
            parts.append(f"{key} {val:,}" if isinstance(val, int) else f"{key} {val}")
    return "; ".join(parts)


def render_import(r: dict[str, Any]) -> str:
    d = r["dataset"]
    verb = {"imported": "imported", "replaced": "replaced", "unchanged": "unchanged (already imported)"}[r["status"]]
    lines = [f"{r['kind']}: {verb}: {d['rows']:,} rows from {d['source_file']} (sha256 {d['sha256'][:16]}…)",
             f"  coverage: {_coverage(d['coverage'])}"]
    if d["version"]:
        lines.append(f"  version: {d['version']}")
    prev = r.get("previous")
    if prev and r["status"] == "replaced":
        lines.append(f"  before: {prev['rows']:,} rows from {prev['source_file']} (sha256 {prev['sha256'][:16]}…), "
                     f"imported {prev['imported_at']}; now {d['rows'] - prev['rows']:+,} rows")
    if r["warnings"]:
        shown = len(r["problems"])
        lines.append(f"  {r['warnings']:,} warning(s): values stored as missing"
                     + (f" (first {shown} below)" if shown < r["warnings"] else ""))
        lines += [f"{p['file']}:{p['line']}: {p['field']}: {p['message']}" for p in r["problems"]]
    return "\n".join(lines) + "\n"


def render_versions(r: dict[str, Any]) -> str:
    if not r["datasets"]:
        return "no datasets imported; import one with: allegiance data import KIND PATH\n"
    lines = [f"data store: {r['store']}"]
    for d in r["datasets"]:
        lines.append(f"{d['kind']}: {d['rows']:,} rows from {d['source_file']}, version {d['version'] or 'not recorded'}, "
                     f"imported {d['imported_at']}")
        lines.append(f"  sha256 {d['sha256']}")
        lines.append(f"  coverage: {_coverage(d['coverage'])}")
        if d["warnings"]:
            lines.append(f"  {d['warnings']:,} value(s) stored as missing (see the import report)")
    return "\n".join(lines) + "\n"


def render_cite(r: dict[str, Any]) -> str:
    if not r["citations"]:
        return "no datasets imported; cite a kind with: allegiance data cite KIND\n"
    out = []
    for c in r["citations"]:
        state = f"imported, version {c['version'] or 'not recorded'}" if c["imported"] else "not imported"
        out.append(f"{c['kind']} ({state}; licence: {c['license']}):\n  {c['citation']}")
    return "\n".join(out) + "\n"


def render_alignment(r: dict[str, Any]) -> str:
    window = f"{r['from'] or 'start'}–{r['to'] or 'end'}"
    issue = f", issue {r['issue']}" if r["issue"] else ""
    iv = r["interval"]
    how = "Wilson" if iv["method"] == "wilson" else f"bootstrap, {iv['replicates']} resamples of roll calls"
    lines = [f"{r['name']} ({r['state']}): {r['measure_name']}, by {r['by']}, {window}{issue}; "
             f"source: {r['source']['name']}"]
    for s in r["series"]:
        lines.append("")
        kind = "bloc, members as recorded in the knowledge base" if s["type"] == "bloc" else "state"
        lines.append(f"with {s['name']} ({s['with']}; {kind}): {s['count']} {r['by']}s")
        if not s["points"]:
            lines.append("  no roll call on which both voted")
            continue
        lines.append(f"  {r['by']:>7}  {'roll calls':>10}  {'joint':>5}  {r['measure']:>7}  {int(iv['level'] * 100)}% ({how})")
        for p in s["points"]:
            lines.append(f"  {p['period']:>7}  {p['roll_calls']:>10}  {p['n']:>5}  {_num(p['value']):>7}  "
                         f"[{_num(p['low'])}, {_num(p['high'])}]")
    return "\n".join(lines) + "\n"


def render_cohesion(r: dict[str, Any]) -> str:
    window = f"{r['from'] or 'start'}–{r['to'] or 'end'}"
    members = ", ".join(dict.fromkeys(m["state"] for m in r["members_recorded"])) or "none"  # a state with two spells once
    lines = [f"{r['name']} ({r['bloc']}): voting cohesion by {r['by']}, {window}; source: {r['source']['name']}",
             f"members recorded in the knowledge base: {members}"]
    if not r["points"]:
        lines.append("no roll call on which two or more recorded members voted")
        return "\n".join(lines) + "\n"
    lines.append(f"  {r['by']:>7}  {'roll calls':>10}  {'members':>7}  {'AI':>6}  {'pairwise':>8}")
    for p in r["points"]:
        lines.append(f"  {p['period']:>7}  {p['roll_calls']:>10}  {len(p['members_voting']):>7}  "
                     f"{_num(p['agreement_index']):>6}  {_num(p['pairwise_agreement']):>8}")
    lines.append("AI: Hix, Noury and Roland (2005) Agreement Index; pairwise: share of member pairs voting alike")
    return "\n".join(lines) + "\n"


def render_ideal_text(data: dict) -> str:
    """``allegiance ideal``'s dict as a plain table: one line per state-session."""
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
