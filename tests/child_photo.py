"""A photo framed as for a child: eyes about 17 mm above the bottom edge of a 35x45 frame.

Built from a real face (the astronaut, or a shared studio portrait): the face from just below
the eyes to the chin is shortened to 0.75, the eye-to-chin length to about 0.8 (a child's
lower face is short for its head), then a 35:45 frame is cut with the head at 73 % of the
height and the eye line at 17 mm, scaled to 700 rows. The adult eye line (20-30 mm) cannot be
met inside that frame; the child one (from 15 mm) can.
"""

from __future__ import annotations

import cv2
import numpy as np

EYE_LINE_MM = 17.0
HEAD_SHARE = 0.73
ROWS = 700


def child_framed(astronaut: np.ndarray) -> np.ndarray:
    from service.face import analyse_faces, load_models
    from service.profile import load_profile

    def main_face(rgb):
        return analyse_faces(rgb, 1.0, load_models(), load_profile().detection).face

    face = main_face(astronaut)
    start = face.eye_y + 0.25 * (face.chin_y - face.eye_y)  # below the lower eyelids: the eyes keep their shape
    rows = np.arange(astronaut.shape[0], dtype=np.float32)
    source_rows = np.where(rows <= start, rows, start + (rows - start) / 0.75)
    map_x = np.tile(np.arange(astronaut.shape[1], dtype=np.float32), (astronaut.shape[0], 1))
    map_y = np.repeat(source_rows[:, None], astronaut.shape[1], axis=1).astype(np.float32)
    short = cv2.remap(astronaut, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)

    face = main_face(short)
    height = face.head_height / HEAD_SHARE
    top = face.eye_y + EYE_LINE_MM / 45 * height - height
    left = face.centre_x - height * 35 / 45 / 2
    pad = int(np.ceil(max(0.0, -top))) + 2  # the frame starts above the image: repeat the backdrop's top rows
    padded = cv2.copyMakeBorder(short, pad, 0, 0, 0, cv2.BORDER_REPLICATE)
    k = ROWS / height
    matrix = np.array([[k, 0, -left * k], [0, k, -(top + pad) * k]])
    size = (round(height * 35 / 45 * k), ROWS)
    return cv2.warpAffine(padded, matrix, size, flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_REPLICATE)
