"""The body of ``allegiance ideal``: ideal points of chosen states over sessions, as the command's JSON.

The command itself is wired into the CLI; this module holds what it calls,
so that the library, the CLI and the web app return the same shape::

    allegiance ideal BLR RUS USA --from 40 --to 74 --json

:func:`ideal_command` takes the parsed arguments and the votes (or an
estimate already made) and returns the JSON dict (docs/ideal-points.md
documents it). The report layer renders it for the terminal
(``allegiance.report.measure.render_ideal_text``) and draws the chart that
``--plot`` asks for (``allegiance.report.charts``).
"""

from __future__ import annotations

from typing import Any

from allegiance.errors import VoteInputError
from allegiance.measure.ideal.estimate import IdealPoints, estimate_ideal_points

__all__ = ["ideal_command"]


def ideal_command(
    states: list[str] | None = None,
    *,
    first: int | None = None,
    last: int | None = None,
    votes: Any = None,
    result: IdealPoints | None = None,
    **options: Any,
) -> dict:
    """Ideal points of ``states`` (all when none) in sessions ``first``..``last``, with their bands.

    Give either ``votes`` (any table :func:`votes_from_table` reads; the
    estimate is made over all its sessions, so that the random walk links
    them, and only the requested ones are reported) or a ready ``result``.
    ``options`` go to :func:`estimate_ideal_points`. Returns::

        {"model": {...how it was estimated...}, "states": [...], "from": 40, "to": 74,
         "count": N, "rows": [{"state", "session", "ideal_point", "lo", "hi", "sd", "n_votes"}, ...],
         "plot": None}

    ``plot`` stays None here: ``allegiance.report.charts.ideal_with_plot`` draws
    the chart and records its path.
    """
    if (votes is None) == (result is None):
        raise VoteInputError("ideal: give either votes to estimate from or an estimate (result=...), not both")
    if first is not None and last is not None and first > last:
        raise VoteInputError(f"ideal: --from {first} is after --to {last}")
    if result is None:
        result = estimate_ideal_points(votes, **options)
    chosen = [result.resolve_state(s) for s in states] if states else None
    rows = result.rows(chosen, first=first, last=last)
    if not rows:
        raise VoteInputError(
            f"ideal: no ideal points for {', '.join(chosen) if chosen else 'any state'} "
            f"in sessions {first if first is not None else 'first'}-{last if last is not None else 'last'}; "
            f"the estimate covers sessions {result.sessions[0]}-{result.sessions[-1]}"
        )
    return {
        "model": {k: v for k, v in result.summary().items() if k != "log_posterior_trace"},
        "states": chosen if chosen else sorted({r["state"] for r in rows}),
        "from": first,
        "to": last,
        "count": len(rows),
        "rows": rows,
        "plot": None,
    }
