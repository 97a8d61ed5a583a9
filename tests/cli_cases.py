"""The commands the JSON-schema and snapshot tests run: real questions, through the real CLI (Typer's runner).

Each :class:`CliCase` is one command line. ``schema`` names its output's schema
(``src/allegiance/schemas/<schema>.json``; None for a renderer that has no JSON,
such as ``assess --format md``). The facts-layer questions are asked twice: of
the shipped knowledge base (schemas) and of the small fixture knowledge base
(snapshots that only change when the rendering does). The measure commands read
the fixture votes (tests/fixtures/measure), imported once per session into a
temporary data store.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import FIXTURE_KB

MEASURE_FIX = Path(__file__).resolve().parent / "fixtures" / "measure"
MEASURE_KB = MEASURE_FIX / "kb"
SOURCES_FIX = Path(__file__).resolve().parent / "fixtures" / "sources"
IMPORT_KINDS = ("un_roll_calls", "un_votes", "un_roll_call_issues")


@dataclass(frozen=True)
class CliCase:
    id: str
    args: tuple[str, ...]
    schema: str | None  # None: a text-only renderer
    kb: Path | None = None  # None: the shipped knowledge base
    data: bool = False  # reads the fixture data store
    json_args: tuple[str, ...] = ("--json",)  # what asks this command for JSON

    def argv(self, env: "CliEnv", *, as_json: bool) -> list[str]:
        out = ["--kb", str(self.kb)] if self.kb is not None else []
        out += [a.replace("{root}", str(env.root)) for a in self.args]  # {root}: a file the command writes
        if self.data:
            out += ["--data", str(env.data)]
        if as_json:
            out += list(self.json_args)
        return out


def C(id, *args, schema=None, kb=None, data=False, json_args=("--json",)):
    return CliCase(id, tuple(args), schema, kb, data, json_args)


SMALL = FIXTURE_KB
US = ("--in", "union-state")

CASES: list[CliCase] = [
    # facts layer: the shipped knowledge base
    C("facts-blr-2020", "facts", "BLR", "--as-of", "2020-07-01", schema="facts"),
    C("facts-fin-2024", "facts", "FIN", "--as-of", "2024-01-01", schema="facts"),
    C("facts-blr-2023-known-by-2020", "facts", "BLR", "--as-of", "2023-01-01", "--known-by", "2020-12-31",
      schema="facts"),
    C("timeline-blr-2014-2020", "timeline", "BLR", "--from", "2014", "--to", "2020", schema="timeline"),
    C("timeline-fin", "timeline", "Finland", schema="timeline"),
    C("sources", "sources", schema="sources"),
    C("sources-sivitsky", "sources", "sivitsky-2020", schema="sources"),
    C("sources-footnote", "sources", "sivitsky-2020-n21", schema="sources"),
    C("conflicts", "conflicts", schema="conflicts"),
    # facts layer: the small fixture knowledge base
    C("small-facts", "facts", "BLR", "--as-of", "2020-07-01", schema="facts", kb=SMALL),
    C("small-facts-known-by", "facts", "BLR", "--as-of", "2023-01-01", "--known-by", "2021-01-01", schema="facts",
      kb=SMALL),
    C("small-timeline", "timeline", "BLR", schema="timeline", kb=SMALL),
    C("small-sources", "sources", schema="sources", kb=SMALL),
    C("small-source", "sources", "paper-2020", schema="sources", kb=SMALL),
    C("small-sources-import", "sources", "import", str(SOURCES_FIX / "article.txt"), "--id", "paper-2020",
      schema="sources-import", kb=SMALL),
    C("small-sources-anchor", "sources", "anchor", "--texts", str(SOURCES_FIX / "texts"), schema="sources-anchor",
      kb=SMALL),
    C("small-conflicts", "conflicts", schema="conflicts", kb=SMALL),
    # rules
    C("arrangements", "arrangements", schema="arrangements"),
    C("can-threatened", "can", "bring-russian-forces-into-blr", *US, "--mode", "threatened-period", schema="can"),
    C("can-any-mode", "can", "bring-russian-forces-into-blr", *US, schema="can"),
    C("can-consent", "can", "appoint-urads-commander", *US, "--mode", "peacetime", "--consent",
      "BLR.president,RUS.president", schema="can"),
    C("can-unknown-2016", "can", "bring-russian-forces-into-blr", *US, "--mode", "threatened-period", "--as-of",
      "2016-06-01", schema="can"),
    C("who-commands-urads", "who-commands", "urads", *US, "--mode", "threatened-period", schema="who-commands"),
    C("who-commands-rgf-peacetime", "who-commands", "rgf", *US, "--mode", "peacetime", schema="who-commands"),
    C("who-commands-urads-2009", "who-commands", "urads", *US, "--mode", "peacetime", "--as-of", "2009-06-01",
      schema="who-commands"),
    C("vetoes-union-state", "vetoes", "union-state", schema="vetoes"),
    C("vetoes-one-action", "vetoes", "union-state", "station-russian-forces-in-blr", schema="vetoes"),
    C("vetoes-csto-2010", "vetoes", "csto", "csto-decision", "--as-of", "2010-01-01", "--mode", "peacetime",
      schema="vetoes"),
    C("power-eu-council", "power", "eu-council", "--in", "eu-council-qmv", schema="power"),
    C("power-supreme-state-council", "power", "supreme-state-council", *US, schema="power"),
    C("diff-armenia-model-blr", "diff", "union-state", "sidorov-armenia-model", "--state", "BLR", schema="diff"),
    C("diff-abkhazia-model", "diff", "union-state", "shoigu-abkhazia-model", schema="diff"),
    C("record-2015", "record", "union-state", "--from", "2015", "--to", "2015", schema="record"),
    C("record-2022-02-24", "record", "union-state", "--from", "2022-02-24", "--to", "2022-02-24", schema="record"),
    C("record-all", "record", "union-state", schema="record"),
    C("verify-property", "verify", "union-state", "no-foreign-forces-without-blr-consent", schema="verify"),
    C("verify-counterexample", "verify", "union-state", "--check", "can-act-alone", "--state", "BLR", "--actions",
      "station-russian-forces-in-blr", schema="verify"),
    # status
    C("status-blr-2020", "status", "BLR", "--as-of", "2020-07-01", schema="status"),
    C("status-blr-2022", "status", "BLR", "--as-of", "2022-03-01", schema="status"),
    C("status-fin-2024", "status", "FIN", "--as-of", "2024-01-01", schema="status"),
    C("status-all-2022", "status", "--all", "--as-of", "2022-03-01", schema="status"),
    C("compare-2022", "compare", "BLR", "FIN", "SWE", "AUT", "IRL", "CHE", "TKM", "UKR", "--as-of", "2022-03-01",
      schema="compare"),
    C("changes-fin", "changes", "FIN", "--from", "2020-01-01", "--to", "2025-01-01", schema="changes"),
    C("changes-blr", "changes", "BLR", "--from", "2020-07-01", "--to", "2023-01-01", schema="changes"),
    C("assess-blr-json", "assess", "BLR", "--as-of", "2023-01-01", "--since", "2020-07-01", schema="assess",
      data=True, json_args=("--format", "json")),
    C("assess-fin-json", "assess", "FIN", "--as-of", "2024-01-01", schema="assess", json_args=("--format", "json")),
    C("assess-blr-md", "assess", "BLR", "--as-of", "2023-01-01", "--since", "2020-07-01", "--format", "md",
      data=True),
    C("assess-blr-html", "assess", "BLR", "--as-of", "2023-01-01", "--since", "2020-07-01", "--format", "html",
      data=True),
    C("assess-fin-md", "assess", "FIN", "--as-of", "2024-01-01", "--format", "md"),
    # measure: the fixture votes
    C("data-versions", "data", "versions", schema="data-versions", data=True),
    C("data-cite", "data", "cite", schema="data-cite", data=True),
    C("data-cite-un-votes", "data", "cite", "un_votes", schema="data-cite", data=True),
    C("align-kappa", "align", "BLR", "--with", "RUS,pact", "--measure", "kappa", schema="align", kb=MEASURE_KB,
      data=True),
    C("align-by-year-published", "align", "BY", "--with", "RUS,USA", "--by", "year", "--source", "published",
      schema="align", kb=MEASURE_KB, data=True),
    C("cohesion-pact", "cohesion", "pact", schema="cohesion", kb=MEASURE_KB, data=True),
    C("ideal-all", "ideal", schema="ideal", data=True),
    C("ideal-blr-rus", "ideal", "BLR", "RUS", schema="ideal", data=True),
    # the posture panel (the knowledge base's states: the fixture data store has no COW list)
    C("panel-spells-fin-che", "panel", "--unit", "spell", "--states", "FIN,CHE", "--from", "2020-01-01", "--to",
      "2024-12-31"),
    C("panel-dta", "panel", "--states", "FIN,CHE,BLR", "--from", "2015-01-01", "--to", "2020-12-31", "-o",
      "{root}/posture.dta", schema="panel"),
    C("data-cite-posture", "data", "cite", "posture", schema="data-cite"),
]


_STORE = re.compile(r"(data store: |\"store\": \")[^\n\"]+")
_STAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?\+00:00")


def scrub(text: str) -> str:
    """Output without what differs from machine to machine or run to run: the data store's path, import times."""
    return _STAMP.sub("<imported-at>", _STORE.sub(r"\1<data-store>", text))


def import_path(kind: str) -> Path:
    return MEASURE_FIX / ("published.csv" if kind == "unvotes_published" else f"fx_{kind}.csv")


class CliEnv:
    """A private cache and a data store holding the fixture votes; runs the CLI in them."""

    def __init__(self, root: Path):
        from typer.testing import CliRunner

        self.root = root
        self.data = root / "data.duckdb"
        self.env = {"ALLEGIANCE_CACHE": str(root / "cache"), "ALLEGIANCE_DATA": str(self.data)}
        self.runner = CliRunner()
        # each fixture file imported as text, then again with --force as JSON, then once more (unchanged) as text
        self.imports: list[tuple[str, str, dict, str]] = []
        for kind in ("unvotes_published", *IMPORT_KINDS):
            path = import_path(kind)
            argv = ["--kb", str(MEASURE_KB), "data", "import", kind, str(path)]
            first = self.invoke(argv)
            forced = json.loads(self.invoke(argv + ["--force", "--json"]))
            self.imports.append((kind, first, forced, self.invoke(argv)))

    def invoke(self, argv: list[str]) -> str:
        from allegiance.cli import app

        r = self.runner.invoke(app, argv, env=self.env)
        assert r.exit_code == 0, f"allegiance {' '.join(argv)}: exit {r.exit_code}\n{r.output}"
        return r.stdout

    def run(self, case: CliCase, *, as_json: bool = False) -> str:
        return self.invoke(case.argv(self, as_json=as_json))
