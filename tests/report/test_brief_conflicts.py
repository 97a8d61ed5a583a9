"""The brief marks the conflicts that touch the state (any side on its timeline), known by the day asked."""

from __future__ import annotations

from datetime import date

import pytest


def _reasons(store, day):
    from allegiance.report.assess import assess

    brief = assess(store, "BLR", as_of=day)
    sec = next(s for s in brief["sections"] if s["id"] == "conflicts")
    items = [i for b in sec["blocks"] if b["type"] == "ul" for i in b["items"]]
    return items, sec


@pytest.mark.parametrize("day", [date(2021, 6, 1), date(2023, 1, 1)])
def test_the_havana_speech_dates_conflict_is_in_the_brief_once_the_article_is_known(shipped_store, day):
    """Neither side of the Havana conflict has Belarus as subject or object (the speech is an event): it used to
    be missing from the brief."""
    items, _ = _reasons(shipped_store, day)
    assert any("September 2006" in i for i in items)


def test_a_brief_as_of_a_day_shows_no_conflict_known_only_later(shipped_store):
    """Makei's promise (16 February 2022) and the troops that stayed conflict; a brief of 2021 cannot know it."""
    later, _ = _reasons(shipped_store, date(2023, 1, 1))
    earlier, _ = _reasons(shipped_store, date(2021, 6, 1))
    assert any("16 February 2022" in i for i in later)
    assert not any("16 February 2022" in i for i in earlier)


def test_before_the_article_no_conflict_from_it_is_known(shipped_store):
    items, sec = _reasons(shipped_store, date(2019, 1, 1))
    assert not any("September 2006" in i for i in items)
