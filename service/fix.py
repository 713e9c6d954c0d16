"""Auto-fix: turn a usable photo into the file the school exports, never into a worse one.

The plan (`service/fixplan.py`) says whether the photo can be fixed and which crops to try.
Each crop in turn: decode (at the largest DCT reduction that still has enough pixels) ->
level the eyes (when the plan does) -> cut -> resample to the output size -> encode to the
byte budget -> analyse the result with the same engine. The first crop whose photo breaks no
rule its source kept (`judge.broken_by_fix`) is written. When none does, nothing is written
and the reasons name the rules every crop broke.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from . import decode
from .crop import crop_transform, render
from .encode import Encoded, SizeTargetError, fit_to_size
from .fixplan import Cut, FixOptions, FixPlan, plan_fix
from .judge import broken_by_fix
from .present import message
from .pipeline import Analysis, Clock, analyse, report_for
from .profile import DEFAULT_PROFILE, Profile, load_profile
from .report import FixInfo, Reason, Report


@dataclass(frozen=True)
class FixResult:
    jpeg: bytes | None  # None when the photo cannot be fixed
    report: Report  # the fixed photo's report, or the source's when nothing was written (with `fix`)


def fix(
    data: bytes,
    profile: Profile | str = DEFAULT_PROFILE,
    max_kb: int | None = None,
    width: int | None = None,
    pad: bool = False,
    lang: str = "pl",
    file: str | None = None,
    upscale: bool = False,
    child: bool = False,
) -> FixResult:
    """Raises PhotoError when the bytes cannot be read at all, FixOptionError for an output
    below the profile's minimum. `child`: plan the crop (and check the result) with the
    profile's child geometry."""
    started = time.perf_counter()
    profile = load_profile(profile) if isinstance(profile, str) else profile
    options = FixOptions(max_kb, width, pad, upscale)
    options.validate(profile, lang)
    analysis = analyse(data, profile, child)
    return fix_analysis(analysis, report_for(analysis, lang, file), options, lang, file, started)


def fix_analysis(
    analysis: Analysis,
    source: Report,
    options: FixOptions | None = None,
    lang: str = "pl",
    file: str | None = None,
    started: float | None = None,
) -> FixResult:
    """Auto-fix from an analysis the caller already has (and its report), e.g. in a batch. The
    crop is planned with the analysis's geometry (the child one when it was analysed as a child)."""
    started = time.perf_counter() if started is None else started
    options = options or FixOptions()
    options.validate(analysis.profile, lang)
    plan = plan_fix(analysis, source.checks, options, lang)
    if not plan.fixable:
        return _not_fixed(source, list(plan.reasons), plan)

    profile = analysis.profile
    clock = Clock(started)
    clock.lap("source")  # the source analysis, when `fix` ran it; ~0 when the caller had it
    broken_each: list[list[str]] = []
    first: Report | None = None  # the first crop's report, for the hints when every crop breaks a rule
    decoded = analysis.decoded  # a finer decode, once made, serves every later crop
    for attempt, cut in enumerate(plan.cuts, 1):
        try:
            decoded = _fine_enough(analysis, decoded, plan.size[1] / cut.crop.height, clock)
            encoded = _encode(analysis, decoded, plan, cut, clock)
            decoded_scale = decoded.scale
        except SizeTargetError as exc:
            text = message(profile, "file.size", "high", lang, "file_bytes", exc.floor_bytes, exc.target)
            return _not_fixed(source, [Reason(id="file.size", message=text, detail=f"quality floor {exc.floor}")], plan)
        fixed = analyse(encoded.data, profile, analysis.child)
        clock.lap("verify")
        broken = broken_by_fix(analysis.values, fixed.values, profile)
        if not broken:
            return FixResult(encoded.data, _written(fixed, lang, file, plan, cut, encoded, decoded_scale, attempt, source,
                                                    analysis.faces.turn, started, clock))
        broken_each.append(broken)
        first = first or report_for(fixed, lang)

    # every crop broke something: name what the first one broke, with the fixed photo's own hint
    reasons = []
    for rule_id in broken_each[0]:
        check = first.check(rule_id) if first else None
        hint = check.message if check is not None else ""
        text = profile.words["fix_broke_rule"][lang].format(message=hint).strip()
        tried = sum(rule_id in broken for broken in broken_each)
        reasons.append(Reason(id=rule_id, message=text, detail=f"broken in {tried} of {len(broken_each)} crops tried"))
    return _not_fixed(source, reasons, plan, attempts=len(broken_each))


def _fine_enough(analysis: Analysis, decoded: decode.DecodedImage, k: float, clock: Clock) -> decode.DecodedImage:
    """`decoded`, or the photo decoded again when a crop needs more pixels per source pixel (`k`)."""
    if decoded.scale >= min(k, 1.0):
        return decoded
    finer = decode.decode_rgb(analysis.photo, math.ceil(analysis.photo.height * min(k, 1.0)))
    clock.lap("decode")
    return finer


def _encode(analysis: Analysis, decoded: decode.DecodedImage, plan: FixPlan, cut: Cut, clock: Clock) -> Encoded:
    """Cut, level, resample and encode one crop of the plan from `decoded`."""
    out_w, out_h = plan.size
    k = out_h / cut.crop.height
    matrix = crop_transform(cut.crop, cut.centre, cut.angle, k)
    pixels = render(decoded.rgb, decoded.scale, matrix, (out_w, out_h), plan.padding)
    clock.lap("render")
    output = analysis.profile.output
    encoded = fit_to_size(pixels, plan.target_bytes, output.quality_floor, output.max_quality, output.dpi)
    clock.lap("encode")
    return encoded


def _written(fixed: Analysis, lang, file, plan: FixPlan, cut: Cut, encoded: Encoded, decoded_scale: float,
             attempts: int, source: Report, turn: int, started: float, clock: Clock) -> Report:
    report = report_for(fixed, lang, file)
    out_w, out_h = plan.size
    k = out_h / cut.crop.height
    report.fix = FixInfo(
        written=True,
        width=out_w,
        height=out_h,
        bytes=len(encoded.data),
        target_bytes=plan.target_bytes,
        quality=encoded.quality,
        encodes=encoded.encodes,
        rotated_deg=round(cut.angle, 2),
        turned_deg=turn,
        attempts=attempts,
        padded=plan.padding is not None,
        upscaled=round(k, 3) if k > 1 else None,
        source_crop=source.crop.box if source.crop else None,
        decode_scale=decoded_scale,
        ms=round((time.perf_counter() - started) * 1000, 1),
        timings_ms=clock.laps,
    )
    return report


def _not_fixed(source: Report, reasons: list[Reason], plan: FixPlan, attempts: int = 0) -> FixResult:
    source.fix = FixInfo(written=False, reasons=reasons, target_bytes=plan.target_bytes, attempts=attempts)
    return FixResult(None, source)
