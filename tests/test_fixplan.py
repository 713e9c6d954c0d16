"""The fix plan and the guarantee: auto-fix plans once, tries the allowed crops in order, and
writes only a photo that breaks no rule its source kept."""

from __future__ import annotations

import cv2
import pytest

import service.fix as fix_module
from service import analyse, check, report_for
from service.fix import fix
from service.fixplan import FixOptionError, FixOptions, plan_fix
from service.judge import beyond_fix, broken_by_fix
from service.profile import load_profile
from service.report import VERDICT_RANK

from .conftest import framing_profile, jpeg_bytes, shared_files

PROFILE = load_profile()
FRAMING = framing_profile()


def values(**changes) -> dict:
    """Values that pass every limit of the default profile, with `changes`."""
    good = {
        "is_jpeg": 1.0, "file_bytes": 100_000.0, "dpi": 300.0, "face_count": 1.0, "turn_needed_deg": 0.0,
        "crop_height_px": 633.0,
        "eye_distance_px": 150.0, "head_ratio_needed": 0.5, "crop_overflow": 0.0, "mouth_gap": 0.02,
        "background_texture": 1.0,
    }
    return good | changes


def test_a_rule_the_source_kept_must_stay_kept_and_what_fix_sets_must_pass():
    source = values()
    assert broken_by_fix(source, values(), PROFILE) == []
    assert broken_by_fix(source, values(background_texture=2.5), PROFILE) == ["background.uniform"]  # pass -> warn
    assert broken_by_fix(source, values(mouth_gap=None), PROFILE) == ["face.mouth"]  # no longer measurable
    assert broken_by_fix(values(background_texture=2.5), values(background_texture=2.4), PROFILE) == []  # warn stays warn
    assert broken_by_fix(values(background_texture=None), values(background_texture=9.0), PROFILE) == []  # not measured before
    # what auto-fix sets must pass, however the source did
    assert broken_by_fix(values(crop_overflow=0.2), values(crop_overflow=0.01), PROFILE) == ["face.position"]
    assert broken_by_fix(values(dpi=72.0), values(dpi=None), PROFILE) == ["image.dpi"]


def test_only_content_failures_block_a_fix_before_it_is_tried():
    assert beyond_fix(values(crop_overflow=0.2, crop_height_px=300.0, dpi=72.0, is_jpeg=0.0), PROFILE) == []
    assert beyond_fix(values(background_texture=9.0, mouth_gap=0.5), PROFILE) == ["face.mouth", "background.uniform"]
    assert beyond_fix(values(background_texture=2.5), PROFILE) == []  # a warning: the secretary decides


@pytest.fixture(scope="module")
def enlarged(astronaut) -> bytes:
    return jpeg_bytes(cv2.resize(astronaut, None, fx=4, fy=4, interpolation=cv2.INTER_CUBIC))


@pytest.fixture(scope="module")
def rolled(enlarged) -> bytes:
    """The enlarged astronaut with her eye line tilted 6 degrees clockwise (within the roll tolerance)."""
    import io

    import numpy as np
    from PIL import Image

    big = np.asarray(Image.open(io.BytesIO(enlarged)).convert("RGB"))
    h, w = big.shape[:2]
    turn = check(enlarged, FRAMING).crop.angle - 6  # OpenCV turns counter-clockwise
    return jpeg_bytes(cv2.warpAffine(big, cv2.getRotationMatrix2D((w / 2, h / 2), turn, 1.0), (w, h), borderMode=cv2.BORDER_REPLICATE))


def test_the_plan_lists_levelled_and_unlevelled_crops_and_the_report_carries_the_first(rolled):
    analysis = analyse(rolled, FRAMING)
    report = report_for(analysis, "en")
    plan = plan_fix(analysis, report.checks, FixOptions(), "en")
    assert plan.fixable and 2 <= len(plan.cuts) <= FRAMING.output.crops_to_try
    assert abs(plan.cuts[0].angle) > 3 and plan.cuts[1].angle == 0 and plan.cuts[1].crop == plan.cuts[0].crop
    assert len({round(c.crop.head_ratio, 3) for c in plan.cuts}) >= 2  # looser and tighter crops follow
    info = report.fix_plan
    assert info.fixable and info.rotate_deg == round(plan.cuts[0].angle, 2) and info.corners == plan.cuts[0].corners()
    assert abs(info.corners[0][1] - info.corners[1][1]) > 10  # drawn turned, as it will be cut


def test_when_the_first_crop_breaks_a_rule_the_next_one_is_written(monkeypatch, enlarged):
    calls = []
    real = fix_module.broken_by_fix

    def first_breaks_background(source, fixed, profile):
        calls.append(1)
        return ["background.uniform"] if len(calls) == 1 else real(source, fixed, profile)

    monkeypatch.setattr(fix_module, "broken_by_fix", first_breaks_background)
    result = fix(enlarged, FRAMING, lang="en")
    assert result.jpeg is not None and result.report.fix.attempts == 2 and len(calls) == 2


def test_a_levelling_that_breaks_the_pose_is_dropped_for_the_unlevelled_crop(monkeypatch, rolled):
    real = fix_module.broken_by_fix

    def levelling_breaks_pose(source, fixed, profile):  # pretend the levelled crops turned the head
        return ["face.pose"] if abs(fixed["roll_abs"]) < 2 else real(source, fixed, profile)

    monkeypatch.setattr(fix_module, "broken_by_fix", levelling_breaks_pose)
    result = fix(rolled, FRAMING, lang="en")
    assert result.jpeg is not None and result.report.fix.rotated_deg == 0 and result.report.fix.attempts == 2


def test_when_every_crop_breaks_a_rule_nothing_is_written_and_the_reason_says_which(monkeypatch, enlarged):
    monkeypatch.setattr(fix_module, "broken_by_fix", lambda source, fixed, profile: ["background.uniform"])
    result = fix(enlarged, FRAMING, lang="en")
    info = result.report.fix
    assert result.jpeg is None and not info.written and info.attempts == FRAMING.output.crops_to_try
    (reason,) = info.reasons
    assert reason.id == "background.uniform" and "none of its allowed crops" in reason.message
    assert reason.detail == f"broken in {info.attempts} of {info.attempts} crops tried"


def test_a_content_failure_is_not_fixed_and_nothing_is_cut(enlarged):
    """The astronaut enlarged 4x fails image.resolution on its detail: no crop repairs that."""
    result = fix(enlarged, lang="en")
    assert result.jpeg is None and result.report.fix.attempts == 0
    assert "image.resolution" in [r.id for r in result.report.fix.reasons]
    assert not result.report.fix_plan.fixable and result.report.verdict == "reject"


def test_an_output_below_the_profiles_minimum_is_refused(enlarged):
    with pytest.raises(FixOptionError, match="492"):
        fix(enlarged, FRAMING, width=491)
    with pytest.raises(FixOptionError, match="492 px"):
        FixOptions(width=10).validate(PROFILE, "pl")
    FixOptions(width=600).validate(PROFILE)  # larger is fine
    wide = fix(enlarged, FRAMING, width=600)
    assert wide.jpeg is not None and (wide.report.fix.width, wide.report.fix.height) == (600, 771)


@pytest.mark.parametrize("name", shared_files("good_id") + shared_files("portrait_noncompliant"))
def test_no_fixed_shared_photo_is_worse_than_its_source(shared_dir, name):
    data = (shared_dir / name).read_bytes()
    source = check(data, lang="en")
    result = fix(data, lang="en")
    if result.jpeg is None:
        assert result.report.fix.reasons  # it says why
        return
    fixed = check(result.jpeg, lang="en")
    assert fixed.verdict != "reject" and VERDICT_RANK[fixed.verdict] <= VERDICT_RANK[source.verdict]
    for rule in fixed.checks:
        before = source.check(rule.id)
        if before is not None and before.status == "pass" and rule.id != "image.dpi":
            assert rule.status == "pass", (rule.id, rule.message)
