"""Reading and checking arrangement files (``kb/arrangements/*.yaml``).

Every problem is reported as ``file:line: field: message`` through
:class:`~allegiance.errors.KnowledgeBaseError`, all at once, and nothing is
half-loaded: :func:`load_arrangements` returns every arrangement or raises.
References are checked against the facts knowledge base (its compiled
store): players must be offices or states there, ``basis`` must name its
statements and citations its sources.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from allegiance.errors import DateError, KnowledgeBaseError, Problem
from allegiance.facts._yaml import dotted, read_yaml
from allegiance.facts.load import _line_for, _pydantic_message, default_kb_dir
from allegiance.facts.time import FuzzyDate, parse_date
from allegiance.rules.conditions import All, AnyOf, Cond, Consent, Decision, Holds, InMode, Never, parse_condition, walk
from allegiance.rules.model import Arrangement, Body, Force

__all__ = ["Catalog", "LoadedArrangement", "Rulebook", "load_arrangements", "arrangements_dir"]


def arrangements_dir(kb_dir: Path | str | None = None) -> Path:
    return (Path(kb_dir) if kb_dir is not None else default_kb_dir()) / "arrangements"


@dataclass
class Catalog:
    """What arrangements may refer to in the facts knowledge base."""

    entity_type: dict[str, str]
    entity_of: dict[str, str | None]
    entity_name: dict[str, str]
    statements: set[str]
    sources: set[str]
    state_names: dict[str, list[str]] = field(default_factory=dict)  # state id -> name and aliases

    @classmethod
    def from_store(cls, store) -> Catalog:
        ents = store.con.execute("SELECT id, type, of, name, aliases FROM entities").fetchall()
        return cls(
            entity_type={e[0]: e[1] for e in ents},
            entity_of={e[0]: e[2] for e in ents},
            entity_name={e[0]: e[3] for e in ents},
            statements={r[0] for r in store.con.execute("SELECT id FROM statements").fetchall()},
            sources={r[0] for r in store.con.execute("SELECT id FROM sources").fetchall()},
            state_names={e[0]: [e[3], *(e[4] or [])] for e in ents if e[1] == "state"},
        )

    def state_of(self, player: str) -> str | None:
        """The state a player belongs to: itself for a state, the office's state for an office."""
        if self.entity_type.get(player) == "state":
            return player
        of = self.entity_of.get(player)
        seen = set()
        while of is not None and of not in seen:
            if self.entity_type.get(of) == "state":
                return of
            seen.add(of)
            of = self.entity_of.get(of)
        return None


@dataclass
class Span:
    """A valid time: [start, end) with fuzzy bounds; None means open."""

    start: FuzzyDate | None
    end: FuzzyDate | None

    def status(self, day) -> str:
        """'yes', 'no' or 'possibly' (the day falls inside a fuzzy bound)."""
        if self.start is not None:
            if day < self.start.lower:
                return "no"
        if self.end is not None:
            if day >= self.end.upper:
                return "no"
        fuzzy = (self.start is not None and day < self.start.upper) or \
                (self.end is not None and day >= self.end.lower)
        return "possibly" if fuzzy else "yes"

    def bounds(self) -> list:
        out = []
        for d in (self.start, self.end):
            if d is not None:
                out.extend([d.lower, d.upper])
        return out


@dataclass
class LoadedArrangement:
    model: Arrangement
    file: str
    lines: dict
    spans: dict[tuple, Span] = field(default_factory=dict)        # path of anything dated -> its span
    conditions: dict[tuple, Cond] = field(default_factory=dict)   # path of a 'requires'/'appointed_by' -> parsed
    bodies: dict[str, Body] = field(default_factory=dict)
    forces: dict[str, Force] = field(default_factory=dict)
    paths: dict[int, tuple] = field(default_factory=dict)         # id(record) -> its path in the file
    described: FuzzyDate | None = None

    def line(self, path: tuple) -> int:
        return _line_for(self.lines, path)

    def where(self, path: tuple) -> str:
        return f"{self.file}:{self.line(path)}"

    def path_of(self, record) -> tuple:
        return self.paths[id(record)]

    def span_of(self, record) -> Span:
        return self.spans.get(self.paths[id(record)], Span(None, None))

    def in_force(self, day) -> str:
        """Whether the arrangement as a whole is in force on ``day``: ``yes``, ``possibly`` or ``no``."""
        span = self.spans.get(())
        return span.status(day) if span is not None else "yes"


@dataclass
class Rulebook:
    """Every arrangement, checked, with the catalog it was checked against."""

    arrangements: dict[str, LoadedArrangement]
    catalog: Catalog


def load_arrangements(store, directory: Path | str | None = None) -> Rulebook:
    """Load and check every arrangement file in ``directory`` (default: the shipped ones)."""
    directory = Path(directory) if directory is not None else arrangements_dir()
    catalog = Catalog.from_store(store)
    problems: list[Problem] = []
    loaded: dict[str, LoadedArrangement] = {}
    first_file: dict[str, tuple[str, int]] = {}
    files = sorted(directory.glob("*.yaml")) if directory.is_dir() else []
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            problems.append(Problem(path.name, 1, "(encoding)", f"not UTF-8 text: {exc.reason}"))
            continue
        data, lines, probs = read_yaml(text, path.name)
        problems.extend(probs)
        if probs:
            continue
        if not isinstance(data, dict):
            problems.append(Problem(path.name, 1, "(document)", "expected a mapping describing one arrangement"))
            continue
        try:
            model = Arrangement.model_validate(data)
        except ValidationError as exc:
            for err in exc.errors():
                loc = tuple(err["loc"])
                problems.append(Problem(path.name, _line_for(lines, loc), dotted(loc) or "(document)",
                                        _pydantic_message(err)))
            continue
        arr = LoadedArrangement(model, path.name, lines)
        _Checker(arr, catalog, problems).run(data)
        if model.id in first_file:
            f0, l0 = first_file[model.id]
            problems.append(Problem(path.name, _line_for(lines, ("id",)), "id",
                                    f"duplicate arrangement id {model.id!r} (already defined in {f0}:{l0})"))
            continue
        first_file[model.id] = (path.name, _line_for(lines, ("id",)))
        loaded[model.id] = arr
    # Arrangements modelled on others: the names must resolve.
    for arr in loaded.values():
        for i, ref in enumerate(arr.model.modelled_on):
            if ref not in loaded and ref not in catalog.entity_type:
                problems.append(Problem(arr.file, arr.line(("modelled_on", i)), f"modelled_on[{i}]",
                                        f"unknown arrangement or entity {ref!r}"))
    if problems:
        if directory.name == "arrangements":  # beside a knowledge base: name files as the kb directory sees them
            problems = [Problem(f"arrangements/{p.file}", p.line, p.field, p.message) for p in problems]
        raise KnowledgeBaseError(problems)
    return Rulebook(loaded, catalog)


class _Checker:
    """Cross-record checks of one arrangement; fills in its parsed conditions and spans."""

    def __init__(self, arr: LoadedArrangement, catalog: Catalog, problems: list[Problem]):
        self.arr, self.cat, self.problems = arr, catalog, problems
        self.m = arr.model

    def add(self, path: tuple, message: str) -> None:
        self.problems.append(Problem(self.arr.file, self.arr.line(path), dotted(path) or "(document)", message))

    # ---------------------------------------------------------------- pieces

    def evidence(self, rec, path: tuple, *, required: bool = True) -> None:
        self.arr.paths[id(rec)] = path
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
        self.arr.spans[path] = Span(start, end)

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
            self.arr.described = parse_date(m.described_as_of)
        except DateError as exc:
            self.add(("described_as_of",), str(exc))
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
            self.arr.paths[id(a)] = path
            if a.territory is not None:
                self.player(a.territory, path + ("territory",))
            if a.actor is not None:
                self.player(a.actor, path + ("actor",))
            for j, prov in enumerate(a.provisions):
                ppath = path + ("provisions", j)
                unique(prov.id, ppath)
                self.evidence(prov, ppath)
                self.condition(data["actions"][i]["provisions"][j]["requires"], ppath + ("requires",))
            self.contradictions(a, path)
        for i, prop in enumerate(m.properties):
            path = ("properties", i)
            unique(prop.id, path)
            self.arr.paths[id(prop)] = path
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
        n = len(members)
        allowed = {
            "consensus": {"constructive_abstention", "abstention_limit_members", "abstention_limit_population",
                          "population"},
            "unanimity": {"constructive_abstention", "abstention_limit_members", "abstention_limit_population",
                          "population"},
            "majority": {"at_least", "more_than", "count", "vetoes"},
            "weighted": {"weights", "quota", "vetoes"},
            "double-majority": {"members_at_least", "population_at_least", "population",
                                "blocking_minority_at_least", "vetoes"},
        }[rule.kind]
        given = {k for k in rule.model_fields_set if k != "kind"}
        for k in sorted(given - allowed):
            self.add(rpath + (k,), f"not used by a {rule.kind!r} rule (it takes: {', '.join(sorted(allowed))})")

        def share(text: str | None, key: str) -> Fraction | None:
            if text is None:
                return None
            num, den = (int(x) for x in text.split("/"))
            if den == 0 or num > den:
                self.add(rpath + (key,), f"a share between 0 and 1 is expected; got {text}")
                return None
            return Fraction(num, den)

        for v in rule.vetoes:
            if v not in members:
                self.add(rpath + ("vetoes",), f"veto holder {v!r} is not a member of {body.id}")
        if rule.kind == "majority":
            given_k = [k for k in ("at_least", "more_than", "count") if getattr(rule, k) is not None]
            if len(given_k) != 1:
                self.add(rpath, "a majority rule takes exactly one of at_least, more_than, count")
            share(rule.at_least, "at_least")
            if rule.more_than is not None and share(rule.more_than, "more_than") == 1:
                self.add(rpath + ("more_than",), "a threshold no coalition can reach: more than all members")
            if rule.count is not None and rule.count > n:
                self.add(rpath + ("count",), f"a threshold no coalition can reach: {rule.count} of {n} members")
        elif rule.kind == "weighted":
            if rule.weights is None or rule.quota is None:
                self.add(rpath, "a weighted rule needs 'weights' (one per member) and 'quota'")
            else:
                if set(rule.weights) != set(members):
                    missing = sorted(set(members) - set(rule.weights))
                    extra = sorted(set(rule.weights) - set(members))
                    self.add(rpath + ("weights",), f"one weight per member expected; missing {missing}, "
                                                   f"not members {extra}")
                if any(w <= 0 for w in rule.weights.values()):
                    self.add(rpath + ("weights",), "weights must be positive integers")
                if rule.quota > sum(rule.weights.values()):
                    self.add(rpath + ("quota",), f"a threshold no coalition can reach: quota {rule.quota} "
                                                 f"exceeds the total weight {sum(rule.weights.values())}")
        elif rule.kind == "double-majority":
            if rule.members_at_least is None or rule.population_at_least is None or rule.population is None:
                self.add(rpath, "a double-majority rule needs members_at_least, population_at_least and population")
            share(rule.members_at_least, "members_at_least")
            share(rule.population_at_least, "population_at_least")
        if rule.population is not None:
            if set(rule.population) != set(members):
                self.add(rpath + ("population",), "one population figure per member expected")
            if any(p <= 0 for p in rule.population.values()):
                self.add(rpath + ("population",), "populations must be positive integers")
        if rule.kind in ("consensus", "unanimity"):
            if (rule.abstention_limit_members or rule.abstention_limit_population) and not rule.constructive_abstention:
                self.add(rpath, "abstention limits apply only with constructive_abstention: true")
            if rule.abstention_limit_population and rule.population is None:
                self.add(rpath + ("abstention_limit_population",), "needs 'population' per member")
            share(rule.abstention_limit_members, "abstention_limit_members")
            share(rule.abstention_limit_population, "abstention_limit_population")
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

    def _overlap(self, a, b) -> bool:
        sa, sb = self.arr.spans.get(self.arr.paths.get(id(a))), self.arr.spans.get(self.arr.paths.get(id(b)))
        if sa is None or sb is None:
            return True
        a0 = sa.start.lower if sa.start else None
        a1 = sa.end.upper if sa.end else None
        b0 = sb.start.lower if sb.start else None
        b1 = sb.end.upper if sb.end else None
        return (a1 is None or b0 is None or b0 < a1) and (b1 is None or a0 is None or a0 < b1)

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

    def contradictions(self, action, path: tuple) -> None:
        """Provisions in force together whose mode requirements exclude each other (and no 'never')."""
        provs = action.provisions
        for j, a in enumerate(provs):
            for k in range(j + 1, len(provs)):
                b = provs[k]
                ca = self.arr.conditions.get(path + ("provisions", j, "requires"))
                cb = self.arr.conditions.get(path + ("provisions", k, "requires"))
                if ca is None or cb is None or not self._overlap(a, b):
                    continue
                ma, mb = _required_modes(ca, self.m.modes), _required_modes(cb, self.m.modes)
                if not (ma & mb) and not any(isinstance(n, Never) for n in (*walk(ca), *walk(cb))):
                    self.add(path + ("provisions", k, "requires"),
                             f"contradictory requirements: provision {b.id!r} allows only modes {sorted(mb)} "
                             f"while {a.id!r} (line {self.arr.line(path + ('provisions', j))}) allows only "
                             f"{sorted(ma)}, over the same period; use 'never' to prohibit an action")


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


def iter_citations(arr: LoadedArrangement):
    """Every citation written in an arrangement file, with its path: (path, Citation)."""
    from pydantic import BaseModel

    from allegiance.facts.model import Citation

    def walk(obj, path):
        if isinstance(obj, Citation):
            yield path, obj
        elif isinstance(obj, BaseModel):
            for name in type(obj).model_fields:
                field = type(obj).model_fields[name]
                yield from walk(getattr(obj, name), path + (field.alias or name,))
        elif isinstance(obj, (list, tuple)):
            for i, item in enumerate(obj):
                yield from walk(item, path + (i,))

    yield from walk(arr.model, ())


def check_arrangement_seed_quotes(book: Rulebook, kb, seeds_dir: Path | str) -> list[Problem]:
    """Every passage an arrangement quotes from a seed document must occur in it (whitespace-normalised)."""
    from allegiance.facts.load import seed_quote_problem

    seeds_dir = Path(seeds_dir)
    cache: dict[str, str | None] = {}
    problems: list[Problem] = []
    for arr in book.arrangements.values():
        for path, cit in iter_citations(arr):
            bad = seed_quote_problem(kb.sources, cit, seeds_dir, cache)
            if bad is not None:
                problems.append(Problem(f"arrangements/{arr.file}", arr.line(path), f"{dotted(path)}.{bad[0]}",
                                        bad[1]))
    return problems
