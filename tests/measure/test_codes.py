"""The COW/ISO crosswalk: plain codes, historical states by date, lineages, and the generated table."""

from __future__ import annotations

from datetime import date

import pytest

from allegiance.errors import UnknownStateError
from allegiance.measure.data import codes
from tests.measure.conftest import real_or_skip


@pytest.mark.parametrize("ccode, day, iso3", [
    (2, None, "USA"), (200, None, "GBR"), (225, None, "CHE"), (370, date(1950, 1, 1), "BLR"),  # Byelorussian SSR
    (369, date(1950, 1, 1), "UKR"), (365, date(1950, 1, 1), "SUN"), (365, date(1991, 12, 31), "SUN"),
    (365, date(1992, 1, 1), "RUS"), (365, date(1900, 1, 1), "RUS"), (365, None, "RUS"),
    (345, date(1960, 1, 1), "YUG"), (345, date(2004, 1, 1), "SCG"), (345, date(2010, 1, 1), "SRB"),
    (345, date(1900, 1, 1), "SRB"), (315, date(1980, 1, 1), "CSK"), (265, date(1980, 1, 1), "DDR"),
    (260, date(1980, 1, 1), "DEU"), (255, date(2000, 1, 1), "DEU"), (678, date(1980, 1, 1), "YEM"),
    (680, date(1980, 1, 1), "YMD"), (679, date(2000, 1, 1), "YEM"), (816, date(1970, 1, 1), "VDR"),
    (816, date(1980, 1, 1), "VNM"), (817, date(1970, 1, 1), "VNM"), (713, None, "TWN"), (511, None, "XZN"),
    (347, None, "XKX"), (245, None, None), (730, None, None),
])
def test_cow_to_iso3(ccode, day, iso3):
    assert codes.cow_to_iso3(ccode, day) == iso3


def test_unknown_cow_code():
    with pytest.raises(UnknownStateError, match="unknown Correlates of War state code 999"):
        codes.cow_to_iso3(999)


@pytest.mark.parametrize("code, day, name, iso3", [
    ("BY", date(1950, 1, 1), None, "BLR"), ("RU", date(1950, 1, 1), None, "SUN"), ("RU", date(2000, 1, 1), None, "RUS"),
    ("YU", date(1970, 1, 1), None, "YUG"), ("YU", date(2015, 1, 1), None, "SRB"), ("CS", date(1970, 1, 1), None, "CSK"),
    ("CS", date(2004, 1, 1), None, "SCG"), ("DD", date(1980, 1, 1), None, "DDR"), ("YD", date(1980, 1, 1), None, "YMD"),
    ("NA", None, None, "NAM"), ("us", None, None, "USA"),
    (None, date(1980, 1, 1), "Federal Republic of Germany", "DEU"), (None, None, "Yemen Arab Republic", "YEM"),
    (None, None, "Zanzibar", "XZN"),
])
def test_iso2_to_iso3(code, day, name, iso3):
    assert codes.iso2_to_iso3(code, day, name=name) == iso3


def test_iso2_errors():
    with pytest.raises(UnknownStateError, match="unknown ISO 3166 alpha-2 code 'QQ'"):
        codes.iso2_to_iso3("QQ")
    with pytest.raises(UnknownStateError, match="denotes no state"):
        codes.iso2_to_iso3("CS", date(1995, 1, 1))
    with pytest.raises(UnknownStateError, match="unknown name"):
        codes.iso2_to_iso3(None, name="Atlantis")


def test_lineage_follows_earlier_forms_only_forwards():
    assert codes.lineage("RUS") == ("RUS", "SUN")
    assert codes.lineage("SRB") == ("SRB", "SCG", "YUG")
    assert codes.lineage("VNM") == ("VNM", "VDR")
    assert codes.lineage("SUN") == ("SUN",)
    assert codes.lineage("BLR") == ("BLR",)


def test_back_to_cow_and_names():
    assert codes.iso3_to_cow("SUN") == 365 and codes.iso3_to_cow("RUS") == 365
    assert codes.iso3_to_cow("DEU") == 255 and codes.iso3_to_cow("DDR") == 265
    assert codes.iso3_to_cow("XAB") is None
    assert codes.iso3_to_iso2("SUN") == "SU" and codes.iso3_to_iso2("XZN") is None
    assert codes.state_name("SUN") == "Soviet Union" and codes.state_name("XZN") == "Zanzibar"
    assert codes.state_name("BLR") == "Belarus"


def test_knowledge_base_cow_codes_agree_with_the_crosswalk(shipped_kb):
    for eid, e in shipped_kb.entities.items():
        if e.type == "state" and e.cow is not None:
            assert codes.cow_to_iso3(e.cow) == eid, eid


def test_overrides_decide_only_codes_the_lookup_cannot():
    # Each override names a COW code in the table; the table holds no code the build left undecided.
    table = codes.cow_codes()
    assert set(codes.COW_OVERRIDES) <= set(table)
    _rebuilt, undecided = codes.build_cow_table((c, a, n) for c, (a, n, _i) in table.items())
    assert undecided == []


def test_generated_table_matches_the_real_cow_list():
    path = real_or_skip("peacesciencer", "cow_states.csv")
    import csv

    with path.open(newline="", encoding="utf-8") as fh:
        rows = [(int(float(r["ccode"])), r["stateabb"], r["statenme"]) for r in csv.DictReader(fh)]
    table, undecided = codes.build_cow_table(rows)
    assert undecided == []
    assert table == codes.cow_codes(), "run: python scripts/gen_cow_crosswalk.py PATH/cow_states.csv"


def test_measure_public_api_is_pinned():
    import allegiance.measure as m

    assert sorted(m.__all__) == [
        "DataStore", "PeriodDyads", "Votes", "alignment", "all_dyads", "all_pairs", "cite", "cohesion",
        "counts_pair", "cow_to_iso3", "default_data_path", "import_dataset", "iso2_to_iso3", "iso3_to_cow",
        "lineage", "load_votes", "measures_from_counts", "members_as_of", "membership_spells", "open_data",
        "state_name", "versions", "vote_matrix",
    ]
    for name in m.__all__:
        assert getattr(m, name) is not None
