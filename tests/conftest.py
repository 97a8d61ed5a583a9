from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_KB = ROOT / "tests" / "fixtures" / "kb_small"
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    d = tmp_path / "cache"
    monkeypatch.setenv("ALLEGIANCE_CACHE", str(d))
    return d


def in_memory_store(kb: Path | None = None):
    """An in-memory store of ``kb`` (the shipped knowledge base when None), closed after use: ``yield from`` it."""
    from allegiance.facts.store import open_store

    store = open_store(kb, in_memory=True) if kb is not None else open_store(in_memory=True)
    yield store
    store.close()


@pytest.fixture(scope="session")
def small_store():
    yield from in_memory_store(FIXTURE_KB)


@pytest.fixture(scope="session")
def shipped_store():
    yield from in_memory_store()


@pytest.fixture(scope="session")
def shipped_kb():
    from allegiance.facts.load import load_kb

    return load_kb()


def seeds_or_skip() -> Path:
    if not SEEDS.is_dir():
        pytest.skip(f"seed documents not found at {SEEDS} (they live in ../shared/seeds beside the checkout)")
    return SEEDS


@pytest.fixture(scope="session")
def cli(tmp_path_factory):
    """The CLI run through Typer's runner with a private cache and a data store of the fixture votes."""
    from tests.cli_cases import CliEnv

    return CliEnv(tmp_path_factory.mktemp("cli"))
