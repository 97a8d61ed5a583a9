"""The store: the knowledge base compiled into an embedded DuckDB database.

The YAML is the source of truth. :func:`open_store` computes a checksum of
the YAML files; the compiled database for that checksum lives in the cache
directory as ``kb-<checksum>.duckdb``. If it is missing the knowledge base is
loaded, validated and compiled into a temporary file that is renamed into
place only when complete, so a failed or interrupted build leaves nothing
behind and a changed YAML file always gets a fresh database. Builds are
serialised by a lock file per database (concurrent openers compile once); a
damaged database (garbage, truncated) is rebuilt; databases of other versions
are removed only once unused for a week (two checkouts or ``--kb`` directories
can share a cache); a cache that cannot be written gives an in-memory build
and a ``notice``. The checksum is
remembered in a small manifest beside the database, by each file's size and
times, so a warm call stats the files instead of reading them
(:mod:`allegiance.facts.digest`).

Derived state (the status index; the parsed arrangements) is kept with the
database by :meth:`Store.blob`: ``store.blob(name, build, depends_on=files)``
returns ``build()``, computed once and pickled beside the database as
``kb-<checksum>.<name>-<checksum of depends_on>.pickle`` (written to a
temporary file and renamed into place); later processes load it. The database
is opened read-only, hence a file beside it rather than a table in it. A new
database (a changed knowledge base or compiler) starts without blobs and the
old ones are pruned with the old database; a changed dependency (the code that
builds the value, other input files) means a new blob.

Tables (all dates are DuckDB ``DATE``; ``*_lo``/``*_hi`` are the earliest and
latest day an EDTF date can mean):

- ``meta(key, value)``: kb digest, schema version, build time, kb directory
- ``sources``, ``entities``, ``statements``, ``citations``, ``citation_refs``
- ``basis``, ``supersedes``, ``involvement(statement_id, state)``
- ``conflicts(a, b, kind, reason)``
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable

import duckdb

from allegiance.facts.digest import (
    SCHEMA_VERSION,
    default_kb_dir,
    kb_digest,
    kb_files,
    recall,
    remember,
    write_atomically,
)
from allegiance.facts.predicates import PREDICATES

if TYPE_CHECKING:
    from allegiance.facts.load import KnowledgeBase

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
    cache: dict = field(default_factory=dict)  # small lookups kept for the connection's life
    notice: str | None = None  # something the user should know (e.g. the cache was not writable)

    def close(self) -> None:
        self.con.close()

    def blob(self, name: str, build: Callable[[], Any], *, depends_on: Iterable[Path | str] = ()) -> Any:
        """Derived state kept with the compiled database and rebuilt with it: ``build()``, computed once.

        The value is pickled into a file beside the database, named by the database (itself named by the
        checksum of the YAML and of the compiler) and by a checksum of the files in ``depends_on`` (the code
        that builds the value, or other inputs such as the arrangement files): a later process with the same
        knowledge base and code loads it instead of building it; a changed knowledge base means a new
        database, and its blobs are built afresh (old ones are pruned with it); a changed dependency means a
        new blob. Files are written to a temporary name and renamed into place, so concurrent processes
        see a whole blob or none. An unreadable blob (from an older version of a class, say) is rebuilt.
        Within the process the value is kept in :attr:`cache`; for an in-memory store it is only kept there.

        ``build`` must return something :mod:`pickle` can write, and must depend only on the store and on
        ``depends_on``. Pickles are trusted: they live in the user's own cache directory, like the database.
        """
        if not _BLOB_NAME.fullmatch(name):
            raise ValueError(f"blob name {name!r}: use lower-case letters, digits and hyphens")
        key = ("blob", name)
        if key in self.cache:
            return self.cache[key]
        if self.path is None:
            value = build()
        else:
            value = _load_or_build_blob(self.path, name, build, [Path(p) for p in depends_on])
        self.cache[key] = value
        return value

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


_BLOB_NAME = re.compile(r"[a-z0-9][a-z0-9-]*")


def _blob_path(db: Path, name: str, depends_on: list[Path]) -> Path:
    h = hashlib.sha256()
    for p in depends_on:
        data = p.read_bytes()
        h.update(f"{p.name}\0{len(data)}\0".encode())
        h.update(data)
    return db.with_name(f"{db.stem}.{name}-{h.hexdigest()[:16]}.pickle")


def _load_or_build_blob(db: Path, name: str, build: Callable[[], Any], depends_on: list[Path]) -> Any:
    import pickle

    path = _blob_path(db, name, depends_on)
    try:
        with open(path, "rb") as f:
            return pickle.load(f)
    except Exception:  # noqa: BLE001 - missing, or written by other code or damaged: build it afresh
        pass
    value = build()
    with contextlib.suppress(OSError):  # a cache: failing to write it only costs the next process a rebuild
        write_atomically(path, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))
        for old in path.parent.glob(f"{db.stem}.{name}-*.pickle"):
            if old != path:
                with contextlib.suppress(OSError):
                    old.unlink()
    return value


def open_store(kb_dir: Path | str | None = None, *, cache_dir: Path | str | None = None,
               in_memory: bool = False) -> Store:
    """Open the compiled knowledge base, compiling it first if the YAML changed.

    Raises :class:`~allegiance.errors.KnowledgeBaseError` if the YAML does not validate.
    """
    kb_dir = Path(kb_dir) if kb_dir is not None else default_kb_dir()
    if in_memory:
        from allegiance.facts.load import gc_paused, load_kb

        con = duckdb.connect(":memory:")
        with gc_paused():  # one pause over load and compile: see _build
            _compile_into(con, load_kb(kb_dir))
        return Store(con, _build_digest(kb_dir), None, rebuilt=True)
    cache = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    # A warm call reads no YAML: the checksum is remembered by the files' sizes and times (facts/digest.py).
    files, compute = _compiled_from(kb_dir)
    manifest = _manifest(cache, kb_dir)
    digest, stats = recall(files, manifest)
    fresh = digest is None
    if fresh:
        digest = compute()
    path = cache / f"kb-{digest[:20]}.duckdb"
    try:
        con, rebuilt = _open_compiled(kb_dir, path)
    except _CacheUnwritable as exc:
        return _in_memory_fallback(kb_dir, digest, exc)
    if fresh:  # only beside a database that exists: a failed build leaves nothing behind
        with contextlib.suppress(OSError):
            remember(manifest, files, stats, digest)
    return Store(con, digest, path, rebuilt=rebuilt)


class _CacheUnwritable(Exception):
    """The cache directory cannot hold a compiled database (read-only, not a directory, full)."""


#: Compiled databases of other versions of the knowledge base are removed once unused for this long; a
#: build left behind by a killed process, once this old. Never sooner: another process (another checkout,
#: another --kb) may be about to open them.
STALE_AFTER_S = 7 * 24 * 3600
ABANDONED_BUILD_AFTER_S = 3600


def _open_compiled(kb_dir: Path, path: Path) -> tuple[duckdb.DuckDBPyConnection, bool]:
    """Open ``path`` read-only, building it first if it is missing, and rebuilding it if it is damaged.

    Builds are serialised by a lock file per database, so concurrent processes asking for the same knowledge
    base compile it once; processes asking for other versions are not blocked and lose nothing (other
    versions' files are only removed once stale, see :func:`_prune`, which runs after a build).

    Damage is found two ways: the file must open and answer a query on ``meta`` (garbage, a file cut short in its
    header), and it must match the fingerprint written when it was built (:func:`_intact`: a block overwritten or
    cut short inside the data, which DuckDB would only notice on the query that reads that block).
    """
    rebuilt = False
    for attempt in (1, 2):
        if not path.exists():
            with _build_lock(path):
                if not path.exists():  # another process may have built it while we waited
                    with contextlib.suppress(OSError):
                        _fingerprint_path(path).unlink()  # never judge the new file by an old fingerprint
                    for left in path.parent.glob(f".kb-build-{path.stem}-*"):  # a build of this version that
                        with contextlib.suppress(OSError):  # was killed: under the lock, no one else's
                            left.unlink()
                    try:
                        _build(kb_dir, path)
                        _write_fingerprint(path)
                    except OSError as exc:
                        raise _CacheUnwritable(f"cannot write the compiled knowledge base to {path.parent}: "
                                               f"{exc.strerror or exc}") from None
                    rebuilt = True
                    _prune(path.parent, keep=path)
        try:
            if not _intact(path):
                raise _Damaged(path)
            con = duckdb.connect(str(path), read_only=True)
            con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            with contextlib.suppress(OSError):  # "last used", for _prune; the database itself is never touched
                os.utime(_fingerprint_path(path))
            return con, rebuilt
        except (duckdb.Error, OSError):
            if attempt == 2:
                raise
            # garbage, a truncated file, or another program's file under our name: set it aside and rebuild
            with _build_lock(path):
                for old in (path, _fingerprint_path(path), *path.parent.glob(f"{path.stem}.*.pickle")):
                    with contextlib.suppress(OSError):
                        old.unlink()
    raise AssertionError("unreachable")


class _Damaged(OSError):
    """A compiled database that no longer matches the fingerprint written when it was built (an I/O error: if a
    rebuild is damaged too, the disk is at fault, and the CLI reports it as one line like any OSError)."""

    def __init__(self, path: Path):
        super().__init__(errno.EIO, "the compiled knowledge base changed on disk after it was built", str(path))


def _fingerprint_path(db: Path) -> Path:
    return db.with_name(f"{db.stem}.fingerprint.json")


def _sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _write_fingerprint(db: Path) -> dict:
    st = db.stat()
    fp = {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": _sha256_of(db)}
    write_atomically(_fingerprint_path(db), json.dumps(fp).encode())
    return fp


def _intact(db: Path) -> bool:
    """Whether ``db`` is the file that was built: its size and time as recorded (a stat), or, when they moved
    (a copy, a touch, a write), its checksum. A database built before fingerprints existed is trusted once and
    fingerprinted (any later change to it is then caught)."""
    try:
        fp = json.loads(_fingerprint_path(db).read_bytes())
        size, mtime_ns, digest = int(fp["size"]), int(fp["mtime_ns"]), str(fp["sha256"])
    except (OSError, ValueError, KeyError, TypeError):  # missing or unreadable: trusted once, fingerprinted
        with contextlib.suppress(OSError):
            _write_fingerprint(db)
        return True
    st = db.stat()
    if st.st_size == size and st.st_mtime_ns == mtime_ns:
        return True
    if st.st_size != size or _sha256_of(db) != digest:
        return False
    with contextlib.suppress(OSError):  # the same bytes under a new time: remember the time
        _write_fingerprint(db)
    return True


@contextlib.contextmanager
def _build_lock(path: Path):
    """An exclusive lock on ``<path>.lock`` (fcntl where available), held while ``path`` is built or replaced."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(path.with_suffix(".lock"), "a+b")
    except OSError as exc:
        raise _CacheUnwritable(f"cannot write to the cache directory {path.parent}: {exc.strerror or exc}") from None
    try:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX: builds are still atomic, only not serialised
            fcntl = None
        if fcntl is not None:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        yield
    finally:
        fh.close()


def _in_memory_fallback(kb_dir: Path, digest: str, why: Exception) -> Store:
    """The knowledge base compiled in memory, when the cache cannot be written: slower, but it answers."""
    from allegiance.facts.load import gc_paused, load_kb

    con = duckdb.connect(":memory:")
    with gc_paused():
        _compile_into(con, load_kb(kb_dir))
    store = Store(con, digest, None, rebuilt=True)
    store.notice = (f"{why}; compiled in memory for this run (set --cache or ALLEGIANCE_CACHE to a writable "
                    f"directory to keep it)")
    return store


_COMPILER_FILES = ("store.py", "load.py", "model.py", "predicates.py", "time.py", "digest.py")


def _compiled_from(kb_dir: Path) -> tuple[list[Path], Callable[[], str]]:
    """Every file a compiled database depends on (the YAML, then the code that compiles it), and its checksum."""
    here = Path(__file__).resolve().parent
    code = [here / name for name in _COMPILER_FILES]

    def compute() -> str:
        h = hashlib.sha256(kb_digest(kb_dir).encode())
        for p in code:
            h.update(p.read_bytes())
        return h.hexdigest()

    return kb_files(kb_dir) + code, compute


def _build_digest(kb_dir: Path) -> str:
    """The YAML's checksum plus the code that compiles it: either changing means a rebuild."""
    return _compiled_from(kb_dir)[1]()


def _manifest(cache: Path, kb_dir: Path) -> Path:
    """Where the checksum of ``kb_dir`` is remembered by its files' sizes and times (one per directory)."""
    return cache / f"manifest-{hashlib.sha256(str(kb_dir.resolve()).encode()).hexdigest()[:16]}.json"


def _prune(cache: Path, keep: Path) -> None:
    """Remove compiled databases of other knowledge-base versions (with their fingerprints, blobs and locks)
    unused for a week, and builds abandoned by a killed process for an hour. Runs after a build.

    Never a file another process may be about to open: two checkouts, or two ``--kb`` directories, share one
    cache, and each keeps its own compiled file (named by its content) until it has gone unused. A version's
    last use is the newest time among its files (each open touches its fingerprint).
    """
    import time

    now = time.time()
    groups: dict[str, list[Path]] = {}
    for f in cache.glob("kb-*"):
        stem = f.name.split(".", 1)[0]
        if stem != keep.stem:
            groups.setdefault(stem, []).append(f)
    for files in groups.values():
        try:
            last = max(max(st.st_mtime, st.st_atime) for st in (f.stat() for f in files))
        except OSError:
            continue
        if now - last > STALE_AFTER_S:
            for f in files:
                with contextlib.suppress(OSError):
                    f.unlink()
    for build in cache.glob(".kb-build-*"):
        with contextlib.suppress(OSError):
            if now - build.stat().st_mtime > ABANDONED_BUILD_AFTER_S:
                build.unlink()


def _build(kb_dir: Path, path: Path) -> None:
    """Load, validate and compile ``kb_dir`` into ``path`` under one pause of the collector.

    The loaded knowledge base is millions of small objects that are garbage
    once compiled. Dropping them while the cyclic collector is still paused
    frees them by reference counting alone; re-enabling it in between (as
    separate ``load_kb`` and ``compile_kb`` calls do) makes its next
    collections traverse all of them, which costs seconds on a
    100,000-statement base.
    """
    from allegiance.facts.load import gc_paused, load_kb

    with gc_paused():
        kb = load_kb(kb_dir)
        compile_kb(kb, path)
        del kb


def compile_kb(kb: KnowledgeBase, path: Path | str) -> Path:
    """Compile ``kb`` into a DuckDB file at ``path``, atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".kb-build-{path.stem}-", suffix=".duckdb", dir=path.parent)
    os.close(fd)
    os.unlink(tmp)  # DuckDB wants to create the file itself
    from allegiance.facts.load import gc_paused

    try:
        con = duckdb.connect(tmp)
        try:
            with gc_paused():
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


#: Roles of ``member-of`` through which an organisation or body involves its members' states (observers,
#: partners, candidates and applicants do not make it theirs).
_MEMBER_ROLES = (None, "member", "founding-member", "chair")


def _entity_states(kb: KnowledgeBase) -> dict[str, set[str]]:
    """The states each entity involves: itself, its `of` chain, event participants, parties, locations, the
    offices a person holds, the whole a part belongs to (and a document its parts' states), an organisation's
    or body's members, the events a document came out of, what is modelled on a precedent, whoever refused a
    proposal, and the subjects
    (and objects) of the statements a document is the basis of."""
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
        for doc in st.basis:  # a document a statement rests on is that statement's subject's (and object's)
            if doc in links and not st.negated:
                links[doc].add(st.subject)
                if st.object is not None:
                    links[doc].add(st.object)
        if st.object is None or st.negated:
            continue
        if st.predicate in ("participant", "held-in") and ents[st.subject].type == "event":
            links[st.subject].add(st.object)
            if ents[st.object].type == "document":  # a document an event produced or voted on: the event's states
                links[st.object].add(st.subject)
        elif st.predicate in ("modelled-on", "refused"):  # a precedent from what copies it; a proposal from
            links[st.object].add(st.subject)                # whoever refused it
        elif st.predicate == "party-to":
            links[st.object].add(st.subject)
        elif st.predicate in ("located-in", "leased-to", "owned-by", "holds-office", "part-of"):
            links[st.subject].add(st.object)
            if st.predicate == "part-of" and ents[st.object].type == "document":  # a body of law: its parts' states
                links[st.object].add(st.subject)
        elif st.predicate == "member-of" and st.role in _MEMBER_ROLES:
            links[st.object].add(st.subject)
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
    functional = {name: p.functional for name, p in PREDICATES.items()}
    for sid, st in kb.statements.items():
        f = functional[st.predicate]
        if f == "date":
            groups.setdefault(("date", st.subject, st.predicate, st.role), []).append(sid)
        elif f == "value":
            groups.setdefault(("value", st.subject, st.predicate, st.role, st.mode), []).append(sid)
    # Negation conflicts need a negated statement: group only the claims that some negated statement denies.
    denied = {(st.subject, st.predicate, st.object, st.value, st.role, st.mode)
              for st in kb.statements.values() if st.negated}
    neg_groups: dict[tuple, list[str]] = {}
    if denied:
        for sid, st in kb.statements.items():
            key = (st.subject, st.predicate, st.object, st.value, st.role, st.mode)
            if key in denied:
                neg_groups.setdefault(key, []).append(sid)

    def span(sid):
        f, u = kb.dates[sid]
        return (f.lower, u.upper if u else None)

    def add(a, b, kind, reason):
        key = (a, b) if a < b else (b, a)
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
    for ids in neg_groups.values():
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
    return [(a, b, kind, reason) for (a, b), (kind, reason) in out.items()]  # ordered by queries, not here


def _columns(spec: dict[str, str], records: list[tuple]) -> dict[str, list]:
    """Transpose row tuples into the column lists ``_table`` takes."""
    cols = list(zip(*records)) if records else [() for _ in spec]
    return {name: list(col) for name, col in zip(spec, cols)}


# The fields of a source object in query results (docs/json.md), in order; `defined_at` follows them.
SOURCE_FIELDS = ("id", "type", "title", "author", "outlet", "date", "url", "accessed", "locator", "cited_in",
                 "note", "details")
_SOURCE_STRUCT = ("struct_pack(" + ", ".join(f"{f} := s.{f}" for f in SOURCE_FIELDS)
                  + ", defined_at := s.file || ':' || s.line)")


def _sorted(key: str, expr: str) -> str:
    """``list(expr ORDER BY key)`` without an ordered aggregate.

    DuckDB's ordered aggregates sort inside every group and cost about half of
    the view's build on a large knowledge base; collecting (key, value) pairs
    unordered and sorting each short list afterwards gives the same lists.
    """
    return f"list_transform(list_sort(list(struct_pack(k := {key}, v := {expr}))), lambda x: x.v)"


def _create_views(con: duckdb.DuckDBPyConnection) -> None:
    """Denormalise each statement into one row with its citations, links and names.

    Built once at compile time, in SQL, so that every query is a single SELECT
    returning finished statement objects.
    """
    con.execute(f"""
        CREATE TABLE statement_view AS
        WITH refs AS (
            SELECT r.statement_id, r.ord, {_sorted('r.ref_ord', _SOURCE_STRUCT)} AS refs
            FROM citation_refs r JOIN sources s ON s.id = r.source_id GROUP BY 1, 2),
        cits AS (
            SELECT c.statement_id,
                   {_sorted('c.ord', '''struct_pack(source := c.source_id, title := s.title, author := s.author,
                                    outlet := s.outlet, date := s.date, url := s.url, accessed := s.accessed,
                                    quote := c.quote, locator := c.locator, refs := coalesce(refs.refs, []),
                                    statement := c.statement_id)''')}
                       AS sources
            FROM citations c JOIN sources s ON s.id = c.source_id
            LEFT JOIN refs ON refs.statement_id = c.statement_id AND refs.ord = c.ord GROUP BY 1),
        bas AS (SELECT statement_id, list_sort(list(document_id)) AS basis FROM basis GROUP BY 1),
        sup AS (SELECT statement_id, list_sort(list(superseded_id)) AS supersedes
                FROM supersedes GROUP BY 1),
        supby AS (SELECT superseded_id, list_sort(list(statement_id)) AS superseded_by
                  FROM supersedes GROUP BY 1),
        inv AS (SELECT statement_id, list_sort(list(state)) AS states FROM involvement GROUP BY 1),
        conf AS (SELECT id, list_sort(list(DISTINCT other)) AS conflicts_with FROM (
                    SELECT a AS id, b AS other FROM conflicts UNION ALL SELECT b, a FROM conflicts) GROUP BY 1)
        SELECT st.id, st.from_lo, st.from_hi, st.until_lo, st.until_hi, st.instant, st.known_from, st.ord,
               coalesce(inv.states, []) AS states,
               CAST(to_json(struct_pack(
                   id := st.id, kind := st.kind, subject := st.subject, subject_name := se.name,
                   predicate := st.predicate, object := st.object, object_name := oe.name,
                   value := CASE WHEN st.value_int IS NOT NULL THEN to_json(st.value_int) ELSE to_json(st.value) END,
                   role := st.role, mode := st.mode, negated := st.negated, text := st.text,
                   valid_from := st.valid_from, valid_until := st.valid_until,
                   valid_from_range := [CAST(st.from_lo AS VARCHAR), CAST(st.from_hi AS VARCHAR)],
                   valid_until_range := CASE WHEN st.valid_until IS NULL THEN NULL
                                        ELSE [CAST(st.until_lo AS VARCHAR), CAST(st.until_hi AS VARCHAR)] END,
                   instant := st.instant, by := st.attributed_to, note := st.note,
                   basis := coalesce(bas.basis, []), supersedes := coalesce(sup.supersedes, []),
                   superseded_by := coalesce(supby.superseded_by, []),
                   conflicts_with := coalesce(conf.conflicts_with, []),
                   defined_at := st.file || ':' || st.line,
                   sources := cits.sources)) AS VARCHAR) AS obj
        FROM statements st
        LEFT JOIN entities se ON se.id = st.subject
        LEFT JOIN entities oe ON oe.id = st.object
        LEFT JOIN cits ON cits.statement_id = st.id
        LEFT JOIN bas ON bas.statement_id = st.id
        LEFT JOIN sup ON sup.statement_id = st.id
        LEFT JOIN supby ON supby.superseded_id = st.id
        LEFT JOIN conf ON conf.id = st.id
        LEFT JOIN inv ON inv.statement_id = st.id
    """)


def _compile_into(con: duckdb.DuckDBPyConnection, kb: KnowledgeBase) -> None:
    where = kb.where
    sources = _cols("id VARCHAR, type VARCHAR, title VARCHAR, author VARCHAR, outlet VARCHAR, date VARCHAR, "
                    "date_lo DATE, date_hi DATE, url VARCHAR, accessed VARCHAR, locator VARCHAR, cited_in VARCHAR, "
                    "note INTEGER, seed VARCHAR, language VARCHAR, details VARCHAR, file VARCHAR, line INTEGER")
    recs = []
    for sid, s in kb.sources.items():
        d = kb.source_dates.get(sid)
        recs.append((sid, s.type, s.title, s.author, s.outlet, s.date, d.lower if d else None,
                     d.upper if d else None, s.url, s.accessed, s.locator, s.cited_in, s.note, s.seed,
                     s.language, s.details, *where[sid]))
    _table(con, "sources", sources, _columns(sources, recs))

    entities = _cols("id VARCHAR, type VARCHAR, name VARCHAR, aliases VARCHAR[], of VARCHAR, doc_type VARCHAR, "
                     "cow INTEGER, code_note VARCHAR, description VARCHAR, file VARCHAR, line INTEGER")
    recs = [(eid, e.type, e.name, list(e.aliases), e.of, e.doc_type, e.cow, e.code_note, e.description, *where[eid])
            for eid, e in kb.entities.items()]
    _table(con, "entities", entities, _columns(entities, recs))

    statements = _cols("id VARCHAR, kind VARCHAR, subject VARCHAR, predicate VARCHAR, object VARCHAR, value VARCHAR, "
                       "value_int INTEGER, role VARCHAR, mode VARCHAR, negated BOOLEAN, instant BOOLEAN, text VARCHAR, "
                       "valid_from VARCHAR, from_lo DATE, from_hi DATE, valid_until VARCHAR, until_lo DATE, "
                       "until_hi DATE, known_from DATE, attributed_to VARCHAR, note VARCHAR, file VARCHAR, "
                       "line INTEGER, ord INTEGER")
    cits = _cols("statement_id VARCHAR, ord INTEGER, source_id VARCHAR, quote VARCHAR, locator VARCHAR")
    refs = _cols("statement_id VARCHAR, ord INTEGER, ref_ord INTEGER, source_id VARCHAR")
    basis = _cols("statement_id VARCHAR, document_id VARCHAR")
    sups = _cols("statement_id VARCHAR, superseded_id VARCHAR")
    srecs, crecs, rrecs, brecs, xrecs = [], [], [], [], []
    source_hi = {sid: d.upper for sid, d in kb.source_dates.items() if d is not None}
    instant = {name: p.instant for name, p in PREDICATES.items()}
    for n, (sid, st) in enumerate(kb.statements.items()):
        f, u = kb.dates[sid]
        known = None
        for i, cit in enumerate(st.sources):
            crecs.append((sid, i, cit.source, cit.quote, cit.locator))
            for j, ref in enumerate(cit.refs):
                rrecs.append((sid, i, j, ref))
            hi = source_hi.get(cit.source)
            if hi is not None and (known is None or hi < known):
                known = hi
        value = st.value
        srecs.append((sid, st.kind, st.subject, st.predicate, st.object, None if value is None else str(value),
                      value if isinstance(value, int) else None, st.role, st.mode, st.negated, instant[st.predicate],
                      st.text, st.valid_from, f.lower, f.upper, st.valid_until, u.lower if u else None,
                      u.upper if u else None, known, st.by, st.note, *where[sid], n))
        for b in st.basis:
            brecs.append((sid, b))
        for o in st.supersedes:
            xrecs.append((sid, o))
    _table(con, "statements", statements, _columns(statements, srecs))
    _table(con, "citations", cits, _columns(cits, crecs))
    _table(con, "citation_refs", refs, _columns(refs, rrecs))
    _table(con, "basis", basis, _columns(basis, brecs))
    _table(con, "supersedes", sups, _columns(sups, xrecs))

    ent_states = _entity_states(kb)  # involvement must exist before the view below
    inv = _cols("statement_id VARCHAR, state VARCHAR")
    recs = []
    for sid, st in kb.statements.items():
        states = ent_states[st.subject]
        if st.object is not None:
            states = states | ent_states[st.object]
        recs.extend((sid, s) for s in states)
    _table(con, "involvement", inv, _columns(inv, recs))

    conf = _cols("a VARCHAR, b VARCHAR, kind VARCHAR, reason VARCHAR")
    _table(con, "conflicts", conf, _columns(conf, _conflicts(kb)))

    _create_views(con)

    con.execute("CREATE TABLE meta (key VARCHAR, value VARCHAR)")
    con.executemany("INSERT INTO meta VALUES (?, ?)", [
        ("digest", kb.digest), ("schema_version", SCHEMA_VERSION),
        ("built_at", datetime.now(timezone.utc).isoformat(timespec="seconds")),
        ("kb_dir", str(kb.directory)),
    ])
