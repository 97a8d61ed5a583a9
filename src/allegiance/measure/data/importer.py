"""Importing a dataset file into the data store: read, check every row, replace atomically.

:func:`import_dataset` reads a CSV (``.csv``, ``.csv.gz``; DuckDB's reader,
every column as text) or an R data file (``.rda``, ``.RData``; ``pyreadr``)
into a staging table, checks its columns and every row in SQL
(:mod:`allegiance.measure.data.formats`), and only when no row has an error
replaces the kind's table, rebuilds what depends on it and records the
file in ``datasets`` -- all in one transaction. A failure at any point
(a bad row, an interrupted process, a crash) leaves the store exactly as it
was. Importing the same file again (same SHA-256) changes nothing unless
``force`` is given, in which case the table is replaced by an identical one.

Locations: ``file:line`` for CSV (line 1 is the header; a record that spans
lines inside quotes would shift later numbers, which none of the
publishers' files does), ``file$object:row`` for R data (the data frame's
row, from 1).
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from allegiance.errors import DataError, DataImportError, Problem, UsageError
from allegiance.measure.data import codes
from allegiance.measure.data.formats import Kind, get_kind, guess_kind
from allegiance.measure.data.store import SOURCES, DataStore

__all__ = ["import_dataset", "MAX_REPORTED"]

MAX_REPORTED = 100  # problems listed per import; all warnings are counted and kept in import_problems

_MACROS = (
    "CREATE OR REPLACE TEMP MACRO _na(x) AS x IS NULL OR trim(CAST(x AS VARCHAR)) IN ('', 'NA')",
    "CREATE OR REPLACE TEMP MACRO _blank(x) AS x IS NULL OR trim(CAST(x AS VARCHAR)) = ''",
    "CREATE OR REPLACE TEMP MACRO _num(x) AS TRY_CAST(trim(CAST(x AS VARCHAR)) AS DOUBLE)",
    ("CREATE OR REPLACE TEMP MACRO _i(d) AS CASE WHEN isfinite(d) AND d = floor(d) AND abs(d) < 2000000000 "
     "THEN CAST(d AS BIGINT) END"),
    ("CREATE OR REPLACE TEMP MACRO _pdate(x) AS CASE WHEN _na(x) THEN NULL ELSE coalesce("
     "TRY_CAST(trim(x) AS DATE), CAST(try_strptime(trim(x), '%m/%d/%Y') AS DATE)) END"),
    "CREATE OR REPLACE TEMP MACRO _q(x) AS CASE WHEN x IS NULL THEN 'nothing' ELSE chr(39) || x || chr(39) END",
)

# The kinds' SQL is written over the file's text columns with _int(col) and _date(col). Each column is
# parsed once into _parsed ("col__n": the number, "col__d": the date) and the SQL is rewritten to use it.
_INT = re.compile(r"_int\((\w+)\)")
_DATE = re.compile(r"_date\((\w+)\)")


def _rewrite(sql: str) -> str:
    return _DATE.sub(r'"\1__d"', _INT.sub(r'_i("\1__n")', sql))


def _parsed_columns(spec: Kind) -> tuple[set[str], set[str]]:
    text = " ".join([spec.typed, spec.key_message, *spec.keys, *(c.bad + " " + c.message for c in spec.checks),
                     *((spec.same_within[0], *spec.same_within[1]) if spec.same_within else ())])
    return set(_INT.findall(text)), set(_DATE.findall(text))


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _file_format(path: Path) -> str:
    name = path.name.lower()
    if name.endswith((".csv", ".csv.gz")):
        return "csv"
    if name.endswith((".rda", ".rdata")):
        return "rdata"
    raise DataError(f"{path.name}: unknown file type; expected .csv, .csv.gz, .rda or .RData")


def import_dataset(data: DataStore, kind: str, path: Path | str, *, version: str | None = None,
                   force: bool = False, strict: bool = False, replace: bool = False) -> dict[str, Any]:
    """Import ``path`` as dataset ``kind``; returns a report (docs/json.md, ``data import``).

    Raises DataImportError (with every located problem, up to MAX_REPORTED)
    when the file is not that kind or a row has an error; nothing changes then.
    A file with fewer rows than the dataset already imported (a partial
    download, a sample) is refused with a UsageError unless ``replace`` is
    given: it would silently shrink the dataset. The report's ``previous``
    says what was there before (``null`` for a first import).
    """
    if data.read_only:
        raise DataError("the data store is open read-only")
    spec = get_kind(kind)
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    fmt = _file_format(path)
    sha = _sha256(path)
    before = data.dataset(spec.name)
    if before is not None and before["sha256"] == sha and not force:
        return _report(spec, "unchanged", data.dataset(spec.name), [], 0, before)

    con = data.con
    # Staging and checking touch only this connection's TEMP tables, so they run before the transaction:
    # row ids of a committed table are 0..n-1 in file order, which gives every row its line.
    for m in _MACROS:
        con.execute(m)
    codes.load_crosswalk(con)
    try:
        label, offset = _stage(con, spec, path, fmt)
        nums, dates = _parsed_columns(spec)
        extra = [f'_num("{c}") AS "{c}__n"' for c in sorted(nums)] + [f'_pdate("{c}") AS "{c}__d"' for c in sorted(dates)]
        con.execute(f"CREATE OR REPLACE TEMP TABLE _parsed AS SELECT rowid + {offset} AS _line, *, "
                    f"{', '.join(extra)} FROM _stage ORDER BY rowid")
        con.execute("DROP TABLE _stage")
        errors, warnings, n_err, n_warn = _validate(con, spec, label, strict)
    except BaseException:
        _drop_temp(con)
        raise
    if n_err:
        _drop_temp(con)
        shown = errors if not strict else sorted(errors + warnings, key=lambda p: p.line)[:MAX_REPORTED]
        raise DataImportError(f"{path.name}: {n_err} bad row(s); nothing imported (first: {shown[0]})", shown, n_err)
    if before is not None and not replace:
        new_rows = con.execute("SELECT count(*) FROM _parsed").fetchone()[0]
        if new_rows < before["rows"]:
            _drop_temp(con)
            raise UsageError(f"{path.name} has {new_rows:,} rows where the imported {spec.name} has "
                             f"{before['rows']:,} (from {before['source_file']}): importing it would shrink the "
                             f"dataset; nothing imported. Set replace to import it anyway", value=str(path),
                             field="replace", allowed=f"a file of at least {before['rows']:,} rows, or replace")
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(f"CREATE OR REPLACE TABLE {spec.name} AS SELECT CAST(_line AS INTEGER) AS line, "
                    f"{_rewrite(spec.typed)} FROM _parsed ORDER BY _line")
        rows = con.execute(f"SELECT count(*) FROM {spec.name}").fetchone()[0]
        _rebuild_derived(con, spec)
        con.execute("CREATE OR REPLACE TEMP VIEW t AS SELECT * FROM " + spec.name)
        coverage = json.loads(con.execute(spec.coverage).fetchone()[0])
        con.execute("DROP VIEW t")
        if version is None and spec.version_column:
            vs = con.execute(f"SELECT DISTINCT {spec.version_column} FROM {spec.name}").fetchall()
            if len(vs) == 1 and vs[0][0] is not None:
                version = str(vs[0][0])
        con.execute("DELETE FROM datasets WHERE kind = ?", [spec.name])
        con.execute("INSERT INTO datasets VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
            spec.name, spec.title, fmt, path.name, sha, path.stat().st_size, rows, version,
            json.dumps(coverage), datetime.now(UTC).isoformat(timespec="seconds"), spec.citation, n_warn])
        con.execute("DELETE FROM import_problems WHERE kind = ?", [spec.name])
        con.execute(f"INSERT INTO import_problems SELECT '{spec.name}', file, line, field, message, severity "
                    f"FROM _problems WHERE severity = 'warning'")
        con.execute("COMMIT")
        data.mark_changed()
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        _drop_temp(con)
    status = "replaced" if before is not None else "imported"
    return _report(spec, status, data.dataset(spec.name), warnings, n_warn, before)


def _drop_temp(con) -> None:
    for tmp in ("_stage", "_parsed", "_problems", "_cow", "_iso2", "_names"):
        con.execute(f"DROP TABLE IF EXISTS {tmp}")


def _report(spec: Kind, status: str, row: dict | None, warnings: list[Problem], n_warn: int,
            before: dict | None) -> dict[str, Any]:
    return {
        "kind": spec.name,
        "status": status,
        "dataset": row and {k: v for k, v in row.items() if k != "citation"},
        "previous": before and {k: before[k] for k in ("source_file", "sha256", "rows", "version", "imported_at")},
        "warnings": n_warn,
        "problems": [{"file": p.file, "line": p.line, "field": p.field, "message": p.message} for p in warnings],
    }


# ---------------------------------------------------------------- staging


def _stage(con: duckdb.DuckDBPyConnection, spec: Kind, path: Path, fmt: str) -> tuple[str, int]:
    """Read the file into TEMP TABLE _stage (text columns, file order); return (location label, line offset)."""
    if fmt == "csv":
        try:
            # The publishers' dialect, stated rather than sniffed: a sniffer that meets an unbalanced quote
            # turns quoting off and imports '"United States' as a country; strict, it is an error.
            con.execute("CREATE OR REPLACE TEMP TABLE _stage AS SELECT * FROM read_csv(?, header = true, "
                        "all_varchar = true, delim = ',', quote = '\"', escape = '\"', strict_mode = true)",
                        [str(path)])
        except duckdb.Error as exc:
            raise DataImportError(f"{path.name}: cannot read it as comma-separated values with double-quoted "
                                  f"fields (a quote left open, a row of the wrong width?): {_first_line(exc)}",
                                  value=str(path), field="path") from None
        label, offset = path.name, 2
    else:
        frame, obj = _read_r(path, spec)
        import pyarrow as pa

        cols = {}
        for name in frame.columns:
            s = frame[name]
            try:
                arr = pa.array(s, from_pandas=True)
            except (pa.ArrowInvalid, pa.ArrowTypeError):
                arr = pa.array([None if _missing(v) else str(v) for v in s], type=pa.string())
            cols[str(name)] = arr
        table = pa.table(cols)
        con.register("_incoming", table)
        select = ", ".join(f'CAST("{c}" AS VARCHAR) AS "{c}"' for c in cols)
        con.execute(f"CREATE OR REPLACE TEMP TABLE _stage AS SELECT {select} FROM _incoming")
        con.unregister("_incoming")
        label, offset = f"{path.name}${obj}", 1
    have = [r[0] for r in con.execute("SELECT column_name FROM (DESCRIBE _stage)").fetchall()]
    missing = [c for c in spec.columns if c not in have]
    if missing:
        guess = guess_kind(have)
        hint = (f"; it looks like {guess}: allegiance data import {guess} {path.name}" if guess and guess != spec.name
                else f"; expected columns: {', '.join(spec.columns)}")
        raise DataImportError(f"{path.name} is not a {spec.name} file: missing column(s) "
                              f"{', '.join(missing)}{hint}")
    return label, offset


def _missing(v) -> bool:
    import math

    return v is None or (isinstance(v, float) and math.isnan(v))


def _read_r(path: Path, spec: Kind):
    import pyreadr

    try:
        objects = pyreadr.read_r(str(path))
    except Exception as exc:  # noqa: BLE001 -- pyreadr raises its own, OS and value errors for non-R files
        raise DataImportError(f"{path.name}: cannot read it as R data: {_first_line(exc)}") from None
    names = list(objects.keys())
    if spec.r_object in objects:
        obj = spec.r_object
    elif len(names) == 1:
        obj = names[0]
    else:
        raise DataImportError(f"{path.name}: no object {spec.r_object!r} in it; it holds: {', '.join(names) or 'nothing'}")
    frame = objects[obj]
    if not hasattr(frame, "columns"):
        raise DataImportError(f"{path.name}: object {obj!r} is not a data frame")
    return frame, obj


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


# ---------------------------------------------------------------- validation


def _validate(con, spec: Kind, label: str, strict: bool):
    parts = []
    for chk in spec.checks:
        sev = "error" if strict else chk.severity
        parts.append(f"SELECT _line AS line, '{chk.field}' AS field, {_rewrite(chk.message)} AS message, "
                     f"'{sev}' AS severity FROM _parsed WHERE coalesce(({_rewrite(chk.bad)}), false)")
    if spec.keys:
        keys = ", ".join(_rewrite(k) for k in spec.keys)
        nonnull = " AND ".join(f"({_rewrite(k)}) IS NOT NULL" for k in spec.keys)
        msg = _rewrite(spec.key_message.format(first="first_line"))
        parts.append(
            f"SELECT _line AS line, '{spec.key_field}' AS field, {msg} AS message, 'error' AS severity FROM ("
            f"SELECT *, min(_line) OVER (PARTITION BY {keys}) AS first_line "
            f"FROM _parsed WHERE {nonnull}) WHERE _line > first_line")
    if spec.same_within:
        group, exprs = spec.same_within
        group = _rewrite(group)
        for e in exprs:
            fld = e.split("(", 1)[1].rstrip(")")
            e = _rewrite(e)
            parts.append(
                f"SELECT line, '{fld}' AS field, 'roll call ' || g || ': ' || coalesce(CAST(v AS VARCHAR), 'nothing') "
                f"|| ' here but ' || coalesce(CAST(v0 AS VARCHAR), 'nothing') || ' on line ' || first_line AS message, "
                f"'error' AS severity FROM (SELECT _line AS line, {group} AS g, {e} AS v, "
                f"first_value({e}) OVER w AS v0, first_value(_line) OVER w AS first_line "
                f"FROM _parsed WHERE {group} IS NOT NULL WINDOW w AS (PARTITION BY {group} ORDER BY _line)) "
                f"WHERE v IS DISTINCT FROM v0")
    con.execute("CREATE OR REPLACE TEMP TABLE _problems AS SELECT ? AS file, * FROM (" + " UNION ALL ".join(parts)
                + ") ORDER BY line, field", [label])
    counts = dict(con.execute("SELECT severity, count(*) FROM _problems GROUP BY 1").fetchall())

    def fetch(sev):
        return [Problem(f, int(ln), fld, msg) for f, ln, fld, msg in con.execute(
            "SELECT file, line, field, message FROM _problems WHERE severity = ? ORDER BY line, field LIMIT ?",
            [sev, MAX_REPORTED]).fetchall()]

    return fetch("error"), fetch("warning"), counts.get("error", 0), counts.get("warning", 0)


# ---------------------------------------------------------------- derived tables


def _has(con, table: str) -> bool:
    return bool(con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ? AND NOT temporary",
                            [table]).fetchone()[0])


def _rebuild_derived(con, spec: Kind) -> None:
    """Rebuild votes_<source> and roll_calls_<source> for the source ``spec`` belongs to, if complete."""
    source = spec.source
    if source is None:
        return
    needed, _extra = SOURCES[source]
    if not all(_has(con, k) for k in needed):
        return
    if source == "published":
        _rebuild_published(con)
    else:
        _rebuild_unvotes(con)
    dup = con.execute(f"SELECT rcid, state, count(*) FROM votes_{source} GROUP BY 1, 2 HAVING count(*) > 1 "
                      f"ORDER BY 1, 2 LIMIT 5").fetchall()
    if dup:
        rc, st, n = dup[0]
        raise DataImportError(f"{spec.name}: {st} votes {n} times in roll call {rc} once state codes are mapped to "
                              f"ISO alpha-3 (two codes for one state on that date); nothing imported")


def _rebuild_published(con) -> None:
    con.execute("""
        CREATE OR REPLACE TABLE roll_calls_published AS
        SELECT rcid, any_value(session) AS session, any_value(date) AS date,
               CAST(coalesce(year(any_value(date)), any_value(year)) AS SMALLINT) AS year,
               max(importantvote) AS importantvote, max(me) AS me, max(nu) AS nu, max(di) AS di,
               max(hr) AS hr, max(co) AS co, max(ec) AS ec
        FROM unvotes_published GROUP BY rcid ORDER BY rcid""")
    con.execute("""
        CREATE OR REPLACE TABLE votes_published AS
        SELECT p.rcid, m.iso3 AS state, p.vote
        FROM unvotes_published p JOIN roll_calls_published r USING (rcid)
        JOIN _cow m ON m.ccode = p.ccode
             AND (m.lo IS NULL OR coalesce(r.date, make_date(r.year, 7, 1)) >= m.lo)
             AND (m.hi IS NULL OR coalesce(r.date, make_date(r.year, 7, 1)) < m.hi)
        WHERE p.vote IN (1, 2, 3)
        ORDER BY p.rcid, state""")


def _rebuild_unvotes(con) -> None:
    issues = _has(con, "un_roll_call_issues")
    flags = ", ".join(f"CAST(max(CASE WHEN i.short_name = '{k}' THEN 1 ELSE 0 END) AS TINYINT) AS {k}"
                      if issues else f"CAST(NULL AS TINYINT) AS {k}" for k in ("me", "nu", "di", "hr", "co", "ec"))
    join = "LEFT JOIN un_roll_call_issues i USING (rcid)" if issues else ""
    con.execute(f"""
        CREATE OR REPLACE TABLE roll_calls_unvotes AS
        SELECT r.rcid, any_value(r.session) AS session, any_value(r.date) AS date,
               CAST(year(any_value(r.date)) AS SMALLINT) AS year, any_value(r.importantvote) AS importantvote,
               {flags}
        FROM un_roll_calls r {join} GROUP BY r.rcid ORDER BY r.rcid""")
    orphan = con.execute("SELECT v.line, v.rcid FROM un_votes v ANTI JOIN un_roll_calls r USING (rcid) "
                         "ORDER BY v.line LIMIT 1").fetchone()
    if orphan:
        n = con.execute("SELECT count(DISTINCT rcid) FROM un_votes v ANTI JOIN un_roll_calls r USING (rcid)").fetchone()[0]
        raise DataImportError(f"un_votes:{orphan[0]}: rcid: roll call {orphan[1]} is not in un_roll_calls "
                              f"({n} roll call(s) missing); import the un_roll_calls file that goes with it")
    state, joins = codes.unvotes_state_sql("v", "r.date")
    con.execute(f"""
        CREATE OR REPLACE TABLE votes_unvotes AS
        SELECT v.rcid, {state} AS state, v.vote, v.line
        FROM un_votes v JOIN roll_calls_unvotes r USING (rcid)
        {joins}
        ORDER BY v.rcid, state""")
    bad = con.execute("SELECT v.line, u.country_code, r.date FROM votes_unvotes v JOIN un_votes u USING (line) "
                      "JOIN roll_calls_unvotes r ON r.rcid = v.rcid WHERE v.state IS NULL ORDER BY v.line LIMIT 1"
                      ).fetchone()
    if bad:
        raise DataImportError(f"un_votes:{bad[0]}: country_code: {bad[1]!r} denotes no state on {bad[2]}; nothing imported")
    con.execute("ALTER TABLE votes_unvotes DROP COLUMN line")
