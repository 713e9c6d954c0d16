"""Lighting across the face: side shadows."""

from __future__ import annotations

import numpy as np


def shadow_ratio(rgb: np.ndarray, left: np.ndarray, right: np.ndarray) -> float:
    """Linear luminance of the darker cheek as a share of the brighter one (1 = even light).

    In linear light a shadow is a factor, whatever the skin tone: a side light that halves the
    light on one cheek gives 0.5 on pale and dark skin alike (an L* difference would not).
    """
    a, b = float(np.median(luminance(rgb[left > 0]))), float(np.median(luminance(rgb[right > 0])))
    return min(a, b) / max(a, b, 1e-6)


_LINEAR = ((np.arange(256, dtype=np.float64) / 255.0) ** 2.2).astype(np.float32)  # 8-bit value -> linear light
_LUMA_WEIGHTS = np.array([0.2126, 0.7152, 0.0722], np.float32)


def luminance(pixels: np.ndarray) -> np.ndarray:
    """Linear luminance (0..1) of 8-bit sRGB pixels (gamma 2.2), one value per pixel."""
    return _LINEAR[pixels] @ _LUMA_WEIGHTS
