"""The swing matrix: ``M[i][c]``, the coalitions S of size c, without player i, that lose while S + {i} wins.

Both indices come from it (Banzhaf from the row sums, Shapley–Shubik from
``sum_c M[i][c] * c! (n-1-c)! / n!``); :mod:`.indices` turns it into them.

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
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from allegiance.errors import PowerError
from allegiance.rules.power.compile import (
    _ENUM_MAX_N,
    _MAX_WORK,
    _METHODS,
    _MITM_MAX_N,
    _Compiled,
    _costs,
    _dtype,
    _threshold,
)


def _swing_matrix(cg: _Compiled, method: str = "auto") -> list[list[int]]:
    """``M[i][c]`` for every player i and coalition size c, counted by ``method`` (see the module docstring)."""
    if method not in _METHODS:
        raise PowerError(f"method must be one of {', '.join(_METHODS)}; got {method!r}")
    n = cg.n
    if cg.k == 0:
        wins = [bool(cg.wins(c, [])) for c in range(n + 1)]
        row = [math.comb(n - 1, c) if (not wins[c] and wins[c + 1]) else 0 for c in range(n)]
        return [list(row) for _ in range(n)]
    method = _choose_method(cg, method)
    if method == "enumerate":
        return _swings_enumerate(cg)
    if method == "mitm":
        return _swings_mitm(cg)
    return _swings_dp1(cg) if cg.k == 1 else _swings_grid(cg)


def _choose_method(cg: _Compiled, method: str = "auto") -> str:
    """The counting method for a game with weight axes: the cheapest that can run (``"auto"``) or ``method``.

    Raises :class:`PowerError` when no method can run, or the one asked for cannot.
    """
    n = cg.n
    costs = {m: c for m, c in _costs(cg).items() if c <= _MAX_WORK}
    if method == "auto":
        if not costs:
            raise PowerError(
                f"this game is too large to compute exactly ({n} players, weight totals {cg.totals}); "
                f"count weights in coarser integer units")
        return min(costs, key=costs.get)
    if method not in costs:
        why = {"mitm": f"one weight axis besides the head count and at most {_MITM_MAX_N} players",
               "enumerate": f"at most {_ENUM_MAX_N} players",
               "dp": "tables that fit in memory and time (fewer or smaller weights)"}[method]
        raise PowerError(f"method {method!r} needs {why}; this game has {n} players and weight totals {cg.totals}")
    return method


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
