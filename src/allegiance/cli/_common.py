"""What every command shares: the options, the global state, output, the one error mapping, opening stores.

Errors are mapped in one place, :class:`Command` (every command is one):
an :class:`~allegiance.errors.AllegianceError` raised anywhere in a command
becomes ONE line on stderr, ``error: <message>``, prefixed with the flag or
argument that held the bad value when the error's ``field`` names one of
the command's parameters (``as_of`` -> ``--as-of``, ``end`` -> ``--to``,
``state`` -> ``STATE``), and the exit code of :data:`~allegiance.errors.EDGE_TABLE`
(2: the question was asked wrongly; 1: everything else). A knowledge base
that does not validate lists its problems on stdout, one per line, as
``file:line: field: message``; a dataset file that does not import lists its
bad rows the same way. An OSError (``-o`` into a missing directory) is one
line naming the path, exit 1. Click's own usage errors keep exit 2.

Parameters of a command are named as the library names them (``as_of``,
``start``/``end`` behind ``--from``/``--to``, ``consent``), so that an
error's ``field`` finds its flag without a table written per command.
"""

from __future__ import annotations

import json
import re
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Callable, Optional

import typer
from typer.core import TyperCommand, TyperGroup

from allegiance.errors import (
    AllegianceError,
    DataImportError,
    DateError,
    KnowledgeBaseError,
    UsageError,
    edge_of,
    shorten,
)

# ------------------------------------------------------------------ options

JSON = typer.Option(False, "--json", help="Print the documented JSON shape instead of text.")
DATA = typer.Option(None, "--data", envvar="ALLEGIANCE_DATA", dir_okay=False,
                    help="The data store file (default: <user data dir>/allegiance/data.duckdb).")


# ------------------------------------------------------------------ global state


@dataclass(frozen=True)
class Globals:
    """The app's own options (``--kb``, ``--cache``), read by every command through :func:`globals_`."""

    kb: Optional[Path] = None
    cache: Optional[Path] = None


_GLOBALS: ContextVar[Globals] = ContextVar("allegiance_cli_globals", default=Globals())


def globals_() -> Globals:
    """The global options of the running command (set by :class:`Command`; defaults outside one)."""
    return _GLOBALS.get()


# ------------------------------------------------------------------ commands


class Commands:
    """The commands of one module, in the order they are written, for :func:`Commands.register`."""

    def __init__(self) -> None:
        self._items: list[tuple[Optional[str], Callable]] = []

    def __call__(self, name: Optional[str] = None) -> Callable[[Callable], Callable]:
        def add(fn: Callable) -> Callable:
            self._items.append((name, fn))
            return fn

        return add

    def register(self, app: typer.Typer) -> None:
        for name, fn in self._items:
            app.command(name, cls=Command)(fn)


# ------------------------------------------------------------------ coercion without pydantic where none is needed
#
# Typer (0.2x) coerces every parameter's value through a pydantic TypeAdapter that it builds on first use,
# even a value it then passes through unchanged (a str given as a str, an option left out): importing
# pydantic and building the adapters is about 60 ms of every call, more than the answer to `timeline`. The
# parameters of our commands are text, flags and paths; a text value given as text, and a value left out,
# are taken as typer would take them, and any other value is handed to typer's own coercion, built then.
# This uses typer's runtime-coercion layer (typer._coercion); where it is not there, typer coerces as always.

try:
    from typer._coercion import RuntimeParam as _RuntimeParam
    from typer._coercion import build_runtime_param as _build_runtime_param
except ImportError:  # pragma: no cover - another typer: its coercion is left as it is
    _RuntimeParam = None

if _RuntimeParam is not None:
    @dataclass(frozen=True)
    class _Deferred(_RuntimeParam):
        """A parameter's coercion: a text value as it is, anything else by typer's coercion, built then."""

        descriptor: Any = None

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            if self.annotation is str and isinstance(value, str) and self.parameter_info.parser is None:
                return value  # what typer's str adapter returns for a str
            built = param._runtime_param = _build_runtime_param(self.descriptor)
            return built._coerce_value(value, param=param, ctx=ctx)


def _defer_coercion(params: list) -> None:
    if _RuntimeParam is None:  # pragma: no cover
        return
    for p in params:
        desc = getattr(p, "type_descriptor", None)
        if desc is not None and getattr(p, "_runtime_param", False) is None:
            p._runtime_param = _Deferred(desc.parameter_info, desc.annotation, desc)


class Group(TyperGroup):
    """The app's group: its options (``--kb``, ``--cache``) coerced without pydantic when they can be."""

    def get_params(self, ctx: typer.Context) -> list:
        params = super().get_params(ctx)  # with the help option, made when first asked for
        _defer_coercion(params)
        return params


class DefaultGroup(Group):
    """A group whose first word, when it names none of its commands, goes to its :attr:`default` command.

    ``allegiance sources ID`` is ``allegiance sources show ID`` while ``sources import`` and ``sources
    anchor`` stay commands. The group's own callback (run without a command) gets the command's error
    mapping and global options, as a :class:`Command` would.
    """

    default: str = ""

    def resolve_command(self, ctx: typer.Context, args: list[str]):
        if args and self.default and args[0] not in self.commands and not args[0].startswith("-"):
            return self.default, self.commands[self.default], args
        return super().resolve_command(ctx, args)

    def invoke(self, ctx: typer.Context) -> Any:
        return _invoke_mapped(ctx, super().invoke)


class Command(TyperCommand):
    """A command whose errors are mapped by :func:`report` (one line, the flag, the exit code of the table)."""

    def get_params(self, ctx: typer.Context) -> list:
        params = super().get_params(ctx)  # with the help option, made when first asked for
        _defer_coercion(params)
        return params

    def invoke(self, ctx: typer.Context) -> Any:
        return _invoke_mapped(ctx, super().invoke)


def _invoke_mapped(ctx: typer.Context, invoke: Callable[[typer.Context], Any]) -> Any:
    """Run a command (or a group's own callback) with the global options set and every error mapped to one
    line and the exit code of the error table."""
    root = ctx.find_root().obj
    token = _GLOBALS.set(root if isinstance(root, Globals) else Globals())
    try:
        return invoke(ctx)
    except AllegianceError as exc:
        raise typer.Exit(report(exc, ctx)) from None
    except KeyboardInterrupt:  # typer would turn it into a silent Exit(130)
        from allegiance._entry import MESSAGE

        typer.echo(MESSAGE.decode().rstrip("\n"), err=True)
        raise typer.Exit(130) from None
    except BrokenPipeError:
        raise
    except OSError as exc:  # -o or --plot into a missing directory, a file that cannot be read
        raise typer.Exit(report_os_error(exc, ctx)) from None
    except Exception as exc:
        if type(exc).__module__ not in ("_duckdb", "duckdb"):
            raise
        # a database file damaged on disk (cut short, a block failing its checksum): one line, not a traceback
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        typer.echo(f"error: a database could not be read ({shorten(first, 200)}); a damaged data store needs its "
                   f"datasets imported again into a new --data file, a damaged compiled knowledge base "
                   f"removing from the cache (it is rebuilt)", err=True)
        raise typer.Exit(1) from None
    finally:
        _GLOBALS.reset(token)


def param_label(ctx: typer.Context | None, field: str | None) -> str | None:
    """The flag or argument name of a command's parameter named ``field`` (or its plural), else ``field``."""
    if not field:
        return None
    params = {p.name: p for p in ctx.command.params} if ctx is not None else {}
    p = params.get(field) or params.get(field + "s")
    if p is None:
        return field
    if p.param_type_name == "option":
        return next((o for o in p.opts if o.startswith("--")), p.opts[0])
    meta = getattr(p, "metavar", None)
    return (meta.strip("[].") if meta else (p.name or field)).upper()


_LONG_WORD = re.compile(r"\S{301,}")


def _shortened(message: str, ctx: typer.Context | None) -> str:
    """``message`` with every long value the user gave cut down by :func:`errors.shorten` (one short line)."""
    values: list[str] = []
    for v in (ctx.params.values() if ctx is not None else ()):
        values += [x for x in (v if isinstance(v, (list, tuple)) else [v]) if isinstance(x, str) and len(x) > 60]
    for v in values:
        message = message.replace(repr(v), shorten(v)).replace(v, shorten(v))
    # a long value the message echoes in another form (stripped, upper-cased): cut it all the same
    return _LONG_WORD.sub(lambda m: shorten(m.group(0), 60), message)


def _one_line(message: str) -> str:
    """A message that spans lines (a validator's report quoted in it) as one line."""
    return re.sub(r"\s*\n\s*", "; ", message.strip())


def _echo_error(text: str) -> None:
    typer.echo(f"error: {text}", err=True)


def report(exc: AllegianceError, ctx: typer.Context | None = None) -> int:
    """Print ``exc`` as the CLI shows errors; return its exit code (from :data:`errors.EDGE_TABLE`)."""
    code, _http = edge_of(exc)
    if isinstance(exc, KnowledgeBaseError):
        for p in exc.problems:
            typer.echo(f"{_where(p.file)}:{p.line}: {p.field}: {p.message}")
        _echo_error(f"{len(exc.problems)} problem(s) in the knowledge base")
        return code
    if isinstance(exc, DataImportError):
        for p in exc.problems:
            typer.echo(str(p))
        more = exc.total - len(exc.problems)
        if exc.problems and more > 0:
            typer.echo(f"... and {more} more")
    message = _shortened(_one_line(exc.message or str(exc)), ctx)
    label = param_label(ctx, exc.field)
    if label and exc.field and message.startswith(f"{exc.field}:"):  # "consent: 'XYZ' is ...": the flag replaces it
        message = message[len(exc.field) + 1:].lstrip()
    _echo_error(f"{label}: {message}" if label and not message.startswith(f"{label}:") else message)
    return code


def report_os_error(exc: OSError, ctx: typer.Context | None = None) -> int:
    """One line for a file that cannot be written or read, naming the path (and its flag); exit code 1."""
    path = exc.filename
    reason = exc.strerror or str(exc)
    label = None
    if path is not None and ctx is not None:
        for p in ctx.command.params:
            v = ctx.params.get(p.name)
            if v is not None and p.param_type_name == "option" and str(v) == str(path):
                label = param_label(ctx, p.name)
    text = f"cannot use {path}: {reason}" if path is not None else reason
    _echo_error(f"{label}: {text}" if label else text)
    return 1


def _where(file: str) -> str:
    """A problem's file, relative to the working directory when it is under it."""
    from allegiance.facts.load import default_kb_dir

    path = (globals_().kb or default_kb_dir()) / file
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


# ------------------------------------------------------------------ output


def emit(data: dict, as_json: bool, render: Callable[[dict], str]) -> None:
    """Print a library result: its documented JSON shape with ``--json``, else its text rendering."""
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        typer.echo(render(data), nl=False)


def check_writable(path: Optional[Path]) -> None:
    """Fail before doing any work when ``path`` (``-o``, ``--plot``) lies in a directory that does not exist."""
    if path is not None and not path.parent.is_dir():
        raise FileNotFoundError(2, "no such directory", str(path))


# ------------------------------------------------------------------ parsing options


def day(text: Optional[str], field: str) -> Optional[date]:
    """The single day ``text`` names (YYYY-MM-DD), parsed at the edge; a DateError names ``field``."""
    if text is None:
        return None
    from allegiance.facts.time import parse_day

    return _dated(text, field, parse_day)


def bound(text: Optional[str], field: str, *, end: bool = False) -> Optional[date]:
    """The first (or, with ``end``, the last) day an EDTF date can mean; a DateError names ``field``."""
    if text is None:
        return None
    from allegiance.facts.time import parse_date

    d = _dated(text, field, parse_date)
    return d.upper if end else d.lower


def _dated(text: str, field: str, parse: Callable[[str], Any]) -> Any:
    try:
        return parse(text)
    except DateError as exc:
        raise DateError(exc.message, value=text, field=field, allowed=exc.allowed) from None


def split_list(text: Optional[str], field: str) -> Optional[list[str]]:
    """A comma-separated option as a list (``None`` when not given); an option given but naming nothing is refused."""
    if text is None:
        return None
    items = [x.strip() for x in text.split(",") if x.strip()]
    if not items:
        raise UsageError(f"{shorten(text)} names nothing: give a comma-separated list, or leave the option out",
                         value=text, field=field, allowed="a comma-separated list")
    return items


# ------------------------------------------------------------------ opening the knowledge base, rules, data


def open_kb():
    """The compiled knowledge base of ``--kb`` (compiled into ``--cache``); a context manager."""
    from allegiance.facts.store import open_store

    g = globals_()
    store = open_store(g.kb, cache_dir=g.cache)
    if store.notice:
        typer.echo(f"warning: {store.notice}", err=True)
    return store


def open_rules(store):
    """The rules engine over an open knowledge base."""
    from allegiance.rules import open_rules as _open

    return _open(store)


def open_data(path: Optional[Path], *, read_only: bool = True):
    """The measure data store at ``path`` (default: the usual one); for reading it must exist."""
    from allegiance.measure.data.store import open_data as _open

    return _open(path, read_only=read_only)


def open_data_if_any(path: Optional[Path]):
    """The data store if one exists (read-only), else ``None``; a ``--data`` named but missing is refused."""
    from allegiance.measure.data.store import default_data_path

    p = path or default_data_path()
    if not Path(p).exists():
        if path is not None:
            raise UsageError(f"no such data store: {shorten(str(path))} (import votes with `allegiance data import`)",
                             value=str(path), field="data", allowed="an existing data store file")
        return None
    return open_data(p)


class _Nothing:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: Any) -> None:
        return None


def maybe(resource: Any) -> Any:
    """``resource`` as a context manager, or one that gives ``None`` when there is none."""
    return _Nothing() if resource is None else resource


__all__ = ["JSON", "DATA", "Globals", "globals_", "Commands", "Command", "Group", "DefaultGroup", "param_label",
           "report", "report_os_error", "emit", "check_writable", "day", "bound", "split_list", "open_kb", "open_rules",
           "open_data", "open_data_if_any", "maybe"]
