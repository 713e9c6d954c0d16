"""Face stage: find faces, then describe the main one (mesh, pose, eyes, mouth, chin, crown).

Input is the analysis image (upright sRGB, a few hundred rows); every coordinate that leaves
this package is converted to source pixels, so later stages never care about the decode scale.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ..profile import DetectionSettings
from .detect import DetectedFace, find_faces
from .geometry import CHIN, FOREHEAD, Pose, crown_y, eye_centres, eye_openness, head_pose, mouth_gap
from .models import FaceModels, as_mp_image, load_models

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
    person_mask: np.ndarray  # float32 0..1 at analysis scale: the person (with hair and clothes)
    others: tuple[tuple[float, float, float, float], ...]  # boxes of further faces, source pixels


def analyse_faces(rgb: np.ndarray, scale: float, models: FaceModels, settings: DetectionSettings) -> FaceAnalysis:
    """`scale` = analysis pixels per source pixel."""
    with models.lock:
        mask = person_mask(rgb, models)
        faces = find_faces(rgb, models, settings, mask)
    if not faces:
        return FaceAnalysis(0, None, mask, ())
    main = _describe(faces[0], rgb.shape[:2], mask, models, settings, 1.0 / scale)
    others = tuple(tuple(v / scale for v in f.box) for f in faces[1:])
    return FaceAnalysis(len(faces), main, mask, others)


SEGMENTER_ROWS = 256  # the model's input size: a larger image only makes MediaPipe resize more


def person_mask(rgb: np.ndarray, models: FaceModels) -> np.ndarray:
    """Person confidence (0..1) at the size of `rgb`; hair and clothes count as the person."""
    small = rgb
    if rgb.shape[0] > SEGMENTER_ROWS:
        width = max(round(rgb.shape[1] * SEGMENTER_ROWS / rgb.shape[0]), 1)
        small = cv2.resize(rgb, (width, SEGMENTER_ROWS), interpolation=cv2.INTER_LINEAR)
    result = models.segmenter.segment(as_mp_image(small))
    mask = result.confidence_masks[0].numpy_view()
    mask = mask.reshape(mask.shape[0], mask.shape[1])
    if mask.shape != rgb.shape[:2]:
        mask = cv2.resize(mask, (rgb.shape[1], rgb.shape[0]), interpolation=cv2.INTER_LINEAR)
    return np.ascontiguousarray(mask, dtype=np.float32)


def _describe(
    found: DetectedFace, size, mask: np.ndarray, models: FaceModels, settings: DetectionSettings, to_source: float
) -> Face:
    points = found.landmarks
    right, left = eye_centres(points)
    crown = crown_y(points, mask, settings.crown_range)
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
