"""What every use-case module of program 2 shares: the write check, the day, the batch size."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.translation import gettext as _

from countyworks.core.actors import Actor, recorded_user
from countyworks.core.permissions import access_write_region
from countyworks.innovation.models import PROGRAM

#: Rows per batch of bulk writes and per chunk of evaluation (progress granularity).
BATCH = 5_000


def require_write(user: Actor, region_code: str) -> None:
    """Raise PermissionDenied unless ``user`` may write program 2 records in ``region_code``."""
    access_write_region(user, PROGRAM, region_code, message=_("您无权在该区域办理科技创新业务"))


def recorded(actor: Actor) -> User | None:
    """:func:`~countyworks.core.actors.recorded_user` as the account model every "by whom" column
    points to (``auth.User``, the project's ``AUTH_USER_MODEL``)."""
    return cast("User | None", recorded_user(actor))


def today() -> date:
    """Today in the county's time zone."""
    return timezone.localdate()


def organisations_with(model, region: str, wanted: list[int], **filters: Any) -> set[int]:
    """Which of the ``wanted`` enterprises (all under ``region``) have a ``model`` row with
    ``filters``: one query over the region rather than one ``IN`` list per batch."""
    rows = model.objects.filter(organisation__region__code__startswith=region, **filters).values_list(
        "organisation_id", flat=True
    )
    return set(rows) & set(wanted)
