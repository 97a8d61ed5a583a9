"""The ``allegiance`` script's entry point: Ctrl-C is one line and exit 130, from the first instant.

It installs its SIGINT handler before the command-line tool is imported, so an interrupt while Python is
still importing (typer, DuckDB) is not a traceback either. The handler ends the process at once, as
``kill -9`` would: everything the tool writes is all or nothing (a compile is renamed into place when complete,
an import is one transaction), so nothing is left half-done.
"""

from __future__ import annotations

import os
import signal
import sys

MESSAGE = b"error: interrupted; nothing was left half-done (imports and compiles are all or nothing)\n"


def _interrupted(signum, frame) -> None:  # pragma: no cover - runs in a signalled child process
    try:
        sys.stdout.flush()
    except Exception:  # noqa: BLE001 -- a broken or closed stdout must not stop the exit
        pass
    os.write(2, MESSAGE)
    os._exit(130)


def install() -> None:
    """Make SIGINT end the process with one line and exit code 130 (only in the main thread, where allowed)."""
    try:
        signal.signal(signal.SIGINT, _interrupted)
    except ValueError:  # not the main thread (e.g. called from a test runner's worker)
        pass


install()  # at import, before the script wrapper calls main(): the window before it is Python's own start-up


def main() -> None:
    install()
    from allegiance.cli import main as run

    run()
