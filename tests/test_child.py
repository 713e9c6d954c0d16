"""The child option: a child's eye line may sit from 15 mm above the bottom edge (adults 20-30 mm)."""

import json

import pytest

import service
from service.cli import main
from service.crop import plan_crop
from service.fix import fix
from service.report import Report

from .child_photo import EYE_LINE_MM, child_framed
from .conftest import jpeg_bytes, synthetic_face

PROFILE = service.load_profile()


@pytest.fixture(scope="module")
def child_jpeg(astronaut) -> bytes:
    """The astronaut framed as a child: with enough pixels for the crop only when enlarged,
    which our own check rejects, so auto-fix plans it but writes nothing (see clean_child_jpeg)."""
    return jpeg_bytes(child_framed(astronaut))


@pytest.fixture(scope="module")
def clean_child_jpeg(shared_dir) -> bytes:
    """A shared studio portrait framed as a child: a photo auto-fix may write."""
    import numpy as np
    from PIL import Image

    return jpeg_bytes(child_framed(np.asarray(Image.open(shared_dir / "dev_good_003.jpg").convert("RGB"))))


@pytest.fixture(scope="module")
def analyses(child_jpeg):
    return {child: service.analyse(child_jpeg, child=child) for child in (False, True)}


def test_the_photo_is_framed_as_for_a_child(analyses):
    analysis = analyses[True]
    face, height = analysis.faces.face, analysis.photo.height
    assert abs((height - face.eye_y) / height * 45 - EYE_LINE_MM) < 0.5
    assert 0.70 <= face.head_height / height <= 0.80
    assert 0 < face.crown_y and face.chin_y < height


def test_a_child_passes_face_position_with_the_child_geometry_only(analyses):
    adult, child = (service.report_for(analyses[c], "en") for c in (False, True))
    assert child.check("face.position").status == "pass"
    assert adult.check("face.position").status != "pass"  # 20 mm cannot be met in this frame
    assert child.crop.child is True and adult.crop.child is False
    assert child.crop.box != adult.crop.box
    assert child.crop.eye_line * 45 < 19 < 19.9 < adult.crop.eye_line * 45  # (rounded to 3 digits in the report)
    assert child.check("face.size").status == adult.check("face.size").status  # the head share is the same rule


def test_analysis_plans_with_the_geometry_it_reports(analyses):
    assert analyses[True].geometry == PROFILE.child_geometry and analyses[False].geometry == PROFILE.geometry
    assert analyses[True].crop.child and not analyses[False].crop.child


def test_fix_plans_a_child_with_the_child_geometry(child_jpeg):
    adult = fix(child_jpeg, lang="en")
    assert adult.jpeg is None and "face.position" in [r.id for r in adult.report.fix.reasons]
    child = fix(child_jpeg, lang="en", child=True)  # refused for its detail (enlarged), not its frame
    assert child.report.fix_plan.fits_frame and "face.position" not in [r.id for r in child.report.fix.reasons]


def test_fix_for_a_child_writes_a_photo_that_passes_as_a_child(clean_child_jpeg):
    adult = fix(clean_child_jpeg, lang="en")
    assert adult.jpeg is None and "face.position" in [r.id for r in adult.report.fix.reasons]
    child = fix(clean_child_jpeg, lang="en", child=True)
    assert child.jpeg is not None and child.report.fix.written, child.report.fix.reasons
    assert child.report.crop.child and child.report.check("face.position").status == "pass"


def test_check_takes_the_flag_and_an_unreadable_photo_still_reports():
    report = service.check(b"", child=True)
    assert report.error is not None and report.crop is None


def test_plan_crop_lets_a_child_eye_line_sit_lower():
    # a child's eyes sit low in the head (57 % of crown-to-chin); the frame is a 35:45 photo
    # whose eye line is at 16 mm: only the child geometry fits a crop in it
    height, head = 900, 0.72 * 900
    eye_y = height - 16 / 45 * height
    crown = eye_y - 0.57 * head
    face = synthetic_face(crown, crown + head, 350, eye_share=0.57)
    adult = plan_crop(face, 700, height, PROFILE.geometry_for(False))
    child = plan_crop(face, 700, height, PROFILE.geometry_for(True))
    assert adult.overflow > 0.02 and child.overflow == 0
    assert child.child and not adult.child
    assert 15 / 45 - 1e-9 <= child.eye_line < 20 / 45


def test_cli_check_and_fix_take_child(tmp_path, capsys, clean_child_jpeg):
    photo = tmp_path / "kid.jpg"
    photo.write_bytes(clean_child_jpeg)
    assert main(["check", str(photo), "--json", "--child"]) == 0
    report = Report.model_validate(json.loads(capsys.readouterr().out))
    assert report.crop.child and report.check("face.position").status == "pass"
    out = tmp_path / "fixed.jpg"
    assert main(["fix", str(photo), "-o", str(out), "--child", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["crop"]["child"] is True and out.read_bytes()[:2] == b"\xff\xd8"
    assert main(["fix", str(photo), "-o", str(tmp_path / "adult.jpg"), "--json"]) == 3  # not fixable as an adult


def test_cli_batch_takes_child(tmp_path, capsys, child_jpeg):
    from service.batch.store import read_records

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "kid.jpg").write_bytes(child_jpeg)
    assert main(["batch", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--workers", "1", "--child"]) == 0
    (record,) = read_records(tmp_path / "out" / "results.jsonl")
    assert record["report"]["crop"]["child"] is True
