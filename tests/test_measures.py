"""The pure measures, on arrays whose answer is known."""

import io

import cv2
import numpy as np
from PIL import Image

from service.measure import background, colour, compression, exposure, lighting, noise, sharpness

from .conftest import jpeg_bytes

RNG = np.random.default_rng(7)


def _lab(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(rgb.astype(np.float32) / 255, cv2.COLOR_RGB2Lab)


def _texture(size=256) -> np.ndarray:
    base = cv2.GaussianBlur(RNG.uniform(0, 255, (size, size)).astype(np.float32), (0, 0), 1.2)
    return cv2.normalize(base, None, 20, 235, cv2.NORM_MINMAX)


def test_colour_variation_is_zero_for_greyscale_and_sepia_and_high_for_colour(astronaut):
    grey = np.repeat(cv2.cvtColor(astronaut, cv2.COLOR_RGB2GRAY)[..., None], 3, axis=2)
    g = grey[..., 0].astype(np.float32)
    sepia = np.clip(np.stack([g * 1.07 + 20, g * 0.95 + 10, g * 0.75], -1), 0, 255).astype(np.uint8)
    assert colour.colour_variation(_lab(grey).reshape(-1, 3)) < 0.1
    assert colour.colour_variation(_lab(sepia).reshape(-1, 3)) < 1.0
    assert colour.colour_variation(_lab(astronaut).reshape(-1, 3)) > 5


def test_sharpness_drops_with_blur_whatever_the_contrast():
    image = _texture()
    mask = np.ones_like(image, np.uint8)
    sharp = sharpness.sharpness(image, mask)
    assert abs(sharpness.sharpness(image * 0.3, mask) - sharp) < 1e-4  # contrast does not matter
    blurred = [sharpness.sharpness(cv2.GaussianBlur(image, (0, 0), s), mask) for s in (1.0, 2.0, 3.0)]
    assert sharp > blurred[0] > blurred[1] > blurred[2]


def test_noise_estimate_recovers_a_known_sigma():
    flat = np.full((300, 300), 50.0, np.float32)
    mask = np.ones_like(flat, np.uint8)
    for sigma in (1.0, 3.0):
        estimate = noise.noise_sigma(flat + RNG.normal(0, sigma, flat.shape).astype(np.float32), mask)
        assert abs(estimate - sigma) / sigma < 0.15
    assert noise.noise_sigma(flat, mask) < 0.01


def test_blockiness_grows_with_jpeg_compression(astronaut):
    def grey_after(quality):
        data = jpeg_bytes(astronaut, quality=quality)
        return np.asarray(Image.open(io.BytesIO(data)).convert("L"))

    assert compression.blockiness(grey_after(5), 8) > 2.5 > compression.blockiness(grey_after(95), 8)


def test_background_texture_separates_plain_from_busy_and_ignores_shading():
    ys, xs = np.mgrid[0:200, 0:200]
    shaded_wall = (70 + 15 * xs / 200).astype(np.float32)  # a light fall-off is not a pattern
    busy = _texture(200) * (100 / 255)
    mask = np.ones((200, 200), bool)
    assert background.texture(shaded_wall, mask) < 0.5
    assert background.texture(busy, mask) > 3


def test_exposure_and_lighting_measures():
    lightness = np.full((100, 100), 60.0)
    mask = np.ones((100, 100), bool)
    assert exposure.face_lightness(lightness, mask) == 60
    white = np.full((10, 10, 3), 255, np.uint8)
    assert exposure.clipped_fraction(white, np.ones((10, 10), bool)) == 1.0
    left, right = np.zeros((100, 100), bool), np.zeros((100, 100), bool)
    left[:, :50], right[:, 50:] = True, True
    for skin in (60, 200):  # a shadow halving the light reads 0.5 on dark and pale skin alike
        rgb = np.full((100, 100, 3), skin, np.uint8)
        rgb[:, 50:] = np.round(255 * ((skin / 255) ** 2.2 * 0.5) ** (1 / 2.2))
        assert abs(lighting.shadow_ratio(rgb, left, right) - 0.5) < 0.03
    assert exposure.blown_fraction(white, np.ones((10, 10), bool)) == 1.0


def test_lower_face_shift_sees_a_mask_but_not_a_shadow_or_a_beard():
    from service.measure import occlusion

    skin = np.array([62.0, 14.0, 17.0])  # CIELAB of typical skin
    lab = np.tile(skin, (100, 100, 1)).astype(np.float32)
    top, bottom = np.zeros((100, 100), bool), np.zeros((100, 100), bool)
    top[:40], bottom[60:] = True, True
    assert occlusion.lower_face_shift(lab, top, bottom) == 0
    shadow = lab.copy()
    shadow[60:, :, 0] -= 20  # darker under the nose and chin, same chroma
    assert occlusion.lower_face_shift(shadow, top, bottom) == 0
    for mask in ([70.0, -6.0, -18.0], [92.0, 0.0, 1.0]):  # surgical blue, white
        covered = lab.copy()
        covered[60:] = mask
        assert occlusion.lower_face_shift(covered, top, bottom) > 20


def test_eye_light_ratio_sees_dark_glasses_but_not_a_shadow_on_one_side():
    from service.measure import occlusion

    rgb = np.full((60, 120, 3), 170, np.uint8)  # skin
    between = np.zeros((60, 120), bool)
    between[20:40, 50:70] = True
    right, left = np.zeros((60, 120), bool), np.zeros((60, 120), bool)
    right[20:40, 10:45], left[20:40, 75:110] = True, True
    rgb[28:32, 15:40] = rgb[28:32, 80:105] = 235  # the whites of open eyes
    assert occlusion.eye_light_ratio(rgb, between, right, left) > 1
    shaded = rgb.copy()
    shaded[:, :48] //= 3  # one side of the face in shadow
    assert occlusion.eye_light_ratio(shaded, between, right, left) > 1
    glasses = rgb.copy()
    glasses[right] = glasses[left] = 25
    assert occlusion.eye_light_ratio(glasses, between, right, left) < 0.05
