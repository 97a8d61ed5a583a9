"""body_power computes one exact count of swings and derives every index from it: same figures as asking
power.py for each index separately (what it used to do, 3 + n times over)."""

from __future__ import annotations

import pytest

import allegiance.rules as api
from allegiance.rules import power as pw
from allegiance.rules.rulebook import Ctx, members


@pytest.mark.parametrize("arrangement,body", [("eu-council-qmv", "eu-council"), ("union-state",
                                                                                 "supreme-state-council")])
def test_one_count_gives_every_index(rules, arrangement, body):
    out = api.body_power(rules, body, arrangement=arrangement)
    arr = rules.arrangement(arrangement)
    b = arr.bodies[body]
    here = [m.player for m in members(Ctx(arr, arr.described.lower, None, True), b, None)]
    game = b.rule.simple_game(here)
    swings, bz, ss = pw.swing_counts(game), pw.banzhaf(game), pw.shapley_shubik(game)
    absolute = pw.banzhaf(game, normalized=False)
    assert [p["player"] for p in out["players"]] == list(game.players)
    for p in out["players"]:
        q = p["player"]
        assert p["swings"] == swings[q]
        assert p["banzhaf_exact"] == str(bz[q]) and p["banzhaf"] == float(bz[q])
        assert p["banzhaf_absolute"] == float(absolute[q])
        assert p["shapley_shubik_exact"] == str(ss[q]) and p["shapley_shubik"] == float(ss[q])
    assert out["veto_players"] == sorted(pw.veto_players(game))
