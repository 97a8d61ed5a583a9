"""The rules commands through the real CLI: JSON shapes, text, and one-line errors."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from allegiance.cli import app

runner = CliRunner()


def run(*args):
    return runner.invoke(app, list(args))


def test_can_json_has_the_documented_keys(cache_dir):
    r = run("can", "bring-russian-forces-into-blr", "--in", "union-state", "--mode", "threatened-period", "--json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    for key in ("arrangement", "action", "mode", "as_of", "permitted", "possible", "veto_states", "veto_offices",
                "minimal_winning_coalitions", "proof", "sources"):
        assert key in d
    assert d["permitted"] is None and d["possible"] is True and d["veto_states"] == ["BLR", "RUS"]
    assert all(s["quote"] for s in d["sources"])


def test_can_with_consent_list(cache_dir):
    r = run("can", "bring-russian-forces-into-blr", "--in", "union-state", "--mode", "wartime",
            "--consent", "BLR,RUS", "--json")
    assert json.loads(r.stdout)["permitted"] is True
    r = run("can", "bring-russian-forces-into-blr", "--in", "union-state", "--mode", "wartime", "--consent", "Russia")
    assert r.exit_code == 0
    assert "permitted: no" in r.stdout and "Proof:" in r.stdout and "Sources:" in r.stdout


def test_who_commands_json_chain(cache_dir):
    r = run("who-commands", "urads", "--in", "union-state", "--mode", "threatened-period", "--json")
    d = json.loads(r.stdout)
    assert d["exists"] is True
    assert [(x["id"], x["role"]) for x in d["chain"]] == [
        ("urads", "force"), ("rgf", "part of"), ("BLR.chief-of-general-staff", "commander"),
        ("supreme-state-council", "reports to")]


def test_vetoes_power_verify_text(cache_dir):
    r = run("vetoes", "union-state", "station-russian-forces-in-blr")
    assert r.exit_code == 0 and "station-russian-forces-in-blr — peacetime: veto states BLR, RUS" in r.stdout
    r = run("power", "supreme-state-council", "--in", "union-state")
    assert r.exit_code == 0 and "0.1250" in r.stdout
    r = run("verify", "union-state", "no-foreign-forces-without-blr-consent")
    assert r.exit_code == 0 and "in union-state: unknown" in r.stdout  # from the 2025 treaty on (rules/history.py)
    assert "unknown: open-russian-base-in-blr in peacetime on 2025-03-13" in r.stdout
    r = run("verify", "union-state", "--check", "veto", "--state", "BLR", "--actions", "station-russian-forces-in-blr")
    assert r.exit_code == 0 and "in union-state: holds" in r.stdout
    r = run("verify", "union-state", "--check", "veto", "--state", "BLR", "--actions", "activate-joint-forces",
            "--json")
    js = json.loads(r.stdout)  # a veto up to the 2021 doctrine; unknown from 4 November 2021 on
    assert js["holds"] is None and js["counterexample"] is None
    assert min(u["date"] for u in js["unknown"]) == "2021-11-04"


def test_verify_ad_hoc_counterexample(cache_dir):
    # Belarus can act alone on nothing: stationing needs Russia too, so "BLR can act alone" fails with a proof.
    r = run("verify", "union-state", "--check", "can-act-alone", "--state", "BLR", "--actions",
            "station-russian-forces-in-blr", "--json")
    d = json.loads(r.stdout)
    assert d["holds"] is False
    cx = d["counterexample"]
    assert cx["action"] == "station-russian-forces-in-blr" and cx["mode"] == "peacetime"
    assert "RUS" not in cx["coalition"] and cx["proof"]["result"] is False and cx["sources"]


def test_errors_are_one_line(cache_dir):
    for args, needle in (
        (("can", "x", "--in", "nowhere"), "unknown arrangement 'nowhere'"),
        (("can", "activate-joint-forces", "--in", "union-state", "--mode", "siege"), "mode 'siege' is not declared"),
        (("can", "activate-joint-forces", "--in", "union-state", "--as-of", "2020-13-01"), "--as-of"),
        (("who-commands", "navy", "--in", "union-state", "--mode", "wartime"), "unknown force 'navy'"),
        (("power", "senate"), "unknown body 'senate'"),
        (("verify", "union-state"), "name a PROPERTY"),
    ):
        r = run(*args)
        assert r.exit_code != 0, args
        err = r.stderr.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("error:") and needle in err[0], (args, r.stderr)


def test_arrangements_lists_the_union_state(cache_dir):
    r = run("arrangements", "--json")
    ids = [a["id"] for a in json.loads(r.stdout)["arrangements"]]
    assert "union-state" in ids


def test_rendered_proof_snapshot(cache_dir, snapshot):
    r = run("can", "appoint-urads-commander", "--in", "union-state", "--mode", "peacetime",
            "--consent", "BLR.president,RUS.president")
    assert r.exit_code == 0
    assert r.stdout == snapshot
