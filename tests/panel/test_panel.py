"""The posture panel: the state system, ATOP beside the knowledge base, the units, the formats read back."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from allegiance.errors import DataMissingError, StatusError, UsageError
from allegiance.panel import build_panel, column_of
from allegiance.panel.write import FORMATS, codebook, cite_posture, write_panel
from allegiance.status import CRITERIA, LABELS
from allegiance.status.spells import state_spells

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture(scope="module")
def spells(shipped_store, fixture_data):
    return build_panel(shipped_store, fixture_data, unit="spell")


def test_the_cow_list_decides_who_is_in_the_system_and_under_which_code(spells):
    df = spells.frame
    assert spells.sources["system"]["system"] == "cow"
    # Hanover left the system before 1946; the GDR is there from 1954-03-25 to 1990-10-02
    assert 240 not in set(df.ccode)
    gdr = df[df.ccode == 265]
    assert gdr.start.min() == pd.Timestamp("1954-03-25") and gdr.end.max() == pd.Timestamp("1990-10-02")
    assert set(gdr.iso3) == {"DDR"}
    # COW 365 is the USSR (SUN) to the end of 1991 and Russia (RUS) from 1992
    ussr = df[df.ccode == 365]
    assert ussr[ussr.iso3 == "SUN"].end.max() == pd.Timestamp("1991-12-31")
    assert ussr[ussr.iso3 == "RUS"].start.min() == pd.Timestamp("1992-01-01")
    # the list's last day (2016-12-31) is its end, not the states': carried on, and marked
    fin = df[df.iso3 == "FIN"]
    assert fin.end.max() == pd.Timestamp(spells.end)
    assert set(fin[fin.start > pd.Timestamp("2016-12-31")].system) == {"cow+"}
    assert set(fin[fin.end <= pd.Timestamp("2016-12-31")].system) == {"cow"}


def test_spells_cover_every_day_of_every_state_once(spells):
    df = spells.frame
    for (ccode, _iso3), rows in df.sort_values("start").groupby(["ccode", "iso3"], observed=True):
        starts, ends = rows.start.tolist(), rows.end.tolist()
        for a, b in zip(ends, starts[1:]):
            assert b == a + pd.Timedelta(days=1), ccode
        assert (rows.days == (rows.end - rows.start).dt.days + 1).all()


def test_atop_beside_the_knowledge_base(spells):
    df = spells.frame
    usa = df[df.iso3 == "USA"]

    def on(rows, day):
        d = pd.Timestamp(day)
        return rows[(rows.start <= d) & (rows.end >= d)].iloc[0]

    assert on(usa, "1949-06-01").atop_defense == 1 and on(usa, "1949-06-01").atop_defense_allies == "200"
    assert on(usa, "1951-06-01").atop_defense == 0          # a year ATOP covers, no defence dyad: a true zero
    assert pd.isna(on(usa, "2020-06-01").atop_defense)       # after ATOP's last year: missing, never 0
    assert on(df[df.iso3 == "FIN"], "1948-06-01").atop_defense == 0  # a non-aggression dyad is no defence
    # the knowledge base's own criterion is not touched by ATOP
    assert on(usa, "1960-06-01").c_mutual_defence == "met"
    assert spells.sources["atop"]["years"] == [1948, 1993]


def test_state_days_repeat_the_spells(shipped_store, fixture_data, spells):
    days = build_panel(shipped_store, fixture_data, unit="state-day", start=date(1988, 1, 1), end=date(1993, 12, 31))
    df = days.frame
    sp = build_panel(shipped_store, fixture_data, unit="spell", start=date(1988, 1, 1), end=date(1993, 12, 31)).frame
    assert len(df) == sp.days.sum()
    rng = random.Random(3)
    for _ in range(40):
        row = df.iloc[rng.randrange(len(df))]
        s = sp[(sp.ccode == row.ccode) & (sp.start <= row.date) & (sp.end >= row.date)].iloc[0]
        for c in [column_of(k) for k in LABELS] + [column_of(k, criterion=True) for k in CRITERIA] + ["provenance"]:
            assert row[c] == s[c], (row.iso3, row.date, c)


def test_state_years_take_the_years_last_day(shipped_store, fixture_data):
    df = build_panel(shipped_store, fixture_data, unit="state-year", start=date(1985, 1, 1),
                     end=date(2023, 6, 30)).frame
    gdr = df[df.ccode == 265]
    assert gdr.year.tolist() == list(range(1985, 1991))
    assert gdr.as_of.iloc[-1] == pd.Timestamp("1990-10-02")          # the day it left
    fin = df[df.iso3 == "FIN"]
    assert fin[fin.year == 2023].as_of.iloc[0] == pd.Timestamp("2023-06-30")  # the range's end
    assert fin[fin.year == 2023].allied.iloc[0] == "holds"
    assert fin[fin.year == 2022].allied.iloc[0] == "does not hold"
    # one row per COW state and year, even where the ISO code changes within it (345 is not in the fixture;
    # 365 changes on 1 January)
    assert not df.duplicated(["ccode", "year"]).any()


def test_labels_and_criteria_match_the_status_layers_spells(shipped_store, fixture_data):
    df = build_panel(shipped_store, fixture_data, unit="spell", start=date(2000, 1, 1), end=date(2024, 12, 31),
                     states=["FIN"]).frame
    sp = state_spells(shipped_store, "FIN", start=date(2000, 1, 1), end=date(2024, 12, 31))
    for day in (date(2000, 1, 1), date(2022, 5, 18), date(2023, 4, 4), date(2024, 12, 31)):
        row = df[(df.start <= pd.Timestamp(day)) & (df.end >= pd.Timestamp(day))].iloc[0]
        on = sp.on(day)
        assert {k: row[column_of(k)] for k in LABELS} == \
            {k: {True: "holds", False: "does not hold", None: "unknown"}[v] for k, v in on["labels"].items()}
        assert {k: row[column_of(k, criterion=True)] for k in CRITERIA} == on["criteria"]


def test_without_the_cow_list_the_knowledge_bases_states(shipped_store):
    p = build_panel(shipped_store, None, unit="spell", start=date(2020, 1, 1), end=date(2020, 12, 31))
    assert p.sources["system"]["system"] == "kb" and p.sources["atop"] is None
    assert "atop_defense" not in p.frame.columns
    assert set(p.frame.system) == {"kb"}
    assert "BLR" in set(p.frame.iso3)
    with pytest.raises(DataMissingError, match="cow_states"):
        build_panel(shipped_store, None, system="cow")


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_format_reads_back(shipped_store, fixture_data, tmp_path, fmt):
    import pyreadr

    p = build_panel(shipped_store, fixture_data, unit="state-year", start=date(1985, 1, 1), end=date(2020, 12, 31))
    path = tmp_path / f"posture.{fmt}"
    out = write_panel(p, path)
    assert out["rows"] == len(p.frame) and Path(out["codebook"]).read_text().startswith("# allegiance posture")
    back = {"csv": lambda: pd.read_csv(path, keep_default_na=False, na_values=[""]),
            "parquet": lambda: pd.read_parquet(path),
            "dta": lambda: pd.read_stata(path),
            "rds": lambda: pyreadr.read_r(path)[None]}[fmt]()
    assert list(back.columns) == list(p.frame.columns)
    assert len(back) == len(p.frame)
    for c in ["iso3", *[column_of(k) for k in LABELS], *[column_of(k, criterion=True) for k in CRITERIA]]:
        assert back[c].astype(str).tolist() == p.frame[c].astype(str).tolist(), c
    assert back.ccode.astype(int).tolist() == p.frame.ccode.astype(int).tolist()
    assert back.year.astype(int).tolist() == p.frame.year.astype(int).tolist()
    got = back.provenance.fillna("").astype(str).tolist()
    assert got == p.frame.provenance.astype(str).tolist()
    atop = pd.to_numeric(back.atop_defense, errors="coerce")
    assert atop.isna().tolist() == p.frame.atop_defense.isna().tolist()
    if fmt == "dta":  # labels are labelled integers in Stata
        raw = pd.read_stata(path, convert_categoricals=False)
        assert raw["allied"].dtype.kind in "iu"


def test_the_codebook_lists_every_column_and_the_sources(shipped_store, fixture_data, tmp_path):
    p = build_panel(shipped_store, fixture_data, unit="spell", start=date(2010, 1, 1), end=date(2010, 12, 31))
    text = codebook(p, fmt="csv", file="x.csv")
    for c in p.frame.columns:
        assert f"`{c}`" in text, c
    assert p.sources["knowledge_base"]["sha256"] in text and "COW version 2016" in text
    generic = codebook()
    assert "generated by scripts/gen_docs.py" in generic


def test_the_docs_codebook_is_current():
    assert (ROOT / "docs" / "panel-codebook.md").read_text() == codebook(), \
        "docs/panel-codebook.md is stale: run scripts/gen_docs.py"


def test_cite_posture_names_the_knowledge_bases_checksum(shipped_store):
    c = cite_posture(shipped_store)["citations"][0]
    assert c["kind"] == "posture" and len(c["sha256"]) == 64 and c["sha256"] in c["citation"]


def test_bad_requests_are_errors(shipped_store, tmp_path):
    with pytest.raises(UsageError, match="unknown unit 'week'"):
        build_panel(shipped_store, None, unit="week")
    with pytest.raises(StatusError, match="before the panel's first day"):
        build_panel(shipped_store, None, start=date(1945, 12, 31))
    with pytest.raises(StatusError, match="after the knowledge base's horizon"):
        build_panel(shipped_store, None, end=date(9999, 1, 1))
    with pytest.raises(StatusError, match="before the start"):
        build_panel(shipped_store, None, start=date(2000, 1, 2), end=date(2000, 1, 1))
    with pytest.raises(UsageError, match="unknown state system 'un'"):
        build_panel(shipped_store, None, system="un")
    p = build_panel(shipped_store, None, unit="spell", start=date(2020, 1, 1), end=date(2020, 1, 31), states=["FIN"])
    with pytest.raises(UsageError, match="unknown panel format 'xlsx'"):
        write_panel(p, tmp_path / "x.xlsx")



def test_the_atop_crosscheck_lists_runs_of_disagreeing_years(shipped_store, fixture_data):
    from allegiance.panel.atop import crosscheck

    p = build_panel(shipped_store, fixture_data, unit="state-year", end=date(2018, 12, 31))
    rows = crosscheck(p.frame)
    # the United States: a party to the Rio Treaty from 1947 and a NATO member from 1949 in the knowledge base;
    # the fixture's ATOP has its defence dyad only in 1949 and 1950, and covers 1948-1993
    usa = [r for r in rows if r["iso3"] == "USA"]
    assert [(r["from"], r["to"], r["kb"], r["atop"]) for r in usa] == [(1948, 1948, "met", 0), (1951, 1993, "met", 0)]
    assert all((r["kb"] == "met") != (r["atop"] == 1) for r in rows)
    assert all(r["from"] >= 1948 and r["to"] <= 1993 for r in rows)  # only years ATOP covers
    with pytest.raises(UsageError, match="state-year panel with ATOP"):
        crosscheck(build_panel(shipped_store, None, unit="spell", start=date(2020, 1, 1), end=date(2020, 1, 2)).frame)


def test_public_api():
    import allegiance.panel as panel

    assert sorted(panel.__all__) == sorted([
        "FORMATS", "PANEL_START", "UNITS", "AtopDefence", "Member", "Panel", "add_alignment", "add_atop_alliance",
        "add_ideal_points", "add_posture", "atop_defence", "build_panel", "cite_posture", "codebook", "column_of",
        "create_stateyears", "kb_info",
        "members", "write_panel"])
    assert all(hasattr(panel, n) for n in panel.__all__)


def test_unknown_states_are_named(shipped_store, fixture_data):
    from allegiance.errors import UnknownStateError

    with pytest.raises(UnknownStateError, match="'XAB' is not a state of the cow state system"):
        build_panel(shipped_store, fixture_data, states=["FIN", "XAB"])  # Abkhazia: not in the COW list
    p = build_panel(shipped_store, fixture_data, unit="spell", start=date(2020, 1, 1), end=date(2020, 12, 31),
                    states=["fin"])
    assert set(p.frame.iso3) == {"FIN"}


def test_unknown_reasons_group_the_criteria_that_share_one(shipped_store, fixture_data):
    df = build_panel(shipped_store, fixture_data, unit="state-year", start=date(1980, 1, 1),
                     end=date(1980, 12, 31), states=["FIN"]).frame
    text = df.unknown_reasons.iloc[0]
    silent = "nothing recorded, and the knowledge base is complete only from 1990-01-01"
    assert text.count(silent) == 1
    group = next(g for g in text.split(" | ") if silent in g)
    assert group.startswith("mutual-defence, permanent-neutrality, ")  # NAM membership is complete from 1946
    named = group.split(": ", 1)[0].split(", ")
    assert all(df[column_of(c, criterion=True)].iloc[0] == "unknown" for c in named)


def test_cli_json_needs_a_file(cli):
    from typer.testing import CliRunner

    from allegiance.cli import app

    r = CliRunner().invoke(app, ["panel", "--states", "FIN", "--from", "2020-01-01", "--to", "2020-01-02", "--json"],
                           env=cli.env)
    assert r.exit_code == 2 and r.stderr.startswith("error: --output: --json describes the file written")


def test_without_the_cow_list_a_state_that_ceased_covers_only_its_days(shipped_store):
    p = build_panel(shipped_store, None, unit="state-year", start=date(1985, 1, 1), end=date(1995, 12, 31)).frame
    years = {c: sorted(p[p.iso3 == c].year) for c in ("DDR", "CSK")}
    assert years["DDR"] == list(range(1985, 1991)) and years["CSK"] == list(range(1985, 1993))
    # (the USSR shares COW code 365 with Russia, so its state-years are Russia's row: see the spells)
    days = build_panel(shipped_store, None, unit="spell", start=date(1990, 1, 1), end=date(1992, 12, 31)).frame
    assert str(days[days.iso3 == "SUN"].end.max())[:10] == "1991-12-25"


def test_without_the_cow_list_a_state_that_began_after_1946_starts_when_it_began(shipped_store):
    """The knowledge base's panel (no COW list): BLR was a Soviet republic until 26 December 1991, the Czech Republic
    began on 1 January 1993, Lithuania's restored independence on 6 September 1991 (kb/state-existence.yaml)."""
    days = build_panel(shipped_store, None, unit="spell", start=date(1946, 1, 1), end=date(2000, 12, 31),
                       states=["BLR", "CZE", "LTU", "RUS", "SUN", "CSK"]).frame
    first = {c: str(days[days.iso3 == c].start.min())[:10] for c in set(days.iso3)}
    last = {c: str(days[days.iso3 == c].end.max())[:10] for c in set(days.iso3)}
    assert first == {"BLR": "1991-12-26", "CZE": "1993-01-01", "LTU": "1991-09-06", "RUS": "1991-12-26",
                     "SUN": "1946-01-01", "CSK": "1946-01-01"}
    assert last["SUN"] == "1991-12-25" and last["CSK"] == "1992-12-31" and last["CZE"] == "2000-12-31"
    years = build_panel(shipped_store, None, unit="state-year", start=date(1985, 1, 1), end=date(1985, 12, 31)).frame
    assert {"SUN", "CSK", "DDR", "YUG"} <= set(years.iso3)
    assert not {"UKR", "CZE", "RUS", "LTU", "HRV", "ERI"} & set(years.iso3)
