"""Dynamic ideal points of states from roll-call votes (UN General Assembly).

The model (docs/ideal-points.md has the full account and the validation):

* **Votes are ordinal** -- no < abstain < yes -- as in Bailey, Strezhnev and
  Voeten (2017). For state *i* in session *t* voting on roll call *j*, a
  latent propensity ``z = a_j + b_j x_it + s_j e`` with ``e ~ N(0, 1)`` gives
  *no* when ``z < 0``, *abstain* when ``0 <= z < 1`` and *yes* when
  ``z >= 1``. Fixing the two cut-points at 0 and 1 and giving each roll call
  its own scale ``s_j`` is the parameterisation Imai, Lo and Olmsted (2016)
  use for three-category votes; it is the ordinal probit with roll-call
  specific cut-points.
* **Ideal points evolve by a stationary random walk** across sessions:
  ``x_i,first ~ N(0, prior_variance)`` and
  ``x_it = rho x_i,t-1 + u``, ``u ~ N(0, evolution_variance)``, with
  ``rho = sqrt(1 - evolution_variance / prior_variance)`` so that the prior
  spread of ideal points is the same in every session (``stationary=False``
  gives the plain random walk of Martin and Quinn, 2002). The walk is what
  links one session's scale to the next.
* **Priors** on each roll call: difficulty ``a_j ~ N(0, 25)``,
  discrimination ``b_j ~ N(0, 1)`` and ``s_j^2 ~ Inverse-Gamma(2, 2)``.

**Estimation** is the posterior mode (MAP) by an expectation--conditional
maximisation (ECM) algorithm: the E-step takes the moments of each latent
``z`` given its vote (a truncated normal), and three conditional
maximisation steps update the roll calls' ``a_j, b_j`` (a 2x2 ridge
regression each), their ``s_j^2`` (closed form) and every state's whole
path of ideal points at once (a Kalman filter and Rauch--Tung--Striebel
smoother, vectorised over states). Every step works on all votes at once
through ``bincount`` over index arrays; nothing loops over votes or states
in Python. After each iteration the ideal points are rescaled to root mean
square 1 over all state-sessions (``b`` rescaled inversely, so no vote's
probability changes): without this, the mode trades a shrinking scale of
``x`` against growing ``b``. SQUAREM (Varadhan and Roland 2008) accelerates
the iterations.

**Uncertainty** comes from the Laplace approximation at the mode: the
observed information of each vote about ``x`` -- the curvature of the
ordinal probit log-likelihood, ``b_j^2 (1 - Var(e | vote)) / s_j^2`` -- is
run through the same smoother with the walk's prior, which gives the
posterior variance of every ideal point given the roll-call parameters.
``uncertainty="bootstrap"`` instead refits on votes simulated from the
fitted model (a parametric bootstrap, as Imai, Lo and Olmsted recommend).

**Sign**: the model is unchanged when every ``x`` and ``b`` flip, so the
sign is fixed by an anchor state -- ``USA`` when present, which is also the
orientation of the published Bailey--Strezhnev--Voeten scores -- whose mean
ideal point is made positive.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from allegiance.errors import UnknownStateError, UsageError, VoteInputError, shorten
from allegiance.measure.ideal.backend import Backend, get_backend, interval_moments, upper_tail_moments
from allegiance.measure.ideal.votes import VoteData, votes_from_table

__all__ = [
    "IdealPoints",
    "estimate_ideal_points",
    "ideal_path",
    "ideal_points_from_votes",
    "sweep_ideal_points",
]

#: Inverse-gamma prior on each roll call's latent variance s_j^2 (shape, scale).
S2_PRIOR = (2.0, 2.0)
#: Bounds on s_j^2: the abstain band [0, 1) is between 0.03 and 30 latent SDs wide.
S2_BOUNDS = (1e-3, 1e3)


@dataclass(frozen=True, eq=False)
class _Problem:
    """The votes as index arrays: everything the iterations need, on the back end's device."""

    states: list[str]
    sessions: np.ndarray  # sorted session numbers, length T
    rcids: np.ndarray  # item keys (roll-call ids, or bridging keys where given), length J
    obs_item: Any
    obs_grid: Any  # t * S + state, per vote
    obs_y: Any  # 0 no, 1 abstain, 2 yes; votes are sorted by it
    split: tuple[int, int]  # where the abstentions and the yeses start
    first_t: Any  # first session index of each state
    cells: np.ndarray  # grid keys (t * S + state) of state-sessions with votes, sorted
    cell_n: np.ndarray  # votes in each cell
    item_n: Any  # votes on each item

    @property
    def S(self) -> int:
        return len(self.states)

    @property
    def T(self) -> int:
        return len(self.sessions)

    @property
    def J(self) -> int:
        return len(self.rcids)


@dataclass
class _Params:
    x: Any  # (T, S) grid of ideal points (only cells with votes are reported)
    a: Any
    b: Any
    s2: Any


@dataclass(frozen=True)
class _Settings:
    evolution_variance: float
    prior_variance: float
    difficulty_prior_variance: float
    max_iter: int
    tol: float
    stationary: bool = True
    discrimination_prior_variance: float = 1.0
    normalise: bool = True
    binary: bool = False  # abstentions recoded or dropped: yes vs not-yes, s_j fixed at 1

    def transition(self, gap: float) -> tuple[float, float]:
        """(rho, innovation variance) of the walk over ``gap`` sessions.

        The stationary walk is the AR(1) ``x_t = rho x_t-1 + e`` with
        ``rho = sqrt(1 - evolution_variance / prior_variance)``, whose marginal
        variance stays ``prior_variance``; the plain random walk has rho = 1.
        """
        if not self.stationary:
            return 1.0, self.evolution_variance * gap
        rho1 = math.sqrt(max(0.0, 1.0 - self.evolution_variance / self.prior_variance))
        rho = rho1 ** gap
        return rho, self.prior_variance * (1.0 - rho * rho)


@dataclass(frozen=True, eq=False)
class IdealPoints:
    """Estimated ideal points: one per state per session in which it voted.

    ``rows()`` gives them as JSON-able dicts; ``path(state)`` one state's
    sessions in order; ``summary()`` how the estimate was obtained.
    """

    states: tuple[str, ...]
    session: np.ndarray  # per state-session
    state: np.ndarray  # per state-session (str objects)
    ideal_point: np.ndarray
    sd: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    n_votes: np.ndarray
    item: np.ndarray  # per roll-call parameter set: the roll call's id, or its bridging key ("item:...")
    item_a: np.ndarray
    item_b: np.ndarray
    item_s: np.ndarray
    info: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return int(self.ideal_point.shape[0])

    @property
    def sessions(self) -> list[int]:
        return sorted(int(s) for s in np.unique(self.session))

    def rows(self, states: Iterable[str] | None = None, *, first: int | None = None,
             last: int | None = None) -> list[dict]:
        """``{state, session, ideal_point, lo, hi, sd, n_votes}`` per state-session, by state then session."""
        keep = np.ones(len(self), dtype=bool)
        if states is not None:
            wanted = [self.resolve_state(s) for s in states]
            keep &= np.isin(self.state, np.asarray(wanted, dtype=object))
        if first is not None:
            keep &= self.session >= first
        if last is not None:
            keep &= self.session <= last
        idx = np.flatnonzero(keep)
        idx = idx[np.lexsort((self.session[idx], self.state[idx].astype(str)))]
        return [
            {
                "state": str(self.state[i]),
                "session": int(self.session[i]),
                "ideal_point": round(float(self.ideal_point[i]), 6),
                "lo": round(float(self.lo[i]), 6),
                "hi": round(float(self.hi[i]), 6),
                "sd": round(float(self.sd[i]), 6),
                "n_votes": int(self.n_votes[i]),
            }
            for i in idx
        ]

    def path(self, state: str) -> list[dict]:
        """One state's ideal points, session by session."""
        return self.rows([state])

    def summary(self) -> dict:
        """How the estimate was made: model settings, convergence, timing (JSON-able)."""
        return dict(self.info)

    def to_dict(self, states: Iterable[str] | None = None, *, first: int | None = None,
                last: int | None = None) -> dict:
        return {"model": self.summary(), "rows": self.rows(states, first=first, last=last)}

    def resolve_state(self, state: str) -> str:
        """The state's code as these ideal points spell it (case-insensitive); unknown states raise."""
        s = str(state).strip()
        if s in self.states:
            return s
        up = {k.upper(): k for k in self.states}
        if s.upper() in up:
            return up[s.upper()]
        raise UnknownStateError(
            f"unknown state {state!r}: no votes by it in these ideal points "
            f"(states are named as in the votes, e.g. {', '.join(self.states[:3])})"
        )


def ideal_path(result: IdealPoints, state: str) -> list[dict]:
    """A state's ideal points over the sessions in which it voted, in order, with their bands."""
    return result.path(state)


def ideal_points_from_votes(table: Any, **options: Any) -> IdealPoints:
    """Estimate ideal points from a long table of votes (or an iterable of tables, e.g. one per session).

    The adapter for stores: ``ideal_points_from_votes(vote_matrix(store, s) for s in sessions)``.
    ``options`` are those of :func:`estimate_ideal_points`; ``columns=`` renames fields.
    """
    columns = options.pop("columns", None)
    return estimate_ideal_points(votes_from_table(table, columns=columns), **options)


def sweep_ideal_points(votes: Any, grid: Iterable[dict], *, executor: Any = None, **common: Any) -> list[IdealPoints]:
    """One estimate per option set of ``grid`` (a model sweep), in the grid's order.

    ``sweep_ideal_points(votes, [{"evolution_variance": v} for v in (0.03, 0.1, 0.3)], executor=ex)``:
    each entry's options, over ``common``, go to :func:`estimate_ideal_points`; ``executor``
    (:func:`allegiance.measure.ideal.executor.get_executor`) runs them serially, in a local pool or on a
    Dask cluster, with the same results (every estimate is deterministic given its seed).
    """
    import inspect

    from allegiance.measure.ideal.executor import Executor

    allowed = set(inspect.signature(estimate_ideal_points).parameters) - {"votes", "callback", "executor"}
    tasks = [dict(entry) for entry in grid]
    if not tasks:
        raise UsageError("grid: empty; give at least one set of options", value=[], field="grid",
                         allowed="a list of option dicts")
    for i, entry in enumerate([common, *tasks]):
        bad = sorted(set(entry) - allowed)
        if bad:
            where = "options" if i == 0 else f"grid[{i - 1}]"
            raise UsageError(f"{where}: {bad[0]!r} is not an option of estimate_ideal_points", value=bad[0],
                             field=where, allowed=", ".join(sorted(a for a in allowed if not a.startswith("_"))))
    data = votes_from_table(votes)
    runner = executor if executor is not None else Executor()
    return runner.map(_sweep_one, (data, common), tasks)


def _sweep_one(shared: tuple, options: dict) -> IdealPoints:
    data, common = shared
    return estimate_ideal_points(data, **{**common, **options})


# ---------------------------------------------------------------------------------------------
# the estimator


def estimate_ideal_points(
    votes: Any,
    *,
    sessions: Iterable[int] | None = None,
    device: str = "cpu",
    seed: int = 0,
    anchor: str | None = None,
    evolution_variance: float = 0.1,
    stationary: bool = True,
    prior_variance: float = 1.0,
    difficulty_prior_variance: float = 25.0,
    discrimination_prior_variance: float = 1.0,
    max_iter: int = 3000,
    tol: float = 1e-4,
    level: float = 0.95,
    uncertainty: str = "laplace",
    n_boot: int = 20,
    abstain: str = "ordinal",
    method: str = "two-stage",
    link: str = "none",
    executor: Any = None,
    _normalise: bool = True,
    _accelerate: bool = True,
    _trace_every: int = 10,
    callback: Any = None,
) -> IdealPoints:
    """Dynamic one-dimensional ideal points, per state per session, with intervals.

    ``votes`` is a :class:`~allegiance.measure.ideal.votes.VoteData` or any
    table :func:`~allegiance.measure.ideal.votes.votes_from_table` reads.
    ``sessions`` restricts the estimate (every one named must have votes).
    ``device`` is ``"cpu"`` (NumPy/SciPy) or a PyTorch device such as
    ``"cuda"`` (PyTorch is imported only then; ``"torch-cpu"`` runs that
    code on the CPU). ``anchor`` is the state whose mean ideal point is made
    positive (default ``USA`` if present, else the state with the most
    votes).

    The model's settings: ``evolution_variance`` (the variance of a state's
    move from one session to the next), ``stationary`` (the walk keeps the
    prior spread constant; False for the plain random walk),
    ``prior_variance`` (of a state's first ideal point),
    ``difficulty_prior_variance`` and ``discrimination_prior_variance``
    (the roll calls' ``a_j`` and ``b_j``).

    ``abstain`` says what an abstention is: ``"ordinal"`` (between no and
    yes, the default, as Bailey, Strezhnev and Voeten), ``"no"`` (a binary
    model of yes against not-yes) or ``"missing"`` (left out).

    ``method`` is ``"two-stage"`` (the default: each session's ideal points
    estimated on their own, then every state's path smoothed by the random
    walk) or ``"joint"`` (one posterior mode of all sessions at once, the
    walk inside the model); docs/ideal-points.md compares them. Sharing
    roll-call parameters (an ``item`` column shared across sessions) needs
    ``"joint"``.

    ``link`` (two-stage) puts the sessions' first-stage scales on one scale
    (:mod:`allegiance.measure.ideal.link`), so that a drift of the whole
    Assembly shows: ``"none"`` (the default: each session centred near 0 with
    spread 1), ``"states"`` (states voting in consecutive sessions keep their
    mean and spread) or ``"bridges"`` (those and the roll calls an ``item``
    column names as repeated). docs/ideal-points.md measures each.
    ``executor`` (:func:`allegiance.measure.ideal.executor.get_executor`) runs
    the bootstrap replicates: serially, in a local pool or on a Dask cluster,
    with the same result.

    Iterations stop when no ideal point moves by more than ``tol`` in one
    iteration, or after ``max_iter`` (``summary()["converged"]`` says which).
    ``level`` is the coverage of the ``lo``-``hi`` band; ``uncertainty`` is
    ``"laplace"`` or ``"bootstrap"`` (``n_boot`` refits, drawn with
    ``seed``; nothing else is random). ``callback(iteration, change,
    log_posterior)`` is called as the iterations go.
    """
    t_start = time.perf_counter()
    data = votes_from_table(votes)
    if sessions is not None:
        data = data.select_sessions(sessions)
    _check_positive(evolution_variance=evolution_variance, prior_variance=prior_variance,
                    difficulty_prior_variance=difficulty_prior_variance,
                    discrimination_prior_variance=discrimination_prior_variance, tol=tol)
    if not (0.0 < level < 1.0):
        raise UsageError(f"level: {level!r} is not a probability between 0 and 1 (e.g. 0.95)", value=level,
                         field="level", allowed="a number between 0 and 1")
    if uncertainty not in ("laplace", "bootstrap"):
        raise UsageError(f"uncertainty: {shorten(uncertainty)}; expected 'laplace' or 'bootstrap'", value=uncertainty,
                         field="uncertainty", allowed="laplace, bootstrap")
    if abstain not in ("no", "ordinal", "missing"):
        raise UsageError(f"abstain: {shorten(abstain)}; expected 'no' (yes vs not-yes), 'ordinal' or 'missing'",
                         value=abstain, field="abstain", allowed="no, ordinal, missing")
    n_abstain = int((data.vote == 2).sum())
    if abstain == "no":
        data = VoteData(data.session, data.rcid, data.state, np.where(data.vote == 2, 3, data.vote).astype(np.int8),
                        data.n_missing, data.item)
    elif abstain == "missing":
        keep = data.vote != 2
        if not keep.any():
            raise VoteInputError("abstain='missing' leaves no votes: every vote is an abstention")
        data = VoteData(data.session[keep], data.rcid[keep], data.state[keep], data.vote[keep],
                        data.n_missing, None if data.item is None else data.item[keep])
        if sessions is not None:
            data.select_sessions(sessions)  # a session of nothing but abstentions has no votes left
    if method not in ("two-stage", "joint"):
        raise UsageError(f"method: {shorten(method)}; expected 'two-stage' (the default) or 'joint'", value=method,
                         field="method", allowed="two-stage, joint")
    from allegiance.measure.ideal.link import LINKS

    if link not in LINKS:
        raise UsageError(f"link: {shorten(link)}; expected one of {', '.join(LINKS)}", value=link, field="link",
                         allowed=", ".join(LINKS))
    bridged = data.item is not None and _bridged(data)
    if method == "two-stage" and bridged and link != "bridges":
        raise VoteInputError("method='two-stage' estimates each session on its own: the item column can only "
                             "link the sessions' scales; pass link='bridges' (or method='joint' to share "
                             "roll-call parameters)")
    if link == "bridges" and not bridged:
        raise VoteInputError("link='bridges' needs an item column that names roll calls repeated across sessions "
                             "(read_unvotes(..., bridge=True)); the votes have none")
    if method == "joint" and link == "bridges":
        raise UsageError("link: 'bridges' is for method='two-stage'; the joint model bridges through the item column "
                         "itself", value=link, field="link", allowed="states, none with method='joint'")
    if executor is not None and not (method == "two-stage" and uncertainty == "bootstrap"):
        raise UsageError("an executor runs the two-stage estimate's bootstrap replicates: ask for "
                         "uncertainty='bootstrap' with method='two-stage'", value=uncertainty, field="uncertainty",
                         allowed="bootstrap (with method two-stage)")
    if int(max_iter) < 1:
        raise UsageError(f"max_iter: {max_iter!r}; expected at least 1", value=max_iter, field="max_iter",
                         allowed="a whole number from 1")
    if uncertainty == "bootstrap" and int(n_boot) < 2:
        raise UsageError(f"n_boot: {n_boot!r}; a bootstrap needs at least 2 refits", value=n_boot, field="n_boot",
                         allowed="a whole number from 2")

    B = get_backend(device)
    prob = _problem(B, data if method == "joint" else VoteData(data.session, data.rcid, data.state, data.vote,
                                                                  data.n_missing, None))
    anchor_state = _anchor(prob, data, anchor)
    if stationary and not evolution_variance < prior_variance:
        raise UsageError(
            f"evolution_variance: {evolution_variance!r} must be below prior_variance ({prior_variance!r}) "
            "for the stationary walk; lower it or pass stationary=False", value=evolution_variance,
            field="evolution_variance", allowed=f"a variance below prior_variance ({prior_variance!r})")
    settings = _Settings(float(evolution_variance), float(prior_variance), float(difficulty_prior_variance),
                         int(max_iter), float(tol), bool(stationary), float(discrimination_prior_variance),
                         bool(_normalise), abstain != "ordinal")

    if method == "two-stage":
        params, it, converged, trace, sd_used, link_counts = _two_stage(
            B, prob, data, anchor_state, settings, uncertainty=uncertainty, n_boot=int(n_boot), seed=seed,
            accelerate=bool(_accelerate), callback=callback, link=link, executor=executor)
    else:
        link_counts = None
        params = _start(B, prob, data, anchor_state)
        params, it, converged, trace = _fit(B, prob, params, settings, callback=callback,
                                            trace_every=int(_trace_every), accelerate=bool(_accelerate))
        params = _orient(B, prob, params, anchor_state)
        if uncertainty == "bootstrap":
            sd_used = _bootstrap_sd(B, prob, data, params, settings, int(n_boot), seed)
        else:
            sd_used = _laplace_sd(B, prob, params, settings)

    z = _normal_quantile(0.5 + level / 2.0)
    x_cells = B.to_numpy(params.x).reshape(-1)[prob.cells]

    S = prob.S
    cell_state = prob.cells % S
    cell_t = prob.cells // S
    elapsed = time.perf_counter() - t_start
    info = {
        "model": ("ordinal probit (no < abstain < yes)" if abstain == "ordinal" else
                  f"binary probit (yes vs {'not yes: abstain counts as no' if abstain == 'no' else 'no; abstentions left out'})")
                 + ", ideal points on a random walk across sessions",
        "abstain": abstain,
        "n_abstentions": n_abstain,
        "method": method,
        "estimator": ("each session's posterior mode by ECM (expectation-conditional maximisation), "
                      "SQUAREM-accelerated; then every state's path smoothed by the random walk "
                      "(Kalman filter and RTS smoother)" if method == "two-stage" else
                      "posterior mode of all sessions at once by ECM (expectation-conditional maximisation), "
                      "SQUAREM-accelerated"),
        "normalisation": ("each session's first-stage estimates: root mean square 1, sign: anchor > 0 "
                          "(or, without it, agreement with the previous session)"
                          + ("; linked across sessions, then mean 0 and SD 1 over all state-sessions"
                             if link != "none" else "") if method == "two-stage" else
                          "root mean square of all ideal points = 1; sign: anchor's mean > 0"),
        "link": (None if method == "joint" else {
            "how": link,
            "state_pairs": link_counts["state_pairs"],
            "bridge_items": link_counts["bridge_items"],
        }),
        "uncertainty": uncertainty if uncertainty == "laplace" else f"parametric bootstrap ({n_boot} refits)",
        "executor": (executor.describe() if executor is not None else "serial") if uncertainty == "bootstrap" else None,
        "level": level,
        "evolution_variance": settings.evolution_variance,
        "walk": "stationary" if settings.stationary else "plain",
        "prior_variance": settings.prior_variance,
        "difficulty_prior_variance": settings.difficulty_prior_variance,
        "discrimination_prior_variance": settings.discrimination_prior_variance,
        "s2_prior": list(S2_PRIOR),
        "anchor": anchor_state,
        "device": B.device if B.name == "numpy" else f"torch:{B.device}",
        "sessions": [int(s) for s in prob.sessions],
        "n_states": prob.S,
        "n_roll_calls": prob.J,
        "n_votes": len(data),
        "n_missing": data.n_missing,
        "iterations": it,
        "converged": converged,
        "criterion": f"max |change in any ideal point| < {settings.tol:g} in one iteration",
        "max_iter": settings.max_iter,
        "seed": seed,
        "seconds": round(elapsed, 3),
        "log_posterior": trace[-1] if trace else None,
    }
    res = IdealPoints(
        states=tuple(prob.states),
        session=prob.sessions[cell_t].astype(np.int64),
        state=np.asarray(prob.states, dtype=object)[cell_state],
        ideal_point=x_cells,
        sd=sd_used,
        lo=x_cells - z * sd_used,
        hi=x_cells + z * sd_used,
        n_votes=prob.cell_n,
        item=prob.rcids,
        item_a=B.to_numpy(params.a).copy(),
        item_b=B.to_numpy(params.b).copy(),
        item_s=np.sqrt(B.to_numpy(params.s2)),
        info=info,
    )
    res.info["log_posterior_trace"] = trace
    return res


def _check_positive(**values: float) -> None:
    for name, v in values.items():
        if not (isinstance(v, (int, float)) and math.isfinite(v) and v > 0):
            raise UsageError(f"{name}: {v!r}; expected a positive number", value=v, field=name,
                             allowed="a positive number")


def _normal_quantile(p: float) -> float:
    from scipy.special import ndtri

    return float(ndtri(p))


def _problem(B: Backend, data: VoteData) -> _Problem:
    states, sidx = np.unique(data.state.astype(str), return_inverse=True)
    sessions, tidx = np.unique(data.session, return_inverse=True)
    rcids, jidx = np.unique(_item_keys(data), return_inverse=True)
    S = len(states)
    grid = tidx.astype(np.int64) * S + sidx
    cells, cell_n = np.unique(grid, return_counts=True)
    first_t = np.full(S, len(sessions), dtype=np.int64)
    np.minimum.at(first_t, sidx, tidx)
    # vote 1 yes -> category 2, 2 abstain -> 1, 3 no -> 0; votes sorted by category so that
    # each E-step computes only the truncated-normal moments each vote needs
    y = (3 - data.vote.astype(np.int64))
    order = np.argsort(y, kind="stable")
    y, jidx, grid = y[order], jidx[order], grid[order]
    split = (int(np.searchsorted(y, 1)), int(np.searchsorted(y, 2)))
    return _Problem(
        states=[str(s) for s in states],
        sessions=sessions.astype(np.int64),
        rcids=rcids,
        obs_item=B.asarray(jidx, "int"),
        obs_grid=B.asarray(grid, "int"),
        obs_y=B.asarray(y, "int"),
        split=split,
        first_t=B.asarray(first_t, "int"),
        cells=cells,
        cell_n=cell_n.astype(np.int64),
        item_n=B.asarray(np.bincount(jidx, minlength=len(rcids)).astype(np.float64)),
    )


def _item_keys(data: VoteData) -> np.ndarray:
    return data.item if data.item is not None else data.rcid


def _anchor(prob: _Problem, data: VoteData, anchor: str | None) -> str:
    if anchor is not None:
        a = str(anchor).strip()
        for s in prob.states:
            if s == a or s.upper() == a.upper():
                return s
        raise UnknownStateError(f"anchor: {anchor!r} cast no vote in these data; name a state that voted")
    if "USA" in prob.states:
        return "USA"
    states, counts = np.unique(data.state.astype(str), return_counts=True)
    return str(states[int(np.argmax(counts))])


# ---------------------------------------------------------------------------------------------
# starting values: per-session principal components, oriented on the anchor


def _start(B: Backend, prob: _Problem, data: VoteData, anchor: str) -> _Params:
    S, T = prob.S, prob.T
    grid = B.to_numpy(prob.obs_grid)
    item = B.to_numpy(prob.obs_item)
    y = B.to_numpy(prob.obs_y).astype(np.float64) - 1.0  # -1 no, 0 abstain, 1 yes
    x0 = np.zeros((T, S))
    a_idx = prob.states.index(anchor)
    obs_t = grid // S
    order = np.argsort(obs_t, kind="stable")
    bounds = np.searchsorted(obs_t[order], np.arange(T + 1))
    prev = None
    for t in range(T):
        sel = order[bounds[t]:bounds[t + 1]]
        st = grid[sel] - t * S
        us, si = np.unique(st, return_inverse=True)
        uj, ji = np.unique(item[sel], return_inverse=True)
        m = np.zeros((len(us), len(uj)))
        seen = np.zeros_like(m)
        m[si, ji] = y[sel]
        seen[si, ji] = 1.0
        col_mean = m.sum(0) / np.maximum(seen.sum(0), 1.0)
        m = np.where(seen > 0, m - col_mean, 0.0)
        if len(us) >= 2 and len(uj) >= 1 and np.any(m):
            u, sv, _ = np.linalg.svd(m, full_matrices=False)
            v = u[:, 0] * sv[0]
        else:
            v = np.zeros(len(us))
        sdv = v.std()
        v = (v - v.mean()) / sdv if sdv > 0 else v * 0.0
        sign = 1.0
        if a_idx in us:
            sign = 1.0 if v[np.searchsorted(us, a_idx)] >= 0 else -1.0
        elif prev is not None:
            common = np.isin(us, prev[0])
            if common.sum() >= 2:
                pv = prev[1][np.searchsorted(prev[0], us[common])]
                sign = 1.0 if float(np.dot(v[common], pv)) >= 0 else -1.0
        v = v * sign
        x0[t, us] = v
        prev = (us, v)
    # carry each state's last value forward through sessions without votes
    for t in range(1, T):
        has = np.zeros(S, dtype=bool)
        has[(grid[order[bounds[t]:bounds[t + 1]]] - t * S)] = True
        x0[t] = np.where(has, x0[t], x0[t - 1])
    J = prob.J
    return _Params(x=B.asarray(x0), a=B.full(J, 0.5), b=B.zeros(J), s2=B.full(J, 1.0))


# ---------------------------------------------------------------------------------------------
# the ECM iterations


def _estep(B: Backend, prob: _Problem, p: _Params, settings: _Settings, *, want_logp: bool = False):
    """Moments of the latent z of every vote: E[z], Var[z] (and log P(vote)) under the current parameters."""
    x_obs = p.x.reshape(-1)[prob.obs_grid]
    a = p.a[prob.obs_item]
    b = p.b[prob.obs_item]
    s = B.sqrt(p.s2)[prob.obs_item]
    mu = a + b * x_obs
    i1, i2 = prob.split
    # no: z < 0, the lower tail below (0 - mu)/s, i.e. the upper tail above (mu - 0)/s reflected
    # (binary: "not yes" is z < 1, the same lower tail with its cut at 1)
    cut = 1.0 if settings.binary else 0.0
    m0, v0, lp0 = upper_tail_moments(B, (mu[:i1] - cut) / s[:i1], want_logp=want_logp)
    # abstain: 0 <= z < 1
    m1, v1, lp1 = interval_moments(B, -mu[i1:i2] / s[i1:i2], (1.0 - mu[i1:i2]) / s[i1:i2], want_logp=want_logp)
    # yes: z >= 1
    m2, v2, lp2 = upper_tail_moments(B, (1.0 - mu[i2:]) / s[i2:], want_logp=want_logp)
    m = B.concat([-m0, m1, m2])
    v = B.concat([v0, v1, v2])
    logp = B.concat([lp0, lp1, lp2]) if want_logp else None
    ez = mu + s * m
    vz = s * s * v
    return ez, vz, v, x_obs, logp


def _item_step(B: Backend, prob: _Problem, p: _Params, ez: Any, x_obs: Any, settings: _Settings) -> None:
    """Roll-call parameters a_j, b_j given the ideal points: a ridge regression of E[z] on x per roll call."""
    J, it = prob.J, prob.obs_item
    n = prob.item_n
    sx = B.bincount(it, x_obs, J)
    sxx = B.bincount(it, x_obs * x_obs, J)
    sz = B.bincount(it, ez, J)
    sxz = B.bincount(it, x_obs * ez, J)
    m11 = n + p.s2 / settings.difficulty_prior_variance
    m22 = sxx + p.s2 / settings.discrimination_prior_variance
    det = m11 * m22 - sx * sx
    p.a = (m22 * sz - sx * sxz) / det
    p.b = (m11 * sxz - sx * sz) / det


def _scale_step(B: Backend, prob: _Problem, p: _Params, ez: Any, vz: Any, x_obs: Any) -> None:
    """Each roll call's latent variance s_j^2: the inverse-gamma posterior mode given E[(z - a - b x)^2]."""
    J, it = prob.J, prob.obs_item
    r = ez - p.a[it] - p.b[it] * x_obs
    ssr = B.bincount(it, vz + r * r, J)
    n = prob.item_n
    shape, scale = S2_PRIOR
    p.s2 = B.clip((ssr + 2.0 * scale) / (n + 2.0 * shape + 2.0), *S2_BOUNDS)


def _smooth(B: Backend, prob: _Problem, prec: Any, h: Any, settings: _Settings, *, want_var: bool = False):
    """Kalman filter + RTS smoother of every state's path at once.

    ``prec`` and ``h`` are (T, S) grids of the votes' precision and
    precision-weighted pseudo-observation. The prior starts afresh at each
    state's first session and walks with variance ``evolution_variance`` per
    session elapsed. Returns the smoothed means (and variances).
    """
    T, S = prob.T, prob.S
    sess = prob.sessions
    m0, v0 = 0.0, settings.prior_variance
    first = prob.first_t
    mp, vp, mf, vf = B.zeros((T, S)), B.zeros((T, S)), B.zeros((T, S)), B.zeros((T, S))
    for t in range(T):
        if t == 0:
            m_pred, v_pred = B.full(S, m0), B.full(S, v0)
        else:
            rho, q = settings.transition(float(sess[t] - sess[t - 1]))
            m_pred = rho * mf[t - 1]
            v_pred = rho * rho * vf[t - 1] + q
            start = first >= t
            m_pred = B.where(start, m0, m_pred)
            v_pred = B.where(start, v0, v_pred)
        mp[t], vp[t] = m_pred, v_pred
        post_prec = 1.0 / v_pred + prec[t]
        vf[t] = 1.0 / post_prec
        mf[t] = vf[t] * (m_pred / v_pred + h[t])
    ms = B.zeros((T, S))
    vs = B.zeros((T, S)) if want_var else None
    ms[T - 1] = mf[T - 1]
    if want_var:
        vs[T - 1] = vf[T - 1]
    for t in range(T - 2, -1, -1):
        rho, _ = settings.transition(float(sess[t + 1] - sess[t]))
        g = rho * vf[t] / vp[t + 1]
        g = B.where(first >= t + 1, 0.0, g)
        ms[t] = mf[t] + g * (ms[t + 1] - mp[t + 1])
        if want_var:
            vs[t] = vf[t] + g * g * (vs[t + 1] - vp[t + 1])
    return ms, vs


def _ideal_step(B: Backend, prob: _Problem, p: _Params, ez: Any, settings: _Settings) -> None:
    """Every state's path of ideal points given the roll-call parameters: one smoother pass."""
    it = prob.obs_item
    w = p.b * p.b / p.s2
    n = prob.T * prob.S
    prec = B.bincount(prob.obs_grid, w[it], n).reshape(prob.T, prob.S)
    h = B.bincount(prob.obs_grid, (p.b / p.s2)[it] * (ez - p.a[it]), n).reshape(prob.T, prob.S)
    p.x, _ = _smooth(B, prob, prec, h, settings)


def _log_prior(B: Backend, prob: _Problem, p: _Params, settings: _Settings) -> float:
    T = prob.T
    x = p.x
    sess = prob.sessions
    first = prob.first_t
    v0 = settings.prior_variance
    total = 0.0
    for t in range(T):
        at_first = first == t
        after = first < t
        term0 = B.where(at_first, -0.5 * x[t] * x[t] / v0 - 0.5 * math.log(2 * math.pi * v0), 0.0)
        total += B.sum(term0)
        if t > 0:
            rho, var = settings.transition(float(sess[t] - sess[t - 1]))
            d = x[t] - rho * x[t - 1]
            total += B.sum(B.where(after, -0.5 * d * d / var - 0.5 * math.log(2 * math.pi * var), 0.0))
    ipv, dpv = settings.difficulty_prior_variance, settings.discrimination_prior_variance
    total += B.sum(-0.5 * p.a * p.a / ipv - 0.5 * p.b * p.b / dpv) - 0.5 * prob.J * math.log(4 * math.pi**2 * ipv * dpv)
    shape, scale = S2_PRIOR
    total += B.sum(-(shape + 1.0) * B.log(p.s2) - scale / p.s2)
    return total


def _iterate(B: Backend, prob: _Problem, p: _Params, settings: _Settings, *, want_trace: bool = False):
    """One ECM iteration from ``p``: returns the new parameters (and the log posterior at ``p``)."""
    q = _Params(x=p.x, a=p.a, b=p.b, s2=p.s2)
    ez, vz, _, x_obs, logp = _estep(B, prob, q, settings, want_logp=want_trace)
    lp = B.sum(logp) + _log_prior(B, prob, q, settings) if want_trace else None
    _item_step(B, prob, q, ez, x_obs, settings)
    if not settings.binary:
        _scale_step(B, prob, q, ez, vz, x_obs)
    _ideal_step(B, prob, q, ez, settings)
    if settings.normalise:
        _normalise(B, prob, q)
    return q, lp


def _normalise(B: Backend, prob: _Problem, p: _Params) -> None:
    """Rescale so that the ideal points' root mean square over all state-sessions is 1.

    ``x -> c x`` with ``b -> b / c`` leaves every vote's probability unchanged;
    only the priors see the difference, and without this constraint the
    posterior mode trades a shrinking scale of ``x`` against growing ``b``.
    """
    cells = B.asarray(prob.cells, "int") if B.name != "numpy" else prob.cells
    xc = p.x.reshape(-1)[cells]
    rms = math.sqrt(B.sum(xc * xc) / len(prob.cells))
    if rms > 0:
        p.x = p.x / rms
        p.b = p.b * rms


_FIELDS = ("x", "a", "b", "s2")


def _extrapolate(B: Backend, p0: _Params, p1: _Params, p2: _Params, alpha: float) -> _Params:
    """The SQUAREM step p0 - 2 alpha r + alpha^2 v (on the log scale for the variances s_j^2)."""
    out = {}
    for f in _FIELDS:
        u0, u1, u2 = getattr(p0, f), getattr(p1, f), getattr(p2, f)
        if f == "s2":
            u0, u1, u2 = B.log(u0), B.log(u1), B.log(u2)
        r = u1 - u0
        v = u2 - 2.0 * u1 + u0
        new = u0 - 2.0 * alpha * r + alpha * alpha * v
        if f == "s2":
            new = B.exp(B.clip(new, -700.0, 700.0))
        out[f] = new
    out["s2"] = B.clip(out["s2"], *S2_BOUNDS)
    return _Params(**out)


def _sq_norms(B: Backend, p0: _Params, p1: _Params, p2: _Params) -> tuple[float, float]:
    rr = vv = 0.0
    for f in ("x", "a", "b"):
        u0, u1, u2 = getattr(p0, f), getattr(p1, f), getattr(p2, f)
        r = u1 - u0
        v = u2 - 2.0 * u1 + u0
        rr += B.sum(r * r)
        vv += B.sum(v * v)
    return rr, vv


def _fit(B: Backend, prob: _Problem, p: _Params, settings: _Settings, *, callback: Any = None,
         trace_every: int = 10, accelerate: bool = True) -> tuple[_Params, int, bool, list[float]]:
    """Iterate to convergence: plain ECM, or ECM accelerated by SQUAREM (Varadhan and Roland 2008).

    SQUAREM takes two ECM steps, extrapolates along them by a step length
    chosen from their differences, and takes one ECM step from there. A step
    whose residual grows more than tenfold is rejected (the two plain steps
    are kept and the longest allowed step shrinks). Iterations count ECM
    steps, so the two schemes are comparable.
    """
    trace: list[float] = []
    evals = 0
    converged = False
    step_max = 1.0
    cells = B.asarray(prob.cells, "int") if B.name != "numpy" else prob.cells

    def change(a: _Params, b: _Params) -> float:
        return B.abs_max((a.x - b.x).reshape(-1)[cells])

    def step(q: _Params) -> _Params:
        nonlocal evals
        want = trace_every > 0 and evals % trace_every == 0
        new, lp = _iterate(B, prob, q, settings, want_trace=want)
        evals += 1
        if want:
            trace.append(lp)
        return new

    while evals < settings.max_iter:
        p1 = step(p)
        d1 = change(p1, p)
        if callback is not None:
            callback(evals, d1, trace[-1] if trace else None)
        if d1 < settings.tol:
            p, converged = p1, True
            break
        if not accelerate or evals + 2 > settings.max_iter:
            p = p1
            continue
        p2 = step(p1)
        rr, vv = _sq_norms(B, p, p1, p2)
        alpha = -math.sqrt(rr / vv) if vv > 0 else -1.0
        alpha = max(min(alpha, -1.0), -step_max)
        if alpha == -step_max:
            step_max *= 4.0
        if alpha == -1.0:
            p = p2
            continue
        pe = _extrapolate(B, p, p1, p2, alpha)
        p3 = step(pe)
        d3 = change(p3, pe)
        if not math.isfinite(d3) or d3 > 10.0 * max(d1, 1e-12):
            p = p2  # reject the extrapolation
            step_max = max(1.0, step_max / 4.0)
            continue
        p = p3
        if callback is not None:
            callback(evals, d3, trace[-1] if trace else None)
        if d3 < settings.tol:
            converged = True
            break
    return p, evals, converged, trace


def _orient(B: Backend, prob: _Problem, p: _Params, anchor: str) -> _Params:
    i = prob.states.index(anchor)
    x = B.to_numpy(p.x)
    keys = prob.cells[prob.cells % prob.S == i]
    if x.reshape(-1)[keys].mean() < 0:
        p.x = -p.x
        p.b = -p.b
    return p


def _information_grid(B: Backend, prob: _Problem, p: _Params, settings: _Settings) -> Any:
    """Each state-session's observed information about its ideal point from its votes (the likelihood
    alone), on the (T, S) grid: the sum over its votes of b_j^2 (1 - Var(e | vote)) / s_j^2."""
    _, _, v, _, _ = _estep(B, prob, p, settings)
    info = (p.b * p.b / p.s2)[prob.obs_item] * (1.0 - v)
    return B.bincount(prob.obs_grid, info, prob.T * prob.S).reshape(prob.T, prob.S)


def _laplace_sd(B: Backend, prob: _Problem, p: _Params, settings: _Settings) -> np.ndarray:
    """Posterior SD of each ideal point from the observed information at the mode (given the roll calls)."""
    prec = _information_grid(B, prob, p, settings)
    _, vs = _smooth(B, prob, prec, B.zeros((prob.T, prob.S)), settings, want_var=True)
    return np.sqrt(B.to_numpy(vs).reshape(-1)[prob.cells])


def _simulate_votes(B: Backend, prob: _Problem, data: VoteData, p: _Params, settings: _Settings,
                    rng: np.random.Generator) -> np.ndarray:
    """Every vote of ``data`` redrawn from the fitted ordinal model ``p`` (who voted on what is kept)."""
    states = {s: i for i, s in enumerate(prob.states)}
    sidx = np.array([states[s] for s in data.state.astype(str)], dtype=np.int64)
    tidx = np.searchsorted(prob.sessions, data.session)
    jidx = np.searchsorted(prob.rcids, _item_keys(data))
    x = B.to_numpy(p.x)[tidx, sidx]
    mu = B.to_numpy(p.a)[jidx] + B.to_numpy(p.b)[jidx] * x
    s = np.sqrt(B.to_numpy(p.s2))[jidx]
    z = mu + s * rng.standard_normal(len(mu))
    if settings.binary:
        return np.where(z < 1.0, 3, 1).astype(np.int8)
    return np.where(z < 0.0, 3, np.where(z < 1.0, 2, 1)).astype(np.int8)


def _bootstrap_sd(B: Backend, prob: _Problem, data: VoteData, p: _Params, settings: _Settings,
                  n_boot: int, seed: int) -> np.ndarray:
    """Spread of the ideal points refitted on votes simulated from the fitted model (parametric bootstrap).

    Each replicate keeps who voted on what and redraws every vote from the
    fitted ordinal model; the refit starts at the estimate.
    """
    rng = np.random.default_rng(seed)
    x_hat = B.to_numpy(p.x).reshape(-1)[prob.cells]
    draws = np.empty((n_boot, len(prob.cells)))
    for r in range(n_boot):
        vote = _simulate_votes(B, prob, data, p, settings, rng)
        sim = _problem(B, VoteData(data.session, data.rcid, data.state, vote, 0, data.item))
        q = _Params(x=B.copy(p.x), a=B.copy(p.a), b=B.copy(p.b), s2=B.copy(p.s2))
        q, _, _, _ = _fit(B, sim, q, settings, trace_every=0)
        draws[r] = B.to_numpy(q.x).reshape(-1)[prob.cells]
    return np.sqrt(np.mean((draws - x_hat) ** 2, axis=0))


# ---------------------------------------------------------------------------------------------
# the two-stage estimator: each session on its own, then every state's path smoothed


def _bridged(data: VoteData) -> bool:
    """Whether any bridging key is given (a non-null ``item``)."""
    return any(k is not None and not (isinstance(k, float) and math.isnan(k)) for k in data.item)


def _by_session(data: VoteData) -> list[VoteData]:
    """The votes split by session (sorted once), in session order."""
    order = np.argsort(data.session, kind="stable")
    sess = data.session[order]
    cuts = np.flatnonzero(np.diff(sess)) + 1
    parts = []
    for idx in np.split(order, cuts):
        item = None if data.item is None else data.item[idx]
        parts.append(VoteData(data.session[idx], data.rcid[idx], data.state[idx], data.vote[idx], 0, item))
    return parts


def _two_stage(B: Backend, prob: _Problem, data: VoteData, anchor: str, settings: _Settings, *,
               uncertainty: str, n_boot: int, seed: int, accelerate: bool, callback: Any, link: str,
               executor: Any):
    """Stage 1: every session's own posterior mode (the model with one session; its prior N(0, v0)),
    rescaled to root mean square 1 and oriented on the anchor (or, where the anchor did not vote, on
    the previous session's estimates of the states in both). The link (:mod:`.link`) puts the
    sessions on one scale. Stage 2: each state's path, with the linked first-stage estimates as
    measurements whose precision is their observed information from the votes, smoothed by the
    random walk of ``settings``.

    ``uncertainty="bootstrap"`` reruns both stages (and the link) on ``n_boot`` vote sets simulated
    from the first-stage fits and reports the spread of the smoothed refits; replicate ``r`` draws
    from ``SeedSequence(seed).spawn(n_boot)[r]``, and ``executor`` (:mod:`.executor`) runs them, so
    serial, pool and cluster give the same result. The points themselves never depend on the seed.
    Returns (params on the whole grid, ECM steps, all converged, [], SD per state-session, link counts).
    """
    parts = _by_session(data)
    params, stage1, steps, converged, sd, counts = _two_stage_fit(B, prob, parts, anchor, settings, link=link,
                                                                  accelerate=accelerate, callback=callback)
    if uncertainty == "bootstrap":
        from allegiance.measure.ideal.executor import Executor

        x_hat = B.to_numpy(params.x).reshape(-1)[prob.cells]
        shared = _BootShared(prob=prob, parts=[_host_votes(p) for p in parts], anchor=anchor, settings=settings,
                             link=link, accelerate=accelerate,
                             device="torch-cpu" if B.name != "numpy" and str(B.device) == "cpu" else str(B.device),
                             backend=B.name, stage1=_Params(*(B.to_numpy(getattr(stage1, f)) for f in _FIELDS)))
        seeds = np.random.SeedSequence(seed).spawn(n_boot)
        runner = executor if executor is not None else Executor()
        draws = np.vstack(runner.map(_boot_replicate, shared, seeds))
        sd = np.sqrt(np.mean((draws - x_hat) ** 2, axis=0))
    return params, steps, converged, [], sd, counts


def _host_votes(part: VoteData) -> VoteData:
    return VoteData(part.session, part.rcid, part.state, part.vote, 0, part.item)


@dataclass(frozen=True, eq=False)
class _BootShared:
    """What every bootstrap replicate needs (sent to each worker once)."""

    prob: _Problem
    parts: list
    anchor: str
    settings: _Settings
    link: str
    accelerate: bool
    device: str
    backend: str
    stage1: _Params


def _boot_replicate(shared: _BootShared, seed: np.random.SeedSequence) -> np.ndarray:
    """One parametric-bootstrap replicate of the two-stage estimate: its smoothed ideal points on the cells."""
    B = get_backend("cpu" if shared.backend == "numpy" else shared.device)
    rng = np.random.default_rng(seed)
    prob, stage1 = shared.prob, shared.stage1
    if B.name != "numpy":
        stage1 = _Params(*(B.asarray(getattr(stage1, f)) for f in _FIELDS))
    sim = [VoteData(part.session, part.rcid, part.state,
                    _simulate_votes(B, prob, part, stage1, shared.settings, rng), 0, part.item)
           for part in shared.parts]
    q, _, _, _, _, _ = _two_stage_fit(B, prob, sim, shared.anchor, shared.settings, link=shared.link,
                                      accelerate=shared.accelerate, callback=None, start=stage1)
    return np.asarray(B.to_numpy(q.x)).reshape(-1)[prob.cells]


def _two_stage_fit(B: Backend, prob: _Problem, parts: list[VoteData], anchor: str, settings: _Settings, *,
                   link: str, accelerate: bool, callback: Any, start: _Params | None = None):
    """Both stages on votes split by session: (smoothed params on the linked scale, first-stage params
    on each session's own scale, steps, converged, SD, link counts)."""
    from allegiance.measure.ideal.link import link_sessions

    T, S = prob.T, prob.S
    col = {s: i for i, s in enumerate(prob.states)}
    y = np.zeros(T * S)
    prec = np.zeros(T * S)
    a, b, s2 = np.zeros(prob.J), np.zeros(prob.J), np.ones(prob.J)
    item_t = np.zeros(prob.J, dtype=np.int64)  # the session of each roll call
    bridges: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    steps, converged = 0, True
    prev: dict[str, float] | None = None
    if start is not None:  # on the host once, not once per session
        start = _Params(*(B.to_numpy(getattr(start, f)) for f in _FIELDS))
    for t, part in enumerate(parts):
        keys = part.item
        part = VoteData(part.session, part.rcid, part.state, part.vote, 0, None)  # each session on its own
        sp = _problem(B, part)
        cols = np.array([col[st] for st in sp.states])
        jj = np.searchsorted(prob.rcids, sp.rcids)
        own = anchor if anchor in sp.states else _anchor(sp, part, None)
        if start is None:
            p = _start(B, sp, part, own)
        else:
            p = _Params(x=B.asarray(start.x[t, cols][None, :].copy()), a=B.asarray(start.a[jj]),
                        b=B.asarray(start.b[jj]), s2=B.asarray(start.s2[jj]))
        p, n, conv, _ = _fit(B, sp, p, settings, callback=callback, trace_every=0, accelerate=accelerate)
        steps += n
        converged = converged and conv
        x = B.to_numpy(p.x)[0, sp.cells]  # one session: its cells are its states' indices
        sign = 1.0
        if anchor in sp.states:
            sign = 1.0 if x[sp.states.index(anchor)] >= 0 else -1.0
        elif prev:
            common = [k for k, st in enumerate(sp.states) if st in prev]
            if len(common) >= 2:
                sign = 1.0 if float(np.dot(x[common], [prev[sp.states[k]] for k in common])) >= 0 else -1.0
        if sign < 0:
            x, p.x, p.b = -x, -p.x, -p.b
        cells = t * S + cols
        y[cells], prec[cells] = x, B.to_numpy(_information_grid(B, sp, p, settings)).reshape(-1)[sp.cells]
        a[jj], b[jj], s2[jj] = B.to_numpy(p.a), B.to_numpy(p.b), B.to_numpy(p.s2)
        item_t[jj] = t
        if keys is not None:
            by_rcid = dict(zip(part.rcid.tolist(), keys.tolist()))
            bridges.append((np.asarray([_bridge_key(by_rcid.get(int(r))) for r in sp.rcids], dtype=object),
                            a[jj].copy(), b[jj].copy()))
        else:
            bridges.append((np.asarray([None] * len(jj), dtype=object), a[jj].copy(), b[jj].copy()))
        prev = dict(zip(sp.states, x.tolist()))
    have = np.zeros(T * S, dtype=bool)
    have[prob.cells] = True
    stage1 = _Params(x=B.asarray(y.reshape(T, S)), a=B.asarray(a.copy()), b=B.asarray(b.copy()),
                     s2=B.asarray(s2.copy()))
    c, d, counts = link_sessions(y.reshape(T, S), prec.reshape(T, S), have.reshape(T, S), bridges, link=link,
                                 evolution_variance=settings.evolution_variance)
    # onto the common scale: X = c x + d, its information / c^2; each roll call's a - b d / c and b / c
    ct, dt = np.repeat(c, S), np.repeat(d, S)
    y = np.where(have, ct * y + dt, 0.0)
    prec = prec / (ct * ct)
    a = a - b * d[item_t] / c[item_t]
    b = b / c[item_t]
    ms, vs = _smooth(B, prob, B.asarray(prec.reshape(T, S)), B.asarray((prec * y).reshape(T, S)), settings,
                     want_var=True)
    items = {"a": B.asarray(a), "b": B.asarray(b), "s2": B.asarray(s2)}
    sd = np.sqrt(B.to_numpy(vs).reshape(-1)[prob.cells])
    return _Params(x=ms, **items), stage1, steps, converged, sd, counts


def _bridge_key(k: Any) -> Any:
    """A bridging key, or None where the roll call has none (null or NaN)."""
    if k is None or (isinstance(k, float) and math.isnan(k)):
        return None
    return k
