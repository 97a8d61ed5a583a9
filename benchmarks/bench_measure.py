"""Benchmarks of the measure layer (issue 4). Writes nothing but a temporary store; prints a Markdown report.

    .venv/bin/python benchmarks/bench_measure.py            # all figures, for docs/performance.md
    .venv/bin/python benchmarks/bench_measure.py --quick    # fewer repetitions

Needs the real datasets in ../shared/data beside the checkout.

Targets: import of the publisher's 1,066,613-row file under 10 s; agreement,
kappa, pi and S for every dyad in every session under 2 s, and at least 20
times faster than a straightforward loop over dyads. Two loops are measured:
a pandas loop (a row lookup and ``value_counts`` per dyad), run on a
documented subset of sessions, whose time for all sessions is extrapolated
from its time per dyad and labelled as such; and the field's usual NumPy loop
(each dyad's measures from its two rows, no pandas per dyad), run on the same
subset and on every session. All side by side with the vectorised code in
one run.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _common import header, quick_flag, timed  # noqa: E402

from allegiance.measure.dyads import dyads_of  # noqa: E402
from allegiance.measure.data.importer import import_dataset  # noqa: E402
from allegiance.measure.data.store import open_data  # noqa: E402
from allegiance.measure.data.votes import load_votes  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
BASELINE_SESSIONS = (40, 70)  # one Cold War session and one recent one (~150 and ~190 states)




def pandas_dyad_loop(votes, sessions) -> tuple[dict, int]:
    """The straightforward way: per session a state × roll-call DataFrame, then a Python loop over dyads."""
    import pandas as pd

    out, dyads = {}, 0
    for period, cols in votes.periods("session"):
        if period not in sessions:
            continue
        frame = pd.DataFrame(votes.matrix[:, cols], index=votes.states).replace(0, np.nan)
        frame = frame[frame.notna().any(axis=1)]
        names = list(frame.index)
        res = {}
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                pair = frame.loc[[a, b]].T.dropna()
                n = len(pair)
                if n == 0:
                    continue
                x, y = pair[a], pair[b]
                agree = (x == y).mean()
                dist = (x - y).abs()
                s = 1 - 2 * dist.sum() / (n * 2)
                px = x.value_counts(normalize=True)
                py = y.value_counts(normalize=True)
                e_k = sum(px.get(u, 0) * py.get(v, 0) * abs(u - v) for u in (1, 2, 3) for v in (1, 2, 3))
                q = {u: (px.get(u, 0) + py.get(u, 0)) / 2 for u in (1, 2, 3)}
                e_p = sum(q[u] * q[v] * abs(u - v) for u in (1, 2, 3) for v in (1, 2, 3))
                kappa = 1 - dist.mean() / e_k if e_k > 0 else np.nan
                pi = 1 - dist.mean() / e_p if e_p > 0 else np.nan
                res[(a, b)] = (agree, s, kappa, pi)
                dyads += 1
        out[period] = res
    return out, dyads


_DIST = np.abs(np.subtract.outer(np.arange(1, 4), np.arange(1, 4))).astype(float)  # |u - v| for votes 1..3


def numpy_dyad_loop(votes, sessions=None) -> tuple[dict, int]:
    """The field's usual code: per session a NumPy state × roll-call array, a Python loop over dyads, and each
    dyad's measures from its two rows with NumPy (what a researcher writes first, without a pandas row lookup)."""
    out, dyads = {}, 0
    for period, cols in votes.periods("session"):
        if sessions is not None and period not in sessions:
            continue
        m = votes.matrix[:, cols]
        m = m[(m > 0).any(axis=1)]
        names = [votes.states[i] for i in np.flatnonzero((votes.matrix[:, cols] > 0).any(axis=1))]
        res = {}
        for i in range(len(names)):
            x_all = m[i]
            for j in range(i + 1, len(names)):
                y_all = m[j]
                both = (x_all > 0) & (y_all > 0)
                n = int(both.sum())
                if n == 0:
                    continue
                x, y = x_all[both], y_all[both]
                agree = float((x == y).mean())
                d = float(np.abs(x.astype(np.int64) - y).mean())
                s = 1 - d
                px = np.bincount(x, minlength=4)[1:] / n
                py = np.bincount(y, minlength=4)[1:] / n
                e_k = float(px @ _DIST @ py)
                q = (px + py) / 2
                e_p = float(q @ _DIST @ q)
                kappa = 1 - d / e_k if e_k > 0 else np.nan
                pi = 1 - d / e_p if e_p > 0 else np.nan
                res[(names[i], names[j])] = (agree, s, kappa, pi)
                dyads += 1
        out[period] = res
    return out, dyads


def _largest_difference(base_out: dict, vec_out) -> float:
    worst = 0.0
    for p in vec_out:
        if p.period not in base_out:
            continue
        idx = {s: i for i, s in enumerate(p.states)}
        for (a, b), vals in base_out[p.period].items():
            for key, v in zip(("agree", "s", "kappa", "pi"), vals):
                w = p.values[key][idx[a], idx[b]]
                if not (np.isnan(v) and np.isnan(w)):
                    worst = max(worst, abs(v - w))
    return worst


def main() -> None:
    quick = quick_flag(__doc__)
    published = DATA / "unvotes" / "UNVotesPublished.csv.gz"
    if not published.is_file():
        sys.exit(f"the real datasets are needed: {published} not found")
    reps = 1 if quick else 3
    print(header("Measure layer benchmark"))
    with tempfile.TemporaryDirectory() as tmpname:
        tmp = Path(tmpname)
        runs = []
        for i in range(reps):
            with open_data(tmp / f"import-{i}.duckdb", read_only=False) as d:
                t = time.perf_counter()
                r = import_dataset(d, "unvotes_published", published)
                runs.append(time.perf_counter() - t)
        print(f"- import of UNVotesPublished.csv.gz ({r['dataset']['rows']:,} rows: read, check every row, "
              f"type, derive the vote tables, record): median {statistics.median(runs):.2f} s over {reps} "
              f"fresh stores (all: {', '.join(f'{x:.2f}' for x in runs)}); target < 10 s")
        rdata = DATA / "unvotes" / "UNVotesPublished.RData"
        if rdata.is_file():
            with open_data(tmp / "rdata.duckdb", read_only=False) as d:
                t = time.perf_counter()
                import_dataset(d, "unvotes_published", rdata)
                print(f"- the same from UNVotesPublished.RData (pyreadr): {time.perf_counter() - t:.2f} s, 1 run")
        with open_data(tmp / "import-0.duckdb") as d:
            load_runs, votes = timed(lambda: load_votes(d, source="published"), 5)
        print(f"- load every vote of the source into a matrix ({votes.matrix.shape[0]} states × "
              f"{votes.matrix.shape[1]:,} roll calls): median {statistics.median(load_runs) * 1000:.0f} ms, 5 runs")
        n_reps = 3 if quick else 7
        comp_runs, dy = timed(lambda: dyads_of(votes, by="session"), n_reps)
        total_dyads = sum(len(p.states) * (len(p.states) - 1) // 2 for p in dy)
        print(f"- agreement, S, kappa and pi for every dyad in every session ({len(dy)} sessions, "
              f"{total_dyads:,} dyad-sessions): median {statistics.median(comp_runs) * 1000:.0f} ms over "
              f"{n_reps} runs; with the load: {(statistics.median(comp_runs) + statistics.median(load_runs)):.2f} s; "
              f"target < 2 s")

        # side by side on the same sessions
        sub = [p for p in dy if p.period in BASELINE_SESSIONS]
        sub_dyads = sum(len(p.states) * (len(p.states) - 1) // 2 for p in sub)
        # the vectorised code on just those sessions
        from allegiance.measure.data.votes import Votes

        keep = np.isin(votes.sessions, BASELINE_SESSIONS)
        subset = Votes(votes.source, votes.states, votes.rcids[keep], votes.sessions[keep], votes.years[keep],
                       [x for x, k in zip(votes.dates, keep) if k], votes.matrix[:, keep])
        vec_sub, vec_out = timed(lambda: dyads_of(subset, by="session"), n_reps)
        # one run: the loop takes minutes, and its time varies little next to the gap it measures
        base_runs, (base_out, base_dyads) = timed(lambda: pandas_dyad_loop(votes, BASELINE_SESSIONS), 1)
        assert base_dyads == sub_dyads, (base_dyads, sub_dyads)
        worst = _largest_difference(base_out, vec_out)
        b_med, v_med = statistics.median(base_runs), statistics.median(vec_sub)
        per_dyad = b_med / base_dyads
        print(f"- side by side on sessions {', '.join(map(str, BASELINE_SESSIONS))} ({sub_dyads:,} dyads): pandas "
              f"dyad loop median {b_med:.1f} s ({len(base_runs)} runs, {per_dyad * 1e3:.2f} ms a dyad); vectorised "
              f"median {v_med * 1000:.1f} ms ({n_reps} runs); ratio {b_med / v_med:,.0f}×; largest difference "
              f"between the two results {worst:.1e}; target ≥ 20×")
        est = per_dyad * total_dyads
        print(f"- the pandas loop over all {len(dy)} sessions, EXTRAPOLATED from its time a dyad (not run): "
              f"~{est / 60:.0f} min against {statistics.median(comp_runs):.2f} s measured for the vectorised code "
              f"(~{est / statistics.median(comp_runs):,.0f}×)")
        # the honest baseline: the straightforward NumPy loop, same sessions and then all of them, measured
        np_runs, (np_out, np_dyads) = timed(lambda: numpy_dyad_loop(votes, BASELINE_SESSIONS), 3)
        assert np_dyads == sub_dyads, (np_dyads, sub_dyads)
        n_med = statistics.median(np_runs)
        print(f"- side by side on sessions {', '.join(map(str, BASELINE_SESSIONS))} ({sub_dyads:,} dyads): NumPy "
              f"dyad loop median {n_med:.2f} s (3 runs: {', '.join(f'{x:.2f}' for x in np_runs)}; "
              f"{n_med / np_dyads * 1e6:.0f} µs a dyad); vectorised median {v_med * 1000:.1f} ms; "
              f"ratio {n_med / v_med:,.0f}×; largest difference {_largest_difference(np_out, vec_out):.1e}")
        all_runs, (all_out, all_dyads) = timed(lambda: numpy_dyad_loop(votes), 1)
        assert all_dyads <= total_dyads, (all_dyads, total_dyads)  # the loop skips dyads with no common vote
        c_med = statistics.median(comp_runs)
        print(f"- every session ({len(dy)} sessions, {total_dyads:,} dyad-sessions, {all_dyads:,} of them with a "
              f"common vote, which the loop computes), MEASURED: NumPy dyad loop "
              f"{all_runs[0]:.1f} s (1 run); vectorised median {c_med * 1000:.0f} ms ({n_reps} runs); ratio "
              f"{all_runs[0] / c_med:,.0f}×; largest difference {_largest_difference(all_out, dy):.1e}")


if __name__ == "__main__":
    main()
