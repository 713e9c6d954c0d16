"""The pipeline: decode -> face -> crop plan -> measure -> judge. One path for every caller.

`analyse` returns everything later stages need (auto-fix plans from `analysis` and cuts from
`analysis.decoded`); `check` turns an analysis into the report, with the default fix plan. `child` (said by the caller:
the engine cannot tell a child's age) plans the crop with the profile's child geometry.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass, field


from . import decode
from .crop import CropPlan, plan_crop
from .errors import PhotoError, describe
from .face import FaceAnalysis, analyse_faces, load_models, orient
from .fixplan import FixOptions, plan_fix
from .judge import judge, main_problem, parent_message
from .measure import measure_pixels
from .profile import DEFAULT_PROFILE, GeometrySpec, Profile, ProfileError, load_profile
from .report import Box, CropInfo, ErrorInfo, FaceInfo, ImageInfo, MainProblem, Pose, Report

log = logging.getLogger("idphoto.engine")


@dataclass
class Analysis:
    profile: Profile
    photo: decode.PhotoFile
    decoded: decode.DecodedImage  # at the scale the measurements needed
    faces: FaceAnalysis
    crop: CropPlan | None
    values: dict[str, float | None]
    timings_ms: dict[str, float] = field(default_factory=dict)
    child: bool = False  # the caller said the student is a child: the crop used the child geometry

    @property
    def geometry(self) -> GeometrySpec:
        """The geometry the crop was planned with (auto-fix plans with the same)."""
        return self.profile.geometry_for(self.child)


def analyse(data: bytes, profile: Profile | str = DEFAULT_PROFILE, child: bool = False) -> Analysis:
    """Raises PhotoError when the bytes cannot be read as a photo. `child`: the student is a
    child (up to the profile's `child_max_age`), whose eye line may sit lower in the crop."""
    profile = load_profile(profile) if isinstance(profile, str) else profile
    clock = Clock()
    photo = decode.open_photo(data, profile.file_limits)
    # One decode serves both stages when the face crop turns out to cover at least
    # `expected_crop_share` of the height: decode for that now instead of twice.
    decoded = decode.decode_rgb(photo, math.ceil(profile.measure_height / profile.expected_crop_share))
    clock.lap("decode")

    faces = analyse_faces(decoded.rgb, decoded.scale, load_models(), profile.detection)
    if faces.turn:  # found only turned (a photo saved sideways): from here on, the photo stands upright
        photo, decoded = orient.turned_photo(photo, faces.turn), orient.turned_image(decoded, faces.turn)
    clock.lap("face")

    values: dict[str, float | None] = {
        "is_jpeg": 1.0 if photo.format == "JPEG" else 0.0,
        "file_bytes": float(photo.n_bytes),
        "dpi": photo.dpi,
        "face_count": float(faces.count),
        "turn_needed_deg": float(faces.turn) if faces.count else None,
    }
    crop = None
    if faces.face is not None:
        crop = plan_crop(faces.face, photo.width, photo.height, profile.geometry_for(child), profile.output.height)
        clock.lap("crop")
        decoded = _decode_for_measuring(photo, decoded, crop, profile)
        clock.lap("decode")
        values |= _geometry_values(faces, crop)
        values |= measure_pixels(decoded, faces.person_mask, faces.face, crop, profile, photo.format == "JPEG")
        clock.lap("measure")
    values = {name: _finite(value) for name, value in values.items()}
    return Analysis(profile, photo, decoded, faces, crop, values, clock.laps, child)


def _finite(value: float | None) -> float | None:
    """A value that is not a finite number was not measured (a degenerate region, a 0/0): the
    rule then says so (`if_missing`) instead of judging a NaN."""
    return value if value is None or math.isfinite(value) else None


def check(
    data: bytes,
    profile: Profile | str = DEFAULT_PROFILE,
    lang: str = "pl",
    file: str | None = None,
    child: bool = False,
) -> Report:
    """The report for one photo. Unreadable input gives a report with `error`, never an exception;
    so does an engine fault on this photo (`processing_failed`, logged with its traceback)."""
    profile_name = profile if isinstance(profile, str) else profile.name
    try:
        return report_for(analyse(data, profile, child), lang, file)
    except PhotoError as exc:
        message = describe(exc.code, lang, profile_name)
        return Report(file=file, profile=profile_name, lang=lang, error=ErrorInfo(code=exc.code, message=message))
    except ProfileError:  # the rules are broken, not the photo: the caller must hear it
        raise
    except Exception:  # an engine bug on one photo must not stop the caller's other photos
        log.exception("engine error", extra={"event": "engine_error"})
        message = describe("processing_failed", lang, profile_name)
        return Report(file=file, profile=profile_name, lang=lang, error=ErrorInfo(code="processing_failed", message=message))


def report_for(analysis: Analysis, lang: str = "pl", file: str | None = None) -> Report:
    started = time.perf_counter()
    checks, skipped, score, verdict = judge(analysis.values, analysis.profile, lang)
    first = main_problem(checks, analysis.profile)
    photo, face, crop = analysis.photo, analysis.faces.face, analysis.crop
    timings = dict(analysis.timings_ms)
    timings["judge"] = round((time.perf_counter() - started) * 1000, 2)
    return Report(
        file=file,
        profile=analysis.profile.name,
        lang=lang,
        score=score,
        verdict=verdict,
        checks=checks,
        skipped=skipped,
        skipped_titles=[analysis.profile.messages[rule]["title"][lang] for rule in skipped],
        main_problem=MainProblem(id=first.id, status=first.status, title=first.title, message=first.message) if first else None,
        parent_message=parent_message(checks, verdict, analysis.profile, lang),
        faces=analysis.faces.count,
        face=_face_info(face) if face else None,
        crop=_crop_info(crop) if crop else None,
        fix_plan=plan_fix(analysis, checks, FixOptions(), lang).info() if face else None,
        image=ImageInfo(format=photo.format, width=photo.width, height=photo.height, bytes=photo.n_bytes, dpi=photo.dpi),
        timings_ms=timings,
    )


def _decode_for_measuring(
    photo: decode.PhotoFile, decoded: decode.DecodedImage, crop: CropPlan, profile: Profile
) -> decode.DecodedImage:
    """Decode again, finer, only when the crop has fewer rows than the output needs and the file has more."""
    needed = profile.measure_height / crop.height
    if decoded.scale >= min(needed * profile.measure_scale_tolerance, 1.0) or decoded.scale >= 1.0:
        return decoded
    return decode.decode_rgb(photo, math.ceil(photo.height * needed))


def _geometry_values(faces: FaceAnalysis, crop: CropPlan) -> dict[str, float | None]:
    face = faces.face
    assert face is not None
    return {
        "crop_height_px": float(round(crop.height)),  # whole rows: a 492x633 photo holds a 632.6-row 35:45 crop
        "eye_distance_px": face.eye_distance,
        "head_ratio_needed": crop.head_ratio_needed,
        "crop_overflow": crop.overflow,
        "yaw_abs": abs(face.pose.yaw),
        "pitch_abs": abs(face.pose.pitch),
        "roll_abs": abs(face.pose.roll),
        "eye_openness": min(face.eye_openness),
        "mouth_gap": face.mouth_gap,
    }


def _face_info(face) -> FaceInfo:
    return FaceInfo(
        box=_box(face.box),
        pose=Pose(yaw=round(face.pose.yaw, 1), pitch=round(face.pose.pitch, 1), roll=round(face.pose.roll, 1)),
        right_eye=tuple(round(v, 1) for v in face.right_eye),
        left_eye=tuple(round(v, 1) for v in face.left_eye),
        eye_distance_px=round(face.eye_distance, 1),
        eye_openness=tuple(round(v, 3) for v in face.eye_openness),
        mouth_gap=round(face.mouth_gap, 3),
        chin_y=round(face.chin_y, 1),
        crown_y=round(face.crown_y, 1),
    )


def _crop_info(crop: CropPlan) -> CropInfo:
    return CropInfo(
        box=_box(crop.box),
        angle=round(crop.angle, 1),
        head_ratio=round(crop.head_ratio, 3),
        eye_line=round(crop.eye_line, 3),
        fits_frame=crop.overflow <= 0,
        child=crop.child,
    )


def _box(box) -> Box:
    return Box(x0=round(box[0], 1), y0=round(box[1], 1), x1=round(box[2], 1), y1=round(box[3], 1))


class Clock:
    """Named laps in milliseconds; a name used twice adds up."""

    def __init__(self, start: float | None = None):
        self.laps: dict[str, float] = {}
        self._last = time.perf_counter() if start is None else start

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.laps[name] = round(self.laps.get(name, 0.0) + (now - self._last) * 1000, 2)
        self._last = now
