"""The pure measures, on arrays whose answer is known."""

import io

import cv2
import numpy as np
import pytest
from PIL import Image

from service.measure import background, colour, compression, exposure, lighting, noise, occlusion, sharpness, skin

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


def _edges(size=256) -> np.ndarray:
    """Flat patches with hard edges (a blocky random pattern), L* 20-80."""
    cells = RNG.uniform(20, 80, (size // 32, size // 32)).astype(np.float32)
    return cv2.resize(cells, (size, size), interpolation=cv2.INTER_NEAREST)


def _blur(image, mask):
    return sharpness.blur_and_detail(image, mask)[0]


def _detail(image, mask):
    return sharpness.blur_and_detail(image, mask)[1]


def test_blur_estimate_reads_the_gaussian_sigma_whatever_the_contrast():
    image = _edges()
    mask = np.zeros_like(image, np.uint8)
    mask[32:-32, 32:-32] = 1
    for sigma in (1.5, 2.5, 4.0):
        blurred = cv2.GaussianBlur(image, (0, 0), sigma)
        # to 3 px the sigma itself; beyond, "at least" the saturation
        assert abs(_blur(blurred, mask) - min(sigma, sharpness._SATURATION)) < 0.35, sigma
        assert abs(_blur(blurred * 0.3, mask) - _blur(blurred, mask)) < 1e-3
    assert _blur(image, mask) < 0.9  # a perfect step, sampled
    readings = [_blur(cv2.GaussianBlur(image, (0, 0), s), mask) for s in (0.5, 1, 2, 3, 5, 8)]
    assert readings == sorted(readings)


def test_blur_estimate_is_not_fooled_by_grain_on_a_blurred_image():
    image = _edges()
    mask = np.zeros_like(image, np.uint8)
    mask[32:-32, 32:-32] = 1
    for sigma in (3.0, 6.0, 10.0):
        noisy = cv2.GaussianBlur(image, (0, 0), sigma) + RNG.normal(0, 1.6, image.shape).astype(np.float32)
        assert _blur(noisy, mask) > 2.5, sigma


def test_detail_width_sees_an_enlarged_image():
    image = cv2.GaussianBlur(_edges(), (0, 0), 0.7)
    mask = np.zeros_like(image, np.uint8)
    mask[32:-32, 32:-32] = 1
    small = cv2.resize(image, (64, 64), interpolation=cv2.INTER_AREA)
    enlarged = cv2.resize(small, (256, 256), interpolation=cv2.INTER_CUBIC)
    assert _detail(enlarged, mask) > _detail(image, mask) + 0.5


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
    for tone in (60, 200):  # a shadow halving the light reads 0.5 on dark and pale skin alike
        rgb = np.full((100, 100, 3), tone, np.uint8)
        rgb[:, 50:] = np.round(255 * ((tone / 255) ** 2.2 * 0.5) ** (1 / 2.2))
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


def test_background_shade_is_the_lost_light_of_a_shadow():
    flat = np.full((200, 200), 85.0, np.float32)
    mask = np.ones_like(flat, np.uint8)
    assert background.shade(flat, mask) < 0.01
    readings = []
    for factor in (0.9, 0.7, 0.5, 0.3):
        rgb = np.full((200, 200, 3), 215.0, np.float32)
        rgb[:, :70] = 255 * ((215 / 255) ** 2.2 * factor) ** (1 / 2.2)  # a shadow on a third, in linear light
        lightness = cv2.cvtColor(rgb / 255, cv2.COLOR_RGB2Lab)[..., 0]
        readings.append(background.shade(lightness, mask))
        assert abs(readings[-1] - (1 - factor)) < 0.08, factor
    assert readings == sorted(readings)


def test_glare_lifts_the_eye_floor_and_dark_glasses_lower_it():
    eye = np.full((40, 60), 70.0, np.float32)
    eye[12:28, 15:45] = 15.0  # iris, pupil and lashes
    mask = np.ones_like(eye, np.uint8)
    clear = occlusion.eye_floor(eye, mask, mask)
    veiled = [occlusion.eye_floor(eye * (1 - a) + 100 * a, mask, mask) for a in (0.3, 0.5, 0.8)]
    assert clear < 20 and veiled == sorted(veiled) and veiled[0] > clear
    assert occlusion.eye_floor(eye * 0.2, mask, mask) < clear
    face = np.full((200, 200), 60.0, np.float32) + RNG.normal(0, 2, (200, 200)).astype(np.float32)
    lens = np.zeros((200, 200), bool)
    lens[80:100, 50:90] = True
    whole = np.ones_like(lens)
    assert occlusion.eye_glare(face, whole, lens, lens) < 0.01
    shares = []
    for alpha in (0.3, 0.5, 0.8):
        streak = face.copy()
        streak[80:85, 50:90] = face[80:85, 50:90] * (1 - alpha) + 100 * alpha  # a quarter of the lens
        shares.append(occlusion.eye_glare(streak, whole, lens, lens))
    assert shares == sorted(shares) and abs(shares[-1] - 0.25) < 1e-6


def test_skin_colour_follows_a_cast_and_texture_falls_with_smoothing():
    rgb = np.full((60, 60, 3), (200, 150, 120), np.uint8)
    mask = np.ones((30, 30), bool)
    a, b = skin.skin_colour(_lab(rgb)[::2, ::2], mask)
    assert 5 < a < 30 and 5 < b < 30
    blue = rgb.astype(np.int16) + (-30, 0, 40)
    a2, b2 = skin.skin_colour(_lab(np.clip(blue, 0, 255).astype(np.uint8))[::2, ::2], mask)
    assert b2 < b - 10
    grain = 50 + RNG.normal(0, 2, (80, 80)).astype(np.float32)
    region = np.ones((80, 80), bool)
    textures = [skin.fine_texture(cv2.GaussianBlur(grain, (0, 0), s) if s else grain, region) for s in (0, 1, 2)]
    assert textures == sorted(textures, reverse=True) and textures[-1] < 0.3 * textures[0]


def _full_resolution_texture(lightness: np.ndarray, region: np.ndarray) -> float:
    """`skin.fine_texture` as first written: every band from every pixel (the reference for
    the half-resolution mid bands)."""
    blurred = np.stack([lightness[region]] + [cv2.GaussianBlur(lightness, (0, 0), s)[region] for s in (1, 2, 4, 8)])
    bands = [max(float(np.median(band)), 1e-4) for band in np.abs(np.diff(blurred, axis=0))]
    return float(np.sqrt(bands[0] * bands[1]) ** 3 / np.sqrt(bands[2] * bands[3]) ** 2)


@pytest.mark.parametrize("seed", range(4))
def test_skin_texture_read_at_half_resolution_in_the_mid_bands_keeps_its_value(seed):
    """The mid bands (2-8 px) come from every other pixel of the 2-px blur: on skin-like texture
    of every mix of fine and coarse detail, smoothed as a beauty filter would or not, the
    reading stays within 4 % of the every-pixel one, so the limits set on it still hold."""
    rng = np.random.default_rng(seed)
    region = np.zeros((140, 220), bool)
    region[24:116, 24:196] = True
    for fine, coarse, smoothing in ((2.0, 1.0, 0), (1.0, 3.0, 0), (2.0, 2.0, 1.0), (0.5, 4.0, 0.7), (3.0, 0.5, 0)):
        lightness = (60 + fine * rng.normal(0, 1, region.shape)
                     + coarse * 4 * cv2.GaussianBlur(rng.normal(0, 1, region.shape), (0, 0), 4)).astype(np.float32)
        if smoothing:
            lightness = cv2.GaussianBlur(lightness, (0, 0), smoothing)
        want = _full_resolution_texture(lightness, region)
        assert skin.fine_texture(lightness, region) == pytest.approx(want, rel=0.04), (fine, coarse, smoothing)


def test_the_whites_of_the_eyes_fall_steadily_with_a_green_cast_and_ignore_the_iris():
    """A synthetic eye: a near-white sclera around a dark iris. The measure reads the white, and
    a stronger green cast (a* shifted in CIELAB) never reads less green."""
    eye = np.zeros((30, 60, 3), np.uint8)
    eye[:] = (235, 228, 226)  # a slightly pink white
    cv2.circle(eye, (30, 15), 9, (60, 90, 120), -1)  # a blue-grey iris
    opening = np.zeros((30, 60), np.uint8)
    cv2.ellipse(opening, (30, 15), (28, 12), 0, 0, 360, 1, -1)
    opening = opening > 0
    base = skin.sclera_a(eye, opening, opening)
    assert 0 < base < 6  # the white's own a*, not the iris
    readings = []
    for delta in (0, 5, 10, 20, 40):
        lab = cv2.cvtColor(eye.astype(np.float32) / 255, cv2.COLOR_RGB2Lab)
        lab[..., 1] -= delta
        cast = np.clip(cv2.cvtColor(lab, cv2.COLOR_Lab2RGB) * 255, 0, 255).round().astype(np.uint8)
        readings.append(skin.sclera_a(cast, opening, opening))
    assert readings == sorted(readings, reverse=True) and readings[3] < -10
    assert skin.sclera_a(eye, np.zeros((30, 60), bool)) is None  # no opening to read


def test_head_top_colour_tells_coloured_headwear_from_hair():
    region = np.ones((20, 20), bool)
    for hair in ((40, 30, 25), (120, 80, 50), (200, 170, 110), (90, 90, 90), (150, 60, 40)):
        assert skin.off_hair_colour(_lab(np.full((20, 20, 3), hair, np.uint8)), region) < 8, hair
    for cap in ((150, 30, 35), (30, 40, 120), (40, 120, 60)):
        assert skin.off_hair_colour(_lab(np.full((20, 20, 3), cap, np.uint8)), region) > 12, cap


def _strands(size=120, seed=3) -> np.ndarray:
    """Hair-like texture: short bright and dark strokes in every direction on a dark base (L*)."""
    rng = np.random.default_rng(seed)
    image = np.full((size, size), 25.0, np.float32)
    for _ in range(900):
        x, y = rng.uniform(0, size, 2)
        angle = rng.uniform(0, np.pi)
        length = rng.uniform(4, 14)
        end = (int(x + length * np.cos(angle)), int(y + length * np.sin(angle)))
        cv2.line(image, (int(x), int(y)), end, float(rng.uniform(10, 45)), 1)
    return image


def test_irregular_detail_tells_hair_from_plain_or_ribbed_fabric_whatever_the_grain():
    region = np.zeros((120, 120), bool)
    region[10:110, 10:110] = True
    xs = np.arange(120, dtype=np.float32)
    plain = np.full((120, 120), 12.0, np.float32) * (1 - 0.3 * ((xs - 60) / 60) ** 2)[None, :]
    ribbed = plain * (1 + 0.12 * np.sin(2 * np.pi * xs / 8))[None, :]
    hair = _strands()
    assert skin.irregular_detail(plain, region) < 0.02
    assert skin.irregular_detail(ribbed, region) < 0.05  # detail across the ribs, none along them
    assert skin.irregular_detail(ribbed.T, region) < 0.05  # whichever way they run
    assert skin.irregular_detail(hair, region) > 0.5
    grain = RNG.normal(0, 1.5, plain.shape).astype(np.float32)
    sigma = noise.noise_sigma(grain + 50, region)
    assert skin.irregular_detail(plain + grain, region, sigma) < 0.5 * skin.irregular_detail(plain + grain, region)
    assert skin.irregular_detail(hair + grain, region, sigma) > 0.5


def test_head_top_texture_is_a_ratio_to_the_eyebrows_so_blur_moves_both():
    region = np.zeros((120, 120), bool)
    region[10:110, 10:110] = True
    hair = _strands()
    for sigma in (0.0, 0.8, 1.2):
        soft = cv2.GaussianBlur(hair, (0, 0), sigma) if sigma else hair
        assert skin.head_top_texture(soft, region, region) == 1.0
    brows = _strands(seed=9)  # a plain hat beside the student's own hair
    assert skin.head_top_texture(np.hstack([np.full_like(hair, 12.0), brows]),
                                 np.hstack([region, np.zeros_like(region)]),
                                 np.hstack([np.zeros_like(region), region])) < 0.05


def test_other_people_counts_person_parts_not_joined_to_the_student():
    person = np.zeros((100, 100), bool)
    person[30:100, 30:70] = True
    face = np.zeros_like(person)
    face[40:60, 40:60] = True
    assert background.other_people(person, face) == 0.0
    person[0:40, 90:100] = True  # someone at the edge
    assert abs(background.other_people(person, face) - 0.04) < 1e-9


def test_the_directional_blur_reads_the_motion_across_its_direction_only():
    """Random squares smeared horizontally: the horizontal reading grows with the smear, the
    vertical one stays at the photo's own blur."""
    rng = np.random.default_rng(4)
    image = np.full((200, 200), 40, np.float32)
    for x, y, size, level in zip(*(rng.integers(0, 190, 40), rng.integers(0, 190, 40),
                                   rng.integers(6, 20, 40), rng.integers(50, 90, 40))):
        cv2.rectangle(image, (int(x), int(y)), (int(x + size), int(y + size)), float(level), -1)
    image = cv2.GaussianBlur(image, (0, 0), 1.0)
    inside = np.zeros(image.shape, bool)
    inside[24:-24, 24:-24] = True
    readings = []
    for length in (1, 9, 17):
        kernel = np.ones((1, length), np.float32) / length
        readings.append(sharpness.directional_blur(cv2.filter2D(image, -1, kernel), inside, 1.5, 2.0))
    horizontal, vertical = [r[0] for r in readings], [r[2] for r in readings]
    assert horizontal == sorted(horizontal) and horizontal[-1] > horizontal[0] + 2
    assert max(vertical) - min(vertical) < 0.5


def test_the_eye_openings_differ_once_a_reflection_lifts_one():
    rng = np.random.default_rng(5)
    lightness = rng.normal(35, 3, (40, 80)).astype(np.float32)
    right, left = np.zeros((40, 80), bool), np.zeros((40, 80), bool)
    right[10:30, 5:35], left[10:30, 45:75] = True, True
    shifts = []
    for alpha in (0.0, 0.25, 0.5, 1.0):
        lit = lightness.copy()
        lit[right] = lit[right] * (1 - alpha) + 100 * alpha
        shifts.append(occlusion.eye_opening_shift(lit, right, left))
    assert shifts[0] < 2 and shifts == sorted(shifts) and shifts[-1] > 60


def test_the_whites_of_the_eyes_turn_yellow_with_a_warm_cast():
    eye = np.zeros((30, 60, 3), np.uint8)
    eye[:] = (232, 230, 228)
    opening = np.ones((30, 60), bool)
    readings = []
    for delta in (0, 5, 10, 20):
        lab = cv2.cvtColor(eye.astype(np.float32) / 255, cv2.COLOR_RGB2Lab)
        lab[..., 2] += delta
        cast = np.clip(cv2.cvtColor(lab, cv2.COLOR_Lab2RGB) * 255, 0, 255).round().astype(np.uint8)
        readings.append(skin.sclera_b(cast, opening))
    assert readings == sorted(readings) and readings[-1] > readings[0] + 15
    assert skin.sclera_colour(eye, np.zeros((30, 60), bool)) is None
