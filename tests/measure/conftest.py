from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SHARED, in_memory_store

FIX = Path(__file__).resolve().parent.parent / "fixtures" / "measure"
FIX_KB = FIX / "kb"
REAL = SHARED / "data"


@pytest.fixture
def data(tmp_path):
    """An empty, writable data store in a temporary file."""
    from allegiance.measure.data.store import open_data

    store = open_data(tmp_path / "data.duckdb", read_only=False)
    yield store
    store.close()


@pytest.fixture
def loaded(data):
    """The fixture votes imported in both formats: publisher's (source 'published') and unvotes."""
    from allegiance.measure.data.importer import import_dataset

    import_dataset(data, "unvotes_published", FIX / "published.csv")
    for kind in ("un_roll_calls", "un_votes", "un_roll_call_issues"):
        import_dataset(data, kind, FIX / f"fx_{kind}.csv")
    return data


@pytest.fixture(scope="session")
def bloc_kb():
    yield from in_memory_store(FIX_KB)


def real_or_skip(*parts: str) -> Path:
    path = REAL.joinpath(*parts)
    if not path.is_file():
        pytest.skip(f"real dataset not found at {path} (it lives in ../shared/data beside the checkout)")
    return path
