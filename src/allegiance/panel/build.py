"""The posture panel: every state of the system, every day of a range, as state-years, state-days or spells.

Built from each state's spells (:func:`allegiance.status.state_spells`, computed from change dates), cut
where the state's code or its stretch in the system changes and, where ATOP is imported, where ATOP's
defence obligations change from one year to the next. A row gives the state (ISO alpha-3 and COW code),
its period, each label (``holds``, ``does not hold``, ``unknown``), each criterion (``met``, ``not-met``,
``unknown``), ATOP's defence obligations beside them, and the ids of the statements every answer rests on.

Units: ``spell`` (one row per stretch over which every value is the same), ``state-day`` (one row per
state and day) and ``state-year`` (one row per state and year, the values of the year's last day in the
system and in the range: the ``as_of`` column says which day).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from allegiance.errors import StatusError, UnknownStateError, UsageError, shorten
from allegiance.facts.store import Store
from allegiance.panel.atop import AtopDefence, atop_defence
from allegiance.panel.system import Member, members
from allegiance.status import CRITERIA, LABELS
from allegiance.status.engine import HISTORY_START
from allegiance.status.index import index_of
from allegiance.status.spells import evaluator, state_spells

__all__ = ["PANEL_START", "UNITS", "Panel", "build_panel", "column_of", "member_spells", "LABEL_VALUES",
           "CRITERION_VALUES"]

PANEL_START = HISTORY_START  # the panel answers for the days status answers for
UNITS = ("state-year", "state-day", "spell")
LABEL_VALUES = {True: "holds", False: "does not hold", None: "unknown"}
CRITERION_VALUES = ("met", "not-met", "unknown")
_DAY = timedelta(days=1)


def column_of(ident: str, *, criterion: bool = False) -> str:
    """The panel's column for a label or criterion id: ``de-facto-neutral`` -> ``de_facto_neutral``,
    criterion ``mutual-defence`` -> ``c_mutual_defence`` (names Stata and R take as they are)."""
    return ("c_" if criterion else "") + ident.replace("-", "_")


@dataclass
class Panel:
    """The table (a pandas DataFrame), its unit, its range and what it was built from (``sources``)."""

    frame: Any
    unit: str
    start: date
    end: date
    sources: dict[str, Any] = field(default_factory=dict)
    evaluations: int = 0


def _check(store: Store, unit: str, start: date, end: date | None) -> tuple[date, date]:
    if unit not in UNITS:
        raise UsageError(f"unknown unit {shorten(unit)}: expected one of {', '.join(UNITS)}", value=unit,
                         field="unit", allowed=", ".join(UNITS))
    horizon = index_of(store).horizon
    end = end or horizon
    allowed = f"days from {PANEL_START.isoformat()} to {horizon.isoformat()} (the knowledge base's horizon)"
    if start < PANEL_START:
        raise StatusError(f"{start.isoformat()} is before the panel's first day, {PANEL_START.isoformat()}",
                          value=start.isoformat(), field="start", allowed=allowed)
    if horizon is not None and end > horizon:
        raise StatusError(f"{end.isoformat()} is after the knowledge base's horizon ({horizon.isoformat()}, the "
                          "newest date any of its sources was read): what holds later is not known",
                          value=end.isoformat(), field="end", allowed=allowed)
    if end < start:
        raise StatusError(f"the end {end.isoformat()} is before the start {start.isoformat()}", value=end.isoformat(),
                          field="end", allowed=f"a day on or after {start.isoformat()}")
    return start, end


def _segments(sp, m: Member, atop: AtopDefence | None) -> list[dict[str, Any]]:
    """Stretches of ``m`` over which every value is the same, as rows (``start``, ``end`` and the values)."""
    breaks = {b for b in sp.breaks() if m.start <= b <= m.end} | {m.start}
    if atop is not None:
        prev = None
        for y in range(m.start.year, m.end.year + 1):
            now = atop.defence(m.ccode, y)
            if now != prev:
                breaks.add(max(date(y, 1, 1), m.start))
            prev = now
    days = sorted(breaks)
    pos = {k: 0 for k in (*sp.criteria, *sp.labels)}
    out: list[dict[str, Any]] = []
    for i, day in enumerate(days):
        last = days[i + 1] - _DAY if i + 1 < len(days) else m.end
        row: dict[str, Any] = {}
        ids: set[str] = set()
        unknown = []
        for group, spells_of in (("label", sp.labels), ("criterion", sp.criteria)):
            for key, spells in spells_of.items():
                j = pos[key]
                while spells[j].end < day:
                    j += 1
                pos[key] = j
                s = spells[j]
                if group == "label":
                    row[column_of(key)] = LABEL_VALUES[s.value]
                else:
                    row[column_of(key, criterion=True)] = s.value
                    ids.update(s.statements)
                    if s.value == "unknown":
                        unknown.append((s.reason, key))
        if atop is not None:
            flag, allies = atop.defence(m.ccode, day.year)
            row["atop_defense"] = flag
            row["atop_defense_allies"] = " ".join(str(a) for a in allies) if flag is not None else None
        row["provenance"] = " ".join(sorted(ids))
        row["unknown_reasons"] = _reasons(unknown)
        if out and out[-1]["_values"] == row and out[-1]["end"] + _DAY == day:
            out[-1]["end"] = last
            continue
        out.append({"start": day, "end": last, "_values": row})
    return out


def _reasons(unknown: list[tuple[str, str]]) -> str:
    """The unknown criteria grouped by reason: ``crit, crit: reason | crit: reason`` (in criteria order)."""
    by: dict[str, list[str]] = {}
    for reason, key in unknown:
        by.setdefault(reason, []).append(key)
    return " | ".join(f"{', '.join(keys)}: {reason}" for reason, keys in by.items())


def build_panel(store: Store, data=None, *, unit: str = "state-year", start: date = PANEL_START,
                end: date | None = None, system: str | None = None, states: list[str] | None = None) -> Panel:
    """The posture panel of every state in the system from ``start`` to ``end`` (default: the knowledge
    base's horizon), at ``unit``; ``data`` is the data store (COW states and ATOP where imported), or None.

    ``states`` keeps only those ISO alpha-3 codes (for a smaller panel).
    """
    import pandas as pd

    start, end = _check(store, unit, start, end)
    ix = index_of(store)
    stretches, sysinfo = members(ix, data, start=start, end=end, system=system)
    if states is not None:
        want = {s.strip().upper(): s for s in states}
        have = {m.iso3 for m in stretches}
        missing = [given for code, given in want.items() if code not in have]
        if missing:
            raise UnknownStateError(
                f"{shorten(missing[0])} is not a state of the {sysinfo['system']} state system between "
                f"{start.isoformat()} and {end.isoformat()}; give ISO alpha-3 codes such as FIN or CHE",
                value=missing[0], field="states", allowed=f"one of the {len(have)} states in the system then")
        stretches = [m for m in stretches if m.iso3 in want]
    atop = atop_defence(data)
    ev = evaluator(store)
    rows: list[dict[str, Any]] = []
    for m, sp in member_spells(store, stretches, ev):
        ident = {"iso3": m.iso3, "ccode": m.ccode, "name": m.name, "system": m.system}
        segs = _segments(sp, m, atop)
        if unit == "spell":
            rows.extend({**ident, "start": s["start"], "end": s["end"], "days": (s["end"] - s["start"]).days + 1,
                         **s["_values"]} for s in segs)
        elif unit == "state-day":
            rows.extend({**ident, "_from": s["start"], "_n": (s["end"] - s["start"]).days + 1, **s["_values"]}
                        for s in segs)
        else:
            rows.extend(_years(ident, m, segs))
    if unit == "state-year":
        # one row per state and year: where a COW state's ISO code changes within a year (Yugoslavia to
        # Serbia and Montenegro, 2003), the code on the year's reference day
        last: dict[tuple, int] = {}
        for i, r in enumerate(rows):
            key = (r["ccode"] if r["ccode"] is not None else r["iso3"], r["year"])
            if key not in last or rows[last[key]]["as_of"] < r["as_of"]:
                last[key] = i
        rows = [rows[i] for i in sorted(last.values())]
    frame = _frame(pd, rows, unit, atop is not None)
    sources = {"knowledge_base": kb_info(store), "system": sysinfo,
               "atop": atop.source() if atop is not None else None}
    return Panel(frame, unit, start, end, sources, ev.evaluations)


def member_spells(store: Store, stretches: list[Member], ev=None):
    """(stretch, the state's spells) for each stretch, in order; contiguous stretches of the same state and
    code (the COW list's own dates, then the days it is carried on) share one computation of spells."""
    ev = ev or evaluator(store)
    i = 0
    while i < len(stretches):
        m = stretches[i]
        j = i + 1
        while (j < len(stretches) and (stretches[j].iso3, stretches[j].ccode) == (m.iso3, m.ccode)
               and stretches[j].start == stretches[j - 1].end + _DAY):
            j += 1
        sp = state_spells(store, m.iso3 or f"COW{m.ccode}", start=m.start, end=stretches[j - 1].end, _ev=ev)
        for k in range(i, j):
            yield stretches[k], sp
        i = j


def _years(ident: dict[str, Any], m: Member, segs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    j = 0
    for y in range(m.start.year, m.end.year + 1):
        ref = min(date(y, 12, 31), m.end)
        while segs[j]["end"] < ref:
            j += 1
        out.append({**ident, "year": y, "as_of": ref, **segs[j]["_values"]})
    return out


def _frame(pd, rows: list[dict[str, Any]], unit: str, with_atop: bool):
    import numpy as np

    labels = [column_of(k) for k in LABELS]
    crits = [column_of(k, criterion=True) for k in CRITERIA]
    period = {"spell": ["start", "end", "days"], "state-day": ["date"], "state-year": ["year", "as_of"]}[unit]
    cols = ["iso3", "ccode", "name", *period, "system", *labels, *crits,
            *(["atop_defense", "atop_defense_allies"] if with_atop else []), "provenance", "unknown_reasons"]
    df = pd.DataFrame(rows, columns=[c for c in (*cols, "_from", "_n") if c not in ("date",)]
                      if unit == "state-day" else cols)
    # categories first, on the few rows of spells: a state-day panel then repeats codes, not strings
    for c in labels:
        df[c] = pd.Categorical(df[c], categories=list(LABEL_VALUES.values()))
    for c in crits:
        df[c] = pd.Categorical(df[c], categories=list(CRITERION_VALUES))
    for c in ("iso3", "name", "system", "provenance", "unknown_reasons", "atop_defense_allies"):
        if c in df:
            df[c] = df[c].astype("category")
    # a year, a day count or a COW code is a whole number; a state with no COW code leaves it missing
    for c in ("ccode", "year", "days", "atop_defense"):
        if c in df:
            df[c] = df[c].astype("Int32")
    for c in ("start", "end", "as_of"):
        if c in df:
            df[c] = pd.to_datetime(df[c]).astype("datetime64[s]")
    if unit == "state-day":
        n = df.pop("_n").to_numpy(dtype="int64")
        first = pd.to_datetime(df.pop("_from")).to_numpy().astype("datetime64[D]")
        idx = np.repeat(np.arange(len(df)), n)
        offset = np.arange(int(n.sum())) - np.repeat(np.cumsum(n) - n, n)
        df = df.take(idx).reset_index(drop=True)
        df["date"] = (np.repeat(first, n) + offset.astype("timedelta64[D]")).astype("datetime64[s]")
    return df[cols]


def kb_info(store: Store) -> dict[str, Any]:
    """The knowledge base the panel comes from: the package version, the checksum of its YAML files (with
    the schema version) and its horizon."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        v = version("allegiance")
    except PackageNotFoundError:  # pragma: no cover - a source tree never installed
        v = "unknown"
    row = store.con.execute("SELECT value FROM meta WHERE key = 'digest'").fetchone()
    horizon = index_of(store).horizon
    return {"version": v, "sha256": row[0] if row else store.digest,
            "horizon": horizon.isoformat() if horizon else None,
            "statements": store.con.execute("SELECT count(*) FROM statements").fetchone()[0]}
