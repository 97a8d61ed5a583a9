"""The web app's store: the compiled knowledge base opened read-only and locked down.

The web never runs SQL it was sent; on top of that the DuckDB connection it
holds cannot reach outside its own file: external access (``COPY ... TO``,
``read_csv``, ``ATTACH`` of other files, extensions) is disabled and the
configuration is locked, so no statement can turn it back on.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Hashable

import duckdb

from allegiance import Store, open_store
from allegiance.rules.memo import Memo

__all__ = ["LOCKED_CONFIG", "connect_locked", "open_locked", "Held", "Pages", "AnswerKey", "ExtraKey", "VotingKey"]

#: DuckDB options the web's connection is opened with (see DuckDB's "Securing DuckDB" page).
LOCKED_CONFIG = {"enable_external_access": False, "lock_configuration": True}


def connect_locked(path: Path | str) -> duckdb.DuckDBPyConnection:
    """A read-only connection to a compiled store that cannot touch any other file or change its settings."""
    return duckdb.connect(str(path), read_only=True, config=dict(LOCKED_CONFIG))


def open_locked(*, store_path: Path | str | None = None, kb: Path | str | None = None,
                cache: Path | str | None = None) -> Store:
    """Open ``store_path`` (a compiled ``kb-*.duckdb``), or compile ``kb`` into ``cache`` first, locked down."""
    if store_path is None:
        built = open_store(kb, cache_dir=cache)  # compiles when the YAML changed; we only want its file
        store_path, digest = built.path, built.digest
        built.close()
    else:
        store_path = Path(store_path)
        if not store_path.is_file():
            raise FileNotFoundError(f"no compiled store at {store_path}")
        digest = None
    con = connect_locked(store_path)
    if digest is None:
        row = con.execute("SELECT value FROM meta WHERE key = 'digest'").fetchone()
        digest = row[0] if row else ""
    return Store(con, digest, Path(store_path))


@dataclass(frozen=True, slots=True)
class AnswerKey:
    """A page's answer: the endpoint, its validated parameters (sorted name-value pairs) and the version of
    the data store it read (None: no data store), on the Held's store."""

    endpoint: str
    params: tuple
    data: tuple | None


@dataclass(frozen=True, slots=True)
class ExtraKey:
    """What only the HTML page of an answer needs (its diagram, drawn by ``engine``, charts, brief as HTML)."""

    answer: AnswerKey
    engine: str


@dataclass(frozen=True, slots=True)
class VotingKey:
    """A state's UN voting alignment over whole years, from one version of the data store."""

    state: str
    first: int
    last: int
    data: tuple | None


class Pages:
    """Finished response bodies (status 200 only) by request, least recently used first out, bounded by count
    and by bytes. Unlike :class:`~allegiance.rules.memo.Memo` it has its own lock: a hit is served from the
    event loop without waiting for the store's lock."""

    def __init__(self, *, max_items: int = 2048, max_bytes: int = 64 << 20):
        self.max_items, self.max_bytes = max_items, max_bytes
        self._items: OrderedDict[Hashable, bytes] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: Hashable) -> bytes | None:
        with self._lock:
            body = self._items.get(key)
            if body is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return body

    def put(self, key: Hashable, body: bytes) -> None:
        if len(body) > self.max_bytes // 8:  # one huge page must not push out everything else
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= len(old)
            self._items[key] = body
            self._bytes += len(body)
            while len(self._items) > self.max_items or self._bytes > self.max_bytes:
                _, dropped = self._items.popitem(last=False)
                self._bytes -= len(dropped)

    def __len__(self) -> int:
        return len(self._items)

    @property
    def size(self) -> int:
        """Bytes held."""
        return self._bytes


class Held:
    """The open store and its rules, behind one lock: DuckDB connections and the library's caches are not
    shared between threads, so requests take turns (answers take milliseconds).

    The store never changes under a Held (a rebuilt knowledge base is another Held), so what was worked out
    from it is kept, bounded: ``memo`` holds answers (keys from this module; read and written under ``lock``),
    ``pages`` the finished responses. Errors are never kept.
    """

    def __init__(self, store: Store):
        self.store = store
        self.lock = threading.RLock()
        self._rules = None
        self.memo = Memo(size=32)  # per kind of key; a state page's answer and charts are ~3 MB in memory
        self.pages = Pages()
        self._users = 0
        self._retired = False
        self._count = threading.Lock()

    def acquire(self) -> bool:
        """A request starts on this store, which stays open until :meth:`release`; False once retired
        (the caller then takes the store that replaced it)."""
        with self._count:
            if self._retired:
                return False
            self._users += 1
            return True

    def release(self) -> None:
        with self._count:
            self._users -= 1
            done = self._retired and self._users == 0
        if done:
            self.close()

    def retire(self) -> None:
        """No new requests will come: close now if none is under way, else when the last one ends."""
        with self._count:
            self._retired = True
            done = self._users == 0
        if done:
            self.close()

    @property
    def rules(self):
        if self._rules is None:
            from allegiance import open_rules

            self._rules = open_rules(self.store)
        return self._rules

    def close(self) -> None:
        with self.lock:
            self.store.close()
