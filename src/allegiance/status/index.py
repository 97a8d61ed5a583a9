"""The statements the status criteria read, loaded once per store and held in memory.

Status questions are asked for many states on many days (``status --all``,
``changes``, the benchmark's 36 years of every state), so the few hundred
statements the criteria read are fetched from the compiled store once, with
their citations, and every later question is answered in Python.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from datetime import date
from typing import Any

from allegiance.facts.store import Store
from allegiance.facts.time import Span

__all__ = ["MEMBER_ROLES", "WAR_ROLES", "Index", "Rec", "index_of"]

# The predicates the criteria read.
_PREDICATES = ("member-of", "party-to", "obligation", "neutrality", "aim", "stationed-in", "leased-to",
               "located-in", "participated-in", "participant", "territory-used", "occurred", "assessed-as",
               "independence")

MEMBER_ROLES = frozenset({"member", "founding-member"})
# The roles of an event's participants that make the event a war and the participant a party to it.
WAR_ROLES = frozenset({"belligerent", "attacker", "intervening-state", "co-belligerent", "defender"})


@dataclass(eq=False)
class Rec:
    """One statement as the criteria use it; ``obj`` is the full statement object (docs/json.md)."""

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
    obj: dict[str, Any]
    superseded_by: list[Rec] = field(default_factory=list)

    @cached_property
    def span(self) -> Span:
        """Its valid time; instant statements (events) hold from their date on: they are facts about the past."""
        return Span(self.from_lo, self.from_hi, self.until_lo, self.until_hi, self.instant).superseded_by(
            tuple((n.from_lo, n.from_hi, None) for n in self.superseded_by))

    def status(self, day: date) -> str:
        """``yes`` if the statement certainly holds on ``day``, ``possibly`` on a fuzzy edge, else ``no``
        (:meth:`allegiance.facts.time.Span.holds`, supersession honoured)."""
        return self.span.holds(day)


class Index:
    """The statements by predicate, subject and object, with entity names and types."""

    def __init__(self, store: Store):
        self.store = store
        names = store.con.execute("SELECT id, type, name, of FROM entities").fetchall()
        self.name = {r[0]: r[2] for r in names}
        self.type = {r[0]: r[1] for r in names}
        self.of = {r[0]: r[3] for r in names}
        self.states = sorted(r[0] for r in names if r[1] == "state")
        rows = store.con.execute(
            "SELECT s.id, s.kind, s.subject, s.predicate, s.object, s.value, s.role, s.negated, s.instant, "
            "s.from_lo, s.from_hi, s.until_lo, s.until_hi, v.obj FROM statements s "
            "JOIN statement_view v ON v.id = s.id WHERE list_contains(?, s.predicate) ORDER BY s.ord",
            [list(_PREDICATES)]).fetchall()
        self.recs: dict[str, Rec] = {}
        self.by_pred: dict[str, list[Rec]] = defaultdict(list)
        self.by_subject: dict[tuple[str, str], list[Rec]] = defaultdict(list)
        self.by_object: dict[tuple[str, str], list[Rec]] = defaultdict(list)
        for r in rows:
            rec = Rec(*r[:13], obj=json.loads(r[13]))
            self.recs[rec.id] = rec
            self.by_pred[rec.predicate].append(rec)
            self.by_subject[(rec.predicate, rec.subject)].append(rec)
            if rec.object is not None:
                self.by_object[(rec.predicate, rec.object)].append(rec)
        for new_id, old_id, lo, hi in store.con.execute(
                "SELECT x.statement_id, x.superseded_id, t.from_lo, t.from_hi FROM supersedes x "
                "JOIN statements t ON t.id = x.statement_id").fetchall():
            if old_id in self.recs:
                # a superseding statement of a predicate the criteria do not read counts only by its start
                new = self.recs.get(new_id) or Rec(new_id, "fact", "", "", None, None, None, False, True, lo, hi,
                                                   None, None, {})
                self.recs[old_id].superseded_by.append(new)
        # the newest date any source was read: the knowledge base's horizon
        acc = store.con.execute("SELECT max(accessed) FROM sources WHERE accessed IS NOT NULL").fetchone()[0]
        self.horizon = date.fromisoformat(acc[:10]) if acc else None
        self.wars = self._wars()

    def _wars(self) -> dict[str, dict[str, Any]]:
        """Events with a party in a war role, with their date and parties (from participant and participated-in)."""
        wars: dict[str, dict[str, Any]] = {}
        for rec in self.by_pred["participant"]:
            if rec.role in WAR_ROLES and not rec.negated and self.type.get(rec.object) == "state":
                w = wars.setdefault(rec.subject, {"parties": {}, "start": None})
                w["parties"].setdefault(rec.object, []).append(rec)
        for rec in self.by_pred["participated-in"]:
            if not rec.negated and self.type.get(rec.subject) == "state" and rec.object in wars:
                wars[rec.object]["parties"].setdefault(rec.subject, []).append(rec)
        for eid, w in wars.items():
            occ = self.by_subject.get(("occurred", eid), [])
            w["start"] = occ[0] if occ else None
        return wars

    def about(self, predicate: str, subject: str) -> list[Rec]:
        return self.by_subject.get((predicate, subject), [])

    def towards(self, predicate: str, obj: str) -> list[Rec]:
        return self.by_object.get((predicate, obj), [])


def index_of(store: Store) -> Index:
    """The store's index, built on first use and kept for the connection's life."""
    ix = store.cache.get("status-index")
    if ix is None:
        ix = store.cache["status-index"] = Index(store)
    return ix
