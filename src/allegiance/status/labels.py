"""Posture labels derived from the criteria, and the attributed assessments they are shown beside.

A label is a formula over criteria in three-valued (Kleene) logic: it holds
(true), does not hold (false) or is unknown (null) when an unknown criterion
could change it. Each label lists every criterion its formula reads, with the
part it plays (``required``, ``must-not-hold``) and criteria that only inform
(``context``).

Attributed assessments (Sivitsky: "de facto neutral") never enter a formula.
``ASSESSMENT_LABELS`` says, statement by statement, which label an assessment
speaks to and whether it says the label holds, so that agreement and
disagreement with the derived label can be reported; the mapping is explicit
data, checked by a test against the knowledge base.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["ASSESSMENT_LABELS", "LABELS", "Label", "formula_text", "truth"]


@dataclass(frozen=True)
class Label:
    id: str
    name: str
    definition: str
    formula: tuple            # ("all", a, b, ...), ("not", a), or a criterion id
    context: tuple[str, ...] = ()
    basis: tuple[str, ...] = ()   # statements whose passages carry the definition


_LIST = [
    Label("allied", "Allied", "Bound by a mutual-defence obligation.", "mutual-defence",
          basis=("north-atlantic-treaty-signed",)),
    Label("non-aligned", "Non-aligned", "A member of the Non-Aligned Movement.", "nam-member",
          basis=("blr-member-nam",)),
    Label("permanently-neutral", "Permanently neutral",
          "Permanent neutrality declared by the state or recognised by other states.", "permanent-neutrality",
          context=("foreign-forces", "hague-v-duties"),
          basis=("law-of-neutrality-definition-aljazeera",)),
    Label("post-neutral", "Post-neutral",
          "A state with a neutral tradition inside the EU's common security and defence policy, and in no "
          "mutual-defence alliance (the news piece: Ireland, Sweden, Finland and Austria \"being post-neutral "
          "states since they are part of the European Union\").",
          ("all", "neutral-tradition", "eu-csdp", ("not", "mutual-defence")),
          basis=("irl-post-neutral-aljazeera", "eu-cfsdp-opt-out-clauses-aljazeera")),
    Label("militarily-non-aligned", "Militarily non-aligned",
          "In no alliance with a mutual-defence obligation.", ("not", "mutual-defence"),
          context=("declared-non-alignment",), basis=("swe-military-non-alignment",)),
    Label("de-facto-neutral", "De facto neutral",
          "Formally allied, yet keeps a veto over the use of its territory and of its forces, stays out of its "
          "allies' wars and lets no belligerent use its territory (Sivitsky 2020's reading of Belarus: its "
          "modus operandi \"resembles the model of behaviour of a neutral state\").",
          ("all", "mutual-defence", "veto-foreign-forces", "veto-own-forces", ("not", "ally-war-participation"),
           "hague-v-duties"),
          context=("foreign-forces", "foreign-facilities"),
          basis=("blr-de-facto-neutral-assessment", "blr-neutral-modus-operandi-assessment")),
    Label("strategically-autonomous", "Strategically autonomous",
          "Inside an alliance, keeps a veto over foreign forces entering its territory and over the use of its "
          "own forces (Sivitsky 2020: \"strategic autonomy vis-à-vis Russia\").",
          ("all", "mutual-defence", "veto-foreign-forces", "veto-own-forces"),
          basis=("blr-strategic-autonomy-assessment",)),
    Label("aspiring-to-neutrality", "Aspiring to neutrality",
          "States the aim of neutrality (constitution, doctrine or policy) without being permanently neutral.",
          ("all", "neutrality-aim", ("not", "permanent-neutrality")),
          context=("constitutional-neutrality-aim",), basis=("blr-aim-neutrality-constitution-1994",)),
    Label("aspiring-to-nato", "Aspiring to NATO membership",
          "States the aim of NATO membership, or has applied, without being a member.",
          ("all", "nato-aim", ("not", "nato-member")),
          context=("constitutional-nato-aim",), basis=("ukr-aim-nato-membership-constitutional",)),
]

LABELS: dict[str, Label] = {lb.id: lb for lb in _LIST}

# statement id -> (label, whether the assessment says the label holds)
ASSESSMENT_LABELS: dict[str, tuple[str, bool]] = {
    "blr-de-facto-neutral-assessment": ("de-facto-neutral", True),
    "blr-neutral-modus-operandi-assessment": ("de-facto-neutral", True),
    "blr-active-enabler-euiss": ("de-facto-neutral", False),
    "blr-facilitated-war-cia": ("de-facto-neutral", False),
    "blr-strategic-autonomy-assessment": ("strategically-autonomous", True),
    "blr-not-traditional-neutral-assessment": ("permanently-neutral", False),
    "che-example-of-neutrality-aljazeera": ("permanently-neutral", True),
    "irl-post-neutral-aljazeera": ("post-neutral", True),
    "swe-post-neutral-aljazeera": ("post-neutral", True),
    "fin-post-neutral-aljazeera": ("post-neutral", True),
    "aut-post-neutral-aljazeera": ("post-neutral", True),
}

_TRUTH = {"met": True, "not-met": False, "unknown": None}


def truth(formula, results: dict[str, dict[str, Any]]) -> bool | None:
    """Kleene three-valued value of ``formula`` over the criteria ``results``."""
    if isinstance(formula, str):
        return _TRUTH[results[formula]["result"]]
    op, *args = formula
    if op == "not":
        v = truth(args[0], results)
        return None if v is None else not v
    if op == "all":
        vals = [truth(a, results) for a in args]
        if False in vals:
            return False
        return None if None in vals else True
    if op == "any":
        vals = [truth(a, results) for a in args]
        if True in vals:
            return True
        return None if None in vals else False
    raise ValueError(f"unknown operator {op!r}")


def criteria_of(formula, *, negated: bool = False) -> list[tuple[str, str]]:
    """(criterion, part) for each criterion the formula reads, in order."""
    if isinstance(formula, str):
        return [(formula, "must-not-hold" if negated else "required")]
    op, *args = formula
    out = []
    for a in args:
        out.extend(criteria_of(a, negated=negated != (op == "not")))
    return out


def formula_text(formula) -> str:
    if isinstance(formula, str):
        return formula
    op, *args = formula
    if op == "not":
        return f"not {formula_text(args[0])}"
    return f" {'and' if op == 'all' else 'or'} ".join(formula_text(a) for a in args)
