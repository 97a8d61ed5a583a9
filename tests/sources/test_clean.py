"""Cleaning on small texts made here: each rule, and that nothing of the body is lost."""

from __future__ import annotations

from allegiance.sources import clean, normalise, read_text
from allegiance.sources.clean import MARKER

# A page of a made-up article: a body paragraph broken by two footnotes, a footnote broken off
# (its quotation still open) and continued after the next body paragraph, a pull-quote of the
# first sentence of a paragraph, and a passage broken by a page whose repeat is the longer copy.
ARTICLE = """A Title Of Two Lines

The first paragraph states a fact that matters.¹ It goes on to say more about the state of the
union and its treaties, and then the page ends in the middle of a

1 Ministry of Examples, *The Treaty of Nowhere, Article 4*, 3 May 2001, available at: <https://example.org/t> (Accessed June 1, 2020).

2 Doe, J. and Roe, R. “A Long Title That Breaks

sentence that continues here.² A second paragraph follows with ordinary prose in it, long enough to count.

Legal Provision,” *Journal of Examples*, No. 3, 2018, pp. 1-9.

The third paragraph is broken by the page after the words proceeds from the principles of

The third paragraph is broken by the page after the words proceeds from the principles of the equality of states.

the equality of states.³ And it closes here.

3 Doe, J., "A Study," *Outlet*, 2 February 2017, available at: https://example.org/s (Access date: June 2, 2020)

The first paragraph states a fact that matters.
"""


def test_footnotes_found_rejoined_and_moved_out_of_the_body():
    c = clean(read_text(ARTICLE))
    assert [f.number for f in c.footnotes] == [1, 2, 3]
    assert c.footnotes[1].text == "Doe, J. and Roe, R. “A Long Title That Breaks Legal Provision,” " \
                                  "*Journal of Examples*, No. 3, 2018, pp. 1-9."
    body = c.text[:c.body_end]
    assert "Ministry of Examples" not in body and "Journal of Examples" not in body
    assert all(len(f.markers) == 1 for f in c.footnotes)
    assert not c.unmatched_markers


def test_broken_paragraphs_rejoined_and_repeats_removed_keeping_the_in_flow_copy():
    c = clean(read_text(ARTICLE))
    body = c.text[:c.body_end].split("\n\n")
    assert body[1].endswith("in the middle of a sentence that continues here.² A second paragraph follows with "
                            "ordinary prose in it, long enough to count.")
    assert body[2] == ("The third paragraph is broken by the page after the words proceeds from the principles of "
                       "the equality of states.³ And it closes here.")
    assert len(body) == 3  # both repeats removed
    removed = c.report["removed"]
    assert len(removed) == 2 and all(r["reason"] == "repeat of a body passage" for r in removed)
    kinds = sorted(r["kind"] for r in c.report["rejoined"])
    assert kinds == ["body", "body", "footnote"]
    # the pull-quote of the broken sentence was skipped when rejoining, not taken as its continuation
    assert any(r["skipped"] for r in c.report["rejoined"] if r["kind"] == "body")


def test_no_body_character_or_marker_is_lost():
    c = clean(read_text(ARTICLE))
    body = c.text[:c.body_end]
    assert len(MARKER.findall(body)) == 3
    for word in ("fact", "treaties", "continues", "equality", "closes"):
        assert word in body


def test_every_cleaned_character_maps_back_to_itself():
    c = clean(read_text(ARTICLE))
    for i, ch in enumerate(c.text):
        if not ch.isspace():
            assert ARTICLE[c.origin[i]] == ch


def test_an_unfinished_paragraph_without_continuation_is_reported_not_guessed():
    c = clean(read_text("A heading\n\nThis body paragraph ends without its sentence being finished, as the document stops "
                         "here in the middle of a"))
    assert c.report["unfinished"] and not c.report["rejoined"]


def test_a_number_out_of_sequence_is_body_text_not_a_footnote():
    c = clean(read_text("Intro text here.¹\n\n1 Note one, *A Title*, 2001.\n\n1998 was a year of many treaties and "
                        "this paragraph says so."))
    assert [f.number for f in c.footnotes] == [1]
    assert "1998 was" in c.text[:c.body_end]


def test_normalise_drops_markers_and_folds_quotes():
    assert normalise("“It’s”  here.¹²") == "\"It's\" here."


def test_a_paragraph_opening_with_the_next_number_but_no_marker_yet_is_body_text():
    c = clean(read_text("Intro text here.¹\n\n1 Note one, *A Title*, 2001.\n\n2 million people voted that day, "
                        "and the result was announced in the evening.²\n\n2 Note two, *Another Title*, 2002."))
    assert [f.number for f in c.footnotes] == [1, 2]
    assert c.text[:c.body_end].count("2 million people voted") == 1
