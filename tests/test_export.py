"""idphoto export: only photos whose fixed version our own check accepts reach the printer's
folder, named as the pattern says; everyone else is in missing.csv with the reason; both CSVs
open in Polish Excel (UTF-8 BOM, ';'). The list, pattern and folder rules run without the
shared photos; the real-photo export skips when ../shared/photos is absent."""

from __future__ import annotations

import codecs
import csv
import io
import os
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from service.cli import main
from service.export import ExportError, ExportResult, summary_lines
from service.export import engine as export_engine
from service.export.naming import (
    DEFAULT_PATTERN,
    MAX_NAME_BYTES,
    clean,
    collision_key,
    parse_pattern,
)
from service.export.plan import plan
from service.export.students import read_students
from service.profile import load_profile
from service.words import plural, say
from service.workers import JobFailed

from .conftest import SHARED, jpeg_bytes, manifest

BOM = codecs.BOM_UTF8
MISSING_COLUMNS = ("student_id", "name", "class", "file", "row", "reason", "hint", "code")
EXPORTED_COLUMNS = ("student_id", "name", "class", "file", "exported", "score")


def read_csv(path: Path) -> list[list[str]]:
    """As Polish Excel reads it: the UTF-8 BOM first, then ';' between fields."""
    data = path.read_bytes()
    assert data.startswith(BOM), f"{path.name} must start with the UTF-8 BOM"
    return list(csv.reader(io.StringIO(data[len(BOM):].decode("utf-8"), newline=""), delimiter=";"))


def header(columns, lang="pl") -> list[str]:
    return [say("export", f"col_{c}", lang) for c in columns]


def write_list(path: Path, rows: list[list[str]], head=("Identyfikator", "Imię i nazwisko", "Klasa", "Plik"),
               encoding="utf-8-sig", delimiter=";") -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows([list(head), *rows])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def by_id(rows: list[list[str]]) -> dict[str, dict[str, str]]:
    head = rows[0]
    return {row[0]: dict(zip(head, row, strict=True)) for row in rows[1:]}


# ---- words -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "pl", "en"), [
    (1, "1 zdjęcie", "1 photo"), (2, "2 zdjęcia", "2 photos"), (5, "5 zdjęć", "5 photos"),
    (12, "12 zdjęć", "12 photos"), (22, "22 zdjęcia", "22 photos"), (0, "0 zdjęć", "0 photos"),
])
def test_the_summary_counts_photos_with_polish_plurals(tmp_path, n, pl, en):
    assert plural(n, "photo", "pl") == pl and plural(n, "photo", "en") == en
    result = ExportResult(tmp_path, n + 3, n, {"not_found": 2, "review": 1}, "utf-8", 0, 0, 1.0)
    (line, reasons) = summary_lines(result, "pl")
    assert line.startswith(f"Wyeksportowano {pl} do ") and "bez zdjęcia: 3" in line
    assert reasons == "Powody: nie znaleziono pliku – 2, do sprawdzenia – 1."
    complete = ExportResult(tmp_path, n, n, {}, "utf-8", 0, 0, 1.0)
    assert summary_lines(complete, "en") == [f"Exported {en} to {tmp_path}: every student on the list ({n}) has a photo."]


# ---- the student list ------------------------------------------------------------------------


def test_polish_excel_list_with_bom_semicolons_and_quoted_cells(tmp_path):
    rows = [["7", "Zofia Żółć-Łęcka", "1a", "sub/zofia.jpg"], ["8", "Anna; \"Ania\"\nNowak", "1b", "anna.jpg"], ["", "", "", ""]]
    listing = read_students(write_list(tmp_path / "l.csv", rows), {"name", "class"})
    assert listing.encoding == "utf-8" and listing.delimiter == ";"
    first, second = listing.students
    assert (first.student_id, first.name, first.klass, first.file, first.row) == ("7", "Zofia Żółć-Łęcka", "1a", "sub/zofia.jpg", 2)
    assert second.name == 'Anna; "Ania"\nNowak' and second.row == 3  # a quoted cell may hold ';' and a line break
    assert len(listing.students) == 2  # the empty row is skipped


def test_english_headers_commas_no_bom_any_case_and_extra_columns(tmp_path):
    head = ("Photo", "STUDENT_ID", "Full Name", "Class", "Notes")
    path = write_list(tmp_path / "l.csv", [["a.jpg", "1", "Ann Lee", "2c", "x"]], head, encoding="utf-8", delimiter=",")
    listing = read_students(path, {"name"})
    assert listing.delimiter == "," and listing.encoding == "utf-8"
    assert listing.students[0].values() == {"name": "Ann Lee", "class": "2c", "student_id": "1", "file_stem": "a"}


def test_separate_first_and_last_name_columns_and_utf16_tabs(tmp_path):
    head = ("Nr legitymacji", "Imię", "Nazwisko", "Oddział", "Nazwa pliku")
    path = write_list(tmp_path / "l.txt", [["12", "Łucja", "Wąs", "3b", "l.jpg"]], head, encoding="utf-16", delimiter="\t")
    listing = read_students(path, {"name", "class"})
    assert listing.encoding == "utf-16" and listing.delimiter == "\t"
    assert (listing.students[0].name, listing.students[0].klass, listing.students[0].student_id) == ("Łucja Wąs", "3b", "12")


def test_a_windows_1250_list_is_read_and_says_so(tmp_path):
    path = write_list(tmp_path / "l.csv", [["1", "Łukasz Żółć", "1a", "ł.jpg"]], encoding="cp1250")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")  # really not UTF-8
    listing = read_students(path, {"name"})
    assert listing.encoding == "cp1250" and listing.students[0].name == "Łukasz Żółć"
    note = summary_lines(ExportResult(tmp_path, 1, 1, {}, listing.encoding, 0, 0, 0.1), "pl")[0]
    assert "Windows-1250" in note
    with pytest.raises(ExportError) as err:
        read_students(path, {"name"}, encoding="utf-8")  # asked for UTF-8: no guessing
    assert err.value.key == "list_encoding"


def test_a_list_without_the_needed_columns_names_them_and_exits_2(tmp_path, capsys):
    path = write_list(tmp_path / "l.csv", [["Ann", "a.jpg"]], head=("Imię i nazwisko", "Plik"))
    with pytest.raises(ExportError) as err:
        read_students(path, {"name", "class"})
    assert err.value.key == "list_columns"
    text = err.value.text("en")
    assert "student_id" in text and "class" in text and "Imię i nazwisko, Plik" in text and "file (" not in text
    (tmp_path / "photos").mkdir()
    code = main(["export", str(tmp_path / "photos"), "--students", str(path), "--out", str(tmp_path / "out"), "--lang", "en"])
    captured = capsys.readouterr()
    assert code == 2 and len(captured.err.strip().splitlines()) == 1 and "Traceback" not in captured.err
    assert "lacks the columns" in captured.err and not (tmp_path / "out").exists()


def test_a_list_that_is_no_csv_is_a_clear_error(tmp_path):
    workbook = tmp_path / "l.xlsx"
    workbook.write_bytes(b"PK\x03\x04" + bytes(100))
    for path, key in ((workbook, "list_workbook"), (tmp_path / "none.csv", "list_unreadable")):
        with pytest.raises(ExportError) as err:
            read_students(path, set())
        assert err.value.key == key
    empty = write_list(tmp_path / "e.csv", [])
    with pytest.raises(ExportError, match="list_empty"):
        read_students(empty, set())


# ---- names -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("pattern", "key"), [
    ("{klasa}_{name}.jpg", "pattern_unknown"), ("{name:>20}.jpg", "pattern_format"), ("{name!r}.jpg", "pattern_format"),
    ("{name}.png", "pattern_suffix"), ("{name}", "pattern_suffix"), ("photo.jpg", "pattern_none"),
    ("{class}/{name}.jpg", "pattern_char"), ("{name.jpg", "pattern_syntax"),
])
def test_a_bad_pattern_is_refused_before_any_work(tmp_path, capsys, pattern, key):
    with pytest.raises(ExportError) as err:
        parse_pattern(pattern)
    assert err.value.key == key
    (tmp_path / "photos").mkdir()
    students = write_list(tmp_path / "l.csv", [["1", "Ann", "1a", "a.jpg"]])
    code = main(["export", str(tmp_path / "photos"), "--students", str(students), "--out", str(tmp_path / "out"), "--pattern", pattern])
    err_text = capsys.readouterr().err
    assert code == 2 and err_text.count("\n") == 1 and not (tmp_path / "out").exists()
    assert err_text.strip() == "idphoto export: " + err.value.text("pl")


def test_names_are_safe_keep_polish_letters_and_ascii_on_request():
    pattern = parse_pattern(DEFAULT_PATTERN)
    values = {"name": "Łucja Żółć", "class": "1/A", "student_id": "../7", "file_stem": "x"}
    assert pattern.name_for(values) == "1_A_Łucja Żółć_.._7.jpg"
    assert pattern.name_for(values, ascii=True) == "1_A_Lucja Zolc_.._7.jpg"
    assert parse_pattern("{name}.jpg").name_for({"name": "...\x00hidden\t"}) == "_hidden.jpg"  # no leading dot, no control char
    assert parse_pattern("{name}.jpg").name_for({"name": "CON"}) is None  # a name Windows cannot create
    assert parse_pattern("{name}.jpg").name_for({"name": " .. "}) is None
    decomposed = "Zofia Z\u0307o\u0301łc\u0301"  # as a Mac writes it
    assert clean(decomposed) == "Zofia Żółć" and clean("Ærøskøbing Straße", ascii=True) == "AEroskobing Strasse"
    long = parse_pattern("{name}_{student_id}.jpg").name_for({"name": "Ż" * 300, "student_id": "1"})
    assert long.endswith(".jpg") and len(long.encode()) <= MAX_NAME_BYTES
    assert collision_key("Anna.jpg") == collision_key("ANNA.JPG")


def test_the_list_alone_refuses_what_would_put_a_photo_on_the_wrong_card(tmp_path):
    photos = tmp_path / "photos"
    (photos / "sub").mkdir(parents=True)
    for name in ("a.jpg", "b.jpg", "Case.JPG", "sub/c.jpg", "d.jpg", "e.jpg"):
        (photos / name).write_bytes(b"x")
    (tmp_path / "outside.jpg").write_bytes(b"x")
    rows = [
        ["1", "Ann", "1a", "a.jpg"],  # fine
        ["2", "Bob", "1a", "b.jpg"], ["2", "Bob Two", "1a", "d.jpg"],  # one ID twice
        ["3", "Cy", "1a", "case.jpg"],  # other letter case: found
        ["4", "Di", "1a", "sub/c.jpg"], ["5", "Ed", "1b", "./sub/c.jpg"],  # one file for two students
        ["6", "Fay", "1b", "../outside.jpg"], ["7", "Gus", "1b", "nowhere.jpg"], ["8", "", "1b", "e.jpg"], ["9", "Hal", "1b", ""],
        ["", "Ida", "1b", "e.jpg"],
    ]
    listing = read_students(write_list(tmp_path / "l.csv", rows), {"name"})
    work = plan(listing.students, photos, parse_pattern("{name}.jpg"), "en")
    codes = {listing.students[i].student_id + listing.students[i].name: r.code for i, r in work.missing.items()}
    assert codes == {
        "2Bob": "duplicate_id", "2Bob Two": "duplicate_id", "4Di": "same_file", "5Ed": "same_file", "6Fay": "outside",
        "7Gus": "not_found", "8": "empty_field", "9Hal": "no_file", "Ida": "no_student_id",
    }
    assert sorted(work.names.values()) == ["Ann.jpg", "Cy.jpg"] and work.case_matched == 1
    assert "(rows 3, 4)" in work.missing[1].text  # the list's own line numbers, the header being line 1
    # two students whose names are one file on a case-insensitive disk: both refused, neither overwrites
    twins = read_students(write_list(tmp_path / "t.csv", [["1", "Ann", "1a", "a.jpg"], ["2", "ANN", "1a", "b.jpg"]]), {"name"})
    clash = plan(twins.students, photos, parse_pattern("{name}.jpg"), "pl")
    assert [r.code for r in clash.missing.values()] == ["name_collision"] * 2 and "„Ann.jpg”" in clash.missing[0].text


# ---- the export, with a stand-in engine (folder rules; the real engine is tested below) -----


class CannedEngine:
    """Answers as `process_photo` does, from the photo's content ("accept", "review", "no",
    "crash"), so the folder and CSV rules are tested without the models."""

    jpeg = jpeg_bytes(np.full((633, 492, 3), 180, np.uint8))

    def __init__(self, workers, timeout):
        self.capacity = 2

    async def start(self):
        pass

    async def stop(self):
        pass

    async def run(self, args):
        kind = args["data"].split(b":")[0].decode()
        if kind == "crash":
            raise JobFailed("processing_failed", "The engine stopped while processing this photo.")
        report = {"verdict": "reject", "score": 30, "error": None, "main_problem": {"title": "Oczy", "message": "M"}}
        if kind == "accept":
            return {"report": report, "fixed": self.jpeg, "fix": {"written": True}, "fixed_report": {"verdict": "accept", "score": 91}}
        if kind == "review":
            fixed = {"verdict": "review", "score": 70, "main_problem": {"title": "Nakrycie głowy", "message": "Prosimy sprawdzić."}}
            return {"report": report, "fixed": self.jpeg, "fix": {"written": True}, "fixed_report": fixed}
        return {"report": report, "fixed": None, "fix": {"written": False, "reasons": [{"id": "face.eyes", "message": "Oczy zamknięte."}]}}


@pytest.fixture
def canned(monkeypatch):
    monkeypatch.setattr(export_engine, "LocalEngine", CannedEngine)


def _folder(tmp_path: Path, files: dict[str, bytes]) -> Path:
    photos = tmp_path / "photos"
    photos.mkdir(exist_ok=True)
    for name, data in files.items():
        (photos / name).write_bytes(data)
    return photos


def test_only_accepted_photos_are_written_and_everyone_else_is_missing_with_a_reason(tmp_path, canned, capsys):
    photos = _folder(tmp_path, {"a.jpg": b"accept:1", "b.jpg": b"review:2", "c.jpg": b"no:3", "d.jpg": b"crash:4",
                                "e.jpg": b"accept:5", "f.jpg": b"accept:5", "stray.jpg": b"accept:9"})
    rows = [["1", "Anna Łoś", "1a", "a.jpg"], ["2", "Bea", "1a", "b.jpg"], ["3", "Cyd", "1a", "c.jpg"],
            ["4", "=HYPERLINK(1)", "1a", "d.jpg"], ["5", "Eve", "1b", "e.jpg"], ["6", "Fox", "1b", "f.jpg"], ["7", "Gil", "1b", "g.jpg"]]
    students = write_list(tmp_path / "l.csv", rows)
    out = tmp_path / "out"
    assert main(["export", str(photos), "--students", str(students), "--out", str(out)]) == 1
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0] == "Pliki w folderze ze zdjęciami, których nie ma na liście: 1."
    assert lines[1].startswith("Wyeksportowano 1 zdjęcie do ") and "bez zdjęcia: 6" in lines[1]
    assert sorted(p.name for p in out.iterdir()) == [".idphoto-export.json", "1a_Anna Łoś_1.jpg", "exported.csv", "missing.csv"]
    assert (out / "1a_Anna Łoś_1.jpg").read_bytes() == CannedEngine.jpeg

    missing = read_csv(out / "missing.csv")
    assert missing[0] == header(MISSING_COLUMNS)
    reasons = {row["Identyfikator"]: row for row in by_id(missing).values()}
    assert {k: r["Kod powodu"] for k, r in reasons.items()} == {
        "2": "review", "3": "not_fixable", "4": "unreadable", "5": "same_photo", "6": "same_photo", "7": "not_found"}
    assert reasons["2"]["Powód"].endswith("decyzji sekretariatu: Nakrycie głowy.") and reasons["2"]["Co zrobić"] == "Prosimy sprawdzić."
    assert "Oczy" in reasons["3"]["Powód"] and "processing_failed" in reasons["4"]["Powód"]
    assert reasons["4"]["Imię i nazwisko"] == "'=HYPERLINK(1)"  # shown as text by Excel, never run
    assert all(r["Powód"] and r["Co zrobić"] for r in reasons.values())
    exported = read_csv(out / "exported.csv")
    assert exported == [header(EXPORTED_COLUMNS), ["1", "Anna Łoś", "1a", "a.jpg", "1a_Anna Łoś_1.jpg", "91"]]
    again = read_students(out / "missing.csv", {"name", "class"})  # missing.csv is a student list for the next round
    assert [s.student_id for s in again.students] == ["2", "3", "4", "5", "6", "7"] and again.students[2].name == "=HYPERLINK(1)"


def test_an_output_folder_is_never_mixed_and_replace_removes_only_what_export_wrote(tmp_path, canned, capsys):
    photos = _folder(tmp_path, {"a.jpg": b"accept:1", "b.jpg": b"accept:2"})
    students = write_list(tmp_path / "l.csv", [["1", "Ann", "1a", "a.jpg"], ["2", "Bob", "1a", "b.jpg"]])
    out = tmp_path / "out"

    def run(*extra: str) -> int:
        return main(["export", str(photos), "--students", str(students), "--out", str(out), "--lang", "en", *extra])

    assert run() == 0 and "every student on the list (2) has a photo" in capsys.readouterr().out
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert run() == 2 and "add --replace" in capsys.readouterr().err  # a second export into it is refused...
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before  # ...and changes nothing

    (photos / "b.jpg").write_bytes(b"no:2")  # Bob's photo is now refused: his old file must not stay
    (out / "Thumbs.db").write_bytes(b"")  # what Windows Explorer leaves is no reason to refuse
    assert run("--replace", "--pattern", "{student_id}.jpg") == 1
    assert sorted(p.name for p in out.iterdir() if p.suffix == ".jpg") == ["1.jpg"]
    assert not any(p.name.startswith(".idphoto-work") for p in out.iterdir())

    (out / "notes.txt").write_text("the secretary's own file")
    assert run("--replace") == 2 and "notes.txt" in capsys.readouterr().err
    assert (out / "notes.txt").exists() and (out / "1.jpg").exists()
    (tmp_path / "file").write_text("x")
    code = main(["export", str(photos), "--students", str(students), "--out", str(tmp_path / "file")])
    assert code == 2 and "jest plikiem" in capsys.readouterr().err


def test_an_unwritable_output_folder_is_one_line_and_exit_2(tmp_path, canned, capsys):
    photos = _folder(tmp_path, {"a.jpg": b"accept:1"})
    students = write_list(tmp_path / "l.csv", [["1", "Ann", "1a", "a.jpg"]])
    out = _unwritable_dir(tmp_path) / "export"
    assert main(["export", str(photos), "--students", str(students), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Nie można zapisać" in err and "Traceback" not in err


def _unwritable_dir(tmp_path: Path) -> Path:
    """A folder nothing may be created in: a read-only one, or for root (who may write
    anywhere) sysfs."""
    if os.geteuid() != 0:
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        return locked
    if Path("/sys").is_dir() and _cannot_create_in("/sys"):
        return Path("/sys")
    pytest.skip("no folder this user cannot write to")


def _cannot_create_in(folder: str) -> bool:
    try:
        Path(folder, ".idphoto-probe").write_bytes(b"")
    except OSError:
        return True
    Path(folder, ".idphoto-probe").unlink()
    return False


# ---- the export with the real engine ---------------------------------------------------------


def test_a_photo_that_kills_its_worker_takes_no_other_with_it(tmp_path, astronaut, monkeypatch, capsys):
    """No shared photos needed: the astronaut (refused by the engine for its resolution), a
    truncated copy, a text file, a missing file, and one photo whose job crashes the worker."""
    from service.batch.engines import LocalEngine
    from service.workers import Job

    good = jpeg_bytes(astronaut)
    poison = jpeg_bytes(cv2.resize(astronaut, (500, 500)))

    lost = []

    class CrashingEngine(LocalEngine):
        async def run(self, args):
            if args["data"] == poison:  # a native crash of the engine on this photo (tests/jobs.py)
                try:
                    await self._pool.run(Job("crash", {}))
                except JobFailed as exc:
                    lost.append(exc.worker_lost)
                    raise
            return await super().run(args)

    monkeypatch.setenv("IDPHOTO_ENGINE_JOBS", "tests.jobs")
    monkeypatch.setattr(export_engine, "LocalEngine", CrashingEngine)
    photos = _folder(tmp_path, {"astronaut.jpg": good, "poison.jpg": poison, "cut.jpg": good[: len(good) // 3],
                                "notes.jpg": b"not a photo", "after.jpg": jpeg_bytes(astronaut, quality=80)})
    rows = [["1", "A", "1a", "poison.jpg"], ["2", "B", "1a", "astronaut.jpg"], ["3", "C", "1a", "cut.jpg"],
            ["4", "D", "1a", "notes.jpg"], ["5", "E", "1a", "gone.jpg"], ["6", "F", "1a", "after.jpg"]]
    students = write_list(tmp_path / "l.csv", rows)
    out = tmp_path / "out"
    code = main(["export", str(photos), "--students", str(students), "--out", str(out), "--workers", "1", "--lang", "en"])
    assert code == 1 and "Traceback" not in capsys.readouterr().err
    assert lost == [True], "the worker really died on the poison photo"
    assert sorted(p.name for p in out.iterdir()) == [".idphoto-export.json", "exported.csv", "missing.csv"]
    missing = by_id(read_csv(out / "missing.csv"))
    codes = {k: (row["Reason code"], row["Reason"]) for k, row in missing.items()}
    assert codes["1"][0] == "unreadable" and "processing_failed" in codes["1"][1]
    assert codes["2"][0] == codes["6"][0] == "not_fixable" and "Resolution" in codes["2"][1]  # judged after the crash
    assert codes["3"][0] == "unreadable" and "truncated" in codes["3"][1]
    assert codes["4"][0] == "unreadable" and "not_an_image" in codes["4"][1]
    assert codes["5"][0] == "not_found"
    assert read_csv(out / "exported.csv") == [header(EXPORTED_COLUMNS, "en")]


@pytest.fixture(scope="module")
def shared_class(tmp_path_factory):
    """A class of real photos: four compliant ones, one non-compliant portrait, one group,
    one without a face, plus a damaged copy and a file that is not there."""
    rows = manifest()
    if not rows:
        pytest.skip("../shared/photos is absent")
    pick = [r["file"] for r in rows if r["category"] == "good_id"][:4]
    pick += [next(r["file"] for r in rows if r["category"] == c) for c in ("portrait_noncompliant", "group", "no_face")]
    root = tmp_path_factory.mktemp("export")
    photos = root / "zdjęcia"
    photos.mkdir()
    for name in pick:
        (photos / name).write_bytes((SHARED / name).read_bytes())
    data = (SHARED / pick[0]).read_bytes()
    (photos / "uszkodzone.jpg").write_bytes(data[: len(data) // 2])
    names = ["Zofia Wójcik", "Łukasz Żak", "Anna Nowak", "Jan Kowalski", "Ewa Lis", "Piotr Mazur", "Iga Dąb"]
    students = [[str(100 + i), names[i], "1a" if i < 4 else "1b", name] for i, name in enumerate(pick)]
    students += [["200", "Ola Kot", "2a", "uszkodzone.jpg"], ["201", "Tomasz Brak", "2a", "brak.jpg"]]
    return root, photos, students, pick


def test_the_export_on_real_photos_writes_only_what_our_check_accepts_after_fix(shared_class, capsys):
    from service import check
    from service.fix import fix

    root, photos, students, _ = shared_class
    listing = write_list(root / "lista.csv", students)
    out = root / "dla-drukarni"
    code = main(["export", str(photos), "--students", str(listing), "--out", str(out), "--workers", "2"])
    summary = capsys.readouterr().out

    profile = load_profile()
    expected = {}  # the engine's own answer, got in this process: which students it accepts after fix
    for student_id, name, klass, file in students:
        path = photos / file
        if path.is_file() and file != "uszkodzone.jpg":
            result = fix(path.read_bytes())
            expected[student_id] = result.jpeg is not None and result.report.verdict == "accept"
    accepted = [s for s in students if expected.get(s[0])]
    assert 0 < len(accepted) < len(students), "the class must mix accepted and refused photos"
    assert code == 1 and f"Wyeksportowano {plural(len(accepted), 'photo', 'pl')}" in summary

    written = sorted(p.name for p in out.glob("*.jpg"))
    assert written == sorted(f"{klass}_{name}_{sid}.jpg" for sid, name, klass, _ in accepted)  # names as the pattern says
    for file in written:
        data = (out / file).read_bytes()
        image = Image.open(io.BytesIO(data))
        assert image.format == "JPEG" and image.size == (profile.output.width, profile.output.height)
        assert not image.getexif() and b"Exif" not in data[:64 * 1024]  # no EXIF: no phone, place or date
        assert check(data).verdict == "accept"

    missing = read_csv(out / "missing.csv")
    assert missing[0] == header(MISSING_COLUMNS)
    missing_rows = by_id(missing)
    assert set(missing_rows) == {s[0] for s in students} - {s[0] for s in accepted}  # every other student, once
    assert all(row["Powód"] and row["Co zrobić"] for row in missing_rows.values())
    assert missing_rows["200"]["Kod powodu"] == "unreadable" and "truncated" in missing_rows["200"]["Powód"]
    assert missing_rows["201"]["Kod powodu"] == "not_found"
    assert {row["Kod powodu"] for sid, row in missing_rows.items() if sid in expected} <= {"review", "reject", "not_fixable"}
    exported = read_csv(out / "exported.csv")
    assert exported[0] == header(EXPORTED_COLUMNS)
    assert [row[:5] for row in exported[1:]] == [[*s, f"{s[2]}_{s[1]}_{s[0]}.jpg"] for s in accepted]
    assert all(int(row[5]) > profile.verdict_caps["review"] for row in exported[1:])  # accept's band

    # the next round: only the accepted students, into the same folder, with --replace: exit 0
    again = write_list(root / "lista2.csv", accepted[:-1])
    assert main(["export", str(photos), "--students", str(again), "--out", str(out), "--replace", "--ascii", "--lang", "en"]) == 0
    assert "every student on the list" in capsys.readouterr().out
    ascii_names = sorted(clean(f"{klass}_{name}_{sid}", ascii=True) + ".jpg" for sid, name, klass, _ in accepted[:-1])
    assert sorted(p.name for p in out.glob("*.jpg")) == ascii_names  # the last one's old photo is gone
    assert read_csv(out / "missing.csv") == [header(MISSING_COLUMNS, "en")]
