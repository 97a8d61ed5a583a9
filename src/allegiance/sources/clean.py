"""Cleaning extracted text: footnotes out of the body, broken paragraphs rejoined, pull-quotes removed.

Text extracted from a typeset article interleaves its footnotes with the body, breaks body
paragraphs (and footnotes) at page ends, and repeats passages out of flow (pull-quotes). The
steps run in an order that loses nothing:

1. **Paragraphs** are the blank-line separated blocks of the extracted text.
2. **Footnote blocks**: a paragraph that opens with the next footnote number (``12 ...`` or
   ``¹² ...``, the numbers rising by one, a gap of at most two allowed) whose marker the body has
   shown before it (or, in a PDF, set in the smaller type; or whose marker comes later, when it reads
   as a citation: a URL, an italic or quoted title, pages, an access date), or ``*`` after a starred
   name (an author's note).
   A footnote that does not end like a sentence or a citation (``.``, ``)``, ...) is *open*; its
   continuation is the first later paragraph that reads as the rest of a citation (it closes a
   quotation the footnote opened, carries an access date, pages, an issue, a URL's tail or an
   italic title); in a PDF, a paragraph set in the footnotes' smaller type.
3. **Body rejoining**: a body paragraph that ends mid-sentence continues in the next body
   paragraph, skipping footnote blocks, their continuations and out-of-flow copies of the
   paragraph itself (a later paragraph whose text lies inside it, or that starts with its broken
   sentence). Chains (a continuation that is itself broken) are followed.
4. **Footnote rejoining**: each open footnote takes its continuation.
5. **Repeats**: only now, a body paragraph whose text (markers and quote styles aside) lies inside
   another body paragraph is an out-of-flow copy and is removed; the in-flow copy, which carries
   the footnote markers, is kept. Because rejoining ran first, a passage that was broken by a page
   or a footnote is whole again and contains its repeat, so the repeat is what goes.

The cleaned text is the body followed by the footnotes, each paragraph separated by a blank line;
:attr:`Cleaned.origin` maps every cleaned character back to the original (joins map to the break
they replace) and :attr:`Cleaned.report` lists what was rejoined and removed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from allegiance.sources.text import Extracted

__all__ = ["Cleaned", "Footnote", "Paragraph", "clean", "normalise", "MARKER"]

_SUP = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUP_TO_DIGIT = str.maketrans(_SUP, "0123456789")
MARKER = re.compile(f"[{_SUP}]+")
_FN_START = re.compile(rf"^(?:(\d{{1,3}})|([{_SUP}]{{1,3}}))[ \t]+(?=\S)")
_AUTHOR_NOTE = re.compile(r"^\*[ \t]+(?=\S)")
_PARA_BREAK = re.compile(r"\n[ \t]*\n\s*")
_TERMINAL = ".!?…:;"
_CLOSERS = ")]”’\"'*»"
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "`": "'",
                         "–": "-", "—": "-", "‐": "-", "‑": "-", "\u00a0": " "})


def normalise(text: str) -> str:
    """Text for comparing copies: NFKC, footnote markers dropped, one quote and dash style, one space."""
    text = MARKER.sub("", unicodedata.normalize("NFC", text))
    return " ".join(unicodedata.normalize("NFKC", text.translate(_QUOTES)).split())


@dataclass
class Paragraph:
    """A block of the extracted text: its pieces in the original, and what it was found to be."""

    parts: list[tuple[int, int]]  # [start, end) spans of the extracted text, in reading order
    text: str
    kind: str = "body"  # body, heading, footnote, continuation (of a footnote), repeat
    number: int | None = None  # footnote number
    label: str | None = None  # the footnote's printed label ("12", "¹²", "*")
    small: bool = False

    @property
    def start(self) -> int:
        return self.parts[0][0]


@dataclass
class Footnote:
    """A footnote after cleaning: its number, text (label dropped) and where its body marker is."""

    number: int | None
    label: str
    text: str
    start: int  # of the text in the cleaned document
    end: int
    markers: list[tuple[int, int]] = field(default_factory=list)  # marker spans in the cleaned body


@dataclass
class Cleaned:
    """The cleaned document: ``text`` (body, then footnotes), ``origin`` back to the extracted text."""

    text: str
    origin: list[int]
    body_end: int
    footnotes: list[Footnote]
    report: dict
    paragraphs: list[Paragraph]
    unmatched_markers: list[dict] = field(default_factory=list)

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """The span of the extracted text that ``text[start:end]`` came from (first to last character)."""
        if end <= start:
            o = self.origin[start] if start < len(self.origin) else (self.origin[-1] + 1 if self.origin else 0)
            return o, o
        return self.origin[start], self.origin[end - 1] + 1


def _paragraphs(text: str) -> list[tuple[int, int]]:
    spans = []
    pos = 0
    for m in _PARA_BREAK.finditer(text):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(text)))
    out = []
    for s, e in spans:
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if e > s:
            out.append((s, e))
    return out


def _words(text: str) -> int:
    return len(text.split())


def _strip_markers_end(text: str) -> str:
    return MARKER.sub("", text[-12:]).rstrip() if len(text) > 12 else MARKER.sub("", text).rstrip()


def _complete(text: str) -> bool:
    """Ends like a sentence (or a citation): terminal punctuation, maybe followed by closers and markers."""
    tail = _strip_markers_end(text).rstrip(_CLOSERS).rstrip()
    end = _strip_markers_end(text)
    return bool(tail) and (tail[-1] in _TERMINAL or (end[-1:] == ")" and "(" in text[-80:]))


_DANGLING = {"a", "an", "the", "of", "and", "or", "but", "nor", "to", "in", "on", "for", "with", "by", "at", "from",
             "as", "that", "which", "who", "whose", "its", "their", "his", "her", "our", "is", "are", "was", "were",
             "be", "been", "has", "have", "had", "not", "than", "into", "onto", "upon", "between", "this", "these"}


def _heading(text: str) -> bool:
    """A short line that does not end like a sentence: a title, heading, byline or keyword line.

    A short fragment cut off by a page (ending on a comma, a hyphen or a word such as *the*, *of*,
    *and*) is not a heading: it is the start of a paragraph that goes on.
    """
    if _words(text) > 15 or _complete(text) or "\n" in text.strip():
        return False
    tail = text.rstrip()
    return not (tail.endswith((",", "-", "–")) or tail.split()[-1] in _DANGLING)


def _open_quotes(text: str) -> int:
    curly = text.count("“") - text.count("”")
    straight = text.count('"') % 2
    return max(curly, 0) + straight


def _citation_score(frag: str, note: str) -> int:
    """How much ``frag`` reads as the rest of the open footnote ``note``."""
    score = 0
    head = frag[:80]
    if _open_quotes(note) and (("”" in head and "“" not in head.split("”")[0]) or head.count('"') % 2):
        score += 2
    if re.search(r"\(\s*Access(?:ed| date)", frag, re.I):
        score += 2
    if re.search(r"\bavailable at\b", frag, re.I):
        score += 1
    if re.search(r"\bpp?\.\s?\d|\bNo\.\s?\d|\bVol\.\s?\d", frag):
        score += 1
    if frag[:1] and not (frag[0].isalpha() or frag[0] in "\"“‘'(*"):
        score += 1
        if re.search(r"[=/&%?]\S*[>]?$", note.rstrip()):
            score += 1
    if re.search(r"\*[^*\n]{3,}\*\s*,", frag):
        score += 1
    return score


_CITED = re.compile(r"https?://|\*[^*\n]{3,}\*|[“\"]\w|\bpp?\.\s?\d|\(\s*Access", re.I)


def _contained(inner: str, outer: str) -> bool:
    return len(inner) >= 20 and inner in outer


def clean(doc: Extracted) -> Cleaned:
    """Clean an extracted document (see the module's docstring for the steps and their order)."""
    text = doc.text
    paras = [Paragraph([(s, e)], text[s:e], small=doc.is_small(s, e)) for s, e in _paragraphs(text)]
    report: dict = {"paragraphs": len(paras), "footnotes": 0, "rejoined": [], "removed": [], "moved": [],
                    "unfinished": []}

    # 2. footnote blocks
    last = 0
    seen_body_marker: set[int] = set()
    star_seen = False
    all_markers = {int(mk.group().translate(_SUP_TO_DIGIT)) for mk in MARKER.finditer(text)}
    for p in paras:
        m = _FN_START.match(p.text)
        if m:
            label = m.group(1) or m.group(2)
            n = int(label.translate(_SUP_TO_DIGIT))
            if last < n <= last + 3 and (n in seen_body_marker or p.small
                                         or (n in all_markers and _CITED.search(p.text))):
                p.kind, p.number, p.label = "footnote", n, label
                last = n
                continue
        if _AUTHOR_NOTE.match(p.text) and last == 0 and star_seen:
            p.kind, p.label = "footnote", "*"
            continue
        star_seen = star_seen or bool(re.search(r"\w\*(?:\s|$)", p.text))
        for mk in MARKER.finditer(p.text):
            seen_body_marker.add(int(mk.group().translate(_SUP_TO_DIGIT)))
    # open footnotes and their continuations
    fn_next: dict[int, int] = {}
    for i, p in enumerate(paras):
        if p.kind != "footnote" or _complete(p.text):
            continue
        for j in range(i + 1, min(len(paras), i + 16)):
            q = paras[j]
            if q.kind not in ("body",) or j in fn_next.values():
                continue
            if (doc.small and q.small) or (not doc.small and _citation_score(q.text, p.text) >= 2):
                q.kind = "continuation"
                fn_next[i] = j
                break

    # headings: short lines that do not end like a sentence, unless what follows them continues them
    flow = [i for i, p in enumerate(paras) if p.kind == "body"]
    for k, i in enumerate(flow):
        p = paras[i]
        nxt = paras[flow[k + 1]].text if k + 1 < len(flow) else ""
        if _heading(p.text) and not p.small and not nxt[:1].islower():
            p.kind = "heading"

    # 3. body rejoining
    def _skip_as_copy(cand: Paragraph, broken: str) -> bool:
        c = normalise(cand.text)
        b = normalise(broken)
        if _contained(c, b):
            return True
        sentence = re.split(r"(?<=[.!?])\s+", b)[-1]
        return len(sentence) >= 20 and c.startswith(sentence)

    absorbed: set[int] = set()
    for i, p in enumerate(paras):
        if p.kind != "body" or i in absorbed:
            continue
        while not _complete(p.text):
            target = None
            skipped = []
            for j in range(i + 1, min(len(paras), i + 40)):
                q = paras[j]
                if j in absorbed or q.kind in ("footnote", "continuation"):
                    continue
                if q.kind == "heading":
                    break
                if _skip_as_copy(q, p.text):
                    skipped.append(q.start)
                    continue
                target = j
                break
            if target is None:
                report["unfinished"].append({"start": p.start, "tail": p.text[-40:]})
                break
            q = paras[target]
            report["rejoined"].append({"kind": "body", "parts": [list(p.parts[-1]), list(q.parts[0])],
                                       "skipped": skipped})
            p.parts.extend(q.parts)
            p.text = _join(p.text, q.text)
            absorbed.add(target)
            q.kind = "absorbed"
    # 4. footnote rejoining
    for i, j in fn_next.items():
        p, q = paras[i], paras[j]
        report["rejoined"].append({"kind": "footnote", "number": p.number,
                                   "parts": [list(p.parts[-1]), list(q.parts[0])], "skipped": []})
        p.parts.extend(q.parts)
        p.text = _join(p.text, q.text)
        q.kind = "absorbed"
    # 5. repeats: a body paragraph inside another one is an out-of-flow copy
    body = [p for p in paras if p.kind == "body"]
    norms = {id(p): normalise(p.text) for p in body}
    for p in body:
        n = norms[id(p)].rstrip(".!?…")  # a pull-quote may end a cut sentence with a full stop
        if _words(n) < 6:
            continue
        for q in body:
            if q is p or q.kind != "body":
                continue
            nq = norms[id(q)]
            if n in nq and (len(nq) > len(n) or (MARKER.search(q.text) and not MARKER.search(p.text))
                            or (len(nq) == len(n) and q.start < p.start)):
                p.kind = "repeat"
                report["removed"].append({"start": p.start, "end": p.parts[-1][1], "text": p.text[:80],
                                          "kept": [q.start, q.parts[-1][1]], "reason": "repeat of a body passage"})
                break
    return _assemble(doc, paras, report)


def _glued(a: str, b: str) -> bool:
    """No space at the join: a word broken at a hyphen, or a URL broken before its query's tail."""
    return (a.endswith("-") and b[:1].islower()) or (b[:1] in _URL_TAIL and not a[-1:].isspace())


_URL_TAIL = "=%&/?#"


def _join(a: str, b: str) -> str:
    return a + b if _glued(a, b) else a + " " + b


def _assemble(doc: Extracted, paras: list[Paragraph], report: dict) -> Cleaned:
    text = doc.text
    out: list[str] = []
    origin: list[int] = []

    def emit_para(p: Paragraph, skip_label: int = 0) -> tuple[int, int]:
        if out:
            brk = origin[-1]
            out.extend("\n\n")
            origin.extend([brk, brk])
        begin = len(out)
        for k, (s, e) in enumerate(p.parts):
            if k:
                prev = p.parts[k - 1][1]
                if not _glued(text[max(0, prev - 2):prev], text[s:s + 2]):
                    out.append(" ")
                    origin.append(doc.origin[prev] if prev < len(doc.origin) else doc.origin[prev - 1])
            s2 = s + (skip_label if k == 0 else 0)
            out.extend(text[s2:e])
            origin.extend(doc.origin[s2:e])
        return begin, len(out)

    body_paras = [p for p in paras if p.kind in ("body", "heading")]
    notes = [p for p in paras if p.kind == "footnote"]
    for p in body_paras:
        emit_para(p)
    body_end = len(out)
    footnotes: list[Footnote] = []
    for p in notes:
        label_len = len(_FN_START.match(p.text).group()) if p.number is not None else len(
            _AUTHOR_NOTE.match(p.text).group())
        s, e = emit_para(p, skip_label=label_len)
        footnotes.append(Footnote(p.number, p.label or "", "".join(out[s:e]), s, e))
        report["moved"].append({"footnote": p.label, "start": p.start})
    cleaned = "".join(out)
    by_number = {f.number: f for f in footnotes if f.number is not None}
    unmatched = []
    for m in MARKER.finditer(cleaned, 0, body_end):
        n = int(m.group().translate(_SUP_TO_DIGIT))
        f = by_number.get(n)
        if f is None:
            unmatched.append({"marker": n, "start": m.start(), "end": m.end()})
        else:
            f.markers.append((m.start(), m.end()))
    report["footnotes"] = len(footnotes)
    return Cleaned(cleaned, origin, body_end, footnotes, report, paras, unmatched)
