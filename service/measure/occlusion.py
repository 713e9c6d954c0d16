"""Occlusion: is the lower face covered (a mask, a scarf, a hand), are the eyes hidden?"""

from __future__ import annotations

import numpy as np

from .lighting import luminance


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


def eye_light_ratio(rgb: np.ndarray, reference: np.ndarray, right_eye: np.ndarray, left_eye: np.ndarray) -> float:
    """Light around the brighter eye (90th percentile of linear luminance) over the skin
    between the eyes: ~0.7-1.4 for open eyes (white of the eye, lit lids), under 0.1 behind
    dark lenses. The brighter eye counts, so a shadow over one side of the face does not
    read as dark glasses; linear light makes it a ratio whatever the skin tone.
    """
    skin = max(float(np.median(luminance(rgb[reference > 0]))), 1e-4)
    return max(float(np.percentile(luminance(rgb[eye > 0]), 90)) for eye in (right_eye, left_eye)) / skin
