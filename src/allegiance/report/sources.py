"""Plain-text renderings of the sources layer's answers (``sources import``, ``sources anchor``).

Their output is pinned by snapshot tests."""

from __future__ import annotations

__all__ = ["render_import", "render_anchor"]


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def _n(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")


def render_import(d: dict) -> str:
    """What an import found: footnotes with their references, and what cleaning moved or removed."""
    notes = d["footnotes"]
    refs = sum(1 for f in notes if f["kind"] == "reference")
    rejoined = d["cleaning"]["rejoined"]
    body = sum(1 for r in rejoined if r["kind"] == "body")
    lines = [f"{d['source']} ({d['format']}): {_n(len(notes), 'footnote')} ({_n(refs, 'reference')}, "
             f"{_n(len(notes) - refs, 'note')}); {_n(body, 'paragraph')} and {_n(len(rejoined) - body, 'footnote')} "
             f"rejoined, {_n(len(d['cleaning']['removed']), 'repeated passage')} removed"]
    for f in notes:
        r = f["reference"]
        if f["kind"] == "note":
            lines.append(f"  {f['number']:>3}  note       {_cut(f['text'], 80)}")
            continue
        who = ", ".join(a.get("literal") or f"{a.get('given', '')} {a.get('family', '')}".strip()
                        for a in r.get("author", []))
        parts = r["issued"]["date-parts"][0] if "issued" in r else []
        date = "-".join([f"{parts[0]:04d}", *(f"{x:02d}" for x in parts[1:])]) if parts else "n.d."
        title = r.get("title", "")
        where = f", {r['section']}" if "section" in r else ""
        lines.append(f"  {f['number']:>3}  reference  {_cut(who, 40)}: {_cut(title, 60)}{where} ({date})")
    for item in d["cleaning"]["unmatched_markers"]:
        lines.append(f"  marker {item['marker']} at {item['start']} has no footnote")
    for item in d["cleaning"]["unfinished"]:
        lines.append(f"  paragraph at {item['start']} ends mid-sentence and no continuation was found")
    if d["text_file"]:
        lines.append(f"wrote {d['text_file']} and, beside it, the draft source records (.yaml) and CSL-JSON "
                     f"(.csl.json)")
    else:
        lines.append("nothing written (give -o DIR to write the cleaned text, a draft source file and CSL-JSON)")
    return "\n".join(lines) + "\n"


def render_anchor(d: dict) -> str:
    """How many quotes anchored, and every orphan and ambiguity."""
    lines = [f"{d['anchored']} quotes anchored, {len(d['orphans'])} orphaned, {len(d['ambiguous'])} ambiguous"
             + (f", {len(d['unavailable'])} from sources without a text here" if d["unavailable"] else "")]
    approx = [q for q in d["quotes"] if q["status"] == "approximate"]
    for q in approx:
        lines.append(f"  approximate  {q['statement']} ({q['source']} {q['start']}-{q['end']}, "
                     f"{q['distance']} edits): {_cut(q['exact'], 60)!r}")
    for q in d["orphans"]:
        lines.append(f"  orphan       {q['statement']} ({q['source']}): {_cut(q['exact'], 60)!r}")
    for q in d["ambiguous"]:
        places = ", ".join(f"{c['start']}-{c['end']}" for c in q["candidates"])
        lines.append(f"  ambiguous    {q['statement']} ({q['source']} at {places}): {_cut(q['exact'], 60)!r}")
    return "\n".join(lines) + "\n"
