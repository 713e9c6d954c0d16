"""The engine on the real photos of ../shared/photos, by manifest category (skips without them)."""

import pytest

from service import check

from .conftest import SHARED, manifest, shared_files

# Rules about the photo's content; file-level rules (format, size, dpi) and framing/resolution
# rules depend on the file and its crop, which `good_id` does not promise.
CONTENT_RULES = {
    "image.colour", "face.count", "face.pose", "face.eyes", "face.mouth", "image.sharpness", "image.exposure",
    "face.lighting", "face.covered", "background.uniform", "background.light", "image.noise", "image.compression",
}


def _check(name):
    return check((SHARED / name).read_bytes(), lang="en", file=name)


@pytest.mark.parametrize("name", shared_files("good_id"))
def test_good_photos_have_one_face_and_fail_no_content_rule(shared_dir, name):
    report = _check(name)
    assert report.faces == 1
    failed = set(report.failed) & CONTENT_RULES
    assert not failed, [(c.id, c.value, c.message) for c in report.checks if c.id in failed]


@pytest.mark.parametrize("name", shared_files("group"))
def test_group_photos_fail_face_count(shared_dir, name):
    report = _check(name)
    assert report.check("face.count").status == "fail"
    assert report.faces >= 2
    assert report.verdict == "reject"


@pytest.mark.parametrize("name", shared_files("no_face"))
def test_photos_without_people_find_no_face(shared_dir, name):
    report = _check(name)
    assert report.faces == 0 and report.face is None
    assert report.check("face.count").status == "fail"


@pytest.mark.parametrize("name", shared_files("portrait_noncompliant"))
def test_noncompliant_portraits_are_not_accepted(shared_dir, name):
    report = _check(name)
    assert report.verdict != "accept", [(c.id, c.status) for c in report.checks]


def test_face_count_is_exact_on_single_person_photos(shared_dir):
    rows = [r for r in manifest() if r["faces"] == "1"]
    wrong = [(r["file"], _check(r["file"]).faces) for r in rows]
    wrong = [w for w in wrong if w[1] != 1]
    assert not wrong


@pytest.mark.parametrize("name", ["dev_noncomp_025.jpg", "dev_noncomp_028.jpg"])
def test_a_mask_or_a_hand_over_the_mouth_fails_face_covered(shared_dir, name):
    if not (SHARED / name).is_file():
        pytest.skip(f"{name} is not in ../shared/photos")
    assert _check(name).check("face.covered").status == "fail"


@pytest.mark.parametrize("name", ["dev_noncomp_003.png", "dev_noncomp_029.jpg"])
def test_dark_glasses_fail_face_eyes(shared_dir, name):
    if not (SHARED / name).is_file():
        pytest.skip(f"{name} is not in ../shared/photos")
    assert _check(name).check("face.eyes").status == "fail"
