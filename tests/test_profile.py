import pytest

from service.errors import ErrorCode, PhotoError
from service.profile import available_profiles, load_profile

REQUIRED_RULES = {
    "file.format", "file.size", "image.resolution", "image.dpi", "image.colour", "face.count", "face.size",
    "face.position", "face.pose", "face.eyes", "image.sharpness", "image.exposure", "face.lighting",
    "face.covered", "background.uniform", "background.light",
}


@pytest.mark.parametrize("name", available_profiles())
def test_every_profile_has_the_stable_rules_with_sources_and_messages(name):
    profile = load_profile(name)
    ids = {rule.id for rule in profile.rules}
    assert REQUIRED_RULES <= ids
    for rule in profile.rules:
        assert rule.source.strip(), rule.id
        texts = profile.messages[rule.id]
        for key in ("title", "ok"):
            assert texts[key]["pl"] and texts[key]["en"], (rule.id, key)
        assert any(k in texts for k in ("low", "high", "fix")), rule.id


@pytest.mark.parametrize("name", available_profiles())
def test_limits_are_ordered_pass_inside_fail(name):
    for rule in load_profile(name).rules:
        for lim in rule.limits:
            if lim.pass_min is not None and lim.fail_min is not None:
                assert lim.fail_min <= lim.pass_min, rule.id
            if lim.pass_max is not None and lim.fail_max is not None:
                assert lim.fail_max >= lim.pass_max, rule.id


def test_second_profile_is_data_that_extends_the_first():
    base, small = load_profile("e-legitymacja"), load_profile("register-1mb")
    assert small.rule("file.size").limits[0].pass_max == 1_048_576 == small.output.max_bytes
    assert base.rule("file.size").limits[0].pass_max == 5_242_880 == base.output.max_bytes
    assert small.rule("image.resolution").limits[0].pass_min == 496 == small.output.height
    assert small.rule("face.pose") == base.rule("face.pose")


def test_unknown_profile_is_a_typed_error():
    with pytest.raises(PhotoError) as err:
        load_profile("../etc/passwd")
    assert err.value.code == ErrorCode.UNKNOWN_PROFILE
