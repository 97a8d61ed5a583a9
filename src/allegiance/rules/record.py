"""The record against the rules: events that are instances of an arrangement's action, checked on their dates.

A record file (``kb/record/<arrangement>.yaml``) lists events of the facts
knowledge base that are instances of one of the arrangement's actions
(Russian forces entered Belarus, its territory was used for an attack, a
base was refused), each with its date, its actors, the readiness mode only
where a source records one, and the consents (or refusals) the sources
record, every one resting on statements of the knowledge base (``basis``),
whose citations carry the quoted passages. The schema is documented in
docs/rules-schema.md ("The record").

:func:`record` checks each event against the provisions in force on its
date, with the rules layer's own evaluation (the action's requirement from
:mod:`allegiance.rules.requirements`, its proof from
:mod:`allegiance.rules.explain`), and says one of:

- ``conforms``: permitted, and the consents it needs are recorded (or, for a
  refusal, the action did not happen, which no provision forbids);
- ``unknown``: permitted only with consents the record does not hold (which
  are named), or no provision governs it on the day, or the answer hangs on a
  fuzzy date;
- ``departure``: contrary to the provisions in force whatever anyone
  consents, with the provisions that forbid it, the event and both sources.

A state's consent is the state's (``BLR``), an office's the office's
(``BLR.president``): unlike ``can --consent``, a state is not read as all of
its offices, since a source that records Minsk's agreement does not record a
decision of the Supreme State Council. An actor consents to what it carries
out (Russia, sending its troops). Without a recorded mode the event is
checked in every mode, reaching the mode included (its transitions' consents
are needed too).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from allegiance.errors import KnowledgeBaseError, Problem, UsageError
from allegiance.facts.model import DateText, EntityId, KebabId, Text
from allegiance.facts.predicates import MODES
from allegiance.rules.explain import full_proof
from allegiance.rules.proof import Proof
from allegiance.rules.history import action_hinges, depends_reason
from allegiance.rules.requirements import action_func, fuzzy_on
from allegiance.rules.rulebook import Ctx, Rules

__all__ = ["record", "load_record", "record_dir", "RecordFile", "RecordEvent", "RecordConsent", "OUTCOMES",
           "RESULTS"]

OUTCOMES = ("occurred", "refused")  # what happened: the action was carried out, or refused by a player
RESULTS = ("conforms", "unknown", "departure")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, defer_build=True)


class RecordConsent(_Strict):
    """A player's consent (or refusal) as the sources record it."""

    player: EntityId
    basis: list[KebabId] = Field(min_length=1)
    note: Text | None = None


class RecordEvent(_Strict):
    id: KebabId
    name: Text
    action: KebabId
    date: DateText
    outcome: Literal[OUTCOMES] = "occurred"  # type: ignore[valid-type]
    mode: Literal[MODES] | None = None  # type: ignore[valid-type]  # only where a source records it
    actors: list[EntityId] = Field(default_factory=list)
    event: EntityId | None = None  # the knowledge base's event this is an instance of
    basis: list[KebabId] = Field(min_length=1)
    consents: list[RecordConsent] = Field(default_factory=list)
    refusals: list[RecordConsent] = Field(default_factory=list)
    note: Text | None = None


class RecordFile(_Strict):
    arrangement: KebabId
    description: Text
    events: list[RecordEvent] = Field(min_length=1)


@dataclass(frozen=True)
class _Loaded:
    file: str
    model: RecordFile
    lines: dict
    days: dict  # event id -> FuzzyDate

    def where(self, path: tuple) -> str:
        from allegiance.facts._yaml import line_for

        return f"record/{self.file}:{line_for(self.lines, path)}"


def record_dir(kb_dir: Path | str | None = None) -> Path:
    from allegiance.facts.digest import default_kb_dir

    return (Path(kb_dir) if kb_dir is not None else default_kb_dir()) / "record"


def _default_dir(rules: Rules) -> Path:
    row = rules.store.con.execute("SELECT value FROM meta WHERE key = 'kb_dir'").fetchone()
    return record_dir(row[0] if row else None)


def load_record(rules: Rules, directory: Path | str | None = None) -> dict[str, _Loaded]:
    """Read and check every record file (default: ``record/`` beside the knowledge base), by arrangement.

    Every problem is reported at once as ``record/<file>:line: field: message``; nothing is half-loaded.
    The result is kept on ``rules`` while the files stat as they did (:func:`~allegiance.facts.digest.settled_stamp`),
    so a long-lived process (the web explorer) reads and checks them once, not on every question; a file edited,
    added or removed is read afresh. Problems are never kept: a broken record raises every time.
    """
    from allegiance.facts.digest import settled_stamp

    directory = Path(directory) if directory is not None else _default_dir(rules)
    paths = sorted(directory.glob("*.yaml")) if directory.is_dir() else []
    stamp = settled_stamp(paths)  # None: a file just changed (or vanished), so nothing is kept
    kept = rules.record_cache.get(directory)
    if stamp is not None and kept is not None and kept[0] == stamp:
        return kept[1]
    out = _read_records(rules, paths)
    if stamp is not None:
        rules.record_cache[directory] = (stamp, out)
    return out


def _read_records(rules: Rules, paths: list[Path]) -> dict[str, _Loaded]:
    from pydantic import ValidationError

    from allegiance.facts._yaml import dotted, line_for, read_yaml
    from allegiance.facts.load import _pydantic_message

    problems: list[Problem] = []
    out: dict[str, _Loaded] = {}
    for path in paths:
        name = f"record/{path.name}"
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            problems.append(Problem(name, 1, "(encoding)", f"not UTF-8 text: {exc.reason}"))
            continue
        data, lines, probs = read_yaml(text, name)
        problems.extend(probs)
        if probs:
            continue
        if not isinstance(data, dict):
            problems.append(Problem(name, 1, "(document)", "expected a mapping: arrangement, description, events"))
            continue
        try:
            model = RecordFile.model_validate(data)
        except ValidationError as exc:
            for err in exc.errors():
                loc = tuple(err["loc"])
                problems.append(Problem(name, line_for(lines, loc), dotted(loc) or "(document)",
                                        _pydantic_message(err)))
            continue
        days = _check(rules, model, name, lambda p: line_for(lines, p), problems)
        if model.arrangement in out:
            problems.append(Problem(name, line_for(lines, ("arrangement",)), "arrangement",
                                    f"a second record of {model.arrangement!r} (already in "
                                    f"record/{out[model.arrangement].file}); keep one file per arrangement"))
            continue
        out[model.arrangement] = _Loaded(path.name, model, lines, days)
    if problems:
        raise KnowledgeBaseError(problems)
    return out


def _check(rules: Rules, model: RecordFile, name: str, line, problems: list[Problem]) -> dict:
    """References of a record file: the arrangement, its actions and modes, its players, statements, entities."""
    from allegiance.errors import DateError
    from allegiance.facts.time import parse_date
    from allegiance.rules.rulebook import players_of

    def bad(path: tuple, message: str) -> None:
        from allegiance.facts._yaml import dotted

        problems.append(Problem(name, line(path), dotted(path), message))

    cat = rules.cat
    arr = rules.book.arrangements.get(model.arrangement)
    if arr is None:
        bad(("arrangement",), f"unknown arrangement {model.arrangement!r}; known: "
                              f"{', '.join(sorted(rules.book.arrangements))}")
    actions = {a.id for a in arr.model.actions} if arr is not None else set()
    players = list(dict.fromkeys([*players_of(arr), *arr.model.parties])) if arr is not None else []
    days: dict = {}
    seen: dict[str, int] = {}
    for i, ev in enumerate(model.events):
        at = ("events", i)
        if ev.id in seen:
            bad(at + ("id",), f"duplicate event id {ev.id!r} (already events[{seen[ev.id]}])")
        seen.setdefault(ev.id, i)
        if arr is not None and ev.action not in actions:
            bad(at + ("action",), f"{ev.action!r} is not an action of {arr.model.id}; its actions: "
                                  f"{', '.join(sorted(actions))}")
        if arr is not None and ev.mode is not None and ev.mode not in arr.model.modes:
            bad(at + ("mode",), f"mode {ev.mode!r} is not declared by {arr.model.id} (it declares "
                                f"{', '.join(arr.model.modes)})")
        try:
            days[ev.id] = parse_date(ev.date)
        except DateError as exc:
            bad(at + ("date",), exc.message)
        if ev.event is not None and cat.entity_type.get(ev.event) != "event":
            bad(at + ("event",), f"{ev.event!r} is not an event of the knowledge base"
                + (f" (it is a {cat.entity_type[ev.event]})" if ev.event in cat.entity_type else ""))
        for k, a in enumerate(ev.actors):
            if a not in cat.entity_type:
                bad(at + ("actors", k), f"unknown entity {a!r}: an actor must be a state, office or force of the "
                                        f"knowledge base")
        for k, sid in enumerate(ev.basis):
            if sid not in cat.statements:
                bad(at + ("basis", k), f"unknown statement {sid!r}: an event rests on statements of the "
                                       f"knowledge base")
        for key in ("consents", "refusals"):
            for j, c in enumerate(getattr(ev, key)):
                if arr is not None and c.player not in players:
                    bad(at + (key, j, "player"), f"{c.player!r} is outside {arr.model.id}: a consent or refusal "
                                                 f"must be a party's or a player's; its players: "
                                                 f"{', '.join(players)}")
                for k, sid in enumerate(c.basis):
                    if sid not in cat.statements:
                        bad(at + (key, j, "basis", k), f"unknown statement {sid!r}: a {key[:-1]} rests on "
                                                       f"statements of the knowledge base")
    return days


# ---------------------------------------------------------------------- checking the record


def record(rules: Rules, arrangement: str, *, start: date | None = None, end: date | None = None,
           directory: Path | str | None = None) -> dict:
    """Each recorded event of ``arrangement`` (between ``start`` and ``end``) checked against the provisions
    in force on its date: ``conforms``, ``unknown`` (with what is missing) or ``departure`` (with its proof)."""
    arr = rules.arrangement(arrangement)
    if start is not None and end is not None and start > end:
        raise UsageError(f"the window ends ({end}) before it starts ({start})", value=end.isoformat(), field="end",
                         allowed=f"a date on or after {start}")
    books = load_record(rules, directory)
    book = books.get(arr.model.id)
    events = []
    if book is not None:
        for i, ev in enumerate(book.model.events):
            day = book.days[ev.id].lower
            if (start is not None and day < start) or (end is not None and day > end):
                continue
            events.append(_check_event(rules, arr, book, i, ev, day))
    events.sort(key=lambda e: (e["as_of"], e["id"]))
    counts = {r: sum(1 for e in events if e["result"] == r) for r in RESULTS}
    return {"arrangement": arr.model.id, "arrangement_name": arr.model.name,
            "from": start.isoformat() if start else None, "to": end.isoformat() if end else None,
            "recorded": book is not None, "count": len(events), "counts": counts, "events": events}


def _consents(rules: Rules, items) -> list[dict]:
    out = []
    for c in items:
        cits = []
        for sid in c.basis:
            cits.extend(rules.statement_citations(sid))
        out.append({"player": c.player, "name": rules.name(c.player), "basis": list(c.basis), "note": c.note,
                    "sources": [x.brief() for x in _dedup(cits)]})
    return out


def _dedup(cits):
    from allegiance.facts.citations import dedup

    return dedup(cits)


def _verdict(rules: Rules, ctx: Ctx, act, ev, yes: set[str], no: set[str]) -> tuple[str, str, list, bool | None]:
    """(result, reason, missing consents, refusal was a veto) of one reading of the provisions."""
    g = rules.game(ctx.arr)
    f = action_func(rules, ctx, act)
    mode = f" in {ctx.mode}" if ctx.mode else ""
    if f is None:
        return "unknown", f"no provision of {ctx.arr.model.id} on {act.id} is in force on {ctx.day}{mode}", [], None
    if f == g.false:
        if ev.outcome == "refused":
            return "conforms", "refused, and the provisions in force forbid it whatever the consents", [], None
        return ("departure", f"the provisions in force on {ctx.day} forbid {act.id}{mode or ' in every mode'} "
                             f"whatever the consents", [], None)
    if ev.outcome == "refused":
        veto = g.blocks(f, {p for p in no if p in g.var})
        who = ", ".join(sorted(no)) or "nobody recorded"
        return ("conforms", f"refused by {who}, "
                + ("who held a veto over it under the provisions in force" if veto
                   else "though the provisions in force gave no veto to the refusal alone"), [], veto)
    if g.evaluate_on(f, frozenset(yes)):
        return "conforms", "permitted, and the consents it needs are recorded", [], None
    missing = _missing(g, f, yes)
    shown = " or ".join("{" + ", ".join(m) + "}" for m in missing[:3]) or "(none)"
    return ("unknown", f"permitted only with consents the record does not hold: {shown}", missing, None)


def _missing(g, f, yes: set[str]) -> list[list[str]]:
    """The smallest sets of players whose consent, added to the recorded ones, would permit the action."""
    from allegiance.rules.logic import TooManyCoalitions

    try:
        mwcs = g.minimal_winning(g.restrict(f, {p: True for p in yes if p in g.var}), limit=10_000)
    except TooManyCoalitions:
        return []
    sets = sorted((sorted(m) for m in mwcs), key=lambda s: (len(s), s))
    least = len(sets[0]) if sets else 0
    return [s for s in sets if len(s) == least]


def _check_event(rules: Rules, arr, book: _Loaded, i: int, ev: RecordEvent, day: date) -> dict:
    from allegiance.rules.rulebook import find_action

    act = find_action(arr, ev.action)
    yes = {c.player for c in ev.consents} | set(ev.actors)  # an actor consents to what it carries out
    no = {r.player for r in ev.refusals}
    readings = [True, False] if fuzzy_on(rules, arr, day) else [True]
    verdicts = [_verdict(rules, Ctx(arr, day, ev.mode, lenient), act, ev, yes, no) for lenient in readings]
    result, reason, missing, veto = verdicts[0]
    if len({v[0] for v in verdicts}) > 1:
        hinges = action_hinges(arr, act, day, ev.mode)  # provisions the sources speak of only until a day
        reason = depends_reason(hinges, day) if hinges else (
            f"the answer depends on provisions or statements whose valid time is fuzzy on {day}")
        result, reason, missing, veto = "unknown", reason, [], None
    if arr.in_force(day) == "no":
        result, reason, missing, veto = "unknown", f"{arr.model.id} is not in force on {day}", [], None
    ctx = Ctx(arr, day, ev.mode, True)
    everyone = set(rules.game(arr).players)
    # the proof: with every player consenting for a departure (what forbids it), else with the recorded consents
    proof = full_proof(rules, ctx, act, everyone if result == "departure" else yes - no, set(),
                       given=result != "departure")
    event_cits = []
    for sid in ev.basis:
        event_cits.extend(rules.statement_citations(sid))
    return {
        "id": ev.id, "name": ev.name, "event": ev.event, "action": act.id, "action_name": act.name,
        "date": ev.date, "as_of": day.isoformat(), "mode": ev.mode, "outcome": ev.outcome, "actors": list(ev.actors),
        "consents": _consents(rules, ev.consents), "refusals": _consents(rules, ev.refusals),
        "result": result, "reason": reason, "missing_consents": missing, "veto_used": veto,
        "provisions": _provisions(rules, arr, act, proof, forbidding=result == "departure"),
        "basis": list(ev.basis), "event_sources": [c.to_json() for c in _dedup(event_cits)],
        "note": ev.note, "where": book.where(("events", i)), "proof": proof.to_json(),
    }


def _provisions(rules: Rules, arr, act, proof: Proof, *, forbidding: bool) -> list[dict]:
    """The provisions the proof used (for a departure, those that fail with every player consenting)."""
    by_id = {p.id: p for p in act.provisions}
    out: dict[str, dict] = {}

    def walk(node: Proof) -> None:
        if node.kind == "provision" and node.ref in by_id and node.ref not in out:
            if not forbidding or node.result is False:
                p = by_id[node.ref]
                out[p.id] = {"id": p.id, "text": p.text, "valid_from": p.valid_from, "valid_until": p.valid_until,
                             "where": arr.where(p.path),
                             "sources": [c.to_json() for c in rules.evidence(arr, p)]}
        for c in node.children:
            walk(c)

    walk(proof)
    return list(out.values())
