"""Every passage attributed to a seed document occurs in it (whitespace-normalised)."""

from allegiance.facts.load import check_seed_quotes
from tests.conftest import seeds_or_skip


def test_every_seed_passage_occurs_in_its_seed(shipped_kb):
    seeds = seeds_or_skip()
    problems = check_seed_quotes(shipped_kb, seeds)
    assert problems == [], "\n".join(map(str, problems))


def test_both_seeds_are_cited(shipped_kb):
    seeded = {sid for sid, s in shipped_kb.sources.items() if s.seed}
    cited = {c.source for st in shipped_kb.statements.values() for c in st.sources}
    assert seeded == {"sivitsky-2020", "aljazeera-2022"} and seeded <= cited


def test_every_footnote_of_the_article_is_a_source(shipped_kb):
    notes = sorted(s.note for s in shipped_kb.sources.values() if s.cited_in == "sivitsky-2020")
    assert notes == list(range(1, 32))


def test_every_later_fact_has_its_own_source(shipped_kb):
    # Statements about 2020-07 onwards (after the article) must cite something other than the article.
    from allegiance.facts.time import parse_date

    for sid, st in shipped_kb.statements.items():
        if parse_date(st.valid_from).lower >= parse_date("2020-08").lower and st.kind == "fact":
            assert any(c.source != "sivitsky-2020" for c in st.sources), sid
