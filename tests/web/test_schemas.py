"""The JSON twins hold the CLI's documented shapes: each answer validates against the library's JSON Schema
for that command (src/allegiance/schemas/), read as installed package data."""

from __future__ import annotations

import json
from importlib.resources import files
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

SCHEMAS = Path(str(files("allegiance") / "schemas"))
ALL = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(SCHEMAS.glob("*.json"))}
REGISTRY = Registry().with_resources([(s["$id"], Resource.from_contents(s)) for s in ALL.values()])


def check(name: str, instance) -> None:
    v = Draft202012Validator(ALL[name], registry=REGISTRY, format_checker=Draft202012Validator.FORMAT_CHECKER)
    errs = [f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message[:200]}"
            for e in sorted(v.iter_errors(instance), key=lambda e: list(e.absolute_path))]
    assert errs == [], (name, errs[:5])


CASES = [
    ("/can.json?action=bring-russian-forces-into-blr&in=union-state&mode=threatened-period", [("can", None)]),
    ("/can.json?action=bring-russian-forces-into-blr&in=union-state&consent=BLR,RUS", [("can", None)]),
    ("/who-commands.json?force=urads&in=union-state&mode=threatened-period", [("who-commands", None)]),
    ("/verify.json?in=union-state&property=no-foreign-forces-without-blr-consent", [("verify", None)]),
    ("/diff.json?a=union-state&b=sidorov-armenia-model&state=BLR", [("diff", None)]),
    ("/timeline.json?state=BLR&from=2014-01-01&to=2020-12-31", [("timeline", None)]),
    ("/sources.json", [("sources", None)]),
    ("/sources/sivitsky-2020.json", [("sources", None)]),
    ("/conflicts.json", [("conflicts", None)]),
    ("/arrangements.json", [("arrangements", None)]),
    ("/states/BLR.json?as_of=2020-07-01", [("status", "status"), ("timeline", "timeline"), ("assess", "brief"),
                                           ("changes", "changes")]),
    ("/arrangements/union-state.json?mode=wartime", [("vetoes", "vetoes")]),
    ("/record.json?arrangement=union-state", [("record", None)]),
    ("/record.json?arrangement=union-state&from=2022&to=2022", [("record", None)]),
    ("/can.json?action=use-blr-territory-against-neighbour&in=union-state&mode=wartime&as_of=2030-01-01",
     [("can", None)]),
]


@pytest.mark.parametrize("url,parts", CASES, ids=[c[0] for c in CASES])
def test_twin_validates_against_the_cli_schema(client, url, parts):
    body = client.get(url).json()
    for schema, key in parts:
        check(schema, body if key is None else body[key])


def test_arrangement_page_parts(client):
    body = client.get("/arrangements/union-state.json?mode=threatened-period").json()
    for answer in body["command"].values():
        check("who-commands", answer)
    for answer in body["power"].values():
        check("power", answer)
    check("arrangements", {"count": 1, "arrangements": [body["arrangement"]]})
