"""`create_app`: the wiring of the HTTP service. The state the routes share (settings, metrics,
the engine), CORS, the request log and metrics middleware, the problem handlers, the routers,
the review page, the offline docs and the OpenAPI document; the endpoints live in their own
modules (check, fix, compare, overlay, profiles, ops, docs)."""

from __future__ import annotations

import logging
import time
import uuid
from contextlib import asynccontextmanager
from importlib.metadata import version

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..web import index_response, static_files
from . import check, compare, docs, fix, ops, overlay, profiles
from .engine import Engine
from .lang import request_lang
from .metrics import Metrics
from .openapi import build_openapi
from .problems import Problem
from .settings import Settings

log = logging.getLogger("idphoto.api")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    metrics = Metrics()
    engine = Engine(settings, metrics)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        await engine.start()
        yield
        await engine.stop()

    app = FastAPI(
        title="idphoto",
        summary="Checks, crops and compresses portrait photos for Polish school ID cards.",
        version=version("idphoto"),  # the installed package's, as `idphoto --version` says
        lifespan=lifespan,
        docs_url=None,  # served offline by docs.py
        redoc_url=None,
        generate_unique_id_function=lambda route: route.name,  # operationId = the endpoint's name, for generated clients
    )
    app.state.settings, app.state.metrics, app.state.engine, app.state.pool = settings, metrics, engine, engine.pool
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type", "Accept-Language"],
            expose_headers=["X-Idphoto-Score", "X-Idphoto-Verdict", "X-Idphoto-Quality", "Retry-After"],
        )
    app.middleware("http")(observe)
    app.add_exception_handler(Problem, on_problem)
    app.add_exception_handler(RequestValidationError, on_invalid)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(Exception, on_error)
    for module in (check, fix, compare, overlay, profiles, ops, docs):
        app.include_router(module.router)
    app.add_api_route("/", review_page, include_in_schema=False)
    app.mount("/static", static_files(), name="static")
    app.mount(docs.ASSETS_PATH, docs.assets(), name="docs-assets")
    app.openapi = lambda: build_openapi(app)  # type: ignore[method-assign]
    return app


async def review_page():
    """The secretaries' review page (open, like /static: the API calls it makes need the token)."""
    return index_response()


async def observe(request: Request, call_next):
    """One JSON log line and the request metrics per request (sizes, timings, outcome: no
    photo, no file name); the upload's bytes go back to the budget once the response is made."""
    request_id = request.headers.get("x-request-id") or uuid.uuid4().hex[:16]
    started = time.perf_counter()
    engine: Engine = request.app.state.engine
    try:
        response = await call_next(request)
    finally:
        engine.budget.release(request)
    elapsed = time.perf_counter() - started
    route = request.scope.get("route")
    endpoint = getattr(route, "path", "unmatched")
    outcome = getattr(request.state, "outcome", None) or str(response.status_code)
    engine.metrics.requests.labels(endpoint, outcome).inc()
    engine.metrics.latency.labels(endpoint, outcome).observe(elapsed)
    response.headers["X-Request-Id"] = request_id
    log.info(
        "request",
        extra={
            "event": "request",
            "request_id": request_id,
            "method": request.method,
            "endpoint": endpoint,
            "status": response.status_code,
            "outcome": outcome,
            "ms": round(elapsed * 1000, 1),
            "body_bytes": int(request.headers.get("content-length") or 0),
        },
    )
    return response


async def on_problem(request: Request, exc: Problem):
    request.state.outcome = exc.code.value
    return exc.response(request_lang(request))


async def on_invalid(request: Request, exc: RequestValidationError):
    params = [
        {"name": ".".join(str(p) for p in e["loc"][1:]) or str(e["loc"][0]), "reason": e["msg"]} for e in exc.errors()
    ]
    fields = ", ".join(dict.fromkeys(p["name"] for p in params))
    return Problem(422, "invalid_request", members={"invalid_params": params}, fields=fields).response(request_lang(request))


async def on_http(request: Request, exc: StarletteHTTPException):
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
    return Problem(exc.status_code, code, exc.headers, http_status=exc.status_code).response(request_lang(request))


async def on_error(request: Request, exc: Exception):
    log.exception("unhandled error", extra={"event": "internal_error"})
    return Problem(500, "internal_error").response(request_lang(request))
