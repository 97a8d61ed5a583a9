"""Dynamic ideal points from UN General Assembly roll calls (docs/ideal-points.md).

- :mod:`.estimate`: the model and its two estimators (:func:`estimate_ideal_points`), model sweeps
  (:func:`sweep_ideal_points`).
- :mod:`.link`: the two-stage estimator's sessions put on one scale.
- :mod:`.executor`: serial, a local process pool or a Dask cluster, for bootstrap refits and sweeps.
- :mod:`.backend`: NumPy on the CPU, PyTorch on a GPU.
- :mod:`.votes`: reading a long vote table into index arrays.
- :mod:`.simulate`: votes simulated from the model, for tests.
- :mod:`.validate`: reading the publishers' files and comparing with Bailey, Strezhnev and Voeten.
- :mod:`.command`: the body of ``allegiance ideal``, its JSON shape (:func:`ideal_command`).

The report layer renders the result (``allegiance.report.measure.render_ideal_text``)
and draws it (``allegiance.report.charts.plot_ideal_points``).
"""

from __future__ import annotations

from allegiance.measure.ideal.command import ideal_command
from allegiance.measure.ideal.estimate import (
    IdealPoints,
    estimate_ideal_points,
    ideal_path,
    ideal_points_from_votes,
    sweep_ideal_points,
)

__all__ = [
    "IdealPoints",
    "estimate_ideal_points",
    "ideal_command",
    "ideal_path",
    "ideal_points_from_votes",
    "sweep_ideal_points",
]
