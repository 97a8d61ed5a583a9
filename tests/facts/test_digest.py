"""Change detection: the YAML's checksum is remembered by the files' sizes and times (facts/digest.py)."""

import os
import time

import pytest

from allegiance.facts import digest as digest_mod
from allegiance.facts import store as store_mod
from allegiance.facts.digest import kb_digest, recall, remember, remembered_digest
from allegiance.facts.store import open_store
from tests.conftest import FIXTURE_KB

PAST = time.time_ns() - 3600 * 10**9  # an hour ago


@pytest.fixture(autouse=True)
def no_racy_window(monkeypatch):
    """Setting a file's times changes its ctime to now, which the racy window would distrust for 2 s."""
    monkeypatch.setattr(digest_mod, "RACY_NS", 0)


def _kb(tmp_path):
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "core.yaml").write_text((FIXTURE_KB / "core.yaml").read_text())
    os.utime(kb / "core.yaml", ns=(PAST, PAST))
    return kb


def _same_size_edit(path, *, mtime: int) -> None:
    text = path.read_text()
    edited = text.replace("summit-2002", "summit-2003", 1)
    assert edited != text and len(edited) == len(text)
    path.write_text(edited)
    os.utime(path, ns=(mtime, mtime))


def _counting(monkeypatch):
    calls = []
    real = store_mod.kb_digest

    def counted(d):
        calls.append(d)
        return real(d)

    monkeypatch.setattr(store_mod, "kb_digest", counted)
    return calls


def test_warm_open_reads_no_yaml(tmp_path, monkeypatch):
    kb, cache = _kb(tmp_path), tmp_path / "c"
    calls = _counting(monkeypatch)
    with open_store(kb, cache_dir=cache) as s1:
        assert s1.rebuilt
    assert len(calls) == 1 and list(cache.glob("manifest-*.json"))
    with open_store(kb, cache_dir=cache) as s2:
        assert not s2.rebuilt and s2.digest == s1.digest
    assert len(calls) == 1  # the manifest answered


def test_same_size_edit_with_a_new_mtime_recompiles(tmp_path):
    kb, cache = _kb(tmp_path), tmp_path / "c"
    with open_store(kb, cache_dir=cache) as s1:
        pass
    _same_size_edit(kb / "core.yaml", mtime=PAST + 10**9)  # a different mtime, still long ago
    with open_store(kb, cache_dir=cache) as s2:
        assert s2.rebuilt and s2.digest != s1.digest
        ids = {r[0] for r in s2.con.execute("SELECT id FROM statements").fetchall()}
        assert "summit-2003" in ids and "summit-2002" not in ids
    with open_store(kb, cache_dir=cache) as s3:  # and the new checksum is remembered in turn
        assert not s3.rebuilt and s3.digest == s2.digest


def test_an_edit_that_keeps_size_and_mtime_is_still_seen_by_its_ctime(tmp_path):
    kb, cache = _kb(tmp_path), tmp_path / "c"
    with open_store(kb, cache_dir=cache) as s1:
        pass
    _same_size_edit(kb / "core.yaml", mtime=PAST)  # the old mtime back, as `touch -r` or `cp -p` leave it
    with open_store(kb, cache_dir=cache) as s2:
        assert s2.rebuilt and s2.digest != s1.digest


def test_a_new_file_is_a_change(tmp_path):
    kb, cache = _kb(tmp_path), tmp_path / "c"
    files = sorted(kb.glob("*.yaml"))
    d1, stats = recall(files, tmp_path / "m.json")
    assert d1 is None
    remember(tmp_path / "m.json", files, stats, kb_digest(kb))
    assert recall(files, tmp_path / "m.json")[0] == kb_digest(kb)
    (kb / "extra.yaml").write_text("topic: more\n")
    assert recall(sorted(kb.glob("*.yaml")), tmp_path / "m.json")[0] is None


def test_recently_modified_files_are_not_remembered(tmp_path, monkeypatch):
    monkeypatch.setattr(digest_mod, "RACY_NS", 2 * 10**9)
    f = tmp_path / "a.yaml"
    f.write_text("x: 1\n")  # modified now: within the racy window
    computed = []
    for _ in range(2):
        remembered_digest([f], lambda: computed.append(1) or "d", tmp_path / "m.json")
    assert len(computed) == 2 and not (tmp_path / "m.json").exists()


def test_a_corrupt_manifest_is_only_a_miss(tmp_path):
    f = tmp_path / "a.yaml"
    f.write_text("x: 1\n")
    os.utime(f, ns=(PAST, PAST))
    m = tmp_path / "m.json"
    m.write_text("{not json")
    assert remembered_digest([f], lambda: "d1", m) == "d1"
    assert remembered_digest([f], lambda: "d2", m) == "d1"  # now remembered


def test_compiler_code_is_part_of_the_digest():
    assert "digest.py" in store_mod._COMPILER_FILES
    files, _ = store_mod._compiled_from(FIXTURE_KB)
    assert {p.name for p in files} >= set(store_mod._COMPILER_FILES) | {"core.yaml"}
    assert digest_mod.kb_files(FIXTURE_KB) == [p for p in files if p.suffix == ".yaml"]
