"""``DATABASE_URL`` parsing, including libpq's multi-host form that pg_auto_failover prints.

``postgres://user@h1:5432,h2:5432/countyworks?target_session_attrs=read-write`` names every node of
a replicated PostgreSQL; libpq tries them in order and keeps the first that accepts writes, so a
process follows a promotion by reconnecting, without a restart or a configuration change (libpq
manual, 34.1.1.3 "Specifying Multiple Hosts"). dj-database-url reads one host only, so this module
reads the multi-host form itself and hands Django comma-separated ``HOST`` and ``PORT`` lists, which
Django passes through to psycopg and libpq unchanged; any other URL goes to dj-database-url.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

POSTGRES_SCHEMES = ("postgres", "postgresql", "pgsql")
DEFAULT_PORT = "5432"
#: Seconds libpq waits for each host before trying the next: a node that is down but whose address
#: still answers nothing (a dead machine) must not hold every request for the OS's TCP timeout.
DEFAULT_CONNECT_TIMEOUT = "3"


def _host_port(item: str, url: str) -> tuple[str, str]:
    """``host``, ``host:port``, ``[v6]`` or ``[v6]:port`` → (host, port)."""
    if item.startswith("["):
        host, _, rest = item[1:].partition("]")
        port = rest.removeprefix(":")
    else:
        host, _, port = item.partition(":")
    if not host:
        raise ImproperlyConfigured(f"DATABASE_URL {_redacted(url)!r} has an empty host in its host list")
    if port and not port.isdigit():
        raise ImproperlyConfigured(f"DATABASE_URL {_redacted(url)!r}: port {port!r} is not a number")
    return unquote(host), port or DEFAULT_PORT


def _redacted(url: str) -> str:
    """The URL without its password, for error messages."""
    parts = urlsplit(url)
    userinfo, at, hosts = parts.netloc.rpartition("@")
    user = userinfo.partition(":")[0]
    return parts._replace(netloc=f"{user}{at}{hosts}" if at else hosts).geturl()


def parse_database_url(url: str, *, conn_max_age: int = 60) -> dict[str, Any]:
    """Django's ``DATABASES`` entry for ``url``; multi-host PostgreSQL URLs keep every host.

    A multi-host entry also turns on ``CONN_HEALTH_CHECKS``: a persistent connection to a node
    that was demoted or died is noticed at the start of the next request and replaced.
    """
    parts = urlsplit(url)
    if parts.scheme not in POSTGRES_SCHEMES or "," not in parts.netloc:
        return dict(dj_database_url.parse(url, conn_max_age=conn_max_age))
    userinfo, _, host_list = parts.netloc.rpartition("@")
    user, _, password = userinfo.partition(":")
    hosts, ports = zip(*(_host_port(item, url) for item in host_list.split(",")), strict=True)
    name = unquote(parts.path.lstrip("/"))
    if not name:
        raise ImproperlyConfigured(f"DATABASE_URL {_redacted(url)!r} names no database")
    options: dict[str, Any] = dict(parse_qsl(parts.query))
    options.setdefault("connect_timeout", DEFAULT_CONNECT_TIMEOUT)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": name,
        "USER": unquote(user),
        "PASSWORD": unquote(password),
        "HOST": ",".join(hosts),
        "PORT": ",".join(ports),
        "OPTIONS": options,
        "CONN_MAX_AGE": conn_max_age,
        "CONN_HEALTH_CHECKS": True,
    }
