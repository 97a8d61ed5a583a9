"""The criteria of a state's posture, as code: each with its definition, its source, and its test on a day.

A criterion answers ``met``, ``not-met`` or ``unknown`` for one state on one day,
with the statements it rests on (each with its quoted sources) and a reason in
words. Where the answer rests on the *absence* of a record (no membership of any
alliance is recorded), the result says so: ``closed_world`` is true and the
reason names what was searched. Where the knowledge base cannot decide (a fuzzy
date, no record either way), the answer is ``unknown`` and the reason says why;
it is never a guess.

The definitions come from the seed documents and from law; ``basis`` names the
knowledge-base statements whose quoted passages carry each definition.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from allegiance.facts.citations import Citation, dedup
from allegiance.status.index import MEMBER_ROLES, Index, Rec

__all__ = ["CRITERIA", "Context", "Criterion", "evaluate"]

MET, NOT_MET, UNKNOWN = "met", "not-met", "unknown"


@dataclass(frozen=True)
class Criterion:
    id: str
    name: str
    definition: str
    basis: tuple[str, ...] = ()      # statement ids whose passages carry the definition
    law: str | None = None            # the legal or scholarly reference, in words
    test: Callable[[Context], dict[str, Any]] = field(default=None, repr=False, compare=False)  # type: ignore[assignment]


@dataclass
class Context:
    """One question: a state on a day, over the index (and the rules, loaded when a veto criterion asks)."""

    ix: Index
    state: str
    day: date
    rules_loader: Callable[[], Any] | None = None
    _rules: Any = None
    memo: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def rules(self):
        if self._rules is None and self.rules_loader is not None:
            self._rules = self.rules_loader()
        return self._rules

    def holding(self, recs: list[Rec], *, negated: bool | None = False) -> list[tuple[Rec, str]]:
        """The records that hold on the day (``yes`` or ``possibly``), optionally only (un)negated ones."""
        out = []
        for r in recs:
            if negated is not None and r.negated != negated:
                continue
            s = r.status(self.day)
            if s != "no":
                out.append((r, s))
        return out


# ---------------------------------------------------------------------- results

def brief(rec: Rec, status: str | None = None) -> dict[str, Any]:
    o = rec.obj
    out = {"id": rec.id, "text": o.get("text"), "valid_from": o.get("valid_from"),
           "valid_until": o.get("valid_until"), "defined_at": o.get("defined_at")}
    if rec.kind == "assessment":
        out["by"] = o.get("by")
    if status is not None:
        out["holds"] = status
    return out


def cites(recs) -> list[dict[str, Any]]:
    """The quoted citations of the records, in order, in the one citation shape (repeats are removed by ``_result``)."""
    return [Citation.from_json(c, statement=rec.id).to_json() for rec in recs for c in rec.obj.get("sources") or []]


def _result(result: str, reason: str, recs=(), *, statuses: dict[str, str] | None = None,
            closed_world: bool = False, sources: list[dict[str, Any]] = (),
            extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """A criterion's answer: the evidence is ``recs`` (statements); ``sources`` adds citations that come
    from elsewhere (the rules engine's provisions)."""
    recs = list(dict.fromkeys(recs))
    statuses = statuses or {}
    out = {"result": result, "reason": reason, "closed_world": closed_world,
           "evidence": [brief(r, statuses.get(r.id)) for r in recs],
           "sources": dedup([*cites(recs), *sources])}
    if extra:
        out.update(extra)
    return out


def _date(d: date) -> str:
    return d.isoformat()


def _names(ix: Index, ids) -> str:
    return ", ".join(f"{ix.name.get(i, i)} ({i})" if ix.type.get(i) != "state" else i for i in ids)


def _latest(pairs: list[tuple[Rec, str]]) -> list[tuple[Rec, str]]:
    """Of records about the same thing, those with the latest start: the newest word wins."""
    if not pairs:
        return pairs
    top = max(r.from_lo for r, _ in pairs)
    return [(r, s) for r, s in pairs if r.from_lo == top]


def _decide(pairs: list[tuple[Rec, str]], found: str, *, none: tuple[str, str], closed_world: bool = True,
            extra=None) -> dict[str, Any]:
    """met when a record certainly holds; unknown when one only possibly holds; else ``none``."""
    sure = [r for r, s in pairs if s == "yes"]
    if sure:
        return _result(MET, found, sure, statuses={r.id: "yes" for r in sure}, extra=extra)
    if pairs:
        maybe = [r for r, _ in pairs]
        return _result(UNKNOWN, "only possibly so on " + "this day: the record's date is fuzzy (" +
                       "; ".join(f"{r.id}: from {r.obj.get('valid_from')} until {r.obj.get('valid_until') or 'open'}"
                                 for r in maybe) + ")", maybe, statuses={r.id: "possibly" for r in maybe},
                       extra=extra)
    result, reason = none
    return _result(result, reason, closed_world=closed_world and result != UNKNOWN, extra=extra)


# ---------------------------------------------------------------------- the criteria

def _memberships(c: Context, org: str, roles=MEMBER_ROLES) -> list[tuple[Rec, str]]:
    return [(r, s) for r, s in c.holding(c.ix.about("member-of", c.state)) if r.object == org and r.role in roles]


def _defence_obligations(c: Context, value: str = "mutual-defence") -> list[dict[str, Any]]:
    """Each obligation of ``value`` binding the state that day: the obligation, the tie (membership or
    party status) and how certain both are; with the other states it certainly binds the state to (its allies:
    a party whose own tie only possibly holds that day, such as an accession the sources do not date, is not
    counted as an ally)."""
    out = []
    for ob, s_ob in c.holding(c.ix.by_pred["obligation"]):
        if ob.value != value:
            continue
        # the state's own ties first (few): most obligations do not concern it, and the other parties' ties are
        # read only where one does
        pred, target = ("member-of", ob.object) if ob.object else ("party-to", ob.subject)
        if not any(r.object == target for r in c.ix.about(pred, c.state)):
            continue
        roles = MEMBER_ROLES if ob.object else (None, "party", "signatory")
        ties = [(r, s) for r, s in c.holding(c.ix.towards(pred, target)) if r.role in roles]
        mine = [(r, s) for r, s in ties if r.subject == c.state]
        if not mine:
            continue
        tie, s_tie = mine[0]
        sure = "yes" if s_ob == "yes" and s_tie == "yes" else "possibly"
        allies = {r.subject for r, s in ties
                  if s == "yes" and r.subject != c.state and c.ix.type.get(r.subject) == "state"}
        suspended = _suspended(c, ob)
        if suspended and not allies - set(suspended):
            continue  # the obligation binds the state to no one any more
        out.append({"obligation": ob, "tie": tie, "status": sure, "allies": sorted(allies - set(suspended)),
                    "suspensions": sorted(set(suspended.values()), key=lambda r: r.id)})
    return out


def _suspended(c: Context, ob: Rec) -> dict[str, Rec]:
    """The states to which the obligation ``ob`` no longer binds the state on the day, each with the record
    that says so: a negated ``security-guarantee`` between the two (either way) whose ``basis`` names the
    obligation's treaty and that certainly holds (ANZUS: the United States' suspension of its obligations to New Zealand)."""
    out: dict[str, Rec] = {}
    for r, s in c.holding(c.ix.about("security-guarantee", c.state), negated=True):
        if s == "yes" and ob.subject in (r.obj.get("basis") or ()):
            out[r.object] = r
    for r, s in c.holding(c.ix.towards("security-guarantee", c.state), negated=True):
        if s == "yes" and ob.subject in (r.obj.get("basis") or ()):
            out[r.subject] = r
    return out


def _searched(c: Context) -> str:
    """The names of every treaty carrying a mutual-defence obligation: the same for every state and day of an
    index, so named once per index (the panel asks tens of thousands of times)."""
    c.ix.by_pred["obligation"]  # read through the context, so the panel's recording view notes it
    return _treaties_named(getattr(c.ix, "_ix", c.ix))  # the index itself, under that view


@lru_cache(maxsize=8)  # a few indexes at most are open at once; an index compares by identity
def _treaties_named(ix: Index) -> str:
    return _names(ix, sorted({ob.subject for ob in ix.by_pred["obligation"] if ob.value == "mutual-defence"}))


def _mutual_defence(c: Context) -> dict[str, Any]:
    found = _defence_obligations(c)
    sure = [f for f in found if f["status"] == "yes"]
    allies = sorted({a for f in sure for a in f["allies"]})
    extra = {"allies": allies}
    if sure:
        recs = [x for f in sure for x in (f["tie"], f["obligation"], *f["suspensions"])]
        what = "; ".join(f"{c.ix.name.get(f['obligation'].subject, f['obligation'].subject)}"
                         f" through {c.ix.name.get(f['tie'].object, f['tie'].object)}" for f in sure)
        return _result(MET, f"bound by a mutual-defence obligation: {what}", recs,
                       statuses={r.id: "yes" for r in recs}, extra=extra)
    if found:
        recs = [x for f in found for x in (f["tie"], f["obligation"])]
        return _result(UNKNOWN, "a mutual-defence obligation only possibly binds the state on this day "
                       "(a fuzzy date on the membership or the obligation)", recs,
                       statuses={r.id: "possibly" for r in recs}, extra=extra)
    return _result(NOT_MET, "no membership of an organisation, or party status to a treaty, carrying a "
                   "mutual-defence obligation is recorded for this day; searched: " + _searched(c),
                   closed_world=True, extra=extra)


def _nam_member(c: Context) -> dict[str, Any]:
    pairs = _memberships(c, "nam")
    if pairs:
        return _decide(pairs, "a member of the Non-Aligned Movement", none=(NOT_MET, ""))
    other = c.holding([r for r in c.ix.about("member-of", c.state) if r.object == "nam"])
    if other:
        r, s = other[0]
        return _result(NOT_MET, f"in the Non-Aligned Movement as {r.role}, not as a member", [r],
                       statuses={r.id: s})
    return _result(NOT_MET, "no membership of the Non-Aligned Movement is recorded for this day", closed_world=True)


def _neutrality(c: Context, labels: set[str]) -> list[tuple[Rec, str]]:
    return _latest(c.holding([r for r in c.ix.about("neutrality", c.state) if r.value in labels], negated=None))


def _permanent_neutrality(c: Context) -> dict[str, Any]:
    pairs = [(r, s) for r, s in _neutrality(c, {"permanent-neutrality"}) if not r.negated
             and r.role in ("declared", "recognised")]
    kinds = sorted({r.role for r, _ in pairs})
    return _decide(pairs, "permanent neutrality " + " and ".join(kinds) if kinds else "",
                   none=(NOT_MET, "no declared or recognised permanent neutrality is recorded for this day"))


def _neutral_tradition(c: Context) -> dict[str, Any]:
    recs = [r for r in c.ix.about("neutrality", c.state) if not r.negated and r.from_lo <= c.day]
    if not recs:
        return _result(NOT_MET, "no neutrality status or policy is recorded for the state up to this day",
                       closed_world=True)
    now = [(r, r.status(c.day)) for r in recs]
    current = [r for r, s in now if s == "yes"]
    past = [r for r, s in now if s == "no"]
    if current:
        return _result(MET, "a neutrality status or policy holds: " + ", ".join(sorted({r.value for r in current})),
                       current + past, statuses={r.id: r.status(c.day) for r in current + past})
    if past:
        return _result(MET, "a neutrality status or policy held earlier: " + ", ".join(sorted({r.value for r in past})),
                       past, statuses={r.id: "no" for r in past})
    return _result(UNKNOWN, "a neutrality policy only possibly began by this day (a fuzzy date)", recs,
                   statuses={r.id: "possibly" for r in recs})


def _eu_csdp(c: Context) -> dict[str, Any]:
    pairs = _memberships(c, "eu")
    res = _decide(pairs, "a member of the European Union, bound by its common foreign and security policy",
                  none=(NOT_MET, "no membership of the European Union is recorded for this day"))
    if res["result"] == MET:
        mutual = [f for f in _defence_obligations(c, "mutual-assistance") if f["obligation"].object == "eu"]
        if mutual:
            ob = mutual[0]["obligation"]
            res["evidence"].append(brief(ob, mutual[0]["status"]))
            res["sources"].extend(cites([ob]))
            res["reason"] += "; the mutual-assistance clause (Article 42(7) TEU) applies"
    return res


def _aim(c: Context, values: set[str], roles: set[str] | None) -> list[tuple[Rec, str]]:
    """The aim records holding on the day; of each role (constitutional, doctrinal, policy), the newest word."""
    recs = [r for r in c.ix.about("aim", c.state) if r.value in values and (roles is None or r.role in roles)]
    held = c.holding(recs, negated=None)
    out: list[tuple[Rec, str]] = []
    for role in dict.fromkeys(r.role for r, _ in held):
        out += _latest([(r, s) for r, s in held if r.role == role])
    return out


def _silent_documents(c: Context, values: set[str], doc_types: tuple[str, ...]) -> list[Rec]:
    """The ``in-force`` records of the state's own documents of ``doc_types`` in force on the day that no aim
    record (stating or dropping the aim, on any day) rests on: what they say of the aim is not recorded. Asked
    only of a state whose documents stated the aim before the day (a later document replaced one that did)."""
    aims = [r for r in c.ix.about("aim", c.state) if r.value in values]
    if not any(not r.negated and r.from_lo <= c.day for r in aims):
        return []
    based = {b for r in aims for b in (r.obj.get("basis") or [])}
    out = []
    for doc, kind in c.ix.documents.get(c.state, []):
        if kind in doc_types and doc not in based:
            out += [r for r, _ in c.holding(c.ix.about("in-force", doc))]
    return out


def _aim_criterion(values: set[str], roles: set[str] | None, what: str,
                   documents: tuple[str, ...] = ()) -> Callable[[Context], dict[str, Any]]:
    """met when an aim record holds; unknown when none does but a document of ``documents`` kinds is in force
    whose word on the aim is not recorded (a constitution, concept or doctrine that replaced the one stating
    it); not met when the aim was dropped or was never recorded."""
    def test(c: Context) -> dict[str, Any]:
        pairs = _aim(c, values, roles)
        pos = [(r, s) for r, s in pairs if not r.negated]
        if pos:
            return _decide(pos, f"the {what} is stated: " + ", ".join(sorted({f'{r.role}' for r, _ in pos})),
                           none=(NOT_MET, f"no {what} is recorded for this day"))
        silent = _silent_documents(c, values, documents) if documents else []
        if silent:
            names = _names(c.ix, dict.fromkeys(r.subject for r in silent))
            return _result(UNKNOWN, f"no {what} is recorded for this day, and the record does not say whether "
                                    f"the documents then in force state it: {names}",
                           silent, statuses={r.id: r.status(c.day) for r in silent})
        neg = [(r, s) for r, s in pairs if r.negated]
        if neg:
            r, s = neg[0]
            return _result(NOT_MET, f"the {what} was renounced", [r], statuses={r.id: s})
        return _decide([], "", none=(NOT_MET, f"no {what} is recorded for this day"))
    return test


def _nato_aim(c: Context) -> dict[str, Any]:
    res = _aim_criterion({"nato-membership"}, None, "aim of NATO membership")(c)
    if res["result"] == MET:
        return res
    app = [(r, s) for r, s in c.holding(c.ix.about("member-of", c.state))
           if r.object == "nato" and r.role in ("applicant", "candidate")]
    if app:
        return _decide(app, "an applicant for NATO membership", none=(NOT_MET, ""))
    return res


def _nato_member(c: Context) -> dict[str, Any]:
    return _decide(_memberships(c, "nato"), "a member of NATO",
                   none=(NOT_MET, "no NATO membership is recorded for this day"))


def _declared_non_alignment(c: Context) -> dict[str, Any]:
    pairs = [(r, s) for r, s in _neutrality(c, {"military-non-alignment", "military-neutrality"}) if not r.negated]
    return _decide(pairs, "a declared policy of military non-alignment or military neutrality",
                   none=(NOT_MET, "no declared policy of military non-alignment is recorded for this day"))


def _owner(ix: Index, subject: str) -> str | None:
    if ix.type.get(subject) == "state":
        return subject
    return ix.of.get(subject)


def _foreign_forces(c: Context) -> dict[str, Any]:
    recs = [r for r in c.ix.towards("stationed-in", c.state) if _owner(c.ix, r.subject) != c.state]
    by_who: dict[str, list[tuple[Rec, str]]] = {}
    for r, s in c.holding(recs, negated=None):
        by_who.setdefault(r.subject, []).append((r, s))
    present, absent, maybe = [], [], []
    for who, pairs in sorted(by_who.items()):
        latest = _latest(pairs)
        pos = [(r, s) for r, s in latest if not r.negated]
        # a general denial ("no troops stationed") is the evidence; a narrower one ("no permanent base")
        # only where it is all there is
        neg = [(r, s) for r, s in latest if r.negated and r.role is None] or [(r, s) for r, s in latest if r.negated]
        if pos:
            (present if any(s == "yes" for _, s in pos) else maybe).extend(pos)
        elif neg:
            absent.extend(neg)
    if present:
        recs = [r for r, _ in present]
        who = sorted({_owner(c.ix, r.subject) or r.subject for r in recs})
        return _result(MET, "foreign forces are stationed on the territory: " + ", ".join(who), recs,
                       statuses={r.id: s for r, s in present})
    if maybe:
        return _result(UNKNOWN, "foreign forces only possibly stationed on this day (a fuzzy date)",
                       [r for r, _ in maybe], statuses={r.id: s for r, s in maybe})
    if absent:
        return _result(NOT_MET, "the sources record no foreign forces stationed: " +
                       ", ".join(sorted({r.subject for r, _ in absent})), [r for r, _ in absent],
                       statuses={r.id: s for r, s in absent})
    return _result(UNKNOWN, "the knowledge base records neither the presence nor the absence of foreign "
                   "forces on the territory on this day")


def _foreign_facilities(c: Context) -> dict[str, Any]:
    here = {r.subject for r, _ in c.holding(c.ix.towards("located-in", c.state))}
    leases = [(r, s) for r, s in c.holding(c.ix.by_pred["leased-to"])
              if r.subject in here and r.object != c.state]
    return _decide(leases, "facilities on the territory are leased to or used by another state: " +
                   ", ".join(sorted({r.object for r, _ in leases})),
                   none=(NOT_MET, "no facility on the territory leased to another state is recorded for this day"))


# the rules layer's answers

_ENTRY = ("foreign-forces-enter", "station-forces", "open-base")
_OWN = ("use-own-forces", "activate-joint-force")


def _veto_criterion(effects: tuple[str, ...], on_territory: bool, what: str) -> Callable[[Context], dict[str, Any]]:
    def test(c: Context) -> dict[str, Any]:
        rules = c.rules
        if rules is None:
            return _result(UNKNOWN, "the rules layer was not loaded")
        from allegiance.rules import keeps_veto
        from allegiance.rules.history import past_encoded

        answers = []
        for aid, arr in sorted(rules.book.arrangements.items()):
            m = arr.model
            if m.kind == "design" or c.state not in m.parties or arr.in_force(c.day) == "no":
                continue
            a = keeps_veto(rules, aid, state=c.state, effects=effects, as_of=c.day,
                           territory=c.state if on_territory else None)
            if not a["actions"]:
                continue
            a["described_as_of"] = m.described_as_of
            a["caveat"] = past_encoded(arr, c.day)  # the rules layer's one caveat (encoded_until)
            answers.append(a)
        extra = {"arrangements": [{k: a[k] for k in ("arrangement", "holds", "reason", "actions", "checked",
                                                     "counterexample", "described_as_of", "caveat")}
                                  for a in answers]}
        if not answers:
            return _result(UNKNOWN, f"no arrangement in force that the knowledge base encodes, with {c.state} as a "
                           f"party, regulates {what}", extra=extra)
        bad = [a for a in answers if a["holds"] is False]
        if bad:
            a, ce = bad[0], bad[0]["counterexample"]
            return _result(NOT_MET, f"under {a['arrangement']}, {ce['action']} in {ce['mode']} can be decided by "
                           f"{', '.join(ce['coalition'])} without {c.state}", sources=a["sources"], extra=extra)
        sources = [s for a in answers for s in a["sources"]]
        if any(a["holds"] is None for a in answers):
            return _result(UNKNOWN, "; ".join(a["reason"] for a in answers if a["holds"] is None),
                           sources=sources, extra=extra)
        caveats = [a["caveat"] for a in answers if a["caveat"]]
        return _result(MET, f"{c.state} can block {what} in every mode under "
                       + ", ".join(a["arrangement"] for a in answers) + "".join(f"; {x}" for x in caveats),
                       sources=sources, extra=extra)
    return test


# behaviour in wars

def _stance(c: Context, war: str) -> tuple[str, list[Rec]]:
    """joined | territory-used | stayed-out | unknown, for the state in one war."""
    ix = c.ix
    w = ix.wars[war]
    if c.state in w["parties"]:
        return "joined", w["parties"][c.state]
    used = [r for r in ix.about("territory-used", c.state) if r.object == war and not r.negated and r.from_lo <= c.day]
    if used:
        return "territory-used", used
    out = [r for r in ix.about("participated-in", c.state) if r.object == war and r.negated and r.from_lo <= c.day]
    if out:
        return "stayed-out", out
    return "unknown", []


def _ally_wars(c: Context) -> dict[str, Any]:
    allies = set(evaluate(c, "mutual-defence").get("allies", []))
    rows, recs = [], []
    for war, w in sorted(c.ix.wars.items(), key=lambda kv: (kv[1]["start"].from_lo if kv[1]["start"] else date.max)):
        start = w["start"]
        if start is None or start.from_lo > c.day:
            continue
        at_war = sorted(set(w["parties"]) & allies)
        if not at_war:
            continue
        stance, why = _stance(c, war)
        rows.append({"war": war, "name": c.ix.name.get(war, war), "began": start.obj.get("valid_from"),
                     "allies_at_war": at_war, "stance": stance, "evidence": [r.id for r in why]})
        recs.extend(why)
        recs.append(start)
        recs.extend(x for a in at_war for x in w["parties"][a])
    extra = {"wars": rows}
    if not allies:
        return _result(NOT_MET, "the state has no ally on this day, so no ally's war to join", closed_world=True,
                       extra=extra)
    joined = [r for r in rows if r["stance"] in ("joined", "territory-used")]
    if joined:
        what = "; ".join(f"{r['name']}: {'joined' if r['stance'] == 'joined' else 'its territory was used'}"
                         for r in joined)
        return _result(MET, f"took part in an ally's war: {what}", recs, extra=extra)
    if any(r["stance"] == "unknown" for r in rows):
        unk = ", ".join(r["name"] for r in rows if r["stance"] == "unknown")
        return _result(UNKNOWN, f"the knowledge base does not record whether the state took part in: {unk}", recs,
                       extra=extra)
    if rows:
        return _result(NOT_MET, "stayed out of every recorded war of its allies: " + ", ".join(r["name"] for r in rows),
                       recs, extra=extra)
    return _result(NOT_MET, "no war of its allies (" + ", ".join(sorted(allies)) + ") is recorded up to this day",
                   closed_world=True, extra=extra)


def _hague_v(c: Context) -> dict[str, Any]:
    fought = [(war, w) for war, w in c.ix.wars.items() if c.state in w["parties"]
              and w["start"] is not None and w["start"].from_lo <= c.day]
    if fought:
        recs = [r for _, w in fought for r in w["parties"][c.state]]
        wars = ", ".join(sorted(c.ix.name.get(war, war) for war, _ in fought))
        return _result(NOT_MET, f"the state was itself a party to a war, so not a neutral power in it: {wars}",
                       recs, statuses={r.id: "yes" for r in recs})
    used = [r for r in c.ix.about("territory-used", c.state) if not r.negated and r.from_lo <= c.day
            and r.object in c.ix.wars and c.state not in c.ix.wars[r.object]["parties"]]
    if used:
        wars = ", ".join(sorted({c.ix.name.get(r.object, r.object) for r in used}))
        return _result(NOT_MET, f"a belligerent used the state's territory in a war it was not party to: {wars}",
                       used, statuses={r.id: "yes" for r in used})
    return _result(MET, "no use of the state's territory by a belligerent is recorded up to this day "
                   f"(searched the {len(c.ix.wars)} wars the knowledge base records)", closed_world=True)


# ---------------------------------------------------------------------- the table

_LIST = [
    Criterion("mutual-defence", "Mutual-defence obligation in force",
              "The state is bound, as a member of an organisation or a party to a treaty, by an obligation to "
              "assist the other parties if they are attacked (as the North Atlantic Treaty, Article 5, and the "
              "Collective Security Treaty, Article 4).",
              basis=("north-atlantic-treaty-signed",),
              law="Leeds et al. (2002), ATOP codebook: a defence obligation; North Atlantic Treaty Art. 5; "
                  "Collective Security Treaty Art. 4", test=_mutual_defence),
    Criterion("nam-member", "Member of the Non-Aligned Movement",
              "The state is a full member of the Non-Aligned Movement (observers do not count).",
              basis=("blr-member-nam",), test=_nam_member),
    Criterion("permanent-neutrality", "Permanent neutrality, declared or recognised",
              "The state has bound itself, by unilateral declaration or by an act of other states, not to take "
              "part in the military conflicts of third states, permanently.",
              basis=("law-of-neutrality-definition-aljazeera", "che-permanent-neutrality",
                     "aut-permanent-neutrality"),
              law="Hague Convention V (1907); the law of neutrality as the news piece defines it",
              test=_permanent_neutrality),
    Criterion("neutral-tradition", "A neutrality status or policy, now or earlier",
              "The state holds, or held before, a status or policy of neutrality or military non-alignment.",
              basis=("irl-post-neutral-aljazeera",), test=_neutral_tradition),
    Criterion("eu-csdp", "EU membership under the common security and defence policy",
              "The state is a member of the European Union and so takes part in its common foreign, security "
              "and defence policy (with the opt-outs and the clause for the specific character of certain "
              "member states).",
              basis=("eu-cfsdp-opt-out-clauses-aljazeera",), law="Treaty on European Union, Arts. 24, 31 and 42(7)",
              test=_eu_csdp),
    Criterion("constitutional-neutrality-aim", "A constitutional aim of neutrality",
              "The constitution (or a declaration with constitutional force) states the aim of making the "
              "state neutral.",
              basis=("blr-aim-neutrality-constitution-1994",),
              test=_aim_criterion({"neutrality", "neutral-status"}, {"constitutional"},
                                  "constitutional aim of neutrality", ("constitution",))),
    Criterion("neutrality-aim", "An aim of neutrality (constitutional, doctrinal or policy)",
              "A constitutional, doctrinal or policy document of the state states the aim of neutrality or of "
              "a neutral status. Unknown when none does but a constitution, concept or doctrine that replaced "
              "one that did is in force and its word on the aim is not recorded.",
              basis=("blr-aim-neutral-status-nsc-2010",),
              test=_aim_criterion({"neutrality", "neutral-status"}, None, "aim of neutrality",
                                  ("constitution", "concept", "doctrine"))),
    Criterion("constitutional-nato-aim", "A constitutional aim of NATO membership",
              "The constitution states the strategic course towards NATO membership.",
              basis=("ukr-aim-nato-membership-constitutional",),
              test=_aim_criterion({"nato-membership"}, {"constitutional"}, "constitutional aim of NATO membership")),
    Criterion("nato-aim", "An aim of NATO membership, or an application",
              "The state states the aim of joining NATO, in its constitution or policy, or has applied to join.",
              basis=("ukr-aim-nato-membership-2014",), test=_nato_aim),
    Criterion("nato-member", "NATO member", "The state is a member of NATO.",
              basis=("north-atlantic-treaty-signed",), test=_nato_member),
    Criterion("declared-non-alignment", "A declared policy of military non-alignment",
              "The state declares a policy of military non-alignment or military neutrality.",
              basis=("swe-military-non-alignment",), test=_declared_non_alignment),
    Criterion("foreign-forces", "Foreign forces stationed on the territory",
              "Forces of another state are stationed on the state's territory.",
              basis=("rus-no-troops-stationed-blr-2020",), test=_foreign_forces),
    Criterion("foreign-facilities", "Facilities leased to another state",
              "Military facilities on the state's territory are leased to, or used by, another state.",
              test=_foreign_facilities),
    Criterion("veto-foreign-forces", "A veto over foreign forces entering the territory",
              "Under every arrangement in force to which the state is a party, no foreign forces can be brought "
              "onto, stationed on, or based on its territory, in any readiness mode, without the state's own "
              "players (computed by the rules engine).",
              basis=("blr-restricts-rus-use-of-territory",), law="computed: rules.verify.keeps_veto",
              test=_veto_criterion(_ENTRY, True, "foreign forces entering its territory")),
    Criterion("veto-own-forces", "A veto over the use of its own forces",
              "Under every arrangement in force to which the state is a party, its forces cannot be committed "
              "and joint forces cannot be activated, in any readiness mode, without the state's own players "
              "(computed by the rules engine).",
              basis=("ssc-activation-threatened-period",), law="computed: rules.verify.keeps_veto",
              test=_veto_criterion(_OWN, False, "the use of its own or joint forces")),
    Criterion("ally-war-participation", "Took part in an ally's war",
              "The state joined a war in which one of its allies (a state bound to it by a mutual-defence "
              "obligation) was a belligerent, or let its territory be used for it (the article's test cases: "
              "Georgia 2008, Ukraine 2014, Syria 2015; and Ukraine 2022).",
              basis=("blr-abstained-ukraine-2014",), test=_ally_wars),
    Criterion("hague-v-duties", "Stayed out of wars and kept a neutral power's duties over its territory",
              "The state was not itself a party to a recorded war, and no belligerent moved troops or supplies "
              "across its territory, or used it for operations, in a war it was not party to (Hague Convention V, "
              "Articles 2 and 5).",
              basis=("hague-convention-v-neutral-territory-inviolable",), law="Hague Convention V (1907), Arts. 2, 5",
              test=_hague_v),
]

CRITERIA: dict[str, Criterion] = {c.id: c for c in _LIST}


def evaluate(c: Context, cid: str) -> dict[str, Any]:
    """The criterion's answer for the context's state and day (memoised per context)."""
    if cid not in c.memo:
        crit = CRITERIA[cid]
        c.memo[cid] = {"id": cid, "description": crit.name, "definition": crit.definition, "law": crit.law,
                       "definition_basis": list(crit.basis), **crit.test(c)}
    return c.memo[cid]
