import importlib.util
from pathlib import Path

MODELS = Path(__file__).resolve().parents[1] / "models"


def _build_script():
    spec = importlib.util.spec_from_file_location("build_models", MODELS / "build_models.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_models_match_their_pinned_hashes():
    assert _build_script().verify(MODELS) == []


def test_every_model_file_is_documented_with_origin_and_licence():
    readme = (MODELS / "README.md").read_text()
    for name in _build_script().PINNED_SHA256:
        assert f"`{name}`" in readme
    assert "Apache-2.0" in readme


def test_models_load_offline_and_find_a_face(astronaut):
    from service.face import load_models
    from service.face.detect import find_faces
    from service.face.pyramid import Pyramid
    from service.profile import load_profile

    faces = find_faces(Pyramid.build(astronaut, 256), load_models(), load_profile().detection)
    assert len(faces) == 1
    assert faces[0].landmarks.shape == (468, 3)
