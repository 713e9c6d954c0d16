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
"""

from __future__ import annotations

import cv2
import numpy as np

# (pre-smoothing, re-blur) deviations in output pixels
_FINE = (1.0, 1.5)  # resolves the finest detail: what an enlarged small photo lacks
_MID = (1.5, 2.0)  # the blur reading: smoothed enough that grain hardly counts
_COARSE = (3.0, 3.0)  # grain gone entirely: the backstop for strong blur under noise
_COARSE_ERROR = 1.0  # the coarse scale reads blur only to within about a pixel: counted beyond that
_MID_OVER_FINE = 0.5  # on sharp photos the blur reading runs up to half a pixel above the finest one
_STRONGEST = 0.1  # share of the edge points (local gradient maxima) that are read
_MIN_EDGES = 10
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

    Blur (Gaussian deviation): the larger of the mid-scale and the coarse-scale readings (see
    the module docstring); 0 for a perfectly sharp edge.

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
    blur = float(max(mid, coarse, 0.0))
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


def _gaussian(image: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian blur, OpenCV's kernel for floats (to 4 sigma: the ratio is calibrated on it)."""
    return cv2.GaussianBlur(image, (0, 0), sigma)


def _gradient_energy(image: np.ndarray) -> np.ndarray:
    """Squared gradient magnitude by central differences."""
    gx = cv2.Sobel(image, cv2.CV_32F, 1, 0, ksize=1, scale=0.5)
    gy = cv2.Sobel(image, cv2.CV_32F, 0, 1, ksize=1, scale=0.5)
    return cv2.add(cv2.multiply(gx, gx), cv2.multiply(gy, gy))
