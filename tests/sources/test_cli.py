"""The sources commands through the real CLI: import, anchor and re-anchor, bad input as one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from allegiance.cli import app
from allegiance.report.sources import render_anchor
from tests.conftest import FIXTURE_KB

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "sources"
runner = CliRunner()


@pytest.fixture(autouse=True)
def _cache(cache_dir):
    return cache_dir


def run(*args: str):
    return runner.invoke(app, ["--kb", str(FIXTURE_KB), *args])


def test_import_writes_the_cleaned_text_a_draft_source_file_and_csl(tmp_path):
    r = run("sources", "import", str(FIX / "article.txt"), "--id", "paper-2020", "-o", str(tmp_path), "--json")
    assert r.exit_code == 0, r.output
    d = json.loads(r.stdout)
    assert d["text_file"] == str(tmp_path / "paper-2020.txt")
    assert (tmp_path / "paper-2020.txt").read_text(encoding="utf-8") == (FIX / "texts" / "paper-2020.txt").read_text(
        encoding="utf-8")
    csl = json.loads((tmp_path / "paper-2020.csl.json").read_text(encoding="utf-8"))
    assert [c["id"] for c in csl] == [f"paper-2020-n{i}" for i in range(1, 5)]
    from allegiance.facts.load import load_kb

    kb_dir = tmp_path / "kb"
    kb_dir.mkdir()
    (kb_dir / "draft.yaml").write_text((tmp_path / "paper-2020.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    kb = load_kb(kb_dir)  # the draft is valid knowledge-base YAML
    assert kb.sources["paper-2020-n1"].locator == "Article 10" and kb.sources["paper-2020-n4"].note == 4


def test_import_id_defaults_to_the_file_name():
    r = run("sources", "import", str(FIX / "article.txt"), "--json")
    assert r.exit_code == 0 and json.loads(r.stdout)["source"] == "article"


def test_sources_and_sources_id_still_answer():
    assert run("sources").exit_code == 0
    a, b = run("sources", "paper-2020", "--json"), run("sources", "show", "paper-2020", "--json")
    assert a.exit_code == b.exit_code == 0 and a.stdout == b.stdout


def test_anchor_then_reanchor_after_the_text_changed(tmp_path):
    store = tmp_path / "anchors.json"
    r = run("sources", "anchor", "--texts", str(FIX / "texts"), "--anchors", str(store), "--json")
    assert r.exit_code == 0, r.output
    first = json.loads(r.stdout)
    assert first["anchored"] == 15 and {q["status"] for q in first["quotes"]} == {"exact"}
    changed = tmp_path / "texts"
    changed.mkdir()
    text = (FIX / "texts" / "paper-2020.txt").read_text(encoding="utf-8")
    (changed / "paper-2020.txt").write_text("A new preface. " + text.replace("joined the Bloc", "jioned the Bloc")
                                            .replace("To date, no Russian troops are stationed in the country; ", ""),
                                            encoding="utf-8")
    r = run("sources", "anchor", "paper-2020", "--texts", str(changed), "--anchors", str(store), "--json")
    assert r.exit_code == 1  # an orphan
    d = json.loads(r.stdout)
    approx = [q for q in d["quotes"] if q["status"] == "approximate"]
    assert [q["statement"] for q in approx] == ["blr-member-bloc"] and approx[0]["distance"] == 2
    assert [o["exact"] for o in d["orphans"]] == ["no Russian troops are stationed"]
    kept = json.loads(store.read_text(encoding="utf-8"))["quotes"]
    assert any(q["exact"] == "no Russian troops are stationed" for q in kept)  # the orphan's old selector is kept


@pytest.mark.parametrize("args, message", [
    (["sources", "import", "missing.pdf"], "error: FILE: 'missing.pdf' is not a readable file"),
    (["sources", "import", str(FIX / "article.txt"), "--id", "Bad Id"], "error: --id: 'Bad Id' is not a source id"),
    (["sources", "anchor"], "error: --texts: no document texts to anchor in"),
    (["sources", "anchor", "nope", "--texts", str(FIX / "texts")], "error: ID: unknown source 'nope'"),
    (["sources", "anchor", "news-2022", "--texts", str(FIX / "texts")], "error: ID: no text of source 'news-2022'"),
])
def test_bad_input_is_one_line(args, message):
    r = run(*args)
    assert r.exit_code == 2 and "Traceback" not in r.output
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(message), r.stderr


def test_a_damaged_anchors_file_is_one_line(tmp_path):
    bad = tmp_path / "a.json"
    bad.write_text("{not json", encoding="utf-8")
    r = run("sources", "anchor", "--texts", str(FIX / "texts"), "--anchors", str(bad))
    assert r.exit_code == 2 and r.stderr.startswith("error: --anchors:"), r.stderr


def test_anchor_report_rendering(snapshot):
    d = {"anchored": 2, "unavailable": [{"statement": "s9", "source": "x"}],
         "quotes": [{"statement": "s1", "source": "doc", "status": "exact", "exact": "a", "start": 0, "end": 1,
                     "distance": 0},
                    {"statement": "s2", "source": "doc", "status": "approximate", "exact": "Belarus jioned the Bloc",
                     "start": 10, "end": 33, "distance": 2}],
         "orphans": [{"statement": "s3", "source": "doc", "status": "orphan", "exact": "no troops are stationed"}],
         "ambiguous": [{"statement": "s4", "source": "doc", "status": "ambiguous", "exact": "the same words",
                        "candidates": [{"start": 1, "end": 15, "score": 0.9, "distance": 0},
                                       {"start": 40, "end": 54, "score": 0.9, "distance": 0}]}]}
    assert render_anchor(d) == snapshot


def test_check_seeds_reports_a_seed_quote_that_does_not_anchor_once(tmp_path):
    import shutil

    from allegiance.facts.load import default_kb_dir
    from tests.conftest import seeds_or_skip

    seeds = seeds_or_skip()
    kb = tmp_path / "kb"
    shutil.copytree(default_kb_dir(), kb)
    page = kb / "belarus-foreign-policy.yaml"
    text = page.read_text(encoding="utf-8")
    assert 'quote: "After Belarus obtained independence in 1990"' in text
    page.write_text(text.replace('quote: "After Belarus obtained independence in 1990"', 'quote: "the Union State"', 1),
                    encoding="utf-8")
    r = runner.invoke(app, ["--kb", str(kb), "check", "--seeds", str(seeds)])
    assert r.exit_code == 1
    lines = [ln for ln in r.stdout.splitlines() if ln]
    assert len(lines) == 1 and "belarus-foreign-policy.yaml:" in lines[0]
    assert "quote: passage found more than once in the cleaned text of sivitsky-2020: 'the Union State'" in lines[0]
