"""peacesciencer-style verbs: create_stateyears records its unit; each add_* checks it before joining."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from allegiance.errors import DataMissingError, UsageError
from allegiance.panel.verbs import add_alignment, add_atop_alliance, add_ideal_points, add_posture, create_stateyears


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


# ---------------------------------------------------------------- add_alignment, add_ideal_points

MEASURE_FIX = Path(__file__).resolve().parent.parent / "fixtures" / "measure"
PANEL_FIX = Path(__file__).resolve().parent.parent / "fixtures" / "panel"


@pytest.fixture(scope="module")
def votes_data(tmp_path_factory):
    """The COW fixture list and the fixture UN votes (tests/fixtures/measure, the publisher's format)."""
    from tests.panel.conftest import imported

    data = imported(tmp_path_factory, "votes", {"cow_states": PANEL_FIX / "fx_cow_states.csv",
                                                 "unvotes_published": MEASURE_FIX / "published.csv"})
    yield data
    data.close()


def test_add_alignment_is_the_measure_layers_alignment_by_year(shipped_store, votes_data):
    from allegiance.measure import alignment

    df = add_alignment(create_stateyears(shipped_store, votes_data, start_year=1946, end_year=2000), votes_data,
                       shipped_store, with_=["USA", "nato"], measure="kappa")
    checked = 0
    for (iso3, year), row in df.set_index(["iso3", "year"]).iterrows():
        if iso3 == "USA" or pd.isna(row["align_usa_kappa"]):
            continue
        pts = {p["period"]: p for p in alignment(votes_data, shipped_store, iso3, ["USA"], by="year",
                                                 measure="kappa", replicates=10)["series"][0]["points"]}
        assert row["align_usa_kappa"] == pts[year]["value"] and row["align_usa_n"] == pts[year]["n"]
        checked += 1
    assert checked >= 3
    sun = df[(df.iso3 == "SUN") & (df.year == 1946)]
    assert sun.align_usa_n.item() == 5
    # inside the votes' years (1946-1992) a state-year with no joint roll call counts 0 and has no measure;
    # after them both are missing
    fin = df[(df.iso3 == "FIN") & (df.year == 1950)]
    assert fin.align_usa_n.item() == 0 and pd.isna(fin.align_usa_kappa.item())
    assert df[df.year == 1995].align_usa_n.isna().all()
    # the USA against NATO without itself: no other member voted in the fixture, so no position, n = 0
    assert df[(df.iso3 == "USA") & (df.year == 1992)].align_nato_n.item() == 0
    assert pd.isna(df[(df.iso3 == "USA") & (df.year == 1992)].align_usa_n.item())  # never with itself
    ds = df.attrs["allegiance"]["datasets"][-1]["alignment"]
    assert ds["with"] == "nato" and ds["years"] == [1946, 1992] and ds["measure"] == "kappa"


def test_add_alignment_checks(shipped_store, votes_data):
    sy = create_stateyears(shipped_store, votes_data, start_year=1990, end_year=1992)
    with pytest.raises(UsageError, match="joins to a state-year table"):
        add_alignment(pd.DataFrame({"iso3": ["USA"], "year": [1990]}), votes_data, shipped_store, with_="RUS")
    with pytest.raises(UsageError, match="needs a state or bloc"):
        add_alignment(sy, votes_data, shipped_store, with_=[])
    with pytest.raises(DataMissingError, match="no UN votes"):
        add_alignment(sy, None, shipped_store, with_="RUS")
    with pytest.raises(UsageError, match="unknown measure 'tau'"):
        add_alignment(sy, votes_data, shipped_store, with_="RUS", measure="tau")
    once = add_alignment(sy, votes_data, shipped_store, with_="RUS")
    with pytest.raises(UsageError, match="align_rus_agree: add_alignment with RUS was applied already"):
        add_alignment(once, votes_data, shipped_store, with_="RUS")


def test_add_ideal_points_published_and_estimated(shipped_store, votes_data):
    import numpy as np

    from allegiance.measure.ideal import IdealPoints

    sy = create_stateyears(shipped_store, votes_data, start_year=1946, end_year=2000)
    df = add_ideal_points(sy, PANEL_FIX / "idealpoints.csv").set_index(["iso3", "year"])
    assert df.loc[("USA", 1946), "ideal_point"] == 1.5 and df.loc[("USA", 1946), "ideal_point_lo"] == 1.25
    assert df.loc[("SUN", 1946), "ideal_point"] == -1.5 and df.loc[("RUS", 1992), "ideal_point"] == 0.5
    assert df.loc[("FIN", 1956), "ideal_point_n_votes"] == 55
    assert pd.isna(df.loc[("CHE", 1956), "ideal_point"])    # no row: missing, never 0
    assert pd.isna(df.loc[("USA", 1950), "ideal_point"])    # a session without the state's row
    assert pd.isna(df.loc[("USA", 2000), "ideal_point"])    # after the sessions covered
    meta = add_ideal_points(sy, PANEL_FIX / "idealpoints.csv").attrs["allegiance"]["datasets"][-1]
    assert meta["years"] == [1946, 1992] and len(meta["sha256"]) == 64
    est = IdealPoints(states=("SUN", "USA"), session=np.array([1, 1]), state=np.array(["SUN", "USA"], dtype=object),
                      ideal_point=np.array([-0.5, 0.75]), sd=np.array([0.1, 0.1]), lo=np.array([-0.7, 0.55]),
                      hi=np.array([-0.3, 0.95]), n_votes=np.array([4, 5]), item=np.array([], dtype=object),
                      item_a=np.array([]), item_b=np.array([]), item_s=np.array([]), info={"estimator": "fixture"})
    e = add_ideal_points(sy, est).set_index(["iso3", "year"])
    assert e.loc[("SUN", 1946), "ideal_point"] == -0.5 and e.loc[("USA", 1946), "ideal_point_hi"] == 0.95
    assert pd.isna(e.loc[("USA", 1947), "ideal_point"])
    with pytest.raises(UsageError, match="add_ideal_points was applied already"):
        add_ideal_points(add_ideal_points(sy, est), est)
    with pytest.raises(UsageError, match="takes an IdealPoints estimate or the path"):
        add_ideal_points(sy, 42)
    with pytest.raises(UsageError, match="joins to a state-year table"):
        add_ideal_points(pd.DataFrame({"iso3": ["USA"], "year": [1946]}), est)
