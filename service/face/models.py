"""The models, loaded once per process from `models/`.

The face detector runs in the MediaPipe Tasks API; the mesh and the person segmenter run
directly in LiteRT (see mesh.py and segment.py for why). Loading takes ~100 ms and each holds
its own graph or interpreter, so a worker keeps one instance for its whole life. None of them
is thread-safe: callers in threads hold `lock`.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import threading
from dataclasses import dataclass
from functools import cache

import mediapipe as mp
import numpy as np
from mediapipe.tasks.python import BaseOptions, vision

from ..paths import MODELS_DIR
from .mesh import MeshModel
from .segment import PersonSegmenter


@dataclass
class FaceModels:
    detector: vision.FaceDetector
    mesh: MeshModel
    segmenter: PersonSegmenter
    canonical_face: dict[int, tuple[float, float, float]]
    lock: threading.Lock

    def close(self) -> None:
        self.detector.close()


def as_mp_image(rgb: np.ndarray) -> mp.Image:
    return mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb))


def _model_path(name: str) -> str:
    path = MODELS_DIR / name
    if not path.is_file():
        raise FileNotFoundError(f"model file {path} is missing; see models/README.md")
    return str(path)


@contextlib.contextmanager
def _quiet_native_logs():
    """TFLite and MediaPipe print INFO/W lines from C++ straight to fd 2 while loading; users
    of the CLI and the service logs should not see them. Python exceptions still propagate."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


@cache
def load_models() -> FaceModels:
    with _quiet_native_logs():
        return _load_models()


def _load_models() -> FaceModels:
    detector = vision.FaceDetector.create_from_options(
        vision.FaceDetectorOptions(
            base_options=BaseOptions(model_asset_path=_model_path("face_detector.tflite")),
            # A low floor on purpose: every candidate is confirmed by the mesh model before it counts.
            min_detection_confidence=0.3,
        )
    )
    canonical = json.loads((MODELS_DIR / "canonical_face.json").read_text())["landmarks"]
    models = FaceModels(
        detector=detector,
        mesh=MeshModel(_model_path("face_landmark.tflite")),
        segmenter=PersonSegmenter(_model_path("selfie_segmenter.tflite")),
        canonical_face={int(k): tuple(v) for k, v in canonical.items()},
        lock=threading.Lock(),
    )
    # Close before MediaPipe's dispatcher threads stop (threading's exit hooks run last-in,
    # first-out); tasks left to the garbage collector at interpreter exit print tracebacks.
    threading._register_atexit(models.close)
    return models
