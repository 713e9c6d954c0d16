"""The HTTP service, end to end through the real engine worker processes."""

import asyncio
import base64
import io

import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from service.api import Settings, create_app
from service.profile import available_profiles
from service.workers import Busy, EnginePool, Job, JobFailed

from .conftest import jpeg_bytes


@pytest.fixture(scope="module")
def portrait_jpeg(good_face) -> bytes:
    import cv2

    face = good_face if good_face.shape[0] >= 1000 else cv2.resize(good_face, None, fx=4, fy=4)
    return jpeg_bytes(face)


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(Settings(workers=1, max_waiting=4, job_timeout=60, api_token=None, cors_origins=[]))) as c:
        yield c


def _problem(response, status, code):
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status and body["code"] == code and body["detail"] and body["type"].endswith(code)
    return body


def test_check_accepts_multipart_and_raw_jpeg(client, portrait_jpeg):
    multipart = client.post("/v1/check?lang=en", files={"photo": ("x.jpg", portrait_jpeg, "image/jpeg")})
    raw = client.post("/v1/check?lang=en", content=portrait_jpeg, headers={"Content-Type": "image/jpeg"})
    assert multipart.status_code == raw.status_code == 200
    assert multipart.json()["verdict"] == raw.json()["verdict"]
    assert multipart.json()["faces"] == 1 and multipart.json()["checks"][0]["message"]


def test_a_raw_octet_stream_body_is_read_by_its_magic_bytes(client, portrait_jpeg, astronaut):
    octet = {"Content-Type": "application/octet-stream"}
    as_octets = client.post("/v1/check?lang=en", content=portrait_jpeg, headers=octet)
    as_jpeg = client.post("/v1/check?lang=en", content=portrait_jpeg, headers={"Content-Type": "image/jpeg"})
    assert as_octets.status_code == 200 and as_octets.json()["verdict"] == as_jpeg.json()["verdict"]
    png = io.BytesIO()
    Image.fromarray(astronaut).save(png, "PNG")
    report = client.post("/v1/check?lang=en", content=png.getvalue(), headers=octet).json()
    assert report["image"]["format"] == "PNG" and report["faces"] == 1  # a PNG, whatever the header said
    _problem(client.post("/v1/check", content=b"%PDF-1.4 not a photo", headers=octet), 422, "not_an_image")
    overlay = client.post("/v1/overlay", content=portrait_jpeg, headers=octet)
    assert overlay.status_code == 200 and overlay.headers["content-type"] == "image/jpeg"


def test_problem_details_speak_the_requests_language(client):
    raw = {"content": b"\xff\xd8\xff\xe0" + b"\x00" * 40}
    polish = _problem(client.post("/v1/check", **raw, headers={"Content-Type": "image/jpeg"}), 422, "truncated")
    english = _problem(client.post("/v1/check?lang=en", **raw, headers={"Content-Type": "image/jpeg"}), 422, "truncated")
    by_header = client.post("/v1/check", **raw, headers={"Content-Type": "image/jpeg", "Accept-Language": "en-GB,en;q=0.9,pl;q=0.5"})
    assert polish["detail"].startswith("Plik jest uszkodzony") and english["detail"].startswith("The file is damaged")
    assert _problem(by_header, 422, "truncated")["detail"] == english["detail"]
    query_wins = client.post("/v1/check?lang=pl", **raw, headers={"Content-Type": "image/jpeg", "Accept-Language": "en"})
    assert _problem(query_wins, 422, "truncated")["detail"] == polish["detail"]
    # refused before any route runs (no photo read, a bad parameter): still in the caller's language
    wrong_type = {"content": b"x", "headers": {"Content-Type": "text/plain", "Accept-Language": "pl-PL"}}
    assert "Prosimy przesłać zdjęcie jako multipart/form-data" in _problem(client.post("/v1/check", **wrong_type), 415, "unsupported_media_type")["detail"]
    bad_lang = client.post("/v1/check?lang=de", content=b"x", headers={"Content-Type": "image/jpeg", "Accept-Language": "en"})
    body = _problem(bad_lang, 422, "invalid_request")
    assert body["detail"] == "Invalid request parameters: lang." and body["invalid_params"][0]["name"] == "lang"
    assert _problem(client.get("/v1/nothing", headers={"Accept-Language": "de, en;q=0.1"}), 404, "not_found")["detail"].startswith("There is")
    assert _problem(client.get("/v1/nothing"), 404, "not_found")["detail"].startswith("Pod tym adresem")


def test_a_profiles_limits_appear_in_the_problem_texts(client):
    """The numbers in a detail are the profile's, written the way the language writes them."""
    import struct
    import zlib

    from service.profile import load_profile

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    def png_header(width, height):  # only the header counts: it is refused before any pixel is decoded
        ihdr = chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        return b"\x89PNG\r\n\x1a\n" + ihdr + chunk(b"IDAT", zlib.compress(b"\x00" * 100)) + chunk(b"IEND", b"")

    limits = load_profile().file_limits
    thin = png_header(limits.max_side + 1, 100)
    pl = _problem(client.post("/v1/check", content=thin, headers={"Content-Type": "image/png"}), 422, "bad_dimensions")["detail"]
    en = _problem(client.post("/v1/check?lang=en", content=thin, headers={"Content-Type": "image/png"}), 422, "bad_dimensions")["detail"]
    thousands, rest = divmod(limits.max_side, 1000)
    assert f"{thousands}\u00a0{rest:03d} px" in pl and f"{thousands},{rest:03d} px" in en
    assert f"od {limits.min_side} do" in pl


def test_fix_answers_the_jpeg_with_score_headers_or_json(client, clean_portrait):
    portrait_jpeg = clean_portrait
    response = client.post("/v1/fix?max_kb=60", files={"photo": ("x.jpg", portrait_jpeg, "image/jpeg")})
    assert response.status_code == 200 and response.headers["content-type"] == "image/jpeg"
    assert 0 <= int(response.headers["x-idphoto-score"]) <= 100 and response.headers["x-idphoto-verdict"]
    image = Image.open(io.BytesIO(response.content))
    assert image.size == (492, 633) and len(response.content) <= 60 * 1024
    as_json = client.post(
        "/v1/fix", files={"photo": ("x.jpg", portrait_jpeg, "image/jpeg")}, headers={"Accept": "application/json"}
    )
    body = as_json.json()
    assert as_json.status_code == 200 and body["fix"]["written"] and body["verdict"] != "reject"
    assert base64.b64decode(body["image_base64"])[:3] == b"\xff\xd8\xff"


def test_fix_refuses_an_output_below_the_profiles_minimum_before_reading_the_photo(client):
    body = _problem(client.post("/v1/fix?width=300&lang=en", content=b"never read", headers={"Content-Type": "image/jpeg"}), 422, "output_too_small")
    assert "492 px" in body["detail"]


def test_fix_never_hands_out_a_photo_our_check_rejects(client, portrait_jpeg):
    """The stand-in portrait without ../shared is the astronaut enlarged 4x: the check rejects it
    for its detail, so auto-fix refuses; with the shared studio photo it is written."""
    response = client.post("/v1/fix?lang=en", content=portrait_jpeg, headers={"Content-Type": "image/jpeg", "Accept": "application/json"})
    checked = client.post("/v1/check?lang=en", content=portrait_jpeg, headers={"Content-Type": "image/jpeg"}).json()
    if checked["verdict"] == "reject":
        body = _problem(response, 422, "not_fixable")
        failing = {c["id"] for c in checked["checks"] if c["status"] == "fail"}
        assert {r["id"] for r in body["reasons"]} <= failing and body["reasons"]
    else:
        assert response.status_code == 200 and response.json()["verdict"] != "reject"


def test_fix_that_cannot_be_done_says_why(client, astronaut):
    response = client.post("/v1/fix", files={"photo": ("x.jpg", jpeg_bytes(astronaut), "image/jpeg")})
    body = _problem(response, 422, "not_fixable")
    assert [r["id"] for r in body["reasons"]] == ["image.resolution"]


def test_compare_prefers_the_better_photo_and_says_why(client, portrait_jpeg):
    grey = np.asarray(Image.open(io.BytesIO(portrait_jpeg)).convert("L").convert("RGB"))
    response = client.post(
        "/v1/compare?lang=en",
        files={"current": ("a.jpg", portrait_jpeg, "image/jpeg"), "new": ("b.jpg", jpeg_bytes(grey), "image/jpeg")},
    )
    body = response.json()
    assert response.status_code == 200 and body["preferred"] == "current"
    colour = next(c for c in body["checks"] if c["id"] == "image.colour")
    assert colour == colour | {"current": "pass", "new": "fail", "better": "current"}
    assert body["current"]["verdict"] and body["new"]["verdict"] == "reject"


@pytest.mark.parametrize(
    ("data", "code"),
    [(b"", "empty"), (b"not a photo at all", "not_an_image"), (b"\xff\xd8\xff\xe0" + b"\x00" * 40, "truncated")],
)
def test_unreadable_photos_are_422_with_the_engine_code(client, data, code):
    _problem(client.post("/v1/check", content=data, headers={"Content-Type": "image/jpeg"}), 422, code)


def test_truncated_real_jpeg_is_422(client, portrait_jpeg):
    response = client.post("/v1/check", content=portrait_jpeg[:5000], headers={"Content-Type": "image/jpeg"})
    _problem(response, 422, "truncated")


def test_request_errors(client, portrait_jpeg):
    _problem(client.post("/v1/check", content=b"x", headers={"Content-Type": "text/plain"}), 415, "unsupported_media_type")
    _problem(client.post("/v1/check", files={"other": ("x.jpg", portrait_jpeg)}), 422, "missing_photo")
    _problem(client.post("/v1/check?profile=nope", content=portrait_jpeg, headers={"Content-Type": "image/jpeg"}), 422, "unknown_profile")
    _problem(client.post("/v1/check?lang=de", content=portrait_jpeg, headers={"Content-Type": "image/jpeg"}), 422, "invalid_request")
    _problem(client.post("/v1/fix?max_kb=0", content=portrait_jpeg, headers={"Content-Type": "image/jpeg"}), 422, "invalid_request")
    _problem(
        client.post("/v1/check", content=b"--zz\r\nbroken", headers={"Content-Type": "multipart/form-data; boundary=zz"}),
        422,
        "missing_photo",
    )
    _problem(client.get("/v1/nothing"), 404, "not_found")
    _problem(client.get("/v1/check"), 405, "method_not_allowed")


def test_too_large_is_413_before_the_body_is_read(client):
    limit = client.app.state.settings.max_upload_bytes
    declared = client.post("/v1/check", content=b"x" * 10, headers={"Content-Type": "image/jpeg", "Content-Length": str(limit + 1)})
    _problem(declared, 413, "too_large")

    sent = []

    def chunks():  # no Content-Length: the cap must hold while streaming
        for _ in range(limit // 65536 + 10):
            sent.append(1)
            yield b"\xff" * 65536

    _problem(client.post("/v1/check", content=chunks(), headers={"Content-Type": "image/jpeg"}), 413, "too_large")


def test_health_readiness_and_metrics(client, portrait_jpeg):
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json()["status"] == "ready"
    client.post("/v1/check", content=portrait_jpeg, headers={"Content-Type": "image/jpeg"})
    text = client.get("/metrics").text
    for name in ("idphoto_requests_total", "idphoto_request_seconds_bucket", "idphoto_rule_outcomes_total", "idphoto_photos_in_flight"):
        assert name in text
    assert 'endpoint="/v1/check"' in text and 'rule="face.count"' in text


def test_busy_engine_answers_503_with_retry_after(client, portrait_jpeg, monkeypatch):
    async def busy(job):
        raise Busy()

    monkeypatch.setattr(client.app.state.pool, "run", busy)
    response = client.post("/v1/check", content=portrait_jpeg, headers={"Content-Type": "image/jpeg"})
    _problem(response, 503, "busy")
    assert int(response.headers["retry-after"]) > 0


def test_openapi_documents_the_endpoints(client):
    spec = client.get("/openapi.json").json()
    assert {"/v1/check", "/v1/fix", "/v1/compare", "/healthz", "/readyz", "/metrics"} <= spec["paths"].keys()
    assert "multipart/form-data" in spec["paths"]["/v1/check"]["post"]["requestBody"]["content"]
    assert client.get("/docs").status_code == 200


def test_bearer_token_and_cors_when_configured(portrait_jpeg):
    settings = Settings(workers=1, max_waiting=1, job_timeout=60, api_token="s3cret", cors_origins=["https://school.example"])
    with TestClient(create_app(settings)) as c:
        _problem(c.post("/v1/check", content=portrait_jpeg, headers={"Content-Type": "image/jpeg"}), 401, "unauthorized")
        wrong = c.post("/v1/check", content=portrait_jpeg, headers={"Content-Type": "image/jpeg", "Authorization": "Bearer nope"})
        _problem(wrong, 401, "unauthorized")
        ok = c.post(
            "/v1/check", content=portrait_jpeg,
            headers={"Content-Type": "image/jpeg", "Authorization": "Bearer s3cret", "Origin": "https://school.example"},
        )
        assert ok.status_code == 200
        assert ok.headers["access-control-allow-origin"] == "https://school.example"
        assert c.get("/healthz").status_code == 200  # probes stay open


def test_a_crash_or_hang_on_one_photo_does_not_take_others_down(portrait_jpeg, monkeypatch):
    """The workers serve tests/jobs.py's table here: a real native crash (os.abort), a hang and
    an engine bug, beside the engine's own jobs."""
    import signal

    monkeypatch.setenv("IDPHOTO_ENGINE_JOBS", "tests.jobs")
    photo = {"data": portrait_jpeg, "profile": "e-legitymacja", "lang": "en"}

    async def scenario():
        pool = EnginePool(workers=1, max_waiting=1, job_timeout=2)
        await pool.start()
        try:
            (before,) = pool._workers
            with pytest.raises(JobFailed) as crashed:
                await pool.run(Job("crash", {}))
            assert crashed.value.code == "processing_failed" and crashed.value.worker_lost
            assert before.process.exitcode == -signal.SIGABRT  # it really died of the abort
            status, report = await pool.run(Job("check", photo))
            assert status == "ok" and report["faces"] == 1 and pool._workers[0] is not before

            with pytest.raises(JobFailed) as bug:  # an exception in the engine: reported, worker kept
                await pool.run(Job("raise", {}))
            assert bug.value.code == "processing_failed" and not bug.value.worker_lost
            status, _ = await pool.run(Job("check", photo))
            assert status == "ok"

            with pytest.raises(JobFailed) as hung:
                await pool.run(Job("sleep", {"seconds": 30}))
            assert hung.value.code == "processing_timeout"
            status, report = await pool.run(Job("check", photo))
            assert status == "ok"

            # bounded admission: one running + one waiting, the third is refused at once
            first = asyncio.create_task(pool.run(Job("sleep", {"seconds": 1})))
            second = asyncio.create_task(pool.run(Job("sleep", {"seconds": 0.1})))
            await asyncio.sleep(0.2)
            with pytest.raises(Busy):
                await pool.run(Job("sleep", {"seconds": 0}))
            await asyncio.gather(first, second)
        finally:
            await pool.stop()

    asyncio.run(scenario())


def test_the_shipped_workers_know_only_the_engines_jobs():
    """crash, sleep and raise were job kinds of service/workers.py itself."""
    from service import jobs, workers

    assert set(jobs.JOBS) == {"check", "fix", "compare", "overlay", "batch"}
    assert workers.JOBS_MODULE == "service.jobs"


def _exif_rotated(rgb: np.ndarray) -> bytes:
    """Stored turned 90 degrees counter-clockwise with EXIF orientation 6: upright when displayed."""
    from PIL import Image as PILImage

    exif = PILImage.Exif()
    exif[0x0112] = 6
    return jpeg_bytes(np.ascontiguousarray(np.rot90(rgb, 1)), exif=exif.tobytes())


def _cmyk_jpeg(rgb: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(rgb).convert("CMYK").save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


def _sixteen_bit_png(rgb: np.ndarray) -> bytes:
    grey = (np.asarray(Image.fromarray(rgb).convert("L"), dtype=np.uint16) * 257).astype(np.uint16)
    buffer = io.BytesIO()
    Image.fromarray(grey).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("make", "faces", "format_status"),
    [(_exif_rotated, 1, "pass"), (_cmyk_jpeg, 1, "pass"), (_sixteen_bit_png, 1, "fail")],
)
def test_awkward_but_readable_photos_are_analysed(client, portrait_jpeg, make, faces, format_status):
    rgb = np.asarray(Image.open(io.BytesIO(portrait_jpeg)).convert("RGB"))
    response = client.post("/v1/check?lang=en", content=make(rgb), headers={"Content-Type": "image/jpeg"})
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["faces"] == faces
    assert next(c for c in report["checks"] if c["id"] == "file.format")["status"] == format_status
    if make is _exif_rotated:  # analysed upright: eyes above the chin, eye line level
        assert report["face"]["right_eye"][1] < report["face"]["chin_y"]
        assert abs(report["face"]["pose"]["roll"]) < 15


def test_huge_dimensions_are_refused_unread(client):
    import struct
    import zlib

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    bomb = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 60_000, 60_000, 8, 2, 0, 0, 0))
    bomb += chunk(b"IDAT", zlib.compress(b"\x00" * 1000)) + chunk(b"IEND", b"")
    _problem(client.post("/v1/check", content=bomb, headers={"Content-Type": "image/png"}), 422, "too_many_pixels")


def test_check_can_carry_the_overlay_in_the_same_engine_run(client, portrait_jpeg):
    plain = client.post("/v1/check?lang=en", content=portrait_jpeg, headers={"Content-Type": "image/jpeg"}).json()
    drawn = client.post("/v1/check?lang=en&overlay=true", content=portrait_jpeg, headers={"Content-Type": "image/jpeg"}).json()
    assert "overlay_base64" not in plain
    assert (drawn["verdict"], drawn["score"]) == (plain["verdict"], plain["score"])
    image = Image.open(io.BytesIO(base64.b64decode(drawn["overlay_base64"])))
    assert image.format == "JPEG" and max(image.size) <= 800


def test_child_query_parameter_on_every_engine_endpoint(client, astronaut):
    from .child_photo import child_framed

    kid = jpeg_bytes(child_framed(astronaut))
    raw = {"content": kid, "headers": {"Content-Type": "image/jpeg"}}
    as_child = client.post("/v1/check?lang=en&child=true", **raw).json()
    as_adult = client.post("/v1/check?lang=en", **raw).json()
    position = {r["crop"]["child"]: next(c for c in r["checks"] if c["id"] == "face.position") for r in (as_child, as_adult)}
    assert position[True]["status"] == "pass" and position[False]["status"] != "pass"
    drawn = client.post("/v1/check?child=true&overlay=true", **raw).json()
    assert drawn["crop"] == as_child["crop"] and drawn["overlay_base64"]

    # the astronaut stand-in is enlarged, so neither is written; only the adult is refused for its frame
    child_refusal = _problem(client.post("/v1/fix?child=true", **raw), 422, "not_fixable")
    adult_refusal = _problem(client.post("/v1/fix", **raw), 422, "not_fixable")
    assert "face.position" in [r["id"] for r in adult_refusal["reasons"]]
    assert "face.position" not in [r["id"] for r in child_refusal["reasons"]]

    overlay = client.post("/v1/overlay?child=true", **raw)
    assert overlay.status_code == 200 and overlay.headers["x-idphoto-verdict"] == as_child["verdict"]
    both = {"current": ("a.jpg", kid, "image/jpeg"), "new": ("b.jpg", kid, "image/jpeg")}
    compared = client.post("/v1/compare?child=true", files=both).json()
    assert compared["current"]["crop"]["child"] is True and compared["new"]["crop"]["child"] is True
    _problem(client.post("/v1/check?child=maybe", **raw), 422, "invalid_request")


def test_a_long_or_path_like_profile_name_is_a_typed_422(client, astronaut):
    """A profile of 300 characters raised ENAMETOOLONG: HTTP 500."""
    raw = {"content": jpeg_bytes(astronaut), "headers": {"Content-Type": "image/jpeg"}}
    for name in ("p" * 300, "../rules/e-legitymacja", "e-legitymacja\x00"):  # refused by the schema's pattern
        _problem(client.post("/v1/check", params={"profile": name}, **raw), 422, "invalid_request")
    for name in ("messages", "nope"):  # the right shape, but not a profile
        _problem(client.post("/v1/check", params={"profile": name}, **raw), 422, "unknown_profile")
    spec = client.get("/openapi.json").json()
    (profile,) = [p for p in spec["paths"]["/v1/check"]["post"]["parameters"] if p["name"] == "profile"]
    assert profile["schema"]["enum"] == available_profiles() and profile["schema"]["maxLength"] == 64


def test_a_multipart_boundary_longer_than_rfc_2046_allows_is_a_typed_400(client, astronaut):
    """A boundary over 256 characters raised FormParserError outside the handler: HTTP 500."""
    boundary = "b" * 300
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"a.jpg\"\r\n"
            f"Content-Type: image/jpeg\r\n\r\n").encode() + jpeg_bytes(astronaut) + f"\r\n--{boundary}--\r\n".encode()
    response = client.post("/v1/check", content=body, headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    _problem(response, 400, "bad_multipart")


def test_a_worker_that_dies_while_idle_is_noticed_and_replaced(astronaut):
    """An idle worker killed from outside was handed the next job (422), and /readyz kept
    saying ready with no worker alive."""
    import os
    import signal
    import time

    settings = Settings(workers=1, max_waiting=2, job_timeout=60, api_token=None, cors_origins=[])
    with TestClient(create_app(settings)) as fresh:
        pool = fresh.app.state.pool
        (worker,) = pool._workers
        os.kill(worker.process.pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while worker.alive and time.monotonic() < deadline:
            time.sleep(0.05)
        assert pool.alive == 0
        ready = fresh.get("/readyz")
        assert ready.status_code == 200 and ready.json() | {"alive": 1, "replaced": 1} == ready.json()
        os.kill(pool._workers[0].process.pid, signal.SIGKILL)  # and again, now caught by the next job itself
        time.sleep(0.5)
        response = fresh.post("/v1/check", content=jpeg_bytes(astronaut), headers={"Content-Type": "image/jpeg"})
        assert response.status_code == 200 and response.json()["faces"] == 1


def test_every_log_line_is_json_including_library_warnings_and_worker_tracebacks(capsys):
    import json
    import logging
    import sys
    import warnings

    from service.api.logs import configure

    saved = {name: (logging.getLogger(name).handlers[:], logging.getLogger(name).propagate) for name in ("", "idphoto", "uvicorn.error")}
    configure(stream=sys.stderr)
    warnings.warn("a library warning")
    logging.getLogger("some.library").error("boom")
    try:
        raise RuntimeError("engine bug")
    except RuntimeError:
        logging.getLogger("idphoto.engine").exception("engine error", extra={"event": "engine_error"})
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]  # every line parses
    assert [r["logger"] for r in records] == ["py.warnings", "some.library", "idphoto.engine"]
    logging.captureWarnings(False)
    for name, (handlers, propagate) in saved.items():
        logging.getLogger(name).handlers[:] = handlers
        logging.getLogger(name).propagate = propagate
    assert records[-1]["error"] == "RuntimeError: engine bug"


def test_uploads_are_admitted_before_they_are_buffered_and_capped_together(astronaut):
    """200 near-limit uploads at once grew the server from 118 to 1,395 MB: the bodies were all
    buffered before admission. Now the declared size is taken from a shared budget before a
    byte is read, and given back when the response is sent."""
    photo = jpeg_bytes(astronaut)
    settings = Settings(workers=1, max_waiting=0, job_timeout=60, api_token=None, cors_origins=[],
                        max_buffered_bytes=len(photo) + 1000)
    with TestClient(create_app(settings)) as small:
        raw = {"headers": {"Content-Type": "image/jpeg"}}
        assert small.post("/v1/check", content=photo, **raw).status_code == 200
        assert small.post("/v1/check", content=photo, **raw).status_code == 200  # the budget came back
        budget_refusal = small.post("/v1/compare", files={"current": ("a.jpg", photo), "new": ("b.jpg", photo)})
        body = _problem(budget_refusal, 503, "busy")
        assert budget_refusal.headers["retry-after"] == "2" and body["detail"]
        assert small.post("/v1/check", content=photo, **raw).status_code == 200  # and after a refusal too

        pool = small.app.state.pool
        pool.waiting = pool.size + pool.max_waiting  # the engine is full: refused before the body is read
        try:
            _problem(small.post("/v1/check", content=photo, **raw), 503, "busy")
        finally:
            pool.waiting = 0


def test_a_change_request_gets_a_decision_not_only_a_preference(client, astronaut):
    """With both photos rejected (18 vs 39) the page said "System preferuje: nowe zdjęcie"."""
    from service.compare import compare
    from service.report import MainProblem, Report

    def report(verdict, score, problem=None):
        main = MainProblem(id="face.eyes", status="fail", title="Eyes", message=problem) if problem else None
        return Report(profile="e-legitymacja", lang="en", verdict=verdict, score=score, main_problem=main)

    both_rejected = compare(report("reject", 18), report("reject", 39, "The eyes are closed."), "en")
    assert both_rejected.preferred == "new" and both_rejected.decision == "reject_request"
    assert both_rejected.decision_reason == "The new photo does not meet the requirements. The eyes are closed."
    assert compare(report("reject", 20), report("accept", 90), "en").decision == "accept_new"
    assert compare(report("accept", 95), report("accept", 95), "en").decision == "accept_new"  # matches: fine
    lower = compare(report("accept", 95), report("accept", 85), "pl")
    assert lower.decision == "needs_decision" and "85 wobec 95 pkt" in lower.decision_reason
    assert compare(report("accept", 95), report("review", 70, "The eyes are closed."), "en").decision == "needs_decision"
    both = {"current": ("a.jpg", jpeg_bytes(astronaut), "image/jpeg"), "new": ("b.jpg", b"not a photo", "image/jpeg")}
    body = client.post("/v1/compare?lang=en", files=both).json()
    assert body["decision"] == "reject_request" and body["decision_reason"].startswith("The new photo cannot be read.")


def test_profiles_list_each_profiles_title_and_upload_limits_from_its_rules(client):
    from service.profile import DEFAULT_PROFILE, load_profile

    body = client.get("/v1/profiles").json()
    assert [p["id"] for p in body["profiles"]] == available_profiles()
    assert body["max_upload_bytes"] == client.app.state.settings.max_upload_bytes
    assert body["accepted_media_types"][0] == "image/jpeg" and "image/png" in body["accepted_media_types"]
    for info in body["profiles"]:
        profile = load_profile(info["id"])
        out = profile.output
        assert (info["max_bytes"], info["min_width_px"], info["min_height_px"]) == (out.max_bytes, out.width, out.height)
        assert info["output"] == {"media_type": "image/jpeg", "width_px": out.width, "height_px": out.height, "dpi": out.dpi, "max_bytes": out.max_bytes}
        assert info["title"]["pl"] and info["title"]["en"] and info["title"]["pl"] != info["title"]["en"]
        assert info["default"] == (info["id"] == DEFAULT_PROFILE)
    smaller = next(p for p in body["profiles"] if p["id"] == "register-1mb")
    assert smaller["max_bytes"] < next(p for p in body["profiles"] if p["default"])["max_bytes"]  # read per profile


def test_settings_come_from_idphoto_variables(monkeypatch):
    from service.profile import load_profile

    monkeypatch.setenv("IDPHOTO_WORKERS", "3")
    monkeypatch.setenv("IDPHOTO_JOB_TIMEOUT", "12.5")
    monkeypatch.setenv("IDPHOTO_CORS_ORIGINS", "https://a.example, https://b.example,")
    monkeypatch.setenv("IDPHOTO_API_TOKEN", "")
    settings = Settings()
    assert (settings.workers, settings.job_timeout, settings.api_token) == (3, 12.5, None)
    assert settings.cors_origins == ["https://a.example", "https://b.example"]
    assert settings.max_upload_bytes == load_profile().output.max_bytes + 1_048_576  # 0: from the profile
    assert settings.body_budget == (3 + 16) * settings.max_upload_bytes
    assert Settings(workers=1).workers == 1  # arguments win over the environment


@pytest.mark.parametrize(("name", "value"), [("IDPHOTO_WORKERS", "two"), ("IDPHOTO_WORKERS", "0"), ("IDPHOTO_JOB_TIMEOUT", "-1"), ("IDPHOTO_MAX_WAITING", "1.5")])
def test_an_invalid_setting_stops_the_server_naming_the_variable(monkeypatch, name, value):
    from service.api import SettingsError

    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as refused:
        Settings()
    assert f"{name}={value!r}" in str(refused.value)
