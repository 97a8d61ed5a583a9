"""Importing: every check, all or nothing, idempotent, the same result from CSV and R data."""

from __future__ import annotations

import hashlib

import pytest

from allegiance.errors import DataError, DataImportError, DataMissingError, UsageError
from allegiance.measure.data.importer import import_dataset
from allegiance.measure.data.store import cite, open_data, versions
from tests.measure.conftest import FIX


def _copy(tmp_path, name, edit=None, target=None):
    text = (FIX / name).read_text()
    if edit is not None:
        text = edit(text)
    out = tmp_path / (target or name)
    out.write_text(text)
    return out


def _snapshot(data):
    """Everything in the store, to compare before and after a failed import."""
    tables = [r[0] for r in data.con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE NOT temporary ORDER BY 1").fetchall()]
    return {t: data.con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in tables}


def test_import_published_records_provenance(data):
    r = import_dataset(data, "unvotes_published", FIX / "published.csv", version="fixture-1")
    assert r["status"] == "imported" and r["warnings"] == 0
    d = r["dataset"]
    assert d["rows"] == 33 and d["version"] == "fixture-1" and d["format"] == "csv"
    assert d["sha256"] == hashlib.sha256((FIX / "published.csv").read_bytes()).hexdigest()
    assert d["coverage"] == {"sessions": [1, 47], "years": [1946, 1992], "roll_calls": 8, "states": 5}
    # Only yes/abstain/no become votes; COW 365 is SUN in 1946 and RUS in 1992; BLR's absence and GDR's 9 are gone.
    rows = data.con.execute("SELECT rcid, state, vote FROM votes_published ORDER BY rcid, state").fetchall()
    assert len(rows) == 31
    assert (1, "SUN", 1) in rows and (6, "RUS", 1) in rows and not any(s == "DDR" for _, s, _ in rows)
    assert data.con.execute("SELECT me, hr FROM roll_calls_published WHERE rcid = 3").fetchone() == (0, 1)


def test_reimport_is_a_no_op_and_force_replaces_identically(data):
    import_dataset(data, "unvotes_published", FIX / "published.csv")
    before = _snapshot(data)
    again = import_dataset(data, "unvotes_published", FIX / "published.csv")
    assert again["status"] == "unchanged"
    assert _snapshot(data) == before
    forced = import_dataset(data, "unvotes_published", FIX / "published.csv", force=True)
    assert forced["status"] == "replaced"
    after = _snapshot(data)
    after["datasets"] = [r[:9] for r in after["datasets"]]  # all but the import time may differ
    before["datasets"] = [r[:9] for r in before["datasets"]]
    assert after == before


def test_a_changed_file_replaces_the_old_one(data, tmp_path):
    import_dataset(data, "unvotes_published", FIX / "published.csv")
    smaller = _copy(tmp_path, "published.csv", lambda t: "\n".join(t.splitlines()[:21]) + "\n")
    r = import_dataset(data, "unvotes_published", smaller, replace=True)  # smaller: replace must be said
    assert r["status"] == "replaced" and r["dataset"]["rows"] == 20
    assert data.con.execute("SELECT max(rcid) FROM votes_published").fetchone()[0] == 5


def test_unvotes_tables_in_any_order_give_the_same_votes_as_the_publisher(loaded):
    pub = loaded.con.execute("SELECT rcid, state, vote FROM votes_published ORDER BY ALL").fetchall()
    unv = loaded.con.execute("SELECT rcid, state, vote FROM votes_unvotes ORDER BY ALL").fetchall()
    assert pub == unv
    flags = loaded.con.execute("SELECT rcid, me, hr, ec FROM roll_calls_unvotes ORDER BY rcid").fetchall()
    assert flags[0] == (1, 1, 0, 0) and flags[2] == (3, 0, 1, 0) and flags[7] == (8, 0, 0, 1)


def test_r_data_files_import_like_csv(data, tmp_path):
    import pandas as pd
    import pyreadr

    frame = pd.read_csv(FIX / "published.csv", dtype=str, keep_default_na=False)
    frame = frame.replace("", None)
    pyreadr.write_rdata(str(tmp_path / "UNVotesPublished.RData"), frame, df_name="x")
    r = import_dataset(data, "unvotes_published", tmp_path / "UNVotesPublished.RData")
    assert r["dataset"]["format"] == "rdata" and r["dataset"]["rows"] == 33
    assert data.con.execute("SELECT count(*) FROM votes_published").fetchone()[0] == 31
    # a bad row in R data is located by the data frame's row
    frame.loc[4, "vote"] = "7"
    pyreadr.write_rdata(str(tmp_path / "bad.rda"), frame, df_name="x")
    with pytest.raises(DataImportError) as exc:
        import_dataset(data, "unvotes_published", tmp_path / "bad.rda")
    assert str(exc.value.problems[0]).startswith("bad.rda$x:5: vote: expected a vote code")


def test_r_data_with_the_wrong_object(data, tmp_path):
    import pandas as pd
    import pyreadr

    path = tmp_path / "two.rda"
    pyreadr.write_rdata(str(path), pd.DataFrame({"a": [1]}), df_name="y")
    with pytest.raises(DataImportError, match="missing column"):
        import_dataset(data, "unvotes_published", path)


@pytest.mark.parametrize("edit, where, fragment", [
    (lambda t: t.replace("2,1,3,365,", "2,1,7,365,"), "published.csv:7: vote",
     "expected a vote code: 1 (yes), 2 (abstain), 3 (no), 8 (absent) or 9 (not a member), got '7'"),
    (lambda t: t.replace("3,1,3,40,", "3,1,3,999,"), "published.csv:13: ccode",
     "expected a Correlates of War state code, got '999'"),
    (lambda t: t.replace("1,1,1,2,1,0,1/10/1946", "x1,1,1,2,1,0,1/10/1946"), "published.csv:2: rcid",
     "expected a positive roll-call id, got 'x1'"),
    (lambda t: t.replace("4,1,2,2,1,0,2/2/1946", "4,1,2,2,1,0,2/31/1946"), "published.csv:14: date",
     "expected a date (1946-01-01 or 1/1/1946), got '2/31/1946'"),
    (lambda t: t + "5,1,3,365,1,0,2/3/1946,R/1/5,0,0,0,0,1,0,1946.0\n", "published.csv:35: ccode",
     "duplicate vote: state 365 in roll call 5 again (first on line 19)"),
    (lambda t: t.replace("5,1,1,40,1,0,2/3/1946", "5,2,1,40,1,0,2/3/1946"), "published.csv:21: session",
     "roll call 5: 2 here but 1 on line 18"),
    (lambda t: t.replace("1,1,1,40,1,0,1/10/1946,R/1/1,1,0,0,0,0,0,1946.0", "1,1,1,245,1,0,1/10/1946,R/1/1,1,0,0,0,0,0,1946.0"),
     "published.csv:5: ccode", "COW state '245' has no ISO code on 1946-01-10"),
    (lambda t: t.replace(",1946.0\n", ",circa\n", 1), "published.csv:2: year", "expected a year, got 'circa'"),
])
def test_bad_rows_are_located_and_nothing_is_imported(data, tmp_path, edit, where, fragment):
    import_dataset(data, "unvotes_published", FIX / "published.csv")
    before = _snapshot(data)
    bad = _copy(tmp_path, "published.csv", edit)
    with pytest.raises(DataImportError) as exc:
        import_dataset(data, "unvotes_published", bad)
    shown = [str(p) for p in exc.value.problems]
    assert any(s.startswith(where) and fragment in s for s in shown), shown
    assert "nothing imported" in str(exc.value)
    assert _snapshot(data) == before


def test_warnings_keep_the_row_store_missing_and_are_recorded(data, tmp_path):
    # a value `0"` (quotes doubled inside quotes, as R's write.csv writes them): a bad flag, stored as missing
    bad = _copy(tmp_path, "published.csv", lambda t: t.replace("0,0,0,0,0,1946.0", '0,0,0,0,"0""",1946.0', 1))
    r = import_dataset(data, "unvotes_published", bad)
    assert r["warnings"] == 1
    p = r["problems"][0]
    assert (p["file"], p["line"], p["field"]) == ("published.csv", 2, "ec")
    assert "stored as missing" in p["message"]
    assert data.con.execute("SELECT ec FROM unvotes_published WHERE line = 2").fetchone() == (None,)
    assert data.con.execute("SELECT count(*) FROM import_problems").fetchone()[0] == 1
    with pytest.raises(DataImportError, match="1 bad row"):
        import_dataset(data, "unvotes_published", bad, force=True, strict=True)


def test_missing_columns_or_wrong_kind_import_nothing(data, tmp_path):
    with pytest.raises(DataImportError, match="is not a unvotes_published file: missing column.*it looks like un_votes"):
        import_dataset(data, "unvotes_published", FIX / "fx_un_votes.csv")
    dropped = _copy(tmp_path, "published.csv", lambda t: t.replace(",year", ",yr"))
    with pytest.raises(DataImportError, match="missing column\\(s\\) year; expected columns: rcid, session"):
        import_dataset(data, "unvotes_published", dropped)
    assert versions(data)["count"] == 0


def test_not_a_csv_at_all(data, tmp_path):
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("rcid,session\n1,2\n3,4,5,6\n")
    with pytest.raises(DataImportError):
        import_dataset(data, "unvotes_published", ragged)
    binary = tmp_path / "junk.rda"
    binary.write_bytes(b"\x00\x01not R data at all")
    with pytest.raises(DataImportError, match="cannot read it as R data"):
        import_dataset(data, "unvotes_published", binary)
    with pytest.raises(DataError, match="unknown file type"):
        import_dataset(data, "unvotes_published", FIX / "kb" / "blocs.yaml")
    with pytest.raises(DataError, match="no such file"):
        import_dataset(data, "un_votes", tmp_path / "absent.csv")
    with pytest.raises(UsageError, match="unknown dataset kind 'votes'"):
        import_dataset(data, "votes", FIX / "fx_un_votes.csv")


@pytest.mark.parametrize("kind, edit, fragment", [
    ("un_votes", lambda t: t.replace("2,Cuba,CU,abstain", "2,Cuba,CU,maybe"), "fx_un_votes.csv:9: vote: expected yes, abstain or no, got 'maybe'"),
    ("un_votes", lambda t: t.replace("3,Cuba,CU,no", "3,Cuba,QQ,no"), "fx_un_votes.csv:13: country_code: expected an ISO 3166 alpha-2 code, got 'QQ'"),
    ("un_votes", lambda t: t.replace("3,Cuba,CU,no", "3,Atlantis,,no"), "fx_un_votes.csv:13: country_code: no country code, and the country 'Atlantis'"),
    ("un_votes", lambda t: t + "8,Cuba,CU,no\n", "fx_un_votes.csv:33: country_code: duplicate vote: CU in roll call 8 again (first on line 32)"),
    ("un_roll_calls", lambda t: t.replace("1992-12-09", "1992-13-09"), "fx_un_roll_calls.csv:9: date: expected a date"),
    ("un_roll_calls", lambda t: t + "8,47,0,1992-12-10,R/47/4,0,0,X,dup\n", "fx_un_roll_calls.csv:10: rcid: duplicate roll call 8"),
    ("un_roll_call_issues", lambda t: t.replace("8,ec,", "8,xx,"), "fx_un_roll_call_issues.csv:9: short_name: expected an issue area"),
    ("atop_alliance", lambda t: t.replace("2,20,1950,1", "2,20,1950,2"), "fx_atop_alliance.csv:5: atop_defense: expected 0 or 1, got '2'"),
    ("cow_states", lambda t: t.replace("8.0,25.0", "2.0,30.0"), "fx_cow_states.csv:4: styear: not a valid date"),
])
def test_other_kinds_check_their_rows(data, tmp_path, kind, edit, fragment):
    if kind == "un_votes":
        import_dataset(data, "un_roll_calls", FIX / "fx_un_roll_calls.csv")
    bad = _copy(tmp_path, f"fx_{kind}.csv", edit)
    with pytest.raises(DataImportError) as exc:
        import_dataset(data, kind, bad)
    assert any(str(p).startswith(fragment) for p in exc.value.problems), [str(p) for p in exc.value.problems]
    assert data.dataset(kind) is None


def test_votes_without_their_roll_calls_are_refused(data, tmp_path):
    import_dataset(data, "un_roll_calls", FIX / "fx_un_roll_calls.csv")
    extra = _copy(tmp_path, "fx_un_votes.csv", lambda t: t + "99,Cuba,CU,yes\n")
    with pytest.raises(DataImportError, match="roll call 99 is not in un_roll_calls"):
        import_dataset(data, "un_votes", extra)
    assert data.dataset("un_votes") is None and not data.has_table("votes_unvotes")


def test_a_code_that_denotes_no_state_on_the_date_is_refused(data, tmp_path):
    # ISO reused CS: Czechoslovakia until the end of 1992, Serbia and Montenegro 2003-2006; nothing in 1995.
    later = _copy(tmp_path, "fx_un_roll_calls.csv", lambda t: t.replace("6,47,0,1992-10-01", "6,50,0,1995-10-01"))
    import_dataset(data, "un_roll_calls", later)
    bad = _copy(tmp_path, "fx_un_votes.csv", lambda t: t.replace("6,Cuba,CU,no", "6,Czechoslovakia,CS,no"))
    with pytest.raises(DataImportError, match="'CS' denotes no state on 1995-10-01"):
        import_dataset(data, "un_votes", bad)


def test_a_failure_after_the_checks_rolls_everything_back(data, monkeypatch):
    import allegiance.measure.data.importer as imp

    import_dataset(data, "unvotes_published", FIX / "published.csv")
    before = _snapshot(data)

    def boom(con, spec):
        raise RuntimeError("interrupted while rebuilding")

    monkeypatch.setattr(imp, "_rebuild_derived", boom)
    smaller = FIX / "published.csv"
    with pytest.raises(RuntimeError, match="interrupted"):
        import_dataset(data, "unvotes_published", smaller, force=True)
    assert _snapshot(data) == before
    assert not data.con.execute("SELECT count(*) FROM duckdb_tables() WHERE temporary").fetchone()[0]


def test_the_store_survives_reopening(tmp_path):
    path = tmp_path / "d.duckdb"
    with open_data(path, read_only=False) as d:
        import_dataset(d, "atop_alliance", FIX / "fx_atop_alliance.csv")
        import_dataset(d, "cow_states", FIX / "fx_cow_states.csv")
    with open_data(path) as d:
        v = versions(d)
        assert [x["kind"] for x in v["datasets"]] == ["atop_alliance", "cow_states"]
        assert v["datasets"][1]["version"] == "2016"  # read from the file's version column
        assert v["datasets"][0]["coverage"] == {"years": [1950, 1992], "dyads": 3}
        c = cite(d)
        assert c["count"] == 2 and "Leeds" in c["citations"][0]["citation"]
        with pytest.raises(DataError, match="read-only"):
            import_dataset(d, "cow_states", FIX / "fx_cow_states.csv")


def test_reading_a_store_that_does_not_exist_says_what_to_import(tmp_path):
    with pytest.raises(DataMissingError, match="allegiance data import un_votes"):
        open_data(tmp_path / "none.duckdb")


def test_a_smaller_file_does_not_silently_replace_a_dataset(data, tmp_path):
    """Issue 12: 870,109 rows were replaced by 2,000 with only "replaced: 2,000 rows". Now it needs replace."""
    full = import_dataset(data, "un_votes", FIX / "fx_un_votes.csv")
    assert full["previous"] is None and full["status"] == "imported"
    lines = (FIX / "fx_un_votes.csv").read_text(encoding="utf-8").splitlines()
    part = tmp_path / "part.csv"
    part.write_text("\n".join(lines[:3]) + "\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"has 2 rows where the imported un_votes has .* nothing imported") as err:
        import_dataset(data, "un_votes", part)
    assert err.value.field == "replace"
    assert data.dataset("un_votes")["rows"] == full["dataset"]["rows"]  # untouched
    r = import_dataset(data, "un_votes", part, replace=True)
    assert r["status"] == "replaced" and r["dataset"]["rows"] == 2
    assert r["previous"]["rows"] == full["dataset"]["rows"] and r["previous"]["sha256"] == full["dataset"]["sha256"]


def test_an_unbalanced_quote_is_refused_not_imported_as_a_name(data, tmp_path):
    """Issue 12: a row with an open quote was imported as the country '"United States'."""
    lines = (FIX / "fx_un_votes.csv").read_text(encoding="utf-8").splitlines()
    header, row = lines[0], lines[1].split(",")
    country = header.split(",").index("country")
    row[country] = '"' + row[country]
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join([header, ",".join(row), *lines[2:]]) + "\n", encoding="utf-8")
    with pytest.raises(DataImportError, match="cannot read it as comma-separated values"):
        import_dataset(data, "un_votes", bad)
    assert data.dataset("un_votes") is None  # nothing imported
