"""The store: the knowledge base compiled into an embedded DuckDB database.

The YAML is the source of truth. :func:`open_store` computes a checksum of
the YAML files; the compiled database for that checksum lives in the cache
directory as ``kb-<checksum>.duckdb``. If it is missing the knowledge base is
loaded, validated and compiled into a temporary file that is renamed into
place only when complete, so a failed or interrupted build leaves nothing
behind and a changed YAML file always gets a fresh database.

Tables (all dates are DuckDB ``DATE``; ``*_lo``/``*_hi`` are the earliest and
latest day an EDTF date can mean):

- ``meta(key, value)``: kb digest, schema version, build time, kb directory
- ``sources``, ``entities``, ``statements``, ``citations``, ``citation_refs``
- ``basis``, ``supersedes``, ``involvement(statement_id, state)``
- ``conflicts(a, b, kind, reason)``
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

import duckdb

from allegiance.facts.load import SCHEMA_VERSION, KnowledgeBase, default_kb_dir, kb_digest, load_kb
from allegiance.facts.predicates import PREDICATES

__all__ = ["Store", "open_store", "compile_kb", "default_cache_dir"]


def default_cache_dir() -> Path:
    """Where compiled databases live: $ALLEGIANCE_CACHE, else the user cache directory."""
    env = os.environ.get("ALLEGIANCE_CACHE")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("allegiance"))


@dataclass
class Store:
    """An open, read-only connection to a compiled knowledge base."""

    con: duckdb.DuckDBPyConnection
    digest: str
    path: Path | None  # None for an in-memory store
    rebuilt: bool = False

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def open_store(kb_dir: Path | str | None = None, *, cache_dir: Path | str | None = None,
               in_memory: bool = False) -> Store:
    """Open the compiled knowledge base, compiling it first if the YAML changed.

    Raises :class:`~allegiance.errors.KnowledgeBaseError` if the YAML does not validate.
    """
    kb_dir = Path(kb_dir) if kb_dir is not None else default_kb_dir()
    if in_memory:
        kb = load_kb(kb_dir)
        con = duckdb.connect(":memory:")
        _compile_into(con, kb)
        return Store(con, kb.digest, None, rebuilt=True)
    digest = _build_digest(kb_dir)
    cache = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    path = cache / f"kb-{digest[:20]}.duckdb"
    rebuilt = False
    if not path.exists():
        kb = load_kb(kb_dir)
        compile_kb(kb, path)
        rebuilt = True
        _prune(cache, keep=path)
    con = duckdb.connect(str(path), read_only=True)
    return Store(con, digest, path, rebuilt=rebuilt)


_COMPILER_FILES = ("store.py", "load.py", "model.py", "predicates.py", "time.py")


def _build_digest(kb_dir: Path) -> str:
    """The YAML's checksum plus the code that compiles it: either changing means a rebuild."""
    import hashlib

    h = hashlib.sha256(kb_digest(kb_dir).encode())
    here = Path(__file__).resolve().parent
    for name in _COMPILER_FILES:
        h.update((here / name).read_bytes())
    return h.hexdigest()


def _prune(cache: Path, keep: Path) -> None:
    """Remove databases compiled from earlier versions of the YAML."""
    for old in cache.glob("kb-*.duckdb"):
        if old != keep:
            try:
                old.unlink()
            except OSError:
                pass  # another process may hold it open; it is only a cache


def compile_kb(kb: KnowledgeBase, path: Path | str) -> Path:
    """Compile ``kb`` into a DuckDB file at ``path``, atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".kb-build-", suffix=".duckdb", dir=path.parent)
    os.close(fd)
    os.unlink(tmp)  # DuckDB wants to create the file itself
    try:
        con = duckdb.connect(tmp)
        try:
            _compile_into(con, kb)
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.replace(tmp, path)
    except BaseException:
        for leftover in (tmp, tmp + ".wal"):
            if os.path.exists(leftover):
                os.unlink(leftover)
        raise
    return path


# ---------------------------------------------------------------- compile


def _table(con, name: str, columns: dict[str, str], rows: dict[str, list]) -> None:
    import pyarrow as pa

    types = {
        "VARCHAR": pa.string(), "INTEGER": pa.int64(), "BOOLEAN": pa.bool_(), "DATE": pa.date32(),
        "VARCHAR[]": pa.list_(pa.string()),
    }
    schema = pa.schema([(c, types[t]) for c, t in columns.items()])
    table = pa.Table.from_pydict({c: rows[c] for c in columns}, schema=schema)
    con.register("_incoming", table)
    con.execute(f"CREATE TABLE {name} AS SELECT * FROM _incoming")
    con.unregister("_incoming")


def _cols(spec: str) -> dict[str, str]:
    out = {}
    for part in spec.split(","):
        col, typ = part.split()
        out[col] = typ
    return out


def _entity_states(kb: KnowledgeBase) -> dict[str, set[str]]:
    """The states each entity involves: itself, its `of` chain, event participants, parties, locations."""
    ents = kb.entities
    direct: dict[str, set[str]] = {eid: set() for eid in ents}
    for eid, e in ents.items():
        if e.type == "state":
            direct[eid].add(eid)
    links: dict[str, set[str]] = {eid: set() for eid in ents}  # entity -> entities whose states it inherits
    for eid, e in ents.items():
        if e.of:
            links[eid].add(e.of)
    for st in kb.statements.values():
        if st.object is None or st.negated:
            continue
        if st.predicate in ("participant", "held-in") and ents[st.subject].type == "event":
            links[st.subject].add(st.object)
        elif st.predicate == "party-to":
            links[st.object].add(st.subject)
        elif st.predicate in ("located-in", "leased-to", "owned-by"):
            links[st.subject].add(st.object)
    out: dict[str, set[str]] = {}
    for eid in ents:
        seen = {eid}
        todo = [eid]
        acc: set[str] = set()
        while todo:
            cur = todo.pop()
            acc |= direct[cur]
            for nxt in links[cur]:
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        out[eid] = acc
    return out


def _overlap(a, b) -> bool:
    """Can two fuzzy intervals overlap? Each is (from_lo, until_hi or None)."""
    a_lo, a_hi = a
    b_lo, b_hi = b
    return (a_hi is None or b_lo < a_hi) and (b_hi is None or a_lo < b_hi)


def _conflicts(kb: KnowledgeBase) -> list[tuple[str, str, str, str]]:
    out: dict[tuple[str, str], tuple[str, str]] = {}
    sup: set[tuple[str, str]] = set()
    for sid, st in kb.statements.items():
        for other in st.supersedes:
            sup.add((sid, other))
            sup.add((other, sid))
    groups: dict[tuple, list[str]] = {}
    neg_groups: dict[tuple, list[str]] = {}
    for sid, st in kb.statements.items():
        p = PREDICATES[st.predicate]
        if p.functional == "date":
            groups.setdefault(("date", st.subject, st.predicate, st.role), []).append(sid)
        elif p.functional == "value":
            groups.setdefault(("value", st.subject, st.predicate, st.role, st.mode), []).append(sid)
        neg_groups.setdefault((st.subject, st.predicate, st.object, st.value, st.role, st.mode), []).append(sid)

    def span(sid):
        f, u = kb.dates[sid]
        return (f.lower, u.upper if u else None)

    def add(a, b, kind, reason):
        key = tuple(sorted((a, b)))
        if (a, b) not in sup and key not in out:
            out[key] = (kind, reason)

    for key, ids in groups.items():
        for i, a in enumerate(ids):
            for b in ids[i + 1:]:
                sa, sb = kb.statements[a], kb.statements[b]
                if sa.negated or sb.negated:
                    continue
                fa, fb = kb.dates[a][0], kb.dates[b][0]
                if key[0] == "date":
                    if fa.upper < fb.lower or fb.upper < fa.lower:
                        add(a, b, "date", f"{sa.subject} {sa.predicate}: dated {fa.text} by one statement and {fb.text} by the other")
                else:
                    va = (sa.object, sa.value)
                    vb = (sb.object, sb.value)
                    if va != vb and _overlap(span(a), span(b)):
                        show_a = sa.object if sa.object is not None else sa.value
                        show_b = sb.object if sb.object is not None else sb.value
                        add(a, b, "value", f"{sa.subject} {sa.predicate}{' in ' + sa.mode if sa.mode else ''}: {show_a!s} in one statement, {show_b!s} in the other, over overlapping time")
    for key, ids in neg_groups.items():
        pos = [i for i in ids if not kb.statements[i].negated]
        neg = [i for i in ids if kb.statements[i].negated]
        for a in pos:
            for b in neg:
                if _overlap(span(a), span(b)):
                    st = kb.statements[a]
                    add(a, b, "negation", f"{st.subject} {st.predicate} {st.object or st.value or ''}".rstrip() + ": affirmed by one statement and denied by the other over overlapping time")
    for sid, st in kb.statements.items():
        for other in st.conflicts_with:
            note = st.note or kb.statements[other].note or "declared in the knowledge base"
            key = tuple(sorted((sid, other)))
            out[key] = ("declared", note)
    return [(a, b, kind, reason) for (a, b), (kind, reason) in sorted(out.items())]


def _compile_into(con: duckdb.DuckDBPyConnection, kb: KnowledgeBase) -> None:
    sources = _cols("id VARCHAR, type VARCHAR, title VARCHAR, author VARCHAR, outlet VARCHAR, date VARCHAR, "
                    "date_lo DATE, date_hi DATE, url VARCHAR, accessed VARCHAR, locator VARCHAR, cited_in VARCHAR, "
                    "note INTEGER, seed VARCHAR, language VARCHAR, details VARCHAR, file VARCHAR, line INTEGER")
    rows = {c: [] for c in sources}
    for sid, s in kb.sources.items():
        d = kb.source_dates.get(sid)
        f, ln = kb.where[sid]
        for c, v in (("id", sid), ("type", s.type), ("title", s.title), ("author", s.author), ("outlet", s.outlet),
                     ("date", s.date), ("date_lo", d.lower if d else None), ("date_hi", d.upper if d else None),
                     ("url", s.url), ("accessed", s.accessed), ("locator", s.locator), ("cited_in", s.cited_in),
                     ("note", s.note), ("seed", s.seed), ("language", s.language), ("details", s.details),
                     ("file", f), ("line", ln)):
            rows[c].append(v)
    _table(con, "sources", sources, rows)

    entities = _cols("id VARCHAR, type VARCHAR, name VARCHAR, aliases VARCHAR[], of VARCHAR, doc_type VARCHAR, "
                     "cow INTEGER, code_note VARCHAR, description VARCHAR, file VARCHAR, line INTEGER")
    rows = {c: [] for c in entities}
    for eid, e in kb.entities.items():
        f, ln = kb.where[eid]
        for c, v in (("id", eid), ("type", e.type), ("name", e.name), ("aliases", list(e.aliases)), ("of", e.of),
                     ("doc_type", e.doc_type), ("cow", e.cow), ("code_note", e.code_note),
                     ("description", e.description), ("file", f), ("line", ln)):
            rows[c].append(v)
    _table(con, "entities", entities, rows)

    statements = _cols("id VARCHAR, kind VARCHAR, subject VARCHAR, predicate VARCHAR, object VARCHAR, value VARCHAR, "
                       "value_int INTEGER, role VARCHAR, mode VARCHAR, negated BOOLEAN, instant BOOLEAN, text VARCHAR, "
                       "valid_from VARCHAR, from_lo DATE, from_hi DATE, valid_until VARCHAR, until_lo DATE, "
                       "until_hi DATE, known_from DATE, attributed_to VARCHAR, note VARCHAR, file VARCHAR, line INTEGER, ord INTEGER")
    rows = {c: [] for c in statements}
    cits = _cols("statement_id VARCHAR, ord INTEGER, source_id VARCHAR, quote VARCHAR, locator VARCHAR")
    crow = {c: [] for c in cits}
    refs = _cols("statement_id VARCHAR, ord INTEGER, ref_ord INTEGER, source_id VARCHAR")
    rrow = {c: [] for c in refs}
    basis = _cols("statement_id VARCHAR, document_id VARCHAR")
    brow = {c: [] for c in basis}
    sups = _cols("statement_id VARCHAR, superseded_id VARCHAR")
    srow = {c: [] for c in sups}
    for n, (sid, st) in enumerate(kb.statements.items()):
        f, u = kb.dates[sid]
        known: list[date] = []
        for i, cit in enumerate(st.sources):
            crow["statement_id"].append(sid)
            crow["ord"].append(i)
            crow["source_id"].append(cit.source)
            crow["quote"].append(cit.quote)
            crow["locator"].append(cit.locator)
            for j, ref in enumerate(cit.refs):
                for c, v in (("statement_id", sid), ("ord", i), ("ref_ord", j), ("source_id", ref)):
                    rrow[c].append(v)
            d = kb.source_dates.get(cit.source)
            if d is not None:
                known.append(d.upper)
        file, line = kb.where[sid]
        value = st.value
        for c, v in (("id", sid), ("kind", st.kind), ("subject", st.subject), ("predicate", st.predicate),
                     ("object", st.object), ("value", None if value is None else str(value)),
                     ("value_int", value if isinstance(value, int) else None), ("role", st.role), ("mode", st.mode),
                     ("negated", st.negated), ("instant", PREDICATES[st.predicate].instant), ("text", st.text),
                     ("valid_from", st.valid_from), ("from_lo", f.lower), ("from_hi", f.upper),
                     ("valid_until", st.valid_until), ("until_lo", u.lower if u else None),
                     ("until_hi", u.upper if u else None), ("known_from", min(known) if known else None),
                     ("attributed_to", st.by), ("note", st.note), ("file", file), ("line", line), ("ord", n)):
            rows[c].append(v)
        for b in st.basis:
            brow["statement_id"].append(sid)
            brow["document_id"].append(b)
        for o in st.supersedes:
            srow["statement_id"].append(sid)
            srow["superseded_id"].append(o)
    _table(con, "statements", statements, rows)
    _table(con, "citations", cits, crow)
    _table(con, "citation_refs", refs, rrow)
    _table(con, "basis", basis, brow)
    _table(con, "supersedes", sups, srow)

    ent_states = _entity_states(kb)
    inv = _cols("statement_id VARCHAR, state VARCHAR")
    irow = {c: [] for c in inv}
    for sid, st in kb.statements.items():
        states = set(ent_states[st.subject])
        if st.object is not None:
            states |= ent_states[st.object]
        for s in sorted(states):
            irow["statement_id"].append(sid)
            irow["state"].append(s)
    _table(con, "involvement", inv, irow)

    conf = _cols("a VARCHAR, b VARCHAR, kind VARCHAR, reason VARCHAR")
    crow2 = {c: [] for c in conf}
    for a, b, kind, reason in _conflicts(kb):
        for c, v in (("a", a), ("b", b), ("kind", kind), ("reason", reason)):
            crow2[c].append(v)
    _table(con, "conflicts", conf, crow2)

    con.execute("CREATE TABLE meta (key VARCHAR, value VARCHAR)")
    con.executemany("INSERT INTO meta VALUES (?, ?)", [
        ("digest", kb.digest), ("schema_version", SCHEMA_VERSION),
        ("built_at", datetime.now(timezone.utc).isoformat(timespec="seconds")),
        ("kb_dir", str(kb.directory)),
    ])
