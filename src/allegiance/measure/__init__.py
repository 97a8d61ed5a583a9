"""The measure layer: what states actually do.

Imported public datasets (UN General Assembly roll calls, ATOP alliances,
the COW state system) in their own DuckDB store, a COW/ISO crosswalk, and
the field's measures of foreign-policy similarity: agreement, Cohen's kappa,
Scott's pi, S, bloc cohesion and alignment over time::

    from allegiance import open_store
    from allegiance.measure import open_data, alignment

    with open_data() as data, open_store() as kb:
        result = alignment(data, kb, "BLR", ["RUS", "nato"], start=1992, end=2019, measure="kappa")

Its parts: ``data/`` (the store, the dataset formats and importer, the votes
read from the store, and the one COW/ISO crosswalk, ``data/codes.py``);
``similarity``, ``series`` (alignment and cohesion over time), ``blocs`` and ``dyads`` (the measures);
``ideal/`` (dynamic ideal points; ``allegiance.measure.ideal`` exports its
API). The layer needs only ``allegiance.facts`` and ``allegiance.errors``:
the renderers and charts of its results are in ``allegiance.report``
(``report/measure.py``, ``report/charts.py``), its commands in the CLI.

The names below are imported on first use (PEP 562), so that the command-line
tool does not pay for NumPy on commands that never measure anything.
"""

from __future__ import annotations

import importlib

_WHERE = {
    "DataStore": "allegiance.measure.data.store",
    "PeriodDyads": "allegiance.measure.dyads",
    "Votes": "allegiance.measure.data.votes",
    "alignment": "allegiance.measure.series",
    "all_dyads": "allegiance.measure.dyads",
    "all_pairs": "allegiance.measure.similarity",
    "cite": "allegiance.measure.data.store",
    "cohesion": "allegiance.measure.series",
    "counts_pair": "allegiance.measure.similarity",
    "cow_to_iso3": "allegiance.measure.data.codes",
    "default_data_path": "allegiance.measure.data.store",
    "import_dataset": "allegiance.measure.data.importer",
    "iso2_to_iso3": "allegiance.measure.data.codes",
    "iso3_to_cow": "allegiance.measure.data.codes",
    "lineage": "allegiance.measure.data.codes",
    "load_votes": "allegiance.measure.data.votes",
    "measures_from_counts": "allegiance.measure.similarity",
    "members_as_of": "allegiance.measure.blocs",
    "membership_spells": "allegiance.measure.blocs",
    "open_data": "allegiance.measure.data.store",
    "state_name": "allegiance.measure.data.codes",
    "versions": "allegiance.measure.data.store",
    "vote_matrix": "allegiance.measure.data.votes",
}

__all__ = [
    "DataStore",
    "PeriodDyads",
    "Votes",
    "alignment",
    "all_dyads",
    "all_pairs",
    "cite",
    "cohesion",
    "counts_pair",
    "cow_to_iso3",
    "default_data_path",
    "import_dataset",
    "iso2_to_iso3",
    "iso3_to_cow",
    "lineage",
    "load_votes",
    "measures_from_counts",
    "members_as_of",
    "membership_spells",
    "open_data",
    "state_name",
    "versions",
    "vote_matrix",
]


def __getattr__(name: str):
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'allegiance.measure' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
