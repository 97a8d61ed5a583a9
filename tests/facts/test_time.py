import random
from datetime import date

import pytest

from allegiance.errors import DateError
from allegiance.facts import time as t


@pytest.mark.parametrize(
    "text, lower, upper",
    [
        ("1998", date(1998, 1, 1), date(1998, 12, 31)),
        ("2015-09", date(2015, 9, 1), date(2015, 9, 30)),
        ("2016-02", date(2016, 2, 1), date(2016, 2, 29)),
        ("2015-12-12", date(2015, 12, 12), date(2015, 12, 12)),
        ("2015-36", date(2015, 10, 1), date(2015, 12, 31)),  # fourth quarter: "end of 2015"
        ("199X", date(1990, 1, 1), date(1999, 12, 31)),  # the 1990s
        ("1997/1999", date(1997, 1, 1), date(1999, 12, 31)),  # "late 1990s"
    ],
)
def test_bounds(text, lower, upper):
    d = t.parse_date(text)
    assert (d.lower, d.upper) == (lower, upper)
    assert d.text == text


def test_approximate_widens_the_range():
    exact, approx = t.parse_date("2015"), t.parse_date("2015~")
    assert approx.lower < exact.lower and approx.upper > exact.upper


@pytest.mark.parametrize("bad", ["2015-02-30", "2015-13", "2015-00", "1999-04-31", "abc", "", "15-09-2015"])
def test_invalid_and_impossible_dates(bad):
    with pytest.raises(DateError) as e:
        t.parse_date(bad)
    assert repr(bad) in str(e.value) or "not a date" in str(e.value)


def test_impossible_day_says_why():
    with pytest.raises(DateError, match="February 2015 has 28 days"):
        t.parse_date("2015-02-30")


def test_fast_path_agrees_with_the_edtf_library():
    rng = random.Random(7)
    for _ in range(300):
        y = rng.randint(1, 2100)
        form = rng.choice(["y", "ym", "ymd"])
        m = rng.randint(1, 12)
        d = rng.randint(1, 28)
        text = {"y": f"{y:04d}", "ym": f"{y:04d}-{m:02d}", "ymd": f"{y:04d}-{m:02d}-{d:02d}"}[form]
        fast = t._level0(text)
        lib = t._edtf_library(text)
        assert (fast.lower, fast.upper) == (lib.lower, lib.upper), text


def test_fast_intervals_and_decades_agree_with_the_edtf_library():
    rng = random.Random(11)
    for _ in range(150):
        y1 = rng.randint(1800, 2030)
        y2 = y1 + rng.randint(0, 30)
        m1, m2 = rng.randint(1, 12), rng.randint(1, 12)
        for text in (f"{y1}/{y2}", f"{y1}-{m1:02d}/{y2 + 1}-{m2:02d}", f"{y1}-{m1:02d}-05/{y2 + 1}",
                     f"{str(y1)[:3]}X"):
            fast = t._fast(text)
            lib = t._edtf_library(text)
            assert (fast.lower, fast.upper) == (lib.lower, lib.upper), text


def test_interval_that_ends_before_it_starts():
    with pytest.raises(DateError, match="ends before it starts"):
        t.parse_date("1999/1997")


def test_parse_day_requires_a_single_day():
    assert t.parse_day("2020-07-01") == date(2020, 7, 1)
    with pytest.raises(DateError, match="not a single day"):
        t.parse_day("2020")


@pytest.mark.parametrize("text, why", [("-2020-07-01", "before year 1"), ("0000-07-01", "before year 1"),
                                       ("0000", "before year 1"), ("Y12020", "after year 9999")])
def test_years_outside_1_to_9999_are_refused_not_clamped(text, why):
    # the edtf library reads these (year 0 is 1 BCE; Y12020 is a long year); they used to become year 1 or 9999
    # and be answered for
    with pytest.raises(DateError, match=why) as err:
        t.parse_date(text)
    assert err.value.value == text


def test_a_long_bad_date_is_shortened_in_the_message_but_kept_whole_as_data():
    bad = "x" * 10_000
    with pytest.raises(DateError) as err:
        t.parse_day(bad)
    assert len(str(err.value)) < 300 and err.value.value == bad
