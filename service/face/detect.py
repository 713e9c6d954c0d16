"""Find every face in the frame, and confirm each one before it counts.

The short-range BlazeFace model sees the frame at 128x128, so it finds the main face of a
portrait but misses the small faces of other people. We therefore also run it on overlapping
tiles. Tiles make it fire on some animals, objects and blurred patches, so each candidate must
pass three checks before it counts: the mesh model's face-presence score on the crop it was
trained on, a face-like mesh shape, and a second detector pass on a crop centred on the mesh
(a real face is found again with a high score; a hallucinated one is not). A candidate the
detector is sure of (`sure_score`) skips that second pass.

Tiles cost most of the time, so they are skipped when the frame cannot hide another face:
the whole-frame pass found one large face, and the person mask shows nobody else (no other
person blob, nothing person-like beside the head).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ..profile import DetectionSettings
from .mesh import INPUT_SIZE as MESH_INPUT_SIZE
from .mesh import Mesh, Roi, roi_from_box, roi_from_mesh
from .models import FaceModels, as_mp_image
from .pyramid import Pyramid


@dataclass(frozen=True)
class Candidate:
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 in image pixels
    score: float
    eyes: tuple[tuple[float, float], tuple[float, float]]  # detector eye keypoints, image pixels


@dataclass(frozen=True)
class DetectedFace:
    box: tuple[float, float, float, float]  # tight box of the landmarks, image pixels
    score: float  # detector score of the candidate it confirmed
    presence: float  # mesh model's face-presence score
    landmarks: np.ndarray  # (468, 3): x, y in image pixels, z in the same units (towards the camera < 0)
    drift: float = 0.0  # how far the mesh moved when re-run on its own crop, median per point / mesh width


def find_faces(
    pyramid: Pyramid, models: FaceModels, settings: DetectionSettings, person_mask: np.ndarray | None = None
) -> list[DetectedFace]:
    """All confirmed faces, largest first, in level-0 pixels of `pyramid`. `person_mask` (the
    size of `pyramid.frame`) lets the search skip the tiles when only one person is in the frame."""
    candidates = _non_max_suppression(_candidates(pyramid, models, settings, person_mask), settings.nms_iou)
    faces: list[DetectedFace] = []
    for cand in candidates:
        face = _confirm(pyramid, cand, models, settings)
        if face is not None and all(_iou(face.box, f.box) < settings.nms_iou for f in faces):
            faces.append(face)
    return sorted(faces, key=lambda f: -_area(f.box))


def _candidates(
    pyramid: Pyramid, models: FaceModels, settings: DetectionSettings, person_mask: np.ndarray | None
) -> list[Candidate]:
    height, width = pyramid.shape
    found = _detect(pyramid.frame, 0, 0, pyramid.frame_scale, models)
    found += [closer for c in found if settings.recheck_score <= c.score < settings.min_score
              for closer in _closer_look(pyramid, c.box, models, settings)]
    short = min(height, width)
    if person_mask is not None and _alone_in_frame(found, person_mask, pyramid.frame_scale, settings):
        return [c for c in found if c.score >= settings.min_score]
    for fraction in settings.tile_fractions:
        level, scale = pyramid.level_for(short * fraction, settings.tile_pixels)
        size = max(int(min(level.shape[:2]) * fraction), 64)
        step = max(int(size * (1 - settings.tile_overlap)), 1)
        for y in _starts(level.shape[0], size, step):
            for x in _starts(level.shape[1], size, step):
                found += _detect(level[y : y + size, x : x + size], x, y, scale, models)
    min_side = settings.min_face_fraction * short
    return [c for c in found if c.score >= settings.min_score and _side(c.box) >= min_side]


def _starts(length: int, size: int, step: int) -> list[int]:
    """Tile offsets spread evenly from edge to edge, no further apart than `step`."""
    if size >= length:
        return [0]
    count = -(-(length - size) // step) + 1
    return [round(i * (length - size) / (count - 1)) for i in range(count)]


def _alone_in_frame(found: list[Candidate], mask: np.ndarray, mask_scale: float, settings: DetectionSettings) -> bool:
    """One large, confident face and a person mask with nobody else in it."""
    confident = [c for c in found if c.score >= settings.min_score]
    if len(confident) != 1:
        return False
    x0, y0, x1, y1 = (v * mask_scale for v in confident[0].box)
    height, width = mask.shape
    if _side((x0, y0, x1, y1)) < settings.alone_face_fraction * min(height, width):
        return False
    person = (mask > 0.5).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(person, connectivity=8)
    cx, cy = int(np.clip((x0 + x1) / 2, 0, width - 1)), int(np.clip((y0 + y1) / 2, 0, height - 1))
    main = labels[cy, cx]
    if main == 0:
        return False
    others = sum(stats[i, cv2.CC_STAT_AREA] for i in range(1, count) if i != main)
    if others > settings.alone_max_other * height * width:
        return False
    # within the main blob: someone standing beside the head shows up as person pixels there
    margin = settings.alone_head_margin * (x1 - x0)
    band = person[max(int(y0), 0) : max(int(y1), 0)]
    beside = band[:, : max(int(x0 - margin), 0)].sum() + band[:, min(int(x1 + margin), width) :].sum()
    if beside > settings.alone_max_other * height * width:
        return False
    return _outline_falls_away(person, int(x0), int(x1), settings.alone_max_rise * (y1 - y0))


def _outline_falls_away(person: np.ndarray, left: int, right: int, tolerance: float) -> bool:
    """Whether the top of the person mask only falls, walking outward from the face's sides
    (the head, then shoulders sloping down). Someone smaller standing in front of the
    student's shoulder joins the student's blob, below the head's rows: their head is a second
    rise of the outline there (a quarter of the frame tall, missed in 4 of 21 photos)."""
    height, width = person.shape
    has = person.any(axis=0)
    top = np.where(has, person.argmax(axis=0), height).astype(np.float32)  # first person row per column
    for side in (top[: max(left, 0)][::-1], top[min(right, width) :]):
        if side.size and np.any(side < np.maximum.accumulate(side) - tolerance):  # above the lowest point so far
            return False
    return True


def _closer_look(pyramid: Pyramid, box, models: FaceModels, settings: DetectionSettings) -> list[Candidate]:
    """The detector once more on a crop twice the size of a weak candidate's box: a face
    standing further back is a few pixels at the whole frame's 128x128 and scores low there
    (0.45 for a second person a quarter of the frame tall), but fills half of this crop."""
    half = _side(box)
    level, scale = pyramid.level_for(2 * half, settings.tile_pixels)
    height, width = level.shape[:2]
    cx, cy = (box[0] + box[2]) / 2 * scale, (box[1] + box[3]) / 2 * scale
    x0, y0 = int(max(cx - half * scale, 0)), int(max(cy - half * scale, 0))
    x1, y1 = int(min(cx + half * scale, width)), int(min(cy + half * scale, height))
    found = _detect(np.ascontiguousarray(level[y0:y1, x0:x1]), x0, y0, scale, models)
    return [c for c in found if box[0] <= (c.box[0] + c.box[2]) / 2 <= box[2] and box[1] <= (c.box[1] + c.box[3]) / 2 <= box[3]]


def _detect(tile: np.ndarray, x0: int, y0: int, scale: float, models: FaceModels) -> list[Candidate]:
    """Detector candidates on `tile`, which sits at (x0, y0) of a level with `scale` level-0
    pixels per pixel; boxes and eyes come back in level-0 pixels."""
    height, width = tile.shape[:2]
    out = []
    for det in models.detector.detect(as_mp_image(tile)).detections:
        b = det.bounding_box
        box = tuple(v / scale for v in (x0 + b.origin_x, y0 + b.origin_y, x0 + b.origin_x + b.width, y0 + b.origin_y + b.height))
        eyes = tuple(((x0 + k.x * width) / scale, (y0 + k.y * height) / scale) for k in det.keypoints[:2])
        out.append(Candidate(box, float(det.categories[0].score), eyes))
    return out


def _mesh(pyramid: Pyramid, roi: Roi, models: FaceModels) -> Mesh:
    """The mesh on the coarsest level that still gives the model its full input size."""
    level, scale = pyramid.level_for(roi.side, MESH_INPUT_SIZE)
    mesh = models.mesh.run(level, Roi(roi.cx * scale, roi.cy * scale, roi.side * scale, roi.angle))
    return Mesh(mesh.points / scale, mesh.presence)


def _confirm(
    pyramid: Pyramid, cand: Candidate, models: FaceModels, settings: DetectionSettings
) -> DetectedFace | None:
    """Run the mesh on the candidate, then once more on the crop its own mesh suggests."""
    first = _mesh(pyramid, roi_from_box(cand.box, *cand.eyes, settings.roi_scale), models)
    if first.presence < settings.min_presence:
        return None
    mesh = _mesh(pyramid, roi_from_mesh(first.points, settings.roi_scale), models)
    points = mesh.points
    box = (points[:, 0].min(), points[:, 1].min(), points[:, 0].max(), points[:, 1].max())
    if (
        mesh.presence < settings.min_presence
        or _iou(box, cand.box) < settings.confirm_iou
        or not _plausible_mesh(points, settings)
        or (cand.score < settings.sure_score and _redetect_score(pyramid, box, models, settings) < settings.min_redetect_score)
    ):
        return None
    return DetectedFace(box, cand.score, mesh.presence, points, _drift(first.points, points))


def _drift(first: np.ndarray, second: np.ndarray) -> float:
    """Median distance a landmark moved between the two mesh passes, in mesh widths. A real face
    converges (the second crop only refines the first); the upright mesh the model draws on an
    upside-down face does not settle (see orient.py)."""
    width = float(np.ptp(second[:, 0]))
    moved = np.linalg.norm(first[:, :2] - second[:, :2], axis=1)
    return float(np.median(moved) / width) if width > 0 else 0.0


def _redetect_score(pyramid: Pyramid, box, models: FaceModels, settings: DetectionSettings) -> float:
    """Best detector score for a face centred in a crop twice the mesh's size."""
    return max((c.score for c in _closer_look(pyramid, box, models, settings)), default=0.0)


def _plausible_mesh(points: np.ndarray, settings: DetectionSettings) -> bool:
    """Eyes above the mouth, mouth above the chin, eye distance a sane share of face width."""
    eye_r, eye_l, mouth, chin = points[33], points[263], points[13], points[152]
    face_width = np.ptp(points[:, 0])
    eye_dist = float(np.hypot(*(eye_l[:2] - eye_r[:2])))
    eyes_y = (eye_r[1] + eye_l[1]) / 2
    upright = eyes_y < mouth[1] < chin[1]
    lo, hi = settings.eye_width_ratio
    return bool(face_width > 0 and lo <= eye_dist / face_width <= hi and upright)


def _non_max_suppression(cands: list[Candidate], iou: float) -> list[Candidate]:
    kept: list[Candidate] = []
    for cand in sorted(cands, key=lambda c: -c.score):
        if all(_iou(cand.box, k.box) < iou for k in kept):
            kept.append(cand)
    return kept


def _side(box) -> float:
    return float(max(box[2] - box[0], box[3] - box[1]))


def _area(box) -> float:
    return float(max(box[2] - box[0], 0) * max(box[3] - box[1], 0))


def _iou(a, b) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = _area(a) + _area(b) - inter
    return inter / union if union > 0 else 0.0
