"""Fuzz the whole OpenAPI schema as a county officer: no input may get a server error.

schemathesis generates requests from the schema the API publishes (``/api/v1/openapi.json``),
seeded and bounded so a run is reproducible and fits the suite; it runs on SQLite in ``make test``
and on PostgreSQL in ``make test-postgres``. A 5xx answer fails with the request that caused it.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from countyworks.core.services import api_token_create
from countyworks.wsgi import application

#: Examples per operation: enough to hit every bound (limit, offset, years, ids), small enough for CI.
EXAMPLES_PER_OPERATION = 10


schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


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
def test_no_server_error(case, officer_token, db):
    response = case.call(headers={"Authorization": f"Bearer {officer_token}"})
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path} query={case.query} body={case.body!r} "
        f"answered {response.status_code}: {response.text[:500]}"
    )
