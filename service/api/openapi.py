"""The API contract beyond what FastAPI derives from the routes: request bodies read by hand
(body.py), the problem+json errors with the codes each operation can answer, the binary and
text responses, their headers, and examples made by the real code (judge, compare, the
problem texts), so a generated client and the docs say what the service does.
"""

from __future__ import annotations

import base64
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic.json_schema import models_json_schema

from ..compare import compare
from ..fixplan import FixOptionError, FixOptions
from ..judge import judge, main_problem, parent_message
from ..profile import Profile, available_profiles, load_profile
from ..report import FixInfo, ImageInfo, MainProblem, Report
from .body import MAX_BOUNDARY, READ_MEDIA_TYPES
from .models import CheckReport, FixedReport, Ready
from .problems import (
    DETAIL_FROM_ENGINE,
    MEDIA_TYPE,
    ProblemCode,
    ProblemDetails,
    problem_text,
)

REF = "#/components/schemas/{model}"
BINARY = {"type": "string", "format": "binary"}
JPEG = {"image/jpeg": {"schema": BINARY}}
RAW_BODY = {media_type: {"schema": BINARY} for media_type in (*READ_MEDIA_TYPES, "application/octet-stream")}


def _form(*fields: str) -> dict:
    return {
        "schema": {"type": "object", "properties": {f: BINARY for f in fields}, "required": list(fields)},
        "encoding": {f: {"contentType": ", ".join(READ_MEDIA_TYPES)} for f in fields},
    }


PHOTO_BODY = {
    "requestBody": {
        "required": True,
        "description": "The photo as the multipart field `photo`, or as the whole body (any of these types, "
        "`application/octet-stream` included: the file's magic bytes decide what it is)",
        "content": {"multipart/form-data": _form("photo"), **RAW_BODY},
    }
}
COMPARE_BODY = {
    "requestBody": {
        "required": True,
        "description": "The accepted photo as `current`, the one the parent sent as `new`",
        "content": {"multipart/form-data": _form("current", "new")},
    }
}
SCORE_HEADERS = {
    "X-Idphoto-Score": {"description": "The photo's score, 0-100", "schema": {"type": "integer", "minimum": 0, "maximum": 100}},
    "X-Idphoto-Verdict": {"description": "The photo's verdict", "schema": {"type": "string", "enum": ["accept", "review", "reject"]}},
}
FIX_OK = {
    "description": "The fixed photo: the JPEG, or with `Accept: application/json` its report and the JPEG in base64",
    "headers": SCORE_HEADERS
    | {"X-Idphoto-Quality": {"description": "The JPEG quality written", "schema": {"type": "integer", "minimum": 1, "maximum": 100}}},
    "content": {**JPEG, "application/json": {"schema": {"$ref": REF.format(model="FixedReport")}}},
}
METRICS_OK = {
    "description": "Prometheus text exposition format",
    "content": {"text/plain": {"schema": {"type": "string"}, "example": "# TYPE idphoto_requests_total counter\n"}},
}

# The codes each operation can answer, by status: the contract a client can switch on.
C = ProblemCode
_UNREADABLE = (C.EMPTY, C.NOT_AN_IMAGE, C.UNSUPPORTED_FORMAT, C.TRUNCATED, C.TOO_MANY_PIXELS, C.BAD_DIMENSIONS, C.TOO_MANY_SCANS)
_ENGINE = (C.PROCESSING_FAILED, C.PROCESSING_TIMEOUT)
_REQUEST = (C.INVALID_REQUEST, C.UNKNOWN_PROFILE, C.MISSING_PHOTO)
_UPLOAD = {
    400: (C.BAD_MULTIPART,),
    401: (C.UNAUTHORIZED,),
    413: (C.TOO_LARGE,),
    415: (C.UNSUPPORTED_MEDIA_TYPE,),
    422: _REQUEST + _UNREADABLE + _ENGINE,
    503: (C.BUSY,),
}
CODES: dict[str, dict[int, tuple[ProblemCode, ...]]] = {
    "check": _UPLOAD,
    "overlay": _UPLOAD,
    "fix": _UPLOAD | {422: _REQUEST + (C.OUTPUT_TOO_SMALL, C.NOT_FIXABLE) + _UNREADABLE + _ENGINE},
    "compare": _UPLOAD | {422: _REQUEST + _ENGINE},  # an unreadable photo is in its report, not a problem
    "profiles": {401: (C.UNAUTHORIZED,)},
    "readyz": {503: (C.NOT_READY,)},
}


def problems(operation: str) -> dict[int, dict]:
    """The error responses of `operation`, each a problem document whose `code` is one of its codes."""
    out = {}
    for status, codes in CODES[operation].items():
        schema = {"allOf": [{"$ref": REF.format(model="ProblemDetails")}, {"properties": {"code": {"enum": list(codes)}}}]}
        listed = ", ".join(f"`{c}`" for c in codes)
        out[status] = {"description": f"Problem details (RFC 9457); `code`: {listed}", "content": {MEDIA_TYPE: {"schema": schema}}}
    return out


DESCRIPTION = """\
**Uploads.** One photo as the multipart field `photo`, or as the whole body with any image
type or `application/octet-stream`: the file's magic bytes decide what it is, never its name
or Content-Type. `/v1/compare` takes the multipart fields `current` and `new`. Bodies are
read in memory and nothing is stored. `GET /v1/profiles` gives the limits an upload form
should show.

**Errors** are problem details (RFC 9457, `application/problem+json`) with a stable `code`;
each operation lists the codes it can answer. `detail` is for people, in the request's
language: the `lang` query parameter, else Accept-Language (pl or en), else Polish.
503 `busy` carries `Retry-After`.

**Auth.** When the server sets `IDPHOTO_API_TOKEN`, every `/v1/*` call needs
`Authorization: Bearer <token>`; the probes and `/metrics` stay open.
"""


def build_openapi(app: FastAPI) -> dict[str, Any]:
    """The document served at /openapi.json (built once per app)."""
    if app.openapi_schema:
        return app.openapi_schema
    spec = get_openapi(
        title=app.title, version=app.version, summary=app.summary, description=DESCRIPTION, routes=app.routes
    )
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    _, extra = models_json_schema([(ProblemDetails, "serialization"), (FixedReport, "serialization")], ref_template=REF)
    for name, schema in extra["$defs"].items():
        schemas.setdefault(name, schema)
    _add_examples(spec, app)
    app.openapi_schema = spec
    return spec


def _add_examples(spec: dict, app: FastAPI) -> None:
    from .profiles import profile_list  # here: the profiles router imports this module

    profile = load_profile()
    paths = spec["paths"]
    bad, good = report_example(profile, good=False), report_example(profile, good=True)
    _example(paths["/v1/check"]["post"], "200", "application/json", CheckReport.model_validate(bad))
    fixed = FixedReport.model_validate(good | {"image_base64": base64.b64encode(b"\xff\xd8\xff\xe0...").decode()})
    _example(paths["/v1/fix"]["post"], "200", "application/json", fixed)
    _example(paths["/v1/compare"]["post"], "200", "application/json", compare(Report(**good), Report(**bad), "en"))
    _example(paths["/v1/profiles"]["get"], "200", "application/json", profile_list(app.state.settings.max_upload_bytes))
    _example(paths["/readyz"]["get"], "200", "application/json", Ready(workers=2, alive=2, replaced=0))
    parameters = {"profile": profile.name, "lang": "en", "max_kb": profile.output.max_bytes // 1024, "width": profile.output.width}
    for operation in (op for methods in paths.values() for op in methods.values()):
        for parameter in operation.get("parameters", []):
            if parameter["name"] in parameters:
                parameter["example"] = parameters[parameter["name"]]
        for status, response in operation.get("responses", {}).items():
            content = response.get("content", {}).get(MEDIA_TYPE)
            if content is None:
                continue
            codes = content["schema"]["allOf"][1]["properties"]["code"]["enum"]
            content["examples"] = {c: {"summary": c, "value": problem_example(app, profile, int(status), c)} for c in codes}


def _example(operation: dict, status: str, media_type: str, model) -> None:
    operation["responses"][status]["content"][media_type]["example"] = model.model_dump(mode="json", exclude_none=True)


def problem_example(app: FastAPI, profile: Profile, status: int, code: str, lang: str = "en") -> dict:
    """The problem document the service answers for `code`, with the numbers the real one would carry."""
    engine = app.state.engine
    values = engine.photo_problem(code, profile).values | {
        "fields": "photo",
        "accepted": ", ".join(("multipart/form-data", *READ_MEDIA_TYPES, "application/octet-stream")),
        "received": "text/plain",
        "max_boundary": MAX_BOUNDARY,
        "alive": 0,
        "size": engine.pool.size,
        "profile": "nope",
        "available": ", ".join(available_profiles()),
        "reasons": "",
    }
    members: dict[str, Any] = {}
    if code in DETAIL_FROM_ENGINE:
        try:
            FixOptions(width=profile.output.width - 1).validate(profile, lang)
        except FixOptionError as exc:
            detail = exc.message
    else:
        detail = problem_text(code, lang, **values)
    if code == ProblemCode.NOT_FIXABLE:  # the bad example's main problem is one no crop repairs
        main = report_example(profile, good=False, lang=lang)["main_problem"]
        members["reasons"] = [{"id": main["id"], "message": main["message"]}]
        detail = problem_text(code, lang, reasons=main["message"])
    if code == ProblemCode.INVALID_REQUEST:
        members["invalid_params"] = [{"name": "max_kb", "reason": "Input should be greater than or equal to 1"}]
        detail = problem_text(code, lang, fields="max_kb")
    return ProblemDetails(
        type=f"urn:idphoto:problem:{code}", title=HTTPStatus(status).phrase, status=status, detail=detail, code=code, **members
    ).model_dump(mode="json", exclude_none=True)


def report_example(profile: Profile, good: bool, lang: str = "en") -> dict:
    """A report as the engine writes it, judged by the real judge on measurements inside the
    profile's pass limits (each at its middle, its minimum or half its maximum; for the bad one
    the eyes closed)."""
    values: dict[str, float | None] = {}
    for rule in profile.rules:
        for lim in rule.limits:
            low, high = lim.pass_min, lim.pass_max
            values[lim.measure] = (low + high) / 2 if None not in (low, high) else low if low is not None else high / 2
    if not good:
        values["eye_openness"] = 0.0
    checks, skipped, score, verdict = judge(values, profile, lang)
    first = main_problem(checks, profile)
    out = profile.output
    report = Report(
        profile=profile.name,
        lang=lang,
        score=score,
        verdict=verdict,
        checks=checks,
        skipped=skipped,
        faces=1,
        image=ImageInfo(format="JPEG", width=out.width, height=out.height, bytes=int(values["file_bytes"]), dpi=out.dpi),
        main_problem=MainProblem(id=first.id, status=first.status, title=first.title, message=first.message) if first else None,
        parent_message=parent_message(checks, verdict, profile, lang),
        fix=FixInfo(written=True, width=out.width, height=out.height, bytes=int(values["file_bytes"]), quality=out.max_quality)
        if good
        else None,
    )
    return report.model_dump(mode="json")

