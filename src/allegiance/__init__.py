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

import sys
import types

# Each public name and the module it lives in. Nothing is imported until a name is first used
# (PEP 562 module ``__getattr__``), so ``import allegiance`` (and with it every CLI call, whose modules
# live in this package) costs nothing beyond the modules that answer actually needs.
_WHERE = {
    "allegiance.errors": ("AllegianceError", "DateError", "KnowledgeBaseError", "PowerError", "Problem",
                          "RulesError", "StatusError", "UnknownIdError", "UnknownStateError"),
    "allegiance.facts.load": ("KnowledgeBase", "check_seed_quotes", "load_kb"),
    "allegiance.facts.query": ("conflicts", "facts_as_of", "get_source", "list_sources", "state_code",
                               "statements_by_id", "timeline"),
    "allegiance.facts.store": ("Store", "open_store"),
    "allegiance.facts.time": ("FuzzyDate", "parse_date", "parse_day"),
    "allegiance.report.assess": ("assess",),
    "allegiance.rules": ("Rules", "can", "diff", "keeps_veto", "list_arrangements", "open_rules", "verify", "vetoes",
                         "who_commands"),
    "allegiance.status.engine": ("changes", "compare", "status", "status_all"),
}
_MODULE_OF = {name: module for module, names in _WHERE.items() for name in names}
# Public names that are another name in their module.
_RENAMED = {"power": ("allegiance.rules.vetoes", "body_power")}
_MODULE_OF.update({name: module for name, (module, _) in _RENAMED.items()})


def __getattr__(name: str):
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'allegiance' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), _RENAMED.get(name, (module, name))[1])
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_MODULE_OF))


class _Package(types.ModuleType):
    """This package, which keeps its public names when a submodule of the same name is imported.

    The import system binds every submodule on its package; ``allegiance.status`` is both a subpackage and
    the public function ``status``. The eager imports this package once made bound the function last, so
    the function is what ``allegiance.status`` means; this keeps it so whatever is imported first.
    """

    def __setattr__(self, name: str, value) -> None:
        if name in _MODULE_OF and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


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
