"""Exact voting power in decision bodies: simple games, Banzhaf and Shapley–Shubik indices.

A decision body is modelled as a *simple game*: a set of players and a rule
saying which coalitions (sets of players voting yes) win. The rule is built
from weighted threshold games and composed with AND / OR::

    from allegiance.rules.power import (WeightedGame, MultiGame, unanimity,
                                        majority, banzhaf, shapley_shubik)

    g = WeightedGame(["A", "B", "C"], [50, 49, 1], quota=51)
    banzhaf(g)          # {'A': Fraction(3, 5), 'B': Fraction(1, 5), 'C': Fraction(1, 5)}
    shapley_shubik(g)   # {'A': Fraction(2, 3), 'B': Fraction(1, 6), 'C': Fraction(1, 6)}

    # EU Council qualified majority: (55 % of states AND 65 % of population)
    # OR fewer than four states against.
    qmv = eu_council_qmv(EU27_POPULATION)

What each rule of our bodies becomes:

- consensus / unanimity (also with *constructive abstention*, where an
  abstainer does not block: for power, each member is a yes/no player and
  the rule is unanimity of the players) -> ``unanimity(players)``;
- simple or qualified majority of members (a count) -> ``majority(players, k)``;
- weighted voting (integer weights, a quota) -> ``WeightedGame``;
- several conditions at once (double majority) -> ``MultiGame.all_of(...)``,
  alternatives -> ``MultiGame.any_of(...)``; they nest.

Weights must be integers. Populations are integers too; a caller may count
them in people or in coarser units (``eu_council_qmv(..., unit=1000)``): the
indices are exact for the game as given, and a coarser unit is a different
(rounded) game.

Where each piece lives (everything public is re-exported here; import it from
``allegiance.rules.power``):

``games``
    The games: :class:`SimpleGame`, :class:`WeightedGame`, :class:`MultiGame`,
    :func:`unanimity`, :func:`majority`, and the checks on players and weights.
``eu_council``
    The Council of the EU: :func:`eu_council_qmv`, ``EU27_POPULATION`` and its
    source, ``EU27_POPULATION_SOURCE``.
``compile``
    The compiled form every computation works on (a head count, a few weight
    axes, an AND/OR formula of thresholds), the cost estimate of each counting
    method and the integer dtype of the tables (internal).
``swings``
    The swing matrix ``M[i][c]``, by each counting method (``"dp"``,
    ``"mitm"``, ``"enumerate"``, the grid DP) and the choice among them
    (internal; its docstring describes the methods and their precision).
``indices``
    :class:`PowerIndices` and :func:`power_indices` (every index from one
    count of swings), and the one-index shortcuts :func:`swing_counts`,
    :func:`banzhaf`, :func:`shapley_shubik`.
``queries``
    Questions about who wins: :func:`is_winning`, :func:`veto_players`,
    :func:`can_block_alone`, :func:`can_act_alone`, :func:`dictator`,
    :func:`minimal_winning_coalitions`.

``PowerError`` is :class:`allegiance.errors.PowerError`, re-exported.
"""

from __future__ import annotations

from allegiance.errors import PowerError
from allegiance.rules.power.eu_council import EU27_POPULATION, EU27_POPULATION_SOURCE, eu_council_qmv
from allegiance.rules.power.games import MultiGame, SimpleGame, WeightedGame, majority, unanimity
from allegiance.rules.power.indices import PowerIndices, banzhaf, power_indices, shapley_shubik, swing_counts
from allegiance.rules.power.queries import (
    can_act_alone,
    can_block_alone,
    dictator,
    is_winning,
    minimal_winning_coalitions,
    veto_players,
)

__all__ = [
    "PowerError",
    "SimpleGame",
    "WeightedGame",
    "MultiGame",
    "unanimity",
    "majority",
    "eu_council_qmv",
    "EU27_POPULATION",
    "EU27_POPULATION_SOURCE",
    "PowerIndices",
    "power_indices",
    "banzhaf",
    "shapley_shubik",
    "swing_counts",
    "is_winning",
    "minimal_winning_coalitions",
    "veto_players",
    "dictator",
    "can_block_alone",
    "can_act_alone",
]
