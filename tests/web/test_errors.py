"""Malformed and hostile requests: a 4xx in the one error shape, never a 500 or a traceback."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from allegiance.errors import DateError, UnknownIdError, UsageError, edge_of

HOSTILE = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', "</script>", "'; DROP TABLE x; --",
           "../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "\u202eevil", "x" * 5000, "%00", "\x00", "{{7*7}}",
           "SELECT * FROM read_csv('/etc/passwd')"]

KEYS = {"error", "message", "status"}


def check_error(r, status: int | None = None):
    assert 400 <= r.status_code < 500, (r.request.url, r.status_code, r.text[:300])
    if status is not None:
        assert r.status_code == status
    if r.request.url.path.endswith(".json"):
        body = r.json()
        assert KEYS <= set(body) <= KEYS | {"field", "value", "allowed"}
        assert body["status"] == r.status_code
    else:
        assert r.headers["content-type"].startswith("text/html")
        assert "Traceback" not in r.text and 'role="alert"' in r.text
    return r


def test_bad_date_names_the_parameter(client):
    body = check_error(client.get("/states/BLR.json?as_of=2020-13-45"), 400).json()
    assert body["error"] == "DateError" and body["field"] == "as_of" and body["value"] == "2020-13-45"
    assert edge_of(DateError("x"))[1] == 400
    body = check_error(client.get("/can.json?action=bring-russian-forces-into-blr&in=union-state&as_of=2020"),
                       400).json()
    assert body["field"] == "as_of" and "allowed" in body


def test_unknown_ids_are_404(client):
    assert check_error(client.get("/states/ZZZ.json?as_of=2020-07-01"), 404).json()["error"] == "UnknownStateError"
    assert check_error(client.get("/sources/no-such-source.json"), 404).json()["error"] == "UnknownIdError"
    assert check_error(client.get("/arrangements/no-such.json"), 404).json()["error"] == "UnknownIdError"
    assert check_error(client.get("/statements/no-such.json"), 404).json()["error"] == "UnknownIdError"
    assert edge_of(UnknownIdError("x"))[1] == 404
    check_error(client.get("/no/such/page"), 404)
    check_error(client.get("/no/such/page.json"), 404)


def test_missing_and_wrong_parameters(client):
    body = check_error(client.get("/can.json?action=x"), 400).json()
    assert body["field"] == "in" and body["error"] == "UsageError"
    assert edge_of(UsageError("x"))[1] == 400
    check_error(client.get("/states/BLR.json"), 400)  # as_of is required: no "today"
    check_error(client.get("/arrangements/union-state.json?mode=martial-law"), 400)
    check_error(client.get("/can.json?action=bring-russian-forces-into-blr&in=union-state&mode=martial-law"))
    check_error(client.get("/who-commands.json?force=urads&in=union-state"), 400)
    check_error(client.get("/timeline.json?state=BLR&from=2020-01-01&to=2010-01-01"), 400)
    check_error(client.get("/timeline.json?state=BLR&kind=rumour"), 400)
    check_error(client.get("/verify.json?in=union-state"), 400)
    check_error(client.get("/states/BLR.json?as_of=1900-01-01"), 400)
    check_error(client.get("/diff.json?a=union-state"), 400)
    assert check_error(client.get("/record.json?to=2022"), 400).json()["field"] == "arrangement"
    assert check_error(client.get("/record.json?arrangement=union-state&from=2022-02-30"), 400).json()["field"] == "from"


def test_oversized_parameters(client):
    big = "a" * 5000
    for url in (f"/search.json?q={big}", f"/can.json?action={big}&in=union-state", f"/states/{big}.json?as_of=2020-07-01",
                f"/sources/{big}.json", f"/timeline.json?state={big}", f"/record.json?arrangement={big}",
                f"/record.json?arrangement=union-state&from={big}"):
        body = check_error(client.get(url)).json()
        assert len(str(body.get("value", ""))) <= 100


@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_parameters_everywhere(client, payload):
    cases = [("/search", {"q": payload}), ("/timeline", {"state": payload}),
             ("/can", {"action": payload, "in": "union-state"}), ("/can", {"action": "x", "in": payload}),
             ("/who-commands", {"force": payload, "in": "union-state", "mode": "wartime"}),
             ("/verify", {"in": "union-state", "property": payload}), ("/diff", {"a": payload, "b": "union-state"}),
             ("/states/BLR", {"as_of": payload}), ("/arrangements/union-state", {"mode": payload}),
             ("/can", {"action": "bring-russian-forces-into-blr", "in": "union-state", "consent": payload}),
             ("/record", {"arrangement": payload}), ("/record", {"arrangement": "union-state", "from": payload}),
             ("/record", {"arrangement": "union-state", "to": payload})]
    for path, params in cases:
        for suffix in ("", ".json"):
            r = client.get(path + suffix, params=params)
            assert r.status_code < 500, (path, params, r.text[:300])
            if r.status_code >= 400:
                check_error(r)
            if not suffix:
                assert "<script>alert" not in r.text and "<img src=x" not in r.text
    seg = quote(payload, safe="")
    for path in (f"/states/{seg}", f"/sources/{seg}", f"/arrangements/{seg}", f"/statements/{seg}"):
        for suffix in ("", ".json"):
            r = client.get(path + suffix, params={"as_of": "2020-07-01"})
            assert r.status_code < 500, (path, r.text[:300])
            assert "<script>alert" not in r.text and "<img src=x" not in r.text


def test_path_traversal_never_reads_files(client):
    for url in ("/static/../app.py", "/static/..%2fapp.py", "/static/%2e%2e/%2e%2e/pyproject.toml",
                "/sources/..%2F..%2F..%2Fetc%2Fpasswd", "/static/../../../../etc/passwd"):
        r = client.get(url)
        assert r.status_code in (400, 404), url
        assert "root:" not in r.text and "import" not in r.text


def test_unexpected_errors_get_a_generic_page(web_app, monkeypatch, caplog):
    """The catch-all: an exception the library did not mean to raise becomes a bare 500, logged, no details."""
    from fastapi.testclient import TestClient

    import allegiance.web.app as web

    def broken(*a, **k):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(web, "status", broken)
    with TestClient(web_app, raise_server_exceptions=False) as c:  # a day no other test asks (pages are kept)
        r = c.get("/states/BLR?as_of=2020-07-03")
        assert r.status_code == 500 and "secret" not in r.text and "Traceback" not in r.text
        assert r.headers["content-security-policy"] and 'role="alert"' in r.text
        j = c.get("/states/BLR.json?as_of=2020-07-03")
        assert j.status_code == 500 and j.json() == {"error": "InternalError", "status": 500,
                                                     "message": "something went wrong on our side"}
        monkeypatch.undo()  # the failure was not kept: the same page answers once the library does
        assert c.get("/states/BLR?as_of=2020-07-03").status_code == 200
    assert "secret internals" in caplog.text  # logged for the operator


def test_a_day_in_the_wrong_form_says_how_to_write_one(client):
    """Not the validator's regular expression: what a day looks like, with an example."""
    body = check_error(client.get("/states/BLR.json?as_of=not-a-day"), 400).json()
    assert body["error"] == "DateError" and body["field"] == "as_of" and body["value"] == "not-a-day"
    assert body["allowed"] == "a day, YYYY-MM-DD" and "e.g. 2020-07-01" in body["message"]
    page = check_error(client.get("/timeline?state=BLR&from=1.1.2020"), 400).text
    assert "is not a day; give it as YYYY-MM-DD" in page and "[0-9]" not in page
