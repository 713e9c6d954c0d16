from service.crop import plan_crop
from service.profile import load_profile

from .conftest import synthetic_face

GEO = load_profile().geometry


def test_roomy_frame_gets_the_target_head_share_and_eye_line_in_band():
    plan = plan_crop(synthetic_face(400, 1000, 1000), 2000, 2000, GEO)
    assert plan.overflow == 0
    assert abs(plan.head_ratio - GEO.head_target) < 1e-6
    assert abs(plan.width / plan.height - 35 / 45) < 1e-6
    assert GEO.eye_line_min <= plan.eye_line <= GEO.eye_line_max
    assert plan.box[1] < 400 and plan.box[3] > 1000  # the whole head is inside


def test_tight_frame_shrinks_the_crop_within_the_allowed_head_share():
    # head 600 px in a 760 px tall frame: 0.75 would need 800 rows, 0.80 needs 750
    plan = plan_crop(synthetic_face(80, 680, 400), 800, 760, GEO)
    assert plan.overflow == 0
    assert GEO.head_target < plan.head_ratio <= GEO.head_max + 1e-9
    assert plan.box[1] >= 0 and plan.box[3] <= 760


def test_head_cut_at_the_top_cannot_fit():
    plan = plan_crop(synthetic_face(-60, 540, 500), 1000, 1200, GEO)
    assert plan.overflow > 0.02


def test_face_at_the_side_edge_does_not_fit():
    plan = plan_crop(synthetic_face(300, 900, 60), 2000, 1400, GEO)
    assert plan.overflow > 0.02


def test_head_share_needed_reflects_the_largest_crop_the_frame_allows():
    plan = plan_crop(synthetic_face(20, 720, 400), 800, 800, GEO)
    assert abs(plan.head_ratio_needed - 700 / 800) < 1e-6


def test_the_alternatives_auto_fix_may_try_all_keep_the_rules_of_the_frame():
    """Looser and tighter heads, higher and lower, left and right: every candidate keeps the
    head share, the eye-line band and the centring the rules ask for, and fits the frame."""
    from service.crop import crop_candidates

    face = synthetic_face(400, 1000, 1000)
    candidates = crop_candidates(face, 2000, 2000, GEO)
    assert candidates[0] == plan_crop(face, 2000, 2000, GEO) and len(candidates) >= 6
    assert len({tuple(round(v) for v in c.box) for c in candidates}) == len(candidates)  # all different
    for c in candidates:
        assert GEO.head_min - 1e-9 <= c.head_ratio <= GEO.head_max + 1e-9
        assert GEO.eye_line_min - 1e-9 <= c.eye_line <= GEO.eye_line_max + 1e-9
        assert abs((c.box[0] + c.box[2]) / 2 - face.centre_x) <= GEO.centre_tolerance * c.width + 1e-6
        assert c.overflow == 0
    tops = [c.box[1] for c in candidates if abs(c.height - candidates[0].height) < 1e-6]
    lefts = [c.box[0] for c in candidates if abs(c.height - candidates[0].height) < 1e-6]
    assert max(tops) > candidates[0].box[1] > min(tops) and max(lefts) > candidates[0].box[0] > min(lefts)
