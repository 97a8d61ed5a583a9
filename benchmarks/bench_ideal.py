"""Benchmark of the dynamic ideal-point estimator on the real UN votes, with validation against BSV.

    .venv/bin/python benchmarks/bench_ideal.py                  # sessions 1-74 on the CPU (target < 120 s)
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
from allegiance.measure.ideal_validate import compare_with_bsv, read_bsv, read_unvotes  # noqa: E402
from _common import machine  # noqa: E402

DATA = ROOT.parent / "shared" / "data"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sessions", default="1-74", help="first-last session (default 1-74)")
    ap.add_argument("--device", default="cpu", help="cpu (NumPy) or a torch device such as cuda")
    ap.add_argument("--bridge", action="store_true", help="share parameters of identical resolutions")
    ap.add_argument("--data", type=Path, default=DATA)
    ap.add_argument("--json", type=Path, help="also write all figures to this JSON file")
    args = ap.parse_args()
    first, last = (int(x) for x in args.sessions.split("-"))

    load0 = os.getloadavg()
    t0 = time.perf_counter()
    votes = read_unvotes(args.data, sessions=(first, last), bridge=args.bridge)
    t_read = time.perf_counter() - t0

    trace: list[tuple[int, float]] = []
    t1 = time.perf_counter()
    res = estimate_ideal_points(votes, device=args.device,
                                callback=lambda it, change, lp: trace.append((it, change)))
    t_fit = time.perf_counter() - t1
    load1 = os.getloadavg()

    cmp = compare_with_bsv(res.rows(), read_bsv(args.data))
    info = res.summary()
    worst = ", ".join(f"{w['session']} ({w['r']:.3f})" for w in cmp["worst_sessions"])
    below = cmp["sessions_below_0_9"]
    print("# Ideal-point benchmark\n")
    print(f"Machine: {machine()}")
    print(f"Date: {date.today().isoformat()}; load average at start {load0[0]:.2f}, at end {load1[0]:.2f} "
          f"(1-minute; other jobs share the machine)")
    print(f"Device: {info['device']}\n")
    print(f"- data: sessions {first}-{last}, {info['n_votes']:,} votes, {info['n_roll_calls']:,} roll calls"
          f"{' (bridged items)' if args.bridge else ''}, {info['n_states']} states, {len(res):,} state-sessions")
    print(f"- read with DuckDB: {t_read:.1f} s")
    print(f"- estimate: {t_fit:.1f} s wall, {info['iterations']} ECM iterations (SQUAREM), "
          f"converged: {info['converged']} ({info['criterion']})")
    print(f"- model: evolution variance {info['evolution_variance']} ({info['walk']} walk), "
          f"discrimination prior variance {info['discrimination_prior_variance']}, "
          f"uncertainty {info['uncertainty']}")
    print(f"- against BSV: {cmp['matched']:,} state-sessions matched ({cmp['unmatched_ours']} of ours have no BSV row)")
    print(f"- Pearson r overall: {cmp['overall_r']:.3f}")
    print(f"- per session ({len(cmp['per_session'])} sessions): min {cmp['per_session_min']:.3f}, "
          f"median {cmp['per_session_median']:.3f}, max {cmp['per_session_max']:.3f}")
    print(f"- worst sessions: {worst}")
    print(f"- sessions below 0.9: {', '.join(map(str, below)) if below else 'none'}")
    if args.json:
        args.json.write_text(json.dumps({
            "machine": machine(), "date": date.today().isoformat(), "load": [load0, load1],
            "sessions": [first, last], "read_s": t_read, "fit_s": t_fit, "model": info | {"log_posterior_trace": None},
            "trace": trace, "validation": cmp, "rows": res.rows(),
        }, indent=1))


if __name__ == "__main__":
    main()
