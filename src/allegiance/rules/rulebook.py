"""The loaded arrangements over a facts store, and what every question shares.

:class:`Rules` holds the :class:`~allegiance.rules.load.Rulebook` (picklable:
the arrangements and the catalog they were checked against), one BDD
manager per arrangement, a typed memo of the diagrams already built, and
the evidence of each record as :class:`~allegiance.facts.citations.Citation`
objects. Questions are asked on a day (``as_of``; by default the date the
arrangement is described as of) and, where it matters, in a readiness mode:
a :class:`Ctx`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Iterable

from allegiance.errors import AllegianceError, RulesError, UnknownIdError
from allegiance.facts.citations import Citation, dedup
from allegiance.rules.conditions import Consent, walk
from allegiance.rules.load import LoadedArrangement, Rulebook, load_arrangements
from allegiance.rules.logic import Game
from allegiance.rules.memo import BodyKey, ConsentKey, EvidenceKey, Memo, MembersKey
from allegiance.rules.proof import Sources

__all__ = ["Rules", "open_rules", "list_arrangements", "Ctx", "resolve_day", "check_mode", "find_action", "members",
           "players_of", "state_players", "expand_consent"]


# ---------------------------------------------------------------------- rules

class Rules:
    """The loaded arrangements over a facts store, with the caches answers share."""

    def __init__(self, store, book: Rulebook):
        self.store = store
        self.book = book
        self.cat = book.catalog
        self.memo = Memo()
        self._games: dict[str, Game] = {}
        self._state_players: dict[str, dict[str, list[str]]] = {}
        self._statement_citations: dict[str, Sources] = {}
        self._evidence_of: dict[EvidenceKey, Sources] = {}  # bounded by the records of the rulebook: no LRU
        #: record files read and checked, by directory: (their stat stamp, the records)
        self.record_cache: dict[Path, tuple[list, dict]] = {}
        self._source_meta = {r[0]: {"title": r[1], "author": r[2], "outlet": r[3], "date": r[4], "url": r[5],
                                    "accessed": r[6]}
                             for r in store.con.execute(
                                 "SELECT id, title, author, outlet, date, url, accessed FROM sources").fetchall()}

    def arrangement(self, aid: str) -> LoadedArrangement:
        try:
            return self.book.arrangements[aid]
        except KeyError:
            known = ", ".join(sorted(self.book.arrangements))
            raise UnknownIdError(f"unknown arrangement {aid!r}; known: {known}", value=aid, field="arrangement",
                                 allowed=known) from None

    def game(self, arr: LoadedArrangement) -> Game:
        g = self._games.get(arr.model.id)
        if g is None:
            g = self._games[arr.model.id] = Game(players_of(arr))
        return g

    def statement_holds(self, sid: str, day: date) -> str:
        """``yes``, ``possibly`` or ``no``: the facts layer's one answer (supersession honoured)."""
        from allegiance.facts.query import statement_span

        return statement_span(self.store, sid).holds(day)

    def evidence(self, arr: LoadedArrangement, rec) -> Sources:
        """The citations of a record of ``arr``: those of its ``basis`` statements, then its own ``sources``."""
        key = EvidenceKey(arr.model.id, rec.path)
        out = self._evidence_of.get(key)
        if out is None:
            out = self._evidence_of[key] = self._evidence(rec.basis, rec.sources)
        return out

    def rule_evidence(self, arr: LoadedArrangement, body) -> Sources:
        """The citations of a body of ``arr`` and of its decision rule."""
        key = EvidenceKey(arr.model.id, body.path, rule=True)
        out = self._evidence_of.get(key)
        if out is None:
            out = self._evidence_of[key] = self._evidence((*body.basis, *body.rule_basis),
                                                          (*body.sources, *body.rule_sources))
        return out

    def _evidence(self, basis, sources) -> Sources:
        cits: list[Citation] = []
        for sid in basis:
            cits.extend(self.statement_citations(sid))
        for c in sources:
            cits.append(Citation(c.source, c.quote, c.locator).described(self._source_meta.get(c.source)))
        return Sources(dedup(cits))

    def statement_citations(self, sid: str) -> Sources:
        cits = self._statement_citations.get(sid)
        if cits is None:
            from allegiance.facts.query import statements_by_id

            st = statements_by_id(self.store, [sid])[0]
            cits = self._statement_citations[sid] = Sources(Citation.from_json(c).via(sid) for c in st["sources"])
        return cits

    def name(self, eid: str) -> str:
        return self.cat.entity_name.get(eid, eid)


def open_rules(store, directory: Path | str | None = None) -> Rules:
    """Load the arrangements (default: those shipped beside the knowledge base) over ``store``.

    The default arrangements are parsed and checked once per compiled store and code: the
    :class:`~allegiance.rules.load.Rulebook` is kept beside the database (:meth:`Store.blob`), named by the
    arrangement files and the code that reads them, so a later call unpickles it instead of reading YAML. A
    changed arrangement file (or one added or removed) or changed rules code means a fresh parse; a
    rulebook with problems raises and is never kept.
    """
    if directory is None:
        from allegiance.rules.load import arrangements_dir

        kb_dir = store.con.execute("SELECT value FROM meta WHERE key = 'kb_dir'").fetchone()
        directory = arrangements_dir(kb_dir[0] if kb_dir else None)
        book = store.blob("rulebook", lambda: load_arrangements(store, directory),
                          depends_on=_rulebook_inputs(directory))
        return Rules(store, book)
    return Rules(store, load_arrangements(store, directory))


def _rulebook_inputs(directory: Path) -> list[Path]:
    """What a parsed rulebook depends on beyond the compiled store: the arrangement files (as
    :func:`~allegiance.rules.load.load_arrangements` finds them) and the code that parses and checks them."""
    from allegiance.rules.load import arrangement_files

    files = arrangement_files(directory)
    here = Path(__file__).resolve().parent
    facts = here.parent / "facts"
    code = sorted(here.glob("*.py")) + [facts / "_yaml.py", facts / "model.py", facts / "time.py",
                                        facts / "citations.py"]
    return files + code


def list_arrangements(rules: Rules) -> dict:
    out = []
    for aid, arr in sorted(rules.book.arrangements.items()):
        m = arr.model
        out.append({"id": aid, "name": m.name, "kind": m.kind, "parties": list(m.parties),
                    "described_as_of": m.described_as_of, "encoded_until": m.encoded_until or m.described_as_of,
                    "valid_from": m.valid_from, "valid_until": m.valid_until,
                    "modelled_on": list(m.modelled_on), "modes": list(m.modes),
                    "bodies": [b.id for b in m.bodies], "forces": [f.id for f in m.forces],
                    "actions": [a.id for a in m.actions], "properties": [p.id for p in m.properties],
                    "defined_at": f"{arr.file}:1"})
    return {"count": len(out), "arrangements": out}


# ---------------------------------------------------------------------- a question's context

@dataclass(frozen=True)
class Ctx:
    """An arrangement asked about on a day, in a mode (``None``: any), reading fuzzy dates leniently or not."""

    arr: LoadedArrangement
    day: date
    mode: str | None
    lenient: bool  # count what is only possibly in force as in force

    def on(self, rec) -> bool:
        return self.counts(self.arr.span_of(rec).holds(self.day))

    def counts(self, holds: str) -> bool:
        return holds == "yes" or (holds == "possibly" and self.lenient)

    def in_mode(self, mode: str | None) -> Ctx:
        return Ctx(self.arr, self.day, mode, self.lenient)


def resolve_day(arr: LoadedArrangement, as_of: date | None) -> tuple[date, str]:
    if as_of is not None:
        return as_of, "given"
    return arr.described.lower, f"the date {arr.model.id} is described as of ({arr.model.described_as_of})"


def check_mode(arr: LoadedArrangement, mode: str | None) -> None:
    if mode is not None and mode not in arr.model.modes:
        raise RulesError(f"mode {mode!r} is not declared by {arr.model.id} (it declares {', '.join(arr.model.modes)})",
                         value=mode, field="mode", allowed=", ".join(arr.model.modes))


def find_action(arr: LoadedArrangement, aid: str):
    for a in arr.model.actions:
        if a.id == aid:
            return a
    known = ", ".join(a.id for a in arr.model.actions) or "none"
    raise UnknownIdError(f"unknown action {aid!r} in {arr.model.id}; its actions: {known}", value=aid,
                         field="action", allowed=known)


def members(ctx: Ctx, body, matter: str | None, memo: Memo | None = None) -> list:
    """The body's members in force on the day, less those with an opt-out for ``matter`` (kept in ``memo``)."""
    key = MembersKey(BodyKey(ctx.arr.model.id, body.id, matter, ctx.day, ctx.lenient)) if memo is not None else None
    out = memo.get(key) if memo is not None else None
    if out is None:
        out = [m for m in body.members if ctx.on(m) and not (matter and matter in m.opt_outs)]
        if memo is not None:
            memo.put(key, out)
    return out


def players_of(arr: LoadedArrangement) -> list[str]:
    players: list[str] = []
    for body in arr.model.bodies:
        players.extend(m.player for m in body.members)
    for cond in arr.conditions.values():
        players.extend(n.player for n in walk(cond) if isinstance(n, Consent))
    return list(dict.fromkeys(players))


def state_players(rules: Rules, arr: LoadedArrangement) -> dict[str, list[str]]:
    """The arrangement's players by state (read-only: shared between answers)."""
    out = rules._state_players.get(arr.model.id)
    if out is None:
        out = rules._state_players[arr.model.id] = {}
        for p in rules.game(arr).players:
            out.setdefault(rules.cat.state_of(p), []).append(p)
    return out


def expand_consent(rules: Rules, arr: LoadedArrangement, names: Iterable[str], *, field: str = "consent") -> set[str]:
    """Players named in a consent list: an office as given; a state as itself and all of its offices."""
    names = tuple(names)
    key = ConsentKey(arr.model.id, names, field)
    out = rules.memo.get(key)
    if out is None:
        out = rules.memo.put(key, frozenset(_expand(rules, arr, names, field)))
    return set(out)


def _expand(rules: Rules, arr: LoadedArrangement, names: tuple, field: str) -> set[str]:
    from allegiance.facts.codes import resolve_state

    players = set(rules.game(arr).players)
    by_state = state_players(rules, arr)
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
            known = ", ".join(sorted(players))
            raise RulesError(f"{field}: {name!r} is neither an office nor a state (players of {arr.model.id}: "
                             f"{known})", value=name, field=field, allowed=f"an office or a state; players: {known}"
                             ) from None
        out.update(by_state.get(code, []))
        out.add(code)  # the state itself, where a provision asks for the state's consent
    return out
