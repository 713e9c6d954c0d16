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
from fastapi.testclient import TestClient

from service.api import Settings, create_app
from service.profile import available_profiles

from .conftest import SHARED
from .live import live_server as live_server_process

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
GOOD, BAD, NO_FACE = "dev_good_003.jpg", "dev_group_002.jpg", "dev_noface_001.jpg"
CHANGE_REQUEST = "Prośba o zmianę: obecne i nowe zdjęcie"


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
    if not all((SHARED / name).is_file() for name in (GOOD, BAD, NO_FACE)):
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
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="pl-PL", accept_downloads=True)
    context.grant_permissions(["clipboard-read", "clipboard-write"])
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
    assert page.locator(".parent-message").count() == 0  # nothing to tell the parent of an accepted photo
    _shot(page, "review-good.png")

    page.get_by_role("button", name="English").click()  # the switch asks again, in English
    page.wait_for_function("() => document.querySelector('.result .verdict')?.textContent === 'Accept'", timeout=60_000)
    assert page.locator('.checks li[data-rule="file.format"] .check-title').inner_text() == "File format"
    assert page.locator("html").get_attribute("lang") == "en"


def test_browser_bad_photo_names_the_main_problem_and_copies_the_parent_message(page):
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
    assert page.evaluate("navigator.clipboard.readText()") == message
    assert hint.locator(".check-title").inner_text() == "Liczba osób"
    assert "wymagane" in hint.inner_text()
    _loaded(page, ".result .overlay-img")
    page.locator(".not-fixable").wait_for(timeout=60_000)  # two people: auto-fix refuses and says why
    assert page.locator('.not-fixable li[data-rule="face.count"]').count() == 1
    assert page.locator(".preview-open").count() == 0  # no fixed photo, no print preview
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
    assert page.locator(".preview-open").count() == 0


def _queue_done(page, count: int) -> None:
    page.wait_for_function(
        "n => document.querySelectorAll('#queue-list li').length === n && "
        "[...document.querySelectorAll('#queue-list li')].every(li => ['done', 'error'].includes(li.dataset.status))",
        arg=count,
        timeout=180_000,
    )


def test_browser_queue_walked_with_the_keyboard_and_marks_downloaded_as_csv(page):
    """Several photos: a list with verdict badges, next/previous and the marks by key, the marks
    as CSV for Polish Excel; nothing of the marks reaches the server."""
    import csv
    import io

    posted: list[str] = []
    page.on("request", lambda r: posted.append(urlparse(r.url).path) if r.method == "POST" else None)
    page.set_input_files("#photo", [str(SHARED / name) for name in (GOOD, BAD, NO_FACE)])
    _queue_done(page, 3)
    badges = page.locator("#queue-list .q-verdict").all_inner_texts()
    assert badges == ["Akceptuj", "Odrzuć", "Odrzuć"]
    assert page.locator("#queue-progress").inner_text() == "Sprawdzono 3 z 3."
    position = page.locator(".q-position")
    assert position.inner_text() == f"Zdjęcie 1 z 3: {GOOD}"
    page.locator("body").press("n")
    page.wait_for_function("() => document.querySelector('.q-position').textContent.startsWith('Zdjęcie 2 z 3')")
    assert page.locator(".result .verdict").inner_text() == "Odrzuć"
    page.keyboard.press("p")
    page.wait_for_function("() => document.querySelector('.q-position').textContent.startsWith('Zdjęcie 1 z 3')")
    page.keyboard.press("a")  # accept, then on to the next photo
    page.wait_for_function("() => document.querySelector('.q-position').textContent.startsWith('Zdjęcie 2 z 3')")
    page.keyboard.press("o")  # odrzucam
    page.wait_for_function("() => document.querySelector('.q-position').textContent.startsWith('Zdjęcie 3 z 3')")
    marks = page.locator("#queue-list .q-mark").evaluate_all("m => m.map(x => x.dataset.mark)")
    assert marks == ["accept", "reject", ""]
    assert page.locator("#marks-summary").inner_text() == "2 decyzje na 3 zdjęcia."
    assert page.locator('#queue-list [aria-current="true"] .q-name').inner_text() == NO_FACE
    assert page.locator(".skipped").inner_text().startswith("Nie sprawdzono (brak twarzy): ")
    assert "." not in page.locator(".skipped").inner_text().split(": ", 1)[1].split(",")[0]  # titles, not rule ids
    page.keyboard.press("ArrowLeft")
    page.wait_for_function("() => document.querySelector('.q-position').textContent.startsWith('Zdjęcie 2 z 3')")
    assert page.locator(".q-reject").get_attribute("aria-pressed") == "true"
    _shot(page, "review-queue.png")

    with page.expect_download() as info:
        page.locator("#download-marks").click()
    download = info.value
    assert download.suggested_filename == "decyzje-zdjecia.csv"
    raw = Path(download.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM: Polish Excel opens it right
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["plik", "sugestia systemu", "wynik", "główny problem", "decyzja sekretariatu"]
    assert [(r[0], r[1], r[4]) for r in rows[1:]] == [(GOOD, "Akceptuj", "zaakceptowane"), (BAD, "Odrzuć", "odrzucone"), (NO_FACE, "Odrzuć", "")]
    assert rows[2][3] == "Liczba osób" and int(rows[1][2]) >= 80
    # the server saw checks and fixes only: the marks stayed in the tab
    assert set(posted) <= {"/v1/check", "/v1/fix"} and posted.count("/v1/check") == 3


def test_browser_queue_takes_a_whole_folder_and_only_its_photos(page, tmp_path):
    folder = tmp_path / "klasa-1a"
    (folder / "nested").mkdir(parents=True)
    (folder / GOOD).write_bytes((SHARED / GOOD).read_bytes())
    (folder / "nested" / BAD).write_bytes((SHARED / BAD).read_bytes())
    (folder / "lista.txt").write_text("not a photo", encoding="utf-8")
    page.set_input_files("#folder", str(folder))
    _queue_done(page, 2)
    names = sorted(page.locator("#queue-list .q-name").all_inner_texts())
    assert names == sorted([f"klasa-1a/{GOOD}", f"klasa-1a/nested/{BAD}"])


def test_browser_language_switch_while_the_queue_runs_leaves_no_stale_answer(page):
    """An answer asked for in Polish that arrives after the switch must not stand in the queue."""
    page.set_input_files("#photo", [str(SHARED / name) for name in (GOOD, BAD)])
    page.get_by_role("button", name="English").click()
    _queue_done(page, 2)
    assert page.locator("#queue-list .q-verdict").all_inner_texts() == ["Accept", "Reject"]
    page.locator(".result .check-title").first.wait_for()
    assert page.locator('.checks li[data-rule="file.format"] .check-title').inner_text() == "File format"
    page.keyboard.press("n")
    page.wait_for_function("() => document.querySelector('.q-position').textContent.startsWith('Photo 2 of 2')")
    assert page.locator('.checks li[data-rule="face.count"] .check-title').inner_text() == "Number of people"


def test_browser_change_request_with_both_photos_bad_says_reject_the_request(page):
    page.get_by_label(CHANGE_REQUEST).check()
    page.set_input_files("#current", str(SHARED / NO_FACE))
    page.set_input_files("#new", str(SHARED / BAD))
    decision = page.locator(".comparison .decision")
    decision.wait_for(timeout=60_000)
    assert decision.get_attribute("data-decision") == "reject_request"
    assert decision.inner_text().startswith("Odrzuć prośbę. Nowe zdjęcie nie spełnia wymagań. Na zdjęciu jest więcej niż jedna osoba")
    assert page.locator(".preferred-badge, .is-preferred").count() == 0  # no "preferred" praise for a rejected photo
    assert "Odrzuć" in page.locator("#status").inner_text()


def test_browser_compare(page):
    page.get_by_label(CHANGE_REQUEST).check()
    page.set_input_files("#current", str(SHARED / GOOD))
    page.set_input_files("#new", str(SHARED / BAD))
    decision = page.locator(".comparison .decision")  # what to do with the request, first
    decision.wait_for(timeout=60_000)
    assert decision.get_attribute("data-decision") == "reject_request"
    assert page.locator(".comparison").get_attribute("data-preferred") == "current"
    assert page.locator(".compare-summary").inner_text() == "Obecne zdjęcie ma lepszy werdykt: „Akceptuj” zamiast „Odrzuć”."
    assert page.locator('.comparison tr[data-rule="face.count"]').first.is_visible()
    assert page.locator('.result[data-side="current"] .verdict').inner_text() == "Akceptuj"
    assert page.locator('.result[data-side="new"] .verdict').inner_text() == "Odrzuć"
    _loaded(page, '.result[data-side="current"] .overlay-img')
    _loaded(page, '.result[data-side="new"] .overlay-img')
    _loaded(page, '.result[data-side="current"] .crop-preview')
    assert page.locator('.result[data-side="current"] a.download').count() == 1
    page.locator('.result[data-side="new"] .not-fixable').wait_for(timeout=60_000)
    _shot(page, "review-compare.png")


MM = 96 / 25.4  # CSS px per mm


def test_browser_print_preview_is_true_size(page):
    """The fixed photo at 35×45 mm on an ID-1 card (85.6×53.98 mm), and only that on paper."""
    page.set_input_files("#photo", str(SHARED / GOOD))
    button = page.locator(".preview-open")
    button.wait_for(timeout=60_000)
    button.click()
    assert page.locator("#preview").evaluate("d => d.open")
    _loaded(page, "#id-photo")
    photo = page.locator("#id-photo").bounding_box()
    card = page.locator("#id-card").bounding_box()
    assert photo["width"] / MM == pytest.approx(35, abs=0.05) and photo["height"] / MM == pytest.approx(45, abs=0.05)
    assert card["width"] / MM == pytest.approx(85.6, abs=0.05) and card["height"] / MM == pytest.approx(53.98, abs=0.05)
    assert page.locator("#id-photo").get_attribute("src") == page.locator("a.download").get_attribute("href")
    _shot(page, "review-print-preview.png")
    page.emulate_media(media="print")
    assert page.locator("#main").evaluate("m => getComputedStyle(m).display") == "none"
    assert page.locator("#id-card").is_visible()
    assert page.locator("#id-photo").bounding_box()["width"] / MM == pytest.approx(35, abs=0.05)
    page.emulate_media(media="screen")
    page.keyboard.press("Escape")
    assert not page.locator("#preview").evaluate("d => d.open")


def test_browser_phone_width_and_keyboard(page):
    page.set_viewport_size({"width": 375, "height": 800})
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.set_input_files("#photo", [str(SHARED / GOOD), str(SHARED / BAD)])
    page.locator(".result .verdict").wait_for(timeout=60_000)
    page.locator(".skip-link").focus()
    page.keyboard.press("Enter")  # follow the skip link to the results
    assert page.evaluate("document.activeElement.id") == "results"
    _loaded(page, ".result .overlay-img")
    _loaded(page, ".result .crop-preview")
    _queue_done(page, 2)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # nothing sideways
    _shot(page, "review-phone.png")
    page.locator(".preview-open").click()
    _loaded(page, "#id-photo")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375  # the card scrolls inside its dialog


def test_browser_compare_fits_a_phone(page):
    """The comparison table overflowed a 375 px phone."""
    page.set_viewport_size({"width": 375, "height": 800})
    page.get_by_label(CHANGE_REQUEST).check()
    page.set_input_files("#current", str(SHARED / GOOD))
    page.set_input_files("#new", str(SHARED / BAD))
    page.locator(".comparison .decision").wait_for(timeout=60_000)
    _loaded(page, '.result[data-side="new"] .overlay-img')
    widths = page.evaluate("""() => [document.documentElement.scrollWidth,
        ...[...document.querySelectorAll('.compare-table')].map(t => t.getBoundingClientRect().right)]""")
    assert max(widths) <= 375, widths
    _shot(page, "review-compare-phone.png")


# ---- one place for words -----------------------------------------------------------------------


def _leaves(node, lang: str):
    """Every text of messages.toml in `lang` (plural forms included)."""
    if isinstance(node, dict):
        if lang in node:
            yield from _leaves(node[lang], lang)
        else:
            for value in node.values():
                yield from _leaves(value, lang)
    elif isinstance(node, str):
        yield node


def _vocabulary(lang: str) -> set[str]:
    from service.profile import load_profile
    from service.words import texts

    found = set(_LETTERS.findall(" ".join(_leaves(texts(), lang))))
    for name in available_profiles():  # the profile list shows each profile's title
        found |= set(_LETTERS.findall(load_profile(name).title))
    return found


_LETTERS = re.compile(r"[^\W\d_]{2,}")


def test_every_page_word_is_in_messages_toml_in_both_languages():
    """app.js names its words by key; every key it or index.html uses exists in [page] for PL
    and EN, every [page] key is used, and app.js holds no sentence of its own."""
    from service.words import texts

    page = texts()["page"]
    script = (STATIC / "app.js").read_text(encoding="utf-8")
    markup = (STATIC / "index.html").read_text(encoding="utf-8")
    used = set(re.findall(r'\bt\("(\w+)"', script)) | set(re.findall(r'data-i18n(?:-label)?="(\w+)"', markup))
    used |= set(re.findall(r'\["(\w+)", "(?:legend|csv)\w*"\]', script))  # keys listed in arrays
    used |= {k for k in re.findall(r'"(\w+)"', script) if k in page}
    assert used - set(page) == set(), "keys without texts"
    assert set(page) - used == set(), "texts nobody shows"
    for key, value in page.items():
        assert set(value) == {"pl", "en"} and all(value.values()), key
    code = re.sub(r"//[^\n]*|/\*.*?\*/", "", script, flags=re.DOTALL)
    code = re.sub(r"throw new Error\(`[^`]*`\)", "", code)  # messages for developers, never shown
    literals = re.findall(r'"((?:[^"\\\n]|\\.)*)"|\'((?:[^\'\\\n]|\\.)*)\'|`((?:[^`\\]|\\.)*)`', code)
    def is_prose(text: str) -> bool:  # class lists and media types ("copy button", "image/jpeg") are code
        text = re.sub(r"\$\{[^}]*\}", " ", text)
        return bool(
            re.search(r"[ąćęłńóśźżĄĆĘŁŃÓŚŹŻ]", text)
            or re.search(r"\b[A-Z][a-z]+ [a-z]", text)
            or re.search(r"[a-z]{2,} [a-z]{2,}.*[.!?:…]\s*$", text)
        )

    prose = [text for parts in literals for text in parts if is_prose(text)]
    assert prose == [], prose
    assert "<title" in markup and not re.search(r">[^<>\s][^<>]*</(?:h1|h2|p|label|span|summary|legend|button|title)>", markup.replace("\n", " "))


def test_plural_forms_for_1_2_5_12_22():
    from service.words import plural

    assert [plural(n, "photo", "pl") for n in (1, 2, 5, 12, 22)] == ["1 zdjęcie", "2 zdjęcia", "5 zdjęć", "12 zdjęć", "22 zdjęcia"]
    assert [plural(n, "passed", "pl") for n in (1, 2, 5, 12, 22)] == [
        "1 spełnione wymaganie", "2 spełnione wymagania", "5 spełnionych wymagań", "12 spełnionych wymagań", "22 spełnione wymagania"]
    assert [plural(n, "failure", "en") for n in (1, 2, 5, 12, 22)] == ["1 failure", "2 failures", "5 failures", "12 failures", "22 failures"]


def test_browser_plurals_match_the_server(page):
    """The page's plural forms (Intl.PluralRules) and service/words.py agree, item for item."""
    from service.words import plural, texts

    for lang in ("pl", "en"):
        page.evaluate("lang => { state.lang = lang; }", lang)
        for noun in texts()["plurals"]:
            shown = page.evaluate("([noun, ns]) => ns.map(n => plural(n, noun))", [noun, [0, 1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 102, 112]])
            assert shown == [plural(n, noun, lang) for n in (0, 1, 2, 4, 5, 11, 12, 14, 21, 22, 25, 102, 112)], (lang, noun)


_SHOWN = """() => {
  const parts = [document.title, document.body.innerText];
  for (const node of document.querySelectorAll('[aria-label], [alt], [title], textarea')) {
    for (const name of ['aria-label', 'alt', 'title']) if (node.getAttribute(name)) parts.push(node.getAttribute(name));
  }
  return parts.join('\\n');
}"""


@pytest.mark.parametrize("lang", ["pl", "en"])
def test_browser_every_word_shown_comes_from_messages_toml(page, lang):
    """Walk the queue, the print preview and a change request in one language; every word on
    screen (text, labels, alternative texts) is a word of rules/messages.toml in that language,
    or a file name."""
    vocabulary = _vocabulary(lang) | set(_LETTERS.findall(f"{GOOD} {BAD} {NO_FACE}"))
    if lang == "en":
        page.get_by_role("button", name="English").click()
    shown = [page.evaluate(_SHOWN)]
    page.set_input_files("#photo", [str(SHARED / name) for name in (GOOD, BAD)])
    _queue_done(page, 2)
    page.locator(".preview-open").wait_for(timeout=60_000)
    shown.append(page.evaluate(_SHOWN))
    page.locator(".preview-open").click()
    shown.append(page.evaluate(_SHOWN))
    page.keyboard.press("Escape")
    page.keyboard.press("n")
    page.locator(".parent-text").wait_for(timeout=60_000)
    page.locator(".not-fixable").wait_for(timeout=60_000)
    page.locator("button.copy").click()
    shown.append(page.evaluate(_SHOWN))
    page.locator('input[name="mode"][value="compare"]').check()
    page.set_input_files("#current", str(SHARED / GOOD))
    page.set_input_files("#new", str(SHARED / BAD))
    page.locator(".comparison .decision").wait_for(timeout=60_000)
    page.locator(".comparison details summary").click()
    shown.append(page.evaluate(_SHOWN))
    strangers = sorted(set(_LETTERS.findall("\n".join(shown))) - vocabulary)
    assert strangers == [], strangers
