"""The shipped knowledge base answers the dated questions the seeds raise.

Each test is a question an analyst would ask, answered through the public
queries (or, for structural questions, the compiled store), and checked
against what the article and the news piece say, or the later record.
"""

from __future__ import annotations

from datetime import date

import pytest

from allegiance.facts.query import conflicts, facts_as_of, timeline


def rows(store, sql, *params):
    return store.con.execute(sql, list(params)).fetchall()


def held(store, state, day, **kw):
    return {s["id"]: s for s in facts_as_of(store, state, as_of=day, **kw)["statements"]}


def one(store, sql, *params):
    r = rows(store, sql, *params)
    assert len(r) == 1, r
    return r[0]


def test_when_did_belarus_join_the_nam(shipped_store):
    (start,) = one(shipped_store, "SELECT valid_from FROM statements WHERE subject='BLR' AND predicate='member-of' "
                                  "AND object='nam' AND NOT negated")
    assert start == "1998"


def test_when_was_the_union_state_treaty_signed(shipped_store):
    (start, lo) = one(shipped_store, "SELECT valid_from, from_lo FROM statements WHERE subject='union-state-treaty-1999' "
                                     "AND predicate='signed'")
    assert lo.year == 1999 and lo.month == 12


def test_who_sits_on_the_supreme_state_council(shipped_store):
    members = {r[0] for r in rows(shipped_store, "SELECT subject FROM statements WHERE predicate='member-of' "
                                                 "AND object='supreme-state-council' AND NOT negated")}
    assert members == {
        "BLR.president", "RUS.president", "BLR.prime-minister", "RUS.prime-minister",
        "BLR.chair-house-of-representatives", "BLR.chair-council-of-the-republic",
        "RUS.chair-state-duma", "RUS.chair-federation-council",
    }


def test_the_council_decides_by_consensus(shipped_store):
    rules = {r[0] for r in rows(shipped_store, "SELECT value FROM statements WHERE subject='supreme-state-council' "
                                               "AND predicate='decides-by' AND mode IS NULL")}
    assert "consensus" in rules


def test_which_facilities_russia_leases_and_until_when(shipped_store):
    in_blr = "(SELECT subject FROM statements WHERE predicate='located-in' AND object='BLR')"
    leases = rows(shipped_store, "SELECT subject, valid_from, valid_until FROM statements WHERE predicate='leased-to' "
                                 f"AND object='RUS' AND subject IN {in_blr} ORDER BY subject, from_lo")
    facilities = {r[0] for r in leases}
    assert len(facilities) == 2
    names = {r[0] for r in rows(shipped_store, "SELECT name FROM entities WHERE id IN (SELECT subject FROM statements "
                                               f"WHERE predicate='leased-to' AND object='RUS' AND subject IN {in_blr})")}
    assert any("Vileika" in n for n in names) and any("Gantsevichi" in n for n in names)
    # the article: agreements signed in 1995 and set to expire in 2021
    first = [r for r in leases if r[2] and r[2].startswith("2021")]
    assert len(first) == 2
    signed = rows(shipped_store, "SELECT b.document_id, d.from_lo FROM basis b JOIN statements l ON l.id = b.statement_id "
                                 "JOIN statements d ON d.subject = b.document_id AND d.predicate = 'signed' "
                                 "AND d.role = 'signed' WHERE l.predicate = 'leased-to' AND l.valid_until LIKE '2021%'")
    assert len({doc for doc, _ in signed}) == 2 and all(d.year == 1995 for _, d in signed)
    # renewed in 2021: the renewal supersedes the expiring lease
    assert rows(shipped_store, "SELECT 1 FROM supersedes x JOIN statements s ON s.id = x.statement_id "
                               "WHERE s.predicate = 'leased-to' AND s.from_lo >= DATE '2021-01-01'")
    # both held in mid-2020, with the article as the source
    in_2020 = held(shipped_store, "BLR", date(2020, 7, 1))
    assert sum(1 for s in in_2020.values() if s["predicate"] == "leased-to") == 2


def test_facility_personnel(shipped_store):
    staff = {r[0]: r[1] for r in rows(shipped_store, "SELECT e.name, s.value_int FROM statements s JOIN entities e "
                                                     "ON e.id = s.subject WHERE s.predicate='personnel' AND e.type='facility'")}
    assert sorted(staff.values()) == [350, 600]


def test_which_states_are_post_neutral_and_why(shipped_store):
    post = rows(shipped_store, "SELECT s.subject, s.kind, s.attributed_to, c.quote FROM statements s JOIN citations c "
                               "ON c.statement_id = s.id WHERE s.predicate='assessed-as' AND s.value ILIKE '%post-neutral%' "
                               "AND s.attributed_to = 'Al Jazeera'")
    # the news piece's four; other authors' post-neutral assessments (Poplawski 2020 on Austria) sit beside them
    assert {r[0] for r in post} == {"IRL", "SWE", "FIN", "AUT"}
    assert all(r[1] == "assessment" and r[2] for r in post)
    assert all("post-neutral" in r[3] and "European Union" in r[3] for r in post)


def test_the_three_named_conflicts_are_kept_and_reported(shipped_store):
    c = conflicts(shipped_store)
    found = [{s["subject"] for s in x["statements"]} | {s["valid_from"] for s in x["statements"]}
             for x in c["conflicts"]]
    # Havana NAM speech: September 2006 in the text, 16 September 2002 in footnote 8
    assert any({"2006-09", "2002-09-16"} <= f for f in found)
    # Turkmenistan neutrality conference: September 2015 in the text, 12 December 2015 in footnote 11
    assert any({"2015-09", "2015-12-12"} <= f for f in found)
    # independence in 1990 versus constitutional status of the declaration on 25 August 1991
    assert any({"1990", "1991-08-25"} <= f for f in found)


def test_no_russian_troops_in_2020_superseded_after_february_2022(shipped_store):
    mid_2020 = held(shipped_store, "BLR", date(2020, 7, 1))
    assert "rus-no-troops-stationed-blr-2020" in mid_2020
    assert mid_2020["rus-no-troops-stationed-blr-2020"]["negated"] is True
    later = facts_as_of(shipped_store, "BLR", as_of=date(2023, 1, 1))
    gone = {s["id"]: s for s in later["superseded"]}
    assert "rus-no-troops-stationed-blr-2020" in gone
    (by,) = gone["rus-no-troops-stationed-blr-2020"]["superseded_by"][:1]
    stationed = {s["id"]: s for s in later["statements"]}[by]
    assert stationed["subject"] == "RUS" and stationed["object"] == "BLR" and not stationed["negated"]
    assert all(c["source"] != "sivitsky-2020" for c in stationed["sources"])
    # as the 2020 sources saw it, nothing had superseded it
    as_2020_saw = facts_as_of(shipped_store, "BLR", as_of=date(2023, 1, 1), known_by=date(2020, 12, 31))
    assert "rus-no-troops-stationed-blr-2020" in {s["id"] for s in as_2020_saw["statements"]}


def test_rgf_exists_only_in_a_threatened_period_or_war_under_belarus_chief_of_general_staff(shipped_store):
    ex = {(m, neg) for m, neg in rows(shipped_store, "SELECT mode, negated FROM statements WHERE subject='rgf' "
                                                     "AND predicate='exists'")}
    assert ("peacetime", True) in ex and ("threatened-period", False) in ex and ("wartime", False) in ex
    cmd = {m: o for m, o in rows(shipped_store, "SELECT mode, object FROM statements WHERE subject='rgf' "
                                                "AND predicate='commanded-by' AND NOT negated")}
    assert cmd["threatened-period"] == "BLR.chief-of-general-staff" and cmd["wartime"] == "BLR.chief-of-general-staff"
    assert rows(shipped_store, "SELECT 1 FROM statements WHERE predicate='reports-to' AND object='supreme-state-council' "
                               "AND mode='threatened-period'")


def test_urads_exists_in_peacetime_and_joins_the_rgf_in_a_threatened_period(shipped_store):
    assert rows(shipped_store, "SELECT 1 FROM statements WHERE subject='urads' AND predicate='exists' "
                               "AND mode='peacetime' AND NOT negated")
    assert rows(shipped_store, "SELECT 1 FROM statements WHERE subject='urads' AND predicate='part-of' AND object='rgf' "
                               "AND mode='threatened-period'")
    approvers = {r[0] for r in rows(shipped_store, "SELECT object FROM statements WHERE subject='urads.commander' "
                                                   "AND predicate='appointed-by'")}
    assert approvers == {"BLR.president", "RUS.president"}


def test_zapad_every_four_years_union_shield_two_years_after(shipped_store):
    (period,) = one(shipped_store, "SELECT value FROM statements WHERE subject='zapad-exercises' AND predicate='recurs'")
    assert period == "P4Y"
    years = sorted(r[0].year for r in rows(shipped_store,
                   "SELECT s.from_lo FROM statements s JOIN statements p ON p.subject = s.subject "
                   "WHERE s.predicate='occurred' AND p.predicate='part-of' AND p.object='zapad-exercises'"))
    assert years == [2009, 2013, 2017, 2021, 2025]  # the article's three, then the later record
    shield = sorted(r[0].year for r in rows(shipped_store,
                    "SELECT s.from_lo FROM statements s JOIN statements p ON p.subject = s.subject "
                    "WHERE s.predicate='occurred' AND p.predicate='part-of' AND p.object='union-shield-exercises'"))
    assert shield == [2011, 2015, 2019, 2023]


@pytest.mark.parametrize("state, day, member", [
    ("FIN", date(2023, 4, 3), False), ("FIN", date(2023, 4, 4), True),
    ("SWE", date(2024, 3, 6), False), ("SWE", date(2024, 3, 7), True),
])
def test_finland_and_sweden_join_nato(shipped_store, state, day, member):
    now = held(shipped_store, state, day)
    is_member = any(s["predicate"] == "member-of" and s["object"] == "nato" and s["subject"] == state
                    and s["role"] in ("member", "founding-member") and s["holds"] == "yes" for s in now.values())
    assert is_member is member


def test_belarus_constitutional_neutrality_aim_until_2022(shipped_store):
    def aims(day, negated=False):
        return {s["value"] for s in held(shipped_store, "BLR", day).values()
                if s["predicate"] == "aim" and s["role"] == "constitutional" and s["holds"] == "yes"
                and s["negated"] is negated}
    assert {"neutrality", "nuclear-free-zone"} <= aims(date(2020, 7, 1))
    assert not {"neutrality", "nuclear-free-zone"} & aims(date(2023, 1, 1))
    # the amended constitution is recorded as dropping the aim (not merely silent about it)
    assert "neutrality" in aims(date(2023, 1, 1), negated=True) and not aims(date(2020, 7, 1), negated=True)


def test_belarusian_territory_used_for_the_2022_invasion(shipped_store):
    used = rows(shipped_store, "SELECT s.object, s.from_lo FROM statements s WHERE s.subject='BLR' "
                               "AND s.predicate='territory-used' AND NOT s.negated")
    assert any(d == date(2022, 2, 24) for _, d in used)


def test_ukraine_constitutional_nato_course_since_2019(shipped_store):
    aims = [s for s in held(shipped_store, "UKR", date(2021, 1, 1)).values()
            if s["predicate"] == "aim" and s["value"] == "nato-membership" and s["role"] == "constitutional"]
    assert aims and all(s["valid_from"].startswith("2019") for s in aims)
    assert not [s for s in held(shipped_store, "UKR", date(2018, 1, 1)).values()
                if s["predicate"] == "aim" and s["value"] == "nato-membership" and s["role"] == "constitutional"]


def test_sivitsky_assesses_belarus_de_facto_neutral_as_an_attributed_assessment(shipped_store):
    r = rows(shipped_store, "SELECT kind, attributed_to FROM statements WHERE subject='BLR' AND predicate='assessed-as' "
                            "AND value ILIKE '%de facto neutral%'")
    assert r and all(k == "assessment" and "Sivitsky" in by for k, by in r)


@pytest.mark.parametrize("org", ["nam", "cis", "csto", "osce", "union-state", "sco"])
def test_belarus_memberships_have_join_dates(shipped_store, org):
    r = rows(shipped_store, "SELECT valid_from FROM statements WHERE subject='BLR' AND predicate='member-of' "
                            "AND object=? AND NOT negated", org)
    assert r, f"no membership of BLR in {org}"


def test_organisations_and_their_founding(shipped_store):
    for org in ("nato", "nam", "csto", "cis", "union-state"):
        assert rows(shipped_store, "SELECT 1 FROM statements WHERE subject=? AND predicate IN ('founded', 'occurred') "
                                   "UNION SELECT 1 FROM statements WHERE object=? AND predicate='member-of'", org, org)


def test_neutral_states_have_a_legal_basis(shipped_store):
    for state in ("CHE", "AUT", "TKM"):
        r = rows(shipped_store, "SELECT s.id FROM statements s JOIN basis b ON b.statement_id = s.id "
                                "WHERE s.subject=? AND s.predicate='neutrality'", state)
        assert r, f"{state}: no neutrality statement with a legal basis"


def test_the_belarus_timeline_runs_from_1990_with_sources(shipped_store):
    tl = timeline(shipped_store, "BLR")
    assert tl["count"] > 150
    assert tl["statements"][0]["valid_from_range"][0] <= "1990-07-27"
    assert all(s["sources"] and all(c["quote"] for c in s["sources"]) for s in tl["statements"])
    years = {s["valid_from_range"][0][:4] for s in tl["statements"]}
    assert {"1990", "1994", "1998", "1999", "2014", "2015", "2022"} <= years
