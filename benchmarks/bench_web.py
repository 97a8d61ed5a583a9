"""Load test of the web explorer over loopback, bounded: a fixed number of requests per page, a time cap.

    .venv/bin/python benchmarks/bench_web.py                    # 40 requests per page, 4 client threads
    .venv/bin/python benchmarks/bench_web.py --quick            # 10 per page
    .venv/bin/python benchmarks/bench_web.py --swap             # ... and swap in a rebuilt KB halfway

The app runs in this process under uvicorn on 127.0.0.1 (a free port) over
the shipped knowledge base compiled into a temporary cache; clients are
httpx in threads. Prints a Markdown table of p50/p99 latency per page and
the number of failed requests (any non-200 or transport error), which must
be 0, also across a swap of the knowledge base. Nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _common import machine  # noqa: E402

PAGES = {
    "home": "/",
    "state profile": "/states/BLR?as_of=2020-07-01",
    "state JSON": "/states/BLR.json?as_of=2020-07-01",
    "arrangement (threatened period)": "/arrangements/union-state?mode=threatened-period",
    "can + proof": "/can?action=bring-russian-forces-into-blr&in=union-state&mode=threatened-period",
    "who-commands": "/who-commands?force=urads&in=union-state&mode=threatened-period",
    "verify": "/verify?in=union-state&property=no-foreign-forces-without-blr-consent",
    "diff": "/diff?a=union-state&b=sidorov-armenia-model&state=BLR",
    "timeline": "/timeline?state=BLR&from=2014-01-01&to=2020-12-31",
    "source": "/sources/sivitsky-2020",
    "conflicts": "/conflicts",
    "search": "/search?q=air+defence",
}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="10 requests per page instead of 40")
    ap.add_argument("--requests", type=int, default=None, help="requests per page")
    ap.add_argument("--threads", type=int, default=4, help="client threads")
    ap.add_argument("--max-seconds", type=float, default=120.0, help="stop sending after this long")
    ap.add_argument("--swap", action="store_true", help="rebuild the KB (one statement changed) and swap it in "
                                                         "halfway through")
    args = ap.parse_args()
    per_page = args.requests or (10 if args.quick else 40)

    import httpx

    from allegiance.facts.load import default_kb_dir
    from allegiance.web import create_app
    from allegiance.web._server import serving

    tmp = Path(tempfile.mkdtemp(prefix="allegiance-bench-web-"))
    try:
        kb = tmp / "kb"
        shutil.copytree(default_kb_dir(), kb)
        t0 = time.perf_counter()
        app = create_app(kb=kb, cache=tmp / "cache-1")
        start_s = time.perf_counter() - t0
        running = contextlib.ExitStack()
        base = running.enter_context(serving(app))
        with httpx.Client(base_url=base, timeout=60) as c:  # one warm-up each: first answers fill caches
            for url in PAGES.values():
                c.get(url)

        # Round-robin over the pages, so each is measured under the same mix of load.
        jobs = [(name, url) for _ in range(per_page) for name, url in PAGES.items()]
        lock = threading.Lock()
        times: dict[str, list[float]] = {name: [] for name in PAGES}
        failures: list[tuple] = []
        deadline = time.monotonic() + args.max_seconds
        half = len(jobs) // 2
        taken = [0]
        swapped = threading.Event()

        def client():
            with httpx.Client(base_url=base, timeout=60) as c:
                while time.monotonic() < deadline:
                    with lock:
                        if taken[0] >= len(jobs):
                            return
                        name, url = jobs[taken[0]]
                        taken[0] += 1
                    t = time.perf_counter()
                    try:
                        r = c.get(url)
                        ok = r.status_code == 200
                    except httpx.HTTPError as exc:
                        ok, r = False, exc
                    dt = time.perf_counter() - t
                    with lock:
                        times[name].append(dt)
                        if not ok:
                            failures.append((name, getattr(r, "status_code", repr(r))))

        def swapper():
            while taken[0] < half and time.monotonic() < deadline:
                time.sleep(0.01)
            core = next(kb.glob("belarus-foreign-policy.yaml"))
            core.write_text(core.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # a rebuilt KB
            t = time.perf_counter()
            app.state.swap(kb=kb, cache=tmp / "cache-2")
            swapped.swap_s = time.perf_counter() - t
            swapped.set()

        threads = [threading.Thread(target=client) for _ in range(args.threads)]
        sw = threading.Thread(target=swapper) if args.swap else None
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        if sw:
            sw.start()
        for t in threads:
            t.join()
        if sw:
            sw.join()
        wall = time.perf_counter() - t0
        running.close()
        app.state.close()

        done = sum(len(v) for v in times.values())
        print(f"# Web explorer load test\n\n{machine()}\n")
        print(f"App start-up (compile the shipped KB, open it locked, build the search index): {start_s:.2f} s. "
              f"{done} requests ({per_page} per page, {args.threads} client threads) in {wall:.1f} s "
              f"({done / wall:.0f} requests/s); failed: {len(failures)}.")
        if args.swap:
            print(f"Knowledge base rebuilt and swapped in halfway: "
                  f"{getattr(swapped, 'swap_s', float('nan')):.2f} s to compile and swap (failed requests, across "
                  f"the swap too, are counted above).")
        print("\n| page | requests | p50 ms | p99 ms |\n|---|---:|---:|---:|")
        for name, ts in times.items():
            if not ts:
                continue
            ts = sorted(ts)
            p99 = ts[min(len(ts) - 1, int(round(0.99 * (len(ts) - 1))))]
            print(f"| {name} | {len(ts)} | {statistics.median(ts) * 1000:.1f} | {p99 * 1000:.1f} |")
        if failures:
            print("\nFailures:", failures[:20])
        return 1 if failures else 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
