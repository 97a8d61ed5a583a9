"""The web's DuckDB connection is read-only and cannot reach outside its file or unlock itself."""

from __future__ import annotations

import duckdb
import pytest


@pytest.fixture(scope="module")
def con(web_app):
    return web_app.state.held.store.con


@pytest.mark.parametrize("sql", [
    "COPY (SELECT 1 AS x) TO '{tmp}/leak.csv'",
    "COPY statements TO '{tmp}/leak.parquet' (FORMAT parquet)",
    "SELECT * FROM read_csv('/etc/passwd')",
    "SELECT * FROM read_text('/etc/passwd')",
    "SELECT * FROM glob('/etc/*')",
    "ATTACH '{tmp}/other.duckdb' AS other",
    "SET enable_external_access = true",
    "SET lock_configuration = false",
    "RESET enable_external_access",
    "INSTALL fts",
    "LOAD fts",
    "CREATE TABLE t (a INTEGER)",
    "DELETE FROM statements",
])
def test_locked_down(con, sql, tmp_path):
    with pytest.raises(duckdb.Error):
        con.execute(sql.format(tmp=tmp_path))
    assert not list(tmp_path.iterdir())
    assert con.execute("SELECT current_setting('enable_external_access')").fetchone()[0] is False


def test_still_answers_after_refusals(client):
    assert client.get("/states/BLR.json?as_of=2020-07-01").status_code == 200


def test_open_a_given_store_file(web_app):
    from fastapi.testclient import TestClient

    from allegiance.web import create_app

    path = web_app.state.held.store.path
    app = create_app(path)
    try:
        assert app.state.held.store.digest
        assert TestClient(app).get("/conflicts.json").status_code == 200
    finally:
        app.state.close()
    with pytest.raises(FileNotFoundError):
        create_app(path.parent / "missing.duckdb")
