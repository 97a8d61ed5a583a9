"""The dataset kinds allegiance imports: their columns, checks, typed tables and citations.

Each kind is one publisher's file format. A file is read into a staging
table of text columns (CSV through DuckDB's reader, R data through
``pyreadr``), every row is checked in SQL, and only a file with no errors
becomes the kind's typed table. Checks have a severity:

- ``error``: the row would corrupt a measure (a vote code that is not one,
  an unknown state code, a duplicate vote, a roll call whose session differs
  between rows). The import is refused; nothing changes.
- ``warning``: an auxiliary field (an issue flag, ``importantvote``) holds
  something that is not a valid value. The value is stored as missing, and
  the row is reported, and kept in ``import_problems``. ``--strict`` turns
  warnings into errors.

SQL helpers used in the checks (created per import): ``_int(x)`` (an
integer, also from ``1946.0``, else NULL), ``_na(x)`` (empty, NULL or R's
``NA``: a missing number or date), ``_blank(x)`` (empty or NULL: a missing
text; ``NA`` is Namibia's country code), ``_date(x)`` (ISO ``1946-01-01`` or
the publisher's ``1/1/1946``), ``_q(x)`` (the value quoted for a message).
The importer parses each column once and rewrites ``_int``/``_date`` to use it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from allegiance.errors import DataError

__all__ = ["Kind", "Check", "KINDS", "get_kind", "ISSUES", "VOTE_CODES"]

ISSUES: dict[str, str] = {
    "me": "Palestinian conflict",
    "nu": "Nuclear weapons and nuclear material",
    "di": "Arms control and disarmament",
    "hr": "Human rights",
    "co": "Colonialism",
    "ec": "Economic development",
}

VOTE_CODES = {1: "yes", 2: "abstain", 3: "no", 8: "absent", 9: "not a member"}

_UNGA = ("Erik Voeten, Anton Strezhnev and Michael Bailey. United Nations General Assembly Voting Data. "
         "Harvard Dataverse, hdl:1902.1/12379. See also Michael A. Bailey, Anton Strezhnev and Erik Voeten, "
         "\"Estimating Dynamic State Preferences from United Nations Voting Data\", Journal of Conflict "
         "Resolution 61(2), 2017: 430-456.")
_UNVOTES = (_UNGA + " As packaged by David Robinson, unvotes: United Nations General Assembly Voting Data, "
            "R package (https://github.com/dgrtwo/unvotes).")
_PEACESCIENCER = ("As packaged by Steven V. Miller, \"peacesciencer: An R Package for Quantitative Peace Science "
                  "Research\", Conflict Management and Peace Science 39(6), 2022: 755-779.")


@dataclass(frozen=True)
class Check:
    """One row check: rows where ``bad`` (SQL over the staged text columns) is true are reported."""

    field: str
    bad: str
    message: str  # SQL expression
    severity: str = "error"


@dataclass(frozen=True)
class Kind:
    """A dataset kind: a publisher's file format and where its rows go."""

    name: str
    title: str
    columns: tuple[str, ...]          # required, in the publisher's order
    r_object: str                     # the object's name in the publisher's R data file
    citation: str
    license: str
    typed: str                        # SELECT list building the typed table from _stage
    checks: tuple[Check, ...]
    keys: tuple[str, ...] = ()        # a row is a duplicate if these typed expressions repeat
    key_field: str = ""               # the field a duplicate is reported under
    key_message: str = ""             # SQL; may use {first} for the first line of the key
    same_within: tuple[str, tuple[str, ...]] | None = None  # (group expr, exprs that must agree within it)
    coverage: str = ""                # SELECT over the typed table `t` returning one row of JSON
    source: str | None = None         # the vote source it belongs to (store.SOURCES)
    version_column: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)


def _int_check(col: str, what: str = "an integer", *, lo: int | None = None, hi: int | None = None,
               required: bool = True, severity: str = "error") -> Check:
    cond = [f"_int({col}) IS NULL"]
    if lo is not None:
        cond.append(f"_int({col}) < {lo}")
    if hi is not None:
        cond.append(f"_int({col}) > {hi}")
    bad = " OR ".join(cond)
    if not required:
        bad = f"NOT _na({col}) AND ({bad})"
    opt = " (or empty)" if not required else ""
    return Check(col, bad, f"'expected {what}{opt}, got ' || _q({col})", severity)


def _flag_check(col: str, severity: str = "warning", required: bool = False) -> Check:
    bad = f"_int({col}) IS NULL OR _int({col}) NOT IN (0, 1)"
    if not required:
        bad = f"NOT _na({col}) AND ({bad})"
    tail = "; stored as missing" if severity == "warning" else ""
    return Check(col, bad, f"'expected 0 or 1{'' if required else ' (or empty)'}, got ' || _q({col}) || '{tail}'",
                 severity)


def _flag(col: str) -> str:
    return f"CAST(CASE WHEN _int({col}) IN (0, 1) THEN _int({col}) END AS TINYINT) AS {col}"


_PUBLISHED = Kind(
    key_field="ccode",
    name="unvotes_published",
    title="UN General Assembly roll-call votes, the publisher's long format (UNVotesPublished)",
    columns=("rcid", "session", "vote", "ccode", "member", "importantvote", "date", "unres",
             "me", "nu", "di", "hr", "co", "ec", "year"),
    r_object="x",
    citation=_UNGA,
    license="CC0 1.0",
    source="published",
    typed=("CAST(_int(rcid) AS INTEGER) AS rcid, CAST(_int(session) AS SMALLINT) AS session, "
           "CAST(_int(vote) AS TINYINT) AS vote, CAST(_int(ccode) AS SMALLINT) AS ccode, "
           "CAST(CASE WHEN _int(member) = 1 THEN 1 END AS TINYINT) AS member, " + _flag("importantvote") + ", "
           "_date(date) AS date, nullif(unres, '') AS unres, " + ", ".join(_flag(c) for c in ISSUES) + ", "
           "CAST(_int(year) AS SMALLINT) AS year"),
    checks=(
        _int_check("rcid", "a positive roll-call id", lo=1),
        _int_check("session", "a session number from 1", lo=1, hi=1000),
        Check("vote", "_int(vote) IS NULL OR _int(vote) NOT IN (1, 2, 3, 8, 9)",
              "'expected a vote code: 1 (yes), 2 (abstain), 3 (no), 8 (absent) or 9 (not a member), got ' || _q(vote)"),
        Check("ccode", "_int(ccode) IS NULL OR _int(ccode) NOT IN (SELECT ccode FROM _cow)",
              "'expected a Correlates of War state code, got ' || _q(ccode)"),
        Check("ccode", "_int(ccode) IN (SELECT ccode FROM _cow) AND _int(vote) IN (1, 2, 3) AND NOT EXISTS ("
                       "SELECT 1 FROM _cow m WHERE m.ccode = _int(ccode) AND m.iso3 IS NOT NULL "
                       "AND (m.lo IS NULL OR coalesce(_date(date), make_date(_int(year)::INT, 7, 1)) >= m.lo) "
                       "AND (m.hi IS NULL OR coalesce(_date(date), make_date(_int(year)::INT, 7, 1)) < m.hi))",
              "'COW state ' || _q(ccode) || ' has no ISO code on ' || coalesce(CAST(_date(date) AS VARCHAR), year)"),
        Check("member", "NOT _na(member) AND _int(member) IS DISTINCT FROM 1",
              "'expected 1 or empty, got ' || _q(member) || '; stored as missing'", "warning"),
        _flag_check("importantvote"),
        Check("date", "NOT _na(date) AND _date(date) IS NULL",
              "'expected a date (1946-01-01 or 1/1/1946), got ' || _q(date)"),
        *(_flag_check(c) for c in ISSUES),
        _int_check("year", "a year", lo=1900, hi=2200),
    ),
    keys=("_int(rcid)", "_int(ccode)"),
    key_message="'duplicate vote: state ' || _int(ccode) || ' in roll call ' || _int(rcid) || ' again (first on line ' || {first} || ')'",
    same_within=("_int(rcid)", ("_int(session)", "_date(date)")),
    coverage=("SELECT json_object('sessions', [min(session), max(session)], "
              "'years', [min(coalesce(year(date), year)), max(coalesce(year(date), year))], "
              "'roll_calls', count(DISTINCT rcid), 'states', count(DISTINCT ccode)) FROM t"),
)

_UN_VOTES = Kind(
    key_field="country_code",
    name="un_votes",
    title="UN General Assembly votes by country (unvotes package: un_votes)",
    columns=("rcid", "country", "country_code", "vote"),
    r_object="un_votes",
    citation=_UNVOTES,
    license="CC0 1.0 (data); MIT (package)",
    source="unvotes",
    typed=("CAST(_int(rcid) AS INTEGER) AS rcid, country, CASE WHEN _blank(country_code) THEN NULL "
           "ELSE upper(trim(country_code)) END AS country_code, "
           "CAST(CASE lower(trim(vote)) WHEN 'yes' THEN 1 WHEN 'abstain' THEN 2 WHEN 'no' THEN 3 END AS TINYINT) AS vote"),
    checks=(
        _int_check("rcid", "a positive roll-call id", lo=1),
        Check("vote", "vote IS NULL OR lower(trim(vote)) NOT IN ('yes', 'abstain', 'no')",
              "'expected yes, abstain or no, got ' || _q(vote)"),
        Check("country_code", "NOT _blank(country_code) AND upper(trim(country_code)) NOT IN (SELECT code FROM _iso2)",
              "'expected an ISO 3166 alpha-2 code, got ' || _q(country_code)"),
        Check("country_code", "_blank(country_code) AND (country IS NULL OR country NOT IN (SELECT name FROM _names))",
              "'no country code, and the country ' || _q(country) || ' is not one allegiance can code "
              "(see allegiance.measure.data.codes.NAME_CODES)'"),
    ),
    keys=("_int(rcid)", "coalesce(upper(trim(country_code)), country)"),
    key_message="'duplicate vote: ' || coalesce(country_code, country) || ' in roll call ' || _int(rcid) || ' again (first on line ' || {first} || ')'",
    coverage="SELECT json_object('roll_calls', count(DISTINCT rcid), 'states', count(DISTINCT country)) FROM t",
)

_UN_ROLL_CALLS = Kind(
    key_field="rcid",
    name="un_roll_calls",
    title="UN General Assembly roll calls (unvotes package: un_roll_calls)",
    columns=("rcid", "session", "importantvote", "date", "unres", "amend", "para", "short", "descr"),
    r_object="un_roll_calls",
    citation=_UNVOTES,
    license="CC0 1.0 (data); MIT (package)",
    source="unvotes",
    typed=("CAST(_int(rcid) AS INTEGER) AS rcid, CAST(_int(session) AS SMALLINT) AS session, "
           + _flag("importantvote") + ", _date(date) AS date, nullif(unres, '') AS unres, " + _flag("amend") + ", "
           + _flag("para") + ", nullif(short, '') AS short, nullif(descr, '') AS descr"),
    checks=(
        _int_check("rcid", "a positive roll-call id", lo=1),
        _int_check("session", "a session number from 1", lo=1, hi=1000),
        Check("date", "_date(date) IS NULL", "'expected a date (1946-01-01), got ' || _q(date)"),
        _flag_check("importantvote"),
        _flag_check("amend"),
        _flag_check("para"),
    ),
    keys=("_int(rcid)",),
    key_message="'duplicate roll call ' || _int(rcid) || ' (first on line ' || {first} || ')'",
    coverage=("SELECT json_object('sessions', [min(session), max(session)], 'years', [min(year(date)), max(year(date))], "
              "'roll_calls', count(*)) FROM t"),
)

_UN_ISSUES = Kind(
    key_field="short_name",
    name="un_roll_call_issues",
    title="Issue areas of UN General Assembly roll calls (unvotes package: un_roll_call_issues)",
    columns=("rcid", "short_name", "issue"),
    r_object="un_roll_call_issues",
    citation=_UNVOTES,
    license="CC0 1.0 (data); MIT (package)",
    source="unvotes",
    typed="CAST(_int(rcid) AS INTEGER) AS rcid, lower(trim(short_name)) AS short_name, nullif(issue, '') AS issue",
    checks=(
        _int_check("rcid", "a positive roll-call id", lo=1),
        Check("short_name", "short_name IS NULL OR lower(trim(short_name)) NOT IN ("
                            + ", ".join(f"'{k}'" for k in ISSUES) + ")",
              "'expected an issue area (" + ", ".join(ISSUES) + "), got ' || _q(short_name)"),
    ),
    keys=("_int(rcid)", "lower(trim(short_name))"),
    key_message="'roll call ' || _int(rcid) || ' has issue ' || _q(short_name) || ' twice (first on line ' || {first} || ')'",
    coverage=("SELECT json_object('roll_calls', count(DISTINCT rcid), 'issues', "
              "(SELECT json_group_object(short_name, n) FROM (SELECT short_name, count(*) AS n FROM t "
              "GROUP BY 1 ORDER BY 1))) FROM t"),
)

_ATOP_FLAGS = ("atop_defense", "atop_offense", "atop_neutral", "atop_nonagg", "atop_consul")

_ATOP = Kind(
    key_field="year",
    name="atop_alliance",
    title="ATOP alliance obligations, directed dyad-years (peacesciencer: atop_alliance)",
    columns=("ccode1", "ccode2", "year", *_ATOP_FLAGS),
    r_object="atop_alliance",
    citation=("Brett Ashley Leeds, Jeffrey M. Ritter, Sara McLaughlin Mitchell and Andrew G. Long, \"Alliance Treaty "
              "Obligations and Provisions, 1815-1944\", International Interactions 28, 2002: 237-260 "
              "(ATOP, http://www.atopdata.org). " + _PEACESCIENCER),
    license="ATOP: free for research use with citation; peacesciencer: GPL-2",
    typed=("CAST(_int(ccode1) AS SMALLINT) AS ccode1, CAST(_int(ccode2) AS SMALLINT) AS ccode2, "
           "CAST(_int(year) AS SMALLINT) AS year, "
           + ", ".join(f"CAST(_int({c}) AS TINYINT) AS {c}" for c in _ATOP_FLAGS)),
    checks=(
        *(Check(c, f"_int({c}) IS NULL OR _int({c}) NOT IN (SELECT ccode FROM _cow)",
                f"'expected a Correlates of War state code, got ' || _q({c})") for c in ("ccode1", "ccode2")),
        _int_check("year", "a year", lo=1800, hi=2200),
        *(_flag_check(c, "error", required=True) for c in _ATOP_FLAGS),
    ),
    keys=("_int(ccode1)", "_int(ccode2)", "_int(year)"),
    key_message="'duplicate dyad-year ' || _int(ccode1) || '-' || _int(ccode2) || ' ' || _int(year) || ' (first on line ' || {first} || ')'",
    coverage=("SELECT json_object('years', [min(year), max(year)], 'dyads', "
              "(SELECT count(*) FROM (SELECT DISTINCT ccode1, ccode2 FROM t))) FROM t"),
)

_COW = Kind(
    key_field="ccode",
    name="cow_states",
    title="Correlates of War state system membership (peacesciencer: cow_states)",
    columns=("stateabb", "ccode", "statenme", "styear", "stmonth", "stday", "endyear", "endmonth", "endday",
             "version"),
    r_object="cow_states",
    citation=("Correlates of War Project, \"State System Membership List, v2016\", 2017 "
              "(https://correlatesofwar.org). " + _PEACESCIENCER),
    license="COW: free for research use with citation; peacesciencer: GPL-2",
    version_column="version",
    typed=("stateabb, CAST(_int(ccode) AS SMALLINT) AS ccode, statenme, "
           "make_date(_int(styear)::INT, _int(stmonth)::INT, _int(stday)::INT) AS start_date, "
           "make_date(_int(endyear)::INT, _int(endmonth)::INT, _int(endday)::INT) AS end_date, "
           "CAST(_int(version) AS INTEGER) AS version"),
    checks=(
        Check("stateabb", "_blank(stateabb)", "'expected a COW state abbreviation, got ' || _q(stateabb)"),
        _int_check("ccode", "a COW state code", lo=1, hi=999),
        Check("statenme", "_blank(statenme)", "'expected a state name, got ' || _q(statenme)"),
        *(Check(f"{p}year", f"try(make_date(_int({p}year)::INT, _int({p}month)::INT, _int({p}day)::INT)) IS NULL",
                f"'not a valid date: ' || _q({p}year) || '-' || _q({p}month) || '-' || _q({p}day)")
          for p in ("st", "end")),
        _int_check("version", "a version year"),
    ),
    keys=("_int(ccode)", "_int(styear)", "_int(stmonth)", "_int(stday)"),
    key_message="'duplicate spell for state ' || _int(ccode) || ' (first on line ' || {first} || ')'",
    coverage=("SELECT json_object('years', [min(year(start_date)), max(year(end_date))], "
              "'states', count(DISTINCT ccode), 'spells', count(*)) FROM t"),
)

KINDS: dict[str, Kind] = {k.name: k for k in (_PUBLISHED, _UN_VOTES, _UN_ROLL_CALLS, _UN_ISSUES, _ATOP, _COW)}


def get_kind(name: str) -> Kind:
    """The kind called ``name`` (``un_votes``, ``unvotes_published``, ...); DataError listing them if unknown."""
    key = name.strip().lower().replace("-", "_")
    if key in KINDS:
        return KINDS[key]
    raise DataError(f"unknown dataset kind {name!r}: expected one of {', '.join(KINDS)}")


def guess_kind(columns: list[str]) -> str | None:
    """The kind whose required columns a file's header has, if exactly one fits."""
    have = set(columns)
    fits = [k.name for k in KINDS.values() if set(k.columns) <= have]
    return fits[0] if len(fits) == 1 else None
