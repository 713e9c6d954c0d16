"""Occlusion: is the lower face covered (a mask, a scarf, a hand), are the eyes hidden?"""

from __future__ import annotations

import math

import cv2
import numpy as np

from .lighting import luminance
from .median import median, medians, percentile

_SPREAD = 0.03  # ln(L* + 16) each eye-opening pixel is spread over in `eye_mismatch`: about 2 L* at mid-grey
_COLOUR_SPREAD = 1.5  # a* or b* units each pixel is spread over there: about one 8-bit level of colour
_GRID = 96  # points the two distributions are compared at: finer than the spread over ln 16 .. ln 116
_GLARE_MARGIN = 5.0  # L* above the face's brightest tenth: JPEG and resampling overshoot stay under it


def lower_face_shift(lab: np.ndarray, reference: np.ndarray, lower: np.ndarray) -> float:
    """CIELAB distance of the lower face (chin and upper lip) from the skin between the eyes.

    The same skin has the same chroma under the nose as between the eyes; a mask, a scarf or
    a hand does not (surgical blue and black masks differ in a* b*; white ones and the palm
    of a hand are lighter). Lightness counts only when the lower face is the lighter one:
    shadows under the nose and chin, and beards, only ever make it darker.
    """
    ref = medians(_pixels(lab, reference))
    low = medians(_pixels(lab, lower))
    return float(np.sqrt((low[1] - ref[1]) ** 2 + (low[2] - ref[2]) ** 2 + max(low[0] - ref[0], 0.0) ** 2))


def eye_light_ratio(rgb: np.ndarray, reference: np.ndarray, right_eye: np.ndarray, left_eye: np.ndarray) -> float:
    """Light around the brighter eye (90th percentile of linear luminance) over the skin
    between the eyes: ~0.7-1.5 for open eyes (white of the eye, lit lids), under 0.1 behind
    dark lenses, and far above 1.5 when that skin is hidden under a dark fringe (or glare
    lights the lenses). The brighter eye counts, so a shadow over one side of the face does
    not read as dark glasses; linear light makes it a ratio whatever the skin tone.
    """
    skin = max(float(median(luminance(_pixels(rgb, reference)))), 1e-4)
    return max(float(percentile(luminance(_pixels(rgb, eye)), 90)) for eye in (right_eye, left_eye)) / skin


def region_shift(lab: np.ndarray, reference: np.ndarray, region: np.ndarray) -> float:
    """CIELAB distance (ΔE*ab of the medians) of a region from the reference skin.

    For the upper forehead against the skin between the eyes: a cap, a beanie or a hood over
    the forehead differs from skin in lightness, chroma or both, lighter or darker.
    """
    ref = medians(_pixels(lab, reference))
    other = medians(_pixels(lab, region))
    return float(np.linalg.norm(other - ref))


def eye_glare(lightness: np.ndarray, face: np.ndarray, right_lens: np.ndarray, left_lens: np.ndarray) -> float:
    """Share of the skin around an eye (lids and the skin a lens covers, not the eye opening)
    brighter than the face's brightest skin: a reflection on a lens. The larger eye's share.

    That skin is never brighter than the face's 90th percentile of L* plus a margin in an
    untouched photo (the white of the eye, which is brighter, is left out); light reflected
    by glasses over any part of it is, on every skin tone.
    """
    threshold = float(percentile(lightness[face], 90)) + _GLARE_MARGIN
    return max(_share_above(_inside(lightness, lens), threshold) for lens in (right_lens, left_lens))


def _share_above(values: np.ndarray, threshold: float) -> float:
    """`np.mean(values > threshold)` (the count over the size, both exact in float64), without
    np.mean's overhead."""
    return int(np.count_nonzero(values > threshold)) / values.size if values.size else float("nan")


def eye_opening_shift(lightness: np.ndarray, right_opening: np.ndarray, left_opening: np.ndarray) -> float:
    """L* difference between the two eye openings' medians (0 = alike).

    Both eyes of one face hold the same iris under the same light, so their openings read
    alike (within 12 L* on the DEV photos, gaze and a side light included); a reflection
    across one lens lifts that eye's iris and pupil towards white (a streak at half strength:
    +20-30), while most of it lies on the opening, where `eye_glare` does not look. The
    median, not the mean: a catchlight or a few lash pixels do not move it. A reflection
    over both lenses alike leaves this at 0; `eye_floor` reads that one.
    """
    right, left = float(median(lightness[right_opening])), float(median(lightness[left_opening]))
    return abs(right - left)


def eye_floor(lightness: np.ndarray, right_eye: np.ndarray, left_eye: np.ndarray) -> float:
    """The darkest tenth of each eye's surroundings (10th percentile L*), the lighter eye.

    An open eye always holds dark pixels (pupil, iris rim, lashes: L* about 10-40); glare or a
    white veil over a lens lifts them all (white at 50 % lifts the darkest to L* 54), so a
    washed-out lens reads high whatever the skin tone. Dark glasses read low (face.eyes).
    """
    return max(float(percentile(lightness[eye > 0], 10)) for eye in (right_eye, left_eye))


def _pixels(image: np.ndarray, region: np.ndarray) -> np.ndarray:
    """image[region > 0] of a many-channel image, one row per pixel: as numpy's mask indexing
    gives, by `np.compress` on the rows (several times faster on a 3-channel image)."""
    return np.compress(region.ravel() > 0, image.reshape(-1, image.shape[-1]), axis=0)


def eye_mismatch(
    lightness: np.ndarray,
    right_opening: np.ndarray,
    left_opening: np.ndarray,
    right_skin: float,
    left_skin: float,
    lab: np.ndarray,
    right_sparse: np.ndarray,
    left_sparse: np.ndarray,
) -> float:
    """How unlike each other the two eye openings are: the largest gap between their
    distributions of light or of colour, less the gap two samples of their sizes show by
    chance (0 = alike, up to 1 = nothing in common).

    Both eyes of one face hold the same white, iris and pupil under the same light, so their
    openings' pixels spread alike (gaze to one side moves them within each eye, not between
    the two). Hair over one eye replaces a share of its pixels with strands: the distribution
    becomes a mixture, whose distance (Kolmogorov-Smirnov) from the other eye's grows with the
    share covered whatever the hair: black hides the white, fair hair the iris, and auburn
    hair as light as a brown iris still differs from it in a* and b*. Light is read as
    ln(L* + 16) less that of the skin on the eye's own side (`right_skin`, `left_skin`: L*),
    so a factor on the light (a side light, a dim photo) cancels; a* and b* as they are (from
    `lab`, every other pixel, with the openings `right_sparse` and `left_sparse`), since a cast
    moves both eyes alike. The chance gap, sqrt((n + m) / (n m)) for openings of n and m
    pixels (the Kolmogorov-Smirnov scale), is about 0.05 in light and 0.1 in colour on a
    633-row crop, and grows as a smaller crop's eyes hold fewer pixels, which would otherwise
    differ by sampling alone.
    """
    right = np.log(_inside(lightness, right_opening) + 16.0) - np.log(right_skin + 16.0)
    left = np.log(_inside(lightness, left_opening) + 16.0) - np.log(left_skin + 16.0)
    pairs = [(right, left, _SPREAD)]
    right_colour, left_colour = _inside(lab, right_sparse, (1, 2)), _inside(lab, left_sparse, (1, 2))
    pairs += [(one, other, _COLOUR_SPREAD) for one, other in zip(right_colour, left_colour)]
    samples, edges, spreads = [], [], []
    for one, other, spread in pairs:
        if one.size == 0 or other.size == 0:
            continue
        # sorted once: `_smooth_cdfs` reads them so, and the ends are their minimum and maximum
        one, other = np.sort(one), np.sort(other)
        grid = _grid(min(one[0], other[0]) - spread, max(one[-1], other[-1]) + spread)
        samples += [one, other]
        edges += [np.concatenate((grid - spread, grid + spread), dtype=np.float64)] * 2  # as searchsorted reads them
        spreads += [spread] * 2
    if not samples:
        return 0.0
    # all pairs' distributions in one set of numpy calls; each pair's largest gap
    cdfs = _smooth_cdfs(samples, np.array(edges), np.array(spreads))
    gaps = np.abs(cdfs[::2] - cdfs[1::2]).max(axis=1)
    chance = [math.sqrt((one.size + other.size) / (one.size * other.size)) for one, other in zip(samples[::2], samples[1::2])]
    return float(max(0.0, *(float(gap) - by_chance for gap, by_chance in zip(gaps, chance))))


_STEPS = {np.dtype(dtype): np.arange(_GRID, dtype=dtype) for dtype in (np.float32, np.float64)}


def _grid(start: np.floating, stop: np.floating) -> np.ndarray:
    """`np.linspace(start, stop, _GRID)` of two scalars of one float type, by numpy's own
    arithmetic (the steps times (stop - start) / (_GRID - 1), plus start, the last one stop)
    without its several µs of overhead. stop > start here, so the step is never 0."""
    step = (stop - start) / (_GRID - 1)
    grid = _STEPS[step.dtype] * step
    grid += start
    grid[-1] = stop
    return grid


def _smooth_cdfs(samples: list[np.ndarray], edges: np.ndarray, spreads: np.ndarray) -> np.ndarray:
    """For each sample (sorted values), the share of its values at or below each point of its
    grid, each value spread evenly over +-its spread: 8-bit levels land on slightly different
    values in two eyes (their skins differ), and a plain step function would count such
    near-ties as gaps. `edges`: one row per sample, its grid points less its spread, then plus
    it. One row per sample; the samples' prefix sums share one array (each from its own 0),
    so one numpy call serves all."""
    ordered = [sample.astype(np.float64) for sample in samples]
    starts = [sum(values.size + 1 for values in ordered[:i]) for i in range(len(ordered))]
    sums = np.zeros(starts[-1] + ordered[-1].size + 1)
    for values, start in zip(ordered, starts):
        np.add.accumulate(values, out=sums[start + 1 : start + 1 + values.size])  # np.cumsum, without its wrapper
    found = np.stack([np.searchsorted(values, row, side="right") for values, row in zip(ordered, edges)])
    offsets, sizes = np.array([starts, [values.size for values in ordered]])[:, :, None]
    ends = sums[found + offsets]
    count = edges.shape[1] // 2
    below, upto = found[:, :count], found[:, count:]  # wholly at or below: each counts 1; partly: (g + spread - v) / (2 spread) each
    partial = (edges[:, count:] * (upto - below) - (ends[:, count:] - ends[:, :count])) / (2 * spreads)[:, None]
    return (below + partial) / sizes


def _inside(image: np.ndarray, region: np.ndarray, channels: tuple[int, ...] | None = None):
    """image[region] of a small region of a large mask, read inside the region's box; with
    `channels`, image[..., c][region] for each channel c (a list), the box found once."""
    x, y, width, height = cv2.boundingRect(region.view(np.uint8))
    box, inside = image[y : y + height, x : x + width], region[y : y + height, x : x + width]
    return box[inside] if channels is None else [box[..., channel][inside] for channel in channels]
