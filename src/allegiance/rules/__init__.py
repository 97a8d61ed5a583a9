"""Rules: arrangements as code — bodies, modes, forces and actions, evaluated with proofs.

Questions are asked of an arrangement on a date (``as_of``; by default the
date the arrangement is described as of, which every answer reports) and,
where it matters, in a readiness mode. One module per question: :mod:`.can`,
:mod:`.command` (who commands), :mod:`.vetoes` (vetoes and power),
:mod:`.diff`, :mod:`.verify` (with ``keeps_veto`` and ``change_dates``), :mod:`.record` (the record of
events checked against the provisions in force on their dates);
:mod:`.rulebook` holds the loaded arrangements and what answers share,
:mod:`.decision` the meaning of each kind of decision rule, and
:mod:`.history` an arrangement through time: the ``version`` every answer
reports, and the records known only until a day (after it, an answer that
turns on them is unknown, with the reason).
"""

from allegiance.rules.can import can
from allegiance.rules.command import who_commands
from allegiance.rules.diff import diff
from allegiance.rules.record import record
from allegiance.rules.rulebook import Rules, list_arrangements, open_rules
from allegiance.rules.verify import change_dates, keeps_veto, verify
from allegiance.rules.vetoes import body_power, vetoes

# ``allegiance.rules.power`` is the module of voting games and power indices (``from allegiance.rules import
# power as pw``); the question "how much power has each member of a body" is ``body_power`` here, and
# ``allegiance.power`` at the top of the package. One name cannot be both a submodule and a function.
__all__ = ["Rules", "open_rules", "can", "who_commands", "vetoes", "diff", "verify", "body_power", "keeps_veto",
           "list_arrangements", "change_dates", "record"]
