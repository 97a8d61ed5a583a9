"""Proofs of answers: each provision, condition, vote and transition checked against concrete consents.

Where :mod:`allegiance.rules.requirements` says what could happen (over every
coalition), these functions say what does happen when ``yes`` consent and
``abstain`` abstain, as a :class:`~allegiance.rules.proof.Proof` tree with the
evidence of every node.
"""

from __future__ import annotations

from allegiance.rules.conditions import All, AnyOf, Cond, Consent, Decision, Holds, InMode, Never
from allegiance.rules.proof import Proof
from allegiance.rules.requirements import provisions
from allegiance.rules.memo import BodyKey, VotersKey
from allegiance.rules.rulebook import Ctx, Rules, members

__all__ = ["cond_proof", "action_proof", "reach_proof", "full_proof"]


def cond_proof(rules: Rules, ctx: Ctx, cond: Cond, yes: set[str], abstain: set[str]) -> Proof:
    arr = ctx.arr
    where = arr.where(cond.path)
    if isinstance(cond, (All, AnyOf)):
        kids = [cond_proof(rules, ctx, c, yes, abstain) for c in cond.items]
        vals = [k.result for k in kids]
        if isinstance(cond, All):
            return Proof("all", "all of:", all(vals), where=where, children=kids)
        return Proof("any", "any of:", any(vals), where=where, children=kids)
    if isinstance(cond, Consent):
        p = cond.player
        return Proof("consent", f"consent of {p} ({rules.name(p)})", p in yes, ref=p, where=where)
    if isinstance(cond, InMode):
        ok = ctx.mode in cond.modes
        return Proof("mode", f"mode is {' or '.join(cond.modes)} (asked: {ctx.mode})", ok, where=where)
    if isinstance(cond, Holds):
        st = rules.statement_holds(cond.statement, ctx.day)
        return Proof("holds", f"statement {cond.statement} holds on {ctx.day}"
                     + (" (its valid time is fuzzy here)" if st == "possibly" else ""), ctx.counts(st),
                     ref=cond.statement, where=where, sources=rules.statement_citations(cond.statement))
    if isinstance(cond, Never):
        return Proof("never", f"prohibited: {cond.reason}", False, where=where)
    if isinstance(cond, Decision):
        return _decision_proof(rules, ctx, arr.bodies[cond.body], cond.matter, yes, abstain, where)
    raise AssertionError(f"unknown condition node {cond!r}")


def _decision_proof(rules: Rules, ctx: Ctx, body, matter, yes, abstain, where) -> Proof:
    kids = []
    votes = {}
    for player, who, where_m, sources in _voters(rules, ctx, body, matter):
        v = "yes" if player in yes else ("abstain" if player in abstain else "no")
        votes[player] = v
        kids.append(Proof("vote", f"{who} votes {v}", v == "yes", ref=player, where=where_m, sources=sources))
    opted = [m.player for m in body.members if matter in m.opt_outs and ctx.on(m)] if matter else []
    res, detail = body.rule.decide(votes)
    if opted:
        detail += f"; opted out of {matter}: {', '.join(opted)}"
    label = f"decision of {body.id} ({body.name}) by {body.rule.describe(len(votes))}"
    return Proof("decision", label, res, ref=body.id, where=where, detail=detail,
                 sources=rules.rule_evidence(ctx.arr, body), children=kids)


def _voters(rules: Rules, ctx: Ctx, body, matter) -> list[tuple]:
    """(player, "player (name)", where, evidence) of each member voting: the same in every proof of the day."""
    key = VotersKey(BodyKey(ctx.arr.model.id, body.id, matter, ctx.day, ctx.lenient))
    out = rules.memo.get(key)
    if out is None:
        out = rules.memo.put(key, [(m.player, f"{m.player} ({rules.name(m.player)})", ctx.arr.where(m.path),
                                    rules.evidence(ctx.arr, m)) for m in members(ctx, body, matter, rules.memo)])
    return out


def action_proof(rules: Rules, ctx: Ctx, action, yes: set[str], abstain: set[str]) -> Proof:
    arr = ctx.arr
    provs = provisions(ctx, action)
    on = {p.id for p in provs}
    off = [p.id for p in action.provisions if p.id not in on]
    kids = []
    for p in provs:
        sub = cond_proof(rules, ctx, arr.condition_of(p), yes, abstain)
        span = f"in force from {p.valid_from or 'the start'}" + (f" until {p.valid_until}" if p.valid_until else "")
        kids.append(Proof("provision", (p.text or f"provision {p.id}") + f" ({span})", sub.result, ref=p.id,
                          where=arr.where(p.path), sources=rules.evidence(arr, p), children=[sub]))
    res = all(k.result for k in kids) if kids else None
    detail = f"not in force on {ctx.day}: {', '.join(off)}" if off else None
    return Proof("action", f"{action.name} — in {ctx.mode}", res, ref=action.id, where=arr.where(action.path),
                 detail=detail, children=kids)


def reach_proof(rules: Rules, ctx: Ctx, mode: str, yes: set[str], abstain: set[str]) -> Proof:
    """How the arrangement gets into ``mode`` from its initial mode (the first transition path that works)."""
    arr = ctx.arr
    m = arr.model
    if mode == m.initial_mode:
        return Proof("mode", f"{mode} is the initial mode of {m.id}", True)
    trans = [t for t in m.transitions if ctx.on(t)]
    best = None
    frontier = [(m.initial_mode, [])]
    seen = {m.initial_mode}
    while frontier:
        cur, path = frontier.pop(0)
        for t in trans:
            if t.from_ == cur and t.to not in seen:
                seen.add(t.to)
                frontier.append((t.to, path + [t]))
                if t.to == mode and best is None:
                    best = path + [t]
    if best is None:
        return Proof("mode", f"no transition in force leads from {m.initial_mode} to {mode}", False)
    kids = []
    for t in best:
        c = cond_proof(rules, ctx.in_mode(t.from_), arr.condition_of(t), yes, abstain)
        kids.append(Proof("transition", f"move from {t.from_} to {t.to}", c.result, ref=t.id,
                          where=arr.where(t.path), sources=rules.evidence(arr, t), children=[c]))
    return Proof("mode", f"bring {m.id} into {mode}", all(k.result for k in kids), children=kids)


def full_proof(rules: Rules, ctx: Ctx, act, yes: set[str], ab: set[str], *, given: bool) -> Proof:
    """The action's proof in ctx's mode; with no mode, in each mode, reaching it included."""
    arr = ctx.arr
    if ctx.mode is not None:
        p = action_proof(rules, ctx, act, yes, ab)
        if not given:
            p.label += " — if every player consents"
        return p
    kids = []
    for m in arr.model.modes:
        sub = ctx.in_mode(m)
        reach = reach_proof(rules, sub, m, yes, ab)
        body = action_proof(rules, sub, act, yes, ab)
        res = None if body.result is None else (reach.result and body.result)
        kids.append(Proof("in-mode", f"in {m}", res, children=[reach, body]))
    results = [k.result for k in kids if k.result is not None]
    res = any(results) if results else None
    label = f"{act.name} — in some mode" + ("" if given else ", if every player consents")
    return Proof("action", label, res, ref=act.id, where=arr.where(act.path), children=kids)
