"""Benchmark of the status layer (allegiance.status). Prints a Markdown report.

    .venv/bin/python benchmarks/bench_status.py           # for docs/performance.md (~1 min)
    .venv/bin/python benchmarks/bench_status.py --quick

Target (issue 5): the status of every state in the knowledge base for every year
1990-2025 (1 July of each year) under 5 s. Measured from a compiled store opened
afresh for each run, so each run includes loading the status index (kept beside
the compiled database since issue 11) and the arrangements for the veto
criteria ("cold"); "warm" repeats the sweep on a store whose index and rules are
already loaded. "Lazy index" is the cold sweep with the index a knowledge base of
more than 20,000 statements gets (status/index.py), to show what it costs when
every state is asked about.
"""

from __future__ import annotations

import statistics
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _common import machine, quick_flag, timed

from allegiance.facts.store import open_store
from allegiance.status import index as status_index
from allegiance.status import status, status_all

YEARS = range(1990, 2026)


def sweep(store) -> int:
    n = 0
    for y in YEARS:
        n += status_all(store, as_of=date(y, 7, 1))["count"]
    return n


def main() -> None:
    quick = quick_flag(__doc__)
    reps = 2 if quick else 5
    open_store().close()  # compile once, outside the timings

    def cold():
        with open_store() as store:
            return sweep(store)

    t_cold, n = timed(cold, reps)
    full_limit = status_index.FULL_INDEX_LIMIT
    status_index.FULL_INDEX_LIMIT = 0
    t_lazy, _ = timed(cold, reps)
    status_index.FULL_INDEX_LIMIT = full_limit
    store = open_store()
    sweep(store)
    t_warm, _ = timed(lambda: sweep(store), reps)
    t_one, _ = timed(lambda: status(store, "BLR", as_of=date(2020, 7, 1)), reps * 20)
    med = statistics.median
    print(f"## Status layer ({date.today().isoformat()})\n")
    print(f"Machine: {machine()}\n")
    print("| measure | target | median (min-max) |")
    print("|---|---|---|")
    print(f"| every state x every year 1990-2025 ({n} answers), cold | < 5 s | "
          f"{med(t_cold):.2f} s ({min(t_cold):.2f}-{max(t_cold):.2f}) |")
    print(f"| the same, cold, lazy index | - | {med(t_lazy):.2f} s ({min(t_lazy):.2f}-{max(t_lazy):.2f}) |")
    print(f"| the same, warm | - | {med(t_warm):.2f} s ({min(t_warm):.2f}-{max(t_warm):.2f}) |")
    print(f"| one full `status` (BLR, 2020-07-01, with evidence and assessments), warm | - | "
          f"{med(t_one) * 1000:.1f} ms |")
    print(f"\n{reps} runs each; per answer (warm): {med(t_warm) / n * 1000:.2f} ms.")


if __name__ == "__main__":
    main()
