"""The compiled form of a game, and what each counting method would cost on it.

Every computation first reduces a game to a head-count axis, a few weight
axes ("dims": weight vectors divided by their gcd, identical ones shared,
all-equal weights folded into the head count) and an AND/OR formula of
thresholds. The compiled form is cached on the game. ``_costs`` estimates the
work of each counting method of :mod:`.swings` on it; ``_dtype`` is the
integer dtype its tables need.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable

import numpy as np

from allegiance.errors import PowerError
from allegiance.rules.power.games import SimpleGame


class _Compiled:
    """A game reduced to: n, weight vectors ("dims", all-equal weights folded into the head count), formula.

    Formula nodes: ("count", q) -> |S| >= q; ("dim", d, q) -> w_d(S) >= q;
    ("and", kids); ("or", kids).
    """

    def __init__(self, game: SimpleGame):
        self.players = tuple(game.players)
        self.n = len(self.players)
        self.index = {p: i for i, p in enumerate(self.players)}
        self.dims: list[tuple[int, ...]] = []
        self._dim_of: dict[tuple[int, ...], int] = {}
        self.tree = self._fold(game._node(self.index))
        self.totals = [sum(d) for d in self.dims]
        self.k = len(self.dims)

    def _fold(self, node: tuple) -> tuple:
        if node[0] == "atom":
            w, q = node[1], node[2]
            if len(set(w)) == 1:
                return ("count", -(-q // w[0]))
            g = math.gcd(*w)
            w = tuple(x // g for x in w)
            q = -(-q // g)
            d = self._dim_of.get(w)
            if d is None:
                d = self._dim_of[w] = len(self.dims)
                self.dims.append(w)
            return ("dim", d, q)
        return (node[0], tuple(self._fold(c) for c in node[1]))

    # evaluation works on Python ints and, elementwise, on NumPy arrays
    def wins(self, count, sums) -> object:
        return _eval(self.tree, count, sums)

    def indices(self, coalition: Iterable[Hashable]) -> set[int]:
        if isinstance(coalition, (str, bytes)) or not isinstance(coalition, Iterable):
            raise PowerError(f"a coalition is a collection of players, got {coalition!r}")
        out = set()
        for p in coalition:
            try:
                out.add(self.index[p])
            except (KeyError, TypeError):
                raise PowerError(f"{p!r} is not a player of this game") from None
        return out

    def wins_indices(self, members: Iterable[int]) -> bool:
        members = list(members)
        sums = [sum(d[i] for i in members) for d in self.dims]
        return bool(self.wins(len(members), sums))


def _eval(node: tuple, count, sums):
    kind = node[0]
    if kind == "count":
        return count >= node[1]
    if kind == "dim":
        return sums[node[1]] >= node[2]
    kids = node[1]
    r = _eval(kids[0], count, sums)
    for c in kids[1:]:
        r = (r & _eval(c, count, sums)) if kind == "and" else (r | _eval(c, count, sums))
    return r


def _threshold(node: tuple, c: int, inf: int) -> int:
    """For a game with one weight axis: the least weight with which a coalition of size c wins (inf: none)."""
    kind = node[0]
    if kind == "count":
        return 0 if c >= node[1] else inf
    if kind == "dim":
        return node[2]
    vals = [_threshold(k, c, inf) for k in node[1]]
    return max(vals) if kind == "and" else min(vals)


def _compiled(game: SimpleGame) -> _Compiled:
    if not isinstance(game, SimpleGame):
        raise PowerError(f"{game!r} is not a game")
    cg = game.__dict__.get("_compiled_cache")
    if cg is None:
        cg = _Compiled(game)
        game.__dict__["_compiled_cache"] = cg
    return cg


_METHODS = ("auto", "dp", "mitm", "enumerate")
_MAX_WORK = 3e10          # element operations beyond which we refuse rather than run for hours
_MITM_MAX_N = 44          # float64 accumulation of counts stays exact below 2^53
_ENUM_MAX_N = 24
_MAX_BYTES = 2 * 2 ** 30  # memory for the tables of one computation


def _dtype(n: int):
    return np.int64 if n <= 62 else object


def _costs(cg: _Compiled) -> dict[str, float]:
    n, k = cg.n, cg.k
    costs: dict[str, float] = {}
    if n <= _ENUM_MAX_N:
        costs["enumerate"] = float(n) * 2.0 ** n * 3
    if k == 1:
        inf = cg.totals[0] + 1
        finite = [t for t in (_threshold(cg.tree, c, inf) for c in range(n + 1)) if t < inf]
        big_t = max(finite, default=0)
        work, reach = 0.0, 0
        for j, w in enumerate(sorted(cg.dims[0])):
            reach = min(reach + w, big_t)
            work += min(j + 1, n) * reach
        costs["dp"] = work + 2.0 * n ** 3
        if n <= _MITM_MAX_N:
            costs["mitm"] = float(n) * (n // 2 + 2) * 2.0 ** ((n + 1) // 2) * 10
    else:
        cells = float(n + 1)
        for t in cg.totals:
            cells *= t + 1
        if cells * 8 * 3 <= _MAX_BYTES:
            costs["dp"] = cells * (n + 2) * 2
    return costs
