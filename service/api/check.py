"""POST /v1/check: one photo -> its report (and, on request, the drawing of what the engine saw)."""

from __future__ import annotations

import base64

from fastapi import APIRouter, Query, Request
from starlette.responses import JSONResponse

from ..workers import Job
from .deps import Authorised, ChildQuery, EngineDep, ProfileDep
from .lang import LangDep
from .models import CheckReport
from .openapi import PHOTO_BODY, problems

router = APIRouter(tags=["photos"], dependencies=Authorised)


@router.post(
    "/v1/check",
    response_model=CheckReport,
    response_description="The report (with `overlay_base64` when asked)",
    responses=problems("check"),
    openapi_extra=PHOTO_BODY,
)
async def check_photo(
    request: Request,
    profile: ProfileDep,
    lang: LangDep,
    engine: EngineDep,
    overlay: bool = Query(False, description="Also draw what the engine saw (as in /v1/overlay), base64 in `overlay_base64`"),
    child: ChildQuery = False,
):
    """Check one photo: the JSON report (score, verdict, every rule with value, limit and hint)."""
    photos = await engine.upload(request)
    args = {"data": photos["photo"], "profile": profile.name, "lang": lang, "child": child}
    if overlay:  # one engine run gives both the report and the drawing
        result = await engine.run(Job("overlay", args), profile)
        report = engine.readable(result["report"], profile)
        report["overlay_base64"] = base64.b64encode(result["jpeg"]).decode("ascii")
    else:
        report = engine.readable(await engine.run(Job("check", args), profile), profile)
    engine.metrics.observe_report(report)
    request.state.outcome = report["verdict"]
    return JSONResponse(report)
