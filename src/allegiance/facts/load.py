"""Loading the knowledge base: read every YAML file, validate, or refuse.

:func:`load_kb` reads a directory of ``*.yaml`` files, checks each record
against the model (:mod:`allegiance.facts.model`) and every cross-record
rule (ids unique, references resolve, predicate signatures hold, dates are
valid EDTF and intervals run forwards, assessments say who makes them), and
returns a :class:`KnowledgeBase`. If anything is wrong it raises
:class:`~allegiance.errors.KnowledgeBaseError` carrying *every* problem, each
located to ``file:line: field``; nothing is half-loaded.
"""

from __future__ import annotations

from datetime import date

import difflib
import gc
import re
import unicodedata
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from allegiance.errors import DateError, KnowledgeBaseError, Problem
from allegiance.facts._yaml import dotted, read_yaml
from allegiance.facts._yaml import line_for as _line_for
from allegiance.facts.digest import SCHEMA_VERSION, default_kb_dir, kb_digest
from allegiance.facts.digest import READ_ELSEWHERE
from allegiance.facts.digest import kb_files as _kb_files
from allegiance.facts.model import Entity, KBFile, Source, Statement
from allegiance.facts.predicates import PREDICATES
from allegiance.facts.time import FuzzyDate, parse_date

__all__ = ["KnowledgeBase", "load_kb", "gc_paused", "default_kb_dir", "kb_digest", "check_seed_quotes", "SCHEMA_VERSION"]

_SOURCES = TypeAdapter(list[Source])
_ENTITIES = TypeAdapter(list[Entity])
_STATEMENTS = TypeAdapter(list[Statement])
_DURATION = re.compile(r"^P(?=\d)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?$")


@dataclass
class KnowledgeBase:
    """A validated knowledge base: records by id, where each was written, and parsed dates."""

    directory: Path
    digest: str
    sources: dict[str, Source] = field(default_factory=dict)
    entities: dict[str, Entity] = field(default_factory=dict)
    statements: dict[str, Statement] = field(default_factory=dict)
    where: dict[str, tuple[str, int]] = field(default_factory=dict)
    topics: dict[str, str] = field(default_factory=dict)  # file -> topic
    dates: dict[str, tuple[FuzzyDate, FuzzyDate | None]] = field(default_factory=dict)
    source_dates: dict[str, FuzzyDate | None] = field(default_factory=dict)


class _Collector:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, file: str, line: int, fld: str, message: str) -> None:
        self.problems.append(Problem(file, line, fld, message))


def _pydantic_message(err: dict) -> str:
    typ = err.get("type", "")
    if typ == "missing":
        return "required field is missing"
    if typ == "extra_forbidden":
        return "unknown field (not in the schema; check the spelling)"
    msg = err.get("msg", "invalid value").removeprefix("Value error, ")
    given = err.get("input")
    if typ in ("literal_error", "string_pattern_mismatch", "string_type", "int_type", "bool_type",
               "list_type", "string_too_short", "string_too_long", "too_short", "model_type",
               "dict_type", "union_tag_invalid", "int_parsing"):
        shown = repr(given)
        if len(shown) > 60:
            shown = shown[:57] + "..."
        return f"{msg}; got {shown}"
    return msg


def _validate_section(adapter, items, section: str, file: str, lines, out: _Collector):
    """Validate one list section item by item so that every bad record is reported."""
    good: list[tuple[int, Any]] = []
    if not isinstance(items, list):
        out.add(file, _line_for(lines, (section,)), section, "expected a list")
        return good
    try:
        records = adapter.validate_python(items)
        return list(enumerate(records))
    except ValidationError as exc:
        bad: set[int] = set()
        for err in exc.errors():
            loc = err["loc"]
            idx = loc[0] if loc and isinstance(loc[0], int) else None
            if idx is not None:
                bad.add(idx)
            # pydantic puts the union member's type name in loc for int|str; drop non-field parts
            path = (section,) + tuple(p for p in loc if isinstance(p, int) or p in _FIELD_NAMES)
            if err.get("type") == "extra_forbidden" and loc and isinstance(loc[-1], str):
                path = path + (loc[-1],)
            out.add(file, _line_for(lines, path), dotted(path), _pydantic_message(err))
        for i, item in enumerate(items):
            if i in bad:
                continue
            good.append((i, adapter.validate_python([item])[0]))
        return good


_FIELD_NAMES = set(Source.model_fields) | set(Entity.model_fields) | set(Statement.model_fields) | {
    "quote", "refs", "locator", "source"}


def _date(text: str | None, where, out: _Collector) -> FuzzyDate | None:
    """Parse an EDTF date; on error report it at ``where()`` (computed only then)."""
    if text is None:
        return None
    try:
        return parse_date(text)
    except DateError as exc:
        out.add(*where(), str(exc))
        return None


def load_kb(directory: Path | str | None = None) -> KnowledgeBase:
    """Load and validate the knowledge base in ``directory`` (default: the shipped one).

    The clean path records only where each record starts; if there are problems,
    the files are read again with every line recorded, so each problem is located
    to its field.
    """
    directory = Path(directory) if directory is not None else default_kb_dir()
    with gc_paused():
        try:
            return _load(directory, depth=2)
        except KnowledgeBaseError:
            return _load(directory, depth=None)


@contextmanager
def gc_paused():
    """Pause the cyclic garbage collector while building many small objects.

    Loading creates millions of dicts and strings and no reference cycles;
    with the collector on, each full collection rescans everything built so
    far, which costs several times the work itself on a large knowledge base.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _load(directory: Path, depth: int | None) -> KnowledgeBase:
    out = _Collector()
    if not directory.is_dir():
        raise KnowledgeBaseError([Problem(str(directory), 0, "(directory)", "knowledge base directory not found")])
    files = _kb_files(directory)
    if not files:
        raise KnowledgeBaseError([Problem(str(directory), 0, "(directory)", "no *.yaml files found")])
    kb = KnowledgeBase(directory=directory, digest=kb_digest(directory))
    # Where each id was first defined, to report duplicates with both places.
    defined: dict[str, tuple[str, int, str]] = {}
    lines_of: dict[str, tuple[str, dict, tuple]] = {}  # id -> (file, lines, path prefix)

    for path in files:
        file = path.relative_to(directory).as_posix()
        if path.parent != directory:
            read = ", ".join(f"{directory.name}/{d}/*.yaml" for d in READ_ELSEWHERE)
            out.add(file, 1, "(file)", f"YAML in this subdirectory is not read (only {directory.name}/*.yaml and "
                                       f"{read} are); move it up to {path.name}")
            continue
        if path.suffix != ".yaml":
            out.add(file, 1, "(file)", f"knowledge-base files end in .yaml; rename it to {path.stem}.yaml")
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            out.add(file, 1, "(encoding)", f"not UTF-8 text: {exc.reason} at byte {exc.start}")
            continue
        except OSError as exc:  # unreadable, or a link that leads nowhere
            out.add(file, 1, "(file)", f"cannot read it: {exc.strerror or exc}")
            continue
        data, lines, problems = read_yaml(text, file, depth=depth)
        out.problems.extend(problems)
        if data is None and not problems:
            out.add(file, 1, "(document)", "file is empty; expected a mapping with 'topic' and lists")
            continue
        if data is None:
            continue
        if not isinstance(data, dict):
            out.add(file, 1, "(document)", "expected a mapping with keys topic, sources, entities, statements")
            continue
        try:
            top = KBFile.model_validate(data)
        except ValidationError as exc:
            for err in exc.errors():
                loc = tuple(err["loc"][:1])
                out.add(file, _line_for(lines, loc), dotted(loc) or "(document)", _pydantic_message(err))
            continue
        kb.topics[file] = top.topic
        for section, adapter, store in (
            ("sources", _SOURCES, kb.sources),
            ("entities", _ENTITIES, kb.entities),
            ("statements", _STATEMENTS, kb.statements),
        ):
            for i, rec in _validate_section(adapter, data.get(section, []), section, file, lines, out):
                line = _line_for(lines, (section, i))
                if rec.id in defined:
                    f0, l0, s0 = defined[rec.id]
                    out.add(file, _line_for(lines, (section, i, "id")), f"{section}[{i}].id",
                            f"duplicate id {rec.id!r} (already defined in {f0}:{l0} under {s0})")
                    continue
                defined[rec.id] = (file, line, section)
                store[rec.id] = rec
                kb.where[rec.id] = (file, line)
                lines_of[rec.id] = (file, lines, (section, i))

    def loc(rid: str, *fld) -> tuple[str, int, str]:
        file, lines, prefix = lines_of[rid]
        p = prefix + tuple(fld)
        return file, _line_for(lines, p), dotted(p)

    unread = {p.file for p in out.problems if p.field in _UNREAD}
    if unread:
        # References into a file that could not be read would all fail: report why it could not be read,
        # and the record-level problems of the others, not a screenful of knock-on "unknown id" errors.
        raise KnowledgeBaseError(out.problems)
    _check_sources(kb, loc, out)
    _check_entities(kb, loc, out)
    _check_statements(kb, loc, out)
    if out.problems:
        raise KnowledgeBaseError(out.problems)
    return kb


#: Problems that mean a whole file was not read (so cross-file references into it cannot be checked).
_UNREAD = frozenset({"(syntax)", "(encoding)", "(file)", "(document)"})


def _suggest(name: str, choices) -> str:
    close = difflib.get_close_matches(name, list(choices), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def _check_sources(kb: KnowledgeBase, loc, out: _Collector) -> None:
    for sid, src in kb.sources.items():
        kb.source_dates[sid] = _date(src.date, lambda: loc(sid, "date"), out)
        if src.accessed is not None:
            acc = _date(src.accessed, lambda: loc(sid, "accessed"), out)
            if acc is not None and not acc.exact:
                out.add(*loc(sid, "accessed"), f"access date must be a single day (YYYY-MM-DD); got {src.accessed!r}")
            elif acc is not None and acc.lower > date.today():
                # the newest access date is the knowledge base's horizon: a date in the future would move it
                out.add(*loc(sid, "accessed"), f"access date {src.accessed} is in the future (today is "
                                               f"{date.today().isoformat()}); give the day the source was read")
        if src.cited_in is not None and src.cited_in not in kb.sources:
            out.add(*loc(sid, "cited_in"), f"unknown source {src.cited_in!r}{_suggest(src.cited_in, kb.sources)}")
        if (src.note is None) != (src.cited_in is None):
            out.add(*loc(sid, "note" if src.note is None else "cited_in"),
                    "a footnote source needs both cited_in (the citing source) and note (its number)")


_STATE = re.compile(r"^[A-Z]{3}$")


def _check_entities(kb: KnowledgeBase, loc, out: _Collector) -> None:
    for eid, ent in kb.entities.items():
        if ent.type == "state" and not _STATE.match(eid):
            out.add(*loc(eid, "id"), f"a state's id must be its ISO 3166-1 alpha-3 code (or a documented code of our own, three capitals); got {eid!r}")
        if ent.type != "state" and _STATE.match(eid):
            out.add(*loc(eid, "id"), f"three-capital ids are reserved for states; a {ent.type} needs a kebab-case id")
        if ent.type == "office":
            if "." not in eid:
                out.add(*loc(eid, "id"), f"an office's id is OWNER.office (e.g. BLR.president); got {eid!r}")
            elif ent.of != eid.split(".", 1)[0]:
                out.add(*loc(eid, "of"), f"an office {eid!r} must belong to {eid.split('.', 1)[0]!r} (of: {eid.split('.', 1)[0]}); got {ent.of!r}")
        elif "." in eid:
            out.add(*loc(eid, "id"), f"dotted ids are for offices only; got {eid!r} for a {ent.type}")
        if (ent.type == "document") != (ent.doc_type is not None):
            out.add(*loc(eid, "doc_type"), "doc_type is required for documents and only for documents")
        if ent.cow is not None and ent.type != "state":
            out.add(*loc(eid, "cow"), "a Correlates of War code belongs to states only")
        if ent.of is not None:
            if ent.of not in kb.entities:
                out.add(*loc(eid, "of"), f"unknown entity {ent.of!r}{_suggest(ent.of, kb.entities)}")
            elif ent.of == eid:
                out.add(*loc(eid, "of"), "an entity cannot belong to itself")
    _check_of_cycles(kb, loc, out)


def _check_of_cycles(kb: KnowledgeBase, loc, out: _Collector) -> None:
    """``of`` chains must end: A of B of A would leave an office without a state."""
    reported: set[str] = set()
    for start in kb.entities:
        chain, node = [start], kb.entities[start].of
        while node is not None and node in kb.entities and node != chain[-1]:
            if node in chain:
                cycle = chain[chain.index(node):]
                if not reported & set(cycle):
                    reported.update(cycle)
                    first = min(cycle)
                    out.add(*loc(first, "of"), f"'of' chain has a cycle: {' -> '.join(cycle + [cycle[0]])}")
                break
            chain.append(node)
            node = kb.entities[node].of


def _check_statements(kb: KnowledgeBase, loc, out: _Collector) -> None:
    ents = kb.entities
    for sid, st in kb.statements.items():
        pred = PREDICATES.get(st.predicate)
        if pred is None:
            out.add(*loc(sid, "predicate"), f"unknown predicate {st.predicate!r}{_suggest(st.predicate, PREDICATES)} (see docs/kb-schema.md)")
        # subject / object
        subj = ents.get(st.subject)
        if subj is None:
            out.add(*loc(sid, "subject"), f"unknown entity {st.subject!r}{_suggest(st.subject, ents)}")
        elif pred is not None and subj.type not in pred.subject:
            out.add(*loc(sid, "subject"), f"{st.predicate!r} takes a subject of type {' or '.join(pred.subject)}; {st.subject!r} is a {subj.type}")
        if st.object is not None:
            obj = ents.get(st.object)
            if obj is None:
                out.add(*loc(sid, "object"), f"unknown entity {st.object!r}{_suggest(st.object, ents)}")
            elif pred is not None and pred.object is None:
                out.add(*loc(sid, "object"), f"{st.predicate!r} takes no object")
            elif pred is not None and obj.type not in pred.object:
                out.add(*loc(sid, "object"), f"{st.predicate!r} takes an object of type {' or '.join(pred.object)}; {st.object!r} is a {obj.type}")
        elif pred is not None and pred.object is not None and pred.object_required:
            file, line, fld = loc(sid)
            out.add(file, line, _join(fld, "object"), f"{st.predicate!r} needs an object of type {' or '.join(pred.object)}")
        if pred is not None:
            _check_value(st, pred, sid, loc, out)
            if st.role is not None and pred.roles is not None and st.role not in pred.roles:
                allowed = ", ".join(pred.roles) if pred.roles else "no role"
                out.add(*loc(sid, "role"), f"{st.predicate!r} takes {allowed}; got {st.role!r}")
            if st.mode is not None and not pred.modes:
                out.add(*loc(sid, "mode"), f"{st.predicate!r} does not vary by readiness mode")
            if pred.assessment_only and st.kind != "assessment":
                out.add(*loc(sid, "kind"), f"{st.predicate!r} is an interpretation: it must be kind: assessment, attributed with by:")
        # assessments are attributed
        if st.kind == "assessment" and st.by is None:
            out.add(*loc(sid)[:2], _join(loc(sid)[2], "by"), "an assessment must say whose it is (by: the person or body that makes it)")
        if st.kind == "fact" and st.by is not None:
            out.add(*loc(sid, "by"), "by: is for assessments; a fact is supported by its sources")
        # dates
        start = _date(st.valid_from, lambda: loc(sid, "valid_from"), out)
        end = _date(st.valid_until, lambda: loc(sid, "valid_until"), out)
        if start is not None and end is not None and end.upper < start.lower:
            out.add(*loc(sid, "valid_until"), f"interval ends before it starts: valid_until {st.valid_until} is before valid_from {st.valid_from}")
        if pred is not None and pred.instant and st.valid_until is not None:
            out.add(*loc(sid, "valid_until"), f"{st.predicate!r} is an instant (an event at a date); it takes no valid_until")
        if start is not None:
            kb.dates[sid] = (start, end)
        # references
        for i, b in enumerate(st.basis):
            e = ents.get(b)
            if e is None:
                out.add(*loc(sid, "basis", i), f"unknown entity {b!r}{_suggest(b, ents)}")
            elif e.type != "document":
                out.add(*loc(sid, "basis", i), f"a basis must be a document; {b!r} is a {e.type}")
        for fld in ("supersedes", "conflicts_with"):
            for i, other in enumerate(getattr(st, fld)):
                if other == sid:
                    out.add(*loc(sid, fld, i), f"a statement cannot list itself in {fld}")
                elif other not in kb.statements:
                    out.add(*loc(sid, fld, i), f"unknown statement {other!r}{_suggest(other, kb.statements)}")
        for i, cit in enumerate(st.sources):
            if cit.source not in kb.sources:
                out.add(*loc(sid, "sources", i, "source"), f"unknown source {cit.source!r}{_suggest(cit.source, kb.sources)}")
            for j, ref in enumerate(cit.refs):
                if ref not in kb.sources:
                    out.add(*loc(sid, "sources", i, "refs", j), f"unknown source {ref!r}{_suggest(ref, kb.sources)}")
    _check_supersession_cycles(kb, loc, out)


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def _check_value(st: Statement, pred, sid, loc, out: _Collector) -> None:
    v = st.value
    if pred.value is None:
        if v is not None:
            out.add(*loc(sid, "value"), f"{st.predicate!r} takes no value")
        return
    if v is None:
        if pred.value_required:
            out.add(*loc(sid)[:2], _join(loc(sid)[2], "value"), f"{st.predicate!r} needs a value ({_value_kind(pred)})")
        return
    ok = {
        "int": isinstance(v, int) and not isinstance(v, bool) and v >= 0,
        "text": isinstance(v, str) and bool(v.strip()),
        "label": isinstance(v, str) and v in pred.labels,
        "duration": isinstance(v, str) and bool(_DURATION.match(v)),
    }[pred.value]
    if not ok:
        out.add(*loc(sid, "value"), f"{st.predicate!r} needs {_value_kind(pred)}; got {v!r}")


def _value_kind(pred) -> str:
    return {
        "int": "a non-negative whole number",
        "text": "a short text",
        "label": "one of " + ", ".join(pred.labels),
        "duration": "an ISO 8601 duration such as P4Y",
    }[pred.value]


def _check_supersession_cycles(kb: KnowledgeBase, loc, out: _Collector) -> None:
    graph = {sid: [o for o in st.supersedes if o in kb.statements] for sid, st in kb.statements.items()}
    state: dict[str, int] = {}

    def visit(n: str, stack: list[str]) -> None:
        state[n] = 1
        for m in graph[n]:
            if state.get(m) == 1:
                cyc = stack[stack.index(m):] + [m] if m in stack else [n, m]
                out.add(*loc(n, "supersedes"), "supersession cycle: " + " -> ".join(cyc))
            elif m not in state:
                visit(m, stack + [m])
        state[n] = 2

    for n in graph:
        if n not in state:
            visit(n, [n])


def _normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def seed_quote_problem(sources: dict[str, Source], cit, seeds_dir: Path, cache: dict[str, str | None]):
    """What is wrong with a citation's passage from a seed document: (field, message), or None.

    ``cache`` keeps each seed's normalised text between calls.
    """
    src = sources.get(cit.source)
    if src is None or src.seed is None:
        return None
    if src.seed not in cache:
        p = seeds_dir / src.seed
        cache[src.seed] = _normalise(p.read_text(encoding="utf-8")) if p.is_file() else None
    text = cache[src.seed]
    if text is None:
        return "source", f"seed document {src.seed!r} not found in {seeds_dir}"
    if _normalise(cit.quote) not in text:
        return "quote", f"passage not found in seed {src.seed!r}: {cit.quote[:70]!r}"
    return None


def check_seed_quotes(kb: KnowledgeBase, seeds_dir: Path | str) -> list[Problem]:
    """Every passage quoted from a seed document must occur in it (whitespace-normalised)."""
    seeds_dir = Path(seeds_dir)
    cache: dict[str, str | None] = {}
    problems: list[Problem] = []
    for sid, st in kb.statements.items():
        file, line = kb.where[sid]
        for i, cit in enumerate(st.sources):
            bad = seed_quote_problem(kb.sources, cit, seeds_dir, cache)
            if bad is not None:
                problems.append(Problem(file, line, f"sources[{i}].{bad[0]}", bad[1]))
    return problems
