"""Load test of the web explorer over loopback, bounded: cold start of `serve`, then a fixed number of requests
per page from a fixed number of concurrent clients, with a time cap.

    .venv/bin/python benchmarks/bench_web.py                    # 40 requests per page, 20 concurrent clients
    .venv/bin/python benchmarks/bench_web.py --quick            # 10 per page
    .venv/bin/python benchmarks/bench_web.py --swap             # in process: swap in a rebuilt KB halfway

What it measures (the issue's targets: server-side render under 50 ms median and 200 ms p95 for the state
profile, arrangement and ask pages, warm, 20 concurrent clients on loopback; cold start under 2 s):

1. Cold start: ``allegiance serve`` in a new process, from the process's start to the first 200 response of
   ``/``: once on an empty cache (the knowledge base is compiled first), then three times with the compiled
   store in the cache (a restart), median.
2. Warm pages: the last of those servers, one request per page first (the warm-up), then round-robin over
   the pages from ``--clients`` concurrent clients (asyncio, httpx, one keep-alive connection each).
3. Fresh answers: the state profile on a different day for every request (nothing kept from before), from
   the same clients: what a user moving the date control waits for.

For each page: the latency the client saw (p50, p95, p99) and the server's own time on the request (its
``Server-Timing`` header: from the request reaching the app to the response being ready, waiting for the
store's lock included; the client's figure adds the wait for the server's single event loop and the
transport). Any non-200 or transport error is a failure; the script exits 1 if there is one. The server
binds 127.0.0.1 and reads the shipped knowledge base copied into a temporary directory, with no data
store (no UN votes); nothing leaves the machine.

``--swap`` runs the app in this process (uvicorn in a thread), swaps in a rebuilt knowledge base halfway
through, and counts failed requests across the swap.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _common import header  # noqa: E402

#: The pages of the warm run; the first three groups are the issue's targets.
PAGES = {
    "state profile": "/states/BLR?as_of=2020-07-01",
    "arrangement (threatened period)": "/arrangements/union-state?mode=threatened-period",
    "can + proof": "/can?action=bring-russian-forces-into-blr&in=union-state&mode=threatened-period",
    "who-commands": "/who-commands?force=urads&in=union-state&mode=threatened-period",
    "verify": "/verify?in=union-state&property=no-foreign-forces-without-blr-consent",
    "home": "/",
    "state JSON": "/states/BLR.json?as_of=2020-07-01",
    "diff": "/diff?a=union-state&b=sidorov-armenia-model&state=BLR",
    "timeline": "/timeline?state=BLR&from=2014-01-01&to=2020-12-31",
    "source": "/sources/sivitsky-2020",
    "conflicts": "/conflicts",
    "search": "/search?q=air+defence",
}
TARGETS = ("state profile", "arrangement (threatened period)", "can + proof", "who-commands", "verify")
_DUR = re.compile(r"app;dur=([0-9.]+)")


def pct(xs: list[float], q: float) -> float:
    """The nearest-rank percentile ``q`` (0-100) of ``xs``."""
    s = sorted(xs)
    return s[max(0, min(len(s) - 1, int(-(-q * len(s) // 100)) - 1))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(kb: Path, cache: Path, env: dict) -> tuple[subprocess.Popen, str, float]:
    """``allegiance serve`` on a free loopback port; its base URL and the seconds to its first 200 of ``/``."""
    import httpx

    port = free_port()
    exe = Path(sys.executable).with_name("allegiance")
    cmd = [str(exe) if exe.exists() else "allegiance", "--kb", str(kb), "--cache", str(cache), "serve",
           "--port", str(port)]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    base = f"http://127.0.0.1:{port}"
    while True:
        try:
            if httpx.get(base + "/", timeout=5).status_code == 200:
                return proc, base, time.perf_counter() - t0
        except httpx.HTTPError:
            pass
        if proc.poll() is not None:
            raise RuntimeError(f"serve exited {proc.returncode}: {proc.stderr.read().decode()[-2000:]}")
        if time.perf_counter() - t0 > 120:
            proc.kill()
            raise RuntimeError("serve did not answer within 120 s")
        time.sleep(0.005)


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


async def load(base: str, jobs: list[tuple[str, str]], clients: int, max_seconds: float,
               halfway=None) -> tuple[dict, list, float]:
    """Send ``jobs`` from ``clients`` concurrent clients; per page the (client, server) seconds of each."""
    import httpx

    times: dict[str, list[tuple[float, float]]] = {}
    failures: list[tuple] = []
    deadline = time.monotonic() + max_seconds
    queue = iter(jobs)
    sent = [0]

    async def client():
        async with httpx.AsyncClient(base_url=base, timeout=120) as c:
            await c.get("/static/style.css")  # open the connection first (not measured): a warm client
            while time.monotonic() < deadline:
                job = next(queue, None)
                if job is None:
                    return
                name, url = job
                sent[0] += 1
                if halfway is not None and sent[0] == len(jobs) // 2:
                    await asyncio.get_running_loop().run_in_executor(None, halfway)
                t = time.perf_counter()
                try:
                    r = await c.get(url)
                    dt = time.perf_counter() - t
                    m = _DUR.search(r.headers.get("server-timing", ""))
                    times.setdefault(name, []).append((dt, float(m.group(1)) / 1000 if m else float("nan")))
                    if r.status_code != 200:
                        failures.append((name, url, r.status_code))
                except httpx.HTTPError as exc:
                    failures.append((name, url, repr(exc)))

    t0 = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return times, failures, time.perf_counter() - t0


def table(times: dict) -> str:
    out = ["| page | requests | client p50 ms | client p95 ms | client p99 ms | server p50 ms | server p95 ms "
           "| server p99 ms |", "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for name, ts in times.items():
        cl, sv = [t[0] * 1000 for t in ts], [t[1] * 1000 for t in ts]
        out.append(f"| {name} | {len(ts)} | {statistics.median(cl):.1f} | {pct(cl, 95):.1f} | {pct(cl, 99):.1f} "
                   f"| {statistics.median(sv):.1f} | {pct(sv, 95):.1f} | {pct(sv, 99):.1f} |")
    return "\n".join(out)


def verdict(times: dict) -> str:
    lines = []
    for name in TARGETS:
        sv = [t[1] * 1000 for t in times.get(name, [])]
        if sv:
            ok = statistics.median(sv) < 50 and pct(sv, 95) < 200
            lines.append(f"- {name}: server p50 {statistics.median(sv):.1f} ms, p95 {pct(sv, 95):.1f} ms: "
                         f"{'met' if ok else 'MISSED'} (target < 50 ms p50, < 200 ms p95)")
    return "\n".join(lines)


def fresh_days(n: int, seed: int = 13) -> list[str]:
    """``n`` different days of 1995-2024, from a fixed seed."""
    rng = random.Random(seed)
    first, span = date(1995, 1, 1), (date(2024, 12, 31) - date(1995, 1, 1)).days
    return [(first + timedelta(days=d)).isoformat() for d in rng.sample(range(span), n)]


def run_subprocess(args, per_page: int) -> int:
    import httpx

    tmp = Path(tempfile.mkdtemp(prefix="allegiance-bench-web-"))
    procs: list[subprocess.Popen] = []
    try:
        from allegiance.facts.load import default_kb_dir

        kb = tmp / "kb"
        shutil.copytree(default_kb_dir(), kb)
        env = {**os.environ, "XDG_DATA_HOME": str(tmp / "data"), "XDG_CACHE_HOME": str(tmp / "xdg-cache")}
        proc, _, empty_cache_s = start_server(kb, tmp / "cache", env)
        stop(proc)
        restarts = []
        for i in range(3):
            proc, base, s = start_server(kb, tmp / "cache", env)
            restarts.append(s)
            if i < 2:
                stop(proc)
        procs.append(proc)
        load_before = os.getloadavg()

        with httpx.Client(base_url=base, timeout=120) as c:  # the warm-up: one request per page
            for url in PAGES.values():
                c.get(url)
        jobs = [(name, url) for _ in range(per_page) for name, url in PAGES.items()]
        times, failures, wall = asyncio.run(load(base, jobs, args.clients, args.max_seconds))
        days = fresh_days(per_page * 2)
        alone, together = days[:per_page], days[per_page:]
        name = "state profile, a new day each request"
        ftimes1, ffailures, fwall1 = asyncio.run(load(base, [(name + ", one client", f"/states/BLR?as_of={d}")
                                                              for d in alone], 1, args.max_seconds))
        ftimes, ffailures2, fwall = asyncio.run(load(base, [(name, f"/states/BLR?as_of={d}") for d in together],
                                                     args.clients, args.max_seconds))
        ffailures += ffailures2
        load_after = os.getloadavg()

        done = sum(len(v) for v in times.values())
        print(header("Web explorer load test"))
        print(f"Load average (1, 5, 15 min) before the load: {', '.join(f'{x:.2f}' for x in load_before)}; "
              f"after: {', '.join(f'{x:.2f}' for x in load_after)}. Server and clients share this machine.\n")
        print(f"Cold start of `allegiance serve` (process start to the first 200 of `/`): "
              f"{empty_cache_s:.2f} s on an empty cache (compiles the knowledge base first); "
              f"{statistics.median(restarts):.2f} s with the compiled store cached (median of 3: "
              f"{', '.join(f'{x:.2f}' for x in restarts)}); target < 2 s.\n")
        print(f"Warm pages: {done} requests ({per_page} per page, {args.clients} concurrent clients, after one "
              f"warm-up request per page) in {wall:.1f} s ({done / wall:.0f} requests/s); failed: {len(failures)}."
              f"\n\n{table(times)}\n\n{verdict(times)}\n")
        print(f"Fresh answers (the state profile, each request a different day, nothing kept from before): "
              f"{len(alone)} requests from one client in {fwall1:.1f} s, then {len(together)} from {args.clients} "
              f"concurrent clients in {fwall:.1f} s ({len(together) / fwall:.1f} requests/s); failed: "
              f"{len(ffailures)}. Answers are worked out one at a time (the store's lock), so under concurrency "
              f"the server's time is mostly the wait for it.\n\n{table({**ftimes1, **ftimes})}")
        failures += ffailures
        if failures:
            print("\nFailures:", failures[:20])
        return 1 if failures else 0
    finally:
        for p in procs:
            stop(p)
        shutil.rmtree(tmp, ignore_errors=True)


def run_swap(args, per_page: int) -> int:
    """The app in this process, a rebuilt knowledge base swapped in halfway through the load."""
    from allegiance.facts.load import default_kb_dir
    from allegiance.web import create_app
    from allegiance.web._server import serving

    tmp = Path(tempfile.mkdtemp(prefix="allegiance-bench-web-"))
    try:
        kb = tmp / "kb"
        shutil.copytree(default_kb_dir(), kb)
        app = create_app(kb=kb, cache=tmp / "cache-1")
        swap_s = []

        def swapper():
            core = kb / "belarus-foreign-policy.yaml"
            core.write_text(core.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # a rebuilt KB
            t = time.perf_counter()
            app.state.swap(kb=kb, cache=tmp / "cache-2")
            swap_s.append(time.perf_counter() - t)

        with contextlib.ExitStack() as running:
            base = running.enter_context(serving(app))
            jobs = [(name, url) for _ in range(per_page) for name, url in PAGES.items()]
            times, failures, wall = asyncio.run(load(base, jobs, args.clients, args.max_seconds, swapper))
        app.state.close()
        done = sum(len(v) for v in times.values())
        print(header("Web explorer: a rebuilt knowledge base swapped in under load"))
        print(f"{done} requests ({per_page} per page, {args.clients} concurrent clients, no warm-up) in {wall:.1f} s; "
              f"the knowledge base rebuilt and swapped in halfway ({swap_s[0] if swap_s else float('nan'):.2f} s "
              f"to compile and swap); failed: {len(failures)}.\n\n{table(times)}")
        if failures:
            print("\nFailures:", failures[:20])
        return 1 if failures or not swap_s else 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="10 requests per page instead of 40")
    ap.add_argument("--requests", type=int, default=None, help="requests per page")
    ap.add_argument("--clients", type=int, default=20, help="concurrent clients")
    ap.add_argument("--max-seconds", type=float, default=120.0, help="stop sending after this long")
    ap.add_argument("--swap", action="store_true", help="in process: rebuild the KB (one statement file changed) "
                                                         "and swap it in halfway through")
    args = ap.parse_args()
    per_page = args.requests or (10 if args.quick else 40)
    return run_swap(args, per_page) if args.swap else run_subprocess(args, per_page)


if __name__ == "__main__":
    sys.exit(main())
