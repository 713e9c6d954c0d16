import io
import json

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
