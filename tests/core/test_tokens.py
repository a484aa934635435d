"""API tokens: they expire (API_TOKEN_TTL_DAYS), carry a name, rotate per name, record their last use
cheaply, and are listed on a page with create and revoke."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from countyworks.core.models import ApiToken
from countyworks.core.services import api_token_create, api_token_user
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _bearer(raw: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _obtain(client, **extra):
    body = {"username": "changning", "password": PASSWORD, **extra}
    return client.post("/api/v1/auth/token", body, content_type="application/json")


def test_a_token_expires_after_the_configured_days(settings, changning):
    settings.API_TOKEN_TTL_DAYS = 30
    token, _raw = api_token_create(user=changning, name="报表")
    assert abs(token.expires_at - (timezone.now() + timedelta(days=30))) < timedelta(minutes=1)


def test_an_expired_token_is_refused_with_a_clear_401(client, changning):
    token, raw = api_token_create(user=changning, name="报表")
    assert client.get("/api/v1/core/regions", **_bearer(raw)).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get("/api/v1/core/regions", **_bearer(raw))
    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_asking_again_for_the_same_name_rotates_instead_of_piling_up(client, changning):
    first = _obtain(client).json()
    second = _obtain(client).json()
    other = _obtain(client, name="数据大屏").json()
    assert first["name"] == second["name"] == "api" and other["name"] == "数据大屏"
    assert client.get("/api/v1/core/regions", **_bearer(first["token"])).status_code == 401
    assert client.get("/api/v1/core/regions", **_bearer(second["token"])).status_code == 200
    assert client.get("/api/v1/core/regions", **_bearer(other["token"])).status_code == 200
    live = ApiToken.objects.filter(user=changning, revoked_at__isnull=True)
    assert sorted(live.values_list("name", flat=True)) == ["api", "数据大屏"]
    assert second["expires_at"]


def test_last_used_is_written_at_most_once_a_minute(changning):
    token, raw = api_token_create(user=changning, name="报表")
    assert api_token_user(raw) == changning
    first_use = ApiToken.objects.get(pk=token.pk).last_used_at
    assert first_use is not None
    with CaptureQueriesContext(connection) as queries:
        assert api_token_user(raw) == changning
    assert not any(q["sql"].lstrip().upper().startswith("UPDATE") for q in queries.captured_queries)
    assert ApiToken.objects.get(pk=token.pk).last_used_at == first_use
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first_use - timedelta(minutes=2))
    api_token_user(raw)
    assert ApiToken.objects.get(pk=token.pk).last_used_at > first_use - timedelta(minutes=1)


def test_tokens_page_lists_expiry_and_state_and_revokes(login, changning, louxing):
    client = login(changning)
    expired, _ = api_token_create(user=changning, name="旧对接")
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(days=1))
    theirs, _ = api_token_create(user=louxing, name="娄星对接")
    response = client.post(reverse("tokens"), {"name": "数据对接"})
    body = response.content.decode()
    assert re.search(r'id="new-token">cw_[\w-]+<', body)
    assert "数据对接" in body and "已过期" in body and "有效期至" in body and "娄星对接" not in body
    mine = ApiToken.objects.get(user=changning, name="数据对接")
    client.post(reverse("tokens"), {"revoke": mine.pk})
    assert ApiToken.objects.get(pk=mine.pk).revoked_at is not None
    assert client.post(reverse("tokens"), {"revoke": theirs.pk}).status_code == 404
    assert ApiToken.objects.get(pk=theirs.pk).revoked_at is None


def test_tokens_page_needs_a_name(login, changning):
    response = login(changning).post(reverse("tokens"), {"name": "  "})
    assert "请填写令牌用途" in response.content.decode()
    assert not ApiToken.objects.filter(user=changning).exists()
