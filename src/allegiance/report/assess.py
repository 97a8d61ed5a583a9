"""A written assessment of a state's posture on a day: a brief with footnotes, in Markdown, HTML or JSON.

``assess`` gathers what the layers know (status with its criteria and
evidence, the rules layer's vetoes and command chains, behaviour in wars, UN
voting when the datasets are imported, attributed assessments, conflicts
between sources, changes since an earlier day) into a document model: sections
of blocks (paragraphs, lists, tables) whose text carries footnote markers
``[^n]``; every footnote is a quoted source. ``render_markdown`` and
``render_html`` print that model; ``--format json`` prints it as it is.
"""

from __future__ import annotations

import html
import re
from datetime import date
from typing import Any

from allegiance.errors import AllegianceError, DataError, UsageError
from allegiance.facts.store import Store

__all__ = ["assess", "render_html", "render_markdown"]

_YN = {True: "holds", False: "does not hold", None: "unknown"}
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def _day(d: date | str) -> str:
    d = date.fromisoformat(d) if isinstance(d, str) else d
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


class _Doc:
    """Sections of blocks, and footnotes numbered in order of first citation (one per source and passage)."""

    def __init__(self) -> None:
        self.sections: list[dict[str, Any]] = []
        self.notes: list[dict[str, Any]] = []
        self._keys: dict[tuple, int] = {}

    def cite(self, sources: list[dict[str, Any]], limit: int = 3) -> str:
        marks = []
        for s in sources[:limit]:
            key = (s.get("source"), s.get("quote"))
            n = self._keys.get(key)
            if n is None:
                n = self._keys[key] = len(self.notes) + 1
                self.notes.append({"n": n, **{k: s.get(k) for k in ("source", "title", "author", "outlet", "date",
                                                                    "url", "quote", "locator", "statement")}})
            if f"[^{n}]" not in marks:
                marks.append(f"[^{n}]")
        return "".join(marks)

    def section(self, sid: str, title: str) -> list[dict[str, Any]]:
        blocks: list[dict[str, Any]] = []
        self.sections.append({"id": sid, "title": title, "blocks": blocks})
        return blocks


def _label_sentence(status: dict[str, Any]) -> tuple[list[str], list[str], list[str]]:
    def lc(name: str) -> str:
        return name[:1].lower() + name[1:]

    yes = [lc(lb["name"]) for lb in status["labels"] if lb["holds"] is True]
    no = [lc(lb["name"]) for lb in status["labels"] if lb["holds"] is False]
    unk = [lc(lb["name"]) for lb in status["labels"] if lb["holds"] is None]
    return yes, no, unk


def _join(words: list[str], last: str = "and") -> str:
    if not words:
        return ""
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + f" {last} " + words[-1]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _crit(status: dict[str, Any], cid: str) -> dict[str, Any]:
    return next(c for c in status["criteria"] if c["id"] == cid)


def assess(store: Store, state: str, *, as_of: date, since: date | None = None, data: Any = None,
           ideal_points: bool = False) -> dict[str, Any]:
    """The brief for ``state`` on ``as_of`` (docs/json.md). ``data``: an open measure data store, or None."""
    from allegiance.status.engine import changes, status

    st = status(store, state, as_of=as_of)
    code, name = st["state"], st["name"]
    doc = _Doc()
    yes, no, unk = _label_sentence(st)

    # summary
    blocks = doc.section("summary", "Summary")
    lead = f"On {_day(as_of)}, by the criteria of this tool, {name} is {_join(yes) or 'none of the postures defined'}."
    holding = [lb for lb in st["labels"] if lb["holds"] is True]
    marks = "".join(doc.cite([s for c in lb["criteria"] if c["part"] == "required" and c["result"] == "met"
                              for s in c["sources"]], limit=2) for lb in holding)
    cites = "".join(dict.fromkeys(re.findall(r"\[\^\d+\]", marks)))
    blocks.append({"type": "p", "text": lead + cites})
    if no:
        blocks.append({"type": "p", "text": f"It is not {_join(no, 'or')}."})
    if unk:
        blocks.append({"type": "p", "text": f"Undecided on the record: {_join(unk)}."})
    dis = st["disagreements"]
    if dis:
        blocks.append({"type": "p", "text": "Sources disagree with a derived label: " + "; ".join(
            f"{a['by']} assesses {name} as \u201c{a['value']}\u201d{doc.cite(a['sources'], 1)}, while the derived "
            f"label {a['label']} {_YN[a['derived_holds']]}" for a in dis) + "."})

    # identity and memberships
    blocks = doc.section("memberships", "Identity and memberships")
    if st["memberships"]:
        blocks.append({"type": "ul", "items": [
            f"{m['name']}: {m['role']} since {m['valid_from']}"
            + (f" (until {m['valid_until']})" if m["valid_until"] else "")
            + (" (the date is fuzzy: possibly)" if m["holds"] == "possibly" else "") + doc.cite(m["sources"], 1)
            for m in st["memberships"]]})
    else:
        blocks.append({"type": "p", "text": f"The knowledge base records no membership of {name} on this day."})

    # obligations
    blocks = doc.section("obligations", "Obligations")
    items = []
    for cid in ("mutual-defence", "eu-csdp", "permanent-neutrality", "constitutional-neutrality-aim",
                "constitutional-nato-aim"):
        c = _crit(st, cid)
        items.append(f"{c['description']}: {c['result']}. {c['reason'][:1].upper()}{c['reason'][1:]}."
                     + doc.cite(c["sources"], 2))
    blocks.append({"type": "ul", "items": items})

    # posture
    blocks = doc.section("posture", "Posture: derived labels")
    rows = []
    for lb in st["labels"]:
        crits = "; ".join(f"{c['id']} {c['result']}" + (" (must not hold)" if c["part"] == "must-not-hold" else "")
                          for c in lb["criteria"] if c["part"] != "context")
        rows.append([lb["name"], _YN[lb["holds"]], crits])
    blocks.append({"type": "table", "header": ["Label", "On this day", "Criteria"], "rows": rows})
    for lb in st["labels"]:
        if lb["holds"] is None:
            blocks.append({"type": "p", "text": f"{lb['name']}: {lb['reason']}."})

    # vetoes and command
    blocks = doc.section("vetoes", "Vetoes and command")
    for cid in ("veto-foreign-forces", "veto-own-forces"):
        c = _crit(st, cid)
        blocks.append({"type": "p", "text": f"{c['description']}: {c['result']}. {_cap(c['reason'])}."
                       + doc.cite(c["sources"], 3)})
        for a in c.get("arrangements", []):
            if a.get("caveat"):
                blocks.append({"type": "p", "text": f"Caveat: {a['caveat']}."})
    blocks.extend(_command(store, code, as_of, doc))

    # the arrangements it is party to: their provisions in force, and the record checked against them
    blocks = doc.section("arrangements", "Arrangements: provisions in force and the record")
    blocks.extend(_arrangements(store, code, as_of, doc))

    # behaviour
    blocks = doc.section("behaviour", "Behaviour")
    war = _crit(st, "ally-war-participation")
    items = [f"{w['name']} (from {w['began']}; allies at war: {', '.join(w['allies_at_war'])}): "
             f"{w['stance'].replace('-', ' ')}" for w in war.get("wars", [])]
    blocks.append({"type": "p", "text": f"{war['description']}: {war['result']}. {_cap(war['reason'])}."
                   + doc.cite(war["sources"], 4)})
    if items:
        blocks.append({"type": "ul", "items": items})
    hague = _crit(st, "hague-v-duties")
    blocks.append({"type": "p", "text": f"{hague['description']}: {hague['result']}. {_cap(hague['reason'])}."
                   + doc.cite(hague["sources"], 2)})
    ff = _crit(st, "foreign-forces")
    blocks.append({"type": "p", "text": f"{ff['description']}: {ff['result']}. {_cap(ff['reason'])}."
                   + doc.cite(ff["sources"], 2)})
    blocks.extend(_voting(store, data, code, as_of, ideal_points))

    # assessments
    blocks = doc.section("assessments", "What sources assess")
    if st["assessments"]:
        items = []
        for a in st["assessments"]:
            tail = ""
            if a["label"]:
                tail = (f" (speaks to {a['label']}: the derived label {_YN[a['derived_holds']]}; "
                        f"{a['agreement']})")
            items.append(f"{a['by']}: \u201c{a['value']}\u201d, from {a['valid_from']}{tail}" + doc.cite(a["sources"], 1))
        blocks.append({"type": "ul", "items": items})
        blocks.append({"type": "p", "text": "Attributed assessments are shown beside the derived labels and never "
                                            "enter them."})
    else:
        blocks.append({"type": "p", "text": f"The knowledge base holds no attributed assessment of {name} "
                                            "in force on this day."})

    # conflicts
    blocks = doc.section("conflicts", "Conflicts between sources")
    conf = _conflicts(store, code, as_of)
    if conf:
        blocks.append({"type": "ul", "items": [
            f"{c['reason']}: " + " / ".join(f"{s['text']}" + doc.cite(s.get("sources") or [], 1)
                                            for s in c["statements"]) for c in conf]})
    else:
        blocks.append({"type": "p", "text": "No conflict between sources touches this state."})

    # changes
    ch = None
    if since is not None:
        blocks = doc.section("changes", f"What changed since {_day(since)}")
        ch = changes(store, code, start=since, end=as_of) if since < as_of else None
        if ch is None or not ch["changes"]:
            blocks.append({"type": "p", "text": "No label changed."})
        else:
            items = []
            for e in ch["changes"]:
                moved = ", ".join(f"{x['label']} {_YN[x['from']]} \u2192 {_YN[x['to']]}" for x in e["labels"])
                why = "; ".join(f"{b['criterion']}: {b['reason']}" for b in e["because"])
                items.append(f"{e['date']}: {moved}" + (f" (because {why})" if why else ""))
            blocks.append({"type": "ul", "items": items})

    return {"state": code, "name": name, "as_of": as_of.isoformat(), "since": since.isoformat() if since else None,
            "title": f"{name}: posture on {_day(as_of)}", "holding": st["holding"], "sections": doc.sections,
            "footnotes": doc.notes, "status": st, "changes": ch}


def _command(store: Store, code: str, as_of: date, doc: _Doc) -> list[dict[str, Any]]:
    from allegiance.rules import who_commands
    from allegiance.status.engine import rules_for

    rules = rules_for(store)
    blocks = []
    for aid, arr in sorted(rules.book.arrangements.items()):
        m = arr.model
        if m.kind == "design" or code not in m.parties or not m.forces:
            continue
        if arr.in_force(as_of) == "no":
            continue
        items = []
        for force in m.forces:
            for mode in m.modes:
                w = who_commands(rules, force.id, arrangement=aid, mode=mode, as_of=as_of)
                if w["exists"] is False:
                    items.append(f"{force.name}, {mode}: does not exist" + doc.cite(w["chain"][0]["sources"]
                                                                                     if w["chain"] else [], 1))
                    continue
                if w["exists"] is None:  # nothing in force says (or it is known only until an earlier day)
                    items.append(f"{force.name}, {mode}: unknown ({w['reason']})")
                    continue
                chain = " \u2192 ".join(f"{x['name']} ({x['role']})" for x in w["chain"])
                srcs = [s for x in w["chain"] for s in x.get("sources", [])]
                items.append(f"{force.name}, {mode}: {chain}" + doc.cite(srcs, 2))
        blocks.append({"type": "p", "text": f"Command under {m.name}:"})
        blocks.append({"type": "ul", "items": items})
    return blocks


def _arrangements(store: Store, code: str, as_of: date, doc: _Doc) -> list[dict[str, Any]]:
    """For each arrangement the state is party to and in force on the day (designs aside): the provisions in
    force (possibly in force, where a date is fuzzy), and the recorded events up to the day with their check."""
    from allegiance.rules.record import record
    from allegiance.status.engine import rules_for

    rules = rules_for(store)
    blocks: list[dict[str, Any]] = []
    for aid, arr in sorted(rules.book.arrangements.items()):
        m = arr.model
        if m.kind == "design" or code not in m.parties or arr.in_force(as_of) == "no":
            continue
        items = []
        for act in m.actions:
            for p in act.provisions:
                held = arr.span_of(p).holds(as_of)
                if held == "no":
                    continue
                when = f"from {p.valid_from or 'the start'}" + (f" until {p.valid_until}" if p.valid_until else "")
                items.append(f"{act.name}: {p.text or p.id} ({when}{'; possibly in force on this day' if held == 'possibly' else ''})"
                             + doc.cite([c.to_json() for c in rules.evidence(arr, p)], 1))
        blocks.append({"type": "p", "text": f"Provisions of {m.name} in force:"})
        blocks.append({"type": "ul", "items": items} if items else
                      {"type": "p", "text": "No provision of its actions is in force on this day."})
        rec = record(rules, aid, end=as_of)
        if rec["events"]:
            blocks.append({"type": "p", "text": f"The record of {m.id} up to this day, checked against the provisions "
                                                f"in force on each date:"})
            blocks.append({"type": "ul", "items": [
                f"{_day(e['as_of'])}: {e['name']}: {e['result']} ({e['reason']})" + doc.cite(e["event_sources"], 1)
                for e in rec["events"]]})
    if not blocks:
        blocks.append({"type": "p", "text": "The knowledge base records no arrangement in force on this day to which "
                                            "this state is party."})
    return blocks


def _voting(store: Store, data: Any, code: str, as_of: date, ideal_points: bool) -> list[dict[str, Any]]:
    if data is None:
        return [{"type": "p", "text": "UN General Assembly voting: no voting data imported (run `allegiance data "
                                      "import` with the unvotes files; see the README)."}]
    from allegiance.measure.series import alignment

    end = as_of.year
    try:
        res = alignment(data, store, code, ["RUS", "eu", "nam"], start=end - 9, end=end, measure="agree")
    except (DataError, UsageError) as exc:  # not imported, or no roll calls in these years
        return [{"type": "p", "text": f"UN General Assembly voting: not available ({exc})."}]
    rows = []
    for s in res["series"]:
        pts = s["points"][-5:]
        for p in pts:
            rows.append([s["name"], str(p["period"]), f"{p['value']:.3f}" if p["value"] is not None else "-",
                         str(p["n"])])
    src = res["source"]
    blocks = [{"type": "p", "text": f"UN General Assembly voting agreement with Russia, the EU majority and the NAM "
                                    f"majority (share of roll calls voting alike; last sessions up to {end}; "
                                    f"source: {src.get('name') or src.get('source') or 'imported data'})."},
              {"type": "table", "header": ["With", "Session", "Agreement", "Roll calls"], "rows": rows}]
    if ideal_points:
        from allegiance.measure.ideal import ideal_command
        from allegiance.measure.data.votes import ideal_vote_table

        try:
            table = ideal_vote_table(data, first=max(1, end - 1945 - 15))
            ip = ideal_command([code, "RUS", "USA"], votes=table)
        except AllegianceError as exc:  # no votes in the window, or none imported: said in the brief
            blocks.append({"type": "p", "text": f"Ideal points: not available ({exc})."})
        else:
            blocks.append({"type": "table", "header": ["State", "Session", "Ideal point", "Band"],
                           "rows": [[r["state"], str(r["session"]), f"{r['ideal_point']:.2f}",
                                     f"{r['lo']:.2f} to {r['hi']:.2f}"] for r in ip["rows"] if r["state"] == code]})
    return blocks


def _conflicts(store: Store, code: str, as_of: date) -> list[dict[str, Any]]:
    """The conflicts touching the state (a side on its timeline), both sides known by ``as_of`` (from a source
    dated by then; a side whose sources carry no date counts as known)."""
    from allegiance.facts.query import conflicts

    known = {r[0] for r in store.con.execute(
        "SELECT c.a || ' ' || c.b FROM conflicts c JOIN statements sa ON sa.id = c.a JOIN statements sb ON sb.id = c.b "
        "WHERE (sa.known_from IS NULL OR sa.known_from <= $day) AND (sb.known_from IS NULL OR sb.known_from <= $day) "
        "AND (c.a IN (SELECT statement_id FROM involvement WHERE state = $state) "
        "OR c.b IN (SELECT statement_id FROM involvement WHERE state = $state))",
        {"day": as_of, "state": code}).fetchall()}
    return [c for c in conflicts(store)["conflicts"]
            if f"{c['statements'][0]['id']} {c['statements'][1]['id']}" in known]


# ---------------------------------------------------------------------- renderers

_MARK = re.compile(r"\[\^(\d+)\]")


def _note_text(n: dict[str, Any]) -> str:
    who = n.get("author") or n.get("outlet") or ""
    parts = [p for p in (who, f"*{n['title']}*" if n.get("title") else None, n.get("date"), n.get("locator")) if p]
    text = ", ".join(parts) + f": \u201c{n['quote']}\u201d"
    if n.get("url"):
        text += f" <{n['url']}>"
    return text + f" (statement `{n['statement']}`)" if n.get("statement") else text


def render_markdown(doc: dict[str, Any]) -> str:
    out = [f"# {doc['title']}", ""]
    if doc.get("since"):
        out += [f"*Changes are reported since {doc['since']}.*", ""]
    for sec in doc["sections"]:
        out += [f"## {sec['title']}", ""]
        for b in sec["blocks"]:
            if b["type"] == "p":
                out += [b["text"], ""]
            elif b["type"] == "ul":
                out += [f"- {i}" for i in b["items"]] + [""]
            elif b["type"] == "table":
                out.append("| " + " | ".join(b["header"]) + " |")
                out.append("|" + "|".join("---" for _ in b["header"]) + "|")
                out += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in b["rows"]]
                out.append("")
    out += ["## Notes", ""]
    out += [f"[^{n['n']}]: {_note_text(n)}" for n in doc["footnotes"]]
    return "\n".join(out) + "\n"


def _h(text: str) -> str:
    return _MARK.sub(lambda m: f'<sup><a href="#fn-{m.group(1)}" id="ref-{m.group(1)}">{m.group(1)}</a></sup>',
                     html.escape(text))


_STYLE = ("<style>body{font-family:Georgia,serif;max-width:52rem;margin:2rem auto;line-height:1.5}"
          "table{border-collapse:collapse}td,th{border:1px solid #bbb;padding:.2rem .5rem;text-align:left}"
          "ol.notes{font-size:.9rem}</style>")


def render_html(doc: dict[str, Any]) -> str:
    out = ["<!doctype html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           f"<title>{html.escape(doc['title'])}</title>",
           _STYLE, "</head>", "<body>", f"<h1>{html.escape(doc['title'])}</h1>"]
    for sec in doc["sections"]:
        out.append(f'<section id="{html.escape(sec["id"])}"><h2>{html.escape(sec["title"])}</h2>')
        for b in sec["blocks"]:
            if b["type"] == "p":
                out.append(f"<p>{_h(b['text'])}</p>")
            elif b["type"] == "ul":
                out.append("<ul>" + "".join(f"<li>{_h(i)}</li>" for i in b["items"]) + "</ul>")
            elif b["type"] == "table":
                out.append("<table><thead><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in b["header"])
                           + "</tr></thead><tbody>" + "".join(
                               "<tr>" + "".join(f"<td>{_h(c)}</td>" for c in row) + "</tr>" for row in b["rows"])
                           + "</tbody></table>")
        out.append("</section>")
    out.append('<section id="notes"><h2>Notes</h2><ol class="notes">')
    for n in doc["footnotes"]:
        text = html.escape(_note_text(n).replace("*", ""))
        if n.get("url"):
            u = html.escape(n["url"])
            text = text.replace(f"&lt;{u}&gt;", f'<a href="{u}">{u}</a>')
        out.append(f'<li id="fn-{n["n"]}">{text} <a href="#ref-{n["n"]}">\u21a9</a></li>')
    out += ["</ol></section>", "</body>", "</html>"]
    return "\n".join(out) + "\n"
