"""Noise (grain), estimated where the picture should be smooth."""

from __future__ import annotations

import cv2
import numpy as np

from ..resample import halve

# Immerkaer's Laplacian-difference kernel: zero response to planes and gentle gradients
_KERNEL = np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], dtype=np.float32)


def noise_sigma(lightness: np.ndarray, mask: np.ndarray) -> float:
    """Standard deviation of the noise in L* units, over the masked area.

    Immerkaer's operator (1996) cancels smooth shading; its response to noise of deviation s
    has deviation 6 s. The median absolute response (/0.6745 for a Gaussian) instead of the
    mean keeps the sparse edges of stray hair or the person's outline from counting as noise.
    """
    response = cv2.filter2D(lightness.astype(np.float32), -1, _KERNEL)
    inside = cv2.erode((mask > 0).astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    # the median reads every other row and column: a quarter of the samples gives the same value
    return float(np.median(np.abs(response[::2, ::2][inside[::2, ::2]])) / (0.6745 * 6))


def blotch_sigma(lightness: np.ndarray, mask: np.ndarray) -> float:
    """The same estimate on the image halved (2x2 means): grain that JPEG has turned to blotches.

    JPEG quantises away the finest grain of flat areas first, so a noisy photo saved at
    moderate quality reads clean at full resolution while its blotches, a few pixels wide,
    stay visible; at half resolution they are the finest detail again. (White noise reads
    half its deviation here.)
    """
    inside = halve((mask > 0).astype(np.float32)) > 0.99
    return noise_sigma(halve(lightness.astype(np.float32)), inside)
