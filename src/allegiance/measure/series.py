"""A state's alignment with other states and blocs over time, and the cohesion of a bloc.

Both take the data store (the votes) and the knowledge-base store (names,
and who belonged to a bloc on each roll call's date) and return the JSON
shapes of ``allegiance align`` and ``allegiance cohesion`` (docs/json.md).

- **Alignment** of state X with a target, per session (or calendar year):
  agreement, S, Cohen's kappa and Scott's pi (measure/similarity.py) over
  the roll calls both voted on. A state is followed through its earlier
  forms (``RUS`` includes the USSR's votes as ``SUN``; codes.lineage). A
  bloc's vote on a roll call is the plurality vote (yes, abstain or no) of
  its members that voted, X itself left out; a tie gives the bloc no
  position on that roll call.
- **Intervals** (``low``, ``high``): for agreement, Wilson's score interval
  for a binomial proportion over the joint roll calls; for S, kappa and pi,
  the percentile interval of a bootstrap over the joint roll calls
  (``replicates`` resamples, fixed ``seed``: the same call gives the same
  interval). Roll calls are treated as independent draws, which they are
  not quite (a session's resolutions come in related batches), so the
  intervals are a guide to the noise from few roll calls, not exact.
- **Cohesion** of a bloc, per period: the Agreement Index of Hix, Noury and
  Roland (2005, "Power to the Parties: Cohesion and Competition in the
  European Parliament, 1979-2001", British Journal of Political Science
  35(2): 209-234), AI = (max(Y, A, N) - ½·(Y + A + N - max(Y, A, N))) /
  (Y + A + N) over the members voting on a roll call, averaged over the
  period's roll calls on which at least two members voted: 1 when all vote
  alike, 0 when they split evenly three ways. Also the mean pairwise
  agreement: the share of member pairs voting alike, averaged likewise.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np

from allegiance.errors import DataError, UsageError, shorten
from allegiance.facts.query import state_code
from allegiance.facts.store import Store
from allegiance.measure.blocs import membership_spells, require_bloc, resolve_bloc
from allegiance.measure.data.codes import lineage
from allegiance.measure.similarity import (
    MEASURES,
    bootstrap_counts,
    counts_pair,
    measures_from_counts,
    wilson_interval,
)
from allegiance.measure.data.store import DataStore
from allegiance.measure.data.votes import Votes, load_votes, source_info

__all__ = ["alignment", "alignment_by_state_year", "cohesion", "LEVEL", "REPLICATES"]

LEVEL = 0.95
REPLICATES = 1000

_MEASURE_NAMES = {
    "agree": "share of agreement",
    "kappa": "Cohen's kappa (Häge 2011; ordinal, absolute distance)",
    "pi": "Scott's pi (Häge 2011; ordinal, absolute distance)",
    "s": "S (Signorino and Ritter 1999; unweighted, absolute distance)",
}


def _days(votes: Votes) -> np.ndarray:
    """Each roll call's date (1 July of its year where the data has no date), as datetime64[D]."""
    return np.array([d if d is not None else date(int(y), 7, 1) for d, y in zip(votes.dates, votes.years)],
                    dtype="datetime64[D]")


def _lineage_row(votes: Votes, code: str) -> tuple[np.ndarray, np.ndarray]:
    """The votes of a state and its earlier forms merged into one row, and per roll call the code that voted."""
    row = np.zeros(votes.matrix.shape[1], dtype=np.int8)
    who = np.full(votes.matrix.shape[1], "", dtype=object)
    for c in lineage(code):
        r = votes.row(c)
        if r is None:
            continue
        fill = (row == 0) & (r > 0)
        row[fill] = r[fill]
        who[fill] = c
    return row, who


def _member_mask(votes: Votes, kb: Store, bloc: str, days: np.ndarray) -> tuple[np.ndarray, list[dict]]:
    """(states × roll calls) True where the state was certainly a member on the roll call's date."""
    mask = np.zeros(votes.matrix.shape, dtype=bool)
    recorded = []
    for sp in membership_spells(kb, bloc):
        recorded.append({"state": sp.state, "valid_from": sp.valid_from, "valid_until": sp.valid_until,
                         "statement": sp.statement})
        on = days >= np.datetime64(sp.certain_from, "D")
        if sp.certain_until is not None:
            on &= days < np.datetime64(sp.certain_until, "D")
        for c in lineage(sp.state):
            if c in votes.states:
                mask[votes.states.index(c)] |= on
    return mask, recorded


def _bloc_position(votes: Votes, mask: np.ndarray, exclude: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """The plurality vote of the members voting on each roll call (0: none voted, or a tie), and how many voted."""
    m = mask.copy()
    for c in exclude:
        if c in votes.states:
            m[votes.states.index(c)] = False
    return _plurality(_bloc_counts(votes, m))


def _bloc_counts(votes: Votes, mask: np.ndarray) -> np.ndarray:
    """(3, roll calls): how many members voted yes, abstain and no on each roll call."""
    return np.stack([((votes.matrix == k) & mask).sum(axis=0) for k in (1, 2, 3)])


def _without(votes: Votes, mask: np.ndarray, counts: np.ndarray, exclude: tuple[str, ...]) -> np.ndarray:
    """``counts`` less the votes of ``exclude`` where they were members (the same as leaving them out of the mask)."""
    out = counts.copy()
    for c in exclude:
        if c in votes.states:
            i = votes.states.index(c)
            for k in (1, 2, 3):
                out[k - 1] -= (votes.matrix[i] == k) & mask[i]
    return out


def _plurality(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    top = counts.max(axis=0)
    winners = (counts == top).sum(axis=0)
    pos = (counts.argmax(axis=0) + 1).astype(np.int8)
    pos[(top == 0) | (winners > 1)] = 0
    return pos, counts.sum(axis=0)


def _interval(measure: str, x: np.ndarray, y: np.ndarray, values: dict, seed: int,
              level: float, replicates: int) -> tuple[float | None, float | None]:
    n = float(values["n"])
    if n == 0:
        return None, None
    if measure == "agree":
        lo, hi = wilson_interval(float(values["agree"]) * n, n, level)
        return _f(lo), _f(hi)
    boot = measures_from_counts(bootstrap_counts(x, y, replicates, seed))[measure]
    boot = boot[~np.isnan(boot)]
    if boot.size < replicates * 0.5:  # undefined in most resamples: no honest interval
        return None, None
    alpha = (1 - level) / 2
    return _f(np.quantile(boot, alpha)), _f(np.quantile(boot, 1 - alpha))


def _f(v) -> float | None:
    v = float(v)
    return None if np.isnan(v) else round(v, 6)


#: The year of the UN General Assembly's first roll calls.
FIRST_YEAR = 1946


def _check(measure: str, by: str, start: int | None, end: int | None) -> None:
    if measure not in MEASURES:
        raise UsageError(f"unknown measure {shorten(measure)}: expected one of {', '.join(MEASURES)}", value=measure,
                         field="measure", allowed=", ".join(MEASURES))
    if by not in ("session", "year"):
        raise UsageError(f"unknown period {shorten(by)}: expected session or year", value=by, field="by",
                         allowed="session, year")
    for name, year in (("start", start), ("end", end)):
        if year is not None and not FIRST_YEAR <= year <= 9999:
            raise UsageError(f"year {year} is outside the UN General Assembly's votes, which start in {FIRST_YEAR}",
                             value=year, field=name, allowed=f"a year from {FIRST_YEAR}")
    if start is not None and end is not None and end < start:
        raise UsageError(f"the end year {end} is before the start year {start}", value=end, field="end",
                         allowed=f"a year from {start} on")


def _span(votes: Votes, cols: np.ndarray) -> tuple[str | None, str | None]:
    ds = [votes.dates[i] for i in cols if votes.dates[i] is not None]
    return (min(ds).isoformat(), max(ds).isoformat()) if ds else (None, None)


def alignment(data: DataStore, kb: Store, state: str, with_: list[str], *, start: int | None = None,
              end: int | None = None, measure: str = "agree", issue: str | None = None, by: str = "session",
              source: str | None = None, level: float = LEVEL, replicates: int = REPLICATES,
              seed: int = 0) -> dict[str, Any]:
    """How closely ``state`` voted with each state or bloc in ``with_``, per session or year (docs/json.md).

    ``start`` and ``end`` are years (inclusive) of the roll calls' dates.
    """
    _check(measure, by, start, end)
    if not with_:
        raise UsageError("name at least one state or bloc to compare with (e.g. RUS, nato)", value="", field="with_",
                         allowed="states (ISO codes or names) and organisations of the knowledge base")
    code, name = state_code(kb, state)
    votes = load_votes(data, source=source, start_year=start, end_year=end, issue=issue)
    x, x_who = _lineage_row(votes, code)
    days = _days(votes)
    periods = votes.periods(by)
    series = []
    for k, target in enumerate(with_):
        bloc = resolve_bloc(kb, target)
        if bloc is not None:
            mask, recorded = _member_mask(votes, kb, bloc[0], days)
            y, _n_members = _bloc_position(votes, mask, lineage(code))
            head = {"with": bloc[0], "name": bloc[1], "type": "bloc", "members_recorded": recorded}
        else:
            tcode, tname = state_code(kb, target)
            if tcode == code:
                raise UsageError(f"{shorten(target)} is {code} itself; name another state or a bloc", value=target,
                                 field="with_", allowed=f"a state other than {code}, or a bloc")
            y, y_who = _lineage_row(votes, tcode)
            head = {"with": tcode, "name": tname, "type": "state"}
        points = []
        for period, cols in periods:
            xc, yc = x[cols], y[cols]
            vals = measures_from_counts(counts_pair(xc, yc))
            n = int(vals["n"])
            if n == 0:
                continue
            lo, hi = _interval(measure, xc, yc, vals, seed + 7919 * k + period, level, replicates)
            joint = cols[(xc > 0) & (yc > 0)]
            first, last = _span(votes, joint)
            pt = {"period": period, "first_date": first, "last_date": last, "roll_calls": len(cols),
                  "n": n, "value": _f(vals[measure]), "low": lo, "high": hi,
                  "agree": _f(vals["agree"]), "s": _f(vals["s"]), "kappa": _f(vals["kappa"]), "pi": _f(vals["pi"]),
                  "state_codes": sorted({x_who[i] for i in joint})}
            if head["type"] == "state":
                pt["with_codes"] = sorted({y_who[i] for i in joint})
            else:
                pt["members_voting"] = sorted({votes.states[i] for i in np.flatnonzero(
                    (mask[:, joint] & (votes.matrix[:, joint] > 0)).any(axis=1))} - set(lineage(code)))
            points.append(pt)
        series.append({**head, "count": len(points), "points": points})
    return {
        "state": code, "name": name, "measure": measure, "measure_name": _MEASURE_NAMES[measure],
        "by": by, "from": start, "to": end, "issue": issue,
        "interval": _interval_doc(measure, level, replicates, seed),
        "source": source_info(data, votes.source),
        "series": series,
    }


def alignment_by_state_year(data: DataStore, kb: Store, target: str, *, states: list[str], start: int | None = None,
                            end: int | None = None, measure: str = "agree",
                            source: str | None = None) -> dict[str, Any]:
    """The alignment of each of ``states`` with ``target`` (a state or a bloc) in each calendar year, for a panel.

    The same measure as :func:`alignment` with ``by="year"`` (each state followed through its earlier forms;
    a bloc's position the plurality of its members, the state itself left out), without intervals. Returns
    ``{"with", "name", "type", "years": [first, last] of the roll calls loaded, "source", "rows": [(state,
    year, value, n)]}``, a row for each state-year with at least one joint roll call (``value`` None where the
    measure is undefined); ``itself`` lists the states that are the target (no row, and no count of 0).
    """
    _check(measure, "year", start, end)
    votes = load_votes(data, source=source, start_year=start, end_year=end)
    periods = votes.periods("year")
    bloc = resolve_bloc(kb, target)
    if bloc is not None:
        mask, _recorded = _member_mask(votes, kb, bloc[0], _days(votes))
        counts = _bloc_counts(votes, mask)
        head = {"with": bloc[0], "name": bloc[1], "type": "bloc"}
    else:
        tcode, tname = state_code(kb, target)
        y, _who = _lineage_row(votes, tcode)
        head = {"with": tcode, "name": tname, "type": "state"}
    rows, itself = [], []
    for code in states:
        if head["type"] == "state" and head["with"] in lineage(code):
            itself.append(code)  # the target itself: no alignment with itself
            continue
        x, _x_who = _lineage_row(votes, code)
        if not x.any():
            continue
        if bloc is not None:
            y, _n = _plurality(_without(votes, mask, counts, lineage(code)))
        for year, cols in periods:
            vals = measures_from_counts(counts_pair(x[cols], y[cols]))
            n = int(vals["n"])
            if n:
                rows.append((code, year, _f(vals[measure]), n))
    years = [int(votes.years.min()), int(votes.years.max())] if len(votes.years) else [start, end]
    return {**head, "measure": measure, "years": years, "source": source_info(data, votes.source), "rows": rows,
            "itself": itself}


def _interval_doc(measure: str, level: float, replicates: int, seed: int) -> dict[str, Any]:
    if measure == "agree":
        return {"method": "wilson", "level": level}
    return {"method": "bootstrap-percentile", "level": level, "replicates": replicates, "seed": seed,
            "unit": "roll call"}


def cohesion(data: DataStore, kb: Store, bloc: str, *, start: int | None = None, end: int | None = None,
             by: str = "session", issue: str | None = None, source: str | None = None) -> dict[str, Any]:
    """The voting cohesion of a bloc's members (as the knowledge base records them), per period (docs/json.md)."""
    _check("agree", by, start, end)
    oid, name = require_bloc(kb, bloc)
    votes = load_votes(data, source=source, start_year=start, end_year=end, issue=issue)
    days = _days(votes)
    mask, recorded = _member_mask(votes, kb, oid, days)
    points = []
    for period, cols in votes.periods(by):
        v = votes.matrix[:, cols]
        m = mask[:, cols]
        counts = np.stack([((v == k) & m).sum(axis=0) for k in (1, 2, 3)]).astype(np.float64)  # (3, R)
        total = counts.sum(axis=0)
        ok = total >= 2
        if not ok.any():
            continue
        c, t = counts[:, ok], total[ok]
        top = c.max(axis=0)
        ai = (top - 0.5 * (t - top)) / t
        pairs = (c * (c - 1) / 2).sum(axis=0) / (t * (t - 1) / 2)
        voting = np.flatnonzero((m[:, ok] & (v[:, ok] > 0)).any(axis=1))
        first, last = _span(votes, cols[ok])
        points.append({"period": period, "first_date": first, "last_date": last, "roll_calls": int(ok.sum()),
                       "members_voting": [votes.states[i] for i in voting],
                       "agreement_index": _f(ai.mean()), "pairwise_agreement": _f(pairs.mean())})
    return {
        "bloc": oid, "name": name, "by": by, "from": start, "to": end, "issue": issue,
        "index": "Hix, Noury and Roland (2005) Agreement Index, mean over roll calls with two or more members voting",
        "members_recorded": recorded,
        "source": source_info(data, votes.source),
        "count": len(points), "points": points,
    }
