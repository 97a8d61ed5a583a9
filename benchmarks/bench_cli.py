"""Benchmark of start-up: warm CLI calls as a user feels them, and status on a large knowledge base.

    .venv/bin/python benchmarks/bench_cli.py            # for docs/performance.md (~3 min)
    .venv/bin/python benchmarks/bench_cli.py --quick    # fewer runs, 20,000 generated statements (~1 min)

Targets (issue 11): a warm `status`, `can` or `timeline` within 150 ms of
`python -c "import duckdb"` on the same machine; a warm `power eu-council`
(exact indices of the 27-member Council) under 0.5 s; `status` on the
100,000-statement knowledge base under 300 ms and 300 MiB per call.

Each CLI call is a fresh interpreter running the console script's code
(`allegiance.cli.main`) on this checkout's `src`, with a cache directory
warmed by one call first (the compiled database, its manifest and blobs, and
the modules' bytecode, in a private pycache), so what is timed is what every
later call pays. The commands and `import duckdb`
are run in turn, N times each; medians, and each command's difference from
`import duckdb`.

The large knowledge base is the facts benchmark's generator
(`benchmarks/run.py`), compiled once. Each status call is a fresh interpreter
that imports the modules, opens the store, then times one `status` call and
reports its peak resident memory (`ru_maxrss`, which includes the
interpreter and the imports).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _common import header, quick_flag  # noqa: E402

COMMANDS = {
    "status BLR --as-of 2020-07-01": ["status", "BLR", "--as-of", "2020-07-01"],
    "can bring-russian-forces-into-blr --in union-state --mode threatened-period":
        ["can", "bring-russian-forces-into-blr", "--in", "union-state", "--mode", "threatened-period"],
    "timeline BLR --from 2014 --to 2020": ["timeline", "BLR", "--from", "2014", "--to", "2020"],
    "power eu-council --in eu-council-qmv": ["power", "eu-council", "--in", "eu-council-qmv"],
}
CLI = "import sys; from allegiance.cli import main; sys.argv[0] = 'allegiance'; sys.exit(main())"

LARGE_CALL = """
import json, resource, sys, time
from datetime import date
t0 = time.perf_counter()
from allegiance.facts.store import open_store
from allegiance.status.engine import status
import allegiance.rules
t1 = time.perf_counter()
store = open_store(sys.argv[1], cache_dir=sys.argv[2])
t2 = time.perf_counter()
out = status(store, sys.argv[3], as_of=date(2000, 1, 1))
t3 = time.perf_counter()
print(json.dumps({"imports": t1 - t0, "open": t2 - t1, "status": t3 - t2, "holding": out["holding"],
                  "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _env(cache: Path) -> dict[str, str]:
    """The calls' environment: this checkout's code, the cache (the user cache directory, as most users have
    it: ALLEGIANCE_CACHE would be read as the --cache option, a path that typer checks), and bytecode kept as an installed package keeps
    it (a private pycache, written by the warm-up calls), even where PYTHONDONTWRITEBYTECODE is set: without
    it every call compiles each of the package's modules from source, which no installed copy does."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "ALLEGIANCE_CACHE")}
    return {**env, "PYTHONPATH": str(ROOT / "src"), "XDG_CACHE_HOME": str(cache),
            "PYTHONPYCACHEPREFIX": str(cache.parent / "pycache")}


def run(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Run a process to its end: its wall time, and the CPU time (user + system) it and its threads used."""
    t = time.perf_counter()
    p = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = p.stderr.read()
    _, status, usage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - t
    if p.returncode:
        raise RuntimeError(f"{argv[3:] or argv} exited {p.returncode}: {err.decode()[-2000:]}")
    return elapsed, usage.ru_utime + usage.ru_stime


def cli_calls(tmp: Path, reps: int) -> dict[str, list[tuple[float, float]]]:
    env = _env(tmp / "cache")
    runs = {"import duckdb": [sys.executable, "-c", "import duckdb"]}
    runs.update({name: [sys.executable, "-c", CLI, *args] for name, args in COMMANDS.items()})
    for argv in runs.values():  # warm: compile, remember the checksum, keep the blobs
        run(argv, env)
    time.sleep(2.5)  # past the manifest's racy window for anything the warm-up wrote
    for argv in runs.values():
        run(argv, env)
    out: dict[str, list[tuple[float, float]]] = {name: [] for name in runs}
    for _ in range(reps):  # in turn, so that load on the machine falls on all of them alike
        for name, argv in runs.items():
            out[name].append(run(argv, env))
    return out


def large_status(tmp: Path, n: int, reps: int) -> tuple[list[dict], float, float]:
    from run import generate_kb

    gen, cache = tmp / "generated", tmp / "gcache"
    generate_kb(gen, n)
    env = _env(cache)
    compile_s, _ = run([sys.executable, "-c", "import sys; from allegiance.facts.store import open_store; "
                        "open_store(sys.argv[1], cache_dir=sys.argv[2]).close()", str(gen), str(cache)], env)
    size = sum(p.stat().st_size for p in gen.glob("*.yaml")) / 1e6
    calls = []
    for i in range(reps + 1):  # the first also writes what a warm call reuses
        p = subprocess.run([sys.executable, "-c", LARGE_CALL, str(gen), str(cache), "QAB"], env=env,
                           capture_output=True, text=True, check=True)
        if i:
            calls.append(json.loads(p.stdout))
    return calls, compile_s, size


def main() -> None:
    quick = quick_flag(__doc__)
    reps = 5 if quick else 21
    n = 20_000 if quick else 100_000
    med = statistics.median
    print(header("Start-up benchmark"))
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        runs = cli_calls(tmp, reps)
        base = med(runs["import duckdb"])
        print(f"## Warm CLI calls ({reps} runs each, in turn; the whole process)\n")
        print("Wall time is what a user waits; CPU time (user + system, all threads) is what the call costs,")
        print("and moves less with the machine's load.\n")
        base_wall = med(w for w, _ in runs["import duckdb"])
        base_cpu = med(c for _, c in runs["import duckdb"])
        print("| command | wall, median (min-max) | wall − `import duckdb` | CPU, median | CPU − `import duckdb` |")
        print("|---|---|---|---|---|")
        for cmd, ts in runs.items():
            walls, cpus = [w for w, _ in ts], [c for _, c in ts]
            label = "`python -c \"import duckdb\"`" if cmd == "import duckdb" else f"`allegiance {cmd}`"
            first = cmd == "import duckdb"
            print(f"| {label} | {med(walls) * 1000:.0f} ms ({min(walls) * 1000:.0f}-{max(walls) * 1000:.0f}) | "
                  f"{'' if first else f'{(med(walls) - base_wall) * 1000:+.0f} ms'} | {med(cpus) * 1000:.0f} ms | "
                  f"{'' if first else f'{(med(cpus) - base_cpu) * 1000:+.0f} ms'} |")
        print("\nTargets: `status`, `can` and `timeline` within 150 ms of `import duckdb`; `power` under 0.5 s.")

        calls, compile_s, size = large_status(tmp, n, 3 if quick else 5)
        print(f"\n## `status` on a generated knowledge base ({n:,} statements, {size:.1f} MB of YAML; "
              f"compiled once in {compile_s:.1f} s)\n")
        print("Each call a fresh interpreter; imports and `open_store` timed apart from the call.\n")
        print("| measure | median (min-max) | target |")
        print("|---|---|---|")
        for key, label, target in (("status", "`status(store, 'QAB', as_of=2000-01-01)`", "< 300 ms"),
                                   ("open", "`open_store`, warm", "-"),
                                   ("imports", "imports (facts, status, rules)", "-")):
            ts = [c[key] for c in calls]
            print(f"| {label} | {med(ts) * 1000:.0f} ms ({min(ts) * 1000:.0f}-{max(ts) * 1000:.0f}) | {target} |")
        rss = [c["rss_mib"] for c in calls]
        print(f"| peak resident memory of the process | {med(rss):.0f} MiB ({min(rss):.0f}-{max(rss):.0f}) | "
              f"< 300 MiB |")
        print(f"\n{len(calls)} calls; labels holding for QAB: {calls[0]['holding']}.")


if __name__ == "__main__":
    main()
