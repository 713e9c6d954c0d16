"""Background: plain and light, judged only on what will be inside the ID crop."""

from __future__ import annotations

import cv2
import numpy as np

from ..resample import halve


def texture(lightness: np.ndarray, mask: np.ndarray, sigma: float = 6.0) -> float:
    """RMS L* of background detail: the background minus its own smooth shading.

    The smooth part is a normalised convolution over background pixels only, so the person's
    edge does not leak in and a gentle vignette or light fall-off is not counted as pattern.
    Being low-pass, it is estimated at half resolution, and the RMS reads the detail at every
    other row and column (the same pixels' detail, a quarter of them).
    """
    if min(lightness.shape[:2]) < 2:
        return 0.0
    weights = (mask > 0).astype(np.float32)
    blur_num = cv2.GaussianBlur(halve(lightness * weights), (0, 0), sigma / 2)
    blur_den = cv2.GaussianBlur(halve(weights), (0, 0), sigma / 2)
    smooth = blur_num / np.maximum(blur_den, 1e-3)  # one value per 2x2 block
    rows, cols = smooth.shape
    inside = weights[: rows * 2 : 2, : cols * 2 : 2] > 0
    detail = (lightness[: rows * 2 : 2, : cols * 2 : 2] - smooth)[inside]
    return float(np.sqrt(np.mean(detail**2))) if detail.size else 0.0


def lightness(lab: np.ndarray, mask: np.ndarray) -> float:
    """Median L* of the background."""
    return float(np.median(lab[..., 0][mask > 0]))


def chroma(lab: np.ndarray, mask: np.ndarray) -> float:
    """Median CIELAB chroma of the background (0 = neutral grey or white)."""
    inside = mask > 0
    a, b = lab[..., 1][inside], lab[..., 2][inside]
    return float(np.hypot(np.median(a), np.median(b)))


def shade(lightness: np.ndarray, mask: np.ndarray, sigma: float = 8.0) -> float:
    """Uneven light on the background: 1 - darkest / brightest part, in linear light (0 = even).

    The background's smooth shading (a normalised blur over background pixels only, so the
    person does not leak in; at a quarter of the resolution, being low-pass) is read at its 5th and 95th
    percentiles: a shadow cast beside or above the head, hard or soft, darkens a part of the
    backdrop by a factor, which this reads whatever the backdrop's lightness (1 - 0.7 = 0.3
    for a shadow that takes 30 % of the light). The percentiles are taken in L* and only the
    two of them turned into linear light (a monotone map: the same percentiles). Texture has
    its own measure; this one sees only light.
    """
    if min(lightness.shape[:2]) < 2 or not (mask > 0).any():
        return 0.0
    weights = (mask > 0).astype(np.float32)
    blur_num = cv2.GaussianBlur(halve(halve(lightness * weights)), (0, 0), sigma / 4)
    blur_den = cv2.GaussianBlur(halve(halve(weights)), (0, 0), sigma / 4)
    rows, cols = blur_num.shape
    inside = weights[: rows * 4 : 4, : cols * 4 : 4] > 0
    smooth = (blur_num / np.maximum(blur_den, 1e-3))[inside]
    if smooth.size == 0:
        return 0.0
    dark, bright = _lightness_to_linear(np.percentile(smooth, (5, 95)))
    return float(1.0 - dark / max(bright, 1e-6))


def _lightness_to_linear(lightness: np.ndarray) -> np.ndarray:
    """CIELAB L* to relative luminance Y (0..1)."""
    f = (np.asarray(lightness, np.float64) + 16.0) / 116.0
    return np.where(f > 6 / 29, f * f * f, 3 * (6 / 29) ** 2 * (f - 4 / 29))


def other_people(person: np.ndarray, student: np.ndarray) -> float:
    """Share of the crop covered by person pixels not joined to the student (0 = alone).

    The person mask of the crop falls into connected parts; those touching the student's face
    are the student (hair, shoulders, clothes), any other part is someone else: a second head
    or shoulder at the edge of the crop, a parent's arm.
    """
    count, labels = cv2.connectedComponents(person.astype(np.uint8), connectivity=8)
    if count <= 1:
        return 0.0
    student_part = np.zeros(count, bool)
    student_part[labels[(student > 0) & (person > 0)]] = True
    student_part[0] = True  # label 0: no one
    return float(np.mean(~student_part[labels]))


def person_at_side(person: np.ndarray, head_rows: np.ndarray, edge: float = 0.03) -> float:
    """Share of the rows from the crown to the chin where the person mask reaches a side edge
    of the crop (its outer `edge` of the width, left or right).

    In a 35:45 crop with the head at 70-80 % of the height there is background beside the head
    on both sides; only very wide hair fills it. Someone standing beside the student fills it
    at head height even where their outline joins the student's (then `other_people` sees one
    person).
    """
    rows = person[head_rows]
    if rows.size == 0:
        return 0.0
    strip = max(int(round(edge * person.shape[1])), 1)
    return float(np.mean(rows[:, :strip].any(axis=1) | rows[:, -strip:].any(axis=1)))
