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
    # the smooth part is low-pass: estimate it at half resolution (a quarter of the work)
    half = (max(image.shape[1] // 2, 1), max(image.shape[0] // 2, 1))
    blur_num = cv2.GaussianBlur(cv2.resize(image, half, interpolation=cv2.INTER_AREA), (0, 0), sigma / 2)
    blur_den = cv2.GaussianBlur(cv2.resize(weights, half, interpolation=cv2.INTER_AREA), (0, 0), sigma / 2)
    smooth = cv2.resize(blur_num / np.maximum(blur_den, 1e-3), image.shape[1::-1], interpolation=cv2.INTER_LINEAR)
    detail = (lightness - smooth)[weights > 0]
    return float(np.sqrt(np.mean(detail**2)))


def lightness(lab: np.ndarray, mask: np.ndarray) -> float:
    """Median L* of the background (every other pixel: a median needs no more)."""
    return float(np.median(lab[::2, ::2, 0][mask[::2, ::2] > 0]))


def chroma(lab: np.ndarray, mask: np.ndarray) -> float:
    """Median CIELAB chroma of the background (0 = neutral grey or white)."""
    inside = mask[::2, ::2] > 0
    a, b = lab[::2, ::2, 1][inside], lab[::2, ::2, 2][inside]
    return float(np.hypot(np.median(a), np.median(b)))
