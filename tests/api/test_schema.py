"""The API fuzzed from its own OpenAPI document (schemathesis): for every operation, a bounded,
derandomized set of generated requests; no answer is a server error and every answer is as
the document describes it (status, content type, body)."""

import time

import pytest
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import openapi
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests import figures

pytestmark = pytest.mark.django_db
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 25


def test_every_operation_answers_as_its_schema_says(catalogue, settings_override, request):
    schema = openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())
    # A known practice, so that the detail is fuzzed found as well as not found.
    slug = catalogue["audit"].slug
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {operation.path for operation in operations} >= {
        "/api/v1/practices/",
        "/api/v1/practices/{slug}/",
        "/api/v1/facets/",
        "/api/v1/themes/",
        "/api/v1/commitments/",
        "/api/v1/coalitions/",
        "/api/v1/cities/",
    }
    started = time.monotonic()
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def fuzz(case):
            response = case.call()
            case.validate_response(response, checks=CHECKS)

        fuzz()
        # And the known practice itself, in every language.
        if "{slug}" in operation.path:
            for language in ["en", "fr", "ar", "zh-hans"]:
                case = operation.Case(path_parameters={"slug": slug}, query={"lang": language})
                response = case.call()
                assert response.status_code == 200
                case.validate_response(response, checks=CHECKS)
    figures.record(
        request.config,
        f"schemathesis: {len(operations)} operations × {EXAMPLES} examples in "
        f"{time.monotonic() - started:.1f} s",
    )


@pytest.fixture
def settings_override(settings):
    """No rate limit in the way of the fuzzing, and the test's database connection kept open
    between requests, as Django's test client keeps it (the WSGI handler closes it at the end
    of each request, which on PostgreSQL would end the test's transaction)."""
    settings.API_RATE = "100000/min"
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
