"""vetoes and body_power: who can block, who can act alone, and how much each member of a body weighs."""

from __future__ import annotations

from datetime import date

from allegiance.errors import UnknownIdError, RulesError
from allegiance.rules.history import settled_analysis, settled_body_analysis, version
from allegiance.rules.rulebook import Ctx, Rules, check_mode, find_action, members, resolve_day

__all__ = ["vetoes", "body_power"]


def vetoes(rules: Rules, arrangement: str, action: str | None = None, *, as_of: date | None = None,
           mode: str | None = None) -> dict:
    """Veto states and offices, who can act alone, and minimal winning coalitions, per action and mode."""
    arr = rules.arrangement(arrangement)
    check_mode(arr, mode)
    day, basis = resolve_day(arr, as_of)
    acts = [find_action(arr, action)] if action else list(arr.model.actions)
    modes = [mode] if mode else list(arr.model.modes)
    rows = []
    for act in acts:
        for m in modes:
            a, why = settled_analysis(rules, Ctx(arr, day, m, True), act)
            rows.append({"action": act.id, "action_name": act.name, "mode": m, **a, "unknown_reason": why})
    bodies = []
    if action is None:
        ctx = Ctx(arr, day, None, True)
        for b in arr.model.bodies:
            a, why = settled_body_analysis(rules, ctx, b)
            here = [x.player for x in members(ctx, b, None)]
            bodies.append({"body": b.id, "name": b.name, "rule": b.rule.describe(len(here)), "members": here, **a,
                           "unknown_reason": why, "sources": [c.to_json() for c in rules.rule_evidence(arr, b)]})
    return {"arrangement": arr.model.id, "as_of": day.isoformat(), "as_of_basis": basis, "actions": rows,
            "bodies": bodies, "version": version(arr, day, actions=acts)}


def body_power(rules: Rules, body: str, *, arrangement: str | None = None, as_of: date | None = None) -> dict:
    """Exact Banzhaf (normalised and absolute) and Shapley-Shubik indices of a body's members.

    One exact count of swings (:func:`allegiance.rules.power.power_indices`) gives every index.
    """
    from allegiance.rules import power as pw

    if arrangement is not None:
        rules.arrangement(arrangement)
    owners = [a for a in rules.book.arrangements.values() if body in a.bodies
              and (arrangement is None or a.model.id == arrangement)]
    if not owners:
        known = sorted({f"{b} (in {a.model.id})" for a in rules.book.arrangements.values() for b in a.bodies})
        raise UnknownIdError(f"unknown body {body!r}" + (f" in {arrangement}" if arrangement else "")
                             + f"; bodies: {', '.join(known)}", value=body, field="body", allowed=", ".join(known))
    if len(owners) > 1:
        which = ", ".join(a.model.id for a in owners)
        raise RulesError(f"body {body!r} is in several arrangements ({which}); name the arrangement",
                         value=body, field="arrangement", allowed=which)
    arr = owners[0]
    day, basis = resolve_day(arr, as_of)
    b = arr.bodies[body]
    here = [m.player for m in members(Ctx(arr, day, None, True), b, None)]
    if not here:
        raise RulesError(f"{b.id} has no members on {day}", value=day.isoformat(), field="as_of")
    game = b.rule.simple_game(here)
    pi = pw.power_indices(game)
    n = len(game.players)
    players = []
    for p in game.players:
        bz, ss = pi.banzhaf[p], pi.shapley_shubik[p]
        players.append({"player": p, "state": rules.cat.state_of(p), "name": rules.name(p),
                        "banzhaf": float(bz), "banzhaf_exact": str(bz),
                        "banzhaf_absolute": float(pi.absolute_banzhaf[p]) if n <= 62 else None,
                        "swings": pi.swings[p], "shapley_shubik": float(ss), "shapley_shubik_exact": str(ss)})
    return {"arrangement": arr.model.id, "body": b.id, "name": b.name, "as_of": day.isoformat(),
            "as_of_basis": basis, "rule": b.rule.describe(n), "players": players,
            "veto_players": sorted(pw.veto_players(game)),
            "sources": [c.to_json() for c in rules.rule_evidence(arr, b)]}

