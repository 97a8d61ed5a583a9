from allegiance.facts._yaml import dotted, read_yaml


def test_lines_are_recorded_per_path():
    data, lines, problems = read_yaml("a: 1\nb:\n  - x\n  - {c: 2}\n", "f.yaml")
    assert problems == []
    assert data == {"a": 1, "b": ["x", {"c": 2}]}
    assert lines[("b", 1, "c")] == 4


def test_scalars_keep_dates_as_text_and_quoted_numbers_as_text():
    data, _, _ = read_yaml("d: 2020-06-27\ny: 1998\nq: '12'\nn: null\nt: true\nf: 1.5\n", "f.yaml")
    assert data == {"d": "2020-06-27", "y": 1998, "q": "12", "n": None, "t": True, "f": 1.5}


def test_duplicate_key_names_both_lines():
    _, _, problems = read_yaml("a: 1\nb: 2\na: 3\n", "f.yaml")
    assert [str(p) for p in problems] == ["f.yaml:3: a: duplicate key 'a' (first given on line 1)"]


def test_alias_refused():
    _, _, problems = read_yaml("a: &x {b: 1}\nc: *x\n", "f.yaml")
    assert [(p.line, p.field) for p in problems] == [(1, "a"), (2, "c")]  # the anchor and its use
    assert all("anchors and aliases are not allowed" in p.message for p in problems)


def test_tags_and_second_documents_refused():
    _, _, problems = read_yaml("a: !!int 3\nb: !!str 12\n", "f.yaml")
    assert [(p.line, p.field) for p in problems] == [(1, "a")] and "tags are not allowed" in problems[0].message
    _, _, problems = read_yaml("a: 1\n---\nb: 2\n", "f.yaml")
    assert "one YAML document per file" in problems[0].message


def test_merge_key_refused():
    _, _, problems = read_yaml("a: {b: 1}\nc:\n  <<: {d: 2}\n", "f.yaml")
    assert any("merge keys" in p.message for p in problems)


def test_non_scalar_key_refused():
    _, _, problems = read_yaml("? [1, 2]\n: x\n", "f.yaml")
    assert any("plain strings" in p.message for p in problems)


def test_malformed_yaml_reports_the_line():
    data, _, problems = read_yaml("a: 1\nb: [1, 2\nc: 3\n", "f.yaml")
    assert data is None
    assert problems[0].field == "(syntax)" and problems[0].line >= 2
    assert "malformed YAML" in problems[0].message


def test_dotted_paths():
    assert dotted(("statements", 3, "sources", 0, "quote")) == "statements[3].sources[0].quote"



def test_plain_scalar_first_character_shortcut_agrees_with_full_resolution():
    """The first-character shortcut never changes how a plain scalar resolves."""
    import string

    from allegiance.facts import _yaml

    def full(text):
        for pattern, convert in ((_yaml._NULL, lambda v: None), (_yaml._BOOL, lambda v: v.lower() in _yaml._TRUE),
                                 (_yaml._INT, lambda v: int(v.replace("_", ""))),
                                 (_yaml._FLOAT, lambda v: float(v.replace("_", "")))):
            if pattern.match(text):
                return convert(text)
        return text

    tails = ["", "es", "ull", "ULL", "rue", "alse", "n", "N", "ff", "FF", "1", "0", ".5", "_1", "e+3", "x"]
    checked = 0
    for c in string.ascii_letters + string.digits + string.punctuation:
        for tail in tails:
            text = c + tail
            got, expected = _yaml._plain(text), full(text)
            assert type(got) is type(expected) and got == expected, (text, got, expected)
            checked += type(expected) is not str
    assert checked > 20  # the sample does reach nulls, booleans and numbers
