"""Colour: is this a colour photo, or greyscale / sepia / a single-tint filter?"""

from __future__ import annotations

import numpy as np

_BINS = 24


def colour_variation(lab: np.ndarray) -> float:
    """Chroma that brightness does not explain (CIELAB units; ~0 for greyscale and sepia).

    In greyscale and toned (sepia, cyanotype) photos the colour of a pixel is a function of
    its lightness alone. A real colour photo has lips, skin, eyes, hair and background of
    different hues at the same lightness. So: the RMS distance of (a*, b*) from the mean
    (a*, b*) of pixels of the same lightness.
    """
    lightness = lab[..., 0].ravel()
    ab = lab[..., 1:].reshape(-1, 2)
    bins = np.minimum((lightness * (_BINS / 100.0)).astype(np.int32), _BINS - 1)
    counts = np.bincount(bins, minlength=_BINS).astype(np.float64)
    residual = 0.0
    for channel in range(2):
        sums = np.bincount(bins, weights=ab[:, channel], minlength=_BINS)
        means = np.divide(sums, counts, out=np.zeros_like(sums), where=counts > 0)
        residual += float(np.mean((ab[:, channel] - means[bins]) ** 2))
    return float(np.sqrt(residual))


def linear_light(lightness: np.ndarray | float) -> np.ndarray:
    """CIELAB L* to relative luminance Y (0..1): for ratios of light, which a shadow, a dim
    exposure or a side light scale, whatever the lightness they start from."""
    f = (np.asarray(lightness, np.float64) + 16.0) / 116.0
    return np.where(f > 6 / 29, f * f * f, 3 * (6 / 29) ** 2 * (f - 4 / 29))
