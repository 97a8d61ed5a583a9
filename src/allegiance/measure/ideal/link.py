"""Linking the sessions' scales: the two-stage estimator's first stage onto one common scale.

The first stage estimates each session on its own, so each session's ideal
points come out on their own scale -- centre near 0, root mean square 1 --
and a movement of the whole Assembly (Bailey, Strezhnev and Voeten's mean
moves from +0.99 in session 1 to -0.05 in session 74) cannot show. The link maps session
``t``'s scale onto a common one by ``X = c_t x + d_t`` (``c_t > 0``), with
the ``c`` and ``d`` of all sessions chosen at once (mean--sigma linking, as
in the equating of test scores) from two kinds of bridge:

* **states** voting in two consecutive sessions ``u = t - 1`` and ``t``: their
  spread and their mean are kept, ``c_t sd_t = c_u sd_u`` and
  ``c_t mean_t + d_t = c_u mean_u + d_u``, both weighted over those states by
  ``1 / (1/info_it + 1/info_iu + evolution_variance)`` (the two first-stage
  estimates' errors and the walk's expected move), each pair of sessions
  weighted by the square root of the number of states in both. This is the
  random walk's own assumption -- states move little from one session to
  the next, on average not at all -- so the Assembly's mean moves only as
  states join or leave.
* **roll calls put to the vote again** (``link="bridges"``: an ``item`` key
  shared across sessions, as Bailey, Strezhnev and Voeten bridge identical
  resolutions): on the common scale a resolution has one discrimination and
  one midpoint, so ``b_t / c_t = b_u / c_u`` and ``c_t m_t + d_t = c_u m_u +
  d_u`` with the midpoint ``m = (0.5 - a) / b`` (the middle of the abstain
  band), each occurrence linked to the resolution's previous one. Only those
  that discriminate in both sessions (``|b| >= 0.3``, same sign) with
  midpoints inside the ideal points' range (``|m| <= 3``) count. Where a
  session is bridged by resolutions, they alone place its centre (the
  states' "no move on average" would pull a real drift back towards none);
  its spread takes both.

The scales are solved first (``log c_t - log c_u`` by weighted least
squares, the first session fixed at ``c = 1``), then the centres given the
scales (``d_0 = 0``). The linked scale is then standardised over all
state-sessions (mean 0, standard deviation 1), so each session keeps its own
centre and spread.
"""

from __future__ import annotations

import math

import numpy as np

from allegiance.errors import UsageError

__all__ = ["LINKS", "link_sessions"]

#: The links :func:`link_sessions` knows.
LINKS = ("none", "states", "bridges")

_MIN_B = 0.3
_MAX_MID = 3.0
#: Weight of each bridge-item equation: about that of one state voting in two consecutive sessions
#: (1 / sqrt(evolution_variance + two first-stage variances) is 2-3 with the defaults).
_ITEM_WEIGHT = 3.0


def link_sessions(
    x: np.ndarray,
    info: np.ndarray,
    have: np.ndarray,
    items: list[tuple[np.ndarray, np.ndarray, np.ndarray]] | None,
    *,
    link: str,
    evolution_variance: float,
) -> tuple[np.ndarray, np.ndarray, dict]:
    """``(c, d, counts)``: each session's map ``X = c x + d`` onto the common scale.

    ``x``, ``info`` and ``have`` are (T, S) grids of the first-stage ideal
    points, their observed information and whether the state voted.
    ``items[t]`` is session ``t``'s ``(item keys, a, b)`` for the roll calls
    that carry a bridging key (``link="bridges"``). ``counts`` says how many
    equations of each kind the link used.
    """
    if link not in LINKS:
        raise UsageError(f"link: {link!r}; expected one of {', '.join(LINKS)}", value=link, field="link",
                         allowed=", ".join(LINKS))
    T = x.shape[0]
    counts = {"state_pairs": 0, "bridge_items": 0}
    if link == "none" or T < 2:
        return np.ones(T), np.zeros(T), counts
    # equations "unknown_t - unknown_u = value", weighted: one list for log c, one for d (given c)
    scale_eqs: list[tuple[int, int, float, float]] = []
    # t, u, centre_t, centre_u, kind (1 states, 0 a resolution), weight
    shift_eqs: list[tuple[int, int, float, float, float, float]] = []
    for t in range(1, T):
        both = have[t] & have[t - 1]
        if both.sum() < 3:
            continue
        xt, xu = x[t, both], x[t - 1, both]
        var = 1.0 / np.maximum(info[t, both], 1e-12) + 1.0 / np.maximum(info[t - 1, both], 1e-12)
        w = 1.0 / (var + evolution_variance)
        w = w / w.sum()
        mt, mu = float(w @ xt), float(w @ xu)
        st, su = math.sqrt(float(w @ (xt - mt) ** 2)), math.sqrt(float(w @ (xu - mu) ** 2))
        if st <= 0 or su <= 0:
            continue
        n = int(both.sum())
        # the common states' spread: c_t sd_t = c_u sd_u; their mean: c_t m_t + d_t = c_u m_u + d_u
        scale_eqs.append((t, t - 1, math.log(su / st), math.sqrt(n)))
        shift_eqs.append((t, t - 1, mt, mu, 1.0, math.sqrt(n)))
        counts["state_pairs"] += n

    item_pairs: set[tuple[int, int]] = set()
    if link == "bridges" and items is not None:
        last: dict[object, tuple[int, float, float]] = {}
        for t, (keys, a, b) in enumerate(items):
            for k, aj, bj in zip(keys.tolist(), a.tolist(), b.tolist()):
                if k is None:
                    continue
                prev = last.get(k)
                last[k] = (t, aj, bj)
                if prev is None:
                    continue
                u, au, bu = prev
                if u == t or abs(bj) < _MIN_B or abs(bu) < _MIN_B or np.sign(bj) != np.sign(bu):
                    continue
                mt, mu = (0.5 - aj) / bj, (0.5 - au) / bu
                if abs(mt) > _MAX_MID or abs(mu) > _MAX_MID:
                    continue
                # one discrimination on the common scale: b_t / c_t = b_u / c_u; one midpoint: c m + d
                scale_eqs.append((t, u, math.log(bj / bu), _ITEM_WEIGHT))
                shift_eqs.append((t, u, mt, mu, 0.0, _ITEM_WEIGHT))
                item_pairs.add((t, u))
                counts["bridge_items"] += 1

    if not scale_eqs:
        return np.ones(T), np.zeros(T), counts
    # where resolutions bridge a session to an earlier one, they alone say where its centre lies: the
    # states' "no move on average" would pull a real drift back towards none
    bridged_to = {t for t, u, *_ in shift_eqs if u != t - 1 or (t, u) in item_pairs}
    shift_eqs = [e for e in shift_eqs if e[4] == 0.0 or e[0] not in bridged_to]
    logc = _solve_differences(T, [(t, u, v, w) for t, u, v, w in scale_eqs])
    c = np.exp(logc)
    d = _solve_differences(T, [(t, u, c[u] * mu - c[t] * mt, w) for t, u, mt, mu, _, w in shift_eqs])
    # standardise the linked scale over all state-sessions
    X = (c[:, None] * x + d[:, None])[have]
    mean, sd = float(X.mean()), float(X.std())
    sd = sd if sd > 0 else 1.0
    return c / sd, (d - mean) / sd, counts


def _solve_differences(T: int, eqs: list[tuple[int, int, float, float]]) -> np.ndarray:
    """Weighted least squares for ``v_t - v_u = value`` over all equations, with ``v_0 = 0``.

    Sessions no equation reaches stay at 0 (a tiny ridge)."""
    A = np.zeros((len(eqs), T))
    rhs = np.zeros(len(eqs))
    for k, (t, u, value, w) in enumerate(eqs):
        A[k, t] += w
        A[k, u] -= w
        rhs[k] = w * value
    A = A[:, 1:]
    A = np.vstack([A, 1e-6 * np.eye(T - 1)])
    rhs = np.concatenate([rhs, np.zeros(T - 1)])
    sol, *_ = np.linalg.lstsq(A, rhs, rcond=None)
    return np.concatenate([[0.0], sol])
