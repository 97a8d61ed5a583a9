"""The Stata writer (panel/_dta.py) against pandas' own ``to_stata``: the same bytes for the panel's frames,
read back by pandas, and its edge cases (missing values, UTF-8 widths, long text, strings shared by columns)."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest

from allegiance.panel import build_panel
from allegiance.panel._dta import write_dta
from allegiance.panel.write import _CODED, _STRL, _for_stata

STAMP = datetime(2026, 12, 5, 10, 30)


def _pandas_bytes(df: pd.DataFrame, path, *, labelled, strl) -> bytes:
    """What pandas writes for ``df``: its text as object columns ("" for missing), labelled categoricals kept."""
    out = df.copy()
    for c in out.columns:
        if isinstance(out[c].dtype, pd.CategoricalDtype) and c not in labelled:
            out[c] = out[c].astype(object).where(out[c].notna(), "")
    out.to_stata(path, write_index=False, version=118, convert_strl=[c for c in strl if c in out],
                 data_label="allegiance posture panel", time_stamp=STAMP)
    return path.read_bytes()


@pytest.mark.parametrize(("unit", "start", "end"), [("state-year", date(1985, 1, 1), date(2020, 12, 31)),
                                                    ("state-day", date(1993, 11, 1), date(1994, 2, 28)),
                                                    ("spell", date(1946, 1, 1), date(2020, 12, 31))])
def test_the_bytes_pandas_writes_for_the_panel(shipped_store, fixture_data, tmp_path, unit, start, end):
    df = _for_stata(build_panel(shipped_store, fixture_data, unit=unit, start=start, end=end).frame)
    assert df.provenance.nunique() > 1 and df.atop_defense.isna().any() and df.atop_defense.notna().any()
    if unit == "spell":  # Stata takes `end` as a name; pandas renames it `_end` (a word reserved in Mata only)
        write_dta(df, tmp_path / "named.dta", labelled=_CODED, strl=_STRL)
        assert list(pd.read_stata(tmp_path / "named.dta").columns) == list(df.columns)
        df = df.rename(columns={"end": "last"})
    write_dta(df, tmp_path / "ours.dta", labelled=_CODED, strl=_STRL, data_label="allegiance posture panel",
              time_stamp=STAMP)
    ours = (tmp_path / "ours.dta").read_bytes()
    assert ours == _pandas_bytes(df, tmp_path / "pandas.dta", labelled=_CODED, strl=_STRL)


def _edge_frame() -> pd.DataFrame:
    long = "x" * 2100  # past str2045: strL even where not asked for
    return pd.DataFrame({
        "code": pd.Categorical(["FIN", "SWE", None, "FIN"]),
        "name": pd.Categorical(["Suomi–Finland", "Sverige", "Côte d’Ivoire", None], categories=[
            "Suomi–Finland", "Sverige", "Côte d’Ivoire", "an unused category that must not widen the column"]),
        "plain": pd.Series(["a", None, "ccc", "a"], dtype=object),
        "label": pd.Categorical(["holds", None, "unknown", "holds"], categories=["holds", "does not hold", "unknown"]),
        "x": [1.5, np.nan, -2.0, 0.0],
        "n": np.array([1, -2, 3, 4], dtype=np.int32),
        "b": np.array([1, 0, -1, 100], dtype=np.int8),
        "day": pd.to_datetime(["1946-01-01", "1960-01-01", "2026-12-05", "1900-02-28"]).astype("datetime64[s]"),
        "why": pd.Categorical(["same text", "", "só", long]),
        "also": pd.Categorical(["other", "same text", None, "same text"]),
        "longtext": pd.Series([long, "short", None, long], dtype=object),
    })


def test_edge_cases_as_pandas_writes_them(tmp_path):
    df = _edge_frame()
    write_dta(df, tmp_path / "ours.dta", labelled={"label"}, strl={"why", "also"},
              data_label="allegiance posture panel", time_stamp=STAMP)
    assert (tmp_path / "ours.dta").read_bytes() == _pandas_bytes(df, tmp_path / "p.dta", labelled={"label"},
                                                                  strl=["why", "also"])
    back = pd.read_stata(tmp_path / "ours.dta")
    assert back.name.tolist() == ["Suomi–Finland", "Sverige", "Côte d’Ivoire", ""]
    assert back.label.astype(object).where(back.label.notna(), None).tolist() == ["holds", None, "unknown", "holds"]
    assert back.x.isna().tolist() == [False, True, False, False] and back.x[0] == 1.5
    assert back.why.tolist() == ["same text", "", "só", "x" * 2100]
    assert back.also.tolist() == ["other", "same text", "", "same text"]
    assert back.longtext.tolist() == ["x" * 2100, "short", "", "x" * 2100]
    assert back.day.dt.strftime("%Y-%m-%d").tolist() == ["1946-01-01", "1960-01-01", "2026-12-05", "1900-02-28"]
    assert back.n.tolist() == [1, -2, 3, 4] and back.b.tolist() == [1, 0, -1, 100]


def test_an_empty_frame_and_many_rows(tmp_path):
    df = _edge_frame().iloc[:0]
    write_dta(df, tmp_path / "empty.dta", labelled={"label"}, strl={"why"})
    assert len(pd.read_stata(tmp_path / "empty.dta")) == 0
    # more rows than one chunk of the data section: the rows come back in order
    big = pd.DataFrame({"i": np.arange(300_000, dtype=np.int32),
                        "t": pd.Categorical(np.where(np.arange(300_000) % 3, "a", "b"))})
    write_dta(big, tmp_path / "big.dta", strl={"t"})
    back = pd.read_stata(tmp_path / "big.dta")
    assert back.i.tolist() == list(range(300_000)) and (back.t == np.where(np.arange(300_000) % 3, "a", "b")).all()


def test_a_column_without_a_stata_type_or_name_is_refused(tmp_path):
    with pytest.raises(TypeError, match="'n' of dtype Int64"):
        write_dta(pd.DataFrame({"n": pd.array([1, None], dtype="Int64")}), tmp_path / "x.dta")
    for bad in ("long", "str12", "1st", "a-b", "x" * 33):
        with pytest.raises(ValueError, match="is no Stata variable name"):
            write_dta(pd.DataFrame({bad: [1.0]}), tmp_path / "x.dta")
