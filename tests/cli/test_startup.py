"""What a CLI call is spared: main() runs it with an app of the one command it names (cli.app_for), whose
help, usage errors and answers must be what the whole app gives; typer's pydantic coercion is built only for
a value that needs it."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from allegiance.cli import app, app_for, command_names
from tests.conftest import FIXTURE_KB

TOP = [n for n in command_names() if " " not in n]


def _both(args: list[str], env: dict | None = None):
    runner = CliRunner()
    return runner.invoke(app, args, env=env), runner.invoke(app_for(args), args, env=env)


def test_a_call_that_names_a_command_gets_that_command_alone():
    one = app_for(["timeline", "BLR"])
    assert one is not app and len(one.registered_commands) == 1
    assert app_for([]) is app and app_for(["--version"]) is app and app_for(["data", "import"]) is app
    assert app_for(["--kb", "x", "timeline"]) is app and app_for(["no-such-command"]) is app


@pytest.mark.parametrize("name", TOP)
def test_each_command_has_the_same_help_and_usage_errors_alone(name):
    assert app_for([name]) is not app
    for args in ([name, "--help"], [name, "--no-such-flag"]):
        whole, alone = _both(args)
        assert (alone.exit_code, alone.output) == (whole.exit_code, whole.output)


def test_answers_and_library_errors_are_the_same_alone(tmp_path):
    env = {"ALLEGIANCE_CACHE": str(tmp_path / "cache"), "ALLEGIANCE_KB": str(FIXTURE_KB)}
    for args, code in ((["timeline", "BLR"], 0), (["timeline", "BLR", "--json"], 0), (["timeline", "NOWHERE"], 2),
                       (["facts", "BLR", "--as-of", "2020-13-01"], 2)):
        whole, alone = _both(args, env)
        assert (alone.exit_code, alone.output) == (whole.exit_code, whole.output)
        assert whole.exit_code == code and whole.output


def test_a_call_that_needs_no_coercion_imports_no_pydantic(tmp_path):
    """`timeline` reads no pydantic model: its text options and the options left out are taken as they are
    (the shipped knowledge base, the user cache directory: --kb and --cache are paths, which typer checks)."""
    import subprocess
    import sys

    code = ("import sys; from allegiance.cli import main; sys.argv[0] = 'allegiance'\n"
            "try:\n    main()\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
            "print('pydantic' in sys.modules, 'typer._adapters' in sys.modules, file=sys.stderr)")
    env = {"XDG_CACHE_HOME": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"}
    argv = [sys.executable, "-c", code, "timeline", "BLR", "--from", "2014", "--to", "2020"]
    subprocess.run(argv, capture_output=True, env=env, check=True)  # compiles the knowledge base (with pydantic)
    out = subprocess.run(argv, capture_output=True, text=True, env=env, check=True)
    assert out.stdout.startswith("Belarus (BLR): timeline from 2014-01-01 to 2020-12-31")
    assert out.stderr.strip().splitlines()[-1] == "False False"


def test_values_that_need_coercion_are_still_checked_by_typer(tmp_path):
    """A path option given (--kb, --cache) goes through typer's own coercion: a file where a directory is
    expected is refused as before."""
    f = tmp_path / "a-file"
    f.write_text("x")
    r = CliRunner().invoke(app, ["--kb", str(f), "timeline", "BLR"])
    assert r.exit_code == 2 and "--kb" in r.output
    r = CliRunner().invoke(app, ["--kb", str(FIXTURE_KB), "--cache", str(tmp_path / "c"), "timeline", "BLR"])
    assert r.exit_code == 0 and r.stdout.startswith("Belarus (BLR)")
