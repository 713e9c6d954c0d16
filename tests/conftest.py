"""Shared fixtures. Real photos come from ../shared/photos and are never copied into the repo;
tests that need them skip when the folder is absent, so a fresh clone still passes."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import cv2
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


@pytest.fixture(scope="session")
def studio_portrait(good_face):
    """`good_face` as the engine saw it: its analysis and the person mask at source size.
    Faults are defined at the output scale, so this needs a photo with 633 crop rows (the
    shared studio portrait); the astronaut, small and before a busy backdrop, skips."""
    from service import analyse

    analysis = analyse(jpeg_bytes(good_face))
    if analysis.crop.height < analysis.profile.output.height:
        pytest.skip("needs a studio portrait with 633 crop rows (../shared/photos)")
    mask = cv2.resize(analysis.faces.person_mask, good_face.shape[1::-1], interpolation=cv2.INTER_LINEAR)
    return analysis, mask


def framing_profile():
    """The default profile with only the limits auto-fix itself sets (file, crop, scale; see
    `SET_BY_FIX`) and face.count. The crop, levelling and encoding machinery is tested with it
    on the astronaut, the only real face the packages ship: it must be enlarged 4x to have
    enough pixels, and the full profile rightly refuses to fix an enlarged photo."""
    from dataclasses import replace

    from service.measure.names import SET_BY_FIX
    from service.profile import load_profile

    profile = load_profile()
    rules = []
    for rule in profile.rules:
        limits = tuple(lim for lim in rule.limits if lim.measure in SET_BY_FIX or rule.id == "face.count")
        if limits:
            rules.append(replace(rule, limits=limits))
    return replace(profile, rules=tuple(rules))


@pytest.fixture(scope="session")
def clean_portrait() -> bytes:
    """A photo our own check accepts and auto-fix can fix with every rule: a shared studio
    portrait. None ships with the packages, so the tests that need one skip without ../shared."""
    path = SHARED / "dev_good_003.jpg"
    if not path.is_file():
        pytest.skip("../shared/photos is absent: no photo our own check accepts ships with the packages")
    return path.read_bytes()


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
