"""Text in: plain text, HTML and PDF, with offsets back to the original; bad input is one error."""

from __future__ import annotations

import pytest

from allegiance.errors import UsageError
from allegiance.sources import read_document, read_html, read_text


def test_plain_text_keeps_every_offset_and_folds_crlf():
    doc = read_text("One.\r\n\r\nTwo.")
    assert doc.text == "One.\n\nTwo."
    src = "One.\r\n\r\nTwo."
    assert all(src[o] == (c if c != "\n" else "\r") or src[o] == c for c, o in zip(doc.text, doc.origin))
    assert doc.origin[doc.text.index("T")] == src.index("T")


def test_html_blocks_become_paragraphs_and_offsets_point_into_the_source():
    src = ("<html><head><title>x</title><style>p{}</style></head><body><h1>Title</h1>"
           "<p>Body text<sup>1</sup> with <em>a title</em>.</p><script>var a;</script>"
           "<p>1 Author, <i>Book</i>, 2019.</p></body></html>")
    doc = read_html(src)
    assert doc.text == "Title\n\nBody text¹ with *a title*.\n\n1 Author, *Book*, 2019."
    i = doc.text.index("Body")
    assert src[doc.origin[i]:doc.origin[i] + 4] == "Body"
    assert "var a" not in doc.text and "p{}" not in doc.text


def test_html_entities_are_decoded():
    assert read_html("<p>A &amp; B &#8211; C</p>").text == "A & B – C"


def test_read_document_guesses_the_format_by_suffix(tmp_path):
    (tmp_path / "a.htm").write_text("<p>x</p><p>y</p>", encoding="utf-8")
    (tmp_path / "a.txt").write_text("<p>x</p>", encoding="utf-8")
    assert read_document(tmp_path / "a.htm").text == "x\n\ny"
    assert read_document(tmp_path / "a.txt").text == "<p>x</p>"
    assert read_document(tmp_path / "a.txt", format="html").format == "html"


@pytest.mark.parametrize("make, field", [
    (lambda p: p / "missing.txt", "file"),
    (lambda p: (p / "bin.txt").write_bytes(b"\xff\xfe\x00bad") and p / "bin.txt", "file"),
    (lambda p: (p / "bad.pdf").write_bytes(b"not a pdf at all") and p / "bad.pdf", "file"),
])
def test_unreadable_input_is_one_usage_error(tmp_path, make, field):
    with pytest.raises(UsageError) as err:
        read_document(make(tmp_path))
    assert err.value.field == field and "\n" not in str(err.value)


def test_an_unknown_format_is_refused(tmp_path):
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    with pytest.raises(UsageError) as err:
        read_document(tmp_path / "a.txt", format="docx")
    assert err.value.field == "format" and "docx" in str(err.value)


def test_an_html_article_with_notes_in_an_ordered_list_goes_through_the_pipeline():
    from allegiance.sources import process

    src = ("<article><h1>On Alliances</h1><p>The treaty was signed in 1999 and remains in force today.<sup>1</sup> "
           "The parties met again in 2006, as the record shows.<sup>2</sup></p><footer><ol>"
           "<li>A Ministry, <em>The Treaty, Article 4</em>, 8 December 1999, available at: "
           "<a href='https://example.org/t'>https://example.org/t</a> (Accessed June 1, 2020).</li>"
           "<li>The meeting is described in the minutes kept by the secretariat.</li></ol></footer></article>")
    result = process(read_html(src), source_id="alliances")
    notes = result.footnotes_json()
    assert [(f["number"], f["kind"]) for f in notes] == [(1, "reference"), (2, "note")]
    ref = notes[0]["reference"]
    assert (ref["title"], ref["section"], ref["URL"]) == ("The Treaty", "Article 4", "https://example.org/t")
    body = result.cleaned.text[:result.cleaned.body_end]
    assert "Ministry" not in body and body.count("¹") == 1 and notes[0]["marker"] is not None


def test_a_small_pdf_with_footnotes_reads_back_as_the_text_did(tmp_path):
    import sys
    from pathlib import Path

    from allegiance.sources import normalise, process, read_document

    here = Path(__file__).parent
    sys.path.insert(0, str(here))
    from _typeset import font_dir, typeset

    pytest.importorskip("fpdf")
    if font_dir() is None:
        pytest.skip("no DejaVu serif fonts to typeset with")
    first = process(read_document(here.parent / "fixtures" / "sources" / "article.txt"), source_id="paper-2020")
    body = [p.text for p in first.cleaned.paragraphs if p.kind in ("body", "heading")]
    notes = {f.number: f.text for f in first.cleaned.footnotes if f.number is not None}
    # a short page, so that paragraphs break across pages and notes fall at the foot of different pages
    pdf = typeset(body, notes, tmp_path / "a.pdf", page_h=240)
    doc = read_document(pdf)
    assert doc.format == "pdf" and doc.small and "*The Declaration of Examples, Article 10*" in doc.text
    again = process(doc, source_id="paper-2020")
    assert len(again.cleaned.report["rejoined"]) == 2  # two paragraphs broken by pages, one by a footnote too
    got = again.cleaned.text[:again.cleaned.body_end].split("\n\n")
    assert [normalise(p) for p in got] == [normalise(p) for p in body]
    assert [(f["number"], f["kind"], f["reference"]) for f in again.footnotes_json()] == [
        (f["number"], f["kind"], f["reference"]) for f in first.footnotes_json()]
    assert all(f["marker"] is not None for f in again.footnotes_json())
