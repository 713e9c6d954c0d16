import jsonschema

from service import Report, check

from .conftest import jpeg_bytes


def test_reports_validate_against_the_published_json_schema(astronaut):
    schema = Report.model_json_schema()
    for report in (check(jpeg_bytes(astronaut)), check(b"", file="empty.jpg")):
        jsonschema.validate(report.model_dump(mode="json"), schema)


def test_every_check_has_a_message_and_unreadable_reports_have_no_checks():
    report = check(b"\xff\xd8\xff\xe0 broken")
    assert report.error is not None and report.checks == [] and report.score is None
