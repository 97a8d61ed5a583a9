"""Mutual defence from ATOP: which states each state was bound to defend, year by year, where ATOP is imported.

ATOP (Leeds et al. 2002), as peacesciencer packages it, gives directed dyad-years 1815-2018 with
``atop_defense`` 1 where an alliance with a defence obligation links the two states that year. A state
in the system in a year ATOP covers, with no defence dyad that year, has no defence obligation: a true
zero. A year outside ATOP's coverage is missing, never zero. Values are by year: ATOP does not say on
which day of the year an obligation began or ended.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["AtopDefence", "atop_defence"]


@dataclass
class AtopDefence:
    """ATOP's defence obligations by (COW code, year): the COW codes of the states bound to defend it."""

    first: int
    last: int
    version: str | None
    sha256: str | None
    citation: str
    allies: dict[tuple[int, int], tuple[int, ...]] = field(default_factory=dict)

    def covers(self, year: int) -> bool:
        return self.first <= year <= self.last

    def defence(self, ccode: int | None, year: int) -> tuple[int | None, tuple[int, ...]]:
        """(1 or 0, the allies) for a state in a year ATOP covers; (None, ()) outside its coverage."""
        if ccode is None or not self.covers(year):
            return None, ()
        allies = self.allies.get((ccode, year), ())
        return (1 if allies else 0), allies

    def source(self) -> dict[str, Any]:
        return {"kind": "atop_alliance", "version": self.version, "sha256": self.sha256,
                "years": [self.first, self.last], "citation": self.citation}


def atop_defence(data) -> AtopDefence | None:
    """ATOP's defence obligations from the data store, or None where ATOP is not imported."""
    if data is None or not data.has_table("atop_alliance"):
        return None
    from allegiance.measure.data.formats import get_kind

    meta = data.dataset("atop_alliance") or {}
    first, last = data.con.execute("SELECT min(year), max(year) FROM atop_alliance").fetchone()
    out = AtopDefence(int(first), int(last), meta.get("version"), meta.get("sha256"),
                      get_kind("atop_alliance").citation)
    for c1, year, allies in data.con.execute(
            "SELECT ccode1, year, list(DISTINCT ccode2 ORDER BY ccode2) FROM atop_alliance "
            "WHERE atop_defense = 1 GROUP BY ccode1, year").fetchall():
        out.allies[(int(c1), int(year))] = tuple(int(a) for a in allies)
    return out
