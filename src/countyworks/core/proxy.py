"""The client's address, read from the reverse proxy's header only when a trusted proxy is configured.

``TRUSTED_PROXY_COUNT`` (default 0) is the number of reverse proxies in front of
``countyworks serve`` that append to ``X-Forwarded-For`` (the nginx block in
``docs/operations.md`` is one). With 0 the header is ignored: anybody can send it, so trusting it
would let a client pick the address it is recorded and rate-limited under. With N the address is
the N-th entry from the right — the one the outermost trusted proxy saw; entries further left were
written by the client and are ignored. The login lockout (django-axes, ``AXES_CLIENT_IP_CALLABLE``)
and the access log of failed logins use this address.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The address of the client as seen by the outermost trusted proxy, else ``REMOTE_ADDR``."""
    remote = request.META.get("REMOTE_ADDR")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if len(forwarded) < count:
        # The request did not pass through every configured proxy (a direct connection): its own
        # address is the only one that cannot be forged.
        return remote
    return forwarded[-count]
