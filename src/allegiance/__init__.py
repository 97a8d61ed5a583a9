"""allegiance: the machinery of alliances and neutrality, executable, sourced and time-aware.

The public API::

    from allegiance import open_store, timeline, facts_as_of
    from datetime import date

    with open_store() as store:                      # the shipped knowledge base, compiled on first use
        print(facts_as_of(store, "BLR", as_of=date(2020, 7, 1))["count"])
        rules = open_rules(store)                    # the shipped arrangements (the Union State, rival designs...)
        print(can(rules, "bring-russian-forces-into-blr", arrangement="union-state",
                  mode="threatened-period")["veto_states"])
        print(status(store, "FIN", as_of=date(2024, 1, 1))["holding"])   # derived posture labels
"""

from allegiance.errors import (
    AllegianceError,
    DateError,
    KnowledgeBaseError,
    PowerError,
    Problem,
    RulesError,
    StatusError,
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
from allegiance.report.assess import assess
from allegiance.rules import (
    Rules,
    can,
    diff,
    keeps_veto,
    list_arrangements,
    open_rules,
    verify,
    vetoes,
    who_commands,
)
from allegiance.rules.vetoes import body_power as power
from allegiance.status.engine import changes, compare, status, status_all

__version__ = "0.1.0"

__all__ = [
    "AllegianceError",
    "DateError",
    "FuzzyDate",
    "KnowledgeBase",
    "KnowledgeBaseError",
    "PowerError",
    "Problem",
    "Rules",
    "RulesError",
    "StatusError",
    "Store",
    "UnknownIdError",
    "UnknownStateError",
    "assess",
    "can",
    "changes",
    "check_seed_quotes",
    "compare",
    "conflicts",
    "diff",
    "facts_as_of",
    "get_source",
    "keeps_veto",
    "list_arrangements",
    "list_sources",
    "load_kb",
    "open_rules",
    "open_store",
    "parse_date",
    "parse_day",
    "power",
    "state_code",
    "statements_by_id",
    "status",
    "status_all",
    "timeline",
    "verify",
    "vetoes",
    "who_commands",
]
