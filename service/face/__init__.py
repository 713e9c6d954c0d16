"""Face stage: find faces, then describe the main one (mesh, pose, eyes, mouth, chin, crown).

Input is the decoded image (upright sRGB); each model reads the level of its pyramid it needs.
Every coordinate that leaves this package is in source pixels, so later stages never care
about the decode scale; the person mask is the whole frame at the segmenter's ~256 rows
(users scale it by its own shape). A face hidden by a strong cast or by a photo saved sideways
is looked for again (`orient.py`); when it is found only turned, `FaceAnalysis.turn` says so and
everything describes the image turned upright.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..profile import DetectionSettings
from .detect import DetectedFace
from .geometry import CHIN, FOREHEAD, Pose, crown_y, eye_centres, eye_openness, head_pose, mouth_gap
from .models import FaceModels, load_models
from .orient import find_upright
from .segment import INPUT_SIZE as SEGMENTER_ROWS

__all__ = ["FaceAnalysis", "Face", "analyse_faces", "load_models"]


@dataclass(frozen=True)
class Face:
    """The main face, in source pixels."""

    box: tuple[float, float, float, float]
    landmarks: np.ndarray  # (468, 3)
    pose: Pose
    eye_openness: tuple[float, float]
    mouth_gap: float
    right_eye: tuple[float, float]
    left_eye: tuple[float, float]
    chin_y: float
    crown_y: float
    centre_x: float  # face midline at eye level

    @property
    def eye_distance(self) -> float:
        return float(np.hypot(self.left_eye[0] - self.right_eye[0], self.left_eye[1] - self.right_eye[1]))

    @property
    def eye_y(self) -> float:
        return (self.right_eye[1] + self.left_eye[1]) / 2

    @property
    def head_height(self) -> float:
        return self.chin_y - self.crown_y


@dataclass(frozen=True)
class FaceAnalysis:
    count: int
    face: Face | None  # the largest face, when there is at least one
    person_mask: np.ndarray  # float32 0..1, the whole frame at ~256 rows: the person (with hair and clothes)
    others: tuple[tuple[float, float, float, float], ...]  # boxes of further faces, source pixels
    turn: int = 0  # clockwise degrees the decoded image had to turn to stand upright (orient.py);
    # every coordinate above is in the source pixels of the photo turned so


def analyse_faces(rgb: np.ndarray, scale: float, models: FaceModels, settings: DetectionSettings) -> FaceAnalysis:
    """`rgb` is the decoded image, `scale` its pixels per source pixel. When the face is found
    only with the image turned (`FaceAnalysis.turn`), everything describes the turned image:
    the caller turns its pixels the same way (`orient.turned_image`)."""
    with models.lock:
        found = find_upright(rgb, models, settings, SEGMENTER_ROWS)
    faces, mask, pyramid = found.faces, found.mask, found.pyramid
    if not faces:
        return FaceAnalysis(0, None, mask, ())
    main = _describe(faces[0], mask, pyramid.frame_scale, models, settings, 1.0 / scale)
    others = tuple(tuple(v / scale for v in f.box) for f in faces[1:])
    return FaceAnalysis(len(faces), main, mask, others, found.turn)


def _describe(
    found: DetectedFace,
    mask: np.ndarray,
    mask_scale: float,
    models: FaceModels,
    settings: DetectionSettings,
    to_source: float,
) -> Face:
    points = found.landmarks
    right, left = eye_centres(points)
    crown = crown_y(points * mask_scale, mask, settings.crown_range) / mask_scale
    return Face(
        box=tuple(v * to_source for v in found.box),
        landmarks=points * to_source,
        pose=head_pose(points, models.canonical_face),
        eye_openness=eye_openness(points),
        mouth_gap=mouth_gap(points),
        right_eye=tuple(right * to_source),
        left_eye=tuple(left * to_source),
        chin_y=float(points[CHIN, 1] * to_source),
        crown_y=crown * to_source,
        centre_x=float((points[FOREHEAD, 0] + points[CHIN, 0] + right[0] + left[0]) / 4 * to_source),
    )
