"""What a batch worker does with one photo. Both engines (local processes and Ray actors) call
this same function, so they give identical results."""

from __future__ import annotations

import io

import cv2
from PIL import Image

from ..errors import PhotoError
from ..fix import fix_analysis
from ..pipeline import analyse, check, report_for

THUMB_HEIGHT = 96


def process_photo(data: bytes, profile: str, lang: str, fix: bool, child: bool = False) -> dict:
    """The photo's report (and, with `fix`, the fixed JPEG and what was done), plus a small
    thumbnail for the HTML report. Unreadable photos give a report with `error`. `child`: the
    crop (and the fix) use the profile's child geometry."""
    try:
        analysis = analyse(data, profile, child)
    except PhotoError:
        report = check(data, profile, lang, child=child)
        return {"report": report.model_dump(mode="json"), "fixed": None, "fix": None, "thumb": None}
    report = report_for(analysis, lang)
    out = {"report": report.model_dump(mode="json"), "fixed": None, "fix": None, "thumb": _thumbnail(analysis)}
    if fix:
        result = fix_analysis(analysis, report, lang=lang)
        out["fixed"] = result.jpeg
        out["fix"] = result.report.fix.model_dump(mode="json")
        out["fixed_report"] = result.report.model_dump(mode="json") if result.jpeg is not None else None
    return out


def _thumbnail(analysis) -> bytes:
    rgb = analysis.decoded.rgb
    scale = THUMB_HEIGHT / rgb.shape[0]
    small = cv2.resize(rgb, (max(round(rgb.shape[1] * scale), 1), THUMB_HEIGHT), interpolation=cv2.INTER_AREA)
    buffer = io.BytesIO()
    Image.fromarray(small).save(buffer, "JPEG", quality=70)
    return buffer.getvalue()
