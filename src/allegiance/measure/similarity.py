"""Similarity of two states' votes: agreement, Cohen's kappa, Scott's pi, S -- for one pair or every pair.

Votes are coded 1 yes, 2 abstain, 3 no, 0 missing (absent, not a member, or
no roll call). Only roll calls on which *both* states voted yes, abstain or
no count. Everything is computed from the dyad's 3×3 contingency table
``C[a, b]`` (how often state i voted a while state j voted b), so one
function (:func:`measures_from_counts`) serves a single pair, a bootstrap
of one pair, and every pair of a session at once.

With n = ΣC, p_ab = C_ab / n, the distance d(a, b) = |a - b| on the ordinal
scale yes < abstain < no (d_max = 2), row marginals r_a = Σ_b p_ab (state
i) and column marginals c_b = Σ_a p_ab (state j):

- **agreement** = Σ_a p_aa: the share of joint roll calls with the same vote.
- **S** (Signorino and Ritter 1999, ISQ 43: 115-144), unweighted, absolute
  distance: S = 1 - 2·D_o/d_max, with D_o = Σ p_ab·d(a, b) the mean
  observed distance; with d_max = 2 this is S = 1 - 2·Σ|d|/(n·d_max). Range
  [-1, 1].
- **Cohen's kappa** and **Scott's pi** as Häge (2011, Political Analysis 19:
  287-305) proposes them for foreign-policy similarity: chance-corrected
  versions of S with *the same distance*, so that votes are ordinal in
  three categories (linear weights): κ, π = 1 - D_o/D_e. For κ the expected
  distance uses each state's own marginals, D_e = Σ r_a·c_b·d(a, b); for π
  the pooled marginals q = (r + c)/2, D_e = Σ q_a·q_b·d(a, b). Both are 1
  for identical votes and 0 for agreement at chance level; they are
  undefined (NaN) when D_e = 0 (both states cast one and the same vote on
  every joint roll call), as Häge notes.
"""

from __future__ import annotations

import numpy as np

__all__ = ["DISTANCE", "D_MAX", "counts_pair", "counts_all", "all_pairs", "measures_from_counts", "bootstrap_counts",
           "wilson_interval", "MEASURES"]

MEASURES = ("agree", "kappa", "pi", "s")

DISTANCE = np.array([[0, 1, 2], [1, 0, 1], [2, 1, 0]], dtype=np.float64)
D_MAX = 2.0


def counts_pair(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The 3×3 contingency table of two vote vectors (codes 0-3; 0 is skipped)."""
    x = np.asarray(x)
    y = np.asarray(y)
    both = (x > 0) & (y > 0)
    cells = (x[both].astype(np.int64) - 1) * 3 + (y[both].astype(np.int64) - 1)
    return np.bincount(cells, minlength=9).reshape(3, 3).astype(np.float64)


def counts_all(votes: np.ndarray) -> np.ndarray:
    """Contingency tables of every pair of rows of ``votes`` (states × roll calls): shape (S, S, 3, 3).

    One matrix product: with Y_k the one-hot matrix of vote k (S × R), the
    stacked Z = [Y_1; Y_2; Y_3] gives Z Zᵀ, whose (a, b) block is C[:, :, a, b].
    """
    s = votes.shape[0]
    z = np.concatenate([(votes == k) for k in (1, 2, 3)]).astype(np.float32)
    g = z @ z.T  # (3S, 3S); counts are exact in float32 below 2**24
    return g.reshape(3, s, 3, s).transpose(1, 3, 0, 2).astype(np.float64)


def measures_from_counts(c: np.ndarray) -> dict[str, np.ndarray]:
    """n, agree, s, kappa, pi from contingency tables of shape (..., 3, 3). NaN where undefined."""
    c = np.asarray(c, dtype=np.float64)
    n = c.sum(axis=(-2, -1))
    with np.errstate(invalid="ignore", divide="ignore"):
        p = c / n[..., None, None]
        agree = np.trace(p, axis1=-2, axis2=-1)
        d_obs = (p * DISTANCE).sum(axis=(-2, -1))
        r = p.sum(axis=-1)
        col = p.sum(axis=-2)
        d_kappa = np.einsum("...a,ab,...b->...", r, DISTANCE, col)
        q = (r + col) / 2
        d_pi = np.einsum("...a,ab,...b->...", q, DISTANCE, q)
        s = 1.0 - 2.0 * d_obs / D_MAX
        kappa = np.where(d_kappa > 0, 1.0 - d_obs / d_kappa, np.nan)
        pi = np.where(d_pi > 0, 1.0 - d_obs / d_pi, np.nan)
    return {"n": n, "agree": agree, "s": s, "kappa": kappa, "pi": pi}


def bootstrap_counts(x: np.ndarray, y: np.ndarray, replicates: int, seed: int) -> np.ndarray:
    """Contingency tables of ``replicates`` resamples (with replacement) of the joint roll calls: (B, 3, 3)."""
    x = np.asarray(x)
    y = np.asarray(y)
    both = (x > 0) & (y > 0)
    cells = (x[both].astype(np.int64) - 1) * 3 + (y[both].astype(np.int64) - 1)
    n = cells.size
    if n == 0:
        return np.zeros((replicates, 3, 3))
    rng = np.random.default_rng(seed)
    draw = cells[rng.integers(0, n, size=(replicates, n))]
    flat = (np.arange(replicates)[:, None] * 9 + draw).ravel()
    return np.bincount(flat, minlength=replicates * 9).reshape(replicates, 3, 3).astype(np.float64)


def wilson_interval(successes: float, n: float, level: float = 0.95) -> tuple[float, float]:
    """Wilson's score interval for a binomial proportion (Wilson 1927, JASA 22: 209-212)."""
    from statistics import NormalDist

    if n <= 0:
        return (float("nan"), float("nan"))
    z = NormalDist().inv_cdf(0.5 + level / 2)
    phat = successes / n
    denom = 1 + z * z / n
    centre = (phat + z * z / (2 * n)) / denom
    half = z * np.sqrt(phat * (1 - phat) / n + z * z / (4 * n * n)) / denom
    return (float(centre - half), float(centre + half))


def all_pairs(votes: np.ndarray) -> dict[str, np.ndarray]:
    """n, agree, s, kappa, pi for every pair of rows of ``votes`` (states × roll calls): (S, S) arrays.

    The same formulas as :func:`measures_from_counts`, written on the 3×3
    blocks C_ab = Y_a Y_bᵀ of one matrix product (Y_a: one-hot matrix of vote
    a), each block an (S, S) array, so a whole session costs one product and
    a few dozen element-wise operations. A test checks both agree.
    """
    s = votes.shape[0]
    z = np.concatenate([(votes == k) for k in (1, 2, 3)]).astype(np.float32)
    g = (z @ z.T).astype(np.float64)
    c = [[g[a * s:(a + 1) * s, b * s:(b + 1) * s] for b in range(3)] for a in range(3)]
    row = [c[a][0] + c[a][1] + c[a][2] for a in range(3)]  # joint votes of i by category
    col = [c[0][b] + c[1][b] + c[2][b] for b in range(3)]  # joint votes of j by category
    n = row[0] + row[1] + row[2]
    same = c[0][0] + c[1][1] + c[2][2]
    dist = c[0][1] + c[1][0] + c[1][2] + c[2][1] + 2.0 * (c[0][2] + c[2][0])  # Σ d over joint roll calls
    e_kappa = (row[0] * col[1] + row[1] * col[0] + row[1] * col[2] + row[2] * col[1]
               + 2.0 * (row[0] * col[2] + row[2] * col[0]))  # n² · D_e(κ)
    q = [(row[a] + col[a]) / 2.0 for a in range(3)]
    e_pi = 2.0 * (q[0] * q[1] + q[1] * q[2]) + 4.0 * q[0] * q[2]  # n² · D_e(π)
    with np.errstate(invalid="ignore", divide="ignore"):
        agree = same / n
        s_score = 1.0 - 2.0 * dist / (n * D_MAX)
        kappa = np.where(e_kappa > 0, 1.0 - dist * n / e_kappa, np.nan)
        pi = np.where(e_pi > 0, 1.0 - dist * n / e_pi, np.nan)
    nan = n == 0
    for arr in (agree, s_score):
        arr[nan] = np.nan
    return {"n": n, "agree": agree, "s": s_score, "kappa": kappa, "pi": pi}
