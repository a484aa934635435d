"""Innovation platforms, their experts, and achievements."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from countyworks.core.actors import Actor
from countyworks.core.models import Organisation, Person, Region
from countyworks.core.services import audited_save
from countyworks.innovation.models import Achievement, InnovationPlatform, PlatformExpert
from countyworks.innovation.services._common import require_write, save_checked


@transaction.atomic
def platform_create(
    *,
    name: str,
    kind: str,
    level: str,
    host: Organisation,
    recognised_on: date,
    batch: int | None = None,
    field: str = "",
    acting_user: Actor,
) -> InnovationPlatform:
    """Register an innovation platform at its host's region."""
    platform = InnovationPlatform(
        name=name,
        kind=kind,
        level=level,
        batch=batch,
        host=host,
        region_id=host.region_id,
        recognised_on=recognised_on,
        field=field,
    )
    return save_checked(platform, region_code=host.region_id, acting_user=acting_user)


@transaction.atomic
def platform_expert_add(
    *, platform: InnovationPlatform, person: Person, honour: str, acting_user: Actor
) -> PlatformExpert:
    expert = PlatformExpert(platform=platform, person=person, honour=honour)
    return save_checked(expert, region_code=platform.region_id, acting_user=acting_user)


@transaction.atomic
def achievement_create(
    *,
    kind: str,
    title: str,
    achieved_on: date,
    region: Region,
    reference: str = "",
    organisation: Organisation | None = None,
    platform: InnovationPlatform | None = None,
    acting_user: Actor,
) -> Achievement:
    """Register an achievement (科技成果登记, a standard led, a new product or device)."""
    require_write(acting_user, region.code)
    if organisation is not None and not organisation.region_id.startswith(region.code):
        raise ValidationError({"organisation": _("完成单位不在所选区划内")})
    achievement = Achievement(
        kind=kind,
        title=title,
        achieved_on=achieved_on,
        reference=reference,
        region=region,
        organisation=organisation,
        platform=platform,
    )
    return audited_save(achievement, acting_user=acting_user)
