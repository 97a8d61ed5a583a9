"""One runner for the declarative cases in tests/cases/*.yaml (the format: tests/cases/format.py).

Each case asks the library one question (``ask``) with its arguments
(``given``) on a day (``as_of``) and checks the parts of the answer it names
(``expect``) exactly. The reader's own checks are tested below: a misspelt
key, a duplicate key, an unknown question, each reported with file and line.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cases.format import ASKS, CaseFileError, read_cases, same

HERE = Path(__file__).resolve().parent
FILES = sorted(HERE.glob("*.yaml"))
CASES = [c for f in FILES for c in read_cases(f)]


def check(answer: dict, case) -> list[str]:
    """What differs between the answer and the case's expectations, one line each (empty when all agree).

    A mapping in ``expect`` is matched key by key (the answer's mapping may hold more keys); anything else
    must be the same value of the same type.
    """
    wrong = []
    for key, expected in case.expect.items():
        if key not in answer:
            wrong.append(f"{key}: not in the answer to {case.ask} (its keys: {', '.join(sorted(answer))})")
            continue
        got = answer[key]
        if isinstance(expected, dict) and isinstance(got, dict):
            for k, v in expected.items():
                if k not in got:
                    wrong.append(f"{key}.{k}: not in the answer")
                elif not same(got[k], v):
                    wrong.append(f"{key}.{k}: {got[k]!r} != {v!r}")
        elif not same(got, expected):
            wrong.append(f"{key}: {got!r} != {expected!r}")
    return wrong


def test_there_are_cases_in_every_file():
    assert {f.name for f in FILES} >= {"union-state.yaml", "status.yaml"}
    for f in FILES:
        assert read_cases(f), f


def test_every_question_is_asked_at_least_once():
    assert {c.ask for c in CASES} == set(ASKS)


@pytest.mark.parametrize("case", CASES, ids=[f"{c.where} {c.name[:60]}" for c in CASES])
def test_case(shipped_store, rules, case):
    wrong = check(case.run(shipped_store, rules), case)
    assert not wrong, f"{case.where}: {case.name}\n  " + "\n  ".join(wrong)


def test_every_rules_answer_carries_sources_with_quotes(shipped_store, rules):
    """An answer that says yes or no (not unknown) to can or who-commands cites the provisions it used."""
    for case in CASES:
        if case.ask not in ("can", "who-commands"):
            continue
        answer = case.run(shipped_store, rules)
        if answer.get("exists") is None and case.ask == "who-commands" or answer.get("possible", 1) is None:
            continue
        assert answer["sources"], case.where
        for c in answer["sources"]:
            assert c["source"] and len(c["quote"]) >= 3


def test_the_runner_finds_a_wrong_expectation(shipped_store, rules):
    """The comparison is exact: a wrong value, a wrong type, a missing label and a missing key are all caught."""
    case = next(c for c in CASES if c.ask == "status")
    answer = case.run(shipped_store, rules)
    holds = answer["label_holds"]
    label = next(k for k, v in holds.items() if v is True)
    from dataclasses import replace

    assert check(answer, case) == []
    assert check(answer, replace(case, expect={"label_holds": {label: False}}))
    assert check(answer, replace(case, expect={"label_holds": {label: 1}}))  # true is not 1
    assert check(answer, replace(case, expect={"label_holds": {"neutralish": True}}))
    assert check(answer, replace(case, expect={"verdict": True}))
    can = next(c for c in CASES if c.ask == "can" and "veto_states" in c.expect)
    answer = can.run(shipped_store, rules)
    assert check(answer, replace(can, expect={"veto_states": ["RUS", "BLR"]}))  # order counts


# ------------------------------------------------------------------ the reader


def problems(tmp_path, text: str) -> list[str]:
    f = tmp_path / "bad.yaml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(CaseFileError) as exc:
        read_cases(f)
    return exc.value.problems


GOOD = """\
- name: a case
  ask: can
  given: {action: activate-joint-forces, in: union-state, mode: peacetime}
  as_of: "2020-01-01"
  expect: {possible: false}
"""


def test_a_good_case_reads(tmp_path):
    f = tmp_path / "good.yaml"
    f.write_text(GOOD)
    (case,) = read_cases(f)
    assert (case.where, case.ask, case.given["in"], str(case.as_of)) == ("good.yaml:1", "can", "union-state",
                                                                         "2020-01-01")


def test_a_misspelt_key_names_file_and_line(tmp_path):
    assert problems(tmp_path, GOOD.replace("expect:", "expcet:")) == [
        "bad.yaml:5: [0].expcet: unknown key 'expcet'; a case has name, ask, given, as_of, expect",
        "bad.yaml:1: [0]: missing 'expect'",
    ]


def test_a_duplicate_key_names_file_and_both_lines(tmp_path):
    text = GOOD.replace('  as_of: "2020-01-01"\n', '  as_of: "2020-01-01"\n  as_of: "2021-01-01"\n')
    assert problems(tmp_path, text) == ["bad.yaml:5: [0].as_of: duplicate key 'as_of' (first given on line 4)"]


def test_a_duplicate_key_inside_given_is_refused_too(tmp_path):
    text = GOOD.replace("mode: peacetime}", "mode: peacetime, mode: wartime}")
    assert problems(tmp_path, text) == ["bad.yaml:3: [0].given.mode: duplicate key 'mode' (first given on line 3)"]


def test_an_unknown_question_names_file_and_line(tmp_path):
    assert problems(tmp_path, "# a comment\n" + GOOD.replace("ask: can", "ask: may")) == [
        f"bad.yaml:3: [0].ask: unknown question 'may'; ask one of: {', '.join(ASKS)}"]


@pytest.mark.parametrize("old, new, message", [
    ("mode: peacetime}", "mode: peacetime, arrangement: x}",
     "bad.yaml:3: [0].given.arrangement: can takes no 'arrangement'; it takes action, in, mode, consent, abstain"),
    ("action: activate-joint-forces, ", "", "bad.yaml:3: [0].given: can needs 'action'"),
    ('"2020-01-01"', '"2020-13-01"', "bad.yaml:4: [0].as_of: expected a day as YYYY-MM-DD, got '2020-13-01'"),
    ('"2020-01-01"', "2020", "bad.yaml:4: [0].as_of: expected a day as YYYY-MM-DD, got 2020"),
    ("mode: peacetime}", "mode: peacetime, consent: BLR}",
     "bad.yaml:3: [0].given.consent: expected a list of ids, got 'BLR'"),
    ("{possible: false}", "{}", "bad.yaml:5: [0].expect: expect is a non-empty mapping of answer keys to their values"),
    ("given: {action: activate-joint-forces, in: union-state, mode: peacetime}", "given: [can]",
     "bad.yaml:3: [0].given: given is a mapping of the question's arguments"),
])
def test_each_check_of_the_reader(tmp_path, old, new, message):
    assert message in problems(tmp_path, GOOD.replace(old, new))


def test_questions_without_a_day_refuse_as_of_and_status_needs_one(tmp_path):
    verify = "- name: v\n  ask: verify\n  given: {arrangement: union-state, property: p}\n  as_of: \"2020-01-01\"\n" \
             "  expect: {holds: true}\n"
    assert problems(tmp_path, verify) == ["bad.yaml:4: [0].as_of: verify takes no as_of (its dates are in given)"]
    status = "- name: s\n  ask: status\n  given: {state: BLR}\n  expect: {holding: []}\n"
    assert problems(tmp_path, status) == ["bad.yaml:1: [0]: status needs as_of"]


def test_duplicate_case_names_and_bad_yaml(tmp_path):
    assert problems(tmp_path, GOOD + GOOD) == ["bad.yaml:6: [1].name: duplicate case name (first on line 1)"]
    assert problems(tmp_path, GOOD + "- &a {name: x}\n")[0].startswith("bad.yaml:6:")
    assert problems(tmp_path, "name: not a list\n") == ["bad.yaml:1: (document): a case file is a list of cases"]
