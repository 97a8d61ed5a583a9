"""The real datasets in ../shared/data: row counts from their README, and answers known from the literature.

Skipped, saying why, where the files are absent. The files are imported once per test session.
"""

from __future__ import annotations

import pytest

from allegiance.measure.data.importer import import_dataset
from allegiance.measure.data.store import open_data
from tests.measure.conftest import REAL, real_or_skip


@pytest.fixture(scope="session")
def real(tmp_path_factory):
    real_or_skip("unvotes", "un_votes.csv.gz")
    real_or_skip("unvotes", "UNVotesPublished.csv.gz")
    store = open_data(tmp_path_factory.mktemp("real") / "data.duckdb", read_only=False)
    reports = {}
    for kind, rel in [("un_roll_calls", "unvotes/un_roll_calls.csv.gz"), ("un_votes", "unvotes/un_votes.csv.gz"),
                      ("un_roll_call_issues", "unvotes/un_roll_call_issues.csv.gz"),
                      ("unvotes_published", "unvotes/UNVotesPublished.csv.gz")]:
        reports[kind] = import_dataset(store, kind, REAL / rel)
    store.reports = reports
    yield store
    store.close()


def test_row_counts_match_the_data_readme(real):
    r = real.reports
    assert r["un_votes"]["dataset"]["rows"] == 870_109
    assert r["un_roll_calls"]["dataset"]["rows"] == 6_203
    assert r["un_roll_call_issues"]["dataset"]["rows"] == 5_745
    assert r["unvotes_published"]["dataset"]["rows"] == 1_066_613
    assert r["unvotes_published"]["dataset"]["coverage"]["sessions"] == [1, 70]
    assert r["un_roll_calls"]["dataset"]["coverage"]["sessions"] == [1, 74]
    # every un_votes row maps to a state; the publisher's yes/abstain/no rows all become votes
    assert real.con.execute("SELECT count(*) FROM votes_unvotes").fetchone()[0] == 870_109
    assert real.con.execute("SELECT count(*) FROM unvotes_published WHERE vote IN (1, 2, 3)").fetchone()[0] == \
        real.con.execute("SELECT count(*) FROM votes_published").fetchone()[0]


def test_the_publishers_stray_issue_flags_are_reported_not_dropped(real):
    r = real.reports["unvotes_published"]
    assert r["warnings"] == 197  # roll call 1429: ec recorded as '0\"' in the publisher's file
    assert {p["field"] for p in r["problems"]} == {"ec"} and r["problems"][0]["line"] == 291956


def test_both_sources_agree_where_they_overlap(real):
    q = ("SELECT count(*) FROM (SELECT rcid, state, vote FROM votes_{a} WHERE rcid IN (SELECT rcid FROM "
         "roll_calls_published WHERE session = 60) EXCEPT SELECT rcid, state, vote FROM votes_{b})")
    assert real.con.execute(q.format(a="published", b="unvotes")).fetchone()[0] == 0


def test_belarus_votes_with_russia(real, shipped_store):
    from allegiance.measure import alignment

    r = alignment(real, shipped_store, "BLR", ["RUS", "USA"], start=2000, end=2019, measure="agree", by="year")
    rus, usa = ({p["period"]: p["value"] for p in s["points"]} for s in r["series"])
    assert sorted(rus) == list(range(2000, 2020))
    # Belarus agrees with Russia on about four roll calls in five, with the United States on under one in three.
    assert sum(rus.values()) / len(rus) > 0.75
    assert all(rus[y] > 0.65 and usa[y] < 0.35 and rus[y] - usa[y] > 0.4 for y in rus)
    soviet = alignment(real, shipped_store, "BLR", ["RUS"], start=1960, end=1960, by="year")
    p = soviet["series"][0]["points"][0]
    assert p["with_codes"] == ["SUN"] and p["value"] > 0.97  # the Byelorussian SSR voted with the USSR


def test_vote_matrix_of_a_real_session(real):
    from allegiance.measure import vote_matrix

    states, rcids, m = vote_matrix(real, 70, source="published")
    assert len(rcids) == 73 and 185 <= len(states) <= 195
    assert "RUS" in states and "SUN" not in states and m.dtype.name == "int8"
    assert set(m.ravel().tolist()) <= {0, 1, 2, 3}


def test_all_dyads_all_sessions(real):
    from allegiance.measure import all_dyads

    out = all_dyads(real, source="unvotes")
    assert len(out) == 74
    last = out[-1]
    i, j = last.states.index("BLR"), last.states.index("RUS")
    assert last.values["agree"][i, j] > 0.7 and last.values["kappa"][i, j] > 0.4


def test_rdata_import_gives_the_same_roll_calls(tmp_path):
    path = real_or_skip("unvotes", "un_roll_calls.rda")
    with open_data(tmp_path / "r.duckdb", read_only=False) as d:
        r = import_dataset(d, "un_roll_calls", path)
        assert r["dataset"]["rows"] == 6_203 and r["dataset"]["format"] == "rdata"


def test_atop_and_cow_import(tmp_path):
    atop = real_or_skip("peacesciencer", "atop_alliance.csv.gz")
    cow = real_or_skip("peacesciencer", "cow_states.csv")
    with open_data(tmp_path / "p.duckdb", read_only=False) as d:
        assert import_dataset(d, "atop_alliance", atop)["dataset"]["rows"] == 273_296
        c = import_dataset(d, "cow_states", cow)["dataset"]
        assert c["rows"] == 243 and c["version"] == "2016"


def test_the_validation_reader_reads_the_votes_the_importer_stores(real):
    """docs/ideal-points.md validates the series `allegiance ideal` estimates: state for state, vote for vote."""
    from allegiance.measure.ideal.validate import read_unvotes

    v = read_unvotes(REAL)
    ours = real.con.execute("SELECT rcid, state, vote FROM votes_unvotes ORDER BY rcid, state").fetchnumpy()
    assert v["rcid"].tolist() == ours["rcid"].tolist()
    assert v["state"].tolist() == ours["state"].tolist()
    assert v["vote"].tolist() == ours["vote"].tolist()
