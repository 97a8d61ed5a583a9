"""The status index: the full one (kept beside the compiled database) and the lazy one (for large knowledge
bases) give the same answers (issue 11)."""

from __future__ import annotations

import json
import pickle
from datetime import date

import pytest

from allegiance.errors import StatusError
from allegiance.facts.store import open_store
from allegiance.status import changes, status, status_all
from allegiance.status import index as index_mod
from allegiance.status.index import Index, LazyIndex, index_of
from tests.conftest import in_memory_store

DAYS = (date(1991, 6, 1), date(2008, 8, 10), date(2014, 3, 20), date(2020, 7, 1), date(2022, 3, 1))


@pytest.fixture(scope="module")
def store():
    yield from in_memory_store()  # its own: these tests swap the index kept in store.cache


def _using(store, ix):
    store.cache["status-index"] = ix
    return ix


def _answer(store, ix, fn, *args, **kw):
    """The answer as JSON, or the error's message (a state that did not exist that day): both must agree."""
    _using(store, ix)
    try:
        return json.dumps(fn(store, *args, **kw), sort_keys=True, default=str)
    except StatusError as e:
        return f"error: {e}"
    finally:
        store.cache.pop("status-index", None)


def test_lazy_and_full_give_the_same_status_for_every_state_on_several_days(store):
    full = Index(store)
    shared = LazyIndex(store)  # one lazy index for every question, as status_all uses it
    for day in DAYS:
        for s in full.states:
            want = _answer(store, full, status, s, as_of=day)
            assert _answer(store, shared, status, s, as_of=day) == want, (s, day)
    for s in ("BLR", "FIN", "UKR", "SWE", "AUT", "SRB"):  # and a fresh one, as a single CLI call uses it
        if s in full.states:
            assert _answer(store, LazyIndex(store), status, s, as_of=DAYS[3]) == \
                _answer(store, full, status, s, as_of=DAYS[3]), s


def test_lazy_and_full_give_the_same_status_all_and_changes(store):
    full = Index(store)
    for day in (DAYS[0], DAYS[3]):
        assert _answer(store, LazyIndex(store), status_all, as_of=day) == _answer(store, full, status_all, as_of=day)
    for s in ("BLR", "FIN", "UKR"):
        kw = {"start": date(2000, 1, 1), "end": date(2023, 1, 1)}
        assert _answer(store, LazyIndex(store), changes, s, **kw) == _answer(store, full, changes, s, **kw), s


def test_lazy_index_reads_only_what_is_asked(store):
    ix = LazyIndex(store)
    _answer(store, ix, status, "BLR", as_of=DAYS[3])
    assert 0 < len(ix.recs) < len(Index(store).recs)
    assert ix.wars.keys() == Index(store).wars.keys()


def test_lazy_index_fetches_statement_objects_on_first_use(store):
    ix = LazyIndex(store)
    recs = ix.about("member-of", "BLR")
    assert recs and all(r.text is None for r in recs)
    assert recs[0].obj["id"] == recs[0].id  # one query fetches every waiting object
    assert all(r.text is not None for r in recs)
    same = ix.towards("member-of", recs[0].object)
    assert any(r is recs[0] for r in same)  # one record per statement


def test_the_full_index_pickles_without_its_store(store):
    ix = Index(store)
    back = pickle.loads(pickle.dumps(ix))
    assert "store" not in back.__dict__ and back.states == ix.states and back.recs.keys() == ix.recs.keys()
    with pytest.raises(TypeError):
        pickle.dumps(LazyIndex(store))


def test_index_of_keeps_the_full_index_beside_the_database(tmp_path, monkeypatch):
    cache = tmp_path / "c"
    with open_store(cache_dir=cache) as s1:
        a = status(s1, "BLR", as_of=DAYS[3])
        assert type(index_of(s1)) is Index
    assert list(cache.glob("kb-*.status-index-*.pickle"))

    def no_build(self, store):
        raise AssertionError("the index should have been loaded, not built")

    monkeypatch.setattr(Index, "__init__", no_build)
    with open_store(cache_dir=cache) as s2:
        assert status(s2, "BLR", as_of=DAYS[3]) == a
        assert index_of(s2).store is s2


def test_index_of_chooses_the_lazy_index_for_a_large_knowledge_base(monkeypatch):
    monkeypatch.setattr(index_mod, "FULL_INDEX_LIMIT", 10)
    for s in in_memory_store():
        assert type(index_of(s)) is LazyIndex
        assert status(s, "BLR", as_of=DAYS[3])["state"] == "BLR"


def test_lazy_records_carry_their_supersession_like_the_full_ones(store):
    full, lazy = Index(store), LazyIndex(store)
    superseded = [r for r in full.recs.values() if r.superseded_by]
    assert superseded, "the shipped knowledge base should supersede some statements the criteria read"
    for r in superseded:
        got = next(x for x in lazy.about(r.predicate, r.subject) if x.id == r.id)
        assert [(s.id, s.from_lo, s.from_hi) for s in got.superseded_by] == \
            [(s.id, s.from_lo, s.from_hi) for s in r.superseded_by], r.id
        assert got.span == r.span


def test_existence_days_and_existence_agree_on_every_day(store):
    """The panel's stretches (existence_days) and status's day-by-day answer (existence) are one reading of the
    exists records: a day lies in a stretch exactly when existence says yes or possibly, for states with
    positive records, fuzzy starts (PAK, COM), two stretches (LTU) and only a negated one (SYR, the UAR years)."""
    from datetime import timedelta

    from allegiance.status.index import existence, existence_days, existence_start

    ix = index_of(store)
    assert existence_days(ix, "SYR") == [(date.min, date(1958, 2, 22)), (date(1961, 9, 29), None)]
    assert existence_days(ix, "FIN") is None
    assert existence_start(ix, "LTU", date(1995, 1, 1)) == date(1991, 9, 6)  # the stretch that holds the day
    assert existence_start(ix, "SYR", date(1960, 1, 1)) is None  # in the negated stretch
    assert existence_start(ix, "SYR", date(2000, 1, 1)) == date(1961, 9, 29)
    assert existence_start(ix, "FIN", date(2000, 1, 1)) is None  # no exists record
    for state in ("SYR", "LTU", "PAK", "COM", "SUN", "UKR", "CSK", "YMD", "MLI"):
        stretches = existence_days(ix, state)
        day = date(1946, 1, 1)
        while day < date(2001, 1, 1):
            inside = any(a <= day and (b is None or day < b) for a, b in stretches)
            assert inside == (existence(ix, state, day)[0] != "no"), (state, day)
            day += timedelta(days=1)
