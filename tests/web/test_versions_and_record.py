"""The rules pages show the version of the arrangement they used, and the record page checks the record against
the rules: each JSON twin is exactly the CLI's ``--json`` for the same question (run through Typer's runner)."""

from __future__ import annotations

import html
import json
import re

import pytest

from tests.web.test_routes import get_ok


@pytest.fixture(scope="module")
def cli_json(tmp_path_factory):
    """``allegiance ARGS --json`` through the real CLI, parsed, with a private cache."""
    from typer.testing import CliRunner

    from allegiance.cli import app

    runner = CliRunner()
    env = {"ALLEGIANCE_CACHE": str(tmp_path_factory.mktemp("cli-cache"))}

    def run(*args: str):
        r = runner.invoke(app, [*args, "--json"], env=env)
        assert r.exit_code == 0, (args, r.output[-500:])
        return json.loads(r.stdout)

    return run


def text_of(page: str) -> str:
    """A page's visible text, tags dropped and entities decoded, whitespace collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))


#: (web twin, the same question on the command line): a day past what is encoded, a known-until, every date.
TWINS = [
    ("/can.json?action=use-blr-territory-against-neighbour&in=union-state&mode=wartime&as_of=2030-01-01",
     ("can", "use-blr-territory-against-neighbour", "--in", "union-state", "--mode", "wartime", "--as-of",
      "2030-01-01")),
    ("/can.json?action=bring-russian-forces-into-blr&in=union-state&as_of=2023-01-01&consent=BLR,RUS",
     ("can", "bring-russian-forces-into-blr", "--in", "union-state", "--as-of", "2023-01-01", "--consent",
      "BLR,RUS")),
    ("/who-commands.json?force=urads&in=union-state&mode=threatened-period&as_of=2023-01-01",
     ("who-commands", "urads", "--in", "union-state", "--mode", "threatened-period", "--as-of", "2023-01-01")),
    ("/verify.json?in=union-state&property=no-foreign-forces-without-blr-consent",
     ("verify", "union-state", "no-foreign-forces-without-blr-consent")),
    ("/diff.json?a=union-state&b=sidorov-armenia-model&state=BLR&as_of_a=2023-01-01",
     ("diff", "union-state", "sidorov-armenia-model", "--state", "BLR", "--as-of-a", "2023-01-01")),
    ("/record.json?arrangement=union-state", ("record", "union-state")),
    ("/record.json?arrangement=union-state&from=2022&to=2022", ("record", "union-state", "--from", "2022", "--to",
                                                                "2022")),
    ("/record.json?arrangement=nato", ("record", "nato")),
]


@pytest.mark.parametrize("url,argv", TWINS, ids=[t[0] for t in TWINS])
def test_twin_is_the_cli_json(client, cli_json, url, argv):
    assert get_ok(client, url).json() == cli_json(*argv)


def test_arrangement_twin_holds_vetoes_json(client, cli_json):
    js = get_ok(client, "/arrangements/union-state.json?mode=wartime&as_of=2023-01-01").json()
    assert js["vetoes"] == cli_json("vetoes", "union-state", "--mode", "wartime", "--as-of", "2023-01-01")
    assert js["command"]["urads"] == cli_json("who-commands", "urads", "--in", "union-state", "--mode", "wartime",
                                              "--as-of", "2023-01-01")


def _section(page: str, sid: str) -> str:
    start = page.index(f'<section class="version" id="{sid}"')
    return page[start:page.index("</section>", start)]


def _in_force_shown(page: str, version: dict, sid: str = "version") -> None:
    """The page's version section lists every record the answer's version holds, with its known-until reason."""
    sec = _section(page, sid)
    assert f"described as of {version['described_as_of']}, encoded until {version['encoded_until']}" in text_of(sec)
    assert sec.count("<tr class=\"holds-") == len(version["in_force"])
    for r in version["in_force"]:
        assert f"<code>{html.escape(r['id'])}</code>" in sec, r["id"]
        assert f"<code class=\"where\">{r['where']}</code>" in sec, r["id"]
        if r["known_until"]:
            assert r["known_until"]["reason"] in text_of(sec), r["id"]
    if version["caveat"]:
        assert version["caveat"] in text_of(sec)


def test_can_page_shows_the_version_and_the_caveat_past_what_is_encoded(client):
    q = "action=use-blr-territory-against-neighbour&in=union-state&mode=wartime&as_of=2030-01-01"
    js = get_ok(client, f"/can.json?{q}").json()
    v = js["version"]
    assert v["caveat"] and any(r["known_until"] for r in v["in_force"])
    page = get_ok(client, f"/can?{q}").text
    _in_force_shown(page, v)
    assert 'class="caveat"' in page and v["caveat"] in text_of(page)
    assert f"encoded until {v['encoded_until']}" in text_of(page)
    # a record past its known_until is only possibly in force, and says so
    assert '<span class="unknown">possibly</span>' in page


def test_a_day_inside_what_is_encoded_has_no_caveat(client):
    q = "action=bring-russian-forces-into-blr&in=union-state&mode=threatened-period&as_of=2020-07-01"
    assert get_ok(client, f"/can.json?{q}").json()["version"]["caveat"] is None
    page = get_ok(client, f"/can?{q}").text
    assert 'class="version"' in page and 'class="caveat"' not in page


def test_who_commands_page_shows_its_commands_in_force(client):
    q = "force=urads&in=union-state&mode=threatened-period&as_of=2023-01-01"
    v = get_ok(client, f"/who-commands.json?{q}").json()["version"]
    assert any(r["record"] == "command" for r in v["in_force"])
    _in_force_shown(get_ok(client, f"/who-commands?{q}").text, v)


def test_verify_page_shows_the_unknown_cases_and_every_dated_record(client):
    q = "in=union-state&property=no-foreign-forces-without-blr-consent"
    js = get_ok(client, f"/verify.json?{q}").json()
    page = get_ok(client, f"/verify?{q}").text
    assert js["version"]["as_of"] is None
    assert "checked on every date a provision changes" in page
    _in_force_shown(page, js["version"])
    assert 'class="unknown-cases"' in page and js["unknown"][0]["reason"] in text_of(page)


def test_diff_page_shows_both_versions(client):
    q = "a=union-state&b=sidorov-armenia-model&state=BLR&as_of_a=2030-01-01"
    js = get_ok(client, f"/diff.json?{q}").json()
    page = get_ok(client, f"/diff?{q}").text
    assert 'id="version-a"' in page and 'id="version-b"' in page
    _in_force_shown(page, js["version_a"], "version-a")
    _in_force_shown(page, js["version_b"], "version-b")
    assert js["version_a"]["caveat"] in text_of(page)


def test_arrangement_page_shows_its_version_the_unknown_reasons_and_links_the_record(client):
    q = "mode=wartime&as_of=2030-01-01"
    js = get_ok(client, f"/arrangements/union-state.json?{q}").json()
    page = get_ok(client, f"/arrangements/union-state?{q}").text
    sec = _section(page, "version")
    records = {(r["record"], r["id"]) for v in [js["vetoes"]["version"], *(w["version"] for w in js["command"].values())]
               for r in v["in_force"]}  # every action's provisions, and each force's commands
    assert any(k == "command" for k, _ in records) and sec.count('<tr class="holds-') == len(records)
    for kind, rid in records:
        assert f"{kind} <code>{html.escape(rid)}</code>" in sec, rid
    assert js["vetoes"]["version"]["caveat"] in text_of(page)
    reasons = [r["unknown_reason"] for r in js["vetoes"]["actions"] if r["unknown_reason"]]
    assert reasons and all(r in text_of(page) for r in reasons)
    assert 'href="/record?arrangement=union-state"' in page


def test_state_page_links_the_record_of_arrangements_it_is_party_to(client, lib_rules):
    from allegiance import list_arrangements

    parties = {a["id"]: a["parties"] for a in list_arrangements(lib_rules)["arrangements"]}
    blr = get_ok(client, "/states/BLR?as_of=2023-01-01").text
    assert 'href="/record?arrangement=union-state"' in blr
    for aid, ps in parties.items():
        assert (f'href="/record?arrangement={aid}"' in blr) == ("BLR" in ps), aid
    ukr = get_ok(client, "/states/UKR?as_of=2023-01-01").text
    assert 'href="/record?arrangement=union-state"' not in ukr


def test_record_page_each_event_with_its_result_sources_and_proof(client):
    js = get_ok(client, "/record.json?arrangement=union-state").json()
    page = get_ok(client, "/record?arrangement=union-state").text
    text = text_of(page)
    assert f"{js['count']} event(s): {js['counts']['conforms']} conform" in text
    assert js["counts"]["departure"] >= 1
    for e in js["events"]:
        art = page[page.index(f'id="ev-{e["id"]}"'):]
        art = art[:art.index("</article>")]
        assert f"result-{e['result']}" in page[page.index(f'id="ev-{e["id"]}"') - 40:][:80]
        assert e["reason"] in text_of(art)
        assert f'id="proof-{e["id"]}"' in art and "<details" in art
        for c in e["event_sources"]:
            assert c["quote"] in text_of(art)
        for p in e["provisions"]:
            assert f"<code>{p['id']}</code>" in art
        for x in e["consents"] + e["refusals"]:
            assert f"<code>{x['player']}</code>" in art
        ask = re.search(r'<a href="(/can\?[^"]+)"', art).group(1)  # the event's action, asked on its day
        assert f"as_of={e['as_of']}" in ask and get_ok(client, html.unescape(ask)).text
    summary = page[page.index('<table class="record-summary">'):]
    summary = summary[:summary.index("</table>")]
    assert summary.count("<tr>") == js["count"] + 1  # a row per event, under the header
    assert all(f'href="#ev-{e["id"]}"' in summary for e in js["events"])
    dep = next(e for e in js["events"] if e["as_of"] == "2022-02-24")
    assert dep["result"] == "departure"
    art = page[page.index(f'id="ev-{dep["id"]}"'):]
    art = art[:art.index("</article>")]
    for p in dep["provisions"]:  # the departure quotes the provisions it departs from
        assert all(c["quote"] in text_of(art) for c in p["sources"])
    assert 'href="#note-' in art and 'href="/sources/' in art


def test_record_window_and_form(client):
    js = get_ok(client, "/record.json?arrangement=union-state&from=2022-02-24&to=2022-02-24").json()
    assert [e["as_of"] for e in js["events"]] == ["2022-02-24"] and js["counts"]["departure"] == 1
    assert get_ok(client, "/record.json").json() == {"form": True}
    form = get_ok(client, "/record").text
    assert '<form class="ask" action="/record"' in form and 'id="f-arrangement"' in form
    assert 'for="f-from"' in form and 'for="f-to"' in form
    # an arrangement without a record file: no events, and the page says so
    assert "No record file lists events of" in get_ok(client, "/record?arrangement=nato").text


@pytest.mark.parametrize("query,code,field", [
    ("arrangement=no-such-pact", 404, "arrangement"),
    ("arrangement=", 400, "arrangement"),
    ("from=2022", 400, "arrangement"),
    ("arrangement=union-state&from=yesterday", 400, "from"),
    ("arrangement=union-state&to=2022-13-45", 400, "to"),
    ("arrangement=union-state&from=2023&to=2022", 400, "to"),
    ("arrangement=" + "x" * 300, 400, "arrangement"),
    ("arrangement=%3Cscript%3Ealert(1)%3C/script%3E", 404, "arrangement"),
])
def test_record_bad_parameters_get_the_one_error_shape(client, query, code, field):
    r = client.get(f"/record.json?{query}")
    assert r.status_code == code, r.text
    body = r.json()
    assert body["status"] == code and body["field"] == field and body["message"] and body["error"]
    assert set(body) <= {"error", "message", "status", "field", "value", "allowed"}
    page = client.get(f"/record?{query}")
    assert page.status_code == code and page.headers["content-type"].startswith("text/html")
    assert "<script>alert" not in page.text
