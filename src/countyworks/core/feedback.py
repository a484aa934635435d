"""Turning a service's refusal into messages on the page (one implementation for every app)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _

T = TypeVar("T")


def flash_errors(request: HttpRequest, exc: Exception) -> None:
    """Show every message of ``exc`` as a page error.

    ``ValidationError`` (and input errors that carry a ``messages`` list) show each message; a
    ``PermissionDenied`` without text shows 无权操作.
    """
    texts = getattr(exc, "messages", None) or [str(exc) or _("无权操作")]
    for text in texts:
        messages.error(request, text)


def flash_outcome(request: HttpRequest, call: Callable[[], T], success: str = "") -> T | None:
    """Run one service call for a page: a refusal (``ValidationError``) is shown as page errors
    (:func:`flash_errors`) and gives ``None``; otherwise ``success``, if any, is shown and the
    call's result returned."""
    try:
        result = call()
    except ValidationError as exc:
        flash_errors(request, exc)
        return None
    if success:
        messages.success(request, success)
    return result
