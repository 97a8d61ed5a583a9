"""A body's decision rule, each kind written once: its fields, its checks and its three evaluations.

A rule is one of five kinds (``consensus``, ``unanimity``, ``majority``,
``weighted``, ``double-majority``), each a pydantic model with only its own
fields, so that a field the kind does not use is a schema error located to
its line. Every kind answers the same five questions:

- ``describe(n)``: the rule in words, for ``n`` members;
- ``bdd(game, members)``: the rule as a BDD over the members' consent
  (a :class:`~allegiance.rules.logic.Game`);
- ``decide(votes)``: the outcome of concrete votes (``yes``, ``no``,
  ``abstain`` per member), with the count in words;
- ``simple_game(members)``: the rule as a counting game of
  :mod:`allegiance.rules.power` (for power indices);
- ``problems(members)``: what is wrong with it for this body's members.

The three evaluators agree on every yes/no vote (tests/rules/test_decision.py
checks it on random rules and votes); abstention is a concrete-vote notion
(constructive abstention and its limits), which only ``decide`` sees.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from allegiance.errors import RulesError
from allegiance.facts.model import EntityId

__all__ = ["DecisionRule", "RULE_KINDS", "RULE_CLASSES", "Consensus", "Unanimity", "Majority", "Weighted",
           "DoubleMajority", "FractionText", "share_count"]

FractionText = Annotated[str, StringConstraints(pattern=r"^\d+/\d+$")]


def _fraction(text: str) -> Fraction:
    num, den = (int(x) for x in text.split("/"))
    return Fraction(num, den)


def share_count(share: str, n: int, *, strict: bool) -> int:
    """How many of ``n`` make at least (``strict``: more than) ``share`` of them."""
    exact = _fraction(share) * n
    return math.floor(exact) + 1 if strict else math.ceil(exact)


def _share_problems(rule: BaseModel, keys: tuple[str, ...]) -> list[tuple[tuple, str]]:
    out = []
    for key in keys:
        text = getattr(rule, key)
        if text is None:
            continue
        num, den = (int(x) for x in text.split("/"))
        if den == 0 or num > den:
            out.append(((key,), f"a share between 0 and 1 is expected; got {text}"))
    return out


class _Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)

    kind: str

    def describe(self, n: int) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def problems(self, members: list[str], body: str = "the body") -> list[tuple[tuple, str]]:
        """(path under the rule, message) for each thing wrong with the rule for ``body``'s members."""
        return []

    def _no_members(self, members) -> None:
        if not members:
            raise RulesError("a body with no members on the date decides nothing", value=[], field="members")


class _AllMembers(_Rule):
    """Consensus and unanimity: every member must agree (with constructive abstention, none may object)."""

    # constructive abstention: an abstainer does not block (and is not bound), unless abstainers reach
    # these shares of members and of population together
    constructive_abstention: bool = False
    abstention_limit_members: FractionText | None = None
    abstention_limit_population: FractionText | None = None
    population: dict[EntityId, int] | None = None

    def describe(self, n: int) -> str:
        return self.kind + (" (constructive abstention allowed)" if self.constructive_abstention else "")

    def bdd(self, game, members: list[str]):
        # A member's variable is true when it does not object (yes, or under constructive abstention, abstain).
        return game.all_of(game.x(p) for p in members) if members else game.false

    def simple_game(self, members: list[str]):
        from allegiance.rules import power as pw

        self._no_members(members)
        return pw.unanimity(members)

    def decide(self, votes: dict[str, str]) -> tuple[bool, str]:
        n = len(votes)
        if n == 0:
            return False, "the body has no members on this date"
        ys = [p for p, v in votes.items() if v == "yes"]
        ab = [p for p, v in votes.items() if v == "abstain"]
        no = [p for p, v in votes.items() if v == "no"]
        if not self.constructive_abstention:
            return not ab and not no, f"{len(ys)} of {n} members consent"
        ok = not no and bool(ys)
        detail = f"{len(ys)} yes, {len(ab)} abstaining (not bound), {len(no)} objecting"
        if ok and ab and self._abstainers_over_limit(votes, ab):
            ok = False
            detail += "; abstainers reach the limit of the constructive-abstention clause"
        return ok, detail

    def _abstainers_over_limit(self, votes: dict[str, str], ab: list[str]) -> bool:
        lim_m, lim_p = self.abstention_limit_members, self.abstention_limit_population
        over_m = lim_m is not None and Fraction(len(ab), len(votes)) >= _fraction(lim_m)
        over_p = True
        if lim_p is not None and self.population:
            total = sum(self.population[p] for p in votes)
            over_p = Fraction(sum(self.population[p] for p in ab), total) >= _fraction(lim_p)
        return over_m and (lim_p is None or over_p)

    def problems(self, members: list[str], body: str = "the body") -> list[tuple[tuple, str]]:
        out = _population_problems(self.population, members)
        if (self.abstention_limit_members or self.abstention_limit_population) and not self.constructive_abstention:
            out.append(((), "abstention limits apply only with constructive_abstention: true"))
        if self.abstention_limit_population and self.population is None:
            out.append((("abstention_limit_population",), "needs 'population' per member"))
        return out + _share_problems(self, ("abstention_limit_members", "abstention_limit_population"))


class Consensus(_AllMembers):
    kind: Literal["consensus"]


class Unanimity(_AllMembers):
    kind: Literal["unanimity"]


class _Vetoed(_Rule):
    """Rules under which some members' "no" blocks whatever the count (the UN Security Council's P5)."""

    vetoes: list[EntityId] = Field(default_factory=list)

    def _passes(self, yes: set[str], members: list[str]) -> tuple[bool, str]:  # pragma: no cover - abstract
        raise NotImplementedError

    def _bdd(self, game, members: list[str]):  # pragma: no cover - abstract
        raise NotImplementedError

    def _game(self, members: list[str]):  # pragma: no cover - abstract
        raise NotImplementedError

    def bdd(self, game, members: list[str]):
        if not members:
            return game.false
        return self._bdd(game, members) & game.all_of(game.x(v) for v in self.vetoes if v in members)

    def decide(self, votes: dict[str, str]) -> tuple[bool, str]:
        if not votes:
            return False, "the body has no members on this date"
        ok, detail = self._passes({p for p, v in votes.items() if v == "yes"}, list(votes))
        missing_veto = [v for v in self.vetoes if v in votes and votes[v] != "yes"]
        if missing_veto:
            detail += f"; no concurring vote of {', '.join(missing_veto)}"
        return ok and not missing_veto, detail

    def simple_game(self, members: list[str]):
        self._no_members(members)
        n = len(members)
        vetoes = [v for v in self.vetoes if v in members]
        # every veto holder must be in: weight n for each of them, 1 for the others, quota n * (their number)
        veto = _weighted(members, [n if p in vetoes else 1 for p in members], n * len(vetoes)) if vetoes else _EVERY
        return _proper(_all(self._game(members), veto), self.describe(n))

    def _veto_problems(self, members: list[str], body: str) -> list[tuple[tuple, str]]:
        return [(("vetoes",), f"veto holder {v!r} is not a member of {body}") for v in self.vetoes
                if v not in members]

    def _vetoes_text(self) -> str:
        return f", with vetoes of {', '.join(self.vetoes)}" if self.vetoes else ""


# Parts of a counting game: a game of allegiance.rules.power, or one of these two constants (which power
# cannot represent: a game needs a winning and a losing coalition).
_EVERY, _NONE = "every coalition wins", "no coalition wins"


def _count(members: list[str], k: int):
    """At least ``k`` of the members (one vote each)."""
    from allegiance.rules import power as pw

    return _EVERY if k <= 0 else _NONE if k > len(members) else pw.majority(members, k)


def _weighted(members: list[str], weights: list[int], quota: int):
    from allegiance.rules import power as pw

    return _EVERY if quota <= 0 else _NONE if quota > sum(weights) else pw.WeightedGame(members, weights, quota)


def _all(*parts):
    from allegiance.rules import power as pw

    if _NONE in parts:
        return _NONE
    games = [p for p in parts if p is not _EVERY]
    return _EVERY if not games else games[0] if len(games) == 1 else pw.MultiGame.all_of(*games)


def _any(*parts):
    from allegiance.rules import power as pw

    if _EVERY in parts:
        return _EVERY
    games = [p for p in parts if p is not _NONE]
    return _NONE if not games else games[0] if len(games) == 1 else pw.MultiGame.any_of(*games)


def _proper(game, rule: str):
    if isinstance(game, str):
        raise RulesError(f"{rule}: with these members {game}, which is no game to measure power in",
                         value=rule, field="members")
    return game


class Majority(_Vetoed):
    """At least a share of the members (``at_least``), more than a share (``more_than``), or ``count`` of them."""

    kind: Literal["majority"]
    at_least: FractionText | None = None
    more_than: FractionText | None = None
    count: int | None = Field(default=None, ge=1)

    def needed(self, n: int) -> int:
        """How many of ``n`` members the rule needs."""
        if self.count is not None:
            return self.count
        if self.at_least is not None:
            return share_count(self.at_least, n, strict=False)
        return share_count(self.more_than, n, strict=True)

    def describe(self, n: int) -> str:
        k = self.needed(n)
        if self.count is not None:
            t = f"at least {self.count} of {n}"
        elif self.at_least is not None:
            t = f"at least {self.at_least} of {n} members ({k})"
        else:
            t = f"more than {self.more_than} of {n} members ({k})"
        return "majority: " + t + self._vetoes_text()

    def _bdd(self, game, members):
        return game.threshold(members, [1] * len(members), self.needed(len(members)))

    def _passes(self, yes, members):
        n, k = len(members), self.needed(len(members))
        return len(yes) >= k, f"{len(yes)} yes of {n}; {k} needed"

    def _game(self, members):
        return _count(members, self.needed(len(members)))

    def problems(self, members: list[str], body: str = "the body") -> list[tuple[tuple, str]]:
        out = self._veto_problems(members, body) + _share_problems(self, ("at_least", "more_than"))
        given = [k for k in ("at_least", "more_than", "count") if getattr(self, k) is not None]
        if len(given) != 1:
            out.append(((), "a majority rule takes exactly one of at_least, more_than, count"))
        if self.more_than is not None and _fraction_or_none(self.more_than) == 1:
            out.append((("more_than",), "a threshold no coalition can reach: more than all members"))
        if self.count is not None and self.count > len(members):
            out.append((("count",), f"a threshold no coalition can reach: {self.count} of {len(members)} members"))
        return out


def _fraction_or_none(text: str) -> Fraction | None:
    num, den = (int(x) for x in text.split("/"))
    return Fraction(num, den) if den else None


class Weighted(_Vetoed):
    """A weight per member and a quota: a coalition wins when its weight reaches the quota."""

    kind: Literal["weighted"]
    weights: dict[EntityId, int]
    quota: int = Field(ge=1)

    def describe(self, n: int) -> str:
        return f"weighted: quota {self.quota} of {sum(self.weights.values())}"

    def _bdd(self, game, members):
        return game.threshold(members, [self.weights[p] for p in members], self.quota)

    def _passes(self, yes, members):
        w = sum(self.weights[p] for p in yes)
        return w >= self.quota, f"weight {w} of {sum(self.weights[p] for p in members)}; quota {self.quota}"

    def _game(self, members):
        return _weighted(members, [self.weights[p] for p in members], self.quota)

    def problems(self, members: list[str], body: str = "the body") -> list[tuple[tuple, str]]:
        out = self._veto_problems(members, body)
        if set(self.weights) != set(members):
            missing = sorted(set(members) - set(self.weights))
            extra = sorted(set(self.weights) - set(members))
            out.append((("weights",), f"one weight per member expected; missing {missing}, not members {extra}"))
        if any(w <= 0 for w in self.weights.values()):
            out.append((("weights",), "weights must be positive integers"))
        if self.quota > sum(self.weights.values()):
            out.append((("quota",), f"a threshold no coalition can reach: quota {self.quota} exceeds the total "
                                    f"weight {sum(self.weights.values())}"))
        return out


class DoubleMajority(_Vetoed):
    """At least a share of the members and a share of the population; optionally, it also passes when
    fewer than ``blocking_minority_at_least`` members do not support it (the EU Council's rule)."""

    kind: Literal["double-majority"]
    members_at_least: FractionText
    population_at_least: FractionText
    population: dict[EntityId, int]
    blocking_minority_at_least: int | None = Field(default=None, ge=1)

    def quotas(self, members: list[str]) -> tuple[int, int]:
        """(members needed, population needed) among ``members``."""
        total = sum(self.population[p] for p in members)
        return (share_count(self.members_at_least, len(members), strict=False),
                share_count(self.population_at_least, total, strict=False))

    def describe(self, n: int) -> str:
        out = (f"double majority: at least {self.members_at_least} of members and {self.population_at_least} "
               f"of population")
        if self.blocking_minority_at_least:
            out += f"; a blocking minority needs at least {self.blocking_minority_at_least} members"
        return out

    def _not_blocked(self, n: int) -> int:
        """Yes votes with which fewer than ``blocking_minority_at_least`` members are left to oppose."""
        return n - self.blocking_minority_at_least + 1

    def _bdd(self, game, members):
        n = len(members)
        k1, q2 = self.quotas(members)
        f = game.threshold(members, [1] * n, k1) & game.threshold(members, [self.population[p] for p in members], q2)
        if self.blocking_minority_at_least:
            f |= game.threshold(members, [1] * n, self._not_blocked(n))
        return f

    def _passes(self, yes, members):
        n = len(members)
        total = sum(self.population[p] for p in members)
        pop = sum(self.population[p] for p in yes)
        k1, q2 = self.quotas(members)
        ok = len(yes) >= k1 and pop >= q2
        detail = f"{len(yes)} of {n} members ({k1} needed), population {pop:,} of {total:,} ({q2:,} needed)"
        if not ok and self.blocking_minority_at_least and len(yes) >= self._not_blocked(n):
            ok = True
            detail += f"; fewer than {self.blocking_minority_at_least} members do not support it: no blocking minority"
        return ok, detail

    def _game(self, members):
        k1, q2 = self.quotas(members)
        game = _all(_count(members, k1), _weighted(members, [self.population[p] for p in members], q2))
        if self.blocking_minority_at_least:
            game = _any(game, _count(members, self._not_blocked(len(members))))
        return game

    def problems(self, members: list[str], body: str = "the body") -> list[tuple[tuple, str]]:
        return (self._veto_problems(members, body) + _population_problems(self.population, members)
                + _share_problems(self, ("members_at_least", "population_at_least")))


def _population_problems(population: dict | None, members: list[str]) -> list[tuple[tuple, str]]:
    out = []
    if population is not None:
        if set(population) != set(members):
            out.append((("population",), "one population figure per member expected"))
        if any(p <= 0 for p in population.values()):
            out.append((("population",), "populations must be positive integers"))
    return out


RULE_CLASSES: dict[str, type[_Rule]] = {"consensus": Consensus, "unanimity": Unanimity, "majority": Majority,
                                        "weighted": Weighted, "double-majority": DoubleMajority}
RULE_KINDS = tuple(RULE_CLASSES)

#: How a body decides: one model per kind, chosen by ``kind``. See docs/rules-schema.md.
DecisionRule = Annotated[Union[Consensus, Unanimity, Majority, Weighted, DoubleMajority], Field(discriminator="kind")]

FIELDS_OF: dict[str, tuple[str, ...]] = {k: tuple(f for f in c.model_fields if f != "kind")
                                         for k, c in RULE_CLASSES.items()}
