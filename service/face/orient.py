"""A second look for a face the upright colour frame hides: a cast, or a photo saved sideways.

Two faults lose the face, and the photo would then be rejected for "no face" instead of by the
rule that names its real fault:

- A strong colour cast (a 45 dE green white balance): the detector still finds the face, but
  the mesh model's face-presence score collapses on the cast skin (0.00-0.05 where the same
  face in grey scores 1.00), so no candidate is confirmed. Looking again at the frame's
  luminance (grey in all three channels) finds it; every measurement is still made on the
  colour pixels, so `face.colour` judges the cast.
- A photo turned 90, 180 or 270 degrees (a phone photo whose EXIF orientation was lost): the
  detector is trained on upright faces. A sideways face is often not found at all, or found
  with the eye line near vertical (mesh roll about +-88 degrees, but which way is not sure:
  the mesh's crop follows the detector's eye keypoints, which may be swapped); an upside-down
  one is either not found, or found as a fake upright mesh (the mesh model draws an upright
  face on whatever crop it gets) with a lower detector score than the same face upright
  (0.51-0.83 against 0.85-0.98 on the DEV photos; a sideways face can give such a fake too,
  tilted 36 degrees). So:
  - no face upright (nor in grey): the frame is searched turned by each quarter, and the
    turn whose upright main face scores highest wins;
  - a face whose roll lies nearer a quarter turn than upright: the same search;
  - a single face the detector is not sure of (`sure_score`): the small frame turned by each
    quarter is scored (one detector run each); a turn that scores higher is searched, and it
    wins only when its confirmed face scores higher and its mesh settles where the upright
    one did not. A fake upright mesh moves when re-run on the crop it suggests (`drift`,
    1.9-30 times the real face's on the DEV photos turned half round), the real face does
    not; a score alone does not tell them apart, as a face whose lower half is painted over
    can score higher upside down (`turn_drift_ratio`, rules/README.md "Orientation").

The extra passes run only when the upright frame gives no face, its one face lies sideways,
or the detector is unsure of it: a normal portrait pays nothing. The turn found is reported as
`turn_needed_deg` (clockwise degrees that make the photo upright), and the face stage then
hands out the upright frame, so every later stage (crop, measures, auto-fix) works on it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import cv2
import numpy as np
from PIL import Image

from .. import decode
from ..profile import DetectionSettings
from .detect import DetectedFace, _detect, find_faces
from .geometry import head_pose
from .models import FaceModels
from .pyramid import Pyramid

TURNS = (0, 90, 180, 270)  # clockwise degrees a photo may need to stand upright


@dataclass(frozen=True)
class Upright:
    """The faces of a photo as found upright; `turn` says how the photo had to be turned."""

    faces: list[DetectedFace]  # largest first, in level-0 pixels of `pyramid` (the upright frame)
    turn: int  # clockwise degrees applied to the decoded image (0, 90, 180, 270)
    pyramid: Pyramid
    mask: np.ndarray  # the person mask of `pyramid.frame`


def turned(rgb: np.ndarray, turn: int) -> np.ndarray:
    """`rgb` turned clockwise by `turn` degrees (a multiple of 90)."""
    return np.ascontiguousarray(np.rot90(rgb, k=-(turn // 90) % 4))


def luminance(rgb: np.ndarray) -> np.ndarray:
    """The frame's luma (Rec. 601) in all three channels: the face's shape without its colour,
    so that a cast cannot hide it from the mesh model."""
    grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    return cv2.cvtColor(grey, cv2.COLOR_GRAY2RGB)


def turn_of_roll(roll: float) -> int:
    """The clockwise turn (0, 90, 180, 270) that brings a face with this image roll (degrees,
    + = tilted clockwise) nearest to upright: the quarter turn nearest to the roll, undone."""
    return int(-round(roll / 90.0) * 90) % 360


def find_upright(rgb: np.ndarray, models: FaceModels, settings: DetectionSettings, frame_rows: int) -> Upright:
    """The faces of `rgb` (the decoded image), upright. Callers hold `models.lock`."""
    first = _look(rgb, 0, models, settings, frame_rows)
    if len(first.faces) > 1:  # a group: the count alone decides, whichever way up
        return first
    if not first.faces:
        grey = _look(luminance(rgb), 0, models, settings, frame_rows)
        if not grey.faces:
            return _best_turn(rgb, TURNS[1:], models, settings, frame_rows) or first
        # measured on the colour pixels: only the finding used the grey frame
        first = Upright(grey.faces, 0, first.pyramid, first.mask)
    face = first.faces[0]
    if turn_of_roll(head_pose(face.landmarks, models.canonical_face).roll):
        # sideways; which way is not sure (the mesh's crop may have been turned half round)
        return _best_turn(rgb, TURNS[1:], models, settings, frame_rows) or first
    if face.score < settings.sure_score:  # an unsure face may be a fake upright mesh on a turned one
        frame = first.pyramid.frame
        better = [turn for turn in TURNS[1:] if _frame_score(frame, turn, models) > face.score]
        best = _best_turn(rgb, better, models, settings, frame_rows)
        if (
            best is not None
            and best.faces[0].score > face.score
            and face.drift > settings.turn_drift_ratio * best.faces[0].drift
        ):
            return best
    return first


def _look(rgb: np.ndarray, turn: int, models: FaceModels, settings: DetectionSettings, frame_rows: int) -> Upright:
    """The face search of `detect.find_faces` on `rgb` turned by `turn`, with its own person mask."""
    pyramid = Pyramid.build(turned(rgb, turn), frame_rows)
    mask = models.segmenter.run(pyramid.frame)
    return Upright(find_faces(pyramid, models, settings, mask), turn, pyramid, mask)


def _upright_at(
    rgb: np.ndarray, turn: int, models: FaceModels, settings: DetectionSettings, frame_rows: int
) -> Upright | None:
    """The search turned by `turn`, when it finds faces and its main face stands upright there."""
    found = _look(rgb, turn, models, settings, frame_rows)
    if not found.faces or turn_of_roll(head_pose(found.faces[0].landmarks, models.canonical_face).roll):
        return None
    return found


def _best_turn(
    rgb: np.ndarray, turns, models: FaceModels, settings: DetectionSettings, frame_rows: int
) -> Upright | None:
    """Of the searches turned by each of `turns`, the one whose upright main face the detector
    scores highest (None when none finds an upright face). The wrong turns may give a sideways
    face or a fake upright mesh on an upside-down one, both scored lower than the right one."""
    found = [f for t in turns if (f := _upright_at(rgb, t, models, settings, frame_rows)) is not None]
    return max(found, key=lambda f: f.faces[0].score, default=None)


def _frame_score(frame: np.ndarray, turn: int, models: FaceModels) -> float:
    """The detector's best score on the small whole frame turned by `turn`: one detector run."""
    return max((c.score for c in _detect(turned(frame, turn), 0, 0, 1.0, models)), default=0.0)


# ---- the photo, turned -------------------------------------------------------------------------


def _apply(orientation: int, probe: np.ndarray) -> np.ndarray:
    return np.asarray(decode._upright(Image.fromarray(probe), orientation))


def turned_orientation(orientation: int, turn: int) -> int:
    """The EXIF orientation (1-8) that decodes as `orientation` does, then turns the result
    clockwise by `turn` degrees: so a later decode of the same bytes (a finer one for the
    measures, auto-fix's cuts) comes out upright too."""
    probe = np.arange(6, dtype=np.uint8).reshape(2, 3)
    want = turned(_apply(orientation, probe), turn)
    return next(o for o in range(1, 9) if np.array_equal(_apply(o, probe), want))


def turned_photo(photo: decode.PhotoFile, turn: int) -> decode.PhotoFile:
    """The photo as it stands upright: header sizes swapped for a quarter turn."""
    if turn % 360 == 0:
        return photo
    width, height = (photo.height, photo.width) if turn % 180 else (photo.width, photo.height)
    return replace(photo, width=width, height=height, orientation=turned_orientation(photo.orientation, turn))


def turned_image(image: decode.DecodedImage, turn: int) -> decode.DecodedImage:
    """The decoded pixels turned clockwise by `turn` (the scale to source pixels is unchanged)."""
    return image if turn % 360 == 0 else replace(image, rgb=turned(image.rgb, turn))
