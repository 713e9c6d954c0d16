"""Smoke-test a built idphoto wheel as a user gets it, away from the checkout.

    python ops/wheel_smoke.py dist/idphoto-*.whl      # fresh venv in /tmp: check + serve + /v1/check
    python ops/wheel_smoke.py --url http://HOST:PORT [--container NAME]
                                                      # only the HTTP part, against a running server

With a wheel: makes a fresh venv in a temporary folder, installs the wheel with the pinned
constraints (nothing from the checkout), checks that the rules and models are read from the
installed package, runs `idphoto check examples/astronaut.jpg --json` and `idphoto serve`
with one `POST /v1/check`, from the temporary folder. The astronaut is a real face but only
512x512: both reports must say reject, with image.resolution failed. Standard library only
(the Docker script runs the --url part with the host's python3). Exit 0 when all is well,
1 with the reason otherwise; every step has a timeout.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PHOTO = ROOT / "examples" / "astronaut.jpg"
CONSTRAINTS = ROOT / "constraints.txt"


class SmokeFailure(Exception):
    pass


def step(message: str) -> None:
    print(f"wheel smoke: {message}", flush=True)


def run(command: list[str], timeout: float, what: str, **kwargs) -> subprocess.CompletedProcess:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, **kwargs)
    except subprocess.TimeoutExpired as err:
        raise SmokeFailure(f"{what}: no answer within {timeout:.0f} s") from err
    if done.returncode != 0:
        raise SmokeFailure(f"{what}: exit code {done.returncode}\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}")
    return done


def check_report(report: dict, where: str) -> None:
    """The astronaut's report: a face found, rejected for resolution."""
    if report.get("error"):
        raise SmokeFailure(f"{where}: the report has an error: {report['error']}")
    statuses = {c["id"]: c["status"] for c in report.get("checks", [])}
    problems = []
    if report.get("verdict") != "reject":
        problems.append(f"verdict {report.get('verdict')!r}, expected 'reject'")
    if statuses.get("image.resolution") != "fail":
        problems.append(f"image.resolution {statuses.get('image.resolution')!r}, expected 'fail'")
    if statuses.get("face.count") != "pass":
        problems.append(f"face.count {statuses.get('face.count')!r}, expected 'pass' (one face)")
    if not isinstance(report.get("score"), int) or not 0 <= report["score"] <= 49:
        problems.append(f"score {report.get('score')!r}, expected 0-49 for a reject")
    if problems:
        raise SmokeFailure(f"{where}: " + "; ".join(problems))


def http(url: str, timeout: float, data: bytes | None = None, headers: dict | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=data, headers=headers or {}, method="POST" if data is not None else "GET")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def wait_ready(base: str, timeout: float, alive=lambda: True) -> None:
    deadline = time.monotonic() + timeout
    last = "no answer"
    while time.monotonic() < deadline:
        if not alive():
            raise SmokeFailure(f"{base}: the server exited before /readyz answered 200 (last: {last})")
        try:
            status, body = http(f"{base}/readyz", timeout=2)
            if status == 200:
                return
            last = f"{status} {body[:200]!r}"
        except (OSError, urllib.error.URLError) as err:
            last = str(err)
        time.sleep(0.5)
    raise SmokeFailure(f"{base}/readyz: not 200 within {timeout:.0f} s (last: {last})")


def post_check(base: str, timeout: float = 60) -> None:
    boundary = uuid.uuid4().hex
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="photo"; filename="astronaut.jpg"\r\n'
        f"Content-Type: image/jpeg\r\n\r\n"
    ).encode() + PHOTO.read_bytes() + f"\r\n--{boundary}--\r\n".encode()
    headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
    if token := os.environ.get("IDPHOTO_API_TOKEN"):
        headers["Authorization"] = f"Bearer {token}"
    try:
        status, answer = http(f"{base}/v1/check?lang=en", timeout, body, headers)
    except (OSError, urllib.error.URLError) as err:
        raise SmokeFailure(f"POST {base}/v1/check: {err}") from err
    if status != 200:
        raise SmokeFailure(f"POST {base}/v1/check: status {status}: {answer[:500]!r}")
    try:
        report = json.loads(answer)
    except ValueError as err:
        raise SmokeFailure(f"POST {base}/v1/check: not JSON: {answer[:300]!r}") from err
    check_report(report, f"POST {base}/v1/check")


def container_running(name: str) -> bool:
    done = subprocess.run(["docker", "inspect", "-f", "{{.State.Running}}", name], capture_output=True, text=True, timeout=30)
    return done.stdout.strip() == "true"


def check_http(base: str, ready_timeout: float, container: str | None = None) -> None:
    step(f"waiting for {base}/readyz")
    wait_ready(base, ready_timeout, alive=(lambda: container_running(container)) if container else lambda: True)
    post_check(base)
    step(f"POST {base}/v1/check: reject for resolution, as expected")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def smoke_wheel(wheel: Path, python: str, keep: bool) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="idphoto-wheel-smoke-"))
    venv = tmp / "venv"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "IDPHOTO_RULES_DIR", "IDPHOTO_MODELS_DIR", "VIRTUAL_ENV")}
    try:
        step(f"fresh venv in {venv}")
        run([python, "-m", "venv", str(venv)], 120, "python -m venv", cwd=tmp, env=env)
        py, idphoto = str(venv / "bin" / "python"), str(venv / "bin" / "idphoto")
        step(f"pip install -c constraints.txt {wheel.name}")
        started = time.monotonic()
        run([py, "-m", "pip", "install", "-q", "-c", str(CONSTRAINTS), str(wheel)], 900, "pip install of the wheel", cwd=tmp, env=env)
        step(f"installed in {time.monotonic() - started:.0f} s")

        where = run(
            [py, "-c", "import json, service, service.paths as p; print(json.dumps([str(p.RULES_DIR), str(p.MODELS_DIR), service.__file__]))"],
            60, "import service", cwd=tmp, env=env,
        )
        rules, models, package = (Path(x).resolve() for x in json.loads(where.stdout))
        for name, path in (("rules", rules), ("models", models), ("package", package)):
            if venv.resolve() not in path.parents:
                raise SmokeFailure(f"the installed {name} are read from {path}, not from the fresh venv {venv}")
        step(f"rules and models read from the installed package ({rules.parent})")

        done = run([idphoto, "check", str(PHOTO), "--json", "--lang", "en"], 180, "idphoto check", cwd=tmp, env=env)
        lines = [line for line in done.stdout.splitlines() if line.strip()]
        if len(lines) != 1:
            raise SmokeFailure(f"idphoto check --json: expected one JSON line, got {len(lines)}:\n{done.stdout[-2000:]}")
        check_report(json.loads(lines[0]), "idphoto check")
        step("idphoto check: reject for resolution, as expected")

        port = free_port()
        log = (tmp / "serve.log").open("w+")
        server = subprocess.Popen(
            [idphoto, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
            cwd=tmp, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        try:
            try:
                base = f"http://127.0.0.1:{port}"
                step(f"idphoto serve on {base}")
                wait_ready(base, 120, alive=lambda: server.poll() is None)
                post_check(base)
                step("POST /v1/check: reject for resolution, as expected")
            except SmokeFailure as err:
                log.seek(0)
                raise SmokeFailure(f"{err}\nserver log (last lines):\n{log.read()[-3000:]}") from err
        finally:
            with contextlib.suppress(ProcessLookupError):
                server.send_signal(signal.SIGINT)
            try:
                server.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(10)
            log.close()
    finally:
        if keep:
            step(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("wheel", nargs="?", type=Path, help="the idphoto wheel to install in a fresh venv")
    target.add_argument("--url", help="only check a running server at this base URL")
    parser.add_argument("--python", default=shutil.which("python3") or sys.executable, help="python for the fresh venv")
    parser.add_argument("--ready-timeout", type=float, default=120, help="seconds for /readyz to answer 200 (--url)")
    parser.add_argument("--container", help="with --url: the Docker container serving it (stop waiting if it exits)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary venv")
    args = parser.parse_args()
    started = time.monotonic()
    try:
        if args.url:
            check_http(args.url.rstrip("/"), args.ready_timeout, args.container)
        else:
            if not args.wheel.is_file():
                raise SmokeFailure(f"{args.wheel}: no such wheel")
            smoke_wheel(args.wheel.resolve(), args.python, args.keep)
    except SmokeFailure as err:
        print(f"wheel smoke: FAILED: {err}", file=sys.stderr, flush=True)
        return 1
    step(f"OK in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
