"""Fixtures of the web explorer's tests: one app over the shipped knowledge base, compiled once per session."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

FIX_MEASURE = Path(__file__).resolve().parents[1] / "fixtures" / "measure"


def fixture_votes(directory: Path) -> Path:
    """A data store in ``directory`` with the fixture UN votes imported (roll calls, votes, issues)."""
    from allegiance.measure.data.importer import import_dataset
    from allegiance.measure.data.store import open_data

    path = directory / "data.duckdb"
    with open_data(path, read_only=False) as ds:
        for kind in ("un_roll_calls", "un_votes", "un_roll_call_issues"):
            import_dataset(ds, kind, FIX_MEASURE / f"fx_{kind}.csv")
    return path


with warnings.catch_warnings():  # Starlette's TestClient still runs on httpx; its notice is not ours to fix
    warnings.simplefilter("ignore")
    import fastapi.testclient  # noqa: F401


@pytest.fixture(scope="session")
def web_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("web-cache")


@pytest.fixture(scope="session")
def web_app(web_cache):
    from allegiance.web import create_app

    app = create_app(cache=web_cache)
    yield app
    app.state.close()


@pytest.fixture(scope="session")
def client(web_app):
    from fastapi.testclient import TestClient

    with TestClient(web_app, raise_server_exceptions=True) as c:
        yield c


@pytest.fixture(scope="session")
def lib_rules(shipped_store):
    from allegiance import open_rules

    return open_rules(shipped_store)


def plain(obj):
    """What a library answer looks like once it has been through JSON."""
    return json.loads(json.dumps(obj, ensure_ascii=False))
