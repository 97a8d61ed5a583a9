"""Alignment, cohesion, blocs and the vote matrix on the fixture votes and the fixture knowledge base."""

from __future__ import annotations

from datetime import date

import pytest

from allegiance.errors import DataError, DataMissingError, UnknownIdError, UsageError
from allegiance.measure import alignment, cohesion, members_as_of, vote_matrix
from allegiance.measure.dyads import all_dyads
from allegiance.measure.data.importer import import_dataset
from tests.measure.conftest import FIX


def test_members_as_of_respects_roles_and_fuzzy_dates(bloc_kb):
    m = members_as_of(bloc_kb, "PACT", date(1946, 6, 1))
    assert [x["state"] for x in m["members"]] == ["BLR", "SUN"]  # USA is only an observer
    assert [x["state"] for x in m["possibly"]] == ["CUB"]         # "1946" may mean any day of 1946
    later = members_as_of(bloc_kb, "pact", date(1992, 6, 1))
    assert [x["state"] for x in later["members"]] == ["BLR", "CUB", "RUS"]
    # a membership superseded (Cuba an observer from 2000, no longer a member) ends where its successor starts,
    # as it does in the status layer: one Span answers "holds on day D" for both
    assert [x["state"] for x in members_as_of(bloc_kb, "pact", date(1999, 12, 31))["members"]] == ["BLR", "CUB", "RUS"]
    assert [x["state"] for x in members_as_of(bloc_kb, "pact", date(2000, 1, 1))["members"]] == ["BLR", "RUS"]
    with pytest.raises(UnknownIdError, match="unknown organisation 'warsaw'"):
        members_as_of(bloc_kb, "warsaw", date(1990, 1, 1))


def test_alignment_follows_russia_through_the_ussr(loaded, bloc_kb):
    r = alignment(loaded, bloc_kb, "BLR", ["RUS"], measure="kappa")
    assert r["source"]["name"] == "unvotes" and r["measure"] == "kappa"
    s1, s47 = r["series"][0]["points"]
    # session 1: BLR with SUN, by hand in test_similarity: kappa 0.75 over 4 joint roll calls
    assert (s1["period"], s1["n"], s1["value"], s1["with_codes"]) == (1, 4, 0.75, ["SUN"])
    # session 47: BLR and RUS vote alike on 6, 7, 8 (yes, yes, no): agreement 1, kappa 1
    assert (s47["period"], s47["n"], s47["agree"], s47["value"], s47["with_codes"]) == (47, 3, 1.0, 1.0, ["RUS"])
    assert s1["first_date"] == "1946-01-10" and s1["last_date"] == "1946-02-02"
    assert r["interval"]["method"] == "bootstrap-percentile"
    assert s1["low"] <= s1["value"] <= s1["high"]


def test_alignment_agreement_has_a_wilson_interval_and_is_the_same_from_both_sources(loaded, bloc_kb):
    a = alignment(loaded, bloc_kb, "USA", ["CUB"], source="published")
    b = alignment(loaded, bloc_kb, "USA", ["CUB"], source="unvotes")
    assert a["series"][0]["points"][0]["value"] == b["series"][0]["points"][0]["value"] == 0.8
    p = a["series"][0]["points"][0]
    assert a["interval"] == {"method": "wilson", "level": 0.95}
    assert (p["low"], p["high"]) == (pytest.approx(0.3755, abs=1e-4), pytest.approx(0.9638, abs=1e-4))


def test_alignment_with_a_bloc_uses_the_plurality_of_members(loaded, bloc_kb):
    # Pact members certainly in 1946: SUN and BLR (CUB only possibly; USA observes). Plurality per roll call:
    # rc1 yes, rc2 no, rc3 no, rc4 tie (SUN yes, BLR abstain) -> none, rc5 no (SUN alone).
    # USA votes 1,1,3,2,1 -> joint rc1, 2, 3, 5: (1,1), (1,3), (3,3), (1,3) -> agreement 2/4.
    r = alignment(loaded, bloc_kb, "USA", ["pact"], end=1946)
    s = r["series"][0]
    assert s["type"] == "bloc" and s["with"] == "pact"
    assert [m["state"] for m in s["members_recorded"]] == ["BLR", "SUN", "CUB", "RUS"]
    p = s["points"][0]
    assert (p["n"], p["value"], p["members_voting"]) == (4, 0.5, ["BLR", "SUN"])


def test_alignment_by_year_and_by_issue(loaded, bloc_kb):
    by_year = alignment(loaded, bloc_kb, "USA", ["SUN"], by="year")
    assert [p["period"] for p in by_year["series"][0]["points"]] == [1946]
    me = alignment(loaded, bloc_kb, "USA", ["SUN"], issue="me")  # rc 1, 2: (1,1), (1,3)
    assert me["series"][0]["points"][0]["agree"] == 0.5 and me["issue"] == "me"


def test_alignment_errors(loaded, bloc_kb):
    # questions asked wrongly are usage errors naming the parameter, never a command-line flag
    with pytest.raises(UsageError, match="unknown measure 'tau'") as err:
        alignment(loaded, bloc_kb, "BLR", ["RUS"], measure="tau")
    assert (err.value.field, err.value.value) == ("measure", "tau")
    with pytest.raises(UsageError, match="'Belarus' is BLR itself") as err:
        alignment(loaded, bloc_kb, "BLR", ["Belarus"])
    assert err.value.field == "with_"
    with pytest.raises(UsageError, match="end year 1950 is before the start year 1990") as err:
        alignment(loaded, bloc_kb, "BLR", ["RUS"], start=1990, end=1950)
    assert "--" not in str(err.value) and err.value.field == "end"
    with pytest.raises(UsageError, match="unknown issue area 'war'"):
        alignment(loaded, bloc_kb, "BLR", ["RUS"], issue="war")


def test_a_source_not_imported_says_which_import_to_run(data, bloc_kb):
    with pytest.raises(DataMissingError, match="allegiance data import un_votes .* and allegiance data import un_roll_calls"):
        alignment(data, bloc_kb, "BLR", ["RUS"])
    import_dataset(data, "un_roll_calls", FIX / "fx_un_roll_calls.csv")
    import_dataset(data, "un_votes", FIX / "fx_un_votes.csv")
    with pytest.raises(DataMissingError, match="un_roll_call_issues"):
        alignment(data, bloc_kb, "BLR", ["RUS"], issue="hr")
    with pytest.raises(DataMissingError, match="allegiance data import unvotes_published"):
        alignment(data, bloc_kb, "BLR", ["RUS"], source="published")


def test_cohesion_by_hand(loaded, bloc_kb):
    r = cohesion(loaded, bloc_kb, "pact")
    s1, s47 = r["points"]
    # Session 1, members SUN and BLR: rc1-3 unanimous (AI 1), rc4 yes+abstain: AI = (1 - .5*(2-1))/2 = .25,
    # pairwise 0; rc5 only SUN votes (excluded). Mean AI = 3.25/4 = .8125, pairwise 3/4.
    assert (s1["roll_calls"], s1["agreement_index"], s1["pairwise_agreement"]) == (4, 0.8125, 0.75)
    assert s1["members_voting"] == ["BLR", "SUN"]
    # Session 47, members RUS, BLR, CUB: rc6 Y,Y,N: AI = (2 - .5)/3 = .5, pairwise 1/3; rc7 unanimous;
    # rc8 N,N,Y: .5, 1/3. Mean AI 2/3, pairwise 5/9.
    assert s47["agreement_index"] == pytest.approx(2 / 3, abs=1e-6)
    assert s47["pairwise_agreement"] == pytest.approx(5 / 9, abs=1e-6)
    assert s47["members_voting"] == ["BLR", "CUB", "RUS"]


def test_vote_matrix_for_ideal_points(loaded):
    states, rcids, m = vote_matrix(loaded, 1)
    assert states == ["BLR", "CUB", "SUN", "USA"] and rcids == [1, 2, 3, 4, 5]
    assert m.dtype.name == "int8" and m.shape == (4, 5)
    assert m[0].tolist() == [1, 3, 3, 2, 0]  # BLR absent on rc5 -> 0
    assert m[3].tolist() == [1, 1, 3, 2, 1]
    with pytest.raises(DataError, match="no roll calls in session 9"):
        vote_matrix(loaded, 9)


def test_all_dyads_every_session(loaded):
    out = all_dyads(loaded, source="published")
    assert [p.period for p in out] == [1, 47]
    s1 = out[0]
    i, j = s1.states.index("USA"), s1.states.index("SUN")
    assert s1.values["kappa"][i, j] == pytest.approx(2 / 27)
    assert s1.values["pi"][j, i] == pytest.approx(-1 / 49)
    assert s1.values["s"][i, j] == pytest.approx(0.0)


def test_cohesion_text_names_a_state_with_two_spells_once():
    from allegiance.report.measure import render_cohesion

    r = {"name": "Non-Aligned Movement", "bloc": "nam", "by": "session", "from": 1970, "to": 2019,
         "source": {"name": "unvotes"}, "points": [],
         "members_recorded": [{"state": "MMR", "valid_from": "1961-09-01", "valid_until": "1979"},
                              {"state": "IND", "valid_from": "1961-09-01", "valid_until": None},
                              {"state": "MMR", "valid_from": "1992-09", "valid_until": None}]}
    assert "members recorded in the knowledge base: MMR, IND\n" in render_cohesion(r)


def test_a_window_outside_the_votes_is_refused_not_answered_empty(loaded, bloc_kb):
    """Issue 12: `align --from -5` and `--from 2100 --to 2200` answered (exit 0) with nothing in them."""
    with pytest.raises(UsageError, match="year -5 is outside") as err:
        alignment(loaded, bloc_kb, "BLR", ["RUS"], start=-5)
    assert err.value.field == "start"
    with pytest.raises(UsageError, match=r"no roll calls in 2100-2200: the imported unvotes votes cover 1946-") as err:
        alignment(loaded, bloc_kb, "BLR", ["RUS"], start=2100, end=2200)
    assert err.value.field == "start"
