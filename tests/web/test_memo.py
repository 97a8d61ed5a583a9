"""What the app keeps: answers and finished pages per store snapshot, bounded, keyed by the data store's
version; errors never kept; the server's own time on each request in a Server-Timing header."""

from __future__ import annotations

import re

from allegiance.web._store import Pages
from tests.web.conftest import fixture_votes


def test_pages_are_bounded_by_count_and_bytes_least_recently_used_first_out():
    p = Pages(max_items=3, max_bytes=240)
    for k in "abc":
        p.put(k, b"x" * 30)
    assert p.get("a") == b"x" * 30  # a is now the most recently used
    p.put("d", b"y" * 30)
    assert p.get("b") is None and p.get("a") is not None and len(p) == 3  # b, the least recent, went
    p = Pages(max_items=100, max_bytes=240)
    for n in range(9):  # 270 bytes: the first goes
        p.put(n, b"z" * 30)
    assert p.size == 240 and p.get(0) is None and p.get(1) is not None
    p.put("huge", b"h" * 31)  # over an eighth of the bound: never kept
    assert p.get("huge") is None
    p.put(1, b"w")  # replacing an entry counts its bytes once
    assert p.size == 7 * 30 + 1


def test_a_page_asked_again_comes_from_memory_and_is_the_same(web_app, client):
    url = "/can?action=bring-russian-forces-into-blr&in=union-state&mode=threatened-period&consent=BLR,RUS"
    held = web_app.state.held
    first = client.get(url)
    hits = held.pages.hits
    again = client.get(url)
    assert first.status_code == again.status_code == 200
    assert again.text == first.text and held.pages.hits == hits + 1
    # the same question with its parameters in another order is the same page
    reordered = client.get("/can?consent=BLR,RUS&mode=threatened-period&in=union-state"
                           "&action=bring-russian-forces-into-blr")
    assert reordered.text == first.text and held.pages.hits == hits + 2
    # the JSON twin shares the answer, not the page
    assert client.get(url.replace("/can?", "/can.json?")).json()["permitted"] is True
    # a parameter given twice: the last one counts, so its order makes another page
    one = client.get("/arrangements.json?x=1&x=2")
    two = client.get("/arrangements.json?x=2&x=1")
    assert one.status_code == two.status_code == 200
    keys = [k for k in held.pages._items if k[1] == "/arrangements.json" and k[2] and k[2][0][0] == "x"]
    assert len(keys) == 2


def test_errors_are_never_kept(web_app, client):
    held = web_app.state.held
    before = len(held.pages)
    for _ in range(2):
        r = client.get("/states/NOWHERE.json?as_of=2020-07-01")
        assert r.status_code == 404
        r = client.get("/can.json?action=no-such-action&in=union-state")
        assert 400 <= r.status_code < 500
    assert len(held.pages) == before
    assert not any("NOWHERE" in str(k) or "no-such-action" in str(k) for k in held.pages._items)


def test_a_new_data_store_version_is_a_new_key(web_app, client, tmp_path):
    """Re-importing the UN votes while the app runs changes the data store's size and time: nothing worked out
    from the old votes is served after (here a page that does not read them, keyed the same way)."""
    votes = tmp_path / "data.duckdb"
    votes.write_bytes(b"one")
    held, was = web_app.state.held, web_app.state.data
    web_app.state.data = votes
    try:
        client.get("/conflicts.json")
        web_app.state.ideal.wait(60)  # the background estimate over this (unreadable) store settles: the
        client.get("/conflicts.json")  # version names its state, so a page made before it settled is made again
        misses = held.pages.misses
        client.get("/conflicts.json")
        assert held.pages.misses == misses
        votes.write_bytes(b"two, longer")
        client.get("/conflicts.json")
        assert held.pages.misses == misses + 1
    finally:
        web_app.state.data = was


def test_server_timing_reports_the_servers_own_time(client):
    for url in ("/", "/states/BLR?as_of=2020-07-01", "/nowhere", "/can.json?action=x"):
        m = re.fullmatch(r"app;dur=(\d+\.\d\d)", client.get(url).headers["server-timing"])
        assert m and float(m.group(1)) >= 0


def test_a_page_made_while_ideal_points_were_estimated_is_made_again_once_they_are(tmp_path):
    """The estimate runs in the background: meanwhile the state page says so, and that page is not what is
    sent once the estimate is done (the estimate's state is part of the data store's version)."""
    from fastapi.testclient import TestClient

    from allegiance.web import create_app
    from allegiance.web._ideal import ESTIMATING

    path = fixture_votes(tmp_path)
    app = create_app(data=path, cache=tmp_path / "cache")
    real = app.state.ideal
    real.wait(120)

    class Running:
        def get(self, path, version):
            return ESTIMATING, None, None

    client = TestClient(app)
    app.state.ideal = Running()
    twin = client.get("/states/BLR.json?as_of=2020-07-01").json()
    assert twin["ideal"] is None and twin["ideal_status"] == "estimating"
    assert 'id="ideal-pending"' in client.get("/states/BLR?as_of=2020-07-01").text
    app.state.ideal = real
    assert client.get("/states/BLR.json?as_of=2020-07-01").json()["ideal_status"] == "ready"
    page = client.get("/states/BLR?as_of=2020-07-01").text
    assert 'id="ideal-chart"' in page and 'id="ideal-pending"' not in page
    app.state.close()
