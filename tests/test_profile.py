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


# ---- profiles fail loudly -----------------------------------------------------------------

import shutil  # noqa: E402

import service  # noqa: E402
import service.profile as profile_module  # noqa: E402
from service.measure.names import ALL_MEASURES, FILE_MEASURES, GEOMETRY_MEASURES, PIXEL_MEASURES  # noqa: E402
from service.profile import ProfileError  # noqa: E402

from .conftest import jpeg_bytes  # noqa: E402


def test_the_engine_produces_exactly_the_declared_measures_and_profiles_name_only_those(astronaut):
    analysis = service.analyse(jpeg_bytes(astronaut))
    assert len(set(ALL_MEASURES)) == len(ALL_MEASURES) == len(FILE_MEASURES + GEOMETRY_MEASURES + PIXEL_MEASURES)
    assert set(analysis.values) == set(ALL_MEASURES)
    for name in available_profiles():
        for rule in load_profile(name).rules:
            for lim in rule.limits:
                assert lim.measure in analysis.values, (name, rule.id, lim.measure)


@pytest.fixture
def rules_dir(tmp_path, monkeypatch):
    """A copy of rules/ the loader reads instead; write a profile into it to test the loader."""
    folder = tmp_path / "rules"
    shutil.copytree(profile_module.RULES_DIR, folder)
    monkeypatch.setattr(profile_module, "RULES_DIR", folder)
    load_profile.cache_clear()
    yield folder
    load_profile.cache_clear()


def _load_error(rules_dir, text: str, name: str = "typo") -> str:
    (rules_dir / f"{name}.toml").write_text('extends = "e-legitymacja"\n' + text, encoding="utf-8")
    with pytest.raises(ProfileError) as err:
        load_profile(name)
    message = str(err.value)
    assert isinstance(err.value, ValueError) and repr(name) in message
    return message


def test_a_copy_of_the_rules_loads_and_an_override_takes_effect(rules_dir):
    (rules_dir / "fine.toml").write_text('extends = "e-legitymacja"\n[rules."face.pose"]\nweight = 3\n')
    assert load_profile("fine").rule("face.pose").weight == 3


def test_a_typo_in_a_limit_key_is_an_error_naming_the_key_and_the_allowed_ones(rules_dir):
    message = _load_error(
        rules_dir, '[rules."face.pose"]\nlimits = [{ measure = "yaw_abs", pass_mx = 5, fail_max = 8 }]\n'
    )
    assert 'rules."face.pose".limits[0].pass_mx' in message and "unknown key" in message
    assert "did you mean 'pass_max'" in message and "fail_min" in message


@pytest.mark.parametrize("fail_max", [3.0, 4.5])
def test_a_limit_past_a_measure_s_saturation_is_an_error(rules_dir, fail_max):
    """blur_px reads 'at least 3' beyond 3 px: a fail limit there would never fail a photo."""
    message = _load_error(
        rules_dir, f'[rules."image.sharpness"]\nlimits = [{{ measure = "blur_px", pass_max = 1.8, fail_max = {fail_max} }}]\n'
    )
    assert 'rules."image.sharpness".limits[0].fail_max' in message and "saturates at 3.0" in message


def test_an_unknown_rule_key_is_an_error(rules_dir):
    message = _load_error(rules_dir, '[rules."face.pose"]\nwieght = 3\n')
    assert 'rules."face.pose".wieght' in message and "advisory" in message and "if_missing" in message


@pytest.mark.parametrize(
    "text, key",
    [
        ("[geometry]\nhead_mni = 0.7\n", "geometry.head_mni"),
        ("[detection]\ncrown_rnge = [0.2, 0.3]\n", "detection.crown_rnge"),
        ("[output]\nqualty_floor = 70\n", "output.qualty_floor"),
        ("[measures]\nscale_tolerance = 0.9\n", "measures"),
        ("[file]\nmax_pixel = 1\n", "file.max_pixel"),
        ("[score]\ncap = 1\n", "score.cap"),
    ],
)
def test_an_unknown_section_or_section_key_is_an_error(rules_dir, text, key):
    message = _load_error(rules_dir, text)
    assert f"{key}: unknown key" in message


def test_an_unknown_measure_is_an_error_naming_the_produced_ones(rules_dir):
    message = _load_error(rules_dir, '[rules."face.pose"]\nlimits = [{ measure = "yaw_abss", pass_max = 5 }]\n')
    assert "'yaw_abss'" in message and "no code produces" in message and "did you mean 'yaw_abs'" in message


@pytest.mark.parametrize(
    "text, expected",
    [
        ('[output]\nheight = "633"\n', "output.height = '633'"),  # a number written as a string
        ("[output]\nheight = 633.5\n", "output.height = 633.5"),  # a fraction where a whole number belongs
        ('[rules."face.pose"]\nif_missing = "maybe"\n', "'skip', 'warn' or 'fail'"),
        ('[rules."face.pose"]\nlimits = [{ measure = "yaw_abs" }]\n', "no pass_min or pass_max"),
        ('[rules."face.pose"]\nlimits = [{ measure = "yaw_abs", pass_min = 0, fail_max = 8 }]\n', "fail_max without pass_max"),
        ('[rules."face.pose"]\nlimits = [{ measure = "yaw_abs", pass_max = true }]\n', "limits[0].pass_max"),
        ('[rules."face.pose"]\nlimits = []\n', 'rules."face.pose".limits'),
        ('[rules."face.pose"]\nlimits = [{ measure = "yaw_abs", pass_max = 5, fail_max = 8, warn_only = true }]\n',
         "is warn_only: it has no fail_min or fail_max"),
        ('[rules."face.new"]\nweight = 3\n', 'rules."face.new".source: missing'),
    ],
)
def test_wrong_types_values_and_limits_without_a_bound_are_errors(rules_dir, text, expected):
    assert expected in _load_error(rules_dir, text)


def test_a_reference_to_a_value_that_does_not_exist_is_an_error(rules_dir):
    message = _load_error(
        rules_dir, '[rules."face.pose"]\nlimits = [{ measure = "roll_abs", pass_max = "geometry.roll_mx" }]\n'
    )
    assert "'geometry.roll_mx'" in message and "no 'roll_mx' in geometry" in message and "roll_max" in message
    message = _load_error(rules_dir, '[rules."face.pose"]\nlimits = [{ measure = "roll_abs", pass_max = "geometry" }]\n')
    assert "not a number" in message


def test_an_error_in_an_extended_profile_names_that_profile(rules_dir):
    base = (rules_dir / "e-legitymacja.toml").read_text(encoding="utf-8")
    (rules_dir / "base.toml").write_text(base + "\n[bogus]\nx = 1\n", encoding="utf-8")
    (rules_dir / "child-of-base.toml").write_text('extends = "base"\n', encoding="utf-8")
    with pytest.raises(ProfileError) as err:
        load_profile("child-of-base")
    assert err.value.profile == "base" and "bogus: unknown key" in str(err.value)
    assert "while loading 'child-of-base'" in str(err.value)


def test_the_child_geometry_lowers_only_the_eye_line():
    profile = load_profile()
    adult, child = profile.geometry_for(False), profile.geometry_for(True)
    assert adult is profile.geometry and not adult.child and child.child
    assert child.eye_line_min < adult.eye_line_min and abs(child.eye_line_min * 45 - 15) < 1e-9
    assert (child.head_min, child.head_max, child.eye_line_max) == (adult.head_min, adult.head_max, adult.eye_line_max)
    assert profile.child_max_age == 10
