"""Posture spells, computed from change dates, against day-by-day evaluation on random days."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest

from allegiance.errors import StatusError
from allegiance.status import CRITERIA, LABELS, status
from allegiance.status.index import existence, index_of
from allegiance.status.labels import truth
from allegiance.status.engine import bounded
from allegiance.status.spells import criterion_on, evaluator, state_spells

START = date(1946, 1, 1)


@pytest.fixture(scope="module")
def every_state(shipped_store):
    """Every state the shipped knowledge base names, 1946 to its horizon, by change dates; and a made-up
    state it does not name."""
    ix = index_of(shipped_store)
    ev = evaluator(shipped_store)
    out = {s: state_spells(shipped_store, s, start=START, end=ix.horizon, _ev=ev) for s in [*ix.states, "XQZ"]}
    return ix, out


def _sample_days(ix, spells, rng: random.Random, n: int) -> list[tuple[str, date]]:
    """``n`` random (state, day) pairs, half anywhere in the range, half on a break or the day before one
    (where a wrong change date would show)."""
    span = (ix.horizon - START).days
    out = []
    states = sorted(spells)
    for i in range(n):
        st = rng.choice(states)
        if i % 2:
            day = START + timedelta(days=rng.randrange(span + 1))
        else:
            day = rng.choice(spells[st].breaks()) - timedelta(days=rng.randrange(2))
            day = max(day, START)
        out.append((st, day))
    return out


def test_spells_match_day_by_day_evaluation_on_random_days(shipped_store, every_state):
    ix, spells = every_state
    rng = random.Random(20261205)
    for st, day in _sample_days(ix, spells, rng, 400):
        got = spells[st].on(day)
        want = {cid: criterion_on(shipped_store, st, cid, day)["result"] for cid in CRITERIA}
        assert got["criteria"] == want, (st, day)
        results = {cid: {"result": v} for cid, v in want.items()}
        assert got["labels"] == {lid: truth(lb.formula, results) for lid, lb in LABELS.items()}, (st, day)


def test_spells_agree_with_status_where_status_answers(shipped_store, every_state):
    """From 1990 on, for the states the knowledge base names, the panel's answers are status's own."""
    ix, spells = every_state
    rng = random.Random(7)
    for _ in range(60):
        st = rng.choice(ix.states)
        day = date(1990, 1, 1) + timedelta(days=rng.randrange((ix.horizon - date(1990, 1, 1)).days + 1))
        if existence(ix, st, day)[0] == "no":  # status refuses a day the state did not exist (test_status)
            continue
        s = status(shipped_store, st, as_of=day)
        got = spells[st].on(day)
        assert got["criteria"] == {c["id"]: c["result"] for c in s["criteria"]}, (st, day)
        assert got["labels"] == {lb["label"]: lb["holds"] for lb in s["labels"]}, (st, day)


def test_spells_cover_the_range_without_gaps_and_change_at_each_break(every_state):
    ix, spells = every_state
    for st, sp in spells.items():
        for group in (sp.criteria, sp.labels):
            for key, runs in group.items():
                assert runs[0].start == START and runs[-1].end == ix.horizon, (st, key)
                for a, b in zip(runs, runs[1:]):
                    assert b.start == a.end + timedelta(days=1), (st, key)
                    assert (a.value, a.statements) != (b.value, b.statements), (st, key)


def test_far_fewer_evaluations_than_days(every_state):
    ix, spells = every_state
    days = (ix.horizon - START).days + 1
    total = sum(sp.evaluations for sp in spells.values())
    assert total < len(spells) * len(CRITERIA) * days / 100


def test_known_postures(every_state):
    _, spells = every_state
    fin = spells["FIN"]
    assert fin.on(date(2023, 4, 3))["labels"]["allied"] is False
    assert fin.on(date(2023, 4, 4))["labels"]["allied"] is True
    # before 1990 the knowledge base's silence decides nothing
    assert fin.on(date(1980, 1, 1))["labels"]["allied"] is None
    assert "complete only from 1990-01-01: before then its silence is not evidence" in [s for s in fin.criteria["mutual-defence"]][0].reason
    # a record decides before 1990 too: the United States were bound by the North Atlantic Treaty in 1960
    usa = spells["USA"].on(date(1960, 1, 1))
    assert usa["criteria"]["mutual-defence"] == "met" and usa["labels"]["allied"] is True


def test_a_state_the_knowledge_base_does_not_name_is_unknown_where_only_silence_would_answer(every_state):
    sp = every_state[1]["XQZ"]
    on = sp.on(date(2020, 1, 1))
    assert on["criteria"]["mutual-defence"] == "unknown"
    assert on["labels"]["allied"] is None
    assert "names no state XQZ: its silence is not evidence" in sp.criteria["mutual-defence"][-1].reason


def test_bounded_keeps_answers_that_rest_on_a_record():
    res = {"result": "met", "reason": "r", "closed_world": False}
    assert bounded(res, state="XQZ", day=date(1950, 1, 1), covered=False) is res


def test_bad_range_is_an_error(shipped_store):
    with pytest.raises(StatusError, match="before the start"):
        state_spells(shipped_store, "FIN", start=date(2000, 1, 2), end=date(2000, 1, 1))
    sp = state_spells(shipped_store, "FIN", start=date(2000, 1, 1), end=date(2000, 12, 31))
    with pytest.raises(StatusError, match="outside the spells"):
        sp.on(date(2001, 1, 1))
