"""The web app's store: the compiled knowledge base opened read-only and locked down.

The web never runs SQL it was sent; on top of that the DuckDB connection it
holds cannot reach outside its own file: external access (``COPY ... TO``,
``read_csv``, ``ATTACH`` of other files, extensions) is disabled and the
configuration is locked, so no statement can turn it back on.
"""

from __future__ import annotations

import threading
from pathlib import Path

import duckdb

from allegiance import Store, open_store

__all__ = ["LOCKED_CONFIG", "connect_locked", "open_locked", "Held"]

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


class Held:
    """The open store and its rules, behind one lock: DuckDB connections and the library's caches are not
    shared between threads, so requests take turns (answers take milliseconds)."""

    def __init__(self, store: Store):
        self.store = store
        self.lock = threading.RLock()
        self._rules = None
        self.answers: dict = {}
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

    def remember(self, key, value, limit: int = 128) -> None:
        """Keep an answer that took long to compute (the store never changes under a Held)."""
        if len(self.answers) >= limit:
            self.answers.pop(next(iter(self.answers)))
        self.answers[key] = value

    @property
    def rules(self):
        if self._rules is None:
            from allegiance import open_rules

            self._rules = open_rules(self.store)
        return self._rules

    def close(self) -> None:
        with self.lock:
            self.store.close()
