"""``python -m allegiance.cli``: the same as the ``allegiance`` script."""

from allegiance.cli import main

main()
