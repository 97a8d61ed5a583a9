"""The rules language: an arrangement and everything in it, as typed records.

An arrangement file (``kb/arrangements/<id>.yaml``) describes one
institutional design: its parties, readiness modes and who may move between
them, decision bodies and their rules, forces and who commands them in each
mode, actions with the provisions that govern them, and properties to verify.
Every provision carries its evidence: ``basis`` (ids of statements in the
facts knowledge base, whose citations come with them) and/or ``sources``
(citations of its own). Field rules live here; references and conditions are
checked by :mod:`allegiance.rules.load`. The schema is documented in
docs/rules-schema.md.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from allegiance.facts.model import Citation, DateText, EntityId, KebabId, Text
from allegiance.facts.predicates import MODES
from allegiance.rules.decision import RULE_KINDS, DecisionRule

__all__ = ["Arrangement", "Body", "Member", "DecisionRule", "Force", "Command", "Unit", "Action", "Provision",
           "Transition", "Property", "KnownUntil", "RULE_KINDS", "EFFECTS", "CHECKS"]

# What a property checks of the matching actions (see docs/rules-schema.md).
CHECKS = ("veto", "cannot-act-alone", "can-act-alone", "impossible", "possible")

# What an action does, so that properties can name a class of actions.
EFFECTS = (
    "foreign-forces-enter",       # foreign troops or equipment brought onto a party's territory
    "station-forces",             # forces stationed (based) on a party's territory in peacetime
    "open-base",                  # a military base or facility opened or leased
    "activate-joint-force",       # a joint force or joint plans put into action
    "use-territory-for-attack",   # a party's territory used for an attack on a third state
    "use-own-forces",             # a party's own forces committed to operations
    "appoint-commander",
    "collective-defence",         # assistance to a party under attack
    "change-mode",
    "admit-member",
)

Mode = Literal["peacetime", "threatened-period", "wartime"]
assert set(MODES) == {"peacetime", "threatened-period", "wartime"}

class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)

    # Where the record is written in its file (a path such as ("actions", 2, "provisions", 0)), set by the
    # loader: it travels with the record through copies and pickling.
    _path: tuple = PrivateAttr(default=())

    @property
    def path(self) -> tuple:
        return self.__pydantic_private__["_path"]  # what self._path reads, without pydantic's __getattr__


class KnownUntil(_Strict):
    """The day from which a record is no longer known to hold, why, and the statements that show it.

    From ``date`` on (as ``valid_until``, the first day not covered) the record is only possibly in force:
    it may have ended or changed, and the sources do not say. An answer that turns on it is ``unknown``,
    with ``reason``, never the earlier answer.
    """

    date: DateText
    reason: Text
    basis: list[KebabId] = Field(min_length=1)  # the statements that show the record no longer describes events


class _Evidenced(_Strict):
    """Anything that must carry evidence and may have its own valid time."""

    basis: list[KebabId] = Field(default_factory=list)
    sources: list[Citation] = Field(default_factory=list)
    valid_from: DateText | None = None
    valid_until: DateText | None = None
    known_until: KnownUntil | None = None
    note: Text | None = None


class Member(_Evidenced):
    """A seat in a body: an office (``BLR.president``) or a state (``BLR``)."""

    player: EntityId
    opt_outs: list[KebabId] = Field(default_factory=list)  # matters this member takes no part in


class Body(_Evidenced):
    id: KebabId
    name: Text
    members: list[Member] = Field(min_length=1)
    rule: DecisionRule
    rule_basis: list[KebabId] = Field(default_factory=list)
    rule_sources: list[Citation] = Field(default_factory=list)


class Transition(_Evidenced):
    id: KebabId
    from_: Mode = Field(alias="from")
    to: Mode
    requires: Any


class Unit(_Evidenced):
    unit: EntityId
    state: EntityId
    modes: list[Mode] = Field(default_factory=lambda: list(MODES))


class Command(_Evidenced):
    """Who commands a force, and to whom it answers, in some modes."""

    modes: list[Mode] = Field(min_length=1)
    exists: bool = True
    part_of: KebabId | None = None
    commander: EntityId | None = None
    appointed_by: Any = None
    reports_to: EntityId | None = None


class Force(_Evidenced):
    id: KebabId
    name: Text
    counterpart: KebabId | None = None  # the force it stands for when designs are compared (diff)
    composition: list[Unit] = Field(default_factory=list)
    command: list[Command] = Field(min_length=1)


class Provision(_Evidenced):
    id: KebabId
    requires: Any
    text: Text | None = None
    supersedes: list[KebabId] = Field(default_factory=list)  # provisions of the same action it replaces


class Action(_Strict):
    id: KebabId
    name: Text
    counterpart: KebabId | None = None  # the action it stands for when designs are compared (diff)
    territory: EntityId | None = None
    actor: EntityId | None = None
    effects: list[Literal[EFFECTS]] = Field(default_factory=list)  # type: ignore[valid-type]
    provisions: list[Provision] = Field(min_length=1)
    note: Text | None = None


class Property(_Strict):
    id: KebabId
    description: Text
    check: Literal[CHECKS]  # type: ignore[valid-type]
    state: EntityId | None = None
    actions: list[KebabId] = Field(default_factory=list)
    effects: list[Literal[EFFECTS]] = Field(default_factory=list)  # type: ignore[valid-type]
    territory: EntityId | None = None
    modes: list[Mode] | None = None  # default: every mode the arrangement declares


class Arrangement(_Evidenced):
    id: KebabId
    name: Text
    kind: Literal["alliance", "union", "bilateral", "design", "treaty-regime", "neutrality-regime"]
    parties: list[EntityId] = Field(min_length=1)
    description: Text
    described_as_of: DateText  # the date the arrangement is described as of: the default date of questions
    # The last day its history is encoded to (default: described_as_of): a question about a later day gets a
    # caveat that later changes are not encoded.
    encoded_until: DateText | None = None
    modelled_on: list[KebabId] = Field(default_factory=list)  # arrangements or KB entities it copies
    modes: list[Mode] = Field(default_factory=lambda: list(MODES), min_length=1)
    initial_mode: Mode = "peacetime"
    transitions: list[Transition] = Field(default_factory=list)
    bodies: list[Body] = Field(default_factory=list)
    forces: list[Force] = Field(default_factory=list)
    actions: list[Action] = Field(default_factory=list)
    properties: list[Property] = Field(default_factory=list)
