"""The service's settings, from `IDPHOTO_*` environment variables (pydantic-settings).

Every value is typed and bounded, so a wrong one (`IDPHOTO_WORKERS=two`, a negative timeout)
stops the server at startup with the variable's name, instead of surfacing on the first photo.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from ..profile import load_profile

HEADROOM = 1_048_576  # multipart framing and a little slack above the profile's file limit
ENV_PREFIX = "IDPHOTO_"


class SettingsError(ValueError):
    """An environment variable with a value the service cannot run with."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, extra="ignore")

    workers: int = Field(1, ge=1, description="Engine worker processes")
    max_waiting: int = Field(16, ge=0, description="Photos that may wait beyond those running (beyond: 503)")
    job_timeout: float = Field(30, gt=0, description="Seconds one photo may take before its worker is replaced")
    api_token: str | None = Field(None, description="Bearer token required on /v1/* (unset or empty: no auth)")
    cors_origins: Annotated[list[str], NoDecode] = Field([], description="Comma-separated origins allowed by CORS")
    max_upload_bytes: int = Field(0, ge=0, description="One upload's cap (0: the default profile's file limit + 1 MB)")
    # connections the server holds at once (beyond: 503 at once) and how long an idle keep-alive one
    # may stay open; header and body timeouts for slow clients belong to the reverse proxy in front
    max_connections: int = Field(256, ge=1)
    keep_alive_seconds: int = Field(5, ge=0)
    # the bytes all uploads together may hold in memory (0: enough for every admitted job's photo)
    max_buffered_bytes: int = Field(0, ge=0)

    def __init__(self, **values):
        try:
            super().__init__(**values)
        except ValidationError as exc:
            lines = [
                f"  {ENV_PREFIX}{'_'.join(str(p) for p in e['loc']).upper()}={e.get('input')!r}: {e['msg']}"
                for e in exc.errors()
            ]
            raise SettingsError("invalid service settings:\n" + "\n".join(lines)) from None
        if not self.max_upload_bytes:
            self.max_upload_bytes = load_profile().output.max_bytes + HEADROOM

    @field_validator("api_token", mode="before")
    @classmethod
    def _empty_token_is_none(cls, value):
        return value or None  # IDPHOTO_API_TOKEN="" turns auth off, as unset does

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _comma_separated(cls, value):
        if isinstance(value, str):
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    @property
    def body_budget(self) -> int:
        return self.max_buffered_bytes or (self.workers + self.max_waiting) * self.max_upload_bytes
