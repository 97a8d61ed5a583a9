"""The posture panel over the real COW state list and ATOP (../shared/data/peacesciencer), when present."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from allegiance.measure.data.importer import import_dataset
from allegiance.measure.data.store import open_data
from allegiance.panel import build_panel
from tests.panel.conftest import imported

REAL = Path(__file__).resolve().parent.parent.parent.parent / "shared" / "data" / "peacesciencer"


@pytest.fixture(scope="module")
def real_data(tmp_path_factory):
    if not (REAL / "cow_states.csv").is_file() or not (REAL / "atop_alliance.csv.gz").is_file():
        pytest.skip(f"the COW state list and ATOP are not at {REAL} (../shared/data beside the checkout)")
    data = imported(tmp_path_factory, "real", {"cow_states": REAL / "cow_states.csv",
                                                "atop_alliance": REAL / "atop_alliance.csv.gz"})
    yield data
    data.close()


def test_every_state_since_1946_every_day(shipped_store, real_data):
    p = build_panel(shipped_store, real_data, unit="spell")
    df = p.frame
    assert p.sources["system"]["version"] == "2016" and p.sources["atop"]["years"] == [1815, 2018]
    assert df.ccode.nunique() == p.sources["system"]["states"] > 190
    assert df.iso3.notna().all()  # every state in the system since 1946 has an ISO (or our own) code
    assert df.days.sum() > 4_000_000

    def on(iso3, day):
        d = pd.Timestamp(day)
        return df[(df.iso3 == iso3) & (df.start <= d) & (df.end >= d)].iloc[0]

    assert on("USA", "1960-07-01").c_mutual_defence == "met" and on("USA", "1960-07-01").atop_defense == 1
    assert on("CHE", "1960-07-01").atop_defense == 0
    # the Warsaw Pact, in ATOP and in the knowledge base
    assert on("POL", "1960-07-01").atop_defense == 1 and on("POL", "1960-07-01").allied == "holds"
    assert on("SUN", "1960-07-01").allied == "holds"
    assert on("FIN", "2024-07-01").allied == "holds" and pd.isna(on("FIN", "2024-07-01").atop_defense)
    assert on("CHE", "2000-07-01").permanently_neutral == "holds"


def test_state_year_panel_of_the_real_system(shipped_store, real_data, tmp_path):
    from allegiance.panel.write import write_panel

    p = build_panel(shipped_store, real_data, unit="state-year", end=date(2018, 12, 31))
    assert not p.frame.duplicated(["ccode", "year"]).any()
    out = write_panel(p, tmp_path / "posture.dta")
    back = pd.read_stata(out["file"])
    assert len(back) == len(p.frame)


SHARED = REAL.parent


def test_real_ideal_points_join_the_real_state_years(shipped_store, real_data):
    """BSV's published ideal points (../shared/data/idealpoints) on the COW state-years: sessions 1-74 are
    1946-2019; a state-year without a BSV row is missing, never 0."""
    from allegiance.measure.ideal.validate import read_bsv
    from allegiance.panel import add_ideal_points, create_stateyears

    bsv_file = SHARED / "idealpoints" / "IdealpointestimatesAll_Apr2020.csv"
    if not bsv_file.is_file():
        pytest.skip(f"BSV's ideal points are not at {bsv_file} (../shared/data beside the checkout)")
    sy = create_stateyears(shipped_store, real_data, start_year=1946, end_year=2020)
    df = add_ideal_points(sy, bsv_file)
    bsv = read_bsv(bsv_file)
    ix = df.set_index(["iso3", "year"])
    for (state, session) in [("USA", 1), ("SUN", 40), ("RUS", 60), ("CHE", 57)]:
        assert ix.loc[(state, 1945 + session), "ideal_point"] == bsv[(state, session)]["ideal_point"]
    assert df.attrs["allegiance"]["datasets"][-1]["years"] == [1946, 2019]
    assert df[df.year == 2020].ideal_point.isna().all()
    assert pd.isna(ix.loc[("CHE", 1990), "ideal_point"])  # Switzerland joined the UN in 2002
    has_row = [(s, y - 1945) in bsv for s, y in zip(df.iso3, df.year)]
    assert (df.ideal_point.notna() == pd.Series(has_row, index=df.index)).all()


def test_real_alignment_with_the_united_states(shipped_store, real_data, tmp_path):
    """UN votes (../shared/data/unvotes, the unvotes package's files) on the COW state-years, checked against
    the measure layer's own alignment for a few states."""
    from allegiance.measure import alignment
    from allegiance.panel import add_alignment, create_stateyears

    un = SHARED / "unvotes"
    files = {k: un / f"{k}.csv.gz" for k in ("un_roll_calls", "un_votes", "un_roll_call_issues")}
    if not all(f.is_file() for f in files.values()):
        pytest.skip(f"the UN votes are not at {un} (../shared/data beside the checkout)")
    data = open_data(tmp_path / "votes.duckdb", read_only=False)
    try:
        import_dataset(data, "cow_states", REAL / "cow_states.csv")
        for kind, f in files.items():
            import_dataset(data, kind, f)
        df = add_alignment(create_stateyears(shipped_store, data, start_year=1980, end_year=2020), data,
                           shipped_store, with_="USA")
        ix = df.set_index(["iso3", "year"])
        for state in ("GBR", "CUB", "IND"):
            res = alignment(data, shipped_store, state, ["USA"], start=1980, end=2020, by="year")
            for p in res["series"][0]["points"]:
                assert ix.loc[(state, p["period"]), "align_usa_agree"] == p["value"]
                assert ix.loc[(state, p["period"]), "align_usa_n"] == p["n"]
        assert df.attrs["allegiance"]["datasets"][-1]["alignment"]["years"] == [1980, 2020]  # to January 2020
        assert ix.loc[("CHE", 1990), "align_usa_n"] == 0  # in the system, not in the UN: no joint roll call
    finally:
        data.close()


def test_existence_records_and_the_cow_list_differ_only_where_the_docs_say(shipped_store, real_data):
    """docs/state-existence.md lists every state whose exists records and the real COW list date it differently,
    with the reason; a new record (or a new COW version) that disagrees elsewhere fails here until it is listed."""
    from allegiance.panel.system import existence_vs_cow
    from allegiance.status.index import index_of

    def days(stretches):
        return "; ".join(f"{a} to {b}" for a, b in stretches) or "—"

    got = {r["iso3"]: (days(r["kb"]), days(r["cow"])) for r in existence_vs_cow(index_of(shipped_store), real_data)}
    doc = (Path(__file__).resolve().parent.parent.parent / "docs" / "state-existence.md").read_text()
    table = doc.split("## Where the COW state list dates a state differently")[1].split("\n## ")[0]
    listed = {}
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("| ") and len(cells) == 4 and cells[0] not in ("state",) and not cells[0].startswith("-"):
            listed[cells[0]] = (cells[1], cells[2])
    assert got == listed
    assert {"CZE", "SVK", "UKR", "LTU", "ERI", "NAM", "YMD", "HRV"}.isdisjoint(got)  # these agree with COW
