"""The rules engine: can, who-commands, vetoes, diff and verify, each with its proof.

Questions are asked of an arrangement on a date (``as_of``; by default the
date the arrangement is described as of, which every answer reports) and,
where it matters, in a readiness mode. Provisions, members and commands
carry valid times; only those in force on the date count. Where a valid time
is fuzzy and the date falls inside its bounds, the answer is computed both
with and without it, and anything the two readings disagree on is reported
as unknown (``null``) with the reason.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Iterable

from allegiance.errors import AllegianceError, RulesError, UnknownIdError
from allegiance.rules.conditions import All, AnyOf, Cond, Consent, Decision, Holds, InMode, Never
from allegiance.rules.load import LoadedArrangement, Rulebook, load_arrangements
from allegiance.rules.logic import Game, TooManyCoalitions
from allegiance.rules.proof import Proof

__all__ = ["Rules", "open_rules", "can", "who_commands", "vetoes", "diff", "verify", "power", "RulesError",
           "list_arrangements", "keeps_veto", "change_dates", "dedup_citations"]

MWC_LIMIT = 200  # minimal winning coalitions listed in an answer (the count is always exact below 10,000)


class Rules:
    """The loaded arrangements over a facts store, with the caches answers share."""

    def __init__(self, store, book: Rulebook):
        self.store = store
        self.book = book
        self.cat = book.catalog
        self._games: dict[str, Game] = {}
        self._funcs: dict[tuple, object] = {}
        self._statement_sources: dict[str, list[dict]] = {}
        self._statement_dates: dict[str, tuple] | None = None
        self._source_meta = {r[0]: {"title": r[1], "author": r[2], "outlet": r[3], "date": r[4], "url": r[5]}
                             for r in store.con.execute(
                                 "SELECT id, title, author, outlet, date, url FROM sources").fetchall()}

    def arrangement(self, aid: str) -> LoadedArrangement:
        try:
            return self.book.arrangements[aid]
        except KeyError:
            known = ", ".join(sorted(self.book.arrangements))
            raise UnknownIdError(f"unknown arrangement {aid!r}; known: {known}") from None

    def game(self, arr: LoadedArrangement) -> Game:
        g = self._games.get(arr.model.id)
        if g is None:
            g = Game(_players_of(arr))
            self._games[arr.model.id] = g
        return g

    # ------------------------------------------------------------------ evidence

    def evidence(self, rec, *, basis: Iterable[str] = (), sources: Iterable = ()) -> list[dict]:
        out: list[dict] = []
        for sid in (*getattr(rec, "basis", ()), *basis):
            out.extend(self._statement_citations(sid))
        for cit in (*getattr(rec, "sources", ()), *sources):
            out.append({"source": cit.source, **self._source_meta.get(cit.source, {}), "quote": cit.quote,
                        "locator": cit.locator})
        return dedup_citations(out)

    def _statement_citations(self, sid: str) -> list[dict]:
        if sid not in self._statement_sources:
            from allegiance.facts.query import statements_by_id

            st = statements_by_id(self.store, [sid])[0]
            self._statement_sources[sid] = [
                {"source": c["source"], "title": c.get("title"), "author": c.get("author"), "outlet": c.get("outlet"),
                 "date": c.get("date"), "url": c.get("url"), "quote": c["quote"], "locator": c.get("locator"),
                 "statement": sid} for c in st["sources"]]
        return self._statement_sources[sid]

    def statement_status(self, sid: str, day: date) -> str:
        if self._statement_dates is None:
            self._statement_dates = {r[0]: r[1:] for r in self.store.con.execute(
                "SELECT id, from_lo, from_hi, until_lo, until_hi FROM statements").fetchall()}
        f_lo, f_hi, u_lo, u_hi = self._statement_dates[sid]
        if day < f_lo or (u_hi is not None and day >= u_hi):
            return "no"
        if day < f_hi or (u_lo is not None and day >= u_lo):
            return "possibly"
        return "yes"

    def name(self, eid: str) -> str:
        return self.cat.entity_name.get(eid, eid)


def open_rules(store, directory: Path | str | None = None) -> Rules:
    """Load the arrangements (default: those shipped beside the knowledge base) over ``store``."""
    if directory is None:
        from allegiance.rules.load import arrangements_dir

        kb_dir = store.con.execute("SELECT value FROM meta WHERE key = 'kb_dir'").fetchone()
        directory = arrangements_dir(kb_dir[0] if kb_dir else None)
    return Rules(store, load_arrangements(store, directory))


def list_arrangements(rules: Rules) -> dict:
    out = []
    for aid, arr in sorted(rules.book.arrangements.items()):
        m = arr.model
        out.append({"id": aid, "name": m.name, "kind": m.kind, "parties": list(m.parties),
                    "described_as_of": m.described_as_of, "valid_from": m.valid_from, "valid_until": m.valid_until,
                    "modelled_on": list(m.modelled_on), "modes": list(m.modes),
                    "bodies": [b.id for b in m.bodies], "forces": [f.id for f in m.forces],
                    "actions": [a.id for a in m.actions], "properties": [p.id for p in m.properties],
                    "defined_at": f"{arr.file}:1"})
    return {"count": len(out), "arrangements": out}


# ---------------------------------------------------------------------- helpers

def _players_of(arr: LoadedArrangement) -> list[str]:
    from allegiance.rules.conditions import walk

    players: list[str] = []
    for body in arr.model.bodies:
        players.extend(m.player for m in body.members)
    for cond in arr.conditions.values():
        players.extend(n.player for n in walk(cond) if isinstance(n, Consent))
    return list(dict.fromkeys(players))


@dataclass(frozen=True)
class _Ctx:
    arr: LoadedArrangement
    day: date
    mode: str | None
    lenient: bool  # count what is only possibly in force as in force

    def on(self, rec) -> bool:
        status = self.arr.span_of(rec).status(self.day)
        return status == "yes" or (status == "possibly" and self.lenient)


def _resolve_day(arr: LoadedArrangement, as_of: date | None) -> tuple[date, str]:
    if as_of is not None:
        return as_of, "given"
    return arr.described.lower, f"the date {arr.model.id} is described as of ({arr.model.described_as_of})"


def _check_mode(arr: LoadedArrangement, mode: str | None) -> None:
    if mode is not None and mode not in arr.model.modes:
        raise RulesError(f"mode {mode!r} is not declared by {arr.model.id} (it declares {', '.join(arr.model.modes)})")


def _action(arr: LoadedArrangement, aid: str):
    for a in arr.model.actions:
        if a.id == aid:
            return a
    raise UnknownIdError(f"unknown action {aid!r} in {arr.model.id}; its actions: "
                         f"{', '.join(a.id for a in arr.model.actions) or 'none'}")


def _members(ctx: _Ctx, body, matter: str | None) -> list:
    return [m for m in body.members if ctx.on(m) and not (matter and matter in m.opt_outs)]


def _share_count(share: str, n: int, *, strict: bool) -> int:
    num, den = (int(x) for x in share.split("/"))
    exact = Fraction(num, den) * n
    return math.floor(exact) + 1 if strict else math.ceil(exact)


def _majority_count(rule, n: int) -> int:
    """How many of ``n`` members a majority rule needs."""
    if rule.count is not None:
        return rule.count
    if rule.at_least:
        return _share_count(rule.at_least, n, strict=False)
    return _share_count(rule.more_than, n, strict=True)


def _double_majority_quotas(rule, n: int, population: int) -> tuple[int, int]:
    """(members needed, population needed) under a double-majority rule."""
    return (_share_count(rule.members_at_least, n, strict=False),
            _share_count(rule.population_at_least, population, strict=False))


def _rule_text(rule, n: int) -> str:
    k = rule.kind
    if k in ("consensus", "unanimity"):
        return k + (" (constructive abstention allowed)" if rule.constructive_abstention else "")
    if k == "majority":
        k = _majority_count(rule, n)
        if rule.count is not None:
            t = f"at least {rule.count} of {n}"
        elif rule.at_least:
            t = f"at least {rule.at_least} of {n} members ({k})"
        else:
            t = f"more than {rule.more_than} of {n} members ({k})"
        return "majority: " + t + (f", with vetoes of {', '.join(rule.vetoes)}" if rule.vetoes else "")
    if k == "weighted":
        return f"weighted: quota {rule.quota} of {sum(rule.weights.values())}"
    out = (f"double majority: at least {rule.members_at_least} of members and {rule.population_at_least} "
           f"of population")
    if rule.blocking_minority_at_least:
        out += f"; a blocking minority needs at least {rule.blocking_minority_at_least} members"
    return out


def _body_func(rules: Rules, ctx: _Ctx, body, matter: str | None):
    key = ("body", ctx.arr.model.id, body.id, matter, ctx.day, ctx.lenient)
    if key in rules._funcs:
        return rules._funcs[key]
    g = rules.game(ctx.arr)
    members = [m.player for m in _members(ctx, body, matter)]
    rule = body.rule
    n = len(members)
    vetoes = g.all_of(g.x(v) for v in rule.vetoes if v in members)
    if not members:
        f = g.false
    elif rule.kind in ("consensus", "unanimity"):
        f = g.all_of(g.x(p) for p in members)
    elif rule.kind == "majority":
        k = _majority_count(rule, n)
        f = g.threshold(members, [1] * n, k) & vetoes
    elif rule.kind == "weighted":
        f = g.threshold(members, [rule.weights[p] for p in members], rule.quota) & vetoes
    else:
        pops = [rule.population[p] for p in members]
        k1, q2 = _double_majority_quotas(rule, n, sum(pops))
        f = g.threshold(members, [1] * n, k1) & g.threshold(members, pops, q2)
        if rule.blocking_minority_at_least:
            f |= g.threshold(members, [1] * n, n - rule.blocking_minority_at_least + 1)
        f &= vetoes
    rules._funcs[key] = f
    return f


def _cond_func(rules: Rules, ctx: _Ctx, cond: Cond):
    g = rules.game(ctx.arr)
    if isinstance(cond, All):
        return g.all_of(_cond_func(rules, ctx, c) for c in cond.items)
    if isinstance(cond, AnyOf):
        return g.any_of(_cond_func(rules, ctx, c) for c in cond.items)
    if isinstance(cond, Decision):
        return _body_func(rules, ctx, ctx.arr.bodies[cond.body], cond.matter)
    if isinstance(cond, Consent):
        return g.x(cond.player)
    if isinstance(cond, InMode):
        return g.true if ctx.mode in cond.modes else g.false
    if isinstance(cond, Holds):
        st = rules.statement_status(cond.statement, ctx.day)
        return g.true if st == "yes" or (st == "possibly" and ctx.lenient) else g.false
    if isinstance(cond, Never):
        return g.false
    raise AssertionError(cond)


def _provisions(ctx: _Ctx, action) -> list:
    return [p for p in action.provisions if ctx.on(p)]


def _action_func(rules: Rules, ctx: _Ctx, action):
    """The action's requirement in ctx's mode, or None when no provision governs it on the day."""
    key = ("action", ctx.arr.model.id, action.id, ctx.mode, ctx.day, ctx.lenient)
    if key in rules._funcs:
        return rules._funcs[key]
    provs = _provisions(ctx, action)
    if ctx.mode is None:
        parts = []
        for m in ctx.arr.model.modes:
            sub = _Ctx(ctx.arr, ctx.day, m, ctx.lenient)
            f = _action_func(rules, sub, action)
            if f is not None:
                parts.append(_reach(rules, ctx)[m] & f)
        f = rules.game(ctx.arr).any_of(parts) if parts else None
    elif not provs:
        f = None
    else:
        f = rules.game(ctx.arr).all_of(
            _cond_func(rules, ctx, ctx.arr.conditions[ctx.arr.path_of(p) + ("requires",)]) for p in provs)
    rules._funcs[key] = f
    return f


def _reach(rules: Rules, ctx: _Ctx) -> dict:
    """For each mode, the condition under which the arrangement can be brought into it from its initial mode."""
    key = ("reach", ctx.arr.model.id, ctx.day, ctx.lenient)
    if key in rules._funcs:
        return rules._funcs[key]
    g = rules.game(ctx.arr)
    m = ctx.arr.model
    reach = {mode: g.false for mode in m.modes}
    reach[m.initial_mode] = g.true
    trans = [t for t in m.transitions if ctx.on(t)]
    for _ in range(len(m.modes)):
        for t in trans:
            sub = _Ctx(ctx.arr, ctx.day, t.from_, ctx.lenient)
            cond = _cond_func(rules, sub, ctx.arr.conditions[ctx.arr.path_of(t) + ("requires",)])
            reach[t.to] = reach[t.to] | (reach[t.from_] & cond)
    rules._funcs[key] = reach
    return reach


# ---------------------------------------------------------------------- coalitions and states

def _state_players(rules: Rules, arr: LoadedArrangement) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for p in rules.game(arr).players:
        out.setdefault(rules.cat.state_of(p), []).append(p)
    return out


def _expand_consent(rules: Rules, arr: LoadedArrangement, names: Iterable[str]) -> set[str]:
    """Players named in a consent list: an office as given; a state as itself and all of its offices."""
    from allegiance.facts.codes import resolve_state

    players = set(rules.game(arr).players)
    by_state = _state_players(rules, arr)
    out: set[str] = set()
    for raw in names:
        name = raw.strip()
        if not name:
            continue
        if rules.cat.entity_type.get(name) == "office":
            out.add(name)  # an office that plays no part here: it changes nothing, but is not an error
            continue
        try:
            code = resolve_state(name, rules.cat.state_names)
        except AllegianceError:
            raise RulesError(f"--consent: {name!r} is neither an office nor a state "
                             f"(players of {arr.model.id}: {', '.join(sorted(players))})") from None
        out.update(by_state.get(code, []))
        out.add(code)  # the state itself, where a provision asks for the state's consent
    return out


def _analysis(rules: Rules, arr: LoadedArrangement, f) -> dict:
    g = rules.game(arr)
    if f is None:
        return {"possible": None, "veto_states": [], "veto_offices": [], "veto_players": [], "can_act_alone": [],
                "minimal_winning_coalitions": [], "minimal_winning_coalitions_count": None}
    possible = f != g.false
    by_state = _state_players(rules, arr)
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


# ---------------------------------------------------------------------- proofs

def _cond_proof(rules: Rules, ctx: _Ctx, cond: Cond, yes: set[str], abstain: set[str]) -> Proof:
    arr = ctx.arr
    where = arr.where(cond.path)
    if isinstance(cond, (All, AnyOf)):
        kids = [_cond_proof(rules, ctx, c, yes, abstain) for c in cond.items]
        vals = [k.result for k in kids]
        res = all(vals) if isinstance(cond, All) else any(vals)
        label = "all of:" if isinstance(cond, All) else "any of:"
        return Proof("all" if isinstance(cond, All) else "any", label, res, where=where, children=kids)
    if isinstance(cond, Consent):
        p = cond.player
        return Proof("consent", f"consent of {p} ({rules.name(p)})", p in yes, ref=p, where=where)
    if isinstance(cond, InMode):
        ok = ctx.mode in cond.modes
        return Proof("mode", f"mode is {' or '.join(cond.modes)} (asked: {ctx.mode})", ok, where=where)
    if isinstance(cond, Holds):
        st = rules.statement_status(cond.statement, ctx.day)
        res = {"yes": True, "no": False}.get(st, True if ctx.lenient else False)
        return Proof("holds", f"statement {cond.statement} holds on {ctx.day}"
                     + (" (its valid time is fuzzy here)" if st == "possibly" else ""), res,
                     ref=cond.statement, where=where, sources=rules._statement_citations(cond.statement))
    if isinstance(cond, Never):
        return Proof("never", f"prohibited: {cond.reason}", False, where=where)
    if isinstance(cond, Decision):
        return _decision_proof(rules, ctx, arr.bodies[cond.body], cond.matter, yes, abstain, where)
    raise AssertionError(cond)


def _decision_proof(rules: Rules, ctx: _Ctx, body, matter, yes, abstain, where) -> Proof:
    members = _members(ctx, body, matter)
    rule = body.rule
    kids = []
    votes = {}
    for m in members:
        v = "yes" if m.player in yes else ("abstain" if m.player in abstain else "no")
        votes[m.player] = v
        kids.append(Proof("vote", f"{m.player} ({rules.name(m.player)}) votes {v}", v == "yes", ref=m.player,
                          where=ctx.arr.where(ctx.arr.path_of(m)), sources=rules.evidence(m)))
    opted = [m.player for m in body.members if ctx.on(m) and matter and matter in m.opt_outs]
    res, detail = _decide(rule, votes)
    if opted:
        detail += f"; opted out of {matter}: {', '.join(opted)}"
    label = f"decision of {body.id} ({body.name}) by {_rule_text(rule, len(members))}"
    return Proof("decision", label, res, ref=body.id, where=where, detail=detail,
                 sources=rules.evidence(body, basis=body.rule_basis, sources=body.rule_sources), children=kids)


def _decide(rule, votes: dict[str, str]) -> tuple[bool, str]:
    n = len(votes)
    ys = [p for p, v in votes.items() if v == "yes"]
    ab = [p for p, v in votes.items() if v == "abstain"]
    no = [p for p, v in votes.items() if v == "no"]
    if n == 0:
        return False, "the body has no members on this date"
    if rule.kind in ("consensus", "unanimity"):
        if rule.constructive_abstention:
            ok = not no and bool(ys)
            detail = f"{len(ys)} yes, {len(ab)} abstaining (not bound), {len(no)} objecting"
            if ok and ab:
                lim_m = rule.abstention_limit_members
                lim_p = rule.abstention_limit_population
                over_m = lim_m is not None and Fraction(len(ab), n) >= Fraction(*map(int, lim_m.split("/")))
                over_p = True
                if lim_p is not None and rule.population:
                    total = sum(rule.population[p] for p in votes)
                    over_p = Fraction(sum(rule.population[p] for p in ab), total) >= Fraction(
                        *map(int, lim_p.split("/")))
                if over_m and (lim_p is None or over_p):
                    ok = False
                    detail += "; abstainers reach the limit of the constructive-abstention clause"
            return ok, detail
        return not ab and not no, f"{len(ys)} of {n} members consent"
    missing_veto = [v for v in rule.vetoes if v in votes and votes[v] != "yes"]
    if rule.kind == "majority":
        k = _majority_count(rule, n)
        ok = len(ys) >= k and not missing_veto
        detail = f"{len(ys)} yes of {n}; {k} needed"
    elif rule.kind == "weighted":
        w = sum(rule.weights[p] for p in ys)
        ok = w >= rule.quota and not missing_veto
        detail = f"weight {w} of {sum(rule.weights[p] for p in votes)}; quota {rule.quota}"
    else:
        total = sum(rule.population[p] for p in votes)
        pop = sum(rule.population[p] for p in ys)
        k1, q2 = _double_majority_quotas(rule, n, total)
        ok = len(ys) >= k1 and pop >= q2
        detail = f"{len(ys)} of {n} members ({k1} needed), population {pop:,} of {total:,} ({q2:,} needed)"
        if not ok and rule.blocking_minority_at_least and n - len(ys) < rule.blocking_minority_at_least:
            ok = True
            detail += f"; fewer than {rule.blocking_minority_at_least} members do not support it: no blocking minority"
        ok = ok and not missing_veto
    if missing_veto:
        detail += f"; no concurring vote of {', '.join(missing_veto)}"
    return ok, detail


def _action_proof(rules: Rules, ctx: _Ctx, action, yes: set[str], abstain: set[str]) -> Proof:
    arr = ctx.arr
    provs = _provisions(ctx, action)
    off = [p.id for p in action.provisions if p not in provs]
    kids = []
    for p in provs:
        path = arr.path_of(p)
        sub = _cond_proof(rules, ctx, arr.conditions[path + ("requires",)], yes, abstain)
        span = f"in force from {p.valid_from or 'the start'}" + (f" until {p.valid_until}" if p.valid_until else "")
        kids.append(Proof("provision", (p.text or f"provision {p.id}") + f" ({span})", sub.result, ref=p.id,
                          where=arr.where(path), sources=rules.evidence(p), children=[sub]))
    res = all(k.result for k in kids) if kids else None
    detail = f"not in force on {ctx.day}: {', '.join(off)}" if off else None
    return Proof("action", f"{action.name} — in {ctx.mode}", res, ref=action.id, where=arr.where(arr.path_of(action)),
                 detail=detail, children=kids)


def _reach_proof(rules: Rules, ctx: _Ctx, mode: str, yes: set[str], abstain: set[str]) -> Proof:
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
        sub = _Ctx(arr, ctx.day, t.from_, ctx.lenient)
        c = _cond_proof(rules, sub, arr.conditions[arr.path_of(t) + ("requires",)], yes, abstain)
        kids.append(Proof("transition", f"move from {t.from_} to {t.to}", c.result, ref=t.id,
                          where=arr.where(arr.path_of(t)), sources=rules.evidence(t), children=[c]))
    return Proof("mode", f"bring {m.id} into {mode}", all(k.result for k in kids), children=kids)


# ---------------------------------------------------------------------- can

def can(rules: Rules, action: str, *, arrangement: str, mode: str | None = None, as_of: date | None = None,
        consent: Iterable[str] | None = None, abstain: Iterable[str] = ()) -> dict:
    """Is ``action`` permitted (given consents) or possible (at all), on whose consent, with the proof."""
    arr = rules.arrangement(arrangement)
    act = _action(arr, action)
    _check_mode(arr, mode)
    day, basis = _resolve_day(arr, as_of)
    yes = _expand_consent(rules, arr, consent) if consent is not None else None
    ab = _expand_consent(rules, arr, abstain) if abstain else set()
    if yes is not None:
        ab -= yes
    ctx = _Ctx(arr, day, mode, True)
    f = _action_func(rules, ctx, act)
    out = _analysis(rules, arr, f)
    out["permitted"] = _permitted(rules, ctx, act, yes, ab) if yes is not None and f is not None else None
    strict = out
    if _fuzzy_on(rules, arr, day):  # the stricter reading, only where something is possibly in force
        sctx = _Ctx(arr, day, mode, False)
        sf = _action_func(rules, sctx, act)
        g = rules.game(arr)
        strict = {"possible": None if sf is None else sf != g.false,
                  "permitted": _permitted(rules, sctx, act, yes, ab) if yes is not None and sf is not None else None}
    uncertain = _uncertain(rules, ctx, act)
    unknown = None
    if f is None:
        unknown = (f"no provision of {arr.model.id} on {act.id} is in force on {day}"
                   + (f" in {mode}" if mode else ""))
    for key in ("possible", "permitted"):
        if out[key] != strict[key]:
            out[key] = None
            unknown = (f"the answer depends on whether {', '.join(uncertain)} "
                       f"{'is' if len(uncertain) == 1 else 'are'} in force on {day} (fuzzy dates)")
    # The proof: with the consents given, or with every player consenting (is it possible at all?)
    who = yes if yes is not None else set(rules.game(arr).players)
    proof = _full_proof(rules, ctx, act, who, ab, given=yes is not None)
    return {
        "arrangement": arr.model.id, "arrangement_name": arr.model.name,
        "action": act.id, "action_name": act.name, "mode": mode, "as_of": day.isoformat(), "as_of_basis": basis,
        "consent": sorted(yes) if yes is not None else None, "abstain": sorted(ab),
        "permitted": out["permitted"], "possible": out["possible"],
        "possible_modes": _possible_modes(rules, arr, act, day) if mode is None else None,
        "veto_states": out["veto_states"], "veto_offices": out["veto_offices"], "veto_players": out["veto_players"],
        "can_act_alone": out["can_act_alone"],
        "minimal_winning_coalitions": out["minimal_winning_coalitions"],
        "minimal_winning_coalitions_count": out["minimal_winning_coalitions_count"],
        "unknown_reason": unknown, "uncertain": uncertain,
        "proof": proof.to_json(), "sources": proof.all_sources(),
    }


def _fuzzy_on(rules: Rules, arr: LoadedArrangement, day: date) -> bool:
    """Is anything in the arrangement (or a statement it relies on) only possibly in force on ``day``?"""
    from allegiance.rules.conditions import walk

    key = ("fuzzy", arr.model.id, day)
    if key not in rules._funcs:
        rules._funcs[key] = (
            any(span.status(day) == "possibly" for span in arr.spans.values())
            or any(rules.statement_status(n.statement, day) == "possibly"
                   for cond in arr.conditions.values() for n in walk(cond) if isinstance(n, Holds)))
    return rules._funcs[key]


def _permitted(rules: Rules, ctx: _Ctx, act, yes: set[str], ab: set[str]) -> bool:
    if ctx.mode is not None:
        return bool(_action_proof(rules, ctx, act, yes, ab).result)
    return any(bool(_full_proof(rules, _Ctx(ctx.arr, ctx.day, m, ctx.lenient), act, yes, ab, given=True).result)
               for m in ctx.arr.model.modes)


def _full_proof(rules: Rules, ctx: _Ctx, act, yes: set[str], ab: set[str], *, given: bool) -> Proof:
    arr = ctx.arr
    if ctx.mode is not None:
        p = _action_proof(rules, ctx, act, yes, ab)
        if not given:
            p.label += " — if every player consents"
        return p
    kids = []
    for m in arr.model.modes:
        sub = _Ctx(arr, ctx.day, m, ctx.lenient)
        reach = _reach_proof(rules, sub, m, yes, ab)
        body = _action_proof(rules, sub, act, yes, ab)
        res = None if body.result is None else (reach.result and body.result)
        kids.append(Proof("in-mode", f"in {m}", res, children=[reach, body]))
    results = [k.result for k in kids if k.result is not None]
    res = any(results) if results else None
    label = f"{act.name} — in some mode" + ("" if given else ", if every player consents")
    return Proof("action", label, res, ref=act.id, where=arr.where(arr.path_of(act)), children=kids)


def _possible_modes(rules: Rules, arr: LoadedArrangement, act, day: date) -> list[str]:
    out = []
    g = rules.game(arr)
    for m in arr.model.modes:
        f = _action_func(rules, _Ctx(arr, day, m, True), act)
        if f is not None and f != g.false:
            out.append(m)
    return out


def _uncertain(rules: Rules, ctx: _Ctx, act) -> list[str]:
    """What the answer may hinge on: provisions, body members and statements only possibly in force on the day."""
    from allegiance.rules.conditions import walk

    arr, out = ctx.arr, []
    for p in act.provisions:
        if arr.span_of(p).status(ctx.day) == "possibly":
            out.append(f"provision {p.id}")
        for node in walk(arr.conditions[arr.path_of(p) + ("requires",)]):
            if isinstance(node, Holds) and rules.statement_status(node.statement, ctx.day) == "possibly":
                out.append(f"statement {node.statement}")
            elif isinstance(node, Decision):
                out.extend(f"membership of {m.player} in {node.body}" for m in arr.bodies[node.body].members
                           if arr.span_of(m).status(ctx.day) == "possibly")
    return list(dict.fromkeys(out))


# ---------------------------------------------------------------------- who commands

def who_commands(rules: Rules, force: str, *, arrangement: str, mode: str, as_of: date | None = None) -> dict:
    """The command chain of a force in a mode, from the force up to the deciding body."""
    arr = rules.arrangement(arrangement)
    _check_mode(arr, mode)
    if force not in arr.forces:
        raise UnknownIdError(f"unknown force {force!r} in {arr.model.id}; its forces: "
                             f"{', '.join(arr.forces) or 'none'}")
    day, basis = _resolve_day(arr, as_of)
    ctx = _Ctx(arr, day, mode, True)
    chain: list[dict] = []
    exists: bool | None = True
    reason = None
    node = arr.forces[force]
    role = "force"
    seen = set()
    status = arr.span_of(node).status(day)
    if status != "yes":
        exists = False if status == "no" else None
        reason = (f"{node.id} is in force from {node.valid_from or 'its start'}"
                  + (f" until {node.valid_until}" if node.valid_until else "") + f"; asked about {day}")
        chain.append({"id": node.id, "kind": "force", "name": node.name, "role": role,
                      "where": arr.where(arr.path_of(node)), "sources": rules.evidence(node)})
    while exists:
        chain.append({"id": node.id, "kind": "force", "name": node.name, "role": role,
                      "where": arr.where(arr.path_of(node)), "sources": rules.evidence(node)})
        cmds = [c for c in node.command if mode in c.modes and ctx.on(c)]
        if not cmds:
            exists = None if role == "force" else exists
            reason = f"no provision says how {node.id} is commanded in {mode} on {day}"
            break
        c = cmds[0]
        ev = rules.evidence(c)
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
                "role": "commander", "state": rules.cat.state_of(c.commander), "where": arr.where(arr.path_of(c)),
                "sources": ev}
        if c.appointed_by is not None:
            cond = arr.conditions[arr.path_of(c) + ("appointed_by",)]
            f = _cond_func(rules, ctx, cond)
            a = _analysis(rules, arr, f)
            link["appointed_by"] = {"veto_states": a["veto_states"], "veto_players": a["veto_players"],
                                    "minimal_winning_coalitions": a["minimal_winning_coalitions"]}
        chain.append(link)
        if c.reports_to is not None:
            rid = c.reports_to
            if rid in arr.bodies:
                b = arr.bodies[rid]
                members = [m.player for m in _members(ctx, b, None)]
                chain.append({"id": rid, "kind": "body", "name": b.name, "role": "reports to",
                              "rule": _rule_text(b.rule, len(members)), "members": members,
                              "where": arr.where(arr.path_of(b)),
                              "sources": rules.evidence(b, basis=b.rule_basis, sources=b.rule_sources)})
            else:
                chain.append({"id": rid, "kind": rules.cat.entity_type.get(rid), "name": rules.name(rid),
                              "role": "reports to", "state": rules.cat.state_of(rid), "sources": []})
        break
    commander = next((l for l in chain if l["role"] == "commander"), None)
    return {
        "arrangement": arr.model.id, "force": force, "force_name": arr.forces[force].name, "mode": mode,
        "as_of": day.isoformat(), "as_of_basis": basis, "exists": exists,
        "commander": commander["id"] if commander else None,
        "commander_state": commander["state"] if commander else None,
        "chain": chain if exists else chain[:1], "reason": reason,
        "sources": dedup_citations(s for link in chain for s in (*link.get("sources", []), *link.get("part_of_sources", []))),
    }


def dedup_citations(cits) -> list[dict]:
    """Citations without repeats of the same source and passage, in order."""
    seen, out = set(), []
    for c in cits:
        k = (c["source"], c["quote"])
        if k not in seen:
            seen.add(k)
            out.append(c)
    return out


# ---------------------------------------------------------------------- vetoes

def vetoes(rules: Rules, arrangement: str, action: str | None = None, *, as_of: date | None = None,
           mode: str | None = None) -> dict:
    """Veto states and offices, who can act alone, and minimal winning coalitions, per action and mode."""
    arr = rules.arrangement(arrangement)
    _check_mode(arr, mode)
    day, basis = _resolve_day(arr, as_of)
    acts = [_action(arr, action)] if action else list(arr.model.actions)
    modes = [mode] if mode else list(arr.model.modes)
    rows = []
    for act in acts:
        for m in modes:
            ctx = _Ctx(arr, day, m, True)
            a = _analysis(rules, arr, _action_func(rules, ctx, act))
            rows.append({"action": act.id, "action_name": act.name, "mode": m, **a})
    bodies = []
    if action is None:
        ctx = _Ctx(arr, day, None, True)
        for b in arr.model.bodies:
            a = _analysis(rules, arr, _body_func(rules, ctx, b, None))
            members = [x.player for x in _members(ctx, b, None)]
            bodies.append({"body": b.id, "name": b.name, "rule": _rule_text(b.rule, len(members)),
                           "members": members, **a, "sources": rules.evidence(b, basis=b.rule_basis,
                                                                               sources=b.rule_sources)})
    return {"arrangement": arr.model.id, "as_of": day.isoformat(), "as_of_basis": basis, "actions": rows,
            "bodies": bodies}


# ---------------------------------------------------------------------- diff

def _counterparts(items) -> dict[str, object]:
    out = {}
    for it in items:
        out.setdefault(it.counterpart or it.id, it)
    return out


def diff(rules: Rules, a: str, b: str, *, as_of_a: date | None = None, as_of_b: date | None = None,
         state: str | None = None) -> dict:
    """Two arrangements compared point by point: per action and mode, per force and mode."""
    A, B = rules.arrangement(a), rules.arrangement(b)
    day_a, _ = _resolve_day(A, as_of_a)
    day_b, _ = _resolve_day(B, as_of_b)
    acts_a, acts_b = _counterparts(A.model.actions), _counterparts(B.model.actions)
    modes = [m for m in A.model.modes if m in B.model.modes]
    states = sorted(set(A.model.parties) | set(B.model.parties))
    rows, changes_by_state = [], {s: {"vetoes_lost": [], "vetoes_gained": [], "command_lost": [],
                                      "command_gained": []} for s in states}
    for key in sorted(set(acts_a) | set(acts_b)):
        xa, xb = acts_a.get(key), acts_b.get(key)
        for m in modes:
            ra = _analysis(rules, A, _action_func(rules, _Ctx(A, day_a, m, True), xa)) if xa else None
            rb = _analysis(rules, B, _action_func(rules, _Ctx(B, day_b, m, True), xb)) if xb else None
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
            "actions": rows, "forces": frows, "by_state": changes_by_state}


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


# ---------------------------------------------------------------------- verify

def verify(rules: Rules, arrangement: str, prop: str | None = None, *, check: str | None = None,
           state: str | None = None, actions: Iterable[str] = (), effects: Iterable[str] = (),
           territory: str | None = None, modes: Iterable[str] = ()) -> dict:
    """Check a property over every mode and every date at which a provision changes.

    ``prop`` names a property of the arrangement; or give ``check`` (veto, cannot-act-alone,
    can-act-alone, impossible, possible) with ``state`` and the actions (ids, or effects and territory).
    """
    from allegiance.rules.model import Property

    arr = rules.arrangement(arrangement)
    if prop is not None:
        found = [p for p in arr.model.properties if p.id == prop]
        if not found:
            raise UnknownIdError(f"unknown property {prop!r} of {arr.model.id}; its properties: "
                                 f"{', '.join(p.id for p in arr.model.properties) or 'none'}")
        P = found[0]
    else:
        if check is None:
            raise RulesError("name a property, or give --check with --state and the actions")
        try:
            P = Property(id="ad-hoc", description=f"{check} {state or ''}".strip(), check=check, state=state,
                         actions=list(actions), effects=list(effects), territory=territory,
                         modes=list(modes) or None)
        except Exception as exc:
            raise RulesError(f"invalid property: {exc}") from None
    prop_modes = list(P.modes) if P.modes else list(arr.model.modes)
    for m in prop_modes:
        _check_mode(arr, m)
    acts = [a for a in arr.model.actions
            if a.id in P.actions or (P.effects and set(P.effects) & set(a.effects)
                                      and (P.territory is None or a.territory == P.territory))]
    if not acts:
        raise RulesError(f"property {P.id} matches no action of {arr.model.id}")
    dates = change_dates(arr)
    g = rules.game(arr)
    by_state = _state_players(rules, arr)
    group = set(by_state.get(P.state, [])) if P.state else set()
    checked = 0
    for day in dates:
        for m in prop_modes:
            ctx = _Ctx(arr, day, m, True)
            for act in acts:
                f = _action_func(rules, ctx, act)
                checked += 1
                if f is None:
                    continue
                bad = _violation(rules, g, P.check, f, group)
                if bad is None:
                    continue
                coalition, why = bad
                proof = _action_proof(rules, ctx, act, set(coalition), set())
                return {"arrangement": arr.model.id, "property": P.id, "description": P.description,
                        "holds": False, "checked": checked, "dates": [d.isoformat() for d in dates],
                        "counterexample": {"action": act.id, "mode": m, "date": day.isoformat(),
                                           "coalition": sorted(coalition), "why": why, "proof": proof.to_json(),
                                           "sources": proof.all_sources()}}
    return {"arrangement": arr.model.id, "property": P.id, "description": P.description, "holds": True,
            "checked": checked, "dates": [d.isoformat() for d in dates], "actions": [a.id for a in acts],
            "modes": prop_modes, "counterexample": None}


def keeps_veto(rules: Rules, arrangement: str, *, state: str, effects: Iterable[str], as_of: date,
               territory: str | None = None) -> dict:
    """Whether ``state`` can block every action with one of ``effects`` (on ``territory``), in every mode, on one day.

    The status layer's veto criteria ask this of each arrangement a state is party to. ``holds`` is
    True when the state blocks every matching action that some coalition could take, in every mode;
    False with a counterexample (action, mode, a winning coalition without the state, its proof);
    None when no matching action has a provision in force that day, or when the answer turns on a
    provision only possibly in force (a fuzzy date), with ``reason`` saying which.
    """
    arr = rules.arrangement(arrangement)
    effects = set(effects)
    acts = [a for a in arr.model.actions if effects & set(a.effects)
            and (territory is None or a.territory in (None, territory))]
    base = {"arrangement": arr.model.id, "state": state, "as_of": as_of.isoformat(), "effects": sorted(effects),
            "territory": territory, "actions": [a.id for a in acts], "holds": None, "reason": None,
            "counterexample": None, "checked": [], "sources": []}
    members = [m for b in arr.model.bodies for m in b.members if rules.cat.state_of(m.player) == state]
    if members and not any(_Ctx(arr, as_of, None, True).on(m) for m in members):
        return {**base, "actions": [], "reason": f"{state} is not a member of any body of {arr.model.id} on {as_of}"}
    if not acts:
        return {**base, "reason": f"{arr.model.id} has no action with effect {', '.join(sorted(effects))}"
                + (f" on {territory}" if territory else "")}
    group = set(_state_players(rules, arr).get(state, []))
    g = rules.game(arr)
    answers = []
    for lenient in (False, True):
        checked, bad, sources = [], None, []
        for m in arr.model.modes:
            ctx = _Ctx(arr, as_of, m, lenient)
            for act in acts:
                f = _action_func(rules, ctx, act)
                if f is None:
                    continue
                checked.append({"action": act.id, "mode": m, "possible": f != g.false})
                for prov in _provisions(ctx, act):
                    sources.extend(rules.evidence(prov))
                v = _violation(rules, g, "veto", f, group)
                if v is not None and bad is None:
                    proof = _action_proof(rules, ctx, act, set(v[0]), set())
                    bad = {"action": act.id, "mode": m, "coalition": sorted(v[0]), "why": v[1],
                           "proof": proof.to_json(), "sources": proof.all_sources()}
        answers.append((checked, bad, dedup_citations(sources)))
    (s_checked, s_bad, _), (l_checked, l_bad, l_sources) = answers
    if not l_checked:
        return {**base, "reason": f"no provision of {arr.model.id} on {', '.join(a.id for a in acts)} is in force "
                f"on {as_of.isoformat()}"}
    found = {"counterexample": l_bad, "checked": l_checked, "sources": l_sources}
    if (s_bad is None) != (l_bad is None) or not s_checked:
        return {**base, **found, "reason": f"the answer turns on a provision of {arr.model.id} only possibly in "
                f"force on {as_of.isoformat()} (a fuzzy date)"}
    return {**base, **found, "holds": l_bad is None}


def _violation(rules: Rules, g: Game, check: str, f, group: set[str]):
    if check == "veto":
        if f == g.false:
            return None
        if g.blocks(f, group):
            return None
        rest = g.restrict(f, {p: False for p in group})
        for c in g.minimal_winning(rest, limit=10_000):
            return c, "a winning coalition without the state"
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
            return g.minimal_winning(f, limit=10_000)[0], "a winning coalition exists"
        return None
    if check == "possible":
        if f == g.false:
            return set(g.players), "not even every player together suffices"
        return None
    raise RulesError(f"unknown check {check!r}")


def change_dates(arr: LoadedArrangement) -> list[date]:
    """The start of the arrangement, its described date, and every bound of every dated record in it."""
    days = set()
    whole = arr.spans.get(())
    for span in arr.spans.values():
        days.update(span.bounds())
    if arr.described is not None:
        days.add(arr.described.lower)
    if whole is not None:
        lo = whole.start.lower if whole.start else None
        hi = whole.end.upper if whole.end else None
        days = {d for d in days if (lo is None or d >= lo) and (hi is None or d < hi)}
    return sorted(days)


# ---------------------------------------------------------------------- power

def body_game(rules: Rules, ctx: _Ctx, body):
    """The body's decision rule as a simple game of :mod:`allegiance.rules.power` (members in force on the day)."""
    from allegiance.rules import power as pw

    members = [m.player for m in _members(ctx, body, None)]
    rule = body.rule
    n = len(members)
    if n == 0:
        raise RulesError(f"{body.id} has no members on {ctx.day}")
    if rule.kind in ("consensus", "unanimity"):
        return pw.unanimity(members)
    vetoes = [v for v in rule.vetoes if v in members]
    if rule.kind == "majority":
        game = pw.majority(members, _majority_count(rule, n))
    elif rule.kind == "weighted":
        game = pw.WeightedGame(members, [rule.weights[p] for p in members], rule.quota)
    else:
        pops = [rule.population[p] for p in members]
        k1, q2 = _double_majority_quotas(rule, n, sum(pops))
        game = pw.MultiGame.all_of(pw.majority(members, k1), pw.WeightedGame(members, pops, q2))
        if rule.blocking_minority_at_least:
            game = pw.MultiGame.any_of(game, pw.majority(members, n - rule.blocking_minority_at_least + 1))
    if vetoes:
        # every veto holder must be in: weight n for each of them, 1 for the others, quota n * (number of vetoes)
        game = pw.MultiGame.all_of(game, pw.WeightedGame(members, [n if p in vetoes else 1 for p in members],
                                                          n * len(vetoes)))
    return game


def power(rules: Rules, body: str, *, arrangement: str | None = None, as_of: date | None = None) -> dict:
    """Exact Banzhaf (normalised and absolute) and Shapley-Shubik indices of a body's members."""
    from allegiance.rules import power as pw

    owners = [a for a in rules.book.arrangements.values() if body in a.bodies
              and (arrangement is None or a.model.id == arrangement)]
    if arrangement is not None:
        rules.arrangement(arrangement)
    if not owners:
        known = sorted({f"{b} (in {a.model.id})" for a in rules.book.arrangements.values() for b in a.bodies})
        raise UnknownIdError(f"unknown body {body!r}" + (f" in {arrangement}" if arrangement else "")
                             + f"; bodies: {', '.join(known)}")
    if len(owners) > 1:
        raise RulesError(f"body {body!r} is in several arrangements ({', '.join(a.model.id for a in owners)}); "
                         f"say which with --in")
    arr = owners[0]
    day, basis = _resolve_day(arr, as_of)
    ctx = _Ctx(arr, day, None, True)
    b = arr.bodies[body]
    game = body_game(rules, ctx, b)
    swings = pw.swing_counts(game)
    bz = pw.banzhaf(game)
    ss = pw.shapley_shubik(game)
    n = len(game.players)
    players = []
    for p in game.players:
        sw = swings[p] if isinstance(swings[p], int) else swings.get(p)
        players.append({"player": p, "state": rules.cat.state_of(p), "name": rules.name(p),
                        "banzhaf": float(bz[p]), "banzhaf_exact": str(bz[p]),
                        "banzhaf_absolute": float(pw.banzhaf(game, normalized=False)[p]) if n <= 62 else None,
                        "swings": sw, "shapley_shubik": float(ss[p]), "shapley_shubik_exact": str(ss[p])})
    return {"arrangement": arr.model.id, "body": b.id, "name": b.name, "as_of": day.isoformat(),
            "as_of_basis": basis, "rule": _rule_text(b.rule, n), "players": players,
            "veto_players": sorted(pw.veto_players(game)),
            "sources": rules.evidence(b, basis=b.rule_basis, sources=b.rule_sources)}
