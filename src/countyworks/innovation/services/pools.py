"""Pools (培育库): confirmation of a campaign into them, the 高企培育库, entries by decision, exits."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from countyworks.core.actors import Actor, recorded_user
from countyworks.core.models import Organisation, Region
from countyworks.core.services import audited_save
from countyworks.innovation.bulk import insert_with_history
from countyworks.innovation.models import (
    TIERS,
    EvaluationCampaign,
    EvaluationResult,
    InvalidStatus,
    PoolMembership,
    Tier,
    TierSpec,
    ruleset_family,
    tier_for_ruleset,
)
from countyworks.innovation.services._common import BATCH, organisations_with, require_write, today

#: 高企培育库: tech-sme qualified and the high-tech gap "within reach" — at most this many
#: failed conditions of high-tech-2016 (docs/rules/enterprise-ladder.md §2).
CULTIVATION_MAX_FAILED = 2
#: 储备 (微成长): a tech-sme evaluation that failed only on its score conditions — a compliant
#: enterprise of the right size that more R&D, staff or IP would carry into the pool.
RESERVE_FAILURES = frozenset({"c5_score", "c5_staff_zero"})
#: Pools that are the program's own cultivation lists: left when an enterprise climbs higher.
LOCAL_POOLS = (Tier.RESERVE, Tier.HIGH_TECH_CULTIVATION)


def default_entry_date(year: int) -> date:
    """Today, or the last day of ``year`` when confirming a past year's campaign."""
    return min(today(), date(year, 12, 31))


@transaction.atomic
def campaign_confirm(
    *,
    campaign: EvaluationCampaign,
    acting_user: Actor,
    entered_on: date | None = None,
    closes_year: bool = False,
) -> dict[str, int]:
    """Confirm an evaluated campaign: qualified enterprises enter the rule set's pool.

    ``closes_year`` says the year's evaluation is complete with this campaign: only then do the
    headlines show the year (:func:`countyworks.innovation.selectors.pool_headline`).

    For a tech-sme campaign, enterprises that failed only on the score conditions enter 储备
    (:data:`RESERVE_FAILURES`). Entering a pool leaves the local cultivation pools below it, and
    the 高企培育库 of the region and year is brought up to date
    (:func:`cultivation_pool_refresh`). Returns the number of entries per pool.
    """
    require_write(acting_user, campaign.region_id)
    if not campaign.can_move_to(EvaluationCampaign.Status.CONFIRMED):
        raise InvalidStatus(_("只有待确认的评价批次才能确认入库"))
    entered_on = entered_on or default_entry_date(campaign.year)
    if entered_on.year != campaign.year:
        raise ValidationError(
            {"entered_on": _("入库日期须在评价年度（%(year)d年）内") % {"year": campaign.year}}
        )
    spec = tier_for_ruleset(campaign.ruleset_code)
    if spec is None:
        raise ValidationError(_("该评价规则没有对应的培育库"))
    results = list(campaign.results.values_list("pk", "organisation_id", "qualified", "failed_conditions"))
    entries: dict[str, int] = {}
    qualified = [(pk, org) for pk, org, ok, _failed in results if ok]
    region = campaign.region_id
    entries[spec.tier] = _enter(spec, qualified, campaign.year, entered_on, acting_user, region)
    if ruleset_family(campaign.ruleset_code) == "tech-sme":
        growing = [
            (pk, org)
            for pk, org, ok, failed in results
            if not ok and set(failed.split(";")) <= RESERVE_FAILURES
        ]
        taken = organisations_with(
            PoolMembership, region, [o for _p, o in growing], tier=Tier.TECH_SME, year=campaign.year
        )
        entries[Tier.RESERVE] = _enter(
            TIERS[Tier.RESERVE],
            [(pk, o) for pk, o in growing if o not in taken],
            campaign.year,
            entered_on,
            acting_user,
            region,
        )
    campaign.status = EvaluationCampaign.Status.CONFIRMED
    campaign.entered_on = entered_on
    campaign.confirmed_by = recorded_user(acting_user)
    campaign.closes_year = closes_year
    audited_save(campaign, acting_user=acting_user, reason=_("确认入库"))
    entries[Tier.HIGH_TECH_CULTIVATION] = cultivation_pool_refresh(
        region=campaign.region, year=campaign.year, on=entered_on, acting_user=acting_user
    )
    return entries


def _enter(
    spec: TierSpec,
    rows: Sequence[tuple[int | None, int]],
    year: int,
    entered_on: date,
    user: Actor,
    region: str,
) -> int:
    """Create memberships of ``spec.tier`` for (result pk, organisation) pairs of enterprises under
    ``region`` not already in it this year, and close the local pools below it. Returns the number
    of new memberships."""
    orgs = [org for _pk, org in rows]
    already = organisations_with(PoolMembership, region, orgs, tier=spec.tier, year=year)
    valid_until = spec.valid_until(entered_on, year)
    PoolMembership(entered_on=entered_on, valid_until=valid_until).clean()
    new = [
        (org, spec.tier.value, year, entered_on, valid_until, None, "", pk, "")
        for org, pk in {org: pk for pk, org in rows}.items()
        if org not in already
    ]
    for start in range(0, len(new), BATCH):
        insert_with_history(PoolMembership, MEMBERSHIP_COLUMNS, new[start : start + BATCH], user=user)
    lower = [t for t in LOCAL_POOLS if TIERS[t].rank < spec.rank]
    if lower and new:
        reason = _("升入%(tier)s") % {"tier": spec.tier.label}
        _leave(lower, [row[0] for row in new], entered_on, reason, user, region)
    return len(new)


#: The membership columns :func:`_enter` writes, in its order.
MEMBERSHIP_COLUMNS = (
    "organisation",
    "tier",
    "year",
    "entered_on",
    "valid_until",
    "exited_on",
    "exit_reason",
    "result",
    "note",
)


def _leave(tiers: Iterable[str], orgs: list[int], on: date, reason: str, user: Actor, region: str) -> None:
    """Close the memberships of ``orgs`` (under ``region``) in ``tiers`` that are in force on ``on``."""
    climbing = set(orgs)
    leaving = [
        item
        for item in PoolMembership.objects.filter(
            PoolMembership.active_on_q(on),
            tier__in=list(tiers),
            organisation__region__code__startswith=region,
        )
        if item.organisation_id in climbing
    ]
    for item in leaving:
        item.exited_on = on if on > item.entered_on else item.entered_on
        item.exit_reason = reason
    if leaving:
        bulk_update_with_history(
            leaving,
            PoolMembership,
            ["exited_on", "exit_reason"],
            batch_size=500,
            default_user=recorded_user(user),
        )


@transaction.atomic
def cultivation_pool_refresh(*, region: Region, year: int, on: date, acting_user: Actor) -> int:
    """Enter the 高企培育库 of ``year``: enterprises in the 科技型中小企业 pool of that year whose
    latest confirmed high-tech evaluation of that year failed at most
    :data:`CULTIVATION_MAX_FAILED` conditions, and that hold no 高企 certificate on ``on``.

    Returns the number of new entries.
    """
    require_write(acting_user, region.code)
    under = Q(organisation__region__code__startswith=region.code)
    tech = set(
        PoolMembership.objects.filter(under, tier=Tier.TECH_SME, year=year).values_list(
            "organisation_id", flat=True
        )
    )
    certified = set(
        PoolMembership.objects.filter(under, PoolMembership.active_on_q(on), tier=Tier.HIGH_TECH).values_list(
            "organisation_id", flat=True
        )
    )
    latest: dict[int, tuple[int, bool, str]] = {}
    high_tech_results = (
        EvaluationResult.objects.filter(
            under,
            year=year,
            campaign__status=EvaluationCampaign.Status.CONFIRMED,
            ruleset_code__startswith="high-tech-",
        )
        .order_by("campaign__created_at", "campaign_id")
        .values_list("organisation_id", "pk", "qualified", "failed_conditions")
    )
    for org, pk, ok, failed in high_tech_results:
        latest[org] = (pk, ok, failed)
    rows = [
        (pk, org)
        for org, (pk, ok, failed) in latest.items()
        if org in tech
        and org not in certified
        and not ok
        and len([c for c in failed.split(";") if c]) <= CULTIVATION_MAX_FAILED
    ]
    return _enter(TIERS[Tier.HIGH_TECH_CULTIVATION], rows, year, on, acting_user, region.code)


@transaction.atomic
def pool_enter_by_decision(
    *, organisation: Organisation, tier: str, entered_on: date, note: str, acting_user: Actor
) -> PoolMembership:
    """Enter a pool that no rule set decides (上市后备, or 储备 by an officer's decision)."""
    require_write(acting_user, organisation.region_id)
    spec = TIERS[tier]
    if spec.ruleset_family is not None or tier == Tier.HIGH_TECH_CULTIVATION:
        raise ValidationError({"tier": _("该库只能通过评价入库")})
    if not note.strip():
        raise ValidationError({"note": _("请说明入库依据")})
    membership = PoolMembership(
        organisation=organisation,
        tier=tier,
        year=entered_on.year,
        entered_on=entered_on,
        valid_until=spec.valid_until(entered_on, entered_on.year),
        note=note,
    )
    return audited_save(membership, acting_user=acting_user, reason=note)


@transaction.atomic
def pool_exit(
    *, membership: PoolMembership, exited_on: date, reason: str, acting_user: Actor
) -> PoolMembership:
    """Take an enterprise out of a pool before its validity ends (e.g. 摘牌, 迁出, 注销)."""
    require_write(acting_user, membership.organisation.region_id)
    if membership.exited_on is not None:
        raise ValidationError(_("该入库记录已出库"))
    if not reason.strip():
        raise ValidationError({"exit_reason": _("请填写出库原因")})
    membership.exited_on = exited_on
    membership.exit_reason = reason
    return audited_save(membership, acting_user=acting_user, reason=reason)
