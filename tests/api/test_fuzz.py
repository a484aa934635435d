"""Fuzz the whole OpenAPI schema as a county officer: no input may get a server error.

schemathesis generates requests from the schema the API publishes (``/api/v1/openapi.json``),
seeded and bounded so a run is reproducible and fits the suite; it runs on SQLite in ``make test``
and on PostgreSQL in ``make test-postgres``. A 5xx answer fails with the request that caused it.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

from countyworks.core.services import api_token_create
from countyworks.wsgi import application

#: Examples per operation: enough to hit every bound (limit, offset, years, ids), small enough for CI.
EXAMPLES_PER_OPERATION = 10


schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def keep_test_connection():
    """Call the WSGI app as Django's test client does: without closing the connection at the end
    of each request (that would close the test's transaction on PostgreSQL)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def officer_token(changning):
    _token, raw = api_token_create(user=changning, name="fuzz")
    return raw


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_error(case, officer_token, keep_test_connection):
    response = case.call(headers={"Authorization": f"Bearer {officer_token}"})
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path} query={case.query} body={case.body!r} "
        f"answered {response.status_code}: {response.text[:500]}"
    )
