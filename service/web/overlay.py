"""The overlay: the photo as the engine saw it, with the face box, the eye centres and the
proposed 35:45 crop drawn over it, for the review page and any other client.

`draw_overlay` is a pure function (decoded image + report -> JPEG bytes); `overlay_jpeg`
decodes the upload first, at the smallest DCT scale that still gives `max_side` pixels, so it
costs a fraction of a full decode. Everything is in the report's coordinates: source pixels,
EXIF-upright. The output is a plain baseline JPEG with no EXIF, ICC or comments.

What is drawn (each shape over a dark outline, so it shows on light and dark photos):
- the crop auto-fix would cut first (`report.fix_plan`, as planned in service/fixplan.py):
  green and solid when it fits the frame, red and dashed when it does not (the part outside
  the photo is shown as a grey checkerboard); turned when the plan levels the eyes;
- outside the crop the photo is dimmed, so the crop reads at a glance;
- the face box (amber) and the two eye centres with the eye line (cyan).
"""

from __future__ import annotations

import io
import math

import numpy as np
from PIL import Image, ImageDraw

from .. import decode
from ..report import Report

MAX_SIDE = 800  # long side of the overlay, in pixels
MAX_PAD = 0.5  # the canvas grows past the frame (to show a crop that leaves it) by at most this share

CROP_FITS = (46, 204, 64)
CROP_OUT = (255, 65, 54)
FACE = (255, 176, 0)
EYES = (0, 208, 255)
OUTLINE = (0, 0, 0)
CHECKER = ((92, 92, 92), (120, 120, 120))
DIM = 0.5  # brightness kept outside the crop


def overlay_jpeg(
    data: bytes,
    report: Report,
    limits: decode.FileLimits,
    max_side: int = MAX_SIDE,
    quality: int = 85,
) -> bytes:
    """Decode `data` (any format the engine reads: EXIF-rotated, CMYK, PNG...) just finely
    enough, then draw. Raises PhotoError when the bytes cannot be read."""
    photo = decode.open_photo(data, limits)
    long_side = max(photo.width, photo.height)
    min_height = math.ceil(max_side * photo.height / long_side) if long_side > max_side else None
    return draw_overlay(decode.decode_rgb(photo, min_height), report, max_side, quality)


def draw_overlay(
    image: decode.DecodedImage,
    report: Report,
    max_side: int = MAX_SIDE,
    quality: int = 85,
) -> bytes:
    """The overlay JPEG. `image` is the upright decoded photo (`scale` = its pixels per source
    pixel)."""
    rgb = image.rgb
    src_h = rgb.shape[0] / image.scale
    src_w = rgb.shape[1] / image.scale
    plan = report.fix_plan
    crop = np.array(plan.corners, float) if plan is not None and plan.corners else None

    # The canvas: the frame, grown (up to MAX_PAD) to hold a crop that leaves it.
    x0, y0, x1, y1 = 0.0, 0.0, src_w, src_h
    if crop is not None:
        pad_x, pad_y = MAX_PAD * src_w, MAX_PAD * src_h
        x0 = max(min(x0, crop[:, 0].min()), -pad_x)
        y0 = max(min(y0, crop[:, 1].min()), -pad_y)
        x1 = min(max(x1, crop[:, 0].max()), src_w + pad_x)
        y1 = min(max(y1, crop[:, 1].max()), src_h + pad_y)
    k = min(max_side / max(x1 - x0, y1 - y0), image.scale)  # canvas px per source px; never enlarges
    size = (max(round((x1 - x0) * k), 1), max(round((y1 - y0) * k), 1))

    photo = Image.fromarray(rgb).resize(
        (max(round(src_w * k), 1), max(round(src_h * k), 1)), Image.Resampling.LANCZOS, reducing_gap=2.0
    )
    canvas = _checkerboard(size, max(8, round(max(size) / 60)))
    canvas.paste(photo, (round(-x0 * k), round(-y0 * k)))

    def to_canvas(points) -> list[tuple[float, float]]:
        return [((x - x0) * k, (y - y0) * k) for x, y in points]

    width = max(3, round(max(size) / 160))
    if crop is not None:
        polygon = to_canvas(crop)
        canvas = _dim_outside(canvas, polygon)
    draw = ImageDraw.Draw(canvas)
    if crop is not None:
        fits = plan.fits_frame
        _outlined_polygon(draw, polygon, CROP_FITS if fits else CROP_OUT, width, dashed=not fits)
    if report.face is not None:
        box = report.face.box
        corners = [(box.x0, box.y0), (box.x1, box.y0), (box.x1, box.y1), (box.x0, box.y1)]
        _outlined_polygon(draw, to_canvas(corners), FACE, width)
        eyes = to_canvas([report.face.right_eye, report.face.left_eye])
        _outlined_line(draw, eyes, EYES, max(1, width // 2))
        radius = max(3.0, 0.12 * math.dist(*eyes))
        for cx, cy in eyes:
            _outlined_eye(draw, cx, cy, radius, EYES, width)

    out = io.BytesIO()
    canvas.convert("RGB").save(out, "JPEG", quality=quality, optimize=True)  # no exif/icc: nothing is passed on
    return out.getvalue()


def _checkerboard(size: tuple[int, int], cell: int) -> Image.Image:
    w, h = size
    yy, xx = np.mgrid[0:h, 0:w]
    dark = ((xx // cell + yy // cell) % 2).astype(bool)
    board = np.empty((h, w, 3), np.uint8)
    board[dark], board[~dark] = CHECKER[0], CHECKER[1]
    return Image.fromarray(board)


def _dim_outside(canvas: Image.Image, polygon: list[tuple[float, float]]) -> Image.Image:
    mask = Image.new("L", canvas.size, 0)
    ImageDraw.Draw(mask).polygon(polygon, fill=255)
    dimmed = Image.eval(canvas, lambda v: int(v * DIM))
    return Image.composite(canvas, dimmed, mask)


def _outlined_polygon(draw: ImageDraw.ImageDraw, points, colour, width: int, dashed: bool = False) -> None:
    closed = list(points) + [points[0]]
    segments = _dashes(closed, 4 * width, 3 * width) if dashed else [closed]
    for segment in segments:
        draw.line(segment, fill=OUTLINE, width=width + 2, joint="curve")
    for segment in segments:
        draw.line(segment, fill=colour, width=width, joint="curve")


def _outlined_line(draw: ImageDraw.ImageDraw, points, colour, width: int) -> None:
    draw.line(points, fill=OUTLINE, width=width + 2)
    draw.line(points, fill=colour, width=width)


def _outlined_eye(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float, colour, width: int) -> None:
    ring = [cx - r, cy - r, cx + r, cy + r]
    draw.ellipse(ring, outline=OUTLINE, width=width + 2)
    draw.ellipse([ring[0] + 1, ring[1] + 1, ring[2] - 1, ring[3] - 1], outline=colour, width=width)
    dot = max(1.5, width * 0.75)
    draw.ellipse([cx - dot, cy - dot, cx + dot, cy + dot], fill=colour, outline=OUTLINE)


def _dashes(points, dash: float, gap: float) -> list[list[tuple[float, float]]]:
    """A polyline cut into dashes (Pillow draws only solid lines)."""
    segments: list[list[tuple[float, float]]] = []
    on, left = True, dash
    current: list[tuple[float, float]] = [points[0]]
    for (ax, ay), (bx, by) in zip(points, points[1:]):
        length = math.hypot(bx - ax, by - ay)
        pos = 0.0
        while length - pos > left:
            pos += left
            t = pos / length
            p = (ax + (bx - ax) * t, ay + (by - ay) * t)
            if on:
                current.append(p)
                segments.append(current)
            current = [p]
            on, left = not on, dash if not on else gap
        left -= length - pos
        if on:
            current.append((bx, by))
        else:
            current = [(bx, by)]
    if on and len(current) > 1:
        segments.append(current)
    return segments
