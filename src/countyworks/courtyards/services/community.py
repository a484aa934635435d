"""Households of a courtyard, their 门前三包 duties, the committee, and help for households in difficulty."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from countyworks.core.actors import Actor
from countyworks.core.models import Household, Region
from countyworks.core.services import audited_save
from countyworks.courtyards.models import Assistance, CommitteeMember, Courtyard, Duty, HouseholdProfile
from countyworks.courtyards.services._common import require_write


@transaction.atomic
def courtyard_create(
    *,
    village: Region,
    code: str,
    name: str,
    status: str = Courtyard.Status.BUILDING,
    started_on: date | None = None,
    description: str = "",
    acting_user: Actor,
) -> Courtyard:
    """A courtyard under ``village``: a region whose 14-digit code extends the village's 12."""
    require_write(acting_user, village.code)
    if village.level != Region.Level.VILLAGE:
        raise ValidationError(_("院落只能设在村（社区）之下"))
    if len(code) != 14 or not code.isdigit() or not code.startswith(village.code):
        raise ValidationError(_("院落代码须为所在村12位代码后加2位数字"))
    region = audited_save(
        Region(code=code, name=name, level=Region.Level.COURTYARD, parent=village), acting_user=acting_user
    )
    return audited_save(
        Courtyard(region=region, status=status, started_on=started_on, description=description),
        acting_user=acting_user,
    )


@transaction.atomic
def household_register(
    *,
    courtyard: Courtyard,
    head_name: str,
    members: int,
    house_label: str = "",
    circumstances: str = "",
    needs_assistance: bool = False,
    duties: dict[str, str] | None = None,
    acting_user: Actor,
) -> Household:
    """A household of the courtyard with its circumstances and its 门前三包 duties (kind → area)."""
    require_write(acting_user, courtyard.region_id)
    household = audited_save(
        Household(
            region_id=courtyard.region_id, head_name=head_name, members=members, house_label=house_label
        ),
        acting_user=acting_user,
    )
    audited_save(
        HouseholdProfile(household=household, circumstances=circumstances, needs_assistance=needs_assistance),
        acting_user=acting_user,
    )
    for kind, area in (duties or {}).items():
        audited_save(Duty(household=household, kind=kind, area=area), acting_user=acting_user)
    return household


@transaction.atomic
def household_flag(
    *, household: Household, needs_assistance: bool, circumstances: str, acting_user: Actor, on: date
) -> HouseholdProfile:
    """Flag a household in difficulty for the village's help (or lift the flag)."""
    require_write(acting_user, household.region_id)
    profile, _created = HouseholdProfile.objects.get_or_create(household=household)
    profile.needs_assistance = needs_assistance
    profile.circumstances = circumstances
    profile.flagged_on = on if needs_assistance else None
    return audited_save(profile, acting_user=acting_user)


@transaction.atomic
def committee_member_add(
    *,
    courtyard: Courtyard,
    name: str,
    role: str,
    elected_on: date,
    household: Household | None = None,
    acting_user: Actor,
) -> CommitteeMember:
    """A villager elected to the courtyard management committee (院落管理委员会)."""
    require_write(acting_user, courtyard.region_id)
    if household is not None and household.region_id != courtyard.region_id:
        raise ValidationError(_("委员须为本院落村民"))
    return audited_save(
        CommitteeMember(
            courtyard=courtyard, name=name, role=role, elected_on=elected_on, household=household
        ),
        acting_user=acting_user,
    )


@transaction.atomic
def assistance_record(
    *,
    household: Household,
    helped_on: date,
    kind: str,
    description: str,
    helpers: str,
    labour_days: Decimal = Decimal(0),
    amount_yuan: Decimal = Decimal(0),
    acting_user: Actor,
) -> Assistance:
    """Record help given to a household in difficulty: what, by whom, when, labour and money."""
    require_write(acting_user, household.region_id)
    if not description.strip():
        raise ValidationError({"description": [_("请填写帮扶内容")]})
    if labour_days < 0 or amount_yuan < 0:
        raise ValidationError(_("投工和金额不能为负数"))
    return audited_save(
        Assistance(
            household=household,
            helped_on=helped_on,
            kind=kind,
            description=description,
            helpers=helpers,
            labour_days=labour_days,
            amount_yuan=amount_yuan,
        ),
        acting_user=acting_user,
    )
