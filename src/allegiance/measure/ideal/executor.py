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
the scheduler, with the same seeds, so the result does not change.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from allegiance.errors import UsageError

__all__ = ["Executor", "get_executor"]


def _pinned(fn: Callable, shared: Any, task: Any) -> Any:
    """``fn(shared, task)`` with BLAS/OpenMP limited to one thread."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        return fn(shared, task)


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
