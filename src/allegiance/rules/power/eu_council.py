"""The Council of the EU deciding by qualified majority, and the population figures shipped for it."""

from __future__ import annotations

from collections.abc import Hashable, Mapping

from allegiance.errors import PowerError
from allegiance.rules.power.games import MultiGame, WeightedGame, _is_int, majority


#: Population of the 27 EU member states used for the shipped EU Council game,
#: by ISO 3166-1 alpha-2 code (Greece as GR). See EU27_POPULATION_SOURCE.
EU27_POPULATION: dict[str, int] = {
    "DE": 84_358_845, "FR": 68_070_697, "IT": 58_850_717, "ES": 48_059_777,
    "PL": 36_753_736, "RO": 19_051_562, "NL": 17_811_291, "BE": 11_754_004,
    "CZ": 10_827_529, "SE": 10_521_556, "PT": 10_467_366, "GR": 10_394_055,
    "HU": 9_597_085, "AT": 9_104_772, "BG": 6_447_710, "DK": 5_932_654,
    "FI": 5_563_970, "SK": 5_428_792, "IE": 5_194_336, "HR": 3_850_894,
    "LT": 2_857_279, "SI": 2_116_792, "LV": 1_883_008, "EE": 1_365_884,
    "CY": 920_701, "LU": 660_809, "MT": 542_051,
}

EU27_POPULATION_SOURCE = (
    "Eurostat, population on 1 January 2023 (dataset demo_pjan), first-release figures, as "
    "reproduced in secondary copies (checked against two independent copies; not against "
    "Eurostat directly). These are NOT the Council's own figures: Annex III of the Council's "
    "Rules of Procedure for 2024, as replaced by Council Decision (EU, Euratom) 2023/2827 of "
    "12 December 2023 (OJ L, 2023/2827, 14.12.2023), uses e.g. DE 84 311 244, FR 68 070 697, "
    "IT 59 691 110, ES 48 063 694, PL 37 723 532, RO 19 051 562 and a Union total of "
    "450 473 252; the full Council table could not be retrieved for this release."
)


def eu_council_qmv(populations: Mapping[Hashable, int], *, unit: int = 1) -> MultiGame:
    """The Council of the EU deciding by qualified majority (Art. 16(4) TEU, Art. 238(3) TFEU).

    A proposal passes when (at least 55 % of the members, and at least
    fifteen of them, AND members representing at least 65 % of the Union's
    population vote for it) OR fewer than four members vote against it
    ("a blocking minority must include at least four Council members,
    failing which the qualified majority shall be deemed attained"). Every
    member votes yes or no (the a-priori model of power indices).

    ``populations`` maps each member to its population (a positive integer).
    ``unit`` > 1 counts populations in units of that many people, rounded
    half up (``unit=1000``: thousands); the 65 % quota is then taken of the
    rounded total. Indices are exact for the game so built.
    """
    players = tuple(populations)
    n = len(players)
    if n < 15:
        raise PowerError(f"the EU qualified majority needs at least fifteen members in favour; got {n} members")
    if not _is_int(unit) or unit <= 0:
        raise PowerError(f"unit must be a positive integer, got {unit!r}")
    weights = []
    for p in players:
        pop = populations[p]
        if not _is_int(pop) or pop <= 0:
            raise PowerError(f"population of {p!r} must be a positive integer, got {pop!r}")
        w = (2 * int(pop) + unit) // (2 * unit)
        if w <= 0:
            raise PowerError(f"population of {p!r} ({pop}) rounds to 0 units of {unit}")
        weights.append(w)
    states = majority(players, max(15, -(-55 * n // 100)))
    pop_game = WeightedGame(players, weights, -(-65 * sum(weights) // 100))
    not_blocked = majority(players, n - 3)
    return MultiGame.any_of(MultiGame.all_of(states, pop_game), not_blocked)
