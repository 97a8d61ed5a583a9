"""Which knowledge base a compiled store belongs to: checksums of its files, remembered by their metadata.

The compiled database is named by a checksum of the YAML (and of the code that
compiles it). Reading every byte of every file on every call costs more than
the answer on a large base, so :func:`remembered_digest` keeps, next to the
compiled files, a small manifest: each file's path, size, modification and
change times (nanoseconds) and inode, with the checksum they gave. When every
file still stats the same, the checksum is reused without reading them; when
any differs (an edit, a new or deleted file, a file replaced by an editor's
rename), the files are read and hashed again and the manifest rewritten.

A file modified within :data:`RACY_NS` of the moment its metadata is recorded
could be modified again without its times changing (coarse file-system
clocks), so such a manifest is not written and the next call hashes again
("racy" entries, as git calls them).

This module imports nothing heavy: a warm call reaches it before anything
else of the facts layer.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

__all__ = ["SCHEMA_VERSION", "RACY_NS", "default_kb_dir", "kb_files", "kb_digest", "recall", "remember",
           "remembered_digest", "settled_stamp", "write_atomically"]

SCHEMA_VERSION = "1"
RACY_NS = 2_000_000_000  # 2 s: wider than the coarsest clock of the file systems in common use


def default_kb_dir() -> Path:
    """The knowledge base shipped inside the package."""
    return Path(__file__).resolve().parent.parent / "kb"


#: Subdirectories of a knowledge base that the rules layer reads: its arrangements, and their records of events.
READ_ELSEWHERE = ("arrangements", "record")


def is_yaml_name(name: str) -> bool:
    """A name that looks like YAML in any spelling (``.yaml``, ``.yml``, ``.YAML``, ...)."""
    return name.lower().endswith((".yaml", ".yml"))


def kb_files(directory: Path) -> list[Path]:
    """The YAML files of a knowledge base, sorted by name.

    Files that look like YAML but are not read (``*.yml``, ``*.YAML``, links that lead nowhere, YAML in a
    subdirectory other than those in
    :data:`READ_ELSEWHERE`) are listed too, so that the loader reports them rather than a
    knowledge base silently missing a file.
    """
    d = Path(directory)
    if not d.is_dir():
        return []
    out = []
    for p in d.iterdir():
        if is_yaml_name(p.name) and (p.is_file() or p.is_symlink()):
            out.append(p)
        elif p.is_dir() and p.name not in READ_ELSEWHERE and not p.name.startswith("."):
            out.extend(q for q in p.rglob("*") if is_yaml_name(q.name) and (q.is_file() or q.is_symlink()))
    return sorted(out, key=lambda p: p.relative_to(d).as_posix())


def kb_digest(directory: Path) -> str:
    """A checksum of every YAML file (name and bytes) and the schema version."""
    h = hashlib.sha256(f"allegiance-kb/{SCHEMA_VERSION}\n".encode())
    for p in kb_files(directory):
        h.update(p.relative_to(directory).as_posix().encode() + b"\0")
        try:
            h.update(p.read_bytes())
        except OSError:  # unreadable or a dangling link: the loader reports it; the checksum only notes it
            h.update(b"\0(unreadable)")
        h.update(b"\0")
    return h.hexdigest()


def _stats(paths: Iterable[Path]) -> list[list]:
    out = []
    for p in paths:
        try:
            st = os.stat(p)
        except OSError:  # a dangling link: never remembered, so always re-checked (and reported by the loader)
            out.append([str(p), -1, time.time_ns(), 0, 0])
            continue
        out.append([str(p), st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino])
    return out


def settled_stamp(paths: Iterable[Path]) -> list[list] | None:
    """The files' metadata (path, size, modification and change times, inode) to key something derived from
    them, or None when one changed too recently (:data:`RACY_NS`) or cannot be stat'ed: then nothing should be
    kept, since a second change could leave the metadata as it is."""
    now = _stats(paths)
    if any(s[1] < 0 for s in now) or max((max(s[2], s[3]) for s in now), default=0) >= time.time_ns() - RACY_NS:
        return None
    return now


def recall(paths: list[Path], manifest: Path) -> tuple[str | None, list[list]]:
    """The checksum ``manifest`` remembers for ``paths`` if every one still stats as it did, else None;
    and the stats taken now, to pass to :func:`remember`.

    ``paths`` must be every file the checksum reads, in a stable order; a different list is a change too.
    A missing or unreadable manifest is only a miss.
    """
    now = _stats(paths)
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        saved = json.loads(manifest.read_text())
        if saved["files"] == now and isinstance(saved["digest"], str):
            return saved["digest"], now
    return None, now


def remember(manifest: Path, paths: list[Path], before: list[list], digest: str) -> None:
    """Record that ``paths``, stat'ed as ``before`` when ``digest`` was computed from them, give ``digest``.

    Nothing is written if a file changed meanwhile, or changed too recently to trust its times (racy);
    a failure to write only costs the next call a rehash.
    """
    with contextlib.suppress(OSError):
        after = _stats(paths)
        newest = max((max(s[2], s[3]) for s in after), default=0)
        if after == before and newest < time.time_ns() - RACY_NS:
            write_atomically(manifest, json.dumps({"files": after, "digest": digest}).encode())


def remembered_digest(paths: list[Path], compute: Callable[[], str], manifest: Path) -> str:
    """``compute()``, reused from ``manifest`` while every one of ``paths`` stats as it did when computed."""
    digest, before = recall(paths, manifest)
    if digest is None:
        digest = compute()
        remember(manifest, paths, before, digest)
    return digest


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path`` and rename it into place: readers see all or nothing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
