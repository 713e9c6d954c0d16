"""Sharpness of the face, measured at the scale of the ID output."""

from __future__ import annotations

import cv2
import numpy as np


def sharpness(lightness: np.ndarray, mask: np.ndarray) -> float:
    """Share of the face's detail energy that lives at the finest scale (0..1, contrast-free).

    Fine detail (the image minus a 1 px blur) over all detail up to ~4 px (the image minus a
    4 px blur). Blur removes the fine band first, so the ratio drops with blur whatever the
    face's contrast. Run on the ID crop scaled to the output height: blur that the output
    cannot show is not a fault.
    """
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    if rows.size == 0:
        return 0.0
    pad = 12  # 3 sigma of the wider blur: the face's own border pixels see real neighbours
    y0, y1 = max(rows[0] - pad, 0), rows[-1] + pad + 1
    x0, x1 = max(cols[0] - pad, 0), cols[-1] + pad + 1
    image = lightness[y0:y1, x0:x1].astype(np.float32)
    fine = image - cv2.GaussianBlur(image, (0, 0), 1.0)
    coarse = image - cv2.GaussianBlur(image, (0, 0), 4.0)
    inside = mask[y0:y1, x0:x1] > 0
    denominator = float(np.sqrt(np.mean(coarse[inside] ** 2))) if inside.any() else 0.0
    if denominator < 1e-6:
        return 0.0
    return float(np.sqrt(np.mean(fine[inside] ** 2)) / denominator)
