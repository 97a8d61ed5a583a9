"""The measure commands through Typer's runner: text, JSON, plots and one-line errors."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from allegiance.cli import app
from tests.measure.conftest import FIX, FIX_KB

runner = CliRunner()


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("ALLEGIANCE_DATA", str(tmp_path / "data.duckdb"))
    monkeypatch.setenv("ALLEGIANCE_CACHE", str(tmp_path / "cache"))
    return tmp_path


def run(*args):
    return runner.invoke(app, ["--kb", str(FIX_KB), *args])


def _import_all():
    for kind in ("un_roll_calls", "un_votes", "un_roll_call_issues"):
        r = run("data", "import", kind, str(FIX / f"fx_{kind}.csv"))
        assert r.exit_code == 0, r.output


def test_import_versions_cite(env):
    r = run("data", "import", "un_roll_calls", str(FIX / "fx_un_roll_calls.csv"), "--version", "fixture")
    assert r.exit_code == 0, r.output
    assert r.output.startswith("un_roll_calls: imported: 8 rows from fx_un_roll_calls.csv (sha256 ")
    again = run("data", "import", "un_roll_calls", str(FIX / "fx_un_roll_calls.csv"), "--json")
    assert json.loads(again.stdout)["status"] == "unchanged"
    v = json.loads(run("data", "versions", "--json").stdout)
    assert v["count"] == 1 and v["datasets"][0]["version"] == "fixture"
    assert "sessions 1–47" in run("data", "versions").output
    c = run("data", "cite", "un_roll_calls")
    assert "Voeten" in c.output and "imported, version fixture" in c.output
    assert json.loads(run("data", "cite", "--json").stdout)["count"] == 1


def test_cite_works_before_anything_is_imported(env):
    r = run("data", "cite", "atop_alliance")
    assert r.exit_code == 0 and "Leeds" in r.output and "not imported" in r.output


def test_bad_file_lists_rows_on_stdout_and_one_error_line(env, tmp_path):
    bad = tmp_path / "published.csv"
    bad.write_text((FIX / "published.csv").read_text().replace("2,1,3,365,", "2,1,7,365,"))
    r = run("data", "import", "unvotes_published", str(bad))
    assert r.exit_code == 1
    assert r.stdout.splitlines()[0].startswith("published.csv:7: vote: expected a vote code")
    assert len(r.stderr.strip().splitlines()) == 1 and r.stderr.startswith("error: published.csv: 1 bad row(s)")
    assert "Traceback" not in r.output


def test_align_text_json_and_plot(env, tmp_path):
    _import_all()
    r = run("align", "Belarus", "--with", "RU,pact", "--measure", "kappa")
    assert r.exit_code == 0, r.output
    assert "Belarus (BLR): Cohen's kappa" in r.output and "with Russia (RUS; state)" in r.output
    j = json.loads(run("align", "BY", "--with", "RUS", "--json").stdout)
    assert j["state"] == "BLR" and j["series"][0]["points"][0]["with_codes"] == ["SUN"]
    for ext in ("svg", "html"):
        out = tmp_path / f"chart.{ext}"
        r = run("align", "BLR", "--with", "RUS,USA", "--plot", str(out))
        assert r.exit_code == 0, r.output
        assert out.stat().st_size > 1000
    assert (tmp_path / "chart.svg").read_text().lstrip().startswith("<svg")


def test_cohesion_text_and_json(env):
    _import_all()
    r = run("cohesion", "PACT")
    assert r.exit_code == 0 and "members recorded in the knowledge base: BLR, SUN, CUB, RUS" in r.output
    j = json.loads(run("cohesion", "pact", "--json").stdout)
    assert j["points"][0]["agreement_index"] == 0.8125


@pytest.mark.parametrize("args, fragment", [
    (["align", "BLR", "--with", "RUS"], "error: no datasets imported yet"),
    (["cohesion", "pact"], "allegiance data import un_votes"),
    (["data", "versions"], "error: no datasets imported yet"),
    (["data", "import", "votes", "x.csv"], "error: KIND: unknown dataset kind 'votes'"),
])
def test_errors_before_import_are_one_line(env, args, fragment):
    r = run(*args)
    assert r.exit_code != 0 and fragment in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("args, fragment", [
    (["align", "Atlantis", "--with", "RUS"], "error: unknown state 'Atlantis'"),
    (["align", "BLR", "--with", "RUS", "--measure", "tau"], "error: --measure: unknown measure 'tau'"),
    (["align", "BLR", "--with", "RUS", "--issue", "war"], "error: --issue: unknown issue area 'war'"),
    (["align", "BLR", "--with", "RUS", "--plot", "out.pdf"], "expected a .png, .svg or .html file"),
    (["cohesion", "warsaw"], "error: unknown organisation 'warsaw'"),
    (["align", "BLR", "--with", "RUS", "--source", "published"], "allegiance data import unvotes_published"),
])
def test_bad_requests_are_one_line(env, args, fragment):
    _import_all()
    r = run(*args)
    assert r.exit_code != 0 and fragment in r.stderr, r.output
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.output


def test_ideal_from_imported_votes(env):
    _import_all()
    r = run("ideal", "--json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["count"] == len(d["rows"]) > 0
    row = d["rows"][0]
    assert {"state", "session", "ideal_point", "lo", "hi", "n_votes"} <= set(row)
    assert row["lo"] <= row["ideal_point"] <= row["hi"]
    text = run("ideal")
    assert text.exit_code == 0 and text.stdout.strip()


def test_ideal_draws_its_chart_through_the_report_layer(env):
    _import_all()
    chart = env / "ideal.svg"
    r = run("ideal", "--json", "--plot", str(chart))
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["plot"] == str(chart) and b"<svg" in chart.read_bytes()[:200]
    text = run("ideal", "--plot", str(chart))
    assert text.exit_code == 0 and f"chart written to {chart}" in text.stdout
    bad = run("ideal", "--plot", str(env / "ideal.gif"))
    assert bad.exit_code == 2 and bad.stderr.startswith("error: --plot: ") and "expected a .png, .svg or .html" \
        in bad.stderr and not (env / "ideal.gif").exists()


def test_ideal_without_votes_says_what_to_import(env):
    r = run("ideal")
    assert r.exit_code == 1
    assert r.stderr.startswith("error:") and "allegiance data import" in r.stderr


def test_ideal_takes_names_and_alpha_2_and_refuses_a_non_voter_before_estimating(env, monkeypatch):
    """Every other command takes BY and Belarus; ideal refused them, after estimating (24 s on the real data)."""
    _import_all()
    by_code = json.loads(run("ideal", "BLR", "--json").stdout)
    assert json.loads(run("ideal", "BY", "--json").stdout)["rows"] == by_code["rows"]
    assert json.loads(run("ideal", "Belarus", "--json").stdout)["rows"] == by_code["rows"]
    import allegiance.measure.ideal.command as cmd

    def never(*a, **k):
        raise AssertionError("estimated before the states were checked")

    monkeypatch.setattr(cmd, "estimate_ideal_points", never)
    r = run("ideal", "Japan", "--json")
    assert r.exit_code == 2 and "STATES:" in r.stderr and "cast no vote" in r.stderr


def test_ideal_bootstrap_on_a_local_pool_gives_the_serial_bands(env):
    _import_all()
    serial = run("ideal", "--json", "--bootstrap", "3", "--link", "states")
    assert serial.exit_code == 0, serial.output
    d = json.loads(serial.stdout)
    assert d["model"]["executor"] == "serial" and d["model"]["link"]["how"] == "states"
    assert d["model"]["uncertainty"] == "parametric bootstrap (3 refits)"
    pooled = run("ideal", "--json", "--bootstrap", "3", "--link", "states", "--workers", "2")
    assert pooled.exit_code == 0, pooled.output
    assert json.loads(pooled.stdout)["rows"] == d["rows"]
    assert json.loads(pooled.stdout)["model"]["executor"] == "local process pool, 2 workers"


@pytest.mark.parametrize("args, fragment", [
    (("--workers", "2"), "error: --workers: it spreads bootstrap refits over workers: add --bootstrap N"),
    (("--bootstrap", "3", "--scheduler", "localhost:8786"), "expected tcp://HOST:PORT"),
    (("--bootstrap", "3", "--workers", "2", "--scheduler", "tcp://127.0.0.1:8786"), "not both"),
    (("--bootstrap", "1"), "n_boot: 1; a bootstrap needs at least 2 refits"),
    (("--link", "sideways"), "link: 'sideways'; expected one of none, states, bridges"),
])
def test_ideal_bad_scale_options_are_one_line(env, args, fragment):
    _import_all()
    r = run("ideal", *args)
    assert r.exit_code != 0 and fragment in r.stderr, r.output
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.output
