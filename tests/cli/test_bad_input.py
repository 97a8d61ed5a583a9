"""Every command, walked with bad input: an unknown id, bad dates, bad states, a 10,000-character value.

The commands and their parameters are read from the app itself, so a new
command is walked as soon as it has a baseline (a test fails until it has
one) and a new parameter as soon as its name is classified below (likewise).
Each case starts from the command's baseline (which must succeed) and makes
exactly one parameter bad. The answer must be: a non-zero exit (2, a usage
error, for every input walked here, unless listed in EXIT_1), exactly one
``error:`` line on stderr, no traceback, the bad value shown (shortened when
long, never echoed in full) and, when the message names a flag or argument,
the one that held the bad value.
"""

from __future__ import annotations

import typing
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from allegiance.cli import app, command_names
from allegiance.errors import shorten
from tests.conftest import FIXTURE_KB
from tests.measure.conftest import FIX, FIX_KB

runner = CliRunner()
SOURCES_FIX = Path(__file__).resolve().parents[1] / "fixtures" / "sources"

# --------------------------------------------------------------------- what each parameter holds

#: Parameters that hold a state (or a list of states, or of states and offices).
STATES = {"state", "states", "territory", "with_", "consent", "abstain"}
#: Parameters that hold a date (when the command takes text; align's --from is a year, an int).
DATES = {"as_of", "as_of_a", "as_of_b", "known_by", "since", "start", "end"}
#: Parameters that hold an id or a name from a fixed set (an action, an arrangement, a mode, a measure...).
IDS = {"source_id", "action", "arrangement", "force", "body", "a", "b", "prop", "bloc", "kind", "check", "mode",
       "actions", "effects", "issue", "measure", "by", "source", "method", "fmt", "format", "unit", "system",
       "link"}
#: Parameters not walked here: files, free text, numbers, flags (each has its own tests).
OTHER = {"seeds", "texts", "anchors", "file", "out", "new_id",  # sources import/anchor: files, directories, a new id
         "path", "version", "plot", "data", "output", "first", "last", "all_states", "force", "strict",
         "gpu", "ideal_points", "as_json",
         "host", "port", "workers", "replace",  # serve's: an address and numbers (port and workers: tests/web/test_serve.py)
         "bootstrap", "scheduler"}  # ideal's: a number and an address (tests/cli/test_measure.py; --workers too)

LONG = "Q" * 10_000
BAD = {
    "state": ["XYZ", "Narnia", LONG],
    "date": ["2020-13-45", "-2020-07-01", "not-a-date", "1" * 10_000],
    "id": ["no-such-id", "x" * 10_000],
}

# --------------------------------------------------------------------- a valid call of each command

SHIPPED: list[str] = []
MEASURE = ["--kb", str(FIX_KB)]

#: command -> (global options, [parameter values of one valid call, ...]); every slot must be in one of them.
BASELINES: dict[str, tuple[list[str], list[dict]]] = {
    "timeline": (SHIPPED, [{"state": "BLR", "start": "2014", "end": "2020"}]),
    "facts": (SHIPPED, [{"state": "BLR", "as_of": "2020-07-01", "known_by": "2021-01-01"}]),
    "sources show": (SHIPPED, [{"source_id": "sivitsky-2020-n21"}]),
    "sources anchor": (["--kb", str(FIXTURE_KB)], [{"source_id": "paper-2020", "texts": str(SOURCES_FIX / "texts")}]),
    "record": (SHIPPED, [{"arrangement": "union-state", "start": "2022", "end": "2022"}]),
    "can": (SHIPPED, [{"action": "bring-russian-forces-into-blr", "arrangement": "union-state", "mode": "wartime",
                       "as_of": "2020-07-01", "consent": "BLR,RUS", "abstain": "BLR.president"}]),
    "who-commands": (SHIPPED, [{"force": "urads", "arrangement": "union-state", "mode": "threatened-period",
                                "as_of": "2020-07-01"}]),
    "vetoes": (SHIPPED, [{"arrangement": "union-state", "action": "bring-russian-forces-into-blr",
                          "mode": "peacetime", "as_of": "2020-07-01"}]),
    "power": (SHIPPED, [{"body": "supreme-state-council", "arrangement": "union-state", "as_of": "2020-07-01"}]),
    "diff": (SHIPPED, [{"a": "union-state", "b": "sidorov-armenia-model", "state": "BLR", "as_of_a": "2020-07-01",
                        "as_of_b": "2020-07-01"}]),
    "verify": (SHIPPED, [{"arrangement": "union-state", "prop": "no-foreign-forces-without-blr-consent"},
                         {"arrangement": "union-state", "check": "veto", "state": "BLR",
                          "actions": "activate-joint-forces", "effects": "foreign-forces-enter", "territory": "BLR"}]),
    "status": (SHIPPED, [{"state": "BLR", "as_of": "2020-07-01"}]),
    "compare": (SHIPPED, [{"states": ["BLR", "FIN"], "as_of": "2020-07-01"}]),
    "changes": (SHIPPED, [{"state": "FIN", "start": "2020-01-01", "end": "2024-12-31"}]),
    "assess": (SHIPPED, [{"state": "BLR", "as_of": "2023-01-01", "since": "2020-07-01", "fmt": "json"}]),
    "align": (MEASURE, [{"state": "BLR", "with_": "RUS", "issue": "me", "measure": "kappa", "by": "session",
                         "source": "unvotes"}]),
    "cohesion": (MEASURE, [{"bloc": "pact", "issue": "me", "by": "year", "source": "unvotes"}]),
    "ideal": (MEASURE, [{"states": ["BLR", "RUS"], "source": "unvotes", "method": "two-stage", "link": "states"}]),
    "data import": (MEASURE, [{"kind": "un_votes", "path": str(FIX / "fx_un_votes.csv")}]),
    "data cite": (MEASURE, [{"kind": "un_votes"}]),
    "panel": (SHIPPED, [{"unit": "spell", "start": "2020-01-01", "end": "2020-12-31", "states": "FIN",
                         "format": "csv", "system": "kb"}]),
}

# --------------------------------------------------------------------- known failures, each with its reason

#: Cases expected to fail today, each with its reason (strict: a case that starts passing must leave the list).
XFAIL: dict[tuple[str, str, str], str] = {}

#: Cases whose error is not a usage error in errors.EDGE_TABLE (exit 1), with why: none today (every value
#: outside a fixed set is a UsageError in the library); a case added here must say why.
EXIT_1: dict[tuple[str, str], str] = {}


# --------------------------------------------------------------------- reading the app


def _command(name: str):
    cmd = typer.main.get_command(app)
    for part in name.split():
        cmd = cmd.commands[part]
    return cmd


def _kind(cmd, p) -> str | None:
    if getattr(p, "is_flag", False):
        return None
    if p.name in STATES:
        return "state"
    if p.name in DATES:
        hint = typing.get_type_hints(cmd.callback).get(p.name)
        return "date" if str in (typing.get_args(hint) or (hint,)) else None
    if p.name in IDS:
        return "id"
    return None


def _slots(name: str) -> list[tuple[str, str]]:
    cmd = _command(name)
    return [(p.name, k) for p in cmd.params if (k := _kind(cmd, p)) is not None]


def _argv(name: str, values: dict) -> list[str]:
    glob, _ = BASELINES[name]
    args: list[str] = []
    opts: list[str] = []
    for p in _command(name).params:
        if p.name not in values:
            continue
        v = values[p.name]
        if p.param_type_name == "argument":
            args += v if isinstance(v, list) else [v]
        elif v is True:
            opts.append(p.opts[0])
        else:
            opts += [next(o for o in p.opts if o.startswith("--")), v]
    return [*glob, *name.split(), *args, *opts]


def _label(name: str, param: str) -> str:
    p = next(p for p in _command(name).params if p.name == param)
    if p.param_type_name == "option":
        return next(o for o in p.opts if o.startswith("--"))
    return (p.metavar.strip("[].") if p.metavar else p.name).upper()


def _cases():
    for name in command_names():
        if name not in BASELINES:
            continue
        for i, values in enumerate(BASELINES[name][1]):
            for param, kind in _slots(name):
                if param not in values:
                    continue
                for bad in BAD[kind]:
                    marks = []
                    reason = XFAIL.get((name, param, bad))
                    if reason:
                        marks.append(pytest.mark.xfail(strict=True, reason=reason))
                    shown = bad if len(bad) < 20 else f"{bad[:3]}...x{len(bad)}"
                    yield pytest.param(name, i, param, kind, bad, marks=marks,
                                       id=f"{name}-{i}-{param}-{kind}-{shown}")


# --------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module", autouse=True)
def _env(tmp_path_factory):
    """A compiled-KB cache and a data store with the fixture votes imported, for the whole walk."""
    from allegiance.measure.data.importer import import_dataset
    from allegiance.measure.data.store import open_data

    d = tmp_path_factory.mktemp("walk")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ALLEGIANCE_CACHE", str(d / "cache"))
        mp.setenv("ALLEGIANCE_DATA", str(d / "data.duckdb"))
        mp.delenv("ALLEGIANCE_KB", raising=False)
        with open_data(d / "data.duckdb", read_only=False) as store:
            for kind in ("un_roll_calls", "un_votes", "un_roll_call_issues"):
                import_dataset(store, kind, FIX / f"fx_{kind}.csv")
        yield d


# --------------------------------------------------------------------- the tests


def test_every_command_with_a_slot_has_a_baseline_covering_every_slot():
    for name in command_names():
        slots = _slots(name)
        if not slots:
            continue
        assert name in BASELINES, f"add a valid call of {name!r} to BASELINES so that bad input is walked"
        covered = {k for values in BASELINES[name][1] for k in values}
        missing = [p for p, _ in slots if p not in covered]
        assert not missing, f"{name}: no baseline gives {missing}"


def test_every_parameter_is_classified():
    """A new parameter must be placed in STATES, DATES, IDS or OTHER, so that it is walked or knowingly not."""
    known = STATES | DATES | IDS | OTHER
    for name in command_names():
        for p in _command(name).params:
            assert p.name in known, f"{name}: parameter {p.name!r} is not classified in tests/cli/test_bad_input.py"


@pytest.mark.parametrize("name", sorted(BASELINES))
def test_baselines_succeed(name):
    for values in BASELINES[name][1]:
        r = runner.invoke(app, _argv(name, values))
        assert r.exit_code == 0, (name, r.output)


@pytest.mark.parametrize("name, i, param, kind, bad", list(_cases()))
def test_bad_input(name, i, param, kind, bad):
    values = dict(BASELINES[name][1][i])
    values[param] = [bad] if isinstance(values[param], list) else bad
    r = runner.invoke(app, _argv(name, values))
    assert "Traceback" not in r.output
    expected = 1 if (name, param) in EXIT_1 else 2
    assert r.exit_code == expected, r.output
    err = r.stderr.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: "), r.stderr
    line = err[0]
    if len(bad) > 60:
        assert bad not in line and len(line) < 600, f"a {len(bad)}-character value echoed: {len(line)} characters"
        assert bad[:20] in line, line
    else:
        assert bad in line, line
    named = line[len("error: "):].split(":", 1)[0]
    if named.startswith("--") or (named.isupper() and named.isalpha()):
        assert named == _label(name, param), f"blames {named}, not {_label(name, param)}: {line}"


def test_walk_count():
    """The walk is as large as reported (commands x inputs), so a change in coverage is seen."""
    cases = list(_cases())
    assert len({c.values[0] for c in cases}) == len(BASELINES)
    assert len(cases) >= 100
