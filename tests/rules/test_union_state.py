"""Questions about the Union State that are not declarative cases (those are in tests/cases/union-state.yaml)."""

from __future__ import annotations

from datetime import date

import pytest

import allegiance.rules as api
from allegiance.errors import RulesError


def test_default_date_is_the_described_date_and_is_reported(rules):
    out = api.can(rules, "activate-joint-forces", arrangement="union-state", mode="wartime")
    assert out["as_of"] == "2020-12-31"
    assert "described" in out["as_of_basis"]
    given = api.can(rules, "activate-joint-forces", arrangement="union-state", mode="wartime",
                       as_of=date(2019, 1, 1))
    assert given["as_of"] == "2019-01-01" and given["as_of_basis"] == "given"


def test_proof_names_provisions_and_their_lines(rules):
    out = api.can(rules, "bring-russian-forces-into-blr", arrangement="union-state", mode="threatened-period",
                     consent=["BLR", "RUS"])
    proof = out["proof"]
    assert proof["result"] is True
    refs = [c["ref"] for c in proof["children"]]
    assert refs == ["minsk-authorisation", "forces-with-the-rgf-by-consensus"]
    for child in proof["children"]:
        assert child["where"].startswith("union-state.yaml:")
        assert child["sources"]


def test_unknown_things_are_clear_errors(rules):
    from allegiance.errors import UnknownIdError

    with pytest.raises(UnknownIdError, match="unknown arrangement 'nope'"):
        api.can(rules, "x", arrangement="nope")
    with pytest.raises(UnknownIdError, match="unknown action 'fly'"):
        api.can(rules, "fly", arrangement="union-state")
    with pytest.raises(RulesError, match="mode 'calm' is not declared"):
        api.can(rules, "activate-joint-forces", arrangement="union-state", mode="calm")
    with pytest.raises(RulesError, match="neither an office nor a state"):
        api.can(rules, "activate-joint-forces", arrangement="union-state", consent=["Atlantis"])
    with pytest.raises(UnknownIdError, match="unknown force 'navy'"):
        api.who_commands(rules, "navy", arrangement="union-state", mode="wartime")
    with pytest.raises(UnknownIdError, match="unknown property"):
        api.verify(rules, "union-state", "nothing")


def test_power_of_the_council_is_equal_under_consensus(rules):
    out = api.body_power(rules, "supreme-state-council", arrangement="union-state")
    assert [p["banzhaf_exact"] for p in out["players"]] == ["1/8"] * 8
    assert len(out["veto_players"]) == 8


def test_vetoes_lists_bodies_and_actions(rules):
    out = api.vetoes(rules, "union-state")
    body = {b["body"]: b for b in out["bodies"]}["supreme-state-council"]
    assert body["veto_states"] == ["BLR", "RUS"]
    rows = {(r["action"], r["mode"]): r for r in out["actions"]}
    assert rows[("station-russian-forces-in-blr", "peacetime")]["veto_states"] == ["BLR", "RUS"]
    assert rows[("station-russian-forces-in-blr", "wartime")]["possible"] is False


def test_csto_membership_dates_decide_who_holds_a_veto(rules):
    """Uzbekistan sat in the CSTO's Collective Security Council from August 2006 to December 2012 only."""
    def vetoes_on(day):
        out = api.vetoes(rules, "csto", "csto-decision", as_of=date.fromisoformat(day), mode="peacetime")
        return out["actions"][0]["veto_states"]

    assert "UZB" not in vetoes_on("2005-01-01")
    assert vetoes_on("2010-01-01") == ["ARM", "BLR", "KAZ", "KGZ", "RUS", "TJK", "UZB"]
    assert "UZB" not in vetoes_on("2012-12-19")  # valid_until is exclusive
