"""Noise (grain), estimated where the picture should be smooth."""

from __future__ import annotations

import cv2
import numpy as np

# Immerkaer's Laplacian-difference kernel: zero response to planes and gentle gradients
_KERNEL = np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], dtype=np.float32)


def noise_sigma(lightness: np.ndarray, mask: np.ndarray) -> float:
    """Standard deviation of the noise in L* units (J. Immerkaer, 1996), over the masked area."""
    response = cv2.filter2D(lightness.astype(np.float32), -1, _KERNEL)
    inside = cv2.erode((mask > 0).astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    return float(np.sqrt(np.pi / 2) / 6 * np.mean(np.abs(response[inside])))
