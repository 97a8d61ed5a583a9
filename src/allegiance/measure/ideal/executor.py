"""One executor interface for the heavy work: bootstrap replicates and model sweeps.

:func:`get_executor` gives a serial executor, a local process pool
(``workers=N``) or a Dask distributed cluster (``scheduler="tcp://HOST:PORT"``;
Dask is the optional extra ``allegiance[cluster]``). All three have one
method, ``map(fn, shared, tasks)``, which returns ``[fn(shared, task) for task
in tasks]`` in order: ``shared`` (the votes, the fitted model) travels to each
worker once, the tasks (seeds, option sets) one by one.

Results are the same bit for bit whichever executor runs them: every task
carries everything random it needs (each bootstrap replicate its own
``numpy.random.SeedSequence``, spawned from the estimate's seed), and every
task runs with BLAS and OpenMP pinned to one thread (threadpoolctl), in the
serial executor too, so no reduction's order depends on how many threads a
library chose. A Dask worker lost mid-run has its tasks rerun elsewhere by
the scheduler, with the same seeds, so the result does not change. Where a
worker was started with ``MALLOC_TRIM_THRESHOLD_`` (Dask's nanny sets it),
glibc keeps freed memory while a task runs (:func:`_heap_kept`): without
that, a refit spent about half as much CPU again faulting in fresh pages.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from allegiance.errors import UsageError

__all__ = ["Executor", "get_executor"]


def _pinned(fn: Callable, shared: Any, task: Any) -> Any:
    """``fn(shared, task)`` with BLAS/OpenMP limited to one thread (and malloc's heap kept, see
    :func:`_heap_kept`)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1), _heap_kept():
        return fn(shared, task)


# glibc's mallopt parameters (malloc.h)
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
_heap_lock = threading.Lock()
_heap_users = 0


def _libc():
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return libc if libc is not None and hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None


@contextmanager
def _heap_kept() -> Iterator[None]:
    """While a task runs, let glibc keep freed memory for the next array, where the process was started with
    ``MALLOC_TRIM_THRESHOLD_`` (Dask's nanny starts every worker with 64 KiB, to hand memory back to the OS).

    Setting that variable also fixes malloc's threshold for ``mmap`` at 128 KiB, so every array of a refit
    above it (a session's votes are a few hundred KB each) is mapped and unmapped on each use and its pages
    faulted in again: about 60,000 page faults and 0.1 s of system time per refit, half as much CPU again as
    the refit itself. The thresholds are raised while any task runs and put back (the variable's value,
    glibc's default 128 KiB for mmap) with a ``malloc_trim`` when the last one ends, so the worker returns
    its memory between tasks as its owner configured. Elsewhere (no variable, not glibc) this does nothing.
    Results do not depend on it.
    """
    global _heap_users
    trim = os.environ.get("MALLOC_TRIM_THRESHOLD_")
    libc = _libc() if trim is not None else None
    if libc is None:
        yield
        return
    with _heap_lock:
        if _heap_users == 0:
            libc.mallopt(_M_MMAP_THRESHOLD, 32 << 20)  # glibc's largest
            libc.mallopt(_M_TRIM_THRESHOLD, 256 << 20)
        _heap_users += 1
    try:
        yield
    finally:
        with _heap_lock:
            _heap_users -= 1
            if _heap_users == 0:
                try:
                    mmap = int(os.environ.get("MALLOC_MMAP_THRESHOLD_", 128 << 10))
                    libc.mallopt(_M_TRIM_THRESHOLD, int(trim))
                except ValueError:
                    mmap = 128 << 10
                libc.mallopt(_M_MMAP_THRESHOLD, mmap)
                libc.malloc_trim(0)


class Executor:
    """Runs ``fn(shared, task)`` for every task, in order, here (the serial executor)."""

    kind = "serial"

    def describe(self) -> str:
        return "serial"

    def map(self, fn: Callable, shared: Any, tasks: Sequence[Any]) -> list:
        return [_pinned(fn, shared, t) for t in tasks]

    def close(self) -> None:
        pass

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# the pool's workers keep ``shared`` here, set once by the initializer
_WORKER_SHARED: Any = None


def _pool_init(shared: Any) -> None:
    global _WORKER_SHARED
    _WORKER_SHARED = shared


def _pool_call(fn: Callable, task: Any) -> Any:
    return _pinned(fn, _WORKER_SHARED, task)


class PoolExecutor(Executor):
    """A local pool of ``workers`` processes (spawned, so nothing is inherited by accident)."""

    kind = "pool"

    def __init__(self, workers: int) -> None:
        self.workers = workers

    def describe(self) -> str:
        return f"local process pool, {self.workers} workers"

    def map(self, fn: Callable, shared: Any, tasks: Sequence[Any]) -> list:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        ctx = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(self.workers, mp_context=ctx, initializer=_pool_init,
                                 initargs=(shared,)) as pool:
            return list(pool.map(_pool_call, [fn] * len(tasks), tasks))


class DaskExecutor(Executor):
    """A Dask distributed cluster reached through its scheduler's address."""

    kind = "dask"

    def __init__(self, scheduler: str) -> None:
        self.scheduler = scheduler
        self._client = None

    def describe(self) -> str:
        return f"dask distributed, scheduler {self.scheduler}"

    def _connect(self):
        if self._client is None:
            try:
                from distributed import Client
            except ImportError:
                raise UsageError("--scheduler needs Dask: pip install 'allegiance[cluster]'", value=self.scheduler,
                                 field="scheduler", allowed="an installed dask[distributed]") from None
            try:
                self._client = Client(self.scheduler, timeout="10s")
            except (OSError, TimeoutError) as e:
                raise UsageError(f"scheduler: {self.scheduler!r}: no Dask scheduler answers there ({e})",
                                 value=self.scheduler, field="scheduler",
                                 allowed="the tcp://HOST:PORT of a running dask scheduler") from None
        return self._client

    def map(self, fn: Callable, shared: Any, tasks: Sequence[Any]) -> list:
        client = self._connect()
        shared_f = client.scatter(shared, broadcast=True, hash=False)
        futures = client.map(_pinned, [fn] * len(tasks), [shared_f] * len(tasks), list(tasks), pure=False)
        return client.gather(futures)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None


def get_executor(*, workers: int | None = None, scheduler: str | None = None) -> Executor:
    """The serial executor (neither given), a local pool of ``workers`` processes, or a Dask cluster."""
    if workers is not None and scheduler is not None:
        raise UsageError("give --workers or --scheduler, not both", value=scheduler, field="scheduler",
                         allowed="either a number of local workers or a scheduler address")
    if scheduler is not None:
        s = str(scheduler).strip()
        host = s[len("tcp://"):] if s.startswith("tcp://") else ""
        if not host or ":" not in host or not host.rsplit(":", 1)[1].isdigit():
            raise UsageError(f"scheduler: {scheduler!r}; expected tcp://HOST:PORT (e.g. tcp://127.0.0.1:8786)",
                             value=scheduler, field="scheduler", allowed="tcp://HOST:PORT")
        return DaskExecutor(s)
    if workers is not None:
        if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
            raise UsageError(f"workers: {workers!r}; expected a whole number from 1", value=workers,
                             field="workers", allowed="a whole number from 1")
        return Executor() if workers == 1 else PoolExecutor(workers)
    return Executor()
