"""Plain-text renderings of the rules engine's answers (the JSON shapes are in docs/json.md)."""

from __future__ import annotations

from allegiance.rules.proof import Proof, render_proof

__all__ = ["render_can", "render_who_commands", "render_vetoes", "render_power", "render_diff", "render_verify",
           "render_arrangements"]


def _yn(v) -> str:
    return {True: "yes", False: "no", None: "unknown"}[v]


def _proof(data: dict) -> Proof:
    return Proof(kind=data["kind"], label=data["label"], result=data["result"], ref=data.get("ref"),
                 where=data.get("where"), detail=data.get("detail"), sources=data.get("sources", []),
                 children=[_proof(c) for c in data.get("children", [])])


def _coalitions(d: dict, indent: str = "  ") -> list[str]:
    out = []
    count = d.get("minimal_winning_coalitions_count")
    shown = d["minimal_winning_coalitions"]
    if count is None and not shown:
        return out
    total = f"{count}" if count is not None else "more than 10,000"
    out.append(f"{indent}minimal winning coalitions ({total}):")
    for c in shown:
        out.append(f"{indent}  - {', '.join(c)}")
    if count is not None and count > len(shown):
        out.append(f"{indent}  ... and {count - len(shown)} more (see --json)")
    return out


def _sources(sources: list[dict]) -> list[str]:
    out = ["", "Sources:"]
    seen = set()
    for c in sources:
        title = c.get("title") or ""
        key = (c["source"], title)
        if key in seen:
            continue
        seen.add(key)
        who = c.get("author") or c.get("outlet") or ""
        out.append(f"  [{c['source']}] {who}{', ' if who else ''}\u201c{title}\u201d"
                   + (f" ({c['date']})" if c.get("date") else ""))
    return out


def _version(v: dict) -> list[str]:
    """The version in text: one line, and the caveat and each record known only until a day on their own."""
    head = (f"  version: {v['arrangement']} encoded up to {v['encoded_until']} (described as of "
            f"{v['described_as_of']})")
    recs = v["in_force"]
    if v["as_of"] is not None:
        sure = [r["id"] for r in recs if r["holds"] == "yes"]
        maybe = [r["id"] for r in recs if r["holds"] == "possibly"]
        head += f"; in force on {v['as_of']}: {', '.join(sure) or 'none'}"
        if maybe:
            head += f"; possibly: {', '.join(maybe)}"
    lines = [head]
    if v["caveat"]:
        lines.append(f"  caveat: {v['caveat']}")
    for r in recs:
        if r["known_until"] and (v["as_of"] is None or r["holds"] == "possibly"):
            lines.append(f"  {r['id']} known only until {r['known_until']['date']}: {r['known_until']['reason']}")
    return lines


def render_can(d: dict) -> str:
    mode = d["mode"] or "any mode (reaching it included)"
    lines = [f"{d['action_name']} [{d['action']}]", f"  in {d['arrangement']}, {mode}, as of {d['as_of']}"
             + (" (given)" if d["as_of_basis"] == "given" else f" ({d['as_of_basis']})")]
    if d["consent"] is not None:
        lines.append(f"  consenting: {', '.join(d['consent']) or 'nobody'}"
                     + (f"; abstaining: {', '.join(d['abstain'])}" if d["abstain"] else ""))
        lines.append(f"  permitted: {_yn(d['permitted'])}")
    lines.append(f"  possible at all: {_yn(d['possible'])}"
                 + (f" (in: {', '.join(d['possible_modes']) or 'no mode'})" if d.get("possible_modes") is not None
                    else ""))
    if d["unknown_reason"]:
        lines.append(f"  unknown because {d['unknown_reason']}")
    lines += _version(d["version"])
    if d["possible"] and not d["unknown_reason"]:
        lines.append(f"  veto states: {', '.join(d['veto_states']) or 'none'}")
        lines.append(f"  veto offices: {', '.join(d['veto_offices']) or 'none'}")
        lines.append(f"  can act alone: {', '.join(d['can_act_alone']) or 'no state'}")
        lines.extend(_coalitions(d))
    lines += ["", "Proof:", render_proof(_proof(d["proof"]), indent="  ").rstrip("\n")]
    lines += _sources(d["sources"])
    return "\n".join(lines) + "\n"


def render_who_commands(d: dict) -> str:
    lines = [f"{d['force_name']} [{d['force']}] in {d['arrangement']}, {d['mode']}, as of {d['as_of']}"]
    if d["exists"] is False:
        lines.append(f"  does not exist in {d['mode']}")
    elif d["exists"] is None:
        lines.append(f"  unknown: {d['reason']}")
    else:
        for i, link in enumerate(d["chain"]):
            extra = ""
            if link.get("rule"):
                extra = f" — decides by {link['rule']}; members: {', '.join(link['members'])}"
            if link.get("appointed_by"):
                ab = link["appointed_by"]
                extra = " — appointed with the consent of: " + "; ".join(
                    " + ".join(c) for c in ab["minimal_winning_coalitions"])
            state = f", {link['state']}" if link.get("state") else ""
            lines.append(f"  {'  ' * i}{'└ ' if i else ''}{link['role']}: {link['id']} ({link['name']}{state}){extra}")
    lines += _version(d["version"])
    lines += _sources(d["sources"])
    return "\n".join(lines) + "\n"


def render_vetoes(d: dict) -> str:
    lines = [f"Vetoes in {d['arrangement']} as of {d['as_of']}", *_version(d["version"]), ""]
    for r in d["actions"]:
        head = f"{r['action']} — {r['mode']}: "
        if r["possible"] is None:
            lines.append(head + f"unknown ({r['unknown_reason'] or 'no provision in force'})")
        elif r["unknown_reason"]:
            lines.append(head + f"{'possible' if r['possible'] else 'impossible'}; unknown: {r['unknown_reason']}")
        elif not r["possible"]:
            lines.append(head + "impossible")
        else:
            lines.append(head + f"veto states {', '.join(r['veto_states']) or 'none'}; "
                         f"can act alone: {', '.join(r['can_act_alone']) or 'no state'}")
    if d["bodies"]:
        lines += ["", "Bodies:"]
        for b in d["bodies"]:
            if b["unknown_reason"]:
                lines.append(f"  {b['body']} ({b['rule']}): unknown: {b['unknown_reason']}")
                continue
            lines.append(f"  {b['body']} ({b['rule']}): veto states {', '.join(b['veto_states']) or 'none'}; "
                         f"veto players {len(b['veto_players'])} of {len(b['members'])}")
    return "\n".join(lines) + "\n"


def render_power(d: dict) -> str:
    lines = [f"Voting power in {d['body']} ({d['name']}) of {d['arrangement']}, as of {d['as_of']}",
             f"  rule: {d['rule']}", "",
             f"  {'player':<40} {'Banzhaf':>10} {'Shapley-Shubik':>15}"]
    for p in d["players"]:
        lines.append(f"  {p['player']:<40} {p['banzhaf']:>10.4f} {p['shapley_shubik']:>15.4f}")
    lines.append("")
    lines.append(f"  veto players: {', '.join(d['veto_players']) or 'none'}")
    return "\n".join(lines) + "\n"


def render_diff(d: dict) -> str:
    lines = [f"{d['a']} (as of {d['as_of_a']})  ->  {d['b']} (as of {d['as_of_b']})",
             *_version(d["version_a"]), *_version(d["version_b"]), "", "Actions:"]
    for r in d["actions"]:
        if r["changes"]:
            lines.append(f"  {r['action']} — {r['mode']}: {'; '.join(r['changes'])}")
    lines += ["", "Forces:"]
    for r in d["forces"]:
        if r["changes"]:
            lines.append(f"  {r['force']} — {r['mode']}: {'; '.join(r['changes'])}")
    lines += ["", "By state:"]
    for s, c in d["by_state"].items():
        parts = []
        for key, label in (("vetoes_lost", "loses its veto over"), ("vetoes_gained", "gains a veto over"),
                           ("command_lost", "loses command of"), ("command_gained", "gains command of")):
            if c[key]:
                items = ", ".join(f"{x.get('action') or x.get('force')} ({x['mode']})" for x in c[key])
                parts.append(f"{label} {items}")
        lines.append(f"  {s}: " + ("; ".join(parts) if parts else "no change"))
    return "\n".join(lines) + "\n"


def render_verify(d: dict) -> str:
    lines = [f"{d['property']}: {d['description']}", f"  in {d['arrangement']}: "
             + {True: "holds", False: "FAILS", None: "unknown"}[d["holds"]],
             f"  checked {d['checked']} (action, mode, date) cases over {len(d['dates'])} dates "
             f"at which a provision changes", *_version(d["version"])]
    for u in d["unknown"][:5]:
        lines.append(f"  unknown: {u['action']} in {u['mode']} on {u['date']}: {u['reason']}")
    if len(d["unknown"]) > 5:
        lines.append(f"  ... and {len(d['unknown']) - 5} more unknown cases")
    cx = d.get("counterexample")
    if cx:
        lines += ["", f"Counterexample: {cx['action']} in {cx['mode']} on {cx['date']}",
                  f"  coalition: {', '.join(cx['coalition']) or 'nobody'} ({cx['why']})", "", "Proof:",
                  render_proof(_proof(cx["proof"]), indent="  ").rstrip("\n")]
        lines += _sources(cx["sources"])
    return "\n".join(lines) + "\n"


def render_arrangements(d: dict) -> str:
    lines = []
    for a in d["arrangements"]:
        lines.append(f"{a['id']:<28} {a['kind']:<18} {', '.join(a['parties'])[:40]:<40} {a['name']}")
    return "\n".join(lines) + "\n"
