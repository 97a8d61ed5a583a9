"""The explorer in a real browser: Playwright driving /usr/bin/chromium, headless.

These tests do not skip: without Chromium they fail, saying to run
scripts/install-system-deps.sh. Screenshots are kept under
tests/web/artifacts/ (not committed).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.web.conftest import fixture_votes

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parent / "artifacts"


@pytest.fixture(scope="module")
def base_url(web_app):
    from allegiance.web._server import serving

    with serving(web_app) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run scripts/install-system-deps.sh (installs chromium and graphviz)")
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        yield b
        b.close()


class Watch:
    """Console errors, page errors and CSP violations seen by one page."""

    def __init__(self, page):
        self.errors: list[str] = []
        page.on("console", lambda m: self.errors.append(f"console {m.type}: {m.text}")
                if m.type == "error" or "Content Security Policy" in m.text else None)
        page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))

    def csp(self, page) -> list[str]:
        return page.evaluate("window.__cspViolations || []")


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = ctx.new_page()
    pg.watch = Watch(pg)
    yield pg
    ctx.close()


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=False)


def test_state_profile_change_date(page, base_url):
    page.goto(f"{base_url}/states/BLR?as_of=2020-07-01")
    assert "de-facto-neutral" in page.locator("p.holding").inner_text()
    page.fill("#as_of", "2022-03-01")
    page.click("form.date-control button[type=submit]")
    page.wait_for_url("**/states/BLR?as_of=2022-03-01")
    assert "2022-03-01" in page.locator("h1").inner_text()
    assert "de-facto-neutral" not in page.locator("p.holding").inner_text()
    shot(page, "state-BLR-2022-03-01")
    chart = page.locator("#posture-chart svg")
    assert chart.bounding_box()["height"] > 100  # the Vega-Lite chart renders under the CSP
    page.locator("#posture-chart").screenshot(path=str(ARTIFACTS / "state-BLR-posture-chart.png"))
    assert page.watch.errors == [] and page.watch.csp(page) == []


def test_union_state_modes_change_the_urads_chain(page, base_url):
    page.goto(f"{base_url}/arrangements/union-state?mode=peacetime")
    peace_chain = page.locator("tr[data-force=urads] td.chain").inner_text()
    assert "rgf" not in peace_chain and "urads.commander" in peace_chain
    assert "does not exist" in page.locator("#diagram").inner_text()
    shot(page, "union-state-peacetime")
    page.click("nav.modes a[data-mode=threatened-period]")
    page.wait_for_url("**mode=threatened-period")
    chain = page.locator("tr[data-force=urads] td.chain").inner_text()
    assert "rgf" in chain and "BLR.chief-of-general-staff" in chain and "supreme-state-council" in chain
    diagram = page.locator("#diagram").inner_text()
    assert "Supreme State Council" in diagram and "does not exist" not in diagram
    assert page.locator("#diagram svg").count() == 1
    shot(page, "union-state-threatened-period")
    assert page.watch.errors == [] and page.watch.csp(page) == []


def test_ask_can_and_expand_the_proof_to_a_quote(page, base_url):
    page.goto(f"{base_url}/can")
    page.fill("#f-action", "bring-russian-forces-into-blr")
    page.select_option("#f-in", "union-state")
    page.select_option("#f-mode", "threatened-period")
    page.click("form.ask button[type=submit]")
    page.wait_for_url("**/can?action=bring-russian-forces-into-blr*")
    assert page.locator("#possible").inner_text() == "yes"
    provision = page.locator("#proof > details > .proof-body > details").first
    quote = provision.locator(":scope > .proof-body > blockquote").first
    assert not quote.is_visible()  # closed until asked
    provision.locator(":scope > summary").click()
    assert quote.is_visible() and len(quote.inner_text()) > 20
    shot(page, "can-proof-expanded")
    # The expand-all button (JS) opens every node.
    page.click("button.expand-all")
    assert page.locator("#proof details:not([open])").count() == 0
    assert page.watch.errors == [] and page.watch.csp(page) == []


def test_record_page_expand_the_2022_departure_to_a_quote(page, base_url):
    """From the Union State's page to its record; the 24 February 2022 departure's proof opened node by node, down
    to the quoted guarantee it departs from."""
    page.goto(f"{base_url}/arrangements/union-state?mode=wartime&as_of=2030-01-01")
    assert "encoded up to" in page.locator("#version p.caveat").inner_text()
    page.click("p.record-link a")
    page.wait_for_url("**/record?arrangement=union-state")
    event = page.locator("article#ev-invasion-of-ukraine-from-blr-2022")
    assert "2022-02-24" in event.locator("h3").inner_text()
    assert event.locator("h3 span.result").inner_text() == "departure"
    assert "security-guarantees" in event.locator("ul.provisions").inner_text()
    proof = event.locator(".proof")
    peacetime = proof.locator(":scope > details > .proof-body > details").first  # the root is open; its modes not
    peacetime.locator(":scope > summary").click()
    action = peacetime.locator(":scope > .proof-body > details").nth(1)  # after how the mode is reached
    action.locator(":scope > summary").click()
    provision = action.locator(":scope > .proof-body > details").first
    assert "security-guarantees" in provision.locator(":scope > summary").inner_text()
    quote = provision.locator(":scope > .proof-body > blockquote").first
    assert not quote.is_visible()  # closed until asked
    provision.locator(":scope > summary").click()
    assert quote.is_visible() and "will not permit" in quote.inner_text()
    shot(page, "record-departure-2022-proof-expanded")
    event.locator("button.expand-all").click()  # the event's expand-all opens its own proof only
    assert proof.locator("details:not([open])").count() == 0
    other = page.locator("article#ev-airbase-refused-2015 .proof details:not([open])")
    assert other.count() > 0
    assert page.watch.errors == [] and page.watch.csp(page) == []


def test_follow_a_footnote_to_its_source(page, base_url):
    page.goto(f"{base_url}/can?action=bring-russian-forces-into-blr&in=union-state&mode=threatened-period")
    provision = page.locator("#proof > details > .proof-body > details").first
    provision.locator(":scope > summary").click()
    provision.locator(":scope > .proof-body > p.cites sup.fn a").first.click()
    page.wait_for_url("**#note-*")
    target = page.url.split("#", 1)[1]
    note = page.locator(f"#{target}")
    assert note.locator("q.quote").inner_text()
    note.locator("a[href^='/sources/']").first.click()
    page.wait_for_url("**/sources/**")
    assert page.locator("h1#source").inner_text()
    shot(page, "source-from-footnote")
    assert page.watch.errors == [] and page.watch.csp(page) == []


def test_diff_view(page, base_url):
    page.goto(f"{base_url}/diff")
    page.select_option("#f-a", "union-state")
    page.select_option("#f-b", "sidorov-armenia-model")
    page.fill("#f-state", "BLR")
    page.click("form.ask button[type=submit]")
    page.wait_for_url("**/diff?a=union-state*")
    assert page.locator("table.diff tr.changed").count() > 0
    assert "Loses" in page.locator("section.answer").inner_text()
    shot(page, "diff-union-state-sidorov")
    assert page.watch.errors == [] and page.watch.csp(page) == []


def test_search(page, base_url):
    page.goto(f"{base_url}/")
    page.fill("#site-q", "air defence")
    page.click("header form.search button")
    page.wait_for_url("**/search?q=air+defence")
    results = page.locator("ol.results li")
    assert results.count() > 0 and page.locator("ol.results mark").count() > 0
    shot(page, "search-air-defence")
    assert page.watch.errors == [] and page.watch.csp(page) == []


#: One URL per page template (and the error page), crawled for console errors, CSP violations and axe.
CRAWL = ["/", "/states", "/states/BLR?as_of=2020-07-01", "/arrangements", "/arrangements/union-state?mode=wartime",
         "/can", "/can?action=bring-russian-forces-into-blr&in=union-state&mode=threatened-period",
         "/who-commands?force=urads&in=union-state&mode=threatened-period",
         "/verify?in=union-state&property=no-foreign-forces-without-blr-consent",
         "/diff?a=union-state&b=sidorov-armenia-model&state=BLR", "/timeline?state=BLR&from=2014-01-01",
         "/sources", "/sources/sivitsky-2020", "/conflicts", "/statements/blr-independence-1990",
         "/search?q=neutral", "/states/BLR?as_of=not-a-day", "/arrangements/eu-council-qmv",
         "/record", "/record?arrangement=union-state",
         "/can?action=use-blr-territory-against-neighbour&in=union-state&mode=wartime&as_of=2030-01-01"]


def test_crawl_every_template_without_errors_or_csp_violations(page, base_url):
    problems = {}
    for i, path in enumerate(CRAWL):
        page.watch.errors.clear()
        resp = page.goto(base_url + path)
        assert resp.status == (400 if "not-a-day" in path else 200), path
        csp = page.watch.csp(page)
        # The error page's own 400 is reported by Chromium as a failed resource load; nothing else may be.
        errs = [e for e in page.watch.errors if not ("not-a-day" in path and "status of 400" in e)]
        if errs or csp:
            problems[path] = errs + csp
        name = path.strip("/").replace("/", "_").split("?")[0] or "home"
        shot(page, f"crawl-{i:02d}-{name}")
    assert problems == {}


def test_accessibility_axe(browser, base_url):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    ctx = browser.new_context()
    page = ctx.new_page()
    bad = {}
    try:
        for path in CRAWL:
            page.goto(base_url + path)
            result = axe.run(page)
            serious = [v for v in result.response["violations"] if v.get("impact") in ("serious", "critical")]
            if serious:
                bad[path] = [(v["id"], v["impact"], [n["target"] for n in v["nodes"][:3]]) for v in serious]
    finally:
        ctx.close()
    (ARTIFACTS / "axe.json").write_text(json.dumps(bad, indent=1))
    assert bad == {}


def test_state_page_with_votes_charts_voting_and_the_ideal_point_path(browser, tmp_path_factory):
    """With UN votes imported: the voting and ideal-point charts render with no console error, no CSP
    violation and no serious accessibility violation."""
    from axe_playwright_python.sync_playwright import Axe

    from allegiance.web import create_app
    from allegiance.web._server import serving

    tmp = tmp_path_factory.mktemp("votes")
    path = fixture_votes(tmp)
    app = create_app(data=path, cache=tmp / "cache")
    app.state.ideal.wait(120)
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = ctx.new_page()
    watch = Watch(pg)
    try:
        with serving(app) as url:
            assert pg.goto(url + "/states/BLR?as_of=2020-07-01").status == 200
            assert pg.locator("#ideal-chart svg").count() == 1 and pg.locator("#voting-chart svg").count() == 1
            pg.locator("#ideal-chart").screenshot(path=str(ARTIFACTS / "state-BLR-ideal-chart.png"))
            pg.locator("#voting-chart").screenshot(path=str(ARTIFACTS / "state-BLR-voting-chart.png"))
            assert watch.errors == [] and watch.csp(pg) == []
            result = Axe().run(pg)
            serious = [v["id"] for v in result.response["violations"] if v.get("impact") in ("serious", "critical")]
            assert serious == []
    finally:
        ctx.close()
        app.state.close()
