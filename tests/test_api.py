import allegiance


def test_public_api_is_pinned():
    assert sorted(allegiance.__all__) == [
        "AllegianceError", "DateError", "FuzzyDate", "KnowledgeBase", "KnowledgeBaseError", "PowerError",
        "Problem", "Rules", "RulesError", "StatusError", "Store", "UnknownIdError", "UnknownStateError",
        "assess", "can", "changes", "check_seed_quotes", "compare", "conflicts", "diff", "facts_as_of",
        "get_source", "keeps_veto", "list_arrangements", "list_sources", "load_kb", "open_rules", "open_store",
        "parse_date", "parse_day", "power", "state_code", "statements_by_id", "status", "status_all", "timeline",
        "verify", "vetoes", "who_commands",
    ]
    for name in allegiance.__all__:
        assert getattr(allegiance, name) is not None
