"""POST /v1/fix: one photo -> the fixed JPEG (or the report with it), or why it cannot be fixed."""

from __future__ import annotations

import base64

from fastapi import APIRouter, Query, Request
from starlette.responses import JSONResponse, Response

from ..fixplan import FixOptionError, FixOptions
from ..workers import Job
from .deps import Authorised, ChildQuery, EngineDep, ProfileDep
from .lang import LangDep
from .openapi import FIX_OK, PHOTO_BODY, problems
from .problems import Problem

router = APIRouter(tags=["photos"], dependencies=Authorised)


@router.post("/v1/fix", response_class=Response, responses={200: FIX_OK, **problems("fix")}, openapi_extra=PHOTO_BODY)
async def fix_photo(
    request: Request,
    profile: ProfileDep,
    lang: LangDep,
    engine: EngineDep,
    max_kb: int | None = Query(None, ge=1, le=51_200, description="Byte budget in KB (never above the profile's)"),
    width: int | None = Query(None, ge=100, le=4000, description="Output width in px (35:45; at least the profile's)"),
    pad: bool = Query(False, description="Pad a too-tight frame with the measured background"),
    upscale: bool = Query(False, description="Allow enlarging a face with too few pixels"),
    child: ChildQuery = False,
):
    """Fix one photo: the JPEG (score, verdict and JPEG quality in headers), or with
    `Accept: application/json` the report of the fixed photo with the image base64-encoded.
    422 `not_fixable` (with `reasons`) when every allowed crop would break a rule the photo keeps."""
    try:  # refused before the upload is read: an output below the profile's minimum is never written
        FixOptions(max_kb, width, pad, upscale).validate(profile, lang)
    except FixOptionError as exc:
        raise Problem(422, exc.code, detail=exc.message) from None
    photos = await engine.upload(request)
    args = {"data": photos["photo"], "profile": profile.name, "max_kb": max_kb, "width": width, "pad": pad}
    result = await engine.run(Job("fix", args | {"lang": lang, "upscale": upscale, "child": child}), profile)
    report = engine.readable(result["report"], profile)
    if result["jpeg"] is None:
        request.state.outcome = "not_fixable"
        reasons = report["fix"]["reasons"]
        raise Problem(422, "not_fixable", members={"reasons": reasons}, reasons=" ".join(r["message"] for r in reasons))
    engine.metrics.observe_report(report)
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
