"""Background: plain and light, judged only on what will be inside the ID crop."""

from __future__ import annotations

import cv2
import numpy as np

from ..resample import halve


def texture(lightness: np.ndarray, mask: np.ndarray, sigma: float = 6.0) -> float:
    """RMS L* of background detail: the background minus its own smooth shading.

    The smooth part is a normalised convolution over background pixels only, so the person's
    edge does not leak in and a gentle vignette or light fall-off is not counted as pattern.
    Being low-pass, it is estimated at half resolution, and the RMS reads the detail at every
    other row and column (the same pixels' detail, a quarter of them).
    """
    if min(lightness.shape[:2]) < 2:
        return 0.0
    weights = (mask > 0).astype(np.float32)
    blur_num = cv2.GaussianBlur(halve(lightness * weights), (0, 0), sigma / 2)
    blur_den = cv2.GaussianBlur(halve(weights), (0, 0), sigma / 2)
    smooth = blur_num / np.maximum(blur_den, 1e-3)  # one value per 2x2 block
    rows, cols = smooth.shape
    inside = weights[: rows * 2 : 2, : cols * 2 : 2] > 0
    detail = (lightness[: rows * 2 : 2, : cols * 2 : 2] - smooth)[inside]
    return float(np.sqrt(np.mean(detail**2))) if detail.size else 0.0


def lightness(lab: np.ndarray, mask: np.ndarray) -> float:
    """Median L* of the background."""
    return float(np.median(lab[..., 0][mask > 0]))


def chroma(lab: np.ndarray, mask: np.ndarray) -> float:
    """Median CIELAB chroma of the background (0 = neutral grey or white)."""
    inside = mask > 0
    a, b = lab[..., 1][inside], lab[..., 2][inside]
    return float(np.hypot(np.median(a), np.median(b)))
