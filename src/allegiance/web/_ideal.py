"""Ideal points for the state pages: estimated once per version of the data store, in the background.

An estimate over every imported session takes seconds to a minute (docs/ideal-points.md), far too long
for a page, so it starts when the app starts (and again when the votes are re-imported) in a thread of its
own, and the state pages say it is under way until it is done. The estimate is the CLI's
(``allegiance ideal``: two-stage, on the CPU, over all imported sessions of the default source).
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Any

__all__ = ["IdealEstimates", "READY", "ESTIMATING", "NONE"]

log = logging.getLogger("allegiance.web")

READY, ESTIMATING, NONE = "ready", "estimating", "none"


class _Job:
    def __init__(self, path: Path):
        self.path = path
        self.state, self.result, self.reason = ESTIMATING, None, None
        self.thread = threading.Thread(target=self._run, name="ideal-points", daemon=True)

    def _run(self) -> None:
        from allegiance.errors import AllegianceError
        from allegiance.measure.data.store import open_data
        from allegiance.measure.data.votes import ideal_vote_table
        from allegiance.measure.ideal import estimate_ideal_points

        try:
            with open_data(self.path) as ds:
                if ds.dataset("un_votes") is None and ds.dataset("unvotes_published") is None:
                    self.state, self.reason = NONE, "no UN votes are imported"
                    return
                table = ideal_vote_table(ds)
            self.result = estimate_ideal_points(table)
            self.state = READY
        except AllegianceError as exc:  # e.g. a data store without votes in any session
            self.state, self.reason = NONE, str(exc)
        except Exception as exc:  # noqa: BLE001 -- a page must still render; the log has the traceback
            log.exception("ideal points could not be estimated from %s", self.path)
            self.state, self.reason = NONE, f"the estimate failed ({type(exc).__name__})"


class IdealEstimates:
    """The estimate for the data store's current version; older versions' estimates are dropped."""

    def __init__(self):
        self._lock = threading.Lock()
        self._jobs: dict[tuple, _Job] = {}

    def get(self, path: Path | None, version: tuple | None) -> tuple[str, Any, str | None]:
        """``(state, estimate, reason)``: ``("ready", IdealPoints, None)``, ``("estimating", None, None)`` (it is
        started here if it was not), or ``("none", None, why)``."""
        if path is None or version is None:
            return NONE, None, "no data store of UN votes"
        with self._lock:
            job = self._jobs.get(version)
            if job is None:
                job = _Job(path)
                self._jobs = {version: job}
                job.thread.start()
        return job.state, job.result, job.reason

    def wait(self, timeout: float | None = None) -> None:
        """Until the current estimate is done (tests; the app never waits)."""
        with self._lock:
            jobs = list(self._jobs.values())
        for job in jobs:
            job.thread.join(timeout)
