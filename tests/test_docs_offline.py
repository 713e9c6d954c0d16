"""/docs and /redoc in real headless Chromium against the live server on loopback, with every
request that leaves loopback blocked: the pages must list the endpoints from local assets only,
under the page's Content-Security-Policy (no script is blocked, nothing is fetched outside).

Needs Debian's chromium (/usr/bin/chromium) and the `playwright` Python package (its own browser
downloads are never used); skips when either is absent. Saves benchmarks/out/screens/docs.png.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest

from .live import live_server

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
ENDPOINTS = ["/v1/check", "/v1/fix", "/v1/compare", "/v1/overlay", "/v1/profiles", "/healthz", "/readyz", "/metrics"]


@pytest.fixture(scope="module")
def browser_page():
    if not CHROMIUM.is_file():
        pytest.skip("Debian's chromium (/usr/bin/chromium) is not installed")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    with live_server(workers=1, env={"IDPHOTO_API_TOKEN": "s3cret", "IDPHOTO_WORKERS": "1"}) as (base, _), sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context()
            outside: list[str] = []

            def guard(route):
                url = route.request.url
                if url.startswith(("data:", "blob:")) or urlparse(url).hostname == "127.0.0.1":
                    route.continue_()
                else:
                    outside.append(url)
                    route.abort()

            context.route("**/*", guard)

            def visit(path: str, selector: str):
                page = context.new_page()
                console: list[str] = []
                page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
                page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
                page.goto(base + path)
                page.wait_for_selector(selector, timeout=60_000)
                return page, console

            yield visit, outside
        finally:
            browser.close()


def test_swagger_ui_lists_every_endpoint_offline_with_no_csp_violation(browser_page):
    visit, outside = browser_page
    page, console = visit("/docs", ".opblock-summary-path")
    paths = [text.strip() for text in page.locator(".opblock-summary-path").all_inner_texts()]
    assert paths == ENDPOINTS
    assert page.locator(".swagger-ui .info .title").inner_text().startswith("idphoto")
    assert page.locator(".authorize").count() == 1  # the bearer scheme offers its dialog
    screens = ROOT / "benchmarks" / "out" / "screens"
    screens.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(screens / "docs.png"))
    assert console == [] and outside == []


def test_redoc_lists_every_endpoint_offline(browser_page):
    visit, outside = browser_page
    page, console = visit("/redoc", "[data-section-id^='operation/']")
    text = page.locator(".api-content").inner_text()
    for path in ENDPOINTS:
        assert path in text, path
    assert page.locator("[data-section-id^='operation/']").count() == len(ENDPOINTS)
    # Redoc's own "powered by" logo points at its CDN: the CSP refuses it before any request is made
    blocked = [line for line in console if "Content Security Policy" in line]
    assert not [line for line in console if line not in blocked]
    assert all("script-src" not in line for line in blocked)  # no script was refused: the viewer runs whole
    assert outside == []
