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
  resolutions): on the common scale a resolution has one midpoint, so
  ``c_t m_t + d_t = c_u m_u + d_u`` with the midpoint ``m = (0.5 - a) / b``
  (the middle of the abstain band), each occurrence linked to the
  resolution's previous one. Only those that discriminate in both sessions
  (``|b| >= 0.3``, same sign) with midpoints inside the ideal points' range
  (``|m| <= 3``) count. The centres then come from both kinds of equation at
  once: the states' "no move on average" holds up to a common move of SD
  ``tau`` per session, a bridge up to an error of SD ``sigma``; both SDs are
  estimated from the equations by restricted maximum likelihood, and each
  bridge is Huber-weighted, so that a few resolutions whose vote changed for
  reasons of their own cannot jump a session. The scales come from the
  states' spread alone (adding the bridges' discriminations lowered the
  agreement with Bailey, Strezhnev and Voeten in every variant of
  ``benchmarks/diag_link.py``).

The scales are solved first (``log c_t - log c_u`` by weighted least
squares, the first session fixed at ``c = 1``), then the centres given the
scales (``d_0 = 0``). The linked scale is then standardised over all
state-sessions (mean 0, standard deviation 1), so each session keeps its own
centre and spread. docs/ideal-points.md (*Linking the sessions*) measures
the links against Bailey, Strezhnev and Voeten's estimates, and
``benchmarks/diag_link.py`` what limits them.
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
#: A bridge whose midpoint misses by more than this many SDs is down-weighted (Huber).
_HUBER = 1.5
#: Rounds of (REML for the two SDs, Huber weights) in :func:`_centres`.
_ROUNDS = 4


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
    # t, u, the common states' mean in t and in u, weight
    shift_eqs: list[tuple[int, int, float, float, float]] = []
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
        shift_eqs.append((t, t - 1, mt, mu, math.sqrt(n)))
        counts["state_pairs"] += n

    item_eqs: list[tuple[int, int, float, float]] = []  # t, u, midpoint in t, midpoint in u
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
                item_eqs.append((t, u, mt, mu))
        counts["bridge_items"] = len(item_eqs)

    if not scale_eqs and not item_eqs:
        return np.ones(T), np.zeros(T), counts
    # the scales from the states' spread alone (module docstring)
    c = np.exp(_solve_differences(T, scale_eqs))
    if item_eqs:
        # one midpoint per resolution on the common scale: c_t m_t + d_t = c_u m_u + d_u
        d = _centres(T, [(t, u, c[u] * mu - c[t] * mt) for t, u, mt, mu, *_ in shift_eqs],
                     [(t, u, c[u] * mu - c[t] * mt) for t, u, mt, mu in item_eqs])
    else:
        d = _solve_differences(T, [(t, u, c[u] * mu - c[t] * mt, w) for t, u, mt, mu, w in shift_eqs])
    # standardise the linked scale over all state-sessions
    X = (c[:, None] * x + d[:, None])[have]
    mean, sd = float(X.mean()), float(X.std())
    sd = sd if sd > 0 else 1.0
    return c / sd, (d - mean) / sd, counts


def _centres(T: int, states: list[tuple[int, int, float]], bridges: list[tuple[int, int, float]]) -> np.ndarray:
    """The sessions' centres ``d`` (``d_0 = 0``) from ``d_t - d_u = value`` equations of two kinds.

    ``states``: the consecutive sessions' common states keep their mean, up to a common move of SD
    ``tau``; ``bridges``: a resolution keeps its midpoint, up to an error of SD ``sigma``. Both SDs are
    estimated from the equations themselves by restricted maximum likelihood (REML), and each bridge is
    Huber-weighted (``k`` = :data:`_HUBER` SDs), re-estimated :data:`_ROUNDS` times, so that a few
    resolutions whose vote changed for reasons of their own cannot move a session's centre.
    """
    from scipy.optimize import minimize

    rows = states + bridges
    t_ = np.array([r[0] for r in rows])
    u_ = np.array([r[1] for r in rows])
    y = np.array([r[2] for r in rows])
    is_bridge = np.arange(len(rows)) >= len(states)
    # each equation's row of the design is e_t - e_u; d_0 = 0 is dropped after accumulating A'WA
    cells = np.concatenate([t_ * T + t_, u_ * T + u_, t_ * T + u_, u_ * T + t_])
    signs = np.concatenate([np.ones(len(rows)), np.ones(len(rows)), -np.ones(len(rows)), -np.ones(len(rows))])
    ridge = 1e-10 * np.eye(T - 1)  # sessions no equation reaches stay at 0

    def gls(log_sd: np.ndarray, huber: np.ndarray) -> tuple[float, np.ndarray, np.ndarray]:
        var = np.where(is_bridge, np.exp(2 * log_sd[1]) / huber, np.exp(2 * log_sd[0]))
        w = 1.0 / var
        AtWA = np.bincount(cells, signs * np.tile(w, 4), minlength=T * T).reshape(T, T)[1:, 1:] + ridge
        Atwy = (np.bincount(t_, w * y, minlength=T) - np.bincount(u_, w * y, minlength=T))[1:]
        sol = np.concatenate([[0.0], np.linalg.solve(AtWA, Atwy)])
        res = y - (sol[t_] - sol[u_])
        # minus the restricted log likelihood (constants dropped)
        return 0.5 * (np.log(var).sum() + np.linalg.slogdet(AtWA)[1] + (res * res * w).sum()), sol, res

    huber = np.ones(len(rows))
    log_sd = np.log([0.1, 0.3])
    for _ in range(_ROUNDS):
        fit = minimize(lambda v: gls(np.clip(v, -7.0, 3.0), huber)[0], log_sd, method="Nelder-Mead",
                       options={"xatol": 1e-3, "fatol": 1e-6})
        log_sd = np.clip(fit.x, -7.0, 3.0)
        z = np.abs(gls(log_sd, huber)[2]) / np.exp(log_sd[1])
        huber = np.where(is_bridge, np.where(z <= _HUBER, 1.0, _HUBER / np.maximum(z, 1e-12)), 1.0)
    return gls(log_sd, huber)[1]


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
