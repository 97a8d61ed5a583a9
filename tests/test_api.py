import allegiance


def test_public_api_is_pinned():
    assert sorted(allegiance.__all__) == [
        "AllegianceError", "DateError", "FuzzyDate", "KnowledgeBase", "KnowledgeBaseError", "Problem",
        "Store", "UnknownIdError", "UnknownStateError", "check_seed_quotes", "conflicts", "facts_as_of",
        "get_source", "list_sources", "load_kb", "open_store", "parse_date", "parse_day", "state_code",
        "statements_by_id", "timeline",
    ]
    for name in allegiance.__all__:
        assert getattr(allegiance, name) is not None
