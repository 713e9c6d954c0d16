"""The `idphoto` command line. Other tools call it: keep the names, flags and exit codes stable.

    idphoto check FILE... [--profile NAME] [--child] [--lang pl|en] [--json]
    idphoto fix IN -o OUT [--profile NAME] [--child] [--max-kb N] [--width PX] [--pad] [--upscale] [--lang pl|en] [--json]
    idphoto serve [--host HOST] [--port PORT] [--workers N] [--lang pl|en]
    idphoto batch SOURCE... --out DIR [--profile NAME] [--child] [--workers N] [--engine local|ray] [--ray-address ADDR] [--fix]
    idphoto export PHOTOS_DIR --students LIST.csv --out DIR [--pattern P] [--ascii] [--replace] [--profile NAME] [--child] [--lang pl|en]
    idphoto --version

Exit codes: 0 every input was read (check) / a photo was written (fix) / every student exported
(export); 1 export: some students have no photo (missing.csv says why); 2 an input was
unreadable, or a usage error (a bad option, port or output path, `fix --width` below the
profile's minimum, a bad student list or name pattern, a port in use); 3 fix: the photo cannot
be fixed without making it worse or leaving a rule failed (the reasons are printed; nothing is
written); 130 interrupted. Every message line is one line, in --lang, without a traceback.
"""

from __future__ import annotations

import argparse
import errno
import json
import os
import socket
import sys
import tempfile
from pathlib import Path

from .errors import ErrorCode, PhotoError, describe
from .fix import fix
from .fixplan import FixOptionError, FixOptions
from .profile import DEFAULT_PROFILE, ProfileError, available_profiles, load_profile
from .report import STATUS_RANK, ErrorInfo, Report
from .words import say

EXIT_OK, EXIT_MISSING, EXIT_UNREADABLE, EXIT_NOT_FIXABLE, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
EXIT_NOT_STARTED = 1  # serve: the service failed to start
CHECK_TIMEOUT = 60.0  # seconds one photo may take in `check` (the service's default job timeout)
_MARK = {"pass": "✓", "info": "i", "warn": "!", "fail": "✗"}
_CHILD_HELP = (
    "the student is a child (e-legitymacja: under 11): the crop uses the profile's child geometry, "
    "whose eye line may sit lower (from 15 mm above the bottom edge)"
)


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("GLOG_minloglevel", "2")  # MediaPipe's C++ logging is not for our users
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = _parser(_lang_of(argv))
    args = parser.parse_args(argv)
    try:
        load_profile(args.profile)
    except PhotoError as exc:
        parser.error(exc.message)
    except ProfileError as exc:  # a broken rules file: say what is wrong, no traceback
        parser.error(str(exc))
    return args.command(args)


def _lang_of(argv: list[str]) -> str:
    """--lang, read before parsing, so the option checks themselves speak it."""
    for i, arg in enumerate(argv):
        if arg.startswith("--lang="):
            value = arg.removeprefix("--lang=")
        elif arg == "--lang" and i + 1 < len(argv):
            value = argv[i + 1]
        else:
            continue
        if value in ("pl", "en"):
            return value
    return "pl"


def _epilog(examples: str, codes: dict[int, str], notes: str = "") -> str:
    """Examples and exit codes for a command's --help (developer-facing: English)."""
    lines = ["examples:", examples, *(["", notes] if notes else []), "", "exit codes:"]
    lines += [f"  {code:<4} {text}" for code, text in sorted({**codes, EXIT_INTERRUPTED: "interrupted (Ctrl+C)"}.items())]
    return "\n".join(lines)


class _Parser(argparse.ArgumentParser):
    """argparse, with a usage error as one line (and where to find help), exit code 2."""

    def error(self, message: str):
        self.exit(EXIT_UNREADABLE, f"{self.prog}: {message} ({self.prog} --help)\n")


def _parser(lang: str = "pl") -> argparse.ArgumentParser:
    parser = _Parser(prog="idphoto", description="Check and fix photos for Polish school ID cards.")
    parser.add_argument("--version", action="version", version=f"idphoto {_version()}")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")
    positive, seconds = _positive_int(lang), _positive_seconds(lang)

    def command(name: str, summary: str, epilog: str) -> argparse.ArgumentParser:
        return commands.add_parser(
            name, help=summary, description=summary[0].upper() + summary[1:] + ".", epilog=epilog,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )

    check_cmd = command("check", "check photos and print a report for each", _epilog(
        "  idphoto check photo.jpg\n  idphoto check class-1a/*.jpg --lang en\n  idphoto check photo.jpg --json | jq .verdict",
        {0: "every file was read (whatever the verdicts)", 2: "a file was unreadable (its report has `error`), or a bad option"},
    ))
    check_cmd.add_argument("files", nargs="+", metavar="FILE")
    _common(check_cmd)
    check_cmd.set_defaults(command=_check)

    fix_cmd = command("fix", "crop, resample and compress a photo to the ID format", _epilog(
        "  idphoto fix phone.jpg -o card.jpg\n  idphoto fix scan.png -o card.jpg --max-kb 60 --lang en\n"
        "  idphoto fix kid.jpg -o kid-card.jpg --child --json",
        {
            0: "the photo was written (it keeps every rule its source passed)",
            2: "the photo was unreadable, or a bad option or OUT (in a folder that does not exist, a folder, not writable)",
            3: "the photo cannot be fixed without making it worse (the reasons are printed; nothing is written)",
        },
    ))
    fix_cmd.add_argument("input", metavar="IN")
    fix_cmd.add_argument("-o", "--output", required=True, type=Path, metavar="OUT", help="where to write the JPEG")
    fix_cmd.add_argument("--max-kb", type=positive, help="byte budget in KB (default: the profile's limit)")
    fix_cmd.add_argument("--width", type=positive, help="output width in px (default: the profile's)")
    fix_cmd.add_argument("--pad", action="store_true", help="pad with the background when the frame is too tight")
    fix_cmd.add_argument("--upscale", action="store_true", help="allow enlarging a face with too few pixels")
    _common(fix_cmd)
    fix_cmd.set_defaults(command=_fix)

    serve_cmd = command("serve", "run the HTTP service: the review page at / and the OpenAPI docs at /docs", _epilog(
        "  idphoto serve                      # http://127.0.0.1:8000/\n"
        "  idphoto serve --port 8080 --workers 2\n"
        "  idphoto serve --host 0.0.0.0       # reachable from other computers",
        {
            0: "stopped with Ctrl+C",
            1: "the service failed to start (the log line says why)",
            2: "a bad option, the port already in use or not allowed, or an address this computer does not have",
        },
    ))
    serve_cmd.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve_cmd.add_argument("--port", type=_port(lang), default=8000, help="port, 1-65535 (default 8000)")
    serve_cmd.add_argument(
        "--workers", type=positive, default=None, help="engine worker processes (default: IDPHOTO_WORKERS or 1)"
    )
    serve_cmd.add_argument("--lang", choices=("pl", "en"), default="pl", help="language of the console lines (default pl)")
    serve_cmd.set_defaults(command=_serve, profile=DEFAULT_PROFILE)

    batch_cmd = command("batch", "re-validate folders, zip archives or manifests of photos", _epilog(
        "  idphoto batch legacy/ --out results/\n  idphoto batch photos.zip more/ --out results/ --fix --workers 4\n"
        "  idphoto batch list.txt --out results/ --lang en   # a manifest: one path per line",
        {
            0: "the batch ran (every photo has a result in DIR, whatever its verdict)",
            2: "a bad SOURCE, DIR a file or not writable, or DIR holds results made with other settings",
        },
    ))
    batch_cmd.add_argument("sources", nargs="+", metavar="SOURCE", help="a folder, a .zip, or a .txt/.csv list of paths")
    batch_cmd.add_argument("--out", required=True, type=Path, metavar="DIR", help="where results and reports go")
    batch_cmd.add_argument("--profile", default=DEFAULT_PROFILE, help=f"rule profile ({', '.join(available_profiles())})")
    batch_cmd.add_argument("--lang", choices=("pl", "en"), default="pl", help="language of the hints (default pl)")
    batch_cmd.add_argument("--child", action="store_true", help=_CHILD_HELP + " for every photo of the batch")
    batch_cmd.add_argument("--workers", type=positive, default=os.cpu_count() or 1, help="parallel workers (default: all cores)")
    batch_cmd.add_argument("--engine", choices=("local", "ray"), default="local", help="local processes or a Ray cluster")
    batch_cmd.add_argument("--ray-address", help="Ray cluster address (default: start Ray locally)")
    batch_cmd.add_argument("--fix", action="store_true", help="also write fixed photos to DIR/fixed/")
    batch_cmd.add_argument("--timeout", type=seconds, default=60.0, help="seconds one photo may take (default 60)")
    batch_cmd.set_defaults(command=_batch)

    from .export import DEFAULT_PATTERN
    from .export.students import ENCODINGS

    export_cmd = command(
        "export", "write the accepted, fixed photos named per student for the card printer, and who is missing and why",
        _epilog(
            "  idphoto export photos/ --students list.csv --out printer/\n"
            "  idphoto export photos/ --students list.csv --out printer/ --pattern \"{student_id}.jpg\" --ascii\n"
            "  idphoto export photos/ --students missing.csv --out printer-2/   # missing.csv is a valid list\n"
            "  idphoto export photos/ --students list.csv --out printer/ --replace   # redo an earlier export",
            {
                0: "every student on the list was exported",
                1: "some students have no photo: DIR/missing.csv says who and why",
                2: "a bad option, student list, name pattern or output folder, or DIR could not be written",
            },
            "The list: CSV (UTF-8 with or without BOM, or Windows-1250; ';', ',' or tabs) with the columns\n"
            "file/plik, student_id/identyfikator, name/imię i nazwisko (or imię + nazwisko), class/klasa.\n"
            "Only a photo whose fixed version our own check accepts is written. DIR gets the photos,\n"
            "missing.csv and exported.csv (UTF-8 with a BOM, ';' between fields: Polish Excel opens them).",
        ),
    )
    export_cmd.add_argument("photos", type=Path, metavar="PHOTOS_DIR", help="the folder the list's file names are relative to")
    export_cmd.add_argument("--students", required=True, type=Path, metavar="LIST.csv", help="the student list")
    export_cmd.add_argument("--out", required=True, type=Path, metavar="DIR", help="a new or empty folder for the printer's photos")
    export_cmd.add_argument("--pattern", default=DEFAULT_PATTERN,
                            help=f"file name pattern: {{name}} {{class}} {{student_id}} {{file_stem}}, ending in .jpg (default {DEFAULT_PATTERN.replace('%', '%%')})")
    export_cmd.add_argument("--ascii", action="store_true", help="plain ASCII letters in file names (ą -> a, ł -> l)")
    export_cmd.add_argument("--replace", action="store_true", help="DIR may hold an earlier idphoto export: replace it (nothing else is deleted)")
    export_cmd.add_argument("--list-encoding", choices=ENCODINGS, default="auto",
                            help="how the list is encoded (default auto: UTF-8, else Windows-1250, which is then said)")
    export_cmd.add_argument("--profile", default=DEFAULT_PROFILE, help=f"rule profile ({', '.join(available_profiles())})")
    export_cmd.add_argument("--lang", choices=("pl", "en"), default="pl", help="language of the CSVs and messages (default pl)")
    export_cmd.add_argument("--child", action="store_true", help=_CHILD_HELP + " for every student of the list")
    export_cmd.add_argument("--workers", type=positive, default=os.cpu_count() or 1, help="parallel workers (default: all cores)")
    export_cmd.add_argument("--timeout", type=seconds, default=60.0, help="seconds one photo may take (default 60)")
    export_cmd.set_defaults(command=_export)
    return parser


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("idphoto")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "(not installed)"


def _fail(command: str, text: str) -> None:
    print(f"idphoto {command}: {text}", file=sys.stderr, flush=True)


def _export(args: argparse.Namespace) -> int:
    from .export import ExportError, ExportOptions, run_export, summary_lines

    lang = args.lang
    options = ExportOptions(
        args.pattern, args.profile, lang, args.child, args.workers, args.timeout, args.ascii, args.replace,
        args.list_encoding,
    )
    try:
        result = run_export(args.photos, args.students, args.out, options)
    except ExportError as exc:
        _fail("export", exc.text(lang))
        return EXIT_UNREADABLE
    except KeyboardInterrupt:
        _fail("export", say("export", "interrupted", lang, path=args.out))
        return EXIT_INTERRUPTED
    except OSError as exc:  # the disk failed while writing (full, removed, read-only)
        _fail("export", _cannot_write(exc, args.out, lang))
        return EXIT_UNREADABLE
    for line in summary_lines(result, lang):
        print(line)
    return EXIT_OK if result.missing == 0 else EXIT_MISSING


def _batch(args: argparse.Namespace) -> int:
    from .batch import SettingsMismatch, run_batch
    from .batch.sources import SourceError

    lang = args.lang
    if args.engine == "ray":
        import importlib.util

        if importlib.util.find_spec("ray") is None:
            _fail("batch", say("cli", "ray_missing", lang))
            return EXIT_UNREADABLE
    if args.out.exists() and not args.out.is_dir():
        _fail("batch", say("cli", "is_file", lang, path=args.out))
        return EXIT_UNREADABLE
    try:
        summary = run_batch(
            args.sources, args.out, args.profile, args.lang, args.workers, args.engine, args.ray_address, args.fix,
            args.timeout, child=args.child,
        )
    except (SourceError, SettingsMismatch) as exc:
        _fail("batch", str(exc))
        return EXIT_UNREADABLE
    except KeyboardInterrupt:
        print(file=sys.stderr)
        _fail("batch", say("cli", "interrupted", lang, path=args.out / "results.jsonl"))
        return EXIT_INTERRUPTED
    except OSError as exc:  # DIR cannot be made or written
        _fail("batch", _cannot_write(exc, args.out, lang))
        return EXIT_UNREADABLE
    for line in _batch_lines(summary, args, load_profile(args.profile)):
        print(line)
    return EXIT_OK


def _batch_lines(summary: dict, args: argparse.Namespace, profile) -> list[str]:
    lang, run = args.lang, summary["last_run"]
    words = {v: say("verdicts", v, lang) for v in ("reject", "review", "accept")}
    words |= {"error": say("batch_report", "unreadable", lang), "duplicate": say("batch_report", "duplicates", lang)}  # as report.html says
    counts = ", ".join(f"{words.get(k, k)} {v}" for k, v in summary["by_verdict"].items())
    rate = run["photos_per_second"] if run["photos_per_second"] is not None else "—"
    lines = [
        say("cli", "batch_photos", lang, count=summary["photos"], counts=counts),
        say("cli", "batch_run", lang, processed=run["processed"], seconds=_number(run["seconds"], lang),
            rate=_number(rate, lang), skipped=run["skipped_as_done"]),
    ]
    if args.fix:
        fixed = summary["fixed"]
        written = ", ".join(f"{words[k]} {v}" for k, v in fixed["written_by_verdict"].items())
        titles = profile.messages
        not_fixed = ", ".join(
            f"{titles[k]['title'][lang] if k in titles else k} {v}" for k, v in fixed["not_fixed_by_rule"].items()
        ) or say("cli", "none", lang)
        lines.append(say("cli", "batch_fixed", lang, written=written, not_fixed=not_fixed))
    lines.append(say("cli", "batch_results", lang, csv=args.out / "results.csv", html=args.out / "report.html"))
    return lines


def _number(value, lang: str) -> str:
    """A decimal in the language's way: 12,5 in Polish."""
    return str(value).replace(".", ",") if lang == "pl" else str(value)


def _serve(args: argparse.Namespace) -> int:
    import resource

    import uvicorn

    from .api import Settings, create_app
    from .api.logs import configure
    from .api.settings import SettingsError

    lang = args.lang
    listener = _listen(args.host, args.port, lang)  # bound first: a port in use is one line, before any work
    if isinstance(listener, str):
        _fail("serve", listener)
        return EXIT_UNREADABLE
    configure()
    try:
        settings = Settings()
    except SettingsError as exc:  # an IDPHOTO_* variable the service cannot run with: one line, no traceback
        listener.close()
        _fail("serve", say("cli", "bad_setting", lang, problem=" ".join(str(exc).split())))
        return EXIT_UNREADABLE
    if args.workers:
        settings.workers = args.workers
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)  # room for the connection limit's sockets
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard if hard != resource.RLIM_INFINITY else max(soft, 65536), hard))
    config = uvicorn.Config(
        create_app(settings),
        host=args.host,
        port=args.port,
        access_log=False,
        log_config=None,
        limit_concurrency=settings.max_connections,  # beyond it: 503 at once, the others keep being served
        timeout_keep_alive=settings.keep_alive_seconds,  # idle keep-alive connections are closed
        backlog=settings.max_connections,
    )
    shown = args.host
    if args.host in ("0.0.0.0", "::", ""):
        print(say("cli", "all_interfaces", lang, host=args.host or "*"))
        shown = "127.0.0.1" if args.host != "::" else "::1"
    base = f"http://{f'[{shown}]' if ':' in shown else shown}:{args.port}"
    print(say("cli", "serving", lang, page=f"{base}/", docs=f"{base}/docs"), flush=True)
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[listener])
    except KeyboardInterrupt:
        pass
    finally:
        listener.close()
    return EXIT_OK if server.started else EXIT_NOT_STARTED


def _listen(host: str, port: int, lang: str) -> socket.socket | str:
    """A socket bound to host:port (uvicorn listens on it), or the one-line reason it cannot be."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
    except socket.gaierror as exc:
        names = {getattr(socket, n): n for n in dir(socket) if n.startswith("EAI_")}
        return say("cli", "bad_host", lang, host=host, code=names.get(exc.errno, exc.errno))
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does: a restart need not wait for TIME_WAIT
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        if exc.errno == errno.EADDRINUSE:
            return say("cli", "port_in_use", lang, host=host, port=port)
        if exc.errno in (errno.EACCES, errno.EPERM):
            return say("cli", "port_denied", lang, host=host, port=port)
        return say("cli", "bad_host", lang, host=host, code=errno.errorcode.get(exc.errno or 0, exc.errno))
    return sock


def _positive_int(lang: str = "pl"):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = 0
        if value <= 0:
            raise argparse.ArgumentTypeError(say("cli", "not_positive", lang))
        return value

    return parse


def _positive_seconds(lang: str = "pl"):
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = 0.0
        if not 0 < value < float("inf"):
            raise argparse.ArgumentTypeError(say("cli", "not_positive_seconds", lang))
        return value

    return parse


def _port(lang: str = "pl"):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = 0
        if not 1 <= value <= 65535:
            raise argparse.ArgumentTypeError(say("cli", "bad_port", lang))
        return value

    return parse


def _cannot_write(exc: OSError, fallback: Path, lang: str) -> str:
    path = exc.filename or fallback
    return say("cli", "cannot_write", lang, path=path, code=errno.errorcode.get(exc.errno or 0, type(exc).__name__))


def _output_problem(path: Path, lang: str) -> str | None:
    """Why `fix` could not write OUT, found before the photo is read: OUT a folder, in a folder
    that does not exist, or where nothing may be written (probed with a temporary file)."""
    if path.is_dir():
        return say("cli", "is_folder", lang, path=path, example=path / "photo.jpg")
    folder = path.parent
    if not folder.is_dir():
        return say("cli", "no_folder", lang, folder=folder)
    try:
        fd, probe = tempfile.mkstemp(dir=folder, prefix=".idphoto-")
    except OSError as exc:
        return _cannot_write(exc, path, lang)
    os.close(fd)
    os.unlink(probe)
    return None


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
                        message = describe(exc.code, args.lang, args.profile, seconds=CHECK_TIMEOUT)
                        report = Report(file=name, profile=args.profile, lang=args.lang,
                                        error=ErrorInfo(code=exc.code, message=message))
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
        _fail("fix", exc.message)
        return EXIT_UNREADABLE
    problem = _output_problem(args.output, args.lang)
    if problem is not None:
        _fail("fix", problem)
        return EXIT_UNREADABLE
    data, report = _read(args.input, args.profile, args.lang)
    if report is None:
        try:
            result = fix(
                data, args.profile, args.max_kb, args.width, args.pad, args.lang, args.input, args.upscale, args.child
            )
        except PhotoError as exc:
            error = ErrorInfo(code=exc.code, message=describe(exc.code, args.lang, args.profile))
            report = Report(file=args.input, profile=args.profile, lang=args.lang, error=error)
        else:
            report = result.report
            if result.jpeg is not None:
                try:
                    args.output.write_bytes(result.jpeg)
                except OSError as exc:
                    _fail("fix", _cannot_write(exc, args.output, args.lang))
                    return EXIT_UNREADABLE
                report.file = str(args.output)
    print(to_json_line(report) if args.json else summary(report), flush=True)
    if report.error is not None:
        return EXIT_UNREADABLE
    return EXIT_OK if report.fix and report.fix.written else EXIT_NOT_FIXABLE


def _read(name: str, profile: str, lang: str) -> tuple[bytes, Report | None]:
    """The file's bytes, or a report with the error when it cannot be read."""
    try:
        return Path(name).read_bytes(), None
    except OSError as exc:
        error = ErrorInfo(code=ErrorCode.UNREADABLE_FILE, message=describe(ErrorCode.UNREADABLE_FILE, lang, profile))
        return b"", Report(file=name, profile=profile, lang=lang, error=error)


def to_json_line(report: Report) -> str:
    return json.dumps(report.model_dump(mode="json"), ensure_ascii=False)


def summary(report: Report) -> str:
    """A readable block in the report's language: verdict and score, the main problem, then
    every check, problems first (the words from rules/messages.toml)."""
    profile = load_profile(report.profile)
    lang = report.lang
    if report.error is not None:
        return f"{report.file}: " + say("cli", "error", lang, code=report.error.code, message=report.error.message)
    verdict = say("verdicts", report.verdict, lang).upper()
    lines = [f"{report.file}: " + say("cli", "score", lang, verdict=verdict, score=report.score)]
    if report.main_problem is not None:
        lines.append(f"  → {report.main_problem.title}: {report.main_problem.message}")
    if report.fix is not None:
        lines.insert(0, _fix_line(report, profile))
    for c in sorted(report.checks, key=lambda c: -STATUS_RANK[c.status]):
        lines.append(f"  {_MARK[c.status]} {c.title:<24} {c.message}")
    if report.skipped:
        titles = ", ".join(report.skipped_titles or report.skipped)
        lines.append("  - " + say("cli", "not_checked", lang, rules=titles))
    return "\n".join(lines)


def _fix_line(report: Report, profile) -> str:
    info, lang = report.fix, report.lang
    if not info.written:
        reasons = "; ".join(f"{profile.messages[r.id]['title'][lang]}: {r.message}" for r in info.reasons)
        return say("cli", "not_fixed", lang, reasons=reasons)
    line = say(
        "cli", "written", lang, width=info.width, height=info.height, kb=f"{info.bytes / 1024:.0f}", budget=f"{info.target_bytes / 1024:.0f}",
        quality=info.quality, attempt=info.attempts, angle=info.rotated_deg,
    )
    return line + (say("cli", "turned", lang, turn=info.turned_deg) if info.turned_deg else "") + (
        say("cli", "padded", lang) if info.padded else ""
    ) + (
        say("cli", "upscaled", lang, factor=info.upscaled) if info.upscaled else ""
    )


if __name__ == "__main__":
    sys.exit(main())
