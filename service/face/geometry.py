"""Face geometry from the landmark mesh: head pose, eyes, mouth, chin and crown.

Landmark indices are MediaPipe face-mesh indices. "Right"/"left" are the subject's.
Everything here is a pure function of the mesh (and, for the crown, the person mask).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# MediaPipe face mesh indices
NOSE_TIP, FOREHEAD, CHIN = 1, 10, 152
RIGHT_EYE_OUTER, RIGHT_EYE_INNER, RIGHT_EYE_TOP, RIGHT_EYE_BOTTOM = 33, 133, 159, 145
LEFT_EYE_OUTER, LEFT_EYE_INNER, LEFT_EYE_TOP, LEFT_EYE_BOTTOM = 263, 362, 386, 374
MOUTH_RIGHT, MOUTH_LEFT, LIP_TOP_INNER, LIP_BOTTOM_INNER = 61, 291, 13, 14
LIP_TOP_OUTER, LIP_BOTTOM_OUTER, NOSE_BASE = 0, 17, 2
BETWEEN_EYES, BETWEEN_BROWS = 168, 9
# the outline of each eye opening (lid edges), MediaPipe face-mesh indices
RIGHT_EYE_CONTOUR = [33, 7, 163, 144, 145, 153, 154, 155, 133, 173, 157, 158, 159, 160, 161, 246]
LEFT_EYE_CONTOUR = [263, 249, 390, 373, 374, 380, 381, 382, 362, 398, 384, 385, 386, 387, 388, 466]
# each eyebrow's outline (upper and lower edge), MediaPipe face-mesh indices
RIGHT_BROW = [46, 53, 52, 65, 55, 70, 63, 105, 66, 107]
LEFT_BROW = [276, 283, 282, 295, 285, 300, 293, 334, 296, 336]
FACE_OVAL = [10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377, 152,
             148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109]


@dataclass(frozen=True)
class Pose:
    yaw: float  # degrees, + = subject turns to their left
    pitch: float  # degrees, + = chin up
    roll: float  # degrees, + = head tilted clockwise in the image


def head_pose(points: np.ndarray, canonical: dict[int, tuple[float, float, float]]) -> Pose:
    """Rigid 3D alignment (Kabsch) of the mesh to MediaPipe's canonical face.

    The mesh model predicts depth, so we align in 3D instead of solving PnP from 2D points:
    no focal length has to be guessed, and on our studio photos the yaw of frontal faces
    came out within 4.5 degrees where solvePnP gave up to 9 (see rules/README.md).
    """
    ids = sorted(canonical)
    # canonical: x right, y up, z to the viewer; image mesh: x right, y down, z away from the viewer
    reference = np.array([canonical[i] for i in ids], dtype=np.float64) * np.array([1.0, -1.0, -1.0])
    measured = points[ids].astype(np.float64)
    reference -= reference.mean(axis=0)
    measured -= measured.mean(axis=0)
    u, _, vt = np.linalg.svd(reference.T @ measured)
    sign = np.sign(np.linalg.det(vt.T @ u.T)) or 1.0
    rotation = vt.T @ np.diag([1.0, 1.0, sign]) @ u.T
    return _euler(rotation)


def _euler(r: np.ndarray) -> Pose:
    """Yaw about the vertical axis, pitch about the horizontal one, roll in the image plane."""
    pitch = np.degrees(np.arctan2(-r[1, 2], r[2, 2]))
    yaw = np.degrees(np.arcsin(np.clip(r[0, 2], -1.0, 1.0)))
    roll = np.degrees(np.arctan2(-r[0, 1], r[0, 0]))
    return Pose(yaw=float(yaw), pitch=float(-pitch), roll=float(roll))


def eye_openness(points: np.ndarray) -> tuple[float, float]:
    """Lid gap / eye width for each eye (about 0.25-0.35 open, under 0.1 closed)."""

    def ratio(outer: int, inner: int, top: int, bottom: int) -> float:
        width = np.linalg.norm(points[outer, :2] - points[inner, :2])
        gap = np.linalg.norm(points[top, :2] - points[bottom, :2])
        return float(gap / width) if width > 0 else 0.0

    return (
        ratio(RIGHT_EYE_OUTER, RIGHT_EYE_INNER, RIGHT_EYE_TOP, RIGHT_EYE_BOTTOM),
        ratio(LEFT_EYE_OUTER, LEFT_EYE_INNER, LEFT_EYE_TOP, LEFT_EYE_BOTTOM),
    )


def mouth_gap(points: np.ndarray) -> float:
    """Inner-lip gap / mouth width (0 closed, >0.15 clearly open)."""
    width = np.linalg.norm(points[MOUTH_LEFT, :2] - points[MOUTH_RIGHT, :2])
    gap = np.linalg.norm(points[LIP_TOP_INNER, :2] - points[LIP_BOTTOM_INNER, :2])
    return float(gap / width) if width > 0 else 0.0


def eye_centres(points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    right = (points[RIGHT_EYE_OUTER, :2] + points[RIGHT_EYE_INNER, :2]) / 2
    left = (points[LEFT_EYE_OUTER, :2] + points[LEFT_EYE_INNER, :2]) / 2
    return right, left


def crown_y(points: np.ndarray, person_mask: np.ndarray | None, crown_range: tuple[float, float]) -> float:
    """Top of the skull (image y): ICAO's crown, the top of the head as if there were no hair.

    Landmark 10 is the top of the forehead, not the crown. The crown is read from the person
    mask in a narrow column above the forehead and kept within `crown_range` (in
    forehead-to-chin lengths above the forehead): the mask finds it on bald and short-haired
    heads, and the range stops hair volume from counting as head. When the person runs out of
    the frame at the top, the crown is taken at the top of the range: the cautious guess for a
    cut-off head, and the one a padded fix of that photo will read again.
    """
    forehead, chin = points[FOREHEAD, :2], points[CHIN, :2]
    face_len = float(np.linalg.norm(chin - forehead))
    lo_y = forehead[1] - crown_range[0] * face_len  # lowest plausible crown (nearest the forehead)
    hi_y = forehead[1] - crown_range[1] * face_len  # highest plausible crown
    guess = (lo_y + hi_y) / 2
    if person_mask is None:
        return float(guess)
    height, width = person_mask.shape
    half = max(int(0.15 * face_len), 1)
    x = int(round(forehead[0]))
    column = person_mask[:, max(x - half, 0) : min(x + half + 1, width)]
    if column.size == 0:
        return float(guess)
    rows = np.flatnonzero(column.mean(axis=1) > 0.5)
    rows = rows[rows <= forehead[1]]
    if rows.size == 0:
        return float(guess)
    top = float(rows.min())
    if top <= 1:  # the person runs out of the frame at the top: assume the tallest plausible head
        return float(hi_y)
    return float(np.clip(top, hi_y, lo_y))
