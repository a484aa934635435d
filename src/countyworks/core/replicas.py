"""Reads that tolerate lag go to the standby; writes, and the reads of whoever just wrote, to the primary.

Configured by ``DATABASE_REPLICA_URL`` (the ``replica`` alias, typically the same node list as
``DATABASE_URL`` with ``target_session_attrs=prefer-standby``). Without it every query goes to
``default`` and nothing here does anything.

A read is sent to the replica only when all of these hold (Django's multiple-database routers,
"Automatic database routing"):

- it happens in a web request with a safe method (GET, HEAD, OPTIONS) — background jobs, the
  telemetry consumers and the CLI read from the primary, because their reads decide writes;
- the client did not write in the last ``REPLICA_PIN_SECONDS`` seconds: after any non-safe request
  :class:`ReadYourWritesMiddleware` sets a short-lived cookie that pins the client's following
  requests to the primary (read-your-writes, for as long as replication may lag);
- the read is not inside a transaction (``atomic``): a service reads what it is about to change on
  the connection that will change it.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse

PRIMARY_ALIAS = "default"
REPLICA_ALIAS = "replica"
PIN_COOKIE = "cw_primary"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

#: True while a request may read from the replica (set by the middleware for the request's duration).
_replica_reads: ContextVar[bool] = ContextVar("countyworks_replica_reads", default=False)


def replica_configured() -> bool:
    return REPLICA_ALIAS in settings.DATABASES


def read_alias() -> str:
    """Where a read issued now goes: the replica when the current request allows it, else the primary."""
    if _replica_reads.get() and replica_configured() and not connections[PRIMARY_ALIAS].in_atomic_block:
        return REPLICA_ALIAS
    return PRIMARY_ALIAS


class PrimaryReplicaRouter:
    """``DATABASE_ROUTERS`` entry: reads per :func:`read_alias`, writes and migrations on the primary."""

    def db_for_read(self, model: type, **hints: Any) -> str:
        return read_alias()

    def db_for_write(self, model: type, **hints: Any) -> str:
        return PRIMARY_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the replica is a copy of the primary: every object lives in both

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        return db == PRIMARY_ALIAS


class ReadYourWritesMiddleware:
    """Let safe requests of clients that did not just write read from the replica; pin writers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not replica_configured():
            return self.get_response(request)
        writes = request.method not in SAFE_METHODS
        token = _replica_reads.set(not writes and PIN_COOKIE not in request.COOKIES)
        try:
            response = self.get_response(request)
        finally:
            _replica_reads.reset(token)
        if writes:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.REPLICA_PIN_SECONDS,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
        return response
