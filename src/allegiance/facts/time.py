"""Valid time: EDTF dates with their earliest and latest calendar day.

A date in the knowledge base is an EDTF string (Extended Date/Time Format,
ISO 8601-2): ``2015``, ``2015-09``, ``2015-12-12``, ``2015-36`` (fourth
quarter: "end of 2015"), ``199X`` (the 1990s), ``1997/1999`` (some time in
the late 1990s), ``2006-09~`` (approximately), ``2002?`` (uncertain).
Parsing is done by the maintained ``edtf`` library. Plain ISO 8601 calendar
dates (EDTF level 0: ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``) take a fast path
that gives the same bounds; a test checks the two agree.

Every date reduces to a closed range of days ``[lower, upper]``: the
earliest and latest day it can mean. Approximate and uncertain qualifiers
widen that range as the library defines (its "fuzzy" bounds).

A valid time is a :class:`Span`: ``[start, end)`` with fuzzy bounds, and the
starts of whatever supersedes it. ``Span.holds(day)`` is the one answer to
"does it hold on day D?" everywhere in allegiance (statements, provisions,
members, memberships): ``yes``, ``possibly`` (the day falls inside a fuzzy
bound, or something that supersedes it may have begun) or ``no``.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from typing import Literal

from allegiance.errors import DateError, shorten

__all__ = ["FuzzyDate", "Holds", "Span", "parse_date", "parse_day"]

_LEVEL0 = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_DECADE = re.compile(r"^(\d{3})X$")


@dataclass(frozen=True, slots=True)
class FuzzyDate:
    """An EDTF date and the range of calendar days it can mean."""

    text: str
    lower: date
    upper: date

    @property
    def exact(self) -> bool:
        """True when the date names a single day."""
        return self.lower == self.upper

    def __str__(self) -> str:
        return self.text


def _level0(text: str) -> FuzzyDate | None:
    m = _LEVEL0.match(text)
    if not m:
        return None
    y = int(m.group(1))
    if y < 1:
        return None  # year 0000 is valid EDTF but not a Python date: let the library decide
    mo = m.group(2)
    d = m.group(3)
    if mo is None:
        return FuzzyDate(text, date(y, 1, 1), date(y, 12, 31))
    month = int(mo)
    if 21 <= month <= 41 and d is None:
        return None  # EDTF seasons, quarters and semesters (2015-36): the library's business
    if not 1 <= month <= 12:
        raise DateError(f"{text!r} is not a valid date: month {month} does not exist", value=text,
                        allowed="months 01 to 12")
    last = calendar.monthrange(y, month)[1]
    if d is None:
        return FuzzyDate(text, date(y, month, 1), date(y, month, last))
    day = int(d)
    if not 1 <= day <= last:
        raise DateError(f"{text!r} is not a valid date: {calendar.month_name[month]} {y} has {last} days",
                        value=text, allowed=f"days 01 to {last:02d}")
    return FuzzyDate(text, date(y, month, day), date(y, month, day))


def _from_struct(st, text: str) -> date:
    y, m, d = st.tm_year, st.tm_mon, st.tm_mday
    if y < 1:
        # valid EDTF (year 0 is 1 BCE), but outside any day allegiance can answer for; clamping it would
        # silently answer for year 1
        raise DateError(f"{text!r} is before year 1: allegiance works with days from 0001-01-01 to 9999-12-31",
                        value=text, allowed="a date from year 1 to 9999")
    if y > 9999:
        raise DateError(f"{shorten(text)} is after year 9999: allegiance works with days from 0001-01-01 to "
                        f"9999-12-31", value=text, allowed="a date from year 1 to 9999")
    d = min(d, calendar.monthrange(y, m)[1])
    return date(y, m, d)


def _edtf_library(text: str) -> FuzzyDate:
    import edtf  # imported lazily: it costs ~150 ms and most dates never need it

    try:
        parsed = edtf.parse_edtf(text)
        lo = parsed.lower_fuzzy()
        hi = parsed.upper_fuzzy()
    except Exception as exc:  # the library raises EDTFParseException and, on open ranges, TypeError
        raise DateError(
            f"{shorten(text)} is not a valid EDTF date (expected e.g. 2015, 2015-09, 2015-09-07, "
            f"2015-36 for the last quarter, 199X for the 1990s, 1997/1999, 2006-09~)", value=text,
            allowed="an EDTF date") from exc
    return FuzzyDate(text, _from_struct(lo, text), _from_struct(hi, text))


@lru_cache(maxsize=65536)
def parse_date(text: str) -> FuzzyDate:
    """Parse an EDTF date string into a :class:`FuzzyDate`.

    >>> parse_date("2015-36").lower.isoformat(), parse_date("2015-36").upper.isoformat()
    ('2015-10-01', '2015-12-31')

    Raises :class:`DateError` naming the bad value and what was expected.
    """
    if not isinstance(text, str) or not text.strip():
        raise DateError(f"{shorten(text)} is not a date (expected an EDTF string such as 2015-09-07)", value=text,
                        allowed="an EDTF date")
    text = text.strip()
    fast = _fast(text)
    if fast is not None:
        return fast
    return _edtf_library(text)


def _fast(text: str) -> FuzzyDate | None:
    """The common shapes, computed directly: level-0 dates, intervals of them, decades (199X).

    A test checks these bounds against the edtf library's on many strings.
    """
    if "/" in text:
        start, _, end = text.partition("/")
        a, b = _level0(start), _level0(end)
        if a is None or b is None:
            return None
        if b.upper < a.lower:
            raise DateError(f"{text!r} is not a valid interval: it ends before it starts", value=text,
                            allowed="an interval whose end is not before its start")
        return FuzzyDate(text, a.lower, b.upper)
    m = _DECADE.match(text)
    if m:
        y = int(m.group(1)) * 10
        if y < 1:
            return None
        return FuzzyDate(text, date(y, 1, 1), date(y + 9, 12, 31))
    return _level0(text)


def parse_day(text: str) -> date:
    """Parse a single calendar day (``YYYY-MM-DD``), as ``--as-of`` takes.

    A year or a month is refused: "as of 2020" does not say which day.
    """
    fd = parse_date(text)
    if not fd.exact:
        raise DateError(f"{text!r} is not a single day (expected YYYY-MM-DD, e.g. {fd.lower.isoformat()})",
                        value=text, allowed="a single day, YYYY-MM-DD")
    return fd.lower


Holds = Literal["yes", "possibly", "no"]


@dataclass(frozen=True, slots=True)
class Span:
    """A valid time ``[start, end)`` with fuzzy bounds (``None``: open), and the starts of what supersedes it.

    ``start_lo``/``start_hi`` are the earliest and latest day it can have
    begun; ``end_lo``/``end_hi`` the earliest and latest day it can have
    ended (it no longer holds on its end day); an ``end_lo`` with no ``end_hi`` is
    an end not known to have come, but not known not to have come either, from
    ``end_lo`` on (what is known only until a day). An ``instant`` (an event) holds
    from its date on: it is a fact about the past, and its end is ignored.
    ``superseded`` lists, for each statement that supersedes this one, the
    earliest and latest day that statement can have begun, and the day it
    became known (``None``: undated).
    """

    start_lo: date | None = None
    start_hi: date | None = None
    end_lo: date | None = None
    end_hi: date | None = None
    instant: bool = False
    superseded: tuple[tuple[date, date, date | None], ...] = ()

    @classmethod
    def of(cls, start: FuzzyDate | None, end: FuzzyDate | None, *, instant: bool = False) -> Span:
        """The span from a start and an end date (either may be ``None``: open)."""
        return cls(start.lower if start else None, start.upper if start else None,
                   end.lower if end else None, end.upper if end else None, instant)

    def superseded_by(self, starts) -> Span:
        """The same span, superseded by statements beginning at ``starts`` ((lo, hi, known_from) each)."""
        return replace(self, superseded=tuple(starts)) if starts else self

    def holds(self, day: date, *, known_by: date | None = None) -> Holds:
        """``yes`` if it certainly holds on ``day``, ``possibly`` on a fuzzy edge, else ``no``.

        A span superseded by something that has certainly begun no longer holds;
        by something that may have begun, only possibly. With ``known_by``,
        only supersessions known by that day count.
        """
        if self.start_lo is not None and day < self.start_lo:
            return "no"
        ends = not self.instant and self.end_hi is not None
        if ends and day >= self.end_hi:
            return "no"
        out: Holds = "yes"
        if (self.start_hi is not None and day < self.start_hi) or \
                (not self.instant and self.end_lo is not None and day >= self.end_lo):
            out = "possibly"
        for lo, hi, known in self.superseded:
            if known_by is not None and (known is None or known > known_by):
                continue
            if hi <= day:
                return "no"
            if lo <= day:
                out = "possibly"
        return out

    def bounds(self) -> list[date]:
        """Every day on which the answer of :meth:`holds` can change (its bounds, and its supersessions')."""
        out = [d for d in (self.start_lo, self.start_hi) if d is not None]
        if not self.instant:
            out += [d for d in (self.end_lo, self.end_hi) if d is not None]
        for lo, hi, _ in self.superseded:
            out += [lo, hi]
        return out

    def overlaps(self, other: Span) -> bool:
        """Whether the two spans can share a day (open bounds overlap everything)."""
        a0, a1, b0, b1 = self.start_lo, self.end_hi, other.start_lo, other.end_hi
        return (a1 is None or b0 is None or b0 < a1) and (b1 is None or a0 is None or a0 < b1)


#: The span of something with no valid time of its own: it always holds.
ALWAYS = Span()
