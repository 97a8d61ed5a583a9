"""Strict YAML reading with line numbers.

The knowledge base is YAML, but a strict subset: no anchors or aliases, no
merge keys, no duplicate keys. Scalars become ``None``, ``bool``, ``int``,
``float`` or ``str`` (timestamps stay strings: dates are EDTF, read by
:mod:`allegiance.facts.time`). Every value's line is recorded by its path,
so validation errors can say ``file:line: field``.

Parsing uses libyaml through PyYAML's C loader when available.
"""

from __future__ import annotations

from typing import Any

import yaml

from allegiance.errors import Problem

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"

Path = tuple  # of str keys and int indices


class _Reader:
    def __init__(self, file: str):
        self.file = file
        self.lines: dict[Path, int] = {}
        self.problems: list[Problem] = []
        self._seen: set[int] = set()

    def problem(self, line: int, path: Path, message: str) -> None:
        self.problems.append(Problem(self.file, line, dotted(path) or "(document)", message))

    def value(self, node: yaml.Node, path: Path) -> Any:
        line = node.start_mark.line + 1
        self.lines[path] = line
        if id(node) in self._seen:
            self.problem(line, path, "YAML anchors and aliases are not allowed; write the value out")
            return None
        self._seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, path, line)
        if isinstance(node, yaml.SequenceNode):
            return [self.value(child, path + (i,)) for i, child in enumerate(node.value)]
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            for knode, vnode in node.value:
                kline = knode.start_mark.line + 1
                if not isinstance(knode, yaml.ScalarNode):
                    self.problem(kline, path, "mapping keys must be plain strings")
                    continue
                key = knode.value
                if knode.tag == "tag:yaml.org,2002:merge" or key == "<<":
                    self.problem(kline, path, "merge keys (<<) are not allowed; write the fields out")
                    continue
                if key in out:
                    first = self.lines.get(path + (key,), "?")
                    self.problem(kline, path + (key,), f"duplicate key {key!r} (first given on line {first})")
                    continue
                if id(vnode) in self._seen:
                    self.problem(kline, path + (key,), "YAML anchors and aliases are not allowed; write the value out")
                    continue
                out[key] = self.value(vnode, path + (key,))
            return out
        self.problem(line, path, f"unsupported YAML node {type(node).__name__}")
        return None

    def scalar(self, node: yaml.ScalarNode, path: Path, line: int) -> Any:
        text = node.value
        if node.style is not None and node.style != "":
            return text  # quoted or block scalar: always a string
        tag = node.tag
        if tag == _NULL:
            return None
        if tag == _BOOL:
            return text.lower() in ("true", "yes", "on")
        if tag == _INT:
            try:
                return int(text.replace("_", ""), 0) if not text.isdigit() else int(text)
            except ValueError:
                return text
        if tag == _FLOAT:
            try:
                return float(text)
            except ValueError:
                return text
        return text


def dotted(path: Path) -> str:
    """Render a path as ``statements[3].sources[0].quote``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def read_yaml(text: str, file: str) -> tuple[Any, dict[Path, int], list[Problem]]:
    """Read one YAML document. Returns (data, line of each path, problems)."""
    reader = _Reader(file)
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        what = exc.problem or str(exc)
        ctx = f" ({exc.context})" if exc.context else ""
        return None, {}, [Problem(file, line, "(syntax)", f"malformed YAML: {what}{ctx}")]
    except yaml.YAMLError as exc:
        return None, {}, [Problem(file, 1, "(syntax)", f"malformed YAML: {exc}")]
    if node is None:
        return None, {(): 1}, []
    data = reader.value(node, ())
    return data, reader.lines, reader.problems
