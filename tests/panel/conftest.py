"""The panel's fixture data store: small COW and ATOP files (tests/fixtures/panel), imported once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from allegiance.measure.data.importer import import_dataset
from allegiance.measure.data.store import open_data

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "panel"


def imported(tmp_path_factory, name: str, files: dict[str, Path]):
    """A data store in a new temporary directory with each ``kind: file`` imported, open for the tests."""
    data = open_data(tmp_path_factory.mktemp(name) / "data.duckdb", read_only=False)
    for kind, path in files.items():
        import_dataset(data, kind, path)
    return data


@pytest.fixture(scope="session")
def fixture_data(tmp_path_factory):
    data = imported(tmp_path_factory, "panel", {"cow_states": FIX / "fx_cow_states.csv",
                                                "atop_alliance": FIX / "fx_atop_alliance.csv"})
    yield data
    data.close()
