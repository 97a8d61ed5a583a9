"""verify and keeps_veto: properties checked over every mode and every date at which a provision changes."""

from __future__ import annotations

from datetime import date
from typing import Iterable

from pydantic import ValidationError

from allegiance.errors import RulesError, UnknownIdError, UnknownStateError, UsageError, shorten
from allegiance.facts.citations import dedup
from allegiance.facts.predicates import MODES
from allegiance.rules.explain import action_proof
from allegiance.rules.history import action_hinges, version
from allegiance.rules.load import LoadedArrangement
from allegiance.rules.logic import Game, TooManyCoalitions
from allegiance.rules.model import CHECKS, EFFECTS, Property
from allegiance.rules.requirements import MWC_LIMIT, action_func, one_winning, provisions
from allegiance.rules.rulebook import Ctx, Rules, check_mode, state_players

__all__ = ["verify", "keeps_veto", "change_dates"]


def verify(rules: Rules, arrangement: str, prop: str | None = None, *, check: str | None = None,
           state: str | None = None, actions: Iterable[str] = (), effects: Iterable[str] = (),
           territory: str | None = None, modes: Iterable[str] = ()) -> dict:
    """Check a property over every mode and every date at which a provision changes.

    ``holds`` is False with the first counterexample; True when every case passes; None when no case fails
    but some turn on a provision past its ``known_until`` (listed in ``unknown``).

    ``prop`` names a property of the arrangement; or give ``check`` (veto, cannot-act-alone,
    can-act-alone, impossible, possible) with ``state`` and the actions (ids, or effects and territory).
    """
    arr = rules.arrangement(arrangement)
    if prop is not None:
        found = [p for p in arr.model.properties if p.id == prop]
        if not found:
            known = ", ".join(p.id for p in arr.model.properties) or "none"
            raise UnknownIdError(f"unknown property {prop!r} of {arr.model.id}; its properties: {known}",
                                 value=prop, field="prop", allowed=known)
        P = found[0]
    else:
        P = _ad_hoc(check, state, actions, effects, territory, modes)
        _check_parts(rules, arr, P)
    prop_modes = list(P.modes) if P.modes else list(arr.model.modes)
    for m in prop_modes:
        check_mode(arr, m)
    acts = [a for a in arr.model.actions
            if a.id in P.actions or (P.effects and set(P.effects) & set(a.effects)
                                      and (P.territory is None or a.territory == P.territory))]
    if not acts:
        known = ", ".join(a.id for a in arr.model.actions) or "none"
        raise RulesError(f"property {P.id} matches no action of {arr.model.id} (its actions: {known})",
                         value=list(P.actions) or list(P.effects), field="actions" if P.actions else "effects",
                         allowed=known)
    dates = change_dates(arr)
    g = rules.game(arr)
    by_state = state_players(rules, arr)
    group = set(by_state.get(P.state, [])) if P.state else set()
    checked = 0
    unknown: list[dict] = []
    ver = version(arr, None, actions=acts)
    for day in dates:
        for m in prop_modes:
            ctx = Ctx(arr, day, m, True)
            for act in acts:
                f = action_func(rules, ctx, act)
                checked += 1
                if f is None:
                    continue
                bad = _violation(rules, g, P.check, f, group)
                hinges = action_hinges(arr, act, day)
                if hinges:  # a provision past its known_until: the answer must not turn on it
                    sf = action_func(rules, Ctx(arr, day, m, False), act)
                    if sf is None or (_violation(rules, g, P.check, sf, group) is None) != (bad is None):
                        unknown.append({"action": act.id, "mode": m, "date": day.isoformat(),
                                        "reason": f"the answer depends on whether {', '.join(hinges)} "
                                                  f"{'is' if len(hinges) == 1 else 'are'} still in force"})
                        continue
                if bad is None:
                    continue
                coalition, why = bad
                proof = action_proof(rules, ctx, act, set(coalition), set())
                return {"arrangement": arr.model.id, "property": P.id, "description": P.description,
                        "holds": False, "checked": checked, "dates": [d.isoformat() for d in dates],
                        "counterexample": {"action": act.id, "mode": m, "date": day.isoformat(),
                                           "coalition": sorted(coalition), "why": why, "proof": proof.to_json(),
                                           "sources": proof.sources_json()},
                        "unknown": unknown, "version": ver}
    return {"arrangement": arr.model.id, "property": P.id, "description": P.description,
            "holds": None if unknown else True,
            "checked": checked, "dates": [d.isoformat() for d in dates], "actions": [a.id for a in acts],
            "modes": prop_modes, "counterexample": None, "unknown": unknown, "version": ver}


def keeps_veto(rules: Rules, arrangement: str, *, state: str, effects: Iterable[str], as_of: date,
               territory: str | None = None) -> dict:
    """Whether ``state`` can block every action with one of ``effects`` (on ``territory``), in every mode, on one day.

    The status layer's veto criteria ask this of each arrangement a state is party to. ``holds`` is
    True when the state blocks every matching action that some coalition could take, in every mode;
    False with a counterexample (action, mode, a winning coalition without the state, its proof);
    None when no matching action has a provision in force that day, or when the answer turns on a
    provision only possibly in force (a fuzzy date, or past its ``known_until``), with ``reason`` saying which.
    """
    arr = rules.arrangement(arrangement)
    effects = set(effects)
    acts = [a for a in arr.model.actions if effects & set(a.effects)
            and (territory is None or a.territory in (None, territory))]
    base = {"arrangement": arr.model.id, "state": state, "as_of": as_of.isoformat(), "effects": sorted(effects),
            "territory": territory, "actions": [a.id for a in acts], "holds": None, "reason": None,
            "counterexample": None, "checked": [], "sources": []}
    members = [m for b in arr.model.bodies for m in b.members if rules.cat.state_of(m.player) == state]
    if members and not any(Ctx(arr, as_of, None, True).on(m) for m in members):
        return {**base, "actions": [], "reason": f"{state} is not a member of any body of {arr.model.id} on {as_of}"}
    if not acts:
        return {**base, "reason": f"{arr.model.id} has no action with effect {', '.join(sorted(effects))}"
                + (f" on {territory}" if territory else "")}
    group = set(state_players(rules, arr).get(state, []))
    g = rules.game(arr)
    answers = []
    for lenient in (False, True):
        checked, bad, sources = [], None, []
        for m in arr.model.modes:
            ctx = Ctx(arr, as_of, m, lenient)
            for act in acts:
                f = action_func(rules, ctx, act)
                if f is None:
                    continue
                checked.append({"action": act.id, "mode": m, "possible": f != g.false})
                for prov in provisions(ctx, act):
                    sources.extend(rules.evidence(arr, prov))
                v = _violation(rules, g, "veto", f, group)
                if v is not None and bad is None:
                    proof = action_proof(rules, ctx, act, set(v[0]), set())
                    bad = {"action": act.id, "mode": m, "coalition": sorted(v[0]), "why": v[1],
                           "proof": proof.to_json(), "sources": proof.sources_json()}
        answers.append((checked, bad, [c.to_json() for c in dedup(sources)]))
    (s_checked, s_bad, _), (l_checked, l_bad, l_sources) = answers
    if not l_checked:
        return {**base, "reason": f"no provision of {arr.model.id} on {', '.join(a.id for a in acts)} is in force "
                f"on {as_of.isoformat()}"}
    found = {"counterexample": l_bad, "checked": l_checked, "sources": l_sources}
    if (s_bad is None) != (l_bad is None) or not s_checked:
        hinges = [h for a in acts for h in action_hinges(arr, a, as_of)]
        return {**base, **found, "reason": f"the answer turns on a provision of {arr.model.id} only possibly in "
                f"force on {as_of.isoformat()} " + (f"({'; '.join(hinges)})" if hinges else "(a fuzzy date)")}
    return {**base, **found, "holds": l_bad is None}


def _violation(rules: Rules, g: Game, check: str, f, group: set[str]):
    if check == "veto":
        if f == g.false:
            return None
        if g.blocks(f, group):
            return None
        return _one_winning(g, g.restrict(f, {p: False for p in group})), "a winning coalition without the state"
    if check == "cannot-act-alone":
        if g.evaluate(f, group):
            return group, "the state's players alone suffice"
        return None
    if check == "can-act-alone":
        if not g.evaluate(f, group):
            return group, "the state's players alone do not suffice"
        return None
    if check == "impossible":
        if f != g.false:
            return _one_winning(g, f), "a winning coalition exists"
        return None
    if check == "possible":
        if f == g.false:
            return set(g.players), "not even every player together suffices"
        return None
    raise RulesError(f"unknown check {check!r}", value=check, field="check", allowed=", ".join(CHECKS))


def change_dates(arr: LoadedArrangement) -> list[date]:
    """The start of the arrangement, its described date, and every bound of every dated record in it."""
    days = set()
    whole = arr.spans.get(())
    for span in arr.spans.values():
        days.update(span.bounds())
    if arr.described is not None:
        days.add(arr.described.lower)
    if whole is not None:
        lo, hi = whole.start_lo, whole.end_hi
        days = {d for d in days if (lo is None or d >= lo) and (hi is None or d < hi)}
    return sorted(days)


def _ad_hoc(check, state, actions, effects, territory, modes) -> Property:
    """A property described by its parts rather than named; a bad part is a RulesError naming the parameter."""
    if check is None:
        raise RulesError("name a property of the arrangement, or describe one: a check, a state and the actions",
                         field="check", allowed=", ".join(CHECKS))
    try:
        return Property(id="ad-hoc", description=f"{check} {state or ''}".strip(), check=check, state=state,
                        actions=list(actions), effects=list(effects), territory=territory, modes=list(modes) or None)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = str(err["loc"][0]) if err["loc"] else "check"
        value = {"check": check, "state": state, "territory": territory}.get(field, err.get("input"))
        allowed = {"check": ", ".join(CHECKS), "effects": ", ".join(EFFECTS), "modes": ", ".join(MODES)}.get(field)
        raise RulesError(f"invalid {field} {shorten(value)}: " + (f"expected one of {allowed}" if allowed
                         else err["msg"]), value=value, field=field, allowed=allowed) from None


def _check_parts(rules: Rules, arr, P: Property) -> None:
    """The parts of an ad-hoc property must name what the arrangement has: a state that plays a part in it,
    its own actions, a territory one of its actions is on; otherwise the property would hold vacuously."""
    from allegiance.facts.codes import resolve_state

    players = {s for s in state_players(rules, arr) if s}
    for field, given in (("state", P.state), ("territory", P.territory)):
        if given is None:
            continue
        try:
            code = resolve_state(given, rules.cat.state_names)
        except UnknownStateError as exc:
            raise UnknownStateError(exc.message, value=given, field=field) from None
        known = players if field == "state" else {a.territory for a in arr.model.actions if a.territory}
        if code not in known:
            what = "plays no part in" if field == "state" else "is the territory of no action of"
            raise UsageError(f"{field} {code} {what} {arr.model.id}: the property would hold vacuously; ask about "
                             f"one of {', '.join(sorted(known)) or 'none'}", value=given, field=field,
                             allowed=", ".join(sorted(known)))
    ids = {a.id for a in arr.model.actions}
    unknown = [a for a in P.actions if a not in ids]
    if unknown:
        raise UnknownIdError(f"unknown action {shorten(unknown[0])} in {arr.model.id}; its actions: "
                             f"{', '.join(sorted(ids)) or 'none'}", value=unknown[0], field="actions",
                             allowed=", ".join(sorted(ids)))
    if P.territory is not None and not P.effects:
        raise UsageError("a territory narrows the effects asked about: give the effects too", value=P.territory,
                         field="territory", allowed="with effects")


def _one_winning(g: Game, f) -> set[str]:
    """A minimal winning coalition of ``f`` (not false): the first of the list (the smallest), or, where there
    are more than a few hundred to list, one found directly from a satisfying assignment."""
    try:
        return set(g.minimal_winning(f, limit=MWC_LIMIT)[0])
    except TooManyCoalitions:
        return one_winning(g, f)
