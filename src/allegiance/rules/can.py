"""can: is an action permitted (given consents) or possible (at all), on whose consent, with the proof.

Provisions, members and commands carry valid times; only those in force on
the date count. Where a valid time is fuzzy and the date falls inside its
bounds, the answer is computed both with and without it, and anything the
two readings disagree on is reported as unknown (``null``) with the reason.
"""

from __future__ import annotations

from datetime import date
from typing import Iterable

from allegiance.rules.conditions import Decision, Holds, walk
from allegiance.rules.explain import action_proof, full_proof
from allegiance.rules.history import ANALYSIS_KEYS, action_hinges, unknown_after, version
from allegiance.rules.memo import ActionKey, SourcesKey, UncertainKey
from allegiance.rules.requirements import action_analysis, action_func, analysis, fuzzy_on
from allegiance.rules.rulebook import Ctx, Rules, check_mode, expand_consent, find_action, resolve_day

__all__ = ["can"]


def can(rules: Rules, action: str, *, arrangement: str, mode: str | None = None, as_of: date | None = None,
        consent: Iterable[str] | None = None, abstain: Iterable[str] = ()) -> dict:
    """Is ``action`` permitted (given consents) or possible (at all), on whose consent, with the proof."""
    arr = rules.arrangement(arrangement)
    act = find_action(arr, action)
    check_mode(arr, mode)
    day, basis = resolve_day(arr, as_of)
    yes = expand_consent(rules, arr, consent) if consent is not None else None
    ab = expand_consent(rules, arr, abstain, field="abstain") if abstain else set()
    if yes is not None:
        ab -= yes
    ctx = Ctx(arr, day, mode, True)
    f = action_func(rules, ctx, act)
    out = dict(action_analysis(rules, ctx, act))
    # The proof: with the consents given, or with every player consenting (is it possible at all?)
    who = yes if yes is not None else set(rules.game(arr).players)
    proof = full_proof(rules, ctx, act, who, ab, given=yes is not None)
    if yes is None or f is None:
        out["permitted"] = None
    else:  # in one mode the proof is the answer; in none, it is permitted in some mode (reaching it aside)
        out["permitted"] = bool(proof.result) if mode is not None else _permitted(rules, ctx, act, yes, ab)
    strict = out
    fuzzy = fuzzy_on(rules, arr, day)
    if fuzzy:  # the stricter reading, only where something is possibly in force
        sctx = Ctx(arr, day, mode, False)
        sf = action_func(rules, sctx, act)
        g = rules.game(arr)
        strict = {"possible": None if sf is None else sf != g.false,
                  "permitted": _permitted(rules, sctx, act, yes, ab) if yes is not None and sf is not None else None}
    uncertain = _uncertain(rules, ctx, act) if fuzzy else []  # nothing is possibly in force otherwise
    unknown = None
    if f is None:
        unknown = (f"no provision of {arr.model.id} on {act.id} is in force on {day}"
                   + (f" in {mode}" if mode else ""))
    hinges = action_hinges(arr, act, day, mode) if fuzzy else []
    if hinges and out["possible"] is not None and out["possible"] == strict["possible"]:
        # possible either way; but who must consent may turn on what is known only until an earlier day
        sa = action_analysis(rules, sctx, act)
        if any(out[k] != sa[k] for k in ANALYSIS_KEYS):
            out = {**out, **{k: v for k, v in analysis(rules, arr, None).items() if k != "possible"}}
            unknown = (f"who must consent depends on whether {', '.join(hinges)} "
                       f"{'is' if len(hinges) == 1 else 'are'} still in force on {day}")
    for key in ("possible", "permitted"):
        if out[key] != strict[key]:
            out[key] = None
            fuzzy_only = not any("known only until" in u for u in uncertain)
            unknown = (f"the answer depends on whether {', '.join(uncertain)} "
                       f"{'is' if len(uncertain) == 1 else 'are'} in force on {day}"
                       + (" (fuzzy dates)" if fuzzy_only else ""))
    return {
        "arrangement": arr.model.id, "arrangement_name": arr.model.name,
        "action": act.id, "action_name": act.name, "mode": mode, "as_of": day.isoformat(), "as_of_basis": basis,
        "consent": sorted(yes) if yes is not None else None, "abstain": sorted(ab),
        "permitted": out["permitted"], "possible": out["possible"],
        "possible_modes": _possible_modes(rules, ctx, act) if mode is None else None,
        "veto_states": out["veto_states"], "veto_offices": out["veto_offices"], "veto_players": out["veto_players"],
        "can_act_alone": out["can_act_alone"],
        "minimal_winning_coalitions": out["minimal_winning_coalitions"],
        "minimal_winning_coalitions_count": out["minimal_winning_coalitions_count"],
        "unknown_reason": unknown, "uncertain": uncertain,
        "version": version(arr, day, actions=[act], transitions=mode is None),
        "proof": proof.to_json(), "sources": _sources(rules, ctx, act, proof),
    }


def _sources(rules: Rules, ctx: Ctx, act, proof) -> list[dict]:
    """The proof's citations in full (each answer gets its own dictionaries)."""
    key = SourcesKey(ActionKey(ctx.arr.model.id, act.id, ctx.mode, ctx.day, ctx.lenient))
    shared = rules.memo.get(key)
    if shared is None:
        shared = rules.memo.put(key, proof.sources_json())
    return [{**c, "refs": [dict(r) for r in c["refs"]]} for c in shared]


def _permitted(rules: Rules, ctx: Ctx, act, yes: set[str], ab: set[str]) -> bool:
    if ctx.mode is not None:
        return bool(action_proof(rules, ctx, act, yes, ab).result)
    return any(bool(full_proof(rules, ctx.in_mode(m), act, yes, ab, given=True).result)
               for m in ctx.arr.model.modes)


def _possible_modes(rules: Rules, ctx: Ctx, act) -> list[str]:
    g = rules.game(ctx.arr)
    out = []
    for m in ctx.arr.model.modes:
        f = action_func(rules, ctx.in_mode(m), act)
        if f is not None and f != g.false:
            out.append(m)
    return out


def _uncertain(rules: Rules, ctx: Ctx, act) -> list[str]:
    """What the answer may hinge on: provisions, body members and statements only possibly in force on the day."""
    key = UncertainKey(ctx.arr.model.id, act.id, ctx.day, ctx.mode)
    out = rules.memo.get(key)
    if out is None:
        out = rules.memo.put(key, _hinges(rules, ctx, act))
    return list(out)


def _hinges(rules: Rules, ctx: Ctx, act) -> list[str]:
    arr, out = ctx.arr, []
    for p in act.provisions:
        if arr.span_of(p).holds(ctx.day) == "possibly":
            why = unknown_after(arr, p, ctx.day)
            out.append(f"provision {p.id}" + (f" ({why})" if why else ""))
        for node in walk(arr.condition_of(p)):
            if isinstance(node, Holds) and rules.statement_holds(node.statement, ctx.day) == "possibly":
                out.append(f"statement {node.statement}")
            elif isinstance(node, Decision):
                for m in arr.bodies[node.body].members:
                    if arr.span_of(m).holds(ctx.day) == "possibly":
                        why = unknown_after(arr, m, ctx.day)
                        out.append(f"membership of {m.player} in {node.body}" + (f" ({why})" if why else ""))
    if ctx.mode is None:  # reaching a mode from the initial one goes through the transitions
        for t in arr.model.transitions:
            if arr.span_of(t).holds(ctx.day) == "possibly":
                why = unknown_after(arr, t, ctx.day)
                out.append(f"transition {t.id}" + (f" ({why})" if why else ""))
    return list(dict.fromkeys(out))
