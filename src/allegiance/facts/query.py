"""Queries over the store: timelines, what held as of a date, sources, conflicts.

Every function takes an open :class:`~allegiance.facts.store.Store` and
returns plain, JSON-ready dictionaries in the shapes documented in
``docs/json.md``. ``as_of`` and ``known_by`` are explicit arguments: nothing
here silently means "today".
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from allegiance.errors import UnknownIdError
from allegiance.facts.codes import resolve_state
from allegiance.facts.store import SOURCE_FIELDS, Store
from allegiance.facts.time import Span

__all__ = [
    "state_code",
    "timeline",
    "facts_as_of",
    "list_sources",
    "get_source",
    "conflicts",
    "statements_by_id",
    "statement_spans",
    "statement_span",
]

_SRC_COLS = ("id, type, title, author, outlet, date, url, accessed, locator, cited_in, note, seed, language, "
             "details, file, line")


def _rows(store: Store, sql: str, params: list | tuple | dict = ()) -> list[dict[str, Any]]:
    cur = store.con.execute(sql, params if isinstance(params, dict) else list(params))
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d is not None else None


def state_code(store: Store, text: str) -> tuple[str, str]:
    """Resolve a state code or name; returns (alpha-3, name)."""
    known = store.cache.get("states")
    if known is None:
        rows = store.con.execute("SELECT id, name, aliases FROM entities WHERE type = 'state'").fetchall()
        known = store.cache["states"] = {r[0]: [r[1], *r[2]] for r in rows}
    code = resolve_state(text, known)
    if code in known:
        return code, known[code][0]
    import pycountry

    c = pycountry.countries.get(alpha_3=code) or pycountry.historic_countries.get(alpha_3=code)
    return code, c.name if c else code


def _source_view(r: dict[str, Any]) -> dict[str, Any]:
    out = {k: r[k] for k in SOURCE_FIELDS}
    out["defined_at"] = f"{r['file']}:{r['line']}"
    return out


_VIEW_COLS = "v.id, v.from_lo, v.from_hi, v.until_lo, v.until_hi, v.obj"


def _view(r: dict[str, Any]) -> dict[str, Any]:
    """A row of ``statement_view``: its statement object, finished at compile time."""
    return json.loads(r["obj"])


def timeline(store: Store, state: str, *, start: date | None = None, end: date | None = None) -> dict[str, Any]:
    """Every statement involving ``state`` whose start may fall in [start, end], in date order."""
    code, name = state_code(store, state)
    rows = _rows(store,
                 f"SELECT {_VIEW_COLS} FROM statement_view v WHERE list_contains(v.states, ?) "
                 f"AND (CAST(? AS DATE) IS NULL OR v.from_hi >= ?) AND (CAST(? AS DATE) IS NULL OR v.from_lo <= ?) "
                 f"ORDER BY v.from_lo, v.from_hi, v.ord", [code, start, start, end, end])
    return {
        "state": code,
        "name": name,
        "from": _iso(start),
        "to": _iso(end),
        "count": len(rows),
        "statements": [_view(r) for r in rows],
    }


def facts_as_of(store: Store, state: str, *, as_of: date, known_by: date | None = None) -> dict[str, Any]:
    """What held about ``state`` on ``as_of`` (optionally: as known from sources dated by ``known_by``).

    Durative statements only (events are on the timeline). Each statement carries
    ``holds``: ``"yes"`` when it certainly held that day, ``"possibly"`` when the day
    falls within the fuzzy part of its start or end, or when a statement that
    supersedes it may already have begun. Superseded statements are listed apart.
    """
    code, name = state_code(store, state)
    rows = _rows(store, f"SELECT {_VIEW_COLS} FROM statement_view v "
                        f"WHERE list_contains(v.states, $state) AND NOT v.instant AND v.from_lo <= $day AND (v.until_hi IS NULL OR v.until_hi > $day) "
                        f"AND ($known IS NULL OR v.known_from <= $known) ORDER BY v.from_lo, v.from_hi, v.ord",
                 {"state": code, "day": as_of, "known": known_by})
    spans = statement_spans(store)
    held, superseded = [], []
    for r in rows:
        view = _view(r)
        holds = spans[r["id"]].holds(as_of, known_by=known_by)
        if holds == "no":  # the query kept only what its own dates allow: a supersession has certainly begun
            by = sorted(new for old, new, lo, hi, known in _supersessions(store) if old == r["id"] and hi <= as_of
                        and (known_by is None or (known is not None and known <= known_by)))
            superseded.append({"id": r["id"], "text": view["text"], "superseded_by": by})
            continue
        view["holds"] = holds
        held.append(view)
    return {
        "state": code,
        "name": name,
        "as_of": as_of.isoformat(),
        "known_by": _iso(known_by),
        "count": len(held),
        "statements": held,
        "superseded": superseded,
    }


def _supersessions(store: Store) -> list[tuple]:
    """(superseded, superseding, its start lo, its start hi, known from): small, read once per store."""
    rows = store.cache.get("supersedes")
    if rows is None:
        rows = store.cache["supersedes"] = store.con.execute(
            "SELECT x.superseded_id, x.statement_id, t.from_lo, t.from_hi, t.known_from FROM supersedes x "
            "JOIN statements t ON t.id = x.statement_id").fetchall()
    return rows


def statement_spans(store: Store) -> dict[str, Span]:
    """Every statement's valid time as a :class:`~allegiance.facts.time.Span`, supersessions included.

    Read once per store (kept in ``store.cache``): the one place the rules, status and measure layers
    learn whether a statement holds on a day.
    """
    spans = store.cache.get("spans")
    if spans is None:
        by_old: dict[str, list[tuple]] = {}
        for old, _new, lo, hi, known in _supersessions(store):
            by_old.setdefault(old, []).append((lo, hi, known))
        spans = {}
        for sid, f_lo, f_hi, u_lo, u_hi, instant in store.con.execute(
                "SELECT id, from_lo, from_hi, until_lo, until_hi, instant FROM statements").fetchall():
            spans[sid] = Span(f_lo, f_hi, u_lo, u_hi, bool(instant)).superseded_by(by_old.get(sid))
        store.cache["spans"] = spans
    return spans


def statement_span(store: Store, sid: str) -> Span:
    """One statement's valid time, supersessions included, without reading every statement's.

    The rules layer asks this of the few statements its provisions rest on (``holds:``); on a large
    knowledge base that is a few rows, not :func:`statement_spans`' every row.
    """
    full = store.cache.get("spans")
    if full is not None:
        if sid not in full:
            raise UnknownIdError(f"unknown statement {sid!r}", value=sid, field="statement")
        return full[sid]
    part = store.cache.setdefault("span-of", {})
    span = part.get(sid)
    if span is None:
        row = store.con.execute("SELECT from_lo, from_hi, until_lo, until_hi, instant FROM statements WHERE id = ?",
                                [sid]).fetchone()
        if row is None:
            raise UnknownIdError(f"unknown statement {sid!r}", value=sid, field="statement")
        starts = [(lo, hi, known) for old, _new, lo, hi, known in _supersessions(store) if old == sid]
        span = part[sid] = Span(*row[:4], bool(row[4])).superseded_by(starts)
    return span


def statements_by_id(store: Store, ids: list[str]) -> list[dict[str, Any]]:
    """Statement objects for the given ids, in that order. Unknown ids raise UnknownIdError."""
    if not ids:
        return []
    rows = {r["id"]: r for r in _rows(store, f"SELECT {_VIEW_COLS} FROM statement_view v "
                                             f"WHERE list_contains(?, v.id)", [ids])}
    missing = [i for i in ids if i not in rows]
    if missing:
        raise UnknownIdError(f"unknown statement {missing[0]!r}")
    return [_view(rows[i]) for i in ids]


def list_sources(store: Store) -> dict[str, Any]:
    """Every source, with how many statements cite it (directly or as a footnote)."""
    rows = _rows(store, f"SELECT {_SRC_COLS}, "
                        "(SELECT count(DISTINCT statement_id) FROM citations c WHERE c.source_id = s.id) AS cited, "
                        "(SELECT count(DISTINCT statement_id) FROM citation_refs r WHERE r.source_id = s.id) AS via "
                        "FROM sources s ORDER BY coalesce(cited_in, id), note NULLS FIRST, id")
    out = []
    for r in rows:
        v = _source_view(r)
        v["statements_citing"] = r["cited"]
        v["statements_via_footnote"] = r["via"]
        out.append(v)
    return {"count": len(out), "sources": out}


def get_source(store: Store, source_id: str) -> dict[str, Any]:
    """One source, its footnotes (if any) and every statement that cites it."""
    rows = _rows(store, f"SELECT {_SRC_COLS} FROM sources WHERE id = ?", [source_id])
    if not rows:
        near = [r[0] for r in store.con.execute(
            "SELECT id FROM sources ORDER BY jaro_winkler_similarity(id, ?) DESC LIMIT 1", [source_id]).fetchall()]
        hint = f"; did you mean {near[0]!r}?" if near else ""
        raise UnknownIdError(f"unknown source {source_id!r}{hint} (list them with: allegiance sources)")
    src = _source_view(rows[0])
    notes = _rows(store, f"SELECT {_SRC_COLS} FROM sources WHERE cited_in = ? ORDER BY note", [source_id])
    ids = [r[0] for r in store.con.execute(
        "SELECT DISTINCT statement_id FROM (SELECT statement_id FROM citations WHERE source_id = ? "
        "UNION ALL SELECT statement_id FROM citation_refs WHERE source_id = ?)", [source_id, source_id]).fetchall()]
    stmts = _rows(store, f"SELECT {_VIEW_COLS} FROM statement_view v WHERE list_contains(?, v.id) "
                         f"ORDER BY v.from_lo, v.ord", [ids]) if ids else []
    return {"source": src, "footnotes": [_source_view(n) for n in notes], "statements": [_view(r) for r in stmts]}


def conflicts(store: Store) -> dict[str, Any]:
    """Every pair of statements that disagree, both kept, with why they conflict."""
    pairs = _rows(store, "SELECT a, b, kind, reason FROM conflicts ORDER BY a, b")
    ids = sorted({p["a"] for p in pairs} | {p["b"] for p in pairs})
    by_id = {s["id"]: s for s in statements_by_id(store, ids)} if ids else {}
    return {
        "count": len(pairs),
        "conflicts": [{"kind": p["kind"], "reason": p["reason"], "statements": [by_id[p["a"]], by_id[p["b"]]]}
                      for p in pairs],
    }
