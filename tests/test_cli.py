import io
import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from service.cli import main

from .conftest import jpeg_bytes


def _run(capsys, *argv):
    code = main(list(argv))
    return code, capsys.readouterr().out


def test_json_lines_have_the_documented_fields(tmp_path, capsys, astronaut):
    photo = tmp_path / "astronaut.jpg"
    photo.write_bytes(jpeg_bytes(astronaut))
    code, out = _run(capsys, "check", str(photo), "--json", "--lang", "en")
    assert code == 0
    (line,) = out.strip().splitlines()
    report = json.loads(line)
    assert {"file", "score", "verdict", "checks", "face", "crop", "error"} <= report.keys()
    assert report["file"] == str(photo) and report["error"] is None
    assert 0 <= report["score"] <= 100 and report["verdict"] in ("accept", "review", "reject")
    assert {"id", "status", "value", "threshold", "message"} <= report["checks"][0].keys()
    assert {"yaw", "pitch", "roll"} == report["face"]["pose"].keys()
    assert report["crop"]["box"]["y1"] > report["crop"]["box"]["y0"]


def test_unreadable_inputs_give_exit_2_and_a_typed_error_per_file(tmp_path, capsys, astronaut):
    good = tmp_path / "ok.jpg"
    good.write_bytes(jpeg_bytes(astronaut))
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    text = tmp_path / "notes.jpg"
    text.write_text("not a photo")
    code, out = _run(capsys, "check", str(good), str(empty), str(text), str(tmp_path / "missing.jpg"), "--json")
    assert code == 2
    errors = [json.loads(line)["error"] for line in out.strip().splitlines()]
    assert errors[0] is None
    assert [e["code"] for e in errors[1:]] == ["empty", "not_an_image", "unreadable_file"]


def test_png_named_jpg_is_analysed_and_fails_file_format(tmp_path, capsys, astronaut):
    fake = tmp_path / "photo.jpg"
    buffer = io.BytesIO()
    Image.fromarray(astronaut).save(buffer, "PNG")
    fake.write_bytes(buffer.getvalue())
    code, out = _run(capsys, "check", str(fake), "--json")
    report = json.loads(out)
    assert code == 0 and report["faces"] == 1
    assert next(c for c in report["checks"] if c["id"] == "file.format")["status"] == "fail"


def test_readable_summary_puts_failures_first_in_the_chosen_language(tmp_path, capsys, astronaut):
    photo = tmp_path / "a.jpg"
    photo.write_bytes(jpeg_bytes(np.ascontiguousarray(astronaut[:, :, ::-1])))
    code, out = _run(capsys, "check", str(photo), "--lang", "pl")
    lines = out.splitlines()
    assert code == 0 and "ODRZUĆ (wynik" in lines[0]  # "REJECT (score ...)" in English under --lang pl was a bug
    assert lines[1].lstrip().startswith("→")  # the main problem first
    assert lines[2].lstrip().startswith(("✗", "!"))
    assert "Rozdzielczość" in out and "image.resolution" not in out  # the rule's title, never its raw id
    assert "Za mało pikseli" in out  # the 512 px astronaut fails resolution, in Polish
    code, out = _run(capsys, "check", str(photo), "--lang", "en")
    assert "REJECT (score" in out.splitlines()[0] and "Resolution" in out


def test_unknown_profile_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["check", "x.jpg", "--profile", "nope"])
    assert exit_info.value.code == 2


def test_a_photo_that_kills_the_engine_is_an_error_for_that_photo_and_the_others_are_reported(tmp_path, capsys, astronaut, monkeypatch):
    """`check a.jpg b.jpg` exited 134 when a.jpg aborted the engine, and b.jpg was never reported."""
    import service.cli as cli
    from service.workers import Job

    real = cli._check_job

    def crash_on_boom(data, name, args):
        return Job("crash", {}) if name.endswith("boom.jpg") else real(data, name, args)

    monkeypatch.setenv("IDPHOTO_ENGINE_JOBS", "tests.jobs")  # the workers know "crash" (tests/jobs.py)
    monkeypatch.setattr(cli, "_check_job", crash_on_boom)
    boom, good = tmp_path / "boom.jpg", tmp_path / "good.jpg"
    boom.write_bytes(jpeg_bytes(astronaut))
    good.write_bytes(jpeg_bytes(astronaut))
    code, out = _run(capsys, "check", str(boom), str(good), "--json")
    first, second = (json.loads(line) for line in out.strip().splitlines())
    assert code == 2 and first["error"]["code"] == "processing_failed"
    assert second["error"] is None and second["faces"] == 1


def test_rules_not_checked_are_named_by_their_titles_not_their_ids(tmp_path, capsys):
    """"Nie sprawdzono (brak twarzy): image.resolution, ..." showed raw rule ids."""
    from service import check

    blank = jpeg_bytes(np.full((700, 544, 3), 200, np.uint8))
    report = check(blank, lang="pl")
    assert report.faces == 0 and "face.eyes" in report.skipped
    assert len(report.skipped_titles) == len(report.skipped) and "Oczy" in report.skipped_titles
    photo = tmp_path / "blank.jpg"
    photo.write_bytes(blank)
    code, out = _run(capsys, "check", str(photo), "--lang", "pl")
    line = next(line for line in out.splitlines() if "nie sprawdzono" in line)
    assert "Oczy" in line and "face." not in line


# ---- manners: --version, serve's URLs, one-line errors with exit codes, --help with examples ----

ROOT = Path(__file__).resolve().parents[1]


def _one_line_error(captured) -> str:
    """stderr holds exactly one line, the message, and nothing printed a traceback (capsys or a
    finished subprocess)."""
    err, out = (captured.err, captured.out) if hasattr(captured, "err") else (captured.stderr, captured.stdout)
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err + out
    return lines[0]


def _unwritable_dir(tmp_path: Path) -> Path:
    """A folder nothing may be created in: a read-only one, or for root (who may write anywhere) sysfs."""
    if os.geteuid() != 0:
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        return locked
    try:
        Path("/sys/.idphoto-probe").write_bytes(b"")
    except OSError:
        return Path("/sys")
    Path("/sys/.idphoto-probe").unlink()
    pytest.skip("no folder this user cannot write to")


def test_version_prints_the_installed_version(capsys):
    from importlib.metadata import version

    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0 and capsys.readouterr().out.strip() == f"idphoto {version('idphoto')}"


@pytest.mark.parametrize("command", ["check", "fix", "serve", "batch", "export"])
def test_every_command_help_has_examples_and_exit_codes(capsys, command):
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    out = capsys.readouterr().out
    assert exit_info.value.code == 0
    examples, codes = out.index("examples:"), out.index("exit codes:")
    assert examples < codes and f"idphoto {command} " in out[examples:codes]
    assert "  0    " in out[codes:] and "  2    " in out[codes:]


@pytest.mark.parametrize("port", ["99999", "0", "-5", "eighty"])
def test_a_bad_port_is_refused_by_the_option_check_in_the_chosen_language(capsys, port):
    for lang, words in (("pl", "od 1 do 65535"), ("en", "from 1 to 65535")):
        with pytest.raises(SystemExit) as exit_info:
            main(["serve", "--lang", lang, "--port", port])
        line = _one_line_error(capsys.readouterr())
        assert exit_info.value.code == 2 and "--port" in line and words in line


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_on_a_port_in_use_is_one_line_and_exit_2(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        for lang, words in (("pl", "jest już zajęty"), ("en", "is already used")):
            run = subprocess.run(
                [sys.executable, "-m", "service.cli", "serve", "--port", str(port), "--lang", lang],
                cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
            )
            line = _one_line_error(run)
            assert run.returncode == 2 and str(port) in line and words in line
            assert run.stdout == ""  # no URL is printed for a server that cannot start


def test_serve_with_a_bad_setting_is_one_line_and_exit_2():
    with socket.socket() as probe:  # a free port: the setting, not the port, must be what stops it
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = os.environ | {"IDPHOTO_WORKERS": "two"}
    run = subprocess.run(
        [sys.executable, "-m", "service.cli", "serve", "--port", str(port), "--lang", "en"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False, env=env,
    )
    line = _one_line_error(run)
    assert run.returncode == 2 and "A server setting is invalid" in line and "IDPHOTO_WORKERS='two'" in line


def test_serve_prints_the_review_page_and_docs_urls_before_serving():
    import selectors
    import signal
    import time

    import httpx

    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "service.cli", "serve", "--port", str(port), "--workers", "1", "--lang", "en"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        waiting = selectors.DefaultSelector()
        waiting.register(server.stdout, selectors.EVENT_READ)
        assert waiting.select(timeout=60), "serve printed nothing"
        line = server.stdout.readline()
        page, docs = f"http://127.0.0.1:{port}/", f"http://127.0.0.1:{port}/docs"
        assert f"Review page: {page} " in line and f"API docs: {docs} " in line
        deadline = time.monotonic() + 120
        while True:  # the printed addresses are the ones served
            try:
                answers = [httpx.get(url, timeout=5) for url in (page, docs)]
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline and server.poll() is None, "the server did not come up"
                time.sleep(0.2)
        assert [a.status_code for a in answers] == [200, 200] and "swagger" in answers[1].text.lower()
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(5)
        server.stdout.close()
        server.stderr.close()
    assert server.returncode == 0


def test_fix_refuses_an_output_it_cannot_write_before_reading_the_photo(tmp_path, capsys, astronaut):
    photo = tmp_path / "in.jpg"
    photo.write_bytes(jpeg_bytes(astronaut))
    nowhere = tmp_path / "nonexistent" / "x.jpg"
    cases = [
        (nowhere, "pl", f"Folder {nowhere.parent} nie istnieje"),
        (nowhere, "en", f"The folder {nowhere.parent} does not exist"),
        (tmp_path, "pl", f"{tmp_path} jest folderem. Prosimy podać nazwę pliku, np. {tmp_path / 'photo.jpg'}."),
        (_unwritable_dir(tmp_path) / "x.jpg", "en", "Cannot write"),
    ]
    for out, lang, words in cases:
        assert main(["fix", str(photo), "-o", str(out), "--lang", lang]) == 2
        captured = capsys.readouterr()
        assert words in _one_line_error(captured) and captured.out == ""  # nothing analysed, nothing printed
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != "locked") == ["in.jpg"]


def test_batch_refuses_an_output_that_is_a_file_or_cannot_be_written(tmp_path, capsys, astronaut):
    source = tmp_path / "in"
    source.mkdir()
    (source / "a.jpg").write_bytes(jpeg_bytes(astronaut))
    existing = tmp_path / "results.txt"
    existing.write_text("keep me")
    assert main(["batch", str(source), "--out", str(existing), "--workers", "1"]) == 2
    assert f"{existing} jest plikiem" in _one_line_error(capsys.readouterr()) and existing.read_text() == "keep me"
    unwritable = _unwritable_dir(tmp_path) / "results"
    assert main(["batch", str(source), "--out", str(unwritable), "--workers", "1", "--lang", "en"]) == 2
    assert "Cannot write" in _one_line_error(capsys.readouterr()) and not unwritable.exists()
