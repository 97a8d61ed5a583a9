"""The data store: imported datasets in an embedded DuckDB file, apart from the knowledge-base cache.

The knowledge base is rebuilt from YAML at will; imported datasets are not,
so they live in their own file: ``$ALLEGIANCE_DATA`` if set, else
``<user data dir>/allegiance/data.duckdb`` (platformdirs). The CLI's
``--data FILE`` overrides both.

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

import json
import os
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

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> DataStore:
        return self

    def __exit__(self, *exc) -> None:
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
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as exc:
        first = str(exc).splitlines()[0]
        raise DataError(f"cannot open the data store {path}: {first}") from None
    if not read_only:
        _ensure_schema(con)
    return DataStore(con, path, read_only)


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
