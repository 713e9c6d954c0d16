"""The blur measure's parts: the fast line blurs are the line they stand for, the directional
reading is the one a plain 2-D line kernel gives (read together with the coarse one, as each
alone; on every other pixel, close to the full-resolution one whichever pixels it takes), and
blur_px only grows with blur of any kind, from invisible to absurd, then stays at its
saturation."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from service.measure import sharpness


def _squares(seed: int = 4, size: int = 300) -> tuple[np.ndarray, np.ndarray]:
    """Random overlapping squares of L* 50-90 on 40 (edges in every direction once blurred a
    little), and the region read (24 px in from the border, as `face_box` leaves)."""
    rng = np.random.default_rng(seed)
    image = np.full((size, size), 40, np.float32)
    for x, y, side, level in zip(*(rng.integers(0, size - 10, 60), rng.integers(0, size - 10, 60),
                                   rng.integers(10, 40, 60), rng.integers(50, 90, 60))):
        cv2.rectangle(image, (int(x), int(y)), (int(x + side), int(y + side)), float(level), -1)
    circles = np.zeros_like(image)
    for x, y, r in zip(*(rng.integers(20, size - 20, 12), rng.integers(20, size - 20, 12), rng.integers(5, 15, 12))):
        cv2.circle(circles, (int(x), int(y)), int(r), 25.0, -1)  # curved edges: every orientation
    image = cv2.GaussianBlur(image + circles, (0, 0), 1.0)
    inside = np.zeros(image.shape, bool)
    inside[24:-24, 24:-24] = True
    return image, inside


def _line_kernel(angle: float, sigma: float, across: float = 0.5) -> np.ndarray:
    """The 2-D line the directional reading re-blurs with: Gaussian along `angle`, `across` wide."""
    r = int(8 * sigma) // 2
    ys, xs = np.mgrid[-r : r + 1, -r : r + 1].astype(np.float64)
    along = xs * np.cos(angle) + ys * np.sin(angle)
    side = -xs * np.sin(angle) + ys * np.cos(angle)
    kernel = np.exp(-(along**2) / (2 * sigma**2) - side**2 / (2 * across**2))
    return (kernel / kernel.sum()).astype(np.float32)


@pytest.mark.parametrize("sigma", [1.0, 2.0, 3.0])
@pytest.mark.parametrize("index", [0, 1, 2, 3])
def test_the_fast_line_blur_is_the_line_it_stands_for(index, sigma):
    """Its response to a point: sums to 1, deviation `sigma` along the direction and about
    half a pixel across it, centred, and close to the 2-D line kernel point by point."""
    size = 61
    point = np.zeros((size, size), np.float32)
    point[size // 2, size // 2] = 1.0
    response = sharpness._line_blur(point, index, sigma).astype(np.float64)
    angle = sharpness._ANGLES[index]
    ys, xs = np.mgrid[0:size, 0:size] - size // 2
    along = xs * np.cos(angle) + ys * np.sin(angle)
    across = -xs * np.sin(angle) + ys * np.cos(angle)
    assert abs(response.sum() - 1.0) < 1e-4
    assert abs((response * along).sum()) < 1e-4 and abs((response * across).sum()) < 1e-4
    assert abs(np.sqrt((response * along**2).sum()) - sigma) < 0.01 * sigma
    assert 0.2 < (response * across**2).sum() < 0.3
    if sigma >= 2.0:  # the points between two diagonal lattice points are interpolated: exact
        # enough once the line spans a few lattice steps (the reading uses 2)
        reference = cv2.filter2D(point, -1, _line_kernel(angle, sigma)).astype(np.float64)
        assert np.abs(response - reference).max() < 0.03 * reference.max()


@pytest.mark.parametrize("step", [1, 2])
@pytest.mark.parametrize("smear", [0, 5, 11])
def test_the_directional_reading_is_the_one_a_plain_line_kernel_gives(smear, step):
    """The fast path (re-blurred derivative instead of the derivative of a re-blur, the four
    directions' tiles on two canvases, only the face box) reads what the plain one reads, at
    full resolution and on every other pixel (there in half pixels, given in pixels; the
    derivative is the full-resolution one read there, and what is re-blurred)."""
    image, inside = _squares()
    if smear:
        image = cv2.filter2D(image, -1, _line_kernel(np.pi / 4, smear / np.sqrt(12), 0.3))
    image = _grain(image, seed=3)  # no two edge points of exactly the same strength (ties fall
    # either way with the order of the sums, and so would the median of a regular pattern)
    fast = sharpness.directional_blur(image, inside, *sharpness._DIRECTIONAL, step=step)
    pre, reblur = (d / step for d in sharpness._DIRECTIONAL)
    smooth = cv2.GaussianBlur(image, (0, 0), sharpness._DIRECTIONAL[0])
    # the derivatives of the photo's own grid, read on every `step`-th pixel
    gx, gy = (np.ascontiguousarray(np.gradient(smooth, axis=axis)[::step, ::step]) for axis in (1, 0))
    smooth, inside = np.ascontiguousarray(smooth[::step, ::step]), inside[::step, ::step]
    plain = []
    for angle in sharpness._ANGLES:
        c, s = np.cos(angle), np.sin(angle)
        if step == 1:
            blurred = cv2.filter2D(smooth, -1, _line_kernel(angle, reblur))
            again = np.abs(np.gradient(blurred, axis=1) * c + np.gradient(blurred, axis=0) * s)
        else:
            again = np.abs(cv2.filter2D((gx * c + gy * s).astype(np.float32), -1, _line_kernel(angle, reblur)))
        sharp = np.abs(gx * c + gy * s)
        # edge points: maxima along the direction (its two neighbours on the pixel grid)
        along = np.zeros((3, 3), np.uint8)
        along[1, 1] = along[1 + round(s), 1 + round(c)] = along[1 - round(s), 1 - round(c)] = 1
        peaks = inside & (again >= cv2.dilate(again, along)) & (again > 0)
        ys, xs = np.nonzero(peaks)
        strengths = again[ys, xs]
        count = max(int(sharpness._DIRECTIONAL_STRONGEST * strengths.size), sharpness._MIN_EDGES)
        chosen = np.argsort(strengths)[-count:]
        ratio = np.maximum(sharp[ys[chosen], xs[chosen]] / strengths[chosen], 1.0 + 1e-4)
        total = float(np.median(reblur / np.sqrt(ratio * ratio - 1.0)))
        plain.append(step * float(np.sqrt(max(total * total - pre * pre, 0.0))))
    assert np.allclose(fast, plain, atol=0.05 * step), (fast, plain)


def test_scales_read_together_read_as_each_alone():
    """The fine and the coarse directional readings share their canvases: the zeros between
    the tiles keep each its own, so together they read what each reads alone, even where the
    face reaches the border of the image (no margin of its own there)."""
    image, inside = _squares()
    inside[24:-24, :24] = True
    image = _grain(_motion(image, 9, 30.0), seed=3)
    scales = [(cv2.GaussianBlur(image, (0, 0), pre), inside, pre, reblur, step)
              for (pre, reblur), step in ((sharpness._DIRECTIONAL, sharpness._DIRECTIONAL_STEP),
                                          (sharpness._COARSE_DIRECTIONAL, sharpness._COARSE_DIRECTIONAL_STEP))]
    together = sharpness._directional(scales)
    alone = [sharpness._directional([scale])[0] for scale in scales]
    assert np.allclose(together, alone, atol=1e-4), (together, alone)


@pytest.mark.parametrize("angle", [0.0, 30.0, 45.0, 60.0, 112.0, 150.0])
def test_the_half_resolution_directional_reading_tracks_the_full_one(angle):
    """Read on every other pixel of its 1.5 px smoothing (which holds little finer), the
    widest direction stays within 0.35 px of the full-resolution reading up to a 13 px motion
    in any direction, whichever pixels the grid takes (shifted by a pixel it moves by at most
    0.3 px: with the 3x3 maxima as edge points it moved by up to 0.5), and grows with the
    motion's length as that one does: from 0 to 11 px each longer motion reads at least as
    wide (to 0.05 px), 9 px at least 1.2 px wider than none."""
    image, inside = _squares()
    half, full, shifted = [], [], []
    for length in (0, 3, 5, 7, 9, 11, 13):
        faulty = _grain(_motion(image, length, angle), seed=3)
        half.append(max(sharpness.directional_blur(faulty, inside, *sharpness._DIRECTIONAL, step=2)))
        full.append(max(sharpness.directional_blur(faulty, inside, *sharpness._DIRECTIONAL)))
        shifted.append([max(sharpness.directional_blur(np.ascontiguousarray(faulty[dy:, dx:]),
                                                       np.ascontiguousarray(inside[dy:, dx:]),
                                                       *sharpness._DIRECTIONAL, step=2))
                        for dy, dx in ((1, 1), (1, 0), (0, 1))])
    assert np.abs(np.subtract(half, full)).max() <= 0.35, (angle, half, full)
    assert np.abs(np.subtract(shifted, np.array(half)[:, None])).max() <= 0.3, (angle, half, shifted)
    assert (np.diff(half[:6]) >= -0.05).all(), (angle, half)
    assert half[4] >= half[0] + 1.2, (angle, half)


def _motion(image: np.ndarray, length: float, angle: float) -> np.ndarray:
    if length < 1:
        return image
    size = int(length) | 1
    kernel = np.zeros((size + 2, size + 2), np.float32)
    c, s, r = np.cos(np.radians(angle)), np.sin(np.radians(angle)), (size + 2) // 2
    for t in np.linspace(-length / 2, length / 2, 8 * size):
        kernel[round(r + t * s), round(r + t * c)] = 1.0
    return cv2.filter2D(image, -1, kernel / kernel.sum())


def _defocus(image: np.ndarray, radius: float) -> np.ndarray:
    if radius < 1:
        return image
    r = int(radius)
    disk = np.zeros((2 * r + 1, 2 * r + 1), np.float32)
    cv2.circle(disk, (r, r), r, 1.0, -1)
    return cv2.filter2D(image, -1, disk / disk.sum())


def _gauss(image: np.ndarray, sigma: float) -> np.ndarray:
    return cv2.GaussianBlur(image, (0, 0), sigma) if sigma else image


def _grain(image: np.ndarray, seed: int) -> np.ndarray:
    return image + np.random.default_rng(seed).normal(0, 1.6, image.shape).astype(np.float32)  # 4 grey levels


def _sharpen(image: np.ndarray) -> np.ndarray:
    return cv2.addWeighted(image, 2.2, cv2.GaussianBlur(image, (0, 0), 1.5), -1.2, 0)


FAULTS = {
    "gauss": (_gauss, (0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.5, 5.0, 7.0, 10.0, 14.0)),
    "defocus": (_defocus, (0, 1, 2, 3, 4, 5, 6, 8, 10)),
    "motion 0": (lambda im, n: _motion(im, n, 0.0), (0, 3, 5, 7, 9, 13, 17, 23, 31, 41)),
    "motion 30": (lambda im, n: _motion(im, n, 30.0), (0, 3, 5, 7, 9, 13, 17, 23, 31, 41)),
    "motion 112": (lambda im, n: _motion(im, n, 112.0), (0, 3, 5, 7, 9, 13, 17, 23, 31, 41)),
}


@pytest.mark.parametrize("after", ["plain", "grain", "grain+sharpened"])
@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_blur_px_only_grows_with_any_blur_then_saturates(fault, after):
    """From invisible to absurd, with grain and the phone's sharpening after the blur: each
    stronger blur reads at least as blurred (to 0.02 px), the absurd ones at the saturation."""
    image, inside = _squares()
    blur, strengths = FAULTS[fault]
    readings = []
    for strength in strengths:
        faulty = blur(image, strength)
        if "grain" in after:
            faulty = _grain(faulty, seed=7)
        if "sharpened" in after:
            faulty = _sharpen(faulty)
        readings.append(sharpness.blur_and_detail(faulty, inside.astype(np.uint8))[0])
    worst = np.maximum.accumulate(readings)
    assert all(later >= before - 0.02 for before, later in zip(worst, readings[1:])), (fault, after, readings)
    assert readings[0] < 2.0 and readings[-1] == sharpness._SATURATION, (fault, after, readings)
