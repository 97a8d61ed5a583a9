"""Store.blob: derived state kept beside the compiled database and rebuilt with it (issue 11)."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

import pytest

from allegiance.facts.store import open_store
from tests.conftest import FIXTURE_KB, in_memory_store


@dataclass
class Toy:
    """A picklable stand-in for the parsed arrangements."""

    statements: int
    note: str


def _builder(calls):
    def build(store):
        calls.append(1)
        return Toy(store.con.execute("SELECT count(*) FROM statements").fetchone()[0], "built")
    return build


def _kb(tmp_path):
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "core.yaml").write_text((FIXTURE_KB / "core.yaml").read_text())
    return kb


def test_built_once_then_loaded_by_later_stores(tmp_path):
    calls = []
    build = _builder(calls)
    cache = tmp_path / "c"
    with open_store(FIXTURE_KB, cache_dir=cache) as s1:
        a = s1.blob("toy", lambda: build(s1))
        assert s1.blob("toy", lambda: build(s1)) is a  # kept in the process too
    assert len(calls) == 1 and len(list(cache.glob("kb-*.toy-*.pickle"))) == 1
    with open_store(FIXTURE_KB, cache_dir=cache) as s2:
        assert s2.blob("toy", lambda: build(s2)) == a
    assert len(calls) == 1
    assert not list(cache.glob(".*"))  # no temporary file left


def test_a_changed_knowledge_base_rebuilds_and_prunes_its_blobs(tmp_path):
    kb, cache, calls = _kb(tmp_path), tmp_path / "c", []
    build = _builder(calls)
    with open_store(kb, cache_dir=cache) as s1:
        s1.blob("toy", lambda: build(s1))
    old = list(cache.glob("kb-*.toy-*.pickle"))
    core = kb / "core.yaml"
    core.write_text(core.read_text().replace("summit-2002", "summit-2003", 1))
    later = time.time_ns() + 5 * 10**9
    os.utime(core, ns=(later, later))
    with open_store(kb, cache_dir=cache) as s2:
        assert s2.rebuilt
        s2.blob("toy", lambda: build(s2))
    assert len(calls) == 2
    # the old version's blobs stay as long as its database may be in use (another checkout), and go with it
    assert all(p.exists() for p in old) and len(list(cache.glob("kb-*.toy-*.pickle"))) == 2
    from allegiance.facts.store import STALE_AFTER_S

    week = time.time() - STALE_AFTER_S - 60
    for p in cache.glob(f"{s1.path.stem}.*"):  # the old version unused for a week: database, fingerprint, blobs
        os.utime(p, (week, week))
    core.write_text(core.read_text() + "\n# a third version\n")
    later += 5 * 10**9
    os.utime(core, ns=(later, later))
    with open_store(kb, cache_dir=cache) as s3:  # pruning runs after a build
        assert s3.rebuilt
    assert not any(p.exists() for p in old) and len(list(cache.glob("kb-*.toy-*.pickle"))) == 1


def test_a_changed_dependency_rebuilds(tmp_path):
    dep = tmp_path / "rules.yaml"
    dep.write_text("a: 1\n")
    cache, calls = tmp_path / "c", []
    build = _builder(calls)
    for text, expected in (("a: 1\n", 1), ("a: 1\n", 1), ("a: 2\n", 2)):
        dep.write_text(text)
        with open_store(FIXTURE_KB, cache_dir=cache) as s:
            s.blob("toy", lambda: build(s), depends_on=[dep])
        assert len(calls) == expected
    assert len(list(cache.glob("kb-*.toy-*.pickle"))) == 1  # the stale one is removed


def test_a_damaged_blob_is_rebuilt(tmp_path):
    cache, calls = tmp_path / "c", []
    build = _builder(calls)
    with open_store(FIXTURE_KB, cache_dir=cache) as s:
        s.blob("toy", lambda: build(s))
    (path,) = cache.glob("kb-*.toy-*.pickle")
    path.write_bytes(b"not a pickle")
    with open_store(FIXTURE_KB, cache_dir=cache) as s:
        assert s.blob("toy", lambda: build(s)).note == "built"
    assert len(calls) == 2


def test_an_in_memory_store_keeps_blobs_in_memory_only():
    calls = []
    build = _builder(calls)
    for s in in_memory_store(FIXTURE_KB):
        assert s.blob("toy", lambda: build(s)) is s.blob("toy", lambda: build(s))
    assert len(calls) == 1


def test_blob_names_are_plain():
    for s in in_memory_store(FIXTURE_KB):
        with pytest.raises(ValueError):
            s.blob("../escape", lambda: 1)
