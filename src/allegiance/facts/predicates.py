"""The predicates a statement may use, each with its signature.

A statement says ``subject predicate [object | value]``. Each predicate
fixes which entity types may be its subject and object, whether it takes a
value and of what kind, whether it is an *instant* (an event at a date: it
appears on timelines but does not "hold" over a period) or *durative* (a
state of affairs from ``valid_from`` until ``valid_until``), and whether it
is *functional* — single-valued — so that two statements giving different
answers for the same subject are reported as a conflict:

- ``date``: one date per subject (an event occurs once): differing dates conflict;
- ``value``: one value or object per subject, role and mode at a time:
  differing values with overlapping valid time conflict.

The registry is data; ``docs/kb-schema.md`` lists it and a test keeps the two in step.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Predicate", "PREDICATES", "ENTITY_TYPES", "DOCUMENT_TYPES", "MODES"]

ENTITY_TYPES = (
    "state",
    "organisation",
    "body",
    "office",
    "force",
    "facility",
    "document",
    "event",
    "person",
)

DOCUMENT_TYPES = (
    "treaty",
    "agreement",
    "doctrine",
    "concept",
    "constitution",
    "declaration",
    "resolution",
    "article",
    "law",
    "memorandum",
    "proposal",
    "statute",
    "charter",
)

MODES = ("peacetime", "threatened-period", "wartime")

ANY = ENTITY_TYPES
ACTORS = ("state", "organisation", "body", "office", "person", "force")


@dataclass(frozen=True)
class Predicate:
    name: str
    description: str
    subject: tuple[str, ...]
    object: tuple[str, ...] | None = None  # None: takes no object
    value: str | None = None  # None | "int" | "text" | "label" | "duration"
    labels: tuple[str, ...] = ()  # allowed values when value == "label"
    roles: tuple[str, ...] | None = None  # None: any kebab-case role; () : no role allowed
    instant: bool = False
    functional: str | None = None  # None | "date" | "value"
    object_required: bool = True
    value_required: bool = True
    assessment_only: bool = False
    modes: bool = False  # may carry a readiness mode
    example: str = ""
    extra: dict = field(default_factory=dict)


def _p(*args, **kw) -> Predicate:
    return Predicate(*args, **kw)


_LIST = [
    _p("occurred", "The event took place (valid_from is its date).", ("event",),
       roles=(), instant=True, functional="date",
       example="subject: nam-havana-summit-2006"),
    _p("signed", "The document was signed, adopted or promulgated (role says which).", ("document",),
       roles=("signed", "adopted", "ratified", "published", "entered-into-force", "amended", "proposed"),
       instant=True, functional="date",
       example="subject: union-state-treaty, role: signed"),
    _p("founded", "The organisation or body was founded.", ("organisation", "body", "force", "facility"),
       roles=(), instant=True, functional="date"),
    _p("independence", "The state became independent.", ("state",), roles=(), functional="date"),
    _p("in-force", "The document was in force over the valid time.", ("document",), roles=()),
    _p("member-of", "Membership of an organisation or body.", ("state", "organisation", "office", "body"),
       object=("organisation", "body"),
       roles=("member", "founding-member", "observer", "partner", "dialogue-partner", "associate",
              "candidate", "applicant", "chair")),
    _p("party-to", "A party to a treaty or agreement.", ("state", "organisation"), object=("document",),
       roles=("party", "signatory", "guarantor")),
    _p("holds-office", "A person holds an office.", ("person",), object=("office",), roles=()),
    _p("participant", "A participant in an event, in a role (speaker, proposer, host, attacker, ...).",
       ("event",), object=ANY, instant=True),
    _p("held-in", "The event took place in the state.", ("event",), object=("state",), roles=(),
       instant=True),
    _p("part-of", "Part of a larger whole (a unit of a force, a body of an organisation, an event of a series).",
       ("force", "body", "office", "organisation", "event", "facility", "document"),
       object=("force", "body", "organisation", "event", "document"), modes=True),
    _p("exists", "The force, body, office or state exists (negated: does not exist); for a state, the days it "
       "existed as one (valid_until: the day it ceased).", ("force", "body", "office", "state"),
       roles=(), modes=True),
    _p("commanded-by", "The force is commanded by the office (or person).", ("force",),
       object=("office", "person"), roles=(), modes=True, functional="value"),
    _p("reports-to", "The office or force answers to the body or office.", ("office", "force", "body"),
       object=("body", "office"), roles=(), modes=True),
    _p("appointed-by", "The office is filled or approved by the office or body (role: appoints, approves).",
       ("office",), object=("office", "body"), roles=("appoints", "approves", "nominates"), modes=True),
    _p("decides-by", "The body's decision rule.", ("body",), value="label",
       labels=("consensus", "unanimity", "simple-majority", "qualified-majority", "double-majority",
               "weighted-majority"),
       roles=(), modes=True, functional="value"),
    _p("competence", "What the body decides or is responsible for (value: a short description).",
       ("body", "office"), value="text", roles=(), modes=True),
    _p("located-in", "Where a facility, force, organisation or body is.", ("facility", "force", "body", "organisation"),
       object=("state",), roles=()),
    _p("location", "A place name for a facility or force (value: the place).", ("facility", "force"),
       value="text", roles=(), functional="value"),
    _p("owned-by", "The facility belongs to the state.", ("facility",), object=("state",), roles=()),
    _p("leased-to", "The facility is leased to (used by) the state.", ("facility",), object=("state",), roles=()),
    _p("personnel", "Number of personnel.", ("facility", "force"), value="int", roles=(), functional="value"),
    _p("stationed-in", "Forces of the subject are stationed in the object (negated: none are).",
       ("state", "force"), object=("state",), roles=("permanent", "rotational", "temporary")),
    _p("capability", "A stated capability of a facility or force (value: e.g. non-combat, early-warning radar).",
       ("facility", "force"), value="text", roles=()),
    _p("recurs", "A recurring event series and its period (value: an ISO 8601 duration, e.g. P4Y).",
       ("event",), value="duration", roles=()),
    _p("security-guarantee", "The subject guarantees something to the object (the text says what).",
       ("state",), object=("state",), roles=()),
    _p("aim", "A stated goal of the state (role: where it is stated).", ("state",), value="label",
       labels=("neutrality", "nuclear-free-zone", "nato-membership", "eu-membership", "neutral-status",
               "integration-with-russia", "multi-vector-policy"),
       roles=("constitutional", "doctrinal", "policy")),
    _p("neutrality", "The state's neutral status and its kind (basis: the legal instruments).", ("state",),
       value="label",
       labels=("permanent-neutrality", "military-neutrality", "military-non-alignment", "positive-neutrality"),
       roles=("declared", "recognised", "policy"), functional="value"),
    _p("participated-in", "The state or force took part in the conflict or operation (negated: abstained).",
       ("state", "force"), object=("event",), roles=None),
    _p("territory-used", "The state's territory was used for the operation.", ("state",), object=("event",),
       roles=None, instant=True),
    _p("hosted", "The state hosted the event.", ("state",), object=("event",), roles=(), instant=True),
    _p("refused", "The state or person refused the proposal, plan or document.", ("state", "person", "office"),
       object=("event", "document"), roles=(), instant=True),
    _p("modelled-on", "A proposal or design follows an earlier precedent.", ("event", "document"),
       object=("event", "document"), roles=()),
    _p("restricts", "The subject imposes restrictions or sanctions on the object.",
       ("state", "organisation"), object=("state",), roles=()),
    _p("successor-of", "The state continues or succeeds the object state.", ("state",), object=("state",),
       roles=("continuator", "successor")),
    _p("obligation", "The document binds its parties (or, with an object, the members of that organisation) "
       "to an obligation (value: which).", ("document",), object=("organisation",), value="label",
       labels=("mutual-defence", "mutual-assistance", "consultation", "non-aggression", "neutrality",
               "no-foreign-bases"),
       roles=(), object_required=False,
       example="subject: north-atlantic-treaty, object: nato, value: mutual-defence"),
    _p("assessed-as", "An interpretation attributed to its source (assessments only; value: the label).",
       ANY, value="text", roles=(), assessment_only=True),
]

PREDICATES: dict[str, Predicate] = {p.name: p for p in _LIST}
