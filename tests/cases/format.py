"""The declarative case format: one shape for the questions asked of the rules engine and the status layer.

A case file (``tests/cases/*.yaml``) is a list of cases, each a mapping of exactly these keys::

    - name: in a threatened period the RGF is under Belarus's Chief of the General Staff
      ask: who-commands                  # the question: one of ASKS below
      given: {force: rgf, in: union-state, mode: threatened-period}   # its arguments
      as_of: "2020-06-01"                # the day asked about (optional where the question has a default)
      expect: {exists: true, commander: BLR.chief-of-general-staff}  # parts of the answer, compared exactly

Files are read strictly (``allegiance.facts._yaml.read_yaml``: no duplicate keys,
anchors or tags), and every case is checked against the question it asks: an
unknown key, a missing one, an unknown ``ask``, an argument the question does
not take, or a malformed date is an error naming ``file:line``.

``expect`` names keys of the answer (the dictionary the library function
returns), plus the derived views listed under each question in ``ASKS``
(``chain_ids``: the ids along a command chain; ``label_holds``: each label's
``holds``; ``allies``: the states a mutual-defence obligation binds the state to; ``veto_states``: per ``action/mode``; ...). Values are compared
exactly, type included (``true`` is not ``1``); a mapping is compared key by
key, so a case names only the labels, players or statements it is about.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Callable

CASE_KEYS = {"name": True, "ask": True, "given": True, "as_of": False, "expect": True}  # key: required


@dataclass(frozen=True)
class Ask:
    """A question: the library call it makes, the arguments it takes, and the views it adds to the answer."""

    call: Callable[..., dict]
    required: tuple[str, ...]
    optional: tuple[str, ...] = ()
    as_of: bool = True  # whether the question takes an as_of
    views: dict[str, Callable[[dict], Any]] = field(default_factory=dict)


def _in_force(version: dict) -> dict:
    """The version's dated records by id: ``yes`` or ``possibly`` (held on the day asked)."""
    return {r["id"]: r["holds"] for r in version["in_force"]}


def _day(v):
    return None if v is None else date.fromisoformat(v)


def _rules_call(fn_name: str, build: Callable[[dict, date | None], tuple[tuple, dict]]):
    def call(store, rules, given, as_of):
        import allegiance

        args, kw = build(given, as_of)
        return getattr(allegiance, fn_name)(rules, *args, **kw)
    return call


def _store_call(fn_name: str, build: Callable[[dict, date | None], tuple[tuple, dict]]):
    def call(store, rules, given, as_of):
        import allegiance

        args, kw = build(given, as_of)
        return getattr(allegiance, fn_name)(store, *args, **kw)
    return call


def _posture(store, state: str, day: date) -> dict:
    """The posture panel's answer for a state on a day (any day from 1946): its spells from 1946-01-01 to the
    day, computed from change dates (``allegiance.status.state_spells``), read on the day."""
    from allegiance.status import state_spells

    return state_spells(store, state, start=date(1946, 1, 1), end=day).on(day)


def _exists(store, state: str, day: date) -> dict:
    """Whether the state existed on the day by its ``exists`` records (``yes``, ``possibly`` or ``no``, as
    ``allegiance.status.index.existence`` answers, the one reading status and the panel share), and the records."""
    from allegiance.status.index import existence, index_of

    held, recs = existence(index_of(store), state, day)
    return {"exists": held, "records": sorted(r.id for r in recs)}


ASKS: dict[str, Ask] = {
    "can": Ask(_rules_call("can", lambda g, d: ((g["action"],), {
        "arrangement": g["in"], "mode": g.get("mode"), "as_of": d, "consent": g.get("consent"),
        "abstain": g.get("abstain", [])})),
        required=("action", "in"), optional=("mode", "consent", "abstain"),
        views={"in_force": lambda a: _in_force(a["version"]), "caveat": lambda a: a["version"]["caveat"]}),
    "who-commands": Ask(_rules_call("who_commands", lambda g, d: ((g["force"],), {
        "arrangement": g["in"], "mode": g["mode"], "as_of": d})),
        required=("force", "in", "mode"),
        views={"chain_ids": lambda a: [link["id"] for link in a["chain"]],
               "in_force": lambda a: _in_force(a["version"])}),
    "vetoes": Ask(_rules_call("vetoes", lambda g, d: ((g["arrangement"], g.get("action")), {
        "as_of": d, "mode": g.get("mode")})),
        required=("arrangement",), optional=("action", "mode"),
        views={"veto_states": lambda a: {f"{r['action']}/{r['mode']}": r["veto_states"] for r in a["actions"]},
               "possible": lambda a: {f"{r['action']}/{r['mode']}": r["possible"] for r in a["actions"]}}),
    "power": Ask(_rules_call("power", lambda g, d: ((g["body"],), {"arrangement": g.get("in"), "as_of": d})),
                 required=("body",), optional=("in",),
                 views={"banzhaf_exact": lambda a: {p["player"]: p["banzhaf_exact"] for p in a["players"]}}),
    "diff": Ask(_rules_call("diff", lambda g, d: ((g["a"], g["b"]), {
        "as_of_a": _day(g.get("as_of_a")), "as_of_b": _day(g.get("as_of_b")), "state": g.get("state")})),
        required=("a", "b"), optional=("as_of_a", "as_of_b", "state"), as_of=False),
    "verify": Ask(_rules_call("verify", lambda g, d: ((g["arrangement"], g.get("property")), {
        "check": g.get("check"), "state": g.get("state"), "actions": g.get("actions", []),
        "effects": g.get("effects", []), "territory": g.get("territory")})),
        required=("arrangement",), optional=("property", "check", "state", "actions", "effects", "territory"),
        as_of=False,
        views={"unknown_cases": lambda a: sorted({f"{u['action']}/{u['mode']}/{u['date']}" for u in a["unknown"]}),
               "unknown_from": lambda a: min((u["date"] for u in a["unknown"]), default=None)}),
    "status": Ask(_store_call("status", lambda g, d: ((g["state"],), {"as_of": d})), required=("state",),
                  views={"label_holds": lambda a: {lb["label"]: lb["holds"] for lb in a["labels"]},
                         "allies": lambda a: next(c for c in a["criteria"] if c["id"] == "mutual-defence")["allies"]}),
    "status-all": Ask(_store_call("status_all", lambda g, d: ((), {"as_of": d})), required=()),
    "compare": Ask(_store_call("compare", lambda g, d: ((g["states"],), {"as_of": d})), required=("states",),
                   views={"values": lambda a: {r["label"]: r["values"] for r in a["rows"]}}),
    "changes": Ask(_store_call("changes", lambda g, d: ((g["state"],), {
        "start": _day(g["from"]), "end": _day(g["to"])})), required=("state", "from", "to"), as_of=False,
        views={"dates": lambda a: [c["date"] for c in a["changes"]]}),
    "posture": Ask(lambda store, rules, g, d: _posture(store, g["state"], d), required=("state",),
                   views={"label_holds": lambda a: a["labels"], "criteria": lambda a: a["criteria"]}),
    "exists": Ask(lambda store, rules, g, d: _exists(store, g["state"], d), required=("state",)),
    "facts": Ask(_store_call("facts_as_of", lambda g, d: ((g["state"],), {
        "as_of": d, "known_by": _day(g.get("known_by"))})), required=("state",), optional=("known_by",),
        views={"holds": lambda a: {s["id"]: s["holds"] for s in a["statements"]},
               "superseded_ids": lambda a: [s["id"] for s in a["superseded"]]}),
}
DATE_ARGS = {"as_of_a", "as_of_b", "from", "to", "known_by"}
LIST_ARGS = {"consent", "abstain", "actions", "effects", "states"}
# questions whose as_of must be given (they have no default date)
AS_OF_REQUIRED = {"status", "status-all", "compare", "facts", "posture", "exists"}


@dataclass
class Case:
    file: str
    line: int
    name: str
    ask: str
    given: dict[str, Any]
    as_of: date | None
    expect: dict[str, Any]

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}"

    def run(self, store, rules) -> dict:
        """The library's answer to the case's question, with the question's views added."""
        spec = ASKS[self.ask]
        answer = spec.call(store, rules, self.given, self.as_of)
        return {**answer, **{k: view(answer) for k, view in spec.views.items()}}


class CaseFileError(Exception):
    """A case file that does not follow the format; ``problems`` are ``file:line: field: message`` lines."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def read_cases(path: Path, *, text: str | None = None) -> list[Case]:
    """Read a case file strictly; raise CaseFileError listing every problem with its file and line."""
    from allegiance.facts._yaml import dotted, read_yaml

    name = path.name
    data, lines, yaml_problems = read_yaml(path.read_text(encoding="utf-8") if text is None else text, name)
    problems = [str(p) for p in yaml_problems]

    def line_of(p: tuple) -> int:
        while p and p not in lines:
            p = p[:-1]
        return lines.get(p, 1)

    def bad(p: tuple, message: str) -> None:
        problems.append(f"{name}:{line_of(p)}: {dotted(p) or '(document)'}: {message}")

    cases: list[Case] = []
    if not isinstance(data, list):
        if not problems:
            bad((), "a case file is a list of cases")
        raise CaseFileError(problems)
    names: dict[str, int] = {}
    for i, raw in enumerate(data):
        at = (i,)
        if not isinstance(raw, dict):
            bad(at, f"a case is a mapping of {', '.join(CASE_KEYS)}")
            continue
        for k in raw:
            if k not in CASE_KEYS:
                bad(at + (k,), f"unknown key {k!r}; a case has {', '.join(CASE_KEYS)}")
        for k, req in CASE_KEYS.items():
            if req and k not in raw:
                bad(at, f"missing {k!r}")
        ask = raw.get("ask")
        if "ask" in raw and ask not in ASKS:
            bad(at + ("ask",), f"unknown question {ask!r}; ask one of: {', '.join(ASKS)}")
            continue
        spec = ASKS.get(ask)
        given = raw.get("given")
        if not isinstance(given, dict):
            if "given" in raw:
                bad(at + ("given",), "given is a mapping of the question's arguments")
            given = {}
        if spec is not None:
            allowed = spec.required + spec.optional
            for k, v in given.items():
                if k not in allowed:
                    bad(at + ("given", k), f"{ask} takes no {k!r}; it takes {', '.join(allowed) or 'nothing'}")
                elif k in DATE_ARGS:
                    _check_day(v, at + ("given", k), bad)
                elif k in LIST_ARGS and not (isinstance(v, list) and all(isinstance(x, str) for x in v)):
                    bad(at + ("given", k), f"expected a list of ids, got {v!r}")
                elif k not in LIST_ARGS and not isinstance(v, str):
                    bad(at + ("given", k), f"expected an id, got {v!r}")
            for k in spec.required:
                if k not in given:
                    bad(at + ("given",), f"{ask} needs {k!r}")
            if "as_of" in raw and not spec.as_of:
                bad(at + ("as_of",), f"{ask} takes no as_of (its dates are in given)")
            if "as_of" not in raw and ask in AS_OF_REQUIRED:
                bad(at, f"{ask} needs as_of")
        as_of = _check_day(raw["as_of"], at + ("as_of",), bad) if "as_of" in raw else None
        expect = raw.get("expect")
        if "expect" in raw and (not isinstance(expect, dict) or not expect):
            bad(at + ("expect",), "expect is a non-empty mapping of answer keys to their values")
        case_name = raw.get("name")
        if "name" in raw and (not isinstance(case_name, str) or not case_name):
            bad(at + ("name",), "name is a non-empty text")
        elif isinstance(case_name, str):
            if case_name in names:
                bad(at + ("name",), f"duplicate case name (first on line {names[case_name]})")
            names.setdefault(case_name, line_of(at))
        cases.append(Case(name, line_of(at), case_name, ask, given, as_of, expect))
    if problems:
        raise CaseFileError(problems)
    return cases


def _check_day(v, p, bad) -> date | None:
    if isinstance(v, str):
        try:
            return date.fromisoformat(v)
        except ValueError:
            pass
    bad(p, f"expected a day as YYYY-MM-DD, got {v!r}")
    return None


def same(a: Any, b: Any) -> bool:
    """Exact equality, type included, through lists and mappings (True is not 1, 1 is not 1.0)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return a == b
