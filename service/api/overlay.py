"""POST /v1/overlay: one photo -> a JPEG of what the engine saw (face box, eyes, the crop)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from ..workers import Job
from .deps import Authorised, ChildQuery, EngineDep, ProfileDep
from .lang import LangDep
from .openapi import JPEG, PHOTO_BODY, SCORE_HEADERS, problems

router = APIRouter(tags=["photos"], dependencies=Authorised)


@router.post(
    "/v1/overlay",
    response_class=Response,
    responses={
        200: {"content": JPEG, "description": "The overlay JPEG", "headers": SCORE_HEADERS},
        **problems("overlay"),
    },
    openapi_extra=PHOTO_BODY,
)
async def overlay_photo(request: Request, profile: ProfileDep, lang: LangDep, engine: EngineDep, child: ChildQuery = False):
    """What the engine saw: the photo (at most 800 px on the long side, upright, no metadata)
    with the face box, the eye centres and the proposed 35:45 crop drawn over it (green, or
    red and dashed when it leaves the frame; turned when auto-fix levels the eyes).
    Score and verdict in headers."""
    photos = await engine.upload(request)
    args = {"data": photos["photo"], "profile": profile.name, "lang": lang, "child": child}
    result = await engine.run(Job("overlay", args), profile)
    report = engine.readable(result["report"], profile)
    request.state.outcome = report["verdict"]
    headers = {"X-Idphoto-Score": str(report["score"]), "X-Idphoto-Verdict": report["verdict"], "Cache-Control": "no-store"}
    return Response(result["jpeg"], media_type="image/jpeg", headers=headers)
