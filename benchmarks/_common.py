"""What every benchmark script shares: a description of the machine, and a timing loop."""

from __future__ import annotations

import os
import platform
import sys
import time
from pathlib import Path


def machine() -> str:
    """CPU, cores, memory, Python (and NumPy, when the benchmark uses it), OS."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(next(ln for ln in Path("/proc/meminfo").read_text().splitlines() if ln.startswith("MemTotal")).split()[1])
        mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, StopIteration):
        pass
    numpy = sys.modules.get("numpy")
    libs = f", NumPy {numpy.__version__}" if numpy is not None else ""
    return (f"{cpu}, {os.cpu_count()} cores{mem}; Python {platform.python_version()}{libs}; "
            f"{platform.system()} {platform.release()}")


def timed(fn, reps: int) -> tuple[list[float], object]:
    """Run ``fn`` ``reps`` times: the wall time of each run, and the last result."""
    out, result = [], None
    for _ in range(reps):
        t = time.perf_counter()
        result = fn()
        out.append(time.perf_counter() - t)
    return out, result


def quick_flag(description: str | None = None) -> bool:
    """Parse the command line every timing benchmark takes: ``--quick`` (fewer repetitions)."""
    import argparse

    ap = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="fewer repetitions (a smoke run, not the figures)")
    return ap.parse_args().quick


def header(title: str) -> str:
    """The report's first lines: its title, the machine and the date."""
    from datetime import date

    return f"# {title}\n\nMachine: {machine()}\nDate: {date.today().isoformat()}\n"
