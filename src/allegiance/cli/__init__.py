"""The command-line tool: ``allegiance``.

A thin edge over the library: each command parses its arguments, calls one
library function and prints its result as text or, with ``--json``, as the
documented JSON shape (docs/json.md). Errors become one line on stderr and
the exit code of docs/errors.md; the knowledge base's own problems are
listed one per line as ``file:line: field: message``.

The package: ``_common`` (options, global state, output, the one error
mapping, opening the stores) and one module per group of commands:
``facts`` (check, timeline, facts, sources, conflicts), ``rules``
(arrangements, can, who-commands, vetoes, power, diff, verify), ``record`` (record), ``status``
(status, compare, changes, assess), ``measure`` (data, align, cohesion,
ideal), ``panel`` (panel) and ``web`` (serve).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional

import typer

from allegiance.cli import facts, measure, panel, record, rules, status, web
from allegiance.cli._common import Globals, Group

__all__ = ["app", "app_for", "main", "command_names"]

_SETTINGS = dict(
    name="allegiance",
    help="Alliances and neutrality, executable, sourced and time-aware.\n\n"
         "Every answer carries its sources; dates are explicit (nothing means 'today').",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain Click help: stable text for docs/cli.md and any terminal
    context_settings={"help_option_names": ["-h", "--help"]},
    cls=Group,
)
app = typer.Typer(**_SETTINGS)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import PackageNotFoundError, version

        try:
            v = version("allegiance")
        except PackageNotFoundError:  # run from a source tree that was never installed
            v = "unknown"
        typer.echo(f"allegiance {v}")
        raise typer.Exit()


@app.callback()
def _main(
    ctx: typer.Context,
    kb: Optional[Path] = typer.Option(
        None, "--kb", envvar="ALLEGIANCE_KB", help="Knowledge-base directory (default: the shipped one).",
        file_okay=False),
    cache: Optional[Path] = typer.Option(
        None, "--cache", envvar="ALLEGIANCE_CACHE", help="Where the compiled database is kept.", file_okay=False),
    version: bool = typer.Option(False, "--version", is_eager=True, callback=_version,
                                 help="Print the version and exit."),
) -> None:
    ctx.obj = Globals(kb=kb, cache=cache)


for _module in (facts, rules, record, status, measure, panel, web):
    _module.register(app)


def command_names() -> list[str]:
    """Every command, sub-commands as "group command", for the generated CLI reference and its test."""
    names = [c.name or c.callback.__name__ for c in app.registered_commands]
    for g in app.registered_groups:
        names += [f"{g.name} {c.name or c.callback.__name__}" for c in g.typer_instance.registered_commands]
    return sorted(names)


def app_for(args: list[str]) -> typer.Typer:
    """The app that runs ``args``: when they start with a top-level command's name, the app with that command
    alone (the same options, callback and settings), else :data:`app`.

    Typer builds every registered command's parameters from its signature on each call (about 10 ms for
    all of them); one call runs one command. A test holds each command's help and usage errors the same
    through both.
    """
    from typer.main import get_command_name

    if args:
        for info in app.registered_commands:
            if (info.name or get_command_name(info.callback.__name__)) == args[0]:
                one = typer.Typer(**_SETTINGS)
                one.callback()(_main)
                one.registered_commands.append(info)
                return one
    return app


def main() -> None:
    """Entry point of the ``allegiance`` script (through ``allegiance._entry``, which handles Ctrl-C from the
    first instant) and of ``python -m allegiance.cli``."""
    from allegiance._entry import install

    install()  # Ctrl-C: one line, exit 130 (typer would turn it into a silent Exit(130))
    try:
        app_for(sys.argv[1:])()
    except KeyboardInterrupt:  # Ctrl-C: imports and compiles are all-or-nothing, so nothing is half-done
        print("error: interrupted; nothing was left half-done (imports and compiles are all or nothing)",
              file=sys.stderr)
        sys.exit(130)
    except BrokenPipeError:  # e.g. `allegiance timeline BLR | head`
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)
