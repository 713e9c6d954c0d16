"""Exposure of the face: how light it is and how much of it is clipped."""

from __future__ import annotations

import numpy as np


def face_lightness(lightness: np.ndarray, mask: np.ndarray) -> float:
    """Median CIELAB L* (0-100) of the face; L* is perceptual, so limits read like a photographer's."""
    return float(np.median(lightness[mask > 0]))


def clipped_fraction(rgb: np.ndarray, mask: np.ndarray) -> float:
    """Share of face pixels blown out to white (all channels 245+) or crushed to black (all 8-).

    One saturated channel is normal on well-lit skin (red clips first); a hot spot is white.
    """
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    clipped = (np.minimum(np.minimum(r, g), b) >= 245) | (np.maximum(np.maximum(r, g), b) <= 8)
    return float(np.mean(clipped[mask > 0]))


def white_point(lightness: np.ndarray, mask: np.ndarray) -> float:
    """99th percentile L* of the crop: a well-exposed ID photo has a light background or clothes
    near white, whatever the skin tone, so a low white point means the whole photo is dark."""
    return float(np.percentile(lightness[mask > 0], 99))


def blown_fraction(rgb: np.ndarray, mask: np.ndarray) -> float:
    """Share of the masked pixels blown out to white (all channels 245+). Used on the person
    (skin, hair, clothes), not the background: a pure white backdrop is allowed, a person
    burnt to white is over-exposed whatever the skin tone."""
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    return float(np.mean((np.minimum(np.minimum(r, g), b) >= 245)[mask > 0]))
