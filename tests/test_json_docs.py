"""docs/json.md and the JSON Schemas (src/allegiance/schemas/) say the same thing.

Each command's section of docs/json.md (headed ``allegiance COMMAND ... --json``)
is read for the keys it documents: keys in its JSON examples, in its
``{key, key: ...}`` summaries, and in the first column of its tables. Every key
documented must be a key of that command's schema, and every key of the schema
must be named in the section or in one of the shared sections (the statement,
citation, source, proof and dataset objects). The doc stays hand-written prose;
this test keeps it honest.
"""

from __future__ import annotations

import json
import re
from importlib.resources import files
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "json.md"
SCHEMAS = Path(str(files("allegiance") / "schemas"))
KEY = re.compile(r"^[a-z_][a-z0-9_]*$")
# sections that describe pieces every command shares (common.json)
SHARED_SECTIONS = ("The statement object", "Rules: citations in answers", "The proof object")


def sections(text: str) -> dict[str, str]:
    out, title, buf = {}, "(top)", []
    for line in text.splitlines():
        m = re.match(r"^#{2,3} (.*)", line)
        if m:
            out[title] = "\n".join(buf)
            title, buf = m.group(1).strip(), []
        else:
            buf.append(line)
    out[title] = "\n".join(buf)
    return out


def command_of(title: str) -> str | None:
    """``allegiance data import KIND PATH --json`` -> ``data-import``; None for a section that is not a command's."""
    m = re.match(r"^`allegiance ((?:[a-z][a-z-]*)(?: [a-z][a-z-]*)?)", title)
    if not m:
        return None
    words = m.group(1).split()
    return "-".join(words) if words[0] in ("data", "sources") and len(words) > 1 else words[0]


def documented(body: str) -> tuple[set[str], set[str]]:
    """(keys the section documents, every key-like word it mentions in code)."""
    strict, mentioned = set(), set()
    for block in re.findall(r"```json\n(.*?)```", body, re.S):
        strict |= set(re.findall(r'"([a-z_][a-z0-9_]*)"\s*:', block))
        mentioned |= set(re.findall(r'"([A-Za-z_][A-Za-z0-9_-]*)"', block))  # CSL-JSON's keys: URL, date-parts
    prose = re.sub(r"```.*?```", "", body, flags=re.S)
    for span in re.findall(r"`([^`]+)`", prose):
        words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_-]*", span))
        mentioned |= words
        if "{" in span:  # a summary: keys follow "{", "," or "[" and precede ",", ":", "}" or "]"
            strict |= set(re.findall(r"(?:^|[{,\[])\s*([a-z_][a-z0-9_]*)\??\s*(?=[,:}\]]|$)", span))
    for row in re.findall(r"^\| (`[^|]*`) \|", prose, re.M):
        strict |= {w for w in re.findall(r"`([^`]+)`", row) if KEY.match(w)}
    return strict, mentioned | strict


def schema_keys(schema: dict, *, follow: bool) -> set[str]:
    """The property names of a schema (its own $defs included); with ``follow``, those of what it refers to."""
    files = {p.name: json.loads(p.read_text()) for p in SCHEMAS.glob("*.json")}
    seen, out = set(), set()

    def walk(node) -> None:
        if isinstance(node, list):
            for v in node:
                walk(v)
            return
        if not isinstance(node, dict):
            return
        for name, sub in node.get("properties", {}).items():
            out.add(name)
            walk(sub)
        for key in ("items", "additionalProperties", "propertyNames"):
            walk(node.get(key))
        for key in ("prefixItems", "anyOf", "oneOf", "allOf"):
            walk(node.get(key, []))
        walk(list(node.get("$defs", {}).values()))
        ref = node.get("$ref", "#")
        if follow and not ref.startswith("#") and ref not in seen:
            seen.add(ref)
            target, _, pointer = ref.partition("#")
            sub = files[target]
            for part in [p for p in pointer.split("/") if p]:
                sub = sub[part]
            walk(sub)

    walk(schema)
    return out


SECTIONS = sections(DOC.read_text(encoding="utf-8"))
COMMANDS: dict[str, list[str]] = {}
for _title in SECTIONS:
    if (_c := command_of(_title)) is not None:
        COMMANDS.setdefault(_c, []).append(_title)
SHARED = set().union(*(documented(SECTIONS[t])[1] for t in SHARED_SECTIONS))


def _schema(name: str) -> dict:
    return json.loads((SCHEMAS / f"{name}.json").read_text())


def test_every_schema_has_a_section_and_every_section_a_schema():
    names = {p.stem for p in SCHEMAS.glob("*.json")} - {"common"}
    assert set(COMMANDS) == names
    for t in SHARED_SECTIONS:
        assert t in SECTIONS


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_documented_key_is_in_the_schema(command):
    strict = set().union(*(documented(SECTIONS[t])[0] for t in COMMANDS[command]))
    unknown = strict - schema_keys(_schema(command), follow=True)
    assert not unknown, f"docs/json.md documents keys that {command}.json does not have: {sorted(unknown)}"


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_key_of_the_schema_is_documented(command):
    mentioned = set().union(*(documented(SECTIONS[t])[1] for t in COMMANDS[command]))
    missing = schema_keys(_schema(command), follow=False) - mentioned - SHARED
    assert not missing, f"{command}.json has keys that its section of docs/json.md does not name: {sorted(missing)}"


def test_every_shared_key_is_documented():
    """The shared pieces (common.json) are named in the shared sections or where a command uses them."""
    everything = set().union(*(documented(b)[1] for b in SECTIONS.values()))
    missing = schema_keys(_schema("common"), follow=False) - everything
    assert not missing, f"common.json has keys that docs/json.md does not name: {sorted(missing)}"


def test_the_reader_finds_keys_in_each_form():
    body = ('```json\n{"state": "BLR", "rows": [{"x_y": 1}]}\n```\n'
            "`{as_of, labels: [label ids that hold], values: {STATE: true | false | null}}` and `mode`\n"
            "| `id`, `kind` | string | ... |\n")
    strict, mentioned = documented(body)
    assert strict == {"state", "rows", "x_y", "as_of", "labels", "values", "id", "kind"}
    assert {"mode", "hold", "null"} <= mentioned
    assert command_of("`allegiance data import KIND PATH --json`") == "data-import"
    assert command_of("`allegiance status --all --as-of DAY --json`") == "status"
    assert command_of("The proof object") is None


def test_every_key_of_the_shared_sections_is_in_common_json():
    strict = set().union(*(documented(SECTIONS[t])[0] for t in SHARED_SECTIONS))
    unknown = strict - schema_keys(_schema("common"), follow=False)
    assert not unknown, f"docs/json.md's shared sections document keys common.json does not have: {sorted(unknown)}"
