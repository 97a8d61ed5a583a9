"""Each kind of decision rule, written once in rules/decision.py, evaluated three ways that must agree.

The three evaluators are the BDD (``rule.bdd``, what ``can``, ``vetoes`` and
``verify`` reason over), concrete votes (``rule.decide``, what proofs show)
and the counting game (``rule.simple_game`` judged by
:func:`allegiance.rules.power.is_winning`, what power indices are computed
from). On random rules of every kind (random thresholds, weights, quotas,
populations, veto holders, blocking minorities, constructive abstention) over
random members (opt-outs and memberships out of force remove members before
the rule sees them, so a random subset of the written members stands for
them), they agree on every coalition voting yes with the rest voting no.

Where they differ by design, the comparison is restricted, honestly:

- abstention is a concrete-vote notion. The BDD and the counting game have one
  variable per member (consents or not); under constructive abstention an
  abstainer "does not object", so it maps to true there. ``decide`` also
  requires at least one yes and applies the abstention limits, which neither
  of the others models: votes with abstentions are compared only where
  someone votes yes and the abstainers stay below the limits
  (``test_constructive_abstention_below_the_limits``); the limits themselves
  are tested on ``decide`` alone.
- a counting game must have a winning and a losing coalition. Where the
  members in force make the rule degenerate (a count above the members left,
  a blocking minority larger than the body: every coalition wins),
  ``simple_game`` raises a clean RulesError instead; the test then checks
  that the BDD is indeed constant.
"""

from __future__ import annotations

import itertools
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from allegiance.errors import RulesError
from allegiance.rules import power as pw
from allegiance.rules.decision import DecisionRule, Majority
from allegiance.rules.logic import Game

RULE = TypeAdapter(DecisionRule)
PLAYERS = [f"p{i}" for i in range(7)]


def _share(draw):
    den = draw(st.integers(1, 12))
    return f"{draw(st.integers(0, den))}/{den}"


@st.composite
def rules_and_members(draw):
    """A rule written for all of PLAYERS' first n, and the members in force when it is asked (a subset)."""
    n = draw(st.integers(1, 7))
    written = PLAYERS[:n]
    kind = draw(st.sampled_from(["consensus", "unanimity", "majority", "weighted", "double-majority"]))
    data: dict = {"kind": kind}
    vetoes = draw(st.lists(st.sampled_from(written), unique=True, max_size=2))
    if kind in ("consensus", "unanimity"):
        data["constructive_abstention"] = draw(st.booleans())
    elif kind == "majority":
        which = draw(st.sampled_from(["at_least", "more_than", "count"]))
        if which == "count":
            data["count"] = draw(st.integers(1, n))
        else:
            share = _share(draw)
            if which == "more_than" and Fraction(share) == 1:
                share = "1/2"
            data[which] = share
        data["vetoes"] = vetoes
    elif kind == "weighted":
        weights = {p: draw(st.integers(1, 9)) for p in written}
        data.update(weights=weights, quota=draw(st.integers(1, sum(weights.values()))), vetoes=vetoes)
    else:
        data.update(members_at_least=_share(draw), population_at_least=_share(draw),
                    population={p: draw(st.integers(1, 1000)) for p in written}, vetoes=vetoes)
        if draw(st.booleans()):
            data["blocking_minority_at_least"] = draw(st.integers(1, 5))
    rule = RULE.validate_python(data)
    assert not rule.problems(written), rule.problems(written)
    members = draw(st.lists(st.sampled_from(written), unique=True, min_size=1, max_size=n))
    return rule, [p for p in written if p in members]


def _coalitions(members):
    for r in range(len(members) + 1):
        yield from (set(c) for c in itertools.combinations(members, r))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rules_and_members())
def test_bdd_votes_and_counting_game_agree_on_yes_no_votes(case):
    rule, members = case
    g = Game(PLAYERS)
    f = rule.bdd(g, members)
    try:
        game = rule.simple_game(members)
    except RulesError:
        game = None
        assert f in (g.true, g.false), "simple_game refused a rule whose BDD is not constant"
    for yes in _coalitions(members):
        bdd = g.evaluate(f, yes)
        votes = {p: "yes" if p in yes else "no" for p in members}
        decided, _ = rule.decide(votes)
        assert bdd == decided, (rule, members, yes)
        if game is not None:
            assert pw.is_winning(game, yes) == bdd, (rule, members, yes)


@settings(max_examples=200, deadline=None)
@given(rules_and_members(), st.data())
def test_constructive_abstention_below_the_limits(case, data):
    """Abstainers count as not objecting in the BDD; decide agrees wherever someone votes yes (no limits set)."""
    rule, members = case
    if rule.kind not in ("consensus", "unanimity") or not rule.constructive_abstention:
        return
    g = Game(PLAYERS)
    f = rule.bdd(g, members)
    votes = {p: data.draw(st.sampled_from(["yes", "no", "abstain"])) for p in members}
    if "yes" not in votes.values():
        return
    decided, _ = rule.decide(votes)
    assert decided == g.evaluate(f, {p for p, v in votes.items() if v != "no"})


def test_abstention_limits_apply_to_votes_only():
    rule = RULE.validate_python({"kind": "consensus", "constructive_abstention": True,
                                 "abstention_limit_members": "1/3", "abstention_limit_population": "1/3",
                                 "population": {"a": 10, "b": 10, "c": 80}})
    # the decision fails only when abstainers reach both limits: a third of the members and of the population
    assert rule.decide({"a": "yes", "b": "abstain", "c": "yes"})[0] is True       # 1/3 of members, 10% of people
    assert rule.decide({"a": "abstain", "b": "abstain", "c": "yes"})[0] is True   # 2/3 of members, 20% of people
    assert rule.decide({"a": "yes", "b": "yes", "c": "abstain"})[0] is False      # 1/3 of members, 80% of people
    assert rule.decide({"a": "yes", "b": "abstain", "c": "abstain"})[0] is False  # 2/3 of members, 90% of people
    g = Game(["a", "b", "c"])
    assert g.evaluate(rule.bdd(g, ["a", "b", "c"]), {"a", "b", "c"})  # the BDD knows no abstention limits


def test_a_count_above_the_members_in_force_is_no_game_but_a_false_bdd():
    """Regression: a majority of 'count: 3' when only two members are in force (the other opted out) is
    false everywhere; the counting game used to raise a bare PowerError from power.majority."""
    rule = Majority(kind="majority", count=3)
    g = Game(["a", "b", "c"])
    assert rule.bdd(g, ["a", "b"]) == g.false
    assert rule.decide({"a": "yes", "b": "yes"})[0] is False
    with pytest.raises(RulesError, match="no coalition wins") as exc:
        rule.simple_game(["a", "b"])
    assert exc.value.field == "members"


def test_blocking_minority_larger_than_the_body_lets_every_coalition_win():
    """With fewer members than a blocking minority needs, 'failing which the qualified majority shall be deemed
    attained' holds of every vote; the BDD and decide agree, and there is no counting game to measure."""
    rule = RULE.validate_python({"kind": "double-majority", "members_at_least": "11/20",
                                 "population_at_least": "13/20", "population": {"a": 1, "b": 2, "c": 3},
                                 "blocking_minority_at_least": 4})
    g = Game(["a", "b", "c"])
    assert rule.bdd(g, ["a", "b", "c"]) == g.true
    assert rule.decide({"a": "no", "b": "no", "c": "no"})[0] is True
    with pytest.raises(RulesError, match="every coalition wins"):
        rule.simple_game(["a", "b", "c"])


@pytest.mark.parametrize("data,where,message", [
    ({"kind": "consensus", "quota": 2}, ("quota",), "not used by a 'consensus' rule"),
    ({"kind": "weighted", "weights": {"a": 1}}, ("quota",), "a 'weighted' rule needs quota"),
    ({"kind": "majority", "count": 1, "at_least": "1/2"}, (), "exactly one of at_least, more_than, count"),
])
def test_each_kind_takes_only_its_own_fields(data, where, message):
    from pydantic import ValidationError

    from allegiance.rules.load import _schema_problem

    try:
        rule = RULE.validate_python(data)
    except ValidationError as exc:
        found = [_schema_problem({**e, "loc": ("rule", *e["loc"])}) for e in exc.errors()]
    else:
        found = [(("rule",) + p, m) for p, m in rule.problems(["a"])]
    assert any(loc[-len(where):] == where if where else True for loc, m in found if message in m), found


def test_a_trivial_count_with_a_veto_is_the_veto_alone():
    """Regression (found by the property test): 'at least 0/1 of the members' with a veto holder wins exactly
    when the veto holder consents; the counting game used to raise PowerError (a majority threshold of 0)."""
    rule = Majority(kind="majority", at_least="0/1", vetoes=["a"])
    game = rule.simple_game(["a", "b"])
    assert [pw.is_winning(game, c) for c in ([], ["a"], ["b"], ["a", "b"])] == [False, True, False, True]


@pytest.mark.parametrize("data,where,message", [
    ({"kind": "majority", "count": 1, "vetoes": ["z"]}, ("vetoes",), "veto holder 'z' is not a member of council"),
    ({"kind": "majority", "at_least": "3/2"}, ("at_least",), "a share between 0 and 1"),
    ({"kind": "majority", "more_than": "1/1"}, ("more_than",), "more than all members"),
    ({"kind": "majority", "count": 3}, ("count",), "3 of 2 members"),
    ({"kind": "majority"}, (), "exactly one of"),
    ({"kind": "weighted", "weights": {"a": 1}, "quota": 1}, ("weights",), "missing ['b']"),
    ({"kind": "weighted", "weights": {"a": 0, "b": 1}, "quota": 1}, ("weights",), "positive integers"),
    ({"kind": "weighted", "weights": {"a": 1, "b": 1}, "quota": 3}, ("quota",), "exceeds the total weight 2"),
    ({"kind": "double-majority", "members_at_least": "1/2", "population_at_least": "1/2",
      "population": {"a": 1}}, ("population",), "one population figure per member"),
    ({"kind": "double-majority", "members_at_least": "1/2", "population_at_least": "1/0",
      "population": {"a": 1, "b": 0}}, ("population_at_least",), "a share between 0 and 1"),
    ({"kind": "double-majority", "members_at_least": "1/2", "population_at_least": "1/2",
      "population": {"a": 1, "b": 0}}, ("population",), "positive integers"),
    ({"kind": "consensus", "abstention_limit_members": "1/3"}, (), "only with constructive_abstention"),
    ({"kind": "unanimity", "constructive_abstention": True, "abstention_limit_population": "1/3"},
     ("abstention_limit_population",), "needs 'population'"),
])
def test_every_rule_check(data, where, message):
    """Each kind's own checks (what the loader's per-kind table and branches did), one case per branch."""
    found = RULE.validate_python(data).problems(["a", "b"], "council")
    assert any(loc == where and message in m for loc, m in found), found
