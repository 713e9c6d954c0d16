"""Issue 11, "a second person anywhere inside the ID crop": `background.skin_beside_head`.

Properties on synthetic views (no engine): a neighbour's smooth skin beside the face reads
more the more of it is inside, whatever its skin tone against the student's; the student's
own hair (textured), the backdrop, a neutral shadow and a cast on the whole photo read
nothing. Then on a real photo through the engine: a mirrored copy of the photo's person
pasted at the side edge fails `background.person`, while the untouched photo passes.
"""

from __future__ import annotations

from itertools import pairwise

import cv2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service import analyse, load_profile, report_for
from service.measure import _median_colour
from service.measure.background import _OFF_BACKDROP, _largest_skin_blob, _skin_coloured, skin_beside_head

from .conftest import jpeg_bytes

HEIGHT, WIDTH = 420, 330
BACKDROP_LAB = (82.0, -1.0, 0.0)
SKIN_LAB = (66.0, 14.0, 17.0)


def _limits():
    rule = load_profile().rule("background.person")
    return next(lim for lim in rule.limits if lim.measure == "skin_beside_head")


def _rgb(lab: np.ndarray) -> np.ndarray:
    rgb = cv2.cvtColor(lab.astype(np.float32), cv2.COLOR_Lab2RGB)
    return np.clip(np.rint(rgb * 255.0), 0, 255).astype(np.uint8)


def _lab(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(rgb.astype(np.float32) / 255.0, cv2.COLOR_RGB2Lab)


def _scene():
    """A student on a plain backdrop: Lab image, face oval, skin reference, backdrop, head rows."""
    lab = np.empty((HEIGHT, WIDTH, 3), np.float32)
    lab[:] = BACKDROP_LAB
    face = np.zeros((HEIGHT, WIDTH), np.uint8)
    cv2.ellipse(face, (WIDTH // 2, 200), (70, 95), 0, 0, 360, 1, -1)
    head = np.zeros((HEIGHT, WIDTH), np.uint8)
    cv2.ellipse(head, (WIDTH // 2, 180), (95, 125), 0, 0, 360, 1, -1)
    lab[head > 0] = (25.0, 4.0, 6.0)  # dark hair around the face
    lab[face > 0] = SKIN_LAB
    skin = np.zeros((HEIGHT, WIDTH), bool)
    skin[190:230, WIDTH // 2 - 45 : WIDTH // 2 + 45] = True
    backdrop = (cv2.dilate(head, np.ones((15, 15), np.uint8)) == 0) & (np.arange(HEIGHT)[:, None] < 380)
    rows = (np.arange(HEIGHT) >= 55) & (np.arange(HEIGHT) <= 295)
    return lab, face > 0, skin, backdrop, rows


def _neighbour(lab: np.ndarray, width: int, tone: tuple[float, float, float], side: int = 1) -> np.ndarray:
    """A neighbour's cheek: a smooth skin-toned half ellipse entering from a side edge."""
    out = lab.copy()
    patch = np.zeros(lab.shape[:2], np.uint8)
    centre_x = WIDTH + 70 - width if side > 0 else width - 70
    cv2.ellipse(patch, (centre_x, 200), (70, 95), 0, 0, 360, 1, -1)
    shade = np.linspace(-3.0, 3.0, lab.shape[0], dtype=np.float32)[:, None]  # gentle light fall-off
    inside = patch > 0
    out[inside] = tone
    out[..., 0][inside] += np.broadcast_to(shade, inside.shape)[inside]
    return out


def _hair_at_sides(lab: np.ndarray, colour: tuple[float, float, float], seed: int) -> np.ndarray:
    """Wide hair reaching both side edges at head height: strands (vertical streaks of
    +-12 L*), in a colour of the caller's choosing (blond near the skin's, say)."""
    out = lab.copy()
    rng = np.random.default_rng(seed)
    streaks = rng.normal(0.0, 12.0, (1, WIDTH)).astype(np.float32)
    streaks = np.repeat(streaks, HEIGHT, axis=0) + rng.normal(0.0, 3.0, (HEIGHT, WIDTH)).astype(np.float32)
    hair = np.zeros(lab.shape[:2], bool)
    hair[40:330, :] = True
    hair[:, WIDTH // 2 - 90 : WIDTH // 2 + 90] = False
    out[hair] = colour
    out[..., 0][hair] += streaks[hair]
    return out


def _cast(rgb: np.ndarray, da: float, db: float) -> np.ndarray:
    lab = _lab(rgb)
    lab[..., 1] += da
    lab[..., 2] += db
    return _rgb(lab)


def _read(rgb: np.ndarray) -> float:
    """The measure as the engine calls it: the skin's and the backdrop's median colours from
    the exact CIELAB of every other pixel."""
    _, face, skin, backdrop, rows = _scene()
    sparse_lab = cv2.cvtColor(np.ascontiguousarray(rgb[::2, ::2]).astype(np.float32) / 255.0, cv2.COLOR_RGB2Lab)
    own, wall = (_median_colour(sparse_lab, mask[::2, ::2] > 0) for mask in (skin, backdrop))
    return skin_beside_head(rgb, sparse_lab, face, own, wall, rows)


def test_alone_reads_nothing():
    lab, *_ = _scene()
    assert _read(_rgb(lab)) == 0.0


@settings(max_examples=15, deadline=None)
@given(
    st.lists(st.integers(35, 95), min_size=2, max_size=4, unique=True),  # still beside, not behind, the student
    st.sampled_from([(66.0, 14.0, 17.0), (38.0, 12.0, 16.0), (30.0, 8.0, 10.0), (76.0, 10.0, 14.0), (60.0, 24.0, 20.0)]),
    st.sampled_from([-1, 1]),
)
def test_more_of_a_neighbour_reads_more_and_fails(widths, tone, side):
    """Any skin tone next to the student's (dark beside light, pale beside ruddy), on
    either side: the value never falls as more of the face comes in, and fails from 35 px.
    (A face within dE 15 of the backdrop is not read: the price of no false alarm under a
    60 dE magenta cast.)"""
    lab, *_ = _scene()
    limit = _limits()
    values = [_read(_rgb(_neighbour(lab, w, tone, side))) for w in sorted(widths)]
    assert all(b >= a - 1e-9 for a, b in pairwise(values))
    assert min(values) > limit.fail_max


@settings(max_examples=12, deadline=None)
@given(
    st.sampled_from([(25.0, 4.0, 6.0), (45.0, 8.0, 18.0), (62.0, 5.0, 22.0), (40.0, 20.0, 25.0)]),
    st.integers(0, 1000),
)
def test_hair_at_the_sides_passes(colour, seed):
    """Dark, brown, blond and red hair reaching both edges: strands are not skin."""
    lab, *_ = _scene()
    assert _read(_rgb(_hair_at_sides(lab, colour, seed))) <= _limits().pass_max


@settings(max_examples=12, deadline=None)
@given(st.floats(0.0, 2 * np.pi), st.floats(5.0, 30.0), st.integers(0, 1000))
def test_a_whole_photo_cast_neither_makes_hair_skin_nor_hides_a_neighbour(angle, strength, seed):
    da, db = strength * np.cos(angle), strength * np.sin(angle)
    lab, *_ = _scene()
    limit = _limits()
    hair = _rgb(_hair_at_sides(lab, (45.0, 8.0, 18.0), seed))
    assert _read(_cast(hair, da, db)) <= limit.pass_max
    neighbour = _rgb(_neighbour(lab, 70, (60.0, 12.0, 15.0)))
    assert _read(_cast(neighbour, da, db)) > limit.fail_max


@pytest.mark.parametrize("patch", [BACKDROP_LAB, (60.0, -1.0, 0.0), (45.0, 0.0, 1.0), (70.0, -8.0, -20.0)])
def test_backdrop_shadow_or_blue_is_not_skin(patch):
    """The backdrop's own colour, a neutral shadow on it, a cold patch: none reads as skin."""
    lab, *_ = _scene()
    assert _read(_rgb(_neighbour(lab, 90, patch))) == 0.0


def test_ears_and_neck_are_the_students_own():
    """Skin right next to the face oval (ears) and below the chin (neck) is not read."""
    lab, *_ = _scene()
    out = lab.copy()
    cv2.ellipse(out, (WIDTH // 2 - 78, 205), (10, 22), 0, 0, 360, SKIN_LAB, -1)  # ears
    cv2.ellipse(out, (WIDTH // 2 + 78, 205), (10, 22), 0, 0, 360, SKIN_LAB, -1)
    out[300:420, WIDTH // 2 - 40 : WIDTH // 2 + 40] = SKIN_LAB  # neck
    assert _read(_rgb(out)) == 0.0


# ---- a real photo through the engine ------------------------------------------------------


@pytest.fixture
def real(good_face, studio_portrait):
    return (good_face, *studio_portrait)


def _pasted(rgb: np.ndarray, analysis, mask: np.ndarray, share: float) -> np.ndarray:
    """The photo's own person, mirrored, behind it at the crop's right edge with `share` of its
    face width inside the crop."""
    x0, _, x1, _ = analysis.faces.face.box
    crop_x1 = analysis.crop.box[2]
    width = rgb.shape[1]
    mirrored_x0 = width - x1  # the mirrored face's left edge
    dx = crop_x1 - share * (x1 - x0) - mirrored_x0
    matrix = np.float32([[1, 0, dx], [0, 1, 0]])
    other = cv2.warpAffine(np.ascontiguousarray(rgb[:, ::-1]), matrix, (width, rgb.shape[0]), borderMode=cv2.BORDER_REPLICATE)
    alpha = cv2.warpAffine(np.ascontiguousarray(mask[:, ::-1]), matrix, (width, rgb.shape[0])) * (1.0 - mask)
    out = rgb * (1.0 - alpha[..., None]) + other * alpha[..., None]
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)


def _status(analysis) -> tuple[str, float]:
    report = report_for(analysis, "en")
    check = next(c for c in report.checks if c.id == "background.person")
    return check.status, analysis.values["skin_beside_head"]


def test_real_photo_alone_passes(real):
    _, analysis, _ = real
    status, value = _status(analysis)
    assert status == "pass" and value <= _limits().pass_max


@pytest.mark.parametrize("share", [0.3, 0.5])
def test_real_photo_with_a_neighbour_fails(real, share):
    rgb, analysis, mask = real
    pasted = analyse(jpeg_bytes(_pasted(rgb, analysis, mask, share)))
    status, value = _status(pasted)
    assert status == "fail", value
    assert report_for(pasted, "en").verdict == "reject"


@pytest.mark.parametrize("sigma", [0.0, 2.0, 5.0])
def test_a_protruding_ear_however_blurred_is_not_a_neighbour(sigma):
    """Skin past the ear margin that does not come in from the crop's side edge (a big ear,
    spread by blur) is the student's own, not someone beside them."""
    lab, *_ = _scene()
    out = lab.copy()
    cv2.ellipse(out, (WIDTH // 2 + 110, 205), (22, 34), 0, 0, 360, SKIN_LAB, -1)
    rgb = _rgb(out)
    if sigma:
        rgb = cv2.GaussianBlur(rgb, (0, 0), sigma)
    assert _read(rgb) == 0.0
    # the same patch moved to the edge reads as a neighbour
    edge = lab.copy()
    cv2.ellipse(edge, (WIDTH - 10, 205), (40, 60), 0, 0, 360, SKIN_LAB, -1)
    assert _read(_rgb(edge)) > _limits().fail_max


def _skin_coloured_everywhere(lab, own, wall):
    """`_skin_coloured`'s definition, every test on every pixel (what it computes in parts)."""
    lightness, a, b = lab[..., 0], lab[..., 1], lab[..., 2]
    da, db = a - own[1], b - own[2]
    rel_a, rel_b = a - wall[1], b - wall[2]
    low, high = np.radians(-10.0), np.radians(110.0)
    return ((lightness > own[0] - 38.0) & (lightness < own[0] + 35.0) & (da * da + db * db < 25.0**2)
            & ((lightness - wall[0]) ** 2 + rel_a * rel_a + rel_b * rel_b > 15.0**2)
            & (rel_a * rel_a + rel_b * rel_b > _OFF_BACKDROP**2)
            & (rel_b * np.cos(low) - rel_a * np.sin(low) > 0) & (rel_a * np.sin(high) - rel_b * np.cos(high) > 0))


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), wall_near_skin=st.booleans())
def test_skin_colour_read_in_parts_is_its_per_pixel_definition(seed, wall_near_skin):
    """The skin-colour test runs its later tests only on the pixels passing the chroma tests:
    the same pixels as every test on every pixel, on views where few pass and where a beige
    wall lets most through."""
    rng = np.random.default_rng(seed)
    own = np.array(SKIN_LAB, np.float32)
    wall = np.array((80.0, 10.0, 14.0) if wall_near_skin else BACKDROP_LAB, np.float32)
    lab = np.stack([rng.uniform(0, 100, (90, 70)), rng.uniform(-40, 50, (90, 70)), rng.uniform(-40, 60, (90, 70))],
                   axis=-1).astype(np.float32)
    lab[rng.random((90, 70)) < 0.5] = own + rng.normal(0, 6, 3).astype(np.float32)
    view = lab[::2, 1:]  # a strided view, as the sparse CIELAB is
    assert np.array_equal(_skin_coloured(view, own, wall), _skin_coloured_everywhere(view, own, wall))


def _largest_blob_whole_strip(rgb, own, wall, window, smooth_sd, blob, outer, reach):
    """`_largest_skin_blob` on the whole strip, not the candidates' box: its definition."""
    lab = cv2.cvtColor(rgb.astype(np.float32) * (1 / 255.0), cv2.COLOR_RGB2Lab)
    lightness, candidate = lab[..., 0], _skin_coloured_everywhere(lab, own, wall)
    mean = cv2.blur(lightness, (window, window))
    sd = np.sqrt(np.maximum(cv2.blur(lightness * lightness, (window, window)) - mean * mean, 0.0))
    opened = cv2.morphologyEx((candidate & (sd < smooth_sd)).astype(np.uint8), cv2.MORPH_OPEN,
                              np.ones((blob, blob), np.uint8))
    _, _, stats, _ = cv2.connectedComponentsWithStats(opened, connectivity=8)
    left, width = stats[1:, cv2.CC_STAT_LEFT], stats[1:, cv2.CC_STAT_WIDTH]
    at_edge = (left <= reach) if outer == 0 else (left + width >= rgb.shape[1] - reach)
    areas = stats[1:, cv2.CC_STAT_AREA][at_edge]
    return int(areas.max()) if areas.size else 0


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), outer=st.integers(0, 1))
def test_largest_skin_blob_read_in_its_box_is_read_on_the_whole_strip(seed, outer):
    """Skin patches anywhere in a strip (at its edges, inside it, touching the outer side or
    not), with grain: the blob read in the candidates' box is the one read on the whole strip."""
    rng = np.random.default_rng(seed)
    lab = np.empty((160, 60, 3), np.float32)
    lab[:] = BACKDROP_LAB
    for _ in range(rng.integers(1, 4)):
        y, x = int(rng.integers(-10, 150)), int(rng.integers(-10, 55))
        h, w = int(rng.integers(6, 60)), int(rng.integers(6, 40))
        lab[max(y, 0) : y + h, max(x, 0) : x + w] = SKIN_LAB
    lab[..., 0] += rng.normal(0, rng.choice([0.5, 3.0]), lab.shape[:2]).astype(np.float32)
    rgb = _rgb(lab)
    own, wall = np.array(SKIN_LAB, np.float32), np.array(BACKDROP_LAB, np.float32)
    args = (rgb, own, wall, 5, 5.0, 9, outer, 0.03 * 330)
    assert _largest_skin_blob(*args) == _largest_blob_whole_strip(*args)
