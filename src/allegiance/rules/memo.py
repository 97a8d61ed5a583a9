"""The memo answers share: one bounded least-recently-used table per kind of key, keys as frozen dataclasses.

A key names what it stands for (an action's BDD on a day, a body's members in force, a record's
evidence...), so two kinds can never collide, and each kind is bounded on its own.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import date
from typing import Any, Hashable

__all__ = ["Memo", "BodyKey", "ActionKey", "ReachKey", "FuzzyKey", "AnalysisKey", "UncertainKey", "EvidenceKey",
           "MembersKey", "SourcesKey", "VotersKey", "ConsentKey"]


@dataclass(frozen=True, slots=True)
class BodyKey:
    """A body's decision, as a BDD: members in force on ``day`` (``lenient``: possibly in force counts)."""

    arrangement: str
    body: str
    matter: str | None
    day: date
    lenient: bool


@dataclass(frozen=True, slots=True)
class ActionKey:
    """An action's requirement in a mode (``None``: some mode, reaching it included) on a day."""

    arrangement: str
    action: str
    mode: str | None
    day: date
    lenient: bool


@dataclass(frozen=True, slots=True)
class ReachKey:
    """For each mode, the condition under which the arrangement can be brought into it."""

    arrangement: str
    day: date
    lenient: bool


@dataclass(frozen=True, slots=True)
class AnalysisKey:
    """What an action's requirement says (vetoes, acting alone, coalitions): see requirements.analysis."""

    action: ActionKey


@dataclass(frozen=True, slots=True)
class MembersKey:
    """A body's members in force on a day, less those with an opt-out for the matter."""

    body: BodyKey


@dataclass(frozen=True, slots=True)
class ConsentKey:
    """The players a list of names stands for in an arrangement (see expand_consent)."""

    arrangement: str
    names: tuple
    field: str


@dataclass(frozen=True, slots=True)
class VotersKey:
    """What a proof shows of each member voting (name, line, evidence): see explain._voters."""

    body: BodyKey


@dataclass(frozen=True, slots=True)
class SourcesKey:
    """The citations of an action's proof in ctx (which records a proof shows does not depend on consents)."""

    action: ActionKey


@dataclass(frozen=True, slots=True)
class UncertainKey:
    """What an action's answer may hinge on, on a day, in a mode (``None``: any, transitions included)."""

    arrangement: str
    action: str
    day: date
    mode: str | None = None


@dataclass(frozen=True, slots=True)
class EvidenceKey:
    """A record's evidence (with ``rule``: a body's and its decision rule's), by where the record is written."""

    arrangement: str
    path: tuple
    rule: bool = False


@dataclass(frozen=True, slots=True)
class FuzzyKey:
    """Whether anything in the arrangement is only possibly in force on a day."""

    arrangement: str
    day: date


class Memo:
    """What answers share, one least-recently-used table per kind of key, each bounded to ``size`` entries.

    (Recency is tracked once a table is half full: below that nothing is evicted, and a hit costs one lookup.)
    """

    def __init__(self, size: int = 4096):
        self.size = size
        self._tables: dict[type, OrderedDict] = {}
        self.hits = self.misses = 0

    def get(self, key: Hashable, default: Any = None) -> Any:
        try:
            table = self._tables[type(key)]
            value = table[key]
        except KeyError:
            self.misses += 1
            return default
        if len(table) > self.size >> 1:  # recency matters only as the table nears its bound
            table.move_to_end(key)
        self.hits += 1
        return value

    def __contains__(self, key: Hashable) -> bool:
        table = self._tables.get(type(key))
        return table is not None and key in table

    def put(self, key: Hashable, value: Any) -> Any:
        table = self._tables.setdefault(type(key), OrderedDict())
        table[key] = value
        table.move_to_end(key)
        if len(table) > self.size:
            table.popitem(last=False)
        return value

    def clear(self) -> None:
        self._tables.clear()
