"""Skin and hair: the colour of the skin (a cast on the face), its fine texture (retouching),
and whether what covers the top of the head has the colour of hair."""

from __future__ import annotations

import cv2
import numpy as np

# hair of every natural colour (black, brown, auburn, blond, grey) has a hue in this wedge of
# a* b* (degrees from +a*), or next to no chroma
_HAIR_HUES = (45.0, 90.0)


def skin_colour(lab: np.ndarray, skin: np.ndarray) -> tuple[float, float]:
    """Median CIELAB a* (green-red) and b* (blue-yellow) of the skin.

    Skin of every tone has a* and b* both positive within a narrow box; a colour cast moves the
    face's colour along a straight line in a* b*, so each coordinate moves steadily with the
    cast's strength, out of that box: green and magenta along a*, blue and yellow along b*.
    """
    return float(np.median(lab[..., 1][skin > 0])), float(np.median(lab[..., 2][skin > 0]))


def hue(a: float, b: float) -> float:
    """Hue angle of a* b* in degrees (0 = red, 90 = yellow, 180 = green, -90 = blue).

    Along a colour cast's straight line in a* b* the hue turns one way only, so it too moves
    steadily with the cast; it tells a magenta cast on pale skin (red without the yellow)
    from naturally ruddy skin of the same a*.
    """
    return float(np.degrees(np.arctan2(b, a)))


def fine_texture(lightness: np.ndarray, skin: np.ndarray, sigma: float = 1.0) -> float:
    """Median absolute fine detail (L* minus its blur) of the skin, in L* units.

    A beauty filter smooths skin to plastic: its finest detail (pores, fine grain) goes to
    zero while edges stay. The median, unlike a mean, ignores the few edges (the nose side,
    a strand of hair) that a cheek region holds.
    """
    rows, cols = np.flatnonzero(skin.any(axis=1)), np.flatnonzero(skin.any(axis=0))
    pad = 4
    y0, y1 = max(rows[0] - pad, 0), rows[-1] + pad + 1
    x0, x1 = max(cols[0] - pad, 0), cols[-1] + pad + 1
    part = lightness[y0:y1, x0:x1].astype(np.float32)
    detail = np.abs(part - cv2.GaussianBlur(part, (0, 0), sigma))
    return float(np.median(detail[skin[y0:y1, x0:x1] > 0]))


def off_hair_colour(lab: np.ndarray, region: np.ndarray) -> float:
    """How far the colour on top of the head is from any natural hair colour (ΔE*ab).

    Black, grey, brown, auburn and blond hair lie in a narrow wedge of hue between red-orange
    and yellow in a* b*, or near neutral; a red, blue, green or purple cap does not. Distance
    of the region's median a* b* from that wedge (0 inside). Dark, grey, brown or beige
    headwear reads as hair: this sees coloured headwear only.
    """
    a = float(np.median(lab[..., 1][region > 0]))
    b = float(np.median(lab[..., 2][region > 0]))
    hue = float(np.degrees(np.arctan2(b, a)))
    if _HAIR_HUES[0] <= hue <= _HAIR_HUES[1]:
        return 0.0
    distances = []
    for edge in np.radians(_HAIR_HUES):
        along = a * np.cos(edge) + b * np.sin(edge)
        distances.append(abs(b * np.cos(edge) - a * np.sin(edge)) if along >= 0 else float(np.hypot(a, b)))
    return float(min(distances))


_SCLERA_SHARE = 0.3  # the brightest share of an eye opening: the white of the eye, not the iris or the lashes
_MIN_OPENING = 20  # pixels an opening needs to hold a white worth reading


def sclera_a(rgb: np.ndarray, *openings: np.ndarray) -> float | None:
    """CIELAB a* (green-red) of the whites of the eyes: the median of the brightest 30 % of
    each eye opening, averaged over the eyes that show enough of it. None when none does.

    The white of the eye is nearly neutral under any natural light (a* 0 to +13 on the DEV
    photos, red vessels and warm light making it pinker), whatever the skin tone. A green
    cast, from fluorescent light or a white balance gone wrong, pushes it below zero with
    everything else; on ruddy skin the skin's own a* stays in the range of paler skin, but
    the eyes do not (-5 to -21 at a 20 dE cast)."""
    values = []
    for opening in openings:
        x0, y0, width, height = cv2.boundingRect(opening.view(np.uint8))
        x1, y1 = x0 + width, y0 + height
        if int(opening[y0:y1, x0:x1].sum()) < _MIN_OPENING:
            continue
        lab = cv2.cvtColor(rgb[y0:y1, x0:x1].astype(np.float32) * (1 / 255.0), cv2.COLOR_RGB2Lab)
        inside = opening[y0:y1, x0:x1]
        lightness, a = lab[..., 0][inside], lab[..., 1][inside]
        bright = lightness >= np.quantile(lightness, 1 - _SCLERA_SHARE)
        values.append(float(np.median(a[bright])))
    return float(np.mean(values)) if values else None
