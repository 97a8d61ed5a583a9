"""Queries over the store: timelines, what held as of a date, sources, conflicts.

Every function takes an open :class:`~allegiance.facts.store.Store` and
returns plain, JSON-ready dictionaries in the shapes documented in
``docs/json.md``. ``as_of`` and ``known_by`` are explicit arguments: nothing
here silently means "today".
"""

from __future__ import annotations

from datetime import date
from typing import Any

from allegiance.errors import UnknownIdError
from allegiance.facts.codes import resolve_state
from allegiance.facts.store import Store

__all__ = [
    "state_code",
    "timeline",
    "facts_as_of",
    "list_sources",
    "get_source",
    "conflicts",
    "statements_by_id",
]

_STMT_COLS = ("id, kind, subject, predicate, object, value, value_int, role, mode, negated, instant, text, "
              "valid_from, from_lo, from_hi, valid_until, until_lo, until_hi, known_from, attributed_to, note, file, line")
_SRC_COLS = ("id, type, title, author, outlet, date, url, accessed, locator, cited_in, note, seed, language, "
             "details, file, line")


def _rows(store: Store, sql: str, params: list | tuple = ()) -> list[dict[str, Any]]:
    cur = store.con.execute(sql, list(params))
    names = [d[0] for d in cur.description]
    return [dict(zip(names, r)) for r in cur.fetchall()]


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d is not None else None


def state_code(store: Store, text: str) -> tuple[str, str]:
    """Resolve a state code or name; returns (alpha-3, name)."""
    rows = store.con.execute("SELECT id, name, aliases FROM entities WHERE type = 'state'").fetchall()
    known = {r[0]: [r[1], *r[2]] for r in rows}
    code = resolve_state(text, known)
    if code in known:
        return code, known[code][0]
    import pycountry

    c = pycountry.countries.get(alpha_3=code) or pycountry.historic_countries.get(alpha_3=code)
    return code, c.name if c else code


def _source_view(r: dict[str, Any]) -> dict[str, Any]:
    out = {k: r[k] for k in ("id", "type", "title", "author", "outlet", "date", "url", "accessed",
                             "locator", "cited_in", "note", "details")}
    out["defined_at"] = f"{r['file']}:{r['line']}"
    return out


def _attach(store: Store, stmts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Turn statement rows into the documented statement objects, with sources and links."""
    if not stmts:
        return []
    ids = [s["id"] for s in stmts]
    ph = ",".join("?" * len(ids))
    cits = _rows(store, f"SELECT c.statement_id, c.ord, c.quote, c.locator AS cit_locator, s.* FROM citations c "
                        f"JOIN sources s ON s.id = c.source_id WHERE c.statement_id IN ({ph}) "
                        f"ORDER BY c.statement_id, c.ord", ids)
    refs = _rows(store, f"SELECT r.statement_id, r.ord, s.* FROM citation_refs r JOIN sources s ON s.id = r.source_id "
                        f"WHERE r.statement_id IN ({ph}) ORDER BY r.statement_id, r.ord, r.ref_ord", ids)
    names = dict(store.con.execute(
        "SELECT id, name FROM entities WHERE id IN (SELECT subject FROM statements WHERE id IN (" + ph + ") "
        "UNION SELECT object FROM statements WHERE id IN (" + ph + "))", ids + ids).fetchall())
    links = _rows(store, f"SELECT statement_id, superseded_id FROM supersedes WHERE statement_id IN ({ph}) "
                         f"OR superseded_id IN ({ph})", ids + ids)
    basis = _rows(store, f"SELECT statement_id, document_id FROM basis WHERE statement_id IN ({ph})", ids)
    confl = _rows(store, f"SELECT a, b FROM conflicts WHERE a IN ({ph}) OR b IN ({ph})", ids + ids)
    ref_map: dict[tuple[str, int], list] = {}
    for r in refs:
        ref_map.setdefault((r["statement_id"], r["ord"]), []).append(_source_view(r))
    cit_map: dict[str, list] = {}
    for c in cits:
        view = _source_view(c)
        cit_map.setdefault(c["statement_id"], []).append({
            "source": c["id"],
            "title": view["title"], "author": view["author"], "outlet": view["outlet"], "date": view["date"],
            "url": view["url"], "accessed": view["accessed"],
            "quote": c["quote"], "locator": c["cit_locator"],
            "refs": ref_map.get((c["statement_id"], c["ord"]), []),
        })
    out = []
    for s in stmts:
        sid = s["id"]
        out.append({
            "id": sid,
            "kind": s["kind"],
            "subject": s["subject"],
            "subject_name": names.get(s["subject"], s["subject"]),
            "predicate": s["predicate"],
            "object": s["object"],
            "object_name": names.get(s["object"]) if s["object"] else None,
            "value": s["value_int"] if s["value_int"] is not None else s["value"],
            "role": s["role"],
            "mode": s["mode"],
            "negated": s["negated"],
            "text": s["text"],
            "valid_from": s["valid_from"],
            "valid_until": s["valid_until"],
            "valid_from_range": [_iso(s["from_lo"]), _iso(s["from_hi"])],
            "valid_until_range": [_iso(s["until_lo"]), _iso(s["until_hi"])] if s["valid_until"] else None,
            "instant": s["instant"],
            "by": s["attributed_to"],
            "note": s["note"],
            "basis": [b["document_id"] for b in basis if b["statement_id"] == sid],
            "supersedes": [ln["superseded_id"] for ln in links if ln["statement_id"] == sid],
            "superseded_by": [ln["statement_id"] for ln in links if ln["superseded_id"] == sid],
            "conflicts_with": sorted({c["b"] if c["a"] == sid else c["a"] for c in confl if sid in (c["a"], c["b"])}),
            "defined_at": f"{s['file']}:{s['line']}",
            "sources": cit_map.get(sid, []),
        })
    return out


def timeline(store: Store, state: str, *, start: date | None = None, end: date | None = None) -> dict[str, Any]:
    """Every statement involving ``state`` whose start may fall in [start, end], in date order."""
    code, name = state_code(store, state)
    rows = _rows(store,
                 f"SELECT {_STMT_COLS} FROM statements WHERE id IN "
                 f"(SELECT statement_id FROM involvement WHERE state = ?) "
                 f"AND (CAST(? AS DATE) IS NULL OR from_hi >= ?) AND (CAST(? AS DATE) IS NULL OR from_lo <= ?) "
                 f"ORDER BY from_lo, from_hi, ord", [code, start, start, end, end])
    return {
        "state": code,
        "name": name,
        "from": _iso(start),
        "to": _iso(end),
        "count": len(rows),
        "statements": _attach(store, rows),
    }


def facts_as_of(store: Store, state: str, *, as_of: date, known_by: date | None = None) -> dict[str, Any]:
    """What held about ``state`` on ``as_of`` (optionally: as known from sources dated by ``known_by``).

    Durative statements only (events are on the timeline). Each statement carries
    ``holds``: ``"yes"`` when it certainly held that day, ``"possibly"`` when the day
    falls within the fuzzy part of its start or end, or when a statement that
    supersedes it may already have begun. Superseded statements are listed apart.
    """
    code, name = state_code(store, state)
    rows = _rows(store,
                 f"SELECT {_STMT_COLS} FROM statements WHERE id IN "
                 f"(SELECT statement_id FROM involvement WHERE state = ?) "
                 f"AND NOT instant AND from_lo <= ? AND (until_hi IS NULL OR until_hi > ?) "
                 f"AND (CAST(? AS DATE) IS NULL OR known_from <= ?) "
                 f"ORDER BY from_lo, from_hi, ord", [code, as_of, as_of, known_by, known_by])
    sup = _rows(store,
                "SELECT x.superseded_id, x.statement_id, s.from_lo, s.from_hi FROM supersedes x "
                "JOIN statements s ON s.id = x.statement_id "
                "WHERE s.from_lo <= ? AND (CAST(? AS DATE) IS NULL OR s.known_from <= ?)",
                [as_of, known_by, known_by])
    certain_sup: dict[str, list[str]] = {}
    maybe_sup: set[str] = set()
    for r in sup:
        if r["from_hi"] <= as_of:
            certain_sup.setdefault(r["superseded_id"], []).append(r["statement_id"])
        else:
            maybe_sup.add(r["superseded_id"])
    held, superseded = [], []
    for r in rows:
        if r["id"] in certain_sup:
            superseded.append({"id": r["id"], "text": r["text"], "superseded_by": sorted(certain_sup[r["id"]])})
            continue
        sure = r["from_hi"] <= as_of and (r["until_lo"] is None or r["until_lo"] > as_of) and r["id"] not in maybe_sup
        r["_holds"] = "yes" if sure else "possibly"
        held.append(r)
    views = _attach(store, held)
    for v, r in zip(views, held):
        v["holds"] = r["_holds"]
    return {
        "state": code,
        "name": name,
        "as_of": as_of.isoformat(),
        "known_by": _iso(known_by),
        "count": len(views),
        "statements": views,
        "superseded": superseded,
    }


def statements_by_id(store: Store, ids: list[str]) -> list[dict[str, Any]]:
    """Statement objects for the given ids, in that order. Unknown ids raise UnknownIdError."""
    if not ids:
        return []
    ph = ",".join("?" * len(ids))
    rows = {r["id"]: r for r in _rows(store, f"SELECT {_STMT_COLS} FROM statements WHERE id IN ({ph})", ids)}
    missing = [i for i in ids if i not in rows]
    if missing:
        raise UnknownIdError(f"unknown statement {missing[0]!r}")
    return _attach(store, [rows[i] for i in ids])


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
    stmts = _rows(store, f"SELECT {_STMT_COLS} FROM statements WHERE id IN ({','.join('?' * len(ids))}) "
                         f"ORDER BY from_lo, ord", ids) if ids else []
    return {"source": src, "footnotes": [_source_view(n) for n in notes], "statements": _attach(store, stmts)}


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
