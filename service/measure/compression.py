"""JPEG compression artefacts: the 8x8 block grid showing through."""

from __future__ import annotations

import numpy as np


def blockiness(grey: np.ndarray, period: int) -> float:
    """Mean jump across block boundaries over the mean jump inside blocks (1 = no grid).

    `period` is the JPEG block size in the pixels given (8 at full decode, 4 at half scale).
    The grid is anchored to the stored image, which EXIF rotation and cropping shift, so every
    phase is tried and the strongest is kept, per axis.
    """
    image = grey.astype(np.float32)
    # the jumps are averaged along the block edges: every fourth line along them is plenty
    return (_axis_ratio(np.abs(np.diff(image[::4], axis=1)).mean(axis=0), period)
            + _axis_ratio(np.abs(np.diff(image[:, ::4], axis=0)).mean(axis=1), period)) / 2


def _axis_ratio(jumps: np.ndarray, period: int) -> float:
    usable = len(jumps) // period * period
    by_phase = jumps[:usable].reshape(-1, period).mean(axis=0)
    edge = int(np.argmax(by_phase))
    inner = np.delete(by_phase, edge).mean()
    return float(by_phase[edge] / max(inner, 1e-3))
