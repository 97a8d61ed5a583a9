"""The R writer (panel/_rds.py): the panel's frames read back by pyreadr (librdata, an independent reader of
R's format) with every value, and by R itself where ``Rscript`` is installed; edge cases and refusals."""

from __future__ import annotations

import gzip
import shutil
import subprocess
from datetime import date

import numpy as np
import pandas as pd
import pytest

from allegiance.panel import build_panel
from allegiance.panel._rds import write_rds
from allegiance.panel.write import _CODED, _STRL


def _same(back: pd.DataFrame, df: pd.DataFrame) -> None:
    assert list(back.columns) == list(df.columns) and len(back) == len(df)
    for c in df.columns:
        a, b = back[c], df[c]
        if str(b.dtype).startswith("datetime"):
            assert pd.to_datetime(a).dt.strftime("%Y-%m-%d").tolist() == b.dt.strftime("%Y-%m-%d").tolist(), c
        elif str(b.dtype) in ("Int32", "int32", "int16", "int8"):
            assert a.isna().tolist() == b.isna().tolist(), c
            assert a[a.notna()].astype(int).tolist() == b[b.notna()].astype(int).tolist(), c
        elif b.dtype == np.float64:
            assert a.isna().tolist() == b.isna().tolist() and np.allclose(a[a.notna()], b[b.notna()]), c
        else:
            assert a.astype(object).where(a.notna(), None).tolist() == \
                b.astype(object).where(b.notna(), None).tolist(), c


@pytest.mark.parametrize(("unit", "start", "end"), [("state-year", date(1985, 1, 1), date(2020, 12, 31)),
                                                    ("state-day", date(1993, 11, 1), date(1994, 2, 28)),
                                                    ("spell", date(1946, 1, 1), date(2020, 12, 31))])
def test_the_panel_reads_back_value_for_value(shipped_store, fixture_data, tmp_path, unit, start, end):
    import pyreadr

    df = build_panel(shipped_store, fixture_data, unit=unit, start=start, end=end).frame
    assert df.ccode.isna().any() or df.atop_defense.isna().any()
    write_rds(df, tmp_path / "p.rds", factors=_CODED | _STRL, compresslevel=1)
    back = pyreadr.read_r(tmp_path / "p.rds")[None]
    _same(back, df)
    for c in (*_CODED, *(_STRL & set(df.columns))):  # factors, with the categories as levels in order
        assert isinstance(back[c].dtype, pd.CategoricalDtype), c
        assert list(back[c].cat.categories) == list(df[c].cat.categories), c


def _edge_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "code": pd.Categorical(["FIN", "SWE", None, "FIN"]),
        "name": pd.Series(["Suomi–Finland", None, "Côte d’Ivoire", ""], dtype=object),
        "label": pd.Categorical(["holds", None, "unknown", "holds"], categories=["holds", "does not hold", "unknown"]),
        "x": [1.5, np.nan, -2.0, 0.0],
        "n": pd.array([1, None, -3, 2_000_000_000], dtype="Int32"),
        "b": np.array([1, 0, -1, 100], dtype=np.int8),
        "day": pd.to_datetime(["1946-01-01", None, "2026-12-05", "1900-02-28"]).astype("datetime64[s]"),
    })


def test_edge_cases(tmp_path):
    import pyreadr

    df = _edge_frame()
    write_rds(df, tmp_path / "e.rds", factors={"label"})
    with gzip.open(tmp_path / "e.rds") as fh:  # R's serialization format 3, XDR
        assert fh.read(6) == b"X\n\x00\x00\x00\x03"
    back = pyreadr.read_r(tmp_path / "e.rds")[None]
    _same(back, df)
    assert not isinstance(back.code.dtype, pd.CategoricalDtype) and isinstance(back.label.dtype, pd.CategoricalDtype)
    write_rds(df.iloc[:0], tmp_path / "empty.rds", factors={"label"})
    assert len(pyreadr.read_r(tmp_path / "empty.rds")[None]) == 0


def test_what_r_has_no_type_for_is_refused(tmp_path):
    with pytest.raises(TypeError, match="'n' of dtype int64"):
        write_rds(pd.DataFrame({"n": np.array([1, 2], dtype=np.int64)}), tmp_path / "x.rds")
    with pytest.raises(ValueError, match="'t' has times of day"):
        write_rds(pd.DataFrame({"a": [1.0], "t": pd.to_datetime(["2020-01-01 12:00"])}), tmp_path / "x.rds")
    assert not (tmp_path / "x.rds").exists()  # refused before a byte is written


@pytest.mark.skipif(shutil.which("Rscript") is None, reason="R is not installed (Rscript)")
def test_r_itself_reads_it(tmp_path):
    df = _edge_frame()
    write_rds(df, tmp_path / "e.rds", factors={"label"})
    script = ("d <- readRDS(commandArgs(TRUE)[1]); stopifnot(is.data.frame(d), nrow(d) == 4, "
              "identical(levels(d$label), c('holds', 'does not hold', 'unknown')), is.na(d$label[2]), "
              "identical(d$name, c('Suomi\u2013Finland', NA, 'C\u00f4te d\u2019Ivoire', '')), "
              "identical(d$n, c(1L, NA, -3L, 2000000000L)), identical(d$x, c(1.5, NA, -2, 0)), "
              "inherits(d$day, 'Date'), identical(format(d$day), c('1946-01-01', NA, '2026-12-05', '1900-02-28')), "
              "identical(d$code, c('FIN', 'SWE', NA, 'FIN'))); cat('ok')")
    run = subprocess.run(["Rscript", "-e", script, str(tmp_path / "e.rds")], capture_output=True, text=True,
                         timeout=120)
    assert run.stdout.endswith("ok"), run.stderr
