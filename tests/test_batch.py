"""Batch re-validation: sources, outputs, duplicates, errors, resume after a kill, engines agree."""

import asyncio
import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import cv2
import numpy as np
import pytest

from service.workers import JobFailed
from service.batch import _run, run_batch
from service.batch.progress import Progress
from service.batch.sources import iter_items, safe_relative
from service.batch.store import ResultStore, read_records

from service import check

from service.profile import load_profile

from .conftest import SHARED, jpeg_bytes

PROFILE_LIMITS = load_profile().file_limits

ROOT = Path(__file__).resolve().parents[1]


def _variants(face: np.ndarray, count: int) -> list[bytes]:
    """Distinct real-face photos: the face resized and re-encoded in different ways."""
    out = []
    for i in range(count):
        scale = 0.6 + 0.05 * i
        img = cv2.resize(face, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        out.append(jpeg_bytes(img, quality=70 + i))
    return out


@pytest.fixture
def photo_folder(tmp_path, good_face, astronaut) -> Path:
    root = tmp_path / "legacy"
    (root / "class-1a").mkdir(parents=True)
    (root / "class-1b").mkdir()
    photos = _variants(good_face, 3)
    for i, data in enumerate(photos):
        (root / "class-1a" / f"student{i}.jpg").write_bytes(data)
    (root / "class-1b" / "astronaut.jpg").write_bytes(jpeg_bytes(astronaut))
    (root / "class-1b" / "broken.jpg").write_bytes(photos[0][: len(photos[0]) // 3])  # corrupt, in the middle
    (root / "class-1b" / "notes.txt").write_text("not a photo")
    (root / "class-1b" / "student0-again.jpg").write_bytes(photos[0])  # duplicate content
    return root


def test_folder_batch_writes_every_output_and_reports_every_file(photo_folder, tmp_path):
    out = tmp_path / "out"
    summary = run_batch([str(photo_folder)], out, "e-legitymacja", "en", workers=2)
    records = list(read_records(out / "results.jsonl"))
    assert len(records) == 7 == summary["photos"]
    by_path = {r["path"]: r for r in records}
    assert by_path["class-1b/broken.jpg"]["report"]["error"]["code"] == "truncated"
    assert by_path["class-1b/notes.txt"]["report"]["error"]["code"] == "not_an_image"
    assert by_path["class-1b/student0-again.jpg"]["duplicate_of"] == "class-1a/student0.jpg"
    assert by_path["class-1b/astronaut.jpg"]["report"]["verdict"] == "reject"
    assert all(len(r["sha256"]) == 64 for r in records)
    assert summary["by_verdict"]["error"] == 2 and summary["by_verdict"]["duplicate"] == 1
    assert summary["failed_by_rule"]["image.resolution"] >= 1

    rows = list(csv.DictReader(open(out / "results.csv", encoding="utf-8-sig"), delimiter=";"))
    assert len(rows) == 7 and {"path", "verdict", "score", "failed"} <= rows[0].keys()
    astronaut_row = next(r for r in rows if r["path"] == "class-1b/astronaut.jpg")
    assert "image.resolution" in astronaut_row["failed"].split(";")

    page = (out / "report.html").read_text(encoding="utf-8")
    assert page.count('class="card"') == 7 and "data:image/jpeg;base64," in page
    assert '<option value="image.resolution">Resolution</option>' in page and "http" not in page.split("<body>")[1]
    assert "<h1>idphoto – photo re-validation report</h1>" in page and "Nie do odczytania" not in page  # one language: the batch's
    assert json.loads((out / "summary.json").read_text())["last_run"]["processed"] == 6  # all but the duplicate


def test_fix_writes_fixed_photos_under_their_relative_names(tmp_path, clean_portrait):
    source = tmp_path / "in"
    (source / "a" / "b").mkdir(parents=True)
    (source / "a" / "b" / "kid.jpeg").write_bytes(clean_portrait)
    out = tmp_path / "out"
    run_batch([str(source)], out, "e-legitymacja", workers=1, fix=True)
    fixed = out / "fixed" / "a" / "b" / "kid.jpg"
    assert fixed.read_bytes()[:3] == b"\xff\xd8\xff"
    (record,) = read_records(out / "results.jsonl")
    assert record["fixed_path"] == "fixed/a/b/kid.jpg" and record["fix"]["written"]


def test_fixed_holds_only_photos_that_pass_and_every_output_says_which(tmp_path, astronaut):
    """The enlarged astronaut has the pixels, but our own check rejects it for its detail: it
    must not reach fixed/, and the CSV, summary and report say why. A photo that could be
    fixed (the shared studio portrait, when present) is there with its verdict."""
    import csv

    from .conftest import SHARED

    source = tmp_path / "in"
    source.mkdir()
    (source / "enlarged.jpg").write_bytes(jpeg_bytes(cv2.resize(astronaut, None, fx=4, fy=4, interpolation=cv2.INTER_CUBIC)))
    clean = SHARED / "dev_good_003.jpg"
    if clean.is_file():
        (source / "clean.jpg").write_bytes(clean.read_bytes())
    out = tmp_path / "out"
    summary = run_batch([str(source)], out, "e-legitymacja", workers=1, fix=True)
    rows = {r["path"]: r for r in csv.DictReader(open(out / "results.csv", encoding="utf-8-sig"), delimiter=";")}
    refused = rows["enlarged.jpg"]
    assert refused["fixed"] == "" and refused["fixed_verdict"] == "" and "image.resolution" in refused["not_fixed_because"]
    assert not (out / "fixed" / "enlarged.jpg").exists()
    assert summary["fixed"]["not_fixed_by_rule"].get("image.resolution", 0) >= 1
    assert "Nie poprawiono: Rozdzielczość" in (out / "report.html").read_text(encoding="utf-8")  # the batch's language, titles not ids
    written = sorted(p.name for p in (out / "fixed").glob("*.jpg")) if (out / "fixed").exists() else []
    assert written == (["clean.jpg"] if clean.is_file() else [])
    for name in written:
        row = rows[name]
        assert row["fixed_verdict"] in ("accept", "review") and row["fixed_verdict"] == check((out / "fixed" / name).read_bytes()).verdict


def test_a_rerun_with_other_settings_is_refused_and_mixes_nothing(tmp_path, astronaut, capsys):
    from service.batch import SettingsMismatch
    from service.cli import main

    source = tmp_path / "in"
    source.mkdir()
    (source / "a.jpg").write_bytes(jpeg_bytes(astronaut))
    out = tmp_path / "out"
    run_batch([str(source)], out, "e-legitymacja", workers=1)
    before = (out / "results.jsonl").read_bytes()
    for changed in ({"profile": "register-1mb"}, {"lang": "en"}, {"fix": True}, {"child": True}):
        args = {"profile": "e-legitymacja", "lang": "pl", "fix": False, "child": False} | changed
        with pytest.raises(SettingsMismatch, match=next(iter(changed))):
            run_batch([str(source)], out, args.pop("profile"), workers=1, **args)
    assert (out / "results.jsonl").read_bytes() == before
    assert main(["batch", str(source), "--out", str(out), "--lang", "en", "--workers", "1"]) == 2
    assert "other settings" in capsys.readouterr().err
    again = run_batch([str(source)], out, "e-legitymacja", workers=1)  # the same settings resume
    assert again["last_run"]["skipped_as_done"] == 1 and (out / "results.jsonl").read_bytes() == before


def test_a_replaced_file_is_checked_again_and_its_newest_result_counts(tmp_path, astronaut):
    import csv

    source = tmp_path / "in"
    source.mkdir()
    (source / "a.jpg").write_bytes(jpeg_bytes(astronaut))
    out = tmp_path / "out"
    run_batch([str(source)], out, "e-legitymacja", workers=1)
    (source / "a.jpg").write_bytes(jpeg_bytes(np.ascontiguousarray(astronaut[:, :, ::-1])))  # another photo, same name
    summary = run_batch([str(source)], out, "e-legitymacja", workers=1)
    assert summary["last_run"]["processed"] == 1 and summary["photos"] == 1
    (row,) = csv.DictReader(open(out / "results.csv", encoding="utf-8-sig"), delimiter=";")
    records = list(read_records(out / "results.jsonl"))
    assert len(records) == 2 and records[-1]["sha256"] != records[0]["sha256"]
    assert row["score"] == str(records[-1]["report"]["score"])


def test_zip_and_manifest_sources_with_safe_names(tmp_path, astronaut):
    archive = tmp_path / "old.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("2019/ania.jpg", jpeg_bytes(astronaut))
        z.writestr("../../evil.jpg", jpeg_bytes(astronaut[::2, ::2]))
    manifest = tmp_path / "list.txt"
    (tmp_path / "p.jpg").write_bytes(jpeg_bytes(astronaut[:, ::-1]))
    manifest.write_text("# legacy photos\np.jpg\nmissing.jpg\n")
    items = list(iter_items([str(archive), str(manifest)], PROFILE_LIMITS))
    assert [i.path for i in items] == ["old.zip/2019/ania.jpg", "old.zip/../../evil.jpg", "list.txt/p.jpg", "list.txt/missing.jpg"]
    assert items[1].relative == "old.zip/evil.jpg"
    assert safe_relative("/abs/../x\\y.jpg") == "abs/x/y.jpg"
    summary = run_batch([str(archive), str(manifest)], tmp_path / "out", "e-legitymacja", workers=1)
    assert summary["photos"] == 4 and summary["errors_by_code"] == {"unreadable_file": 1}


def test_a_photo_that_kills_its_worker_is_recorded_and_the_batch_goes_on(tmp_path, astronaut):
    class FlakyEngine:
        capacity = 2
        job_timeout = 60.0

        async def start(self):
            pass

        async def stop(self):
            pass

        async def run(self, args):
            if args["data"] == poison:
                raise JobFailed("processing_failed", "The engine stopped while processing this photo.")
            return {"report": {"verdict": "accept", "score": 90, "checks": []}, "thumb": None}

    photos = _variants(astronaut, 3)
    poison = photos[1]
    folder = tmp_path / "src"
    folder.mkdir()
    for i, data in enumerate(photos):
        (folder / f"{i}.jpg").write_bytes(data)
    store = ResultStore(tmp_path / "out", {"test": "settings"})
    processed = asyncio.run(
        _run(iter_items([str(folder)], PROFILE_LIMITS), store, FlakyEngine(), "e-legitymacja", "en", False, Progress(3, io.StringIO()))
    )
    store.close()
    records = {r["path"]: r for r in read_records(tmp_path / "out" / "results.jsonl")}
    assert processed == 3 and records["1.jpg"]["error"]["code"] == "processing_failed"
    assert records["1.jpg"]["error"]["message"] == "This photo could not be processed. Please try again or send another photo."  # the batch's language
    assert records["0.jpg"]["report"]["verdict"] == records["2.jpg"]["report"]["verdict"] == "accept"


def test_killed_run_resumes_without_losing_or_repeating_a_photo(tmp_path, astronaut):
    folder = tmp_path / "many"
    folder.mkdir()
    for i, data in enumerate(_variants(astronaut, 14)):
        (folder / f"{i:02d}.jpg").write_bytes(data)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "service.cli", "batch", str(folder), "--out", str(out), "--workers", "1"]
    run = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    results = out / "results.jsonl"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and (not results.exists() or len(results.read_bytes().splitlines()) < 3):
        time.sleep(0.05)
    os.killpg(run.pid, signal.SIGKILL)  # the whole process group: the batch and its workers
    run.wait()
    partial = list(read_records(results))
    assert 3 <= len(partial) < 14, "the kill must land mid-run"

    summary = run_batch([str(folder)], out, "e-legitymacja", workers=1)
    paths = [r["path"] for r in read_records(results)]
    assert sorted(paths) == [f"{i:02d}.jpg" for i in range(14)]  # nothing lost, nothing twice
    assert summary["last_run"]["skipped_as_done"] == len(partial)
    assert summary["last_run"]["processed"] == 14 - len(partial)


def test_a_torn_last_line_is_cut_on_resume(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "results.jsonl").write_text('{"path": "a.jpg", "sha256": "x", "report": null}\n{"path": "b.j')
    (out / "settings.json").write_text('{"test": "settings"}')
    store = ResultStore(out, {"test": "settings"})
    store.close()
    assert store.done == {"a.jpg": "x"}
    assert (out / "results.jsonl").read_text().endswith("null}\n")


def test_progress_prints_plain_lines_when_not_a_terminal():
    stream = io.StringIO()
    progress = Progress(3, stream, interval=0)
    for _ in range(3):
        progress.advance()
    lines = stream.getvalue().splitlines()
    assert lines[-1].startswith("progress 3/3 photos") and "/s" in lines[-1]


def test_local_and_ray_engines_give_the_same_verdicts(tmp_path, astronaut):
    pytest.importorskip("ray")
    folder = tmp_path / "src"
    folder.mkdir()
    names = sorted(p.name for p in SHARED.glob("dev_*.jpg"))[:: max(1, len(list(SHARED.glob("dev_*.jpg"))) // 8)] if SHARED.is_dir() else []
    for name in names:
        (folder / name).write_bytes((SHARED / name).read_bytes())
    for i, data in enumerate(_variants(astronaut, 3)):
        (folder / f"gen{i}.jpg").write_bytes(data)
    local = run_batch([str(folder)], tmp_path / "local", "e-legitymacja", workers=2, engine="local")
    ray_run = run_batch([str(folder)], tmp_path / "ray", "e-legitymacja", workers=2, engine="ray")

    def verdicts(out):
        return {r["path"]: (r["report"]["verdict"], r["report"]["score"]) for r in read_records(out / "results.jsonl")}

    assert verdicts(tmp_path / "local") == verdicts(tmp_path / "ray")
    assert local["by_verdict"] == ray_run["by_verdict"]


def test_a_bad_source_is_a_clear_error_before_any_work(tmp_path, capsys):
    from service.cli import main

    assert main(["batch", str(tmp_path / "nowhere"), "--out", str(tmp_path / "out")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_child_passes_through_to_every_photo_of_the_batch(tmp_path, good_face):
    from .child_photo import child_framed

    source = tmp_path / "in"
    source.mkdir()
    (source / "kid.jpg").write_bytes(jpeg_bytes(child_framed(good_face)))
    summary = run_batch([str(source)], tmp_path / "out", "e-legitymacja", workers=1, fix=True, child=True)
    (record,) = read_records(tmp_path / "out" / "results.jsonl")
    assert record["report"]["crop"]["child"] is True and summary["last_run"]["child"] is True
    position = next(c for c in record["report"]["checks"] if c["id"] == "face.position")
    assert position["status"] == "pass"
    if record["fix"]["written"]:  # the shared studio portrait; the astronaut stand-in is refused for its detail
        assert record["fixed_report"]["crop"]["child"] is True
    else:
        assert "face.position" not in [r["id"] for r in record["fix"]["reasons"]]


def test_a_file_name_that_is_not_utf8_is_recorded_losslessly_and_the_batch_goes_on(tmp_path, astronaut):
    """A Latin-1 name stopped every batch with UnicodeEncodeError after 29 of 199 records."""
    source = tmp_path / "in"
    source.mkdir()
    photo = jpeg_bytes(astronaut)
    with open(os.path.join(os.fsencode(source), b"Zo\xe9.jpg"), "wb") as f:  # not UTF-8
        f.write(photo)
    (source / "Zo\\xe9.jpg").write_bytes(photo[:-2])  # a real backslash in the name: must stay apart
    (source / "z.jpg").write_bytes(photo)
    out = tmp_path / "out"
    summary = run_batch([str(source)], out, "e-legitymacja", workers=1, fix=True)
    paths = [r["path"] for r in read_records(out / "results.jsonl")]
    assert sorted(paths) == sorted(["Zo\\xe9.jpg", "Zo\\\\xe9.jpg", "z.jpg"]) and summary["photos"] == 3
    assert "Zo\\xe9.jpg" in (out / "results.csv").read_text(encoding="utf-8-sig")


def test_zip_entries_are_capped_before_reading_and_same_names_kept_apart(tmp_path, astronaut):
    MAX_ENTRY_BYTES = PROFILE_LIMITS.max_zip_entry_bytes
    archive = tmp_path / "old.zip"
    photo, other = jpeg_bytes(astronaut), jpeg_bytes(np.ascontiguousarray(astronaut[:, ::-1]))
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("huge.jpg", b"\0" * (MAX_ENTRY_BYTES + 1))  # a few hundred KB compressed
        z.writestr("bomb.jpg", b"\0" * 4_000_000)  # 1000x compressed
        z.writestr("a.jpg", photo)
        with pytest.warns(UserWarning, match="Duplicate name"):
            z.writestr("a.jpg", other)
    summary = run_batch([str(archive)], tmp_path / "out", "e-legitymacja", workers=1)
    records = {r["path"]: r for r in read_records(tmp_path / "out" / "results.jsonl")}
    assert set(records) == {"huge.jpg", "bomb.jpg", "a.jpg", "a#2.jpg"} and summary["photos"] == 4
    assert records["huge.jpg"]["error"]["code"] == "too_large" and records["bomb.jpg"]["error"]["code"] == "zip_bomb"
    assert records["a.jpg"]["sha256"] != records["a#2.jpg"]["sha256"]
    assert records["a.jpg"]["report"]["faces"] == records["a#2.jpg"]["report"]["faces"] == 1


def test_results_csv_opens_in_polish_excel(tmp_path, astronaut):
    """UTF-8 with a BOM (Excel reads it as UTF-8, so "Zdjęcie_ż.jpg" stays readable) and ";"
    between fields (Polish Excel's list separator, the comma being the decimal mark)."""
    source = tmp_path / "in"
    source.mkdir()
    (source / "Zdjęcie_ż.jpg").write_bytes(jpeg_bytes(astronaut))
    run_batch([str(source)], tmp_path / "out", "e-legitymacja", workers=1)
    raw = (tmp_path / "out" / "results.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.splitlines()[0].decode("utf-8-sig").startswith("path;verdict;score;")
    (row,) = csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";")
    assert row["path"] == "Zdjęcie_ż.jpg" and row["verdict"] == "reject"
