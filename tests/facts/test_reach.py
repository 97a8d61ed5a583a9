"""Everything about a state is reachable from the state: its offices and office-holders, the events it or they
take part in, the documents it is party to or issued, the bodies and organisations it belongs to."""

from __future__ import annotations

import pytest

from allegiance.facts.query import timeline


@pytest.fixture(scope="module")
def blr(shipped_store):
    return {s["id"] for s in timeline(shipped_store, "BLR")["statements"]}


def _seed_statements(store) -> set[str]:
    """Statements citing a seed document (sources-seeds.yaml: the two seeds and the article's footnotes)."""
    return {r[0] for r in store.con.execute(
        "SELECT DISTINCT c.statement_id FROM citations c JOIN sources s ON s.id = c.source_id "
        "WHERE s.seed IS NOT NULL OR s.cited_in IN (SELECT id FROM sources WHERE seed IS NOT NULL)").fetchall()}


def test_every_statement_citing_a_seed_is_reachable_from_a_state_organisation_or_arrangement(shipped_store):
    from allegiance.rules import open_rules

    seeds = _seed_statements(shipped_store)
    assert len(seeds) > 300
    states = [r[0] for r in shipped_store.con.execute("SELECT id FROM entities WHERE type = 'state'").fetchall()]
    seen: set[str] = set()
    for code in states:
        seen |= {s["id"] for s in timeline(shipped_store, code)["statements"]}
    # an arrangement's view: the statements its records rest on
    rules = open_rules(shipped_store)
    for arr in rules.book.arrangements.values():
        stack = [arr.model]
        while stack:
            obj = stack.pop()
            if isinstance(obj, (list, tuple)):
                stack.extend(obj)
            elif hasattr(type(obj), "model_fields"):
                for name in type(obj).model_fields:
                    value = getattr(obj, name)
                    if name in ("basis", "rule_basis"):
                        seen |= set(value)
                    else:
                        stack.append(value)
    missing = sorted(seeds - seen)
    assert not missing, f"{len(missing)} seed statements reachable from no view: {missing[:20]}"


@pytest.mark.parametrize("sid,why", [
    ("lukashenko-refused-airbase-2015", "a statement about an office-holder (holds-office)"),
    ("ssc-decides-by-consensus", "a body of the Union State, of which Belarus is a member"),
    ("russian-airbase-announcement-2015-occurred", "a proposal Belarus refused"),
    ("sovereignty-declaration-adopted-1990", "a document a statement about Belarus rests on"),
    ("nam-60th-anniversary-2021-occurred", "an event of an organisation Belarus is a member of"),
])
def test_statements_reach_belarus(blr, shipped_store, sid, why):
    assert shipped_store.con.execute("SELECT 1 FROM statements WHERE id = ?", [sid]).fetchone(), sid
    assert sid in blr, why


def test_an_observer_is_not_a_member(shipped_store):
    """member-of links only members, founders and chairs: Russia, a NAM observer, does not take in the NAM's
    record (Belarus, a member, does)."""
    nam = {r[0] for r in shipped_store.con.execute(
        "SELECT id FROM statements WHERE subject = 'nam' AND predicate <> 'member-of'").fetchall()}
    assert nam
    rus = {s["id"] for s in timeline(shipped_store, "RUS")["statements"]}
    blr = {s["id"] for s in timeline(shipped_store, "BLR")["statements"]}
    assert not nam & rus and nam <= blr
