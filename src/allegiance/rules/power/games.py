"""The games: a set of players and a monotone rule saying which coalitions win.

:class:`WeightedGame` is a weighted threshold game; :class:`MultiGame` composes
games with AND (``all_of``) and OR (``any_of``); :func:`unanimity` and
:func:`majority` are the one-vote-each games. Every constructor checks its
input and raises :class:`PowerError` naming the bad value.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping

import numpy as np

from allegiance.errors import PowerError


class SimpleGame:
    """Base of the games: an ordered tuple of distinct players and a monotone winning rule.

    Use :class:`WeightedGame`, :class:`MultiGame`, :func:`unanimity` or
    :func:`majority` to build one.
    """

    players: tuple

    def is_winning(self, coalition: Iterable[Hashable]) -> bool:
        """True when the players in ``coalition`` (any iterable of players) win."""
        from allegiance.rules.power.compile import _compiled  # compile imports this module

        cg = _compiled(self)
        return cg.wins_indices(cg.indices(coalition))

    def _node(self, index: Mapping[Hashable, int]) -> tuple:  # pragma: no cover - abstract
        raise NotImplementedError

    def __len__(self) -> int:
        return len(self.players)


def _is_int(x: object) -> bool:
    return isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_))


def _check_players(players: tuple) -> None:
    if not players:
        raise PowerError("a game needs at least one player")
    seen: set = set()
    for p in players:
        try:
            if p in seen:
                raise PowerError(f"duplicate player {p!r}")
        except TypeError:
            raise PowerError(f"player {p!r} is not hashable") from None
        seen.add(p)


class WeightedGame(SimpleGame):
    """A weighted threshold game ``[quota; w1, ..., wn]``: a coalition wins when its weight reaches the quota.

    ``weights`` are positive integers in the order of ``players``; ``quota`` is
    a positive integer no greater than the total weight. Anything else raises
    :class:`PowerError`.
    """

    def __init__(self, players: Iterable[Hashable], weights: Iterable[int], quota: int):
        self.players = tuple(players)
        _check_players(self.players)
        weights = tuple(weights)
        if len(weights) != len(self.players):
            raise PowerError(f"{len(self.players)} players but {len(weights)} weights")
        for p, w in zip(self.players, weights):
            if not _is_int(w):
                raise PowerError(f"weight of {p!r} must be an integer, got {w!r}")
            if w <= 0:
                raise PowerError(f"weight of {p!r} must be positive, got {w}")
        if not _is_int(quota):
            raise PowerError(f"quota must be an integer, got {quota!r}")
        self.weights = tuple(int(w) for w in weights)
        self.quota = int(quota)
        total = sum(self.weights)
        if self.quota <= 0:
            raise PowerError(f"quota must be positive, got {self.quota} (the empty coalition would win)")
        if self.quota > total:
            raise PowerError(f"quota {self.quota} cannot be reached: all players together weigh {total}")

    @classmethod
    def from_mapping(cls, weights: Mapping[Hashable, int], quota: int) -> WeightedGame:
        """The game with players and weights taken from a mapping (in its order)."""
        return cls(list(weights), list(weights.values()), quota)

    def _node(self, index: Mapping[Hashable, int]) -> tuple:
        w = [0] * len(index)
        for p, x in zip(self.players, self.weights):
            w[index[p]] = x
        return ("atom", tuple(w), self.quota)

    def __repr__(self) -> str:
        return f"WeightedGame(quota={self.quota}, weights={dict(zip(self.players, self.weights))!r})"


class MultiGame(SimpleGame):
    """A composite game: all (``all_of``) or any (``any_of``) of several games over the same players.

    ``MultiGame.all_of(states, population)`` is a double majority;
    ``MultiGame.any_of(qualified, MultiGame...)`` an alternative route to
    winning. Components must have the same set of players (the order of the
    first one is kept); they may themselves be composite.
    """

    def __init__(self, op: str, games: Iterable[SimpleGame]):
        if op not in ("all", "any"):
            raise PowerError(f"composition must be 'all' or 'any', got {op!r}")
        self.op = op
        self.games = tuple(games)
        if not self.games:
            raise PowerError("a composite game needs at least one component game")
        for g in self.games:
            if not isinstance(g, SimpleGame):
                raise PowerError(f"component {g!r} is not a game")
        self.players = self.games[0].players
        first = set(self.players)
        for k, g in enumerate(self.games[1:], start=2):
            other = set(g.players)
            if other != first:
                missing = sorted(map(repr, first - other))
                extra = sorted(map(repr, other - first))
                raise PowerError(f"component {k} has different players from component 1 "
                                 f"(missing: {', '.join(missing) or 'none'}; extra: {', '.join(extra) or 'none'})")

    @classmethod
    def all_of(cls, *games: SimpleGame) -> MultiGame:
        """Win when winning in every component game (intersection)."""
        return cls("all", games)

    @classmethod
    def any_of(cls, *games: SimpleGame) -> MultiGame:
        """Win when winning in at least one component game (union)."""
        return cls("any", games)

    def _node(self, index: Mapping[Hashable, int]) -> tuple:
        return ("and" if self.op == "all" else "or", tuple(g._node(index) for g in self.games))

    def __repr__(self) -> str:
        return f"MultiGame.{self.op}_of({', '.join(map(repr, self.games))})"


def unanimity(players: Iterable[Hashable]) -> WeightedGame:
    """Consensus: every player must agree.

    Also the power model of consensus with constructive abstention (an
    abstainer does not block but cannot carry a decision alone): each member
    is a yes/no player and only all of them together win.
    """
    players = tuple(players)
    return WeightedGame(players, [1] * len(players), len(players))


def majority(players: Iterable[Hashable], k: int | None = None) -> WeightedGame:
    """At least ``k`` of the players (one vote each); ``k`` defaults to a simple majority, n // 2 + 1."""
    players = tuple(players)
    n = len(players)
    if k is None:
        k = n // 2 + 1
    if not _is_int(k):
        raise PowerError(f"majority threshold must be an integer, got {k!r}")
    if not 1 <= k <= n:
        raise PowerError(f"majority threshold {k} is outside 1..{n} for {n} players")
    return WeightedGame(players, [1] * n, int(k))
