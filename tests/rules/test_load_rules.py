"""Every validation branch of the arrangement loader: a located error, and nothing loaded."""

from __future__ import annotations

import textwrap

import pytest

from allegiance.errors import KnowledgeBaseError
from allegiance.rules.load import load_arrangements

BASE = textwrap.dedent("""\
    id: test-arr
    name: A test arrangement
    kind: union
    parties: [BLR, RUS]
    described_as_of: "2020-12-31"
    description: Test.
    basis: [union-state-founded]
    transitions:
      - id: go
        from: peacetime
        to: wartime
        requires: {decision: council}
        basis: [ssc-activation-wartime]
    bodies:
      - id: council
        name: Council
        basis: [ssc-part-of-union-state]
        members:
          - {player: BLR.president}
          - {player: RUS.president}
        rule: {kind: consensus}
    forces:
      - id: joint
        name: Joint force
        basis: [rgf-part-of-union-state]
        command:
          - modes: [wartime]
            commander: BLR.chief-of-general-staff
            reports_to: council
            basis: [rgf-commanded-by-blr-cgs-wartime]
          - modes: [peacetime]
            exists: false
            basis: [rgf-not-in-peacetime]
    actions:
      - id: enter
        name: Enter
        territory: BLR
        effects: [foreign-forces-enter]
        provisions:
          - id: p1
            requires: {all: [{mode: [wartime]}, {decision: council}]}
            basis: [ssc-ratifies-equipment-entry-wartime]
    """)


def load(tmp_path, store, text, name="test.yaml"):
    d = tmp_path / "arr"
    d.mkdir(exist_ok=True)
    (d / name).write_text(text, encoding="utf-8")
    return load_arrangements(store, d)


def problems(tmp_path, store, text):
    with pytest.raises(KnowledgeBaseError) as exc:
        load(tmp_path, store, text)
    return [(p.line, p.field, p.message) for p in exc.value.problems]


def test_base_fixture_loads(tmp_path, shipped_store):
    book = load(tmp_path, shipped_store, BASE)
    assert list(book.arrangements) == ["test-arr"]


@pytest.mark.parametrize("old,new,line,field,message", [
    ("requires: {decision: council}", "requires: {decision: senate}", 12, "transitions[0].requires.decision",
     "unknown body 'senate'"),
    ("- {player: RUS.president}", "- {player: RUS.tsar}", 20, "bodies[0].members[1].player", "unknown player 'RUS.tsar'"),
    ("- {player: RUS.president}", "- {player: rgf}", 20, "bodies[0].members[1].player", "a player must be an office"),
    ("to: wartime", "to: siege", 11, "transitions[0].to", "Input should be"),
    ("requires: {all: [{mode: [wartime]}, {decision: council}]}",
     "requires: {all: [{mode: [wartime]}, {decsion: council}]}", 41, "actions[0].provisions[0].requires.all[1].decsion",
     "unknown condition 'decsion'"),
    ("rule: {kind: consensus}", "rule: {kind: majority, count: 3}", 21, "bodies[0].rule.count",
     "a threshold no coalition can reach: 3 of 2 members"),
    ("rule: {kind: consensus}", "rule: {kind: weighted, weights: {BLR.president: 1, RUS.president: 1}, quota: 3}",
     21, "bodies[0].rule.quota", "a threshold no coalition can reach"),
    ("rule: {kind: consensus}", "rule: {kind: majority, at_least: 3/2}", 21, "bodies[0].rule.at_least",
     "a share between 0 and 1"),
    ("rule: {kind: consensus}", "rule: {kind: consensus, quota: 2}", 21, "bodies[0].rule.quota",
     "not used by a 'consensus' rule"),
    ("rule: {kind: consensus}", "rule: {kind: weighted, weights: {BLR.president: 1, RUS.president: 1}}", 21,
     "bodies[0].rule.quota", "a 'weighted' rule needs quota"),
    ("rule: {kind: consensus}", "rule: {kind: plurality}", 21, "bodies[0].rule", "does not match any of the expected"),
    ("    basis: [ssc-part-of-union-state]\n", "", 15, "bodies[0]", "no evidence"),
    ("basis: [union-state-founded]", "basis: [no-such-statement]", 7, "basis[0]", "unknown statement"),
    ("      - modes: [peacetime]\n        exists: false\n",
     "      - modes: [wartime]\n        exists: false\n", 31, "forces[0].command[1].modes",
     "contradictory command"),
    ("        exists: false\n", "        exists: false\n        commander: BLR.president\n", 33,
     "forces[0].command[1].commander", "contradictory"),
    ("described_as_of: \"2020-12-31\"", "described_as_of: \"2020-02-30\"", 5, "described_as_of", ""),
])
def test_located_errors(tmp_path, shipped_store, old, new, line, field, message):
    assert old in BASE
    found = problems(tmp_path, shipped_store, BASE.replace(old, new, 1))
    assert any(f == field and message in m and ln == line for ln, f, m in found), found


def test_transition_to_undeclared_mode(tmp_path, shipped_store):
    text = BASE.replace("kind: union\n", "kind: union\nmodes: [peacetime, wartime]\n", 1).replace(
        "to: wartime", "to: threatened-period", 1)
    found = problems(tmp_path, shipped_store, text)
    assert any(f == "transitions[0].to" and "undeclared mode 'threatened-period'" in m for _, f, m in found), found


def test_command_chain_cycle(tmp_path, shipped_store):
    old = """      - modes: [wartime]
        commander: BLR.chief-of-general-staff
        reports_to: council
        basis: [rgf-commanded-by-blr-cgs-wartime]
"""
    assert old in BASE
    text = BASE.replace(old, """      - modes: [wartime]
        part_of: other
        basis: [rgf-commanded-by-blr-cgs-wartime]
  - id: other
    name: Other
    basis: [rgf-part-of-union-state]
    command:
      - modes: [wartime]
        part_of: joint
        basis: [rgf-commanded-by-blr-cgs-wartime]
""")
    found = problems(tmp_path, shipped_store, text)
    assert any("command chain has a cycle in wartime" in m for _, _, m in found), found


def test_contradictory_requirements(tmp_path, shipped_store):
    text = BASE + "      - id: p2\n        requires: {mode: [peacetime]}\n        basis: [rgf-not-in-peacetime]\n"
    found = problems(tmp_path, shipped_store, text)
    assert any(f == "actions[0].provisions[1].requires" and "contradictory requirements" in m
               for _, f, m in found), found


def test_duplicate_ids_and_unknown_fields(tmp_path, shipped_store):
    text = BASE.replace("  - id: enter\n", "  - id: council\n", 1)
    found = problems(tmp_path, shipped_store, text)
    assert any(f == "actions[0].id" and "duplicate id 'council'" in m for _, f, m in found), found
    found = problems(tmp_path, shipped_store, BASE.replace("kind: union\n", "kind: union\nflavour: x\n", 1))
    assert any(f == "flavour" and "unknown field" in m for _, f, m in found), found


def test_duplicate_arrangement_across_files(tmp_path, shipped_store):
    d = tmp_path / "arr"
    d.mkdir()
    (d / "a.yaml").write_text(BASE, encoding="utf-8")
    (d / "b.yaml").write_text(BASE, encoding="utf-8")
    with pytest.raises(KnowledgeBaseError) as exc:
        load_arrangements(shipped_store, d)
    assert any("duplicate arrangement id 'test-arr'" in p.message and p.file == "b.yaml" for p in exc.value.problems)


def test_malformed_yaml_is_located(tmp_path, shipped_store):
    found = problems(tmp_path, shipped_store, BASE + "  - [unclosed\n")
    assert found and found[0][1] == "(syntax)"


def test_arrangement_seed_quotes_are_checked(tmp_path, shipped_store, shipped_kb):
    from tests.conftest import SEEDS

    from allegiance.rules.load import check_arrangement_seed_quotes

    if not SEEDS.is_dir():
        pytest.skip("the seed documents are not beside the checkout (../shared/seeds)")
    old = "basis: [union-state-founded]\n"
    assert old in BASE
    good = BASE.replace(old, old + "sources:\n  - {source: sivitsky-2020, quote: \"all decisions are taken on the "
                                   "basis of consensus\"}\n", 1)
    book = load(tmp_path, shipped_store, good)
    assert check_arrangement_seed_quotes(book, shipped_kb, SEEDS) == []
    bad = good.replace("on the basis of consensus", "by a show of hands")
    (tmp_path / "arr" / "test.yaml").write_text(bad, encoding="utf-8")
    book = load_arrangements(shipped_store, tmp_path / "arr")
    found = check_arrangement_seed_quotes(book, shipped_kb, SEEDS)
    assert len(found) == 1 and found[0].field == "sources[0].quote" and found[0].line == 9


def test_vetoes_report_every_body(tmp_path, shipped_store):
    from allegiance.rules import Rules, vetoes

    two = BASE.replace("    rule: {kind: consensus}\n", """    rule: {kind: consensus}
  - id: senate
    name: Senate
    basis: [ssc-part-of-union-state]
    members:
      - {player: BLR.president}
      - {player: RUS.president}
      - {player: BLR.prime-minister}
    rule: {kind: majority, count: 2}
""", 1)
    out = vetoes(Rules(shipped_store, load(tmp_path, shipped_store, two)), "test-arr")
    by_body = {b["body"]: b for b in out["bodies"]}
    assert by_body["council"]["veto_states"] == ["BLR", "RUS"]
    # two of the three seats are Belarus's: it blocks alone and carries the vote alone
    senate = by_body["senate"]
    assert senate["veto_states"] == ["BLR"] and senate["can_act_alone"] == ["BLR"]
    assert senate["veto_players"] == [] and senate["minimal_winning_coalitions_count"] == 3


@pytest.mark.parametrize("name", ["extra.yml", "extra.YAML"])
def test_an_arrangement_file_under_another_spelling_is_reported(tmp_path, shipped_store, name):
    """The loader used to read only *.yaml and skip x.yml and x.YAML without a word."""
    d = tmp_path / "arr"
    d.mkdir()
    (d / "test.yaml").write_text(BASE)
    (d / name).write_text(BASE)
    with pytest.raises(KnowledgeBaseError) as err:
        load_arrangements(shipped_store, d)
    (p,) = err.value.problems
    assert p.file == name and "rename it to extra.yaml" in p.message
