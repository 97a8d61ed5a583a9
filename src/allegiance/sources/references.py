"""Footnotes to references: a footnote's text parsed into a structured reference.

A footnote is a **reference** when it names something to look up (a URL, a title in italics
or quotation marks, pages, a journal issue); otherwise it is a **note** (an explanation by the
author). A reference is read left to right, the way humanities footnotes are written:

``AUTHOR, “TITLE,” *OUTLET*, LOCATOR, DATE, available at: URL (Accessed DATE).``

- the URL (in angle brackets or bare) and the access date (``(Accessed June 27, 2020)``,
  ``(Access date: ...)``) are taken out first;
- authors are persons written ``Family, G.`` (several joined by ``and``), or else the issuing
  body: the text before the title;
- the title is the first quoted or italic passage (the other one, after it, is the outlet), or,
  with neither, the segment after the issuing body; an italic title's trailing ``, Article 10``
  (Article, Chapter, Section, Part, Paragraph, Appendix, Annex) is its locator;
- after the title come the locator, the date (``27 July 1990``, ``December 2019``, ``2017``),
  an issue (``No. 4``), pages (``pp. 19-28``), editors (``(eds)``) and a publisher's place.

Dates are written as EDTF and read back through :func:`allegiance.facts.time.parse_date`.
:func:`to_csl` writes CSL-JSON items and :func:`to_source_record` the knowledge base's own
source records (``sources-*.yaml``).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from allegiance.errors import DateError
from allegiance.facts.time import parse_date

__all__ = ["Reference", "parse_footnote", "parse_date_text", "to_csl", "to_source_record", "is_reference"]

_MONTHS = {m: i + 1 for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"])}
_MONTHS.update({m[:3]: i for m, i in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_MON = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_DAY_MONTH_YEAR = re.compile(rf"\b(\d{{1,2}})\s+({_MON})\s+(\d{{4}})\b", re.I)
_MONTH_DAY_YEAR = re.compile(rf"\b({_MON})\s+(\d{{1,2}}),?\s+(\d{{4}})\b", re.I)
_MONTH_YEAR = re.compile(rf"^\s*({_MON})\s+(\d{{4}})\s*$", re.I)
_YEAR = re.compile(r"^\s*(\d{4})\s*$")
_ACCESSED = re.compile(r"[,;]?\s*\(?\s*Access(?:ed)?(?:\s+date)?\s*(?:on)?\s*:?\s*([^()]*?\d{4})\s*\)?\s*\.?\s*$",
                       re.I)
_URL_BRACKET = re.compile(r"<\s*(https?://[^>\s]+)\s*>\S*")
_URL_BARE = re.compile(r"https?://[^\s<>]+")
_AVAILABLE = re.compile(r"[,;]?\s*(?:available|retrieved)\s+(?:at|from|online)\s*:?\s*$", re.I)
_PERSON = r"[A-Z][\w’'\-]+(?:\s[A-Z][\w’'\-]+)?,\s(?:[A-Z][a-z]?\.\s?){1,3}"
_PERSONS = re.compile(rf"^\s*((?:{_PERSON})(?:\s*(?:,|and|&)\s*(?:{_PERSON}))*)\s*,?\s*")
_LOCATOR_WORD = (r"(?:Article|Articles|Art\.|Chapter|Chapters|Section|Sections|Part|Paragraph|Paragraphs|Appendix"
                 r"|Annex|Clause|Item)")
_LOCATOR_TAIL = re.compile(rf",\s*({_LOCATOR_WORD}\b.*)$")
_PAGES = re.compile(r"^pp?\.\s?(\d+(?:\s?[-–]\s?\d+)?)$")
_ISSUE = re.compile(r"^(?:No|Issue)\.?\s?(\S+)$", re.I)
_VOLUME = re.compile(r"^Vol\.?\s?(\S+)$", re.I)
_EDITORS = re.compile(r"^(.+?)\s*\((?:eds?|editors?)\.?\)$", re.I)
_OPEN_Q = "“\"‘"


@dataclass
class Reference:
    """A footnote read as a reference (fields absent from the footnote stay ``None``)."""

    kind: str  # "reference" or "note"
    type: str | None = None  # the knowledge base's source type (article, news, legal-text, ...)
    authors: list[dict] = field(default_factory=list)  # CSL names: {"family", "given"} or {"literal"}
    title: str | None = None
    container: str | None = None  # outlet: journal, newspaper, site, book
    locator: str | None = None  # Article 10, Chapter 5, Article 15
    date: str | None = None  # EDTF
    url: str | None = None
    accessed: str | None = None  # EDTF
    issue: str | None = None
    volume: str | None = None
    pages: str | None = None
    editors: list[dict] = field(default_factory=list)
    publisher: str | None = None
    place: str | None = None
    text: str = ""

    @property
    def author(self) -> str | None:
        """Authors as one line: ``O. Chupris and S. Smirnova``, or the issuing body."""
        if not self.authors:
            return None
        names = [a["literal"] if "literal" in a else f"{a['given']} {a['family']}" for a in self.authors]
        return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]

    def as_dict(self) -> dict:
        return asdict(self)


def parse_date_text(text: str) -> str | None:
    """A written date as EDTF: ``27 July 1990`` → ``1990-07-27``, ``December 2019`` → ``2019-12``."""
    text = text.strip().rstrip(".,")
    for rx, order in ((_DAY_MONTH_YEAR, "dmy"), (_MONTH_DAY_YEAR, "mdy")):
        m = rx.search(text)
        if m:
            parts = dict(zip(order, m.groups()))
            return _edtf(int(parts["y"]), _month(parts["m"]), int(parts["d"]))
    m = _MONTH_YEAR.match(text)
    if m:
        return _edtf(int(m.group(2)), _month(m.group(1)), None)
    m = _YEAR.match(text)
    if m:
        return _edtf(int(m.group(1)), None, None)
    return None


def _month(name: str) -> int | None:
    key = name.lower().rstrip(".")
    return _MONTHS.get(key) or _MONTHS.get(key[:3])


def _edtf(year: int, month: int | None, day: int | None) -> str | None:
    if month is None and day is not None:
        return None
    text = f"{year:04d}" + (f"-{month:02d}" if month else "") + (f"-{day:02d}" if day else "")
    try:
        parse_date(text)
    except DateError:
        return None
    return text


def _split_top(text: str) -> list[str]:
    """Split on commas outside brackets and quotation marks."""
    out, depth, quote, cur = [], 0, False, []
    for ch in text:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth = max(0, depth - 1)
        elif ch in "“”\"":
            quote = ch == "“" or (ch == '"' and not quote)
        if ch == "," and depth == 0 and not quote:
            out.append("".join(cur).strip())
            cur = []
        else:
            cur.append(ch)
    out.append("".join(cur).strip())
    return [s for s in out if s]


def _names(text: str) -> list[dict]:
    people = re.findall(rf"({_PERSON})", text)
    out = []
    for p in people:
        family, given = p.split(",", 1)
        out.append({"family": family.strip(), "given": given.strip()})
    return out


def _quoted_title(text: str, start: int) -> tuple[str, int] | None:
    """The title opened by the quotation mark at ``start``: it ends at a closing mark next to a comma or italics."""
    i = start + 1
    while i < len(text):
        ch = text[i]
        if ch in "”\"":
            before, after = text[i - 1], text[i + 1:].lstrip()[:1]
            if before == "," or after in (",", "*", "") or text[i + 1:].lstrip().startswith("in "):
                return text[start + 1:i].strip().rstrip(","), i + 1
        i += 1
    return None


def is_reference(text: str) -> bool:
    """A footnote that names something to look up, rather than explaining."""
    return bool(_URL_BARE.search(text) or re.search(r"\*[^*]{3,}\*", text)
                or re.search(r"[“\"][^”\"]{3,}[”\"]", text) or re.search(r"\bpp?\.\s?\d|\b(?:ibid|op\. cit)\b", text, re.I))


def parse_footnote(text: str) -> Reference:
    """Parse one footnote's text (its number already removed) into a :class:`Reference`."""
    text = " ".join(text.split())
    if not is_reference(text):
        return Reference(kind="note", text=text)
    ref = Reference(kind="reference", text=text)
    rest = text
    m = _ACCESSED.search(rest)
    if m:
        ref.accessed = parse_date_text(m.group(1))
        rest = rest[:m.start()]
    m = _URL_BRACKET.search(rest) or _URL_BARE.search(rest)
    if m:
        ref.url = (m.group(1) if m.re is _URL_BRACKET else m.group()).rstrip(".,;)")
        rest = (rest[:m.start()] + rest[m.end():]).strip()
    rest = _AVAILABLE.sub("", rest.rstrip(" ,.;")).rstrip(" ,.;")
    # authors
    pm = _PERSONS.match(rest)
    first_title = min([i for i in (rest.find("*"), *(rest.find(q) for q in _OPEN_Q)) if i >= 0], default=-1)
    if pm and (first_title < 0 or pm.end() <= first_title + 1):
        ref.authors = _names(pm.group(1))
        rest = rest[pm.end():]
        first_title = min([i for i in (rest.find("*"), *(rest.find(q) for q in _OPEN_Q)) if i >= 0], default=-1)
    elif first_title > 0:
        body = rest[:first_title].strip().rstrip(",").strip()
        if body:
            ref.authors = [{"literal": body}]
        rest = rest[first_title:]
        first_title = 0
    # title and outlet
    after = ""
    if first_title >= 0 and rest[first_title] in _OPEN_Q:
        qt = _quoted_title(rest, first_title)
        if qt:
            ref.title, end = qt
            after = rest[end:]
            im = re.match(r"\s*,?\s*(?:in\s+)?\*([^*]+)\*", after)
            if im:
                ref.container = im.group(1).strip()
                after = after[im.end():]
    elif first_title >= 0 and rest[first_title] == "*":
        im = re.match(r"\*([^*]+)\*", rest[first_title:])
        if im:
            ref.title = im.group(1).strip()
            after = rest[first_title + im.end():]
            lt = _LOCATOR_TAIL.search(ref.title)
            if lt:
                ref.locator = lt.group(1).strip()
                ref.title = ref.title[:lt.start()].strip()
    if ref.title is None:
        segs = _split_top(rest)
        if not ref.authors and len(segs) >= 2:
            ref.authors = [{"literal": segs[0]}]
            segs = segs[1:]
        if segs:
            ref.title = segs[0]
            after = ", ".join(segs[1:])
    _tail(ref, after)
    ref.type = _guess_type(ref)
    return ref


def _tail(ref: Reference, after: str) -> None:
    locator: list[str] = [ref.locator] if ref.locator else []
    in_locator = False
    for seg in _split_top(after.strip(" ,.")):
        seg = seg.strip(" .")
        if not seg:
            continue
        if re.match(rf"^{_LOCATOR_WORD}\b", seg):
            locator.append(seg)
            in_locator = True
            continue
        if in_locator and re.match(r"^\d+(?:\.\d+)*$", seg):
            locator.append(seg)
            continue
        in_locator = False
        date = parse_date_text(seg) if ref.date is None else None
        if date:
            ref.date = date
            continue
        if m := _PAGES.match(seg):
            ref.pages = m.group(1).replace(" ", "")
        elif m := _ISSUE.match(seg):
            ref.issue = m.group(1)
        elif m := _VOLUME.match(seg):
            ref.volume = m.group(1)
        elif m := _EDITORS.match(seg):
            ref.editors = [{"literal": n.strip()} for n in re.split(r"\s+and\s+|,\s*", m.group(1)) if n.strip()]
        elif ":" in seg and ref.place is None:
            place, publisher = seg.split(":", 1)
            ref.place, ref.publisher = place.strip(), publisher.strip()
        elif ref.container is None and not re.search(r"\d", seg):
            ref.container = seg
    if locator:
        ref.locator = ", ".join(locator)


_LEGAL = re.compile(r"^(?:The\s+)?(?:Agreement|Treaty|Constitution|Declaration|Convention|Law|Decree|Protocol|Charter|"
                    r"Military Doctrine|National security concept|Joint Defen[cs]e Concept|Concept)\b", re.I)


def _guess_type(ref: Reference) -> str:
    if (ref.title and _LEGAL.search(ref.title)) or (ref.locator and re.match(r"(?:Article|Chapter|Section)\b",
                                                                              ref.locator)):
        return "legal-text"
    if ref.pages and ref.editors:
        return "chapter"
    if ref.issue or ref.volume:
        return "article"
    if ref.authors and "family" in ref.authors[0] and ref.container:
        return "news" if ref.date and len(ref.date) == 10 else "article"
    if ref.url:
        return "web-page"
    return "article"


_CSL_TYPE = {"article": "article-journal", "news": "article-newspaper", "legal-text": "legislation",
             "official": "webpage", "report": "report", "chapter": "chapter", "speech": "speech",
             "interview": "interview", "web-page": "webpage"}


def _date_parts(edtf: str) -> dict:
    return {"date-parts": [[int(x) for x in edtf.split("-")]]}


def to_csl(ref: Reference, *, id: str) -> dict:
    """The reference as a CSL-JSON item (the locator, which CSL keeps on the citation, as ``section``)."""
    kind = _CSL_TYPE.get(ref.type or "", "document") if ref.kind == "reference" else "document"
    item: dict = {"id": id, "type": kind}
    if ref.kind == "note":
        item["note"] = ref.text
        return item
    if ref.authors:
        item["author"] = ref.authors
    for key, value in (("title", ref.title), ("container-title", ref.container), ("section", ref.locator),
                       ("URL", ref.url), ("issue", ref.issue), ("volume", ref.volume), ("page", ref.pages),
                       ("publisher", ref.publisher), ("publisher-place", ref.place)):
        if value:
            item[key] = value
    if ref.editors:
        item["editor"] = ref.editors
    if ref.date:
        item["issued"] = _date_parts(ref.date)
    if ref.accessed:
        item["accessed"] = _date_parts(ref.accessed)
    return item


def to_source_record(ref: Reference, *, id: str, cited_in: str | None = None, note: int | None = None) -> dict:
    """The reference as a draft knowledge-base source record (``sources-*.yaml``), for review."""
    rec: dict = {"id": id}
    if cited_in:
        rec["cited_in"] = cited_in
    if note is not None:
        rec["note"] = note
    if ref.kind == "note":
        rec.update({"type": "article", "title": "Note " + (str(note) if note is not None else ""),
                    "details": "An explanatory footnote; it cites no source: " + ref.text})
        return rec
    rec["type"] = ref.type or "article"
    for key, value in (("author", ref.author), ("title", ref.title), ("outlet", ref.container),
                       ("locator", ref.locator), ("date", ref.date), ("url", ref.url), ("accessed", ref.accessed)):
        if value:
            rec[key] = value
    details = ", ".join(x for x in (
        f"Vol. {ref.volume}" if ref.volume else "", f"No. {ref.issue}" if ref.issue else "",
        f"pp. {ref.pages}" if ref.pages else "",
        ("eds. " + " and ".join(e["literal"] for e in ref.editors)) if ref.editors else "",
        f"{ref.place}: {ref.publisher}" if ref.place else "") if x)
    if details:
        rec["details"] = details
    if "title" not in rec:
        rec["title"] = ref.text[:120]
    return rec
