"""The statements the status criteria read, loaded once per store and held in memory.

Status questions are asked for many states on many days (``status --all``,
``changes``, the benchmark's 36 years of every state), so the few hundred
statements the criteria read are fetched from the compiled store once, with
their citations, and every later question is answered in Python. That
:class:`Index` is kept beside the compiled database (``Store.blob``), so a
later process loads it instead of building it.

A knowledge base with more than :data:`FULL_INDEX_LIMIT` such statements gets a
:class:`LazyIndex` instead: the same questions, each subject's and object's
statements fetched when first asked about, their statement objects when first
used as evidence; one state's status then reads a few hundred statements, not
all of them. Both are tied by a test that every state's answers are the same.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from datetime import date
from pathlib import Path
from typing import Any

from allegiance.facts.store import Store
from allegiance.facts.time import Span

__all__ = ["FULL_INDEX_LIMIT", "MEMBER_ROLES", "WAR_ROLES", "Index", "LazyIndex", "Rec", "existence", "existence_days",
           "existence_start", "index_of"]

# The predicates the criteria read.
_PREDICATES = ("member-of", "party-to", "obligation", "neutrality", "aim", "stationed-in", "leased-to",
               "located-in", "participated-in", "participant", "territory-used", "occurred", "assessed-as",
               "independence", "in-force", "exists", "security-guarantee")

MEMBER_ROLES = frozenset({"member", "founding-member"})
# The roles of an event's participants that make the event a war and the participant a party to it.
WAR_ROLES = frozenset({"belligerent", "attacker", "intervening-state", "co-belligerent", "defender"})


@dataclass(eq=False)
class Rec:
    """One statement as the criteria use it; ``obj`` is the full statement object (docs/json.md), parsed from
    ``text`` (its JSON, as compiled) when first read."""

    id: str
    kind: str
    subject: str
    predicate: str
    object: str | None
    value: str | None
    role: str | None
    negated: bool
    instant: bool
    from_lo: date
    from_hi: date
    until_lo: date | None
    until_hi: date | None
    text: str | None = field(default=None, repr=False)
    superseded_by: list[Rec] = field(default_factory=list)

    @cached_property
    def obj(self) -> dict[str, Any]:
        return json.loads(self.text) if self.text is not None else {}

    @cached_property
    def span(self) -> Span:
        """Its valid time; instant statements (events) hold from their date on: they are facts about the past."""
        return Span(self.from_lo, self.from_hi, self.until_lo, self.until_hi, self.instant).superseded_by(
            tuple((n.from_lo, n.from_hi, None) for n in self.superseded_by))

    def status(self, day: date) -> str:
        """``yes`` if the statement certainly holds on ``day``, ``possibly`` on a fuzzy edge, else ``no``
        (:meth:`allegiance.facts.time.Span.holds`, supersession honoured)."""
        return self.span.holds(day)


_COLUMNS = ("s.id, s.kind, s.subject, s.predicate, s.object, s.value, s.role, s.negated, s.instant, "
            "s.from_lo, s.from_hi, s.until_lo, s.until_hi")

# Knowledge bases with more statements than this that the criteria read get a LazyIndex (index_of).
FULL_INDEX_LIMIT = 20_000


class Index:
    """The statements by predicate, subject and object, with entity names and types: all of them, loaded at once.

    It pickles (without its store), so that :func:`index_of` can keep it beside the compiled database.
    """

    def __init__(self, store: Store):
        self.store = store
        self._entities(store)
        rows = store.con.execute(
            f"SELECT {_COLUMNS}, v.obj FROM statements s "
            "JOIN statement_view v ON v.id = s.id WHERE list_contains(?, s.predicate) ORDER BY s.ord",
            [list(_PREDICATES)]).fetchall()
        self.recs: dict[str, Rec] = {}
        self.by_pred: dict[str, list[Rec]] = defaultdict(list)
        self.by_subject: dict[tuple[str, str], list[Rec]] = defaultdict(list)
        self.by_object: dict[tuple[str, str], list[Rec]] = defaultdict(list)
        for r in rows:
            rec = Rec(*r)
            self.recs[rec.id] = rec
            self.by_pred[rec.predicate].append(rec)
            self.by_subject[(rec.predicate, rec.subject)].append(rec)
            if rec.object is not None:
                self.by_object[(rec.predicate, rec.object)].append(rec)
        _link_supersession(store, self.recs, None)
        self.wars = self._wars()

    def _entities(self, store: Store) -> None:
        names = store.con.execute("SELECT id, type, name, of, doc_type FROM entities").fetchall()
        self.name = {r[0]: r[2] for r in names}
        self.type = {r[0]: r[1] for r in names}
        self.of = {r[0]: r[3] for r in names}
        # a state's own documents by kind (its constitutions, concepts, doctrines...): state -> [(doc, doc_type)]
        self.documents: dict[str, list[tuple[str, str]]] = {}
        for r in names:
            if r[1] == "document" and r[3] is not None and r[4] is not None:
                self.documents.setdefault(r[3], []).append((r[0], r[4]))
        self.states = sorted(r[0] for r in names if r[1] == "state")
        # the newest date any source was read: the knowledge base's horizon
        acc = store.con.execute("SELECT max(accessed) FROM sources WHERE accessed IS NOT NULL").fetchone()[0]
        self.horizon = date.fromisoformat(acc[:10]) if acc else None

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("store", None)
        return state

    def _wars(self) -> dict[str, dict[str, Any]]:
        """Events with a party in a war role, with their date and parties (from participant and participated-in)."""
        return _wars_of(self.by_pred["participant"], self.by_pred["participated-in"], self.type,
                        lambda eid: self.by_subject.get(("occurred", eid), []))

    def about(self, predicate: str, subject: str) -> list[Rec]:
        return self.by_subject.get((predicate, subject), [])

    def towards(self, predicate: str, obj: str) -> list[Rec]:
        return self.by_object.get((predicate, obj), [])


def existence(ix: Index, state: str, day: date) -> tuple[str, list[Rec]]:
    """Whether ``state`` existed on ``day`` by the knowledge base's ``exists`` records: ``yes``, ``possibly``
    (a fuzzy edge) or ``no``, with the records that say so.

    A state with no ``exists`` record is taken to exist on every day: the knowledge base names it and
    does not say when it entered the state system. One that has such records existed only on their days
    (a negated record, a stretch when it did not exist, wins over them); one with only negated records
    (Syria while it was part of the United Arab Republic) existed on every day outside them.
    """
    recs = ix.about("exists", state)
    if not recs:
        return "yes", []
    gone = [r for r in recs if r.negated and r.status(day) == "yes"]
    if gone:
        return "no", gone
    if all(r.negated for r in recs):
        edge = [r for r in recs if r.status(day) == "possibly"]
        return ("possibly", edge) if edge else ("yes", [])
    held = [(r, s) for r in recs if not r.negated for s in [r.status(day)] if s != "no"]
    if any(s == "yes" for _, s in held):
        return "yes", [r for r, s in held if s == "yes"]
    if held:
        return "possibly", [r for r, _ in held]
    return "no", [r for r in recs if not r.negated]


def existence_days(ix: Index, state: str) -> list[tuple[date, date | None]] | None:
    """The stretches ``(first day, first day after)`` on which ``state`` possibly existed by its ``exists``
    records (the widest reading of fuzzy dates, less the days a negated record certainly covers; ``None``:
    open), or None where it has no such record."""
    recs = ix.about("exists", state)
    if not recs:
        return None
    held = [r for r in recs if not r.negated]
    days: list[tuple[date, date | None]] = (sorted((r.from_lo, r.until_hi) for r in held) if held
                                            else [(date.min, None)])
    for r in recs:
        if r.negated and r.until_lo is None:  # certainly gone from from_hi on
            days = [(lo, r.from_hi if hi is None else min(hi, r.from_hi)) for lo, hi in days if lo < r.from_hi]
        elif r.negated and r.from_hi < r.until_lo:  # certainly gone [from_hi, until_lo)
            a, b = r.from_hi, r.until_lo
            days = [piece for lo, hi in days for piece in
                    ([(lo, hi)] if (hi is not None and hi <= a) or lo >= b else
                     [p for p in ((lo, a), (b, hi)) if p[1] is None or p[0] < p[1]])]
    return days


def existence_start(ix: Index, state: str, day: date) -> date | None:
    """The first day of the stretch of :func:`existence_days` that holds ``day`` (the day a state that began
    later than a window's start first existed), or None where ``state`` has no exists record or ``day`` lies
    in no stretch."""
    days = existence_days(ix, state)
    if days is None:
        return None
    return next((a for a, b in days if a <= day and (b is None or day < b)), None)


def _wars_of(participants, participations, types, occurred) -> dict[str, dict[str, Any]]:
    wars: dict[str, dict[str, Any]] = {}
    for rec in participants:
        if rec.role in WAR_ROLES and not rec.negated and types.get(rec.object) == "state":
            w = wars.setdefault(rec.subject, {"parties": {}, "start": None})
            w["parties"].setdefault(rec.object, []).append(rec)
    for rec in participations:
        if not rec.negated and types.get(rec.subject) == "state" and rec.object in wars:
            wars[rec.object]["parties"].setdefault(rec.subject, []).append(rec)
    for eid, w in wars.items():
        occ = occurred(eid)
        w["start"] = occ[0] if occ else None
    return wars


def _link_supersession(store: Store, recs: dict[str, Rec], new: list[str] | None) -> None:
    """Attach to each record (of ``new``, else of all ``recs``) the statements that supersede it.

    A superseding statement of a predicate the criteria do not read, or not loaded yet, counts only by its start.
    """
    sql = ("SELECT x.statement_id, x.superseded_id, t.from_lo, t.from_hi FROM supersedes x "
           "JOIN statements t ON t.id = x.statement_id")
    params: list = []
    if new is not None:
        if not new:
            return
        sql += " WHERE list_contains(?, x.superseded_id)"
        params = [new]
    for new_id, old_id, lo, hi in store.con.execute(sql + " ORDER BY x.statement_id, x.superseded_id",
                                                    params).fetchall():
        if old_id in recs:
            by = recs.get(new_id) or Rec(new_id, "fact", "", "", None, None, None, False, True, lo, hi, None, None)
            recs[old_id].superseded_by.append(by)


class _LazyRec(Rec):
    """A record whose statement object is fetched when first read, with every other one still waiting."""

    @cached_property
    def obj(self) -> dict[str, Any]:
        if self.text is None:
            self.__dict__["_index"]._fetch_objects()
        return json.loads(self.text)


class _ByPredicate(dict):
    """``by_pred`` of a LazyIndex: a predicate's statements, all of them, loaded when first asked for."""

    def __init__(self, ix: LazyIndex):
        super().__init__()
        self.ix = ix

    def __missing__(self, predicate: str) -> list[Rec]:
        out = self[predicate] = self.ix._load("s.predicate = ?", [predicate]) if predicate in _PREDICATES else []
        return out


class LazyIndex(Index):
    """The same questions as :class:`Index`, answered from the store as they are asked.

    For large knowledge bases: a status question about one state reads the statements about and towards
    that state (and the organisations, treaties and wars its criteria reach), not every statement.
    Each subject's or object's statements are fetched once, with one query for all the predicates the
    criteria read; their statement objects (with citations, the widest column) only when a record is
    first used as evidence, in one query for every record still waiting for its object.
    """

    def __init__(self, store: Store):  # noqa: D107 - no super().__init__: that loads everything
        self.store = store
        self._entities(store)
        self.recs = {}
        self.by_pred = _ByPredicate(self)
        self.by_subject = {}
        self.by_object = {}
        self._subjects: set[str] = set()
        self._objects: set[str] = set()
        self._pending: list[_LazyRec] = []
        self._wars_cache: dict[str, dict[str, Any]] | None = None

    def __getstate__(self):
        raise TypeError("a LazyIndex reads its store as it goes and is not kept: use Index")

    @property
    def wars(self) -> dict[str, dict[str, Any]]:
        if self._wars_cache is None:
            parts = self._load("s.predicate = 'participant' AND list_contains(?, s.role)", [sorted(WAR_ROLES)])
            events = sorted({r.subject for r in parts})
            joined = self._load("s.predicate = 'participated-in' AND list_contains(?, s.object)", [events]) \
                if events else []
            occurred: dict[str, list[Rec]] = defaultdict(list)
            for r in (self._load("s.predicate = 'occurred' AND list_contains(?, s.subject)", [events])
                      if events else []):
                occurred[r.subject].append(r)
            self._wars_cache = _wars_of(parts, joined, self.type, lambda eid: occurred.get(eid, []))
        return self._wars_cache

    def about(self, predicate: str, subject: str) -> list[Rec]:
        return self._keyed("subject", subject, self._subjects, self.by_subject).get((predicate, subject), [])

    def towards(self, predicate: str, obj: str) -> list[Rec]:
        return self._keyed("object", obj, self._objects, self.by_object).get((predicate, obj), [])

    def _keyed(self, column: str, key: str, done: set[str], table: dict) -> dict:
        """``table`` with every statement whose ``column`` is ``key`` in it (fetched on the first question)."""
        if key not in done:
            done.add(key)
            for rec in self._load(f"s.{column} = ?", [key]):
                table.setdefault((rec.predicate, key), []).append(rec)
        return table

    def _load(self, where: str, params: list) -> list[Rec]:
        """The statements of the predicates the criteria read matching ``where``, in knowledge-base order;
        one record per statement however often it is loaded."""
        rows = self.store.con.execute(
            f"SELECT {_COLUMNS} FROM statements s WHERE list_contains(?, s.predicate) AND ({where}) ORDER BY s.ord",
            [list(_PREDICATES), *params]).fetchall()
        out, new = [], []
        for r in rows:
            rec = self.recs.get(r[0])
            if rec is None:
                rec = self.recs[r[0]] = _LazyRec(*r)
                rec.__dict__["_index"] = self
                self._pending.append(rec)
                new.append(rec.id)
            out.append(rec)
        _link_supersession(self.store, self.recs, new)
        return out

    def _fetch_objects(self) -> None:
        pending = {r.id: r for r in self._pending if r.text is None}
        self._pending = []
        if pending:
            for sid, obj in self.store.con.execute("SELECT id, obj FROM statement_view WHERE list_contains(?, id)",
                                                   [list(pending)]).fetchall():
                pending[sid].text = obj


def index_of(store: Store) -> Index:
    """The store's index, kept for the connection's life.

    A knowledge base of up to :data:`FULL_INDEX_LIMIT` statements that the criteria read gets the full
    :class:`Index`, kept beside the compiled database (:meth:`Store.blob`) so that later processes
    load it instead of building it; a larger one gets a :class:`LazyIndex`, which reads only what each
    question needs.
    """
    ix = store.cache.get("status-index")
    if ix is None:
        n = store.con.execute("SELECT count(*) FROM statements WHERE list_contains(?, predicate)",
                              [list(_PREDICATES)]).fetchone()[0]
        if n > FULL_INDEX_LIMIT:
            ix = LazyIndex(store)
        else:
            ix = store.blob("status-index", lambda: Index(store), depends_on=_INDEX_CODE)
            ix.store = store
        store.cache["status-index"] = ix
    return ix


_INDEX_CODE = (Path(__file__), Path(__file__).resolve().parent.parent / "facts" / "time.py")
