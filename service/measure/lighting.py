"""Lighting across the face: side shadows."""

from __future__ import annotations

import numpy as np


def asymmetry(lightness: np.ndarray, left: np.ndarray, right: np.ndarray) -> float:
    """Difference of median L* between the two cheek halves of the face (0 = even light)."""
    return float(abs(np.median(lightness[left > 0]) - np.median(lightness[right > 0])))
