"""Rule profiles: every threshold the engine uses, read from `rules/<name>.toml`.

A profile may `extends` another and override any value, so a register with other limits is
a few lines of data. Messages shared by all profiles live in `rules/messages.toml`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from .errors import ErrorCode, PhotoError
from .paths import RULES_DIR

DEFAULT_PROFILE = "e-legitymacja"


@dataclass(frozen=True)
class Limit:
    """One measurement judged against limits: inside `pass_*` passes, outside `fail_*` fails, between warns."""

    measure: str
    pass_min: float | None = None
    pass_max: float | None = None
    fail_min: float | None = None
    fail_max: float | None = None


@dataclass(frozen=True)
class Rule:
    id: str
    weight: float
    limits: tuple[Limit, ...]
    if_missing: str  # status when the measurement could not be made: "warn", "fail" or "skip"
    source: str
    advisory: bool  # shown, but never changes the verdict or the score (e.g. metadata auto-fix rewrites)


@dataclass(frozen=True)
class OutputSpec:
    width: int
    height: int
    dpi: int
    max_bytes: int
    quality_floor: int
    max_quality: int


@dataclass(frozen=True)
class GeometrySpec:
    """Where the head goes in the ID crop, as fractions of the crop height."""

    aspect: float  # width / height
    head_min: float
    head_max: float
    head_target: float
    top_margin_share: float  # share of the free height that goes above the crown
    eye_line_min: float  # eye line distance from the bottom edge, fraction of height
    eye_line_max: float
    centre_tolerance: float  # how far the crop may slide sideways off the face midline, share of its width
    roll_max: float  # degrees of head roll tolerated, and straightened by auto-fix


@dataclass(frozen=True)
class DetectionSettings:
    tile_pixels: int
    tile_fractions: tuple[float, ...]
    tile_overlap: float
    min_score: float
    min_face_fraction: float
    nms_iou: float
    roi_scale: float
    min_presence: float
    min_redetect_score: float
    sure_score: float
    confirm_iou: float
    eye_width_ratio: tuple[float, float]
    alone_face_fraction: float
    alone_max_other: float
    alone_head_margin: float
    crown_range: tuple[float, float]


@dataclass(frozen=True)
class Profile:
    name: str
    title: str
    max_pixels: int
    output: OutputSpec
    geometry: GeometrySpec
    detection: DetectionSettings
    measure_height: int  # measurements run with the ID crop scaled to this many rows
    measure_scale_tolerance: float  # decode again, finer, only below this share of that scale
    expected_crop_share: float  # share of the photo height the face crop usually covers (first decode)
    person_threshold: float  # person-mask confidence that counts as the person (hair included)
    person_margin: float  # background starts this far from the person, share of the crop height
    rules: tuple[Rule, ...]
    verdict_caps: dict[str, int]
    messages: dict[str, dict[str, Any]] = field(repr=False)
    measures: dict[str, dict[str, Any]] = field(repr=False)  # label and print format of each measurement
    words: dict[str, dict[str, str]] = field(repr=False)

    def rule(self, rule_id: str) -> Rule:
        return next(r for r in self.rules if r.id == rule_id)


def available_profiles() -> list[str]:
    return sorted(p.stem for p in RULES_DIR.glob("*.toml") if p.stem != "messages")


@cache
def load_profile(name: str = DEFAULT_PROFILE) -> Profile:
    data = _load_raw(name, seen=())
    texts = tomllib.loads((RULES_DIR / "messages.toml").read_text(encoding="utf-8"))
    return _build(name, data, texts["messages"], texts["measures"], texts["words"])


def _load_raw(name: str, seen: tuple[str, ...]) -> dict[str, Any]:
    path = RULES_DIR / f"{name}.toml"
    if name in seen or "/" in name or not path.is_file() or name == "messages":
        raise PhotoError(
            ErrorCode.UNKNOWN_PROFILE, f"Unknown profile {name!r}; available: {', '.join(available_profiles())}."
        )
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    parent = data.pop("extends", None)
    return _merge(_load_raw(parent, (*seen, name)), data) if parent else data


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        merged[key] = _merge(base[key], value) if isinstance(value, dict) and isinstance(base.get(key), dict) else value
    return merged


def _build(
    name: str, d: dict[str, Any], messages: dict[str, Any], measures: dict[str, Any], words: dict[str, Any]
) -> Profile:
    geo, det, out = d["geometry"], d["detection"], d["output"]
    rules = []
    for rule_id, spec in d["rules"].items():
        if rule_id not in messages:
            raise ValueError(f"rule {rule_id!r} of profile {name!r} has no messages in rules/messages.toml")
        for lim in spec["limits"]:
            if lim["measure"] not in measures:
                raise ValueError(f"measure {lim['measure']!r} has no [measures] entry in rules/messages.toml")
        limits = tuple(
            Limit(lim["measure"], *(_resolve(lim.get(k), d) for k in ("pass_min", "pass_max", "fail_min", "fail_max")))
            for lim in spec["limits"]
        )
        rules.append(
            Rule(
                rule_id,
                float(spec["weight"]),
                limits,
                spec.get("if_missing", "skip"),
                spec["source"],
                bool(spec.get("advisory", False)),
            )
        )
    return Profile(
        name=name,
        title=d["profile"]["title"],
        max_pixels=int(d["file"]["max_pixels"]),
        output=OutputSpec(
            out["width"], out["height"], out["dpi"], out["max_bytes"], out["quality_floor"], out["max_quality"]
        ),
        geometry=GeometrySpec(
            aspect=geo["aspect_width"] / geo["aspect_height"],
            head_min=geo["head_min"],
            head_max=geo["head_max"],
            head_target=geo["head_target"],
            top_margin_share=geo["top_margin_share"],
            eye_line_min=geo["eye_line_min_mm"] / geo["aspect_height"],
            eye_line_max=geo["eye_line_max_mm"] / geo["aspect_height"],
            centre_tolerance=geo["centre_tolerance"],
            roll_max=geo["roll_max"],
        ),
        detection=DetectionSettings(
            tile_pixels=det["tile_pixels"],
            tile_fractions=tuple(det["tile_fractions"]),
            tile_overlap=det["tile_overlap"],
            min_score=det["min_score"],
            min_face_fraction=det["min_face_fraction"],
            nms_iou=det["nms_iou"],
            roi_scale=det["roi_scale"],
            min_presence=det["min_presence"],
            min_redetect_score=det["min_redetect_score"],
            sure_score=det["sure_score"],
            confirm_iou=det["confirm_iou"],
            eye_width_ratio=tuple(det["eye_width_ratio"]),
            alone_face_fraction=det["alone_face_fraction"],
            alone_max_other=det["alone_max_other"],
            alone_head_margin=det["alone_head_margin"],
            crown_range=tuple(det["crown_range"]),
        ),
        measure_height=int(out["height"]),
        measure_scale_tolerance=float(d["measure"]["scale_tolerance"]),
        expected_crop_share=float(d["measure"]["expected_crop_share"]),
        person_threshold=float(d["measure"]["person_threshold"]),
        person_margin=float(d["measure"]["person_margin"]),
        rules=tuple(rules),
        verdict_caps=dict(d["score"]["caps"]),
        messages=messages,
        measures=measures,
        words=words,
    )


def _resolve(value: float | str | None, data: dict[str, Any]) -> float | None:
    """A limit may name another value of the profile ("output.height") so each number lives once."""
    if not isinstance(value, str):
        return value
    node: Any = data
    for key in value.split("."):
        node = node[key]
    return float(node)


def profile_path(name: str) -> Path:
    return RULES_DIR / f"{name}.toml"
