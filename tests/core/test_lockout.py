"""Login lockout (django-axes): per username, never per shared address; the proxy header only when trusted.

Behind the reverse proxy in docs/operations.md, or an office NAT, every client has the same
address: five wrong passwords from one person must lock that person's account, not everybody's.
"""

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory
from django.urls import reverse

from countyworks.core.proxy import client_ip
from tests.conftest import PASSWORD

OFFICE = "10.20.0.1"  # the proxy's (or the NAT's) address, shared by every client


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True
    settings.TRUSTED_PROXY_COUNT = 0


def _login(client, username, password, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def _fail_five_times(client, username, **extra):
    for _ in range(5):
        _login(client, username, "wrong-password", **extra)


@pytest.mark.django_db
def test_one_users_failures_never_lock_out_another(axes_on, client, changning, louxing):
    _fail_five_times(client, "changning", REMOTE_ADDR=OFFICE)
    response = _login(client, "louxing", PASSWORD, REMOTE_ADDR=OFFICE)
    assert response.status_code == 302 and response["Location"] == reverse("home")


@pytest.mark.django_db
def test_the_failing_user_is_locked_even_with_the_right_password(axes_on, client, changning):
    _fail_five_times(client, "changning", REMOTE_ADDR=OFFICE)
    assert _login(client, "changning", PASSWORD, REMOTE_ADDR=OFFICE).status_code == 429


@pytest.mark.django_db
def test_changing_address_does_not_escape_the_lock(axes_on, client, changning):
    for n in range(5):
        _login(client, "changning", "wrong-password", REMOTE_ADDR=f"198.51.100.{n}")
    assert _login(client, "changning", PASSWORD, REMOTE_ADDR="198.51.100.99").status_code == 429


@pytest.mark.django_db
def test_the_api_token_endpoint_shares_the_lock(axes_on, client, changning, louxing):
    _fail_five_times(client, "changning", REMOTE_ADDR=OFFICE)
    body = {"username": "louxing", "password": PASSWORD}
    ok = client.post("/api/v1/auth/token", body, content_type="application/json", REMOTE_ADDR=OFFICE)
    assert ok.status_code == 200
    body = {"username": "changning", "password": PASSWORD}
    locked = client.post("/api/v1/auth/token", body, content_type="application/json", REMOTE_ADDR=OFFICE)
    assert locked.status_code != 200


@pytest.mark.django_db
def test_forwarded_for_is_ignored_without_a_trusted_proxy(axes_on, client, changning):
    _login(client, "changning", "wrong-password", REMOTE_ADDR=OFFICE, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert AccessAttempt.objects.get(username="changning").ip_address == OFFICE


@pytest.mark.django_db
def test_forwarded_for_is_used_behind_a_trusted_proxy(axes_on, settings, client, changning):
    settings.TRUSTED_PROXY_COUNT = 1
    _login(client, "changning", "wrong-password", REMOTE_ADDR=OFFICE, HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert AccessAttempt.objects.get(username="changning").ip_address == "203.0.113.9"


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "203.0.113.9", OFFICE),
        (1, "", OFFICE),  # a direct connection, no proxy on the way
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # the client's own entry is ignored
        (2, "6.6.6.6, 203.0.113.9, 10.1.1.1", "203.0.113.9"),
        (2, "203.0.113.9", OFFICE),  # fewer entries than proxies: not trusted
    ],
)
def test_client_ip_takes_the_entry_the_outermost_trusted_proxy_wrote(settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    request = RequestFactory().get("/", REMOTE_ADDR=OFFICE, **extra)
    assert client_ip(request) == expected
