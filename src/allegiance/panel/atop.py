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

__all__ = ["AtopDefence", "atop_defence", "crosscheck"]


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


def crosscheck(frame) -> list[dict[str, Any]]:
    """Where the knowledge base's mutual-defence criterion and ATOP's defence obligations disagree, in a
    state-year panel (:func:`allegiance.panel.build_panel`, unit ``state-year``, ATOP imported).

    Only years both decide are compared: the criterion ``met`` or ``not-met`` on the year's ``as_of`` day,
    ATOP 1 or 0. Consecutive years of one state that disagree the same way are one row: ``{"iso3", "ccode",
    "name", "from", "to", "kb", "atop", "atop_allies", "provenance"}`` (the first year's allies and
    statements).
    """
    if "atop_defense" not in frame.columns or "year" not in frame.columns:
        from allegiance.errors import UsageError

        raise UsageError("the cross-check needs a state-year panel with ATOP imported (atop_defense column)",
                         field="frame", allowed="build_panel(..., unit='state-year') with ATOP imported")
    both = frame[frame["c_mutual_defence"].isin(["met", "not-met"]) & frame["atop_defense"].notna()]
    kb = both["c_mutual_defence"].astype(str) == "met"
    bad = both[kb != (both["atop_defense"] == 1)].sort_values(["ccode", "year"])
    out: list[dict[str, Any]] = []
    for r in bad.itertuples(index=False):
        kb_v, atop_v = str(r.c_mutual_defence), int(r.atop_defense)
        last = out[-1] if out else None
        if last and last["ccode"] == r.ccode and last["iso3"] == r.iso3 and last["to"] == r.year - 1 \
                and (last["kb"], last["atop"]) == (kb_v, atop_v):
            last["to"] = int(r.year)
            continue
        out.append({"iso3": r.iso3, "ccode": int(r.ccode), "name": r.name, "from": int(r.year), "to": int(r.year),
                    "kb": kb_v, "atop": atop_v, "atop_allies": r.atop_defense_allies or "",
                    "provenance": r.provenance})
    return out
