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

Every index is **exact**: computed by counting coalitions with integer
arithmetic, never by sampling. Three counting methods, chosen by an estimate
of their cost (``method="auto"``) or by name:

``"dp"``
    Generating functions / dynamic programming over (coalition size, weight).
    For a game with one weight besides the head count (a weighted game, a
    double majority of states and population) the table of coalitions by
    size and weight is built once, in O(n^2 * q) integer additions (q the
    largest finite weight threshold), and each player's swings are read from
    its prefix sums by dividing that player out of the generating function
    (an alternating sum of O(n^2) table entries per player). With two or
    more weights the DP runs on the full grid of weight sums.
``"mitm"``
    Meet in the middle, for one weight besides the head count when the
    weights are large (populations counted in people): the players other
    than ``i`` are split in two halves, the coalitions of each half are
    enumerated and sorted, and the swings of ``i`` are counted by binary
    search, in about O(n^2 * 2^(n/2) * log) time whatever the weights.
``"enumerate"``
    All 2^n coalitions, vectorised; for small bodies and as a cross-check.

Precision: swing counts are Python integers. Inside NumPy the DP tables are
int32 up to 33 players and int64 up to 62 (no entry can exceed C(n, c), no
alternating sum 2^n), Python-integer arrays beyond; the meet-in-the-middle
totals pass through float64, exact below 2^53, so that method is used only
up to 44 players. Indices are ``fractions.Fraction``s: the
Shapley–Shubik weights ``c! (n-1-c)! / n!`` are exact, not floats.

Weights must be integers. Populations are integers too; a caller may count
them in people or in coarser units (``eu_council_qmv(..., unit=1000)``): the
indices are exact for the game as given, and a coarser unit is a different
(rounded) game.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from allegiance.errors import PowerError

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




# ---------------------------------------------------------------------------
# Games


class SimpleGame:
    """Base of the games: an ordered tuple of distinct players and a monotone winning rule.

    Use :class:`WeightedGame`, :class:`MultiGame`, :func:`unanimity` or
    :func:`majority` to build one.
    """

    players: tuple

    def is_winning(self, coalition: Iterable[Hashable]) -> bool:
        """True when the players in ``coalition`` (any iterable of players) win."""
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


# ---------------------------------------------------------------------------
# EU Council


#: Population of the 27 EU member states used for the shipped EU Council game,
#: by ISO 3166-1 alpha-2 code (Greece as GR). See EU27_POPULATION_SOURCE.
EU27_POPULATION: dict[str, int] = {
    "DE": 84_358_845, "FR": 68_070_697, "IT": 58_850_717, "ES": 48_059_777,
    "PL": 36_753_736, "RO": 19_051_562, "NL": 17_811_291, "BE": 11_754_004,
    "CZ": 10_827_529, "SE": 10_521_556, "PT": 10_467_366, "GR": 10_394_055,
    "HU": 9_597_085, "AT": 9_104_772, "BG": 6_447_710, "DK": 5_932_654,
    "FI": 5_563_970, "SK": 5_428_792, "IE": 5_194_336, "HR": 3_850_894,
    "LT": 2_857_279, "SI": 2_116_792, "LV": 1_883_008, "EE": 1_365_884,
    "CY": 920_701, "LU": 660_809, "MT": 542_051,
}

EU27_POPULATION_SOURCE = (
    "Eurostat, population on 1 January 2023 (dataset demo_pjan), first-release figures, as "
    "reproduced in secondary copies (checked against two independent copies; not against "
    "Eurostat directly). These are NOT the Council's own figures: Annex III of the Council's "
    "Rules of Procedure for 2024, as replaced by Council Decision (EU, Euratom) 2023/2827 of "
    "12 December 2023 (OJ L, 2023/2827, 14.12.2023), uses e.g. DE 84 311 244, FR 68 070 697, "
    "IT 59 691 110, ES 48 063 694, PL 37 723 532, RO 19 051 562 and a Union total of "
    "450 473 252; the full Council table could not be retrieved for this release."
)


def eu_council_qmv(populations: Mapping[Hashable, int], *, unit: int = 1) -> MultiGame:
    """The Council of the EU deciding by qualified majority (Art. 16(4) TEU, Art. 238(3) TFEU).

    A proposal passes when (at least 55 % of the members, and at least
    fifteen of them, AND members representing at least 65 % of the Union's
    population vote for it) OR fewer than four members vote against it
    ("a blocking minority must include at least four Council members,
    failing which the qualified majority shall be deemed attained"). Every
    member votes yes or no (the a-priori model of power indices).

    ``populations`` maps each member to its population (a positive integer).
    ``unit`` > 1 counts populations in units of that many people, rounded
    half up (``unit=1000``: thousands); the 65 % quota is then taken of the
    rounded total. Indices are exact for the game so built.
    """
    players = tuple(populations)
    n = len(players)
    if n < 15:
        raise PowerError(f"the EU qualified majority needs at least fifteen members in favour; got {n} members")
    if not _is_int(unit) or unit <= 0:
        raise PowerError(f"unit must be a positive integer, got {unit!r}")
    weights = []
    for p in players:
        pop = populations[p]
        if not _is_int(pop) or pop <= 0:
            raise PowerError(f"population of {p!r} must be a positive integer, got {pop!r}")
        w = (2 * int(pop) + unit) // (2 * unit)
        if w <= 0:
            raise PowerError(f"population of {p!r} ({pop}) rounds to 0 units of {unit}")
        weights.append(w)
    states = majority(players, max(15, -(-55 * n // 100)))
    pop_game = WeightedGame(players, weights, -(-65 * sum(weights) // 100))
    not_blocked = majority(players, n - 3)
    return MultiGame.any_of(MultiGame.all_of(states, pop_game), not_blocked)


# ---------------------------------------------------------------------------
# Compilation: a game becomes a head-count axis, a few weight axes and a formula


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


# ---------------------------------------------------------------------------
# Swing counting. M[i][c] = number of coalitions S, not containing i, of size c,
# that lose while S + {i} wins (i is a swing / pivot for S).


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


def _swing_matrix(cg: _Compiled, method: str = "auto") -> list[list[int]]:
    if method not in _METHODS:
        raise PowerError(f"method must be one of {', '.join(_METHODS)}; got {method!r}")
    n = cg.n
    if cg.k == 0:
        wins = [bool(cg.wins(c, [])) for c in range(n + 1)]
        row = [math.comb(n - 1, c) if (not wins[c] and wins[c + 1]) else 0 for c in range(n)]
        return [list(row) for _ in range(n)]
    costs = {m: c for m, c in _costs(cg).items() if c <= _MAX_WORK}
    if method == "auto":
        if not costs:
            raise PowerError(
                f"this game is too large to compute exactly ({n} players, weight totals {cg.totals}); "
                f"count weights in coarser integer units")
        method = min(costs, key=costs.get)
    elif method not in costs:
        why = {"mitm": f"one weight axis besides the head count and at most {_MITM_MAX_N} players",
               "enumerate": f"at most {_ENUM_MAX_N} players",
               "dp": "tables that fit in memory and time (fewer or smaller weights)"}[method]
        raise PowerError(f"method {method!r} needs {why}; this game has {n} players and weight totals {cg.totals}")
    if method == "enumerate":
        return _swings_enumerate(cg)
    if method == "mitm":
        return _swings_mitm(cg)
    return _swings_dp1(cg) if cg.k == 1 else _swings_grid(cg)


def _swings_dp1(cg: _Compiled) -> list[list[int]]:
    """One weight axis: coalition counts by (size, weight < T), prefix sums, division by each player."""
    n, w, big_w = cg.n, cg.dims[0], cg.totals[0]
    inf = big_w + 1
    t = [_threshold(cg.tree, c, inf) for c in range(n + 1)]
    big_t = max((x for x in t if x < inf), default=0)
    # every table entry is at most C(n, c): int32 holds that up to 33 players, int64 up to 62
    dt = np.int32 if n <= 33 else _dtype(n)
    pref = np.zeros((n + 1, big_t + 1), dtype=dt)
    if big_t > 0:
        g = np.zeros((n + 1, big_t), dtype=dt)
        g[0, 0] = 1
        reach = 0  # largest weight sum kept so far
        for j, wj in enumerate(sorted(w)):
            if wj < big_t:
                hi = min(reach + wj, big_t - 1) + 1
                for c in range(min(j + 1, n), 0, -1):  # descending: row c-1 is still the old one
                    g[c, wj:hi] += g[c - 1, 0:hi - wj]
            reach = min(reach + wj, big_t - 1)
        np.cumsum(g, axis=1, out=pref[:, 1:])
    # F_{-i}(c, x) = #{S not containing i: |S| = c, w(S) < x} = sum_k (-1)^k F(c-k, x - k w_i)
    cs = np.arange(n)[:, None]
    ks = np.arange(n)[None, :]
    rows = cs - ks
    valid = rows >= 0
    rows = np.where(valid, rows, 0)
    signs = np.where(ks % 2 == 0, 1, -1).astype(np.int64)

    def f_minus(x: np.ndarray, wi: int) -> np.ndarray:
        cols = np.clip(x[:, None] - ks * wi, 0, big_t)
        vals = np.where(valid, pref[rows, cols], 0)
        if vals.dtype != object:
            vals = vals.astype(np.int64)
        return (vals * signs).sum(axis=1)

    out = []
    for i in range(n):
        wi = w[i]
        hi = np.array([min(t[c], big_t) for c in range(n)], dtype=np.int64)
        lo = np.array([min(max(t[c + 1] - wi, 0), big_t) for c in range(n)], dtype=np.int64)
        f_hi, f_lo = f_minus(hi, wi), f_minus(lo, wi)
        row = []
        for c in range(n):
            if t[c + 1] >= inf:
                row.append(0)
                continue
            top = math.comb(n - 1, c) if t[c] >= inf else int(f_hi[c])
            row.append(top - int(f_lo[c]))
        out.append(row)
    return out


def _enum_half(members: Sequence[int], w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    sizes = np.zeros(1, dtype=np.int64)
    sums = np.zeros(1, dtype=np.int64)
    for m in members:  # subset index bit b <-> members[b]
        sizes = np.concatenate([sizes, sizes + 1])
        sums = np.concatenate([sums, sums + w[m]])
    return sizes, sums


def _swings_mitm(cg: _Compiled) -> list[list[int]]:
    """One weight axis, any weights: split the other players in two halves, sort one, binary-search."""
    n = cg.n
    w = np.array(cg.dims[0], dtype=np.int64)
    inf = cg.totals[0] + 1
    t = np.array([_threshold(cg.tree, c, inf) for c in range(n + 1)], dtype=np.int64)
    # i can be a swing only for coalition sizes c with t(c+1) < inf (winning is possible with i)
    # and t(c) > 0 (not every coalition of size c already wins): an interval, t being monotone
    live = [c for c in range(n) if t[c + 1] < inf and t[c] > 0]
    if not live:
        return [[0] * n for _ in range(n)]
    c_lo, c_hi = live[0], live[-1]
    halves = (list(range(n // 2)), list(range(n // 2, n)))
    out: list[list[int]] = [[] for _ in range(n)]
    for mine, other in (halves, halves[::-1]):
        if not mine:
            continue
        o_sizes, o_sums = _enum_half(other, w)
        groups = [np.sort(o_sums[o_sizes == b]) for b in range(len(other) + 1)]
        m_sizes, m_sums = _enum_half(mine, w)
        idx = np.arange(len(m_sizes))
        # by size, then by decreasing weight: the search keys below then come in increasing runs,
        # which NumPy's searchsorted exploits
        order = np.lexsort((-m_sums, m_sizes))
        m_sizes, m_sums, idx = m_sizes[order], m_sums[order], idx[order]
        for pos, i in enumerate(mine):
            keep = ((idx >> pos) & 1) == 0
            a_sizes, a_sums = m_sizes[keep], m_sums[keep]
            wi = w[i]
            acc = np.zeros(n + 1, dtype=np.float64)
            for b, grp in enumerate(groups):
                # the A-coalitions whose size a gives a live c = a + b: a contiguous run (A is by size)
                start, stop = np.searchsorted(a_sizes, [c_lo - b, c_hi - b + 1])
                if start >= stop or len(grp) == 0:
                    continue
                c = a_sizes[start:stop] + b
                sums = a_sums[start:stop]
                lo = np.maximum(t[c + 1] - wi, 0) - sums
                hi = t[c] - sums  # t(c) == inf counts every coalition (all sums are below inf)
                cnt = np.searchsorted(grp, hi, "left") - np.searchsorted(grp, lo, "left")
                acc += np.bincount(c, weights=cnt, minlength=n + 1)
            out[i] = [int(v) for v in np.rint(acc[:n])]
    return out


def _swings_grid(cg: _Compiled) -> list[list[int]]:
    """Two or more weight axes: coalition counts on the full grid of (size, weight sums)."""
    n, k = cg.n, cg.k
    tot = cg.totals
    shape = tuple(t + 1 for t in tot)
    dt = _dtype(n)
    g = np.zeros((n + 1, *shape), dtype=dt)
    g[(0,) * (k + 1)] = 1

    def dst(wv):
        return tuple(slice(x, None) for x in wv)

    def src(wv):
        return tuple(slice(0, t + 1 - x) for t, x in zip(tot, wv))

    for j in range(n):
        wv = [d[j] for d in cg.dims]
        for c in range(min(j + 1, n), 0, -1):
            g[c][dst(wv)] += g[c - 1][src(wv)]
    coords = np.ogrid[tuple(slice(0, t + 1) for t in tot)]
    win = np.stack([np.broadcast_to(np.asarray(cg.wins(c, coords)), shape) for c in range(n + 1)])
    out = []
    for i in range(n):
        wv = [d[i] for d in cg.dims]
        row, prev = [], None
        for c in range(n):
            cur = g[c].copy()
            if prev is not None:
                cur[dst(wv)] -= prev[src(wv)]
            nxt = np.zeros(shape, dtype=bool)  # nxt[x] = S of weight x wins once i joins
            nxt[src(wv)] = win[c + 1][dst(wv)]
            row.append(int(cur[nxt & ~win[c]].sum()))
            prev = cur
        out.append(row)
    return out


def _swings_enumerate(cg: _Compiled) -> list[list[int]]:
    """Every coalition, vectorised (bit i of the index is player i)."""
    n = cg.n
    sizes = np.zeros(1, dtype=np.int64)
    sums = [np.zeros(1, dtype=np.int64) for _ in cg.dims]
    for j in range(n):
        sizes = np.concatenate([sizes, sizes + 1])
        sums = [np.concatenate([s, s + d[j]]) for s, d in zip(sums, cg.dims)]
    win = np.asarray(cg.wins(sizes, sums), dtype=bool)
    if win.ndim == 0:
        win = np.full(sizes.shape, bool(win))
    idx = np.arange(1 << n, dtype=np.int64)
    out = []
    for i in range(n):
        bit = 1 << i
        s = idx[(idx & bit) == 0]
        swing = win[s | bit] & ~win[s]
        out.append([int(v) for v in np.bincount(sizes[s][swing], minlength=n)[:n]])
    return out


# ---------------------------------------------------------------------------
# Indices


@dataclass(frozen=True)
class PowerIndices:
    """Exact power indices of every player of one game, keyed by player, in the game's player order.

    - ``swings``: raw Banzhaf count, the number of coalitions in which the player is a swing
      (the coalition loses without it and wins with it);
    - ``absolute_banzhaf``: swings / 2^(n-1) (Penrose–Banzhaf measure, the probability of being decisive);
    - ``banzhaf``: swings normalised to sum to 1;
    - ``shapley_shubik``: the share of the n! orderings in which the player is pivotal.
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
    """Raw Banzhaf counts: for each player, the number of coalitions in which it is a swing."""
    cg = _compiled(game)
    return dict(zip(cg.players, (sum(row) for row in _swing_matrix(cg, method))))


def banzhaf(game: SimpleGame, *, normalized: bool = True, method: str = "auto") -> dict:
    """Exact Banzhaf index of each player as a Fraction.

    ``normalized=True``: shares summing to 1; ``normalized=False``: the
    absolute (Penrose–Banzhaf) index, swings / 2^(n-1).
    """
    pi = power_indices(game, method=method)
    return pi.banzhaf if normalized else pi.absolute_banzhaf


def shapley_shubik(game: SimpleGame, *, method: str = "auto") -> dict:
    """Exact Shapley–Shubik index of each player as a Fraction (they sum to 1)."""
    return power_indices(game, method=method).shapley_shubik


# ---------------------------------------------------------------------------
# Structure: winning, veto, dictator, minimal winning coalitions


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
