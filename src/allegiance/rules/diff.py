"""diff: two arrangements compared point by point, per action and mode, per force and mode, and per state."""

from __future__ import annotations

from datetime import date

from allegiance.errors import UnknownStateError, UsageError
from allegiance.rules.command import who_commands
from allegiance.rules.history import settled_analysis, version
from allegiance.rules.rulebook import Ctx, Rules, resolve_day, state_players

__all__ = ["diff"]


def _counterparts(items) -> dict[str, object]:
    out = {}
    for it in items:
        out.setdefault(it.counterpart or it.id, it)
    return out


def _diff_state(rules: Rules, A, B, state: str, parties: list[str]) -> str:
    """The state code asked about, which must play a part in one of the two arrangements."""
    from allegiance.facts.codes import resolve_state

    try:
        code = resolve_state(state, rules.cat.state_names)
    except UnknownStateError as exc:
        raise UnknownStateError(exc.message, value=state, field="state") from None
    part = set(parties) | {s for arr in (A, B) for s in state_players(rules, arr) if s}
    if code not in part:
        raise UsageError(f"state {code} plays no part in {A.model.id} or {B.model.id}: there is nothing to compare "
                         f"for it; ask about one of {', '.join(sorted(part))}", value=state, field="state",
                         allowed=", ".join(sorted(part)))
    return code


def diff(rules: Rules, a: str, b: str, *, as_of_a: date | None = None, as_of_b: date | None = None,
         state: str | None = None) -> dict:
    """Two arrangements compared point by point: per action and mode, per force and mode."""
    A, B = rules.arrangement(a), rules.arrangement(b)
    day_a, _ = resolve_day(A, as_of_a)
    day_b, _ = resolve_day(B, as_of_b)
    acts_a, acts_b = _counterparts(A.model.actions), _counterparts(B.model.actions)
    modes = [m for m in A.model.modes if m in B.model.modes]
    states = sorted(set(A.model.parties) | set(B.model.parties))
    if state is not None:
        state = _diff_state(rules, A, B, state, states)
    rows, changes_by_state = [], {s: {"vetoes_lost": [], "vetoes_gained": [], "command_lost": [],
                                      "command_gained": []} for s in states}
    for key in sorted(set(acts_a) | set(acts_b)):
        xa, xb = acts_a.get(key), acts_b.get(key)
        for m in modes:
            ra, why_a = settled_analysis(rules, Ctx(A, day_a, m, True), xa) if xa else (None, None)
            rb, why_b = settled_analysis(rules, Ctx(B, day_b, m, True), xb) if xb else (None, None)
            notes = []
            if ra is None or rb is None:
                notes.append(f"only in {a if rb is None else b}")
            else:
                if ra["possible"] != rb["possible"]:
                    notes.append(f"possible: {_yn(ra['possible'])} -> {_yn(rb['possible'])}")
                for s in states:
                    va, vb = s in ra["veto_states"], s in rb["veto_states"]
                    if va and not vb:
                        notes.append(f"{s} loses its veto")
                        changes_by_state[s]["vetoes_lost"].append({"action": key, "mode": m})
                    elif vb and not va:
                        notes.append(f"{s} gains a veto")
                        changes_by_state[s]["vetoes_gained"].append({"action": key, "mode": m})
                    la, lb = s in ra["can_act_alone"], s in rb["can_act_alone"]
                    if la != lb:
                        notes.append(f"{s} {'can now' if lb else 'can no longer'} act alone")
                if _mwc_states(rules, ra) != _mwc_states(rules, rb):
                    notes.append("which states must consent changes")
                elif _mwc_set(ra) != _mwc_set(rb):
                    notes.append(f"who must consent changes: {_mwc_text(ra)} -> {_mwc_text(rb)}")
            for side, why in ((a, why_a), (b, why_b)):
                if why:
                    notes.append(f"unknown in {side}: {why}")
            rows.append({"action": key, "action_a": xa.id if xa else None, "action_b": xb.id if xb else None,
                         "mode": m, "a": _brief(ra), "b": _brief(rb), "changes": notes})
    forces_a, forces_b = _counterparts(A.model.forces), _counterparts(B.model.forces)
    frows = []
    for key in sorted(set(forces_a) | set(forces_b)):
        fa, fb = forces_a.get(key), forces_b.get(key)
        for m in modes:
            ca = who_commands(rules, fa.id, arrangement=a, mode=m, as_of=day_a) if fa else None
            cb = who_commands(rules, fb.id, arrangement=b, mode=m, as_of=day_b) if fb else None
            notes = []
            sa = ca["commander_state"] if ca else None
            sb = cb["commander_state"] if cb else None
            if ca is None or cb is None:
                notes.append(f"only in {a if cb is None else b}")
            if sa != sb:
                notes.append(f"commander's state: {sa or '—'} -> {sb or '—'}")
                if sa in changes_by_state and ca and ca["exists"]:
                    changes_by_state[sa]["command_lost"].append({"force": key, "mode": m})
                if sb in changes_by_state and cb and cb["exists"]:
                    changes_by_state[sb]["command_gained"].append({"force": key, "mode": m})
            if ca and cb and ca["exists"] != cb["exists"]:
                notes.append(f"exists: {_yn(ca['exists'])} -> {_yn(cb['exists'])}")
            if ca and cb and _chain_ids(ca) != _chain_ids(cb):
                notes.append(f"chain: {' > '.join(_chain_ids(ca))} -> {' > '.join(_chain_ids(cb))}")
            frows.append({"force": key, "force_a": fa.id if fa else None, "force_b": fb.id if fb else None,
                          "mode": m, "a": _chain_brief(ca), "b": _chain_brief(cb), "changes": notes})
    if state is not None:
        changes_by_state = {state: changes_by_state.get(state, {"vetoes_lost": [], "vetoes_gained": [],
                                                                 "command_lost": [], "command_gained": []})}
    return {"a": a, "b": b, "as_of_a": day_a.isoformat(), "as_of_b": day_b.isoformat(), "modes": modes,
            "actions": rows, "forces": frows, "by_state": changes_by_state,
            "version_a": version(A, day_a, actions=A.model.actions, forces=A.model.forces),
            "version_b": version(B, day_b, actions=B.model.actions, forces=B.model.forces)}


def _yn(v) -> str:
    return {True: "yes", False: "no", None: "unknown"}[v]


def _mwc_states(rules: Rules, r) -> set:
    return {frozenset(rules.cat.state_of(p) for p in c) for c in r["minimal_winning_coalitions"]}


def _mwc_set(r) -> set:
    return {frozenset(c) for c in r["minimal_winning_coalitions"]}


def _mwc_text(r, limit: int = 3) -> str:
    coalitions = r["minimal_winning_coalitions"]
    if not coalitions:
        return "nobody can" if r["possible"] is False else "unknown"
    shown = " or ".join("+".join(c) for c in coalitions[:limit])
    return shown + (f" or {len(coalitions) - limit} more" if len(coalitions) > limit else "")


def _brief(r) -> dict | None:
    if r is None:
        return None
    return {k: r[k] for k in ("possible", "veto_states", "veto_offices", "can_act_alone",
                              "minimal_winning_coalitions")}


def _chain_ids(c) -> list[str]:
    return [link["id"] for link in c["chain"]] if c and c["exists"] else []


def _chain_brief(c) -> dict | None:
    if c is None:
        return None
    return {"exists": c["exists"], "commander": c["commander"], "commander_state": c["commander_state"],
            "chain": _chain_ids(c)}
