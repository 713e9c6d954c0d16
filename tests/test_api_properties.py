"""Property test of the HTTP API: whatever the body, content type, language or parameters, no
5xx, and every error is a problem document with a documented code and a detail."""

import io

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.api import Settings, create_app
from service.api.problems import ProblemCode

from .conftest import jpeg_bytes


@pytest.fixture(scope="module")
def client():
    with TestClient(create_app(Settings(workers=1, max_waiting=8, job_timeout=60, api_token=None, cors_origins=[]))) as c:
        yield c


@pytest.fixture(scope="module")
def real_jpeg(astronaut) -> bytes:
    return jpeg_bytes(astronaut, quality=80)


def _body(data, real: bytes) -> bytes:
    """A real JPEG, one cut short with junk after it, random bytes, or nothing (drawn as small values,
    so failing examples print short)."""
    kind = data.draw(st.sampled_from(["real", "damaged", "random", "empty"]))
    if kind == "real":
        return real
    if kind == "damaged":
        return real[: data.draw(st.integers(0, len(real)))] + data.draw(st.binary(max_size=64))
    return data.draw(st.binary(max_size=2048)) if kind == "random" else b""


def _multipart(fields: dict[str, bytes], boundary: str = "hypothesisboundary") -> bytes:
    out = io.BytesIO()
    for name, data in fields.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="a.jpg"\r\n'.encode())
        out.write(b"Content-Type: image/jpeg\r\n\r\n" + data + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue()


text = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=0x24F), max_size=12)
header_text = st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=40)
params = st.fixed_dictionaries(
    {},
    optional={
        "profile": st.one_of(st.just("register-1mb"), text),
        "lang": st.one_of(st.sampled_from(["pl", "en"]), text),
        "max_kb": st.one_of(st.integers(-5, 100_000), text),
        "width": st.one_of(st.integers(-5, 10_000), text),
        "pad": st.one_of(st.booleans(), text),
    },
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), endpoint=st.sampled_from(["/v1/check", "/v1/fix", "/v1/compare"]), query=params)
def test_no_input_makes_the_api_fail_with_5xx(client, real_jpeg, data, endpoint, query):
    body = _body(data, real_jpeg)
    style = data.draw(st.sampled_from(["raw", "multipart", "multipart-wrong-field", "odd-type"]))
    if style == "raw":
        content, ctype = body, data.draw(st.sampled_from(["image/jpeg", "image/png", "application/octet-stream"]))
    elif style == "multipart":
        names = ("current", "new") if endpoint == "/v1/compare" else ("photo",)
        content = _multipart({n: body for n in names})
        ctype = "multipart/form-data; boundary=hypothesisboundary"
    elif style == "multipart-wrong-field":
        content, ctype = _multipart({"file": body}), "multipart/form-data; boundary=hypothesisboundary"
    else:
        content, ctype = body, data.draw(header_text)
    language = data.draw(st.one_of(st.sampled_from(["pl", "en-GB,en;q=0.8", "de, en;q=0.1", ""]), header_text))
    response = client.post(endpoint, params=query, content=content, headers={"Content-Type": ctype, "Accept-Language": language})
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert response.headers["content-type"].startswith("application/problem+json")
        problem = response.json()
        assert ProblemCode(problem["code"]) and problem["detail"].strip()
