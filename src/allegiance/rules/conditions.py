"""Requirements as a small condition language.

A condition is a YAML mapping with exactly one key::

    all: [COND, ...]          every one holds
    any: [COND, ...]          at least one holds
    decision: BODY            the body decides under its rule
    decision: {body: BODY, matter: MATTER}   ... members with an opt-out for MATTER take no part
    consent: PLAYER           an office (BLR.president) or a state (BLR) consents
    mode: [MODE, ...]         the arrangement is in one of these readiness modes
    holds: STATEMENT          a statement of the facts knowledge base holds on the date asked about
    never: REASON             prohibited: no consent makes it possible

Players and bodies are the variables of the game; modes and ``holds`` are
settled by the question (the mode and date asked about).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

__all__ = ["Cond", "All", "AnyOf", "Decision", "Consent", "InMode", "Holds", "Never", "parse_condition",
           "walk", "CONDITION_KEYS"]

CONDITION_KEYS = ("all", "any", "decision", "consent", "mode", "holds", "never")


@dataclass(frozen=True)
class Cond:
    path: tuple  # where it was written (for errors and proofs)


@dataclass(frozen=True)
class All(Cond):
    items: tuple[Cond, ...]


@dataclass(frozen=True)
class AnyOf(Cond):
    items: tuple[Cond, ...]


@dataclass(frozen=True)
class Decision(Cond):
    body: str
    matter: str | None = None


@dataclass(frozen=True)
class Consent(Cond):
    player: str


@dataclass(frozen=True)
class InMode(Cond):
    modes: tuple[str, ...]


@dataclass(frozen=True)
class Holds(Cond):
    statement: str


@dataclass(frozen=True)
class Never(Cond):
    reason: str


def walk(cond: Cond):
    """Every node of a condition, depth first."""
    yield cond
    if isinstance(cond, (All, AnyOf)):
        for c in cond.items:
            yield from walk(c)


def parse_condition(data: Any, path: tuple, problem: Callable[[tuple, str], None]) -> Cond | None:
    """Parse ``data`` written at ``path``; report each problem through ``problem(path, message)``."""
    if not isinstance(data, dict) or len(data) != 1:
        got = f"a mapping with keys {sorted(data)}" if isinstance(data, dict) else f"{type(data).__name__} {data!r}"
        problem(path, f"expected a condition: a mapping with exactly one of {', '.join(CONDITION_KEYS)}; got {got}")
        return None
    (key, value), = data.items()
    here = path + (key,)
    if key in ("all", "any"):
        if not isinstance(value, list) or not value:
            problem(here, f"'{key}' takes a non-empty list of conditions")
            return None
        items = [parse_condition(v, here + (i,), problem) for i, v in enumerate(value)]
        if any(i is None for i in items):
            return None
        return (All if key == "all" else AnyOf)(path, tuple(items))
    if key == "decision":
        if isinstance(value, str):
            return Decision(path, value)
        if isinstance(value, dict) and set(value) <= {"body", "matter"} and isinstance(value.get("body"), str) \
                and isinstance(value.get("matter", ""), str):
            return Decision(path, value["body"], value.get("matter"))
        problem(here, f"'decision' takes a body id or {{body: ID, matter: MATTER}}; got {value!r}")
        return None
    if key == "consent":
        if isinstance(value, str):
            return Consent(path, value)
        problem(here, f"'consent' takes one office or state id; got {value!r} (use all: [...] for several)")
        return None
    if key == "mode":
        modes = [value] if isinstance(value, str) else value
        if isinstance(modes, list) and modes and all(isinstance(m, str) for m in modes):
            return InMode(path, tuple(modes))
        problem(here, f"'mode' takes a mode or a list of modes; got {value!r}")
        return None
    if key == "holds":
        if isinstance(value, str):
            return Holds(path, value)
        problem(here, f"'holds' takes a statement id; got {value!r}")
        return None
    if key == "never":
        if isinstance(value, str) and value.strip():
            return Never(path, value.strip())
        problem(here, "'never' takes the reason the action is prohibited, as text")
        return None
    problem(here, f"unknown condition {key!r}; expected one of {', '.join(CONDITION_KEYS)}")
    return None
