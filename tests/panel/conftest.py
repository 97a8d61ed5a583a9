"""The panel's fixture data store: small COW and ATOP files (tests/fixtures/panel), imported once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from allegiance.measure.data.importer import import_dataset
from allegiance.measure.data.store import open_data

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "panel"


@pytest.fixture(scope="session")
def fixture_data(tmp_path_factory):
    data = open_data(tmp_path_factory.mktemp("panel") / "data.duckdb", read_only=False)
    import_dataset(data, "cow_states", FIX / "cow_states.csv")
    import_dataset(data, "atop_alliance", FIX / "atop_alliance.csv")
    yield data
    data.close()
