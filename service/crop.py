"""Crop: where the 35x45 ID crop goes in the source, and whether the frame allows it.

One function decides the crop for everyone: `check` judges `face.size`, `face.position` and
`image.resolution` from this plan, and auto-fix cuts exactly this box. The head (crown to
chin) fills `head_target` of the height when the frame allows; otherwise the crop shrinks
towards `head_max` and slides within the eye-line band and the centring tolerance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .face import Face
from .profile import GeometrySpec

_SIZE_STEPS = 9  # crop sizes tried between head_target and head_max


@dataclass(frozen=True)
class CropPlan:
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 in source pixels (may leave the frame)
    angle: float  # degrees to rotate about the box centre to level the eyes (auto-fix applies it)
    head_ratio: float  # head height / crop height
    overflow: float  # largest distance the box leaves the frame, as a share of its height
    head_ratio_needed: float  # head share of the largest 35:45 crop that fits the frame at all
    eye_line: float  # eye line above the bottom edge, share of the height

    @property
    def height(self) -> float:
        return self.box[3] - self.box[1]

    @property
    def width(self) -> float:
        return self.box[2] - self.box[0]


def plan_crop(face: Face, frame_width: int, frame_height: int, geo: GeometrySpec) -> CropPlan:
    head = max(face.head_height, 1.0)
    largest_fit = min(frame_height, frame_width / geo.aspect)
    best: CropPlan | None = None
    for ratio in np.linspace(geo.head_target, geo.head_max, _SIZE_STEPS):
        plan = _place(face, head / ratio, frame_width, frame_height, geo, head / largest_fit)
        if best is None or plan.overflow < best.overflow - 1e-9:
            best = plan
        if plan.overflow <= 0:
            break
    assert best is not None
    return best


def _place(face: Face, height: float, frame_w: int, frame_h: int, geo: GeometrySpec, needed: float) -> CropPlan:
    width = height * geo.aspect
    head = face.head_height
    # Vertical: the preferred top, then the range that keeps the eye line in its band and the head inside.
    preferred_top = face.crown_y - geo.top_margin_share * (height - head)
    top_lo = max(face.eye_y - (1 - geo.eye_line_min) * height, face.chin_y - height)
    top_hi = min(face.eye_y - (1 - geo.eye_line_max) * height, face.crown_y)
    top = _slide(preferred_top, top_lo, top_hi, 0.0, frame_h - height)
    # Horizontal: centred on the face midline, sliding at most the centring tolerance.
    slack = geo.centre_tolerance * width
    preferred_left = face.centre_x - width / 2
    left = _slide(preferred_left, preferred_left - slack, preferred_left + slack, 0.0, frame_w - width)
    box = (left, top, left + width, top + height)
    overflow = max(0.0, -box[0], -box[1], box[2] - frame_w, box[3] - frame_h) / height
    return CropPlan(
        box=box,
        angle=face.pose.roll,
        head_ratio=head / height,
        overflow=overflow,
        head_ratio_needed=needed,
        eye_line=(box[3] - face.eye_y) / height,
    )


def _slide(preferred: float, lo: float, hi: float, frame_lo: float, frame_hi: float) -> float:
    """Move `preferred` into the frame as far as the allowed range [lo, hi] lets it."""
    if lo > hi:  # no position satisfies both limits: keep the preferred one
        lo = hi = preferred
    wanted = min(max(preferred, frame_lo), frame_hi) if frame_lo <= frame_hi else preferred
    return min(max(wanted, lo), hi)
