"""Status mechanics: three-valued labels, coverage errors, assessments kept apart, the CLI and the brief."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from allegiance.cli import app
from allegiance.errors import StatusError, UnknownStateError
from allegiance.status import (
    ASSESSMENT_LABELS,
    CRITERIA,
    LABELS,
    changes,
    compare,
    status,
    status_all,
)
from allegiance.status.criteria import Context, evaluate
from allegiance.status.index import Index
from allegiance.status.labels import truth

runner = CliRunner()


def _r(v):
    return {"result": {True: "met", False: "not-met", None: "unknown"}[v]}


def test_kleene_truth_tables():
    for a in (True, False, None):
        for b in (True, False, None):
            res = {"a": _r(a), "b": _r(b)}
            both = truth(("all", "a", "b"), res)
            either = truth(("any", "a", "b"), res)
            assert both is (False if False in (a, b) else None if None in (a, b) else True)
            assert either is (True if True in (a, b) else None if None in (a, b) else False)
        assert truth(("not", "a"), {"a": _r(a)}) is (None if a is None else not a)


def test_status_json_shape(shipped_store):
    d = status(shipped_store, "Belarus", as_of=date(2020, 7, 1))
    assert d["state"] == "BLR" and d["as_of"] == "2020-07-01"
    for key in ("labels", "memberships", "assessments", "criteria", "holding", "disagreements"):
        assert key in d
    lb = next(x for x in d["labels"] if x["label"] == "de-facto-neutral")
    assert lb["holds"] is True
    for c in lb["criteria"]:
        assert {"id", "description", "result", "evidence", "sources", "part"} <= set(c)
    # every met criterion of a holding label shows its evidence or sources, with quotes
    for c in lb["criteria"]:
        if c["result"] == "met" and c["part"] == "required" and not c["closed_world"]:
            assert c["sources"] and all(s["quote"] for s in c["sources"])
    assert {m["organisation"] for m in d["memberships"]} >= {"csto", "nam", "union-state"}


def test_veto_criterion_comes_from_the_rules_engine(shipped_store):
    d = status(shipped_store, "BLR", as_of=date(2020, 7, 1))
    c = next(x for x in d["criteria"] if x["id"] == "veto-foreign-forces")
    arrs = {a["arrangement"]: a for a in c["arrangements"]}
    assert arrs["union-state"]["holds"] is True
    assert "airbase-syria-model" not in arrs  # a design, never in force
    assert any(ch["action"] == "bring-russian-forces-into-blr" for ch in arrs["union-state"]["checked"])


def test_attributed_assessments_are_shown_and_disagreement_is_named(shipped_store):
    d = status(shipped_store, "BLR", as_of=date(2023, 1, 1))
    by_id = {a["id"]: a for a in d["assessments"]}
    a = by_id["blr-de-facto-neutral-assessment"]
    assert a["by"] == "Arseny Sivitsky" and a["derived_holds"] is False and a["agreement"] == "disagrees"
    assert a in d["disagreements"]
    assert by_id["blr-active-enabler-euiss"]["agreement"] == "agrees"
    d = status(shipped_store, "BLR", as_of=date(2020, 7, 1))
    assert {a["id"]: a["agreement"] for a in d["assessments"]}["blr-de-facto-neutral-assessment"] == "agrees"


def test_assessments_never_enter_the_derived_labels(shipped_store):
    """Every criterion of every state on several days answers the same with every assessment removed."""
    full = Index(shipped_store)
    bare = Index(shipped_store)
    for key in [k for k in bare.by_subject if k[0] == "assessed-as"]:
        del bare.by_subject[key]
    bare.by_pred["assessed-as"] = []
    assert full.by_pred["assessed-as"], "the knowledge base should hold attributed assessments"
    from functools import partial

    from allegiance.status.engine import rules_for

    load = partial(rules_for, shipped_store)
    for day in (date(1995, 1, 1), date(2020, 7, 1), date(2023, 1, 1)):
        for s in full.states:
            a = Context(full, s, day, rules_loader=load)
            b = Context(bare, s, day, rules_loader=load)
            for cid in CRITERIA:
                assert evaluate(a, cid)["result"] == evaluate(b, cid)["result"], (s, day, cid)


def test_assessment_mapping_names_real_assessments(shipped_store):
    ix = Index(shipped_store)
    for sid, (label, says) in ASSESSMENT_LABELS.items():
        assert sid in ix.recs and ix.recs[sid].kind == "assessment", sid
        assert label in LABELS and isinstance(says, bool)


def test_definitions_cite_statements_that_exist(shipped_store):
    ids = {r[0] for r in shipped_store.con.execute("SELECT id FROM statements").fetchall()}
    for c in CRITERIA.values():
        assert set(c.basis) <= ids, c.id
    for lb in LABELS.values():
        assert set(lb.basis) <= ids, lb.id
        from allegiance.status.labels import criteria_of

        assert {cid for cid, _ in criteria_of(lb.formula)} | set(lb.context) <= set(CRITERIA)


def test_unknown_state_and_dates_outside_coverage(shipped_store):
    with pytest.raises(UnknownStateError, match="not a state the knowledge base covers"):
        status(shipped_store, "JPN", as_of=date(2020, 1, 1))
    with pytest.raises(UnknownStateError):
        status(shipped_store, "Atlantis", as_of=date(2020, 1, 1))
    with pytest.raises(StatusError, match="before the coverage"):
        status(shipped_store, "POL", as_of=date(1945, 12, 31))
    with pytest.raises(StatusError, match="horizon"):
        status(shipped_store, "BLR", as_of=date(2099, 1, 1))
    with pytest.raises(StatusError, match="before the start") as err:
        changes(shipped_store, "BLR", start=date(2021, 1, 1), end=date(2020, 1, 1))
    # the library names its own parameter, never a command-line flag (the CLI adds those)
    assert "--" not in str(err.value) and (err.value.field, err.value.value) == ("end", "2020-01-01")
    with pytest.raises(StatusError) as err:
        status(shipped_store, "BLR", as_of=date(1945, 12, 31))
    assert "--as-of" not in str(err.value) and err.value.field == "as_of"


def test_unknown_is_answered_with_its_reason(shipped_store):
    d = status(shipped_store, "FIN", as_of=date(2024, 6, 1))
    lb = next(x for x in d["labels"] if x["label"] == "de-facto-neutral")
    assert lb["holds"] is None and lb["reason"].startswith("unknown, because veto-foreign-forces is unknown")


def test_changes_finds_the_accessions_and_why(shipped_store):
    d = changes(shipped_store, "FIN", start=date(2020, 1, 1), end=date(2025, 1, 1))
    by_date = {e["date"]: e for e in d["changes"]}
    assert "2022-05-18" in by_date and "2023-04-04" in by_date
    moved = {x["label"]: (x["from"], x["to"]) for x in by_date["2023-04-04"]["labels"]}
    assert moved["allied"] == (False, True) and moved["post-neutral"] == (True, False)
    assert any(b["criterion"] == "mutual-defence" for b in by_date["2023-04-04"]["because"])
    d = changes(shipped_store, "BLR", start=date(2019, 1, 1), end=date(2023, 1, 1))
    # 4 November 2021: the doctrine behind the consensus rule on the joint forces was replaced (strategic autonomy
    # and de facto neutrality, which needs that veto, become unknown); 24 February 2022: the invasion
    assert [e["date"] for e in d["changes"]] == ["2021-11-04", "2022-02-24"]
    moved = {x["label"]: (x["from"], x["to"]) for x in d["changes"][0]["labels"]}
    assert moved == {"strategically-autonomous": (True, None), "de-facto-neutral": (True, None)}


def test_status_all_and_compare(shipped_store):
    d = status_all(shipped_store, as_of=date(2020, 7, 1))
    rows = {r["state"]: r["labels"] for r in d["states"]}
    assert d["count"] == len(rows) > 30 and rows["CHE"]["permanently-neutral"] is True
    assert rows["USA"]["allied"] is True
    c = compare(shipped_store, ["BLR", "AUT"], as_of=date(2020, 7, 1))
    vals = {r["label"]: r["values"] for r in c["rows"]}
    assert vals["de-facto-neutral"] == {"BLR": True, "AUT": False}


def run(*args):
    return runner.invoke(app, list(args))


def test_cli_status_compare_changes(cache_dir):
    r = run("status", "BLR", "--as-of", "2020-07-01", "--json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert {"state", "as_of", "labels", "memberships", "assessments"} <= set(d)
    r = run("status", "BLR", "--as-of", "2020-07-01")
    assert "de-facto-neutral" in r.stdout and "Sources:" in r.stdout
    r = run("status", "--all", "--as-of", "2020-07-01")
    assert r.exit_code == 0 and "BLR" in r.stdout
    r = run("compare", "FIN", "SWE", "--as-of", "2023-06-01")
    assert r.exit_code == 0 and "FIN" in r.stdout
    r = run("changes", "SWE", "--from", "2020-01-01", "--to", "2025-01-01")
    assert "2024-03-07" in r.stdout


@pytest.mark.parametrize("args,message", [
    (("status", "--as-of", "2020-01-01"), "name a STATE"),
    (("status", "Narnia", "--as-of", "2020-01-01"), "unknown state"),
    (("status", "BLR", "--as-of", "1940-01-01"), "before the coverage"),
    (("status", "BLR", "--as-of", "2020-13-01"), "--as-of"),
    (("assess", "BLR", "--as-of", "2020-01-01", "--format", "pdf"), "expected md, html or json"),
    (("assess", "BLR", "--as-of", "2020-01-01", "--since", "2021-01-01"), "after --as-of"),
    (("assess", "BLR", "--as-of", "2020-01-01", "--data", "/nonexistent/votes.duckdb"), "no such data store"),
])
def test_cli_errors_are_one_line(cache_dir, args, message):
    r = run(*args)
    assert r.exit_code != 0
    assert message in r.output and "Traceback" not in r.output


def test_assess_formats(cache_dir, tmp_path, monkeypatch):
    monkeypatch.delenv("ALLEGIANCE_DATA", raising=False)
    monkeypatch.setattr("allegiance.measure.data.store.default_data_path", lambda: tmp_path / "none.duckdb")
    r = run("assess", "BLR", "--as-of", "2023-01-01", "--since", "2020-07-01", "--format", "json")
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert [s["id"] for s in doc["sections"]] == ["summary", "memberships", "obligations", "posture", "vetoes",
                                                 "arrangements", "behaviour", "assessments", "conflicts", "changes"]
    arr = next(s for s in doc["sections"] if s["id"] == "arrangements")
    text = json.dumps(arr["blocks"])
    assert "Minsk will not permit Russian forces" in text and "departure" in text  # provisions and the record
    # every footnote marker resolves to a footnote with a quote
    import re

    text = json.dumps(doc["sections"])
    marks = {int(m) for m in re.findall(r"\[\^(\d+)\]", text)}
    notes = {n["n"]: n for n in doc["footnotes"]}
    assert marks and marks == set(notes) and all(notes[n]["quote"] for n in marks)
    r = run("assess", "BLR", "--as-of", "2023-01-01", "--format", "html")
    assert r.stdout.startswith("<!doctype html>") and 'id="fn-1"' in r.stdout and "<table>" in r.stdout
    out = tmp_path / "brief.md"
    r = run("assess", "FIN", "--as-of", "2024-01-01", "-o", str(out))
    assert r.exit_code == 0 and out.read_text().startswith("# Finland: posture on 1 January 2024")


def test_assessment_brief_snapshot(shipped_store, snapshot):
    from allegiance.report.assess import assess, render_markdown

    doc = assess(shipped_store, "BLR", as_of=date(2020, 7, 1), since=date(2014, 1, 1))
    assert render_markdown(doc) == snapshot


def test_assessment_reports_un_voting_when_votes_are_imported(shipped_store, tmp_path):
    """With the fixture votes imported, the brief's behaviour section carries the agreement table."""
    from allegiance.measure.data.importer import import_dataset
    from allegiance.measure.data.store import open_data
    from allegiance.report.assess import assess

    fix = Path(__file__).resolve().parent.parent / "fixtures" / "measure"
    with open_data(tmp_path / "data.duckdb", read_only=False) as data:
        for kind in ("un_roll_calls", "un_votes"):
            import_dataset(data, kind, fix / f"fx_{kind}.csv")
        last = data.con.execute("SELECT max(date) FROM un_roll_calls").fetchone()[0]
        doc = assess(shipped_store, "BLR", as_of=max(date(1990, 12, 31), last), data=data)
    blocks = next(s for s in doc["sections"] if s["id"] == "behaviour")["blocks"]
    tables = [b for b in blocks if b["type"] == "table"]
    assert tables and {r[0] for r in tables[0]["rows"]} >= {"Russia"}


def test_a_state_that_ceased_is_neither_listed_nor_answered_for_after_it_ceased(shipped_store):
    # the USSR until 25 December 1991, the GDR until 2 October 1990, Czechoslovakia until 31 December 1992
    # (kb/state-existence.yaml: valid_until is the first day the state no longer existed)
    for code, last in (("SUN", date(1991, 12, 25)), ("DDR", date(1990, 10, 2)), ("CSK", date(1992, 12, 31))):
        assert status(shipped_store, code, as_of=last)["state"] == code
        assert code in {r["state"] for r in status_all(shipped_store, as_of=last)["states"]}
        after = date.fromordinal(last.toordinal() + 1)
        assert code not in {r["state"] for r in status_all(shipped_store, as_of=after)["states"]}
        with pytest.raises(StatusError, match=rf"{code} \(.*\) did not exist as a state on {after.isoformat()}"):
            status(shipped_store, code, as_of=after)
    assert "RUS" in {r["state"] for r in status_all(shipped_store, as_of=date(2000, 1, 1))["states"]}


def test_a_state_that_began_after_1990_is_neither_listed_nor_answered_for_before_it_began(shipped_store):
    # kb/state-existence.yaml: the first day each existed as a state
    # (declaration vs recognition: docs/state-existence.md)
    for code, first in (("UKR", date(1991, 12, 26)), ("RUS", date(1991, 12, 26)), ("LTU", date(1991, 9, 6)),
                        ("CZE", date(1993, 1, 1)), ("HRV", date(1992, 1, 15)), ("SRB", date(1992, 4, 27)),
                        ("ERI", date(1993, 5, 24)), ("TLS", date(2002, 5, 20)), ("MNE", date(2006, 6, 3)),
                        ("XAB", date(2008, 8, 26))):
        before = date.fromordinal(first.toordinal() - 1)
        assert code in {r["state"] for r in status_all(shipped_store, as_of=first)["states"]}, code
        assert code not in {r["state"] for r in status_all(shipped_store, as_of=before)["states"]}, code
        assert status(shipped_store, code, as_of=first)["state"] == code
        with pytest.raises(StatusError, match=rf"{code} \(.*\) did not exist as a state on {before.isoformat()}: "
                                              rf"the knowledge base dates it as a state .*from {first.isoformat()} on"):
            status(shipped_store, code, as_of=before)


def test_status_all_in_1990_lists_the_ussr_and_czechoslovakia_not_their_successors(shipped_store):
    listed = {r["state"] for r in status_all(shipped_store, as_of=date(1990, 6, 1))["states"]}
    assert {"SUN", "CSK", "DDR", "YUG", "YEM", "NAM", "DEU", "PSE"} <= listed
    assert not {"UKR", "BLR", "RUS", "LTU", "CZE", "SVK", "HRV", "SRB", "ERI", "TLS", "XAB", "YMD"} & listed
    # a predecessor and its successors never overlap and never leave a gap
    for old, new, last in (("SUN", "RUS", date(1991, 12, 25)), ("CSK", "CZE", date(1992, 12, 31)),
                           ("YUG", "SRB", date(1992, 4, 26)), ("YMD", "YEM", date(1990, 5, 21))):
        on_last = {r["state"] for r in status_all(shipped_store, as_of=last)["states"]}
        after = {r["state"] for r in status_all(shipped_store, as_of=date.fromordinal(last.toordinal() + 1))["states"]}
        assert old in on_last and new in after and old not in after
        assert new not in on_last or new == "YEM"  # YEM is North Yemen before the union: it goes on


def test_status_of_a_state_that_ceased_is_a_one_line_error_in_the_cli():
    res = runner.invoke(app, ["status", "SUN", "--as-of", "2000-01-01"])
    assert res.exit_code != 0 and "Traceback" not in res.output
    assert "did not exist as a state on 2000-01-01" in res.output and "sun-exists" in res.output


def test_the_us_suspension_of_anzus_ends_the_obligation_between_nzl_and_usa_only(shipped_store):
    from allegiance.status.index import index_of

    ix = index_of(shipped_store)

    def md(state, day):
        return evaluate(Context(ix, state, day), "mutual-defence")

    before, on = date(1986, 9, 16), date(1986, 9, 17)
    assert md("NZL", before)["allies"] == ["AUS", "USA"] and md("NZL", on)["allies"] == ["AUS"]
    assert "NZL" in md("USA", before)["allies"] and "NZL" not in md("USA", on)["allies"]
    assert "AUS" in md("USA", on)["allies"] and md("AUS", on)["allies"] == ["NZL", "USA"]
    after = md("NZL", on)
    assert after["result"] == "met" and "usa-suspends-anzus-obligations-nzl" in {e["id"] for e in after["evidence"]}


def test_changes_of_a_state_that_ceased_name_the_end_of_the_range(shipped_store):
    with pytest.raises(StatusError, match="did not exist as a state on 2000-01-01") as e:
        changes(shipped_store, "SUN", start=date(1990, 1, 1), end=date(2000, 1, 1))
    assert e.value.field == "end"
    assert changes(shipped_store, "SUN", start=date(1990, 1, 1), end=date(1991, 12, 25))["state"] == "SUN"


def test_before_1990_a_record_still_answers_and_silence_is_unknown(shipped_store):
    """Status answers from 1946, as the panel does: the Warsaw Pact binds Poland in 1960 (a record), but the
    knowledge base is complete only from 1990, so what would rest on its silence is unknown, with the reason."""
    st = status(shipped_store, "POL", as_of=date(1960, 1, 1))
    crit = {c["id"]: c for c in st["criteria"]}
    assert st["coverage"] == {"from": "1990-01-01", "to": st["coverage"]["to"], "answers_from": "1946-01-01"}
    assert crit["mutual-defence"]["result"] == "met" and "Warsaw" in crit["mutual-defence"]["reason"]
    assert crit["permanent-neutrality"]["result"] == "unknown"
    assert crit["permanent-neutrality"]["reason"].startswith("nothing recorded, and the knowledge base is complete "
                                                             "only from 1990-01-01")
    assert crit["permanent-neutrality"]["closed_world"] is False
    assert crit["permanent-neutrality"]["closed_world_reason"].startswith("no declared or recognised")
    assert "allied" in st["holding"]
    after = {c["id"]: c for c in status(shipped_store, "POL", as_of=date(1990, 1, 1))["criteria"]}
    assert after["permanent-neutrality"]["result"] == "not-met" and after["permanent-neutrality"]["closed_world"]


def test_status_before_1990_agrees_with_the_panel_cell(shipped_store):
    from allegiance.status.spells import criterion_on

    for state, day in (("POL", date(1960, 1, 1)), ("FIN", date(1975, 6, 1)), ("AUT", date(1956, 1, 1))):
        st = status(shipped_store, state, as_of=day)
        for c in st["criteria"]:
            assert c["result"] == criterion_on(shipped_store, state, c["id"], day)["result"], (state, day, c["id"])


def test_changes_across_1990_name_the_day_the_knowledge_base_becomes_complete(shipped_store):
    out = changes(shipped_store, "CHE", start=date(1985, 1, 1), end=date(1991, 1, 1))
    assert "1990-01-01" in [e["date"] for e in out["changes"]]


def test_nam_and_nato_membership_are_complete_from_1946(shipped_store):
    """The NAM's and NATO's members are recorded from their founding (COMPLETE_FROM): before 1990 the silence of
    those records is evidence, so Sweden in 1970 is not non-aligned (not a NAM member) and not a NATO member,
    while its alliances stay unknown (the knowledge base is complete for those only from 1990)."""
    from allegiance.status import COMPLETE_FROM

    assert set(COMPLETE_FROM) == {"nam-member", "nato-member"}
    st = status(shipped_store, "SWE", as_of=date(1970, 1, 1))
    crit = {c["id"]: c for c in st["criteria"]}
    assert crit["nam-member"]["result"] == "not-met" and crit["nam-member"]["closed_world"]
    assert crit["nato-member"]["result"] == "not-met"
    assert crit["mutual-defence"]["result"] == "unknown"
    labels = {lb["label"]: lb["holds"] for lb in st["labels"]}
    assert labels["non-aligned"] is False and labels["allied"] is None
    # a founding member of the Movement, on the record
    assert "non-aligned" in status(shipped_store, "YUG", as_of=date(1970, 1, 1))["holding"]
    # before the Movement existed no state was a member
    assert {c["id"]: c["result"] for c in status(shipped_store, "IND", as_of=date(1955, 1, 1))["criteria"]}[
        "nam-member"] == "not-met"
