from datetime import date

import pytest

from allegiance.errors import UnknownIdError, UnknownStateError
from allegiance.facts import query as q


def ids(result):
    return [s["id"] for s in result["statements"]]


def test_state_names_codes_and_aliases(small_store):
    for name in ("BLR", "blr", "BY", "Belarus", "byelorussian ssr"):
        assert q.state_code(small_store, name) == ("BLR", "Belarus")
    assert q.state_code(small_store, "France") == ("FRA", "France")  # an ISO state the KB does not hold
    with pytest.raises(UnknownStateError, match="unknown state 'Atlantis'"):
        q.state_code(small_store, "Atlantis")


def test_timeline_is_ordered_and_windowed(small_store):
    tl = q.timeline(small_store, "BLR")
    starts = [s["valid_from_range"][0] for s in tl["statements"]]
    assert starts == sorted(starts)
    assert ids(tl)[0] == "independence-1990"
    win = q.timeline(small_store, "BLR", start=date(2002, 1, 1), end=date(2006, 12, 31))
    assert set(ids(win)) == {"summit-2002", "summit-2006", "summit-blr"}


def test_statement_shape(small_store):
    (s,) = [s for s in q.timeline(small_store, "BLR")["statements"] if s["id"] == "president-on-council"]
    assert s["kind"] == "fact" and s["valid_from"] == "1999-12-08" and s["valid_until"] is None
    assert s["subject_name"] == "President of Belarus" and s["object_name"] == "The Council"
    assert s["basis"] == ["treaty-1999"]
    (c,) = s["sources"]
    assert c["quote"] == "the President sits on the Council" and c["source"] == "paper-2020"
    assert c["refs"][0]["id"] == "paper-2020-n1" and c["refs"][0]["note"] == 1


def test_as_of_holds_and_fuzzy_ends(small_store):
    f = q.facts_as_of(small_store, "BLR", as_of=date(2021, 6, 1))
    holds = {s["id"]: s["holds"] for s in f["statements"]}
    assert holds["blr-member-bloc"] == "yes"
    assert holds["radar-lease"] == "possibly"  # "until 2021": ended some time in 2021
    assert "summit-2006" not in holds  # events are on the timeline, not "held"
    assert q.facts_as_of(small_store, "BLR", as_of=date(2022, 1, 1))["statements"] and \
        "radar-lease" not in ids(q.facts_as_of(small_store, "BLR", as_of=date(2022, 1, 1)))
    assert "blr-member-bloc" not in ids(q.facts_as_of(small_store, "BLR", as_of=date(1997, 12, 31)))


def test_until_is_exclusive(small_store):
    assert "blr-aim-neutral" in ids(q.facts_as_of(small_store, "BLR", as_of=date(2022, 3, 14)))
    assert "blr-aim-neutral" not in ids(q.facts_as_of(small_store, "BLR", as_of=date(2022, 3, 15)))


def test_supersession(small_store):
    before = q.facts_as_of(small_store, "BLR", as_of=date(2021, 1, 1))
    assert "no-troops" in ids(before) and "troops-2022" not in ids(before)
    after = q.facts_as_of(small_store, "BLR", as_of=date(2022, 3, 1))
    assert "troops-2022" in ids(after) and "no-troops" not in ids(after)
    assert after["superseded"] == [{"id": "no-troops", "text": "No Russian troops are stationed in Belarus.",
                                    "superseded_by": ["troops-2022"]}]


def test_known_by(small_store):
    # In mid-2021 the 2022 news report did not exist: only the paper's statements are known.
    early = q.facts_as_of(small_store, "BLR", as_of=date(2022, 3, 1), known_by=date(2021, 6, 1))
    assert "troops-2022" not in ids(early) and "no-troops" in ids(early) and early["superseded"] == []
    assert "radar-staff-500" not in ids(early)


def test_conflicts_are_detected_and_both_kept(small_store):
    c = q.conflicts(small_store)
    kinds = {tuple(s["id"] for s in x["statements"]): x["kind"] for x in c["conflicts"]}
    assert kinds == {
        ("independence-1990", "independence-1991"): "declared",
        ("radar-staff-500", "radar-staff-600"): "value",
        ("summit-2002", "summit-2006"): "date",
    }
    # supersession is not a conflict, though one statement negates the other
    assert not any("no-troops" in k for k in kinds)


def test_sources(small_store):
    listing = q.list_sources(small_store)
    assert listing["count"] == 3
    paper = q.get_source(small_store, "paper-2020")
    assert [n["id"] for n in paper["footnotes"]] == ["paper-2020-n1"]
    note = q.get_source(small_store, "paper-2020-n1")
    assert [s["id"] for s in note["statements"]] == ["president-on-council"]
    with pytest.raises(UnknownIdError, match="did you mean 'paper-2020'"):
        q.get_source(small_store, "paper-2021")


def test_statements_by_id(small_store):
    assert [s["id"] for s in q.statements_by_id(small_store, ["summit-2006", "no-troops"])] == ["summit-2006", "no-troops"]
    with pytest.raises(UnknownIdError):
        q.statements_by_id(small_store, ["nope"])


def test_one_statement_span_is_the_same_as_in_the_full_map(shipped_store):
    """statement_span (read one row) and statement_spans (read them all) give one answer, supersession included."""
    from datetime import date

    from allegiance.facts.query import statement_span, statement_spans

    ids = ["rus-no-troops-stationed-blr-2020", "blr-sco-observer", "blr-territory-used-invasion-2022"]
    full = statement_spans(shipped_store)
    shipped_store.cache.pop("spans")
    for sid in ids:
        assert statement_span(shipped_store, sid) == full[sid]
    # the 2020 statement is superseded from 10 February 2022: the span says no from then on
    assert statement_span(shipped_store, ids[0]).holds(date(2022, 3, 1)) == "no"
    assert statement_span(shipped_store, ids[0]).holds(date(2021, 3, 1)) == "yes"
    with pytest.raises(UnknownIdError):
        statement_span(shipped_store, "no-such-statement")
