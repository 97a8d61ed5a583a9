"""Full-text search over the knowledge base: an SQLite FTS5 index built in memory at start-up.

Indexed: entities (states, organisations, bodies, offices, forces, facilities,
documents, events, persons), arrangements, sources and statements. The
query is never passed to FTS5 as a query language: it is cut into words and
each word becomes a quoted prefix term, all required.
"""

from __future__ import annotations

import re
import sqlite3
import threading

__all__ = ["SearchIndex", "terms"]

_WORD = re.compile(r"\w+", re.UNICODE)
MAX_TERMS = 8
#: The order in which result kinds are listed.
KINDS = ("state", "organisation", "body", "office", "force", "arrangement", "facility", "document", "event",
         "person", "source", "statement")


def terms(text: str) -> list[str]:
    """The words of a query, lower-cased, at most :data:`MAX_TERMS`, each at most 40 characters."""
    return [w.lower()[:40] for w in _WORD.findall(text or "")][:MAX_TERMS]


class SearchIndex:
    """Built from the open store's tables and the arrangements list; read-only after construction."""

    def __init__(self, store, arrangements: list[dict]):
        self._db = sqlite3.connect(":memory:", check_same_thread=False)
        self._lock = threading.Lock()
        self._db.execute("CREATE VIRTUAL TABLE doc USING fts5(kind UNINDEXED, id UNINDEXED, title, body, "
                         "tokenize='unicode61 remove_diacritics 2')")
        rows = []
        for eid, typ, name, aliases, of, desc in store.con.execute(
                "SELECT id, type, name, aliases, of, description FROM entities").fetchall():
            rows.append((typ, eid, name or eid, " ".join([eid, *(aliases or []), of or "", desc or ""])))
        for a in arrangements:
            rows.append(("arrangement", a["id"], a["name"], " ".join([a["id"], a["kind"] or "", *a["parties"]])))
        for sid, title, author, outlet, typ in store.con.execute(
                "SELECT id, title, author, outlet, type FROM sources").fetchall():
            rows.append(("source", sid, " — ".join(x for x in (title or sid, author) if x),
                         " ".join(x for x in (sid, outlet, typ) if x)))
        for sid, text, subject, predicate, note in store.con.execute(
                "SELECT id, text, subject, predicate, note FROM statements").fetchall():
            rows.append(("statement", sid, text, " ".join(x for x in (sid, subject, predicate, note) if x)))
        self._db.executemany("INSERT INTO doc VALUES (?, ?, ?, ?)", rows)
        self.size = len(rows)

    def search(self, text: str, *, per_kind: int = 15) -> list[dict]:
        """The best matches of each kind (at most ``per_kind`` each), kinds in :data:`KINDS` order."""
        words = terms(text)
        if not words:
            return []
        match = " AND ".join('"' + w.replace('"', '""') + '"*' for w in words)
        with self._lock:
            cur = self._db.execute(
                "SELECT kind, id, title, snippet(doc, -1, '\x02', '\x03', '…', 12) FROM doc WHERE doc MATCH ? "
                "ORDER BY bm25(doc, 0, 0, 10.0, 1.0) LIMIT 2000", (match,))
            rows = cur.fetchall()
        by_kind: dict[str, list[dict]] = {}
        for k, i, t, s in rows:
            group = by_kind.setdefault(k, [])
            if len(group) < per_kind:
                group.append({"kind": k, "id": i, "title": t, "snippet": s})
        order = {k: n for n, k in enumerate(KINDS)}
        return [r for k in sorted(by_kind, key=lambda k: (order.get(k, len(order)), k)) for r in by_kind[k]]
