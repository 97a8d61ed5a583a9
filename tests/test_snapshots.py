"""What users read, pinned: the plain text of every query command, the brief in Markdown and HTML, the proof tree.

Each output is the real CLI's (Typer's runner) on a fixed question with fixed
dates; the facts-layer commands ask the small fixture knowledge base (so their
snapshots change only when the rendering does), the rules and status commands
the shipped one, the measure commands the fixture votes. What varies from
machine to machine (the data store's path, import times) is scrubbed. Update
deliberately: ``pytest tests/test_snapshots.py --snapshot-update``, and read
the diff.
"""

from __future__ import annotations

import pytest

from tests.cli_cases import CASES, scrub

# too long to read in a review (the shipped knowledge base's whole record); their renderers are pinned
# through the small knowledge base's cases instead
NOT_PINNED = {"facts-blr-2020", "facts-fin-2024", "facts-blr-2023-known-by-2020", "timeline-blr-2014-2020",
              "timeline-fin", "sources", "sources-sivitsky", "sources-footnote", "conflicts", "can-any-mode",
              "assess-blr-json", "assess-fin-json", "record-all",
              # the file's path and the knowledge base's checksum, which changes with every edit of it
              "panel-dta", "data-cite-posture"}
PINNED = [c for c in CASES if c.id not in NOT_PINNED]


def _command_of(args: tuple[str, ...]) -> str:
    """The command a case runs: a group's word is resolved as the group resolves it (``sources ID`` is
    ``sources show``)."""
    import click
    from typer.main import get_command

    from allegiance.cli import app

    words = [a for a in args if not a.startswith("-")][:2]
    group = get_command(app).commands.get(words[0])
    if hasattr(group, "commands") and len(words) > 1:
        name, _, _ = group.resolve_command(click.Context(group), words[1:])
        return f"{words[0]} {name}"
    return words[0]


def test_every_command_has_a_pinned_text():
    """Each command with a renderer has at least one snapshot, and both brief formats are pinned."""
    from allegiance.cli import command_names

    pinned = {_command_of(c.args) for c in PINNED}
    # check: tests/cli/test_facts.py; data import: below; serve starts a server, whose pages are checked by
    # tests/web/ (not snapshots: their HTML is parsed and audited)
    untested = set(command_names()) - pinned - {"check", "data import", "serve"}
    assert not untested
    formats = {c.args[c.args.index("--format") + 1] for c in PINNED if "--format" in c.args}
    assert formats == {"md", "html"}


@pytest.mark.parametrize("case", PINNED, ids=lambda c: c.id)
def test_text(cli, case, snapshot):
    text = scrub(cli.run(case))
    assert text.strip()
    assert str(cli.root) not in text
    assert text == snapshot


def test_data_import_text(cli, snapshot):
    """The import report: each file the first time, and the same file again (nothing changes)."""
    assert "\n".join(scrub(first) + scrub(again) for _, first, _, again in cli.imports) == snapshot


def test_scrub_removes_paths_and_times():
    assert scrub("data store: /home/me/x.duckdb\nimported 2026-12-05T04:33:46+00:00, ok") == \
        "data store: <data-store>\nimported <imported-at>, ok"
    assert scrub('{"store": "/tmp/a/data.duckdb", "n": 1}') == '{"store": "<data-store>", "n": 1}'


def test_proof_renderer(snapshot):
    """The plain-text proof tree: results yes, no and unknown, refs, places, details, sources with and without
    a locator, nesting."""
    from allegiance.rules.proof import Proof, render_proof

    cite = {"source": "paper-2020", "quote": "the Council decides by consensus", "locator": "p. 3"}
    tree = Proof("action", "Open a base — in peacetime", None, ref="open-base", where="x.yaml:10", children=[
        Proof("provision", "Bases need the Council (in force from 2017)", True, ref="bases", where="x.yaml:20",
              sources=[cite], children=[
                  Proof("decision", "The Council decides by consensus", True, ref="council", detail="2 of 2 consent",
                        children=[Proof("vote", "BLR.president votes yes", True, ref="BLR.president"),
                                  Proof("vote", "RUS.president votes yes", True, ref="RUS.president")])]),
        Proof("provision", "Nothing in force before 2017", None, detail="not in force on 2016-06-01",
              sources=[{"source": "news-2022", "quote": "no rule yet", "locator": None}]),
        Proof("never", "prohibited: no attack from the territory", False),
    ])
    assert render_proof(tree) == snapshot
    assert render_proof(tree, indent="  ") == snapshot


def test_proof_renderer_on_a_real_proof(cli, snapshot):
    """A proof the engine made, rebuilt from its JSON and rendered: the same text the can command prints."""
    import json

    from allegiance.rules.proof import Proof, render_proof

    case = next(c for c in CASES if c.id == "can-consent")
    data = json.loads(cli.run(case, as_json=True))["proof"]

    def build(d):
        return Proof(d["kind"], d["label"], d["result"], ref=d["ref"], where=d["where"], detail=d["detail"],
                     sources=d["sources"], children=[build(c) for c in d["children"]])

    text = render_proof(build(data), indent="  ")
    assert text.rstrip("\n") in cli.run(case)
    assert text == snapshot
