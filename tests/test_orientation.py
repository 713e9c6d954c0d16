"""A second look for the face (service/face/orient.py): photos saved sideways or upside down,
and strong colour casts, are judged by the rule that names their fault, not "no face".

The photo properties run on every `good_id` photo of ../shared/photos (skipped without it).
The rotated photos are written as PNG, so that turning them back gives the upright pixels
exactly and every other rule must judge them as it judges the upright photo.
"""

from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from service import analyse, decode, report_for
from service.face import detect, orient
from service.fix import fix
from service.profile import load_profile

from .conftest import SHARED, jpeg_bytes, shared_files

GOOD = shared_files("good_id")
TURNS = (90, 180, 270)


def _png(rgb: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, "PNG")
    return buffer.getvalue()


def _rgb(name: str) -> np.ndarray:
    return np.asarray(Image.open(SHARED / name).convert("RGB"))


def _statuses(analysis) -> dict[str, str]:
    return {c.id: c.status for c in report_for(analysis, "en").checks}


# ---- pure parts -------------------------------------------------------------------------------


@given(st.floats(-44.9, 44.9), st.integers(0, 3))
def test_the_turn_undoes_the_nearest_quarter_of_the_roll(tilt, quarters):
    """A face rolled by a quarter turn plus a tilt under 45 degrees needs that quarter undone."""
    assert orient.turn_of_roll(tilt + 90 * quarters) == (-90 * quarters) % 360
    assert orient.turn_of_roll(tilt) == 0


@pytest.mark.parametrize("orientation", range(1, 9))
@pytest.mark.parametrize("turn", (0, *TURNS))
def test_a_turned_orientation_decodes_as_the_decode_turned(orientation, turn):
    """The photo handed on after a turn decodes upright again (the finer decode for the
    measures and auto-fix's cuts read it): composing the EXIF orientation with the turn is exact."""
    rgb = np.random.default_rng(orientation).integers(0, 255, (48, 80, 3), dtype=np.uint8)
    exif = Image.Exif()
    exif[0x0112] = orientation
    buffer = io.BytesIO()
    Image.fromarray(rgb).save(buffer, "PNG", exif=exif)
    photo = decode.open_photo(buffer.getvalue(), load_profile().file_limits)
    assert photo.orientation == orientation
    upright = decode.decode_rgb(photo)
    again = orient.turned_photo(photo, turn)
    decoded = decode.decode_rgb(again)
    assert np.array_equal(decoded.rgb, orient.turned(upright.rgb, turn))
    assert (again.height, again.width) == decoded.rgb.shape[:2]
    assert np.array_equal(orient.turned_image(upright, turn).rgb, decoded.rgb)


def test_luminance_keeps_the_shape_and_drops_the_colour():
    rgb = np.random.default_rng(1).integers(0, 255, (20, 30, 3), dtype=np.uint8)
    grey = orient.luminance(rgb)
    assert grey.shape == rgb.shape and grey.dtype == np.uint8
    assert np.array_equal(grey[..., 0], grey[..., 1]) and np.array_equal(grey[..., 1], grey[..., 2])


# ---- on the real photos -------------------------------------------------------------------------


@pytest.mark.parametrize("name", GOOD)
def test_every_good_photo_turned_is_found_turned_and_judged_as_upright(shared_dir, name):
    """Turned by 90, 180 or 270 degrees, each good photo gives one face, the turn that stands it
    upright, and fails image.orientation; every other rule judges it as the upright photo."""
    rgb = _rgb(name)
    upright = analyse(_png(rgb))
    assert upright.faces.count == 1 and upright.values["turn_needed_deg"] == 0
    expected = _statuses(upright)
    assert expected["image.orientation"] == "pass"
    for turn in TURNS:
        sideways = np.ascontiguousarray(orient.turned(rgb, -turn))  # saved turned counter-clockwise
        analysis = analyse(_png(sideways))
        assert analysis.faces.count == 1, turn
        assert analysis.values["turn_needed_deg"] == turn
        statuses = _statuses(analysis)
        assert statuses.pop("image.orientation") == "fail", turn
        assert report_for(analysis, "en").verdict == "reject"
        assert statuses == {k: v for k, v in expected.items() if k != "image.orientation"}, turn
        assert (analysis.photo.width, analysis.photo.height) == (upright.photo.width, upright.photo.height)


def _cast(rgb: np.ndarray, delta_e: float, direction=(-1.0, 0.0)) -> np.ndarray:
    """A white-balance cast over the whole photo: CIELAB a*/b* shifted by `delta_e` (L* kept)."""
    lab = cv2.cvtColor(rgb.astype(np.float32) / 255.0, cv2.COLOR_RGB2Lab)
    lab[..., 1] += delta_e * direction[0]
    lab[..., 2] += delta_e * direction[1]
    return np.clip(np.rint(cv2.cvtColor(lab, cv2.COLOR_Lab2RGB) * 255.0), 0, 255).astype(np.uint8)


@pytest.mark.parametrize("name", GOOD)
def test_a_strong_cast_keeps_the_face_and_fails_face_colour(shared_dir, name):
    """From 20 dE on (clearly bad) up to an absurd 60 dE, a green cast and a blue one leave the
    face found, upright, and face.colour fails at every strength."""
    rgb = _rgb(name)
    for direction in ((-1.0, 0.0), (0.0, -1.0)):
        for delta_e in (20.0, 45.0, 60.0):
            analysis = analyse(jpeg_bytes(_cast(rgb, delta_e, direction)))
            assert analysis.faces.count == 1, (direction, delta_e)
            assert analysis.values["turn_needed_deg"] == 0, (direction, delta_e)
            assert _statuses(analysis)["face.colour"] == "fail", (direction, delta_e)


def test_a_sure_upright_face_pays_for_no_second_look(good_face, monkeypatch):
    """A portrait found upright with a sure score runs the face search once: no grey frame, no
    turned frame, no extra detector run."""
    calls = {"search": 0, "detect": 0}
    search, run = detect.find_faces, orient._detect

    def counted_search(*args, **kwargs):
        calls["search"] += 1
        return search(*args, **kwargs)

    def counted_detect(*args, **kwargs):
        calls["detect"] += 1
        return run(*args, **kwargs)

    monkeypatch.setattr(orient, "find_faces", counted_search)
    monkeypatch.setattr(orient, "_detect", counted_detect)
    analysis = analyse(jpeg_bytes(good_face))
    assert analysis.faces.count == 1 and analysis.values["turn_needed_deg"] == 0
    assert calls == {"search": 1, "detect": 0}


def test_no_face_stays_no_face_whichever_way_up(astronaut):
    """A frame without a face gives no face in any of the second looks, and no turn is claimed."""
    blank = np.full((600, 450, 3), 200, np.uint8)
    blank[200:400, 150:300] = (120, 90, 60)
    analysis = analyse(jpeg_bytes(blank))
    assert analysis.faces.count == 0 and analysis.values["turn_needed_deg"] is None
    assert analysis.values["face_count"] == 0


def test_auto_fix_stands_a_turned_photo_upright(clean_portrait):
    """Auto-fix cuts from the upright frame: the fixed photo passes image.orientation, is
    never worse than its source, and its fix info says which quarter turn it took."""
    rgb = np.asarray(Image.open(io.BytesIO(clean_portrait)).convert("RGB"))
    for turn in TURNS:
        source = jpeg_bytes(np.ascontiguousarray(orient.turned(rgb, -turn)))
        result = fix(source, lang="en")
        assert result.jpeg is not None, (turn, result.report.fix)
        assert result.report.check("image.orientation").status == "pass"
        fixed = Image.open(io.BytesIO(result.jpeg))
        assert fixed.size == (load_profile().output.width, load_profile().output.height)
        assert analyse(result.jpeg).values["turn_needed_deg"] == 0
        assert result.report.fix.turned_deg == turn
    assert fix(clean_portrait).report.fix.turned_deg == 0
