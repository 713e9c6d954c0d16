"""HTTP service: check, fix and compare endpoints over the same engine as the CLI.

The app reads bodies in memory with a size cap, hands every photo to the engine worker
processes (service/workers.py), and answers errors as RFC 9457 problem details.
Settings come from the environment (see `Settings`); `idphoto serve` starts it with uvicorn.
"""

from __future__ import annotations

import base64
import hmac
import logging
import os
import time
import uuid
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Literal

from fastapi import Depends, FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse, Response

from ..compare import Comparison
from ..errors import PhotoError
from ..fixplan import FixOptionError, FixOptions
from ..profile import DEFAULT_PROFILE, available_profiles, load_profile
from ..report import Report
from ..web import index_response, static_files
from ..workers import Busy, EnginePool, Job, JobFailed
from .body import BodyBudget, read_photos
from .metrics import Metrics
from .problems import Problem, problem_response

log = logging.getLogger("idphoto.api")
HEADROOM = 1_048_576  # multipart framing and a little slack above the profile's file limit


@dataclass
class Settings:
    workers: int = field(default_factory=lambda: int(os.environ.get("IDPHOTO_WORKERS", "1")))
    max_waiting: int = field(default_factory=lambda: int(os.environ.get("IDPHOTO_MAX_WAITING", "16")))
    job_timeout: float = field(default_factory=lambda: float(os.environ.get("IDPHOTO_JOB_TIMEOUT", "30")))
    api_token: str | None = field(default_factory=lambda: os.environ.get("IDPHOTO_API_TOKEN") or None)
    cors_origins: list[str] = field(
        default_factory=lambda: [o for o in os.environ.get("IDPHOTO_CORS_ORIGINS", "").split(",") if o.strip()]
    )
    max_upload_bytes: int = field(
        default_factory=lambda: int(os.environ.get("IDPHOTO_MAX_UPLOAD_BYTES", "0"))
        or load_profile().output.max_bytes + HEADROOM
    )
    # connections the server holds at once (beyond: 503 at once) and how long an idle keep-alive one
    # may stay open; header and body timeouts for slow clients belong to the reverse proxy in front
    max_connections: int = field(default_factory=lambda: int(os.environ.get("IDPHOTO_MAX_CONNECTIONS", "256")))
    keep_alive_seconds: int = field(default_factory=lambda: int(os.environ.get("IDPHOTO_KEEP_ALIVE_SECONDS", "5")))
    # the bytes all uploads together may hold in memory (0: enough for every admitted job's photo)
    max_buffered_bytes: int = field(default_factory=lambda: int(os.environ.get("IDPHOTO_MAX_BUFFERED_BYTES", "0")))

    @property
    def body_budget(self) -> int:
        return self.max_buffered_bytes or (self.workers + self.max_waiting) * self.max_upload_bytes


PHOTO_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {"type": "object", "properties": {"photo": {"type": "string", "format": "binary"}}, "required": ["photo"]}
            },
            "image/jpeg": {"schema": {"type": "string", "format": "binary"}},
        },
    }
}
COMPARE_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "current": {"type": "string", "format": "binary"},
                        "new": {"type": "string", "format": "binary"},
                    },
                    "required": ["current", "new"],
                }
            }
        },
    }
}
PROBLEM = {"content": {"application/problem+json": {}}, "description": "Problem details (RFC 9457)"}
ERRORS = {status: PROBLEM for status in (400, 401, 413, 415, 422, 503)}


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    metrics = Metrics()
    pool = EnginePool(settings.workers, settings.max_waiting, settings.job_timeout)
    metrics.in_flight.set_function(lambda: pool.waiting)
    budget = BodyBudget(settings.body_budget)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        await pool.start()
        yield
        await pool.stop()

    app = FastAPI(
        title="idphoto",
        summary="Checks, crops and compresses portrait photos for Polish school ID cards.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.pool, app.state.metrics, app.state.settings = pool, metrics, settings
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
            expose_headers=["X-Idphoto-Score", "X-Idphoto-Verdict", "X-Idphoto-Quality"],
        )

    @app.middleware("http")
    async def observe(request: Request, call_next):
        request_id = request.headers.get("x-request-id") or uuid.uuid4().hex[:16]
        started = time.perf_counter()
        try:
            response = await call_next(request)
        finally:
            budget.release(request)  # the upload's bytes are no longer held
        elapsed = time.perf_counter() - started
        route = request.scope.get("route")
        endpoint = getattr(route, "path", "unmatched")
        outcome = getattr(request.state, "outcome", None) or str(response.status_code)
        metrics.requests.labels(endpoint, outcome).inc()
        metrics.latency.labels(endpoint, outcome).observe(elapsed)
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

    @app.exception_handler(Problem)
    async def on_problem(request: Request, exc: Problem):
        request.state.outcome = exc.code
        return exc.response()

    @app.exception_handler(RequestValidationError)
    async def on_invalid(request: Request, exc: RequestValidationError):
        where = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        return problem_response(422, "invalid_request", where or "Invalid request.")

    @app.exception_handler(StarletteHTTPException)
    async def on_http(request: Request, exc: StarletteHTTPException):
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return problem_response(exc.status_code, code, str(exc.detail))

    @app.exception_handler(Exception)
    async def on_error(request: Request, exc: Exception):
        log.exception("unhandled error", extra={"event": "internal_error"})
        return problem_response(500, "internal_error", "Something went wrong on our side; the photo was not stored.")

    def authorised(request: Request) -> None:
        if settings.api_token is None:
            return
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(token.encode(), settings.api_token.encode()):
            raise Problem(401, "unauthorized", "A valid bearer token is required.", {"WWW-Authenticate": "Bearer"})

    def profile_name(profile: str) -> str:
        try:
            load_profile(profile)
        except PhotoError as exc:
            raise Problem(422, "unknown_profile", exc.message) from None
        return profile

    async def upload(request: Request, limit: int, fields: tuple[str, ...]) -> dict[str, bytes]:
        """Admission before buffering: a request the engine could not take is refused before its
        body is read, and the bytes all uploads hold are capped together (`BodyBudget`)."""
        if pool.waiting >= pool.size + pool.max_waiting:
            raise Problem(503, "busy", "Too many photos in progress; retry shortly.", {"Retry-After": "2"})
        return await read_photos(request, limit, fields, budget)

    async def run(job: Job):
        try:
            status, payload = await pool.run(job)
        except Busy:
            raise Problem(503, "busy", "Too many photos in progress; retry shortly.", {"Retry-After": "2"}) from None
        except JobFailed as exc:
            if exc.worker_lost:
                metrics.worker_restarts.inc()
            raise Problem(422, exc.code, exc.message) from None
        if status == "photo_error":
            raise Problem(422, payload["code"], payload["message"])
        return payload

    def unreadable(report: dict) -> None:
        if report.get("error"):
            raise Problem(422, report["error"]["code"], report["error"]["message"])

    ProfileQuery = Query(
        DEFAULT_PROFILE,
        description=f"Rule profile: {', '.join(available_profiles())}",
        max_length=64,
        pattern=r"^[a-z0-9][a-z0-9-]*$",
        json_schema_extra={"enum": available_profiles()},
    )
    LangQuery = Query("pl", description="Language of the messages")
    ChildQuery = Query(
        False,
        description="The student is a child (e-legitymacja: under 11): the crop uses the profile's child geometry, "
        "whose eye line may sit lower (from 15 mm above the bottom edge); `crop.child` in the report says so",
    )

    @app.post(
        "/v1/check", response_model=Report, responses=ERRORS, openapi_extra=PHOTO_BODY, dependencies=[Depends(authorised)]
    )
    async def check_photo(
        request: Request,
        profile: str = ProfileQuery,
        lang: Literal["pl", "en"] = LangQuery,
        overlay: bool = Query(False, description="Also draw what the engine saw (as in /v1/overlay), base64 in `overlay_base64`"),
        child: bool = ChildQuery,
    ):
        """Check one photo: the JSON report (score, verdict, every rule with value, limit and hint)."""
        profile = profile_name(profile)
        photos = await upload(request, settings.max_upload_bytes, ("photo",))
        args = {"data": photos["photo"], "profile": profile, "lang": lang, "child": child}
        if overlay:  # one engine run gives both the report and the drawing
            result = await run(Job("overlay", args))
            report = result["report"]
            unreadable(report)
            report["overlay_base64"] = base64.b64encode(result["jpeg"]).decode("ascii")
        else:
            report = await run(Job("check", args))
            unreadable(report)
        metrics.observe_report(report)
        request.state.outcome = report["verdict"]
        return JSONResponse(report)

    @app.post(
        "/v1/fix",
        responses={200: {"content": {"image/jpeg": {}, "application/json": {}}}, **ERRORS},
        openapi_extra=PHOTO_BODY,
        dependencies=[Depends(authorised)],
    )
    async def fix_photo(
        request: Request,
        profile: str = ProfileQuery,
        lang: Literal["pl", "en"] = LangQuery,
        max_kb: int | None = Query(None, ge=1, le=51_200, description="Byte budget in KB"),
        width: int | None = Query(None, ge=100, le=4000, description="Output width in px (35:45)"),
        pad: bool = Query(False, description="Pad a too-tight frame with the measured background"),
        upscale: bool = Query(False, description="Allow enlarging a face with too few pixels"),
        child: bool = ChildQuery,
    ):
        """Fix one photo: the JPEG (score and verdict in headers), or with `Accept: application/json`
        the report of the fixed photo with the image base64-encoded."""
        profile = profile_name(profile)
        try:  # refused before the upload is read: an output below the profile's minimum is never written
            FixOptions(max_kb, width, pad, upscale).validate(load_profile(profile), lang)
        except FixOptionError as exc:
            raise Problem(422, exc.code, exc.message) from None
        photos = await upload(request, settings.max_upload_bytes, ("photo",))
        args = {"data": photos["photo"], "profile": profile, "max_kb": max_kb, "width": width, "pad": pad}
        result = await run(Job("fix", args | {"lang": lang, "upscale": upscale, "child": child}))
        report = result["report"]
        if result["jpeg"] is None:
            reasons = report["fix"]["reasons"]
            request.state.outcome = "not_fixable"
            detail = " ".join(r["message"] for r in reasons) or "The photo cannot be fixed."
            return problem_response(422, "not_fixable", detail, reasons=reasons)
        metrics.observe_report(report)
        request.state.outcome = report["verdict"]
        headers = {
            "X-Idphoto-Score": str(report["score"]),
            "X-Idphoto-Verdict": report["verdict"],
            "X-Idphoto-Quality": str(report["fix"]["quality"]),
        }
        if "application/json" in request.headers.get("accept", ""):
            body = report | {"image_base64": base64.b64encode(result["jpeg"]).decode("ascii")}
            return JSONResponse(body, headers=headers)
        return Response(result["jpeg"], media_type="image/jpeg", headers=headers)

    @app.post(
        "/v1/compare",
        response_model=Comparison,
        responses=ERRORS,
        openapi_extra=COMPARE_BODY,
        dependencies=[Depends(authorised)],
    )
    async def compare_photos(
        request: Request, profile: str = ProfileQuery, lang: Literal["pl", "en"] = LangQuery, child: bool = ChildQuery
    ):
        """Compare the current photo with a new one (a parent's change request): both reports,
        which one the engine prefers and why, rule by rule."""
        profile = profile_name(profile)
        photos = await upload(request, 2 * settings.max_upload_bytes, ("current", "new"))
        result = await run(Job("compare", {**photos, "profile": profile, "lang": lang, "child": child}))
        request.state.outcome = f"prefers_{result['preferred']}"
        return JSONResponse(result)

    @app.post(
        "/v1/overlay",
        responses={200: {"content": {"image/jpeg": {}}, "description": "The overlay JPEG"}, **ERRORS},
        openapi_extra=PHOTO_BODY,
        dependencies=[Depends(authorised)],
        response_class=Response,
    )
    async def overlay_photo(
        request: Request, profile: str = ProfileQuery, lang: Literal["pl", "en"] = LangQuery, child: bool = ChildQuery
    ):
        """What the engine saw: the photo (at most 800 px on the long side, upright, no metadata)
        with the face box, the eye centres and the proposed 35:45 crop drawn over it (green, or
        red and dashed when it leaves the frame; turned when auto-fix levels the eyes).
        Score and verdict in headers."""
        profile = profile_name(profile)
        photos = await upload(request, settings.max_upload_bytes, ("photo",))
        result = await run(Job("overlay", {"data": photos["photo"], "profile": profile, "lang": lang, "child": child}))
        report = result["report"]
        unreadable(report)
        request.state.outcome = report["verdict"]
        headers = {
            "X-Idphoto-Score": str(report["score"]),
            "X-Idphoto-Verdict": report["verdict"],
            "Cache-Control": "no-store",
        }
        return Response(result["jpeg"], media_type="image/jpeg", headers=headers)

    @app.get("/", include_in_schema=False)
    async def review_page():
        """The secretaries' review page (open, like /static: the API calls it makes need the token)."""
        return index_response()

    app.mount("/static", static_files(), name="static")

    @app.get("/healthz")
    async def healthz():
        """Liveness: the HTTP process answers."""
        return {"status": "ok"}

    @app.get("/readyz", responses={503: PROBLEM})
    async def readyz():
        """Readiness: the engine workers have loaded their models and are running. Idle workers
        that died are replaced first (`replaced` says how many), so the answer is the truth."""
        if not pool.ready:
            return problem_response(503, "not_ready", "The engine workers are starting.")
        replaced = await pool.heal()
        alive = pool.alive
        if alive < pool.size:  # busy workers are alive; fewer means one is being replaced after a crash
            return problem_response(503, "not_ready", f"{alive} of {pool.size} engine workers are running.")
        return {"status": "ready", "workers": pool.size, "alive": alive, "replaced": replaced}

    @app.get(
        "/metrics",
        response_class=Response,
        responses={200: {"content": {CONTENT_TYPE_LATEST: {"schema": {"type": "string"}}}, "description": "Prometheus text format"}},
    )
    async def prometheus_metrics():
        """Prometheus metrics."""
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    return app
