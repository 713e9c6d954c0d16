"""Synthetic faults for the accuracy benchmark: pure functions, RGB uint8 array in, array out.

Each function takes the image and a `Subject` (what the engine measured on the untouched
photo: eyes, face box, crown, chin, crop, person mask, all in source pixels) and returns a
new image; nothing here calls the engine, reads files or keeps state. Random textures take
their seed as an argument, so the same call always gives the same pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


@dataclass(frozen=True)
class Subject:
    """The untouched photo as the engine saw it (source pixels)."""

    eye_centre: tuple[float, float]  # midpoint of the two eye centres
    eye_distance: float
    face_box: tuple[float, float, float, float]  # x0, y0, x1, y1 of the face mesh
    crown_y: float
    chin_y: float
    crop_height: float  # rows of the proposed 35:45 ID crop
    person_mask: np.ndarray  # float32 0..1, same height and width as the image
    landmarks: np.ndarray  # (468, 2+) face mesh, source pixels

    @property
    def head_height(self) -> float:
        return self.chin_y - self.crown_y


def _u8(image: np.ndarray) -> np.ndarray:
    return np.clip(np.rint(image), 0, 255).astype(np.uint8)


def _smoothstep(t: np.ndarray) -> np.ndarray:
    t = np.clip(t, 0.0, 1.0)
    return t * t * (3 - 2 * t)


# ---- image quality --------------------------------------------------------------------------


def blur(rgb: np.ndarray, subject: Subject, sigma: float, output_rows: int = 633) -> np.ndarray:
    """Gaussian blur, sigma in pixels of the ID output (the crop scaled to `output_rows`): the
    same sigma is the same visible blur on the card whatever the photo's resolution."""
    return cv2.GaussianBlur(rgb, (0, 0), sigma * subject.crop_height / output_rows)


def greyscale(rgb: np.ndarray, subject: Subject) -> np.ndarray:
    return np.repeat(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)[..., None], 3, axis=2)


def sepia(rgb: np.ndarray, subject: Subject) -> np.ndarray:
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY).astype(np.float32)
    return _u8(np.stack([grey * 1.07 + 20, grey * 0.95 + 10, grey * 0.75], axis=-1))


def exposure(rgb: np.ndarray, subject: Subject, gain: float) -> np.ndarray:
    """Every channel times `gain`, clipped to 0..255 (x0.35 under-, x2.0 over-exposed)."""
    return _u8(rgb.astype(np.float32) * gain)


def noise(rgb: np.ndarray, subject: Subject, sigma: float, seed: int) -> np.ndarray:
    """Additive Gaussian noise, sigma in 8-bit levels, independent per channel."""
    rng = np.random.default_rng(seed)
    return _u8(rgb.astype(np.float32) + rng.normal(0.0, sigma, rgb.shape).astype(np.float32))


def identity(rgb: np.ndarray, subject: Subject) -> np.ndarray:
    """No change (the compression fault is made by the encoder's quality, not here)."""
    return rgb


def low_resolution(rgb: np.ndarray, subject: Subject, rows: float) -> np.ndarray:
    """Resize the whole image so that the proposed ID crop has `rows` rows."""
    factor = rows / subject.crop_height
    height, width = rgb.shape[:2]
    size = (max(round(width * factor), 1), max(round(height * factor), 1))
    return cv2.resize(rgb, size, interpolation=cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC)


# ---- head pose and framing ------------------------------------------------------------------


def roll(rgb: np.ndarray, subject: Subject, degrees: float) -> np.ndarray:
    """The whole image rotated about the eye midpoint (the head tilts, the frame stays)."""
    height, width = rgb.shape[:2]
    matrix = cv2.getRotationMatrix2D(subject.eye_centre, degrees, 1.0)
    return cv2.warpAffine(rgb, matrix, (width, height), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def yaw(rgb: np.ndarray, subject: Subject, degrees: float) -> np.ndarray:
    """Head turned about the vertical axis, approximated by a warp of a cylindrical head.

    A 2D photo holds no side of the head, so this only imitates a turn. The head is a vertical
    cylinder through the face midline (eye midpoint), radius 1.3x half the face-mesh box, so
    ears and hair are inside. A point at angle phi on it (x = r sin phi) goes to
    phi + theta cos phi: the middle of the face (nose, mouth) slides sideways by r sin theta,
    the cheek on that side is compressed and the other stretched, and the cylinder's edges
    stay where they were, so nothing tears or smears sideways. Only x moves, and the shift
    fades out smoothly above the hair and down the neck, so background and body stay put.
    """
    height, width = rgb.shape[:2]
    x0, _, x1, _ = subject.face_box
    radius = 1.3 * (x1 - x0) / 2
    centre = subject.eye_centre[0]
    theta = np.radians(degrees)

    phi = np.linspace(-np.pi / 2, np.pi / 2, 2049)
    moved = radius * np.sin(phi + theta * np.cos(phi))  # monotonic while theta < 1 rad
    xs = np.arange(width, dtype=np.float64) - centre
    inside = np.abs(xs) < radius
    shift = np.zeros_like(xs)
    shift[inside] = np.interp(xs[inside], moved, radius * np.sin(phi)) - xs[inside]  # source x - output x

    ys = np.arange(height, dtype=np.float64)
    head = subject.head_height
    top, bottom, margin = subject.crown_y - 0.25 * head, subject.chin_y + 0.1 * head, 0.4 * head
    fade = _smoothstep((ys - (top - margin)) / margin) * (1.0 - _smoothstep((ys - bottom) / margin))

    map_x = (centre + xs[None, :] + shift[None, :] * fade[:, None]).astype(np.float32)
    map_y = np.repeat(ys[:, None].astype(np.float32), width, axis=1)
    return cv2.remap(rgb, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def cut_top(rgb: np.ndarray, subject: Subject, share: float) -> np.ndarray:
    """The image cut `share` of the head height below the crown (the top of the head is gone)."""
    row = int(round(subject.crown_y + share * subject.head_height))
    return np.ascontiguousarray(rgb[max(row, 0) :])


# ---- background and light -------------------------------------------------------------------


def _behind_person(rgb: np.ndarray, subject: Subject, backdrop: np.ndarray) -> np.ndarray:
    alpha = subject.person_mask[..., None]
    return _u8(rgb.astype(np.float32) * alpha + backdrop.astype(np.float32) * (1.0 - alpha))


def busy_background(rgb: np.ndarray, subject: Subject, seed: int) -> np.ndarray:
    """The backdrop replaced by random saturated blocks with diagonal stripes (high contrast)."""
    height, width = rgb.shape[:2]
    rng = np.random.default_rng(seed)
    cell = max(height // 16, 4)
    grid = rng.integers(0, 256, size=(height // cell + 1, width // cell + 1, 3)).astype(np.uint8)
    blocks = cv2.resize(grid, (grid.shape[1] * cell, grid.shape[0] * cell), interpolation=cv2.INTER_NEAREST)
    blocks = blocks[:height, :width].astype(np.float32)
    yy, xx = np.mgrid[0:height, 0:width]
    stripes = ((xx + yy) // max(cell // 3, 2)) % 2
    backdrop = np.where(stripes[..., None] == 1, blocks, 255 - blocks)
    return _behind_person(rgb, subject, backdrop)


def plain_background(rgb: np.ndarray, subject: Subject, colour: tuple[int, int, int]) -> np.ndarray:
    """The backdrop replaced by one flat colour (a dark grey for `background.light`)."""
    backdrop = np.empty_like(rgb)
    backdrop[...] = colour
    return _behind_person(rgb, subject, backdrop)


# ---- occlusion -----------------------------------------------------------------------------

_NOSE_BRIDGE = 6  # mesh index: the bridge of the nose, where a face mask's top edge sits
_JAW = [93, 132, 58, 172, 136, 150, 149, 176, 148, 152, 377, 400, 378, 379, 365, 397, 288, 361, 323]


def face_mask(rgb: np.ndarray, subject: Subject, colour: tuple[int, int, int]) -> np.ndarray:
    """A face mask of one colour over nose, mouth and chin: the hull of the nose bridge and the
    jaw line (ear to ear), lighter at the top and shaded towards the chin like folded fabric."""
    points = subject.landmarks[:, :2]
    hull = cv2.convexHull(points[[_NOSE_BRIDGE, *_JAW]].astype(np.float32))
    inside = np.zeros(rgb.shape[:2], np.uint8)
    cv2.fillPoly(inside, [np.round(hull).astype(np.int32)], 1)
    top, bottom = points[_NOSE_BRIDGE, 1], points[152, 1]
    rows = np.arange(rgb.shape[0], dtype=np.float32)
    shade = 1.05 - 0.2 * np.clip((rows - top) / max(bottom - top, 1.0), 0.0, 1.0)
    fabric = np.array(colour, np.float32)[None, None, :] * shade[:, None, None]
    alpha = cv2.GaussianBlur(inside.astype(np.float32), (0, 0), 1.5)[..., None]  # a soft edge
    return _u8(rgb.astype(np.float32) * (1 - alpha) + fabric * alpha)


def dark_glasses(rgb: np.ndarray, subject: Subject, colour: tuple[int, int, int]) -> np.ndarray:
    """Two lens-shaped ellipses over the eyes (1.7 eye widths wide, 1.2 tall) and a bridge."""
    points = subject.landmarks[:, :2]
    out = rgb.copy()
    centres = []
    for outer, inner in ((33, 133), (263, 362)):  # mesh indices of the eye corners
        centre = (points[outer] + points[inner]) / 2
        width = float(np.linalg.norm(points[outer] - points[inner]))
        axes = (int(round(0.85 * width)), int(round(0.6 * width)))
        cv2.ellipse(out, (int(round(centre[0])), int(round(centre[1]))), axes, 0, 0, 360, colour, -1)
        centres.append(centre)
    thickness = max(int(round(0.05 * subject.eye_distance)), 1)
    cv2.line(out, tuple(int(round(v)) for v in centres[0]), tuple(int(round(v)) for v in centres[1]), colour, thickness)
    return out


def side_shadow(rgb: np.ndarray, subject: Subject, darkest: float) -> np.ndarray:
    """One side of the image (and so of the face) darkened to `darkest`, with a soft edge.

    The factor is `darkest` left of the face midline minus half the eye distance and 1 right
    of the midline plus a tenth of it (a smooth step in between): one half of the face is in
    shadow, as under light from one side.
    """
    width = rgb.shape[1]
    centre, span = subject.eye_centre[0], subject.eye_distance
    xs = np.arange(width, dtype=np.float32)
    step = _smoothstep((xs - (centre - 0.5 * span)) / (0.6 * span))
    factor = darkest + (1.0 - darkest) * step
    return _u8(rgb.astype(np.float32) * factor[None, :, None])
