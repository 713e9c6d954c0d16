"""Occlusion: is the lower face covered (a mask, a scarf, a hand), are the eyes hidden?"""

from __future__ import annotations

import numpy as np

from .lighting import luminance

_GLARE_MARGIN = 5.0  # L* above the face's brightest tenth: JPEG and resampling overshoot stay under it


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


def region_shift(lab: np.ndarray, reference: np.ndarray, region: np.ndarray) -> float:
    """CIELAB distance (ΔE*ab of the medians) of a region from the reference skin.

    For the upper forehead against the skin between the eyes: a cap, a beanie or a hood over
    the forehead differs from skin in lightness, chroma or both, lighter or darker.
    """
    ref = np.median(lab[reference > 0], axis=0)
    other = np.median(lab[region > 0], axis=0)
    return float(np.linalg.norm(other - ref))


def eye_glare(lightness: np.ndarray, face: np.ndarray, right_lens: np.ndarray, left_lens: np.ndarray) -> float:
    """Share of the skin around an eye (lids and the skin a lens covers, not the eye opening)
    brighter than the face's brightest skin: a reflection on a lens. The larger eye's share.

    That skin is never brighter than the face's 90th percentile of L* plus a margin in an
    untouched photo (the white of the eye, which is brighter, is left out); light reflected
    by glasses over any part of it is, on every skin tone.
    """
    threshold = float(np.percentile(lightness[face > 0], 90)) + _GLARE_MARGIN
    return max(float(np.mean(lightness[lens > 0] > threshold)) for lens in (right_lens, left_lens))


def eye_opening_shift(lightness: np.ndarray, right_opening: np.ndarray, left_opening: np.ndarray) -> float:
    """L* difference between the two eye openings' medians (0 = alike).

    Both eyes of one face hold the same iris under the same light, so their openings read
    alike (within 12 L* on the DEV photos, gaze and a side light included); a reflection
    across one lens lifts that eye's iris and pupil towards white (a streak at half strength:
    +20-30), while most of it lies on the opening, where `eye_glare` does not look. The
    median, not the mean: a catchlight or a few lash pixels do not move it. A reflection
    over both lenses alike leaves this at 0; `eye_floor` reads that one.
    """
    right, left = float(np.median(lightness[right_opening])), float(np.median(lightness[left_opening]))
    return abs(right - left)


def eye_floor(lightness: np.ndarray, right_eye: np.ndarray, left_eye: np.ndarray) -> float:
    """The darkest tenth of each eye's surroundings (10th percentile L*), the lighter eye.

    An open eye always holds dark pixels (pupil, iris rim, lashes: L* about 10-40); glare or a
    white veil over a lens lifts them all (white at 50 % lifts the darkest to L* 54), so a
    washed-out lens reads high whatever the skin tone. Dark glasses read low (face.eyes).
    """
    return max(float(np.percentile(lightness[eye > 0], 10)) for eye in (right_eye, left_eye))
