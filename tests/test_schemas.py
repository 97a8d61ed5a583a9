"""Every --json output has a JSON Schema (src/allegiance/schemas/), and real answers validate against it.

The schemas are draft 2020-12; pieces shared between commands (a citation, a
statement, a source, a proof node, a dataset) live once in ``common.json`` and
are referenced from the others, so a change to one shape is one edit.
"""

from __future__ import annotations

import copy
import json
from importlib.resources import files
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from tests.cli_cases import CASES, IMPORT_KINDS, import_path

SCHEMAS = Path(str(files("allegiance") / "schemas"))  # as installed: package data
SHARED = {"common"}  # schema files that are pieces, not a command's output
# commands whose JSON is asked for otherwise than with --json (assess: --format json)
FORMAT_JSON = {"assess"}


def load() -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(SCHEMAS.glob("*.json"))}


ALL = load()
REGISTRY = Registry().with_resources([(s["$id"], Resource.from_contents(s)) for s in ALL.values()])


def validator(name: str) -> Draft202012Validator:
    return Draft202012Validator(ALL[name], registry=REGISTRY, format_checker=Draft202012Validator.FORMAT_CHECKER)


def errors(name: str, instance) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message[:300]}"
            for e in sorted(validator(name).iter_errors(instance), key=lambda e: list(e.absolute_path))]


def json_commands() -> dict[str, object]:
    """Every command (sub-commands as "data import") that can print JSON: a --json flag, or --format json."""
    import typer.main

    from allegiance.cli import app

    found = {}

    def walk(cmd, path):
        opts = {o for p in cmd.params for o in getattr(p, "opts", [])}
        if path and ("--json" in opts or (path[-1] in FORMAT_JSON and "--format" in opts)):
            found[" ".join(path)] = cmd  # a command, or a group that answers by itself (sources)
        if hasattr(cmd, "commands"):  # a group (Typer's, built on Click)
            for name, sub in cmd.commands.items():
                walk(sub, path + [name])

    walk(typer.main.get_command(app), [])
    return found


#: sub-commands that answer in their group's shape (``sources show ID`` is ``sources ID``)
SAME_AS = {"sources show": "sources"}


def schema_name(command: str) -> str:
    return SAME_AS.get(command, command.replace(" ", "-"))


# ------------------------------------------------------------------ the schemas themselves


@pytest.mark.parametrize("name", sorted(ALL))
def test_schema_is_a_valid_draft_2020_12_schema(name):
    s = ALL[name]
    Draft202012Validator.check_schema(s)
    assert s["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert s["$id"].endswith(f"/{name}.json")


def _refs(node, out):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref":
                out.append(v)
            else:
                _refs(v, out)
    elif isinstance(node, list):
        for v in node:
            _refs(v, out)
    return out


@pytest.mark.parametrize("name", sorted(ALL))
def test_every_reference_resolves(name):
    resolver = REGISTRY.resolver(base_uri=ALL[name]["$id"])
    for ref in _refs(ALL[name], []):
        resolver.lookup(ref)  # raises when it does not resolve


def _objects(node, path="#"):
    if isinstance(node, dict):
        if node.get("type") == "object" and "properties" in node:
            yield path, node
        for k, v in node.items():
            yield from _objects(v, f"{path}/{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _objects(v, f"{path}/{i}")


@pytest.mark.parametrize("name", sorted(ALL))
def test_objects_with_fixed_keys_are_closed(name):
    """An object that lists its properties says which are required and refuses others (unless it says why not)."""
    for path, o in _objects(ALL[name]):
        assert set(o.get("required", [])) <= set(o["properties"]), path
        if o.get("additionalProperties") is not False:
            assert "description" in o and "further keys" in o["description"], f"{name}{path}: open without a reason"


def test_the_citation_is_defined_once():
    """Every citation (facts, rules and status layers) is common.json's one definition; proof nodes carry its
    brief view (the same keys' schemas, four of them), so that the full citation is given once per answer.

    The only other object with a quoted passage is the brief's footnote (``assess``), which numbers it.
    """
    quoting = [(n, path) for n, s in ALL.items() for path, o in _objects(s) if "quote" in o["properties"]]
    assert sorted(quoting) == [("assess", "#/properties/footnotes/items"), ("common", "#/$defs/citation"),
                               ("common", "#/$defs/citation_brief")]
    defs = ALL["common"]["$defs"]
    assert all(defs["citation_brief"]["properties"][k] == defs["citation"]["properties"][k]
               for k in defs["citation_brief"]["properties"])
    # one shape: every key of the citation is always present
    assert set(defs["citation"]["required"]) == set(defs["citation"]["properties"])
    text = {n: json.dumps(s) for n, s in ALL.items()}
    cited = {n for n, t in text.items() if "common.json#/$defs/citation" in t}
    assert cited >= {"can", "who-commands", "vetoes", "power", "verify", "status"}
    assert '"sources": {"type": "array", "items": {"$ref": "common.json#/$defs/citation_brief"}' in text["common"]


# ------------------------------------------------------------------ every command has one


def test_every_command_with_json_output_has_a_schema():
    commands = json_commands()
    assert {"facts", "can", "status", "data versions", "align", "ideal", "assess"} <= set(commands)
    missing = sorted(c for c in commands if schema_name(c) not in ALL)
    assert not missing, f"add src/allegiance/schemas/<name>.json for: {missing}"


def test_a_new_command_with_json_and_no_schema_would_be_caught():
    import typer

    from allegiance.cli import app

    @app.command("brand-new")
    def brand_new(as_json: bool = typer.Option(False, "--json")) -> None:
        """A command added without a schema."""

    try:
        assert "brand-new" in json_commands() and "brand-new" not in ALL
    finally:
        app.registered_commands.pop()
    assert "brand-new" not in json_commands()


def test_every_schema_belongs_to_a_command():
    stale = set(ALL) - SHARED - {schema_name(c) for c in json_commands()}
    assert not stale, f"schemas without a command: {sorted(stale)}"


def test_every_schema_is_checked_against_real_output():
    checked = {c.schema for c in CASES if c.schema} | {"data-import"}
    assert checked == set(ALL) - SHARED


# ------------------------------------------------------------------ real answers validate


@pytest.mark.parametrize("case", [c for c in CASES if c.schema], ids=lambda c: c.id)
def test_output_matches_its_schema(cli, case):
    out = json.loads(cli.run(case, as_json=True))
    assert errors(case.schema, out) == []


def test_data_import_matches_its_schema(cli, tmp_path):
    """Each status of an import: imported (a fresh store), replaced (--force), unchanged (the same file again)."""
    assert [k for k, *_ in cli.imports] == ["unvotes_published", *IMPORT_KINDS]
    for _kind, _first, forced, _again in cli.imports:
        assert forced["status"] == "replaced"
        assert errors("data-import", forced) == []
    for status, args in (("imported", ["--data", str(tmp_path / "fresh.duckdb")]), ("unchanged", [])):
        out = json.loads(cli.invoke(["data", "import", "un_votes", str(import_path("un_votes")), "--json", *args]))
        assert out["status"] == status and errors("data-import", out) == []


def test_status_one_and_all_are_told_apart(cli):
    """status.json is one state's answer or --all's table, never a mixture of both."""
    one = json.loads(cli.run(next(c for c in CASES if c.id == "status-blr-2020"), as_json=True))
    every = json.loads(cli.run(next(c for c in CASES if c.id == "status-all-2022"), as_json=True))

    def branch(name):
        return Draft202012Validator({"$ref": ALL["status"]["$id"] + f"#/$defs/{name}"}, registry=REGISTRY)

    assert branch("one").is_valid(one) and not branch("all").is_valid(one)
    assert branch("all").is_valid(every) and not branch("one").is_valid(every)
    assert errors("status", {**one, **{k: every[k] for k in ("count", "states")}}) != []


# ------------------------------------------------------------------ the schemas are tight


@pytest.fixture(scope="module")
def answers(cli):
    pick = {"facts-blr-2020", "can-threatened", "who-commands-urads", "verify-counterexample", "status-blr-2020",
            "changes-fin", "align-kappa", "data-versions"}
    return {c.id: (c.schema, json.loads(cli.run(c, as_json=True))) for c in CASES if c.id in pick}


def _mutations(doc):
    """Copies of ``doc``, each wrong in one way: an unknown key, a required key missing, a wrong type."""
    def objects(node, path=()):
        if isinstance(node, dict):
            yield path, node
            for k, v in node.items():
                yield from objects(v, path + (k,))
        elif isinstance(node, list):
            for i, v in enumerate(node[:2]):
                yield from objects(v, path + (i,))

    for path, o in list(objects(doc)):
        if not o:
            continue
        key = next(iter(o))
        for kind in ("extra", "missing", "type"):
            bad = copy.deepcopy(doc)
            target = bad
            for p in path:
                target = target[p]
            if kind == "extra":
                target["not_a_documented_key"] = 1
            elif kind == "missing":
                del target[key]
            else:
                target[key] = {"wrong": "type"}
            yield f"{kind} at {'/'.join(map(str, path + (key,)))}", bad


# the keys (first of their object) these answers may lack: a dataset's coverage depends on its kind
OPTIONAL = {"data-versions": {"co", "roll_calls", "sessions"}}


@pytest.mark.parametrize("which", ["facts-blr-2020", "can-threatened", "who-commands-urads", "verify-counterexample",
                                   "status-blr-2020", "changes-fin", "align-kappa", "data-versions"])
def test_schema_refuses_unknown_missing_and_mistyped_keys(answers, which):
    name, doc = answers[which]
    assert errors(name, doc) == []
    loose = []
    for what, bad in _mutations(doc):
        if not errors(name, bad):
            loose.append(what)
    # keys documented as optional may go missing; everything else must be caught
    optional = {w.rsplit("/", 1)[-1] for w in loose if w.startswith("missing")}
    assert optional == OPTIONAL.get(which, set()), f"{name}.json: keys it lets go missing"
    loose = [w for w in loose if not w.startswith("missing")]
    assert not loose, f"{name}.json accepts: {loose[:10]}"


def test_enums_refuse_values_outside_them(answers):
    _, can = answers["can-threatened"]
    assert errors("can", {**can, "proof": {**can["proof"], "kind": "guess"}})
    _, st = answers["status-blr-2020"]
    assert errors("status", {**st, "holding": ["neutralish"]})
    crit = copy.deepcopy(st)
    crit["criteria"][0]["result"] = "maybe"
    assert errors("status", crit)
    _, facts = answers["facts-blr-2020"]
    bad = copy.deepcopy(facts)
    bad["statements"][0]["as_of"] = None
    bad["statements"][1]["sources"] = []
    assert len(errors("facts", bad)) == 2
