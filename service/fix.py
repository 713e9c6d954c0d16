"""Auto-fix: turn a usable photo into the file the school exports.

decode (at the largest DCT reduction that still has enough pixels) -> level the eyes (when
the roll is within tolerance) -> cut the crop that `check` planned -> resample to the output
size -> encode to the byte budget -> check the result with the same engine.

A photo is not fixed, and the reasons say why, when: there is not exactly one face; the crop
would need pixels the frame does not have (head cut off, face at the edge) and padding was
not asked for or is not safe; the face has too few pixels for the output size (upscaling
only when asked for, and then reported); or even the quality floor does not fit the budget.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import cv2
import numpy as np

from . import decode
from .crop import Padding, crop_transform, fits_frame, plan_crop, render
from .encode import SizeTargetError, fit_to_size
from .judge import message
from .pipeline import Analysis, Clock, analyse, check, report_for
from .profile import DEFAULT_PROFILE, Profile
from .report import FixInfo, Reason, Report


@dataclass(frozen=True)
class FixResult:
    jpeg: bytes | None  # None when the photo cannot be fixed
    report: Report  # the fixed photo's report, or the source's when nothing was written (with `fix`)


def fix(
    data: bytes,
    profile: Profile | str = DEFAULT_PROFILE,
    max_kb: int | None = None,
    width: int | None = None,
    pad: bool = False,
    lang: str = "pl",
    file: str | None = None,
    upscale: bool = False,
    child: bool = False,
) -> FixResult:
    """Raises PhotoError when the bytes cannot be read at all. `child`: plan the crop (and check
    the result) with the profile's child geometry."""
    started = time.perf_counter()
    analysis = analyse(data, profile, child)
    return fix_analysis(analysis, report_for(analysis, lang, file), max_kb, width, pad, lang, file, upscale, started)


def fix_analysis(
    analysis: Analysis,
    source: Report,
    max_kb: int | None = None,
    width: int | None = None,
    pad: bool = False,
    lang: str = "pl",
    file: str | None = None,
    upscale: bool = False,
    started: float | None = None,
) -> FixResult:
    """Auto-fix from an analysis the caller already has (and its report), e.g. in a batch. The
    crop is planned with the analysis's geometry (the child one when it was analysed as a child)."""
    started = time.perf_counter() if started is None else started
    profile, geometry = analysis.profile, analysis.geometry
    out_w = width or profile.output.width
    out_h = round(out_w / geometry.aspect)
    target = min(max_kb * 1024 if max_kb else profile.output.max_bytes, profile.output.max_bytes)

    reasons = _cannot_crop(analysis, source)
    if reasons:
        return _not_fixed(source, reasons, target)
    face = analysis.faces.face
    plan = plan_crop(face, analysis.photo.width, analysis.photo.height, geometry, out_h)
    if plan.height < out_h and not upscale:
        text = message(profile, "image.resolution", "low", lang, "crop_height_px", plan.height, out_h)
        reasons.append(Reason(id="image.resolution", message=text))
    padding = None
    if plan.overflow > 0:
        padding = _padding(analysis, source, pad)
        if padding is None:
            text = message(profile, "face.position", "high", lang, "crop_overflow", plan.overflow, 0)
            reasons.append(Reason(id="face.position", message=text))
        else:  # with background added, the head can sit at the target share
            plan = plan_crop(face, analysis.photo.width, analysis.photo.height, geometry, out_h, padded=True)
    if reasons:
        return _not_fixed(source, reasons, target)

    angle = plan.angle
    centre = ((face.right_eye[0] + face.left_eye[0]) / 2, face.eye_y)
    if abs(angle) > geometry.roll_max or (
        padding is None and not fits_frame(plan, centre, angle, analysis.photo.width, analysis.photo.height)
    ):
        angle = 0.0  # leave a strong tilt for the pose check to report; never invent corner pixels
    k = out_h / plan.height
    clock = Clock(started)
    clock.lap("source")  # the source analysis, when `fix` ran it; ~0 when the caller had it
    decoded = analysis.decoded
    if decoded.scale < min(k, 1.0):
        decoded = decode.decode_rgb(analysis.photo, math.ceil(analysis.photo.height * min(k, 1.0)))
        clock.lap("decode")
    matrix = crop_transform(plan, centre, angle, k)
    pixels = render(decoded.rgb, decoded.scale, matrix, (out_w, out_h), padding)
    clock.lap("render")

    try:
        encoded = fit_to_size(
            pixels, target, profile.output.quality_floor, profile.output.max_quality, profile.output.dpi
        )
    except SizeTargetError as exc:
        text = message(profile, "file.size", "high", lang, "file_bytes", exc.floor_bytes, exc.target)
        detail = f"quality floor {exc.floor}"
        return _not_fixed(source, [Reason(id="file.size", message=text, detail=detail)], target)
    clock.lap("encode")

    report = check(encoded.data, profile, lang, file, analysis.child)
    clock.lap("verify")
    report.fix = FixInfo(
        written=True,
        width=out_w,
        height=out_h,
        bytes=len(encoded.data),
        target_bytes=target,
        quality=encoded.quality,
        encodes=encoded.encodes,
        rotated_deg=round(angle, 2),
        padded=padding is not None,
        upscaled=round(k, 3) if k > 1 else None,
        source_crop=source.crop.box if source.crop else None,
        decode_scale=decoded.scale,
        ms=round((time.perf_counter() - started) * 1000, 1),
        timings_ms=clock.laps,
    )
    return FixResult(encoded.data, report)


def _cannot_crop(analysis: Analysis, source: Report) -> list[Reason]:
    if analysis.faces.count != 1 or analysis.faces.face is None:
        return [Reason(id="face.count", message=source.check("face.count").message)]
    return []


def _padding(analysis: Analysis, source: Report, allowed: bool) -> Padding | None:
    """Padding is allowed only when asked for, when the whole face (the mesh: forehead, chin and
    both sides) is in the frame, so only hair and background are missing, and when the
    background was measured uniform. The margin continues the backdrop (see `crop.render`);
    above a head cut by the top edge it is the median backdrop colour along that edge, where
    the padding meets the photo (the median of the whole backdrop would show a seam)."""
    face, photo = analysis.faces.face, analysis.photo
    uniform = source.check("background.uniform")
    x0, y0, x1, y1 = face.box
    face_inside = x0 >= 0 and y0 >= 0 and x1 <= photo.width and y1 <= photo.height
    if not (allowed and face_inside and uniform is not None and uniform.status == "pass"):
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


def _not_fixed(source: Report, reasons: list[Reason], target: int) -> FixResult:
    source.fix = FixInfo(written=False, reasons=reasons, target_bytes=target)
    return FixResult(None, source)
