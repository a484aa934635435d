"""What every use-case module of program 5 shares: the write check, the month, the recorded user."""

from __future__ import annotations

from datetime import date
from typing import cast

from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.translation import gettext as _

from countyworks.core.actors import Actor, recorded_user
from countyworks.core.permissions import access_write_region
from countyworks.courtyards.models import PROGRAM


def require_write(user: Actor, region_code: str) -> None:
    """Raise PermissionDenied unless ``user`` may write program 5 records in ``region_code``."""
    access_write_region(user, PROGRAM, region_code, message=_("您无权在该区域办理美丽庭院业务"))


def recorded(actor: Actor) -> User | None:
    """The account stored in a "by whom" column (``None`` for the system actor)."""
    return cast("User | None", recorded_user(actor))


def today() -> date:
    """Today in the county's time zone."""
    return timezone.localdate()
