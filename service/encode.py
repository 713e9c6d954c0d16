"""Encode: pixels -> the JPEG the school exports, at the highest quality that fits a byte budget.

Baseline sRGB JPEG (what every card printer reads), 300 dpi in the JFIF header, and nothing
else: no EXIF, GPS, maker notes, thumbnails, comments or ICC profile (sRGB is the default).
Huffman tables are optimised, which keeps the file baseline and costs a few percent of time.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

import numpy as np
from PIL import Image


@dataclass(frozen=True)
class Encoded:
    data: bytes
    quality: int
    encodes: int  # how many encodes the search needed


class SizeTargetError(Exception):
    """Even the quality floor does not fit the byte budget."""

    def __init__(self, target: int, floor: int, floor_bytes: int):
        super().__init__(f"{floor_bytes} bytes at the quality floor {floor}, over the target of {target} bytes")
        self.target, self.floor, self.floor_bytes = target, floor, floor_bytes


def encode_jpeg(rgb: np.ndarray, quality: int, dpi: int) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(rgb, "RGB").save(
        buffer, "JPEG", quality=quality, dpi=(dpi, dpi), optimize=True, progressive=False, subsampling="4:2:0"
    )
    return buffer.getvalue()


def fit_to_size(rgb: np.ndarray, target_bytes: int, floor: int, ceiling: int, dpi: int) -> Encoded:
    """The highest quality in [floor, ceiling] whose file is at most `target_bytes`.

    libjpeg scales its quantisation tables by (100 - quality) above 50, and file size follows
    a power law of that scale: log(size) is close to linear in log(100 - quality) (within
    ~6 % from 70 to 95 on our crops, where log(size) against quality is off by up to 25 %).
    So each step predicts the crossing from the two known points nearest to it; typically
    1 encode when the ceiling fits and 3-4 otherwise, including the check that one quality
    step more would not fit.
    """
    sizes: dict[int, int] = {}
    data: dict[int, bytes] = {}

    def encode(quality: int) -> None:
        data[quality] = encode_jpeg(rgb, quality, dpi)
        sizes[quality] = len(data[quality])

    encode(ceiling)
    while True:
        fitting = [q for q, size in sizes.items() if size <= target_bytes]
        too_big = [q for q, size in sizes.items() if size > target_bytes]
        best, lowest_big = max(fitting, default=None), min(too_big, default=None)
        if best is not None and (lowest_big is None or lowest_big == best + 1):
            return Encoded(data[best], best, len(sizes))
        if lowest_big == floor:
            raise SizeTargetError(target_bytes, floor, sizes[floor])
        low = floor if best is None else best + 1
        quality = min(max(math.floor(_crossing(sizes, target_bytes)), low), lowest_big - 1)
        if quality in sizes:  # the model points at a known quality: step towards the bracket's open side
            quality = quality + 1 if sizes[quality] <= target_bytes else quality - 1
        encode(quality)


_PRIOR_EXPONENT = 0.56  # size ~ (100 - quality) ** -0.56, measured on our 492x633 crops


def _crossing(sizes: dict[int, int], target: int) -> float:
    """Quality where the fitted power law reaches `target`, from the two points nearest to it."""

    def x(quality: float) -> float:
        return math.log(100.0 - quality)

    nearest = sorted(sizes, key=lambda q: abs(math.log(sizes[q] / target)))[:2]
    if len(nearest) == 1:
        (q1,) = nearest
        slope = -_PRIOR_EXPONENT
    else:
        q1, q2 = nearest
        slope = (math.log(sizes[q2]) - math.log(sizes[q1])) / (x(q2) - x(q1))
        if slope >= 0:  # noise at the top of the range: fall back to the prior
            slope = -_PRIOR_EXPONENT
    return 100.0 - math.exp(x(q1) + (math.log(target) - math.log(sizes[q1])) / slope)
