"""One error shape for every failure: RFC 9457 problem details (application/problem+json)."""

from __future__ import annotations

from http import HTTPStatus

from starlette.responses import JSONResponse

class Problem(Exception):
    def __init__(self, status: int, code: str, detail: str, headers: dict[str, str] | None = None):
        super().__init__(detail)
        self.status, self.code, self.detail, self.headers = status, code, detail, headers or {}

    def response(self) -> JSONResponse:
        return problem_response(self.status, self.code, self.detail, self.headers)


def problem_response(
    status: int, code: str, detail: str, headers: dict[str, str] | None = None, **members
) -> JSONResponse:
    """`members` are RFC 9457 extension members (e.g. the reasons a photo cannot be fixed)."""
    body = {
        "type": f"urn:idphoto:problem:{code}",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "code": code,
        **members,
    }
    return JSONResponse(body, status_code=status, headers=headers, media_type="application/problem+json")
