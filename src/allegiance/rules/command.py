"""who-commands: the command chain of a force in a mode, from the force up to the deciding body."""

from __future__ import annotations

from datetime import date

from allegiance.errors import UnknownIdError
from allegiance.facts.citations import dedup
from allegiance.rules.history import unknown_after, version
from allegiance.rules.requirements import analysis, cond_func
from allegiance.rules.rulebook import Ctx, Rules, check_mode, members, resolve_day

__all__ = ["who_commands"]


def who_commands(rules: Rules, force: str, *, arrangement: str, mode: str, as_of: date | None = None) -> dict:
    """The command chain of a force in a mode, from the force up to the deciding body."""
    arr = rules.arrangement(arrangement)
    check_mode(arr, mode)
    if force not in arr.forces:
        known = ", ".join(arr.forces) or "none"
        raise UnknownIdError(f"unknown force {force!r} in {arr.model.id}; its forces: {known}", value=force,
                             field="force", allowed=known)
    day, basis = resolve_day(arr, as_of)
    ctx = Ctx(arr, day, mode, True)
    chain: list[dict] = []
    exists: bool | None = True
    reason = None
    node = arr.forces[force]
    role = "force"
    seen = set()
    status = arr.span_of(node).holds(day)
    if status != "yes":
        exists = False if status == "no" else None
        why = unknown_after(arr, node, day)
        reason = (f"{node.id} is {why}" if why else f"{node.id} is in force from {node.valid_from or 'its start'}"
                  + (f" until {node.valid_until}" if node.valid_until else "") + f"; asked about {day}")
        chain.append(_force_link(rules, arr, node, role))
    while exists:
        chain.append(_force_link(rules, arr, node, role))
        cmds = [c for c in node.command if mode in c.modes and ctx.on(c)]
        if not cmds:
            exists = None if role == "force" else exists
            reason = f"no provision says how {node.id} is commanded in {mode} on {day}"
            break
        c = cmds[0]
        why = unknown_after(arr, c, day)
        if why is not None:  # the sources do not say whether this command still holds: unknown, not the old one
            exists = None
            reason = f"what holds for {node.id} in {mode} on {day} is not known: the record saying so is {why}"
            break
        ev = rules.evidence(arr, c)
        if not c.exists:
            if role == "force":
                exists = False
                chain[-1]["sources"] = ev
                reason = f"{node.id} does not exist in {mode}"
            break
        if c.part_of is not None:
            chain[-1]["part_of_sources"] = ev
            if c.part_of in seen:  # guarded at load; kept so a bad file can never loop
                break
            seen.add(node.id)
            node = arr.forces[c.part_of]
            role = "part of"
            continue
        link = {"id": c.commander, "kind": rules.cat.entity_type.get(c.commander), "name": rules.name(c.commander),
                "role": "commander", "state": rules.cat.state_of(c.commander), "where": arr.where(c.path),
                "sources": ev}
        if c.appointed_by is not None:
            a = analysis(rules, arr, cond_func(rules, ctx, arr.condition_of(c, "appointed_by")))
            link["appointed_by"] = {"veto_states": a["veto_states"], "veto_players": a["veto_players"],
                                    "minimal_winning_coalitions": a["minimal_winning_coalitions"]}
        chain.append(link)
        if c.reports_to is not None:
            chain.append(_reports_to(rules, ctx, c.reports_to))
        break
    commander = next((link for link in chain if link["role"] == "commander"), None)
    sources = dedup(s for link in chain for s in (*link.get("sources", []), *link.get("part_of_sources", [])))
    chain = chain if exists else chain[:1]
    forces = [arr.forces[link["id"]] for link in chain if link["kind"] == "force"] or [arr.forces[force]]
    for link in chain:
        for key in ("sources", "part_of_sources"):
            if key in link:
                link[key] = [c.to_json() for c in link[key]]
    return {
        "arrangement": arr.model.id, "force": force, "force_name": arr.forces[force].name, "mode": mode,
        "as_of": day.isoformat(), "as_of_basis": basis, "exists": exists,
        "commander": commander["id"] if commander else None,
        "commander_state": commander["state"] if commander else None,
        "chain": chain, "reason": reason, "version": version(arr, day, forces=forces),
        "sources": [c.to_json() for c in sources],
    }


def _force_link(rules: Rules, arr, node, role: str) -> dict:
    return {"id": node.id, "kind": "force", "name": node.name, "role": role, "where": arr.where(node.path),
            "sources": rules.evidence(arr, node)}


def _reports_to(rules: Rules, ctx: Ctx, rid: str) -> dict:
    arr = ctx.arr
    if rid in arr.bodies:
        b = arr.bodies[rid]
        here = [m.player for m in members(ctx, b, None)]
        return {"id": rid, "kind": "body", "name": b.name, "role": "reports to", "rule": b.rule.describe(len(here)),
                "members": here, "where": arr.where(b.path),
                "sources": rules.rule_evidence(arr, b)}
    return {"id": rid, "kind": rules.cat.entity_type.get(rid), "name": rules.name(rid), "role": "reports to",
            "state": rules.cat.state_of(rid), "sources": []}
