"""Footnotes to references, on footnotes written here in the styles humanities articles use."""

from __future__ import annotations

import pytest

from allegiance.sources import parse_date_text, parse_footnote, to_csl, to_source_record
from allegiance.sources.evaluate import field_scores


def test_issuing_body_italic_title_with_locator_date_url_and_access_date():
    r = parse_footnote("Ministry of Examples, *The Treaty of Nowhere, Chapter 2, Article 4*, 3 May 2001, "
                       "available at: <https://example.org/t?a=1&b=2> (Accessed June 1, 2020).")
    assert r.kind == "reference" and r.type == "legal-text"
    assert (r.author, r.title, r.locator, r.date, r.url, r.accessed) == (
        "Ministry of Examples", "The Treaty of Nowhere", "Chapter 2, Article 4", "2001-05-03",
        "https://example.org/t?a=1&b=2", "2020-06-01")


def test_persons_quoted_title_outlet_and_the_other_access_date_form():
    r = parse_footnote('Doe, J. and Roe, R., "A Study of Things," *The Outlet*, 2 February 2017, available at: '
                       "https://example.org/s (Access date: Jul 2, 2020)")
    assert r.authors == [{"family": "Doe", "given": "J."}, {"family": "Roe", "given": "R."}]
    assert (r.author, r.title, r.container, r.date, r.url, r.accessed) == (
        "J. Doe and R. Roe", "A Study of Things", "The Outlet", "2017-02-02", "https://example.org/s", "2020-07-02")


def test_journal_issue_pages_and_a_year():
    r = parse_footnote("Doe, J. “A Long Title,” *Journal of Examples*, No. 3, 2018, pp.1-9.")
    assert (r.title, r.container, r.issue, r.date, r.pages, r.type) == (
        "A Long Title", "Journal of Examples", "3", "2018", "1-9", "article")


def test_chapter_in_an_edited_book():
    r = parse_footnote('Doe, J., "A Chapter," in *A Book*, Ann Lee and Bo Chan (eds), Vienna: A Press, 2018, '
                       "pp. 19-28.")
    assert (r.title, r.container, r.place, r.publisher, r.date, r.pages) == (
        "A Chapter", "A Book", "Vienna", "A Press", "2018", "19-28")
    assert [e["literal"] for e in r.editors] == ["Ann Lee", "Bo Chan"]
    assert r.type == "chapter"


def test_no_italics_or_quotes_title_is_the_segment_after_the_body():
    r = parse_footnote("A Registry of Laws, Agreement on things of the Parties, Article 7, 12 December 2017, "
                       "available at: <http://example.org/x> (Accessed Jul 1, 2020).")
    assert (r.author, r.title, r.locator, r.date) == (
        "A Registry of Laws", "Agreement on things of the Parties", "Article 7", "2017-12-12")


def test_a_note_that_cites_nothing_is_a_note():
    r = parse_footnote("The unit was formed in 2014 and replaced another one after that one moved south.")
    assert r.kind == "note" and r.title is None
    assert to_csl(r, id="x-n1") == {"id": "x-n1", "type": "document", "note": r.text}
    rec = to_source_record(r, id="x-n1", cited_in="x", note=1)
    assert rec["details"].startswith("An explanatory footnote")


@pytest.mark.parametrize("text, edtf", [
    ("27 July 1990", "1990-07-27"), ("June 27, 2020", "2020-06-27"), ("Jul 1, 2020", "2020-07-01"),
    ("December 2019", "2019-12"), ("2017", "2017"), ("Sept. 3, 2001", "2001-09-03"),
    ("31 February 2020", None), ("sometime", None)])
def test_dates_to_edtf(text, edtf):
    assert parse_date_text(text) == edtf


def test_csl_json_item_and_source_record():
    r = parse_footnote("Ministry of Examples, *The Treaty, Article 4*, 3 May 2001, available at: "
                       "<https://example.org/t> (Accessed June 1, 2020).")
    item = to_csl(r, id="doc-n1")
    assert item == {"id": "doc-n1", "type": "legislation", "author": [{"literal": "Ministry of Examples"}],
                    "title": "The Treaty", "section": "Article 4", "URL": "https://example.org/t",
                    "issued": {"date-parts": [[2001, 5, 3]]}, "accessed": {"date-parts": [[2020, 6, 1]]}}
    rec = to_source_record(r, id="doc-n1", cited_in="doc", note=1)
    assert rec == {"id": "doc-n1", "cited_in": "doc", "note": 1, "type": "legal-text",
                   "author": "Ministry of Examples", "title": "The Treaty", "locator": "Article 4",
                   "date": "2001-05-03", "url": "https://example.org/t", "accessed": "2020-06-01"}


def test_source_records_validate_against_the_knowledge_base_model():
    from allegiance.facts.model import Source

    r = parse_footnote('Doe, J., "A Study," *Outlet*, 2 February 2017, available at: https://example.org/s '
                       "(Access date: June 2, 2020)")
    Source.model_validate(to_source_record(r, id="doc-n3", cited_in="doc", note=3), strict=False)


def test_field_scores_count_strict_and_normalised_matches():
    gold = {1: {"title": "A “Title”", "url": "u"}, 2: {"title": "B"}}
    got = {1: {"title": 'a "title"', "url": "u", "date": "2001"}, 2: {}}
    s = field_scores(got, gold, fields=("title", "url", "date"))
    assert (s["strict"]["tp"], s["strict"]["fp"], s["strict"]["fn"]) == (1, 2, 2)
    assert (s["normalised"]["tp"], s["normalised"]["fp"], s["normalised"]["fn"]) == (2, 1, 1)
    assert s["normalised"]["f1"] == pytest.approx(2 / 3, abs=1e-3)
