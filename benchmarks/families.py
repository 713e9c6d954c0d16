"""Fault families for benchmarks/faults.py: pure functions that spoil an ID photo by degrees.

Every family is a function `(rgb, subject, strength, seed) -> rgb`: an RGB uint8 image at the
OUTPUT scale (the 492x633 crop auto-fix writes), the `Subject` the engine measured on it
(benchmarks/degrade.py: eyes, face box, crown, chin, person mask, face mesh, all in that
image's pixels), one strength, and a seed for anything random. Nothing here reads files,
calls the engine or keeps state: the same call always gives the same pixels. Strengths are
defined at the output scale (pixels of the 492x633 image, 8-bit grey levels, CIELAB dE).

`FAMILIES` at the bottom is the whole table: for each family its name, function, the rule
meant to catch it, its strengths from invisible to absurd (larger is always stronger) and
`bad_from`, the strength from which a person would clearly reject the photo at print size
(between the weakest strength and `bad_from` is a grey zone).

Generic image faults (blur, noise, resampling, sharpening) use albumentations 2.0.8 with
every parameter range pinned to (v, v) and the pipeline seeded, so they are deterministic;
the face- and background-geometry faults are written here with numpy and OpenCV.
"""

from __future__ import annotations

import os

os.environ.setdefault("NO_ALBUMENTATIONS_UPDATE", "1")  # no version check over the network on import

from dataclasses import dataclass, field  # noqa: E402
from functools import partial  # noqa: E402
from typing import Callable  # noqa: E402

import albumentations as A  # noqa: E402
import cv2  # noqa: E402
import numpy as np  # noqa: E402

from degrade import Subject, exposure, side_shadow  # noqa: E402
from service.face.geometry import FACE_OVAL  # noqa: E402

# MediaPipe face-mesh contours (indices into the 468-point mesh)
RIGHT_EYE = [33, 7, 163, 144, 145, 153, 154, 155, 133, 173, 157, 158, 159, 160, 161, 246]
LEFT_EYE = [263, 249, 390, 373, 374, 380, 381, 382, 362, 398, 384, 385, 386, 387, 388, 466]
RIGHT_BROW = [46, 53, 52, 65, 55, 70, 63, 105, 66, 107]
LEFT_BROW = [276, 283, 282, 295, 285, 300, 293, 334, 296, 336]
LIPS = [61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291, 409, 270, 269, 267, 0, 37, 39, 40, 185]
EYE_CORNERS = ((33, 133), (263, 362))  # (outer, inner) of the subject's right and left eye

# CIELAB (a*, b*) unit directions of the colour casts
CAST_DIRECTIONS = {
    "warm": (0.26, 0.97),  # yellow-orange: hue 75 degrees, like tungsten light
    "blue": (0.0, -1.0),  # -b*: daylight shade, a cold white balance
    "green": (-1.0, 0.0),  # -a*: fluorescent tubes
    "magenta": (1.0, 0.0),  # +a*
}
GLARE_WHITE = np.array([255.0, 255.0, 255.0], np.float32)
# red, navy, grey, green, black, orange, and a hair-brown one (on brown hair only its texture tells)
HAT_COLOURS = ((150, 30, 35), (30, 40, 80), (70, 70, 72), (40, 90, 60), (25, 25, 28), (200, 120, 30), (75, 52, 38))


# ---- small helpers --------------------------------------------------------------------------


def _u8(image: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(image), 0, 255).astype(np.uint8)


def _albu(rgb: np.ndarray, seed: int, *transforms: A.BasicTransform) -> np.ndarray:
    """The transforms in order, always applied, with the pipeline's random state seeded."""
    return A.Compose(list(transforms), seed=seed)(image=rgb)["image"]


def _gauss(sigma: float) -> A.GaussianBlur:
    return A.GaussianBlur(sigma_limit=(sigma, sigma), blur_limit=0, p=1.0)  # kernel 2*int(3.5 sigma)+1, as PIL


def _noise(sigma: float) -> A.GaussNoise:
    """Zero-mean Gaussian noise, `sigma` in 8-bit grey levels, independent per pixel and channel."""
    s = sigma / 255.0
    return A.GaussNoise(std_range=(s, s), mean_range=(0.0, 0.0), per_channel=True, p=1.0)


def _unsharp(rgb: np.ndarray, seed: int) -> np.ndarray:
    """A phone's sharpening: unsharp mask rgb + amount * (rgb - Gaussian(rgb, 1.5 px)), amount
    1.0-1.5 from the seed, no threshold (albumentations' UnsharpMask caps the amount at 1)."""
    amount = float(np.random.default_rng(seed).uniform(1.0, 1.5))
    image = rgb.astype(np.float32)
    return _u8(image + amount * (image - cv2.GaussianBlur(image, (0, 0), 1.5)))


def _polygon_mask(shape: tuple[int, ...], points: np.ndarray, hull: bool = False) -> np.ndarray:
    """float32 0/1 mask of the filled polygon (or its convex hull)."""
    mask = np.zeros(shape[:2], np.uint8)
    poly = cv2.convexHull(points.astype(np.float32)) if hull else points
    cv2.fillPoly(mask, [np.round(poly).astype(np.int32).reshape(-1, 1, 2)], 1)
    return mask.astype(np.float32)


def _soften(mask: np.ndarray, sigma: float) -> np.ndarray:
    return cv2.GaussianBlur(mask, (0, 0), max(sigma, 0.5)) if sigma > 0 else mask


def _face_width(subject: Subject) -> float:
    x0, _, x1, _ = subject.face_box
    return float(x1 - x0)


def _face_oval(shape: tuple[int, ...], subject: Subject, soft: float) -> np.ndarray:
    """The face oval of the mesh, edge softened by a Gaussian of `soft` face widths."""
    return _soften(_polygon_mask(shape, subject.landmarks[FACE_OVAL, :2]), soft * _face_width(subject))


def _blend(rgb: np.ndarray, colour: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """rgb * (1 - alpha) + colour * alpha, alpha HxW in 0..1, colour HxWx3 or 3."""
    a = alpha[..., None]
    return _u8(rgb.astype(np.float32) * (1.0 - a) + colour * a)


def _side(seed: int) -> int:
    """-1 (left of the image) or +1 (right), from the seed."""
    return -1 if np.random.default_rng(seed).integers(2) == 0 else 1


def _ellipse_weight(shape: tuple[int, ...], centre, axes, angle_deg: float, edge: float) -> np.ndarray:
    """1 inside an ellipse, falling smoothly to 0 across the outer `edge` share of its radius."""
    height, width = shape[:2]
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    c, s = np.cos(np.radians(angle_deg)), np.sin(np.radians(angle_deg))
    dx, dy = xx - centre[0], yy - centre[1]
    u, v = (dx * c + dy * s) / axes[0], (-dx * s + dy * c) / axes[1]
    t = np.clip((1.0 - np.sqrt(u * u + v * v)) / edge, 0.0, 1.0)
    return t * t * (3 - 2 * t)


# ---- sharpness and resolution ---------------------------------------------------------------


def gaussian_blur(rgb: np.ndarray, subject: Subject, strength: float, seed: int) -> np.ndarray:
    """Gaussian blur; strength = sigma in output pixels."""
    return _albu(rgb, seed, _gauss(strength))


def defocus(rgb: np.ndarray, subject: Subject, strength: float, seed: int) -> np.ndarray:
    """Out of focus: a disk kernel of radius `strength` output pixels (integer), then a Gaussian
    of sigma 0.1 px against aliasing (albumentations Defocus)."""
    r = int(round(strength))
    return _albu(rgb, seed, A.Defocus(radius=(r, r), alias_blur=(0.1, 0.1), p=1.0))


def motion_blur(rgb: np.ndarray, subject: Subject, strength: float, seed: int) -> np.ndarray:
    """Camera shake: a straight, centred line kernel `strength` output pixels long (odd),
    at an angle from the seed (0-180 degrees, the same for every strength of a photo)."""
    k = int(round(strength)) | 1
    angle = float(np.random.default_rng(seed).uniform(0.0, 180.0))
    blur = A.MotionBlur(blur_limit=(k, k), angle_range=(angle, angle), direction_range=(0.0, 0.0),
                        allow_shifted=False, p=1.0)
    return _albu(rgb, seed, blur)


def blur_noise(rgb: np.ndarray, subject: Subject, strength: float, seed: int) -> np.ndarray:
    """Gaussian blur of sigma `strength` px, then sensor noise of sigma 4 grey levels."""
    return _albu(rgb, seed, _gauss(strength), _noise(4.0))


def blur_sharpen(rgb: np.ndarray, subject: Subject, strength: float, seed: int) -> np.ndarray:
    """Gaussian blur of sigma `strength` px, then a phone's sharpening (unsharp mask, radius
    1.5 px, amount 1.0-1.5 from the seed)."""
    return _unsharp(_albu(rgb, seed, _gauss(strength)), seed)


def blur_noise_sharpen(rgb: np.ndarray, subject: Subject, strength: float, seed: int) -> np.ndarray:
    """Gaussian blur of sigma `strength` px, sensor noise of sigma 4 grey levels, then the
    phone's sharpening (noise before sharpening, as in a camera pipeline)."""
    return _unsharp(_albu(rgb, seed, _gauss(strength), _noise(4.0)), seed)


def enlargement(rgb: np.ndarray, subject: Subject, strength: float, seed: int) -> np.ndarray:
    """A small photo blown up: shrunk by the factor `strength` (area averaging), enlarged back
    to the same size (bicubic). Strength 2 = the picture had 246x316 pixels of detail."""
    scale = 1.0 / strength
    down_up = A.Downscale(scale_range=(scale, scale),
                          interpolation_pair={"downscale": cv2.INTER_AREA, "upscale": cv2.INTER_CUBIC}, p=1.0)
    return _albu(rgb, seed, down_up)


# ---- noise and compression ------------------------------------------------------------------


def noise(rgb: np.ndarray, subject: Subject, strength: float, seed: int) -> np.ndarray:
    """Additive Gaussian noise; strength = sigma in 8-bit grey levels, per pixel and channel."""
    return _albu(rgb, seed, _noise(strength))


def unchanged(rgb: np.ndarray, subject: Subject, strength: float, seed: int) -> np.ndarray:
    """No change to the pixels (the JPEG family's fault is the file's quality, see `jpeg_quality`)."""
    return rgb


def jpeg_quality(strength: float) -> int:
    """JPEG family: strength = 100 - quality, so that larger is stronger."""
    return int(round(100 - strength))


def low_light(rgb: np.ndarray, subject: Subject, strength: float, seed: int) -> np.ndarray:
    """Under-exposure: every channel times the gain 1 - `strength` (sRGB values, as
    degrade.exposure), then the sensor noise a dark shot has, sigma 6 grey levels."""
    return _albu(exposure(rgb, subject, gain=1.0 - strength), seed, _noise(6.0))


# ---- colour ---------------------------------------------------------------------------------


def _cast(rgb: np.ndarray, weight: np.ndarray | float, direction: str, delta_e: float) -> np.ndarray:
    """Shift CIELAB a*/b* by `delta_e` (times weight 0..1 per pixel) along the direction's unit vector."""
    lab = cv2.cvtColor(rgb.astype(np.float32) / 255.0, cv2.COLOR_RGB2Lab)
    da, db = CAST_DIRECTIONS[direction]
    w = np.asarray(weight, np.float32) * delta_e
    lab[..., 1] += w * da
    lab[..., 2] += w * db
    return _u8(cv2.cvtColor(lab, cv2.COLOR_Lab2RGB) * 255.0)


def cast_whole(rgb: np.ndarray, subject: Subject, strength: float, seed: int, direction: str) -> np.ndarray:
    """A colour cast over the whole image (white balance): CIELAB a*/b* shifted by `strength`
    dE along `direction` (CAST_DIRECTIONS); L* kept, out-of-gamut values clipped."""
    return _cast(rgb, 1.0, direction, strength)


def cast_skin(rgb: np.ndarray, subject: Subject, strength: float, seed: int, direction: str) -> np.ndarray:
    """A colour cast on the face only (make-up, a coloured reflector, bad skin retouching):
    the a*/b* shift of `cast_whole`, weighted by the mesh's face oval with an edge softened by
    a Gaussian of 3 % of the face width."""
    return _cast(rgb, _face_oval(rgb.shape, subject, 0.03), direction, strength)


def cast_background(rgb: np.ndarray, subject: Subject, strength: float, seed: int, direction: str) -> np.ndarray:
    """A coloured backdrop: the a*/b* shift of `cast_whole`, weighted by 1 - person mask (so
    only behind the person, with the mask's own soft edge)."""
    return _cast(rgb, 1.0 - subject.person_mask, direction, strength)


# ---- background -----------------------------------------------------------------------------


def background_shadow(rgb: np.ndarray, subject: Subject, strength: float, seed: int, soft: bool,
                      offset: float = 0.35, lift: float = 0.08, penumbra: float = 0.08) -> np.ndarray:
    """The person's shadow on the backdrop, as from a flash off to one side.

    The shadow is the person mask shifted sideways by `offset` face widths (0.35; to the left or
    right, from the seed) and up by `lift` head heights (0.08), so it shows beside the head and
    above it; it darkens only the backdrop (times 1 - person mask) by the factor 1 - `strength`.
    Hard: the mask cut at 0.5, edge 1 px; soft: a penumbra, Gaussian of `penumbra` head heights
    (0.08).
    """
    height, width = rgb.shape[:2]
    dx = _side(seed) * offset * _face_width(subject)
    dy = -lift * subject.head_height
    shifted = cv2.warpAffine(subject.person_mask.astype(np.float32), np.float32([[1, 0, dx], [0, 1, dy]]),
                             (width, height), flags=cv2.INTER_LINEAR, borderValue=0.0)
    shape = (_soften(shifted, penumbra * subject.head_height) if soft
             else _soften((shifted > 0.5).astype(np.float32), 1.0))
    darken = 1.0 - strength * shape * (1.0 - subject.person_mask)
    return _u8(rgb.astype(np.float32) * darken[..., None])


def varied_shadow(rgb: np.ndarray, subject: Subject, strength: float, seed: int) -> np.ndarray:
    """`background_shadow` with its geometry drawn from the seed (fixed along the strength
    scale): offset 0.2-0.6 face widths to either side, lift -0.05 to 0.2 head heights (a lamp
    a little below the face up to well above it), hard or soft with a penumbra of 0.03-0.1 head
    heights: shadows near the head (partly hidden behind the hair, or swallowed with it by the
    person mask) and far from it. Nearer or softer, a shadow is hardly seen at 0.3 (0.17 face
    widths with a 0.12 penumbra: a faint gradient beside the hair)."""
    rng = np.random.default_rng(seed + 1)
    offset, lift = float(rng.uniform(0.2, 0.6)), float(rng.uniform(-0.05, 0.2))
    soft, penumbra = bool(rng.integers(2)), float(rng.uniform(0.03, 0.1))
    return background_shadow(rgb, subject, strength, seed, soft, offset=offset, lift=lift, penumbra=penumbra)


def second_person(
    rgb: np.ndarray,
    subject: Subject,
    strength: float,
    seed: int,
    donor: tuple[np.ndarray, Subject],
    scale: float = 1.0,
    drop: float = 0.0,
) -> np.ndarray:
    """Someone else at the edge of the frame: another base photo's person (its person mask:
    head, hair, shoulders), mirrored, at the same scale and height, pasted at the left or right
    edge (from the seed) so that `strength` of its face width (face-mesh box) is inside the
    frame. It stands behind the subject: where the subject's mask is, the subject stays.
    `scale` and `drop` (the variant): the donor at `scale` times the size, its crown `drop`
    of its own crown-to-chin height lower (a younger sibling, a parent bending down)."""
    donor_rgb, donor_subject = donor
    height, width = rgb.shape[:2]
    size = (width, height)
    fx = width / donor_rgb.shape[1]
    fy = height / donor_rgb.shape[0]
    other = cv2.resize(donor_rgb[:, ::-1], size, interpolation=cv2.INTER_AREA)
    other_mask = cv2.resize(np.ascontiguousarray(donor_subject.person_mask[:, ::-1]), size)
    x0, _, x1, _ = donor_subject.face_box
    face_x0, face_x1 = (donor_rgb.shape[1] - x1) * fx, (donor_rgb.shape[1] - x0) * fx  # mirrored
    share = strength * scale * (face_x1 - face_x0)
    dx = (width - share - scale * face_x0) if _side(seed) > 0 else (share - scale * face_x1)
    crown, chin = donor_subject.crown_y * fy, donor_subject.chin_y * fy
    dy = (1.0 - scale) * crown + drop * scale * (chin - crown)
    matrix = np.float32([[scale, 0, dx], [0, scale, dy]])
    other = cv2.warpAffine(other, matrix, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    other_mask = cv2.warpAffine(other_mask, matrix, size, flags=cv2.INTER_LINEAR, borderValue=0.0)
    alpha = other_mask * (1.0 - subject.person_mask)
    return _blend(rgb, other.astype(np.float32), alpha)


# ---- face -----------------------------------------------------------------------------------


def _lens(subject: Subject, eye: int) -> tuple[tuple[float, float], float]:
    """Centre of eye 0 (subject's right) or 1 (left) and its width (corner to corner)."""
    outer, inner = EYE_CORNERS[eye]
    points = subject.landmarks[:, :2]
    centre = (points[outer] + points[inner]) / 2
    return (float(centre[0]), float(centre[1])), float(np.linalg.norm(points[outer] - points[inner]))


def glare(rgb: np.ndarray, subject: Subject, strength: float, seed: int, eyes: str) -> np.ndarray:
    """Light reflected by spectacle lenses: white blended in at alpha = `strength`.

    A lens is an ellipse around the eye, 1.7 eye widths wide and 1.2 tall (as
    degrade.dark_glasses), its edge fading over the outer 30 % of the radius. `eyes`: "both"
    lenses; "one" lens (which, from the seed); "streak": a narrower bright band across one lens
    (0.36 eye widths thick, tilted 20-45 degrees from the seed, fading over half its thickness),
    cut to that lens.
    """
    rng = np.random.default_rng(seed)
    which = [0, 1] if eyes == "both" else [int(rng.integers(2))]
    angle = float(rng.uniform(20.0, 45.0)) * (1 if rng.integers(2) else -1)
    weight = np.zeros(rgb.shape[:2], np.float32)
    for eye in which:
        centre, width = _lens(subject, eye)
        lens = _ellipse_weight(rgb.shape, centre, (0.85 * width, 0.6 * width), 0.0, 0.3)
        if eyes == "streak":
            lens = lens * _ellipse_weight(rgb.shape, centre, (1.2 * width, 0.18 * width), angle, 0.5)
        weight = np.maximum(weight, lens)
    return _blend(rgb, GLARE_WHITE, strength * weight)


def _skin_mask(rgb: np.ndarray, subject: Subject) -> np.ndarray:
    """Face oval minus eyes, brows and mouth (each the hull of its contour grown by 4 % of the
    face width), edges softened by a Gaussian of 1.5 % of the face width."""
    points = subject.landmarks[:, :2]
    fw = _face_width(subject)
    oval = _polygon_mask(rgb.shape, points[FACE_OVAL])
    features = np.zeros(rgb.shape[:2], np.float32)
    for contour in (RIGHT_EYE, LEFT_EYE, RIGHT_BROW, LEFT_BROW, LIPS):
        features = np.maximum(features, _polygon_mask(rgb.shape, points[contour], hull=True))
    grow = max(int(round(0.04 * fw)), 1) * 2 + 1
    features = cv2.dilate(features, np.ones((grow, grow), np.uint8))
    return _soften(oval * (1.0 - features), 0.015 * fw)


def retouch(rgb: np.ndarray, subject: Subject, strength: float, seed: int) -> np.ndarray:
    """A beauty filter: the skin (`_skin_mask`) smoothed edge-preservingly.

    The smoothed image is 4 passes of a bilateral filter (9 px neighbourhood, colour sigma 30
    grey levels, space sigma 2.5 % of the face width), run on the face box only; the skin is
    blended towards it by `strength` (0 = none, 1 = fully smoothed). Eyes, brows, mouth and
    the outline of the face keep their detail.
    """
    height, width = rgb.shape[:2]
    x0, y0, x1, y1 = subject.face_box
    pad = 12
    ix0, iy0 = max(int(x0) - pad, 0), max(int(y0) - pad, 0)
    ix1, iy1 = min(int(np.ceil(x1)) + pad, width), min(int(np.ceil(y1)) + pad, height)
    smooth = rgb.copy()
    part = rgb[iy0:iy1, ix0:ix1]
    for _ in range(4):
        part = cv2.bilateralFilter(part, 9, 30.0, 0.025 * _face_width(subject))
    smooth[iy0:iy1, ix0:ix1] = part
    return _blend(rgb, smooth.astype(np.float32), strength * _skin_mask(rgb, subject))


def head_covering(rgb: np.ndarray, subject: Subject, strength: float, seed: int) -> np.ndarray:
    """A knitted beanie pulled down to `strength` of the way from the crown to the brows.

    Its lower edge is the line crown_y + strength * (brow_y - crown_y), bowing down towards
    the ears by 0.15 of that distance; above it the hat is the person mask (hair included)
    within the face width widened by 20 % a side, grown by 3 % of the face width (it sits on
    the hair). Colour from the seed (HAT_COLOURS); solid, or ribbed (vertical stripes, period
    4 % of the face width, +-12 % brightness) also from the seed; shaded like a cylinder
    (darker to the sides) and with a turned-up cuff (10 % brighter) along the lower edge.
    Strength 0 leaves a cap on the hair above the skull top: no strength is invisible.
    """
    rng = np.random.default_rng(seed)
    colour = np.array(HAT_COLOURS[int(rng.integers(len(HAT_COLOURS)))], np.float32)
    ribbed = bool(rng.integers(2))
    height, width = rgb.shape[:2]
    points = subject.landmarks[:, :2]
    brow_y = float(np.mean(points[RIGHT_BROW + LEFT_BROW, 1]))
    span = max(brow_y - subject.crown_y, 1.0)
    x0, _, x1, _ = subject.face_box
    fw = x1 - x0
    cx, half = (x0 + x1) / 2, fw / 2 * 1.2
    xs = np.arange(width, dtype=np.float32)
    rel = np.clip((xs - cx) / half, -1.0, 1.0)
    edge = subject.crown_y + strength * span + 0.15 * span * rel**2  # the hat's lower edge per column
    yy = np.arange(height, dtype=np.float32)[:, None]
    inside = (subject.person_mask > 0.5) & (yy < edge[None, :]) & (np.abs(xs - cx)[None, :] < half)
    grow = max(int(round(0.03 * fw)), 1) * 2 + 1
    hat = cv2.dilate(inside.astype(np.uint8), np.ones((grow, grow), np.uint8)).astype(np.float32)
    hat *= (yy < edge[None, :] + grow / 2).astype(np.float32)  # growing must not push the edge down
    shade = (1.0 - 0.35 * rel**2)[None, :]
    if ribbed:
        shade = shade * (1.0 + 0.12 * np.sin(2 * np.pi * (xs - cx) / (0.04 * fw)))[None, :]
    cuff = ((yy > edge[None, :] - 0.12 * span) & (yy < edge[None, :] + grow)).astype(np.float32)
    shade = shade * (1.0 + 0.1 * cuff)
    fabric = colour[None, None, :] * shade[..., None]
    return _blend(rgb, fabric, _soften(hat, 1.0))


# ---- face: hair over the eyes, light from one side ------------------------------------------

# black, dark brown, brown, auburn, blonde
HAIR_COLOURS = ((25, 22, 20), (60, 42, 32), (105, 72, 50), (130, 62, 36), (190, 160, 112))


def hair_over_eyes(rgb: np.ndarray, subject: Subject, strength: float, seed: int, eyes: str) -> np.ndarray:
    """A fringe (`eyes` "both") or one lock ("one", which eye from the seed) hanging from the
    hair over the eyes. Its lower edge covers `strength` of the eye opening from the upper lid
    (the eye contours' highest and lowest points, averaged over both eyes): 0 ends at the
    upper lid, 0.5 hides half of each eye, 1 the whole of it, -2 lies two openings higher, on
    the brows; the edge is ragged by 15 % of an opening. Hair colour from the seed
    (HAIR_COLOURS: black to blonde), in strands (noise stretched along the fall, +-15 %
    brightness) with gaps where the skin shows through (opacity 0.5-1). The fringe spans the
    eyes and 0.6 eye widths beyond their outer corners; the lock 0.9 eye widths to either side
    of its eye's centre. Drawn only on the person (the mask or the face oval), from the crown
    down.
    """
    rng = np.random.default_rng(seed)
    colour = np.array(HAIR_COLOURS[int(rng.integers(len(HAIR_COLOURS)))], np.float32)
    which = int(rng.integers(2))
    height, width = rgb.shape[:2]
    points = subject.landmarks[:, :2]
    contours = [points[RIGHT_EYE, 1], points[LEFT_EYE, 1]]
    upper = float(np.mean([c.min() for c in contours]))
    opening = max(float(np.mean([c.max() - c.min() for c in contours])), 1.0)
    if eyes == "both":
        (c0, w0), (c1, w1) = _lens(subject, 0), _lens(subject, 1)
        x0, x1 = min(c0[0], c1[0]) - 0.5 * w0 - 0.6 * w0, max(c0[0], c1[0]) + 0.5 * w1 + 0.6 * w1
    else:
        centre, eye_width = _lens(subject, which)
        x0, x1 = centre[0] - 0.9 * eye_width, centre[0] + 0.9 * eye_width
    xs = np.arange(width, dtype=np.float32)
    wave = cv2.GaussianBlur(rng.normal(0, 1, (1, width)).astype(np.float32), (0, 0), sigmaX=6)[0]
    wave /= max(float(np.abs(wave).max()), 1e-6)
    edge = upper + strength * opening + 0.15 * opening * wave  # the lower edge per column
    yy = np.arange(height, dtype=np.float32)[:, None]
    on_person = (subject.person_mask > 0.5) | (_face_oval(rgb.shape, subject, 0.0) > 0.5)
    inside = on_person & (yy >= subject.crown_y) & (yy < edge[None, :]) & ((xs >= x0) & (xs <= x1))[None, :]
    strands = cv2.GaussianBlur(rng.normal(0, 1, (height, width)).astype(np.float32), (0, 0), sigmaX=0.8, sigmaY=8)
    strands /= max(float(strands.std()), 1e-6)
    gaps = cv2.GaussianBlur(rng.normal(0, 1, (height, width)).astype(np.float32), (0, 0), sigmaX=1.5, sigmaY=10)
    gaps /= max(float(gaps.std()), 1e-6)
    opacity = np.clip(0.85 + 0.25 * gaps, 0.5, 1.0)
    hair = colour[None, None, :] * np.clip(1.0 + 0.15 * strands, 0.6, 1.4)[..., None]
    return _blend(rgb, hair, _soften(inside.astype(np.float32), 1.0) * opacity)


def side_light(rgb: np.ndarray, subject: Subject, strength: float, seed: int) -> np.ndarray:
    """Light from one side (which, from the seed): that half of the picture, and so of the face,
    keeps 1 - `strength` of its encoded values, with a soft edge around the face's midline
    (benchmarks/degrade.side_shadow, mirrored for the other side)."""
    if _side(seed) > 0:
        return side_shadow(rgb, subject, 1.0 - strength)
    mirrored = np.ascontiguousarray(rgb[:, ::-1])
    flipped = Subject(
        (rgb.shape[1] - 1 - subject.eye_centre[0], subject.eye_centre[1]), subject.eye_distance,
        subject.face_box, subject.crown_y, subject.chin_y, subject.crop_height,
        subject.person_mask, subject.landmarks,
    )
    return np.ascontiguousarray(side_shadow(mirrored, flipped, 1.0 - strength)[:, ::-1])


def rotate(rgb: np.ndarray, subject: Subject, strength: float, seed: int) -> np.ndarray:
    """A photo saved sideways: turned counter-clockwise by `strength` degrees (90, 180 or 270)."""
    return np.ascontiguousarray(np.rot90(rgb, k=int(round(strength / 90)) % 4))


def tilt(rgb: np.ndarray, subject: Subject, strength: float, seed: int) -> np.ndarray:
    """A tilted head (or camera): the photo turned by `strength` degrees about the face's centre,
    clockwise or not (from the seed), its corners filled by repeating the edges."""
    height, width = rgb.shape[:2]
    x0, y0, x1, y1 = subject.face_box
    matrix = cv2.getRotationMatrix2D(((x0 + x1) / 2, (y0 + y1) / 2), _side(seed) * strength, 1.0)
    return cv2.warpAffine(rgb, matrix, (width, height), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)


# ---- the table ------------------------------------------------------------------------------


def _q95(strength: float) -> int:
    return 95


def _q60(strength: float) -> int:
    return 60


@dataclass(frozen=True)
class Family:
    name: str
    fn: Callable[..., np.ndarray]  # (rgb, subject, strength, seed[, donor]) -> rgb
    rule: str  # the rule meant to catch it
    strengths: tuple[float, ...]  # from invisible to absurd; larger is stronger
    bad_from: float  # from this strength a person clearly rejects the photo
    unit: str = ""  # what the strength is, for the table
    measure: str | None = None  # the rule's measure it moves (None: the rule's first limit)
    also: tuple[str, ...] = ()  # further rules that count as catching it
    quality: Callable[[float], int] = field(default=_q95)  # JPEG quality of the checked file, per strength
    donor: bool = False  # fn also takes donor=(rgb, Subject) of another base photo
    ordered: bool = True  # the strengths are a scale (monotonicity is checked)


BLUR_SIGMAS = (0.5, 1.0, 1.5, 2.0, 2.5, 3.5, 5.0, 8.0, 14.0)
NOISE_SIGMAS = (1.0, 2.0, 4.0, 6.0, 9.0, 12.0, 16.0, 22.0, 30.0)
CAST_DE = (2.0, 5.0, 10.0, 15.0, 20.0, 30.0, 45.0, 60.0)
HAIR_OVER = (-2.0, -1.0, 0.0, 0.25, 0.4, 0.5, 0.65, 0.8, 1.0, 1.5)  # share of the eye opening hidden


def _casts(where: str, fn: Callable, rule: str, strengths: tuple[float, ...], bad_from: float,
           measure: str | None = None) -> tuple[Family, ...]:
    return tuple(
        Family(f"cast.{where}.{d}", partial(fn, direction=d), rule, strengths, bad_from, "dE", measure)
        for d in CAST_DIRECTIONS
    )


FAMILIES: tuple[Family, ...] = (
    Family("blur.gauss", gaussian_blur, "image.sharpness", (0.5, 1.0, 1.5, 2.0, 2.5, 3.5, 5.0, 7.0, 10.0, 14.0),
           2.5, "sigma px"),
    Family("blur.defocus", defocus, "image.sharpness", (1, 2, 3, 4, 5, 6, 8, 10), 3, "radius px"),
    Family("blur.motion", motion_blur, "image.sharpness", (3, 5, 7, 9, 13, 17, 23, 31), 9, "length px"),
    Family("blur.noise", blur_noise, "image.sharpness", BLUR_SIGMAS, 2.5, "sigma px"),
    Family("blur.sharpen", blur_sharpen, "image.sharpness", BLUR_SIGMAS, 2.5, "sigma px"),
    Family("blur.noise.sharpen", blur_noise_sharpen, "image.sharpness", BLUR_SIGMAS, 2.5, "sigma px"),
    # our decision: an enlarged photo must fail resolution or sharpness
    Family("enlarge", enlargement, "image.resolution", (1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.5, 8.0), 3.0, "factor",
           also=("image.sharpness",)),
    Family("noise", noise, "image.noise", NOISE_SIGMAS, 12.0, "sigma grey"),
    Family("noise.jpeg60", noise, "image.noise", NOISE_SIGMAS, 12.0, "sigma grey", quality=_q60),
    Family("jpeg", unchanged, "image.compression", (5, 15, 25, 40, 55, 70, 80, 86, 90, 93, 96), 90, "100-q",
           quality=jpeg_quality),
    *_casts("whole", cast_whole, "face.colour", CAST_DE, 20.0),
    *_casts("skin", cast_skin, "face.colour", CAST_DE, 20.0),
    *_casts("background", cast_background, "background.light", (2.0, 5.0, 10.0, 15.0, 20.0, 25.0, 35.0, 60.0), 25.0,
            measure="background_chroma"),
    Family("shadow.hard", partial(background_shadow, soft=False), "background.shadow",
           (0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.65, 0.8), 0.3, "1-factor"),
    Family("shadow.soft", partial(background_shadow, soft=True), "background.shadow",
           (0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.65, 0.8), 0.3, "1-factor"),
    Family("shadow.varied", varied_shadow, "background.shadow",
           (0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.65, 0.8, 0.9), 0.3, "1-factor"),
    Family("glare.both", partial(glare, eyes="both"), "face.glare", (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0), 0.5,
           "alpha"),
    Family("glare.one", partial(glare, eyes="one"), "face.glare", (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0), 0.5,
           "alpha"),
    Family("glare.streak", partial(glare, eyes="streak"), "face.glare", (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.8, 1.0),
           0.5, "alpha"),
    Family("retouch", retouch, "face.retouched", (0.05, 0.15, 0.3, 0.45, 0.6, 0.75, 0.9, 1.0), 0.6, "blend"),
    Family("second.person", second_person, "background.person", (0.05, 0.1, 0.15, 0.2, 0.25, 0.35, 0.45, 0.6), 0.25,
           "face share", measure="skin_beside_head", also=("face.count",), donor=True),
    Family("second.person.lower", partial(second_person, scale=0.8, drop=0.35), "background.person",
           (0.05, 0.1, 0.15, 0.2, 0.25, 0.35, 0.45, 0.6), 0.25, "face share", measure="skin_beside_head",
           also=("face.count",), donor=True),
    Family("headwear", head_covering, "face.headwear", (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.65, 0.8), 0.3, "brow share",
           measure="head_top_texture"),
    # bad from 0.8: most of an eye behind hair; at 0.4-0.65 the pupil is half hidden (grey zone)
    Family("hair.eyes", partial(hair_over_eyes, eyes="both"), "face.eyes", HAIR_OVER, 0.8, "eye share",
           measure="eye_openness", also=("face.covered",)),
    Family("hair.eye", partial(hair_over_eyes, eyes="one"), "face.eyes", HAIR_OVER, 0.8, "eye share",
           measure="eye_mismatch"),
    Family("light.side", side_light, "face.lighting", (0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.65, 0.8), 0.4, "1-factor"),
    Family("rotate", rotate, "image.orientation", (90, 180, 270), 90, "degrees", ordered=False),
    Family("tilt", tilt, "face.pose", (0, 2, 4, 6, 8, 10, 12, 15, 20, 30), 12, "degrees", measure="roll_abs"),
    Family("lowlight", low_light, "image.exposure", (0.0, 0.1, 0.2, 0.35, 0.5, 0.6, 0.7, 0.8), 0.6, "1-gain",
           measure="face_lightness"),
)
