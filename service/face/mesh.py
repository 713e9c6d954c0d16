"""The 468-point face mesh, run directly with LiteRT on a rotated square crop around a face.

Why not the Tasks FaceLandmarker: with the legacy `face_landmark.tflite` inside a `.task`
bundle, mediapipe 0.10.31 loads the graph but returns a scrambled mesh with z = 0 (measured
on our studio photos), and the newer landmark model is not in any wheel. Running the model
ourselves is also cheaper: we already have the detector box, so there is no second detector
pass, and the model's face-presence score confirms a detector candidate for free.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from ai_edge_litert.interpreter import Interpreter

INPUT_SIZE = 192


@dataclass(frozen=True)
class Roi:
    """A square region of the image: centre, side length (px) and rotation (degrees, image roll)."""

    cx: float
    cy: float
    side: float
    angle: float


@dataclass(frozen=True)
class Mesh:
    points: np.ndarray  # (468, 3) x, y in image pixels; z in pixels, negative towards the camera
    presence: float  # 0..1, the model's confidence that the crop holds a face


class MeshModel:
    def __init__(self, model_path: str):
        self._interpreter = Interpreter(model_path=model_path, num_threads=1)
        self._interpreter.allocate_tensors()
        self._input = self._interpreter.get_input_details()[0]["index"]
        outputs = {d["name"]: d["index"] for d in self._interpreter.get_output_details()}
        self._landmarks, self._presence = outputs["conv2d_21"], outputs["conv2d_31"]

    def run(self, rgb: np.ndarray, roi: Roi) -> Mesh:
        to_crop = _crop_transform(roi)
        crop = cv2.warpAffine(
            rgb, to_crop, (INPUT_SIZE, INPUT_SIZE), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT
        )
        tensor = (crop.astype(np.float32) * (1.0 / 255.0))[None]
        self._interpreter.set_tensor(self._input, tensor)
        self._interpreter.invoke()
        raw = self._interpreter.get_tensor(self._landmarks).reshape(-1, 3).astype(np.float64)
        logit = float(self._interpreter.get_tensor(self._presence).reshape(-1)[0])
        to_image = cv2.invertAffineTransform(to_crop)
        xy = raw[:, :2] @ to_image[:, :2].T + to_image[:, 2]
        z = raw[:, 2:3] * (roi.side / INPUT_SIZE)
        return Mesh(np.hstack([xy, z]), float(1.0 / (1.0 + np.exp(-logit))))


def roi_from_box(box, right_eye, left_eye, scale: float) -> Roi:
    """The crop the mesh model was trained on: 1.5x the face box, square, eyes level."""
    if right_eye[0] > left_eye[0]:  # order by image x, whichever way the detector labelled them
        right_eye, left_eye = left_eye, right_eye
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    side = max(box[2] - box[0], box[3] - box[1]) * scale
    angle = np.degrees(np.arctan2(left_eye[1] - right_eye[1], left_eye[0] - right_eye[0]))
    return Roi(cx, cy, side, float(angle))


def roi_from_mesh(points: np.ndarray, scale: float) -> Roi:
    """Refined crop from a first mesh (tighter and better levelled than the detector's box)."""
    xy = points[:, :2]
    box = (*xy.min(axis=0), *xy.max(axis=0))
    return roi_from_box(box, points[33, :2], points[263, :2], scale)


def _crop_transform(roi: Roi) -> np.ndarray:
    """Affine map from image pixels to the 192x192 model input."""
    matrix = cv2.getRotationMatrix2D((roi.cx, roi.cy), roi.angle, INPUT_SIZE / roi.side)
    matrix[:, 2] += (INPUT_SIZE / 2 - roi.cx, INPUT_SIZE / 2 - roi.cy)
    return matrix
