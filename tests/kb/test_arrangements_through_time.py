"""The arrangements through time: the record after 2020, read through the public queries.

Each test asks what was in force on a day, or what happened, and reaches it from the
state it concerns (Belarus or Russia), as an analyst would through ``facts_as_of`` and
``timeline``. Each fails without the knowledge base's post-2020 record.
"""

from __future__ import annotations

from datetime import date

import pytest

from allegiance.facts.query import conflicts, facts_as_of, statements_by_id, timeline


def held(store, state, day):
    """Statements that certainly held about ``state`` on ``day``."""
    return {s["id"] for s in facts_as_of(store, state, as_of=day)["statements"] if s["holds"] == "yes"}


def on_timeline(store, state, start=None, end=None):
    return {s["id"]: s for s in timeline(store, state, start=start, end=end)["statements"]}


@pytest.mark.parametrize("old, new", [
    ("national-security-concept-blr-2010-in-force", "national-security-concept-blr-2024-in-force"),
    ("military-doctrine-blr-2016-in-force", "military-doctrine-blr-2024-in-force"),
    ("constitution-blr-2004-edition-in-force", "belarus-constitutional-amendments-2022-in-force"),
])
def test_belarus_doctrine_in_force_is_the_one_of_the_day(shipped_store, old, new):
    before, after = held(shipped_store, "BLR", date(2020, 7, 1)), held(shipped_store, "BLR", date(2025, 1, 1))
    assert old in before and new not in before
    assert new in after and old not in after
    # the replacement is recorded, not only implied by the dates
    (statement,) = statements_by_id(shipped_store, [new])
    assert statement["supersedes"] == [old]


def test_the_2024_concept_was_adopted_by_the_peoples_assembly_in_april_2024(shipped_store):
    events = on_timeline(shipped_store, "BLR", start=date(2024, 4, 1), end=date(2024, 4, 30))
    adopted = events["national-security-concept-blr-2024-adopted"]
    assert adopted["valid_from"] == "2024-04-25" and adopted["role"] == "adopted"
    approved = {s["object"] for s in events.values()
                if s["subject"] == "seventh-all-belarusian-peoples-assembly-2024" and s["predicate"] == "participant"}
    assert {"national-security-concept-blr-2024", "military-doctrine-blr-2024", "all-belarusian-peoples-assembly"} <= approved


def test_the_doctrinal_aim_of_neutral_status_ends_with_the_2010_concept(shipped_store):
    def doctrinal_aims(day):
        return {s["value"] for s in facts_as_of(shipped_store, "BLR", as_of=day)["statements"]
                if s["predicate"] == "aim" and s["role"] == "doctrinal" and s["holds"] == "yes"}
    assert "neutral-status" in doctrinal_aims(date(2023, 1, 1))
    assert "neutral-status" not in doctrinal_aims(date(2025, 1, 1))


def test_the_2021_union_state_doctrine_is_on_belarus_timeline_and_replaces_2001(shipped_store):
    events = on_timeline(shipped_store, "BLR", start=date(2021, 11, 1), end=date(2021, 11, 30))
    assert "union-state-military-doctrine-2021-adopted" in events
    assert events["union-state-military-doctrine-2021-adopted"]["valid_from"] == "2021-11-04"
    for state in ("BLR", "RUS"):
        assert "union-state-military-doctrine-2001-in-force" in held(shipped_store, state, date(2020, 7, 1))
        now = held(shipped_store, state, date(2023, 1, 1))
        assert "union-state-military-doctrine-2021-in-force" in now
        assert "union-state-military-doctrine-2001-in-force" not in now


def test_the_security_guarantees_treaty_brings_the_nuclear_umbrella_from_march_2025(shipped_store):
    def obligations(day):
        return {s["id"] for s in facts_as_of(shipped_store, "BLR", as_of=day)["statements"]
                if s["predicate"] == "obligation" and s["subject"] == "union-state-security-guarantees-treaty-2024"
                and s["holds"] == "yes"}
    assert obligations(date(2025, 3, 12)) == set()
    assert "union-state-security-guarantees-treaty-obligation-nuclear" in obligations(date(2025, 6, 1))
    signing = on_timeline(shipped_store, "BLR", start=date(2024, 12, 6), end=date(2024, 12, 6))
    assert {"ssc-session-2024-12-06-treaty", "union-state-security-concept-2024-adopted"} <= set(signing)


def test_the_leases_were_extended_and_still_run(shipped_store):
    now = held(shipped_store, "BLR", date(2025, 1, 1))
    assert {"vileika-leased-to-rus-2021", "gantsevichi-leased-to-rus-2021"} <= now
    ratified = on_timeline(shipped_store, "BLR", start=date(2022, 3, 1), end=date(2022, 3, 31))
    assert ratified["facility-extension-agreements-2021-ratified-blr"]["role"] == "ratified"


def test_russian_forces_and_nuclear_weapons_in_belarus_after_2022(shipped_store):
    assert "rgf-located-in-blr-2022" not in held(shipped_store, "BLR", date(2022, 10, 1))
    assert "rgf-located-in-blr-2022" in held(shipped_store, "BLR", date(2023, 1, 1))
    done = on_timeline(shipped_store, "BLR", start=date(2023, 10, 1), end=date(2023, 10, 31))
    assert "russian-tnw-transfer-completed-2023-occurred" in done


@pytest.mark.parametrize("exercise, start, end", [
    ("zapad-2021", date(2021, 9, 10), date(2021, 9, 16)),
    ("union-shield-2023", date(2023, 9, 22), date(2023, 9, 26)),
    ("zapad-2025", date(2025, 9, 12), date(2025, 9, 16)),
])
def test_joint_exercises_after_2017(shipped_store, exercise, start, end):
    for state in ("BLR", "RUS"):
        events = {s["id"]: s for s in on_timeline(shipped_store, state, start=start, end=end).values()
                  if s["subject"] == exercise}
        assert f"{exercise}-occurred" in events
        assert events[f"{exercise}-occurred"]["valid_from_range"] == [start.isoformat(), end.isoformat()]
        participants = {s["object"] for s in events.values() if s["predicate"] == "participant"}
        assert {"BLR", "RUS"} <= participants


def test_the_news_piece_opposing_claims_are_kept_as_conflicts(shipped_store):
    pairs = {frozenset(s["id"] for s in c["statements"]) for c in conflicts(shipped_store)["conflicts"]}
    assert frozenset({"rus-insistence-no-influence-hardly-believable-moustakis", "rus-stated-aim-neutral-ukraine"}) in pairs
    assert frozenset({"ukr-neutrality-meaning-unclear-wright", "ukr-neutrality-panacea-moustakis"}) in pairs
