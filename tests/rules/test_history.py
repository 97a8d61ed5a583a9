"""Arrangements with a history (rules/history.py): supersedes, known_until, encoded_until, every validation branch
with its file:line:field, and the version every answer reports."""

from __future__ import annotations

from datetime import date

import pytest

from allegiance.rules import Rules, can, verify, vetoes, who_commands
from allegiance.rules.history import past_encoded, unknown_after
from tests.rules.test_load_rules import BASE, load, problems

# A second provision of action 'enter' (BASE ends inside its provisions list).
P2 = """\
      - id: p2
        requires: {REQ}
        basis: [ssc-ratifies-equipment-entry-threatened]
"""


def with_p2(req: str, extra: str = "", p1_extra: str = "") -> str:
    text = BASE.replace("        basis: [ssc-ratifies-equipment-entry-wartime]\n",
                "        basis: [ssc-ratifies-equipment-entry-wartime]\n" + p1_extra, 1)
    return text + P2.replace("{REQ}", req) + extra


def rules_for(tmp_path, store, text) -> Rules:
    return Rules(store, load(tmp_path, store, text))


# ---------------------------------------------------------------- validation branches

def test_never_beside_a_permitting_provision_over_the_same_period_is_a_contradiction(tmp_path, shipped_store):
    found = problems(tmp_path, shipped_store, with_p2('{never: "a treaty"}'))
    assert [(f, m) for _, f, m in found if "contradictory provisions" in m] == [
        ("actions[0].provisions[1].requires",
         "contradictory provisions over the same period: 'p2' prohibits the action ('never') while 'p1' sets "
         "conditions that permit it (line 40); end 'p1' (valid_until) or give 'p2' 'supersedes: [p1]'")]
    assert found[0][0] == 44  # the line of p2's requires


def test_disjoint_modes_message_names_supersedes(tmp_path, shipped_store):
    found = problems(tmp_path, shipped_store, with_p2("{mode: [peacetime]}"))
    assert any("give 'p2' 'supersedes: [p1]'" in m and "contradictory requirements" in m for _, _, m in found), found


def test_supersedes_resolves_the_contradiction_and_ends_the_old_provision(tmp_path, shipped_store):
    text = with_p2('{never: "a treaty"}', '        valid_from: "2022-02-24"\n        supersedes: [p1]\n',
               p1_extra='        valid_from: "2015"\n')
    r = rules_for(tmp_path, shipped_store, text)
    before = can(r, "enter", arrangement="test-arr", mode="wartime", as_of=date(2020, 1, 1))
    after = can(r, "enter", arrangement="test-arr", mode="wartime", as_of=date(2022, 3, 1))
    assert before["possible"] is True and after["possible"] is False
    assert {x["id"]: x["holds"] for x in after["version"]["in_force"]} == {"p2": "yes"}
    assert after["version"]["in_force"][0]["supersedes"] == ["p1"]


def test_dates_that_do_not_overlap_need_no_supersedes(tmp_path, shipped_store):
    text = with_p2('{never: "a treaty"}', '        valid_from: "2022-02-24"\n',
               p1_extra='        valid_from: "2015"\n        valid_until: "2022-02-24"\n')
    assert list(load(tmp_path, shipped_store, text).arrangements) == ["test-arr"]


@pytest.mark.parametrize("extra,p1_extra,field,message", [
    ('        valid_from: "2022"\n        supersedes: [p9]\n', "", "actions[0].provisions[1].supersedes[0]",
     "'p9' is not another provision of action 'enter' (its other provisions: p1)"),
    ('        valid_from: "2022"\n        supersedes: [p2]\n', "", "actions[0].provisions[1].supersedes[0]",
     "'p2' is not another provision of action 'enter'"),
    ('        supersedes: [p1]\n', '        valid_from: "2015"\n', "actions[0].provisions[1].valid_from",
     "provision 'p2' supersedes 'p1', so it needs the date it starts (valid_from)"),
    ('        valid_from: "2010"\n        supersedes: [p1]\n', '        valid_from: "2015"\n',
     "actions[0].provisions[1].supersedes[0]", "provision 'p2' (from 2010) cannot supersede 'p1', which starts no "
                                   "earlier (2015, line 40)"),
])
def test_bad_supersedes(tmp_path, shipped_store, extra, p1_extra, field, message):
    found = problems(tmp_path, shipped_store, with_p2('{consent: BLR}', extra, p1_extra))
    assert any(f == field and message in m for _, f, m in found), found


KU = "reason: r, basis: [union-state-founded]}"


@pytest.mark.parametrize("p1_extra,field,message", [
    ('        known_until: {date: "2021-13-45", ' + KU + "\n", "actions[0].provisions[0].known_until.date",
     "2021-13-45"),
    ('        valid_from: "2015"\n        known_until: {date: "2014", ' + KU + "\n",
     "actions[0].provisions[0].known_until.date", "known only until 2014, which is not after it starts (2015)"),
    ('        valid_until: "2020"\n        known_until: {date: "2021", ' + KU + "\n",
     "actions[0].provisions[0].known_until.date", "known only until 2021, which is not before it ends (2020)"),
    ('        known_until: {date: "2021", basis: [union-state-founded]}\n',
     "actions[0].provisions[0].known_until.reason", "missing"),
    ('        known_until: {date: "2021", reason: r}\n', "actions[0].provisions[0].known_until.basis", "missing"),
    ('        known_until: {date: "2021", reason: r, basis: []}\n', "actions[0].provisions[0].known_until.basis",
     "at least 1"),
    ('        known_until: {date: "2021", reason: r, basis: [no-such-statement]}\n',
     "actions[0].provisions[0].known_until.basis[0]", "unknown statement 'no-such-statement'"),
    ('        known_until: "2021"\n', "actions[0].provisions[0].known_until", ""),
])
def test_bad_known_until(tmp_path, shipped_store, p1_extra, field, message):
    text = BASE.replace("        basis: [ssc-ratifies-equipment-entry-wartime]\n",
                "        basis: [ssc-ratifies-equipment-entry-wartime]\n" + p1_extra, 1)
    found = problems(tmp_path, shipped_store, text)
    assert any(f == field and message in m for _, f, m in found), found
    assert all(line > 1 for line, f, _ in found if f == field)  # located on its line, not the document


@pytest.mark.parametrize("value,message", [
    ('"2019"', "encoded only until 2019, before the date it is described as of (2020-12-31); give a later date"),
    ('"someday"', "someday"),
])
def test_bad_encoded_until(tmp_path, shipped_store, value, message):
    text = BASE.replace('described_as_of: "2020-12-31"\n', f'described_as_of: "2020-12-31"\nencoded_until: {value}\n')
    found = problems(tmp_path, shipped_store, text)
    assert [(line, f) for line, f, m in found if message in m] == [(6, "encoded_until")], found


# ---------------------------------------------------------------- semantics

KNOWN = ('        known_until: {date: "2021-11-04", reason: the doctrine it rests on was replaced,'
         ' basis: [union-state-military-doctrine-2021-in-force]}\n')


def test_known_until_makes_later_answers_unknown_with_the_reason(tmp_path, shipped_store):
    r = rules_for(tmp_path, shipped_store, BASE.replace(
        "        basis: [ssc-ratifies-equipment-entry-wartime]\n",
        "        basis: [ssc-ratifies-equipment-entry-wartime]\n" + KNOWN, 1))
    arr = r.arrangement("test-arr")
    p1 = arr.model.actions[0].provisions[0]
    assert unknown_after(arr, p1, date(2021, 11, 3)) is None
    assert unknown_after(arr, p1, date(2021, 11, 4)) == ("known only until 2021-11-04: the doctrine it rests on was "
                                          "replaced")
    old = can(r, "enter", arrangement="test-arr", mode="wartime", as_of=date(2021, 1, 1))
    new = can(r, "enter", arrangement="test-arr", mode="wartime", as_of=date(2022, 1, 1))
    assert old["possible"] is True and old["unknown_reason"] is None
    assert new["possible"] is None
    assert new["unknown_reason"] == ("the answer depends on whether provision p1 (known only until 2021-11-04: the "
                         "doctrine it rests on was replaced) is in force on 2022-01-01")
    assert new["version"]["in_force"][0]["holds"] == "possibly"
    row = vetoes(r, "test-arr", "enter", as_of=date(2022, 1, 1), mode="wartime")["actions"][0]
    assert row["possible"] is None and "known only until 2021-11-04" in row["unknown_reason"]
    v = verify(r, "test-arr", check="possible", actions=["enter"], modes=["wartime"])
    assert v["holds"] is None and v["counterexample"] is None
    assert {u["date"] for u in v["unknown"]} == {"2021-11-04"}


def test_known_until_on_a_command_makes_who_commands_unknown(tmp_path, shipped_store):
    text = BASE.replace("        exists: false\n        basis: [rgf-not-in-peacetime]\n",
                "        exists: false\n        basis: [rgf-not-in-peacetime]\n"
                '        known_until: {date: "2022-10-10", reason: a joint grouping was deployed,'
                ' basis: [rgf-located-in-blr-2022]}\n', 1)
    r = rules_for(tmp_path, shipped_store, text)
    assert who_commands(r, "joint", arrangement="test-arr", mode="peacetime",
                as_of=date(2022, 1, 1))["exists"] is False
    d = who_commands(r, "joint", arrangement="test-arr", mode="peacetime", as_of=date(2023, 1, 1))
    assert d["exists"] is None and d["reason"].endswith("known only until 2022-10-10: a joint grouping was deployed")
    assert {x["id"]: x["holds"] for x in d["version"]["in_force"]} == {"joint.command[0]": "yes",
                                                "joint.command[1]": "possibly"}


def test_version_and_the_caveat_past_what_is_encoded(tmp_path, shipped_store):
    r = rules_for(tmp_path, shipped_store, BASE.replace('described_as_of: "2020-12-31"\n',
                                        'described_as_of: "2020-12-31"\nencoded_until: "2023-06-30"\n'))
    arr = r.arrangement("test-arr")
    assert past_encoded(arr, date(2023, 6, 30)) is None
    assert past_encoded(arr, date(2023, 7, 1)) == ("test-arr is encoded up to 2023-06-30; later changes to it are not "
                                                   "encoded")
    v = can(r, "enter", arrangement="test-arr", mode="wartime", as_of=date(2024, 1, 1))["version"]
    assert v == {"arrangement": "test-arr", "described_as_of": "2020-12-31", "encoded_until": "2023-06-30",
             "as_of": "2024-01-01", "caveat": "test-arr is encoded up to 2023-06-30; later changes to it are not "
                                  "encoded",
             "in_force": [{"record": "provision", "id": "p1", "of": "enter", "valid_from": None,
                       "valid_until": None, "known_until": None, "holds": "yes", "where": "test.yaml:41",
                       "supersedes": []}]}
    # without encoded_until, what is encoded ends with described_as_of
    plain = rules_for(tmp_path, shipped_store, BASE)
    assert can(plain, "enter", arrangement="test-arr", mode="wartime",
           as_of=date(2021, 1, 1))["version"]["caveat"] == ("test-arr is encoded up to 2020-12-31; later changes "
                                            "to it are not encoded")


def test_without_a_mode_the_version_lists_the_transitions_too(tmp_path, shipped_store):
    r = rules_for(tmp_path, shipped_store, BASE)
    any_mode = can(r, "enter", arrangement="test-arr", as_of=date(2020, 1, 1))["version"]["in_force"]
    assert [(x["record"], x["id"], x["of"]) for x in any_mode] == [("provision", "p1", "enter"),
                                                                   ("transition", "go", "peacetime->wartime")]
    one_mode = can(r, "enter", arrangement="test-arr", mode="wartime", as_of=date(2020, 1, 1))["version"]["in_force"]
    assert [x["record"] for x in one_mode] == ["provision"]
