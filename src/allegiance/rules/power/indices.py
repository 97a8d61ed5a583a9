"""Exact power indices from one count of swings: :class:`PowerIndices` and its shortcuts.

Counting the swings is the whole cost; turning them into indices is cheap.
:func:`power_indices` counts once and returns every index. The shortcuts
:func:`swing_counts`, :func:`banzhaf` and :func:`shapley_shubik` each count
afresh, so a caller that needs more than one index asks :func:`power_indices`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from allegiance.rules.power.compile import _compiled
from allegiance.rules.power.games import SimpleGame
from allegiance.rules.power.swings import _swing_matrix


@dataclass(frozen=True)
class PowerIndices:
    """Exact power indices of every player of one game, keyed by player, in the game's player order.

    - ``swings``: raw Banzhaf count, the number of coalitions in which the player is a swing
      (the coalition loses without it and wins with it);
    - ``absolute_banzhaf``: swings / 2^(n-1) (Penrose–Banzhaf measure, the probability of being decisive);
    - ``banzhaf``: swings normalised to sum to 1;
    - ``shapley_shubik``: the share of the n! orderings in which the player is pivotal.

    ``swings`` are ints; the three indices are exact ``Fraction``s. ``players`` is the game's
    player tuple. Each field equals what the matching shortcut returns: ``swing_counts(game)``,
    ``banzhaf(game, normalized=False)``, ``banzhaf(game)``, ``shapley_shubik(game)``.
    """

    players: tuple
    swings: dict
    absolute_banzhaf: dict
    banzhaf: dict
    shapley_shubik: dict


def power_indices(game: SimpleGame, *, method: str = "auto") -> PowerIndices:
    """Banzhaf (raw, absolute, normalised) and Shapley–Shubik indices from one exact count of swings."""
    cg = _compiled(game)
    m = _swing_matrix(cg, method)
    n = cg.n
    swings = [sum(row) for row in m]
    total = sum(swings)
    fact = [math.factorial(c) * math.factorial(n - 1 - c) for c in range(n)]
    n_fact = math.factorial(n)
    ss = [Fraction(sum(x * f for x, f in zip(row, fact)), n_fact) for row in m]
    half = 1 << (n - 1)
    ps = cg.players
    return PowerIndices(
        players=ps,
        swings=dict(zip(ps, swings)),
        absolute_banzhaf={p: Fraction(s, half) for p, s in zip(ps, swings)},
        banzhaf={p: Fraction(s, total) for p, s in zip(ps, swings)},
        shapley_shubik=dict(zip(ps, ss)),
    )


def swing_counts(game: SimpleGame, *, method: str = "auto") -> dict:
    """Raw Banzhaf counts: for each player, the number of coalitions in which it is a swing.

    Counts the swings afresh; ``power_indices(game).swings`` is the same with every index alongside.
    """
    cg = _compiled(game)
    return dict(zip(cg.players, (sum(row) for row in _swing_matrix(cg, method))))


def banzhaf(game: SimpleGame, *, normalized: bool = True, method: str = "auto") -> dict:
    """Exact Banzhaf index of each player as a Fraction.

    ``normalized=True``: shares summing to 1; ``normalized=False``: the
    absolute (Penrose–Banzhaf) index, swings / 2^(n-1). Counts the swings
    afresh; ``power_indices(game)`` gives both forms (``banzhaf``,
    ``absolute_banzhaf``) and Shapley–Shubik from one count.
    """
    pi = power_indices(game, method=method)
    return pi.banzhaf if normalized else pi.absolute_banzhaf


def shapley_shubik(game: SimpleGame, *, method: str = "auto") -> dict:
    """Exact Shapley–Shubik index of each player as a Fraction (they sum to 1).

    Counts the swings afresh; ``power_indices(game).shapley_shubik`` is the same with every index alongside.
    """
    return power_indices(game, method=method).shapley_shubik
