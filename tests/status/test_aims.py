"""The aim of neutrality answers from the documents in force: stated, dropped, or not recorded (unknown)."""

from __future__ import annotations

from datetime import date

import pytest

from allegiance.status.engine import status


def _crit(store, day, cid):
    return next(c for c in status(store, "BLR", as_of=day)["criteria"] if c["id"] == cid)


@pytest.mark.parametrize("day,cid,result,words", [
    (date(2020, 7, 1), "neutrality-aim", "met", "constitutional, doctrinal"),
    (date(2023, 1, 1), "neutrality-aim", "met", "doctrinal"),
    (date(2023, 1, 1), "constitutional-neutrality-aim", "not-met", "renounced"),
    (date(2025, 1, 1), "neutrality-aim", "unknown", "National Security Concept of the Republic of Belarus (2024)"),
    (date(2025, 1, 1), "constitutional-neutrality-aim", "not-met", "renounced"),
])
def test_belarus_aim_of_neutrality_through_its_documents(shipped_store, day, cid, result, words):
    c = _crit(shipped_store, day, cid)
    assert c["result"] == result and words in c["reason"], c["reason"]
    assert c["evidence"] and c["sources"]


def test_a_state_whose_documents_never_stated_the_aim_is_not_made_unknown(shipped_store):
    """Switzerland's constitution is in force but never recorded as stating an aim of neutrality (it is
    neutral): no aim, not an unknown one."""
    c = next(c for c in status(shipped_store, "CHE", as_of=date(2020, 7, 1))["criteria"] if c["id"] == "neutrality-aim")
    assert c["result"] == "not-met"


def test_the_full_and_the_lazy_index_agree_on_the_aims(shipped_store):
    from allegiance.status.criteria import Context, evaluate
    from allegiance.status.index import Index, LazyIndex

    full, lazy = Index(shipped_store), LazyIndex(shipped_store)
    for day in (date(2020, 7, 1), date(2023, 1, 1), date(2025, 1, 1)):
        for cid in ("neutrality-aim", "constitutional-neutrality-aim"):
            a = evaluate(Context(full, "BLR", day), cid)
            b = evaluate(Context(lazy, "BLR", day), cid)
            assert (a["result"], a["reason"]) == (b["result"], b["reason"])
