"""Ideal points at scale (issue 15): the link across sessions against Bailey-Strezhnev-Voeten, and the
bootstrap's refits serially, on a pool of two workers and on a Dask cluster of two workers, side by side in
one run.

    .venv/bin/python benchmarks/bench_ideal_scale.py                     # both parts
    .venv/bin/python benchmarks/bench_ideal_scale.py --part link         # the link only (about 2 minutes)
    .venv/bin/python benchmarks/bench_ideal_scale.py --part bootstrap    # the bootstrap figure (below)
    .venv/bin/python benchmarks/bench_ideal_scale.py --part bootstrap --replicates 20 --sessions 73-74  # a smoke run

Reads ../shared/data (the unvotes files and the published BSV estimates); writes nothing; prints a
Markdown report for docs/performance.md and docs/ideal-points.md.

The link: the two-stage estimate of sessions 1-74 with ``link`` none, states and bridges; per link the
overall and per-session correlations with BSV, and the drift of the yearly mean -- ours and BSV's, both
standardised over all state-sessions (mean 0, SD 1) so that the two are in one unit.

The bootstrap: ``--replicates`` (200) parametric-bootstrap refits of the two-stage estimate of
``--sessions`` (70-74), serially, through a local process pool of two workers (its start-up inside the
timing) and through a Dask ``LocalCluster`` on 127.0.0.1 with two worker processes of one thread each
(started before the timing; connecting and sending the shared data inside it; left out where Dask is not
installed: ``pip install -e '.[cluster]'``), checked bit for bit against each other. ``--rounds N`` runs the
three N times in alternating order and reports the median ratio. Each row gives the wall time, the CPU
seconds of every process involved and the load average, because on a shared machine the wall time says more
about the other jobs than about the executor: with the kernel's autogroup on (most desktop and server
distributions), CPU time is shared fairly between sessions, so two workers in one session get no more of a
busy machine than one process does. Target: pool and cluster time at most 0.6 x serial, on a machine with
two free cores.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from allegiance.measure.ideal import estimate_ideal_points  # noqa: E402
from allegiance.measure.ideal.executor import get_executor  # noqa: E402
from allegiance.measure.ideal.validate import compare_with_bsv, read_bsv, read_unvotes  # noqa: E402
from _common import machine  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
SHOW = (1, 5, 10, 15, 20, 30, 40, 50, 60, 70, 74)


def _means(pairs: list[tuple[int, float]]) -> dict[int, float]:
    """Each session's mean of values standardised over all of them (mean 0, SD 1)."""
    s = np.array([p[0] for p in pairs])
    v = np.array([p[1] for p in pairs])
    v = (v - v.mean()) / v.std()
    return {int(k): float(v[s == k].mean()) for k in np.unique(s)}


def link_part(votes: dict, bsv: dict) -> None:
    plain = {k: votes[k] for k in ("session", "rcid", "state", "vote")}
    theirs = _means([(k[1], b["ideal_point"]) for k, b in bsv.items()])
    print("| link | estimate (wall) | bridges (state pairs / resolutions) | r overall | per session min / median "
          "| r of the yearly means with BSV's | mean, session 1 → 74 (BSV: "
          f"{theirs[1]:+.2f} → {theirs[74]:+.2f}) |")
    print("|---|---|---|---|---|---|---|")
    series = {}
    for link in ("none", "states", "bridges"):
        t0 = time.perf_counter()
        res = estimate_ideal_points(votes if link == "bridges" else plain, link=link)
        wall = time.perf_counter() - t0
        rows = res.rows()
        cmp = compare_with_bsv(rows, bsv)
        ours = _means([(r["session"], r["ideal_point"]) for r in rows])
        common = sorted(set(ours) & set(theirs))
        r_means = float(np.corrcoef([ours[k] for k in common], [theirs[k] for k in common])[0, 1])
        info = res.summary()["link"]
        series[link] = ours
        print(f"| {link} | {wall:.1f} s | {info['state_pairs']:,} / {info['bridge_items']:,} | {cmp['overall_r']:.3f} "
              f"| {cmp['per_session_min']:.3f} / {cmp['per_session_median']:.3f} | {r_means:.2f} "
              f"| {ours[1]:+.2f} → {ours[74]:+.2f} |")
    print("\nYearly mean (standardised over all state-sessions), selected sessions:\n")
    print("| session | " + " | ".join(str(k) for k in SHOW) + " |")
    print("|---|" + "---|" * len(SHOW))
    print("| BSV | " + " | ".join(f"{theirs.get(k, float('nan')):+.2f}" for k in SHOW) + " |")
    for link, ours in series.items():
        print(f"| {link} | " + " | ".join(f"{ours.get(k, float('nan')):+.2f}" for k in SHOW) + " |")


def _cpu() -> float:
    """CPU seconds of this process, of its children that have ended (a pool's workers) and of those still running
    (a local cluster's workers; psutil comes with Dask)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    total = me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime
    try:
        import psutil
    except ImportError:
        return total
    for child in psutil.Process().children(recursive=True):
        try:
            t = child.cpu_times()
            total += t.user + t.system
        except psutil.Error:  # it ended in between: counted with the children above once reaped
            pass
    return total


def _autogroup() -> str:
    try:
        on = Path("/proc/sys/kernel/sched_autogroup_enabled").read_text().strip() == "1"
    except OSError:
        return "unknown"
    return "on" if on else "off"


def _run(label: str, sub: dict, replicates: int, *, workers: int | None = None, cluster: bool = False) -> dict:
    """One timed bootstrap: serial, on a pool of ``workers`` (its start-up inside the timing) or on a Dask
    LocalCluster started for this run (its start-up outside the timing, its workers' CPU inside)."""
    local, started = None, 0.0
    if cluster:
        import logging

        from distributed import LocalCluster

        t0 = time.perf_counter()
        # a scheduler and two worker processes (one thread each) on the loopback interface only
        local = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", scheduler_port=0,
                             dashboard_address=None, silence_logs=logging.ERROR)
        started = time.perf_counter() - t0
    try:
        ex = get_executor(scheduler=local.scheduler_address) if local is not None else get_executor(workers=workers)
        load, c0, t0 = os.getloadavg()[0], _cpu(), time.perf_counter()
        with ex:
            res = estimate_ideal_points(sub, uncertainty="bootstrap", n_boot=replicates, seed=1, executor=ex)
        wall, cpu = time.perf_counter() - t0, _cpu() - c0
    finally:
        if local is not None:
            local.close()
    return {"label": label, "wall": wall, "cpu": cpu, "load": load, "load_end": os.getloadavg()[0], "sd": res.sd,
            "started": started}


def bootstrap_part(votes: dict, replicates: int, first: int, last: int, rounds: int) -> None:
    keep = (votes["session"] >= first) & (votes["session"] <= last)
    sub = {k: votes[k][keep] for k in ("session", "rcid", "state", "vote")}
    print(f"- data: sessions {first}-{last}, {int(keep.sum()):,} votes; {replicates} parametric-bootstrap refits "
          f"of the two-stage estimate (each: {last - first + 1} session fits and the smoother)")
    print(f"- the kernel's autogroup (CPU shared fairly between sessions, not processes): {_autogroup()}; the "
          "pool's and the cluster's workers run in this benchmark's session")
    runs: list[tuple[str, dict]] = [("serial", {}), ("pool, 2 workers", {"workers": 2})]
    try:
        import distributed  # noqa: F401

        runs.append(("dask, 2 workers", {"cluster": True}))
        print("- Dask: a LocalCluster on 127.0.0.1 (a scheduler and 2 worker processes, 1 thread each), started "
              "for its run, outside the timing; the timing includes connecting to it and sending the shared data")
    except ImportError:
        print("- Dask: not installed (pip install -e '.[cluster]'); its row is left out")
    print()
    results: dict[str, list[dict]] = {label: [] for label, _ in runs}
    for r in range(rounds):
        for label, how in (runs if r % 2 == 0 else runs[::-1]):  # alternate, so a drift in the load hits each alike
            results[label].append(_run(label, sub, replicates, **how))
    base = results["serial"]
    print("| executor | round | wall | CPU (all its processes) | load average (1 min) start → end | wall / serial |")
    print("|---|---|---|---|---|---|")
    for label, rs in results.items():
        for r, x in enumerate(rs):
            print(f"| {label} | {r + 1} | {x['wall']:.1f} s | {x['cpu']:.1f} s "
                  f"| {x['load']:.2f} → {x['load_end']:.2f} | {x['wall'] / base[r]['wall']:.2f} |")
    same = all(x["sd"].tobytes() == base[0]["sd"].tobytes() for rs in results.values() for x in rs)
    print()
    for label, rs in results.items():
        if label != "serial":
            ratio = statistics.median(x["wall"] / b["wall"] for x, b in zip(rs, base))
            print(f"- **{label} / serial: {ratio:.2f}** (median over {rounds} round{'s' * (rounds > 1)}; "
                  "target ≤ 0.60)")
    if "dask, 2 workers" in results:
        started = statistics.median(x["started"] for x in results["dask, 2 workers"])
        print(f"- the LocalCluster started in {started:.1f} s (not in the timing)")
    print(f"- bands identical bit for bit across every run and executor: {same}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--part", choices=["both", "link", "bootstrap"], default="both")
    ap.add_argument("--replicates", type=int, default=200)
    ap.add_argument("--sessions", default="70-74", help="first-last session of the bootstrap part")
    ap.add_argument("--rounds", type=int, default=1, help="bootstrap part: run every executor this many times, "
                    "in alternating order")
    ap.add_argument("--data", type=Path, default=DATA)
    args = ap.parse_args()
    print("# Ideal points at scale\n")
    print(f"Machine: {machine()}")
    print(f"Date: {date.today().isoformat()}; load average at start {os.getloadavg()[0]:.2f} (1-minute; other "
          f"engineers' jobs share the machine)\n")
    votes = read_unvotes(args.data, bridge=True)
    if args.part in ("both", "link"):
        print("## The link across sessions, sessions 1-74, against BSV\n")
        link_part(votes, read_bsv(args.data))
        print()
    if args.part in ("both", "bootstrap"):
        print("## Bootstrap refits: serial, a pool of two workers, a Dask cluster of two workers\n")
        first, last = (int(x) for x in args.sessions.split("-"))
        bootstrap_part(votes, args.replicates, first, last, args.rounds)
    print(f"\nLoad average at end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
