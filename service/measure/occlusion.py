"""Occlusion: is the lower face covered (a mask, a scarf, a hand)?"""

from __future__ import annotations

import numpy as np


def lower_face_shift(lab: np.ndarray, reference: np.ndarray, lower: np.ndarray) -> float:
    """CIELAB distance of the lower face (chin and upper lip) from the skin between the eyes.

    The same skin has the same chroma under the nose as between the eyes; a mask, a scarf or
    a hand does not (surgical blue and black masks differ in a* b*; white ones and the palm
    of a hand are lighter). Lightness counts only when the lower face is the lighter one:
    shadows under the nose and chin, and beards, only ever make it darker.
    """
    ref = np.median(lab[reference > 0], axis=0)
    low = np.median(lab[lower > 0], axis=0)
    return float(np.sqrt((low[1] - ref[1]) ** 2 + (low[2] - ref[2]) ** 2 + max(low[0] - ref[0], 0.0) ** 2))
