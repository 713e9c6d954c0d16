"""The report: one typed model (with a JSON Schema) that the CLI, HTTP service, batch and review page share."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel as _PydanticModel
from pydantic import ConfigDict, Field


class BaseModel(_PydanticModel):
    """Every report model refuses NaN and infinities: any serialiser can write what it holds."""

    model_config = ConfigDict(allow_inf_nan=False)

Status = Literal["pass", "info", "warn", "fail"]  # info: an advisory rule not met (never a problem)
Verdict = Literal["accept", "review", "reject"]

# The one order of statuses and verdicts, best first: everything that sorts or compares them reads these.
STATUS_RANK: dict[str, int] = {"pass": 0, "info": 1, "warn": 2, "fail": 3}
VERDICT_RANK: dict[str, int] = {"accept": 0, "review": 1, "reject": 2}


class Threshold(BaseModel):
    """The pass limits of the measurement that decided the check."""

    min: float | None = None
    max: float | None = None


class Check(BaseModel):
    id: str = Field(description="Stable rule id, e.g. face.pose")
    status: Status
    value: float | None = Field(description="Measured value of the deciding measurement (unit: see `measure`)")
    threshold: Threshold | None
    measure: str | None = Field(description="Which measurement decided the status")
    measure_label: str | None = Field(None, description="That measurement in words, in the report's language")
    value_text: str | None = Field(None, description="The value as printed for people (unit, percent, MB)")
    limit_text: str | None = Field(None, description="The pass limit(s) as printed for people, e.g. '≤ 5 MB'")
    title: str
    message: str


class Box(BaseModel):
    x0: float
    y0: float
    x1: float
    y1: float


class Pose(BaseModel):
    yaw: float
    pitch: float
    roll: float


class FaceInfo(BaseModel):
    box: Box = Field(description="Tight box of the face mesh, source pixels")
    pose: Pose = Field(description="Degrees: yaw + = turned to the subject's left, pitch + = chin up, roll + = clockwise")
    right_eye: tuple[float, float]
    left_eye: tuple[float, float]
    eye_distance_px: float
    eye_openness: tuple[float, float]
    mouth_gap: float
    chin_y: float
    crown_y: float


class CropInfo(BaseModel):
    box: Box = Field(description="Proposed 35:45 ID crop in source pixels (may extend past the frame)")
    angle: float = Field(description="Tilt of the eye line (degrees, clockwise); what auto-fix applies is `fix_plan.rotate_deg`")
    head_ratio: float = Field(description="Chin-to-crown height / crop height")
    eye_line: float = Field(description="Eye line above the bottom edge / crop height")
    fits_frame: bool
    child: bool = Field(
        False,
        description="Planned with the profile's child geometry (the caller said the student is a child, e.g. "
        "under 11: eye line from 15 mm above the bottom edge instead of 20 mm)",
    )


class ImageInfo(BaseModel):
    format: str
    width: int
    height: int
    bytes: int
    dpi: float | None


class ErrorInfo(BaseModel):
    code: str
    message: str


class Reason(BaseModel):
    """Why auto-fix wrote nothing: the rule that blocks it and what to do."""

    id: str
    message: str
    detail: str | None = None


class MainProblem(BaseModel):
    """The one-line reason for the suggestion, in the report's language."""

    id: str
    status: Status
    title: str
    message: str


class FixPlanInfo(BaseModel):
    """What auto-fix will do with this photo (default options: no padding, no upscaling), decided
    once (service/fixplan.py): the overlay draws `corners`, and `fix` cuts them first."""

    fixable: bool = Field(description="False when a reason already blocks the fix (the fix may still refuse a photo whose every crop would break a rule)")
    reasons: list[Reason] = Field([], description="Why it cannot be fixed: the judged checks auto-fix cannot repair")
    corners: list[tuple[float, float]] = Field(
        [], description="The first crop auto-fix cuts, as cut (turned when it levels the eyes): source pixels, clockwise from top left"
    )
    rotate_deg: float = Field(0.0, description="Rotation auto-fix applies to level the eyes (0: not levelled)")
    fits_frame: bool = Field(True, description="The crop lies inside the photo (else it needs --pad)")
    crops_to_try: int = Field(0, description="Crops auto-fix may try, in order, until one keeps every rule the photo passed")


class FixInfo(BaseModel):
    written: bool
    reasons: list[Reason] = []
    width: int | None = None
    height: int | None = None
    bytes: int | None = None
    target_bytes: int | None = None
    quality: int | None = Field(None, description="JPEG quality chosen: the highest that fits target_bytes")
    encodes: int | None = Field(None, description="Encodes the size search needed")
    rotated_deg: float | None = Field(None, description="Rotation applied to level the eyes")
    turned_deg: int = Field(
        0, description="Quarter turn applied first (clockwise: 0, 90, 180, 270) to stand a photo saved sideways upright"
    )
    attempts: int | None = Field(
        None, description="Crops of the plan encoded and checked; the last one written is the file (each earlier one broke a rule)"
    )
    padded: bool = False
    upscaled: float | None = Field(None, description="Upscaling factor, only when the caller allowed it")
    source_crop: Box | None = None
    decode_scale: float | None = None
    ms: float | None = None
    timings_ms: dict[str, float] = Field(
        {}, description="Fix stages: source (the analysis of the photo given), decode (only when finer pixels were needed), render, encode, verify (the check of the written JPEG)"
    )


class Report(BaseModel):
    file: str | None = None
    profile: str
    lang: Literal["pl", "en"] = "pl"
    score: int | None = Field(None, description="0-100; see README 'The score'. None when the photo is unreadable")
    verdict: Verdict | None = None
    checks: list[Check] = []
    skipped: list[str] = Field([], description="Rules that could not be measured (e.g. no face)")
    skipped_titles: list[str] = Field([], description="The same rules by their titles, in the report's language (for people)")
    faces: int | None = None
    face: FaceInfo | None = None
    crop: CropInfo | None = None
    image: ImageInfo | None = None
    error: ErrorInfo | None = None
    main_problem: MainProblem | None = Field(
        None, description="The problem to name first: the failing rule that weighs most (else the weightiest warning); none when accepted"
    )
    parent_message: str | None = Field(
        None, description="A formal message to the parent saying what to redo (the hints, the main problem first); none when accepted"
    )
    fix_plan: FixPlanInfo | None = Field(None, description="What auto-fix would do (set when a face was found)")
    fix: FixInfo | None = Field(None, description="Set by auto-fix: what was written, or why nothing was")
    timings_ms: dict[str, float] = {}

    def check(self, rule_id: str) -> Check | None:
        return next((c for c in self.checks if c.id == rule_id), None)

    @property
    def failed(self) -> list[str]:
        return [c.id for c in self.checks if c.status == "fail"]
