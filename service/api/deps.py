"""What the routes share, as FastAPI dependencies: the bearer token, the rule profile, the child
flag and the engine, all read from `app.state` (set once by `app.create_app`)."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from ..errors import PhotoError
from ..profile import DEFAULT_PROFILE, Profile, available_profiles, load_profile
from .engine import Engine
from .problems import Problem

bearer = HTTPBearer(
    auto_error=False,
    scheme_name="bearer",
    description="`Authorization: Bearer <token>`, required on /v1/* when the server sets IDPHOTO_API_TOKEN",
)


def authorised(request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> None:
    token = request.app.state.settings.api_token
    if token is None:
        return
    given = credentials.credentials if credentials is not None else ""
    if not hmac.compare_digest(given.encode(), token.encode()):
        raise Problem(401, "unauthorized", {"WWW-Authenticate": "Bearer"})


def rule_profile(
    profile: Annotated[
        str,
        Query(
            description="Rule profile (see GET /v1/profiles)",
            max_length=64,
            pattern=r"^[a-z0-9][a-z0-9-]*$",
            json_schema_extra={"enum": available_profiles()},
        ),
    ] = DEFAULT_PROFILE,
) -> Profile:
    """The profile by name: a name of the right shape with no profile behind it is `unknown_profile`."""
    try:
        return load_profile(profile)
    except PhotoError:
        raise Problem(422, "unknown_profile", profile=profile, available=", ".join(available_profiles())) from None


def engine(request: Request) -> Engine:
    return request.app.state.engine


Authorised = [Depends(authorised)]
ProfileDep = Annotated[Profile, Depends(rule_profile)]
EngineDep = Annotated[Engine, Depends(engine)]
ChildQuery = Annotated[
    bool,
    Query(
        description=f"The student is a child (e-legitymacja: up to {load_profile().child_max_age} years old): the crop "
        "uses the profile's child geometry, whose eye line may sit lower; `crop.child` in the report says so",
    ),
]
