"""The one error mapping (allegiance.cli._common): one line, the flag from the error's field, the exit code of
errors.EDGE_TABLE; the edge's own validation; docs/errors.md against the table."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Optional

import pytest
import typer
from typer.testing import CliRunner

from allegiance import errors
from allegiance.cli import app
from allegiance.cli._common import Commands
from allegiance.docgen import ERROR_EXAMPLES, errors_reference
from allegiance.errors import EDGE_TABLE, DataImportError, KnowledgeBaseError, Problem
from tests.conftest import FIXTURE_KB

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


# --------------------------------------------------------------------- a probe command raising any error


def _probe_app() -> typer.Typer:
    probe_app = typer.Typer()
    commands = Commands()

    @probe_app.callback()
    def _root() -> None:
        pass

    @commands()
    def probe(
        state: Optional[str] = typer.Argument(None),
        start: Optional[str] = typer.Option(None, "--from"),
        end: Optional[str] = typer.Option(None, "--to"),
        as_of: Optional[str] = typer.Option(None, "--as-of"),
        consent: Optional[str] = typer.Option(None, "--consent"),
        output: Optional[Path] = typer.Option(None, "--output", "-o"),
        kind: str = typer.Option("AllegianceError", "--kind"),
        field: Optional[str] = typer.Option(None, "--field"),
        message: str = typer.Option("something is wrong with 'v'", "--message"),
    ) -> None:
        """Raise the error named by --kind, with --field."""
        if output is not None:
            output.write_text("x")
            return
        cls = getattr(errors, kind)
        if cls is KnowledgeBaseError:
            raise KnowledgeBaseError([Problem("core.yaml", 3, "statements[0].object", "unknown entity 'x'"),
                                      Problem("core.yaml", 9, "valid_from", "bad date")])
        if cls is DataImportError:
            raise DataImportError("f.csv: 5 bad row(s); nothing imported",
                                  problems=[Problem("f.csv", 2, "vote", "expected a vote code")], total=5)
        raise cls(message, value="v", field=field)

    commands.register(probe_app)
    return probe_app


PROBE = _probe_app()


@pytest.mark.parametrize("field, flag", [
    ("as_of", "--as-of"), ("consent", "--consent"), ("end", "--to"), ("start", "--from"), ("state", "STATE"),
])
def test_field_becomes_the_flag(field, flag):
    r = runner.invoke(PROBE, ["probe", "--kind", "DateError", "--field", field])
    assert r.stderr == f"error: {flag}: something is wrong with 'v'\n"


def test_a_message_that_names_its_flag_is_not_prefixed_twice():
    r = runner.invoke(PROBE, ["probe", "--kind", "RulesError", "--field", "consent", "--message", "--consent: 'x'"])
    assert r.stderr == "error: --consent: 'x'\n"


def test_a_message_that_starts_with_its_field_name_gets_the_flag_instead():
    r = runner.invoke(PROBE, ["probe", "--kind", "RulesError", "--field", "consent",
                              "--message", "consent: 'x' is no one"])
    assert r.stderr == "error: --consent: 'x' is no one\n"


def test_no_field_no_prefix_and_unknown_field_is_named_as_is():
    assert runner.invoke(PROBE, ["probe"]).stderr == "error: something is wrong with 'v'\n"
    r = runner.invoke(PROBE, ["probe", "--kind", "LimitError", "--field", "limit"])
    assert r.stderr == "error: limit: something is wrong with 'v'\n"


def test_a_plural_parameter_takes_the_singular_field(cache_dir):
    # status.compare raises with field 'state' (ATA is a code, but not a state the knowledge base covers)
    r = runner.invoke(app, ["compare", "BLR", "ATA", "--as-of", "2020-07-01"])
    assert r.exit_code == 2 and r.stderr.startswith("error: STATES: 'ATA' (ATA) is not a state the knowledge base")


@pytest.mark.parametrize("cls", list(EDGE_TABLE), ids=lambda c: c.__name__)
def test_exit_code_is_the_tables(cls):
    r = runner.invoke(PROBE, ["probe", "--kind", cls.__name__])
    assert r.exit_code == EDGE_TABLE[cls][0]
    err = r.stderr.splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and "Traceback" not in r.output


def test_knowledge_base_problems_are_listed_one_per_line():
    r = runner.invoke(PROBE, ["probe", "--kind", "KnowledgeBaseError"])
    assert r.exit_code == 1
    out = r.stdout.splitlines()
    assert len(out) == 2 and out[0].endswith("core.yaml:3: statements[0].object: unknown entity 'x'")
    assert r.stderr == "error: 2 problem(s) in the knowledge base\n"


def test_bad_rows_are_listed_with_how_many_more():
    r = runner.invoke(PROBE, ["probe", "--kind", "DataImportError"])
    assert r.exit_code == 1
    assert r.stdout.splitlines() == ["f.csv:2: vote: expected a vote code", "... and 4 more"]
    assert r.stderr == "error: f.csv: 5 bad row(s); nothing imported\n"


def test_a_broken_knowledge_base_is_listed_by_any_command(tmp_path, cache_dir):
    kb = tmp_path / "kb"
    kb.mkdir()
    text = (FIXTURE_KB / "core.yaml").read_text().replace("object: bloc\n", "object: blocc\n")
    (kb / "core.yaml").write_text(text)
    r = runner.invoke(app, ["--kb", str(kb), "timeline", "BLR"])
    assert r.exit_code == 1 and "unknown entity 'blocc'" in r.stdout
    assert r.stderr == "error: 1 problem(s) in the knowledge base\n"


def test_os_error_is_one_line_naming_the_path(tmp_path):
    target = tmp_path / "missing" / "out.md"
    r = runner.invoke(PROBE, ["probe", "-o", str(target)])
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert r.stderr.startswith("error: --output: cannot use ") and str(target) in r.stderr
    assert len(r.stderr.splitlines()) == 1


def test_assess_into_a_missing_directory_fails_before_the_work(tmp_path, cache_dir):
    target = tmp_path / "nowhere" / "brief.md"
    r = runner.invoke(app, ["assess", "BLR", "--as-of", "2023-01-01", "-o", str(target)])
    assert r.exit_code == 1
    assert r.stderr == f"error: --output: cannot use {target}: no such directory\n"


@pytest.mark.parametrize("command", [["align", "BLR", "--with", "RUS"], ["ideal"]])
def test_plot_into_a_missing_directory(tmp_path, command, monkeypatch):
    monkeypatch.setenv("ALLEGIANCE_DATA", str(tmp_path / "none.duckdb"))
    target = tmp_path / "nowhere" / "chart.svg"
    r = runner.invoke(app, [*command, "--plot", str(target)])
    assert r.exit_code == 1
    assert r.stderr == f"error: --plot: cannot use {target}: no such directory\n"


def test_click_usage_errors_keep_exit_2():
    r = runner.invoke(app, ["facts", "BLR", "--no-such-option"])
    assert r.exit_code == 2 and "No such option" in r.output


def test_version():
    from importlib.metadata import version

    r = runner.invoke(app, ["--version"])
    assert r.exit_code == 0 and r.stdout == f"allegiance {version('allegiance')}\n"


# --------------------------------------------------------------------- validated at the edge, before any work


@pytest.mark.parametrize("args, line", [
    (["compare", "BLR", "--as-of", "2020-07-01"],
     "error: STATES: compare needs at least two different states, got 'BLR'"),
    (["compare", "FIN", "fin", "--as-of", "2020-07-01"],
     "error: STATES: compare needs at least two different states, got 'FIN' 'fin'"),
    (["can", "activate-joint-forces", "--in", "union-state", "--consent", ""],
     "error: --consent: '' names nothing"),
    (["can", "activate-joint-forces", "--in", "union-state", "--abstain", " , "],
     "error: --abstain: ' , ' names nothing"),
    (["align", "BLR", "--with", ","], "error: --with: ',' names nothing"),
    (["facts", "BLR", "--as-of", "-2020-07-01"], "error: --as-of: '-2020-07-01' is before year 1"),
    (["timeline", "BLR", "--from", "0000"], "error: --from: '0000' is before year 1"),
    (["timeline", "BLR", "--from", "2010", "--to", "2000"], "error: --to: 2000 is before --from 2010"),
    (["changes", "FIN", "--from", "2020-01-01", "--to", "2020-13-01"], "error: --to: '2020-13-01' is not a valid"),
    (["assess", "BLR", "--as-of", "2020-01-01", "--format", "pdf"], "error: --format: 'pdf': expected md, html"),
    (["assess", "BLR", "--as-of", "2020-01-01", "--since", "2021-01-01"],
     "error: --since: 2021-01-01 is after --as-of 2020-01-01"),
    (["assess", "BLR", "--as-of", "2020-01-01", "--data", "/nonexistent/votes.duckdb"],
     "error: --data: no such data store: '/nonexistent/votes.duckdb'"),
    (["align", "BLR", "--with", "RUS", "--plot", "out.pdf"], "error: --plot: 'out.pdf': expected a .png"),
    (["verify", "union-state"], "error: name a PROPERTY of the arrangement"),
    (["check", "--seeds", "/nonexistent/seeds"], "error: --seeds: /nonexistent/seeds is not a directory"),
    (["status", "--as-of", "2020-01-01"], "error: name a STATE, or give --all"),
])
def test_the_edge_refuses_before_doing_work(cache_dir, args, line):
    r = runner.invoke(app, args)
    assert r.exit_code == 2, r.output
    assert r.stderr.startswith(line) and len(r.stderr.splitlines()) == 1, r.stderr


def test_changes_blames_to_when_the_library_says_end(cache_dir):
    r = runner.invoke(app, ["changes", "FIN", "--from", "2022-01-01", "--to", "2021-01-01"])
    assert r.exit_code == 2
    assert r.stderr == "error: --to: the end 2021-01-01 is before the start 2022-01-01\n"


def test_a_long_value_is_never_echoed_in_full(cache_dir):
    long = "Z" * 10_000
    r = runner.invoke(app, ["timeline", long])
    assert r.exit_code == 2 and long not in r.stderr and len(r.stderr) < 300
    assert errors.shorten(long) in r.stderr


# --------------------------------------------------------------------- docs/errors.md


def test_error_reference_is_current():
    assert (ROOT / "docs" / "errors.md").read_text() == errors_reference(), "run: python scripts/gen_docs.py"


def test_every_error_class_has_an_example():
    assert set(ERROR_EXAMPLES) == {c.__name__ for c in EDGE_TABLE}


@pytest.mark.parametrize("name", [n for n, (cmd, _) in ERROR_EXAMPLES.items() if cmd])
def test_documented_examples_are_what_the_cli_prints(name, cache_dir, monkeypatch):
    monkeypatch.delenv("ALLEGIANCE_KB", raising=False)
    command, line = ERROR_EXAMPLES[name]
    r = runner.invoke(app, shlex.split(command)[1:])
    cls = getattr(errors, name)
    assert r.exit_code == EDGE_TABLE[cls][0]
    assert r.stderr.rstrip("\n") == line

