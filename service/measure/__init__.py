"""Measure stage: build the regions once, then run every pixel measure on its region.

Each measure in this package is a pure function (arrays in, one number out). This module is
the only place that knows which region each one sees:

| measure              | region                                             |
|----------------------|----------------------------------------------------|
| colour_variation     | the ID crop                                        |
| face_sharpness       | face oval, crop scaled to the output height        |
| face_lightness/clip  | face oval                                          |
| white_point          | the ID crop                                        |
| lighting_asymmetry   | left vs right cheek, under each eye (skin, not hair) |
| background_*         | crop minus the person (segmentation mask, with a margin) |
| noise                | background, or the face when there is no background |
| blockiness           | the crop at the decoded scale (the 8x8 grid survives only there) |
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ..crop import CropPlan
from ..decode import DecodedImage
from ..face import Face
from ..face.geometry import (
    FACE_OVAL,
    LEFT_EYE_INNER,
    LEFT_EYE_OUTER,
    LIP_TOP_INNER,
    NOSE_TIP,
    RIGHT_EYE_INNER,
    RIGHT_EYE_OUTER,
)
from . import background, colour, compression, exposure, lighting, noise, sharpness

_MIN_REGION = 200  # pixels a region needs before a measurement on it means anything


@dataclass(frozen=True)
class MeasureView:
    """The ID crop at measuring scale, with its regions as boolean masks."""

    rgb: np.ndarray
    lab: np.ndarray  # float32 CIELAB, L* 0-100
    valid: np.ndarray  # inside the source frame
    face: np.ndarray
    left_cheek: np.ndarray
    right_cheek: np.ndarray
    background: np.ndarray


def measure_pixels(
    decoded: DecodedImage,
    person_mask: np.ndarray,
    face: Face,
    crop: CropPlan,
    measure_height: int,
    is_jpeg: bool,
) -> dict[str, float | None]:
    view = build_view(decoded, person_mask, face, crop, measure_height)
    lightness = view.lab[..., 0]
    values: dict[str, float | None] = {
        "colour_variation": colour.colour_variation(view.lab[view.valid]),
        "face_sharpness": _on(view.face, lambda m: sharpness.sharpness(lightness, m)),
        "face_lightness": _on(view.face, lambda m: exposure.face_lightness(lightness, m)),
        "face_clipped": _on(view.face, lambda m: exposure.clipped_fraction(view.rgb, m)),
        "white_point": _on(view.valid, lambda m: exposure.white_point(lightness, m)),
        "lighting_asymmetry": (
            lighting.asymmetry(lightness, view.left_cheek, view.right_cheek)
            if min(view.left_cheek.sum(), view.right_cheek.sum()) >= _MIN_REGION
            else None
        ),
        "background_texture": _on(view.background, lambda m: background.texture(lightness, m)),
        "background_lightness": _on(view.background, lambda m: background.lightness(view.lab, m)),
        "background_chroma": _on(view.background, lambda m: background.chroma(view.lab, m)),
        "noise": _on(view.background if view.background.sum() >= _MIN_REGION else view.face,
                     lambda m: noise.noise_sigma(lightness, m)),
        "blockiness": _blockiness(decoded, crop) if is_jpeg else None,
    }
    return values


def _on(mask: np.ndarray, fn) -> float | None:
    return fn(mask) if int(mask.sum()) >= _MIN_REGION else None


def build_view(
    decoded: DecodedImage, person_mask: np.ndarray, face: Face, crop: CropPlan, measure_height: int
) -> MeasureView:
    # Output pixels per source pixel, never finer than what was decoded.
    k = min(measure_height / crop.height, decoded.scale)
    shrink = k / decoded.scale
    rgb = decoded.rgb
    if shrink < 0.999:
        rgb = cv2.resize(rgb, None, fx=shrink, fy=shrink, interpolation=cv2.INTER_AREA)
    mask = cv2.resize(person_mask, (rgb.shape[1], rgb.shape[0]), interpolation=cv2.INTER_LINEAR)
    x0, y0 = int(round(crop.box[0] * k)), int(round(crop.box[1] * k))
    width, height = int(round(crop.width * k)), int(round(crop.height * k))
    view_rgb, valid = _cut(rgb, x0, y0, width, height)
    view_mask, _ = _cut(mask, x0, y0, width, height)
    lab = cv2.cvtColor(view_rgb.astype(np.float32) * (1 / 255.0), cv2.COLOR_RGB2Lab)

    points = face.landmarks[:, :2] * k - (x0, y0)
    face_mask = np.zeros((height, width), np.uint8)
    cv2.fillPoly(face_mask, [np.round(points[FACE_OVAL]).astype(np.int32)], 1)
    face_mask &= valid.astype(np.uint8)
    left, right = _cheeks(face_mask, points)
    person = cv2.dilate((view_mask > 0.3).astype(np.uint8), np.ones((9, 9), np.uint8))
    back = valid & (person == 0)
    return MeasureView(view_rgb, lab, valid, face_mask > 0, left, right, back)


def _cut(image: np.ndarray, x0: int, y0: int, width: int, height: int) -> tuple[np.ndarray, np.ndarray]:
    """The box from the image; parts outside it are zero and marked invalid."""
    out = np.zeros((height, width, *image.shape[2:]), image.dtype)
    valid = np.zeros((height, width), bool)
    sx0, sy0 = max(x0, 0), max(y0, 0)
    sx1, sy1 = min(x0 + width, image.shape[1]), min(y0 + height, image.shape[0])
    if sx1 > sx0 and sy1 > sy0:
        out[sy0 - y0 : sy1 - y0, sx0 - x0 : sx1 - x0] = image[sy0:sy1, sx0:sx1]
        valid[sy0 - y0 : sy1 - y0, sx0 - x0 : sx1 - x0] = True
    return out, valid


def _cheeks(face_mask: np.ndarray, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The skin under each eye, from below the eye to just under the nose tip.

    Narrow on purpose: the whole half-face often holds hair over a cheek, which reads as shadow.
    """
    height, width = face_mask.shape
    nose_y, mouth_y = points[NOSE_TIP, 1], points[LIP_TOP_INNER, 1]
    masks = []
    for outer, inner in ((RIGHT_EYE_OUTER, RIGHT_EYE_INNER), (LEFT_EYE_OUTER, LEFT_EYE_INNER)):
        eye_y = (points[outer, 1] + points[inner, 1]) / 2
        y0, y1 = eye_y + 0.35 * (nose_y - eye_y), nose_y + 0.3 * (mouth_y - nose_y)
        x0, x1 = sorted((points[outer, 0], points[inner, 0]))
        box = np.zeros((height, width), bool)
        box[max(int(y0), 0) : max(int(y1), 0), max(int(x0), 0) : max(int(x1), 0)] = True
        masks.append(box & (face_mask > 0))
    return masks[0], masks[1]


def _blockiness(decoded: DecodedImage, crop: CropPlan) -> float | None:
    period = int(round(8 * decoded.scale))
    if period < 4:
        return None  # decoded at 1/4 or less: the block grid is no longer visible
    s = decoded.scale
    x0, y0 = max(int(crop.box[0] * s), 0), max(int(crop.box[1] * s), 0)
    x1, y1 = min(int(crop.box[2] * s), decoded.rgb.shape[1]), min(int(crop.box[3] * s), decoded.rgb.shape[0])
    if x1 - x0 < 4 * period or y1 - y0 < 4 * period:
        return None
    grey = cv2.cvtColor(np.ascontiguousarray(decoded.rgb[y0:y1, x0:x1]), cv2.COLOR_RGB2GRAY)
    return compression.blockiness(grey, period)
