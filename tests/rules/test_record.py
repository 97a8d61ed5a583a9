"""The record against the rules: recorded events checked on their dates, and the record file's bad input."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from allegiance.errors import KnowledgeBaseError, UnknownIdError, UsageError
from allegiance.rules.record import load_record, record


@pytest.fixture(scope="module")
def answer(rules):
    return record(rules, "union-state")


def _event(answer, eid):
    return next(e for e in answer["events"] if e["id"] == eid)


def test_the_invasion_from_belarus_is_a_departure_from_the_2014_guarantees(answer):
    e = _event(answer, "invasion-of-ukraine-from-blr-2022")
    assert (e["result"], e["as_of"], e["action"]) == ("departure", "2022-02-24", "use-blr-territory-against-neighbour")
    # the provision, with its source
    assert [p["id"] for p in e["provisions"]] == ["security-guarantees"]
    assert e["provisions"][0]["valid_from"] == "2014"
    assert any("attack Ukraine from the northern direction" in c["quote"] for c in e["provisions"][0]["sources"])
    # the event, with its source
    assert any("launched in part from Belarusian territory" in c["quote"] for c in e["event_sources"])
    # the proof: impossible in every mode, each time because of the guarantees
    proof = e["proof"]
    assert proof["result"] is False and len(proof["children"]) == 3

    def provisions(node):
        if node["kind"] == "provision":
            yield node
        for c in node["children"]:
            yield from provisions(c)

    assert {(p["ref"], p["result"]) for p in provisions(proof)} == {("security-guarantees", False)}


def test_a_stationing_with_both_consents_recorded_conforms(answer):
    e = _event(answer, "russian-tnw-stationed-in-blr-2023")
    assert e["result"] == "conforms" and e["missing_consents"] == []
    assert {c["player"] for c in e["consents"]} == {"BLR", "RUS"}
    assert all(c["sources"] for c in e["consents"])


def test_a_stationing_without_minsks_recorded_consent_is_unknown_and_says_what_is_missing(answer):
    e = _event(answer, "russian-oreshnik-stationed-in-blr-2025")
    assert e["result"] == "unknown" and e["missing_consents"] == [["BLR"]]
    assert "BLR" in e["reason"]


def test_minsks_agreement_is_not_read_as_a_decision_of_the_supreme_state_council(rules, tmp_path):
    """The 2022 regional grouping on a day when the consensus rule was in force (2020): both presidents' and
    states' agreement is recorded, no decision of the Council; bringing in forces (threatened period or war,
    after a consensus decision) stays unknown, and the missing consents are the Council's other members."""
    d = tmp_path / "record"
    d.mkdir()
    src = (Path(__file__).resolve().parents[2] / "src" / "allegiance" / "kb" / "record" / "union-state.yaml")
    (d / "union-state.yaml").write_text(src.read_text(encoding="utf-8").replace("date: 2022-10-15", "date: 2020-10-15"),
                                        encoding="utf-8")
    e = _event(record(rules, "union-state", directory=d), "regional-grouping-russian-troops-arrive-2022")
    assert e["result"] == "unknown"
    assert e["missing_consents"] == [["BLR.chair-council-of-the-republic", "BLR.chair-house-of-representatives",
                                      "BLR.prime-minister", "RUS.chair-federation-council", "RUS.chair-state-duma",
                                      "RUS.prime-minister"]]


def test_the_regional_grouping_in_2022_is_unknown_because_the_consensus_rule_is_known_only_until_2021(answer):
    """From the 2021 doctrine the sources do not say whether the Council still decides by consensus: the
    record says so, naming the provision and its known_until, instead of blaming fuzzy dates."""
    e = _event(answer, "regional-grouping-russian-troops-arrive-2022")
    assert e["result"] == "unknown" and e["missing_consents"] == []
    assert "forces-with-the-rgf-by-consensus (known only until 2021-11-04" in e["reason"]


def test_the_2015_airbase_refusal_used_belarus_veto(answer):
    e = _event(answer, "airbase-refused-2015")
    assert (e["outcome"], e["result"], e["veto_used"]) == ("refused", "conforms", True)
    assert [p["id"] for p in e["provisions"]] == ["base-needs-minsk"]


def test_counts_and_order(answer):
    assert answer["recorded"] and answer["count"] == len(answer["events"])
    assert sum(answer["counts"].values()) == answer["count"]
    days = [e["as_of"] for e in answer["events"]]
    assert days == sorted(days)
    assert answer["counts"]["departure"] >= 1


def test_the_window_selects_events_by_their_first_day(rules):
    out = record(rules, "union-state", start=date(2022, 2, 24), end=date(2022, 2, 24))
    assert [e["id"] for e in out["events"]] == ["invasion-of-ukraine-from-blr-2022"]
    assert (out["from"], out["to"]) == ("2022-02-24", "2022-02-24")


def test_an_arrangement_without_a_record_answers_empty(rules):
    out = record(rules, "nato")
    assert (out["recorded"], out["count"], out["events"]) == (False, 0, [])


def test_bad_questions(rules):
    with pytest.raises(UnknownIdError) as exc:
        record(rules, "no-such-arrangement")
    assert exc.value.field == "arrangement"
    with pytest.raises(UsageError) as exc:
        record(rules, "union-state", start=date(2023, 1, 1), end=date(2022, 1, 1))
    assert exc.value.field == "end"


# ---------------------------------------------------------------------- bad record files

GOOD_EVENT = """\
  - id: e1
    name: An event
    action: use-blr-territory-against-neighbour
    date: 2022-02-24
    actors: [RUS]
    basis: [blr-territory-used-invasion-2022]
    consents:
      - player: BLR
        basis: [blr-territory-used-invasion-2022]
"""


def _problems(rules, tmp_path, text: str) -> list[str]:
    d = tmp_path / "record"
    d.mkdir(exist_ok=True)
    (d / "union-state.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeBaseError) as exc:
        load_record(rules, d)
    return [str(p) for p in exc.value.problems]


def _file(events: str, arrangement: str = "union-state") -> str:
    return f"arrangement: {arrangement}\ndescription: A test record.\nevents:\n{events}"


def test_the_good_event_loads(rules, tmp_path):
    d = tmp_path / "record"
    d.mkdir()
    (d / "union-state.yaml").write_text(_file(GOOD_EVENT), encoding="utf-8")
    out = record(rules, "union-state", directory=d)
    assert [e["result"] for e in out["events"]] == ["departure"]
    assert out["events"][0]["where"] == "record/union-state.yaml:4"


def test_records_are_read_once_and_afresh_when_a_file_changes(rules, tmp_path, monkeypatch):
    from allegiance.facts import digest

    monkeypatch.setattr(digest, "RACY_NS", 0)  # trust times at once (the real 2 s would make the test wait)
    d = tmp_path / "record"
    d.mkdir()
    f = d / "union-state.yaml"
    f.write_text(_file(GOOD_EVENT), encoding="utf-8")
    first = load_record(rules, d)
    assert load_record(rules, d) is first  # kept: a second question does not read and check the file again
    f.write_text(_file(GOOD_EVENT.replace("id: ", "id: again-", 1) + "    note: longer\n"), encoding="utf-8")
    second = load_record(rules, d)
    assert second is not first and second["union-state"].model.events[0].id == "again-e1"
    f.write_text(_file(GOOD_EVENT.replace("use-blr-territory-against-neighbour", "annex-belarus")), encoding="utf-8")
    for _ in range(2):  # a broken file is never kept: it raises on every question
        with pytest.raises(KnowledgeBaseError):
            load_record(rules, d)
    f.write_text(_file(GOOD_EVENT), encoding="utf-8")
    monkeypatch.setattr(digest, "RACY_NS", 10**12)  # the file changed "too recently" to trust its times
    third = load_record(rules, d)
    assert load_record(rules, d) is not third  # not kept: read afresh until its times can be trusted
    f.unlink()
    assert load_record(rules, d) == {}


def test_an_event_naming_an_action_the_arrangement_lacks(rules, tmp_path):
    probs = _problems(rules, tmp_path, _file(GOOD_EVENT.replace("use-blr-territory-against-neighbour",
                                                                "annex-belarus")))
    assert probs == [f"record/union-state.yaml:6: events[0].action: 'annex-belarus' is not an action of union-state; "
                     f"its actions: activate-joint-forces, appoint-urads-commander, assist-party-under-attack, "
                     f"bring-russian-equipment-into-blr, bring-russian-forces-into-blr, invite-russian-troops-into-blr, "
                     f"open-russian-base-in-blr, station-russian-forces-in-blr, use-blr-territory-against-neighbour, "
                     f"use-leased-facilities, use-russian-nuclear-weapons-in-blr"]


def test_a_consent_by_a_player_outside_the_arrangement(rules, tmp_path):
    probs = _problems(rules, tmp_path, _file(GOOD_EVENT.replace("player: BLR", "player: UKR")))
    assert len(probs) == 1
    assert probs[0].startswith("record/union-state.yaml:11: events[0].consents[0].player: 'UKR' is outside union-state")
    assert "BLR.president" in probs[0] and "RUS" in probs[0]


def test_a_refusal_by_a_player_outside_the_arrangement(rules, tmp_path):
    text = _file(GOOD_EVENT.replace("consents:", "refusals:").replace("player: BLR", "player: POL"))
    probs = _problems(rules, tmp_path, text)
    assert len(probs) == 1 and "events[0].refusals[0].player: 'POL' is outside union-state" in probs[0]


@pytest.mark.parametrize("old,new,where", [
    ("date: 2022-02-24", "date: 2022-13-45", ":7: events[0].date:"),
    ("actors: [RUS]", "actors: [XYZ]", ":8: events[0].actors[0]: unknown entity 'XYZ'"),
    ("basis: [blr-territory-used-invasion-2022]\n    consents", "basis: [no-such-statement]\n    consents",
     ":9: events[0].basis[0]: unknown statement 'no-such-statement'"),
    ("    consents:", "    mode: bellicose\n    consents:", ":10: events[0].mode:"),
    ("    consents:", "    event: BLR\n    consents:", ":10: events[0].event: 'BLR' is not an event"),
    ("    consents:", "    colour: red\n    consents:", ":10: events[0].colour:"),
    ("        basis: [blr-territory-used-invasion-2022]", "        basis: [nothing-here]",
     ":12: events[0].consents[0].basis[0]: unknown statement 'nothing-here'"),
], ids=["date", "actor", "basis", "mode", "event", "unknown-field", "consent-basis"])
def test_each_bad_field_is_named_with_its_line(rules, tmp_path, old, new, where):
    text = _file(GOOD_EVENT.replace(old, new))
    assert new in text
    probs = _problems(rules, tmp_path, text)
    assert len(probs) == 1 and where in probs[0], probs


def test_an_unknown_arrangement_and_a_duplicate_event(rules, tmp_path):
    probs = _problems(rules, tmp_path, _file(GOOD_EVENT, arrangement="atlantis"))
    assert probs == ["record/union-state.yaml:1: arrangement: unknown arrangement 'atlantis'; known: "
                     "airbase-syria-model, csto, eu-council-qmv, eu-csdp, hague-v, nato, shoigu-abkhazia-model, "
                     "sidorov-armenia-model, union-state"]
    probs = _problems(rules, tmp_path, _file(GOOD_EVENT + GOOD_EVENT))
    assert probs == ["record/union-state.yaml:13: events[1].id: duplicate event id 'e1' (already events[0])"]


def test_a_bad_record_file_through_the_cli_lists_its_problem_and_exits_1(tmp_path, cache_dir):
    """The real CLI over a copy of the shipped knowledge base with one bad record file."""
    from typer.testing import CliRunner

    from allegiance.cli import app
    from allegiance.facts.digest import default_kb_dir

    kb = tmp_path / "kb"
    shutil.copytree(default_kb_dir(), kb)
    (kb / "record" / "union-state.yaml").write_text(
        _file(GOOD_EVENT.replace("use-blr-territory-against-neighbour", "annex-belarus")), encoding="utf-8")
    res = CliRunner().invoke(app, ["--kb", str(kb), "record", "union-state"])
    assert res.exit_code == 1
    assert "record/union-state.yaml:6: events[0].action: 'annex-belarus' is not an action of union-state" \
        in res.stdout
    assert "Traceback" not in res.output
    assert res.stderr.strip() == "error: 1 problem(s) in the knowledge base"


def test_the_shipped_record_rests_on_statements_dated_on_or_before_the_event(rules, shipped_store):
    """Every event's basis statements exist and start no later than the event's last day (a record cannot
    rest on a statement of something later)."""
    from allegiance.facts.time import parse_date

    book = load_record(rules)["union-state"]
    for ev in book.model.events:
        last = parse_date(ev.date).upper
        for sid in ev.basis:
            row = shipped_store.con.execute("SELECT valid_from FROM statements WHERE id = ?", [sid]).fetchone()
            assert row is not None, sid
            assert parse_date(row[0]).lower <= last, (ev.id, sid)


def test_record_files_are_shipped(tmp_path):
    import tomllib

    data = tomllib.loads((Path(__file__).resolve().parents[2] / "pyproject.toml").read_text())
    assert "kb/record/*.yaml" in data["tool"]["setuptools"]["package-data"]["allegiance"]


@pytest.mark.parametrize("action,day,words", [
    ("use-blr-territory-against-neighbour", "1995-06-01", "union-state is not in force on 1995-06-01"),
    ("open-russian-base-in-blr", "2013-01-01", "no provision of union-state on open-russian-base-in-blr is in force"),
    ("station-russian-forces-in-blr", "2020-06-01", "valid time is fuzzy on 2020-06-01"),
], ids=["before-the-arrangement", "no-provision-in-force", "fuzzy-provision"])
def test_the_unknown_branches(rules, tmp_path, action, day, words):
    d = tmp_path / "record"
    d.mkdir()
    event = GOOD_EVENT.replace("use-blr-territory-against-neighbour", action).replace("2022-02-24", day)
    (d / "union-state.yaml").write_text(_file(event), encoding="utf-8")
    e = record(rules, "union-state", directory=d)["events"][0]
    assert e["result"] == "unknown" and words in e["reason"], e["reason"]


def test_a_refusal_that_was_no_veto(rules, tmp_path):
    """A refusal by an office whose consent the provision does not ask for (Belarus's prime minister, for a base
    that needs the two states' consent) conforms, but was no veto."""
    d = tmp_path / "record"
    d.mkdir()
    event = (GOOD_EVENT.replace("use-blr-territory-against-neighbour", "open-russian-base-in-blr")
             .replace("2022-02-24", "2016-01-01").replace("consents:", "outcome: refused\n    refusals:")
             .replace("player: BLR", "player: BLR.prime-minister").replace("actors: [RUS]", "actors: []"))
    (d / "union-state.yaml").write_text(_file(event), encoding="utf-8")
    e = record(rules, "union-state", directory=d)["events"][0]
    assert (e["result"], e["veto_used"]) == ("conforms", False)
    assert "gave no veto" in e["reason"]
