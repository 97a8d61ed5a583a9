"""Dynamic ideal points: recovery of known ideal points from simulated roll calls, input errors,
determinism, the optional torch path, the command body and chart, and validation against the
published Bailey-Strezhnev-Voeten estimates (skipped when ../shared/data is absent)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from allegiance.errors import UnknownStateError, UsageError, VoteInputError
from allegiance.measure.ideal import IdealPoints, estimate_ideal_points, ideal_path, ideal_points_from_votes
from allegiance.measure.ideal.backend import Backend, truncnorm_moments
from allegiance.measure.ideal.simulate import simulate_votes
from allegiance.measure.ideal.votes import votes_from_table

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
FIX_MEASURE = Path(__file__).resolve().parents[1] / "fixtures" / "measure"


@pytest.fixture(scope="module")
def sim():
    return simulate_votes(n_states=60, n_sessions=10, votes_per_session=40, seed=1)


@pytest.fixture(scope="module")
def fit(sim):
    return estimate_ideal_points(sim.votes, anchor="S00")


def _paired(res: IdealPoints, sim) -> tuple[np.ndarray, np.ndarray, list[dict]]:
    rows = res.rows()
    est = np.array([r["ideal_point"] for r in rows])
    tru = np.array([sim.truth[(r["state"], r["session"])] for r in rows])
    return est, tru, rows


# --- recovery on simulated roll calls -------------------------------------------------------------


def test_recovers_simulated_ideal_points(fit, sim):
    est, tru, rows = _paired(fit, sim)
    assert len(rows) == len(sim.truth)  # every state-session with a vote, and only those
    assert fit.info["converged"]
    assert np.corrcoef(est, tru)[0, 1] > 0.95


@pytest.mark.parametrize("method", ["two-stage", "joint"])
def test_both_methods_recover_and_cover(sim, method):
    res = estimate_ideal_points(sim.votes, anchor="S00", method=method)
    assert res.info["method"] == method and res.info["converged"]
    est, tru, rows = _paired(res, sim)
    assert np.corrcoef(est, tru)[0, 1] > 0.95
    slope, icpt = np.polyfit(tru, est, 1)
    aligned = slope * tru + icpt
    inside = (aligned >= np.array([r["lo"] for r in rows])) & (aligned <= np.array([r["hi"] for r in rows]))
    assert 0.85 <= inside.mean() <= 0.995, inside.mean()


def test_two_stage_orients_a_session_without_the_anchor_on_the_previous_one(sim):
    v = {k: np.asarray(a) for k, a in sim.votes.items()}
    keep = ~((v["state"] == "S00") & (v["session"] == 4))  # the anchor is absent from session 4
    res = estimate_ideal_points({k: a[keep] for k, a in v.items()}, anchor="S00")
    rows = [r for r in res.rows() if r["session"] == 4]
    est = np.array([r["ideal_point"] for r in rows])
    tru = np.array([sim.truth[(r["state"], 4)] for r in rows])
    assert np.corrcoef(est, tru)[0, 1] > 0.9  # not flipped


def test_two_stage_smooths_the_first_stage():
    # stage 2 moves a state with few votes towards its neighbouring sessions, and leaves a
    # well-measured one nearly where its own session put it
    s = simulate_votes(n_states=30, n_sessions=6, votes_per_session=30, seed=5)
    v = {k: np.asarray(a) for k, a in s.votes.items()}
    rng = np.random.default_rng(0)
    thin = (v["state"] == "S05") & (v["session"] == 3) & (rng.random(len(v["state"])) < 0.8)
    v = {k: a[~thin] for k, a in v.items()}
    smooth = estimate_ideal_points(v, anchor="S00")
    loose = estimate_ideal_points(v, anchor="S00", evolution_variance=0.99)
    def at(res, st, t):
        return next(r for r in res.rows([st]) if r["session"] == t)
    nb = np.mean([at(smooth, "S05", t)["ideal_point"] for t in (2, 4)])
    assert abs(at(smooth, "S05", 3)["ideal_point"] - nb) < abs(at(loose, "S05", 3)["ideal_point"] - nb)
    assert at(smooth, "S05", 3)["sd"] < at(loose, "S05", 3)["sd"]


def test_sign_follows_the_anchor(sim):
    plain = estimate_ideal_points(sim.votes, anchor="S00")
    assert np.mean([r["ideal_point"] for r in plain.path("S00")]) > 0
    est, tru, _ = _paired(plain, sim)
    assert np.corrcoef(est, tru)[0, 1] > 0
    # anchoring on a state whose true ideal points are negative flips the whole scale
    neg = min(sim.states, key=lambda s: np.mean([v for (st, _), v in sim.truth.items() if st == s]))
    flipped = estimate_ideal_points(sim.votes, anchor=neg)
    est2, _, _ = _paired(flipped, sim)
    assert np.mean([r["ideal_point"] for r in flipped.path(neg)]) > 0
    assert np.corrcoef(est2, tru)[0, 1] < -0.95
    np.testing.assert_allclose(est2, -est, atol=1e-3)


def test_intervals_cover_the_truth_at_about_the_nominal_rate(fit, sim):
    # ideal points are identified up to the normalisation, so the truth is first put on the
    # estimate's scale (least squares); the bands must then hold it about 95% of the time
    est, tru, rows = _paired(fit, sim)
    slope, icpt = np.polyfit(tru, est, 1)
    aligned = slope * tru + icpt
    lo = np.array([r["lo"] for r in rows])
    hi = np.array([r["hi"] for r in rows])
    coverage = np.mean((aligned >= lo) & (aligned <= hi))
    assert 0.85 <= coverage <= 0.995, coverage
    # and narrower bands go with more votes
    n = np.array([r["n_votes"] for r in rows])
    sd = np.array([r["sd"] for r in rows])
    assert np.corrcoef(n, sd)[0, 1] < 0


def test_paths_are_smooth_where_the_truth_is(sim):
    # the random walk links sessions: estimated moves from one session to the next are about as
    # large as the true ones (on the estimate's scale), and far smaller than when sessions are
    # estimated almost independently (a huge evolution variance)
    linked = estimate_ideal_points(sim.votes, anchor="S00")
    loose = estimate_ideal_points(sim.votes, anchor="S00", evolution_variance=0.99)
    est, tru, _ = _paired(linked, sim)
    slope = np.polyfit(tru, est, 1)[0]

    def moves(res, values=None):
        out = []
        for s in sim.states:
            path = res.path(s)
            xs = [values[(s, r["session"])] if values else r["ideal_point"] for r in path]
            ss = [r["session"] for r in path]
            out += [abs(b - a) for a, b, s0, s1 in zip(xs, xs[1:], ss, ss[1:]) if s1 == s0 + 1]
        return np.mean(out)

    true_moves = moves(linked, sim.truth) * abs(slope)
    assert 0.5 * true_moves < moves(linked) < 1.5 * true_moves
    assert moves(loose) > 1.3 * moves(linked)


def test_ecm_never_lowers_the_log_posterior(sim):
    # plain ECM, without the rescaling that fixes the scale (which the priors see) and without SQUAREM
    res = estimate_ideal_points(sim.votes, anchor="S00", _accelerate=False, _normalise=False, max_iter=60,
                                _trace_every=1, method="joint")
    trace = np.array(res.info["log_posterior_trace"])
    assert len(trace) == 60
    assert np.all(np.diff(trace) >= -1e-8 * np.abs(trace[1:]))
    assert trace[-1] > trace[0]


def test_acceleration_reaches_the_same_estimate():
    small = simulate_votes(n_states=25, n_sessions=4, votes_per_session=25, seed=2)
    fast = estimate_ideal_points(small.votes, anchor="S00", tol=1e-5)
    slow = estimate_ideal_points(small.votes, anchor="S00", tol=1e-5, _accelerate=False, max_iter=20000)
    assert fast.info["converged"] and slow.info["converged"]
    assert fast.info["iterations"] < slow.info["iterations"]
    np.testing.assert_allclose(fast.ideal_point, slow.ideal_point, atol=5e-3)


def test_bootstrap_bands_are_reproducible_and_seeded(sim):
    small = simulate_votes(n_states=25, n_sessions=4, votes_per_session=25, seed=3)
    a = estimate_ideal_points(small.votes, uncertainty="bootstrap", n_boot=4, seed=7)
    b = estimate_ideal_points(small.votes, uncertainty="bootstrap", n_boot=4, seed=7)
    c = estimate_ideal_points(small.votes, uncertainty="bootstrap", n_boot=4, seed=8)
    assert a.rows() == b.rows()
    assert not np.allclose(a.sd, c.sd)
    np.testing.assert_allclose(a.ideal_point, c.ideal_point)  # the seed moves the bands, not the points
    assert np.all(a.sd > 0)


def test_estimates_are_deterministic(sim):
    assert estimate_ideal_points(sim.votes, seed=5).rows() == estimate_ideal_points(sim.votes, seed=5).rows()


def test_sessions_selects_and_rows_filter(sim, fit):
    part = estimate_ideal_points(sim.votes, sessions=[3, 4, 5])
    assert part.sessions == [3, 4, 5]
    rows = fit.rows(["s00", "S01"], first=2, last=4)
    assert {r["state"] for r in rows} == {"S00", "S01"}
    assert all(2 <= r["session"] <= 4 for r in rows)
    path = ideal_path(fit, "S01")
    assert [r["session"] for r in path] == sorted(r["session"] for r in path)
    for r in path:
        assert r["lo"] < r["ideal_point"] < r["hi"]
    json.dumps(fit.to_dict())  # JSON-able throughout


def test_unknown_state_is_named(fit):
    with pytest.raises(UnknownStateError, match="'XYZ'"):
        ideal_path(fit, "XYZ")
    with pytest.raises(UnknownStateError, match="anchor"):
        estimate_ideal_points({"session": [1, 1], "rcid": [1, 1], "state": ["A", "B"], "vote": [1, 3]}, anchor="C")


# --- input: tables and errors --------------------------------------------------------------------


def _tiny():
    return {"session": [1, 1, 1, 1, 2, 2], "rcid": [10, 10, 11, 11, 12, 12],
            "state": ["AAA", "BBB", "AAA", "BBB", "AAA", "BBB"], "vote": [1, 3, 2, 1, 8, 3]}


def test_tables_of_every_kind_read_alike():
    import duckdb
    import pyarrow as pa

    base = votes_from_table(_tiny())
    assert len(base) == 5 and base.n_missing == 1  # code 8 (absent) is missing, not an error
    arrow = votes_from_table(pa.table(_tiny()))
    con = duckdb.connect()
    rel = con.sql("SELECT * FROM (VALUES (1, 10, 'AAA', 'yes'), (1, 10, 'BBB', 'no'), (1, 11, 'AAA', 'abstain'),"
                  " (1, 11, 'BBB', 'yes'), (2, 12, 'AAA', NULL), (2, 12, 'BBB', 'no')) t(session, rcid, state, vote)")
    duck = votes_from_table(rel)
    parts = votes_from_table([{k: v[:4] for k, v in _tiny().items()}, {k: v[4:] for k, v in _tiny().items()}])
    for other in (arrow, duck, parts):
        assert other.vote.tolist() == base.vote.tolist()
        assert other.state.tolist() == base.state.tolist()
        assert other.n_missing == 1
    renamed = votes_from_table({("ccode" if k == "state" else k): v for k, v in _tiny().items()},
                               columns={"state": "ccode"})
    assert renamed.state.tolist() == base.state.tolist()


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"session": [], "rcid": [], "state": [], "vote": []}, "empty"),
        ({**_tiny(), "vote": [1, 3, 7, 1, 8, 3]}, r"unknown vote code\(s\) '7' \(1 rows\), first at row 2"),
        ({**_tiny(), "vote": ["yes", "no", "maybe", "yes", None, "no"]}, "'maybe'"),
        ({**_tiny(), "vote": [8, 9, 8, 9, 8, 9]}, "none of the 6 rows is a vote"),
        ({k: v for k, v in _tiny().items() if k != "rcid"}, "missing column"),
        ({**_tiny(), "state": ["AAA", None, "AAA", "BBB", "AAA", "BBB"]}, "no state code at row 1"),
        ({**_tiny(), "session": [1, 1, 1, 1, 2, "x"]}, "not a session number"),
        ({**_tiny(), "session": [1, 2, 1, 1, 2, 2]}, "roll call 10 is listed in sessions 1 and 2"),
        ({**_tiny(), "state": ["AAA", "AAA", "AAA", "BBB", "AAA", "BBB"]}, "'AAA' has 2 votes on roll call 10"),
        ({**_tiny(), "vote": [1, 3, 2]}, "different lengths"),
        ([], "no tables given"),
        ("votes.csv", "cannot read a str"),
    ],
)
def test_bad_votes_are_refused_with_a_clear_message(table, message):
    with pytest.raises(VoteInputError, match=message):
        estimate_ideal_points(table)


def test_a_session_with_no_votes_is_an_error():
    with pytest.raises(VoteInputError, match=r"no votes in session\(s\) 3; the votes cover sessions 1-2"):
        estimate_ideal_points(_tiny(), sessions=[1, 3])
    # a session whose rows are all absences has no votes either
    t = _tiny()
    t["vote"] = [1, 3, 2, 1, 8, 9]
    with pytest.raises(VoteInputError, match=r"no votes in session\(s\) 2"):
        estimate_ideal_points(t, sessions=[1, 2])


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ({"evolution_variance": 0}, "evolution_variance"),
        ({"evolution_variance": 2.0}, "below prior_variance"),
        ({"level": 1.5}, "level"),
        ({"uncertainty": "magic"}, "uncertainty"),
        ({"max_iter": 0}, "max_iter"),
        ({"uncertainty": "bootstrap", "n_boot": 1}, "n_boot"),
        ({"tol": -1}, "tol"),
        ({"abstain": "maybe"}, "abstain"),
        ({"method": "bayes"}, "method: 'bayes'; expected 'two-stage'"),
    ],
)
def test_bad_options_are_refused(option, message):
    # an option out of its range is a usage error (exit 2 at the CLI) naming the parameter
    with pytest.raises(UsageError, match=message) as err:
        estimate_ideal_points(_tiny(), **option)
    assert err.value.field == next(iter(option)) if len(option) == 1 else err.value.field in option


def test_abstentions_as_no_or_missing_are_binary_models():
    s = simulate_votes(n_states=30, n_sessions=4, votes_per_session=30, seed=6)
    v = s.votes
    as_no = estimate_ideal_points(v, abstain="no", anchor="S00", tol=1e-3)
    recoded = estimate_ideal_points({**v, "vote": np.where(v["vote"] == 2, 3, v["vote"])}, abstain="ordinal",
                                    anchor="S00", max_iter=50)
    assert as_no.info["abstain"] == "no" and as_no.info["n_abstentions"] == int((v["vote"] == 2).sum())
    assert np.all(as_no.item_s == 1.0)  # the binary probit's scale is fixed
    assert not np.allclose(recoded.item_s, 1.0)  # the ordinal model estimates it even with no abstentions
    dropped = estimate_ideal_points(v, abstain="missing", anchor="S00", tol=1e-3)
    manual = estimate_ideal_points({k: a[v["vote"] != 2] for k, a in v.items()}, abstain="missing", anchor="S00",
                                   tol=1e-3)
    np.testing.assert_allclose(dropped.ideal_point, manual.ideal_point)
    assert sum(dropped.n_votes) == int((v["vote"] != 2).sum() - (v["vote"] > 3).sum())
    for res in (as_no, dropped):
        est, tru, _ = _paired(res, s)
        assert np.corrcoef(est, tru)[0, 1] > 0.9


def test_bridged_roll_calls_share_parameters():
    s = simulate_votes(n_states=20, n_sessions=3, votes_per_session=15, seed=4)
    v = dict(s.votes)
    # declare roll calls 1 and 16 (sessions 1 and 2) the same resolution
    v["item"] = np.where(np.isin(v["rcid"], [1, 16]), "same-text", None).astype(object)
    with pytest.raises(VoteInputError, match="link='bridges'"):
        estimate_ideal_points(v)  # the two-stage estimator fits each session alone: items only link scales
    res = estimate_ideal_points(v, method="joint")
    assert len(res.item) == 44  # 45 roll calls, two of them one item
    assert "item:same-text" in set(res.item.tolist())


def test_adapter_takes_one_table_per_session(sim):
    v = sim.votes
    per_session = [{k: np.asarray(a)[v["session"] == s] for k, a in v.items()} for s in sim.sessions]
    res = ideal_points_from_votes(per_session, anchor="S00")
    np.testing.assert_allclose(res.ideal_point, estimate_ideal_points(v, anchor="S00").ideal_point)


# --- numerics -------------------------------------------------------------------------------------


@pytest.mark.parametrize("stationary", [True, False])
def test_smoother_is_the_exact_gaussian_posterior(stationary):
    # the vectorised Kalman filter + RTS smoother must equal a dense solve of each state's
    # Gaussian posterior: prior precision of the walk (with a late start and a two-session gap)
    # plus the votes' precision on the diagonal
    from types import SimpleNamespace

    from allegiance.measure.ideal.estimate import _Settings, _smooth

    rng = np.random.default_rng(0)
    sessions = np.array([1, 2, 3, 5, 6, 7])  # session 4 missing: a gap of two
    T, S = len(sessions), 3
    first = np.array([0, 2, 0])
    prec = rng.uniform(0.5, 3.0, (T, S))
    prec[0:2, 1] = 0.0  # state 1 starts in the third session
    h = rng.normal(0, 2, (T, S)) * (prec > 0)
    st = _Settings(0.2, 1.0, 25.0, 1, 1e-4, stationary)
    prob = SimpleNamespace(T=T, S=S, sessions=sessions, first_t=first)
    ms, vs = _smooth(Backend(), prob, prec, h, st, want_var=True)
    for i in range(S):
        ts = list(range(first[i], T))
        n = len(ts)
        q = np.zeros((n, n))
        q[0, 0] += 1.0 / st.prior_variance
        for k in range(1, n):
            rho, var = st.transition(float(sessions[ts[k]] - sessions[ts[k - 1]]))
            q[k, k] += 1.0 / var
            q[k - 1, k - 1] += rho * rho / var
            q[k, k - 1] -= rho / var
            q[k - 1, k] -= rho / var
        q += np.diag(prec[ts, i])
        cov = np.linalg.inv(q)
        np.testing.assert_allclose(ms[ts, i], cov @ h[ts, i], rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(vs[ts, i], np.diag(cov), rtol=1e-10)



def test_truncated_normal_moments_match_scipy():
    from scipy import stats

    rng = np.random.default_rng(0)
    lo = rng.normal(0, 5, 4000)
    hi = lo + rng.exponential(2, 4000)
    kind = rng.integers(0, 3, 4000)
    m, v, lp = truncnorm_moments(Backend(), lo, hi, kind, want_logp=True)
    a = np.where(kind == 0, -np.inf, lo)
    b = np.where(kind == 2, np.inf, hi)
    em, ev = stats.truncnorm.stats(a, b, moments="mv")
    ok = ev > 1e-6  # SciPy itself loses the variance of narrow intervals deep in a tail
    np.testing.assert_allclose(m, em, atol=1e-8)
    np.testing.assert_allclose(v[ok], ev[ok], rtol=1e-4)
    mass = stats.norm.cdf(b) - stats.norm.cdf(a)
    sure = mass > 1e-10
    np.testing.assert_allclose(lp[sure], np.log(mass[sure]), rtol=1e-6, atol=1e-9)
    # far in a tail, where plain differences of normal probabilities are 0 - 0
    m2, v2, lp2 = truncnorm_moments(Backend(), np.array([40.0]), np.array([41.0]), np.array([1]), want_logp=True)
    assert 40.0 < m2[0] < 40.05 and 0 < v2[0] < 0.001 and math.isfinite(lp2[0])


def test_torch_path_matches_numpy(sim):
    pytest.importorskip("torch", reason="PyTorch is optional (the GPU path); not installed here")
    cpu = estimate_ideal_points(sim.votes, anchor="S00")
    tch = estimate_ideal_points(sim.votes, anchor="S00", device="torch-cpu")
    assert tch.info["device"] == "torch:cpu"
    np.testing.assert_allclose(tch.ideal_point, cpu.ideal_point, atol=1e-6)
    np.testing.assert_allclose(tch.sd, cpu.sd, atol=1e-6)


def test_a_missing_torch_is_a_clear_error(monkeypatch):
    import builtins

    real = builtins.__import__

    def no_torch(name, *a, **k):
        if name == "torch" or name.startswith("torch."):
            raise ImportError("no torch here")
        return real(name, *a, **k)

    monkeypatch.setattr(builtins, "__import__", no_torch)
    with pytest.raises(VoteInputError, match="needs PyTorch"):
        estimate_ideal_points(_tiny(), device="cuda")


# --- the command body and the chart --------------------------------------------------------------


def test_ideal_command_json_and_text(fit):
    from allegiance.measure.ideal import ideal_command
    from allegiance.report.measure import render_ideal_text

    out = ideal_command(["S00", "s01"], first=2, last=5, result=fit)
    assert out["states"] == ["S00", "S01"] and out["from"] == 2 and out["to"] == 5
    assert out["count"] == len(out["rows"]) > 0
    assert set(out["rows"][0]) == {"state", "session", "ideal_point", "lo", "hi", "sd", "n_votes"}
    json.dumps(out)
    text = render_ideal_text(out)
    assert text.splitlines()[1].split() == ["state", "session", "ideal", "lo", "hi", "votes"]
    with pytest.raises(UsageError, match="first session 5 is after the last 2"):
        ideal_command(first=5, last=2, result=fit)
    with pytest.raises(VoteInputError, match="no ideal points"):
        ideal_command(["S00"], first=50, result=fit)
    with pytest.raises(VoteInputError, match="either votes"):
        ideal_command()


@pytest.mark.parametrize("ext", [".svg", ".html", ".png"])
def test_plot_writes_the_format_its_name_asks_for(fit, tmp_path, ext):
    from allegiance.report.charts import ideal_with_plot

    path = tmp_path / f"chart{ext}"
    out = ideal_with_plot(["S00", "S01"], result=fit, plot=path)
    assert out["plot"] == str(path)
    head = path.read_bytes()[:200]
    if ext == ".png":
        assert head.startswith(b"\x89PNG")
    elif ext == ".svg":
        assert b"<svg" in head
    else:
        assert b"<html" in head.lower() or b"<!doctype html" in head.lower()


def test_plot_refuses_an_unknown_format(fit, tmp_path):
    from allegiance.report.charts import ideal_with_plot

    with pytest.raises(UsageError, match="unknown chart format '.gif'"):
        ideal_with_plot(["S00"], result=fit, plot=tmp_path / "x.gif")


# --- the real data --------------------------------------------------------------------------------


def test_agrees_with_bailey_strezhnev_voeten_on_recent_sessions():
    if not (DATA / "unvotes" / "un_votes.csv.gz").is_file() or not (DATA / "idealpoints").is_dir():
        pytest.skip(f"UN votes and BSV ideal points not found under {DATA} (they live in ../shared/data)")
    from allegiance.measure.ideal.validate import compare_with_bsv, read_bsv, read_unvotes

    votes = read_unvotes(DATA, sessions=(66, 74))
    res = estimate_ideal_points(votes)
    assert res.info["converged"]
    cmp = compare_with_bsv(res.rows(), read_bsv(DATA))
    assert cmp["matched"] > 1500
    assert cmp["overall_r"] > 0.95, cmp
    assert cmp["per_session_min"] > 0.95, cmp["worst_sessions"]
    usa = [r["ideal_point"] for r in res.path("USA")]
    rus = [r["ideal_point"] for r in res.path("RUS")]
    assert min(usa) > max(rus)  # the orientation is BSV's: the United States at the positive end


def test_two_stage_keeps_the_cold_war_sessions_that_the_joint_mode_distorts():
    """docs/ideal-points.md: in 1975-78 the joint mode pushes the Soviet bloc out and squeezes the
    West towards the non-aligned states; estimated session by session, the Assembly keeps BSV's shape."""
    if not (DATA / "unvotes" / "un_votes.csv.gz").is_file() or not (DATA / "idealpoints").is_dir():
        pytest.skip(f"UN votes and BSV ideal points not found under {DATA} (they live in ../shared/data)")
    from allegiance.measure.ideal.validate import compare_with_bsv, read_bsv, read_unvotes

    votes = read_unvotes(DATA, sessions=(30, 33))
    bsv = read_bsv(DATA)
    two = compare_with_bsv(estimate_ideal_points(votes).rows(), bsv)
    joint = compare_with_bsv(estimate_ideal_points(votes, method="joint").rows(), bsv)
    assert two["per_session_min"] > 0.9, two["worst_sessions"]
    assert joint["per_session_min"] < 0.85, joint["worst_sessions"]
    assert two["overall_r"] > joint["overall_r"] + 0.05


def test_public_names_are_pinned():
    import allegiance.measure.ideal as ideal

    assert sorted(ideal.__all__) == ["IdealPoints", "estimate_ideal_points", "ideal_command", "ideal_path",
                                   "ideal_points_from_votes", "sweep_ideal_points"]


# --- the validation readers, on small files in the publishers' formats -----------------------------


def _write_unvotes(root: Path, votes: list[str], calls: list[str]) -> Path:
    import gzip

    d = root / "unvotes"
    d.mkdir(parents=True, exist_ok=True)
    with gzip.open(d / "un_votes.csv.gz", "wt") as f:
        f.write("rcid,country,country_code,vote\n" + "\n".join(votes) + "\n")
    with gzip.open(d / "un_roll_calls.csv.gz", "wt") as f:
        f.write("rcid,session,importantvote,date,unres,amend,para,short,descr\n" + "\n".join(calls) + "\n")
    return root


def test_read_unvotes_maps_codes_and_bridges(tmp_path):
    from allegiance.measure.ideal.validate import read_unvotes

    root = _write_unvotes(
        tmp_path,
        ["1,United States,US,yes", "1,Russia,RU,no", "1,Czechoslovakia,CS,abstain",
         "1,Federal Republic of Germany,,yes", "2,United States,US,no", "2,Yemen Arab Republic,,yes",
         "3,United States,US,yes", "3,Russia,RU,no"],
        ['1,30,0,1975-12-01,R/30/1,0,0,"X","Same  text"', '2,30,0,1975-12-02,R/30/2,0,0,"Y","Other"',
         '3,31,0,1976-12-01,R/31/1,0,0,"X","same text"'],
    )
    v = read_unvotes(root, bridge=True)
    got = sorted(zip(v["rcid"].tolist(), v["state"].tolist(), v["vote"].tolist(), v["session"].tolist()))
    assert got == [(1, "CSK", 2, 30), (1, "DEU", 1, 30), (1, "SUN", 3, 30), (1, "USA", 1, 30),
                   (2, "USA", 3, 30), (2, "YEM", 1, 30), (3, "SUN", 3, 31), (3, "USA", 1, 31)]
    items = {r: i for r, i in zip(v["rcid"].tolist(), v["item"].tolist())}
    assert items[1] == items[3] == "same text" and items[2] is None  # case and spacing ignored
    assert read_unvotes(root, sessions=(31, 31))["rcid"].tolist() == [3, 3]


@pytest.mark.parametrize(
    ("vote_line", "message"),
    [("1,United States,US,maybe", "unknown vote value"), ("1,Atlantis,QQ,yes", "'QQ'"),
     ("1,Nowhere,,yes", "no country_code")],
)
def test_read_unvotes_refuses_what_it_cannot_map(tmp_path, vote_line, message):
    from allegiance.measure.ideal.validate import read_unvotes

    root = _write_unvotes(tmp_path, [vote_line], ['1,1,0,1946-01-01,R/1/1,0,0,"X","d"'])
    with pytest.raises(VoteInputError, match=message):
        read_unvotes(root)
    with pytest.raises(VoteInputError, match="not found"):
        read_unvotes(tmp_path / "elsewhere")


def test_read_bsv_splits_the_yemens_and_compares(tmp_path):
    from allegiance.measure.ideal.validate import compare_with_bsv, read_bsv

    d = tmp_path / "idealpoints"
    d.mkdir()
    head = "Row,ccode,session,NVotes,IdealPoint,QO%,Q5%,Q10%,Q50%,Q90%,Q95%,Q100%,iso3c,Countryname\n"
    lines = []
    for k, (ccode, iso, name) in enumerate([(2, "USA", "United States"), (678, "YAR", "Yemen Arab Republic"),
                                            (680, "YAR", "Yemen People's Republic"), (437, "CIV", "Côte d’Ivoire")]):
        for s in range(1, 13):
            lines.append(f"{k},{ccode},{s},10,{k + 0.01 * s},0,{k - 1},0,0,0,{k + 1},0,{iso},{name}")
    (d / "IdealpointestimatesAll_Apr2020.csv").write_bytes((head + "\n".join(lines) + "\n").encode("cp1252"))
    bsv = read_bsv(tmp_path)
    assert bsv[("YEM", 3)]["ideal_point"] == pytest.approx(1.03) and bsv[("YMD", 3)]["ideal_point"] == pytest.approx(2.03)
    rows = [{"state": st, "session": s, "ideal_point": 2.0 * v["ideal_point"] + 1.0}
            for (st, s), v in bsv.items()] + [{"state": "XZN", "session": 1, "ideal_point": 0.0}]
    cmp = compare_with_bsv(rows, bsv, min_states=4)
    assert cmp["overall_r"] == pytest.approx(1.0) and cmp["slope"] == pytest.approx(2.0)
    assert cmp["matched"] == 48 and cmp["unmatched_ours"] == 1 and len(cmp["per_session"]) == 12


# One crosswalk: the validation reader names states as the importer does (measure/data/codes.py), so the
# series validated against BSV in docs/ideal-points.md is the one `allegiance ideal` estimates.

#: A vote for every alpha-2 code the crosswalk maps by date, on either side of each change, beside
#: ordinary, withdrawn and missing codes: (rcid, session, date, country, country_code).
_EVERY_KIND_OF_CODE = [
    (1, 40, "1985-11-01", "Russia", "RU"), (2, 49, "1995-11-01", "Russia", "RU"),
    (3, 57, "2002-12-01", "Yugoslavia", "YU"), (4, 58, "2004-11-01", "Yugoslavia", "YU"),
    (5, 61, "2006-11-01", "Yugoslavia", "YU"), (1, 40, "1985-11-01", "Czechoslovakia", "CS"),
    (1, 40, "1985-11-01", "German Democratic Republic", "DD"), (1, 40, "1985-11-01", "Yemen People's Republic", "YD"),
    (1, 40, "1985-11-01", "Federal Republic of Germany", ""), (1, 40, "1985-11-01", "Yemen Arab Republic", ""),
    (6, 18, "1964-01-15", "Zanzibar", ""), (2, 49, "1995-11-01", "Germany", "DE"), (2, 49, "1995-11-01", "Yemen", "YE"),
    (2, 49, "1995-11-01", "Vietnam", "VN"), (2, 49, "1995-11-01", "United States", "US"),
]


def _write_every_kind_of_code(root: Path) -> Path:
    calls = sorted({(r, s, d) for r, s, d, _n, _c in _EVERY_KIND_OF_CODE})
    return _write_unvotes(root, [f"{r},{n},{c},yes" for r, _s, _d, n, c in _EVERY_KIND_OF_CODE],
                          [f'{r},{s},0,{d},R/{s}/{r},0,0,"X","roll call {r}"' for r, s, d in calls])


def test_validation_reader_maps_the_ussr_and_yugoslavia_by_date_as_the_importer_does(tmp_path):
    from allegiance.measure.ideal.validate import read_unvotes

    v = read_unvotes(_write_every_kind_of_code(tmp_path))
    got = set(zip(v["rcid"].tolist(), v["state"].tolist()))
    assert (1, "SUN") in got and (2, "RUS") in got  # RU: the USSR in 1985, Russia in 1995
    assert (3, "YUG") in got and (4, "SCG") in got and (5, "SRB") in got  # YU: by date, as ISO coded them
    assert not {(1, "RUS"), (4, "YUG"), (5, "YUG")} & got


def test_validation_reader_maps_every_code_as_the_importer_does(tmp_path, data):
    from allegiance.measure.data.importer import import_dataset
    from allegiance.measure.ideal.validate import read_unvotes

    root = _write_every_kind_of_code(tmp_path)
    import_dataset(data, "un_roll_calls", root / "unvotes" / "un_roll_calls.csv.gz")
    import_dataset(data, "un_votes", root / "unvotes" / "un_votes.csv.gz")
    imported = sorted(data.con.execute("SELECT rcid, state, vote FROM votes_unvotes").fetchall())
    v = read_unvotes(root)
    assert sorted(zip(v["rcid"].tolist(), v["state"].tolist(), v["vote"].tolist())) == imported
    assert len(imported) == len(_EVERY_KIND_OF_CODE)


def test_bsv_reader_maps_cow_codes_by_session_through_the_same_crosswalk(tmp_path):
    from allegiance.measure.ideal.validate import read_bsv

    d = tmp_path / "idealpoints"
    d.mkdir()
    head = "Row,ccode,session,NVotes,IdealPoint,QO%,Q5%,Q10%,Q50%,Q90%,Q95%,Q100%,iso3c,Countryname\n"
    rows = [(365, 40, "RUS", "Russia"), (365, 46, "RUS", "Russia"), (365, 47, "RUS", "Russia"),
            (345, 57, "YUG", "Yugoslavia"), (345, 58, "YUG", "Yugoslavia"), (345, 61, "YUG", "Yugoslavia"),
            (260, 40, "DEU", "German Federal Republic"), (255, 49, "DEU", "Germany")]
    lines = [f"{k},{c},{s},10,0.5,0,0,0,0,0,1,0,{iso},{name}" for k, (c, s, iso, name) in enumerate(rows)]
    (d / "IdealpointestimatesAll_Apr2020.csv").write_bytes((head + "\n".join(lines) + "\n").encode("cp1252"))
    assert sorted(read_bsv(tmp_path)) == [("DEU", 40), ("DEU", 49), ("RUS", 47), ("SCG", 58), ("SRB", 61),
                                          ("SUN", 40), ("SUN", 46), ("YUG", 57)]


def test_a_session_before_the_first_is_refused_before_estimating(loaded):
    """Issue 12: `ideal --from -5` ran every session."""
    from allegiance.measure.data.votes import ideal_vote_table

    with pytest.raises(UsageError, match="sessions are numbered from 1") as err:
        ideal_vote_table(loaded, first=-5, last=2)
    assert err.value.field == "first"


def test_the_store_names_repeated_resolutions_for_the_link(data, tmp_path):
    """--link bridges: roll calls whose description recurs (case and spacing ignored) in another session share a key,
    by the one rule the validation reader also uses."""
    from allegiance.measure.data.importer import import_dataset
    from allegiance.measure.data.votes import ideal_vote_table

    calls = (FIX_MEASURE / "fx_un_roll_calls.csv").read_text().replace(
        "SIXTH,The sixth roll call", "SIXTH,the  SECOND roll call")
    (tmp_path / "calls.csv").write_text(calls)
    import_dataset(data, "un_roll_calls", tmp_path / "calls.csv")
    for kind in ("un_votes", "un_roll_call_issues"):
        import_dataset(data, kind, FIX_MEASURE / f"fx_{kind}.csv")
    table = ideal_vote_table(data, bridge=True)
    keyed = {int(r): k for r, k in zip(table["rcid"], table["item"])}
    assert keyed[2] == keyed[6] == "the second roll call"
    assert all(k is None for r, k in keyed.items() if r not in (2, 6))
    assert "item" not in ideal_vote_table(data)
    import_dataset(data, "unvotes_published", FIX_MEASURE / "published.csv")
    with pytest.raises(UsageError, match="have no roll-call descriptions") as err:
        ideal_vote_table(data, source="published", bridge=True)
    assert err.value.field == "source"
