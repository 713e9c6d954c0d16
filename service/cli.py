"""The `idphoto` command line. Other tools call it: keep the names, flags and exit codes stable.

    idphoto check FILE... [--profile NAME] [--lang pl|en] [--json]

Exit codes: 0 every input was read; 2 any input was unreadable (or a usage error).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from .errors import ErrorCode, PhotoError
from .pipeline import check
from .profile import DEFAULT_PROFILE, available_profiles, load_profile
from .report import ErrorInfo, Report

EXIT_OK, EXIT_UNREADABLE = 0, 2
_MARK = {"pass": "✓", "warn": "!", "fail": "✗"}


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("GLOG_minloglevel", "2")  # MediaPipe's C++ logging is not for our users
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        load_profile(args.profile)
    except PhotoError as exc:
        parser.error(exc.message)
    return args.command(args)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="idphoto", description="Check and fix photos for Polish school ID cards.")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    check_cmd = commands.add_parser("check", help="check photos and print a report for each")
    check_cmd.add_argument("files", nargs="+", metavar="FILE")
    _common(check_cmd)
    check_cmd.set_defaults(command=_check)
    return parser


def _common(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("--profile", default=DEFAULT_PROFILE, help=f"rule profile ({', '.join(available_profiles())})")
    cmd.add_argument("--lang", choices=("pl", "en"), default="pl", help="language of the messages (default pl)")
    cmd.add_argument("--json", action="store_true", help="print one JSON object per input, one per line")


def _check(args: argparse.Namespace) -> int:
    exit_code = EXIT_OK
    for name in args.files:
        report = _check_file(name, args.profile, args.lang)
        if report.error is not None:
            exit_code = EXIT_UNREADABLE
        print(to_json_line(report) if args.json else summary(report), flush=True)
    return exit_code


def _check_file(name: str, profile: str, lang: str) -> Report:
    try:
        data = Path(name).read_bytes()
    except OSError as exc:
        error = ErrorInfo(code=ErrorCode.UNREADABLE_FILE, message=f"Cannot read the file: {exc.strerror}.")
        return Report(file=name, profile=profile, lang=lang, error=error)
    return check(data, profile=profile, lang=lang, file=name)


def to_json_line(report: Report) -> str:
    return json.dumps(report.model_dump(mode="json"), ensure_ascii=False)


def summary(report: Report) -> str:
    """A readable block: verdict and score, then every check, problems first."""
    if report.error is not None:
        return f"{report.file}: ERROR {report.error.code}: {report.error.message}"
    lines = [f"{report.file}: {report.verdict.upper()} (score {report.score}/100)"]
    order = {"fail": 0, "warn": 1, "pass": 2}
    for c in sorted(report.checks, key=lambda c: order[c.status]):
        lines.append(f"  {_MARK[c.status]} {c.id:<20} {c.message}")
    if report.skipped:
        lines.append(f"  - not checked: {', '.join(report.skipped)}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
