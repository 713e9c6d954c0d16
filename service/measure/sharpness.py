"""Blur of the face, in pixels at the scale of the ID output.

The estimate is the gradient-ratio method of Zhuo and Sim ("Defocus map estimation from a
single image", Pattern Recognition 44, 2011): at an edge blurred by a Gaussian of deviation s,
blurring again by s1 lowers the peak gradient by sqrt(s² + s1²) / s, so the ratio of the two
gradients gives s, whatever the edge's contrast. Taken at the face's strongest edges (eyes,
brows, lips, the jaw line), as a median, it reads blur in output pixels: sharp portraits
read about 1, a Gaussian blur of deviation 2.5 reads about 2.5.

Why not a ratio of detail bands (what this replaced): once blur removes the real detail,
noise and JPEG residue decide such a ratio and it turns back up. Here the image is smoothed
before the gradients are taken, and edges are chosen on the smoother of the two gradients,
so grain hardly moves the reading. Noise still wins where blur has left no edge at all, so
the same estimate is also read at a coarse scale, where grain is gone: a strongly blurred
noisy photo reads blurred there, and the larger of the two readings counts.

Motion blur (camera shake) widens only the edges across the motion; those along it stay sharp,
and a median over all edges reads them. So the same ratio is also read along each of four
directions (the gradient along it, the re-blur a line along it): the direction of the motion
reads its length, and the largest of the four, less what it reads above the all-edge reading
on sharp and evenly blurred photos, counts too (`_DIRECTIONAL_OFFSET`, `_DIRECTIONAL_SLOPE`).
"""

from __future__ import annotations

import cv2
import numpy as np

# (pre-smoothing, re-blur) deviations in output pixels
# resolves the finest detail, what an enlarged small photo lacks: real photos keep some at the
# pixel scale (sensor, lens, the camera's own sharpening) even where their edges are soft; an
# enlargement's interpolated ramps have none, so at this scale the two part (DEV: real photos
# <= 1.02, a 3x enlargement of the sharpest >= 1.35; at (1.0, 1.5) they met at 1.32)
_FINE = (0.5, 1.0)
_MID = (1.5, 2.0)  # the blur reading: smoothed enough that grain hardly counts
_COARSE = (3.0, 3.0)  # grain gone entirely: the backstop for strong blur under noise
_COARSE_ERROR = 1.0  # the coarse scale reads blur only to within about a pixel: counted beyond that
_MID_OVER_FINE = 0.85  # on real photos the blur reading runs up to 0.81 px above the finest one
_STRONGEST = 0.1  # share of the edge points (local gradient maxima) that are read
_MIN_EDGES = 10
_DIRECTIONAL = (1.5, 2.0)  # (pre-smoothing, re-blur along the direction), as the mid scale
_DIRECTIONAL_ACROSS = 0.5  # the line's own width across the direction
# the largest of four directions against the median of all edges on sharp and evenly blurred
# photos (DEV, harness): oblique edges read wider, and the largest of four medians is the
# noisiest; (largest - 0.9) / 1.15 stays under the all-edge reading there
_DIRECTIONAL_OFFSET = 0.9
_DIRECTIONAL_SLOPE = 1.15
_PAD = 24  # beyond the face box, so the smoothing sees real neighbours


def face_box(lightness: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """The lightness around the face (with a margin) and the mask cut to it."""
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    if rows.size == 0:
        return None
    y0, y1 = max(rows[0] - _PAD, 0), rows[-1] + _PAD + 1
    x0, x1 = max(cols[0] - _PAD, 0), cols[-1] + _PAD + 1
    return lightness[y0:y1, x0:x1].astype(np.float32), mask[y0:y1, x0:x1] > 0


def blur_and_detail(lightness: np.ndarray, mask: np.ndarray) -> tuple[float, float]:
    """(blur, detail width) of the face in pixels of `lightness`, from one cut of it.

    Blur (Gaussian deviation): the largest of the mid-scale, the coarse-scale and the
    directional readings (see the module docstring); 0 for a perfectly sharp edge.

    Detail width: the blur read at the finest scale, never less than the blur minus the half
    pixel by which that reading exceeds this one on sharp photos. An enlarged photo carries
    only the detail of the small one: its edges are as wide as the enlargement, which the
    finest reading sees and pixel counts do not. Grain only lowers that reading, so a noisy
    photo is never taken for an enlarged one; where grain hides strong blur from it, the
    coarser readings still count (detail cannot be finer than blur), so the reading only
    grows with blur, noisy or not.
    """
    cut = face_box(lightness, mask)
    if cut is None:
        return 0.0, 0.0
    image, inside = cut
    mid = gradient_ratio_blur(image, inside, *_MID)
    coarse = gradient_ratio_blur(image, inside, *_COARSE) - _COARSE_ERROR
    directional = (max(directional_blur(image, inside, *_DIRECTIONAL)) - _DIRECTIONAL_OFFSET) / _DIRECTIONAL_SLOPE
    blur = float(max(mid, coarse, directional, 0.0))
    fine = gradient_ratio_blur(image, inside, *_FINE)
    return blur, float(max(fine, blur - _MID_OVER_FINE))


def gradient_ratio_blur(image: np.ndarray, inside: np.ndarray, pre: float, reblur: float) -> float:
    """Median Gaussian blur (pixels) at the strongest edges inside `inside`, by the gradient
    ratio between `image` smoothed by `pre` and smoothed again by `reblur`."""
    smooth = _gaussian(image, pre)
    again = _gaussian(smooth, reblur)
    g_again = _gradient_energy(again)
    # edge points: local maxima of the smoother gradient (grain makes few of those)
    peaks = inside & (g_again >= cv2.dilate(g_again, np.ones((3, 3), np.uint8))) & (g_again > 0)
    peaks[0], peaks[-1], peaks[:, 0], peaks[:, -1] = False, False, False, False
    ys, xs = np.nonzero(peaks)
    if ys.size < _MIN_EDGES:
        return 0.0
    strengths = g_again[ys, xs]
    count = max(int(_STRONGEST * strengths.size), _MIN_EDGES)
    chosen = np.argpartition(strengths, strengths.size - count)[strengths.size - count :]
    ys, xs = ys[chosen], xs[chosen]
    gx = (smooth[ys, xs + 1] - smooth[ys, xs - 1]) * 0.5  # the sharper gradient, only where it is read
    gy = (smooth[ys + 1, xs] - smooth[ys - 1, xs]) * 0.5
    ratio_sq = np.maximum((gx * gx + gy * gy) / strengths[chosen], 1.0 + 1e-4)
    total = float(np.median(reblur / np.sqrt(ratio_sq - 1.0)))  # blur including the pre-smoothing
    return float(np.sqrt(max(total * total - pre * pre, 0.0)))


def _line_kernel(angle: float, sigma: float) -> np.ndarray:
    """A Gaussian line of deviation `sigma` along `angle` (radians), 0.5 px wide across it."""
    r = int(8 * sigma) // 2
    ys, xs = np.mgrid[-r : r + 1, -r : r + 1].astype(np.float32)
    along = xs * np.cos(angle) + ys * np.sin(angle)
    across = -xs * np.sin(angle) + ys * np.cos(angle)
    kernel = np.exp(-(along**2) / (2 * sigma**2) - across**2 / (2 * _DIRECTIONAL_ACROSS**2))
    return (kernel / kernel.sum()).astype(np.float32)


_ANGLES = tuple(np.pi * i / 4 for i in range(4))
_LINE_KERNELS = {angle: _line_kernel(angle, _DIRECTIONAL[1]) for angle in _ANGLES}


def _line_blur(image: np.ndarray, angle: float, kernel: np.ndarray) -> np.ndarray:
    """The image blurred by a line kernel; along an axis the kernel is separable (the same
    numbers, a fraction of the cost)."""
    r = kernel.shape[0] // 2
    if angle == 0.0 or abs(angle - np.pi / 2) < 1e-9:
        return cv2.sepFilter2D(image, -1, kernel[r] / kernel[r].sum(), kernel[:, r] / kernel[:, r].sum())
    return cv2.filter2D(image, -1, kernel)


def directional_blur(image: np.ndarray, inside: np.ndarray, pre: float, reblur: float) -> list[float]:
    """The gradient-ratio blur read along each of four directions (0, 45, 90, 135 degrees): the
    derivative along the direction, before and after a re-blur by a line along it, at the
    strongest edge points of that derivative. Width along the direction: the motion's
    direction reads its length, the others the photo's own blur."""
    smooth = _gaussian(image, pre)
    kernels = _LINE_KERNELS if reblur == _DIRECTIONAL[1] else {a: _line_kernel(a, reblur) for a in _ANGLES}
    gx, gy = _gradients(smooth)
    out = []
    for angle, kernel in kernels.items():
        c, s = float(np.cos(angle)), float(np.sin(angle))
        sharp = np.abs(gx * c + gy * s)
        ax, ay = _gradients(_line_blur(smooth, angle, kernel))
        again = np.abs(ax * c + ay * s)
        peaks = inside & (again >= cv2.dilate(again, np.ones((3, 3), np.uint8))) & (again > 0)
        ys, xs = np.nonzero(peaks)
        if ys.size < _MIN_EDGES:
            out.append(0.0)
            continue
        strengths = again[ys, xs]
        count = max(int(_STRONGEST * strengths.size), _MIN_EDGES)
        chosen = np.argpartition(strengths, strengths.size - count)[strengths.size - count :]
        ratio = np.maximum(sharp[ys[chosen], xs[chosen]] / strengths[chosen], 1.0 + 1e-4)
        total = float(np.median(reblur / np.sqrt(ratio * ratio - 1.0)))
        out.append(float(np.sqrt(max(total * total - pre * pre, 0.0))))
    return out


def _gaussian(image: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian blur, OpenCV's kernel for floats (to 4 sigma: the ratio is calibrated on it)."""
    return cv2.GaussianBlur(image, (0, 0), sigma)


def _gradients(image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Central differences along x and y."""
    return (
        cv2.Sobel(image, cv2.CV_32F, 1, 0, ksize=1, scale=0.5),
        cv2.Sobel(image, cv2.CV_32F, 0, 1, ksize=1, scale=0.5),
    )


def _gradient_energy(image: np.ndarray) -> np.ndarray:
    """Squared gradient magnitude by central differences."""
    gx = cv2.Sobel(image, cv2.CV_32F, 1, 0, ksize=1, scale=0.5)
    gy = cv2.Sobel(image, cv2.CV_32F, 0, 1, ksize=1, scale=0.5)
    return cv2.add(cv2.multiply(gx, gx), cv2.multiply(gy, gy))
