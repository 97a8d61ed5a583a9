"""The compiled store under faults and sharing (issue 12): damaged files rebuilt, other versions kept, an
unwritable cache answered from memory, concurrent openers compiling once."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from allegiance.facts import store as st
from allegiance.facts.store import open_store

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "kb_small"


def _kb(tmp_path: Path, name: str = "kb") -> Path:
    kb = tmp_path / name
    shutil.copytree(FIXTURE, kb)
    return kb


def _compiled(cache: Path) -> list[Path]:
    return sorted(cache.glob("kb-*.duckdb"))


@pytest.mark.parametrize("damage", [b"garbage" * 100, b""], ids=["garbage", "truncated-to-nothing"])
def test_a_damaged_compiled_store_is_rebuilt(tmp_path, damage):
    kb, cache = _kb(tmp_path), tmp_path / "cache"
    with open_store(kb, cache_dir=cache) as s:
        n = s.con.execute("SELECT count(*) FROM statements").fetchone()[0]
    (db,) = _compiled(cache)
    db.write_bytes(damage)
    with open_store(kb, cache_dir=cache) as s:  # used to raise on every later query
        assert s.rebuilt and s.con.execute("SELECT count(*) FROM statements").fetchone()[0] == n


def test_a_block_overwritten_inside_the_data_is_found_and_rebuilt(tmp_path):
    kb, cache = _kb(tmp_path), tmp_path / "cache"
    with open_store(kb, cache_dir=cache) as s:
        n = s.con.execute("SELECT count(*) FROM statements").fetchone()[0]
    (db,) = _compiled(cache)
    raw = bytearray(db.read_bytes())
    off = int(len(raw) * 0.65) // 4096 * 4096 + 100
    raw[off:off + 16] = b"\xaa" * 16  # the header and meta still read; a data block fails its checksum
    db.write_bytes(bytes(raw))
    with open_store(kb, cache_dir=cache) as s:
        assert s.rebuilt
        assert s.con.execute("SELECT count(*) FROM statements").fetchone()[0] == n
        assert s.con.execute("SELECT count(*) FROM (SELECT * FROM statements)").fetchone()[0] == n


def test_an_unchanged_database_with_a_new_time_is_not_rebuilt(tmp_path):
    kb, cache = _kb(tmp_path), tmp_path / "cache"
    with open_store(kb, cache_dir=cache):
        pass
    (db,) = _compiled(cache)
    os.utime(db, (1e9, 1e9))  # a copy or a backup restore moves the time, not the bytes
    with open_store(kb, cache_dir=cache) as s:
        assert not s.rebuilt
    with open_store(kb, cache_dir=cache) as s:  # and the new time is remembered: no checksum next time
        assert not s.rebuilt and json.loads(st._fingerprint_path(db).read_text())["mtime_ns"] == db.stat().st_mtime_ns


def test_two_versions_sharing_a_cache_keep_each_others_files(tmp_path):
    a, b, cache = _kb(tmp_path, "a"), _kb(tmp_path, "b"), tmp_path / "cache"
    (b / "core.yaml").write_text((b / "core.yaml").read_text(encoding="utf-8") + "\n# version b\n", encoding="utf-8")
    with open_store(a, cache_dir=cache) as s:
        pa = s.path
    with open_store(b, cache_dir=cache) as s:
        pb = s.path
    assert pa != pb and pa.exists() and pb.exists()  # b's build used to delete a's file
    with open_store(a, cache_dir=cache) as s:
        assert not s.rebuilt  # so a is not recompiled on every alternate call


def test_stale_versions_and_abandoned_builds_are_removed_in_time(tmp_path):
    kb, cache = _kb(tmp_path), tmp_path / "cache"
    cache.mkdir()
    old, abandoned = cache / "kb-0123456789abcdef0123.duckdb", cache / ".kb-build-x.duckdb"
    old.write_bytes(b"x")
    abandoned.write_bytes(b"x")
    recent = cache / "kb-fedcba9876543210fedc.duckdb"
    recent.write_bytes(b"x")
    week = time.time() - st.STALE_AFTER_S - 60
    os.utime(old, (week, week))
    os.utime(abandoned, (week, week))
    with open_store(kb, cache_dir=cache):
        pass
    assert not old.exists() and not abandoned.exists() and recent.exists()


def test_an_unwritable_cache_answers_from_memory_with_a_notice(tmp_path):
    kb = _kb(tmp_path)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    with open_store(kb, cache_dir=blocker / "cache") as s:  # a cache under a file: used to be a traceback
        assert s.path is None and "cannot write" in s.notice
        assert s.con.execute("SELECT count(*) FROM statements").fetchone()[0] > 0


def test_the_cli_says_the_cache_was_not_writable_and_still_answers(tmp_path):
    kb = _kb(tmp_path)
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    r = subprocess.run([sys.executable, "-m", "allegiance.cli", "--kb", str(kb), "--cache", str(blocker / "c"),
                        "check"], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and "Traceback" not in r.stderr and "warning: cannot write" in r.stderr


_OPEN = """
import sys
from allegiance.facts.store import open_store
with open_store(sys.argv[1], cache_dir=sys.argv[2]) as s:
    assert s.con.execute("SELECT count(*) FROM statements").fetchone()[0] > 0
    print("built" if s.rebuilt else "reused")
"""


def test_concurrent_openers_of_two_versions_on_one_cache_each_compile_once(tmp_path):
    a, b, cache = _kb(tmp_path, "a"), _kb(tmp_path, "b"), tmp_path / "cache"
    (b / "core.yaml").write_text((b / "core.yaml").read_text(encoding="utf-8") + "\n# version b\n", encoding="utf-8")
    procs = [subprocess.Popen([sys.executable, "-c", _OPEN, str(kb), str(cache)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for kb in (a, b, a, b, a, b, a, b)]
    outs = [p.communicate(timeout=240) for p in procs]
    assert all(p.returncode == 0 for p in procs), [o[1][-500:] for o in outs]
    said = [o[0].strip() for o in outs]
    assert said.count("built") == 2 and said.count("reused") == 6  # each version compiled once
    assert len(_compiled(cache)) == 2


def test_a_killed_build_is_cleared_by_the_next_build_of_its_version(tmp_path):
    # a SIGKILL during compile used to leave .kb-build-*.duckdb files until they were an hour old and
    # another version happened to be built
    kb, cache = _kb(tmp_path), tmp_path / "cache"
    with open_store(kb, cache_dir=cache) as s:
        stem = s.path.stem
    s.path.unlink()
    left = cache / f".kb-build-{stem}-abcd1234.duckdb"
    left.write_bytes(b"half a build")
    other = cache / ".kb-build-kb-0000000000000000ffff-x.duckdb"  # another version's build, maybe running
    other.write_bytes(b"x")
    with open_store(kb, cache_dir=cache) as s:
        assert s.rebuilt
    assert not left.exists() and other.exists()
