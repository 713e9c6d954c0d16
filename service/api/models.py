"""The typed bodies of the HTTP API that are not the engine's own (`Report`, `Comparison`):
what check and fix add to the report, the profile list, the probes."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from ..report import Report


class CheckReport(Report):
    overlay_base64: str | None = Field(
        None,
        description="Only with `overlay=true`: the JPEG of /v1/overlay (what the engine saw drawn over the photo), "
        "base64, from the same engine run as the report",
        json_schema_extra={"contentEncoding": "base64", "contentMediaType": "image/jpeg"},
    )


class FixedReport(Report):
    """/v1/fix with `Accept: application/json`: the report of the written photo, and the photo."""

    image_base64: str = Field(
        description="The fixed JPEG, base64",
        json_schema_extra={"contentEncoding": "base64", "contentMediaType": "image/jpeg"},
    )


class Texts(BaseModel):
    pl: str
    en: str


class OutputInfo(BaseModel):
    """What auto-fix writes for this profile."""

    media_type: Literal["image/jpeg"] = "image/jpeg"
    width_px: int
    height_px: int
    dpi: int
    max_bytes: int = Field(description="Auto-fix keeps the file at most this large")


class ProfileInfo(BaseModel):
    """What an upload form needs to know about one profile, read from its rules."""

    id: str = Field(description="The value of the `profile` query parameter")
    title: Texts
    default: bool = Field(description="Used when a request names no profile")
    max_bytes: int = Field(description="The school's file limit: a larger photo fails `file.size` (auto-fix compresses it)")
    min_width_px: int = Field(description="Narrower photos cannot pass `image.resolution`")
    min_height_px: int = Field(description="Lower photos cannot pass `image.resolution`")
    output: OutputInfo


class ProfileList(BaseModel):
    accepted_media_types: list[str] = Field(
        description="Formats the service reads (the file's magic bytes decide, never its name or Content-Type); "
        "only JPEG passes `file.format`, auto-fix writes JPEG"
    )
    max_upload_bytes: int = Field(description="The largest photo the server reads; larger uploads get 413 `too_large`")
    profiles: list[ProfileInfo]


class Health(BaseModel):
    status: Literal["ok"] = "ok"


class Ready(BaseModel):
    status: Literal["ready"] = "ready"
    workers: int = Field(description="Engine worker processes configured")
    alive: int = Field(description="Engine worker processes running")
    replaced: int = Field(description="Idle workers found dead and replaced by this probe")
