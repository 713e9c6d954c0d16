"""Crop: where the 35x45 ID crop goes in the source, and whether the frame allows it.

One function decides the crop for everyone: `check` judges `face.size`, `face.position` and
`image.resolution` from this plan, and auto-fix cuts exactly this box. Among crops with the
head (crown to chin) at `head_min`..`head_max` of the height, sliding within the eye-line
band and the centring tolerance, it prefers, in this order: one inside the frame, one with
at least `min_height` source rows (so the output needs no upscaling), and the head share
closest to `head_target`. The caller passes the profile's geometry for the photo
(`Profile.geometry_for(child)`: a child's eye line may sit lower).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from .face import Face
from .profile import GeometrySpec
from .resample import shrink

_SIZE_STEPS = 21  # crop sizes tried between head_min and head_max
_NUDGES = ((0.0, -0.03), (0.0, 0.03), (-0.5, 0.0), (0.5, 0.0))  # auto-fix's other placements: (centring slack, height)


@dataclass(frozen=True)
class CropPlan:
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 in source pixels (may leave the frame)
    angle: float  # eye-line tilt, degrees clockwise: auto-fix levels it (within the roll tolerance)
    head_ratio: float  # head height / crop height
    overflow: float  # largest distance the box leaves the frame, as a share of its height
    head_ratio_needed: float  # head share of the largest 35:45 crop that fits the frame at all
    eye_line: float  # eye line above the bottom edge, share of the height
    child: bool = False  # planned with the child geometry (a lower eye line allowed)

    @property
    def height(self) -> float:
        return self.box[3] - self.box[1]

    @property
    def width(self) -> float:
        return self.box[2] - self.box[0]


def eye_line_angle(face: Face) -> float:
    """Degrees the eye line is tilted in the image (clockwise positive): rotating the image
    counter-clockwise by this angle levels the eyes."""
    (rx, ry), (lx, ly) = sorted((face.right_eye, face.left_eye))
    return float(np.degrees(np.arctan2(ly - ry, lx - rx)))


def plan_crop(
    face: Face, frame_width: int, frame_height: int, geo: GeometrySpec, min_height: float = 0.0, padded: bool = False
) -> CropPlan:
    """The preferred crop (the one `check` judges): the first of `crop_candidates`."""
    return crop_candidates(face, frame_width, frame_height, geo, min_height, padded)[0]


def crop_candidates(
    face: Face, frame_width: int, frame_height: int, geo: GeometrySpec, min_height: float = 0.0, padded: bool = False
) -> list[CropPlan]:
    """The preferred crop, then the alternatives auto-fix may try when the first one's photo
    would break a rule (see `service/fixplan.py`): the crops as loose and as tight as the head
    range allows, then the preferred size 3 % higher and lower and half the centring tolerance
    to either side; each fits the frame and holds the pixels as well as the preferred one, and
    stays within the eye-line band and the centring tolerance. The head shares stay a quarter
    of the range inside its ends, so the fixed photo's own crown estimate still finds the head
    within it.

    `padded`: the frame will be extended with background (auto-fix --pad). The head is then
    kept at most half-way between the target and the maximum share, for the same reason; the
    padding stays as small as that allows."""
    head = max(face.head_height, 1.0)
    largest = min(frame_height, frame_width / geo.aspect)  # the largest 35:45 crop the frame holds
    needed = head / largest
    heights = [head / ratio for ratio in np.linspace(geo.head_min, geo.head_max, _SIZE_STEPS)]
    if geo.head_min <= needed <= geo.head_max:
        heights.append(largest)
    plans = [_place(face, height, frame_width, frame_height, geo, needed) for height in heights]
    if padded:
        plans = [p for p in plans if p.head_ratio <= (geo.head_target + geo.head_max) / 2 + 1e-9]

    def fit(p: CropPlan) -> tuple[float, float]:
        return round(p.overflow, 6), max(min_height - p.height, 0.0)

    best = min(plans, key=lambda p: (*fit(p), abs(p.head_ratio - geo.head_target)))
    as_good = [p for p in plans if fit(p) <= fit(best)]
    margin = (geo.head_max - geo.head_min) / 4
    candidates = [best]
    for ratio in (geo.head_min + margin, geo.head_max - margin):
        alternative = min(as_good, key=lambda p: abs(p.head_ratio - ratio))
        if all(abs(alternative.head_ratio - c.head_ratio) >= margin / 2 for c in candidates):  # a real alternative
            candidates.append(alternative)
    # then the preferred size placed otherwise: higher and lower in the eye-line band, and to
    # either side within the centring tolerance (each still slid into what the rules allow)
    for nudge in _NUDGES:
        moved = _place(face, best.height, frame_width, frame_height, geo, needed, nudge)
        if fit(moved) <= fit(best) and all(_apart(moved, c) for c in candidates):
            candidates.append(moved)
    return candidates


def _apart(a: CropPlan, b: CropPlan) -> bool:
    """Two crops differ by more than 1 % of the height somewhere."""
    return max(abs(p - q) for p, q in zip(a.box, b.box, strict=True)) > 0.01 * a.height


def _place(
    face: Face, height: float, frame_w: int, frame_h: int, geo: GeometrySpec, needed: float,
    nudge: tuple[float, float] = (0.0, 0.0),
) -> CropPlan:
    """`nudge`: move the preferred position by (share of the centring slack, share of the
    height) before it is slid into the allowed range, for auto-fix's alternatives."""
    width = height * geo.aspect
    head = face.head_height
    # Vertical: the preferred top, then the range that keeps the eye line in its band and the head inside.
    preferred_top = face.crown_y - geo.top_margin_share * (height - head) + nudge[1] * height
    top_lo = max(face.eye_y - (1 - geo.eye_line_min) * height, face.chin_y - height)
    top_hi = min(face.eye_y - (1 - geo.eye_line_max) * height, face.crown_y)
    top = _slide(preferred_top, top_lo, top_hi, 0.0, frame_h - height)
    # Horizontal: centred on the face midline, sliding at most the centring tolerance.
    slack = geo.centre_tolerance * width
    preferred_left = face.centre_x - width / 2 + nudge[0] * slack
    left = _slide(preferred_left, preferred_left - slack, preferred_left + slack, 0.0, frame_w - width)
    box = (left, top, left + width, top + height)
    overflow = max(0.0, -box[0], -box[1], box[2] - frame_w, box[3] - frame_h) / height
    return CropPlan(
        box=box,
        angle=eye_line_angle(face),
        head_ratio=head / height,
        overflow=overflow,
        head_ratio_needed=needed,
        eye_line=(box[3] - face.eye_y) / height,
        child=geo.child,
    )


def _slide(preferred: float, lo: float, hi: float, frame_lo: float, frame_hi: float) -> float:
    """Move `preferred` into the frame as far as the allowed range [lo, hi] lets it."""
    if lo > hi:  # no position satisfies both limits: keep the preferred one
        lo = hi = preferred
    wanted = min(max(preferred, frame_lo), frame_hi) if frame_lo <= frame_hi else preferred
    return min(max(wanted, lo), hi)


def crop_transform(plan: CropPlan, centre: tuple[float, float], angle: float, k: float) -> np.ndarray:
    """Affine map from source pixels to output pixels: level the eyes about `centre`, then cut
    `plan.box` (planned in the levelled frame) and scale by `k` output pixels per source pixel."""
    matrix = cv2.getRotationMatrix2D(centre, angle, 1.0)
    matrix *= k
    matrix[:, 2] -= (plan.box[0] * k, plan.box[1] * k)
    return matrix


def fits_frame(plan: CropPlan, centre: tuple[float, float], angle: float, width: int, height: int) -> bool:
    """Whether the levelled crop, mapped back to the source, stays inside the frame."""
    back = cv2.invertAffineTransform(cv2.getRotationMatrix2D(centre, angle, 1.0))
    x0, y0, x1, y1 = plan.box
    corners = np.array([[x0, y0], [x1, y0], [x0, y1], [x1, y1]]) @ back[:, :2].T + back[:, 2]
    return bool((corners >= -0.5).all() and (corners[:, 0] <= width + 0.5).all() and (corners[:, 1] <= height + 0.5).all())


def render(
    rgb: np.ndarray,
    scale: float,
    matrix: np.ndarray,
    size: tuple[int, int],
    padding: Padding | None = None,
) -> np.ndarray:
    """Cut and resample the crop from an image decoded at `scale` (its pixels per source pixel).

    Without `padding` the crop is inside the frame (edge pixels are repeated for the last
    fraction of a pixel only). With it, the missing margin continues the backdrop seamlessly by
    repeating its edge pixels, except where that would stretch the person (hair cut by the top
    edge): there it is the plain backdrop colour.
    """
    out = _warp(rgb, scale, matrix, size, cv2.INTER_CUBIC)
    if padding is None:
        return out
    width, height = size
    to_source = cv2.invertAffineTransform(matrix)
    ys, xs = np.mgrid[0:height, 0:width]
    above = (xs * to_source[1, 0] + ys * to_source[1, 1] + to_source[1, 2]) < 0  # above the frame's top
    person = _warp(padding.person_mask, padding.mask_scale, matrix, size, cv2.INTER_LINEAR) > padding.person_threshold
    # feather the plain patch so it meets the repeated backdrop without a hard edge
    plain = cv2.GaussianBlur((above & person).astype(np.float32), (0, 0), 3)[..., None]
    return (out * (1 - plain) + np.array(padding.colour, np.float32) * plain).astype(np.uint8)


@dataclass(frozen=True)
class Padding:
    colour: tuple[int, int, int]
    person_mask: np.ndarray  # float 0..1
    mask_scale: float  # mask pixels per source pixel
    person_threshold: float


def _warp(image: np.ndarray, scale: float, matrix: np.ndarray, size: tuple[int, int], interpolation: int,
          outside: float | None = None) -> np.ndarray:
    """`image` (at `scale` pixels per source pixel) through `matrix` into `size`. Downscaling is
    done first with area averaging (no aliasing), on the needed region only; the remaining
    rotation and sub-pixel shift interpolate near 1:1. Beyond the image: its edge repeated, or
    the constant `outside`."""
    width, height = size
    to_source = cv2.invertAffineTransform(matrix)
    corners = np.array([[0, 0], [width, 0], [0, height], [width, height]], float) @ to_source[:, :2].T + to_source[:, 2]
    x0, y0 = np.floor(corners.min(axis=0) * scale).astype(int) - 2
    x1, y1 = np.ceil(corners.max(axis=0) * scale).astype(int) + 2
    x0, y0 = min(max(x0, 0), image.shape[1] - 1), min(max(y0, 0), image.shape[0] - 1)
    x1, y1 = max(min(x1, image.shape[1]), x0 + 1), max(min(y1, image.shape[0]), y0 + 1)
    region = image[y0:y1, x0:x1]
    k = float(np.sqrt(abs(np.linalg.det(matrix[:, :2]))))  # output pixels per source pixel
    sx = sy = 1.0
    if k / scale < 0.999:
        new_size = (max(round(region.shape[1] * k / scale), 1), max(round(region.shape[0] * k / scale), 1))
        region, sx, sy = shrink(region, new_size, cv2.INTER_AREA)
    # pixels of the (shrunk) region -> source pixels -> output pixels (area pixel i covers
    # original pixels [i/s, (i+1)/s), so its centre is at (i + 0.5)/s - 0.5)
    region_to_source = np.array(
        [
            [1 / (scale * sx), 0, (x0 + 0.5 / sx - 0.5) / scale],
            [0, 1 / (scale * sy), (y0 + 0.5 / sy - 0.5) / scale],
        ]
    )
    full = np.vstack([matrix, [0, 0, 1]]) @ np.vstack([region_to_source, [0, 0, 1]])
    border = cv2.BORDER_REPLICATE if outside is None else cv2.BORDER_CONSTANT
    return cv2.warpAffine(
        region, full[:2], (width, height), flags=interpolation, borderMode=border, borderValue=outside or 0
    )
