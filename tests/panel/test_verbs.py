"""peacesciencer-style verbs: create_stateyears records its unit; each add_* checks it before joining."""

from __future__ import annotations

import pandas as pd
import pytest

from allegiance.errors import DataMissingError, UsageError
from allegiance.panel.verbs import add_atop_alliance, add_posture, create_stateyears


def test_create_stateyears_records_unit_and_coverage(shipped_store, fixture_data):
    df = create_stateyears(shipped_store, fixture_data, start_year=1950, end_year=2000)
    assert df.attrs["allegiance"]["unit"] == "state-year" and df.attrs["allegiance"]["years"] == [1950, 2000]
    assert list(df.columns) == ["ccode", "iso3", "name", "year"]
    gdr = df[df.ccode == 265]
    assert gdr.year.min() == 1954 and gdr.year.max() == 1990
    assert not df.duplicated(["ccode", "year"]).any()
    assert df[(df.ccode == 365) & (df.year == 1991)].iso3.item() == "SUN"
    assert df[(df.ccode == 365) & (df.year == 1992)].iso3.item() == "RUS"


def test_add_posture_and_atop(shipped_store, fixture_data):
    df = add_atop_alliance(add_posture(create_stateyears(shipped_store, fixture_data, start_year=1948),
                                       shipped_store, fixture_data, criteria=True), fixture_data)
    usa = df[df.iso3 == "USA"].set_index("year")
    assert usa.loc[1960, "allied"] == "holds" and usa.loc[1960, "c_mutual_defence"] == "met"
    assert usa.loc[1949, "atop_defense"] == 1 and usa.loc[1951, "atop_defense"] == 0
    assert pd.isna(usa.loc[2000, "atop_defense"])        # after the fixture's last ATOP year: missing, not 0
    assert df[(df.iso3 == "FIN") & (df.year == 1948)].atop_nonagg.item() == 1
    assert df[(df.iso3 == "FIN") & (df.year == 2023)].allied.item() == "holds"
    assert len(df) == len(create_stateyears(shipped_store, fixture_data, start_year=1948))
    assert [list(d) for d in df.attrs["allegiance"]["datasets"][1:]] == [["posture"], ["atop_alliance", "years"]]


def test_add_verbs_check_the_unit(shipped_store, fixture_data):
    with pytest.raises(UsageError, match="joins to a state-year table"):
        add_posture(pd.DataFrame({"ccode": [2], "year": [2000]}), shipped_store)
    with pytest.raises(UsageError, match="joins to a state-year table; this one is a dyad-year table"):
        bad = pd.DataFrame({"ccode": [2], "year": [2000]})
        bad.attrs["allegiance"] = {"unit": "dyad-year"}
        add_atop_alliance(bad, fixture_data)
    df = add_posture(create_stateyears(shipped_store, None, system="kb", start_year=2020, end_year=2020),
                     shipped_store)
    with pytest.raises(UsageError, match="add_posture was applied already"):
        add_posture(df, shipped_store)
    with pytest.raises(DataMissingError, match="ATOP is not imported"):
        add_atop_alliance(df, None)
    with pytest.raises(UsageError, match="outside 1946"):
        create_stateyears(shipped_store, None, start_year=1900)
