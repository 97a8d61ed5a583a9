"""An arrangement through time: the version an answer used, and what is known only until a day.

Arrangements are encoded as dated records (provisions, commands, members) from their founding:
``valid_from``/``valid_until``, ``supersedes`` (a provision replacing an earlier one of the same action) and
``known_until`` (the day from which the sources no longer say whether a record holds: from then on it is
only possibly in force, and an answer that turns on it is ``unknown`` with the record's reason). Every rules
answer carries a ``version``: the arrangement's ``described_as_of`` and ``encoded_until``, the dated records in
force on the day asked, and a caveat when that day is past what is encoded (:func:`version`).
"""

from __future__ import annotations

from datetime import date

from allegiance.rules.load import LoadedArrangement

__all__ = ["version", "past_encoded", "unknown_after", "action_hinges", "settled_analysis", "settled_body_analysis",
           "ANALYSIS_KEYS"]


def past_encoded(arr: LoadedArrangement, day: date | None) -> str | None:
    """The caveat for a day past the last day the arrangement's history is encoded to, else None."""
    m = arr.model
    if day is None or arr.encoded is None or day <= arr.encoded.upper:
        return None
    until = m.encoded_until or m.described_as_of
    return f"{m.id} is encoded up to {until}; later changes to it are not encoded"


def unknown_after(arr: LoadedArrangement, rec, day: date) -> str | None:
    """Why ``rec`` is not known to hold on ``day`` (its ``known_until`` has come), else None."""
    ku = getattr(rec, "known_until", None)
    if ku is None:
        return None
    span = arr.span_of(rec)
    if span.end_lo is None or day < span.end_lo or span.holds(day) == "no":
        return None
    return f"known only until {ku.date}: {ku.reason}"


def action_hinges(arr: LoadedArrangement, act, day: date, mode: str | None = "") -> list[str]:
    """The action's provisions past their ``known_until`` on ``day``, and the members of the bodies they ask
    to decide, each with its reason; with ``mode`` None (any mode, reaching it included), the transitions
    between modes past theirs too."""
    from allegiance.rules.conditions import Decision, walk

    out = []
    for p in act.provisions:
        why = unknown_after(arr, p, day)
        if why is not None:
            out.append(f"provision {p.id} ({why})")
        if arr.span_of(p).holds(day) == "no":
            continue
        for node in walk(arr.condition_of(p)):
            if isinstance(node, Decision):
                for m in arr.bodies[node.body].members:
                    why = unknown_after(arr, m, day)
                    if why is not None:
                        out.append(f"membership of {m.player} in {node.body} ({why})")
    if mode is None:
        for t in arr.model.transitions:
            why = unknown_after(arr, t, day)
            if why is not None:
                out.append(f"transition {t.id} ({why})")
    return list(dict.fromkeys(out))


def settled_analysis(rules, ctx, act) -> tuple[dict, str | None]:
    """The action's analysis in ctx, or, where it turns on a provision past its ``known_until``, an unknown
    one and the reason (the answers with and without what is only possibly in force are compared)."""
    from allegiance.rules.requirements import action_analysis, analysis
    from allegiance.rules.rulebook import Ctx

    a = action_analysis(rules, ctx, act)
    hinges = action_hinges(ctx.arr, act, ctx.day, ctx.mode)
    if not hinges:
        return a, None
    s = action_analysis(rules, Ctx(ctx.arr, ctx.day, ctx.mode, False), act)
    return _settle(rules, ctx.arr, a, s, hinges, ctx.day)


def settled_body_analysis(rules, ctx, body) -> tuple[dict, str | None]:
    """A body's analysis in ctx (``analysis`` of its decision), unknown where a member past its ``known_until``
    changes it."""
    from allegiance.rules.requirements import analysis, body_func
    from allegiance.rules.rulebook import Ctx

    a = analysis(rules, ctx.arr, body_func(rules, ctx, body, None))
    hinges = [f"membership of {m.player} in {body.id} ({why})" for m in body.members
              if (why := unknown_after(ctx.arr, m, ctx.day)) is not None]
    if not hinges:
        return a, None
    s = analysis(rules, ctx.arr, body_func(rules, Ctx(ctx.arr, ctx.day, ctx.mode, False), body, None))
    return _settle(rules, ctx.arr, a, s, hinges, ctx.day)


def _settle(rules, arr, a: dict, s: dict, hinges: list[str], day: date) -> tuple[dict, str | None]:
    """The lenient analysis ``a`` where the strict one ``s`` agrees; else unknown, keeping ``possible`` where
    both readings agree on it."""
    from allegiance.rules.requirements import analysis

    if all(a[k] == s[k] for k in ANALYSIS_KEYS):
        return a, None
    out = analysis(rules, arr, None)
    if a["possible"] == s["possible"]:
        return {**out, "possible": a["possible"]}, (f"who must consent depends on whether {', '.join(hinges)} "
                                                    f"{'is' if len(hinges) == 1 else 'are'} still in force on {day}")
    return out, depends_reason(hinges, day)


#: What an action's analysis says: compared between the readings with and without what is possibly in force.
ANALYSIS_KEYS = ("possible", "veto_states", "veto_offices", "can_act_alone", "minimal_winning_coalitions")


def depends_reason(hinges: list[str], day: date) -> str:
    """Why an answer is unknown: the records past their ``known_until`` that it turns on."""
    return (f"the answer depends on whether {', '.join(hinges)} {'is' if len(hinges) == 1 else 'are'} still in "
            f"force on {day}")


def version(arr: LoadedArrangement, day: date | None, *, actions=None, forces=None,
            transitions: bool = False) -> dict:
    """The version of ``arr`` an answer used: its dates, the dated records in force on ``day`` (those of
    ``actions`` and ``forces``, every action's where both are None; the transitions between modes too where
    ``transitions``), and the caveat past what is encoded.

    ``day`` None (a property checked over every date): every dated record of those actions and forces, with
    ``holds`` None.
    """
    m = arr.model
    if actions is None and forces is None:
        actions = m.actions
    records = []
    for act in actions or ():
        for p in act.provisions:
            records.append(_record(arr, p, day, "provision", p.id, act.id, supersedes=list(p.supersedes)))
    if transitions:
        for t in m.transitions:
            records.append(_record(arr, t, day, "transition", t.id, f"{t.from_}->{t.to}"))
    for f in forces or ():
        for j, c in enumerate(f.command):
            records.append(_record(arr, c, day, "command", f"{f.id}.command[{j}]", f.id,
                                   modes=list(c.modes)))
    records = [r for r in records if r is not None]
    return {"arrangement": m.id, "described_as_of": m.described_as_of,
            "encoded_until": m.encoded_until or m.described_as_of,
            "as_of": day.isoformat() if day is not None else None,
            "in_force": records, "caveat": past_encoded(arr, day)}


def _record(arr, rec, day, kind: str, rid: str, of: str, **extra) -> dict | None:
    holds = arr.span_of(rec).holds(day) if day is not None else None
    if holds == "no":
        return None
    ku = rec.known_until
    return {"record": kind, "id": rid, "of": of, "valid_from": rec.valid_from, "valid_until": rec.valid_until,
            "known_until": {"date": ku.date, "reason": ku.reason, "basis": list(ku.basis)} if ku is not None else None,
            "holds": holds, "where": arr.where(rec.path), **extra}
