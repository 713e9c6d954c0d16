"""GET /v1/profiles: the rule profiles and the limits an upload form needs, read from the
profiles themselves (service/profile.py) and the server's upload cap; no number is written here."""

from __future__ import annotations

from fastapi import APIRouter, Request

from ..profile import DEFAULT_PROFILE, Profile, available_profiles, load_profile
from ..words import LANGS, say
from .body import READ_MEDIA_TYPES
from .deps import Authorised
from .models import OutputInfo, ProfileInfo, ProfileList, Texts
from .openapi import problems

router = APIRouter(tags=["profiles"], dependencies=Authorised)


def profile_info(profile: Profile) -> ProfileInfo:
    out = profile.output
    return ProfileInfo(
        id=profile.name,
        title=Texts(**{lang: say("profiles", profile.name, lang) for lang in LANGS}),
        default=profile.name == DEFAULT_PROFILE,
        max_bytes=out.max_bytes,
        min_width_px=out.width,
        min_height_px=out.height,
        output=OutputInfo(width_px=out.width, height_px=out.height, dpi=out.dpi, max_bytes=out.max_bytes),
    )


def profile_list(max_upload_bytes: int) -> ProfileList:
    return ProfileList(
        accepted_media_types=list(READ_MEDIA_TYPES),
        max_upload_bytes=max_upload_bytes,
        profiles=[profile_info(load_profile(name)) for name in available_profiles()],
    )


@router.get(
    "/v1/profiles",
    response_model=ProfileList,
    response_description="The profiles and the server's upload limit",
    responses=problems("profiles"),
)
async def list_profiles(request: Request) -> ProfileList:
    """The rule profiles (the `profile` parameter's values) with their titles in Polish and
    English and what an upload form should tell the parent: the school's file limit, the
    smallest photo that can pass, the formats read, and what auto-fix writes."""
    return profile_list(request.app.state.settings.max_upload_bytes)
