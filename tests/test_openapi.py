"""The OpenAPI document is the contract a generated client is built from: every error a
problem document with its codes, the binary and JSON forms of fix with their headers, the
security scheme where auth applies, and examples that match their own schemas. No engine runs."""

from __future__ import annotations

import jsonschema
import pytest
from fastapi.testclient import TestClient

from service.api import Settings, create_app
from service.api.openapi import CODES
from service.api.problems import DETAIL_FROM_ENGINE, ProblemCode, problem_text
from service.errors import ErrorCode
from service.profile import available_profiles
from service.words import LANGS

PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def client():
    # No `with`: the lifespan (engine workers) is not started; the document needs none.
    return TestClient(create_app(Settings(workers=1, max_waiting=1, job_timeout=10, api_token="s3cret", cors_origins=[])))


@pytest.fixture(scope="module")
def spec(client) -> dict:
    return client.get("/openapi.json").json()


def _operations(spec):
    for path, methods in spec["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def _validator(spec, schema):
    """A validator for `schema` that resolves the document's #/components references."""
    return jsonschema.Draft202012Validator({**schema, "components": spec["components"]})


def test_info_describes_the_service_and_every_operation_has_a_readable_id(spec):
    assert "Accept-Language" in spec["info"]["description"] and "application/octet-stream" in spec["info"]["description"]
    ids = [operation["operationId"] for _, _, operation in _operations(spec)]
    assert len(ids) == len(set(ids)) and "check_photo" in ids and "list_profiles" in ids


def test_bearer_security_where_auth_applies(spec):
    assert spec["components"]["securitySchemes"]["bearer"] | {"type": "http", "scheme": "bearer"} == spec["components"]["securitySchemes"]["bearer"]
    for path, _, operation in _operations(spec):
        guarded = path.startswith("/v1/")
        assert (operation.get("security") == [{"bearer": []}]) == guarded, path
        assert ("401" in operation["responses"]) == guarded, path


def test_the_problem_schema_lists_every_code_and_each_error_response_its_own(spec):
    problem = spec["components"]["schemas"]["ProblemDetails"]
    assert set(problem["required"]) >= {"type", "title", "status", "detail", "code"}
    codes = spec["components"]["schemas"]["ProblemCode"]["enum"]
    assert set(codes) == {c.value for c in ProblemCode}
    assert {c.value for c in ErrorCode} - {"unreadable_file"} <= set(codes)  # every engine code a photo can get
    assert "reasons" in problem["properties"]
    for path, _, operation in _operations(spec):
        for status, response in operation["responses"].items():
            if status.startswith(("4", "5")):
                assert list(response["content"]) == [PROBLEM], (path, status)
                enum = response["content"][PROBLEM]["schema"]["allOf"][1]["properties"]["code"]["enum"]
                assert set(enum) <= set(codes) and all(f"`{c}`" in response["description"] for c in enum)
    fix_422 = spec["paths"]["/v1/fix"]["post"]["responses"]["422"]["content"][PROBLEM]["schema"]["allOf"][1]
    assert {"not_fixable", "output_too_small", "truncated", "processing_timeout"} <= set(fix_422["properties"]["code"]["enum"])
    compare_422 = spec["paths"]["/v1/compare"]["post"]["responses"]["422"]["content"][PROBLEM]["schema"]["allOf"][1]
    assert "truncated" not in compare_422["properties"]["code"]["enum"]  # an unreadable photo is in its report
    assert spec["paths"]["/v1/check"]["post"]["responses"]["503"]["content"][PROBLEM]["schema"]["allOf"][1]["properties"]["code"]["enum"] == ["busy"]


def test_fix_documents_the_jpeg_and_the_json_form_with_their_headers(spec):
    ok = spec["paths"]["/v1/fix"]["post"]["responses"]["200"]
    assert ok["content"]["image/jpeg"]["schema"] == {"type": "string", "format": "binary"}
    assert ok["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/FixedReport"}
    fixed = spec["components"]["schemas"]["FixedReport"]
    assert "image_base64" in fixed["required"] and {"score", "verdict", "fix", "checks"} <= fixed["properties"].keys()
    assert set(ok["headers"]) == {"X-Idphoto-Score", "X-Idphoto-Verdict", "X-Idphoto-Quality"}
    assert ok["headers"]["X-Idphoto-Verdict"]["schema"]["enum"] == ["accept", "review", "reject"]
    overlay = spec["paths"]["/v1/overlay"]["post"]["responses"]["200"]
    assert list(overlay["content"]) == ["image/jpeg"] and {"X-Idphoto-Score", "X-Idphoto-Verdict"} <= overlay["headers"].keys()


def test_the_check_report_carries_overlay_base64(spec):
    schema = spec["paths"]["/v1/check"]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
    report = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    assert "overlay_base64" in report["properties"] and "overlay_base64" not in report.get("required", [])


def test_uploads_accept_multipart_any_read_image_type_and_octet_stream(spec):
    for path in ("/v1/check", "/v1/fix", "/v1/overlay"):
        content = spec["paths"][path]["post"]["requestBody"]["content"]
        assert {"multipart/form-data", "image/jpeg", "image/png", "application/octet-stream"} <= content.keys()
        assert content["multipart/form-data"]["schema"]["required"] == ["photo"]
    assert spec["paths"]["/v1/compare"]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]["required"] == ["current", "new"]


def test_metrics_are_text_and_the_profile_parameter_an_enum(spec):
    assert list(spec["paths"]["/metrics"]["get"]["responses"]["200"]["content"]) == ["text/plain"]
    for path in ("/v1/check", "/v1/fix", "/v1/compare", "/v1/overlay"):
        (profile,) = [p for p in spec["paths"][path]["post"]["parameters"] if p["name"] == "profile"]
        assert profile["schema"]["enum"] == available_profiles()
        (lang,) = [p for p in spec["paths"][path]["post"]["parameters"] if p["name"] == "lang"]
        assert {"enum": ["pl", "en"], "type": "string"} in lang["schema"]["anyOf"]


def test_every_example_matches_its_own_schema(spec):
    checked = 0
    for path, _, operation in _operations(spec):
        for parameter in operation.get("parameters", []):
            if "example" in parameter:
                _validator(spec, parameter["schema"]).validate(parameter["example"])
                checked += 1
        for response in operation["responses"].values():
            for media_type, content in response.get("content", {}).items():
                examples = [content["example"]] if "example" in content else []
                examples += [e["value"] for e in content.get("examples", {}).values()]
                if media_type == PROBLEM:
                    assert set(content["examples"]) == set(content["schema"]["allOf"][1]["properties"]["code"]["enum"]), path
                for example in examples:
                    if "schema" in content and content["schema"].get("format") != "binary":
                        _validator(spec, content["schema"]).validate(example)
                        checked += 1
    assert checked > 80  # every problem code of every operation, the bodies, the query parameters


def test_every_problem_code_has_its_words_in_both_languages():
    values = {name: 1 for name in ("max_megapixels", "min_side", "max_side", "max_aspect", "max_scans", "limit_mb", "seconds", "max_boundary", "alive", "size", "http_status")}
    values |= {name: "x" for name in ("profile", "available", "fields", "accepted", "received", "reasons")}
    for code in ProblemCode:
        if code in DETAIL_FROM_ENGINE:
            continue
        texts = {lang: problem_text(code, lang, **values) for lang in LANGS}
        assert all(texts.values()) and texts["pl"] != texts["en"], code
        assert "{" not in "".join(texts.values()), code


def test_operations_document_only_the_codes_the_service_answers():
    assert set(CODES) == {"check", "overlay", "fix", "compare", "profiles", "readyz"}
    answered = {code for statuses in CODES.values() for codes in statuses.values() for code in codes}
    assert answered | {ProblemCode.NOT_FOUND, ProblemCode.METHOD_NOT_ALLOWED, ProblemCode.HTTP_ERROR, ProblemCode.INTERNAL_ERROR} == set(ProblemCode)


def test_docs_pages_load_their_assets_locally_under_the_page_csp(client):
    from service.web import PAGE_HEADERS

    docs = client.get("/docs")
    assert docs.status_code == 200 and docs.headers["content-security-policy"] == PAGE_HEADERS["Content-Security-Policy"]
    assert "<script>" not in docs.text and "http" not in docs.text  # no inline script, no outside URL
    for asset in ("/docs/assets/swagger-ui-bundle.js", "/docs/assets/swagger-ui.css", "/docs/swagger-init.js", "/docs/assets/redoc.standalone.js", "/docs/redoc-init.js"):
        response = client.get(asset)
        assert response.status_code == 200 and len(response.content) > 100, asset
    redoc = client.get("/redoc")
    csp = redoc.headers["content-security-policy"]
    nonce = redoc.text.split('data-nonce="')[1].split('"')[0]
    assert f"style-src 'self' 'nonce-{nonce}';" in csp and "script-src 'self';" in csp
    assert nonce != client.get("/redoc").text.split('data-nonce="')[1].split('"')[0]  # fresh on every load
