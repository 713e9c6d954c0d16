"""Exposure of the face: how light it is and how much of it is clipped."""

from __future__ import annotations

import numpy as np


def face_lightness(lightness: np.ndarray, mask: np.ndarray) -> float:
    """Median CIELAB L* (0-100) of the face; L* is perceptual, so limits read like a photographer's."""
    return float(np.median(lightness[mask > 0]))


def clipped_fraction(rgb: np.ndarray, mask: np.ndarray) -> float:
    """Share of face pixels blown out (a channel at 250+) or crushed (all channels at 5-)."""
    pixels = rgb[mask > 0]
    blown = pixels.max(axis=1) >= 250
    crushed = pixels.max(axis=1) <= 5
    return float(np.mean(blown | crushed))
