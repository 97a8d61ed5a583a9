"""Validating ideal points against the published Bailey--Strezhnev--Voeten (BSV) estimates.

Reads, for validation and benchmarks only, the files as their publishers
ship them (docs/ideal-points.md names them):

* ``unvotes/un_votes.csv.gz`` and ``unvotes/un_roll_calls.csv.gz`` -- the UN
  General Assembly roll calls as packaged by the R package ``unvotes``
  (sessions 1--74; states by ISO alpha-2 code; votes ``yes|abstain|no``);
* ``idealpoints/IdealpointestimatesAll_Apr2020.csv`` -- BSV's dynamic ideal
  points, April 2020 release (states by COW code and an ``iso3c`` column;
  the file is Windows-1252 text).

This is not the project's importer of UN votes (that belongs to the measure
layer's store); it is the smallest reader that lets the estimator be checked
against the reference. It names states through the same crosswalk as the
importer (``measure/data/codes.py``), so the series it validates is the one
``allegiance ideal`` estimates from the store: ISO 3166-1 alpha-3 as of each
roll call's date, with the withdrawn codes of ISO 3166-3 for the states of
the time (the USSR's votes are ``SUN`` until the end of 1991, Russia's
``RUS``; Yugoslavia is ``YUG``, ``SCG`` and ``SRB`` in turn). BSV's rows are
named from their COW codes by the same crosswalk, on the last day of the year
each session opened (:func:`session_day`).
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from allegiance.errors import UnknownStateError, VoteInputError
from allegiance.measure.data.codes import cow_to_iso3, load_crosswalk, unvotes_state_sql
from allegiance.measure.data.votes import _nullable_objects, bridge_items_sql

__all__ = ["read_unvotes", "read_bsv", "compare_with_bsv", "session_day"]


def _need(path: Path) -> Path:
    if not path.is_file():
        raise VoteInputError(f"{path}: not found; download it from the publisher (docs/ideal-points.md)")
    return path


def session_day(session: int) -> date:
    """The day a session-level row (BSV's) is coded on: 31 December of the year the session opened.

    Session 1 opened in 1946 and session ``n`` in ``1945 + n``; most of a
    session's roll calls fall in its autumn, before that day (session 46's
    last vote of the USSR was on 6 December 1991).
    """
    return date(1945 + int(session), 12, 31)


def read_unvotes(data_dir: Path | str, *, sessions: tuple[int, int] | None = None,
                 bridge: bool = False) -> dict[str, np.ndarray]:
    """The roll-call votes of ``unvotes`` as columns ``session, rcid, state, vote`` (1 yes, 2 abstain, 3 no).

    Read with DuckDB (the gzip CSVs directly); ``sessions=(first, last)`` keeps
    a range. The 870,109 votes of sessions 1--74 take about two seconds.

    ``bridge=True`` adds an ``item`` column that links a resolution put to
    the vote again in later sessions: roll calls whose description
    (``descr``, case and spacing ignored) is identical and that occur in more
    than one session, at most once in each, share one key; every other roll
    call gets null (it stands alone).
    """
    import duckdb

    d = Path(data_dir)
    votes = _need(d / "unvotes" / "un_votes.csv.gz")
    calls = _need(d / "unvotes" / "un_roll_calls.csv.gz")
    con = duckdb.connect()
    try:
        where = ""
        if sessions is not None:
            where = f"WHERE r.session::BIGINT BETWEEN {int(sessions[0])} AND {int(sessions[1])}"
        con.execute(
            f"""CREATE TEMP TABLE v AS
                SELECT r.session::BIGINT AS session, v.rcid::BIGINT AS rcid,
                       lower(trim(regexp_replace(r.descr, '\\s+', ' ', 'g'))) AS descr,
                       CASE WHEN trim(coalesce(v.country_code, '')) = '' THEN NULL
                            ELSE upper(trim(v.country_code)) END AS country_code,
                       v.country, r.date::DATE AS date,
                       CASE v.vote WHEN 'yes' THEN 1 WHEN 'abstain' THEN 2 WHEN 'no' THEN 3 END::TINYINT AS vote,
                       v.vote AS raw
                FROM read_csv('{votes}', header=true, all_varchar=true) v
                JOIN read_csv('{calls}', header=true, all_varchar=true) r ON r.rcid = v.rcid
                {where}"""
        )
        bad = con.execute("SELECT raw, count(*) FROM v WHERE vote IS NULL GROUP BY raw").fetchall()
        if bad:
            raise VoteInputError(f"{votes}: unknown vote value(s) {bad}; expected yes, abstain, no")
        load_crosswalk(con)
        state, joins = unvotes_state_sql("v", "v.date")
        unmapped = con.execute(f"SELECT v.country_code, v.country, v.date FROM v {joins} WHERE {state} IS NULL "
                               f"ORDER BY v.rcid LIMIT 1").fetchone()
        if unmapped:
            code, name, day = unmapped
            if code is None:
                raise VoteInputError(f"un_votes: state {name!r} has no country_code and no known code "
                                     f"(measure/data/codes.py: NAME_CODES)")
            raise VoteInputError(f"un_votes: country_code {code!r} ({name}) denotes no state on {day} "
                                 f"(measure/data/codes.py, the importer's crosswalk)")
        con.execute(f"CREATE TEMP TABLE bridge AS {bridge_items_sql('v')}")
        rel = con.execute(
            f"""SELECT v.session, v.rcid, {state} AS state, v.vote, bridge.item FROM v
               {joins}
               LEFT JOIN bridge ON bridge.rcid = v.rcid
               ORDER BY v.rcid, state"""
        )
        cols = rel.fetchnumpy()
    finally:
        con.close()
    out = {
        "session": np.asarray(cols["session"], dtype=np.int64),
        "rcid": np.asarray(cols["rcid"], dtype=np.int64),
        "state": np.asarray(cols["state"], dtype=object),
        "vote": np.asarray(cols["vote"], dtype=np.int64),
    }
    if bridge:
        out["item"] = _nullable_objects(cols["item"])
    return out


def read_bsv(data_dir: Path | str) -> dict[tuple[str, int], dict[str, float]]:
    """BSV's estimates keyed by ``(state, session)``: ``ideal_point``, ``q05``, ``q95``, ``n_votes``.

    ``data_dir`` is the directory holding ``idealpoints/IdealpointestimatesAll_Apr2020.csv``, or the file itself.

    States are named from BSV's COW codes (``ccode``, not their ``iso3c``, which
    gives both Yemens ``YAR``) by the crosswalk, on :func:`session_day`. The CSV
    is Windows-1252 (country names such as "Côte d’Ivoire"), which DuckDB's
    reader refuses, so it is read with Python's csv module.
    """
    given = Path(data_dir)
    path = _need(given if given.is_file() else given / "idealpoints" / "IdealpointestimatesAll_Apr2020.csv")
    out: dict[tuple[str, int], dict[str, float]] = {}
    with path.open(encoding="cp1252", newline="") as f:
        for row in csv.DictReader(f):
            ccode, session = int(row["ccode"]), int(row["session"])
            try:
                state = cow_to_iso3(ccode, session_day(session))
            except UnknownStateError:
                state = None
            if state is None:
                raise VoteInputError(f"{path}: ccode {ccode} ({row['Countryname']}) has no ISO code in session "
                                     f"{session} (measure/data/codes.py)")
            key = (state, session)
            if key in out:
                raise VoteInputError(f"{path}: two rows for {key} (ccode {ccode})")
            out[key] = {
                "ideal_point": float(row["IdealPoint"]),
                "q05": float(row["Q5%"]),
                "q95": float(row["Q95%"]),
                "n_votes": float(row["NVotes"]),
            }
    return out


def compare_with_bsv(rows: list[dict[str, Any]], bsv: dict[tuple[str, int], dict[str, float]], *,
                     min_states: int = 10) -> dict[str, Any]:
    """Pearson correlations of our ideal points with BSV's: overall and per session.

    ``rows`` are :meth:`IdealPoints.rows`. Sessions with fewer than
    ``min_states`` states in common get no per-session figure.
    """
    ours, theirs, sess, states = [], [], [], []
    for r in rows:
        b = bsv.get((r["state"], r["session"]))
        if b is None:
            continue
        ours.append(r["ideal_point"])
        theirs.append(b["ideal_point"])
        sess.append(r["session"])
        states.append(r["state"])
    if len(ours) < 3:
        raise VoteInputError("compare_with_bsv: fewer than 3 state-sessions in common with BSV")
    o, t, s = np.asarray(ours), np.asarray(theirs), np.asarray(sess)
    per = []
    for k in np.unique(s):
        m = s == k
        if m.sum() >= min_states:
            per.append({"session": int(k), "n": int(m.sum()), "r": float(np.corrcoef(o[m], t[m])[0, 1])})
    rs = np.array([p["r"] for p in per])
    worst = sorted(per, key=lambda p: p["r"])[:5]
    return {
        "matched": len(ours),
        "unmatched_ours": len(rows) - len(ours),
        "overall_r": float(np.corrcoef(o, t)[0, 1]),
        "per_session": per,
        "per_session_min": float(rs.min()) if len(rs) else None,
        "per_session_median": float(np.median(rs)) if len(rs) else None,
        "per_session_max": float(rs.max()) if len(rs) else None,
        "sessions_below_0_9": [p["session"] for p in per if p["r"] < 0.9],
        "worst_sessions": worst,
        "slope": float(np.polyfit(t, o, 1)[0]),
    }
