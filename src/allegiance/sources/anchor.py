"""Anchoring quotes to a document: W3C TextQuoteSelector and TextPositionSelector, and re-anchoring.

A quote is stored as a :class:`Selector`: the exact text, 32 characters of prefix and suffix
(W3C Web Annotation ``TextQuoteSelector``) and its start and end in the cleaned text
(``TextPositionSelector``). Matching is done on a view of the text with whitespace runs
collapsed to one space, so line breaks and joins do not matter; positions are reported in the
text itself.

:func:`anchor` finds a selector in a (possibly changed) text, as Hypothesis does:

1. **exact**: every occurrence of the exact text; one is the answer, several are told apart
   by their context and position;
2. **approximate**: candidate places come from pieces of the quote found exactly (under a few
   per cent of noise some piece survives); at each, the best-fitting span is found with
   Levenshtein distance (rapidfuzz) and kept only within ``max_errors`` edits (a bounded share
   of the quote's length); candidates are scored on the quote (weight 50), prefix and suffix
   (20 each) and nearness to the old position (2).

It answers ``orphan`` when nothing fits within the bound, rather than a confident wrong anchor,
and ``ambiguous`` when the two best non-overlapping candidates score within ``tie`` of each other,
or when the one approximate match is no closer to the quote than a look-alike passage that the
original text already had (:func:`rival_distance`, stored with the selector as ``rival``): an
abstract that repeats a sentence of the body almost word for word is not taken for the deleted
sentence.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from allegiance.errors import UsageError, shorten

__all__ = ["Anchor", "Selector", "TextView", "anchor", "describe", "find_exact", "rival_distance", "CONTEXT"]

CONTEXT = 32
ERROR_RATE = 0.12  # edits allowed per character of the quote in approximate matching
TIE = 0.02  # candidates whose scores differ by less than this share of the best are ambiguous


@dataclass(frozen=True)
class Selector:
    """A TextQuoteSelector (exact, prefix, suffix) with a TextPositionSelector (start, end)."""

    exact: str
    prefix: str = ""
    suffix: str = ""
    start: int | None = None
    end: int | None = None
    rival: int | None = None  # edits to the closest look-alike elsewhere in the text it was taken from

    def as_w3c(self) -> list[dict]:
        """The two selectors as W3C Web Annotation JSON."""
        out = [{"type": "TextQuoteSelector", "exact": self.exact, "prefix": self.prefix, "suffix": self.suffix}]
        if self.start is not None:
            out.append({"type": "TextPositionSelector", "start": self.start, "end": self.end})
        return out


@dataclass
class Anchor:
    """Where a selector landed: ``status`` is exact, approximate, ambiguous or orphan."""

    status: str
    start: int | None = None
    end: int | None = None
    score: float = 0.0
    distance: int | None = None
    candidates: list[dict] = field(default_factory=list)  # the close ones, when ambiguous

    def as_dict(self) -> dict:
        return asdict(self)


class TextView:
    """A text with whitespace runs collapsed to one space, and each view character's position in the text."""

    def __init__(self, text: str) -> None:
        chars: list[str] = []
        pos: list[int] = []
        space = True
        for i, ch in enumerate(text):
            if ch.isspace():
                if space:
                    continue
                ch, space = " ", True
            else:
                space = False
            chars.append(ch)
            pos.append(i)
        self.text = text
        self.view = "".join(chars)
        self.pos = pos
        self._back = None

    def span(self, vs: int, ve: int) -> tuple[int, int]:
        """Text span of view span [vs, ve)."""
        if ve <= vs:
            p = self.pos[vs] if vs < len(self.pos) else len(self.text)
            return p, p
        return self.pos[vs], self.pos[ve - 1] + 1

    def to_view(self, i: int) -> int:
        """The view position of text position ``i`` (the next kept character)."""
        import bisect

        return bisect.bisect_left(self.pos, i)


def _norm(text: str) -> str:
    return " ".join(text.split())


def describe(text: str, start: int, end: int, *, context: int = CONTEXT) -> Selector:
    """The selector of ``text[start:end]``: exact text, ``context`` characters either side, positions."""
    if not (0 <= start <= end <= len(text)):
        raise UsageError(f"span {start}-{end} is outside the text (0-{len(text)})", value=f"{start}-{end}",
                         field="span", allowed=f"0 <= start <= end <= {len(text)}")
    return Selector(text[start:end], text[max(0, start - context):start], text[end:end + context], start, end)


def find_exact(view: TextView, quote: str) -> list[tuple[int, int]]:
    """Every view span equal to the quote (whitespace collapsed)."""
    q = _norm(quote)
    out = []
    if not q:
        return out
    i = view.view.find(q)
    while i >= 0:
        out.append((i, i + len(q)))
        i = view.view.find(q, i + 1)
    return out


def _context_score(view: TextView, vs: int, ve: int, sel: Selector) -> tuple[float, float]:
    pre, suf = _norm(sel.prefix), _norm(sel.suffix)
    p = fuzz.ratio(pre, view.view[max(0, vs - len(pre) - 1):vs].strip()) / 100 if pre else 0.5
    s = fuzz.ratio(suf, view.view[ve:ve + len(suf) + 1].strip()) / 100 if suf else 0.5
    return p, s


def _score(view: TextView, vs: int, ve: int, dist: int, sel: Selector, q: str, expected: int | None) -> float:
    p, s = _context_score(view, vs, ve, sel)
    quote = 1 - dist / max(1, len(q))
    pos = 1.0 if expected is None else 1 - min(1.0, abs(vs - expected) / max(1, len(view.view)))
    return (50 * quote + 20 * p + 20 * s + 2 * pos) / 92


def _best_span(q: str, view: str, lo: int, hi: int, max_err: int) -> tuple[int, int, int] | None:
    """The span of view[lo:hi] closest to q by edit distance: (start, end, distance), or None past max_err."""
    window = view[lo:hi]
    if not window:
        return None
    al = fuzz.partial_ratio_alignment(q, window)
    if al is None:
        return None
    n = len(q)
    s, e = lo + al.dest_start, lo + al.dest_start + n

    def dist(a: int, b: int) -> int:
        if a < 0 or b > len(view) or b <= a:
            return max_err + 1
        return Levenshtein.distance(q, view[a:b], score_cutoff=max_err + 1)

    d = dist(s, e)
    for _ in range(2):  # coordinate descent: the best start for this end, then the best end for that start
        for a in range(s - max_err - 2, s + max_err + 3):
            da = dist(a, e)
            if da < d:
                s, d = a, da
        for b in range(e - max_err - 2, e + max_err + 3):
            db = dist(s, b)
            if db < d:
                e, d = b, db
    return (s, e, d) if d <= max_err else None


def _seeds(q: str, view: str, expected: int | None, *, keep: int = 6, limit: int = 50) -> list[int]:
    """Likely starts of the quote: pieces of it found exactly vote for where it would begin.

    Pieces are 10 characters (under 5 % noise two in three survive); starts within a quarter of the
    quote's length are one place; the ``keep`` places with most votes are tried, and the old position.
    """
    n = len(q)
    size = min(10, max(4, n // 3))
    starts: list[int] = []
    for off in range(0, max(1, n - size + 1), size):
        piece = q[off:off + size]
        i = view.find(piece)
        found = 0
        while i >= 0 and found < limit:
            starts.append(i - off)
            found += 1
            i = view.find(piece, i + 1)
    starts.sort()
    clusters: list[list[int]] = []
    for s in starts:
        if clusters and s - clusters[-1][-1] <= max(8, n // 4):
            clusters[-1].append(s)
        else:
            clusters.append([s])
    clusters.sort(key=len, reverse=True)
    out = [sorted(c)[len(c) // 2] for c in clusters[:keep]]
    if expected is not None:
        out.append(expected)
    return out


def anchor(text: str | TextView, selector: Selector, *, error_rate: float = ERROR_RATE, tie: float = TIE) -> Anchor:
    """Find ``selector`` in ``text``: exact first, then approximate within a bounded edit distance."""
    view = text if isinstance(text, TextView) else TextView(text)
    q = _norm(selector.exact)
    if len(q) < 3:
        raise UsageError(f"quote {shorten(selector.exact)} is too short to anchor (3 characters at least)",
                         value=selector.exact, field="exact", allowed="a passage of 3 characters or more")
    expected = view.to_view(selector.start) if selector.start is not None else None
    exact = find_exact(view, q)
    cands: list[tuple[float, int, int, int]] = []
    if exact:
        cands = [(_score(view, s, e, 0, selector, q, expected), s, e, 0) for s, e in exact]
        status = "exact"
    else:
        cands = [(_score(view, s, e, d, selector, q, expected), s, e, d)
                 for s, e, d in _approximate(view, q, expected, error_rate)]
        status = "approximate"
    if not cands:
        return Anchor("orphan")
    cands.sort(key=lambda c: -c[0])
    best = cands[0]
    rivals = [c for c in cands[1:] if c[2] <= best[1] or c[1] >= best[2]]
    if rivals and best[0] - rivals[0][0] < tie * best[0]:
        close = [best] + [c for c in rivals if best[0] - c[0] < tie * best[0]]
        spans = [view.span(c[1], c[2]) for c in close]
        return Anchor("ambiguous", score=round(best[0], 4), candidates=[
            {"start": s, "end": e, "score": round(c[0], 4), "distance": c[3]} for c, (s, e) in zip(close, spans)])
    s, e = view.span(best[1], best[2])
    if status == "approximate" and selector.rival is not None and best[3] >= selector.rival:
        # no closer to the quote than a look-alike passage of the original: it may be that one
        return Anchor("ambiguous", score=round(best[0], 4), candidates=[
            {"start": s, "end": e, "score": round(best[0], 4), "distance": best[3]}])
    return Anchor(status, s, e, round(best[0], 4), best[3])


def _approximate(view: TextView, q: str, expected: int | None, error_rate: float) -> list[tuple[int, int, int]]:
    """View spans within ``error_rate`` edits of ``q``: (start, end, distance), one per candidate place."""
    max_err = max(1, math.ceil(error_rate * len(q)))
    out: list[tuple[int, int, int]] = []
    for c in _seeds(q, view.view, expected):
        lo = max(0, c - max_err - 8)
        hi = min(len(view.view), c + len(q) + max_err + 8)
        found = _best_span(q, view.view, lo, hi, max_err)
        if found and all((found[0], found[1]) != (o[0], o[1]) for o in out):
            out.append(found)
    return out


def rival_distance(text: str | TextView, start: int, end: int, *, error_rate: float = ERROR_RATE) -> int | None:
    """Edits between ``text[start:end]`` and its closest look-alike elsewhere in ``text`` (None: none within bound).

    Stored with a selector, it keeps re-anchoring from taking the look-alike for the quote when the quoted
    passage itself is gone: an approximate match no closer than the look-alike is reported as ambiguous.
    """
    view = text if isinstance(text, TextView) else TextView(text)
    vs, ve = view.to_view(start), view.to_view(end)
    q = view.view[vs:ve]
    if len(q) < 3:
        return None
    others = [d for s, e, d in _approximate(view, q, None, error_rate) if e <= vs or s >= ve]
    others += [0 for s, e in find_exact(view, q) if e <= vs or s >= ve]
    return min(others) if others else None
