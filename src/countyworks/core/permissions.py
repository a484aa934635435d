"""The access gate: one place that decides who may read and write what (docs/permissions.md).

The rule, the same for every page and every API operation:

- **not signed in** → the login page (pages) or 401 (API);
- **the program is not theirs, or the object lies outside their area** → 404: nobody learns that
  it exists;
- **in their area, but they may not write it** (a read-only role such as 领导 or 审计员, or a
  record of an organisation they are not bound to) → 403 with a Chinese message, rendered inside
  the app shell (pages) or as ``{"detail": ...}`` (API).

Reads go through :mod:`countyworks.core.scoping` (``scope`` / ``get_scoped_or_404``); writes go
through services that call :func:`access_write_region` or :func:`access_write_object`. Jobs, the
CLI and the demo loaders act as :data:`SYSTEM`, which every check lets through — explicitly,
never by passing ``None``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from countyworks.core.actors import SYSTEM, Actor, SystemActor, recorded_user
from countyworks.core.models import Program
from countyworks.core.program_regions import runs_for
from countyworks.core.scoping import Action, can_write_object, reaches

__all__ = [
    "READ_ONLY_MESSAGE",
    "SYSTEM",
    "Actor",
    "SystemActor",
    "access_program",
    "access_program_or_404",
    "access_write_object",
    "access_write_program",
    "access_write_region",
    "program_required",
    "recorded_user",
    "require_write",
]

#: What a read-only account is told when it tries to write (a forced POST, an API call).
READ_ONLY_MESSAGE = gettext_lazy("只读账号：您的角色只能查看，不能办理或修改。如需办理，请联系系统管理员。")
_NOT_HERE = gettext_lazy("无权在该区域办理此项业务")

View = TypeVar("View", bound=Callable[..., HttpResponseBase])
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


# --- access_* : the checks themselves ----------------------------------------------------------------


def access_program(user: Any, program: str, action: Action = "read") -> bool:
    """Whether ``user`` may ``action`` on ``program`` anywhere (any grant reaching it)."""
    return bool(reaches(user, program, action))


def access_program_or_404(user: Any, program: str) -> None:
    """Raise 404 unless ``user`` reads ``program`` somewhere (the program is not theirs)."""
    if not access_program(user, program):
        raise Http404


def access_write_program(user: Any, program: str) -> None:
    """Raise 403 :data:`READ_ONLY_MESSAGE` unless ``user`` may write ``program`` somewhere."""
    if not access_program(user, program, "write"):
        raise PermissionDenied(READ_ONLY_MESSAGE)


def access_write_region(
    user: Actor,
    program: str,
    region_code: str,
    *,
    organisation_id: int | None = None,
    message: str | Promise = _NOT_HERE,
) -> None:
    """Raise 403 unless ``user`` may write ``program`` records at ``region_code``.

    A grant bound to an organisation reaches only that organisation's records (``organisation_id``).
    A read-only account is told so (:data:`READ_ONLY_MESSAGE`); anyone else gets ``message``.
    """
    access_write_program(user, program)
    for reach in reaches(user, program, "write"):
        if region_code.startswith(reach.prefix) and reach.organisation_id in (None, organisation_id):
            return
    raise PermissionDenied(message)


def access_write_object(
    user: Actor, program: str, obj: models.Model, *, message: str | Promise = _NOT_HERE
) -> None:
    """Raise 403 unless ``obj`` lies inside ``user``'s write reach for ``program``."""
    access_write_program(user, program)
    if not can_write_object(user, program, obj):
        raise PermissionDenied(message)


# --- decorators for pages ------------------------------------------------------------------------------


def program_required(program: str) -> Callable[[View], View]:
    """Pages of ``program``: sign-in required, 404 for users the program is not open to, and a
    "not taken up here" page (also 404: no object of it is in their reach) where none of the
    user's areas runs it (core/program_regions.py).

    Sets ``request.can_write`` (templates see ``can_write``) so pages hide write actions from
    read-only roles; a view may still narrow it per object.
    """

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            access_program_or_404(request.user, program)
            if not runs_for(request.user, program):
                return _not_run_here(request, program)
            request.can_write = access_program(request.user, program, "write")  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator


def _not_run_here(request: HttpRequest, program: str) -> HttpResponse:
    label = Program(program).label if program in Program.values else program
    return render(request, "program_not_run.html", {"program": label}, status=404)


def require_write(program: str, *, all_methods: bool = False) -> Callable[[View], View]:
    """:func:`program_required`, and a POST from an account that may not write ``program`` gets
    403 :data:`READ_ONLY_MESSAGE` before the view runs.

    ``all_methods``: the page is nothing but a write form (提出工单), so a GET is refused too.
    Whether the user may write *this* object is the service's check (:func:`access_write_object`).
    """

    def decorator(view: View) -> View:
        @program_required(program)
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if all_methods or request.method not in _SAFE_METHODS:
                access_write_program(request.user, program)
            return view(request, *args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator
