"""Benchmarks of the facts layer. Writes nothing; prints a Markdown report.

    .venv/bin/python benchmarks/run.py            # all figures, for docs/performance.md
    .venv/bin/python benchmarks/run.py --quick    # fewer repetitions

Targets (issue 2): cold load + validate + compile of the shipped knowledge
base under 0.5 s; a generated knowledge base of 100,000 statements under
10 s; an as-of query under 5 ms median.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from _common import machine  # noqa: E402
from allegiance.facts.load import gc_paused, load_kb  # noqa: E402
from allegiance.facts.query import facts_as_of, timeline  # noqa: E402
from allegiance.facts.store import compile_kb, open_store  # noqa: E402
from allegiance.facts.time import parse_date  # noqa: E402




def load_and_compile(kb_dir: Path | None, tmp: Path) -> tuple[float, float, int]:
    """Load + validate, then compile, as a first ``open_store`` does it (one pause of the collector).

    The timing ends after the loaded objects are freed and the collector is back on.
    """
    parse_date.cache_clear()
    target = tmp / f"bench-{time.perf_counter_ns()}.duckdb"
    t0 = time.perf_counter()
    with gc_paused():
        kb = load_kb(kb_dir)
        t1 = time.perf_counter()
        compile_kb(kb, target)
        n = len(kb.statements)
        del kb
    t2 = time.perf_counter()
    target.unlink()
    return t1 - t0, t2 - t1, n


def first_open(kb_dir: Path | None, tmp: Path) -> float:
    """A first ``open_store`` on an empty cache: checksum, load, validate, compile, open."""
    parse_date.cache_clear()
    cache = tmp / f"cache-{time.perf_counter_ns()}"
    t0 = time.perf_counter()
    store = open_store(kb_dir, cache_dir=cache)
    elapsed = time.perf_counter() - t0
    store.close()
    shutil.rmtree(cache)
    return elapsed


def cold_process(tmp: Path, reps: int) -> list[float]:
    """A fresh interpreter: imports, load, validate, compile, open — what a first CLI call pays."""
    code = ("import time; t=time.perf_counter(); from allegiance.facts.store import open_store; "
            "s=open_store(cache_dir=__import__('sys').argv[1]); assert s.rebuilt; "
            "print(time.perf_counter()-t)")
    out = []
    for i in range(reps):
        cache = tmp / f"cold-{i}"
        p = subprocess.run([sys.executable, "-c", code, str(cache)], capture_output=True, text=True, check=True,
                           env={**os.environ, "PYTHONPATH": str(ROOT / "src")})
        out.append(float(p.stdout.strip()))
    return out


def generate_kb(directory: Path, n_statements: int, seed: int = 1) -> None:
    """A synthetic knowledge base shaped like the real one: states, organisations, events, sources."""
    rng = random.Random(seed)
    letters = "ABCDEFGHIJKLMNOPRSTUVWYZ"
    states = [f"Q{a}{b}" for a in letters for b in letters][:400]
    orgs = [f"org-{i}" for i in range(300)]
    events = [f"event-{i}" for i in range(5000)]
    fuzzy = ["2015-36", "199X", "1997/1999", "2006-09~", "2002?", "2015-41", "198X"]
    directory.mkdir(parents=True, exist_ok=True)
    lines = ["topic: generated entities and sources", "sources:"]
    for i in range(200):
        lines += [f"  - id: src-{i}", "    type: article", f"    title: Source {i}", f"    date: {1990 + i % 35}"]
    lines.append("entities:")
    lines += [f"  - {{id: {s}, type: state, name: State {s}}}" for s in states]
    lines += [f"  - {{id: {o}, type: organisation, name: Organisation {o}}}" for o in orgs]
    lines += [f"  - {{id: {e}, type: event, name: Event {e}}}" for e in events]
    (directory / "entities.yaml").write_text("\n".join(lines) + "\n")

    def day() -> str:
        d = date(1946, 1, 1) + timedelta(days=rng.randrange(80 * 365))
        r = rng.random()
        if r < 0.05:
            return rng.choice(fuzzy)
        if r < 0.3:
            return str(d.year)
        if r < 0.5:
            return f"{d.year}-{d.month:02d}"
        return d.isoformat()

    per_file = 10_000
    for f in range(0, n_statements, per_file):
        out = [f"topic: generated statements {f}", "statements:"]
        for i in range(f, min(f + per_file, n_statements)):
            src = f"src-{rng.randrange(200)}"
            if i % 3 == 0:
                body = [f"    subject: {rng.choice(events)}", "    predicate: occurred"]
                start, until = day(), None
            else:
                body = [f"    subject: {rng.choice(states)}", "    predicate: member-of",
                        f"    object: {rng.choice(orgs)}", "    role: member"]
                start = day()
                until = None
                if rng.random() < 0.4:
                    lo = parse_date(start).upper
                    until = (lo + timedelta(days=1 + rng.randrange(3650))).isoformat()
            out += [f"  - id: st-{i}", "    kind: fact", *body, f"    text: Generated statement {i}.",
                    f"    valid_from: \"{start}\""]
            if until:
                out.append(f"    valid_until: \"{until}\"")
            out += ["    sources:", f"      - source: {src}", f"        quote: passage number {i}"]
        (directory / f"statements-{f // per_file:03d}.yaml").write_text("\n".join(out) + "\n")


def as_of_latency(store, state: str, reps: int) -> list[float]:
    rng = random.Random(3)
    out = []
    for _ in range(reps):
        d = date(1990, 1, 1) + timedelta(days=rng.randrange(36 * 365))
        t = time.perf_counter()
        facts_as_of(store, state, as_of=d)
        out.append(time.perf_counter() - t)
    return out


def ms(x: float) -> str:
    return f"{x * 1000:.1f} ms"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--statements", type=int, default=100_000)
    args = ap.parse_args()
    reps = 3 if args.quick else 7
    with tempfile.TemporaryDirectory() as tmpname:
        tmp = Path(tmpname)
        print(f"# Facts layer benchmark\n\nMachine: {machine()}\nDate: {date.today().isoformat()}\n")

        load_and_compile(None, tmp)  # warm imports (edtf, duckdb, pyarrow) once
        runs = [load_and_compile(None, tmp) for _ in range(reps)]
        n = runs[0][2]
        tot = [a + b for a, b, _ in runs]
        print(f"## Shipped knowledge base ({n} statements)\n")
        print(f"- load + validate + compile, in process (imports warm, date cache cleared): median "
              f"{ms(statistics.median(tot))} (load+validate {ms(statistics.median(r[0] for r in runs))}, "
              f"compile {ms(statistics.median(r[1] for r in runs))}), {reps} runs; target < 500 ms")
        cold = cold_process(tmp, reps)
        print(f"- the same in a fresh interpreter, imports included (a first CLI call): median "
              f"{ms(statistics.median(cold))}, {reps} runs")

        store = open_store(cache_dir=tmp / "cache")
        lat = as_of_latency(store, "BLR", 50 if args.quick else 300)
        print(f"- as-of query (`facts_as_of(store, 'BLR', as_of=...)`, random dates 1990-2025, warm): median "
              f"{ms(statistics.median(lat))}, p95 {ms(sorted(lat)[int(len(lat) * 0.95)])}, {len(lat)} queries; "
              f"target < 5 ms median")
        tl = []
        for _ in range(20):
            t = time.perf_counter()
            timeline(store, "BLR")
            tl.append(time.perf_counter() - t)
        print(f"- full timeline of BLR: median {ms(statistics.median(tl))}, 20 runs")
        store.close()

        gen = tmp / "generated"
        t = time.perf_counter()
        generate_kb(gen, args.statements)
        print(f"\n## Generated knowledge base ({args.statements:,} statements, {len(list(gen.glob('*.yaml')))} files, "
              f"{sum(p.stat().st_size for p in gen.glob('*.yaml')) / 1e6:.1f} MB of YAML; generated in "
              f"{time.perf_counter() - t:.1f} s)\n")
        g_runs = [load_and_compile(gen, tmp) for _ in range(1 if args.quick else 3)]
        g_tot = [a + b for a, b, _ in g_runs]
        print(f"- load + validate + compile: median {statistics.median(g_tot):.2f} s (load+validate "
              f"{statistics.median(r[0] for r in g_runs):.2f} s, compile {statistics.median(r[1] for r in g_runs):.2f} s), "
              f"{len(g_runs)} runs; target < 10 s")
        g_open = [first_open(gen, tmp) for _ in range(1 if args.quick else 3)]
        print(f"- the same through a first `open_store` on an empty cache (checksum of the YAML included): median "
              f"{statistics.median(g_open):.2f} s, {len(g_open)} runs")
        gstore = open_store(gen, cache_dir=tmp / "gcache")
        glat = as_of_latency(gstore, "QAB", 50 if args.quick else 300)
        count = facts_as_of(gstore, "QAB", as_of=date(2000, 1, 1))["count"]
        print(f"- as-of query on it (state QAB, ~{count} statements held on 2000-01-01): median "
              f"{ms(statistics.median(glat))}, p95 {ms(sorted(glat)[int(len(glat) * 0.95)])}")
        gstore.close()


if __name__ == "__main__":
    main()
