"""Simulated roll calls with known ideal points, for tests, benchmarks and checking the estimator.

:func:`simulate_votes` draws states whose ideal points follow a random walk,
roll calls with random parameters, and ordinal votes (yes / abstain / no)
from exactly the model :mod:`allegiance.measure.ideal` estimates; some
states join late, some miss sessions, and some votes are absent.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["SimulatedVotes", "simulate_votes"]


@dataclass(frozen=True, eq=False)
class SimulatedVotes:
    """The votes (a mapping of columns, as :func:`votes_from_table` reads) and the truth behind them."""

    votes: dict[str, np.ndarray]
    truth: dict[tuple[str, int], float]  # (state, session) -> true ideal point, where the state voted
    states: list[str]
    sessions: list[int]


def simulate_votes(
    *,
    n_states: int = 60,
    n_sessions: int = 10,
    votes_per_session: int = 40,
    evolution_variance: float = 0.1,
    absent_rate: float = 0.05,
    late_joiners: float = 0.2,
    seed: int = 0,
    drift: float = 0.0,
    repeated: int = 0,
) -> SimulatedVotes:
    """Votes drawn from the estimator's own model with known ideal points.

    State ``S00`` is given a clearly positive starting point so that it can
    serve as the anchor (the sign convention) in checks. Votes are coded 1
    yes, 2 abstain, 3 no, and 8 where the state was absent.

    ``drift`` moves every state by that much per session on top of its own
    walk (a drift of the whole Assembly). ``repeated`` roll calls of each
    session are drawn from one pool of resolutions put to the vote in every
    session with the same parameters, and named in an ``item`` column
    (``"r0"``, ``"r1"``, ...; null for the other roll calls), as the
    bridges of :mod:`allegiance.measure.ideal.link`.
    """
    rng = np.random.default_rng(seed)
    states = [f"S{i:02d}" for i in range(n_states)]
    sessions = list(range(1, n_sessions + 1))
    x = np.zeros((n_sessions, n_states))
    x[0] = rng.normal(0.0, 1.0, n_states)
    x[0, 0] = abs(x[0, 0]) + 1.0
    for t in range(1, n_sessions):
        x[t] = x[t - 1] + rng.normal(0.0, np.sqrt(evolution_variance), n_states) + drift
    # the pool of resolutions repeated every session (drawn after the walk, so repeated=0 changes nothing)
    pool = [(rng.uniform(-0.5, 2.0), rng.normal(0.0, 1.5), rng.uniform(0.4, 1.2)) for _ in range(repeated)]
    start = np.zeros(n_states, dtype=int)
    late = rng.random(n_states) < late_joiners
    late[0] = False
    start[late] = rng.integers(1, max(2, n_sessions // 2), late.sum())
    member = np.arange(n_sessions)[:, None] >= start[None, :]
    # a few states miss a whole session
    gap_states = rng.choice(np.arange(1, n_states), size=max(1, n_states // 20), replace=False)
    for g in gap_states:
        t = rng.integers(start[g] + 1, n_sessions) if start[g] + 1 < n_sessions else None
        if t is not None and t < n_sessions - 1:
            member[t, g] = False

    rows_session, rows_rcid, rows_state, rows_vote, rows_item = [], [], [], [], []
    rcid = 0
    for t in range(n_sessions):
        who = np.flatnonzero(member[t])
        for k in range(votes_per_session):
            rcid += 1
            if k < repeated:
                a, b, s = pool[k]
            else:
                a = rng.uniform(-0.5, 2.0)
                b = rng.normal(0.0, 1.5)
                s = rng.uniform(0.4, 1.2)
            rows_item.append(np.full(len(who), f"r{k}" if k < repeated else None, dtype=object))
            z = a + b * x[t, who] + s * rng.standard_normal(len(who))
            vote = np.where(z < 0.0, 3, np.where(z < 1.0, 2, 1))
            vote = np.where(rng.random(len(who)) < absent_rate, 8, vote)
            rows_session.append(np.full(len(who), sessions[t]))
            rows_rcid.append(np.full(len(who), rcid))
            rows_state.append(np.asarray(states, dtype=object)[who])
            rows_vote.append(vote)
    votes = {
        "session": np.concatenate(rows_session).astype(np.int64),
        "rcid": np.concatenate(rows_rcid).astype(np.int64),
        "state": np.concatenate(rows_state),
        "vote": np.concatenate(rows_vote).astype(np.int64),
    }
    if repeated:
        votes["item"] = np.concatenate(rows_item)
    truth = {(states[i], sessions[t]): float(x[t, i]) for t in range(n_sessions) for i in np.flatnonzero(member[t])}
    return SimulatedVotes(votes=votes, truth=truth, states=states, sessions=sessions)
