"""The decoded image and its halvings, so each model reads only the pixels it needs.

The whole-frame models (detector, segmenter) see ~256 rows; the mesh needs the face at 192
px and detector tiles need ~2x the detector's 128 px. Reading each from the coarsest level
that still has that many pixels keeps every resample below a factor of two (no aliasing). The
halvings (`resample.halve`, 2x2 averages) are paid once per photo.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ..resample import halve


@dataclass(frozen=True)
class Pyramid:
    levels: tuple[np.ndarray, ...]  # levels[0] is the image itself, each next one half the size (rounded down)
    frame: np.ndarray  # the whole frame at `frame_rows` rows (or fewer, for a smaller image)

    @classmethod
    def build(cls, rgb: np.ndarray, frame_rows: int) -> Pyramid:
        levels = [rgb]
        while levels[-1].shape[0] >= 2 * frame_rows:
            levels.append(halve(levels[-1]))
        top = levels[-1]
        frame = top
        if top.shape[0] > frame_rows:
            width = max(round(top.shape[1] * frame_rows / top.shape[0]), 1)
            frame = cv2.resize(top, (width, frame_rows), interpolation=cv2.INTER_LINEAR)
        return cls(tuple(levels), frame)

    @property
    def shape(self) -> tuple[int, int]:
        return self.levels[0].shape[:2]

    @property
    def frame_scale(self) -> float:
        """Frame pixels per level-0 pixel."""
        return self.frame.shape[0] / self.levels[0].shape[0]

    def level_for(self, side: float, needed: float) -> tuple[np.ndarray, float]:
        """The coarsest level on which a region `side` level-0 pixels wide is still at least
        `needed` pixels wide, and its pixels per level-0 pixel."""
        for level in reversed(self.levels):
            scale = level.shape[0] / self.levels[0].shape[0]
            if side * scale >= needed:
                return level, scale
        return self.levels[0], 1.0
