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


# ---------------------------------------------------------------------- the rulebook kept with the compiled store

def _kb_with_arrangement(root: Path) -> Path:
    kb = root / "kb"
    shutil.copytree(KB_SMALL, kb)
    (kb / "arrangements").mkdir()
    (kb / "arrangements" / "test-holds.yaml").write_text(HOLDS, encoding="utf-8")
    return kb


def _open_rules_fresh(kb: Path, cache: Path):
    """open_rules on a newly opened store (nothing kept in the process), as a later CLI call does."""
    from allegiance.facts.store import open_store

    store = open_store(kb, cache_dir=cache)
    return store, api.open_rules(store)


def _no_yaml(monkeypatch):
    import allegiance.facts._yaml as y

    def refuse(*a, **k):
        raise AssertionError("an arrangement file was read")

    monkeypatch.setattr(y, "read_yaml", refuse)


def test_a_warm_open_rules_reads_no_arrangement_file(tmp_path, monkeypatch):
    kb, cache = _kb_with_arrangement(tmp_path), tmp_path / "cache"
    ask = dict(arrangement="test-holds", mode="peacetime", as_of=date(2021, 6, 1), consent=["BLR.president"])
    store, first = _open_rules_fresh(kb, cache)
    with store:
        answer = api.can(first, "station", **ask)
    assert list(cache.glob("kb-*.rulebook-*.pickle"))
    _no_yaml(monkeypatch)
    store, warm = _open_rules_fresh(kb, cache)
    with store:
        assert warm.book.arrangements.keys() == first.book.arrangements.keys() == {"test-holds"}
        assert warm.book.arrangements["test-holds"].model == first.book.arrangements["test-holds"].model
        assert api.can(warm, "station", **ask) == answer


def test_a_changed_added_or_removed_arrangement_file_is_read_afresh(tmp_path):
    kb, cache = _kb_with_arrangement(tmp_path), tmp_path / "cache"
    store, _ = _open_rules_fresh(kb, cache)
    store.close()
    path = kb / "arrangements" / "test-holds.yaml"
    path.write_text(HOLDS.replace("name: A provision that rests on a statement", "name: Renamed"), encoding="utf-8")
    store, rules = _open_rules_fresh(kb, cache)
    with store:
        assert rules.book.arrangements["test-holds"].model.name == "Renamed"
    (kb / "arrangements" / "second.yaml").write_text(HOLDS.replace("id: test-holds", "id: second"), encoding="utf-8")
    store, rules = _open_rules_fresh(kb, cache)
    with store:
        assert set(rules.book.arrangements) == {"test-holds", "second"}
    path.unlink()
    store, rules = _open_rules_fresh(kb, cache)
    with store:
        assert set(rules.book.arrangements) == {"second"}
    assert len(list(cache.glob("kb-*.rulebook-*.pickle"))) == 1  # the older ones are pruned


def test_an_arrangement_file_with_problems_still_raises_when_warm(tmp_path):
    from allegiance.errors import KnowledgeBaseError

    kb, cache = _kb_with_arrangement(tmp_path), tmp_path / "cache"
    store, _ = _open_rules_fresh(kb, cache)
    store.close()
    (kb / "arrangements" / "test-holds.yaml").write_text(HOLDS.replace("kind: bilateral", "kind: 7"),
                                                        encoding="utf-8")
    with pytest.raises(KnowledgeBaseError):
        _open_rules_fresh(kb, cache)


def test_the_kept_rulebook_depends_on_the_code_that_reads_it(tmp_path):
    """A change to the rules code (or the facts code it reads arrangements with) names a new blob."""
    import allegiance.rules.rulebook as rb

    kb = _kb_with_arrangement(tmp_path)
    inputs = {p.name for p in rb._rulebook_inputs(kb / "arrangements")}
    assert {"test-holds.yaml", "load.py", "check.py", "model.py", "decision.py", "conditions.py", "rulebook.py",
            "_yaml.py", "time.py"} <= inputs
    rules_dir = Path(rb.__file__).resolve().parent
    assert {p.name for p in rules_dir.glob("*.py")} <= inputs


def test_a_warm_rules_call_imports_no_parser(tmp_path):
    """Unpickling the rulebook needs neither PyYAML nor the checks nor the facts loader (nor their imports)."""
    import subprocess
    import sys

    kb, cache = _kb_with_arrangement(tmp_path), tmp_path / "cache"
    store, _ = _open_rules_fresh(kb, cache)
    store.close()
    code = ("import sys; from allegiance.facts.store import open_store; from allegiance.rules import open_rules, can; "
            f"s = open_store({str(kb)!r}, cache_dir={str(cache)!r}); r = open_rules(s); "
            "can(r, 'station', arrangement='test-holds', mode='peacetime'); "
            "print(sorted(m for m in ('yaml', 'allegiance.rules.check', 'allegiance.facts.load') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
