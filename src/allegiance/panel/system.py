"""The state system the panel covers: which states, from which day to which, under which codes.

Where the Correlates of War state list is imported into the data store (``allegiance data import
cow_states FILE``), the panel covers every state of that list on the days it was in the system; else
the states the knowledge base names, over the whole range asked, except that a state with ``exists``
records (kb/state-existence.yaml: one that ceased to exist, such as the USSR, or began after 1946, such as
Ukraine or the Czech Republic) covers only the days they give (docs/state-existence.md, which also lists
where they and the COW list differ: :func:`existence_vs_cow`). Each stretch carries the state's ISO
3166 alpha-3 code on those days (COW codes some lineages alike: 365 is the USSR until the end of 1991 and
Russia after; :data:`allegiance.measure.data.codes.COW_SPANS`), so a COW state can have several stretches.

The COW list closes every state still in the system on its last day (31 December 2016 in v2016): that is
the list's end, not the state's. Such a stretch runs on to the end of the panel, and says so
(``system`` is ``cow+`` rather than ``cow``), as peacesciencer's ``create_stateyears(mry = TRUE)``
extends the list to the most recent year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from allegiance.measure.data import codes

__all__ = ["Member", "SYSTEMS", "existence_vs_cow", "members"]

SYSTEMS = ("cow", "kb")
_DAY = timedelta(days=1)


@dataclass(frozen=True)
class Member:
    """A state in the system from ``start`` to ``end`` (both included) under one ISO code."""

    iso3: str | None
    ccode: int | None
    name: str
    start: date
    end: date
    system: str          # cow (the list's own dates), cow+ (extended past the list's end), kb (the knowledge base)


def _cow_rows(data) -> tuple[list[tuple], dict[str, Any]] | None:
    if data is None or not data.has_table("cow_states"):
        return None
    rows = data.con.execute("SELECT ccode, statenme, start_date, end_date FROM cow_states "
                            "ORDER BY ccode, start_date").fetchall()
    return rows, data.dataset("cow_states") or {}


def members(ix, data, *, start: date, end: date, system: str | None = None) -> tuple[list[Member], dict[str, Any]]:
    """The stretches of every state in the system between ``start`` and ``end``, and what the system is.

    ``system``: ``cow`` (the imported COW list; an error if it is not imported), ``kb`` (the knowledge
    base's states), or None (COW where imported, else the knowledge base).
    """
    from allegiance.errors import DataMissingError, UsageError, shorten

    if system is not None and system not in SYSTEMS:
        raise UsageError(f"unknown state system {shorten(system)}: expected one of {', '.join(SYSTEMS)}",
                         value=system, field="system", allowed=", ".join(SYSTEMS))
    cow = _cow_rows(data) if system != "kb" else None
    if system == "cow" and cow is None:
        raise DataMissingError("the Correlates of War state list is not imported: run allegiance data import "
                               "cow_states cow_states.csv", value="cow_states", field="system",
                               allowed="an imported cow_states dataset")
    if cow is None:
        out = [Member(s, codes.iso3_to_cow(s) if s not in codes.OWN_CODES else None, ix.name.get(s, s), a, b, "kb")
               for s in ix.states for a, b in _existing(ix, s, start, end)]
        return out, {"system": "kb", "states": len({m.iso3 for m in out}),
                     "note": "the states the knowledge base names, over the whole range or, for a state with "
                             "exists records (one that ceased or began since 1946), the days it existed "
                             "(docs/state-existence.md; import cow_states for the state system's dates)"}
    rows, meta = cow
    list_end = max(r[3] for r in rows)
    out = []
    for ccode, name, lo, hi in rows:
        extended = hi == list_end
        if extended:
            hi = max(hi, end)
        lo, hi = max(lo, start), min(hi, end)
        if lo > hi:
            continue
        for iso3, a, b in _codes_between(ccode, lo, hi):
            if a <= list_end:
                out.append(Member(iso3, ccode, name, a, min(b, list_end), "cow"))
            if b > list_end:
                out.append(Member(iso3, ccode, name, max(a, list_end + _DAY), b, "cow+"))
    states = len({m.ccode for m in out})
    return out, {"system": "cow", "states": states, "version": meta.get("version"), "sha256": meta.get("sha256"),
                 "list_end": list_end.isoformat(),
                 "note": f"states still in the system on the list's last day ({list_end.isoformat()}) are carried "
                         "on to the end of the panel (system cow+)"}


def existence_vs_cow(ix, data, *, start: date = date(1946, 1, 1)) -> list[dict[str, Any]]:
    """Where the knowledge base's ``exists`` records and the imported COW state list date a state differently.

    For every state with ``exists`` records, its stretches from ``start`` to the COW list's last day by the
    knowledge base (``kb``) and by the COW list under the same ISO code (``cow``), each a list of ``(first
    day, last day)`` with adjacent stretches joined; a row only where the two differ
    (docs/state-existence.md lists them, with the reason for each).
    """
    from allegiance.errors import DataMissingError
    from allegiance.status.index import existence_days

    cow_rows = _cow_rows(data)
    if cow_rows is None:
        raise DataMissingError("the Correlates of War state list is not imported: run allegiance data import "
                               "cow_states cow_states.csv", value="cow_states", field="system",
                               allowed="an imported cow_states dataset")
    list_end = max(r[3] for r in cow_rows[0])
    cow, _ = members(ix, data, start=start, end=list_end, system="cow")
    by_code: dict[str, list[tuple[date, date]]] = {}
    for m in cow:
        if m.iso3 is not None:
            by_code.setdefault(m.iso3, []).append((m.start, m.end))
    out = []
    for s in sorted(ix.states):
        if existence_days(ix, s) is None:
            continue
        kb, cw = _joined(_existing(ix, s, start, list_end)), _joined(by_code.get(s, []))
        if kb != cw:
            out.append({"iso3": s, "kb": kb, "cow": cw})
    return out


def _joined(stretches: list[tuple[date, date]]) -> list[tuple[date, date]]:
    out: list[tuple[date, date]] = []
    for a, b in sorted(stretches):
        if out and a <= out[-1][1] + _DAY:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _existing(ix, state: str, start: date, end: date) -> list[tuple[date, date]]:
    """The stretches of ``start``-``end`` (both included) on which the knowledge base has ``state`` existing."""
    from allegiance.status.index import existence_days

    days = existence_days(ix, state)
    if days is None:
        return [(start, end)]
    out = []
    for lo, until in days:
        a, b = max(lo, start), end if until is None else min(until - _DAY, end)
        if a <= b:
            out.append((a, b))
    return out


def _codes_between(ccode: int, lo: date, hi: date) -> list[tuple[str | None, date, date]]:
    """(ISO code, from, to) over ``lo``-``hi``, split where the code of the COW state changes."""
    from allegiance.errors import UnknownStateError

    spans = codes.COW_SPANS.get(ccode)
    if not spans:
        try:
            return [(codes.cow_to_iso3(ccode), lo, hi)]
        except UnknownStateError:  # a COW code the crosswalk does not know: no ISO code
            return [(None, lo, hi)]
    out = []
    for iso3, a, b in spans:
        a = lo if a is None else max(a, lo)
        b = hi if b is None else min(b - _DAY, hi)
        if a <= b:
            out.append((iso3, a, b))
    return out
