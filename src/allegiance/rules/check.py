"""Cross-record checks of one arrangement: references, evidence, dates, rules, command chains, contradictions.

:class:`Checker` runs after the schema (:mod:`allegiance.rules.model`) has accepted the file; it records
each record's path on the record, parses conditions and valid times into the
:class:`~allegiance.rules.load.LoadedArrangement`, and reports every problem through
:class:`~allegiance.errors.Problem` (file, line, field, message).
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from allegiance.errors import DateError, Problem
from allegiance.facts._yaml import dotted
from allegiance.facts.time import Span, parse_date
from allegiance.rules.conditions import All, AnyOf, Cond, Consent, Decision, Holds, InMode, Never, parse_condition, walk
from allegiance.rules.model import Body, Force

if TYPE_CHECKING:
    from allegiance.rules.load import Catalog, LoadedArrangement

__all__ = ["Checker"]


class Checker:
    """Cross-record checks of one arrangement; fills in its parsed conditions and spans."""

    def __init__(self, arr: LoadedArrangement, catalog: Catalog, problems: list[Problem]):
        self.arr, self.cat, self.problems = arr, catalog, problems
        self.m = arr.model

    def add(self, path: tuple, message: str) -> None:
        self.problems.append(Problem(self.arr.file, self.arr.line(path), dotted(path) or "(document)", message))

    # ---------------------------------------------------------------- pieces

    def evidence(self, rec, path: tuple, *, required: bool = True) -> None:
        rec._path = path
        if required and not rec.basis and not rec.sources:
            self.add(path, "no evidence: give 'basis' (statement ids) or 'sources' (citations with quotes)")
        for i, sid in enumerate(rec.basis):
            if sid not in self.cat.statements:
                self.add(path + ("basis", i), f"unknown statement {sid!r} in the facts knowledge base")
        for i, cit in enumerate(rec.sources):
            if cit.source not in self.cat.sources:
                self.add(path + ("sources", i, "source"), f"unknown source {cit.source!r}")
        self.dates(rec, path)

    def dates(self, rec, path: tuple) -> None:
        start = end = None
        try:
            start = parse_date(rec.valid_from) if rec.valid_from is not None else None
        except DateError as exc:
            self.add(path + ("valid_from",), str(exc))
        try:
            end = parse_date(rec.valid_until) if rec.valid_until is not None else None
        except DateError as exc:
            self.add(path + ("valid_until",), str(exc))
        if start is not None and end is not None and end.upper <= start.lower:
            self.add(path + ("valid_until",), f"ends ({rec.valid_until}) before it starts ({rec.valid_from})")
        span = Span.of(start, end)
        if rec.known_until is not None:
            for i, sid in enumerate(rec.known_until.basis):
                if sid not in self.cat.statements:
                    self.add(path + ("known_until", "basis", i),
                             f"unknown statement {sid!r} in the facts knowledge base")
            kpath = path + ("known_until", "date")
            try:
                known = parse_date(rec.known_until.date)
            except DateError as exc:
                self.add(kpath, str(exc))
            else:
                if start is not None and known.lower <= start.lower:
                    self.add(kpath, f"known only until {rec.known_until.date}, which is not after it starts "
                                    f"({rec.valid_from}); give a later date or drop known_until")
                elif end is not None and known.lower >= end.lower:
                    self.add(kpath, f"known only until {rec.known_until.date}, which is not before it ends "
                                    f"({rec.valid_until}); give an earlier date or drop known_until")
                else:  # from that day on, only possibly in force (it may have ended: the sources do not say)
                    span = replace(span, end_lo=known.lower)
        self.arr.spans[path] = span

    def player(self, pid: str, path: tuple) -> None:
        typ = self.cat.entity_type.get(pid)
        if typ is None:
            self.add(path, f"unknown player {pid!r}: expected an office or state of the facts knowledge base")
        elif typ not in ("office", "state"):
            self.add(path, f"{pid!r} is a {typ}; a player must be an office or a state")
        elif self.cat.state_of(pid) is None:
            self.add(path, f"office {pid!r} belongs to no state (give it 'of: STATE' in the knowledge base)")

    def condition(self, data: Any, path: tuple) -> Cond | None:
        cond = parse_condition(data, path, self.add)
        if cond is None:
            return None
        for node in walk(cond):
            if isinstance(node, Decision):
                if node.body not in self.arr.bodies:
                    self.add(node.path + ("decision",),
                             f"unknown body {node.body!r}; bodies of {self.m.id}: {sorted(self.arr.bodies) or 'none'}")
            elif isinstance(node, Consent):
                self.player(node.player, node.path + ("consent",))
            elif isinstance(node, InMode):
                for m in node.modes:
                    if m not in self.m.modes:
                        self.add(node.path + ("mode",),
                                 f"undeclared mode {m!r}; this arrangement declares {', '.join(self.m.modes)}")
            elif isinstance(node, Holds):
                if node.statement not in self.cat.statements:
                    self.add(node.path + ("holds",), f"unknown statement {node.statement!r}")
        self.arr.conditions[path] = cond
        return cond

    # ---------------------------------------------------------------- the whole

    def run(self, data: dict) -> None:
        m = self.m
        self.evidence(m, ())
        try:
            self.arr.described = self.arr.encoded = parse_date(m.described_as_of)
        except DateError as exc:
            self.add(("described_as_of",), str(exc))
        if m.encoded_until is not None:
            try:
                self.arr.encoded = parse_date(m.encoded_until)
            except DateError as exc:
                self.add(("encoded_until",), str(exc))
            else:
                if self.arr.described is not None and self.arr.encoded.upper < self.arr.described.lower:
                    self.add(("encoded_until",), f"encoded only until {m.encoded_until}, before the date it is "
                                                 f"described as of ({m.described_as_of}); give a later date")
        for i, p in enumerate(m.parties):
            self.player(p, ("parties", i))
        if m.initial_mode not in m.modes:
            self.add(("initial_mode",), f"undeclared mode {m.initial_mode!r}")
        seen: dict[str, tuple] = {}

        def unique(rid: str, path: tuple) -> None:
            if rid in seen:
                self.add(path + ("id",), f"duplicate id {rid!r} in this arrangement "
                                         f"(first used on line {self.arr.line(seen[rid])})")
            else:
                seen[rid] = path

        for i, body in enumerate(m.bodies):
            path = ("bodies", i)
            unique(body.id, path)
            self.arr.bodies[body.id] = body
            self.evidence(body, path)
            self.body(body, path)
        for i, t in enumerate(m.transitions):
            path = ("transitions", i)
            unique(t.id, path)
            self.evidence(t, path)
            for key, mode in (("from", t.from_), ("to", t.to)):
                if mode not in m.modes:
                    self.add(path + (key,), f"transition to or from an undeclared mode {mode!r}; "
                                            f"this arrangement declares {', '.join(m.modes)}")
            if t.from_ == t.to:
                self.add(path + ("to",), "a transition must change the mode")
            self.condition(data["transitions"][i]["requires"], path + ("requires",))
        for i, f in enumerate(m.forces):
            unique(f.id, ("forces", i))
            self.arr.forces[f.id] = f
        for i, f in enumerate(m.forces):
            self.force(f, ("forces", i), data["forces"][i])
        self.command_cycles()
        for i, a in enumerate(m.actions):
            path = ("actions", i)
            unique(a.id, path)
            a._path = path
            if a.territory is not None:
                self.player(a.territory, path + ("territory",))
            if a.actor is not None:
                self.player(a.actor, path + ("actor",))
            for j, prov in enumerate(a.provisions):
                ppath = path + ("provisions", j)
                unique(prov.id, ppath)
                self.evidence(prov, ppath)
                self.condition(data["actions"][i]["provisions"][j]["requires"], ppath + ("requires",))
            self.supersessions(a, path)
            self.contradictions(a, path)
        for i, prop in enumerate(m.properties):
            path = ("properties", i)
            unique(prop.id, path)
            prop._path = path
            if prop.state is not None:
                self.player(prop.state, path + ("state",))
            elif prop.check in ("veto", "cannot-act-alone", "can-act-alone"):
                self.add(path + ("state",), f"check {prop.check!r} needs a 'state'")
            for j, aid in enumerate(prop.actions):
                if aid not in {a.id for a in m.actions}:
                    self.add(path + ("actions", j), f"unknown action {aid!r}")
            if not prop.actions and not prop.effects:
                self.add(path, "name the actions to check: 'actions' (ids) or 'effects' (with 'territory')")
            for j, mode in enumerate(prop.modes or ()):
                if mode not in m.modes:
                    self.add(path + ("modes", j), f"undeclared mode {mode!r}")

    def body(self, body: Body, path: tuple) -> None:
        rule = body.rule
        members = []
        for j, mem in enumerate(body.members):
            mpath = path + ("members", j)
            self.evidence(mem, mpath, required=False)
            self.player(mem.player, mpath + ("player",))
            if mem.player in members:
                self.add(mpath + ("player",), f"{mem.player!r} is already a member of {body.id}")
            members.append(mem.player)
        rpath = path + ("rule",)
        for sub, message in rule.problems(members, body.id):
            self.add(rpath + sub, message)
        for k, path_k in (("rule_basis", "rule_basis"),):
            for i, sid in enumerate(getattr(body, k)):
                if sid not in self.cat.statements:
                    self.add(path + (path_k, i), f"unknown statement {sid!r}")
        for i, cit in enumerate(body.rule_sources):
            if cit.source not in self.cat.sources:
                self.add(path + ("rule_sources", i, "source"), f"unknown source {cit.source!r}")

    def force(self, f: Force, path: tuple, data: dict) -> None:
        self.evidence(f, path)
        for j, u in enumerate(f.composition):
            upath = path + ("composition", j)
            self.evidence(u, upath)
            if u.unit not in self.cat.entity_type:
                self.add(upath + ("unit",), f"unknown unit {u.unit!r}")
            self.player(u.state, upath + ("state",))
        covered: dict[str, int] = {}
        for j, c in enumerate(f.command):
            cpath = path + ("command", j)
            self.evidence(c, cpath)
            for mode in c.modes:
                if mode not in self.m.modes:
                    self.add(cpath + ("modes",), f"undeclared mode {mode!r}")
                elif mode in covered and self._overlap(f.command[covered[mode]], c):
                    self.add(cpath + ("modes",), f"contradictory command: mode {mode!r} is already given on line "
                                                 f"{self.arr.line(path + ('command', covered[mode]))} for an "
                                                 f"overlapping period")
                covered.setdefault(mode, j)
            if not c.exists:
                for key in ("part_of", "commander", "reports_to", "appointed_by"):
                    if getattr(c, key) is not None:
                        self.add(cpath + (key,), f"contradictory: the force does not exist in these modes, "
                                                 f"so it has no {key}")
                continue
            if c.part_of is None and c.commander is None:
                self.add(cpath, "a force that exists needs a 'commander' or a 'part_of' force")
            if c.part_of is not None and c.part_of not in self.arr.forces:
                self.add(cpath + ("part_of",), f"unknown force {c.part_of!r} in this arrangement")
            if c.commander is not None and self.cat.entity_type.get(c.commander) not in ("office", "person"):
                self.add(cpath + ("commander",), f"unknown commander {c.commander!r}: expected an office of the "
                                                 f"facts knowledge base")
            if c.reports_to is not None and c.reports_to not in self.arr.bodies:
                self.player(c.reports_to, cpath + ("reports_to",))
            if c.appointed_by is not None:
                self.condition(data["command"][j]["appointed_by"], cpath + ("appointed_by",))

    def command_cycles(self) -> None:
        for mode in self.m.modes:
            parent: dict[str, tuple[str, tuple]] = {}
            for i, f in enumerate(self.m.forces):
                for j, c in enumerate(f.command):
                    if mode in c.modes and c.exists and c.part_of is not None:
                        parent[f.id] = (c.part_of, ("forces", i, "command", j, "part_of"))
            reported: set[str] = set()
            for start in parent:
                chain, node = [start], start
                while node in parent:
                    node = parent[node][0]
                    if node in chain:
                        cycle = chain[chain.index(node):] + [node]
                        key = min(cycle)
                        if key not in reported:
                            reported.add(key)
                            self.add(parent[cycle[-2]][1], f"command chain has a cycle in {mode}: "
                                                          f"{' -> '.join(cycle)}")
                        break
                    chain.append(node)

    def supersessions(self, action, path: tuple) -> None:
        """``supersedes`` names earlier provisions of the same action; each ends where the later one starts."""
        ids = {p.id: j for j, p in enumerate(action.provisions)}
        for j, p in enumerate(action.provisions):
            ppath = path + ("provisions", j)
            mine = self.arr.spans.get(ppath)
            for k, old in enumerate(p.supersedes):
                spath = ppath + ("supersedes", k)
                if old == p.id or old not in ids:
                    known = ", ".join(q.id for q in action.provisions if q.id != p.id) or "none"
                    self.add(spath, f"{old!r} is not another provision of action {action.id!r} "
                                    f"(its other provisions: {known})")
                    continue
                opath = path + ("provisions", ids[old])
                before = self.arr.spans.get(opath)
                if mine is None or before is None:
                    continue  # its dates were bad: reported already
                if p.valid_from is None:
                    self.add(ppath + ("valid_from",), f"provision {p.id!r} supersedes {old!r}, so it needs the "
                                                      f"date it starts (valid_from)")
                    continue
                if before.start_lo is not None and mine.start_lo <= before.start_lo:
                    self.add(spath, f"provision {p.id!r} (from {p.valid_from}) cannot supersede {old!r}, which "
                                    f"starts no earlier ({action.provisions[ids[old]].valid_from}, line "
                                    f"{self.arr.line(opath)}); supersede only an earlier provision")
                    continue
                self.arr.spans[opath] = before.superseded_by((*before.superseded,
                                                              (mine.start_lo, mine.start_hi, None)))

    def contradictions(self, action, path: tuple) -> None:
        """Provisions in force together (neither superseding the other) that contradict each other: mode
        requirements that exclude each other, or a prohibition ('never') beside conditions that permit."""
        provs = action.provisions
        for j, a in enumerate(provs):
            for k in range(j + 1, len(provs)):
                b = provs[k]
                ca = self.arr.conditions.get(path + ("provisions", j, "requires"))
                cb = self.arr.conditions.get(path + ("provisions", k, "requires"))
                if ca is None or cb is None or a.id in b.supersedes or b.id in a.supersedes \
                        or not self._overlap(a, b):
                    continue
                where = f"line {self.arr.line(path + ('provisions', j))}"
                fix = f"end {a.id!r} (valid_until) or give {b.id!r} 'supersedes: [{a.id}]'"
                na, nb = (any(isinstance(n, Never) for n in walk(c)) for c in (ca, cb))
                if na != nb:
                    never, other = (a.id, b.id) if na else (b.id, a.id)
                    self.add(path + ("provisions", k, "requires"),
                             f"contradictory provisions over the same period: {never!r} prohibits the action "
                             f"('never') while {other!r} sets conditions that permit it ({where}); {fix}")
                    continue
                ma, mb = _required_modes(ca, self.m.modes), _required_modes(cb, self.m.modes)
                if not (ma & mb) and not (na or nb):
                    self.add(path + ("provisions", k, "requires"),
                             f"contradictory requirements: provision {b.id!r} allows only modes {sorted(mb)} "
                             f"while {a.id!r} ({where}) allows only {sorted(ma)}, over the same period; "
                             f"{fix}, or use 'never' to prohibit an action")

    def _overlap(self, a, b) -> bool:
        return _effective(self.arr.span_of(a)).overlaps(_effective(self.arr.span_of(b)))


def _effective(span: Span) -> Span:
    """A span ending where the first thing that supersedes it has certainly begun."""
    ends = [hi for _, hi, _ in span.superseded] + ([span.end_hi] if span.end_hi is not None else [])
    return replace(span, end_hi=min(ends), superseded=()) if ends else span


def _required_modes(cond: Cond, modes) -> set[str]:
    """The modes in which a condition can hold at all (ignoring consents)."""
    if isinstance(cond, InMode):
        return set(cond.modes)
    if isinstance(cond, All):
        out = set(modes)
        for c in cond.items:
            out &= _required_modes(c, modes)
        return out
    if isinstance(cond, AnyOf):
        out = set()
        for c in cond.items:
            out |= _required_modes(c, modes)
        return out
    return set(modes)
