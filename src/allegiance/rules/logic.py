"""Monotone games as binary decision diagrams (BDDs).

Each player (an office or a state) is a Boolean variable, true when it
consents (votes yes, or, under constructive abstention, does not object).
A requirement becomes one BDD; from it come, exactly: whether an action is
possible at all, veto players (in every winning coalition), minimal winning
coalitions, and whether a set of players can act alone. The BDDs are built
and combined by CUDD through the ``dd`` package (pure-Python ``dd.autoref``
where the compiled module is unavailable).

Weighted thresholds (weights and a quota; the EU Council's population
criterion) are built directly by Behle's interval method: at each level the
quotas that lead to the same sub-diagram form an interval, so the diagram is
built once per interval rather than once per partial sum.
"""

from __future__ import annotations

import bisect
from typing import Iterable

from allegiance.errors import LimitError


def _bdd_module():
    """CUDD through dd (compiled, in dd's Linux wheels), else dd's pure-Python BDDs; imported on first use.

    dd imports networkx (about 90 ms) at module level, in ``dd._utils``, only for its graph drawing, which
    nothing here uses; it is hidden while dd is first imported (dd then records it as unavailable) and
    stays importable for everything else.
    """
    import sys

    hide = "dd._utils" not in sys.modules and "networkx" not in sys.modules
    if hide:
        sys.modules["networkx"] = None  # `import networkx` raises ImportError while this is here
    try:
        try:
            from dd import cudd as impl
        except ImportError:  # pragma: no cover - other platforms
            from dd import autoref as impl
    finally:
        if hide and "networkx" in sys.modules and sys.modules["networkx"] is None:
            del sys.modules["networkx"]
    return impl

__all__ = ["Game", "TooManyCoalitions"]

_INF = float("inf")


class TooManyCoalitions(LimitError):
    """More minimal winning coalitions than the limit asked for: the count is not listed."""


class Game:
    """A BDD manager over a fixed, ordered set of players."""

    def __init__(self, players: Iterable[str]):
        self.players = list(dict.fromkeys(players))
        impl = _bdd_module()
        # CUDD sizes its caches from the machine's memory by default (~8 ms to set up here); our diagrams are
        # small, so start small and cap at 256 MiB: the caches still grow on demand.
        self.bdd = (impl.BDD(memory_estimate=1 << 28, initial_cache_size=1 << 14) if impl.__name__ == "dd.cudd"
                    else impl.BDD())
        self.var = {p: f"v{i}" for i, p in enumerate(self.players)}
        self.player_of = {v: p for p, v in self.var.items()}
        if self.players:
            self.bdd.declare(*self.var.values())
        self.true, self.false = self.bdd.true, self.bdd.false

    def x(self, player: str):
        return self.bdd.var(self.var[player])

    def all_of(self, nodes):
        out = self.true
        for n in nodes:
            out &= n
        return out

    def any_of(self, nodes):
        out = self.false
        for n in nodes:
            out |= n
        return out

    def threshold(self, players: list[str], weights: list[int], quota: int):
        """Sum of weights of consenting players >= quota (Behle's interval construction)."""
        n = len(players)
        order = sorted(range(n), key=lambda i: self.bdd.level_of_var(self.var[players[i]]))
        ps = [players[i] for i in order]
        ws = [weights[i] for i in order]
        suffix = [0] * (n + 1)
        for i in range(n - 1, -1, -1):
            suffix[i] = suffix[i + 1] + ws[i]
        memo: list[list[tuple]] = [[] for _ in range(n + 1)]
        node = _threshold(self, ps, ws, suffix, memo, 0, quota)[0]
        memo.clear()  # CUDD nodes must not outlive their manager in a reference cycle
        return node

    # ------------------------------------------------------------------ analysis

    def restrict(self, u, values: dict[str, bool]):
        return self.bdd.let({self.var[p]: v for p, v in values.items()}, u)

    def evaluate(self, u, coalition: set[str]) -> bool:
        vals = {self.var[p]: (p in coalition) for p in self.players}
        return self.bdd.let(vals, u) == self.true

    def evaluate_on(self, u, coalition: frozenset) -> bool:
        """Value of ``u`` when exactly ``coalition`` consents (only u's own variables are set)."""
        sup = self.bdd.support(u)
        if not sup:
            return u == self.true
        return self.bdd.let({v: (self.player_of[v] in coalition) for v in sup}, u) == self.true

    def veto_players(self, u) -> list[str]:
        if u == self.false:
            return []
        return [p for p in self.players if self.bdd.let({self.var[p]: False}, u) == self.false]

    def blocks(self, u, group: set[str]) -> bool:
        """Can ``group`` block alone (no winning coalition without it)?"""
        if u == self.false:
            return False
        return self.restrict(u, {p: False for p in group}) == self.false

    def support(self, u) -> set[str]:
        return {self.player_of[v] for v in self.bdd.support(u)}

    def minimal_winning(self, u, limit: int = 1000) -> list[frozenset[str]]:
        """Minimal winning coalitions of a monotone function, exactly, smallest first (raises past ``limit``).

        They are counted first, on their own diagram (:meth:`minimal_winning_bdd`), so a game with millions
        of them is refused in a fraction of a second rather than after listing ``limit`` of them.
        """
        with self._fixed_order():
            m = self.minimal_winning_bdd(u)
            count = self._count(m)
            if count > limit:
                raise TooManyCoalitions(f"more than {limit:,} minimal winning coalitions: ask about fewer actions "
                                        f"or a smaller body", value=limit, field="limit")
            every = set(self.var.values())
            found = [frozenset(self.player_of[v] for v, val in a.items() if val)
                     for a in self.bdd.pick_iter(m, care_vars=every)]
        return sorted(found, key=lambda s: (len(s), sorted(s)))

    def count_minimal_winning(self, u) -> int:
        """How many minimal winning coalitions a monotone function has, exactly, without listing them."""
        with self._fixed_order():
            return self._count(self.minimal_winning_bdd(u))

    def minimal_winning_bdd(self, u):
        """The minimal winning coalitions of monotone ``u`` as one diagram over every player: each of its
        satisfying assignments is one coalition (the players set true), every other player set false.

        For u = u0 or (x and u1) with u0 <= u1 (monotone), the minimal sets are those of u0 without x, and
        {x} with each minimal set of u1 at which u0 fails (Rauzy's minimal solutions). Call it with the
        variable order fixed (:meth:`_fixed_order`): players a branch skips are set false by level.
        """
        bdd = self.bdd
        n = len(self.players)
        at = [bdd.var_at_level(i) for i in range(n)]

        def level(x) -> int:
            return n if x == self.true or x == self.false else bdd.level_of_var(x.var)

        def none_of(a: int, b: int):  # every player at levels a..b-1 set false
            out = self.true
            for i in range(b - 1, a - 1, -1):
                out &= ~bdd.var(at[i])
            return out

        memo: dict = {}

        def rec(x):
            if x == self.false or x == self.true:
                return x
            key = int(x) if hasattr(x, "__int__") else x
            if key in memo:
                return memo[key]
            i, v = level(x), x.var
            low, high = bdd.let({v: False}, x), bdd.let({v: True}, x)
            without = rec(low) & none_of(i + 1, level(low))
            with_x = rec(high) & none_of(i + 1, level(high)) & ~low
            memo[key] = out = bdd.ite(bdd.var(v), with_x, without)
            return out

        try:
            return rec(u) & none_of(0, level(u))
        finally:
            memo.clear()  # CUDD nodes must not outlive their manager in a reference cycle

    def _count(self, m) -> int:
        return int(self.bdd.count(m, nvars=len(self.players))) if self.players else int(m == self.true)

    def _fixed_order(self):
        """No dynamic reordering while a diagram is built level by level (restored after)."""
        import contextlib

        @contextlib.contextmanager
        def fixed():
            try:
                old = self.bdd.configure(reordering=False).get("reordering")
            except (AttributeError, TypeError):  # pragma: no cover - a module without the setting
                old = None
            try:
                yield
            finally:
                if old:
                    self.bdd.configure(reordering=old)

        return fixed()


def _threshold(game: Game, ps, ws, suffix, memo, i: int, q: float):
    if q <= 0:
        return game.true, -_INF, 0
    if q > suffix[i]:
        return game.false, suffix[i] + 1, _INF
    level = memo[i]
    k = bisect.bisect_right(level, q, key=lambda t: t[0]) - 1
    if k >= 0 and level[k][0] <= q <= level[k][1]:
        return level[k][2], level[k][0], level[k][1]
    low, a0, b0 = _threshold(game, ps, ws, suffix, memo, i + 1, q)
    high, a1, b1 = _threshold(game, ps, ws, suffix, memo, i + 1, q - ws[i])
    node = game.bdd.ite(game.x(ps[i]), high, low)
    lo, hi = max(a0, a1 + ws[i]), min(b0, b1 + ws[i])
    bisect.insort(level, (lo, hi, node), key=lambda t: t[0])
    return node, lo, hi
