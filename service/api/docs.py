"""/docs (Swagger UI) and /redoc, offline: their scripts and styles come from the
`fastapi-offline` package (which vendors swagger-ui-dist and Redoc), never from a CDN, and the
pages carry the review page's Content-Security-Policy (`web.PAGE_HEADERS`: only this origin,
no inline script), so each page starts its viewer from a small script served here.

Redoc writes its styles into <style> elements (styled-components), which `style-src 'self'`
blocks; /redoc alone adds a fresh nonce to style-src that Redoc puts on those elements.
Scripts stay 'self' only on both pages."""

from __future__ import annotations

import html
import re
import secrets
from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, Request
from starlette.responses import HTMLResponse, Response

from ..web import PAGE_HEADERS, StaticAssets

ASSETS_PATH = "/docs/assets"
ASSETS_DIR = Path(fastapi_offline.__file__).resolve().parent / "static"

router = APIRouter(include_in_schema=False)

SWAGGER_INIT = """\
"use strict";
(function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.openapi,
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
})();
"""
REDOC_INIT = """\
"use strict";
(function () {
  var root = document.getElementById("redoc");
  Redoc.init(root.dataset.openapi, { nonce: root.dataset.nonce, disableSearch: true }, root);
})();
"""


def _page(request: Request, title: str, head: str, body: str, style_nonce: str | None = None) -> HTMLResponse:
    headers = dict(PAGE_HEADERS)
    if style_nonce:  # the page's style-src, plus this response's nonce
        csp = headers["Content-Security-Policy"]
        headers["Content-Security-Policy"] = re.sub(r"style-src ([^;]*)", rf"style-src \1 'nonce-{style_nonce}'", csp, count=1)
    page = (
        f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{html.escape(title)}</title>'
        f'<link rel="icon" href="{_root(request)}{ASSETS_PATH}/favicon.png">{head}</head><body>{body}</body></html>'
    )
    return HTMLResponse(page, headers=headers)


def _root(request: Request) -> str:
    return html.escape(request.scope.get("root_path", ""))


@router.get("/docs")
async def swagger_ui(request: Request) -> HTMLResponse:
    root = _root(request)
    return _page(
        request,
        f"{request.app.title}: API",
        f'<link rel="stylesheet" href="{root}{ASSETS_PATH}/swagger-ui.css">',
        f'<div id="swagger-ui" data-openapi="{root}{request.app.openapi_url}"></div>'
        f'<script src="{root}{ASSETS_PATH}/swagger-ui-bundle.js"></script><script src="{root}/docs/swagger-init.js"></script>',
    )


@router.get("/docs/swagger-init.js")
async def swagger_init() -> Response:
    return Response(SWAGGER_INIT, media_type="text/javascript", headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"})


@router.get("/redoc")
async def redoc(request: Request) -> HTMLResponse:
    root = _root(request)
    nonce = secrets.token_urlsafe(16)
    return _page(
        request,
        f"{request.app.title}: API",
        "",
        f'<div id="redoc" data-openapi="{root}{request.app.openapi_url}" data-nonce="{nonce}"></div>'
        f'<script src="{root}{ASSETS_PATH}/redoc.standalone.js"></script><script src="{root}/docs/redoc-init.js"></script>',
        style_nonce=nonce,
    )


@router.get("/docs/redoc-init.js")
async def redoc_init() -> Response:
    return Response(REDOC_INIT, media_type="text/javascript", headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"})


def assets() -> StaticAssets:
    return StaticAssets(directory=ASSETS_DIR)
