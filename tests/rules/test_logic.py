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


def _brute_minimal(players, wins):
    return {s for s in wins if all(s - {p} not in wins for p in s)}


@pytest.mark.parametrize("seed", range(60))
def test_minimal_winning_of_composed_games_match_brute_force(seed):
    """And/or of thresholds over some of the players (others never matter), any variable order: the listing,
    its order (smallest first, then by name) and the count are exact."""
    rnd = random.Random(1000 + seed)
    n = rnd.randint(0, 9)
    players = [f"p{i}" for i in range(n)]
    g = Game(rnd.sample(players, n))
    f = g.true if rnd.random() < 0.5 else g.false
    for _ in range(rnd.randint(1, 3)):
        some = rnd.sample(players, rnd.randint(0, n)) if n else []
        weights = [rnd.randint(1, 5) for _ in some]
        t = g.threshold(some, weights, rnd.randint(0, sum(weights) + 1)) if some else rnd.choice([g.true, g.false])
        f = (f & t) if rnd.random() < 0.5 else (f | t)
    wins = {s for s in _subsets(players) if g.evaluate(f, set(s))}
    minimal = _brute_minimal(players, wins)
    listed = g.minimal_winning(f, limit=10_000)
    assert set(listed) == minimal and len(listed) == len(minimal)
    assert listed == sorted(minimal, key=lambda s: (len(s), sorted(s)))
    assert g.count_minimal_winning(f) == len(minimal)
    if len(minimal) > 1:
        with pytest.raises(TooManyCoalitions):
            g.minimal_winning(f, limit=len(minimal) - 1)


def test_millions_of_coalitions_are_counted_and_refused_quickly():
    """C(27, 14) = 20,058,300 minimal coalitions of a 14-of-27 majority: counted exactly, refused at once."""
    import math
    import time

    players = [f"m{i}" for i in range(27)]
    g = Game(players)
    f = g.threshold(players, [1] * 27, 14)
    t = time.perf_counter()
    assert g.count_minimal_winning(f) == math.comb(27, 14)
    with pytest.raises(TooManyCoalitions):
        g.minimal_winning(f, limit=10_000)
    assert time.perf_counter() - t < 5  # listing them took minutes
