"""Every validation branch of the loader, each exercised by a case that must fail."""

from __future__ import annotations

import copy

import pytest
import yaml

from allegiance.errors import KnowledgeBaseError
from allegiance.facts.load import check_seed_quotes, load_kb

BASE = {
    "topic": "validation fixture",
    "sources": [
        {"id": "src", "type": "article", "title": "A Paper", "date": "2020"},
        {"id": "src-n1", "type": "legal-text", "title": "A Law", "cited_in": "src", "note": 1},
        {"id": "seeded", "type": "article", "title": "Seed", "seed": "seed.txt"},
    ],
    "entities": [
        {"id": "BLR", "type": "state", "name": "Belarus"},
        {"id": "RUS", "type": "state", "name": "Russia"},
        {"id": "org", "type": "organisation", "name": "Org"},
        {"id": "BLR.president", "type": "office", "name": "President", "of": "BLR"},
        {"id": "doc", "type": "document", "doc_type": "treaty", "name": "Treaty"},
        {"id": "ev", "type": "event", "name": "Event"},
        {"id": "fac", "type": "facility", "name": "Radar"},
        {"id": "frc", "type": "force", "name": "Force"},
    ],
    "statements": [
        {"id": "s1", "kind": "fact", "subject": "BLR", "predicate": "member-of", "object": "org",
         "role": "member", "text": "Belarus is a member.", "valid_from": "1998",
         "sources": [{"source": "src", "quote": "Belarus joined", "refs": ["src-n1"]}]},
        {"id": "s2", "kind": "fact", "subject": "ev", "predicate": "occurred", "text": "It happened.",
         "valid_from": "2006-09", "sources": [{"source": "src", "quote": "it happened"}]},
        {"id": "s3", "kind": "fact", "subject": "fac", "predicate": "personnel", "value": 600,
         "text": "600 staff.", "valid_from": "2020", "sources": [{"source": "src", "quote": "600 staff"}]},
    ],
}


def write(tmp_path, doc, name="a.yaml"):
    d = tmp_path / "kb"
    d.mkdir(exist_ok=True)
    text = doc if isinstance(doc, str) else yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)
    (d / name).write_text(text, encoding="utf-8")
    return d


def problems_of(tmp_path, doc):
    with pytest.raises(KnowledgeBaseError) as e:
        load_kb(write(tmp_path, doc))
    return e.value.problems


def mutated(fn):
    doc = copy.deepcopy(BASE)
    fn(doc)
    return doc


def st(doc, i=0):
    return doc["statements"][i]


def test_base_fixture_is_valid(tmp_path):
    kb = load_kb(write(tmp_path, BASE))
    assert set(kb.statements) == {"s1", "s2", "s3"}


CASES = [
    # (name, mutation, field suffix, message fragment)
    ("missing field", lambda d: st(d).pop("text"), "statements[0].text", "required field is missing"),
    ("unknown field", lambda d: st(d).update(colour="red"), "statements[0].colour", "unknown field"),
    ("bad kind", lambda d: st(d).update(kind="rumour"), "statements[0].kind", "'fact' or 'assessment'"),
    ("bad id", lambda d: st(d).update(id="Bad_Id"), "statements[0].id", "pattern"),
    ("no sources", lambda d: st(d).update(sources=[]), "statements[0].sources", "at least 1"),
    ("no quote", lambda d: st(d)["sources"][0].pop("quote"), "statements[0].sources[0].quote", "required"),
    ("empty quote", lambda d: st(d)["sources"][0].update(quote=""), "statements[0].sources[0].quote", "at least 3"),
    ("long quote", lambda d: st(d)["sources"][0].update(quote="x" * 401), "statements[0].sources[0].quote", "at most 400"),
    ("duplicate id in file", lambda d: d["statements"].append(copy.deepcopy(st(d))), "statements[3].id", "duplicate id 's1'"),
    ("id shared with an entity", lambda d: st(d).update(id="ev"), "statements[0].id", "duplicate id 'ev'"),
    ("unknown subject", lambda d: st(d).update(subject="BLX"), "statements[0].subject", "unknown entity 'BLX'"),
    ("subject of wrong type", lambda d: st(d, 1).update(subject="BLR"), "statements[1].subject", "takes a subject of type event"),
    ("unknown object", lambda d: st(d).update(object="orgg"), "statements[0].object", "did you mean 'org'"),
    ("object of wrong type", lambda d: st(d).update(object="doc"), "statements[0].object", "object of type organisation or body"),
    ("object not taken", lambda d: st(d, 1).update(object="org"), "statements[1].object", "takes no object"),
    ("object missing", lambda d: st(d).pop("object"), "statements[0].object", "needs an object"),
    ("unknown predicate", lambda d: st(d).update(predicate="member-off"), "statements[0].predicate", "did you mean 'member-of'"),
    ("value not taken", lambda d: st(d).update(value=3), "statements[0].value", "takes no value"),
    ("value missing", lambda d: st(d, 2).pop("value"), "statements[2].value", "needs a value"),
    ("value wrong type", lambda d: st(d, 2).update(value="many"), "statements[2].value", "non-negative whole number"),
    ("label not allowed", lambda d: st(d, 2).update(predicate="decides-by", subject="org", value="dice"),
     "statements[2].subject", "takes a subject of type body"),
    ("role not allowed", lambda d: st(d).update(role="overlord"), "statements[0].role", "got 'overlord'"),
    ("role on roleless predicate", lambda d: st(d, 1).update(role="host"), "statements[1].role", "takes no role"),
    ("mode not allowed", lambda d: st(d).update(mode="wartime"), "statements[0].mode", "does not vary by readiness mode"),
    ("bad mode", lambda d: st(d).update(mode="teatime"), "statements[0].mode", "'peacetime'"),
    ("assessment without by", lambda d: st(d).update(kind="assessment"), "statements[0].by", "must say whose it is"),
    ("fact with by", lambda d: st(d).update(by="Someone"), "statements[0].by", "by: is for assessments"),
    ("assessment-only predicate as fact", lambda d: st(d, 2).update(predicate="assessed-as", value="neutral"),
     "statements[2].kind", "must be kind: assessment"),
    ("invalid date", lambda d: st(d).update(valid_from="sometime"), "statements[0].valid_from", "not a valid EDTF date"),
    ("impossible date", lambda d: st(d).update(valid_from="2015-02-30"), "statements[0].valid_from", "has 28 days"),
    ("ends before it starts", lambda d: st(d).update(valid_until="1990"), "statements[0].valid_until", "ends before it starts"),
    ("instant with until", lambda d: st(d, 1).update(valid_until="2007"), "statements[1].valid_until", "takes no valid_until"),
    ("basis unknown", lambda d: st(d).update(basis=["nodoc"]), "statements[0].basis[0]", "unknown entity"),
    ("basis not a document", lambda d: st(d).update(basis=["org"]), "statements[0].basis[0]", "must be a document"),
    ("supersedes itself", lambda d: st(d).update(supersedes=["s1"]), "statements[0].supersedes[0]", "cannot list itself"),
    ("supersedes unknown", lambda d: st(d).update(supersedes=["s9"]), "statements[0].supersedes[0]", "unknown statement"),
    ("conflicts_with unknown", lambda d: st(d).update(conflicts_with=["s9"]), "statements[0].conflicts_with[0]", "unknown statement"),
    ("supersession cycle", lambda d: (st(d).update(supersedes=["s2"]), st(d, 1).update(supersedes=["s1"])),
     "supersedes", "supersession cycle"),
    ("unknown citation source", lambda d: st(d)["sources"][0].update(source="nosrc"), "statements[0].sources[0].source", "unknown source"),
    ("unknown footnote ref", lambda d: st(d)["sources"][0].update(refs=["src-n9"]), "statements[0].sources[0].refs[0]", "unknown source"),
    ("source bad date", lambda d: d["sources"][0].update(date="2020-13"), "sources[0].date", "not a valid date"),
    ("source access not a day", lambda d: d["sources"][0].update(accessed="2020"), "sources[0].accessed", "single day"),
    ("source cited_in unknown", lambda d: d["sources"][1].update(cited_in="nope"), "sources[1].cited_in", "unknown source"),
    ("footnote without number", lambda d: d["sources"][1].pop("note"), "sources[1].note", "both cited_in"),
    ("source bad type", lambda d: d["sources"][0].update(type="gossip"), "sources[0].type", "Input should be"),
    ("source bad url", lambda d: d["sources"][0].update(url="ftp:/x"), "sources[0].url", "not an http(s) URL"),
    ("url breaking out of an attribute", lambda d: d["sources"][0].update(url='https://x.org/"><script>alert(1)</script>'),
     "sources[0].url", "not an http(s) URL"),
    ("javascript url", lambda d: d["sources"][0].update(url="javascript:alert(1)"), "sources[0].url",
     "not an http(s) URL"),
    ("control character in a title", lambda d: d["sources"][0].update(title="A \x07Paper"), "sources[0].title",
     "control character U+0007"),
    ("bidi override in a statement", lambda d: st(d).update(text="Belarus \u202eis a member."), "statements[0].text",
     "control character U+202E"),
    ("control character in a quote", lambda d: st(d)["sources"][0].update(quote="Belarus\x00 joined"),
     "statements[0].sources[0].quote", "control character U+0000"),
    ("source accessed in the future", lambda d: d["sources"][0].update(accessed="2999-01-01"), "sources[0].accessed",
     "is in the future"),
    ("negative year", lambda d: st(d).update(valid_from="-2020-07-01"), "statements[0].valid_from", "before year 1"),
    ("of cycle", lambda d: (d["entities"][5].update(of="fac"), d["entities"][6].update(of="ev")), "entities[5].of",
     "cycle: ev -> fac -> ev"),
    ("state id not alpha-3", lambda d: d["entities"][0].update(id="BLRS"), "entities[0].id", "pattern"),
    ("lower-case state id", lambda d: d["entities"].append({"id": "belarus", "type": "state", "name": "B"}),
     "entities[8].id", "ISO 3166-1 alpha-3"),
    ("three capitals for a non-state", lambda d: d["entities"].append({"id": "ORG", "type": "organisation", "name": "O"}),
     "entities[8].id", "reserved for states"),
    ("office without owner", lambda d: d["entities"].append({"id": "chief", "type": "office", "name": "C", "of": "BLR"}),
     "entities[8].id", "OWNER.office"),
    ("office owner mismatch", lambda d: d["entities"][3].update(of="RUS"), "entities[3].of", "must belong to 'BLR'"),
    ("dotted non-office", lambda d: d["entities"].append({"id": "org.unit", "type": "force", "name": "U"}),
     "entities[8].id", "dotted ids are for offices only"),
    ("document without doc_type", lambda d: d["entities"][4].pop("doc_type"), "entities[4].doc_type", "required for documents"),
    ("doc_type on non-document", lambda d: d["entities"][2].update(doc_type="treaty"), "entities[2].doc_type", "only for documents"),
    ("cow on non-state", lambda d: d["entities"][2].update(cow=5), "entities[2].cow", "states only"),
    ("of unknown", lambda d: d["entities"][5].update(of="nothing"), "entities[5].of", "unknown entity"),
    ("of itself", lambda d: d["entities"][5].update(of="ev"), "entities[5].of", "cannot belong to itself"),
    ("unknown top-level key", lambda d: d.update(facts=[]), "facts", "unknown field"),
    ("missing topic", lambda d: d.pop("topic"), "topic", "required field is missing"),
    ("section not a list", lambda d: d.update(statements={"a": 1}), "statements", "list"),
]


@pytest.mark.parametrize("name, mutate, field, fragment", CASES, ids=[c[0] for c in CASES])
def test_validation_branch(tmp_path, name, mutate, field, fragment):
    problems = problems_of(tmp_path, mutated(mutate))
    hits = [p for p in problems if p.field.endswith(field) and fragment in p.message]
    assert hits, f"expected {field}: ...{fragment}... in {[str(p) for p in problems]}"
    assert all(p.file == "a.yaml" and p.line >= 1 for p in hits)


def test_every_problem_is_reported_not_just_the_first(tmp_path):
    def many(d):
        st(d).update(subject="nobody")
        st(d, 1).update(valid_from="2015-02-30")
        st(d, 2)["sources"][0].update(source="nosrc")

    problems = problems_of(tmp_path, mutated(many))
    assert {p.field for p in problems} >= {"statements[0].subject", "statements[1].valid_from",
                                            "statements[2].sources[0].source"}


def test_lines_point_at_the_field(tmp_path):
    text = """topic: t
sources:
  - id: src
    type: article
    title: T
entities:
  - id: BLR
    type: state
    name: Belarus
statements:
  - id: s1
    kind: fact
    subject: BLR
    predicate: independence
    text: x
    valid_from: 2015-02-30
    sources:
      - source: src
        quote: abc
"""
    problems = problems_of(tmp_path, text)
    assert [str(p) for p in problems] == [
        "a.yaml:16: statements[0].valid_from: '2015-02-30' is not a valid date: February 2015 has 28 days"]


def test_duplicate_id_across_files_names_the_first_place(tmp_path):
    d = write(tmp_path, BASE)
    other = {"topic": "b", "statements": [copy.deepcopy(BASE["statements"][0])]}
    write(tmp_path, other, name="b.yaml")
    with pytest.raises(KnowledgeBaseError) as e:
        load_kb(d)
    (p,) = e.value.problems
    assert p.file == "b.yaml" and "already defined in a.yaml:" in p.message


def test_malformed_file_loads_nothing(tmp_path):
    d = write(tmp_path, BASE)
    (d / "b.yaml").write_text("topic: b\nstatements: [\n")
    with pytest.raises(KnowledgeBaseError) as e:
        load_kb(d)
    assert e.value.problems[0].file == "b.yaml" and "malformed YAML" in e.value.problems[0].message


@pytest.mark.parametrize("content, fragment", [
    ("", "file is empty"),
    ("- a\n- b\n", "expected a mapping"),
])
def test_file_shapes(tmp_path, content, fragment):
    problems = problems_of(tmp_path, content)
    assert fragment in problems[0].message


def test_not_utf8(tmp_path):
    d = tmp_path / "kb"
    d.mkdir()
    (d / "a.yaml").write_bytes(b"topic: \xff\xfe\n")
    with pytest.raises(KnowledgeBaseError) as e:
        load_kb(d)
    assert "not UTF-8" in e.value.problems[0].message


def test_missing_and_empty_directories(tmp_path):
    with pytest.raises(KnowledgeBaseError, match="directory not found"):
        load_kb(tmp_path / "nope")
    (tmp_path / "empty").mkdir()
    with pytest.raises(KnowledgeBaseError, match="no \\*.yaml files"):
        load_kb(tmp_path / "empty")


def test_seed_quotes_are_checked(tmp_path):
    doc = mutated(lambda d: st(d)["sources"].append({"source": "seeded", "quote": "the   quick\nbrown fox"}))
    kb = load_kb(write(tmp_path, doc))
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "seed.txt").write_text("Once the quick brown fox jumped.")
    assert check_seed_quotes(kb, seeds) == []  # whitespace-normalised
    (seeds / "seed.txt").write_text("Once the slow brown fox jumped.")
    (p,) = check_seed_quotes(kb, seeds)
    assert p.field == "sources[1].quote" and "passage not found" in p.message
    (seeds / "seed.txt").unlink()
    (p,) = check_seed_quotes(kb, seeds)
    assert "not found in" in p.message


def test_a_yml_file_and_a_dangling_link_are_reported_not_skipped(tmp_path):
    """`check` used to ignore both, so a knowledge base could silently miss a file."""
    import os

    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "a.yaml").write_text(yaml.safe_dump(BASE, sort_keys=False), encoding="utf-8")
    (kb / "more.yml").write_text("topic: more\n", encoding="utf-8")
    os.symlink(tmp_path / "nowhere.yaml", kb / "gone.yaml")
    with pytest.raises(KnowledgeBaseError) as err:
        load_kb(kb)
    found = {(p.file, p.field): p.message for p in err.value.problems}
    assert "rename it to more.yaml" in found[("more.yml", "(file)")]
    assert "cannot read it" in found[("gone.yaml", "(file)")]


@pytest.mark.parametrize("name", ["more.YAML", "more.YML", "sub/more.yaml", "sub/deeper/more.yaml"])
def test_yaml_under_another_spelling_or_in_a_subdirectory_is_reported(tmp_path, name):
    """`check` used to skip x.YAML, x.YML and any subdirectory silently."""
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "a.yaml").write_text(yaml.safe_dump(BASE, sort_keys=False), encoding="utf-8")
    (kb / "arrangements").mkdir()  # read by the rules layer, not reported here
    (kb / "arrangements" / "x.yaml").write_text("id: x\n", encoding="utf-8")
    (kb / name).parent.mkdir(parents=True, exist_ok=True)
    (kb / name).write_text("topic: more\n", encoding="utf-8")
    with pytest.raises(KnowledgeBaseError) as err:
        load_kb(kb)
    (p,) = err.value.problems
    assert (p.file, p.field) == (name, "(file)")
    assert ("subdirectory is not read" if "/" in name else "rename it to more.yaml") in p.message


def test_the_rules_layers_subdirectories_are_not_reported(tmp_path):
    kb = tmp_path / "kb"
    kb.mkdir()
    (kb / "a.yaml").write_text(yaml.safe_dump(BASE, sort_keys=False), encoding="utf-8")
    for sub in ("arrangements", "record"):
        (kb / sub).mkdir()
        (kb / sub / "x.yaml").write_text("id: x\n", encoding="utf-8")
    assert load_kb(kb).statements


def test_a_syntax_error_is_not_buried_under_knock_on_errors(tmp_path):
    """One malformed file used to be listed after every reference into it from the other files."""
    kb = tmp_path / "kb"
    kb.mkdir()
    sources = {"topic": "sources", "sources": BASE["sources"], "entities": BASE["entities"]}
    rest = {"topic": "statements", "statements": BASE["statements"]}
    (kb / "a-sources.yaml").write_text(yaml.safe_dump(sources, sort_keys=False) + "  - {broken: [\n",
                                       encoding="utf-8")
    (kb / "b-statements.yaml").write_text(yaml.safe_dump(rest, sort_keys=False), encoding="utf-8")
    with pytest.raises(KnowledgeBaseError) as err:
        load_kb(kb)
    problems = err.value.problems
    assert [(p.file, p.field) for p in problems] == [("a-sources.yaml", "(syntax)")], [str(p) for p in problems]
