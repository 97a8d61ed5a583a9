"""A state's posture on a day: labels derived from criteria, with evidence, beside what sources assess.

``status`` answers for one state and day; ``status_all`` for every state in the
knowledge base; ``compare`` tabulates several; ``changes`` finds when each label
changed between two days, and why. JSON shapes: ``docs/json.md``.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial
from typing import Any

from allegiance.errors import StatusError, UnknownStateError, shorten
from allegiance.facts.query import state_code
from allegiance.facts.store import Store
from allegiance.status.criteria import CRITERIA, Context, cites, evaluate
from allegiance.status.index import Index, existence, index_of
from allegiance.status.labels import (
    ASSESSMENT_LABELS,
    LABELS,
    criteria_of,
    formula_text,
    truth,
)

__all__ = ["COMPLETE_FROM", "COVERAGE_START", "HISTORY_START", "bounded", "changes", "compare", "coverage", "status", "status_all"]

#: From this day the knowledge base is kept complete for the states it names: its silence is evidence.
COVERAGE_START = date(1990, 1, 1)
#: The first day status (and the posture panel) answers for. Before :data:`COVERAGE_START` an answer that would
#: rest only on the knowledge base's silence is ``unknown``, with the reason (:func:`bounded`).
HISTORY_START = date(1946, 1, 1)
#: Criteria whose records the knowledge base keeps complete from an earlier day than :data:`COVERAGE_START`,
#: and why: from that day their silence is evidence too.
COMPLETE_FROM: dict[str, tuple[date, str]] = {
    "nam-member": (HISTORY_START, "the Non-Aligned Movement was founded at Belgrade on 1 September 1961 and the "
                   "knowledge base records every member from then on (kb/nam-members.yaml, from the summits' "
                   "participant lists); before then no state was a member"),
    "nato-member": (HISTORY_START, "NATO was founded by the North Atlantic Treaty of 4 April 1949 and the knowledge "
                    "base records every member with the day it joined (kb/memberships.yaml); before then no "
                    "state was a member"),
}


def rules_for(store: Store):
    """The shipped arrangements over ``store``, loaded on first use and kept with the store."""
    rules = store.cache.get("status-rules")
    if rules is None:
        from allegiance.rules import open_rules

        rules = store.cache["status-rules"] = open_rules(store)
    return rules


def coverage(store: Store) -> tuple[date, date | None]:
    """The days status answers for: from 1946 to the knowledge base's horizon (its newest source access); the
    knowledge base is complete from :data:`COVERAGE_START`."""
    return HISTORY_START, index_of(store).horizon


def _check_day(ix: Index, as_of: date) -> None:
    if not isinstance(as_of, date):
        raise StatusError(f"as_of must be a date, got {shorten(as_of)}", value=as_of, field="as_of",
                          allowed="a datetime.date")
    if as_of < HISTORY_START:
        raise StatusError(f"{as_of.isoformat()} is before the coverage of status questions, which starts "
                          f"on {HISTORY_START.isoformat()}; ask about a day from then on", value=as_of.isoformat(),
                          field="as_of", allowed=f"a day from {HISTORY_START.isoformat()} on")
    if ix.horizon is not None and as_of > ix.horizon:
        raise StatusError(f"{as_of.isoformat()} is after the knowledge base's horizon "
                          f"({ix.horizon.isoformat()}, the newest date any of its sources was read): "
                          "what holds later is not known; ask about a day up to the horizon",
                          value=as_of.isoformat(), field="as_of",
                          allowed=f"a day from {HISTORY_START.isoformat()} to {ix.horizon.isoformat()}")


def _check(store: Store, state: str, as_of: date, *, field: str = "as_of") -> tuple[Index, str, str]:
    ix = index_of(store)
    _check_day(ix, as_of)
    code, name = state_code(store, state)
    if ix.type.get(code) != "state":
        raise UnknownStateError(f"{shorten(state)} ({code}) is not a state the knowledge base covers; "
                                f"it covers {len(ix.states)}: list them with status_all (allegiance status --all)",
                                value=state, field="state", allowed=f"one of the {len(ix.states)} states covered")
    held, recs = existence(ix, code, as_of)
    if held == "no":
        when = " and ".join(("as no state " if r.negated else "as a state ") + f"from {r.obj.get('valid_from')} "
                            + (f"until {r.obj['valid_until']}" if r.obj.get("valid_until") else "on")
                            + f" ({r.id})" for r in recs)
        raise StatusError(f"{code} ({name}) did not exist as a state on {as_of.isoformat()}: the knowledge base "
                          f"dates it {when}; "
                          "ask about a day it existed, or about the state that held its territory that day",
                          value=as_of.isoformat(), field=field, allowed=f"a day on which {code} existed ({when})")
    return ix, code, name


def _label(lb, results: dict[str, dict[str, Any]]) -> dict[str, Any]:
    holds = truth(lb.formula, results)
    parts = criteria_of(lb.formula) + [(c, "context") for c in lb.context]
    crits = [{**results[cid], "part": part} for cid, part in parts]
    if holds is True:
        reason = "every criterion is as the definition requires"
    elif holds is False:
        bad = [c for c in crits if c["part"] != "context" and c["result"] != "unknown"
               and (c["result"] == "met") == (c["part"] == "must-not-hold")]
        reason = "; ".join(f"{c['id']} is {c['result']}: {c['reason']}" for c in bad)
    else:
        unk = [c for c in crits if c["part"] != "context" and c["result"] == "unknown"]
        reason = "unknown, because " + "; ".join(f"{c['id']} is unknown: {c['reason']}" for c in unk)
    return {"label": lb.id, "name": lb.name, "holds": holds, "reason": reason, "definition": lb.definition,
            "formula": formula_text(lb.formula), "criteria": crits}


def _memberships(ix: Index, c: Context) -> list[dict[str, Any]]:
    out = []
    for r, s in c.holding(ix.about("member-of", c.state)):
        out.append({"organisation": r.object, "name": ix.name.get(r.object, r.object), "role": r.role,
                    "valid_from": r.obj.get("valid_from"), "valid_until": r.obj.get("valid_until"),
                    "holds": s, "statement": r.id, "sources": cites([r])})
    return sorted(out, key=lambda m: (m["organisation"], m["role"] or ""))


def _assessments(ix: Index, c: Context, labels: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for r, s in c.holding(ix.about("assessed-as", c.state)):
        if r.kind != "assessment":
            continue
        src = (r.obj.get("sources") or [{}])[0]
        label, says = ASSESSMENT_LABELS.get(r.id, (None, None))
        derived = labels[label]["holds"] if label else None
        if label is None:
            agreement = None
        elif derived is None:
            agreement = "undecided"
        else:
            agreement = "agrees" if derived == says else "disagrees"
        out.append({"id": r.id, "source": src.get("source"), "title": src.get("title"), "by": r.obj.get("by"),
                    "date": src.get("date"), "statement": r.obj.get("text"), "value": r.value,
                    "valid_from": r.obj.get("valid_from"), "valid_until": r.obj.get("valid_until"), "holds": s,
                    "label": label, "says_label_holds": says, "derived_holds": derived, "agreement": agreement,
                    "sources": cites([r])})
    return out


def bounded(res: dict[str, Any], *, state: str, day: date, covered: bool) -> dict[str, Any]:
    """``res`` within what the knowledge base covers: an answer that rests on the absence of a record
    (``closed_world``) is ``unknown`` before :data:`COVERAGE_START` (or the criterion's day in
    :data:`COMPLETE_FROM`) or for a state the knowledge base does not name; what it would have said stays in
    ``closed_world_reason``."""
    if not res.get("closed_world"):
        return res
    if not covered:
        why = f"nothing recorded, and the knowledge base names no state {state}: its silence is not evidence"
    elif day < COMPLETE_FROM.get(res.get("id"), (COVERAGE_START,))[0]:
        why = (f"nothing recorded, and the knowledge base is complete only from {COVERAGE_START.isoformat()}: "
               "before then its silence is not evidence")
    else:
        return res
    return {**res, "result": "unknown", "reason": why, "closed_world": False, "closed_world_reason": res["reason"]}


def _evaluate(store: Store, ix: Index, code: str, as_of: date) -> tuple[Context, dict[str, dict[str, Any]]]:
    c = Context(ix, code, as_of, rules_loader=partial(rules_for, store))
    return c, {cid: bounded(evaluate(c, cid), state=code, day=as_of, covered=True) for cid in CRITERIA}


def _truths(results: dict[str, dict[str, Any]]) -> dict[str, bool | None]:
    return {lb.id: truth(lb.formula, results) for lb in LABELS.values()}


def status(store: Store, state: str, *, as_of: date) -> dict[str, Any]:
    """The posture of ``state`` on ``as_of``: every label with its criteria and evidence (docs/json.md)."""
    ix, code, name = _check(store, state, as_of)
    c, results = _evaluate(store, ix, code, as_of)
    labels = {lb.id: _label(lb, results) for lb in LABELS.values()}
    assessments = _assessments(ix, c, labels)
    return {
        "state": code, "name": name, "as_of": as_of.isoformat(),
        "coverage": {"from": COVERAGE_START.isoformat(), "to": ix.horizon.isoformat() if ix.horizon else None,
                     "answers_from": HISTORY_START.isoformat()},
        "holding": sorted(k for k, v in labels.items() if v["holds"] is True),
        "labels": list(labels.values()),
        "memberships": _memberships(ix, c),
        "assessments": assessments,
        "disagreements": [a for a in assessments if a["agreement"] == "disagrees"],
        "criteria": list(results.values()),
    }


def _summary(store: Store, ix: Index, code: str, as_of: date) -> dict[str, bool | None]:
    return _truths(_evaluate(store, ix, code, as_of)[1])


def status_all(store: Store, *, as_of: date) -> dict[str, Any]:
    """Every state's labels on ``as_of`` (holds: true, false or null per label); a state that did not exist
    that day (:func:`allegiance.status.index.existence`) is not listed."""
    ix = index_of(store)
    _check_day(ix, as_of)
    rows = [{"state": s, "name": ix.name.get(s, s), "labels": _summary(store, ix, s, as_of)} for s in ix.states
            if existence(ix, s, as_of)[0] != "no"]
    return {"as_of": as_of.isoformat(), "labels": list(LABELS), "count": len(rows), "states": rows}


def compare(store: Store, states: list[str], *, as_of: date) -> dict[str, Any]:
    """Several states side by side on ``as_of``: one row per label, one column per state."""
    if not states:
        raise StatusError("name at least one state to compare (e.g. BLR FIN AUT)")
    cols = []
    for s in states:
        ix, code, name = _check(store, s, as_of)
        cols.append({"state": code, "name": name, "labels": _summary(store, ix, code, as_of)})
    return {"as_of": as_of.isoformat(), "states": [c["state"] for c in cols],
            "rows": [{"label": lb.id, "name": lb.name, "values": {c["state"]: c["labels"][lb.id] for c in cols}}
                     for lb in LABELS.values()]}


def _candidate_days(store: Store, ix: Index, code: str, start: date, end: date) -> list[date]:
    """Days on which an answer about ``code`` could change: every bound of every statement the criteria read
    that touches the state, its organisations, their obligations or its allies' wars; and every date at which
    an arrangement it is party to changes."""
    orgs = {r.object for r in ix.about("member-of", code)}
    docs = {r.object for r in ix.about("party-to", code)}
    recs = list(ix.about("member-of", code)) + list(ix.about("party-to", code))
    for pred in ("neutrality", "aim", "participated-in", "territory-used", "assessed-as"):
        recs += ix.about(pred, code)
    recs += ix.towards("stationed-in", code) + ix.by_pred["obligation"] + ix.by_pred["leased-to"]
    for o in orgs:
        recs += ix.towards("member-of", o)
    for d in docs:
        recs += ix.towards("party-to", d)
    for w in ix.wars.values():
        if w["start"] is not None:
            recs.append(w["start"])
    days: set[date] = set()
    for r in recs:
        days.update((r.from_lo, r.from_hi))
        if r.until_lo is not None:
            days.update((r.until_lo, r.until_hi))
        for s in r.superseded_by:
            days.update((s.from_lo, s.from_hi))
    from allegiance.rules import change_dates

    for arr in rules_for(store).book.arrangements.values():
        if arr.model.kind != "design" and code in arr.model.parties:
            days.update(change_dates(arr))
            if arr.described is not None:
                days.add(arr.described.upper + timedelta(days=1))
    days.add(COVERAGE_START)  # closed-world answers stop being unknown on the day the knowledge base is complete
    return sorted(d for d in days if start < d <= end)


def changes(store: Store, state: str, *, start: date, end: date) -> dict[str, Any]:
    """When each label of ``state`` changed between ``start`` and ``end``, and which criteria changed with it."""
    if end < start:
        raise StatusError(f"the end {end.isoformat()} is before the start {start.isoformat()}", value=end.isoformat(),
                          field="end", allowed=f"a day on or after {start.isoformat()}")
    ix, code, name = _check(store, state, start, field="start")
    _check(store, state, end, field="end")
    _, prev = _evaluate(store, ix, code, start)
    initial = _truths(prev)
    before = dict(initial)
    events = []
    for day in _candidate_days(store, ix, code, start, end):
        _, now = _evaluate(store, ix, code, day)
        after = _truths(now)
        moved = [k for k in after if after[k] != before[k]]
        crit = [cid for cid in now if now[cid]["result"] != prev[cid]["result"]]
        if moved:
            events.append({
                "date": day.isoformat(),
                "labels": [{"label": k, "from": before[k], "to": after[k]} for k in moved],
                "because": [{"criterion": cid, "from": prev[cid]["result"], "to": now[cid]["result"],
                             "reason": now[cid]["reason"], "evidence": [e["id"] for e in now[cid]["evidence"]]}
                            for cid in crit if any(cid == x for k in moved
                                                  for x, _ in criteria_of(LABELS[k].formula))],
            })
        before, prev = after, now
    return {"state": code, "name": name, "from": start.isoformat(), "to": end.isoformat(), "initial": initial,
            "final": before, "count": len(events), "changes": events}
