"""Strict YAML reading with line numbers.

The knowledge base is YAML, but a strict subset: one document per file, no
anchors or aliases, no merge keys, no duplicate keys, no tags beyond
``!!str``. Plain scalars become ``None``, ``bool``, ``int``, ``float`` or
``str``; timestamps stay strings (dates are EDTF, read by
:mod:`allegiance.facts.time`). Every value's line is recorded by its path, so
validation errors can say ``file:line: field``.

The reader consumes libyaml's event stream (PyYAML's C parser) and builds
plain Python values itself: composing PyYAML node objects costs about seven
times as much, which matters for a 100,000-statement knowledge base.
"""

from __future__ import annotations

import re
from typing import Any

from allegiance.errors import Problem

__all__ = ["read_yaml", "dotted", "line_for"]

Path = tuple  # of str keys and int indices

# YAML 1.1 plain-scalar resolution, as PyYAML's SafeLoader does it (less timestamps).
_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL = re.compile(r"^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$")
_TRUE = {"yes", "true", "on"}
_INT = re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$")
_FLOAT = re.compile(r"^[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?$|^[-+]?\.[0-9_]+(?:[eE][-+][0-9]+)?$")
_STR_TAG = "tag:yaml.org,2002:str"

_NOKEY = object()  # a mapping waiting for its next key
_DROP = object()  # the next value belongs to a refused key: discard it


class _Frame:
    __slots__ = ("kind", "path", "items", "key", "depth")

    def __init__(self, kind: str, path: Path, items: Any):
        self.kind = kind
        self.path = path
        self.items = items
        self.key: Any = _NOKEY
        self.depth = 0


def line_for(lines: dict[Path, int], path: Path) -> int:
    """The line of ``path`` in a file read by :func:`read_yaml`: its own, else that of its nearest recorded parent."""
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return lines.get((), 1)


def dotted(path: Path) -> str:
    """Render a path as ``statements[3].sources[0].quote``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


# A plain scalar can resolve to something other than a string only if it starts
# with one of these (null, booleans, numbers); most text is settled by its first character.
_SPECIAL_START = frozenset("~nNyYtTfFoO+-.0123456789")


def _plain(value: str) -> Any:
    if value and value[0] not in _SPECIAL_START:
        return value
    if _NULL.match(value):
        return None
    if _BOOL.match(value):
        return value.lower() in _TRUE
    if _INT.match(value):
        return int(value.replace("_", ""))
    if _FLOAT.match(value):
        return float(value.replace("_", ""))
    return value


def read_yaml(text: str, file: str, *, depth: int | None = None) -> tuple[Any, dict[Path, int], list[Problem]]:
    """Read one YAML document. Returns (data, line of each path, problems).

    ``depth`` limits which lines are recorded to paths of at most that length
    (the loader's clean first pass needs only where each record starts; it
    re-reads with every line when it has problems to locate).
    """
    import yaml  # here, not at the top: reading arrangements' lines back (line_for) needs no PyYAML

    _Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    lines: dict[Path, int] = {}
    problems: list[Problem] = []
    stack: list[_Frame] = []
    root: list[Any] = []
    documents = 0
    limit = 1 << 30 if depth is None else depth
    Scalar, MapStart, SeqStart = yaml.ScalarEvent, yaml.MappingStartEvent, yaml.SequenceStartEvent
    MapEnd, SeqEnd, Alias, DocStart, StreamEnd = (yaml.MappingEndEvent, yaml.SequenceEndEvent, yaml.AliasEvent,
                                                  yaml.DocumentStartEvent, yaml.StreamEndEvent)

    def problem(line: int, path: Path, message: str) -> None:
        problems.append(Problem(file, line, dotted(path) or "(document)", message))

    def child_path() -> Path:
        if not stack:
            return ()
        top = stack[-1]
        if top.path is None:
            return None
        if top.kind == "map":
            return top.path + (top.key,)
        return top.path + (len(top.items),)

    def put(value: Any) -> None:
        if not stack:
            root.append(value)
            return
        top = stack[-1]
        if top.kind == "map":
            if top.key is not _DROP:
                top.items[top.key] = value
            top.key = _NOKEY
        else:
            top.items.append(value)

    try:
        parser = _Loader(text)
        while True:
            ev = parser.get_event()
            cls = type(ev)
            if cls is StreamEnd or ev is None:
                break
            top = stack[-1] if stack else None
            if top is not None and top.kind == "skip":
                if cls is MapStart or cls is SeqStart:
                    top.depth += 1
                elif cls is MapEnd or cls is SeqEnd:
                    top.depth -= 1
                    if top.depth == 0:
                        stack.pop()
                        stack[-1].key = _DROP
                continue
            if cls is Scalar:
                if top is not None and top.kind == "map" and top.key is _NOKEY:
                    key = ev.value
                    if ev.anchor or (key == "<<" and not ev.style) or key in top.items:
                        line = ev.start_mark.line + 1
                        kpath = (top.path or ()) + (key,)
                        if ev.anchor:
                            problem(line, kpath, "YAML anchors and aliases are not allowed; write the key out")
                        elif key in top.items:
                            first = lines.get(kpath, "?")
                            problem(line, kpath, f"duplicate key {key!r} (first given on line {first})")
                        else:
                            problem(line, top.path or (), "merge keys (<<) are not allowed; write the fields out")
                        top.key = _DROP
                    else:
                        top.key = key
                    continue
                if len(stack) <= limit:
                    path = child_path()
                    lines[path] = ev.start_mark.line + 1
                if ev.anchor or ev.tag not in (None, "!", _STR_TAG):
                    path = child_path() or ()
                    line = ev.start_mark.line + 1
                    if ev.anchor:
                        problem(line, path, "YAML anchors and aliases are not allowed; write the value out")
                    else:
                        problem(line, path, f"YAML tags are not allowed (found {ev.tag}); write a plain value")
                    put(None)
                elif not ev.style and ev.tag is None and ev.implicit[0]:
                    put(_plain(ev.value))
                else:
                    put(ev.value)
            elif cls is MapStart or cls is SeqStart:
                line = ev.start_mark.line + 1
                if top is not None and top.kind == "map" and top.key is _NOKEY:
                    problem(line, top.path or (), "mapping keys must be plain strings")
                    frame = _Frame("skip", None, None)
                    frame.depth = 1
                    stack.append(frame)
                    continue
                path = child_path() if len(stack) <= limit else None
                if path is not None:
                    lines[path] = line
                if ev.anchor:
                    problem(line, path or (), "YAML anchors and aliases are not allowed; write the value out")
                stack.append(_Frame("map", path, {}) if cls is MapStart else _Frame("seq", path, []))
            elif cls is MapEnd or cls is SeqEnd:
                put(stack.pop().items)
            elif cls is Alias:
                line = ev.start_mark.line + 1
                if top is not None and top.kind == "map" and top.key is _NOKEY:
                    problem(line, top.path or (), "YAML anchors and aliases are not allowed; write the key out")
                    top.key = _DROP
                    continue
                problem(line, child_path() or (), "YAML anchors and aliases are not allowed; write the value out")
                put(None)
            elif cls is DocStart:
                documents += 1
                if documents > 1:
                    problem(ev.start_mark.line + 1, (), "one YAML document per file (found a second '---')")
                    break
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        what = exc.problem or str(exc)
        ctx = f" ({exc.context})" if exc.context else ""
        return None, {}, [Problem(file, line, "(syntax)", f"malformed YAML: {what}{ctx}")]
    except yaml.YAMLError as exc:
        return None, {}, [Problem(file, 1, "(syntax)", f"malformed YAML: {exc}")]
    if not root:
        return None, {(): 1}, problems
    return root[0], lines, problems
