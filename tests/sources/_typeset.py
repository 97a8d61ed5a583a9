"""A small typesetter for the tests: body paragraphs and real footnotes laid out as a PDF with fpdf2.

Body in 11 pt serif, footnote markers as raised 7 pt digits, each footnote in 8 pt at the foot
of the page where its marker falls (a line moves to the next page when its footnotes would not
fit), paragraphs broken across pages where the page ends, ``*...*`` set in italics. It stands
in for a journal's PDF; nothing in the library depends on it.
"""

from __future__ import annotations

import re
from pathlib import Path

FONT_DIRS = [Path("/usr/share/fonts/truetype/dejavu")]
_SUP = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_TOKEN = re.compile(rf"([{_SUP}]+)|(\*[^*\n]+\*)|([^*{_SUP}]+|\*)")


def font_dir() -> Path | None:
    for d in FONT_DIRS:
        if (d / "DejaVuSerif.ttf").is_file() and (d / "DejaVuSerif-Italic.ttf").is_file():
            return d
    return None


def typeset(body: list[str], notes: dict[int, str], path: Path, *, page_h: float = 842, page_w: float = 595) -> Path:
    """Write ``body`` (paragraphs with superscript markers) and ``notes`` (number → text) to ``path``."""
    from fpdf import FPDF

    fonts = font_dir()
    pdf = FPDF(unit="pt", format=(page_w, page_h))
    pdf.set_auto_page_break(False)
    pdf.add_font("serif", "", str(fonts / "DejaVuSerif.ttf"))
    pdf.add_font("serif", "I", str(fonts / "DejaVuSerif-Italic.ttf"))
    margin, top, bottom = 60.0, 60.0, page_h - 60.0
    width = page_w - 2 * margin
    body_size, sup_size, note_size = 11.0, 7.0, 8.0
    body_lead, note_lead, para_gap, note_gap = 14.0, 10.0, 9.0, 7.0

    def pieces(text: str, size: float) -> list[list[tuple[str, str, float, bool]]]:
        """Words as lists of (text, style, size, raised) runs."""
        words: list[list[tuple[str, str, float, bool]]] = [[]]
        for m in _TOKEN.finditer(text):
            sup, ital, plain = m.groups()
            if sup:
                words[-1].append((sup.translate(str.maketrans(_SUP, "0123456789")), "", sup_size, True))
                continue
            chunk, style = (ital[1:-1], "I") if ital else (plain, "")
            for k, part in enumerate(re.split(r"(\s+)", chunk)):
                if not part:
                    continue
                if part.isspace():
                    words.append([])
                else:
                    words[-1].append((part, style, size, False))
        return [w for w in words if w]

    def width_of(word) -> float:
        total = 0.0
        for t, style, size, _ in word:
            pdf.set_font("serif", style, size)
            total += pdf.get_string_width(t)
        return total

    def wrap(text: str, size: float) -> list[list]:
        pdf.set_font("serif", "", size)
        space = pdf.get_string_width(" ")
        lines, cur, cur_w = [], [], 0.0
        for w in pieces(text, size):
            ww = width_of(w)
            if cur and cur_w + space + ww > width:
                lines.append(cur)
                cur, cur_w = [], 0.0
            cur_w += (space if cur else 0) + ww
            cur.append(w)
        if cur:
            lines.append(cur)
        return lines

    def draw(line, y: float, size: float) -> None:
        pdf.set_font("serif", "", size)
        space = pdf.get_string_width(" ")
        x = margin
        for w in line:
            for t, style, sz, raised in w:
                pdf.set_font("serif", style, sz)
                pdf.text(x, y - (3.5 if raised else 0), t)
                x += pdf.get_string_width(t)
            x += space

    note_lines = {n: wrap(f"{n} {t}", note_size) for n, t in notes.items()}

    def notes_height(ns: list[int]) -> float:
        return sum(len(note_lines[n]) * note_lead + note_gap for n in ns) + (6 if ns else 0)

    page_lines: list[tuple[list, float]] = []
    page_notes: list[int] = []
    y = top

    def flush() -> None:
        nonlocal page_lines, page_notes, y
        pdf.add_page()
        for line, ly in page_lines:
            draw(line, ly, body_size)
        ny = bottom - notes_height(page_notes) + 6 + note_lead
        for n in page_notes:
            for line in note_lines[n]:
                draw(line, ny, note_size)
                ny += note_lead
            ny += note_gap
        page_lines, page_notes, y = [], [], top

    for para in body:
        for line in wrap(para, body_size):
            new = [int(t) for w in line for t, _, _, raised in w if raised and int(t) in notes]
            if y + body_lead + notes_height(page_notes + new) > bottom and page_lines:
                flush()
            y += body_lead
            page_lines.append((line, y))
            page_notes.extend(new)
        y += para_gap
    if page_lines:
        flush()
    pdf.output(str(path))
    return path
