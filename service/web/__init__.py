"""The secretaries' review page: plain HTML, CSS and a little JavaScript in `static/`, served
by the API app (GET / and /static). No build step, no CDN: it works offline on a school
network. The page calls the public endpoints (/v1/check, /v1/overlay, /v1/fix, /v1/compare)
like any other client; the overlay drawing is in `overlay.py`.
"""

from __future__ import annotations

import html
import json
import re
from functools import lru_cache
from pathlib import Path

from starlette.responses import HTMLResponse
from starlette.staticfiles import StaticFiles

from ..profile import DEFAULT_PROFILE, available_profiles, load_profile
from ..words import LANGS, page_words

STATIC_DIR = Path(__file__).resolve().parent / "static"

# Only this origin: scripts, styles, fetches; images also from data:/blob: (the previews).
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}


_I18N = re.compile(r'(<(\w+)\b[^>]*\bdata-i18n="(\w+)"[^>]*>)(</\2>)')
_I18N_LABEL = re.compile(r'\bdata-i18n-label="(\w+)"')


def page_data() -> dict:
    """What app.js needs besides the API: its words in both languages (rules/messages.toml,
    through service/words.py) and each profile's verdict caps (for the gauge's bands)."""
    return {
        "words": {lang: page_words(lang) for lang in LANGS},
        "profiles": {name: {"caps": load_profile(name).verdict_caps} for name in available_profiles()},
        "default_lang": "pl",
    }


@lru_cache(maxsize=1)
def _index_html() -> str:
    words = page_words("pl")["page"]
    options = []
    for name in available_profiles():
        selected = " selected" if name == DEFAULT_PROFILE else ""
        title = html.escape(load_profile(name).title or name)
        options.append(f'<option value="{html.escape(name)}"{selected}>{title}</option>')
    page = (STATIC_DIR / "index.html").read_text(encoding="utf-8")
    page = _I18N.sub(lambda m: m[1] + html.escape(words[m[3]], quote=False) + m[4], page)  # no-script readers get Polish
    page = _I18N_LABEL.sub(lambda m: f'{m[0]} aria-label="{html.escape(words[m[1]])}"', page)
    # a data block, not a script: CSP's script-src does not apply, and "<" is escaped so no text can end it
    data = json.dumps(page_data(), ensure_ascii=False).replace("<", "\\u003c")
    page = page.replace("<!--WORDS-->", f'<script type="application/json" id="page-data">{data}</script>')
    return page.replace("<!--PROFILES-->", "\n".join(options))


def index_response() -> HTMLResponse:
    """The page, with the profile list filled in from `rules/`."""
    return HTMLResponse(_index_html(), headers=PAGE_HEADERS)


class StaticAssets(StaticFiles):
    """The page's CSS/JS; revalidated on each load so an upgrade shows at once."""

    async def get_response(self, path, scope):
        response = await super().get_response(path, scope)
        response.headers.setdefault("Cache-Control", "no-cache")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response


def static_files() -> StaticAssets:
    return StaticAssets(directory=STATIC_DIR)
