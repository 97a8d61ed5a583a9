"""allegiance: the machinery of alliances and neutrality, executable, sourced and time-aware.

The public API::

    from allegiance import open_store, timeline, facts_as_of
    from datetime import date

    with open_store() as store:                      # the shipped knowledge base, compiled on first use
        print(facts_as_of(store, "BLR", as_of=date(2020, 7, 1))["count"])
"""

from allegiance.errors import (
    AllegianceError,
    DateError,
    KnowledgeBaseError,
    Problem,
    UnknownIdError,
    UnknownStateError,
)
from allegiance.facts.load import KnowledgeBase, check_seed_quotes, load_kb
from allegiance.facts.query import (
    conflicts,
    facts_as_of,
    get_source,
    list_sources,
    state_code,
    statements_by_id,
    timeline,
)
from allegiance.facts.store import Store, open_store
from allegiance.facts.time import FuzzyDate, parse_date, parse_day

__version__ = "0.1.0"

__all__ = [
    "AllegianceError",
    "DateError",
    "FuzzyDate",
    "KnowledgeBase",
    "KnowledgeBaseError",
    "Problem",
    "Store",
    "UnknownIdError",
    "UnknownStateError",
    "check_seed_quotes",
    "conflicts",
    "facts_as_of",
    "get_source",
    "list_sources",
    "load_kb",
    "open_store",
    "parse_date",
    "parse_day",
    "state_code",
    "statements_by_id",
    "timeline",
]
