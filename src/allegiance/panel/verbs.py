"""Pipeline verbs in the style of peacesciencer: ``create_stateyears``, then ``add_posture``, ``add_atop_alliance``,
``add_alignment`` (UN voting alignment with a state or bloc) and ``add_ideal_points`` (published or estimated).

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

__all__ = ["add_alignment", "add_atop_alliance", "add_ideal_points", "add_posture", "create_stateyears"]

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


def add_alignment(df, data, store: Store, *, with_, measure: str = "agree", source: str | None = None):
    """UN General Assembly voting alignment of each state-year with a state or bloc (``with_``: one, or a list),
    in the calendar year's roll calls (:func:`allegiance.measure.series.alignment_by_state_year`).

    Adds, per target, ``align_<target>_<measure>`` (the measure: ``agree``, ``kappa``, ``pi`` or ``s``) and
    ``align_<target>_n`` (the joint roll calls). Inside the years the votes cover, ``n`` is 0 where the two
    never voted on the same roll call, and the measure is then missing; outside them, and for the target's
    own rows, both are missing.
    """
    meta = _require(df, "state-year", "add_alignment")
    targets = [with_] if isinstance(with_, str) else list(with_ or [])
    if not targets:
        raise UsageError("add_alignment needs a state or bloc to compare with (with_=, e.g. 'RUS' or 'nato')",
                         value=with_, field="with_", allowed="a state (ISO code or name) or an organisation")
    if data is None:
        raise DataMissingError("no UN votes: import them (allegiance data import un_votes ...) and pass the data store",
                               value="un_votes", field="data", allowed="a data store with UN votes imported")
    from allegiance.measure.series import alignment_by_state_year

    first, last = meta["years"]
    states = sorted({s for s in df["iso3"].dropna().unique()})
    out, datasets = df, []
    for target in targets:
        res = alignment_by_state_year(data, store, target, states=states, start=first, end=last, measure=measure,
                                      source=source)
        slug = "".join(ch if ch.isalnum() else "_" for ch in res["with"].lower())
        col, ncol = f"align_{slug}_{measure}", f"align_{slug}_n"
        clash = [c for c in (col, ncol) if c in out.columns]
        if clash:
            raise UsageError(f"the table already has {clash[0]}: add_alignment with {res['with']} was applied already",
                             value=clash[0], field="columns", allowed="a table without that alignment's columns")
        import pandas as pd

        right = pd.DataFrame(res["rows"], columns=["iso3", "year", col, ncol]).astype(
            {"iso3": "object", "year": "Int32", col: "Float64", ncol: "Int32"})
        out = out.merge(right, on=["iso3", "year"], how="left")
        lo, hi = res["years"]
        covered = out["year"].between(lo, hi) & out["iso3"].notna() & ~out["iso3"].isin(res["itself"])
        out[ncol] = out[ncol].where(~covered | out[ncol].notna(), 0).where(covered)
        out[col] = out[col].where(covered)
        datasets.append({"alignment": {"with": res["with"], "type": res["type"], "measure": measure,
                                       "source": res["source"], "years": [lo, hi]}})
    out.attrs[_KEY] = {**meta, "datasets": [*meta.get("datasets", []), *datasets]}
    return out


_IDEAL_COLS = ("ideal_point", "ideal_point_lo", "ideal_point_hi", "ideal_point_n_votes")


def add_ideal_points(df, points):
    """UN ideal points of each state-year: ``points`` is an estimate (an
    :class:`allegiance.measure.ideal.IdealPoints`, from ``estimate_ideal_points``) or the path to Bailey,
    Strezhnev and Voeten's published file (``IdealpointestimatesAll_Apr2020.csv``, or the directory holding
    ``idealpoints/``). Session ``n`` is the year it opened, ``1945 + n``.

    Adds ``ideal_point``, ``ideal_point_lo`` and ``ideal_point_hi`` (the estimate's band; BSV's 5% and 95%
    quantiles) and ``ideal_point_n_votes``. A state with no ideal point in a session (not a member, or no
    votes) has missing values, never 0, inside the sessions covered as outside them.
    """
    meta = _require(df, "state-year", "add_ideal_points")
    clash = [c for c in _IDEAL_COLS if c in df.columns]
    if clash:
        raise UsageError(f"the table already has {clash[0]}: add_ideal_points was applied already",
                         value=clash[0], field="columns", allowed="a table without the ideal-point columns")
    from pathlib import Path

    from allegiance.measure.ideal import IdealPoints

    if isinstance(points, IdealPoints):
        keyed = {(str(s), int(n)): (float(p), float(lo), float(hi), int(v)) for s, n, p, lo, hi, v in
                 zip(points.state, points.session, points.ideal_point, points.lo, points.hi, points.n_votes)}
        info = {"ideal_points": "estimated", "summary": {k: v for k, v in (points.info or {}).items()
                                                        if isinstance(v, (str, int, float, bool))}}
    elif isinstance(points, (str, Path)):
        import hashlib

        from allegiance.measure.ideal.validate import read_bsv

        bsv = read_bsv(points)
        keyed = {k: (v["ideal_point"], v["q05"], v["q95"], int(v["n_votes"])) for k, v in bsv.items()}
        file = Path(points) if Path(points).is_file() else Path(points) / "idealpoints" / \
            "IdealpointestimatesAll_Apr2020.csv"
        info = {"ideal_points": "published: Bailey, Strezhnev and Voeten (2017), April 2020 release",
                "file": file.name, "sha256": hashlib.sha256(file.read_bytes()).hexdigest()}
    else:
        raise UsageError(f"add_ideal_points takes an IdealPoints estimate or the path to the published file, not "
                         f"{shorten(type(points).__name__)}", value=type(points).__name__, field="points",
                         allowed="an IdealPoints, or a path to IdealpointestimatesAll_Apr2020.csv")
    if not keyed:
        raise UsageError("the ideal points are empty", value="", field="points", allowed="at least one state-session")
    from allegiance.measure.data.codes import lineage

    def find(code, year):
        for c in lineage(code) if code else ():
            got = keyed.get((c, int(year) - 1945))
            if got is not None:
                return got
        return (None, None, None, None)

    import pandas as pd

    vals = [find(c, y) for c, y in zip(df["iso3"], df["year"])]
    out = df.copy()
    for i, col in enumerate(_IDEAL_COLS):
        out[col] = pd.array([v[i] for v in vals], dtype="Int32" if col.endswith("n_votes") else "Float64")
    sessions = sorted({n for _s, n in keyed})
    out.attrs[_KEY] = {**meta, "datasets": [*meta.get("datasets", []), {
        **info, "sessions": [sessions[0], sessions[-1]], "years": [1945 + sessions[0], 1945 + sessions[-1]]}]}
    return out


def _join(df, right):
    """Join on the COW code and year where the table has COW codes, else on the ISO code and year."""
    if df["ccode"].notna().all() and right["ccode"].notna().all():
        return df.merge(right.drop(columns=["iso3"]), on=["ccode", "year"], how="left")
    return df.merge(right.drop(columns=["ccode"]), on=["iso3", "year"], how="left")
