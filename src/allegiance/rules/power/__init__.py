"""Exact voting power (transitional: the package is being split out of swings.py)."""

from allegiance.rules.power.swings import *  # noqa: F403
from allegiance.rules.power.swings import __all__, _compiled, _costs  # noqa: F401
