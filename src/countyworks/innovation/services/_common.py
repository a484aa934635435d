"""What every use-case module of program 2 shares: the write check, the checked save, the day,
the batch size."""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from countyworks.core.actors import Actor
from countyworks.core.permissions import access_write_region
from countyworks.core.services import audited_save
from countyworks.innovation.models import PROGRAM, ChallengeMilestone, PlanMilestone

M = TypeVar("M", bound=models.Model)
Milestone = TypeVar("Milestone", PlanMilestone, ChallengeMilestone)

#: Rows per batch of bulk writes and per chunk of evaluation (progress granularity).
BATCH = 5_000


def require_write(user: Actor, region_code: str) -> None:
    """Raise PermissionDenied unless ``user`` may write program 2 records in ``region_code``."""
    access_write_region(user, PROGRAM, region_code, message=_("您无权在该区域办理科技创新业务"))


def save_checked(obj: M, *, region_code: str, acting_user: Actor) -> M:
    """A new record of a use case with nothing to check but the writer: :func:`require_write` in
    ``region_code``, then validate, save and audit ``obj`` (:func:`~countyworks.core.services.audited_save`)."""
    require_write(acting_user, region_code)
    return audited_save(obj, acting_user=acting_user)


def milestone_complete(
    milestone: Milestone, *, region_code: str, done_on: date, acting_user: Actor
) -> Milestone:
    """Mark a plan's or a challenge's milestone done on ``done_on`` (once)."""
    require_write(acting_user, region_code)
    if milestone.done_on is not None:
        raise ValidationError(_("该节点已完成"))
    milestone.done_on = done_on
    return audited_save(milestone, acting_user=acting_user)


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
