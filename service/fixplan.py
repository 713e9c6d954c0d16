"""The fix plan: what auto-fix will do to a photo, decided once, before any pixel is cut.

`plan_fix` (an analysis, its judged checks and the caller's options -> `FixPlan`) decides
whether the photo can be fixed at all and why not (the blocking reasons are the judged checks
auto-fix cannot repair, and the geometry the frame does not allow), which crops to try in
order, the levelling each one really applies, and whether background padding is used.
`service/fix.py` carries the plan out (and keeps a crop only when `judge.broken_by_fix` finds
nothing it broke); `pipeline.report_for` puts the default plan in every report
(`Report.fix_plan`), which the overlay draws and the page reads. Nobody else decides these.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .crop import CropPlan, Padding, crop_candidates, fits_frame
from .judge import beyond_fix
from .present import message
from .profile import Profile
from .report import Check, FixPlanInfo, Reason


class FixOptionError(ValueError):
    """Options auto-fix refuses before reading the photo (an output below the profile's minimum)."""

    code = "output_too_small"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class FixOptions:
    max_kb: int | None = None  # byte budget (never above the profile's)
    width: int | None = None  # output width (at least the profile's)
    pad: bool = False  # extend a too-tight frame with the background
    upscale: bool = False  # enlarge a face with too few pixels

    def validate(self, profile: Profile, lang: str = "pl") -> None:
        """Raises FixOptionError for an output smaller than the profile's (the school's minimum)."""
        if self.width is not None and self.width < profile.output.width:
            text = profile.words["fix_width_below"][lang].format(value=self.width, limit=profile.output.width)
            raise FixOptionError(text)


@dataclass(frozen=True)
class Cut:
    """One crop as auto-fix cuts it: `crop.box` in the levelled frame, turned by `angle` about
    `centre` (the eye midpoint)."""

    crop: CropPlan
    angle: float  # degrees actually applied (0: not levelled)
    centre: tuple[float, float]

    def corners(self) -> list[tuple[float, float]]:
        """The crop's corners in source pixels, clockwise from top left, as cut."""
        x0, y0, x1, y1 = self.crop.box
        box = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], float)
        back = cv2.invertAffineTransform(cv2.getRotationMatrix2D(self.centre, self.angle, 1.0))
        return [(round(float(x), 1), round(float(y), 1)) for x, y in box @ back[:, :2].T + back[:, 2]]


@dataclass(frozen=True)
class FixPlan:
    size: tuple[int, int]  # output width, height
    target_bytes: int
    cuts: tuple[Cut, ...]  # in order of preference; the first is the one drawn (empty: no face)
    padding: Padding | None  # the background added beyond the frame, when allowed and needed
    reasons: tuple[Reason, ...]  # why it cannot be fixed; empty: try the cuts

    @property
    def fixable(self) -> bool:
        return not self.reasons and bool(self.cuts)

    def info(self) -> FixPlanInfo:
        first = self.cuts[0] if self.cuts else None
        return FixPlanInfo(
            fixable=self.fixable,
            reasons=list(self.reasons),
            corners=first.corners() if first else [],
            rotate_deg=round(first.angle, 2) if first else 0.0,
            fits_frame=first is not None and first.crop.overflow <= 0,
            crops_to_try=len(self.cuts) if self.fixable else 0,
        )


def plan_fix(analysis, checks: list[Check], options: FixOptions, lang: str = "pl") -> FixPlan:
    """The plan for `analysis` (a `pipeline.Analysis`) judged as `checks`. Call
    `options.validate` first: an output below the profile's minimum is refused there."""
    profile, geometry = analysis.profile, analysis.geometry
    out_w = options.width or profile.output.width
    out_h = round(out_w / geometry.aspect)
    budget = profile.output.max_bytes
    target = min(options.max_kb * 1024, budget) if options.max_kb else budget
    by_id = {c.id: c for c in checks}

    face, photo = analysis.faces.face, analysis.photo
    if analysis.faces.count != 1 or face is None:
        return FixPlan((out_w, out_h), target, (), None, (_reason(by_id, "face.count"),))
    # content the crop cannot repair: closed eyes, a shadow, a busy background...
    reasons = [_reason(by_id, rule_id) for rule_id in beyond_fix(analysis.values, profile) if rule_id in by_id]

    crops = crop_candidates(face, photo.width, photo.height, geometry, out_h)
    padding = None
    if crops[0].overflow > 0:
        padding = _padding(analysis, by_id) if options.pad else None
        if padding is None:
            text = message(profile, "face.position", "high", lang, "crop_overflow", crops[0].overflow, 0)
            reasons.append(Reason(id="face.position", message=text))
        else:  # with background added, the head can sit at the target share
            crops = crop_candidates(face, photo.width, photo.height, geometry, out_h, padded=True)
    if crops[0].height < out_h and not options.upscale and all(r.id != "image.resolution" for r in reasons):
        text = message(profile, "image.resolution", "low", lang, "crop_height_px", crops[0].height, out_h)
        reasons.append(Reason(id="image.resolution", message=text))

    centre = ((face.right_eye[0] + face.left_eye[0]) / 2, face.eye_y)
    cuts: list[Cut] = []
    for crop in crops:
        levelled = _levelling(crop, centre, geometry.roll_max, padding is not None, photo.width, photo.height)
        cuts.append(Cut(crop, levelled, centre))
        if levelled != 0:  # levelling may add pose error: the same crop unlevelled is the next try
            cuts.append(Cut(crop, 0.0, centre))
    return FixPlan((out_w, out_h), target, tuple(cuts[: profile.output.crops_to_try]), padding, tuple(reasons))


def _levelling(crop: CropPlan, centre, roll_max: float, padded: bool, width: int, height: int) -> float:
    """The angle auto-fix turns this crop by: the eye-line tilt, when within the profile's roll
    tolerance and (unless padding fills the corners) when the turned crop stays in the frame.
    A stronger tilt is left for the pose check to report; corner pixels are never invented."""
    if abs(crop.angle) > roll_max:
        return 0.0
    if not padded and not fits_frame(crop, centre, crop.angle, width, height):
        return 0.0
    return crop.angle


def _padding(analysis, by_id: dict[str, Check]) -> Padding | None:
    """Padding is used only when the whole face (the mesh: forehead, chin and both sides) is in
    the frame, so only hair and background are missing, and when the background was measured
    uniform. The margin continues the backdrop (see `crop.render`); above a head cut by the top
    edge it is the median backdrop colour along that edge, where the padding meets the photo
    (the median of the whole backdrop would show a seam)."""
    face, photo = analysis.faces.face, analysis.photo
    uniform = by_id.get("background.uniform")
    x0, y0, x1, y1 = face.box
    face_inside = x0 >= 0 and y0 >= 0 and x1 <= photo.width and y1 <= photo.height
    if not (face_inside and uniform is not None and uniform.status == "pass"):
        return None
    rgb = analysis.decoded.rgb
    mask = cv2.resize(analysis.faces.person_mask, (rgb.shape[1], rgb.shape[0]), interpolation=cv2.INTER_LINEAR)
    band = max(int(0.01 * min(rgb.shape[:2])), 2)
    edge = np.zeros(rgb.shape[:2], bool)
    edge[:band] = True  # the top edge: the plain patch goes above a head cut by it
    background = edge & (mask < analysis.profile.person_threshold)
    if background.sum() < 50:
        return None
    colour = tuple(int(c) for c in np.median(rgb[background], axis=0))
    mask_scale = analysis.faces.person_mask.shape[0] / photo.height
    return Padding(colour, analysis.faces.person_mask, mask_scale, analysis.profile.person_threshold)


def _reason(by_id: dict[str, Check], rule_id: str) -> Reason:
    check = by_id[rule_id]
    return Reason(id=rule_id, message=check.message)
