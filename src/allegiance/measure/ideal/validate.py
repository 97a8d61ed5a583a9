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
against the reference. States are named by ISO 3166-1 alpha-3 code, with the
historic codes of ISO 3166-3 for states that no longer exist (see
:data:`UNVOTES_CODES`).
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import numpy as np

from allegiance.errors import VoteInputError

__all__ = ["UNVOTES_CODES", "BSV_CODES", "read_unvotes", "read_bsv", "compare_with_bsv"]

#: How the ``unvotes`` package's states map to our codes where ISO alpha-2 -> alpha-3 does not
#: say it (historic states; rows whose alpha-2 code is empty are matched by name).
UNVOTES_CODES = {
    "CS": "CSK",  # Czechoslovakia (ISO 3166-3)
    "DD": "DDR",  # German Democratic Republic (ISO 3166-3)
    "YU": "YUG",  # Yugoslavia (ISO 3166-3)
    "YD": "YMD",  # Yemen People's Republic, South Yemen (ISO 3166-3)
    "RU": "RUS",  # the USSR and Russia share one series, as COW 365 does (docs/identifiers.md)
    "Federal Republic of Germany": "DEU",  # West Germany, continued by unified Germany (COW 260 -> 255)
    "Yemen Arab Republic": "YEM",  # North Yemen, continued by Yemen (COW 678 -> 679)
    "Zanzibar": "XZN",  # no ISO code; our own (codes.OWN_CODES, docs/identifiers.md); two votes in 1964
}

#: BSV's ``iso3c`` column gives YAR to both Yemens; their COW codes tell them apart.
BSV_CODES = {678: "YEM", 679: "YEM", 680: "YMD", 260: "DEU", 255: "DEU", 265: "DDR", 315: "CSK", 345: "YUG"}


def _need(path: Path) -> Path:
    if not path.is_file():
        raise VoteInputError(f"{path}: not found; download it from the publisher (docs/ideal-points.md)")
    return path


def _alpha3(alpha2: str | None, name: str) -> str:
    if alpha2 in UNVOTES_CODES:
        return UNVOTES_CODES[alpha2]
    if not alpha2:
        if name in UNVOTES_CODES:
            return UNVOTES_CODES[name]
        raise VoteInputError(f"un_votes: state {name!r} has no country_code and no known code")
    import pycountry

    c = pycountry.countries.get(alpha_2=alpha2)
    if c is None:
        raise VoteInputError(f"un_votes: country_code {alpha2!r} ({name}) is not an ISO 3166-1 alpha-2 code")
    return c.alpha_3


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
                       v.country_code AS alpha2, v.country AS name,
                       CASE v.vote WHEN 'yes' THEN 1 WHEN 'abstain' THEN 2 WHEN 'no' THEN 3 END::TINYINT AS vote,
                       v.vote AS raw
                FROM read_csv('{votes}', header=true, all_varchar=true) v
                JOIN read_csv('{calls}', header=true, all_varchar=true) r ON r.rcid = v.rcid
                {where}"""
        )
        bad = con.execute("SELECT raw, count(*) FROM v WHERE vote IS NULL GROUP BY raw").fetchall()
        if bad:
            raise VoteInputError(f"{votes}: unknown vote value(s) {bad}; expected yes, abstain, no")
        pairs = con.execute("SELECT DISTINCT alpha2, name FROM v").fetchall()
        mapping = {(a, n): _alpha3(a, n) for a, n in pairs}
        con.execute("CREATE TEMP TABLE m (alpha2 VARCHAR, name VARCHAR, state VARCHAR)")
        con.executemany("INSERT INTO m VALUES (?, ?, ?)", [(a, n, s) for (a, n), s in mapping.items()])
        con.execute(
            """CREATE TEMP TABLE bridge AS
               WITH calls AS (SELECT DISTINCT rcid, session, descr FROM v WHERE descr IS NOT NULL AND descr <> ''),
               per AS (SELECT descr, count(*) AS n, count(DISTINCT session) AS ns FROM calls GROUP BY descr)
               SELECT calls.rcid, calls.descr AS item FROM calls JOIN per USING (descr) WHERE per.ns > 1 AND per.n = per.ns"""
        )
        rel = con.execute(
            """SELECT v.session, v.rcid, m.state, v.vote, bridge.item FROM v
               JOIN m ON m.name = v.name AND m.alpha2 IS NOT DISTINCT FROM v.alpha2
               LEFT JOIN bridge ON bridge.rcid = v.rcid
               ORDER BY v.rcid, m.state"""
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
        item = cols["item"]
        if isinstance(item, np.ma.MaskedArray):  # DuckDB's nulls (filled(None) would insert the fill value)
            item = np.where(np.ma.getmaskarray(item), None, item.data.astype(object))
        out["item"] = np.asarray(item, dtype=object)
    return out


def read_bsv(data_dir: Path | str) -> dict[tuple[str, int], dict[str, float]]:
    """BSV's estimates keyed by ``(state, session)``: ``ideal_point``, ``q05``, ``q95``, ``n_votes``.

    The CSV is Windows-1252 (country names such as "Côte d’Ivoire"), which
    DuckDB's reader refuses, so it is read with Python's csv module.
    """
    path = _need(Path(data_dir) / "idealpoints" / "IdealpointestimatesAll_Apr2020.csv")
    out: dict[tuple[str, int], dict[str, float]] = {}
    with path.open(encoding="cp1252", newline="") as f:
        for row in csv.DictReader(f):
            ccode = int(row["ccode"])
            state = BSV_CODES.get(ccode, row["iso3c"])
            key = (state, int(row["session"]))
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
