"""Multi-host DATABASE_URL, the primary/replica router with read-your-writes, and the health endpoints."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.http import HttpResponse
from django.test import RequestFactory

from countyworks.core import replicas
from countyworks.core.dburl import parse_database_url

pytestmark = pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")

MULTI = "postgres://cw:s%40cret@10.0.0.1:5432,10.0.0.2:6432/countyworks?target_session_attrs=read-write"


def test_multi_host_url_keeps_every_host_and_its_options():
    entry = parse_database_url(MULTI)
    assert entry["HOST"] == "10.0.0.1,10.0.0.2"
    assert entry["PORT"] == "5432,6432"
    assert (entry["NAME"], entry["USER"], entry["PASSWORD"]) == ("countyworks", "cw", "s@cret")
    assert entry["OPTIONS"] == {"target_session_attrs": "read-write", "connect_timeout": "3"}
    assert entry["CONN_HEALTH_CHECKS"] is True


def test_multi_host_url_defaults_missing_ports_and_reads_ipv6():
    entry = parse_database_url("postgresql://[::1],db2:5433/cw?connect_timeout=1")
    assert (entry["HOST"], entry["PORT"]) == ("::1,db2", "5432,5433")
    assert entry["OPTIONS"]["connect_timeout"] == "1"


def test_single_host_and_sqlite_urls_are_read_as_before():
    assert parse_database_url("postgres://u@h:5/db")["HOST"] == "h"
    assert parse_database_url("sqlite:////tmp/x.sqlite3")["ENGINE"] == "django.db.backends.sqlite3"


@pytest.mark.parametrize(
    "url", ["postgres://h1:5432,:5433/cw", "postgres://h1:5432,h2:x/cw", "postgres://h1,h2/"]
)
def test_bad_multi_host_urls_are_refused_without_the_password(url):
    with pytest.raises(ImproperlyConfigured) as info:
        parse_database_url(url.replace("//", "//u:pw@"))
    assert "pw" not in str(info.value)


def test_libpq_accepts_the_host_and_port_lists():
    """psycopg builds one connection string naming both nodes from Django's parameters."""
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    entry = parse_database_url(MULTI)
    info = conninfo_to_dict(make_conninfo(host=entry["HOST"], port=entry["PORT"], **entry["OPTIONS"]))
    assert info["host"] == "10.0.0.1,10.0.0.2" and info["port"] == "5432,6432"


@pytest.fixture
def with_replica(settings):
    settings.DATABASES = {**settings.DATABASES, "replica": settings.DATABASES["default"]}
    settings.REPLICA_PIN_SECONDS = 5
    return settings


def _through_middleware(request, seen: list[str]) -> HttpResponse:
    def view(_request):
        seen.append(replicas.read_alias())
        return HttpResponse("ok")

    return replicas.ReadYourWritesMiddleware(view)(request)


def test_without_a_replica_everything_reads_the_primary():
    seen: list[str] = []
    response = _through_middleware(RequestFactory().get("/"), seen)
    assert seen == ["default"] and replicas.PIN_COOKIE not in response.cookies


def test_safe_request_reads_the_replica_and_a_write_pins_the_client(with_replica):
    factory, seen = RequestFactory(), []
    _through_middleware(factory.get("/tickets/"), seen)
    response = _through_middleware(factory.post("/tickets/"), seen)
    cookie = response.cookies[replicas.PIN_COOKIE]
    assert cookie["max-age"] == 5 and cookie["httponly"]
    pinned = factory.get("/tickets/")
    pinned.COOKIES[replicas.PIN_COOKIE] = "1"
    _through_middleware(pinned, seen)
    assert seen == ["replica", "default", "default"]
    assert replicas.read_alias() == "default"  # outside a request: jobs, consumers, CLI


def test_reads_inside_a_transaction_stay_on_the_primary(with_replica, django_db_blocker):
    """Outside any test transaction (the blocker lifted, nothing written): a transactional test
    would flush the session's region tree from under the tests that follow on this worker."""
    seen: list[str] = []

    def view(_request):
        seen.append(replicas.read_alias())
        with transaction.atomic():
            seen.append(replicas.read_alias())
        return HttpResponse("ok")

    with django_db_blocker.unblock():
        replicas.ReadYourWritesMiddleware(view)(RequestFactory().get("/"))
    assert seen == ["replica", "default"]


def test_router_sends_writes_and_migrations_to_the_primary(with_replica):
    router = replicas.PrimaryReplicaRouter()
    assert router.db_for_write(object) == "default"
    assert router.allow_migrate("default", "core") and not router.allow_migrate("replica", "core")


def test_healthz_answers_without_signing_in(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "alive"}


@pytest.mark.django_db
def test_readyz_reports_role_queue_and_broker_and_nothing_sensitive(client, settings):
    settings.MQTT_URL = "mqtt://127.0.0.1:1"  # nothing listens on port 1
    response = client.get("/readyz")
    body = response.json()
    assert response.status_code == 200 and body["status"] == "ready"
    from django.db import connection

    role = "primary" if connection.vendor == "postgresql" else "single"  # make test-postgres: a primary
    assert body["databases"]["default"] == {"reachable": True, "role": role, "lag_seconds": None}
    assert body["queue"]["reachable"] is True and isinstance(body["queue"]["pending"], int)
    assert body["broker"] == {"configured": True, "reachable": False}
    text = json.dumps(body)
    assert "127.0.0.1" not in text and "sqlite3" not in text and "secret" not in text.lower()


@pytest.mark.django_db
def test_readyz_is_503_when_the_database_is_away(client, monkeypatch):
    from countyworks.core import health

    monkeypatch.setattr(health, "database_state", lambda alias: health.DatabaseState(reachable=False))
    response = client.get("/readyz")
    assert response.status_code == 503 and response.json()["status"] == "unready"


def test_a_lost_database_connection_answers_503_with_retry_after():
    from django.db import OperationalError, ProgrammingError

    from countyworks.core.middleware import DatabaseUnavailableMiddleware

    middleware = DatabaseUnavailableMiddleware(lambda request: HttpResponse("ok"))
    request = RequestFactory().post("/api/v1/workflow/tickets")
    response = middleware.process_exception(request, OperationalError("server closed the connection"))
    assert response is not None and response.status_code == 503 and response["Retry-After"] == "5"
    assert middleware.process_exception(request, ProgrammingError("syntax error")) is None
