"""The posture panel: every state of the system on every day, in the formats the field reads.

- :mod:`.system`: which states, on which days (the COW state list where imported, else the knowledge base).
- :mod:`.atop`: ATOP's defence obligations by state-year, beside the knowledge base's.
- :mod:`.build`: :func:`build_panel`, the table, from the status layer's spells.
- :mod:`.write`: the formats (CSV, Parquet, Stata, R), the codebook, the citation.
- :mod:`.verbs`: peacesciencer-style ``create_stateyears``, ``add_posture``, ``add_atop_alliance``,
  ``add_alignment``, ``add_ideal_points``.
"""

from allegiance.panel.atop import AtopDefence, atop_defence
from allegiance.panel.build import PANEL_START, UNITS, Panel, build_panel, column_of, kb_info
from allegiance.panel.system import Member, members
from allegiance.panel.verbs import add_alignment, add_atop_alliance, add_ideal_points, add_posture, create_stateyears
from allegiance.panel.write import FORMATS, cite_posture, codebook, write_panel

__all__ = ["FORMATS", "PANEL_START", "UNITS", "AtopDefence", "Member", "Panel", "add_alignment", "add_atop_alliance",
           "add_ideal_points", "add_posture",
           "atop_defence", "build_panel", "cite_posture", "codebook", "column_of", "create_stateyears", "kb_info",
           "members", "write_panel"]
