"""Benchmark of the posture panel (issue 15). Prints a Markdown report.

    taskset -c 0 .venv/bin/python benchmarks/bench_panel.py           # for docs/performance.md (~1 min)
    taskset -c 0 .venv/bin/python benchmarks/bench_panel.py --quick

Target: every state x every day 1946 to the knowledge base's horizon, computed by change dates, under 5 s
on one core; the state-year panel written in under 10 s. The states are the COW state list's (from
../shared/data/peacesciencer, imported into a temporary data store with ATOP) where those files are
present, else the knowledge base's. "Cold" opens the compiled store afresh (loading the status index and
the arrangements); "warm" reuses it. "Day by day" is the same answers evaluated once per state and day,
timed on a random sample of state-days and scaled to all of them: what the change dates save. The state-day
panel is also written once in each format but CSV (wall and CPU time; the Stata file is about 0.5 GB, in a
temporary directory, removed after).
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _common import machine, quick_flag, timed

from allegiance.facts.store import open_store
from allegiance.measure.data.importer import import_dataset
from allegiance.measure.data.store import open_data
from allegiance.panel import PANEL_START, build_panel
from allegiance.panel.build import member_spells
from allegiance.panel.system import members
from allegiance.panel.write import write_panel
from allegiance.status import CRITERIA
from allegiance.status.index import index_of
from allegiance.status.spells import criterion_on, evaluator

SHARED = ROOT.parent / "shared" / "data" / "peacesciencer"


def spells_of_all(store, data) -> tuple[int, int, int]:
    """Every state's spells over its days in the system: (stretches, state-days, evaluations)."""
    ix = index_of(store)
    stretches, _ = members(ix, data, start=PANEL_START, end=ix.horizon)
    ev = evaluator(store)
    days = 0
    for m, _sp in member_spells(store, stretches, ev):
        days += (m.end - m.start).days + 1
    return len(stretches), days, ev.evaluations


def main() -> None:
    quick = quick_flag(__doc__)
    reps = 2 if quick else 5
    open_store().close()  # compile once, outside the timings
    tmp = Path(tempfile.mkdtemp(prefix="bench-panel-"))
    data = None
    if (SHARED / "cow_states.csv").is_file():
        data = open_data(tmp / "data.duckdb", read_only=False)
        import_dataset(data, "cow_states", SHARED / "cow_states.csv")
        import_dataset(data, "atop_alliance", SHARED / "atop_alliance.csv.gz")

    def cold():
        with open_store() as store:
            return spells_of_all(store, data)

    t_cold, (n_stretch, n_days, n_eval) = timed(cold, reps)
    store = open_store()
    spells_of_all(store, data)
    t_warm, _ = timed(lambda: spells_of_all(store, data), reps)
    cpu = []  # CPU seconds of this process: the one-core cost, whatever else the machine is running
    for _ in range(reps):
        c = time.process_time()
        spells_of_all(store, data)
        cpu.append(time.process_time() - c)

    # day by day, on a sample of state-days, scaled
    ix = index_of(store)
    stretches, sysinfo = members(ix, data, start=PANEL_START, end=ix.horizon)
    rng = random.Random(15)
    sample = []
    for _ in range(200 if quick else 1000):
        m = rng.choice(stretches)
        sample.append((m.iso3 or f"COW{m.ccode}", m.start + timedelta(days=rng.randrange((m.end - m.start).days + 1))))
    t = time.perf_counter()
    for st, d in sample:
        for cid in CRITERIA:
            criterion_on(store, st, cid, d)
    per_day = (time.perf_counter() - t) / len(sample)

    t_year, p_year = timed(lambda: build_panel(store, data, unit="state-year"), reps)
    t_day, p_day = timed(lambda: build_panel(store, data, unit="state-day"), 1 if quick else 3)
    writes = {}
    for fmt in ("parquet", "dta", "csv", "rds"):
        writes[fmt], _ = timed(lambda fmt=fmt: write_panel(p_year, tmp / f"posture.{fmt}"), 1 if quick else 3)
    day_writes = {}  # the state-day panel in each format but CSV (about 4 GB of text): wall, CPU, size
    for fmt in ("parquet", "dta", "rds"):
        path = tmp / f"posture-days.{fmt}"
        c = time.process_time()
        ts, _ = timed(lambda fmt=fmt, path=path: write_panel(p_day, path), 1)
        day_writes[fmt] = (ts[0], time.process_time() - c, path.stat().st_size)
        path.unlink()
    cpu_year = []  # the state-year panel built and written as Stata, in CPU seconds of this process
    for _ in range(1 if quick else 3):
        c = time.process_time()
        write_panel(build_panel(store, data, unit="state-year"), tmp / "posture-cpu.dta")
        cpu_year.append(time.process_time() - c)

    med = statistics.median
    load = os.getloadavg()
    print(f"## Posture panel ({date.today().isoformat()})\n")
    print(f"Machine: {machine()}; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} when it ran; "
          f"CPU affinity {sorted(os.sched_getaffinity(0))}\n")
    what = (f"the COW state list ({sysinfo['states']} states, v{sysinfo.get('version')}) with ATOP"
            if data is not None else f"the knowledge base's {sysinfo['states']} states")
    print(f"States: {what}; {n_stretch} stretches in the system, {n_days:,} state-days "
          f"{PANEL_START.isoformat()} to {ix.horizon.isoformat()}.\n")
    print("| measure | target | median (min-max) |")
    print("|---|---|---|")
    print(f"| every state x every day by change dates ({n_eval:,} criterion evaluations), cold | < 5 s | "
          f"{med(t_cold):.2f} s ({min(t_cold):.2f}-{max(t_cold):.2f}) |")
    print(f"| the same, warm | - | {med(t_warm):.2f} s ({min(t_warm):.2f}-{max(t_warm):.2f}) |")
    print(f"| the same, warm, CPU time of the process | < 5 s | {med(cpu):.2f} s ({min(cpu):.2f}-{max(cpu):.2f}) |")
    print(f"| the same day by day (every criterion, every state-day; {len(sample)} sampled, scaled) | - | "
          f"{per_day * n_days:,.0f} s ({per_day * 1000:.2f} ms a state-day) |")
    print(f"| state-year panel built ({len(p_year.frame):,} rows), warm | - | {med(t_year):.2f} s |")
    print(f"| state-day panel built ({len(p_day.frame):,} rows), warm | - | {med(t_day):.2f} s |")
    for fmt, ts in writes.items():
        size = (tmp / f"posture.{fmt}").stat().st_size
        print(f"| state-year panel written as {fmt} ({size / 1e6:.1f} MB), after building | < 10 s with the build | "
              f"{med(ts):.2f} s |")
    print(f"| state-year panel built and written as dta, CPU time of the process | < 10 s | {med(cpu_year):.2f} s |")
    for fmt, (wall, cpu_s, size) in day_writes.items():
        print(f"| state-day panel written as {fmt} ({size / 1e6:.1f} MB), after building: wall (CPU of the process) "
              f"| - | {wall:.2f} s ({cpu_s:.2f} s CPU) |")
    print(f"\n{reps} runs each (day-by-day: one pass over the sample); the change dates save a factor of "
          f"{per_day * n_days / med(t_warm):,.0f}.")


if __name__ == "__main__":
    main()
