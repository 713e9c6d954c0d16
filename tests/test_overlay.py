"""The overlay (service/web/overlay.py): the photo with the face box, the eyes and the proposed
crop drawn where the report says, from any input the engine reads; and POST /v1/overlay."""

from __future__ import annotations

import io

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from service.api import Settings, create_app
from service.decode import DecodedImage
from service.pipeline import check
from service.profile import load_profile
from service.report import Box, CropInfo, FaceInfo, FixPlanInfo, ImageInfo, Pose, Report
from service.web.overlay import (
    CROP_FITS,
    CROP_OUT,
    EYES,
    FACE,
    MAX_SIDE,
    draw_overlay,
    overlay_jpeg,
)

from .conftest import jpeg_bytes

PROFILE = load_profile()
GREY = 128


def synthetic_report(
    width: int, height: int, crop: tuple[float, float, float, float], angle: float = 0.0, fits: bool = True
) -> Report:
    """A report whose fix plan cuts `crop` turned by `angle` about the eye midpoint (600, 450)."""
    x0, y0, x1, y1 = crop
    box = np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], float)
    turn = np.radians(angle)  # the cut, mapped back to the source, turns the other way
    rotation = np.array([[np.cos(turn), np.sin(turn)], [-np.sin(turn), np.cos(turn)]])
    corners = [tuple(p) for p in (box - (600, 450)) @ rotation.T + (600, 450)]
    return Report(
        profile="e-legitymacja",
        score=90,
        verdict="accept",
        faces=1,
        face=FaceInfo(
            box=Box(x0=400, y0=300, x1=800, y1=700),
            pose=Pose(yaw=0, pitch=0, roll=0),
            right_eye=(500.0, 450.0),
            left_eye=(700.0, 450.0),
            eye_distance_px=200,
            eye_openness=(0.3, 0.3),
            mouth_gap=0.0,
            chin_y=700,
            crown_y=250,
        ),
        crop=CropInfo(
            box=Box(x0=crop[0], y0=crop[1], x1=crop[2], y1=crop[3]), angle=angle, head_ratio=0.75, eye_line=0.6, fits_frame=fits
        ),
        fix_plan=FixPlanInfo(fixable=fits, corners=corners, rotate_deg=angle, fits_frame=fits, crops_to_try=1),
        image=ImageInfo(format="JPEG", width=width, height=height, bytes=1, dpi=None),
    )


def flat(width: int, height: int, scale: float = 1.0) -> DecodedImage:
    rows, cols = round(height * scale), round(width * scale)
    return DecodedImage(np.full((rows, cols, 3), GREY, np.uint8), scale)


def rgb_of(jpeg: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(jpeg)).convert("RGB")).astype(int)


def near(pixel: np.ndarray, colour: tuple[int, int, int], tolerance: int = 45) -> bool:
    return bool(np.abs(pixel - np.array(colour)).max() <= tolerance)


def test_shapes_are_drawn_where_the_report_says():
    report = synthetic_report(1200, 900, (350, 100, 850, 742.9))
    out = rgb_of(draw_overlay(flat(1200, 900), report))
    k = MAX_SIDE / 1200
    assert out.shape[:2] == (600, 800)
    assert near(out[round(500 * k), round(400 * k)], FACE)  # left edge of the face box
    assert near(out[round(450 * k), round(500 * k)], EYES)  # right eye centre
    assert near(out[round(450 * k), round(600 * k)], EYES)  # the eye line between them
    assert near(out[round(400 * k), round(350 * k)], CROP_FITS)  # left edge of the crop
    assert near(out[round(200 * k), round(600 * k)], (GREY,) * 3, 6)  # inside the crop: untouched
    assert near(out[round(450 * k), round(100 * k)], (GREY // 2,) * 3, 6)  # outside: dimmed


def test_never_enlarges_and_keeps_the_source_geometry_at_any_decode_scale():
    report = synthetic_report(1200, 900, (350, 100, 850, 742.9))
    small = rgb_of(draw_overlay(flat(1200, 900, scale=0.25), report))  # a 1/4 DCT decode: 300x225
    assert small.shape[:2] == (225, 300)
    assert near(small[round(500 / 4), round(400 / 4)], FACE, 60)


def test_a_crop_leaving_the_frame_is_shown_dashed_in_red_over_a_checkerboard():
    report = synthetic_report(1200, 900, (300, -200, 900, 571.4), fits=False)
    out = rgb_of(draw_overlay(flat(1200, 900), report))
    k = MAX_SIDE / 1200  # the canvas grew by 200 source px at the top: 1200 x 1100 source px

    def at(x, y):  # source pixels -> canvas pixel
        return out[round((y + 200) * k), round(x * k)]

    assert out.shape[:2] == (round(1100 * k), 800)
    red = [near(at(300, y), CROP_OUT, 60) for y in range(-150, 550, 4)]  # the crop's left edge
    assert 0.3 < np.mean(red) < 0.9  # dashed: red with gaps
    above = at(600, -100)  # inside the crop, above the photo: the checkerboard
    assert not near(above, (GREY,) * 3, 6) and abs(int(above[0]) - int(above[2])) < 8


def test_the_crop_is_drawn_as_the_fix_plan_cuts_it_turned_when_it_levels_the_eyes():
    box = (350, 100, 850, 742.9)
    k = MAX_SIDE / 1200
    straight = rgb_of(draw_overlay(flat(1200, 900), synthetic_report(1200, 900, box)))
    turned_report = synthetic_report(1200, 900, box, angle=5.0)
    turned = rgb_of(draw_overlay(flat(1200, 900), turned_report))
    top_left, top_right = turned_report.fix_plan.corners[:2]
    assert abs(top_left[1] - top_right[1]) > 30  # the plan's top edge follows the eyes
    middle = ((top_left[0] + top_right[0]) / 2, (top_left[1] + top_right[1]) / 2)
    assert near(turned[round(middle[1] * k), round(middle[0] * k)], CROP_FITS, 60)
    assert near(straight[round(100 * k), round(600 * k)], CROP_FITS, 60)
    assert not near(turned[round(100 * k), round(430 * k)], CROP_FITS, 60)  # the straight edge is not drawn


def test_no_face_draws_the_photo_alone():
    report = Report(profile="e-legitymacja", score=10, verdict="reject", faces=0)
    out = rgb_of(draw_overlay(flat(640, 480), report))
    assert out.shape[:2] == (480, 640) and near(out[240, 320], (GREY,) * 3, 6)


@pytest.fixture(scope="module")
def astronaut_jpeg(astronaut) -> bytes:
    import cv2

    return jpeg_bytes(cv2.resize(astronaut, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC))  # 1024 px


@pytest.fixture(scope="module")
def astronaut_report(astronaut_jpeg) -> Report:
    report = check(astronaut_jpeg)
    assert report.face is not None and report.crop is not None
    return report


def overlay_of(data: bytes, report: Report) -> np.ndarray:
    jpeg = overlay_jpeg(data, report, PROFILE.file_limits)
    assert jpeg[:3] == b"\xff\xd8\xff"
    image = Image.open(io.BytesIO(jpeg))
    assert image.format == "JPEG" and max(image.size) <= MAX_SIDE
    assert not image.getexif() and "icc_profile" not in image.info and "exif" not in image.info
    return np.asarray(image.convert("RGB")).astype(int)


def test_real_engine_report_on_the_astronaut(astronaut_jpeg, astronaut_report):
    out = overlay_of(astronaut_jpeg, astronaut_report)
    assert astronaut_report.crop.fits_frame and out.shape[:2] == (MAX_SIDE, MAX_SIDE)  # 1024 px -> 800
    k = MAX_SIDE / 1024

    def drawn(x, y, colour):  # the colour within 3 px of a source point
        cx, cy = round(x * k), round(y * k)
        return any(near(p, colour, 60) for p in out[cy - 3 : cy + 4, cx - 3 : cx + 4].reshape(-1, 3))

    face = astronaut_report.face
    assert drawn(*face.right_eye, EYES) and drawn(*face.left_eye, EYES)
    assert drawn(face.box.x0, (face.box.y0 + face.box.y1) / 2, FACE)
    corners = np.array(astronaut_report.fix_plan.corners)
    mid_left = (corners[0] + corners[3]) / 2
    assert drawn(*mid_left, CROP_FITS)


@pytest.mark.parametrize("variant", ["exif_rotated", "cmyk", "png"])
def test_every_input_the_engine_reads_gives_the_same_upright_overlay(astronaut, astronaut_jpeg, astronaut_report, variant):
    import cv2

    upright = cv2.resize(astronaut, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
    buffer = io.BytesIO()
    if variant == "exif_rotated":  # stored on its side; orientation 6 says "turn 90 degrees clockwise"
        exif = Image.Exif()
        exif[0x0112] = 6
        Image.fromarray(np.rot90(upright).copy()).save(buffer, "JPEG", quality=95, exif=exif.tobytes())
    elif variant == "cmyk":
        Image.fromarray(upright).convert("CMYK").save(buffer, "JPEG", quality=95)
    else:
        Image.fromarray(upright).save(buffer, "PNG")
    reference = overlay_of(astronaut_jpeg, astronaut_report)
    out = overlay_of(buffer.getvalue(), astronaut_report)
    assert out.shape == reference.shape
    assert np.abs(out - reference).mean() < 12


def test_overlay_endpoint(astronaut_jpeg):
    settings = Settings(workers=1, max_waiting=2, job_timeout=60, api_token=None, cors_origins=[])
    with TestClient(create_app(settings)) as client:
        response = client.post("/v1/overlay?lang=en", files={"photo": ("a.jpg", astronaut_jpeg, "image/jpeg")})
        assert response.status_code == 200 and response.headers["content-type"] == "image/jpeg"
        assert response.headers["x-idphoto-verdict"] in {"accept", "review", "reject"}
        assert 0 <= int(response.headers["x-idphoto-score"]) <= 100
        image = Image.open(io.BytesIO(response.content))
        assert max(image.size) == MAX_SIDE and not image.getexif()

        raw = client.post("/v1/overlay", content=astronaut_jpeg, headers={"Content-Type": "image/jpeg"})
        assert raw.status_code == 200 and raw.content[:3] == b"\xff\xd8\xff"

        bad = client.post("/v1/overlay", content=b"not a photo", headers={"Content-Type": "image/jpeg"})
        assert bad.status_code == 422 and bad.json()["code"] == "not_an_image"
        missing = client.post("/v1/overlay", files={"other": ("a.jpg", astronaut_jpeg)})
        assert missing.status_code == 422 and missing.json()["code"] == "missing_photo"

        spec = client.get("/openapi.json").json()
        assert "image/jpeg" in spec["paths"]["/v1/overlay"]["post"]["responses"]["200"]["content"]
        assert "multipart/form-data" in spec["paths"]["/v1/overlay"]["post"]["requestBody"]["content"]
