"""Blocs from the knowledge base: who was a member of an organisation on a given day.

Membership is read from the knowledge base's ``member-of`` statements
(facts, not negated, whose subject is a state) with role ``member`` or
``founding-member`` (or no role). Observers, partners, candidates and
applicants are not members. A membership holds on a day when it certainly
had begun (the latest day its ``valid_from`` can mean is on or before the
day) and had certainly not ended (the earliest day its ``valid_until`` can
mean is after the day); ``members_as_of`` also lists, apart, the states whose
membership only *possibly* held (the day falls in the fuzzy part of a date).
A membership superseded by a later statement (a member become observer) ends
where its successor begins. Both come from the one
:class:`~allegiance.facts.time.Span` every layer uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from allegiance.errors import UnknownIdError
from allegiance.facts.query import statement_spans
from allegiance.facts.store import Store
from allegiance.facts.time import Holds, Span

__all__ = ["Spell", "resolve_bloc", "require_bloc", "membership_spells", "members_as_of", "MEMBER_ROLES"]

MEMBER_ROLES = ("member", "founding-member")


@dataclass(frozen=True)
class Spell:
    """One membership, with its valid time (:class:`~allegiance.facts.time.Span`, supersession honoured)."""

    state: str
    valid_from: str
    valid_until: str | None
    statement: str
    span: Span

    def holds(self, day: date) -> Holds:
        """'yes', 'possibly' or 'no' on ``day``."""
        return self.span.holds(day)

    @property
    def certain_from(self) -> date:
        """The first day the membership certainly holds."""
        return self.span.start_hi

    @property
    def certain_until(self) -> date | None:
        """The first day it may no longer hold (its end, or a superseding statement's start); None: open."""
        ends = [d for d in (self.span.end_lo, *(lo for lo, _hi, _known in self.span.superseded)) if d is not None]
        return min(ends) if ends else None


def _organisations(store: Store) -> dict[str, list[str]]:
    orgs = store.cache.get("organisations")
    if orgs is None:
        rows = store.con.execute("SELECT id, name, aliases FROM entities WHERE type = 'organisation'").fetchall()
        orgs = store.cache["organisations"] = {r[0]: [r[1], *r[2]] for r in rows}
    return orgs


def resolve_bloc(store: Store, text: str) -> tuple[str, str] | None:
    """(id, name) of the organisation named by id, name or alias (case-insensitive); None if none is."""
    orgs = _organisations(store)
    t = text.strip()
    if t in orgs:
        return t, orgs[t][0]
    low = t.casefold()
    for oid, names in orgs.items():
        if oid.casefold() == low or any(n.casefold() == low for n in names):
            return oid, names[0]
    return None


def require_bloc(store: Store, org: str) -> tuple[str, str]:
    got = resolve_bloc(store, org)
    if got is None:
        known = ", ".join(sorted(_organisations(store)))
        raise UnknownIdError(f"unknown organisation {org!r}: expected one of {known}")
    return got


def membership_spells(store: Store, org: str) -> list[Spell]:
    """Every state's membership of ``org`` recorded in the knowledge base, in order of start."""
    oid, _name = require_bloc(store, org)
    rows = store.con.execute(
        "SELECT s.subject, s.valid_from, s.valid_until, s.id "
        "FROM statements s JOIN entities e ON e.id = s.subject "
        "WHERE s.predicate = 'member-of' AND s.object = ? AND s.kind = 'fact' AND NOT s.negated "
        "AND e.type = 'state' AND (s.role IS NULL OR list_contains(?, s.role)) "
        "ORDER BY s.from_lo, s.subject", [oid, list(MEMBER_ROLES)]).fetchall()
    spans = statement_spans(store)
    return [Spell(*r, span=spans[r[3]]) for r in rows]


def members_as_of(store: Store, org: str, day: date) -> dict[str, Any]:
    """The members of ``org`` on ``day`` according to the knowledge base (docs/json.md)."""
    oid, name = require_bloc(store, org)
    sure, maybe = [], []
    for sp in membership_spells(store, oid):
        h = sp.holds(day)
        if h == "no":
            continue
        entry = {"state": sp.state, "valid_from": sp.valid_from, "valid_until": sp.valid_until,
                 "statement": sp.statement}
        (sure if h == "yes" else maybe).append(entry)
    return {"bloc": oid, "name": name, "as_of": day.isoformat(), "count": len(sure), "members": sure,
            "possibly": maybe}
