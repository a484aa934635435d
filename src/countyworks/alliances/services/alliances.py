"""Alliances, their departments and their activity log."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from countyworks.alliances.models import DEFAULT_DEPARTMENTS, Activity, Alliance, Department
from countyworks.alliances.services._common import require_write
from countyworks.core.actors import Actor
from countyworks.core.models import Person, Region
from countyworks.core.services import audited_save


@transaction.atomic
def alliance_create(
    *,
    name: str,
    town: Region,
    industry: str,
    villages: list[Region],
    acting_user: Actor,
    branch_name: str = "",
    secretary: Person | None = None,
    guide: Person | None = None,
    founded_on: date | None = None,
    departments: tuple[tuple[str, tuple[str, ...]], ...] = DEFAULT_DEPARTMENTS,
) -> Alliance:
    """Found an alliance of ``town`` over ``villages``, with its departments (技术服务 and 品牌销售 by default)."""
    require_write(acting_user, town.code)
    alliance = audited_save(
        Alliance(
            name=name,
            region=town,
            industry=industry,
            branch_name=branch_name,
            secretary=secretary,
            guide=guide,
            founded_on=founded_on,
        ),
        acting_user=acting_user,
    )
    alliance.villages.set(villages)
    for dept_name, categories in departments:
        audited_save(
            Department(alliance=alliance, name=dept_name, categories=list(categories)),
            acting_user=acting_user,
        )
    return alliance


@transaction.atomic
def activity_add(
    *,
    alliance: Alliance,
    kind: str,
    held_on: date,
    title: str,
    acting_user: Actor,
    participants: int = 0,
    notes: str = "",
) -> Activity:
    """Record a meeting, training, visit or service in the alliance's activity log."""
    require_write(acting_user, alliance.region_id)
    return audited_save(
        Activity(
            alliance=alliance, kind=kind, held_on=held_on, title=title, participants=participants, notes=notes
        ),
        acting_user=acting_user,
    )
