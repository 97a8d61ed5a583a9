"""Every dyad in every session (or year): agreement, S, Cohen's kappa and Scott's pi at once."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from allegiance.measure.similarity import all_pairs
from allegiance.measure.data.store import DataStore
from allegiance.measure.data.votes import Votes, load_votes

__all__ = ["PeriodDyads", "all_dyads", "dyads_of"]


@dataclass
class PeriodDyads:
    """One period's dyads: ``values[measure][i, j]`` for states[i], states[j] (NaN: undefined or no joint vote)."""

    period: int
    states: list[str]
    roll_calls: int
    values: dict[str, np.ndarray]  # n, agree, s, kappa, pi


def dyads_of(votes: Votes, *, by: str = "session") -> list[PeriodDyads]:
    """All-dyad measures of loaded votes, one entry per period with at least one roll call."""
    from threadpoolctl import threadpool_limits

    out = []
    # Per-session matrices are small (~190 × 100): BLAS threads only contend for the cores, so use one.
    with threadpool_limits(1, user_api="blas"):
        for period, cols in votes.periods(by):
            m = votes.matrix[:, cols]
            keep = np.flatnonzero((m > 0).any(axis=1))
            out.append(PeriodDyads(period, [votes.states[i] for i in keep], len(cols), all_pairs(m[keep])))
    return out


def all_dyads(data: DataStore, *, source: str | None = None, by: str = "session", start_year: int | None = None,
              end_year: int | None = None, issue: str | None = None) -> list[PeriodDyads]:
    """Agreement, S, kappa and pi for every pair of states in every session (or year) of a vote source."""
    votes = load_votes(data, source=source, start_year=start_year, end_year=end_year, issue=issue)
    return dyads_of(votes, by=by)
