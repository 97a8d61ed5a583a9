"""The data store: imported datasets in an embedded DuckDB file, apart from the knowledge-base cache.

The knowledge base is rebuilt from YAML at will; imported datasets are not,
so they live in their own file: ``$ALLEGIANCE_DATA`` if set, else
``<user data dir>/allegiance/data.duckdb`` (platformdirs). The CLI's
``--data FILE`` overrides both.

Readers are never blocked by an import: a store opened for writing is a copy
(``.data.duckdb.import-<pid>``, beside it) that is renamed over the store when
it is closed without an error, so a reader opens the old file or the new one,
never one in the middle of a write, and a process that is killed or fails
leaves the store as it was. Writers take turns (a lock file,
``data.duckdb.lock``); a copy left by a killed writer is removed by the next.

Tables:

- ``datasets``: one row per imported kind: file name, SHA-256, size, rows,
  version, coverage (JSON), import time, citation (docs/json.md).
- ``import_problems(kind, file, line, field, message, severity)``: every
  warning the last import of each kind recorded (values stored as missing).
- one raw, typed table per kind (``unvotes_published``, ``un_votes``,
  ``un_roll_calls``, ``un_roll_call_issues``, ``atop_alliance``, ``cow_states``).
- derived tables, rebuilt in the same transaction as any import they depend
  on: ``votes_<source>(rcid, state, ccode, vote)`` with only yes (1),
  abstain (2) and no (3), states as ISO alpha-3 on the roll call's date;
  ``roll_calls_<source>(rcid, session, date, year, importantvote, me, nu, di,
  hr, co, ec)``; ``<source>`` is ``published`` (the publisher's file) or
  ``unvotes`` (the R package's three tables).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from allegiance.errors import DataError, DataMissingError

__all__ = ["DataStore", "open_data", "default_data_path", "SOURCES", "versions", "cite"]

# Vote sources: name -> (kinds it needs, kinds that add to it)
SOURCES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "unvotes": (("un_votes", "un_roll_calls"), ("un_roll_call_issues",)),
    "published": (("unvotes_published",), ()),
}

_DATASETS_DDL = """
CREATE TABLE IF NOT EXISTS datasets (
    kind VARCHAR PRIMARY KEY, title VARCHAR, format VARCHAR, source_file VARCHAR, sha256 VARCHAR,
    bytes BIGINT, rows BIGINT, version VARCHAR, coverage VARCHAR, imported_at VARCHAR, citation VARCHAR,
    warnings BIGINT)
"""
_PROBLEMS_DDL = """
CREATE TABLE IF NOT EXISTS import_problems (
    kind VARCHAR, file VARCHAR, line BIGINT, field VARCHAR, message VARCHAR, severity VARCHAR)
"""


def default_data_path() -> Path:
    """Where imported datasets live: $ALLEGIANCE_DATA, else <user data dir>/allegiance/data.duckdb."""
    env = os.environ.get("ALLEGIANCE_DATA")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_data_dir("allegiance")) / "data.duckdb"


@dataclass
class DataStore:
    """An open connection to the data store."""

    con: duckdb.DuckDBPyConnection
    path: Path | None  # None: in memory
    read_only: bool
    cache: dict = field(default_factory=dict)
    _copy: Path | None = None  # open for writing: the copy that replaces ``path`` when closed
    _lock: Any = None  # ... and the writers' lock file, held until then
    _changed: bool = False  # something was written to the copy (a new store, or an import committed)

    def mark_changed(self) -> None:
        """Say that the copy now differs from the store, so closing swaps it in (an importer calls it)."""
        self._changed = True

    def close(self) -> None:
        """Close; a store open for writing is swapped in whole (all that was written, at once)."""
        if self._copy is None:
            self.con.close()
            return
        if not self._changed:  # nothing written (the same file imported again): the store is left untouched,
            self.discard()     # so readers keyed on its size and time (the web app) see no new version
            return
        try:
            self.con.execute("CHECKPOINT")
            self.con.close()
            os.replace(self._copy, self.path)
            _sync_dir(self.path.parent)
        except BaseException:
            self.discard()
            raise
        self._release()

    def discard(self) -> None:
        """Close a store open for writing and drop what was written: the store stays as it was."""
        with contextlib.suppress(duckdb.Error):
            self.con.close()
        if self._copy is not None:
            _remove_copy(self._copy)
        self._release()

    def _release(self) -> None:
        self._copy = None
        if self._lock is not None:
            self._lock.close()  # closing the file releases its lock
            self._lock = None

    def __enter__(self) -> DataStore:
        return self

    def __exit__(self, exc_type, *exc) -> None:
        if exc_type is not None and self._copy is not None:
            self.discard()  # an error or Ctrl-C in the middle: nothing of it reaches the store
        else:
            self.close()

    def has_table(self, name: str) -> bool:
        return bool(self.con.execute(
            "SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND NOT temporary", [name]).fetchone()[0])

    def dataset(self, kind: str) -> dict[str, Any] | None:
        """The ``datasets`` row of ``kind``, or None if it was never imported."""
        if not self.has_table("datasets"):
            return None
        cur = self.con.execute("SELECT * FROM datasets WHERE kind = ?", [kind])
        row = cur.fetchone()
        if row is None:
            return None
        out = dict(zip([d[0] for d in cur.description], row))
        out["coverage"] = json.loads(out["coverage"]) if out["coverage"] else {}
        return out


def open_data(path: Path | str | None = None, *, read_only: bool = True, in_memory: bool = False) -> DataStore:
    """Open the data store; for reading, it must exist (else DataMissingError saying what to import)."""
    if in_memory:
        con = duckdb.connect(":memory:")
        _ensure_schema(con)
        return DataStore(con, None, False)
    path = Path(path) if path is not None else default_data_path()
    if read_only and not path.exists():
        raise DataMissingError(
            f"no datasets imported yet (no data store at {path}); import one with: "
            f"allegiance data import un_votes PATH/un_votes.csv.gz (see: allegiance data import --help)")
    if not read_only:
        return _open_for_writing(path)
    try:
        con = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        first = str(exc).splitlines()[0]
        raise DataError(f"cannot open the data store {path}: {first}") from None
    return DataStore(con, path, True)


def _open_for_writing(path: Path) -> DataStore:
    """A copy of the store to write, swapped in when closed; writers wait for each other (a lock file)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = open(path.with_name(path.name + ".lock"), "a+b")
    except OSError as exc:
        raise DataError(f"cannot write the data store {path}: {exc.strerror or exc}", value=str(path),
                        field="data", allowed="a file in a writable directory") from None
    try:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX: the swap is still atomic, writers only not serialised
            fcntl = None
        if fcntl is not None:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        for left in path.parent.glob(f".{path.name}.import-*"):  # a writer killed before its swap
            _remove_copy(left)
        copy = path.with_name(f".{path.name}.import-{os.getpid()}")
        if path.exists():
            shutil.copyfile(path, copy)
            wal = path.with_name(path.name + ".wal")  # a store last written in place, not checkpointed
            if wal.exists():
                shutil.copyfile(wal, copy.with_name(copy.name + ".wal"))
        try:
            con = duckdb.connect(str(copy))
        except duckdb.Error as exc:
            _remove_copy(copy)
            first = str(exc).splitlines()[0]
            raise DataError(f"cannot open the data store {path}: {first}", value=str(path), field="data") from None
        _ensure_schema(con)
        return DataStore(con, path, False, _copy=copy, _lock=lock, _changed=not path.exists())
    except OSError as exc:
        lock.close()
        raise DataError(f"cannot write the data store {path}: {exc.strerror or exc}", value=str(path),
                        field="data", allowed="a file in a writable directory") from None
    except BaseException:
        lock.close()
        raise


def _remove_copy(copy: Path) -> None:
    for f in (copy, copy.with_name(copy.name + ".wal")):
        with contextlib.suppress(OSError):
            f.unlink()


def _sync_dir(directory: Path) -> None:
    """Make a rename in ``directory`` durable (where the platform allows opening a directory)."""
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(_DATASETS_DDL)
    con.execute(_PROBLEMS_DDL)


def versions(data: DataStore) -> dict[str, Any]:
    """Every imported dataset: kind, version, file, checksum, rows, coverage, when (docs/json.md)."""
    out = []
    if data.has_table("datasets"):
        kinds = [r[0] for r in data.con.execute("SELECT kind FROM datasets ORDER BY kind").fetchall()]
        for kind in kinds:
            d = data.dataset(kind)
            d.pop("citation", None)
            out.append(d)
    return {"store": str(data.path) if data.path else None, "count": len(out), "datasets": out}


def cite(data: DataStore | None, kind: str | None = None) -> dict[str, Any]:
    """Citations: of ``kind`` (imported or not), or of every imported dataset."""
    from allegiance.measure.data.formats import KINDS, get_kind

    if kind is not None:
        spec = get_kind(kind)
        d = data.dataset(spec.name) if data is not None else None
        rows = [(spec, d)]
    else:
        rows = []
        if data is not None and data.has_table("datasets"):
            for (k,) in data.con.execute("SELECT kind FROM datasets ORDER BY kind").fetchall():
                if k in KINDS:
                    rows.append((KINDS[k], data.dataset(k)))
    out = [{"kind": spec.name, "title": spec.title, "imported": d is not None,
            "version": d["version"] if d else None, "sha256": d["sha256"] if d else None,
            "citation": spec.citation, "license": spec.license} for spec, d in rows]
    return {"count": len(out), "citations": out}
