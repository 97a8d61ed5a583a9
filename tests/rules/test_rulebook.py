"""The rulebook: picklable (the start-up cache keeps it in the compiled store), records know their paths,
statements read through the facts layer's one Span (supersession honoured), and a bounded typed memo."""

from __future__ import annotations

import pickle
import shutil
import textwrap
from datetime import date
from pathlib import Path

import pytest

import allegiance.rules as api
from allegiance.rules.memo import ActionKey, Memo
from allegiance.rules.rulebook import Rules

KB_SMALL = Path(__file__).resolve().parent.parent / "fixtures" / "kb_small"

HOLDS = textwrap.dedent("""\
    id: test-holds
    name: A provision that rests on a statement
    kind: bilateral
    parties: [BLR, RUS]
    described_as_of: "2023-01-01"
    description: Test.
    sources: [{source: paper-2020, quote: the President spoke}]
    modes: [peacetime]
    actions:
      - id: station
        name: Station troops
        provisions:
          - id: p1
            requires: {all: [{holds: no-troops}, {consent: BLR.president}]}
            sources: [{source: paper-2020, quote: the President spoke}]
    """)


@pytest.fixture(scope="module")
def small_rules(tmp_path_factory):
    from tests.conftest import in_memory_store

    kb = tmp_path_factory.mktemp("kb")
    shutil.copytree(KB_SMALL, kb, dirs_exist_ok=True)
    (kb / "arrangements").mkdir()
    (kb / "arrangements" / "test-holds.yaml").write_text(HOLDS, encoding="utf-8")
    gen = in_memory_store(kb)
    store = next(gen)
    yield api.open_rules(store, kb / "arrangements")
    gen.close()


def test_a_provision_on_a_superseded_statement_does_not_hold(small_rules):
    """no-troops is superseded by troops-2022 (from 2022-02-10): the status layer reads it as 'no' after that,
    and so must the rules layer (it used to read the statement's own dates and say 'yes')."""
    from allegiance.facts.query import statement_spans

    spans = statement_spans(small_rules.store)
    assert spans["no-troops"].holds(date(2023, 1, 1)) == "no"
    before = api.can(small_rules, "station", arrangement="test-holds", mode="peacetime", as_of=date(2021, 6, 1),
                     consent=["BLR"])
    after = api.can(small_rules, "station", arrangement="test-holds", mode="peacetime", as_of=date(2023, 1, 1),
                    consent=["BLR"])
    assert before["permitted"] is True and before["possible"] is True
    assert after["permitted"] is False and after["possible"] is False
    holds = after["proof"]["children"][0]["children"][0]["children"][0]
    assert holds["kind"] == "holds" and holds["result"] is False
    assert holds["sources"][0]["statement"] == "no-troops"  # a statement's citation names its statement


def test_the_rulebook_pickles_and_answers_the_same(rules):
    book = pickle.loads(pickle.dumps(rules.book))
    again = Rules(rules.store, book)
    for mode in ("peacetime", "threatened-period", None):
        kw = dict(arrangement="union-state", mode=mode, consent=["BLR", "RUS"])
        assert api.can(again, "bring-russian-forces-into-blr", **kw) == api.can(
            rules, "bring-russian-forces-into-blr", **kw)
    arr = book.arrangements["union-state"]
    prov = arr.model.actions[0].provisions[0]
    assert prov.path == ("actions", 0, "provisions", 0)
    assert prov.model_copy().path == prov.path  # the path travels with copies too


def test_the_memo_is_typed_and_bounded():
    memo = Memo(size=2)
    keys = [ActionKey("a", f"x{i}", None, date(2020, 1, 1), True) for i in range(3)]
    for i, k in enumerate(keys):
        memo.put(k, i)
    assert keys[0] not in memo and memo.get(keys[2]) == 2  # the least recently used went first
    assert memo.get(keys[0], "missing") == "missing"
