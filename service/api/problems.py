"""One error shape for every failure: RFC 9457 problem details (application/problem+json).

Every `code` the service can answer is a `ProblemCode`; its `detail` is written in the
request's language from `rules/messages.toml` `[problems]` when the response is made, so a
route raises `Problem(status, code, **values)` and never writes words itself.
"""

from __future__ import annotations

from enum import StrEnum
from http import HTTPStatus
from typing import Any

from pydantic import BaseModel, Field
from starlette.responses import JSONResponse

from ..errors import ErrorCode, error_text
from ..report import Reason

MEDIA_TYPE = "application/problem+json"


class ProblemCode(StrEnum):
    """Every code a problem document may carry: the engine's (`ErrorCode`) and the service's own."""

    # the photo cannot be read (service/errors.py ErrorCode, raised by decode and the profile loader)
    EMPTY = ErrorCode.EMPTY.value
    NOT_AN_IMAGE = ErrorCode.NOT_AN_IMAGE.value
    UNSUPPORTED_FORMAT = ErrorCode.UNSUPPORTED_FORMAT.value
    TRUNCATED = ErrorCode.TRUNCATED.value
    TOO_MANY_PIXELS = ErrorCode.TOO_MANY_PIXELS.value
    BAD_DIMENSIONS = ErrorCode.BAD_DIMENSIONS.value
    TOO_MANY_SCANS = ErrorCode.TOO_MANY_SCANS.value
    TOO_LARGE = ErrorCode.TOO_LARGE.value
    UNKNOWN_PROFILE = ErrorCode.UNKNOWN_PROFILE.value
    # the engine could not finish (service/workers.py JobFailed)
    PROCESSING_FAILED = "processing_failed"
    PROCESSING_TIMEOUT = "processing_timeout"
    # auto-fix refused (service/fixplan.py)
    OUTPUT_TOO_SMALL = "output_too_small"
    NOT_FIXABLE = "not_fixable"
    # the request itself
    INVALID_REQUEST = "invalid_request"
    MISSING_PHOTO = "missing_photo"
    BAD_MULTIPART = "bad_multipart"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    UNAUTHORIZED = "unauthorized"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    HTTP_ERROR = "http_error"
    # the service
    BUSY = "busy"
    NOT_READY = "not_ready"
    INTERNAL_ERROR = "internal_error"


# Codes whose detail is written elsewhere in messages.toml, already in the request's language:
# output_too_small by FixOptions.validate ([words].fix_width_below, with the numbers).
DETAIL_FROM_ENGINE = {ProblemCode.OUTPUT_TOO_SMALL}


class InvalidParam(BaseModel):
    name: str = Field(description="The parameter, e.g. `max_kb` (a query parameter) or `body`")
    reason: str = Field(description="What is wrong, in the validator's words (English)")


class ProblemDetails(BaseModel):
    """RFC 9457 problem details. `code` is stable (the contract); `detail` is for people."""

    type: str = Field(description="`urn:idphoto:problem:<code>`", examples=["urn:idphoto:problem:truncated"])
    title: str = Field(description="The HTTP status phrase", examples=["Unprocessable Entity"])
    status: int = Field(ge=400, le=599, examples=[422])
    detail: str = Field(
        description="What went wrong and what to do, in the request's language (`lang`, else Accept-Language, else Polish)",
        examples=["Plik jest uszkodzony lub niekompletny (np. przerwane przesyłanie). Prosimy przesłać zdjęcie ponownie."],
    )
    code: ProblemCode
    reasons: list[Reason] | None = Field(
        None, description="`not_fixable` only: why auto-fix wrote nothing, rule by rule, in the request's language"
    )
    invalid_params: list[InvalidParam] | None = Field(None, description="`invalid_request` only: which parameters")


class Problem(Exception):
    """Raised anywhere in a request; the app's handler answers it in the request's language.

    `values` fill the placeholders of the code's `[problems]` text; `detail` replaces the text
    for codes in DETAIL_FROM_ENGINE; `members` are RFC 9457 extension members (`reasons`)."""

    def __init__(
        self,
        status: int,
        code: ProblemCode | str,
        headers: dict[str, str] | None = None,
        *,
        detail: str | None = None,
        members: dict[str, Any] | None = None,
        **values: Any,
    ):
        self.status, self.code = status, ProblemCode(code)
        self.headers, self.detail, self.members, self.values = headers or {}, detail, members or {}, values
        super().__init__(self.code.value)

    def response(self, lang: str) -> JSONResponse:
        detail = self.detail if self.detail is not None else problem_text(self.code, lang, **self.values)
        return problem_response(self.status, self.code, detail, self.headers, **self.members)


def problem_text(code: ProblemCode | str, lang: str, **values: Any) -> str:
    """The detail for `code` in `lang` (service/errors.py `error_text`: the one place for the words)."""
    return error_text(ProblemCode(code).value, lang, **values)


def problem_response(
    status: int, code: ProblemCode | str, detail: str, headers: dict[str, str] | None = None, **members: Any
) -> JSONResponse:
    code = ProblemCode(code)
    body = {
        "type": f"urn:idphoto:problem:{code.value}",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code.value,
        **members,
    }
    return JSONResponse(body, status_code=status, headers=headers, media_type=MEDIA_TYPE)
