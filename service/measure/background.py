"""Background: plain and light, judged only on what will be inside the ID crop."""

from __future__ import annotations

import cv2
import numpy as np


def texture(lightness: np.ndarray, mask: np.ndarray, sigma: float = 6.0) -> float:
    """RMS L* of background detail: the background minus its own smooth shading.

    The smooth part is a normalised convolution over background pixels only, so the person's
    edge does not leak in and a gentle vignette or light fall-off is not counted as pattern.
    """
    weights = (mask > 0).astype(np.float32)
    image = lightness.astype(np.float32) * weights
    smooth = cv2.GaussianBlur(image, (0, 0), sigma) / np.maximum(cv2.GaussianBlur(weights, (0, 0), sigma), 1e-3)
    detail = (lightness - smooth)[weights > 0]
    return float(np.sqrt(np.mean(detail**2)))


def lightness(lab: np.ndarray, mask: np.ndarray) -> float:
    """Median L* of the background."""
    return float(np.median(lab[..., 0][mask > 0]))


def chroma(lab: np.ndarray, mask: np.ndarray) -> float:
    """Median CIELAB chroma of the background (0 = neutral grey or white)."""
    a, b = lab[..., 1][mask > 0], lab[..., 2][mask > 0]
    return float(np.hypot(np.median(a), np.median(b)))
