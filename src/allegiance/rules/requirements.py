"""Requirements as BDDs: a body's decision, a condition, an action in a mode, reaching a mode; and what they say.

Each diagram is a monotone function of the players' consent, built once per
(arrangement, day, mode, reading) and kept in the :class:`~allegiance.rules.rulebook.Memo`.
:func:`analysis` reads off an action's veto states and offices, who can act
alone, and its minimal winning coalitions.
"""

from __future__ import annotations

from datetime import date

from allegiance.rules.conditions import All, AnyOf, Cond, Consent, Decision, Holds, InMode, Never, walk
from allegiance.rules.logic import Game, TooManyCoalitions
from allegiance.rules.memo import ActionKey, AnalysisKey, BodyKey, FuzzyKey, ReachKey
from allegiance.rules.rulebook import Ctx, Rules, members, state_players

__all__ = ["body_func", "cond_func", "action_func", "reach", "analysis", "action_analysis", "fuzzy_on",
           "one_winning", "MWC_LIMIT"]

MWC_LIMIT = 200  # minimal winning coalitions listed in an answer (the count is always exact below 10,000)
_MISSING = object()


def body_func(rules: Rules, ctx: Ctx, body, matter: str | None):
    key = BodyKey(ctx.arr.model.id, body.id, matter, ctx.day, ctx.lenient)
    f = rules.memo.get(key, _MISSING)
    if f is _MISSING:
        here = [m.player for m in members(ctx, body, matter, rules.memo)]
        f = rules.memo.put(key, body.rule.bdd(rules.game(ctx.arr), here))
    return f


def cond_func(rules: Rules, ctx: Ctx, cond: Cond):
    g = rules.game(ctx.arr)
    if isinstance(cond, All):
        return g.all_of(cond_func(rules, ctx, c) for c in cond.items)
    if isinstance(cond, AnyOf):
        return g.any_of(cond_func(rules, ctx, c) for c in cond.items)
    if isinstance(cond, Decision):
        return body_func(rules, ctx, ctx.arr.bodies[cond.body], cond.matter)
    if isinstance(cond, Consent):
        return g.x(cond.player)
    if isinstance(cond, InMode):
        return g.true if ctx.mode in cond.modes else g.false
    if isinstance(cond, Holds):
        return g.true if ctx.counts(rules.statement_holds(cond.statement, ctx.day)) else g.false
    if isinstance(cond, Never):
        return g.false
    raise AssertionError(f"unknown condition node {cond!r}")


def provisions(ctx: Ctx, action) -> list:
    return [p for p in action.provisions if ctx.on(p)]


def action_func(rules: Rules, ctx: Ctx, action):
    """The action's requirement in ctx's mode, or None when no provision governs it on the day."""
    key = ActionKey(ctx.arr.model.id, action.id, ctx.mode, ctx.day, ctx.lenient)
    f = rules.memo.get(key, _MISSING)
    if f is not _MISSING:
        return f
    g = rules.game(ctx.arr)
    if ctx.mode is None:
        parts = []
        for m in ctx.arr.model.modes:
            sub = action_func(rules, ctx.in_mode(m), action)
            if sub is not None:
                parts.append(reach(rules, ctx)[m] & sub)
        f = g.any_of(parts) if parts else None
    else:
        provs = provisions(ctx, action)
        f = g.all_of(cond_func(rules, ctx, ctx.arr.condition_of(p)) for p in provs) if provs else None
    return rules.memo.put(key, f)


def reach(rules: Rules, ctx: Ctx) -> dict:
    """For each mode, the condition under which the arrangement can be brought into it from its initial mode."""
    key = ReachKey(ctx.arr.model.id, ctx.day, ctx.lenient)
    out = rules.memo.get(key)
    if out is not None:
        return out
    g = rules.game(ctx.arr)
    m = ctx.arr.model
    out = {mode: g.false for mode in m.modes}
    out[m.initial_mode] = g.true
    trans = [t for t in m.transitions if ctx.on(t)]
    for _ in range(len(m.modes)):
        for t in trans:
            cond = cond_func(rules, ctx.in_mode(t.from_), ctx.arr.condition_of(t))
            out[t.to] = out[t.to] | (out[t.from_] & cond)
    return rules.memo.put(key, out)


def fuzzy_on(rules: Rules, arr, day: date) -> bool:
    """Is anything in the arrangement (or a statement it relies on) only possibly in force on ``day``?"""
    key = FuzzyKey(arr.model.id, day)
    out = rules.memo.get(key)
    if out is None:
        out = rules.memo.put(key, (
            any(span.holds(day) == "possibly" for span in arr.spans.values())
            or any(rules.statement_holds(n.statement, day) == "possibly"
                   for cond in arr.conditions.values() for n in walk(cond) if isinstance(n, Holds))))
    return out


def action_analysis(rules: Rules, ctx: Ctx, action) -> dict:
    """:func:`analysis` of the action's requirement in ctx (kept: read it, do not change it)."""
    key = AnalysisKey(ActionKey(ctx.arr.model.id, action.id, ctx.mode, ctx.day, ctx.lenient))
    out = rules.memo.get(key)
    if out is None:
        out = rules.memo.put(key, analysis(rules, ctx.arr, action_func(rules, ctx, action)))
    return out


def analysis(rules: Rules, arr, f) -> dict:
    """Whether ``f`` can be met at all, its veto states and offices, who acts alone, its minimal winning coalitions."""
    g = rules.game(arr)
    if f is None:
        return {"possible": None, "veto_states": [], "veto_offices": [], "veto_players": [], "can_act_alone": [],
                "minimal_winning_coalitions": [], "minimal_winning_coalitions_count": None}
    possible = f != g.false
    by_state = state_players(rules, arr)
    vetoes = g.veto_players(f)
    veto_set = set(vetoes)
    # A state of one player blocks alone exactly when that player is a veto player; and a state can act
    # alone only if it holds every veto player. Both shortcuts save a diagram operation per state.
    veto_states = sorted(s for s, ps in by_state.items() if s and possible
                         and (ps[0] in veto_set if len(ps) == 1 else g.blocks(f, set(ps))))
    alone = sorted(s for s, ps in by_state.items() if s and possible and veto_set <= set(ps)
                   and g.evaluate_on(f, frozenset(ps)))
    try:
        mwcs = g.minimal_winning(f, limit=10_000)
        count = len(mwcs)
    except TooManyCoalitions:
        mwcs, count = [], None
    return {
        "possible": possible,
        "veto_states": veto_states,
        "veto_offices": sorted(p for p in vetoes if rules.cat.entity_type.get(p) == "office"),
        "veto_players": sorted(vetoes),
        "can_act_alone": alone,
        "minimal_winning_coalitions": [sorted(s) for s in mwcs[:MWC_LIMIT]],
        "minimal_winning_coalitions_count": count,
    }


def one_winning(g: Game, f) -> set[str] | None:
    """One minimal winning coalition of monotone ``f`` without listing them all, or None if ``f`` is false.

    Start from a satisfying assignment's true variables (a winning set: ``f`` is monotone) and drop each
    player whose absence keeps it winning.
    """
    if f == g.false:
        return None
    found = set()
    for assignment in g.bdd.pick_iter(f, care_vars=g.bdd.support(f)):
        found = {g.player_of[v] for v, val in assignment.items() if val}
        break
    for p in sorted(found):
        if g.evaluate_on(f, frozenset(found - {p})):
            found.discard(p)
    return found
