"""A rebuilt knowledge base swapped in under load: no request fails, and the new answers show at once."""

from __future__ import annotations

import shutil
import threading
import time

import httpx
import pytest

from tests.conftest import FIXTURE_KB


@pytest.fixture
def running(tmp_path):
    from allegiance.web import create_app
    from allegiance.web._server import serving

    kb = tmp_path / "kb"
    shutil.copytree(FIXTURE_KB, kb)
    app = create_app(kb=kb, cache=tmp_path / "cache-1")
    try:
        with serving(app) as url:
            yield app, kb, tmp_path, url
    finally:
        app.state.close()


URLS = ["/states/BLR.json?as_of=2020-07-01", "/timeline.json?state=BLR", "/sources/paper-2020", "/search.json?q=radar",
        "/conflicts", "/statements/radar-staff-600.json"]


def test_swap_under_load_fails_no_request(running):
    app, kb, tmp, base = running
    failures: list = []
    counts = [0]
    stop = threading.Event()

    def hammer(i):
        with httpx.Client(base_url=base, timeout=30) as c:
            n = 0
            while not stop.is_set():
                url = URLS[(i + n) % len(URLS)]
                try:
                    r = c.get(url)
                    if r.status_code != 200:
                        failures.append((url, r.status_code, r.text[:200]))
                except Exception as exc:  # noqa: BLE001 -- a failed request is what we count
                    failures.append((url, repr(exc)))
                n += 1
            counts[0] += n

    threads = [threading.Thread(target=hammer, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    time.sleep(0.5)
    old = app.state.held
    core = kb / "core.yaml"
    core.write_text(core.read_text().replace("The Radar has 600 personnel.", "The Radar has 600 personnel (v2)."))
    app.state.swap(kb=kb, cache=tmp / "cache-2")
    time.sleep(0.5)
    stop.set()
    for t in threads:
        t.join()
    assert failures == []
    assert counts[0] > 20
    assert app.state.held is not old
    r = httpx.get(base + "/statements/radar-staff-600.json")
    assert r.json()["statement"]["text"] == "The Radar has 600 personnel (v2)."
    assert any(x["id"] == "radar-staff-600" for x in httpx.get(base + "/search.json?q=v2").json()["results"])
    with pytest.raises(Exception):  # the old store was closed once its last request ended
        old.store.con.execute("SELECT 1")
