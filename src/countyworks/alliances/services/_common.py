"""What the use-case modules of program 1 share: the write check."""

from __future__ import annotations

from django.utils.translation import gettext as _

from countyworks.alliances.models import PROGRAM
from countyworks.core.actors import Actor
from countyworks.core.permissions import access_write_region


def require_write(user: Actor, region_code: str) -> None:
    """Raise PermissionDenied unless ``user`` may write program 1 records in ``region_code``."""
    access_write_region(user, PROGRAM, region_code, message=_("您无权在该区域办理产业联盟业务"))
