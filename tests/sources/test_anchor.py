"""Anchoring: selectors, exact and approximate re-anchoring, orphans and ambiguity, on texts made here."""

from __future__ import annotations

import random

import pytest

from allegiance.errors import UsageError
from allegiance.sources import Selector, TextView, anchor, anchor_quotes, describe
from allegiance.sources.evaluate import noisy_copy, robustness, sentences

TEXT = ("Minsk keeps open the options of establishing new coalitions. The treaty of 1999 set up the Union. "
        "Moscow proposed a base in 2015, and Minsk refused it in a tough manner. Later the guarantees were "
        "reaffirmed to all neighbours, including Poland and Lithuania. Nothing else was agreed that year. ") * 1


def test_describe_gives_exact_prefix_suffix_and_position():
    s = TEXT.index("Moscow proposed")
    sel = describe(TEXT, s, s + 30)
    assert sel.exact == TEXT[s:s + 30] and sel.prefix == TEXT[s - 32:s] and sel.suffix == TEXT[s + 30:s + 62]
    assert sel.as_w3c()[0]["type"] == "TextQuoteSelector" and sel.as_w3c()[1] == {
        "type": "TextPositionSelector", "start": s, "end": s + 30}


def test_describe_refuses_a_span_outside_the_text():
    with pytest.raises(UsageError) as err:
        describe(TEXT, 10, len(TEXT) + 5)
    assert err.value.field == "span"


def test_exact_match_across_a_changed_line_break():
    a = anchor(TEXT.replace("a base in", "a base\nin"), Selector("Moscow proposed a base in 2015"))
    assert a.status == "exact" and a.distance == 0


def test_a_repeated_passage_is_ambiguous_without_context_and_resolved_with_it():
    text = "Alpha one here. The same words appear. Beta two there. The same words appear. Gamma."
    assert anchor(text, Selector("The same words appear.")).status == "ambiguous"
    second = text.rindex("The same words appear.")
    sel = describe(text, second, second + len("The same words appear."))
    a = anchor(text, sel)
    assert (a.status, a.start) == ("exact", second)


def test_approximate_match_after_typos_lands_on_the_span():
    s = TEXT.index("Moscow proposed")
    e = TEXT.index("manner.") + len("manner.")
    sel = describe(TEXT, s, e)
    changed = TEXT.replace("proposed", "propossed").replace("tough", "tuogh").replace("Minsk refused", "Minsk refsed")
    a = anchor(changed, sel)
    assert a.status == "approximate" and 0 < a.distance <= 6
    assert changed[a.start:a.end].startswith("Moscow propossed") and changed[a.start:a.end].endswith("manner.")


def test_a_deleted_passage_is_an_orphan_not_a_wrong_anchor():
    s = TEXT.index("Moscow proposed")
    e = TEXT.index("manner.") + len("manner.")
    sel = describe(TEXT, s, e)
    assert anchor(TEXT[:s] + TEXT[e:], sel).status == "orphan"


def test_too_short_a_quote_is_refused():
    with pytest.raises(UsageError) as err:
        anchor(TEXT, Selector("ab"))
    assert err.value.field == "exact"


def test_text_view_maps_collapsed_positions_back():
    v = TextView("a  b\n\nc")
    assert v.view == "a b c" and v.span(2, 5) == (3, 7)


def test_anchor_quotes_reports_orphans_ambiguity_and_missing_texts():
    quotes = [{"statement": "s1", "source": "doc", "quote": "Moscow proposed a base in 2015"},
              {"statement": "s2", "source": "doc", "quote": "a sentence that is not there at all"},
              {"statement": "s3", "source": "other", "quote": "anything"}]
    out = anchor_quotes({"doc": TEXT}, quotes)
    assert out["anchored"] == 1 and out["quotes"][0]["statement"] == "s1"
    assert [o["statement"] for o in out["orphans"]] == ["s2"]
    assert out["unavailable"] == [{"statement": "s3", "source": "other"}]
    # re-anchoring from the stored selector after the text changed
    stored = {("s1", "doc"): out["quotes"][0]}
    again = anchor_quotes({"doc": "Preface added. " + TEXT}, quotes[:1], stored=stored)
    assert again["quotes"][0]["start"] == out["quotes"][0]["start"] + len("Preface added. ")


def test_noise_keeps_track_of_where_characters_went():
    rng = random.Random(1)
    n = noisy_copy(TEXT, rng, rate=0.05, deletions=1)
    kept = [w for w in n.where if w is not None]
    assert kept == sorted(kept) and len(sentences(TEXT)) == 5


def test_robustness_on_a_longer_text():
    rng = random.Random(7)
    words = ["alliance", "treaty", "neutral", "border", "base", "minsk", "moscow", "kyiv", "forces", "union",
             "summit", "doctrine", "security", "guarantee", "exercise", "command"]
    text = " ".join(" ".join(rng.choice(words) for _ in range(rng.randint(8, 20))).capitalize() + "."
                    for _ in range(200))
    spans = sentences(text)
    sels = [describe(text, s, e - 1) for s, e in rng.sample(spans, 60)]
    tally = robustness(text, sels, rng, rate=0.03, deletions=20)
    assert tally["right"] >= 0.95 * tally["surviving"] and tally["deleted_confident"] == 0, tally
