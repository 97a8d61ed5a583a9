"""Benchmark of the dynamic ideal-point estimator on the real UN votes, with validation against BSV.

    .venv/bin/python benchmarks/bench_ideal.py                  # sessions 1-74 on the CPU, both estimators (target < 120 s)
    .venv/bin/python benchmarks/bench_ideal.py --method two-stage   # one of them
    .venv/bin/python benchmarks/bench_ideal.py --sessions 60-74 # a range
    .venv/bin/python benchmarks/bench_ideal.py --device cuda    # the PyTorch path, where a GPU and torch exist
    .venv/bin/python benchmarks/bench_ideal.py --bridge         # link identical resolutions across sessions

Reads ../shared/data (the unvotes files and the published Bailey-Strezhnev-
Voeten estimates); writes nothing; prints a Markdown report for
docs/performance.md and docs/ideal-points.md (``--json FILE`` also writes
every figure, per-session correlations included).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from allegiance.measure.ideal import estimate_ideal_points  # noqa: E402
from allegiance.measure.ideal.validate import compare_with_bsv, read_bsv, read_unvotes  # noqa: E402
from _common import machine  # noqa: E402

DATA = ROOT.parent / "shared" / "data"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sessions", default="1-74", help="first-last session (default 1-74)")
    ap.add_argument("--device", default="cpu", help="cpu (NumPy) or a torch device such as cuda")
    ap.add_argument("--method", choices=["both", "two-stage", "joint"], default="both",
                    help="which estimator(s); both (the default) runs them side by side")
    ap.add_argument("--bridge", action="store_true", help="share parameters of identical resolutions (joint only)")
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--json", type=Path, help="also write all figures to this JSON file")
    args = ap.parse_args()
    first, last = (int(x) for x in args.sessions.split("-"))
    methods = ["two-stage", "joint"] if args.method == "both" else [args.method]
    if args.bridge:
        methods = ["joint"]

    load0 = os.getloadavg()
    t0 = time.perf_counter()
    votes = read_unvotes(args.data, sessions=(first, last), bridge=args.bridge)
    t_read = time.perf_counter() - t0
    bsv = read_bsv(args.data)

    runs = {}
    for method in methods:
        trace: list[tuple[int, float]] = []
        t1 = time.perf_counter()
        res = estimate_ideal_points(votes, device=args.device, method=method,
                                    callback=lambda it, change, lp, trace=trace: trace.append((it, change)))
        t_fit = time.perf_counter() - t1
        runs[method] = (res, t_fit, compare_with_bsv(res.rows(), bsv), trace)
    load1 = os.getloadavg()

    res0 = runs[methods[0]][0]
    info0 = res0.summary()
    print("# Ideal-point benchmark\n")
    print(f"Machine: {machine()}")
    print(f"Date: {date.today().isoformat()}; load average at start {load0[0]:.2f}, at end {load1[0]:.2f} "
          f"(1-minute; other jobs share the machine)")
    print(f"Device: {info0['device']}\n")
    print(f"- data: sessions {first}-{last}, {info0['n_votes']:,} votes, {info0['n_roll_calls']:,} roll calls"
          f"{' (bridged items)' if args.bridge else ''}, {info0['n_states']} states, {len(res0):,} state-sessions")
    print(f"- read with DuckDB: {t_read:.1f} s")
    print(f"- model: evolution variance {info0['evolution_variance']} ({info0['walk']} walk), "
          f"discrimination prior variance {info0['discrimination_prior_variance']}, "
          f"uncertainty {info0['uncertainty']}; {info0['criterion']}\n")
    print("| method | estimate (wall) | ECM steps | converged | r overall | per session min / median / max "
          "| sessions below 0.9 | worst sessions |")
    print("|---|---|---|---|---|---|---|---|")
    for method, (res, t_fit, cmp, _trace) in runs.items():
        info = res.summary()
        worst = ", ".join(f"{w['session']} ({w['r']:.3f})" for w in cmp["worst_sessions"])
        below = cmp["sessions_below_0_9"]
        print(f"| {method} | {t_fit:.1f} s | {info['iterations']} | {info['converged']} | {cmp['overall_r']:.3f} "
              f"| {cmp['per_session_min']:.3f} / {cmp['per_session_median']:.3f} / {cmp['per_session_max']:.3f} "
              f"| {', '.join(map(str, below)) if below else 'none'} | {worst} |")
    cmp0 = runs[methods[0]][2]
    print(f"\nAgainst BSV: {cmp0['matched']:,} state-sessions matched ({cmp0['unmatched_ours']} of ours have no BSV row).")
    if len(runs) == 2:
        (_, ta, ca, _), (_, tb, cb, _) = runs.values()
        print(f"{methods[0]} / {methods[1]}: time ratio {ta / tb:.2f}, r {ca['overall_r']:.3f} vs {cb['overall_r']:.3f}.")
    if args.json:
        args.json.write_text(json.dumps({
            "machine": machine(), "date": date.today().isoformat(), "load": [load0, load1],
            "sessions": [first, last], "read_s": t_read,
            "runs": {m: {"fit_s": t, "model": r.summary() | {"log_posterior_trace": None}, "trace": tr,
                         "validation": c, "rows": r.rows()} for m, (r, t, c, tr) in runs.items()},
        }, indent=1))


if __name__ == "__main__":
    main()
