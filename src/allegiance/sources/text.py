"""Text in: plain text, HTML and PDF read into one :class:`Extracted` shape that keeps offsets.

Every reader returns the document's text with paragraphs separated by a blank line and,
for each character of that text, its offset in the original (characters of a text or
HTML file, the index of the character in the PDF's stream of characters). PDF lines set
in a smaller type than the body are recorded as ``small`` spans (footnotes, usually), and
digits set small and raised above the line are written as superscript digits, so the
cleaning step sees footnote markers the way it sees them in extracted text.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from allegiance.errors import UsageError, shorten

__all__ = ["Extracted", "read_document", "read_html", "read_pdf", "read_text", "SUPERSCRIPT"]

SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")

FORMATS = ("text", "html", "pdf")


@dataclass
class Extracted:
    """A document's text, the offset of each of its characters in the original, and typeset hints."""

    text: str
    format: str
    origin: list[int]  # origin[i]: offset in the original of text[i]
    small: list[tuple[int, int]] = field(default_factory=list)  # spans of text set in a smaller type (PDF)

    def is_small(self, start: int, end: int) -> bool:
        """True when most of ``text[start:end]`` was set in the smaller type."""
        inside = sum(max(0, min(end, e) - max(start, s)) for s, e in self.small)
        return end > start and inside * 2 > end - start


def read_text(text: str) -> Extracted:
    """Plain text as it is: every character is its own origin (line ends normalised to ``\\n``)."""
    origin = list(range(len(text)))
    if "\r" in text:
        kept = [(c, i) for i, c in enumerate(text) if not (c == "\r" and text[i + 1:i + 2] == "\n")]
        text = "".join(c if c != "\r" else "\n" for c, _ in kept)
        origin = [i for _, i in kept]
    return Extracted(text, "text", origin)


_BLOCK = {"p", "div", "section", "article", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "aside",
          "footer", "header", "tr", "br", "hr", "ol", "ul", "table", "figcaption", "pre", "dd", "dt"}
_SKIP = {"script", "style", "noscript", "template", "head"}


class _HTMLText(HTMLParser):
    """Collects text with its offsets; block elements become paragraph breaks, <sup> digits superscripts."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self.source = source
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", source)]
        self.out: list[str] = []
        self.origin: list[int] = []
        self.skip = 0
        self.sup = 0
        self.italic = 0
        self.lists: list[list[int] | None] = []  # per open list: [next number] for <ol>, None for <ul>

    def _pos(self) -> int:
        line, col = self.getpos()
        return self.line_starts[line - 1] + col

    def _break(self) -> None:
        while self.out and self.out[-1] in " \n":
            self.out.pop()
            self.origin.pop()
        if self.out:
            pos = self._pos()
            self.out.extend("\n\n")
            self.origin.extend([pos, pos])

    def _add(self, text: str, pos: int, exact: bool) -> None:
        if self.skip:
            return
        for k, ch in enumerate(text):
            if ch.isspace():
                if not self.out or self.out[-1] in " \n":
                    continue
                ch = " "
            if self.sup and ch.isdigit():
                ch = ch.translate(SUPERSCRIPT)
            self.out.append(ch)
            self.origin.append(pos + k if exact else pos)

    def handle_starttag(self, tag, attrs):
        if tag in _SKIP:
            self.skip += 1
        elif tag in _BLOCK:
            self._break()
            if tag == "ol":
                start = dict(attrs).get("start") or "1"
                self.lists.append([int(start) if start.isdigit() else 1])
            elif tag == "ul":
                self.lists.append(None)
            elif tag == "li" and self.lists and self.lists[-1] is not None:
                self._add(f"{self.lists[-1][0]} ", self._pos(), False)  # the number a browser shows
                self.lists[-1][0] += 1
        elif tag == "sup":
            self.sup += 1
        elif tag in ("em", "i", "cite"):
            self.italic += 1
            self._add("*", self._pos(), False)

    def handle_endtag(self, tag):
        if tag in _SKIP:
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCK:
            self._break()
            if tag in ("ol", "ul") and self.lists:
                self.lists.pop()
        elif tag == "sup":
            self.sup = max(0, self.sup - 1)
        elif tag in ("em", "i", "cite") and self.italic:
            self.italic -= 1
            self._add("*", self._pos(), False)

    def handle_data(self, data):
        self._add(data, self._pos(), True)

    def handle_entityref(self, name):
        self._add(html.unescape(f"&{name};"), self._pos(), False)

    def handle_charref(self, name):
        self._add(html.unescape(f"&#{name};"), self._pos(), False)


def read_html(source: str) -> Extracted:
    """The visible text of an HTML document: scripts and styles dropped, block elements as paragraphs.

    Italic (``<em>``, ``<i>``, ``<cite>``) is kept as ``*...*`` (titles in citations are told by it),
    digits in ``<sup>`` become superscript digits (footnote markers) and items of an ``<ol>`` get their
    number, as a browser shows them (notes listed at the end).
    """
    parser = _HTMLText(source)
    parser.feed(source)
    parser.close()
    parser._break()
    text = "".join(parser.out).strip("\n ")
    lead = len("".join(parser.out)) - len("".join(parser.out).lstrip("\n "))
    return Extracted(text, "html", parser.origin[lead:lead + len(text)])


_ITALIC = re.compile(r"Italic|Oblique", re.I)


def _pdf_chars(path: Path | str) -> list[dict]:
    """Every printed character of a PDF (pypdfium2): text, size, font name, box from the top of its page."""
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    out: list[dict] = []
    name = ctypes.create_string_buffer(256)
    flags = ctypes.c_int()
    try:
        doc = pdfium.PdfDocument(str(path))
    except Exception as exc:  # pdfium raises PdfiumError for a damaged or encrypted file
        raise UsageError(f"{shorten(str(path))} could not be read as a PDF ({type(exc).__name__}: {exc})",
                         value=str(path), field="file", allowed="a readable PDF file") from exc
    try:
        for pno in range(len(doc)):
            page = doc[pno]
            height = page.get_height()
            tp = page.get_textpage()
            space = False
            for i in range(tp.count_chars()):
                ch = chr(raw.FPDFText_GetUnicode(tp, i))
                if not ch.strip():  # a space printed, or one PDFium infers from the layout
                    space = True
                    continue
                left, bottom, right, top = tp.get_charbox(i, loose=True)
                raw.FPDFText_GetFontInfo(tp, i, name, len(name), ctypes.byref(flags))
                out.append({"text": ch, "size": round(float(raw.FPDFText_GetFontSize(tp, i)), 1), "x0": left,
                            "x1": right, "top": height - top, "bottom": height - bottom, "page": pno,
                            "font": name.value.decode("latin-1"), "space": space})
                space = False
            tp.close()
            page.close()
    finally:
        doc.close()
    return out


def read_pdf(path: Path | str) -> Extracted:
    """The text of a PDF (pypdfium2, PDFium's bindings): lines by position, paragraphs by vertical gaps and type size.

    The body's type size is the most common one. A line mostly in a smaller type is marked small
    (footnotes); a run of small digits raised above its line's baseline is a footnote marker and is
    written as superscript digits; a run in an italic or oblique font is written ``*...*``. A page break,
    a change between body and small type, or a vertical gap ends a paragraph.
    """
    chars_all = _pdf_chars(path)
    if not chars_all:
        return Extracted("", "pdf", [])
    body = Counter(c["size"] for c in chars_all if c["text"].strip()).most_common(1)[0][0]
    # lines: full-size characters set the line; raised small digits join the line they sit on
    lines: list[dict] = []
    for idx, ch in enumerate(chars_all):
        ch["i"] = idx
        cur = lines[-1] if lines else None
        mid = (ch["top"] + ch["bottom"]) / 2
        if cur is not None and cur["page"] == ch["page"] and cur["top"] - 1 <= mid <= cur["bottom"] + 1 \
                and ch["x0"] >= cur["chars"][-1]["x0"] - 1:
            cur["chars"].append(ch)
            if ch["size"] >= cur["size"]:
                cur["size"] = ch["size"]
                cur["top"], cur["bottom"] = min(cur["top"], ch["top"]), max(cur["bottom"], ch["bottom"])
            continue
        lines.append({"page": ch["page"], "top": ch["top"], "bottom": ch["bottom"], "size": ch["size"], "chars": [ch]})
    out: list[str] = []
    origin: list[int] = []
    small: list[tuple[int, int]] = []
    prev = None
    italic = False
    para_start = 0
    para_small = False
    for ln in lines:
        sizes = Counter(c["size"] for c in ln["chars"] if c["text"].strip())
        if not sizes:
            continue
        size = sizes.most_common(1)[0][0]
        is_small = size < body * 0.92
        if prev is not None:
            height = prev["bottom"] - prev["top"]
            gap = ln["top"] - prev["bottom"]
            new_para = (ln["page"] != prev["page"] or is_small != prev["small"] or gap > 0.6 * height)
            if new_para and italic:
                out.append("*")
                origin.append(prev["chars"][-1]["i"])
                italic = False
            if new_para:
                if para_small:
                    small.append((para_start, len(out)))
                out.extend("\n\n")
                origin.extend([prev["chars"][-1]["i"]] * 2)
                para_start = len(out)
            else:
                out.append(" ")
                origin.append(prev["chars"][-1]["i"])
        para_small = is_small
        last = None
        for ch in ln["chars"]:
            t = ch["text"]
            raised = ch["size"] < size * 0.85 and t.isdigit() and ch["bottom"] < ln["bottom"] - 0.2 * size
            gap = ch["x0"] - last["x1"] if last is not None else 0.0
            if last is not None and not raised and (ch["space"] or gap > 0.2 * min(ch["size"], last["size"])):
                out.append(" ")
                origin.append(last["i"])
            if raised:
                t = t.translate(SUPERSCRIPT)
            slanted = bool(_ITALIC.search(ch["font"])) and not raised
            if t.strip() and slanted != italic:
                at = len(out) - 1 if (not slanted and out and out[-1] == " ") else len(out)
                out.insert(at, "*")
                origin.insert(at, ch["i"])
                italic = slanted
            for c in t:
                out.append(c)
                origin.append(ch["i"])
            last = ch
        prev = {"page": ln["page"], "top": ln["top"], "bottom": ln["bottom"], "small": is_small, "chars": ln["chars"]}
    if italic:
        out.append("*")
        origin.append(origin[-1])
    if para_small:
        small.append((para_start, len(out)))
    return Extracted("".join(out), "pdf", origin, small)


def read_document(path: Path | str, *, format: str | None = None) -> Extracted:
    """Read a file by its format (``text``, ``html``, ``pdf``; guessed from the suffix when not given)."""
    p = Path(path)
    if format is None:
        suffix = p.suffix.lower()
        format = "pdf" if suffix == ".pdf" else "html" if suffix in (".html", ".htm", ".xhtml") else "text"
    if format not in FORMATS:
        raise UsageError(f"{shorten(format)} is not a document format (expected one of {', '.join(FORMATS)})",
                         value=format, field="format", allowed=", ".join(FORMATS))
    if not p.is_file():
        raise UsageError(f"{shorten(str(p))} is not a readable file", value=str(p), field="file",
                         allowed="an existing text, HTML or PDF file")
    if format == "pdf":
        return read_pdf(p)
    try:
        data = p.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{shorten(str(p))} is not UTF-8 text (byte {exc.start}); convert it or give a PDF",
                         value=str(p), field="file", allowed="UTF-8 text, HTML or a PDF") from exc
    return read_html(data) if format == "html" else read_text(data)
