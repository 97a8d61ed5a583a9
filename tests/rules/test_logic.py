"""The BDD game engine against brute force: thresholds, minimal winning coalitions, vetoes."""

from __future__ import annotations

import itertools
import random

import pytest

from allegiance.rules.logic import Game, TooManyCoalitions


def _subsets(players):
    for r in range(len(players) + 1):
        yield from (frozenset(c) for c in itertools.combinations(players, r))


@pytest.mark.parametrize("seed", range(40))
def test_threshold_minimal_coalitions_and_vetoes_match_brute_force(seed):
    rnd = random.Random(seed)
    n = rnd.randint(1, 8)
    players = [f"p{i}" for i in range(n)]
    weights = [rnd.randint(1, 9) for _ in players]
    quota = rnd.randint(1, sum(weights))
    g = Game(rnd.sample(players, n))  # variable order differs from the weight order
    f = g.threshold(players, weights, quota)
    w = dict(zip(players, weights))
    wins = {s for s in _subsets(players) if sum(w[p] for p in s) >= quota}
    for s in _subsets(players):
        assert g.evaluate(f, set(s)) == (s in wins)
    minimal = {s for s in wins if all(s - {p} not in wins for p in s)}
    assert set(g.minimal_winning(f)) == minimal
    assert set(g.veto_players(f)) == {p for p in players if all(p in s for s in wins)}


def test_composed_game_double_majority_with_blocking_minority():
    players = [f"s{i}" for i in range(6)]
    pops = [50, 20, 10, 10, 5, 5]
    g = Game(players)
    f = (g.threshold(players, [1] * 6, 4) & g.threshold(players, pops, 65)) | g.threshold(players, [1] * 6, 5)
    pop = dict(zip(players, pops))
    for s in _subsets(players):
        expected = (len(s) >= 4 and sum(pop[p] for p in s) >= 65) or len(s) >= 5
        assert g.evaluate(f, set(s)) == expected


def test_consensus_of_64_every_member_is_a_veto_player_and_one_coalition():
    players = [f"m{i}" for i in range(64)]
    g = Game(players)
    f = g.all_of(g.x(p) for p in players)
    assert g.veto_players(f) == players
    assert g.minimal_winning(f) == [frozenset(players)]


def test_too_many_coalitions_is_an_error_not_a_hang():
    players = [f"m{i}" for i in range(20)]
    g = Game(players)
    f = g.threshold(players, [1] * 20, 10)  # C(20, 10) = 184,756 minimal coalitions
    with pytest.raises(TooManyCoalitions):
        g.minimal_winning(f, limit=1000)
