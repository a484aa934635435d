"""Out-of-range numbers are refused with 422 and the reason, never a server error.

The requests are the ones a fuzzing run found answering 500 before the bounds were in the schema
(``core/api_params.py``); the whole schema is fuzzed in ``test_fuzz.py``.
"""

from __future__ import annotations

import pytest

from countyworks.core.services import api_token_create

HUGE = "3684219626449753760617224732672"


@pytest.fixture
def bearer(changning):
    _token, raw = api_token_create(user=changning, name="bounds")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/core/regions?limit={HUGE}",
        "/api/v1/core/regions?limit=0",
        "/api/v1/core/organisations?offset=-1",
        f"/api/v1/workflow/meetings?offset={HUGE}",
        "/api/v1/workflow/tickets/overdue?limit=9223372036854775808",
        "/api/v1/innovation/enterprises?year=-4202244",
        "/api/v1/innovation/pools/counts?year=2376762543",
        f"/api/v1/innovation/evaluations?campaign={HUGE}",
        f"/api/v1/core/organisations/{HUGE}",
        "/api/v1/core/organisations/0",
        f"/api/v1/workflow/tickets/{HUGE}",
        f"/api/v1/energy/alarms?limit={HUGE}",
    ],
)
def test_out_of_range_query_is_422(client, bearer, path):
    response = client.get(path, **bearer)
    assert response.status_code == 422, response.content[:300]
    assert response.json()["detail"], "the answer names the reason"


def test_notification_ids_beyond_64_bits_are_422(client, bearer):
    response = client.post(
        "/api/v1/workflow/notifications/read",
        data={"ids": [2**64 + 5]},
        content_type="application/json",
        **bearer,
    )
    assert response.status_code == 422
    assert "ids" in str(response.json()["detail"])


def test_limit_within_bounds_still_pages(client, bearer):
    response = client.get("/api/v1/core/regions?limit=1000&offset=0", **bearer)
    assert response.status_code == 200
    assert len(response.json()["items"]) <= 1000
