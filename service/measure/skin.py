"""Skin and hair: the colour of the skin (a cast on the face), its fine texture (retouching),
and whether what covers the top of the head has the colour and the texture of hair."""

from __future__ import annotations

import itertools

import cv2
import numpy as np

from .median import median, quantile

# hair of every natural colour (black, brown, auburn, blond, grey) has a hue in this wedge of
# a* b* (degrees from +a*), or next to no chroma
_HAIR_HUES = (45.0, 90.0)


def skin_colour(lab: np.ndarray, skin: np.ndarray) -> tuple[float, float]:
    """Median CIELAB a* (green-red) and b* (blue-yellow) of the skin.

    Skin of every tone has a* and b* both positive within a narrow box; a colour cast moves the
    face's colour along a straight line in a* b*, so each coordinate moves steadily with the
    cast's strength, out of that box: green and magenta along a*, blue and yellow along b*.
    """
    inside = skin > 0
    return float(median(lab[..., 1][inside])), float(median(lab[..., 2][inside]))


def hue(a: float, b: float) -> float:
    """Hue angle of a* b* in degrees (0 = red, 90 = yellow, 180 = green, -90 = blue).

    Along a colour cast's straight line in a* b* the hue turns one way only, so it too moves
    steadily with the cast; it tells a magenta cast on pale skin (red without the yellow)
    from naturally ruddy skin of the same a*.
    """
    return float(np.degrees(np.arctan2(b, a)))


# Detail bands of the skin between Gaussian scales (output pixels): 0-1 and 1-2 px are the
# fine band (pores, grain), 2-4 and 4-8 px the mid band (the skin's unevenness and shading)
_BAND_EDGES = (1.0, 2.0, 4.0, 8.0)
# 3 sigma of the widest blur: the region's bands do not see the crop's edge; all `fine_texture`
# reads of the image beyond its region's box (a caller may cut the image to that)
TEXTURE_REACH = 24


def fine_texture(lightness: np.ndarray, skin: np.ndarray) -> float:
    """Fine skin detail weighted by its share over the mid band: fine**3 / mid**2 (L* units).

    A beauty filter smooths the skin edge-preservingly: it takes the finest detail (pores,
    grain) down furthest and leaves the mid band's unevenness and shading in part. Smooth
    young skin has little fine detail too, but keeps it in proportion to the mid band; so
    the fine amplitude alone overlaps between the two, and this product of the amplitude and
    the squared fine-over-mid ratio does not. Each band is the median absolute difference
    of two Gaussian blurs over the region (a median ignores the few edges a cheek holds);
    fine and mid are the geometric means of their two bands.
    """
    bx, by, width, height = cv2.boundingRect(skin.view(np.uint8))
    y0, x0 = max(by - TEXTURE_REACH, 0), max(bx - TEXTURE_REACH, 0)
    # a float32 view as it is (the blurs read it as they would a copy)
    part = np.asarray(lightness[y0 : by + height + TEXTURE_REACH, x0 : bx + width + TEXTURE_REACH], np.float32)
    # the fine bands from every pixel; the mid bands from every other one, the 2-px blur's (it
    # holds nothing finer), blurred on at half resolution (Gaussians add in quadrature)
    first, second = (cv2.GaussianBlur(part, (0, 0), s) for s in _BAND_EDGES[:2])
    half = np.ascontiguousarray(second[::2, ::2])
    third = cv2.GaussianBlur(half, (0, 0), np.sqrt(_BAND_EDGES[2] ** 2 - _BAND_EDGES[1] ** 2) / 2)
    fourth = cv2.GaussianBlur(third, (0, 0), np.sqrt(_BAND_EDGES[3] ** 2 - _BAND_EDGES[2] ** 2) / 2)
    # each band differenced inside the skin's box only, then read at the skin's pixels: the
    # same values as differencing the pixels read, in fewer and smaller passes
    top, left = by - y0, bx - x0
    inside = skin[by : by + height, bx : bx + width]
    box = np.s_[top : top + height, left : left + width]
    fine = _band_samples(inside, *(image[box] for image in (part, first, second)))
    # the half-resolution pixels 2i, 2j that lie in the box
    sampled = inside[top % 2 :: 2, left % 2 :: 2]
    half_box = np.s_[(top + 1) // 2 : (top + height + 1) // 2, (left + 1) // 2 : (left + width + 1) // 2]
    mid = _band_samples(sampled, *(image[half_box] for image in (half, third, fourth)))
    bands = [max(float(median(band)), 1e-4) for band in (*fine, *mid)]
    fine, mid = np.sqrt(bands[0] * bands[1]), np.sqrt(bands[2] * bands[3])
    return float(fine**3 / mid**2)


def _band_samples(inside: np.ndarray, *scales: np.ndarray) -> list[np.ndarray]:
    """|difference| of each two successive scales (same-shaped images) at the pixels `inside`."""
    return [cv2.absdiff(finer, coarser)[inside] for finer, coarser in itertools.pairwise(scales)]


def off_hair_colour(lab: np.ndarray, region: np.ndarray) -> float:
    """How far the colour on top of the head is from any natural hair colour (ΔE*ab).

    Black, grey, brown, auburn and blond hair lie in a narrow wedge of hue between red-orange
    and yellow in a* b*, or near neutral; a red, blue, green or purple cap does not. Distance
    of the region's median a* b* from that wedge (0 inside). Dark, grey, brown or beige
    headwear reads as hair: this sees coloured headwear only.
    """
    a, b = float(median(lab[..., 1][region])), float(median(lab[..., 2][region]))
    hue = float(np.degrees(np.arctan2(b, a)))
    if _HAIR_HUES[0] <= hue <= _HAIR_HUES[1]:
        return 0.0
    distances = []
    for edge in np.radians(_HAIR_HUES):
        along = a * np.cos(edge) + b * np.sin(edge)
        distances.append(abs(b * np.cos(edge) - a * np.sin(edge)) if along >= 0 else float(np.hypot(a, b)))
    return float(min(distances))


# Irregular detail (hair against fabric): a light 2-D smoothing first (most grain gone), then
# each axis's detail against a 1-D Gaussian along it (output pixels)
_DETAIL_PRE = 1.0
_DETAIL_SPAN = 1.5
_NOISE_DETAIL = 0.081  # that detail's median on white noise of deviation 1 (L*), measured
_NOISE_COUNT = 1.5  # the engine's noise reading undercounts the grain this detail sees (JPEG takes the finest first)
DETAIL_REACH = 8  # all `irregular_detail` reads of the image beyond its region's box
_ONE = np.array([1.0], np.float32)
_SPAN_KERNEL = cv2.getGaussianKernel(int(8 * _DETAIL_SPAN) | 1, _DETAIL_SPAN).astype(np.float32)


def irregular_detail(lightness: np.ndarray, region: np.ndarray, noise: float = 0.0) -> float:
    """Fine detail of a region along the axis that has less of it, grain taken out (L* units).

    Hair is strands running every way: it holds fine detail along both image axes. Plain
    fabric holds none, and ribbed knit has it across the ribs only, none along them. So the
    detail is read along each axis (lightness minus its 1-D blur along that axis, after a light
    smoothing that removes most grain), as the median over the region, and the smaller of
    the two counts. Grain adds in quadrature: `noise` (the engine's grain reading, L*) is
    taken out, so that a noisy photo's plain hat still reads plain.
    """
    bx, by, width, height = cv2.boundingRect(region.view(np.uint8))
    y0, y1 = max(by - DETAIL_REACH, 0), by + height + DETAIL_REACH
    x0, x1 = max(bx - DETAIL_REACH, 0), bx + width + DETAIL_REACH
    part = cv2.GaussianBlur(np.asarray(lightness[y0:y1, x0:x1], np.float32), (0, 0), _DETAIL_PRE)
    # the medians read every other row and column: a quarter of the samples gives the same value
    inside = region[y0:y1:2, x0:x1:2]
    # so the blur along the rows is taken on every other row only (each row's own: the same values)
    rows = part[::2]
    along_rows = cv2.sepFilter2D(rows, -1, _SPAN_KERNEL, _ONE)
    along_cols = cv2.sepFilter2D(part, -1, _ONE, _SPAN_KERNEL)[::2]
    # differenced on those rows, then read at the samples: the same values
    detail = min(float(median(cv2.absdiff(rows, smooth)[:, ::2][inside])) for smooth in (along_rows, along_cols))
    grain = _NOISE_COUNT * _NOISE_DETAIL * max(noise, 0.0)
    return float(np.sqrt(max(detail * detail - grain * grain, 0.0)))


def head_top_texture(lightness: np.ndarray, head_top: np.ndarray, brows: np.ndarray, noise: float = 0.0) -> float:
    """Irregular detail of the top of the head over that of the eyebrows (`irregular_detail`).

    A cap, a beanie or a hood of any colour, a black one on black hair included, is plain or
    regularly knitted fabric where hair would be strands; the eyebrows are the student's own
    hair in the same photo, equally sharp, equally compressed and equally lit, so the ratio
    does not move with the camera: 0.6 and up for hair (and for a bald head's skin), under
    0.3 once a hat covers most of the head top. A ratio, not a difference: blur and
    compression lower both.
    """
    reference = irregular_detail(lightness, brows, noise)
    return irregular_detail(lightness, head_top, noise) / max(reference, 1e-3)


_SCLERA_SHARE = 0.3  # the brightest share of an eye opening: the white of the eye, not the iris or the lashes
_MIN_OPENING = 20  # pixels an opening needs to hold a white worth reading


def sclera_a(rgb: np.ndarray, *openings: np.ndarray) -> float | None:
    """CIELAB a* (green-red) of the whites of the eyes: the median of the brightest 30 % of
    each eye opening, averaged over the eyes that show enough of it. None when none does.

    The white of the eye is nearly neutral under any natural light (a* 0 to +13 on the DEV
    photos, red vessels and warm light making it pinker), whatever the skin tone. A green
    cast, from fluorescent light or a white balance gone wrong, pushes it below zero with
    everything else; on ruddy skin the skin's own a* stays in the range of paler skin, but
    the eyes do not (-5 to -21 at a 20 dE cast). A magenta cast pushes it the other way,
    beyond the pinkest real eyes."""
    colour = sclera_colour(rgb, *openings)
    return None if colour is None else colour[0]


def sclera_b(rgb: np.ndarray, *openings: np.ndarray) -> float | None:
    """CIELAB b* (blue-yellow) of the whites of the eyes, read as `sclera_a`.

    A warm (tungsten, yellow-orange) cast yellows the eye whites with the skin; on pale,
    low-b* skin the skin itself stays in the range of naturally golden skin, the eyes do not."""
    colour = sclera_colour(rgb, *openings)
    return None if colour is None else colour[1]


def sclera_colour(rgb: np.ndarray, *openings: np.ndarray) -> tuple[float, float] | None:
    """(a*, b*) of the whites of the eyes: the median of the brightest 30 % of each eye
    opening, averaged over the eyes that show enough of it. None when none does."""
    values = []
    for opening in openings:
        x0, y0, width, height = cv2.boundingRect(opening.view(np.uint8))
        x1, y1 = x0 + width, y0 + height
        inside = opening[y0:y1, x0:x1]
        if cv2.countNonZero(inside.view(np.uint8)) < _MIN_OPENING:
            continue
        lab = cv2.cvtColor(rgb[y0:y1, x0:x1].astype(np.float32) * (1 / 255.0), cv2.COLOR_RGB2Lab)
        lightness = lab[..., 0]
        # the brightest pixels of the opening as one mask: the pixels and order of reading the
        # opening's, then its bright ones, in half the gathers
        bright = inside & (lightness >= quantile(lightness[inside], 1 - _SCLERA_SHARE))
        values.append((float(median(lab[..., 1][bright])), float(median(lab[..., 2][bright]))))
    if not values:
        return None
    return _mean([a for a, _ in values]), _mean([b for _, b in values])


def _mean(values: list[float]) -> float:
    """`np.mean` of a few floats, as numpy sums them (in order) and divides, without its overhead."""
    total = values[0]
    for value in values[1:]:
        total += value
    return total / len(values)
