"""Reading and checking arrangement files (``kb/arrangements/*.yaml``).

Every problem is reported as ``file:line: field: message`` through
:class:`~allegiance.errors.KnowledgeBaseError`, all at once, and nothing is
half-loaded: :func:`load_arrangements` returns every arrangement or raises.
References are checked against the facts knowledge base (its compiled
store): players must be offices or states there, ``basis`` must name its
statements and citations its sources (the cross-record checks are in
:mod:`allegiance.rules.check`). A :class:`Rulebook` holds plain data only
(records know their own paths; no open connection, no ``id()`` keys), so it
pickles.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from typing import TYPE_CHECKING

from allegiance.errors import KnowledgeBaseError, Problem
from allegiance.facts._yaml import dotted
from allegiance.facts._yaml import line_for as _line_for
from allegiance.facts.digest import default_kb_dir
from allegiance.facts.time import ALWAYS, FuzzyDate, Span

if TYPE_CHECKING:
    from allegiance.rules.conditions import Cond
    from allegiance.rules.model import Arrangement, Body, Force

# Parsing (PyYAML, the checks, the facts loader's messages, the pydantic validators) is imported by
# load_arrangements when it runs: a warm call unpickles the Rulebook (rules/rulebook.py) and needs none of it.

__all__ = ["Catalog", "LoadedArrangement", "Rulebook", "load_arrangements", "arrangements_dir", "arrangement_files"]


def arrangement_files(directory: Path) -> list[Path]:
    """The arrangement files in ``directory``, and any file that looks like YAML under another spelling
    (``x.yml``, ``x.YAML``), which the loader reports rather than skipping."""
    from allegiance.facts.digest import is_yaml_name

    return sorted(p for p in directory.iterdir() if is_yaml_name(p.name)) if directory.is_dir() else []


def arrangements_dir(kb_dir: Path | str | None = None) -> Path:
    return (Path(kb_dir) if kb_dir is not None else default_kb_dir()) / "arrangements"


@dataclass
class Catalog:
    """What arrangements may refer to in the facts knowledge base."""

    entity_type: dict[str, str]
    entity_of: dict[str, str | None]
    entity_name: dict[str, str]
    statements: set[str]
    sources: set[str]
    state_names: dict[str, list[str]] = field(default_factory=dict)  # state id -> name and aliases

    @classmethod
    def from_store(cls, store) -> Catalog:
        ents = store.con.execute("SELECT id, type, of, name, aliases FROM entities").fetchall()
        return cls(
            entity_type={e[0]: e[1] for e in ents},
            entity_of={e[0]: e[2] for e in ents},
            entity_name={e[0]: e[3] for e in ents},
            statements={r[0] for r in store.con.execute("SELECT id FROM statements").fetchall()},
            sources={r[0] for r in store.con.execute("SELECT id FROM sources").fetchall()},
            state_names={e[0]: [e[3], *(e[4] or [])] for e in ents if e[1] == "state"},
        )

    def state_of(self, player: str) -> str | None:
        """The state a player belongs to: itself for a state, the office's state for an office."""
        if self.entity_type.get(player) == "state":
            return player
        of = self.entity_of.get(player)
        seen = set()
        while of is not None and of not in seen:
            if self.entity_type.get(of) == "state":
                return of
            seen.add(of)
            of = self.entity_of.get(of)
        return None


@dataclass
class LoadedArrangement:
    model: Arrangement
    file: str
    lines: dict
    spans: dict[tuple, Span] = field(default_factory=dict)        # path of anything dated -> its span
    conditions: dict[tuple, Cond] = field(default_factory=dict)   # path of a 'requires'/'appointed_by' -> parsed
    bodies: dict[str, Body] = field(default_factory=dict)
    forces: dict[str, Force] = field(default_factory=dict)
    described: FuzzyDate | None = None
    encoded: FuzzyDate | None = None  # the last day its history is encoded to (encoded_until, or described_as_of)
    _where: dict[tuple, str] = field(default_factory=dict, repr=False, compare=False)  # path -> "file:line"

    def line(self, path: tuple) -> int:
        return _line_for(self.lines, path)

    def where(self, path: tuple) -> str:
        out = self._where.get(path)
        if out is None:
            out = self._where[path] = f"{self.file}:{self.line(path)}"
        return out

    def span_of(self, record) -> Span:
        """The valid time of a record of this arrangement (records carry their path: ``record.path``)."""
        return self.spans.get(record.path, ALWAYS)

    def condition_of(self, record, key: str = "requires") -> Cond:
        """The parsed condition a record gives under ``key`` (``requires`` or ``appointed_by``)."""
        return self.conditions[record.path + (key,)]

    def in_force(self, day) -> str:
        """Whether the arrangement as a whole is in force on ``day``: ``yes``, ``possibly`` or ``no``."""
        return self.spans.get((), ALWAYS).holds(day)


@dataclass
class Rulebook:
    """Every arrangement, checked, with the catalog it was checked against."""

    arrangements: dict[str, LoadedArrangement]
    catalog: Catalog


def load_arrangements(store, directory: Path | str | None = None) -> Rulebook:
    """Load and check every arrangement file in ``directory`` (default: the shipped ones)."""
    from pydantic import ValidationError

    from allegiance.facts._yaml import read_yaml
    from allegiance.rules.check import Checker
    from allegiance.rules.model import Arrangement

    directory = Path(directory) if directory is not None else arrangements_dir()
    catalog = Catalog.from_store(store)
    problems: list[Problem] = []
    loaded: dict[str, LoadedArrangement] = {}
    first_file: dict[str, tuple[str, int]] = {}
    for path in arrangement_files(directory):
        if path.suffix != ".yaml":
            problems.append(Problem(path.name, 1, "(file)",
                                    f"arrangement files end in .yaml; rename it to {path.stem}.yaml"))
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            problems.append(Problem(path.name, 1, "(encoding)", f"not UTF-8 text: {exc.reason}"))
            continue
        data, lines, probs = read_yaml(text, path.name)
        problems.extend(probs)
        if probs:
            continue
        if not isinstance(data, dict):
            problems.append(Problem(path.name, 1, "(document)", "expected a mapping describing one arrangement"))
            continue
        try:
            model = Arrangement.model_validate(data)
        except ValidationError as exc:
            for err in exc.errors():
                loc, message = _schema_problem(err)
                problems.append(Problem(path.name, _line_for(lines, loc), dotted(loc) or "(document)", message))
            continue
        arr = LoadedArrangement(model, path.name, lines)
        Checker(arr, catalog, problems).run(data)
        if model.id in first_file:
            f0, l0 = first_file[model.id]
            problems.append(Problem(path.name, _line_for(lines, ("id",)), "id",
                                    f"duplicate arrangement id {model.id!r} (already defined in {f0}:{l0})"))
            continue
        first_file[model.id] = (path.name, _line_for(lines, ("id",)))
        loaded[model.id] = arr
    # Arrangements modelled on others: the names must resolve.
    for arr in loaded.values():
        for i, ref in enumerate(arr.model.modelled_on):
            if ref not in loaded and ref not in catalog.entity_type:
                problems.append(Problem(arr.file, arr.line(("modelled_on", i)), f"modelled_on[{i}]",
                                        f"unknown arrangement or entity {ref!r}"))
    if problems:
        if directory.name == "arrangements":  # beside a knowledge base: name files as the kb directory sees them
            problems = [Problem(f"arrangements/{p.file}", p.line, p.field, p.message) for p in problems]
        raise KnowledgeBaseError(problems)
    return Rulebook(loaded, catalog)


def _schema_problem(err: dict) -> tuple[tuple, str]:
    """The location and message of a schema error; a decision rule's kind (pydantic's union tag) is taken
    out of the location and named in the message."""
    from allegiance.facts.load import _pydantic_message
    from allegiance.rules.decision import FIELDS_OF, RULE_KINDS

    loc = tuple(err["loc"])
    for i in range(len(loc) - 1):
        if loc[i] == "rule" and loc[i + 1] in RULE_KINDS:
            kind = loc[i + 1]
            loc = loc[:i + 1] + loc[i + 2:]
            takes = ", ".join(sorted(FIELDS_OF[kind]))
            if err.get("type") == "extra_forbidden":
                return loc, f"not used by a {kind!r} rule (it takes: {takes})"
            if err.get("type") == "missing":
                return loc, f"required field is missing: a {kind!r} rule needs {loc[-1]} (it takes: {takes})"
            break
    return loc, _pydantic_message(err)


def iter_citations(arr: LoadedArrangement):
    """Every citation written in an arrangement file, with its path: (path, Citation)."""
    from pydantic import BaseModel

    from allegiance.facts.model import Citation

    def walk(obj, path):
        if isinstance(obj, Citation):
            yield path, obj
        elif isinstance(obj, BaseModel):
            for name in type(obj).model_fields:
                field = type(obj).model_fields[name]
                yield from walk(getattr(obj, name), path + (field.alias or name,))
        elif isinstance(obj, (list, tuple)):
            for i, item in enumerate(obj):
                yield from walk(item, path + (i,))

    yield from walk(arr.model, ())


def check_arrangement_seed_quotes(book: Rulebook, kb, seeds_dir: Path | str) -> list[Problem]:
    """Every passage an arrangement quotes from a seed document must occur in it (whitespace-normalised)."""
    from allegiance.facts.load import seed_quote_problem

    seeds_dir = Path(seeds_dir)
    cache: dict[str, str | None] = {}
    problems: list[Problem] = []
    for arr in book.arrangements.values():
        for path, cit in iter_citations(arr):
            bad = seed_quote_problem(kb.sources, cit, seeds_dir, cache)
            if bad is not None:
                problems.append(Problem(f"arrangements/{arr.file}", arr.line(path), f"{dotted(path)}.{bad[0]}",
                                        bad[1]))
    return problems
