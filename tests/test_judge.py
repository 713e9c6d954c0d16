from service.judge import evaluate, judge, main_problem
from service.profile import Limit, load_profile


def _values(**overrides):
    """Values of a photo that passes every rule of the default profile."""
    values = {
        "is_jpeg": 1.0, "file_bytes": 300_000.0, "dpi": 300.0, "face_count": 1.0, "turn_needed_deg": 0.0,
        "crop_height_px": 900.0,
        "eye_distance_px": 200.0, "head_ratio_needed": 0.55, "crop_overflow": 0.0, "yaw_abs": 1.0,
        "pitch_abs": 2.0, "roll_abs": 1.0, "eye_openness": 0.35, "mouth_gap": 0.02, "colour_variation": 4.0,
        "blur_px": 1.0, "detail_px": 1.0, "face_lightness": 55.0, "face_clipped": 0.0, "white_point": 90.0,
        "cheek_light_ratio": 0.95, "person_blown": 0.0, "background_texture": 0.5, "background_lightness": 85.0,
        "background_chroma": 2.0, "noise": 0.1, "blockiness": 1.3, "lower_face_shift": 3.0, "eye_light_ratio": 0.9,
        "eye_glare": 0.0, "eye_floor": 20.0, "forehead_shift": 3.0, "head_top_colour": 2.0, "skin_a": 12.0,
        "skin_b": 14.0, "skin_texture": 0.4, "background_shade": 0.2, "other_people": 0.0,
    }
    return values | overrides


def test_limit_bands():
    lim = Limit("x", pass_min=10, fail_min=5)
    assert evaluate(lim, 12).status == "pass"
    assert evaluate(lim, 7).status == "warn"
    assert evaluate(lim, 4).status == "fail"
    assert evaluate(lim, 0).badness > evaluate(lim, 4).badness


def test_clean_photo_is_accepted_with_full_score():
    checks, skipped, score, verdict = judge(_values(), load_profile(), "en")
    assert verdict == "accept" and score == 100 and not skipped
    assert all(c.status == "pass" for c in checks)


def test_score_falls_with_more_and_worse_faults_and_agrees_with_the_verdict():
    profile = load_profile()
    one_warn = judge(_values(yaw_abs=6.0), profile, "en")
    one_fail = judge(_values(yaw_abs=9.0), profile, "en")
    worse_fail = judge(_values(yaw_abs=30.0), profile, "en")
    two_fails = judge(_values(yaw_abs=30.0, blur_px=4.0), profile, "en")
    assert one_warn[3] == "review" and one_fail[3] == "reject"
    assert 100 > one_warn[2] > one_fail[2] > worse_fail[2] > two_fails[2]
    assert profile.verdict_caps["reject"] < one_warn[2] <= profile.verdict_caps["review"]
    assert one_fail[2] <= profile.verdict_caps["reject"]


def test_a_warn_only_limit_warns_however_far_and_costs_more_the_further():
    lim = Limit("x", pass_max=10, warn_only=True)
    outcomes = [evaluate(lim, v) for v in (9, 10.5, 12, 1000)]
    assert [o.status for o in outcomes] == ["pass", "warn", "warn", "warn"]
    assert outcomes[1].badness < outcomes[2].badness < outcomes[3].badness <= 0.5
    checks, _, _, verdict = judge(_values(skin_texture=0.01), load_profile(), "en")  # face.retouched: warn only
    assert verdict == "review" and next(c for c in checks if c.id == "face.retouched").status == "warn"


def test_advisory_rule_is_reported_as_information_and_changes_nothing():
    """The dpi note showed as a warning ("1 uwaga") on 58 of 60 phone photos, accepted ones too."""
    checks, _, score, verdict = judge(_values(dpi=72.0), load_profile(), "en")
    dpi = next(c for c in checks if c.id == "image.dpi")
    assert dpi.status == "info" and "auto-fix sets 300 dpi" in dpi.message
    assert (score, verdict) == (100, "accept") and not [c for c in checks if c.status == "warn"]
    checks, _, _, _ = judge(_values(dpi=None), load_profile(), "en")  # not recorded at all: information too
    assert next(c for c in checks if c.id == "image.dpi").status == "info"


def test_missing_face_values_skip_face_rules_and_messages_are_localised():
    values = {k: v for k, v in _values(face_count=0.0).items() if k in ("is_jpeg", "file_bytes", "dpi", "face_count")}
    checks, skipped, _, verdict = judge(values, load_profile(), "pl")
    assert verdict == "reject" and "face.pose" in skipped
    count = next(c for c in checks if c.id == "face.count")
    assert count.status == "fail" and "Nie znaleziono twarzy" in count.message


def test_the_main_problem_is_what_the_parent_must_redo_before_what_auto_fix_repairs():
    """With sunglasses on a small, tightly framed photo, "Oczy" came after "Rozdzielczość" and
    "Położenie twarzy" (all weigh 15)."""
    profile = load_profile()
    values = _values(eye_light_ratio=0.01, crop_height_px=300.0, crop_overflow=0.2)
    checks, _, _, verdict = judge(values, profile, "pl")
    first = main_problem(checks, profile)
    assert verdict == "reject" and first.id == "face.eyes" and first.status == "fail" and first.title == "Oczy"
    checks, _, _, _ = judge(_values(crop_height_px=300.0, background_texture=2.5), profile, "en")
    assert main_problem(checks, profile).id == "image.resolution"  # a failure before a warning
    checks, _, _, _ = judge(_values(dpi=72.0), profile, "en")
    assert main_problem(checks, profile) is None  # an advisory note is no problem


def test_the_message_for_the_parent_is_formal_names_the_main_problem_first_and_only_when_needed():
    from service.judge import parent_message

    profile = load_profile()
    checks, _, _, verdict = judge(_values(eye_light_ratio=0.01, crop_height_px=300.0, dpi=72.0), profile, "pl")
    text = parent_message(checks, verdict, profile, "pl")
    lines = text.splitlines()
    assert lines[0] == "Szanowni Państwo," and lines[-2:] == ["Z poważaniem", "Sekretariat szkoły"]
    hints = [line for line in lines if line.startswith("– ")]
    eyes = next(c for c in checks if c.id == "face.eyes")
    assert hints[0] == f"– {eyes.message}" and len(hints) == 2  # eyes, then resolution; no dpi note
    assert "nie może zostać przyjęte" in text
    for informal in ("Zrób", "Stań", "Patrz", "Ustaw się", "Użyj "):
        assert informal not in text
    checks, _, _, verdict = judge(_values(), profile, "en")
    assert verdict == "accept" and parent_message(checks, verdict, profile, "en") is None
    checks, _, _, verdict = judge(_values(background_texture=2.5), profile, "en")
    assert verdict == "review" and parent_message(checks, verdict, profile, "en").startswith("Dear Parent,\n\nthe photo")


def test_a_fault_that_hides_the_face_never_scores_above_one_that_left_it_measurable():
    """The strongest cast or blur loses the face: its face rules cannot be measured. They must
    cost at least what the weaker fault's failures cost, or the score would rise with strength."""
    profile = load_profile()
    face_rules = [r for r in profile.rules if not r.advisory and r.id not in ("face.count", "file.format", "file.size")]
    face_measures = {lim.measure for r in face_rules for lim in r.limits}
    worst_measured = {
        lim.measure: (lim.fail_max * 10 + 10 if lim.fail_max is not None else
                      (lim.fail_min - 10 * abs(lim.fail_min) - 10 if lim.fail_min is not None else None))
        for r in face_rules for lim in r.limits
    }
    measured = judge(_values(**{m: v for m, v in worst_measured.items() if v is not None}), profile, "en")
    lost = judge(_values(face_count=0.0, **{m: None for m in face_measures}), profile, "en")
    assert measured[3] == lost[3] == "reject"
    assert lost[2] <= measured[2], (lost[2], measured[2])
    assert lost[1], "the unmeasured rules are still listed as skipped"
