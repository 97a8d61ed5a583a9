from datetime import date

import pytest

from allegiance.errors import KnowledgeBaseError
from allegiance.facts.store import open_store
from tests.conftest import FIXTURE_KB


def test_compiled_once_and_reused(tmp_path):
    cache = tmp_path / "c"
    with open_store(FIXTURE_KB, cache_dir=cache) as s1:
        assert s1.rebuilt
    with open_store(FIXTURE_KB, cache_dir=cache) as s2:
        assert not s2.rebuilt and s2.path == s1.path


def test_changed_yaml_rebuilds_and_prunes_the_old_database(tmp_path):
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "core.yaml").write_text((FIXTURE_KB / "core.yaml").read_text())
    cache = tmp_path / "c"
    with open_store(kb, cache_dir=cache) as s1:
        n1 = s1.con.execute("SELECT count(*) FROM statements").fetchone()[0]
    text = (kb / "core.yaml").read_text().replace("  - id: summit-2002\n", "  - id: summit-2002b\n")
    (kb / "core.yaml").write_text(text)
    with open_store(kb, cache_dir=cache) as s2:
        assert s2.rebuilt and s2.path != s1.path
        ids = {r[0] for r in s2.con.execute("SELECT id FROM statements").fetchall()}
        assert "summit-2002b" in ids and len(ids) == n1
    # the old version's file stays while another process (another checkout) may still use it ...
    assert s1.path.exists()
    # ... and goes once it has been unused for a week
    import os
    import time

    from allegiance.facts.store import STALE_AFTER_S

    week = time.time() - STALE_AFTER_S - 60
    os.utime(s1.path, (week, week))
    with open_store(kb, cache_dir=cache) as s:  # its fingerprint was used lately: it stays
        assert not s.rebuilt
    assert s1.path.exists()
    for f in cache.glob(f"{s1.path.stem}.*"):  # every file of the old version unused for a week
        os.utime(f, (week, week))
    (kb / "core.yaml").write_text(text + "\n# a third version\n")
    with open_store(kb, cache_dir=cache) as s3:  # pruning runs after a build
        assert s3.rebuilt
    assert not s1.path.exists() and not list(cache.glob(f"{s1.path.stem}.*")) and s2.path.exists()


def test_invalid_yaml_leaves_no_database(tmp_path):
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "core.yaml").write_text((FIXTURE_KB / "core.yaml").read_text().replace("valid_from: 2006-09", "valid_from: 2006-19"))
    cache = tmp_path / "c"
    with pytest.raises(KnowledgeBaseError):
        open_store(kb, cache_dir=cache)
    assert not cache.exists() or not list(cache.glob("*.duckdb"))


def test_interrupted_compile_leaves_nothing_behind(tmp_path, monkeypatch):
    from allegiance.facts import store as store_mod

    def boom(con, kb):
        con.execute("CREATE TABLE half (x INTEGER)")
        raise KeyboardInterrupt

    monkeypatch.setattr(store_mod, "_compile_into", boom)
    cache = tmp_path / "c"
    with pytest.raises(KeyboardInterrupt):
        open_store(FIXTURE_KB, cache_dir=cache)
    # no database, half-built or whole, and no build file; only the (empty) lock file that serialises builds
    assert [p.name for p in cache.iterdir() if not p.name.endswith(".lock")] == []


def test_tables_and_involvement(small_store):
    con = small_store.con
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert {"sources", "entities", "statements", "citations", "citation_refs", "basis", "supersedes",
            "involvement", "conflicts", "meta"} <= tables
    # the office's statement involves BLR through `of`; the event through its participant
    inv = {r[0] for r in con.execute("SELECT statement_id FROM involvement WHERE state='BLR'").fetchall()}
    assert {"president-on-council", "summit-2006", "treaty-signed", "radar-lease"} <= inv
    assert "radar-lease" in {r[0] for r in con.execute("SELECT statement_id FROM involvement WHERE state='RUS'").fetchall()}
    row = con.execute("SELECT from_lo, from_hi, known_from FROM statements WHERE id='blr-member-bloc'").fetchone()
    assert row == (date(1998, 1, 1), date(1998, 12, 31), date(2020, 7, 31))
