"""The knowledge base's commands (check, timeline, facts, sources, conflicts) through the real CLI, run through
Typer's runner and, for exit behaviour, as a subprocess."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from allegiance.cli import app, command_names
from tests.conftest import FIXTURE_KB

runner = CliRunner()


def run(*args, kb=FIXTURE_KB):
    pre = ["--kb", str(kb)] if kb is not None else []
    return runner.invoke(app, [*pre, *args])


def test_check_clean(cache_dir):
    r = run("check")
    assert r.exit_code == 0, r.output
    assert r.output.startswith("ok: 3 sources, 9 entities, 17 statements")


def test_check_lists_every_problem_and_exits_1(tmp_path, cache_dir):
    kb = tmp_path / "kb"
    kb.mkdir()
    text = (FIXTURE_KB / "core.yaml").read_text()
    text = text.replace("valid_from: 2006-09\n", "valid_from: 2006-19\n").replace("object: bloc\n", "object: blocc\n")
    (kb / "core.yaml").write_text(text)
    r = run("check", kb=kb)
    assert r.exit_code == 1
    lines = [ln for ln in r.stdout.splitlines() if ln]
    assert len(lines) == 3  # the bad object, and both statements dated 2006-19
    assert all(":" in ln and "core.yaml:" in ln for ln in lines)
    assert any("statements[0].object: unknown entity 'blocc'; did you mean 'bloc'?" in ln for ln in lines)


def test_timeline_text_and_json(cache_dir):
    r = run("timeline", "Belarus", "--from", "2002", "--to", "2006")
    assert r.exit_code == 0, r.output
    assert "Belarus (BLR): timeline from 2002-01-01 to 2006-12-31, 3 statements" in r.output
    j = json.loads(run("timeline", "BY", "--json").stdout)
    assert j["state"] == "BLR" and j["count"] == len(j["statements"])
    for s in j["statements"]:
        assert {"valid_from", "valid_until", "kind", "sources"} <= s.keys()
        assert all("quote" in c for c in s["sources"])


def test_facts_json_shape(cache_dir):
    j = json.loads(run("facts", "BLR", "--as-of", "2022-03-01", "--json").stdout)
    assert j["as_of"] == "2022-03-01" and j["known_by"] is None
    assert {s["holds"] for s in j["statements"]} <= {"yes", "possibly"}
    assert j["superseded"][0]["id"] == "no-troops"


def test_sources_and_conflicts(cache_dir):
    assert "paper-2020-n1" in run("sources").output
    j = json.loads(run("sources", "paper-2020", "--json").stdout)
    assert j["source"]["id"] == "paper-2020" and j["footnotes"][0]["note"] == 1
    c = json.loads(run("conflicts", "--json").stdout)
    assert c["count"] == 3


@pytest.mark.parametrize("args, fragment", [
    (["timeline", "Atlantis"], "error: unknown state 'Atlantis'"),
    (["facts", "BLR", "--as-of", "2020"], "error: --as-of: '2020' is not a single day"),
    (["facts", "BLR", "--as-of", "2020-02-30"], "February 2020 has 29 days"),
    (["timeline", "BLR", "--from", "soon"], "error: --from: 'soon' is not a valid EDTF date"),
    (["timeline", "BLR", "--from", "2010", "--to", "2000"], "is before --from"),
    (["sources", "nope"], "error: unknown source 'nope'"),
])
def test_bad_input_is_one_line_and_non_zero(cache_dir, args, fragment):
    r = run(*args)
    assert r.exit_code != 0
    assert fragment in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    assert "Traceback" not in r.output


def test_real_script_never_prints_a_traceback(tmp_path):
    env = {"ALLEGIANCE_CACHE": str(tmp_path / "c"), "PATH": "/usr/bin:/bin"}
    p = subprocess.run([sys.executable, "-m", "allegiance.cli", "--kb", str(FIXTURE_KB), "facts", "Nowhere",
                        "--as-of", "2020-01-01"], capture_output=True, text=True, env=env)
    assert p.returncode == 2  # UnknownStateError: a usage error in errors.EDGE_TABLE
    assert p.stderr.strip() == "error: unknown state 'Nowhere': expected an ISO 3166-1 code (BLR, BY) or a name (Belarus)"


def _callback(name: str):
    """The function behind a command name from command_names() ("facts", or "data import" in a group)."""
    *groups, leaf = name.split()
    typer_app = app
    for g in groups:
        typer_app = next(x.typer_instance for x in typer_app.registered_groups if x.name == g)
    return next(c for c in typer_app.registered_commands if (c.name or c.callback.__name__) == leaf).callback


def test_every_command_is_documented_with_an_example():
    for name in command_names():
        doc = _callback(name).__doc__ or ""
        assert "Example: allegiance " in doc, f"command {name!r} lacks a docstring example"


def test_ctrl_c_is_one_line_and_exit_130(monkeypatch, capsys):
    """Ctrl-C while a command works gives one line, no traceback, exit 130 (the shell's code for SIGINT)."""
    import allegiance.cli as cli

    def interrupted():
        raise KeyboardInterrupt

    monkeypatch.setattr(cli, "app_for", lambda args: interrupted)
    monkeypatch.setattr("allegiance._entry.install", lambda: None)  # keep pytest's own Ctrl-C handler
    with pytest.raises(SystemExit) as done:
        cli.main()
    err = capsys.readouterr().err
    assert done.value.code == 130 and err.startswith("error: interrupted") and len(err.strip().splitlines()) == 1
