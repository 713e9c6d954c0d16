"""The `idphoto` command line. Other tools call it: keep the names, flags and exit codes stable.

    idphoto check FILE... [--profile NAME] [--child] [--lang pl|en] [--json]
    idphoto fix IN -o OUT [--profile NAME] [--child] [--max-kb N] [--width PX] [--pad] [--upscale] [--lang pl|en] [--json]
    idphoto serve [--host HOST] [--port PORT] [--workers N]
    idphoto batch SOURCE... --out DIR [--profile NAME] [--child] [--workers N] [--engine local|ray] [--ray-address ADDR] [--fix]

Exit codes: 0 every input was read (check) / a photo was written (fix); 2 an input was
unreadable (or a usage error, such as `fix --width` below the profile's minimum); 3 fix: the
photo cannot be fixed without making it worse or leaving a rule failed (the reasons are
printed; nothing is written).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from .errors import ErrorCode, PhotoError
from .fix import fix
from .fixplan import FixOptionError, FixOptions
from .profile import DEFAULT_PROFILE, ProfileError, available_profiles, load_profile
from .report import STATUS_RANK, ErrorInfo, Report

EXIT_OK, EXIT_UNREADABLE, EXIT_NOT_FIXABLE = 0, 2, 3
CHECK_TIMEOUT = 60.0  # seconds one photo may take in `check` (the service's default job timeout)
_MARK = {"pass": "✓", "info": "i", "warn": "!", "fail": "✗"}
_CHILD_HELP = (
    "the student is a child (e-legitymacja: under 11): the crop uses the profile's child geometry, "
    "whose eye line may sit lower (from 15 mm above the bottom edge)"
)


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("GLOG_minloglevel", "2")  # MediaPipe's C++ logging is not for our users
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        load_profile(args.profile)
    except PhotoError as exc:
        parser.error(exc.message)
    except ProfileError as exc:  # a broken rules file: say what is wrong, no traceback
        parser.error(str(exc))
    return args.command(args)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="idphoto", description="Check and fix photos for Polish school ID cards.")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    check_cmd = commands.add_parser("check", help="check photos and print a report for each")
    check_cmd.add_argument("files", nargs="+", metavar="FILE")
    _common(check_cmd)
    check_cmd.set_defaults(command=_check)

    fix_cmd = commands.add_parser("fix", help="crop, resample and compress a photo to the ID format")
    fix_cmd.add_argument("input", metavar="IN")
    fix_cmd.add_argument("-o", "--output", required=True, metavar="OUT", help="where to write the JPEG")
    fix_cmd.add_argument("--max-kb", type=_positive_int, help="byte budget in KB (default: the profile's limit)")
    fix_cmd.add_argument("--width", type=_positive_int, help="output width in px (default: the profile's)")
    fix_cmd.add_argument("--pad", action="store_true", help="pad with the background when the frame is too tight")
    fix_cmd.add_argument("--upscale", action="store_true", help="allow enlarging a face with too few pixels")
    _common(fix_cmd)
    fix_cmd.set_defaults(command=_fix)

    serve_cmd = commands.add_parser("serve", help="run the HTTP service (OpenAPI docs at /docs)")
    serve_cmd.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve_cmd.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    serve_cmd.add_argument(
        "--workers", type=_positive_int, default=None, help="engine worker processes (default: IDPHOTO_WORKERS or 1)"
    )
    serve_cmd.set_defaults(command=_serve, profile=DEFAULT_PROFILE)

    batch_cmd = commands.add_parser("batch", help="re-validate folders, zip archives or manifests of photos")
    batch_cmd.add_argument("sources", nargs="+", metavar="SOURCE", help="a folder, a .zip, or a .txt/.csv list of paths")
    batch_cmd.add_argument("--out", required=True, type=Path, metavar="DIR", help="where results and reports go")
    batch_cmd.add_argument("--profile", default=DEFAULT_PROFILE, help=f"rule profile ({', '.join(available_profiles())})")
    batch_cmd.add_argument("--lang", choices=("pl", "en"), default="pl", help="language of the hints (default pl)")
    batch_cmd.add_argument("--child", action="store_true", help=_CHILD_HELP + " for every photo of the batch")
    batch_cmd.add_argument("--workers", type=_positive_int, default=os.cpu_count() or 1, help="parallel workers (default: all cores)")
    batch_cmd.add_argument("--engine", choices=("local", "ray"), default="local", help="local processes or a Ray cluster")
    batch_cmd.add_argument("--ray-address", help="Ray cluster address (default: start Ray locally)")
    batch_cmd.add_argument("--fix", action="store_true", help="also write fixed photos to DIR/fixed/")
    batch_cmd.add_argument("--timeout", type=float, default=60.0, help="seconds one photo may take (default 60)")
    batch_cmd.set_defaults(command=_batch)
    return parser


def _batch(args: argparse.Namespace) -> int:
    from .batch import SettingsMismatch, run_batch
    from .batch.sources import SourceError

    if args.engine == "ray":
        import importlib.util

        if importlib.util.find_spec("ray") is None:
            print("The Ray engine needs Ray: pip install 'idphoto[ray]'", file=sys.stderr)
            return EXIT_UNREADABLE
    try:
        summary = run_batch(
            args.sources, args.out, args.profile, args.lang, args.workers, args.engine, args.ray_address, args.fix,
            args.timeout, child=args.child,
        )
    except (SourceError, SettingsMismatch) as exc:
        print(f"idphoto batch: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    except KeyboardInterrupt:
        print(f"\ninterrupted: {args.out}/results.jsonl holds every photo finished so far; run again to go on", file=sys.stderr)
        return 130
    run = summary["last_run"]
    counts = ", ".join(f"{k} {v}" for k, v in summary["by_verdict"].items())
    print(f"{summary['photos']} photos: {counts}")
    print(f"this run: {run['processed']} processed in {run['seconds']} s ({run['photos_per_second']} photos/s), "
          f"{run['skipped_as_done']} already done")
    if args.fix:
        fixed = summary["fixed"]
        written = ", ".join(f"{k} {v}" for k, v in fixed["written_by_verdict"].items())
        not_fixed = ", ".join(f"{k} {v}" for k, v in fixed["not_fixed_by_rule"].items()) or "none"
        print(f"fixed/: {written} (each keeps every rule its source passed); not fixed, by rule: {not_fixed}")
    print(f"results: {args.out / 'results.csv'}, {args.out / 'report.html'}")
    return EXIT_OK


def _serve(args: argparse.Namespace) -> int:
    import resource

    import uvicorn

    from .api import Settings, create_app
    from .api.logs import configure

    configure()
    settings = Settings()
    if args.workers:
        settings.workers = args.workers
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)  # room for the connection limit's sockets
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard if hard != resource.RLIM_INFINITY else max(soft, 65536), hard))
    uvicorn.run(
        create_app(settings),
        host=args.host,
        port=args.port,
        access_log=False,
        log_config=None,
        limit_concurrency=settings.max_connections,  # beyond it: 503 at once, the others keep being served
        timeout_keep_alive=settings.keep_alive_seconds,  # idle keep-alive connections are closed
        backlog=settings.max_connections,
    )
    return EXIT_OK


def _positive_int(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be a positive whole number")
    return value


def _common(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("--profile", default=DEFAULT_PROFILE, help=f"rule profile ({', '.join(available_profiles())})")
    cmd.add_argument("--child", action="store_true", help=_CHILD_HELP)
    cmd.add_argument("--lang", choices=("pl", "en"), default="pl", help="language of the messages (default pl)")
    cmd.add_argument("--json", action="store_true", help="print one JSON object per input, one per line")


def _check(args: argparse.Namespace) -> int:
    """Each photo is checked in an engine worker process, as in the service and batch: a photo
    that crashes or hangs the engine becomes a typed error for that photo (the worker is
    replaced), and the other photos are still reported."""
    import asyncio

    from .workers import EnginePool, JobFailed

    async def run() -> int:
        exit_code = EXIT_OK
        pool = EnginePool(1, max_waiting=0, job_timeout=CHECK_TIMEOUT)
        await pool.start()
        try:
            for name in args.files:
                data, report = _read(name, args.profile, args.lang)
                if report is None:
                    try:
                        _, payload = await pool.run(_check_job(data, name, args))
                        report = Report.model_validate(payload)
                    except JobFailed as exc:
                        report = Report(file=name, profile=args.profile, lang=args.lang,
                                        error=ErrorInfo(code=exc.code, message=exc.message))
                if report.error is not None:
                    exit_code = EXIT_UNREADABLE
                print(to_json_line(report) if args.json else summary(report), flush=True)
        finally:
            await pool.stop()
        return exit_code

    return asyncio.run(run())


def _check_job(data: bytes, name: str, args: argparse.Namespace):
    from .workers import Job

    return Job("check", {"data": data, "profile": args.profile, "lang": args.lang, "file": name, "child": args.child})


def _fix(args: argparse.Namespace) -> int:
    try:  # an output the school would refuse is not written, and the photo is not even read
        FixOptions(args.max_kb, args.width, args.pad, args.upscale).validate(load_profile(args.profile), args.lang)
    except FixOptionError as exc:
        print(f"idphoto fix: {exc.message}", file=sys.stderr)
        return EXIT_UNREADABLE
    data, report = _read(args.input, args.profile, args.lang)
    if report is None:
        try:
            result = fix(
                data, args.profile, args.max_kb, args.width, args.pad, args.lang, args.input, args.upscale, args.child
            )
        except PhotoError as exc:
            error = ErrorInfo(code=exc.code, message=exc.message)
            report = Report(file=args.input, profile=args.profile, lang=args.lang, error=error)
        else:
            report = result.report
            if result.jpeg is not None:
                Path(args.output).write_bytes(result.jpeg)
                report.file = args.output
    print(to_json_line(report) if args.json else summary(report), flush=True)
    if report.error is not None:
        return EXIT_UNREADABLE
    return EXIT_OK if report.fix and report.fix.written else EXIT_NOT_FIXABLE


def _read(name: str, profile: str, lang: str) -> tuple[bytes, Report | None]:
    """The file's bytes, or a report with the error when it cannot be read."""
    try:
        return Path(name).read_bytes(), None
    except OSError as exc:
        error = ErrorInfo(code=ErrorCode.UNREADABLE_FILE, message=f"Cannot read the file: {exc.strerror}.")
        return b"", Report(file=name, profile=profile, lang=lang, error=error)


def to_json_line(report: Report) -> str:
    return json.dumps(report.model_dump(mode="json"), ensure_ascii=False)


def summary(report: Report) -> str:
    """A readable block in the report's language: verdict and score, the main problem, then
    every check, problems first (the words from rules/messages.toml)."""
    profile = load_profile(report.profile)
    lang, texts = report.lang, profile.cli_texts
    if report.error is not None:
        return f"{report.file}: " + texts["error"][lang].format(code=report.error.code, message=report.error.message)
    verdict = profile.verdict_words[report.verdict][lang].upper()
    lines = [f"{report.file}: " + texts["score"][lang].format(verdict=verdict, score=report.score)]
    if report.main_problem is not None:
        lines.append(f"  → {report.main_problem.title}: {report.main_problem.message}")
    if report.fix is not None:
        lines.insert(0, _fix_line(report, profile))
    for c in sorted(report.checks, key=lambda c: -STATUS_RANK[c.status]):
        lines.append(f"  {_MARK[c.status]} {c.title:<24} {c.message}")
    if report.skipped:
        titles = ", ".join(report.skipped_titles or report.skipped)
        lines.append("  - " + texts["not_checked"][lang].format(rules=titles))
    return "\n".join(lines)


def _fix_line(report: Report, profile) -> str:
    info, lang, texts = report.fix, report.lang, profile.cli_texts
    if not info.written:
        reasons = "; ".join(f"{profile.messages[r.id]['title'][lang]}: {r.message}" for r in info.reasons)
        return texts["not_fixed"][lang].format(reasons=reasons)
    line = texts["written"][lang].format(
        width=info.width, height=info.height, kb=f"{info.bytes / 1024:.0f}", budget=f"{info.target_bytes / 1024:.0f}",
        quality=info.quality, attempt=info.attempts, angle=info.rotated_deg,
    )
    return line + (texts["padded"][lang] if info.padded else "") + (
        texts["upscaled"][lang].format(factor=info.upscaled) if info.upscaled else ""
    )


if __name__ == "__main__":
    sys.exit(main())
