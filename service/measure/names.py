"""The name of every measurement the engine produces: the one list profiles are checked against.

A rule's limit may only name a measurement listed here (`service/profile.py` refuses any
other at load time, so a typo cannot silently turn a limit off). A test runs the engine and
checks that these are exactly the keys of `Analysis.values`. No imports: the profile loader
reads this without the measuring code.
"""

from __future__ import annotations

# Measured on every readable file, face or no face (`service/pipeline.py::analyse`).
FILE_MEASURES: tuple[str, ...] = (
    "is_jpeg",
    "file_bytes",
    "dpi",
    "face_count",
    "turn_needed_deg",  # clockwise degrees that stand the photo upright (service/face/orient.py); None without a face
)

# From the main face and the planned crop (`service/pipeline.py::_geometry_values`).
GEOMETRY_MEASURES: tuple[str, ...] = (
    "crop_height_px",
    "eye_distance_px",
    "head_ratio_needed",
    "crop_overflow",
    "yaw_abs",
    "pitch_abs",
    "roll_abs",
    "eye_openness",
    "mouth_gap",
)

# On the pixels of the crop (the keys of `service/measure/__init__.py::measure_pixels`).
# A new pixel measure adds its name here.
PIXEL_MEASURES: tuple[str, ...] = (
    "colour_variation",
    "blur_px",
    "detail_px",
    "face_lightness",
    "face_clipped",
    "white_point",
    "person_blown",
    "cheek_light_ratio",
    "lower_face_shift",
    "eye_light_ratio",
    "eye_glare",
    "eye_floor",
    "eye_opening_shift",
    "eye_mismatch",
    "forehead_shift",
    "skin_a",
    "skin_b",
    "skin_hue",
    "sclera_a",
    "sclera_b",
    "skin_texture",
    "head_top_colour",
    "head_top_texture",
    "background_texture",
    "background_lightness",
    "background_chroma",
    "background_shade",
    "other_people",
    "person_at_side",
    "skin_beside_head",
    "noise",
    "noise_blotches",
    "blockiness",
)

# What auto-fix sets itself: the file (format, size, metadata) and the crop with its scale. A
# photo failing only on these can be fixed, and the fixed photo must pass every limit on them;
# on every other measurement it must keep the status its source had (`service/fixplan.py`).
SET_BY_FIX: tuple[str, ...] = (
    "is_jpeg",
    "file_bytes",
    "dpi",
    "turn_needed_deg",  # auto-fix cuts from the upright frame: its photo must stand upright
    "crop_height_px",
    "eye_distance_px",
    "head_ratio_needed",
    "crop_overflow",
)

ALL_MEASURES: tuple[str, ...] = FILE_MEASURES + GEOMETRY_MEASURES + PIXEL_MEASURES

# Readings that saturate: at the ceiling a value only says "at least this" (blur_px: a re-blur
# of 2 px cannot tell a smear of 10 px from one of 20, see service/measure/sharpness.py). A
# limit at or above its measure's ceiling could never be crossed, so the profile loader refuses it.
CEILINGS: dict[str, float] = {"blur_px": 3.0}
