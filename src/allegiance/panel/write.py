"""Writing the panel in the field's formats, with its codebook beside it, and citing it.

Formats: ``csv`` (text; values as words), ``parquet`` (pyarrow; labels and criteria as dictionary-encoded
columns, dates as dates), ``dta`` (Stata format 118, Stata 14 on, written by :mod:`._dta` column by column:
labels and criteria as labelled integers, the repeated text columns as strL; the bytes pandas' ``to_stata``
writes, in seconds instead of minutes for a state-day panel), ``rds`` (R's serialization, written by
:mod:`._rds` column by column: labels, criteria and the repeated text columns as factors, dates as R's
``Date``, whole numbers as integers). The codebook (Markdown) is written next to the file as
``FILE.codebook.md``; :func:`codebook` without a panel gives the generic one in ``docs/panel-codebook.md``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from allegiance.errors import DataError, UsageError, shorten
from allegiance.panel.build import CRITERION_VALUES, LABEL_VALUES, PANEL_START, Panel, column_of, kb_info
from allegiance.status import CRITERIA, LABELS
from allegiance.status.labels import formula_text

__all__ = ["FORMATS", "cite_posture", "codebook", "write_panel"]

FORMATS = ("csv", "parquet", "dta", "rds")

_CITATION = ("allegiance posture panel: the foreign-policy postures of states (allied, non-aligned, permanently "
             "neutral, post-neutral, militarily non-aligned, de facto neutral, strategically autonomous, aspiring), "
             "derived by explicit criteria from the allegiance knowledge base, version {version}, knowledge-base "
             "checksum (SHA-256 of its YAML files) {sha256}, horizon {horizon}.")


def cite_posture(store) -> dict[str, Any]:
    """How to cite the posture panel: the knowledge base's version, checksum and horizon (docs/json.md,
    ``data cite``)."""
    kb = kb_info(store)
    return {"count": 1, "citations": [{
        "kind": "posture", "title": "allegiance posture panel (states' postures by explicit criteria, 1946 on)",
        "imported": True, "version": kb["version"], "sha256": kb["sha256"],
        "citation": _CITATION.format(**kb), "license": "MIT (allegiance); each statement's source as cited"}]}


def _for_stata(df):
    """The panel as :func:`write_dta` takes it: whole numbers that may be missing (``Int32``) as doubles, where
    Stata's ``.`` can stand for a missing one."""
    return df.assign(**{c: df[c].astype("float64") for c in df.columns if str(df[c].dtype) == "Int32"})


_CODED = frozenset({column_of(k) for k in LABELS} | {column_of(k, criterion=True) for k in CRITERIA})
# text that repeats row after row: stored once in the file (Stata's strL), each row pointing at it
_STRL = frozenset({"provenance", "unknown_reasons", "atop_defense_allies"})


def write_panel(panel: Panel, path: Path | str, *, fmt: str | None = None) -> dict[str, Any]:
    """Write ``panel`` to ``path`` as ``fmt`` (default: from the suffix) and its codebook beside it.

    Returns what was written (docs/json.md, ``panel``).
    """
    path = Path(path)
    fmt = (fmt or path.suffix.lstrip(".")).lower()
    if fmt not in FORMATS:
        raise UsageError(f"unknown panel format {shorten(fmt)}: expected one of {', '.join(FORMATS)}", value=fmt,
                         field="format", allowed=", ".join(FORMATS))
    df = panel.frame
    try:
        if fmt == "csv":
            df.to_csv(path, index=False, date_format="%Y-%m-%d")
        elif fmt == "parquet":
            df.to_parquet(path, index=False, engine="pyarrow")
        elif fmt == "dta":
            from allegiance.panel._dta import write_dta  # NumPy on first use only

            write_dta(_for_stata(df), path, labelled=_CODED, strl=_STRL, data_label="allegiance posture panel")
        else:
            from allegiance.panel._rds import write_rds

            # gzip level 1: on these repetitive columns as small as level 6 (within 3 %), three times faster
            write_rds(df, path, factors=_CODED | _STRL, compresslevel=1)
    except OSError as exc:
        raise DataError(f"{path}: cannot write the panel ({exc.strerror or exc})", value=str(path), field="output",
                        allowed="a writable file") from None
    book = path.with_name(path.name + ".codebook.md")
    try:
        book.write_text(codebook(panel, fmt=fmt, file=path.name))
    except OSError as exc:
        raise DataError(f"{book}: cannot write the codebook ({exc.strerror or exc})", value=str(book),
                        field="output", allowed="a writable file") from None
    return {"file": str(path), "format": fmt, "unit": panel.unit, "from": panel.start.isoformat(),
            "to": panel.end.isoformat(), "rows": int(len(df)), "columns": list(map(str, df.columns)),
            "codebook": str(book), "sources": panel.sources}


def codebook(panel: Panel | None = None, *, fmt: str | None = None, file: str | None = None) -> str:
    """The codebook (Markdown): every column, its values, where each comes from; with ``panel``, also the
    file, its range, unit, rows and sources (the knowledge base's checksum, the COW and ATOP versions)."""
    lines = ["# allegiance posture panel: codebook", ""]
    if panel is None:
        lines += ["<!-- generated by scripts/gen_docs.py (allegiance.panel.write.codebook); do not edit -->", "",
                  "The generic codebook. `allegiance panel` writes one beside every file it writes "
                  "(`FILE.codebook.md`), with that file's range, unit, rows and sources.", ""]
    else:
        kb = panel.sources["knowledge_base"]
        sysinfo = panel.sources["system"]
        atop = panel.sources.get("atop")
        lines += [f"- file: `{file}` ({fmt}), unit `{panel.unit}`, {len(panel.frame):,} rows, "
                  f"{panel.start.isoformat()} to {panel.end.isoformat()}",
                  f"- knowledge base: allegiance {kb['version']}, checksum `{kb['sha256']}`, horizon {kb['horizon']}, "
                  f"{kb['statements']} statements",
                  f"- state system: {sysinfo['system']} ({sysinfo['states']} states"
                  + (f", COW version {sysinfo.get('version')}, file SHA-256 `{sysinfo.get('sha256')}`"
                     if sysinfo["system"] == "cow" else "") + f"); {sysinfo['note']}",
                  "- ATOP: " + (f"years {atop['years'][0]}-{atop['years'][1]}, version "
                                f"{atop['version'] or 'not recorded at import'}, file SHA-256 `{atop['sha256']}`. "
                                f"{atop['citation']}" if atop else "not imported (no atop_* columns)"),
                  "", "Cite: " + _CITATION.format(**kb), ""]
    lines += ["## Rows", "",
              "- `spell`: one row per state and stretch of days over which every value below is the same "
              "(`start`, `end`, both included; `days`).",
              "- `state-day`: one row per state and day (`date`).",
              "- `state-year`: one row per state and year it was in the system; the values are those of `as_of`, "
              "the year's last day in the system and in the range (31 December, or the day it left, or the "
              "range's end); where a COW state's ISO code changes within a year (COW 345: Yugoslavia, then Serbia "
              "and Montenegro in 2003), the row carries the code of that day.",
              "",
              f"States: every state of the Correlates of War state list on the days it was in the system, where the "
              f"list is imported (`allegiance data import cow_states FILE`); states still in the system on the "
              f"list's last day are carried on to the panel's end (`system` = `cow+`, as peacesciencer's "
              f"`mry = TRUE`). Without it, the knowledge base's states over the whole range (`system` = `kb`). "
              f"The first day is {PANEL_START.isoformat()}; the last, at most, the knowledge base's horizon (the "
              "newest date any of its sources was read).", "",
              "## Columns", "", "| column | meaning | values |", "|---|---|---|",
              "| `iso3` | ISO 3166-1 alpha-3 code of the state on those days (ISO 3166-3 for former states: SUN, "
              "YUG, CSK, DDR, ...; X.. codes of our own, docs/identifiers.md) | text |",
              "| `ccode` | Correlates of War state code | integer; missing where the state has none |",
              "| `name` | the state's name (COW's where imported) | text |",
              "| `start`, `end`, `days` / `date` / `year`, `as_of` | the period (by unit) | dates, integers |",
              "| `system` | where the state's presence in the system comes from | `cow`, `cow+`, `kb` |"]
    for lid, lb in LABELS.items():
        lines.append(f"| `{column_of(lid)}` | label **{lb.name}**: {_cell(lb.definition)} Formula: "
                     f"`{formula_text(lb.formula)}` (Kleene logic) | {', '.join(LABEL_VALUES.values())} |")
    for cid, c in CRITERIA.items():
        law = f" ({_cell(c.law)})" if c.law else ""
        lines.append(f"| `{column_of(cid, criterion=True)}` | criterion **{c.name}**: {_cell(c.definition)}{law} "
                     f"| {', '.join(CRITERION_VALUES)} |")
    lines += ["| `atop_defense` | ATOP (where imported): 1 if an alliance with a defence obligation links the state "
              "to another that year, 0 if none (a true zero), missing outside ATOP's years (to 2018). By year: "
              "ATOP does not give days | 1, 0, missing |",
              "| `atop_defense_allies` | ATOP: the COW codes of those states, space-separated | text |",
              "| `provenance` | the ids of the knowledge-base statements the criteria rest on, space-separated "
              "(`allegiance facts STATE --as-of DAY` lists them with their sources and quoted passages) | text |",
              "| `unknown_reasons` | why each `unknown` criterion is unknown: the criteria with the same reason, then "
              "the reason (`mutual-defence, nam-member: reason`), groups separated by ` \\| ` | text |", "",
              "## How values are decided", "",
              "Each criterion is the status layer's (docs/status.md), evaluated on the first day of a stretch and "
              "standing until a statement it read can change; labels follow from the criteria. An answer that "
              "would rest on the *absence* of a record (\"no alliance membership is recorded\") is `unknown` "
              "before 1990-01-01 (the knowledge base is kept complete from then on; NAM and NATO membership from "
              "1946, since both record every member from the organisation's founding) and for a state the "
              "knowledge base does not name, with that reason in `unknown_reasons`. The knowledge base's "
              "mutual-defence "
              "criterion reads the treaties it records (NATO, the CST/CSTO, the Union State and others); ATOP's "
              "`atop_defense` is given beside it, never merged into it: where they disagree, both are shown "
              "(docs/posture-atop-crosscheck.md).", "",
              "Formats: in `dta`, labels and criteria are labelled integers (value labels), and `provenance`, "
              "`unknown_reasons` and `atop_defense_allies` are strL (each text stored once); in `rds`, labels, "
              "criteria and those three text columns are factors, and dates are R's `Date`; in `parquet`, "
              "dictionary-encoded text and dates; in `csv`, text.", ""]
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
