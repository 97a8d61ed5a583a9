"""Pipeline verbs in the style of peacesciencer: ``create_stateyears``, then ``add_posture``, ``add_atop_alliance``.

``create_*`` builds a table of one unit of analysis and records its unit and coverage in
``DataFrame.attrs["allegiance"]``; each ``add_*`` checks that unit before joining, so a verb is never
joined to a table it does not fit. A dataset's coverage window is data: outside it a value is missing,
never zero.

>>> from allegiance import open_store
>>> from allegiance.panel.verbs import create_stateyears, add_posture
>>> df = add_posture(create_stateyears(open_store(), system="kb"), open_store())  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

from allegiance.errors import DataMissingError, UsageError, shorten
from allegiance.facts.store import Store
from allegiance.panel.build import PANEL_START, build_panel, column_of
from allegiance.status import CRITERIA, LABELS

__all__ = ["add_atop_alliance", "add_posture", "create_stateyears"]

_KEY = "allegiance"
_ATOP_FLAGS = ("atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul")


def _meta(df) -> dict[str, Any]:
    return dict(df.attrs.get(_KEY) or {})


def _require(df, unit: str, verb: str) -> dict[str, Any]:
    meta = _meta(df)
    got = meta.get("unit")
    if got != unit:
        raise UsageError(f"{verb} joins to a {unit} table; this one is "
                         + (f"a {got} table" if got else "not one that create_stateyears made (no recorded unit)")
                         + ": start from create_stateyears()", value=got, field="unit", allowed=unit)
    return meta


def create_stateyears(store: Store, data=None, *, system: str | None = None, start_year: int = PANEL_START.year,
                      end_year: int | None = None):
    """One row per state and year it was in the system (``ccode``, ``iso3``, ``name``, ``year``).

    The system is the imported COW state list (``data``, the data store) or, with ``system="kb"`` or no COW
    list imported, the knowledge base's states. Records ``unit`` (``state-year``), the system and the
    years in ``attrs["allegiance"]``.
    """
    from datetime import date

    from allegiance.status.index import index_of

    horizon = index_of(store).horizon
    end_year = end_year if end_year is not None else horizon.year
    if start_year < PANEL_START.year or end_year > horizon.year or end_year < start_year:
        raise UsageError(f"years {start_year}-{end_year} are outside {PANEL_START.year}-{horizon.year} (1946 to the "
                         "knowledge base's horizon)", value=f"{start_year}-{end_year}", field="years",
                         allowed=f"years from {PANEL_START.year} to {horizon.year}")
    end = min(date(end_year, 12, 31), horizon)
    from allegiance.panel.system import members

    stretches, sysinfo = members(index_of(store), data, start=date(start_year, 1, 1), end=end, system=system)
    rows: dict[tuple, dict[str, Any]] = {}
    for m in stretches:
        for y in range(m.start.year, m.end.year + 1):
            key = (m.ccode if m.ccode is not None else m.iso3, y)
            rows[key] = {"ccode": m.ccode, "iso3": m.iso3, "name": m.name, "year": y}  # the year's last code wins
    import pandas as pd

    df = pd.DataFrame(sorted(rows.values(), key=lambda r: (r["ccode"] if r["ccode"] is not None else 10_000,
                                                           r["iso3"] or "", r["year"])),
                      columns=["ccode", "iso3", "name", "year"])
    df["ccode"] = df["ccode"].astype("Int32")
    df["year"] = df["year"].astype("Int32")
    df.attrs[_KEY] = {"unit": "state-year", "system": sysinfo["system"], "years": [start_year, end_year],
                      "datasets": [sysinfo]}
    return df


def add_posture(df, store: Store, data=None, *, criteria: bool = False, provenance: bool = True):
    """The posture labels (and, with ``criteria``, each criterion) of each state-year, as of the year's last
    day in the system, from the knowledge base; ``provenance`` adds the statement ids."""
    meta = _require(df, "state-year", "add_posture")
    first, last = meta["years"]
    from datetime import date

    from allegiance.status.index import index_of

    end = min(date(last, 12, 31), index_of(store).horizon)
    panel = build_panel(store, data, unit="state-year", start=date(first, 1, 1), end=end,
                        system=meta.get("system"))
    cols = [column_of(k) for k in LABELS] + ([column_of(k, criterion=True) for k in CRITERIA] if criteria else [])
    cols += ["provenance"] if provenance else []
    clash = [c for c in cols if c in df.columns]
    if clash:
        raise UsageError(f"the table already has {', '.join(clash)}: add_posture was applied already",
                         value=clash[0], field="columns", allowed="a table without the posture columns")
    right = panel.frame[["ccode", "iso3", "year", "as_of", *cols]].rename(columns={"as_of": "posture_as_of"})
    right = right.astype({"iso3": "object"})
    out = _join(df, right)
    out.attrs[_KEY] = {**meta, "datasets": [*meta.get("datasets", []), {"posture": panel.sources["knowledge_base"]}]}
    return out


def add_atop_alliance(df, data):
    """ATOP's alliance obligations of each state-year: 1 if the state had at least one alliance with that
    obligation that year, 0 if none, missing outside ATOP's years (``atop_defense``, ``atop_offense``,
    ``atop_neutral``, ``atop_nonagg``, ``atop_consul``)."""
    meta = _require(df, "state-year", "add_atop_alliance")
    if data is None or not data.has_table("atop_alliance"):
        raise DataMissingError("ATOP is not imported: run allegiance data import atop_alliance atop_alliance.csv.gz",
                               value="atop_alliance", field="data", allowed="an imported atop_alliance dataset")
    clash = [c for c in _ATOP_FLAGS if c in df.columns]
    if clash:
        raise UsageError(f"the table already has {shorten(clash[0])}: add_atop_alliance was applied already",
                         value=clash[0], field="columns", allowed="a table without the ATOP columns")
    first, last = data.con.execute("SELECT min(year), max(year) FROM atop_alliance").fetchone()
    flags = data.con.execute(
        "SELECT ccode1 AS ccode, year, " + ", ".join(f"max({c}) AS {c}" for c in _ATOP_FLAGS)
        + " FROM atop_alliance GROUP BY ccode1, year").df()
    out = df.merge(flags.astype({"ccode": "Int32", "year": "Int32"}), on=["ccode", "year"], how="left")
    covered = out["year"].between(first, last) & out["ccode"].notna()
    for c in _ATOP_FLAGS:
        out[c] = out[c].astype("Int8").where(~covered | out[c].notna(), 0).where(covered)
    out.attrs[_KEY] = {**meta, "datasets": [*meta.get("datasets", []),
                                            {"atop_alliance": (data.dataset("atop_alliance") or {}).get("sha256"),
                                             "years": [int(first), int(last)]}]}
    return out


def _join(df, right):
    """Join on the COW code and year where the table has COW codes, else on the ISO code and year."""
    if df["ccode"].notna().all() and right["ccode"].notna().all():
        return df.merge(right.drop(columns=["iso3"]), on=["ccode", "year"], how="left")
    return df.merge(right.drop(columns=["ccode"]), on=["iso3", "year"], how="left")
