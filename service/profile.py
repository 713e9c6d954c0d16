"""Rule profiles: every threshold the engine uses, read from `rules/<name>.toml`.

A profile may `extends` another and override any value, so a register with other limits is
a few lines of data. Messages shared by all profiles live in `rules/messages.toml`.

Profiles fail loudly: the TOML is validated against a strict schema (pydantic models below:
no unknown key anywhere, every value of its type) and every limit must name a measurement
the engine produces (`service/measure/names.py`) and reference values that exist. Anything
else is a `ProfileError` at load time naming the profile, the key path and what is allowed,
so a typo such as `pass_mx` can never silently turn a limit off.
"""

from __future__ import annotations

import difflib
import tomllib
import types
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    ValidationError,
    model_validator,
)
from pydantic_core import PydanticCustomError

from . import words
from .decode import FileLimits
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
    warn_only: bool = False  # outside `pass_*` it warns however far: the secretary decides (no fail_*)


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
    crops_to_try: int  # auto-fix: crops encoded and checked before it says "not fixable"


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
    child: bool = False  # the child variant (a lower eye line allowed), see `Profile.geometry_for`


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
    recheck_score: float  # a whole-frame candidate scoring this (under min_score) gets a closer look
    alone_max_rise: float  # the person outline may rise this many face heights walking outward from the head
    crown_range: tuple[float, float]
    turn_drift_ratio: float  # an unsure upright face gives way to a turned one whose mesh drifts this many times less


@dataclass(frozen=True)
class Profile:
    name: str
    title: str
    file_limits: FileLimits  # what the header must say before any pixel is decoded
    output: OutputSpec
    geometry: GeometrySpec  # for everyone but a child; see `geometry_for`
    child_geometry: GeometrySpec  # for a child up to `child_max_age` years, when the caller says so
    child_max_age: int
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

    def geometry_for(self, child: bool) -> GeometrySpec:
        """The crop geometry for this photo: the child one when the caller says the student is a child."""
        return self.child_geometry if child else self.geometry


class ProfileError(ValueError):
    """A profile file that does not follow the schema, or names what does not exist."""

    def __init__(self, profile: str, path: Path, problems: list[str]):
        self.profile, self.path, self.problems = profile, path, problems
        listed = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"profile {profile!r} ({path}) is invalid:\n{listed}")


# ---- the schema of a profile's TOML (after `extends` is merged) ---------------------------


class _Section(BaseModel):
    # strict: a number written as a string, or a float where a whole number belongs, is an error
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def _bound(value: Any) -> float | str:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise PydanticCustomError(
            "bound_type", 'a limit is a number or the dotted path of a number in the profile (e.g. "output.height")'
        )
    return value if isinstance(value, str) else float(value)


Bound = Annotated[float | str, PlainValidator(_bound)]
Positive = Annotated[float, Field(gt=0)]
PositiveInt = Annotated[int, Field(gt=0)]
Share = Annotated[float, Field(ge=0, le=1)]
Pair = Annotated[list[float], Field(min_length=2, max_length=2)]
Quality = Annotated[int, Field(ge=1, le=100)]


class _ProfileSection(_Section):
    title: str


class _FileSection(_Section):
    max_pixels: PositiveInt
    max_side: PositiveInt
    min_side: PositiveInt
    max_aspect: Annotated[float, Field(ge=1)]
    max_scans: PositiveInt
    max_zip_entry_bytes: PositiveInt
    max_zip_ratio: Annotated[float, Field(ge=1)]


class _OutputSection(_Section):
    width: PositiveInt
    height: PositiveInt
    dpi: PositiveInt
    max_bytes: PositiveInt
    quality_floor: Quality
    max_quality: Quality
    crops_to_try: Annotated[int, Field(ge=1, le=12)]


class _GeometrySection(_Section):
    aspect_width: Positive
    aspect_height: Positive
    head_min: Share
    head_max: Share
    head_target: Share
    top_margin_share: Share
    eye_line_min_mm: Positive
    eye_line_max_mm: Positive
    child_eye_line_min_mm: Positive
    child_max_age: Annotated[int, Field(ge=0)]
    roll_max: Annotated[float, Field(ge=0)]
    centre_tolerance: Share

    @model_validator(mode="after")
    def _ordered(self) -> _GeometrySection:
        if not self.head_min <= self.head_target <= self.head_max:
            raise ValueError("needs head_min <= head_target <= head_max")
        if not self.child_eye_line_min_mm <= self.eye_line_min_mm < self.eye_line_max_mm <= self.aspect_height:
            raise ValueError("needs child_eye_line_min_mm <= eye_line_min_mm < eye_line_max_mm <= aspect_height")
        return self


class _DetectionSection(_Section):
    tile_pixels: PositiveInt
    tile_fractions: Annotated[list[float], Field(min_length=1)]
    tile_overlap: Share
    min_score: Share
    min_face_fraction: Share
    nms_iou: Share
    roi_scale: Positive
    min_presence: Share
    min_redetect_score: Share
    sure_score: Share
    confirm_iou: Share
    eye_width_ratio: Pair
    alone_face_fraction: Share
    alone_max_other: Share
    alone_head_margin: Annotated[float, Field(ge=0)]
    recheck_score: Share
    alone_max_rise: Annotated[float, Field(ge=0)]
    crown_range: Pair
    turn_drift_ratio: Annotated[float, Field(ge=1)]


class _MeasureSection(_Section):
    scale_tolerance: Share
    expected_crop_share: Share
    person_threshold: Share
    person_margin: Share


class _Caps(_Section):
    reject: int
    review: int


class _ScoreSection(_Section):
    caps: _Caps


class _LimitModel(_Section):
    measure: str
    pass_min: Bound | None = None
    pass_max: Bound | None = None
    fail_min: Bound | None = None
    fail_max: Bound | None = None
    warn_only: bool = False

    @model_validator(mode="after")
    def _has_a_bound(self) -> _LimitModel:
        # the judge tests pass_* first; fail_* only says where the warning band ends
        if self.pass_min is None and self.pass_max is None:
            raise ValueError(f"limit on {self.measure!r} has no pass_min or pass_max: it would never fire")
        if self.warn_only and (self.fail_min is not None or self.fail_max is not None):
            raise ValueError(f"limit on {self.measure!r} is warn_only: it has no fail_min or fail_max")
        for side in ("min", "max"):
            if getattr(self, f"fail_{side}") is not None and getattr(self, f"pass_{side}") is None:
                raise ValueError(f"limit on {self.measure!r} has fail_{side} without pass_{side}: it would never fire")
        return self


class _RuleModel(_Section):
    weight: Annotated[float, Field(ge=0)]
    source: Annotated[str, Field(min_length=1)]
    limits: Annotated[list[_LimitModel], Field(min_length=1)]
    if_missing: Literal["skip", "warn", "fail"] = "skip"
    advisory: bool = False


class _ProfileModel(_Section):
    profile: _ProfileSection
    file: _FileSection
    output: _OutputSection
    geometry: _GeometrySection
    detection: _DetectionSection
    measure: _MeasureSection
    score: _ScoreSection
    rules: dict[str, _RuleModel]


_TOP_LEVEL_EXTRA = ("extends",)  # read (and removed) before the schema sees the merged data


# ---- loading ------------------------------------------------------------------------------


def available_profiles() -> list[str]:
    return sorted(p.stem for p in RULES_DIR.glob("*.toml") if p.stem != "messages")


@cache
def load_profile(name: str = DEFAULT_PROFILE) -> Profile:
    """Raises PhotoError(UNKNOWN_PROFILE) for a name with no file, ProfileError for an invalid file."""
    chain = _load_chain(name, seen=())
    texts = words.texts()  # rules/messages.toml, read once for every profile and output
    merged: dict[str, Any] = {}
    for i, (link, data) in enumerate(chain):  # each file is judged with what it extends, the root first
        merged = _merge(merged, data)
        model, problems = _validate(merged)
        if model is not None:
            rules, problems = _rules(model, merged, texts["messages"], texts["measures"])
        if problems:
            later = [n for n, _ in chain[i + 1 :]]
            if later:
                problems.append(f"(found while loading {', '.join(repr(n) for n in reversed(later))}, which extends it)")
            raise ProfileError(link, profile_path(link), problems)
    return _build(name, model, rules, texts["messages"], texts["measures"], texts["words"])


def _load_chain(name: str, seen: tuple[str, ...]) -> list[tuple[str, dict[str, Any]]]:
    """The profile and what it extends, the root first."""
    if not isinstance(name, str) or name in seen or name not in available_profiles():  # a name, never a path
        raise PhotoError(
            ErrorCode.UNKNOWN_PROFILE, f"Unknown profile {name!r}; available: {', '.join(available_profiles())}."
        )
    path = profile_path(name)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(name, path, [f"not valid TOML: {exc}"]) from None
    parent = data.pop("extends", None)
    if parent is None:
        return [(name, data)]
    if not isinstance(parent, str):
        raise ProfileError(name, path, [f"extends = {parent!r}: the name of another profile, as a string"])
    try:
        return [*_load_chain(parent, (*seen, name)), (name, data)]
    except PhotoError:
        raise ProfileError(
            name, path, [f"extends = {parent!r}: no such profile (or a loop); available: {', '.join(available_profiles())}"]
        ) from None


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        merged[key] = _merge(base[key], value) if isinstance(value, dict) and isinstance(base.get(key), dict) else value
    return merged


def _validate(data: dict[str, Any]) -> tuple[_ProfileModel | None, list[str]]:
    try:
        return _ProfileModel.model_validate(data), []
    except ValidationError as exc:
        return None, [_describe(error) for error in exc.errors()]


def _describe(error: dict[str, Any]) -> str:
    """One pydantic error as `key.path: what is wrong; what is allowed`."""
    loc = error["loc"]
    where = _key_path(loc)
    if error["type"] == "extra_forbidden":
        allowed = _allowed_keys(loc[:-1])
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        return f"{where}: unknown key{hint}; allowed here: {', '.join(allowed)}"
    if error["type"] == "missing":
        return f"{where}: missing (required)"
    message = error["msg"].removeprefix("Value error, ")
    value = error.get("input")
    shown = "" if isinstance(value, (dict, list)) else f" = {value!r}"
    return f"{where or '(top level)'}{shown}: {message}"


def _key_path(loc: tuple[Any, ...]) -> str:
    """A pydantic location written as in TOML: rules."face.pose".limits[0].pass_max."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            text = part if str(part).replace("_", "").isalnum() else f'"{part}"'
            out += f".{text}" if out else text
    return out


def _allowed_keys(loc: tuple[Any, ...]) -> list[str]:
    """The keys the schema allows at `loc` (a table of the profile)."""
    node: Any = _ProfileModel
    for part in loc:
        node = _unwrap(node)
        if isinstance(node, type) and issubclass(node, BaseModel):
            node = node.model_fields[part].annotation if part in node.model_fields else None
        elif get_origin(node) in (list, dict):
            node = get_args(node)[-1]
        else:
            return []
    node = _unwrap(node)
    if not (isinstance(node, type) and issubclass(node, BaseModel)):
        return []
    return sorted(node.model_fields) + (list(_TOP_LEVEL_EXTRA) if not loc else [])


def _unwrap(tp: Any) -> Any:
    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            tp = get_args(tp)[0]
        elif origin in (Union, types.UnionType):
            members = [a for a in get_args(tp) if a is not type(None)]
            if len(members) != 1:
                return tp
            tp = members[0]
        else:
            return tp


def _rules(
    model: _ProfileModel, data: dict[str, Any], messages: dict[str, Any], measures: dict[str, Any]
) -> tuple[tuple[Rule, ...], list[str]]:
    """The rules with their limits resolved, and what is wrong with them: a rule without
    texts, a measurement no code produces (or without a label), a reference that leads nowhere."""
    from .measure.names import (  # here, not at the top: service.measure imports this module
        ALL_MEASURES,
        CEILINGS,
    )

    problems: list[str] = []
    rules = []
    for rule_id, spec in model.rules.items():
        at = f"rules.{_key_path((rule_id,))}"
        if rule_id not in messages:
            problems.append(f"{at}: no [messages.{_key_path((rule_id,))}] texts in rules/messages.toml")
        limits = []
        for i, lim in enumerate(spec.limits):
            where = f"{at}.limits[{i}]"
            if lim.measure not in ALL_MEASURES:
                close = difflib.get_close_matches(lim.measure, ALL_MEASURES, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                problems.append(
                    f"{where}.measure = {lim.measure!r}: no code produces this measurement{hint}; "
                    f"known (service/measure/names.py): {', '.join(ALL_MEASURES)}"
                )
            elif lim.measure not in measures:
                problems.append(f"{where}.measure = {lim.measure!r}: no [measures] entry in rules/messages.toml")
            bounds = [
                _resolve(getattr(lim, key), data, f"{where}.{key}", problems)
                for key in ("pass_min", "pass_max", "fail_min", "fail_max")
            ]
            ceiling = CEILINGS.get(lim.measure)
            for key, bound in zip(("pass_min", "pass_max", "fail_min", "fail_max"), bounds):
                if ceiling is not None and isinstance(bound, (int, float)) and bound >= ceiling:
                    problems.append(
                        f"{where}.{key} = {bound}: {lim.measure} saturates at {ceiling} (it reads 'at least {ceiling}' "
                        "beyond it), so this limit could never be crossed"
                    )
            limits.append(Limit(lim.measure, *bounds, warn_only=lim.warn_only))
        rules.append(Rule(rule_id, spec.weight, tuple(limits), spec.if_missing, spec.source, spec.advisory))
    return tuple(rules), problems


def _build(
    name: str,
    model: _ProfileModel,
    rules: tuple[Rule, ...],
    messages: dict[str, Any],
    measures: dict[str, Any],
    words: dict[str, Any],
) -> Profile:
    geo, det, out = model.geometry, model.detection, model.output
    geometry = GeometrySpec(
        aspect=geo.aspect_width / geo.aspect_height,
        head_min=geo.head_min,
        head_max=geo.head_max,
        head_target=geo.head_target,
        top_margin_share=geo.top_margin_share,
        eye_line_min=geo.eye_line_min_mm / geo.aspect_height,
        eye_line_max=geo.eye_line_max_mm / geo.aspect_height,
        centre_tolerance=geo.centre_tolerance,
        roll_max=geo.roll_max,
    )
    return Profile(
        name=name,
        title=model.profile.title,
        file_limits=FileLimits(**model.file.model_dump()),
        output=OutputSpec(
            out.width, out.height, out.dpi, out.max_bytes, out.quality_floor, out.max_quality, out.crops_to_try
        ),
        geometry=geometry,
        child_geometry=replace(geometry, eye_line_min=geo.child_eye_line_min_mm / geo.aspect_height, child=True),
        child_max_age=geo.child_max_age,
        detection=DetectionSettings(
            tile_pixels=det.tile_pixels,
            tile_fractions=tuple(det.tile_fractions),
            tile_overlap=det.tile_overlap,
            min_score=det.min_score,
            min_face_fraction=det.min_face_fraction,
            nms_iou=det.nms_iou,
            roi_scale=det.roi_scale,
            min_presence=det.min_presence,
            min_redetect_score=det.min_redetect_score,
            sure_score=det.sure_score,
            confirm_iou=det.confirm_iou,
            eye_width_ratio=tuple(det.eye_width_ratio),
            alone_face_fraction=det.alone_face_fraction,
            alone_max_other=det.alone_max_other,
            alone_head_margin=det.alone_head_margin,
            recheck_score=det.recheck_score,
            alone_max_rise=det.alone_max_rise,
            crown_range=tuple(det.crown_range),
            turn_drift_ratio=det.turn_drift_ratio,
        ),
        measure_height=out.height,
        measure_scale_tolerance=model.measure.scale_tolerance,
        expected_crop_share=model.measure.expected_crop_share,
        person_threshold=model.measure.person_threshold,
        person_margin=model.measure.person_margin,
        rules=rules,
        verdict_caps=model.score.caps.model_dump(),
        messages=messages,
        measures=measures,
        words=words,
    )


def _resolve(value: float | str | None, data: dict[str, Any], where: str, problems: list[str]) -> float | None:
    """A limit may name another value of the profile ("output.height") so each number lives once.
    A path that does not exist, or does not hold a number, is a problem of the profile."""
    if not isinstance(value, str):
        return value
    node: Any = data
    for depth, key in enumerate(value.split(".")):
        if not isinstance(node, dict) or key not in node:
            at = ".".join(value.split(".")[:depth]) or "the top level"
            keys = ", ".join(sorted(node)) if isinstance(node, dict) else "none: it is a value"
            problems.append(f"{where} = {value!r}: no {key!r} in {at}; keys there: {keys}")
            return None
        node = node[key]
    if isinstance(node, bool) or not isinstance(node, (int, float)):
        what = "a table" if isinstance(node, dict) else repr(node)
        problems.append(f"{where} = {value!r}: refers to {what}, not a number")
        return None
    return float(node)


def profile_path(name: str) -> Path:
    return RULES_DIR / f"{name}.toml"
