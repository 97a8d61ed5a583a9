"""Ideal points at scale (issue 15): the link across sessions against Bailey-Strezhnev-Voeten, and the
bootstrap's refits serially and on a pool of two workers, side by side in one run.

    .venv/bin/python benchmarks/bench_ideal_scale.py                     # both parts
    .venv/bin/python benchmarks/bench_ideal_scale.py --part link         # the link only (about 2 minutes)
    .venv/bin/python benchmarks/bench_ideal_scale.py --part bootstrap --replicates 200 --sessions 70-74

Reads ../shared/data (the unvotes files and the published BSV estimates); writes nothing; prints a
Markdown report for docs/performance.md and docs/ideal-points.md.

The link: the two-stage estimate of sessions 1-74 with ``link`` none, states and bridges; per link the
overall and per-session correlations with BSV, and the drift of the yearly mean -- ours and BSV's, both
standardised over all state-sessions (mean 0, SD 1) so that the two are in one unit.

The bootstrap: ``--replicates`` parametric-bootstrap refits of the two-stage estimate of ``--sessions``,
serially and through a local process pool of two workers (the pool's start-up inside the timing),
checked bit for bit against each other. Target: pool time at most 0.6 x serial.
"""

from __future__ import annotations

import argparse
import os
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


def bootstrap_part(votes: dict, replicates: int, first: int, last: int) -> None:
    keep = (votes["session"] >= first) & (votes["session"] <= last)
    sub = {k: votes[k][keep] for k in ("session", "rcid", "state", "vote")}
    print(f"- data: sessions {first}-{last}, {int(keep.sum()):,} votes; {replicates} parametric-bootstrap refits "
          f"of the two-stage estimate (each: {last - first + 1} session fits and the smoother)")
    out = {}
    for label, workers in (("serial", None), ("pool, 2 workers", 2)):
        ex = get_executor(workers=workers)
        load = os.getloadavg()[0]
        t0 = time.perf_counter()
        res = estimate_ideal_points(sub, uncertainty="bootstrap", n_boot=replicates, seed=1, executor=ex)
        out[label] = (time.perf_counter() - t0, res, load)
    (ts, rs, ls), (tp, rp, lp) = out["serial"], out["pool, 2 workers"]
    same = rs.sd.tobytes() == rp.sd.tobytes()
    print(f"- serial: {ts:.1f} s (load average {ls:.2f} at its start)")
    print(f"- local process pool, 2 workers: {tp:.1f} s (load average {lp:.2f} at its start; the pool's start-up "
          f"included)")
    print(f"- **ratio pool / serial: {tp / ts:.2f}** (target ≤ 0.60); bands identical bit for bit: {same}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--part", choices=["both", "link", "bootstrap"], default="both")
    ap.add_argument("--replicates", type=int, default=200)
    ap.add_argument("--sessions", default="70-74", help="first-last session of the bootstrap part")
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
        print("## Bootstrap refits: serial vs a pool of two workers\n")
        first, last = (int(x) for x in args.sessions.split("-"))
        bootstrap_part(votes, args.replicates, first, last)
    print(f"\nLoad average at end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
