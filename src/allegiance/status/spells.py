"""Posture spells: over a range of days, the stretches over which each criterion's and label's answer is constant.

The answer of a criterion on a day (:func:`allegiance.status.criteria.evaluate`) depends on the day only
through the statements it reads (whether each holds on the day: :meth:`allegiance.facts.time.Span.holds`)
and, for the veto criteria, through the arrangements the rules layer reads. So a criterion is evaluated on
the first day of a range, the statements it read are noted, and its answer stands until the next day on which
any of them can change (:meth:`Span.bounds`), or an arrangement of the state changes
(:func:`allegiance.rules.change_dates`); it is evaluated again there, and so on. A state's criteria are
evaluated a few dozen times over eighty years, not once a day; labels follow from the criteria on each
stretch (:func:`allegiance.status.labels.truth`). A test checks the spells against the day-by-day answers of
:func:`allegiance.status.status` on a random sample of days.

**Beyond what the knowledge base covers.** Some answers rest on the *absence* of a record
(``closed_world``: "no membership of an alliance is recorded"). The knowledge base is kept complete for
the states it names from :data:`allegiance.status.COVERAGE_START` (1990) on; before that day, or for a
state it does not name, the absence of a record is not evidence, and such an answer is ``unknown`` with
that reason (:func:`bounded`). Answers that rest on a record stand on any day.

>>> from datetime import date
>>> from allegiance import open_store
>>> from allegiance.status.spells import state_spells
>>> sp = state_spells(open_store(), "FIN", start=date(1990, 1, 1), end=date(2024, 12, 31))  # doctest: +SKIP
>>> [(s.start.isoformat(), s.value) for s in sp.labels["allied"]]  # doctest: +SKIP
[('1990-01-01', False), ('2023-04-04', True)]
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from typing import Any

from allegiance.errors import StatusError
from allegiance.facts.store import Store
from allegiance.status.criteria import CRITERIA, Context, evaluate
from allegiance.status.engine import COVERAGE_START, bounded, rules_for
from allegiance.status.index import Index, Rec, index_of
from allegiance.status.labels import LABELS, criteria_of, truth

__all__ = ["Spell", "StateSpells", "criterion_on", "provenance", "state_spells"]

_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Spell:
    """Days ``start`` to ``end`` (both included) over which an answer is ``value``.

    For a criterion ``value`` is ``met``, ``not-met`` or ``unknown``; for a label ``True`` (holds),
    ``False`` (does not hold) or ``None`` (unknown). ``reason`` is the answer's reason on ``start``;
    ``statements`` the ids of the statements it rests on (its evidence and its citations), sorted.
    """

    start: date
    end: date
    value: Any
    reason: str
    statements: tuple[str, ...]

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def to_json(self) -> dict[str, Any]:
        return {"from": self.start.isoformat(), "to": self.end.isoformat(), "value": self.value,
                "reason": self.reason, "statements": list(self.statements)}


@dataclass
class StateSpells:
    """One state's spells: ``criteria`` and ``labels``, each id to its spells in order, covering ``start``-``end``."""

    state: str
    start: date
    end: date
    criteria: dict[str, list[Spell]] = field(default_factory=dict)
    labels: dict[str, list[Spell]] = field(default_factory=dict)
    evaluations: int = 0      # how many times a criterion was evaluated (the benchmark reports it)

    def breaks(self) -> list[date]:
        """The first day of every stretch over which every criterion and label is constant."""
        return sorted({s.start for spells in (*self.criteria.values(), *self.labels.values()) for s in spells})

    def on(self, day: date) -> dict[str, Any]:
        """The answers on ``day``: ``{"criteria": {id: result}, "labels": {id: holds}}``."""
        if not self.start <= day <= self.end:
            raise StatusError(f"{day.isoformat()} is outside the spells of {self.state} "
                              f"({self.start.isoformat()} to {self.end.isoformat()})", value=day.isoformat(),
                              field="day", allowed=f"a day from {self.start.isoformat()} to {self.end.isoformat()}")
        return {"criteria": {k: _at(v, day).value for k, v in self.criteria.items()},
                "labels": {k: _at(v, day).value for k, v in self.labels.items()}}


def _at(spells: list[Spell], day: date) -> Spell:
    i = bisect_right([s.start for s in spells], day) - 1
    return spells[i]


# ---------------------------------------------------------------------- what one evaluation reads

class _Reads:
    """The index as one evaluation sees it: every list of records it hands out is noted in ``seen``.

    The criteria reach statements only through ``about``, ``towards``, ``by_pred`` and ``wars``; whatever
    else they read (names, types) does not change with the day.
    """

    def __init__(self, ix: Index, war_recs: list[Rec]):
        self._ix = ix
        self._war_recs = war_recs
        self.seen: dict[int, list[Rec]] = {}
        self.by_pred = _PredReads(self)

    def __getattr__(self, name: str):
        return getattr(self._ix, name)

    def _see(self, recs: list[Rec]) -> None:
        if recs:
            self.seen[id(recs)] = recs

    def about(self, predicate: str, subject: str) -> list[Rec]:
        out = self._ix.about(predicate, subject)
        self._see(out)
        return out

    def towards(self, predicate: str, obj: str) -> list[Rec]:
        out = self._ix.towards(predicate, obj)
        self._see(out)
        return out

    @property
    def wars(self) -> dict[str, dict[str, Any]]:
        self._see(self._war_recs)
        return self._ix.wars


class _PredReads:
    def __init__(self, reads: _Reads):
        self._reads = reads

    def __getitem__(self, predicate: str) -> list[Rec]:
        out = self._reads._ix.by_pred[predicate]
        self._reads._see(out)
        return out


def _war_recs(ix: Index) -> list[Rec]:
    out = []
    for w in ix.wars.values():
        if w["start"] is not None:
            out.append(w["start"])
        for recs in w["parties"].values():
            out.extend(recs)
    return out


# ---------------------------------------------------------------------- one criterion on one day

def provenance(res: dict[str, Any]) -> tuple[str, ...]:
    """The ids of the statements an answer rests on: its evidence and the statements its citations quote."""
    ids = {e["id"] for e in res.get("evidence", ())}
    ids.update(c["statement"] for c in res.get("sources", ()) if c.get("statement"))
    return tuple(sorted(ids))


class _Evaluator:
    """Evaluates criteria of states on days over one store, and says when each answer can next change."""

    def __init__(self, store: Store):
        self.store = store
        self.ix = index_of(store)
        self.war_recs = _war_recs(self.ix)
        self._bounds: dict[int, tuple[list[Rec], int, tuple[date, ...]]] = {}
        self._rule_days: dict[str, tuple[date, ...]] = {}
        self.evaluations = 0

    def covered(self, state: str) -> bool:
        return self.ix.type.get(state) == "state"

    def at(self, state: str, cid: str, day: date) -> tuple[dict[str, Any], date | None]:
        """The criterion's answer on ``day`` and the first later day on which it can differ (None: never)."""
        reads = _Reads(self.ix, self.war_recs)
        used_rules = []

        def load_rules():
            used_rules.append(True)
            return rules_for(self.store)

        c = Context(reads, state, day, rules_loader=load_rules)  # type: ignore[arg-type]
        res = evaluate(c, cid)
        self.evaluations += 1
        nxt = [self._next(self._bounds_of(recs), day) for recs in reads.seen.values()]
        if used_rules:
            nxt.append(self._next(self._rules_days(state), day))
        if day < COVERAGE_START:
            nxt.append(COVERAGE_START)
        nxt = [d for d in nxt if d is not None]
        res = bounded(res, state=state, day=day, covered=self.covered(state))
        return res, min(nxt) if nxt else None

    @staticmethod
    def _next(days: tuple[date, ...], day: date) -> date | None:
        i = bisect_right(days, day)
        return days[i] if i < len(days) else None

    def _bounds_of(self, recs: list[Rec]) -> tuple[date, ...]:
        """Every day on which a record of ``recs`` can change whether it holds (kept per list: the index hands
        out the same lists, so each is merged once; the list is kept with it, so its id is not reused)."""
        hit = self._bounds.get(id(recs))
        if hit is None or hit[0] is not recs or hit[1] != len(recs):
            days: set[date] = set()
            for rec in recs:
                days.update(rec.span.bounds())
                days.add(rec.from_lo)             # the criteria also ask whether a record had begun by the day
            hit = self._bounds[id(recs)] = (recs, len(recs), tuple(sorted(days)))
        return hit[2]

    def _rules_days(self, state: str) -> tuple[date, ...]:
        """Every day on which the rules layer's answers about ``state`` can change: the bounds of each arrangement
        it is party to, of everything dated in it and of the statements its conditions rest on (``holds``),
        and the day after the arrangement's description ends (its answers then carry a caveat)."""
        out = self._rule_days.get(state)
        if out is None:
            from allegiance.facts.query import statement_span
            from allegiance.rules import change_dates
            from allegiance.rules.conditions import Holds, walk

            days: set[date] = set()
            for arr in rules_for(self.store).book.arrangements.values():
                if arr.model.kind == "design" or state not in arr.model.parties:
                    continue
                days.update(change_dates(arr))
                for span in arr.spans.values():
                    days.update(span.bounds())
                for cond in arr.conditions.values():
                    for node in walk(cond):
                        if isinstance(node, Holds):
                            days.update(statement_span(self.store, node.statement).bounds())
                if arr.described is not None:
                    days.update((arr.described.lower, arr.described.upper + _DAY))
            out = self._rule_days[state] = tuple(sorted(days))
        return out


def criterion_on(store: Store, state: str, cid: str, day: date) -> dict[str, Any]:
    """One criterion's answer for ``state`` on ``day``, as the panel gives it (:func:`bounded`): the
    day-by-day reference the spells are checked against."""
    ix = index_of(store)
    c = Context(ix, state, day, rules_loader=partial(rules_for, store))
    return bounded(evaluate(c, cid), state=state, day=day, covered=ix.type.get(state) == "state")


# ---------------------------------------------------------------------- spells

def _criterion_spells(ev: _Evaluator, state: str, cid: str, start: date, end: date) -> list[Spell]:
    out: list[Spell] = []
    day = start
    while day <= end:
        res, nxt = ev.at(state, cid, day)
        last = end if nxt is None or nxt > end else nxt - _DAY
        value, ids = res["result"], provenance(res)
        if out and out[-1].value == value and out[-1].statements == ids:
            prev = out[-1]
            out[-1] = Spell(prev.start, last, value, prev.reason, ids)
        else:
            out.append(Spell(day, last, value, res["reason"], ids))
        day = last + _DAY
    return out


def _label_spells(criteria: dict[str, list[Spell]], start: date, end: date) -> dict[str, list[Spell]]:
    breaks = sorted({s.start for spells in criteria.values() for s in spells})
    pos = {cid: 0 for cid in criteria}
    out: dict[str, list[Spell]] = {lid: [] for lid in LABELS}
    for i, day in enumerate(breaks):
        last = breaks[i + 1] - _DAY if i + 1 < len(breaks) else end
        now = {}
        for cid, spells in criteria.items():
            while spells[pos[cid]].end < day:
                pos[cid] += 1
            now[cid] = spells[pos[cid]]
        results = {cid: {"result": s.value} for cid, s in now.items()}
        for lid, lb in LABELS.items():
            value = truth(lb.formula, results)
            parts = [cid for cid, _ in criteria_of(lb.formula)]
            ids = tuple(sorted({i for cid in parts for i in now[cid].statements}))
            reason = "; ".join(f"{cid} is {now[cid].value}" for cid in parts)
            spells = out[lid]
            if spells and spells[-1].value == value and spells[-1].statements == ids:
                p = spells[-1]
                spells[-1] = Spell(p.start, last, value, p.reason, ids)
            else:
                spells.append(Spell(day, last, value, reason, ids))
    return out


def state_spells(store: Store, state: str, *, start: date, end: date, _ev: _Evaluator | None = None) -> StateSpells:
    """Every criterion's and label's spells for ``state`` from ``start`` to ``end`` (both included).

    ``state`` is an ISO alpha-3 code (or one of the knowledge base's own codes); a state the knowledge base
    does not name is answered too, with every answer that would rest on its silence ``unknown``.
    """
    if end < start:
        raise StatusError(f"the end {end.isoformat()} is before the start {start.isoformat()}",
                          value=end.isoformat(), field="end", allowed=f"a day on or after {start.isoformat()}")
    ev = _ev or _Evaluator(store)
    before = ev.evaluations
    criteria = {cid: _criterion_spells(ev, state, cid, start, end) for cid in CRITERIA}
    labels = _label_spells(criteria, start, end)
    return StateSpells(state, start, end, criteria, labels, ev.evaluations - before)


def evaluator(store: Store) -> _Evaluator:
    """One evaluator for many states over the same store (its caches of bounds are shared)."""
    return _Evaluator(store)
