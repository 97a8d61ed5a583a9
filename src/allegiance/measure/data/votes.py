"""UN General Assembly votes from the data store, as matrices: states × roll calls.

A vote source is ``unvotes`` (the R package's un_votes + un_roll_calls,
optionally un_roll_call_issues; sessions 1-74) or ``published`` (the
publisher's UNVotesPublished; sessions 1-70). With no source named, the
``unvotes`` data is used when imported, else the publisher's.

Codes in every matrix: 1 yes, 2 abstain, 3 no, 0 missing (absent, not a
member, or not among the roll calls asked for). States are ISO alpha-3 as
of each roll call's date (measure/data/codes.py): the USSR's votes are ``SUN``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from allegiance.errors import DataError, DataMissingError, UsageError, shorten
from allegiance.measure.data.formats import ISSUES
from allegiance.measure.data.store import SOURCES, DataStore

__all__ = ["Votes", "load_votes", "vote_matrix", "resolve_source", "source_info", "check_issue"]

_HOW = {
    "un_votes": "allegiance data import un_votes PATH/un_votes.csv.gz",
    "un_roll_calls": "allegiance data import un_roll_calls PATH/un_roll_calls.csv.gz",
    "un_roll_call_issues": "allegiance data import un_roll_call_issues PATH/un_roll_call_issues.csv.gz",
    "unvotes_published": "allegiance data import unvotes_published PATH/UNVotesPublished.csv.gz",
}


def _complete(data: DataStore, source: str) -> bool:
    return data.has_table(f"votes_{source}") and all(data.dataset(k) for k in SOURCES[source][0])


def resolve_source(data: DataStore, source: str | None = None) -> str:
    """The vote source to use; DataMissingError naming the import to run if it is not there."""
    if source is not None:
        if source not in SOURCES:
            raise UsageError(f"unknown vote source {shorten(source)}: expected one of {', '.join(SOURCES)}",
                             value=source, field="source", allowed=", ".join(SOURCES))
        if not _complete(data, source):
            missing = [k for k in SOURCES[source][0] if not data.dataset(k)]
            raise DataMissingError(f"the {source} votes are not imported; run: "
                                   + " and ".join(_HOW[k] for k in missing))
        return source
    for name in ("unvotes", "published"):
        if _complete(data, name):
            return name
    if data.dataset("un_votes") and not data.dataset("un_roll_calls"):
        raise DataMissingError("un_votes is imported but not its roll calls; run: " + _HOW["un_roll_calls"])
    raise DataMissingError("no UN General Assembly votes imported; run: " + _HOW["un_votes"] + " and "
                           + _HOW["un_roll_calls"] + " (or: " + _HOW["unvotes_published"] + ")")


def source_info(data: DataStore, source: str) -> dict[str, Any]:
    """Which datasets a source is built from, with their versions and checksums (for JSON output)."""
    kinds = [k for k in (*SOURCES[source][0], *SOURCES[source][1]) if data.dataset(k)]
    out = []
    for k in kinds:
        d = data.dataset(k)
        out.append({"kind": k, "version": d["version"], "source_file": d["source_file"], "sha256": d["sha256"]})
    return {"name": source, "datasets": out}


def check_issue(data: DataStore, source: str, issue: str | None) -> str | None:
    """Validate an issue area (me, nu, di, hr, co, ec); the unvotes source needs its issues table."""
    if issue is None:
        return None
    key = issue.strip().lower()
    if key not in ISSUES:
        raise UsageError(f"unknown issue area {shorten(issue)}: expected one of "
                         + ", ".join(f"{k} ({v})" for k, v in ISSUES.items()), value=issue, field="issue",
                         allowed=", ".join(ISSUES))
    if source == "unvotes" and not data.dataset("un_roll_call_issues"):
        raise DataMissingError("issue areas need the roll calls' issues; run: " + _HOW["un_roll_call_issues"])
    return key


@dataclass
class Votes:
    """Every vote of a source in a window: ``matrix[state, roll call]``, roll calls in (session, date, rcid) order."""

    source: str
    states: list[str]            # ISO alpha-3, sorted; row order of matrix
    rcids: np.ndarray            # int, column order
    sessions: np.ndarray         # int, per column
    years: np.ndarray            # int, per column
    dates: list[date | None]     # per column
    matrix: np.ndarray           # int8 (states × roll calls)

    def row(self, state: str) -> np.ndarray | None:
        try:
            return self.matrix[self.states.index(state)]
        except ValueError:
            return None

    def periods(self, by: str) -> list[tuple[int, np.ndarray]]:
        """(period, column indices) for each session or calendar year, in order."""
        key = self.sessions if by == "session" else self.years
        return [(int(p), np.flatnonzero(key == p)) for p in np.unique(key)]


def load_votes(data: DataStore, *, source: str | None = None, start_year: int | None = None,
               end_year: int | None = None, issue: str | None = None, sessions: list[int] | None = None) -> Votes:
    """Load votes into a matrix, optionally only roll calls in [start_year, end_year], one issue area, or sessions."""
    source = resolve_source(data, source)
    issue = check_issue(data, source, issue)
    where = ["TRUE"]
    params: list[Any] = []
    if start_year is not None:
        where.append("year >= ?")
        params.append(start_year)
    if end_year is not None:
        where.append("year <= ?")
        params.append(end_year)
    if issue is not None:
        where.append(f"{issue} = 1")
    if sessions is not None:
        where.append("list_contains(?, session)")
        params.append([int(s) for s in sessions])
    con = data.con
    rc = con.execute(f"SELECT rcid, session, year, date FROM roll_calls_{source} WHERE {' AND '.join(where)} "
                     f"ORDER BY session, date NULLS LAST, rcid", params).fetchall()
    if not rc and (start_year is not None or end_year is not None):
        lo, hi = con.execute(f"SELECT min(year), max(year) FROM roll_calls_{source}").fetchone()
        window = f"{start_year if start_year is not None else 'the start'}-{end_year if end_year is not None else 'the end'}"
        raise UsageError(f"no roll calls in {window}: the imported {source} votes cover {lo}-{hi}",
                         value=window, field="start" if start_year is not None and start_year > (hi or 0) else "end",
                         allowed=f"years from {lo} to {hi}")
    rcids = np.array([r[0] for r in rc], dtype=np.int64)
    v = con.execute(f"SELECT v.rcid, v.state, v.vote FROM votes_{source} v "
                    f"WHERE list_contains(?, v.rcid)" if len(rcids) < 50 else
                    f"SELECT v.rcid, v.state, v.vote FROM votes_{source} v SEMI JOIN "
                    f"(SELECT rcid FROM roll_calls_{source} WHERE {' AND '.join(where)}) r USING (rcid)",
                    [rcids.tolist()] if len(rcids) < 50 else params).fetchnumpy()
    states, rows = np.unique(np.asarray(v["state"], dtype=object).astype(str), return_inverse=True)
    order = np.argsort(rcids)
    cols = order[np.searchsorted(rcids, np.asarray(v["rcid"], dtype=np.int64), sorter=order)]
    matrix = np.zeros((len(states), len(rcids)), dtype=np.int8)
    matrix[rows, cols] = np.asarray(v["vote"], dtype=np.int8)
    return Votes(source, [str(s) for s in states], rcids, np.array([r[1] for r in rc], dtype=np.int64),
                 np.array([r[2] for r in rc], dtype=np.int64), [r[3] for r in rc], matrix)


def vote_matrix(data: DataStore, session: int, *, source: str | None = None) -> tuple[list[str], list[int], np.ndarray]:
    """One session's votes: (states as ISO alpha-3, rcids, int8 matrix states × roll calls).

    Codes: 1 yes, 2 abstain, 3 no, 0 missing. Rows are the states that cast
    at least one yes, abstain or no in the session, sorted; columns the
    session's roll calls in date order. The input an ideal-point estimator needs.
    """
    votes = load_votes(data, source=source, sessions=[int(session)])
    if votes.matrix.shape[1] == 0:
        raise DataError(f"no roll calls in session {session} of the {votes.source} votes")
    keep = (votes.matrix > 0).any(axis=1)
    return ([s for s, k in zip(votes.states, keep) if k], [int(r) for r in votes.rcids], votes.matrix[keep])


def bridge_items_sql(calls: str) -> str:
    """SQL for ``(rcid, item)``: the roll calls of ``calls`` (a relation with ``rcid, session, descr``) that
    put one resolution to the vote again, keyed by it.

    Roll calls whose description is identical (case and spacing ignored), that occur in more than one
    session and at most once in each, share the key (the description); the others are left out. The one
    rule for the bridges of the ideal-point link (:mod:`allegiance.measure.ideal.link`), read from the
    store here and from the publisher's files in :mod:`allegiance.measure.ideal.validate`.
    """
    return f"""
        WITH calls AS (SELECT DISTINCT rcid, session,
                              lower(trim(regexp_replace(descr, '\\s+', ' ', 'g'))) AS descr FROM {calls}
                       WHERE descr IS NOT NULL AND trim(descr) <> ''),
             per AS (SELECT descr, count(*) AS n, count(DISTINCT session) AS ns FROM calls GROUP BY descr)
        SELECT calls.rcid, calls.descr AS item FROM calls JOIN per USING (descr)
        WHERE per.ns > 1 AND per.n = per.ns"""


def ideal_vote_table(data: DataStore, *, source: str | None = None, first: int | None = None,
                     last: int | None = None, bridge: bool = False) -> dict:
    """The long vote table the ideal-point estimator reads: columns session, rcid, state, vote (1/2/3).

    ``bridge=True`` adds the ``item`` column (:func:`bridge_items_sql`; null where a roll call stands
    alone), from the descriptions of the unvotes roll calls: the published source has none.
    """
    source = resolve_source(data, source)
    if bridge and source != "unvotes":
        raise UsageError(f"--link bridges: the {source} votes have no roll-call descriptions to find repeated "
                         f"resolutions in; import unvotes (un_roll_calls) or use --link states",
                         value=source, field="source", allowed="unvotes")
    for name, session in (("first", first), ("last", last)):
        if session is not None and session < 1:
            raise UsageError(f"session {session}: sessions are numbered from 1 (1946)", value=session, field=name,
                             allowed="a session number from 1")
    where, params = ["TRUE"], []
    if first is not None:
        where.append("r.session >= ?")
        params.append(int(first))
    if last is not None:
        where.append("r.session <= ?")
        params.append(int(last))
    item, join = "", ""
    if bridge:
        item, join = ", b.item", f"LEFT JOIN ({bridge_items_sql('un_roll_calls')}) b USING (rcid)"
    cols = data.con.execute(
        f"SELECT r.session, v.rcid, v.state, v.vote{item} FROM votes_{source} v JOIN roll_calls_{source} r "
        f"USING (rcid) {join} WHERE {' AND '.join(where)} ORDER BY r.session, v.rcid, v.state", params).fetchnumpy()
    if len(cols["rcid"]) == 0:
        raise DataError(f"no votes in sessions {first or 'first'}-{last or 'last'} of the {source} votes")
    out = {k: np.asarray(v) for k, v in cols.items() if k != "item"}
    if bridge:
        out["item"] = _nullable_objects(cols["item"])
    return out


def _nullable_objects(col) -> np.ndarray:
    """A DuckDB text column as objects, its nulls as None (``filled`` would insert the fill value)."""
    if isinstance(col, np.ma.MaskedArray):
        return np.where(np.ma.getmaskarray(col), None, col.data.astype(object))
    return np.asarray(col, dtype=object)
