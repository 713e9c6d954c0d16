"""Blur of the face, in pixels at the scale of the ID output.

The estimate is the gradient-ratio method of Zhuo and Sim ("Defocus map estimation from a
single image", Pattern Recognition 44, 2011): at an edge blurred by a Gaussian of deviation s,
blurring again by s1 lowers the peak gradient by sqrt(s² + s1²) / s, so the ratio of the two
gradients gives s, whatever the edge's contrast. Taken at the face's strongest edges (eyes,
brows, lips, the jaw line), as a median, it reads blur in output pixels: sharp portraits
read about 1, a Gaussian blur of deviation 2.5 reads about 2.5 (the directional reading below
lifts that to about 2.9).

Why not a ratio of detail bands (what this replaced): once blur removes the real detail,
noise and JPEG residue decide such a ratio and it turns back up. Here the image is smoothed
before the gradients are taken, and edges are chosen on the smoother of the two gradients,
so grain hardly moves the reading. Noise still wins where blur has left no edge at all, so
the same estimate is also read at a coarse scale, where grain is gone: a strongly blurred
noisy photo reads blurred there, and the larger of the two readings counts.

Motion blur (camera shake) widens only the edges across the motion; those along it stay sharp,
and a median over all edges reads them. So the same ratio is also read along each of four
directions (the gradient along it, the re-blur a line along it): the direction of the motion
reads its length, and the largest of the four, less what it reads above the all-edge reading
on sharp photos (oblique and uneven edges), counts too (`_DIRECTIONAL_OFFSET`,
`_DIRECTIONAL_SLOPE`); on an even blur it reads a little above the all-edge median.
It reads the strongest fifth of each direction's edges, not the tenth: the largest of four
medians is the noisiest reading here, and on the sharp photos whose edges are uneven across
directions it leads, so with a tenth a slightly stronger blur could read lower. Grain, and the
phone's sharpening of it, make the finest edges again after a long shake, so the directions
are also read at the coarse scale. Both directional readings are read on a coarser grid than
the photo's, as each smoothing allows (it holds little above half the grid's Nyquist
frequency): the fine one on every other pixel of its 1.5 px smoothing, the coarse one on
every third of its 3 px one, their deviations in those pixels and the results back in the
photo's; the derivatives are still those of the photo's own grid (central differences over
a pixel: over the coarser grid's, a sharp edge reads wider the coarser the grid). Both then
use the same line in their own pixels, so all eight tiles (two scales, four directions)
share two canvases and two filter passes (`_directional`): at these sizes OpenCV's and
numpy's cost per call decides. A coarser grid has fewer edge points, so a direction's edge
points are the maxima along it (as the ratio needs: the peak across the edge), not in all
eight neighbours: the whole ridge of an edge, not the odd point of it. With the 3x3 maxima
the fine reading scattered by 0.2-0.3 px with the grid's phase (which pixels of a motion's
ramp fall on it), enough to turn a longer shake under grain to a lower reading.

Saturation: the reading is a lower bound beyond `_SATURATION` and is given as that. A re-blur
of 2 px barely lowers the gradient of an edge already many pixels wide (a long motion's ramp
is a plateau of its length), so the ratio nears 1 and what decides it is the grain and JPEG
residue on the ramp; the smear also leaves fewer edges to read (half of them at 31 px). The
estimate then stops growing (about 5-6 px raw for motion that spreads 9, Gaussian sigma 10
reading 6) and scatters by up to half a pixel between strengths. Longer re-blurs track further
but read sharp faces 1-2 px too wide. Every limit lies well below the saturation, and read
as "at least" it never lets a stronger blur read less blurred.
"""

from __future__ import annotations

import functools

import cv2
import numpy as np

from .names import CEILINGS

# (pre-smoothing, re-blur) deviations in output pixels
# resolves the finest detail, what an enlarged small photo lacks: real photos keep some at the
# pixel scale (sensor, lens, the camera's own sharpening) even where their edges are soft; an
# enlargement's interpolated ramps have none, so at this scale the two part (DEV: real photos
# <= 1.02, a 3x enlargement of the sharpest >= 1.35; at (1.0, 1.5) they met at 1.32)
_FINE = (0.5, 1.0)
_MID = (1.5, 2.0)  # the blur reading: smoothed enough that grain hardly counts
_COARSE = (3.0, 3.0)  # grain gone entirely: the backstop for strong blur under noise
_COARSE_ERROR = 1.0  # the coarse scale reads blur only to within about a pixel: counted beyond that
_MID_OVER_FINE = 0.85  # on real photos the blur reading runs up to 0.81 px above the finest one
_STRONGEST = 0.1  # share of the edge points (local gradient maxima) that are read
_MIN_EDGES = 10
_RATIO_FLOOR = np.float32(1.0 + 1e-4)  # above 1: a ratio of 1 reads infinite blur
_DIRECTIONAL = (1.5, 2.0)  # (pre-smoothing, re-blur along the direction), as the mid scale
_DIRECTIONAL_STEP = 2  # read on every other pixel of that smoothing: it holds little finer
_DIRECTIONAL_ACROSS = 0.5  # the line's own width across the direction
_DIRECTIONAL_STRONGEST = 0.2  # share of each direction's edge points that are read
# the largest of four directions on sharp photos (the 28 DEV good_id photos and the harness's
# 26 bases): oblique edges read wider, and the largest of four medians is the noisiest. Read on
# every other pixel, with maxima along the direction as edge points, it is 1.93-2.74 there (at
# full resolution, 3x3 maxima: 1.74-2.56, with 0.8 and 1.1); (largest - 1.36) / 0.86 stays
# under 1.6 on them, reads a 9 px motion (harness) from 1.95 (median 2.63), a perfect step 0.17,
# and a Gaussian blur of 2.5 at 3.1 in the median (the all-edge reading: 2.63). A smaller
# slope would keep the 9 px motion from 2.1, as before, but read an even blur ever further
# above the all-edge reading (at 0.68: Gaussian 1.5 fails on 54 % of the bases, not 12 %)
_DIRECTIONAL_OFFSET = 1.36
_DIRECTIONAL_SLOPE = 0.86
# (pre-smoothing, re-blur along the direction) where grain is gone, read on every third pixel
# (at half resolution before), so that its line is a pixel as the fine reading's and the two
# share their passes: under grain and the phone's sharpening the fine directional reading
# loses a long motion; this one reads the sharp photos 2.87-4.30 (the largest of four at this
# scale), a 13 px motion under grain (tests) from 4.1; less 2.75 it stays under 1.6 on them
_COARSE_DIRECTIONAL = (3.0, 3.0)
_COARSE_DIRECTIONAL_STEP = 3
_COARSE_DIRECTIONAL_OFFSET = 2.75
_COARSE_DIRECTIONAL_SLOPE = 1.0
# beyond this the estimate only says "at least" (see the module docstring); the profile loader
# refuses a limit at or above it
_SATURATION = CEILINGS["blur_px"]
_PAD = 24  # beyond the face box, so the smoothing sees real neighbours


def face_box(lightness: np.ndarray, mask: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """The lightness around the face (with a margin) and the mask cut to it."""
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    if rows.size == 0:
        return None
    y0, y1 = max(rows[0] - _PAD, 0), rows[-1] + _PAD + 1
    x0, x1 = max(cols[0] - _PAD, 0), cols[-1] + _PAD + 1
    return lightness[y0:y1, x0:x1].astype(np.float32), mask[y0:y1, x0:x1] > 0


def blur_and_detail(lightness: np.ndarray, mask: np.ndarray) -> tuple[float, float]:
    """(blur, detail width) of the face in pixels of `lightness`, from one cut of it.

    Blur (Gaussian deviation): the largest of the mid-scale, the coarse-scale and the
    directional readings, at most `_SATURATION` (see the module docstring); 0 for a perfectly
    sharp edge.

    Detail width: the blur read at the finest scale, never less than the blur minus the half
    pixel by which that reading exceeds this one on sharp photos. An enlarged photo carries
    only the detail of the small one: its edges are as wide as the enlargement, which the
    finest reading sees and pixel counts do not. Grain only lowers that reading, so a noisy
    photo is never taken for an enlarged one; where grain hides strong blur from it, the
    coarser readings still count (detail cannot be finer than blur), so the reading only
    grows with blur, noisy or not.
    """
    cut = face_box(lightness, mask)
    if cut is None:
        return 0.0, 0.0
    image, inside = cut
    # the mid and the fine directional readings share their pre-smoothing, the coarse ones theirs
    smooth_mid = _gaussian(image, _MID[0])
    mid = _ratio_blur(smooth_mid, inside, *_MID)
    smooth = _gaussian(image, _COARSE[0])
    coarse = _ratio_blur(smooth, inside, *_COARSE) - _COARSE_ERROR
    scales = [(smooth_mid, inside, *_DIRECTIONAL, _DIRECTIONAL_STEP),
              (smooth, inside, *_COARSE_DIRECTIONAL, _COARSE_DIRECTIONAL_STEP)]
    fine_widest, coarse_widest = (max(readings) for readings in _directional(scales))
    directional = (fine_widest - _DIRECTIONAL_OFFSET) / _DIRECTIONAL_SLOPE
    coarse_directional = (coarse_widest - _COARSE_DIRECTIONAL_OFFSET) / _COARSE_DIRECTIONAL_SLOPE
    blur = float(min(max(mid, coarse, directional, coarse_directional, 0.0), _SATURATION))
    fine = gradient_ratio_blur(image, inside, *_FINE)
    return blur, float(max(fine, blur - _MID_OVER_FINE))


def gradient_ratio_blur(image: np.ndarray, inside: np.ndarray, pre: float, reblur: float) -> float:
    """Median Gaussian blur (pixels) at the strongest edges inside `inside`, by the gradient
    ratio between `image` smoothed by `pre` and smoothed again by `reblur`."""
    smooth = _gaussian(image, pre)
    return _ratio_blur(smooth, inside, pre, reblur)


def _ratio_blur(smooth: np.ndarray, inside: np.ndarray, pre: float, reblur: float) -> float:
    """`gradient_ratio_blur` of an image already smoothed by `pre`."""
    again = _gaussian(smooth, reblur)
    g_again = _gradient_energy(again)
    # edge points: local maxima of the smoother gradient (grain makes few of those), off the border
    rim = inside.copy()
    rim[0], rim[-1], rim[:, 0], rim[:, -1] = False, False, False, False
    chosen = _strongest_peaks(g_again, rim)
    if chosen is None:
        return 0.0
    at, strengths = chosen
    width, flat = smooth.shape[1], smooth.ravel()  # the sharper gradient, only where it is read
    sx = (flat[at + 1] - flat[at - 1]) * 0.5
    sy = (flat[at + width] - flat[at - width]) * 0.5
    # blur including the pre-smoothing: median(reblur / sqrt(max(r², 1 + 1e-4) - 1)) over the
    # squared ratios r², by `_median_falling`
    sigma, one = np.float32(reblur), np.float32(1.0)
    total = _median_falling((sx * sx + sy * sy) / strengths, lambda r_sq: sigma / np.sqrt(max(r_sq, _RATIO_FLOOR) - one))
    return float(np.sqrt(max(total * total - pre * pre, 0.0)))


def _strongest_peaks(strength: np.ndarray, inside: np.ndarray, share: float = _STRONGEST
                     ) -> tuple[np.ndarray, np.ndarray] | None:
    """Flat indices and values of the strongest `share` of the local maxima of `strength`
    inside `inside` (None when there are too few)."""
    # in OpenCV's 8-bit masks, not numpy's bool temporaries: the same points, a third of the passes
    peaks = cv2.compare(strength, cv2.dilate(strength, _NEIGHBOURS), cv2.CMP_GE)
    cv2.bitwise_and(peaks, _marks(inside), dst=peaks)  # 0 or 1: numpy's fast path for bools
    at = np.flatnonzero(peaks.view(bool))
    values = strength.ravel()[at]
    positive = values > 0
    if not positive.all():
        at, values = at[positive], values[positive]
    if at.size < _MIN_EDGES:
        return None
    count = max(int(share * values.size), _MIN_EDGES)
    chosen = np.argpartition(values, values.size - count)[values.size - count :]
    return at[chosen], values[chosen]


def _marks(inside: np.ndarray) -> np.ndarray:
    """A mask as OpenCV's 8-bit 0/1 array (no copy when it is already a contiguous one)."""
    inside = np.ascontiguousarray(inside)
    return inside.view(np.uint8) if inside.dtype == bool else (inside != 0).view(np.uint8)


def directional_blur(image: np.ndarray, inside: np.ndarray, pre: float, reblur: float, step: int = 1) -> list[float]:
    """The gradient-ratio blur read along each of four directions (0, 45, 90, 135 degrees): the
    derivative along the direction, before and after a re-blur by a line along it, at the
    strongest edge points of that derivative (its maxima along the direction). Width along the
    direction: the motion's direction reads its length, the others the photo's own blur. With
    `step` > 1 it is read on every `step`-th pixel of the pre-smoothed image (`pre` and
    `reblur` in pixels of `image`, so is the result)."""
    return _directional([(_gaussian(image, pre), inside, pre, reblur, step)])[0]


def _directional(scales: list[tuple[np.ndarray, np.ndarray, float, float, int]]) -> list[list[float]]:
    """`directional_blur` of each (pre-smoothed image, inside, pre, reblur, step) of `scales`,
    all of the same `reblur / step`, in as few passes as the four directions of all of them
    need: two. Each scale is read on every `step`-th pixel of the face and the reach of the
    line; the derivative of the re-blurred image is the re-blurred derivative (both are
    convolutions), so each direction costs one line blur of the derivative along it. The
    derivatives along the axes (the vertical one transposed) share one canvas, line-blurred
    along x at once, those along the diagonals (the 135-degree one mirrored) another, blurred
    along 45 degrees (`_line_blur`), each tile `reach` + 1 zeros from the next; the edge points
    are then found per canvas, and each tile's strongest ones read (`_tile_medians`). At these
    sizes OpenCV's and numpy's cost per call, not per pixel, is what counts."""
    sigma = scales[0][3] / scales[0][4]
    reach = _line_filters(sigma)[0].size // 2 + 2  # the line, and the peaks' neighbours beside it
    cuts, boxes = [], {}
    for smooth, inside, _, _, step in scales:
        marks = _marks(inside)
        if id(inside) not in boxes:
            boxes[id(inside)] = cv2.boundingRect(marks)
        cuts.append(_tile_derivatives(smooth, marks, boxes[id(inside)], step, step * reach))
    shown = [cut for cut in cuts if cut is not None]
    if not shown:
        return [[0.0] * len(_ANGLES) for _ in scales]
    gap = reach + 1
    # the four tiles of each scale, in this order: along 0 and 90 degrees, along 45 and 135
    axes = _Canvas([shape for gx, _, _ in shown for shape in (gx.shape, gx.shape[::-1])], gap)
    diagonals = _Canvas([gx.shape for gx, _, _ in shown for _ in range(2)], gap)
    c, s = _COS_SIN[1]
    for k, (gx, gy, marks) in enumerate(shown):
        axes.put(2 * k, gx, marks)
        axes.put(2 * k + 1, cv2.transpose(gy, dst=axes.view(2 * k + 1)), cv2.transpose(marks))
        diagonals.put(2 * k, cv2.addWeighted(gx, c, gy, s, 0.0, dst=diagonals.view(2 * k)), marks)
        diagonals.put(2 * k + 1, cv2.flip(cv2.addWeighted(gx, -c, gy, s, 0.0), 1, dst=diagonals.view(2 * k + 1)),
                      cv2.flip(marks, 1))
    totals = _tile_medians(axes.edges(0, sigma) + diagonals.edges(1, sigma), sigma)
    out, k = [], 0
    for cut, (_, _, pre, _, step) in zip(cuts, scales):
        if cut is None:
            out.append([0.0] * len(_ANGLES))
            continue
        # tiles 2k, 2k + 1 of the axes (0, 90 degrees), then of the diagonals (45, 135)
        read = (totals[2 * k], totals[2 * len(shown) + 2 * k], totals[2 * k + 1], totals[2 * len(shown) + 2 * k + 1])
        out.append([step * float(np.sqrt(max(t * t - (pre / step) ** 2, 0.0))) for t in read])
        k += 1
    return out


def _tile_derivatives(smooth: np.ndarray, marks: np.ndarray, box: tuple[int, int, int, int], step: int,
                      margin: int) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """The derivatives along x and y of `smooth` and its mask on every `step`-th pixel of `box`
    (x, y, width, height) and `margin` around it (from multiples of `step`, within the image).
    The derivatives are central differences on the image's own grid, only read on the coarser
    one: those of the coarser grid would span 2 `step` pixels, and on an edge as sharp as the
    smoothing allows they read it wider the coarser the grid (a perfect step, along the axes
    across it: 0.73 px at full resolution; on every other pixel 1.36 by its own differences,
    0.74 by these)."""
    x, y, w, h = box
    height, width = smooth.shape
    if w == 0 or height < 3 or width < 3:
        return None
    top, left = (-(-max(start - margin, 1) // step) * step for start in (y, x))
    rows = (min(y + h + margin, height - 1) - 1 - top) // step + 1
    cols = (min(x + w + margin, width - 1) - 1 - left) // step + 1
    if rows < 1 or cols < 1:
        return None

    def grid(dy: int, dx: int) -> np.ndarray:  # whole rows of the grid (OpenCV takes them as they lie)
        return smooth[top + dy : top + dy + step * (rows - 1) + 1 : step, left + dx : left + dx + step * (cols - 1) + 1]

    # the differences on the grid's rows, then its columns of them
    gx = np.ascontiguousarray(cv2.addWeighted(grid(0, 1), 0.5, grid(0, -1), -0.5, 0.0)[:, ::step])
    gy = np.ascontiguousarray(cv2.addWeighted(grid(1, 0), 0.5, grid(-1, 0), -0.5, 0.0)[:, ::step])
    return gx, gy, np.ascontiguousarray(marks[top : top + step * (rows - 1) + 1 : step,
                                              left : left + step * (cols - 1) + 1 : step])


def _tile_medians(points: list[tuple[np.ndarray, np.ndarray]], sigma: float) -> list[float]:
    """Per tile, from its edge points (`_Canvas.edges`: the derivative after the re-blur by
    `sigma`, `again`, and before it, `sharp`): the median blur (with the pre-smoothing, in the tiles' pixels)
    of the gradient ratio `sharp` / `again` at the strongest `_DIRECTIONAL_STRONGEST` of them
    (by `again`; 0 with fewer than `_MIN_EDGES`), by selections, not sorts."""
    totals = []
    for again, sharp in points:
        positive = int(np.count_nonzero(again))
        if positive < _MIN_EDGES:
            totals.append(0.0)
            continue
        read = max(int(_DIRECTIONAL_STRONGEST * positive), _MIN_EDGES)
        chosen = np.argpartition(again, again.size - read)[again.size - read :]
        totals.append(_median_blur(sharp[chosen] / again[chosen], sigma))
    return totals


def _median_blur(ratio: np.ndarray, sigma: float) -> float:
    """`median(sigma / sqrt(max(r, 1 + 1e-4)² - 1))` over the (finite) ratios r, to the bit
    (`_median_falling`)."""
    sigma, one = np.float32(sigma), np.float32(1.0)

    def blur(r: np.float32) -> np.float32:
        r = max(r, _RATIO_FLOOR)
        return sigma / np.sqrt(r * r - one)

    return _median_falling(ratio, blur)


def _median_falling(values: np.ndarray, blur) -> float:
    """`median(blur(values))` of a float32 array of (finite) values, to the bit, for a `blur`
    that never grows with its value (on numpy's float32 scalars: the array's arithmetic): the
    median is the blur of the middle value, or the float32 mean of those of the middle pair
    (one selection, and the blur of one or two numbers, not of all)."""
    half = values.size // 2
    values = np.partition(values, half)
    if values.size % 2:
        return float(blur(values[half]))
    return float((blur(values[half]) + blur(values[:half].max())) / np.float32(2))


class _Canvas:
    """Tiles laid out in shelves on one float canvas (and its 8-bit mask), `gap` zeros apart,
    so that one filter pass and one peak search serve them all."""

    def __init__(self, shapes: list[tuple[int, int]], gap: int) -> None:
        # the width: the widest tile, or the two last side by side when that takes less room
        widths = [max(w for _, w in shapes)]
        if len(shapes) > 1:
            widths.append(max(widths[0], shapes[-1][1] + gap + shapes[-2][1]))
        self.width, self.places, self.height = min((self._shelves(shapes, w, gap) for w in widths),
                                                   key=lambda layout: layout[0] * layout[2])
        self.image = np.zeros((self.height, self.width), np.float32)
        self.marks = np.zeros((self.height, self.width), np.uint8)
        self.cuts = [np.s_[y : y + h, x : x + w] for (y, x), (h, w) in zip(self.places, shapes)]
        self.shapes = shapes
        # (top, bottom, tiles) of each shelf: its tiles' points are those of its band of rows
        tops: dict[int, list[int]] = {}
        for k, (top, _) in enumerate(self.places):
            tops.setdefault(top, []).append(k)
        self.shelves = [(top, top + max(shapes[k][0] for k in tiles), tiles) for top, tiles in tops.items()]

    @staticmethod
    def _shelves(shapes, width, gap):
        places, x, top, bottom = [], 0, 0, 0
        for h, w in shapes:
            if x and x + w > width:
                x, top = 0, bottom + gap
            places.append((top, x))
            x, bottom = x + w + gap, max(bottom, top + h)
        return width, places, bottom

    def view(self, k: int) -> np.ndarray:
        return self.image[self.cuts[k]]

    def put(self, k: int, tile: np.ndarray, marks: np.ndarray) -> np.ndarray:
        """Tile k (when OpenCV did not write it in place) and its mask; the tile's view."""
        if tile.base is not self.image:
            self.image[self.cuts[k]] = tile
        self.marks[self.cuts[k]] = marks
        return self.image[self.cuts[k]]

    def edges(self, index: int, sigma: float) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per tile, at its edge points (maxima of the line blur along `_ANGLES[index]`, in that
        direction, inside the masks, in the canvas's order): the line blur and the derivative
        itself, both absolute."""
        again = _line_blur_direct(self.image, index, sigma)
        np.abs(again, out=again)
        peaks = _maxima_along(again, self.marks, _AHEAD[index])
        # per shelf, not by tile numbers over the whole canvas: no sort, smaller gathers; and each
        # tile's points in the canvas's order, so that `_tile_medians` breaks ties as it always has
        points = [None] * len(self.cuts)
        for top, bottom, tiles in self.shelves:
            at = np.flatnonzero(peaks[top:bottom].view(bool))
            strengths, along = again[top:bottom].ravel()[at], self.image[top:bottom].ravel()[at]
            np.abs(along, out=along)
            if len(tiles) == 1:
                points[tiles[0]] = strengths, along
                continue
            columns = at % self.width
            for k in tiles:  # side by side: each tile's columns (the gaps hold no points)
                x, w = self.places[k][1], self.shapes[k][1]
                mine = (columns >= x) & (columns < x + w)
                points[k] = strengths[mine], along[mine]
        return points


_ANGLES = tuple(np.pi * i / 4 for i in range(4))
_COS_SIN = tuple((float(np.cos(a)), float(np.sin(a))) for a in _ANGLES)
_NEIGHBOURS = np.ones((3, 3), np.uint8)
_AHEAD = {0: (0, 1), 1: (1, 1)}  # (dy, dx) of the next pixel along 0, 45 degrees
_CENTRAL = np.array([[-0.5, 0.0, 0.5]], np.float32)
_CENTRAL_T = np.ascontiguousarray(_CENTRAL.T)


def _maxima_along(values: np.ndarray, marks: np.ndarray, ahead: tuple[int, int]) -> np.ndarray:
    """8-bit 0/1 mask of the points of `marks` (0/1) where `values` is at least its neighbours
    `ahead` (dy, dx) and behind (those beyond the border do not count), as `values` >= its
    dilation by those three points, in two comparisons of shifted views and no dilation."""
    dy, dx = ahead
    here, there = np.s_[: values.shape[0] - dy, : values.shape[1] - dx], np.s_[dy:, dx:]
    peaks = marks.copy()
    cv2.bitwise_and(peaks[here], cv2.compare(values[here], values[there], cv2.CMP_GE), dst=peaks[here])
    cv2.bitwise_and(peaks[there], cv2.compare(values[there], values[here], cv2.CMP_GE), dst=peaks[there])
    return peaks  # 0 or 1: numpy's fast path for bools


def _line_blur(image: np.ndarray, index: int, sigma: float) -> np.ndarray:
    """`image` blurred by a Gaussian line of deviation `sigma` along `_ANGLES[index]`, 0.5 px
    (`_DIRECTIONAL_ACROSS`) wide across it, as the 2-D kernel of that line would, in 1-D
    passes: along an axis two 1-D filters; along a diagonal the line's points lie on the
    diagonals through the pixel (steps of sqrt 2 along) and on those beside them (half a step
    on, 1/sqrt 2 across): 1-D sums along the diagonal of the image and of its two diagonal
    neighbours, weighted by the line."""
    along, across, lattice = _line_filters(sigma)
    if index == 0:
        return cv2.sepFilter2D(image, -1, along, across)
    if index == 2:
        return cv2.sepFilter2D(image, -1, across, along)
    step = 1 if index == 1 else -1
    (on, on_weights), (beside, beside_weights) = lattice
    if step < 0:
        on, beside = on[:, ::-1].copy(), beside[:, ::-1].copy()
    return cv2.add(_along_diagonal(cv2.filter2D(image, -1, on), on_weights, step, -(on_weights.size // 2)),
                   _along_diagonal(cv2.filter2D(image, -1, beside), beside_weights, step, -(beside_weights.size // 2)))


@functools.cache
def _line_filters(sigma: float) -> tuple[np.ndarray, np.ndarray, tuple]:
    """(along an axis, across it, the diagonal's two lattices: (3x3 across, 1-D weights along))."""
    r = int(8 * sigma) // 2
    x = np.arange(-r, r + 1, dtype=np.float64)
    along = np.exp(-x * x / (2 * sigma * sigma))
    across = np.exp(-np.array([1.0, 0.0, 1.0]) / (2 * _DIRECTIONAL_ACROSS**2))
    # a point (x, y) of the 45-degree line: u = x + y steps of 1/sqrt 2 along, v = y - x across;
    # the kernel is f(u) g(v) with u and v of the same parity. v = 0, +-2 (u even): the pixel
    # and its corners across, then the weights f(2m) along the diagonal; v = +-1 (u odd): the
    # pixels right and below, then f(2m + 1)
    def f(u):  # along: u / sqrt 2 from the centre
        return np.exp(-u * u / (4 * sigma * sigma))

    def g(v):  # across: v / sqrt 2
        return np.exp(-v * v / (4 * _DIRECTIONAL_ACROSS**2))

    reach = int(2.5 * sigma)  # lattice steps: to 3.5 sigma along
    m = np.arange(-reach, reach + 1, dtype=np.float64)
    on, beside = np.zeros((3, 3)), np.zeros((3, 3))
    on[1, 1], on[0, 2], on[2, 0] = 1.0, g(2.0), g(2.0)
    beside[1, 2], beside[2, 1] = g(1.0), g(1.0)
    on_weights, beside_weights = f(2 * m), f(2 * np.append(-reach - 1.0, m) + 1)  # u = -2 reach - 1 .. 2 reach + 1
    total = on.sum() * on_weights.sum() + beside.sum() * beside_weights.sum()
    on, beside, on_weights, beside_weights = ((k / np.sqrt(total)).astype(np.float32)
                                              for k in (on, beside, on_weights, beside_weights))
    lattice = ((on, on_weights), (beside, beside_weights))
    return (along / along.sum()).astype(np.float32), (across / across.sum()).astype(np.float32), lattice


def _line_blur_direct(image: np.ndarray, index: int, sigma: float) -> np.ndarray:
    """`_line_blur`, in one or two OpenCV filter passes: along an axis the two 1-D filters, along
    a diagonal the 2-D kernel the lattice sums make (`_line_kernel`). At the small deviations
    of the directional readings (in their own pixels) a direct 2-D pass of the few lattice
    points costs less than the four passes of the sums. Zeros beyond the border, as between
    the tiles of a canvas, so that a tile reads the same wherever it lies on it."""
    if index in (0, 2):
        along, across, _ = _line_filters(sigma)
        rows, cols = (along.reshape(1, -1), across.reshape(-1, 1)) if index == 0 else (across.reshape(1, -1),
                                                                                      along.reshape(-1, 1))
        first = cv2.filter2D(image, -1, rows, borderType=cv2.BORDER_CONSTANT)
        return cv2.filter2D(first, -1, cols, borderType=cv2.BORDER_CONSTANT)
    return cv2.filter2D(image, -1, _line_kernel(index, sigma), borderType=cv2.BORDER_CONSTANT)


@functools.cache
def _line_kernel(index: int, sigma: float) -> np.ndarray:
    """The 2-D kernel of `_line_blur` along `_ANGLES[index]` (its response to a point, turned
    for OpenCV's correlation), cut to its nonzero extent."""
    r = int(8 * sigma) // 2 + 4
    point = np.zeros((2 * r + 1, 2 * r + 1), np.float32)
    point[r, r] = 1.0
    kernel = _line_blur(point, index, sigma)[::-1, ::-1]
    reach = int(np.abs(np.argwhere(kernel != 0) - r).max())
    return np.ascontiguousarray(kernel[r - reach : r + reach + 1, r - reach : r + reach + 1])


def _along_diagonal(image: np.ndarray, weights: np.ndarray, step: int, first: int) -> np.ndarray:
    """The sum over k of weights[k] * image(y + d, x + step * d) for d = first + k, the image
    reflected at its border (a view into a larger array).

    One filter pass, not a pass per weight: in the padded image laid out flat, the diagonal
    neighbour (y + d, x + step * d) lies d * (width + step) further on, so read in rows of
    width + step the diagonal is a column, and a column filter sums along it. The padding (a
    row more than the reach) keeps every sum on the padded image's own pixels: the filter's
    border never counts."""
    h, w = image.shape
    r = max(-first, first + weights.size - 1)
    shape = (h + 2 * r + 2, w + 2 * r)
    pitch, size = shape[1] + step, shape[0] * shape[1]
    flat = np.empty(-(-size // pitch) * pitch, np.float32)
    flat[size:] = 0.0
    padded = cv2.copyMakeBorder(image, r + 1, r + 1, r, r, cv2.BORDER_REFLECT_101, dst=flat[:size].reshape(shape))
    if not np.shares_memory(padded, flat):  # OpenCV made its own array after all
        flat[:size] = padded.ravel()
    summed = cv2.filter2D(flat.reshape(-1, pitch), -1, weights.reshape(-1, 1), anchor=(0, -first))
    return summed.ravel()[:size].reshape(shape)[r + 1 : r + 1 + h, r : r + w]


def _gaussian(image: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian blur, OpenCV's kernel for floats (to 4 sigma: the ratio is calibrated on it)."""
    return cv2.GaussianBlur(image, (0, 0), sigma)


def _gradients(image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Central differences along x and y."""
    return cv2.filter2D(image, -1, _CENTRAL), cv2.filter2D(image, -1, _CENTRAL_T)  # as Sobel's, faster


def _gradient_energy(image: np.ndarray) -> np.ndarray:
    """Squared gradient magnitude by central differences."""
    gx, gy = _gradients(image)
    return cv2.add(cv2.multiply(gx, gx), cv2.multiply(gy, gy))
