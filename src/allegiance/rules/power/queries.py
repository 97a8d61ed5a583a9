"""Questions about who wins: winning coalitions, veto players, the dictator, minimal winning coalitions."""

from __future__ import annotations

import sys
from collections.abc import Hashable, Iterable

from allegiance.errors import PowerError
from allegiance.rules.power.compile import _Compiled, _compiled
from allegiance.rules.power.games import SimpleGame, _is_int


def is_winning(game: SimpleGame, coalition: Iterable[Hashable]) -> bool:
    """True when ``coalition`` (an iterable of players) wins ``game``."""
    return game.is_winning(coalition)


def _without(cg: _Compiled, i: int) -> bool:
    return bool(cg.wins(cg.n - 1, [t - d[i] for t, d in zip(cg.totals, cg.dims)]))


def veto_players(game: SimpleGame) -> list:
    """Players in every winning coalition (the rest cannot win without them), in player order."""
    cg = _compiled(game)
    return [p for i, p in enumerate(cg.players) if not _without(cg, i)]


def can_block_alone(game: SimpleGame, player: Hashable) -> bool:
    """True when ``player`` voting no defeats any proposal: it is a veto player."""
    cg = _compiled(game)
    (i,) = cg.indices([player])
    return not _without(cg, i)


def can_act_alone(game: SimpleGame, player: Hashable) -> bool:
    """True when ``player`` alone is a winning coalition."""
    cg = _compiled(game)
    return cg.wins_indices(cg.indices([player]))


def dictator(game: SimpleGame):
    """The dictator (wins alone, and nothing wins without it), or None."""
    cg = _compiled(game)
    for i, p in enumerate(cg.players):
        if cg.wins_indices([i]) and not _without(cg, i):
            return p
    return None


def minimal_winning_coalitions(game: SimpleGame, limit: int = 10_000) -> list[tuple]:
    """Every minimal winning coalition (winning, and losing if any member leaves), as tuples in player order.

    Raises :class:`PowerError` as soon as more than ``limit`` are found: the
    number grows exponentially with the body's size (the 27-member EU Council
    has millions), so ask for what can be listed.
    """
    if not _is_int(limit) or limit < 0:
        raise PowerError(f"limit must be a non-negative integer, got {limit!r}")
    cg = _compiled(game)
    n, k = cg.n, cg.k
    share = [max([1 / n] + [d[i] / t for d, t in zip(cg.dims, cg.totals)]) for i in range(n)]
    order = sorted(range(n), key=lambda i: (-share[i], i))
    suf_count = [n - pos for pos in range(n + 1)]
    suf = [[0] * (n + 1) for _ in range(k)]
    for d in range(k):
        for pos in range(n - 1, -1, -1):
            suf[d][pos] = suf[d][pos + 1] + cg.dims[d][order[pos]]
    found: list[tuple] = []
    chosen: list[int] = []
    sums = [0] * k
    wins = cg.wins

    def rec(pos: int) -> None:
        count = len(chosen)
        if wins(count, sums):
            for j in chosen:
                if wins(count - 1, [s - cg.dims[d][j] for d, s in enumerate(sums)]):
                    return
            found.append(tuple(sorted(chosen)))
            if len(found) > limit:
                raise PowerError(f"more than {limit} minimal winning coalitions; pass a larger limit to list them")
            return
        if pos == n or not wins(count + suf_count[pos], [s + suf[d][pos] for d, s in enumerate(sums)]):
            return
        i = order[pos]
        chosen.append(i)
        for d in range(k):
            sums[d] += cg.dims[d][i]
        rec(pos + 1)
        chosen.pop()
        for d in range(k):
            sums[d] -= cg.dims[d][i]
        rec(pos + 1)

    old = sys.getrecursionlimit()
    if n + 100 > old:
        sys.setrecursionlimit(n + 100)
    try:
        rec(0)
    finally:
        sys.setrecursionlimit(old)
    found.sort(key=lambda s: (len(s), s))
    return [tuple(cg.players[i] for i in s) for s in found]
