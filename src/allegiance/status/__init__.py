"""Status: the posture of a state on a day, by explicit criteria, with evidence and attributed assessments.

>>> from datetime import date
>>> from allegiance import open_store
>>> from allegiance.status import status
>>> status(open_store(), "BLR", as_of=date(2020, 7, 1))["holding"]  # doctest: +SKIP
"""

from allegiance.status.criteria import CRITERIA, Criterion
from allegiance.status.engine import (
           COMPLETE_FROM,
           COVERAGE_START,
           HISTORY_START,
           changes,
           compare,
           coverage,
           status,
           status_all,
)
from allegiance.status.labels import ASSESSMENT_LABELS, LABELS, Label
from allegiance.status.spells import Spell, StateSpells, state_spells

__all__ = [
           "ASSESSMENT_LABELS",
           "COMPLETE_FROM",
           "COVERAGE_START",
           "CRITERIA",
           "HISTORY_START",
           "LABELS",
           "Criterion",
           "Label",
           "Spell",
           "StateSpells",
           "changes",
           "compare",
           "coverage",
           "state_spells",
           "status",
           "status_all",
]
