"""Shared fixtures. Real photos come from ../shared/photos and are never copied into the repo;
tests that need them skip when the folder is absent, so a fresh clone still passes."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

SHARED = Path(os.environ.get("IDPHOTO_SHARED_PHOTOS", Path(__file__).resolve().parents[2] / "shared" / "photos"))


def jpeg_bytes(rgb: np.ndarray, quality: int = 95, **save_args) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, "JPEG", quality=quality, **save_args)
    return buffer.getvalue()


def manifest() -> list[dict[str, str]]:
    if not (SHARED / "manifest.csv").is_file():
        return []
    with open(SHARED / "manifest.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def shared_files(category: str) -> list[str]:
    """Manifest file names of a category ([] when the shared folder is absent)."""
    return [row["file"] for row in manifest() if row["category"] == category]


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip("../shared/photos is absent")
    return SHARED


@pytest.fixture(scope="session")
def astronaut() -> np.ndarray:
    """A real frontal face that ships with scikit-image (public domain, NASA)."""
    from skimage import data

    return np.ascontiguousarray(data.astronaut())


@pytest.fixture(scope="session")
def good_face(astronaut) -> np.ndarray:
    """A real, sharp, good photo to degrade: a shared studio portrait, or the astronaut."""
    path = SHARED / "dev_good_003.jpg"
    if path.is_file():
        return np.asarray(Image.open(path).convert("RGB"))
    return astronaut


def synthetic_face(crown_y: float, chin_y: float, centre_x: float, eye_share: float = 0.5):
    """A frontal, level `Face` with the crown, chin and eye line where asked (no mesh)."""
    from service.face import Face
    from service.face.geometry import Pose

    head = chin_y - crown_y
    eye_y = crown_y + eye_share * head
    return Face(
        box=(centre_x - 0.35 * head, crown_y + 0.2 * head, centre_x + 0.35 * head, chin_y),
        landmarks=np.zeros((468, 3)),
        pose=Pose(0.0, 0.0, 0.0),
        eye_openness=(0.3, 0.3),
        mouth_gap=0.0,
        right_eye=(centre_x - 0.15 * head, eye_y),
        left_eye=(centre_x + 0.15 * head, eye_y),
        chin_y=chin_y,
        crown_y=crown_y,
        centre_x=centre_x,
    )
