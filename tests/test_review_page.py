"""The review page (GET /, /static): served locally, accessible markup, open without the token;
and end to end in real headless Chromium against a live server on loopback.

The browser tests need Debian's chromium (/usr/bin/chromium, installed by .ci/run), the
`playwright` Python package (test extra; its own browser downloads are never used) and the
photos in ../shared/photos; they skip when any is absent. They save screenshots to
benchmarks/out/screens/ (review-good.png, review-bad.png, review-compare.png, review-phone.png).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

import pytest

from service.api.live import live_server as live_server_process
from fastapi.testclient import TestClient

from service.api import Settings, create_app
from service.profile import available_profiles

from .conftest import SHARED

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "service" / "web" / "static"
SCREENS = ROOT / "benchmarks" / "out" / "screens"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
GOOD, BAD = "dev_good_003.jpg", "dev_group_002.jpg"


@pytest.fixture(scope="module")
def page_client():
    # No `with`: the lifespan (engine workers) is not started; the page needs none.
    return TestClient(create_app(Settings(workers=1, max_waiting=1, job_timeout=10, api_token="s3cret", cors_origins=[])))


class _Markup(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def test_page_and_assets_are_served_locally_and_stay_open_with_a_token(page_client):
    page = page_client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    for name in available_profiles():
        assert f'value="{name}"' in page.text
    assert page_client.get("/static/app.js").headers["content-type"].startswith(("application/javascript", "text/javascript"))
    assert page_client.get("/static/app.css").headers["content-type"].startswith("text/css")
    assert page_client.get("/static/missing.js").status_code == 404
    assert page_client.post("/v1/check", content=b"x", headers={"Content-Type": "image/jpeg"}).status_code == 401
    assert "/" not in page_client.get("/openapi.json").json()["paths"]


def test_no_external_resources():
    for path in STATIC.iterdir():
        text = path.read_text(encoding="utf-8")
        urls = set(re.findall(r"(?:https?:)?//[\w.-]+\.[a-z]{2,}[^\s\"')]*", text))
        assert urls <= {"http://www.w3.org/2000/svg"}, (path.name, urls)  # the SVG namespace is a name, not a fetch


def test_markup_is_labelled_and_announces_results(page_client):
    markup = _Markup()
    markup.feed(page_client.get("/").text)
    tags = markup.tags
    html_tag = next(attrs for tag, attrs in tags if tag == "html")
    assert html_tag.get("lang") == "pl"
    labelled = {attrs.get("for") for tag, attrs in tags if tag == "label"}
    for tag, attrs in tags:
        if tag in ("input", "select") and attrs.get("type") != "radio":
            assert attrs.get("id") in labelled, attrs
    assert {"photo", "current", "new", "profile", "token"} <= labelled
    assert any(attrs.get("aria-live") == "polite" for _, attrs in tags)
    assert any(attrs.get("name") == "viewport" for tag, attrs in tags if tag == "meta")
    assert next(attrs for tag, attrs in tags if tag == "input" and attrs.get("id") == "token")["type"] == "password"


# ---- end to end in Chromium ------------------------------------------------------------------


@pytest.fixture(scope="module")
def live_server():
    if not CHROMIUM.is_file():
        pytest.skip("Debian's chromium (/usr/bin/chromium) is not installed")
    pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    if not all((SHARED / name).is_file() for name in (GOOD, BAD)):
        pytest.skip("../shared/photos is absent")
    with live_server_process(workers=1, env={"IDPHOTO_API_TOKEN": "", "IDPHOTO_WORKERS": "1"}) as (base, _):
        yield base


@pytest.fixture(scope="module")
def browser(live_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh page on the live server; fails the test on console errors or any request that
    leaves loopback (the page must work offline)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="pl-PL")
    errors: list[str] = []
    outside: list[str] = []

    def guard(route):
        host = urlparse(route.request.url).hostname
        if route.request.url.startswith(("data:", "blob:")) or host == "127.0.0.1":
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", guard)
    tab = context.new_page()
    expected = "the server responded with a status of 422"  # auto-fix refusing a bad photo: shown, not a fault

    def on_console(message):
        if message.type == "error" and expected not in message.text:
            errors.append(message.text)

    tab.on("console", on_console)
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.goto(live_server + "/")
    yield tab
    context.close()
    assert not outside, outside
    assert not errors, errors


def _loaded(page, selector: str, timeout: float = 60_000) -> None:
    page.wait_for_function(
        "s => { const i = document.querySelector(s); return i && i.complete && i.naturalWidth > 0; }",
        arg=selector,
        timeout=timeout,
    )


def _shot(page, name: str) -> Path:
    SCREENS.mkdir(parents=True, exist_ok=True)
    path = SCREENS / name
    page.screenshot(path=str(path), full_page=True)
    return path


def test_browser_good_photo(page):
    page.set_input_files("#photo", str(SHARED / GOOD))
    verdict = page.locator(".result .verdict")
    verdict.wait_for(timeout=60_000)
    assert verdict.inner_text() == "Akceptuj"
    _loaded(page, ".result .overlay-img")
    _loaded(page, ".result .crop-preview")
    assert page.locator(".result .crop-preview").evaluate("i => i.naturalWidth / i.naturalHeight") == pytest.approx(35 / 45, abs=0.01)
    hint = page.locator('.checks li[data-rule="file.format"]')
    assert hint.locator(".check-title").inner_text() == "Format pliku"
    assert "zmierzono" in hint.inner_text() and "wymagane" in hint.inner_text()
    assert page.locator(".gauge-svg").get_attribute("aria-label").endswith("Akceptuj")
    download = page.locator("a.download")
    assert download.get_attribute("href").startswith("blob:") and download.get_attribute("download").endswith(".jpg")
    assert "Akceptuj" in page.locator("#status").inner_text()
    _shot(page, "review-good.png")

    page.get_by_role("button", name="English").click()  # the switch asks again, in English
    page.wait_for_function("() => document.querySelector('.result .verdict')?.textContent === 'Accept'", timeout=60_000)
    assert page.locator('.checks li[data-rule="file.format"] .check-title').inner_text() == "File format"
    assert page.locator("html").get_attribute("lang") == "en"


def test_browser_bad_photo(page):
    page.set_input_files("#photo", str(SHARED / BAD))
    verdict = page.locator(".result .verdict")
    verdict.wait_for(timeout=60_000)
    assert verdict.inner_text() == "Odrzuć"
    statuses = page.locator(".checks li").evaluate_all("items => items.map(i => i.dataset.status)")
    assert statuses[0] == "fail" and statuses == sorted(statuses, key=["fail", "warn", "info", "pass"].index)  # failing first, notes last
    hint = page.locator('.checks li[data-rule="face.count"]')
    assert hint.get_attribute("data-status") == "fail"
    main = page.locator(".main-problem")  # the one line that says why, first
    assert main.get_attribute("data-rule") == "face.count" and main.inner_text().startswith("Główny problem: Liczba osób.")
    message = page.locator(".parent-text").input_value()  # what to tell the parent, ready to copy
    assert message.startswith("Szanowni Państwo,") and "Na zdjęciu może być tylko uczeń." in message
    page.locator("button.copy").press("Enter")  # by keyboard, as a secretary at a desk might
    page.locator(".copied").wait_for()
    assert hint.locator(".check-title").inner_text() == "Liczba osób"
    assert "wymagane" in hint.inner_text()
    _loaded(page, ".result .overlay-img")
    page.locator(".not-fixable").wait_for(timeout=60_000)  # two people: auto-fix refuses and says why
    assert page.locator('.not-fixable li[data-rule="face.count"]').count() == 1
    _shot(page, "review-bad.png")


def test_browser_offers_no_download_of_a_fixed_photo_worse_than_its_source(page):
    """The engine never answers so (tests/test_fixplan.py); the page must hold even if it did."""
    import json as json_module

    seen = []

    def worse_fix(route):
        try:
            response = route.fetch()
            body = response.json()
            body["verdict"], body["score"] = "reject", 39
            route.fulfill(status=200, body=json_module.dumps(body), content_type="application/json")
            seen.append("faked")
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            seen.append(repr(exc))
            route.abort()

    page.route(lambda url: "/v1/fix" in url, worse_fix)
    page.set_input_files("#photo", str(SHARED / GOOD))
    page.locator(".result .verdict").wait_for(timeout=60_000)
    page.wait_for_function("() => document.querySelector('.fixed-worse, .not-fixable, a.download')", timeout=60_000)
    assert seen == ["faked"], seen
    assert "gorzej (Odrzuć) niż oryginał (Akceptuj)" in page.locator(".fixed-worse").inner_text()
    assert page.locator("a.download").count() == 0


def test_browser_compare(page):
    page.get_by_label("Wniosek o zmianę: obecne i nowe zdjęcie").check()
    page.set_input_files("#current", str(SHARED / GOOD))
    page.set_input_files("#new", str(SHARED / BAD))
    preferred = page.locator(".comparison [data-preferred]")
    preferred.wait_for(timeout=60_000)
    decision = page.locator(".comparison .decision")  # what to do with the request, first
    assert decision.get_attribute("data-decision") == "reject_request"
    assert decision.inner_text().startswith("Odrzuć prośbę. Nowe zdjęcie nie spełnia wymagań. Na zdjęciu jest więcej niż jedna osoba")
    assert preferred.get_attribute("data-preferred") == "current"
    assert preferred.inner_text() == "obecne zdjęcie"
    assert page.locator(".compare-summary").inner_text().strip()
    assert page.locator('.comparison tr[data-rule="face.count"]').first.is_visible()
    assert page.locator('.result[data-side="current"] .verdict').inner_text() == "Akceptuj"
    assert page.locator('.result[data-side="new"] .verdict').inner_text() == "Odrzuć"
    assert page.locator('.result[data-side="current"] .preferred-badge').is_visible()
    _loaded(page, '.result[data-side="current"] .overlay-img')
    _loaded(page, '.result[data-side="new"] .overlay-img')
    _loaded(page, '.result[data-side="current"] .crop-preview')
    assert page.locator('.result[data-side="current"] a.download').count() == 1
    page.locator('.result[data-side="new"] .not-fixable').wait_for(timeout=60_000)
    _shot(page, "review-compare.png")


def test_browser_phone_width_and_keyboard(page):
    page.set_viewport_size({"width": 375, "height": 800})
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.set_input_files("#photo", str(SHARED / GOOD))
    page.locator(".result .verdict").wait_for(timeout=60_000)
    page.keyboard.press("Enter")  # follow the skip link to the results
    assert page.evaluate("document.activeElement.id") == "results"
    _loaded(page, ".result .overlay-img")
    _loaded(page, ".result .crop-preview")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # nothing sideways
    _shot(page, "review-phone.png")


def test_browser_compare_fits_a_phone(page):
    """The comparison table overflowed a 375 px phone."""
    page.set_viewport_size({"width": 375, "height": 800})
    page.get_by_label("Wniosek o zmianę: obecne i nowe zdjęcie").check()
    page.set_input_files("#current", str(SHARED / GOOD))
    page.set_input_files("#new", str(SHARED / BAD))
    page.locator(".comparison .decision").wait_for(timeout=60_000)
    _loaded(page, '.result[data-side="new"] .overlay-img')
    widths = page.evaluate("""() => [document.documentElement.scrollWidth,
        ...[...document.querySelectorAll('.compare-table')].map(t => t.getBoundingClientRect().right)]""")
    assert max(widths) <= 375, widths
    _shot(page, "review-compare-phone.png")
