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


def test_litert_segmenter_gives_the_tasks_segmenter_mask(astronaut):
    """The person segmenter runs in LiteRT for speed; the mask must be the one MediaPipe's
    Tasks ImageSegmenter gives for the same model file (input range, orientation). A portrait
    frame is squared with a grey margin first (not stretched): its mask is the Tasks mask of
    that square, cut back to the frame."""
    import cv2
    import mediapipe as mp
    import numpy as np
    from mediapipe.tasks.python import BaseOptions, vision

    from service.face import load_models

    options = vision.ImageSegmenterOptions(
        base_options=BaseOptions(model_asset_path=str(MODELS / "selfie_segmenter.tflite")),
        output_confidence_masks=True,
        output_category_mask=False,
    )

    def tasks_mask(rgb):
        with vision.ImageSegmenter.create_from_options(options) as segmenter:
            result = segmenter.segment(mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(rgb)))
            return result.confidence_masks[0].numpy_view().reshape(rgb.shape[:2]).copy()

    square = cv2.resize(astronaut, (256, 256), interpolation=cv2.INTER_AREA)
    portrait = square[:, 32:224]  # 256x192
    squared = cv2.copyMakeBorder(portrait, 0, 0, 32, 32, cv2.BORDER_CONSTANT, value=(128, 128, 128))
    for frame, tasks in ((square, tasks_mask(square)), (portrait, tasks_mask(squared)[:, 32:224])):
        ours = load_models().segmenter.run(frame)
        assert ours.shape == tasks.shape == frame.shape[:2]
        a, b = ours > 0.5, tasks > 0.5
        assert 0.2 < a.mean() < 0.9  # the astronaut is in the mask, the backdrop is not
        assert (a & b).sum() / (a | b).sum() > 0.97
        assert float(np.abs(ours - tasks).mean()) < 0.02
