"""POST /v1/compare: the current and the new photo of a change request -> the decision."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import JSONResponse

from ..compare import Comparison
from ..workers import Job
from .deps import Authorised, ChildQuery, EngineDep, ProfileDep
from .lang import LangDep
from .openapi import COMPARE_BODY, problems

router = APIRouter(tags=["photos"], dependencies=Authorised)


@router.post(
    "/v1/compare",
    response_model=Comparison,
    response_description="The decision for the change request, the preference and both reports",
    responses=problems("compare"),
    openapi_extra=COMPARE_BODY,
)
async def compare_photos(request: Request, profile: ProfileDep, lang: LangDep, engine: EngineDep, child: ChildQuery = False):
    """Compare the current photo with a new one (a parent's change request): the decision with
    its reason, both reports, which one the engine prefers and why, rule by rule. An unreadable
    photo is part of the answer (its report's `error`), not a problem."""
    photos = await engine.upload(request, ("current", "new"))
    result = await engine.run(Job("compare", {**photos, "profile": profile.name, "lang": lang, "child": child}), profile)
    request.state.outcome = f"prefers_{result['preferred']}"
    return JSONResponse(result)
