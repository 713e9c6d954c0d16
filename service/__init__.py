"""idphoto: check, crop and compress portrait photos for Polish school ID cards.

    from service import check
    report = check(open("photo.jpg", "rb").read(), profile="e-legitymacja", lang="en")
"""

from .errors import ErrorCode, PhotoError
from .pipeline import Analysis, analyse, check, report_for
from .profile import DEFAULT_PROFILE, available_profiles, load_profile
from .report import Report

__all__ = [
    "Analysis",
    "DEFAULT_PROFILE",
    "ErrorCode",
    "PhotoError",
    "Report",
    "analyse",
    "available_profiles",
    "check",
    "load_profile",
    "report_for",
]
