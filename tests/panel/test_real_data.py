"""The posture panel over the real COW state list and ATOP (../shared/data/peacesciencer), when present."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from allegiance.measure.data.importer import import_dataset
from allegiance.measure.data.store import open_data
from allegiance.panel import build_panel

REAL = Path(__file__).resolve().parent.parent.parent.parent / "shared" / "data" / "peacesciencer"


@pytest.fixture(scope="module")
def real_data(tmp_path_factory):
    if not (REAL / "cow_states.csv").is_file() or not (REAL / "atop_alliance.csv.gz").is_file():
        pytest.skip(f"the COW state list and ATOP are not at {REAL} (../shared/data beside the checkout)")
    data = open_data(tmp_path_factory.mktemp("real") / "data.duckdb", read_only=False)
    import_dataset(data, "cow_states", REAL / "cow_states.csv")
    import_dataset(data, "atop_alliance", REAL / "atop_alliance.csv.gz")
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
