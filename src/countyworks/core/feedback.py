"""Turning a service's refusal into messages on the page (one implementation for every app)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest
from django.utils.translation import gettext as _


def flash_errors(request: HttpRequest, exc: Exception) -> None:
    """Show every message of ``exc`` as a page error.

    ``ValidationError`` (and input errors that carry a ``messages`` list) show each message; a
    ``PermissionDenied`` without text shows 无权操作.
    """
    texts = getattr(exc, "messages", None) or [str(exc) or _("无权操作")]
    for text in texts:
        messages.error(request, text)
