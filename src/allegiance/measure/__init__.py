"""The measure layer: what states actually do.

Imported public datasets (UN General Assembly roll calls, ATOP alliances,
the COW state system) in their own DuckDB store, a COW/ISO crosswalk, and
the field's measures of foreign-policy similarity: agreement, Cohen's kappa,
Scott's pi, S, bloc cohesion and alignment over time::

    from allegiance import open_store
    from allegiance.measure import open_data, alignment

    with open_data() as data, open_store() as kb:
        result = alignment(data, kb, "BLR", ["RUS", "nato"], start=1992, end=2019, measure="kappa")
"""

from allegiance.measure.alignment import alignment, cohesion
from allegiance.measure.blocs import members_as_of, membership_spells
from allegiance.measure.codes import (
    cow_to_iso3,
    iso2_to_iso3,
    iso3_to_cow,
    lineage,
    state_name,
)
from allegiance.measure.dyads import PeriodDyads, all_dyads
from allegiance.measure.importer import import_dataset
from allegiance.measure.similarity import all_pairs, counts_pair, measures_from_counts
from allegiance.measure.store import (
    DataStore,
    cite,
    default_data_path,
    open_data,
    versions,
)
from allegiance.measure.votes import Votes, load_votes, vote_matrix

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
