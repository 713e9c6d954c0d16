"""Contract test: schemathesis against the real server on loopback (`idphoto serve`, one engine
worker, a bearer token). Every operation of /openapi.json gets generated requests, valid and
invalid, with bodies drawn from real photos (the shared studio portrait when ../shared is
there, so fix writes one), the astronaut, damaged and random bytes; every response must be
documented, of a documented type, match its schema and headers, and be no 5xx; a call
without the token must be refused. Bounded: a few examples per operation (< 2 min)."""

from __future__ import annotations

import io
import itertools
from collections import Counter
from functools import cache

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from schemathesis import checks

from .conftest import SHARED
from .live import live_server

TOKEN = "contract-test-token"
MAX_EXAMPLES = 10
CHECKS = (
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_headers_conformance,
    checks.response_schema_conformance,
    checks.ignored_auth,
)
SEEN: Counter = Counter()  # (operation, status) of every response, for the summary test
FIXED: set[str] = set()  # the media types of the fixed photos /v1/fix answered
_accept = itertools.cycle(["application/json", "*/*"])  # fix answers both forms


@cache
def bodies() -> tuple[bytes, ...]:
    from PIL import Image
    from skimage import data

    buffer = io.BytesIO()
    Image.fromarray(data.astronaut()).save(buffer, "JPEG", quality=85)
    astronaut = buffer.getvalue()
    studio = SHARED / "dev_good_003.jpg"
    real = (studio.read_bytes(),) if studio.is_file() else ()
    return (*real, astronaut, astronaut[: len(astronaut) // 3], b"\x89PNG\r\n\x1a\n" + b"\x00" * 30, b"")


photo = st.one_of(st.deferred(lambda: st.sampled_from(bodies())), st.binary(max_size=64))
for media_type in ("image/jpeg", "image/png", "image/webp", "image/bmp", "image/tiff", "application/octet-stream"):
    schemathesis.openapi.media_type(media_type, photo)
schemathesis.openapi.format("binary", photo)  # the multipart fields


@pytest.fixture(scope="module")
def base():
    with live_server(workers=1, env={"IDPHOTO_API_TOKEN": TOKEN, "IDPHOTO_WORKERS": "1", "IDPHOTO_JOB_TIMEOUT": "60"}) as (url, _):
        yield url


def _document() -> dict:
    """The app's own document, built in-process (no engine starts); `test_the_server_serves_it`
    checks the live server answers the same one. (schemathesis' lazy fixture loader does not
    run on pytest 9, so the schema is loaded at import.)"""
    from service.api import Settings, create_app

    return create_app(Settings(workers=1, job_timeout=60, api_token=TOKEN, cors_origins=[])).openapi()


schema = schemathesis.openapi.from_dict(_document())


def test_the_server_serves_the_document_tested(base):
    import httpx

    served = httpx.get(f"{base}/openapi.json", timeout=10).json()
    assert served == schema.raw_schema


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_every_response_matches_the_contract(case, base):
    headers = {"Authorization": f"Bearer {TOKEN}"}
    if case.operation.path == "/v1/fix":
        headers["Accept"] = next(_accept)
    response = case.call(base_url=base, headers=headers, timeout=90)
    SEEN[(case.operation.label, response.status_code)] += 1
    if case.operation.path == "/v1/fix" and response.status_code == 200:
        FIXED.add(response.headers["content-type"][0].split(";")[0])  # schemathesis keeps every value of a header
    case.validate_response(response, checks=CHECKS, headers=headers)


def test_the_run_reached_every_operation_and_real_answers():
    """Guards the test above against passing by calling nothing: every operation was called,
    and the engine endpoints answered real reports, not only refusals."""
    if not SEEN:
        pytest.skip("the contract test did not run")
    operations = {op for op, _ in SEEN}
    assert operations == {
        "POST /v1/check", "POST /v1/fix", "POST /v1/compare", "POST /v1/overlay",
        "GET /v1/profiles", "GET /healthz", "GET /readyz", "GET /metrics",
    }
    for operation in ("POST /v1/check", "POST /v1/overlay", "POST /v1/compare", "GET /v1/profiles"):
        assert SEEN[(operation, 200)] > 0, operation
    assert not [key for key in SEEN if key[1] >= 500]
    if (SHARED / "dev_good_003.jpg").is_file():  # a photo auto-fix can fix: both forms of its answer were checked
        assert FIXED == {"image/jpeg", "application/json"}
    total = sum(SEEN.values())
    print(f"schemathesis: {len(operations)} operations, {total} responses, statuses {sorted(Counter(s for _, s in SEEN.elements()).items())}")
