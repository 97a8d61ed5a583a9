"""The posture panel: every state of the system on every day, in the formats the field reads.

- :mod:`.system`: which states, on which days (the COW state list where imported, else the knowledge base).
- :mod:`.atop`: ATOP's defence obligations by state-year, beside the knowledge base's.
- :mod:`.build`: :func:`build_panel`, the table, from the status layer's spells.
"""

from allegiance.panel.atop import AtopDefence, atop_defence
from allegiance.panel.build import PANEL_START, UNITS, Panel, build_panel, column_of, kb_info
from allegiance.panel.system import Member, members

__all__ = ["PANEL_START", "UNITS", "AtopDefence", "Member", "Panel", "atop_defence", "build_panel", "column_of",
           "kb_info", "members"]
