"""The rules layer's errors name values and parameters (never CLI flags) and carry value, field and allowed."""

from __future__ import annotations

import pytest

import allegiance.rules as api
from allegiance.errors import LimitError, RulesError, UnknownStateError, UsageError


def _no_flags(exc):
    assert "--" not in str(exc), str(exc)


def test_a_consent_naming_nothing_names_the_parameter(rules):
    with pytest.raises(RulesError) as exc:
        api.can(rules, "bring-russian-forces-into-blr", arrangement="union-state", consent=["Atlantis"])
    assert (exc.value.field, exc.value.value) == ("consent", "Atlantis")
    _no_flags(exc.value)
    with pytest.raises(RulesError) as exc:
        api.can(rules, "bring-russian-forces-into-blr", arrangement="union-state", consent=[], abstain=["Atlantis"])
    assert exc.value.field == "abstain"


@pytest.mark.parametrize("ask,field,allowed", [
    (lambda r: api.verify(r, "union-state"), "check", "veto"),  # neither a property nor a check
    (lambda r: api.body_power(r, "supreme-state-council"), "arrangement", "union-state"),  # in several
], ids=["verify-without-check", "power-of-a-body-in-several-arrangements"])
def test_a_question_asked_incompletely_names_the_parameter(rules, ask, field, allowed):
    with pytest.raises(RulesError) as exc:
        ask(rules)
    assert exc.value.field == field and allowed in exc.value.allowed
    _no_flags(exc.value)


def test_verify_with_an_invalid_check_is_a_clean_error(rules):
    """It used to wrap pydantic's own text ('invalid property: 1 validation error for Property ...')."""
    with pytest.raises(RulesError) as exc:
        api.verify(rules, "union-state", check="vetoo", state="BLR", actions=["bring-russian-forces-into-blr"])
    assert (exc.value.field, exc.value.value) == ("check", "vetoo")
    assert "validation error" not in str(exc.value) and "cannot-act-alone" in str(exc.value)


def test_diff_for_an_unknown_state(rules):
    with pytest.raises(UnknownStateError) as exc:
        api.diff(rules, "union-state", "sidorov-armenia-model", state="XXX")
    assert (exc.value.field, exc.value.value) == ("state", "XXX")


def test_diff_for_a_state_in_neither_arrangement(rules):
    """It used to answer 'FRA: no change' for a state that plays no part in either arrangement."""
    with pytest.raises(UsageError) as exc:
        api.diff(rules, "union-state", "sidorov-armenia-model", state="FRA")
    assert exc.value.field == "state" and "BLR" in exc.value.allowed


def test_verify_a_veto_with_millions_of_coalitions_answers(rules):
    """The EU Council has millions of minimal winning coalitions: a counterexample is found without listing
    them (it used to raise TooManyCoalitions, uncaught)."""
    try:
        r = api.verify(rules, "eu-council-qmv", check="veto", state="DEU", actions=["adopt-act-by-qmv"])
    except LimitError as exc:  # pragma: no cover - the answer is preferred; a clean limit error is acceptable
        pytest.fail(f"raised {exc!r}")
    assert r["holds"] is False
    coalition = set(r["counterexample"]["coalition"])
    assert "DEU" not in coalition and r["counterexample"]["proof"]["result"] is True
